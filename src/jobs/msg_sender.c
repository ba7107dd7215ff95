#include "jobs/msg_sender.h"

#include <string.h>

static const msg_sender_t *const senders[] = {&sender_smtp, &sender_sms_http};

const msg_sender_t *msg_sender_find(const char *kind) {
    for (size_t i = 0; kind && i < sizeof senders / sizeof senders[0]; i++)
        if (strcmp(senders[i]->kind, kind) == 0)
            return senders[i];
    return NULL;
}
