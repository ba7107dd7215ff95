#ifndef ORDO_CORE_COMPLETION_H
#define ORDO_CORE_COMPLETION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/lifecycle.h"

/* When an order completes by itself, and what counts as a low rating: the merchant's
 * completion settings, with the rules that follow from them (no I/O). */
typedef struct {
    int after_delivery_days; /* auto-confirm this long after the delivery event */
    int after_shipment_days; /* ...or this long after shipment when no delivery event came */
    int low_rating_max;      /* a review rated at or below this opens a low_rating exception */
} completion_settings_t;

#define COMPLETION_AFTER_DELIVERY_DAYS_DEFAULT 10
#define COMPLETION_AFTER_SHIPMENT_DAYS_DEFAULT 15
#define COMPLETION_LOW_RATING_MAX_DEFAULT 2
#define COMPLETION_DAYS_MAX 365

#define DAY_MS (24LL * 3600 * 1000)

void completion_settings_default(completion_settings_t *c);

/* Applies the keys present in obj over *c (a PUT changes what it names); every problem goes
 * to errs (unknown keys included) and then *c is left as it was. Returns true when valid. */
bool completion_settings_apply(json_t *obj, completion_settings_t *c, field_errors_t *errs);

json_t *completion_settings_to_json(const completion_settings_t *c);

/* Whether the buyer may confirm receipt in state s: once every parcel has left (shipped, out
 * for delivery, delivered). Buyers often confirm before the carrier's delivered event
 * arrives; partially shipped orders still have goods to come. */
bool completion_buyer_may_confirm(order_status_t s);

/* When an order in state s, shipped at shipped_ms and delivered at delivered_ms (0: never)
 * auto-confirms under c; 0 when it never does from that state. *rule names which rule
 * ("after_delivery" / "after_shipment"), or NULL. */
int64_t completion_due_at(const completion_settings_t *c, order_status_t s, int64_t shipped_ms,
                          int64_t delivered_ms, const char **rule);

#endif
