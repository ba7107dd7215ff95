#ifndef ORDO_CORE_MSG_TEMPLATE_H
#define ORDO_CORE_MSG_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

/* Buyer messages as data: which timeline events a buyer hears about, and the templates their
 * texts are rendered from. Pure: no I/O. */

/* The events a buyer is told of. Several timeline moves may map to one (an order approved at
 * intake and one approved after review are both order_confirmed). */
typedef enum {
    MSG_EV_ORDER_PLACED, /* created, not yet confirmed (awaiting payment or review) */
    MSG_EV_ORDER_CONFIRMED,
    MSG_EV_PAYMENT_FAILED,
    MSG_EV_PARTIALLY_SHIPPED,
    MSG_EV_SHIPPED,
    MSG_EV_OUT_FOR_DELIVERY,
    MSG_EV_DELIVERED,
    MSG_EV_CANCELLED,
    MSG_EV_DELIVERY_ISSUE, /* a parcel late, in trouble or returned (tracking_detect.c) */
    /* A parcel in trouble on the road (a logistics case): opened, the goods sent again, the
     * buyer refunded, the case closed. */
    MSG_EV_LOGISTICS_CASE_OPENED,
    MSG_EV_LOGISTICS_RESHIPPED,
    MSG_EV_LOGISTICS_REFUNDED,
    MSG_EV_LOGISTICS_CASE_RESOLVED,
    MSG_EV__COUNT
} msg_event_t;

typedef enum { MSG_MEDIUM_SMS, MSG_MEDIUM_EMAIL, MSG_MEDIUM__COUNT } msg_medium_t;

const char *msg_event_name(msg_event_t e);
int msg_event_from_name(const char *name); /* -1 when unknown */
const char *msg_medium_name(msg_medium_t m);
int msg_medium_from_name(const char *name); /* -1 when unknown */
/* "order_placed, order_confirmed, …": for error messages. Static. */
const char *msg_event_names(void);

/* The buyer event an outbox message stands for, from its topic ("order.created",
 * "order.status_changed", "order.payment_failed", "order.logistics_reshipped", …) and the
 * status it moved to (NULL when none); -1 when the buyer is not told of it. */
int msg_event_of(const char *topic, const char *to_status);

/* The values a template may use, written {{name}} in its text. */
typedef enum {
    MSG_VAR_ORDER_NO,
    MSG_VAR_BUYER_NAME,
    MSG_VAR_AMOUNT, /* the order's total in yuan, "88.08" */
    MSG_VAR_REASON, /* the event's reason as recorded (e.g. the provider's failure text) */
    MSG_VAR_PAY_URL,
    MSG_VAR_CHANNEL,
    MSG_VAR_CARRIER,     /* a shipment's carrier, by name */
    MSG_VAR_TRACKING_NO, /* and its tracking number(s) */
    MSG_VAR_PROBLEM, /* what happened to a parcel, in the buyer's words ("在运输途中丢失") */
    MSG_VAR_RESHIP_NO,     /* the order that sends the goods again */
    MSG_VAR_REFUND_AMOUNT, /* in yuan, "12.50" */
    MSG_VAR__COUNT
} msg_var_t;

const char *msg_var_name(msg_var_t v);
/* "order_no, buyer_name, …": for error messages. Static. */
const char *msg_var_names(void);

typedef struct {
    const char *values[MSG_VAR__COUNT]; /* NULL renders as "" */
} msg_vars_t;

/* Checks a template's placeholders. Returns true when every {{…}} names a known value; else
 * false with a sentence naming the first problem (an unknown name, or a "{{" never closed)
 * written into err. A lone "{" or "}" is plain text. Nothing is returned to own. */
bool msg_template_check(const char *text, char *err, size_t err_len);

/* Renders a template (already checked) with vars: a heap string the caller frees, or NULL
 * when memory ran out. An unknown placeholder renders as itself, so nothing is lost. When
 * url_encode is true every value is percent-encoded (RFC 3986 unreserved characters stay):
 * for templates that make a URL. */
char *msg_template_render(const char *text, const msg_vars_t *vars, bool url_encode);

/* A built-in template: what a buyer is sent until a stored template replaces it. */
typedef struct {
    const char *subject; /* NULL for sms */
    const char *body;
} msg_default_t;

/* The built-in template (Chinese) of an event and medium, or NULL when the event is not sent
 * by that medium unless a template is stored (order_placed: marketplaces tell their buyers
 * themselves). Static. */
const msg_default_t *msg_default_template(msg_event_t e, msg_medium_t m);

/* Formats an amount in fen as yuan, "88.08" or "-0.50", into buf (at least 24 bytes). */
char *msg_format_yuan(long long fen, char *buf, size_t len);

#endif
