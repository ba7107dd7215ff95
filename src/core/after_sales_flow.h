#ifndef ORDO_CORE_AFTER_SALES_FLOW_H
#define ORDO_CORE_AFTER_SALES_FLOW_H

#include <stdbool.h>

/* An after-sales ticket (售后工单) as one table, like core/lifecycle.h for orders: every legal
 * move is a row (types it applies to, from, event, to); anything else is refused.
 *
 *   requested ─approve→ approved ─ship_return→ return_in_transit ─receive→ received
 *       │                  │  └──────────────receive───────────────────────┘     │
 *       └reject→ rejected  ├refund→ refunded (refund_only)                inspect│
 *                          └exchange→ exchanged (reissue)                        ↓
 *                                     inspected ─refund→ refunded (return_refund)
 *                                               ─exchange→ exchanged (exchange)
 *                                               ─close→ closed
 * A ticket may also be closed before anything was sent back (requested, approved). */

typedef enum {
    AS_TYPE_REFUND_ONLY,
    AS_TYPE_RETURN_REFUND,
    AS_TYPE_EXCHANGE,
    AS_TYPE_REISSUE,
    AS__TYPE_COUNT
} as_type_t;

typedef enum {
    AS_REQUESTED,
    AS_APPROVED,
    AS_REJECTED,
    AS_RETURN_IN_TRANSIT,
    AS_RECEIVED,
    AS_INSPECTED,
    AS_REFUNDED,
    AS_EXCHANGED,
    AS_CLOSED,
    AS__STATE_COUNT
} as_state_t;

typedef enum {
    AS_EV_APPROVE,
    AS_EV_REJECT,
    AS_EV_SHIP_RETURN,
    AS_EV_RECEIVE,
    AS_EV_INSPECT,
    AS_EV_REFUND,
    AS_EV_EXCHANGE,
    AS_EV_CLOSE,
    AS__EVENT_COUNT
} as_event_t;

#define AS_TYPE_NAMES "refund_only, return_refund, exchange, reissue"

const char *as_type_name(as_type_t t);
const char *as_state_name(as_state_t s);
const char *as_event_name(as_event_t e);
/* -1 for an unknown name. */
int as_type_from_name(const char *name);
int as_state_from_name(const char *name);

/* The move for `event` from `from` for a ticket of type t; false (and *to untouched) when the
 * table has none. */
bool as_next(as_type_t t, as_state_t from, as_event_t event, as_state_t *to);

/* Whether the buyer sends goods back (return_refund, exchange). */
bool as_type_returns_goods(as_type_t t);
/* Whether a state is one a ticket never leaves (refunded may still take a further partial
 * refund: see as_next). */
bool as_state_is_final(as_state_t s);

/* The SLA: hours a ticket may stay in each state unless configured otherwise (0: no
 * deadline). */
int as_default_sla_hours(as_state_t s);
/* The window in days after delivery (or shipment, when undelivered) within which a ticket of
 * type t may be opened, unless configured otherwise. */
int as_default_window_days(as_type_t t);

#endif
