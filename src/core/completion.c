#include "core/completion.h"

#include <stddef.h>
#include <string.h>

void completion_settings_default(completion_settings_t *c) {
    c->after_delivery_days = COMPLETION_AFTER_DELIVERY_DAYS_DEFAULT;
    c->after_shipment_days = COMPLETION_AFTER_SHIPMENT_DAYS_DEFAULT;
    c->low_rating_max = COMPLETION_LOW_RATING_MAX_DEFAULT;
}

static const struct {
    const char *key;
    size_t offset;
    int min, max;
} knobs[] = {
    {"after_delivery_days", offsetof(completion_settings_t, after_delivery_days), 1,
     COMPLETION_DAYS_MAX},
    {"after_shipment_days", offsetof(completion_settings_t, after_shipment_days), 1,
     COMPLETION_DAYS_MAX},
    /* 5 would make every review low. */
    {"low_rating_max", offsetof(completion_settings_t, low_rating_max), 1, 4},
};

#define N_KNOBS (sizeof knobs / sizeof knobs[0])

bool completion_settings_apply(json_t *obj, completion_settings_t *c, field_errors_t *errs) {
    int before = errs->count + errs->dropped;
    completion_settings_t next = *c;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t k = 0;
        while (k < N_KNOBS && strcmp(knobs[k].key, key) != 0)
            k++;
        if (k == N_KNOBS) {
            field_errors_add(errs, key, "unknown_field",
                             "%.40s is not a setting: after_delivery_days, after_shipment_days, "
                             "low_rating_max",
                             key);
            continue;
        }
        if (!json_is_integer(v)) {
            field_errors_add(errs, key, "wrong_type", "%s must be a whole number", key);
            continue;
        }
        json_int_t n = json_integer_value(v);
        if (n < knobs[k].min || n > knobs[k].max) {
            field_errors_add(errs, key, "out_of_range", "%s must be %d to %d", key, knobs[k].min,
                             knobs[k].max);
            continue;
        }
        *(int *)((char *)&next + knobs[k].offset) = (int)n;
    }
    if (errs->count + errs->dropped != before)
        return false;
    *c = next;
    return true;
}

json_t *completion_settings_to_json(const completion_settings_t *c) {
    return json_pack("{s:i, s:i, s:i}", "after_delivery_days", c->after_delivery_days,
                     "after_shipment_days", c->after_shipment_days, "low_rating_max",
                     c->low_rating_max);
}

bool completion_buyer_may_confirm(order_status_t s) {
    order_status_t to;
    return s != ORDER_PARTIALLY_SHIPPED && lifecycle_next(s, ORDER_EV_COMPLETE, &to);
}

int64_t completion_due_at(const completion_settings_t *c, order_status_t s, int64_t shipped_ms,
                          int64_t delivered_ms, const char **rule) {
    *rule = NULL;
    if (s == ORDER_DELIVERED && delivered_ms > 0) {
        *rule = "after_delivery";
        return delivered_ms + c->after_delivery_days * DAY_MS;
    }
    if ((s == ORDER_SHIPPED || s == ORDER_OUT_FOR_DELIVERY) && shipped_ms > 0) {
        *rule = "after_shipment";
        return shipped_ms + c->after_shipment_days * DAY_MS;
    }
    return 0;
}
