#include "core/after_sales_flow.h"

#include <string.h>

static const char *const type_names[AS__TYPE_COUNT] = {
    [AS_TYPE_REFUND_ONLY] = "refund_only",
    [AS_TYPE_RETURN_REFUND] = "return_refund",
    [AS_TYPE_EXCHANGE] = "exchange",
    [AS_TYPE_REISSUE] = "reissue",
};

static const char *const state_names[AS__STATE_COUNT] = {
    [AS_REQUESTED] = "requested", [AS_APPROVED] = "approved",
    [AS_REJECTED] = "rejected",   [AS_RETURN_IN_TRANSIT] = "return_in_transit",
    [AS_RECEIVED] = "received",   [AS_INSPECTED] = "inspected",
    [AS_REFUNDED] = "refunded",   [AS_EXCHANGED] = "exchanged",
    [AS_CLOSED] = "closed",
};

static const char *const event_names[AS__EVENT_COUNT] = {
    [AS_EV_APPROVE] = "approve",   [AS_EV_REJECT] = "reject",   [AS_EV_SHIP_RETURN] = "ship_return",
    [AS_EV_RECEIVE] = "receive",   [AS_EV_INSPECT] = "inspect", [AS_EV_REFUND] = "refund",
    [AS_EV_EXCHANGE] = "exchange", [AS_EV_CLOSE] = "close",
};

#define ANY ((1u << AS__TYPE_COUNT) - 1)
#define T(x) (1u << (x))
#define RETURNS (T(AS_TYPE_RETURN_REFUND) | T(AS_TYPE_EXCHANGE))

static const struct {
    unsigned types;
    as_state_t from;
    as_event_t event;
    as_state_t to;
} transitions[] = {
    {ANY, AS_REQUESTED, AS_EV_APPROVE, AS_APPROVED},
    {ANY, AS_REQUESTED, AS_EV_REJECT, AS_REJECTED},
    {ANY, AS_REQUESTED, AS_EV_CLOSE, AS_CLOSED},
    {T(AS_TYPE_REFUND_ONLY), AS_APPROVED, AS_EV_REFUND, AS_REFUNDED},
    {T(AS_TYPE_REISSUE), AS_APPROVED, AS_EV_EXCHANGE, AS_EXCHANGED},
    {RETURNS, AS_APPROVED, AS_EV_SHIP_RETURN, AS_RETURN_IN_TRANSIT},
    /* The parcel may reach the warehouse before the buyer reports its tracking number. */
    {RETURNS, AS_APPROVED, AS_EV_RECEIVE, AS_RECEIVED},
    {ANY, AS_APPROVED, AS_EV_CLOSE, AS_CLOSED},
    {RETURNS, AS_RETURN_IN_TRANSIT, AS_EV_RECEIVE, AS_RECEIVED},
    {RETURNS, AS_RECEIVED, AS_EV_INSPECT, AS_INSPECTED},
    {T(AS_TYPE_RETURN_REFUND), AS_INSPECTED, AS_EV_REFUND, AS_REFUNDED},
    {T(AS_TYPE_EXCHANGE), AS_INSPECTED, AS_EV_EXCHANGE, AS_EXCHANGED},
    {RETURNS, AS_INSPECTED, AS_EV_CLOSE, AS_CLOSED},
    /* A partial refund may be followed by another, up to what was paid. */
    {T(AS_TYPE_REFUND_ONLY) | T(AS_TYPE_RETURN_REFUND), AS_REFUNDED, AS_EV_REFUND, AS_REFUNDED},
};

static int lookup(const char *const *names, int n, const char *name) {
    for (int i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *as_type_name(as_type_t t) {
    return (unsigned)t < AS__TYPE_COUNT ? type_names[t] : "unknown";
}

const char *as_state_name(as_state_t s) {
    return (unsigned)s < AS__STATE_COUNT ? state_names[s] : "unknown";
}

const char *as_event_name(as_event_t e) {
    return (unsigned)e < AS__EVENT_COUNT ? event_names[e] : "unknown";
}

int as_type_from_name(const char *name) {
    return lookup(type_names, AS__TYPE_COUNT, name);
}

int as_state_from_name(const char *name) {
    return lookup(state_names, AS__STATE_COUNT, name);
}

bool as_next(as_type_t t, as_state_t from, as_event_t event, as_state_t *to) {
    if ((unsigned)t >= AS__TYPE_COUNT)
        return false;
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if ((transitions[i].types & T(t)) && transitions[i].from == from &&
            transitions[i].event == event) {
            *to = transitions[i].to;
            return true;
        }
    return false;
}

bool as_type_returns_goods(as_type_t t) {
    return t == AS_TYPE_RETURN_REFUND || t == AS_TYPE_EXCHANGE;
}

bool as_state_is_final(as_state_t s) {
    return s == AS_REJECTED || s == AS_REFUNDED || s == AS_EXCHANGED || s == AS_CLOSED;
}

int as_default_sla_hours(as_state_t s) {
    switch (s) {
    case AS_REQUESTED:
        return 24; /* a person decides within a day */
    case AS_APPROVED:
        return 72;
    case AS_RETURN_IN_TRANSIT:
        return 168;
    case AS_RECEIVED:
    case AS_INSPECTED:
        return 24;
    default:
        return 0;
    }
}

int as_default_window_days(as_type_t t) {
    /* 7-day no-reason return (七天无理由退货); quality problems get longer. */
    return t == AS_TYPE_RETURN_REFUND ? 7 : 15;
}
