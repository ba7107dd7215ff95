#ifndef ORDO_CORE_LIFECYCLE_H
#define ORDO_CORE_LIFECYCLE_H

#include <stdbool.h>

/* The order lifecycle as one table: every legal move is a row (from, event, to); anything
 * else is refused. Later stages (review holds, partial shipment, after-sales) add rows, not
 * special cases. */
typedef enum {
    ORDER_PENDING_PAYMENT,
    ORDER_PENDING_REVIEW,
    ORDER_APPROVED,
    ORDER_PICKING,
    ORDER_PACKED,
    ORDER_PARTIALLY_SHIPPED,
    ORDER_SHIPPED,
    ORDER_OUT_FOR_DELIVERY,
    ORDER_DELIVERED,
    ORDER_COMPLETED,
    ORDER_CANCELLED,
    ORDER__STATUS_COUNT
} order_status_t;

typedef enum {
    ORDER_EV_PAY,
    ORDER_EV_APPROVE,
    ORDER_EV_RETURN_TO_REVIEW,
    ORDER_EV_START_PICKING,
    ORDER_EV_PACK,
    ORDER_EV_SHIP_PARTIAL,
    ORDER_EV_SHIP,
    ORDER_EV_OUT_FOR_DELIVERY,
    ORDER_EV_DELIVER,
    ORDER_EV_COMPLETE,
    ORDER_EV_CANCEL,
    ORDER__EVENT_COUNT
} order_event_t;

const char *order_status_name(order_status_t s);
/* Returns -1 for an unknown name. */
int order_status_from_name(const char *name);
const char *order_event_name(order_event_t e);

/* Looks up the move for `event` from `from`. Returns false (and leaves *to alone) when the
 * table has no such row: the caller answers 409 naming the current state. */
bool lifecycle_next(order_status_t from, order_event_t event, order_status_t *to);

/* True for states an order never leaves. */
bool lifecycle_is_final(order_status_t s);

/* True while the order's stock is still held for it (reservations exist and may be released
 * by a cancellation); false once goods have left or the order is closed. */
bool lifecycle_holds_stock(order_status_t s);

/* True before the warehouse starts work on the order (picking): its recipient and its lines
 * may still change, since nothing has been picked against them. */
bool lifecycle_editable(order_status_t s);

#endif
