#include "core/lifecycle.h"

#include <string.h>

static const char *status_names[ORDER__STATUS_COUNT] = {
    [ORDER_PENDING_PAYMENT] = "pending_payment",
    [ORDER_PENDING_REVIEW] = "pending_review",
    [ORDER_APPROVED] = "approved",
    [ORDER_PICKING] = "picking",
    [ORDER_PACKED] = "packed",
    [ORDER_PARTIALLY_SHIPPED] = "partially_shipped",
    [ORDER_SHIPPED] = "shipped",
    [ORDER_OUT_FOR_DELIVERY] = "out_for_delivery",
    [ORDER_DELIVERED] = "delivered",
    [ORDER_COMPLETED] = "completed",
    [ORDER_CANCELLED] = "cancelled",
};

static const char *event_names[ORDER__EVENT_COUNT] = {
    [ORDER_EV_PAY] = "pay",
    [ORDER_EV_APPROVE] = "approve",
    [ORDER_EV_RETURN_TO_REVIEW] = "return_to_review",
    [ORDER_EV_START_PICKING] = "start_picking",
    [ORDER_EV_PACK] = "pack",
    [ORDER_EV_SHIP_PARTIAL] = "ship_partial",
    [ORDER_EV_SHIP] = "ship",
    [ORDER_EV_OUT_FOR_DELIVERY] = "out_for_delivery",
    [ORDER_EV_DELIVER] = "deliver",
    [ORDER_EV_COMPLETE] = "complete",
    [ORDER_EV_CANCEL] = "cancel",
};

static const struct {
    order_status_t from;
    order_event_t event;
    order_status_t to;
} transitions[] = {
    {ORDER_PENDING_PAYMENT, ORDER_EV_PAY, ORDER_PENDING_REVIEW},
    {ORDER_PENDING_PAYMENT, ORDER_EV_CANCEL, ORDER_CANCELLED},
    {ORDER_PENDING_REVIEW, ORDER_EV_APPROVE, ORDER_APPROVED},
    {ORDER_PENDING_REVIEW, ORDER_EV_CANCEL, ORDER_CANCELLED},
    {ORDER_APPROVED, ORDER_EV_RETURN_TO_REVIEW, ORDER_PENDING_REVIEW},
    {ORDER_APPROVED, ORDER_EV_START_PICKING, ORDER_PICKING},
    {ORDER_APPROVED, ORDER_EV_CANCEL, ORDER_CANCELLED},
    /* A pick can still be abandoned: the goods go back to their bins. */
    {ORDER_PICKING, ORDER_EV_PACK, ORDER_PACKED},
    {ORDER_PICKING, ORDER_EV_CANCEL, ORDER_CANCELLED},
    {ORDER_PACKED, ORDER_EV_SHIP, ORDER_SHIPPED},
    {ORDER_PACKED, ORDER_EV_SHIP_PARTIAL, ORDER_PARTIALLY_SHIPPED},
    /* Backordered lines of a split order go out later as further parcels. */
    {ORDER_PARTIALLY_SHIPPED, ORDER_EV_SHIP_PARTIAL, ORDER_PARTIALLY_SHIPPED},
    {ORDER_PARTIALLY_SHIPPED, ORDER_EV_SHIP, ORDER_SHIPPED},
    /* ...after the backorder is restocked, they are picked like any order. */
    {ORDER_PARTIALLY_SHIPPED, ORDER_EV_START_PICKING, ORDER_PICKING},
    {ORDER_SHIPPED, ORDER_EV_OUT_FOR_DELIVERY, ORDER_OUT_FOR_DELIVERY},
    {ORDER_SHIPPED, ORDER_EV_DELIVER, ORDER_DELIVERED},
    {ORDER_OUT_FOR_DELIVERY, ORDER_EV_DELIVER, ORDER_DELIVERED},
    {ORDER_DELIVERED, ORDER_EV_COMPLETE, ORDER_COMPLETED},
    /* Auto-confirmation when no delivery event ever arrives. */
    {ORDER_SHIPPED, ORDER_EV_COMPLETE, ORDER_COMPLETED},
    {ORDER_OUT_FOR_DELIVERY, ORDER_EV_COMPLETE, ORDER_COMPLETED},
};

const char *order_status_name(order_status_t s) {
    return (unsigned)s < ORDER__STATUS_COUNT ? status_names[s] : "unknown";
}

int order_status_from_name(const char *name) {
    for (int i = 0; i < ORDER__STATUS_COUNT; i++)
        if (strcmp(status_names[i], name) == 0)
            return i;
    return -1;
}

const char *order_event_name(order_event_t e) {
    return (unsigned)e < ORDER__EVENT_COUNT ? event_names[e] : "unknown";
}

bool lifecycle_next(order_status_t from, order_event_t event, order_status_t *to) {
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        if (transitions[i].from == from && transitions[i].event == event) {
            *to = transitions[i].to;
            return true;
        }
    }
    return false;
}

bool lifecycle_is_final(order_status_t s) {
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (transitions[i].from == s)
            return false;
    return true;
}

bool lifecycle_holds_stock(order_status_t s) {
    return s == ORDER_PENDING_PAYMENT || s == ORDER_PENDING_REVIEW || s == ORDER_APPROVED ||
           s == ORDER_PICKING || s == ORDER_PACKED || s == ORDER_PARTIALLY_SHIPPED;
}

bool lifecycle_editable(order_status_t s) {
    return s == ORDER_PENDING_PAYMENT || s == ORDER_PENDING_REVIEW || s == ORDER_APPROVED;
}
