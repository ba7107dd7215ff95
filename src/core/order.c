#include "core/order.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Indexed by channel_t; these names are stored in the database and sent by callers, so they
 * must never change. */
static const char *const channel_names[CHANNEL__COUNT] = {
    "taobao", "tmall", "jd", "douyin", "web", "store", "phone",
};

const char *channel_name(channel_t c) {
    if ((int)c < 0 || c >= CHANNEL__COUNT)
        return NULL;
    return channel_names[c];
}

int channel_from_name(const char *name) {
    if (!name)
        return -1;
    for (int i = 0; i < CHANNEL__COUNT; i++)
        if (strcmp(channel_names[i], name) == 0)
            return i;
    return -1;
}

void order_input_free(order_input_t *o) {
    if (!o)
        return;
    free(o->lines);
    if (o->doc)
        json_decref((json_t *)o->doc);
    memset(o, 0, sizeof *o);
}
