#include "core/order_redact.h"

#include <stdbool.h>
#include <string.h>

/* Members that carry money or payment identity, wherever they appear. */
static const char *const money_keys[] = {
    "payment",        "amounts",      "amount",     "amount_fen", "unit_price",         "price",
    "paid",           "paid_fen",     "paid_at",    "total",      "transaction_id",     "discounts",
    "discount_total", "shipping_fee", "line_edits", "to_collect", "to_refund",          "refunds",
    "refund",         "refunds_fen",  "review",     "client_ip",  "payment_expires_at", NULL};

static bool is_money_key(const char *key) {
    for (int i = 0; money_keys[i]; i++)
        if (strcmp(key, money_keys[i]) == 0)
            return true;
    return false;
}

static void strip(json_t *node) {
    if (json_is_array(node)) {
        size_t i;
        json_t *v;
        json_array_foreach(node, i, v) strip(v);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(node, tmp, key, v) {
        if (is_money_key(key))
            json_object_del(node, key);
        else
            strip(v);
    }
}

void order_view_redact_payment(json_t *order) {
    if (!json_is_object(order))
        return;
    strip(order);
    size_t i;
    json_t *hold;
    json_array_foreach(json_object_get(order, "holds"), i, hold) {
        json_object_del(hold, "message");
        json_object_del(hold, "detail");
    }
    json_object_set_new(order, "payment_redacted", json_true());
}

static bool is_money_event(const char *type) {
    static const char *const words[] = {"payment", "invoice", "refund", "lines_edited", NULL};
    for (int i = 0; type && words[i]; i++)
        if (strstr(type, words[i]))
            return true;
    return false;
}

void order_events_redact_payment(json_t *events) {
    if (!json_is_array(events))
        return;
    for (size_t i = json_array_size(events); i-- > 0;) {
        json_t *e = json_array_get(events, i);
        if (is_money_event(json_string_value(json_object_get(e, "type"))))
            json_array_remove(events, i);
        else
            strip(e);
    }
}
