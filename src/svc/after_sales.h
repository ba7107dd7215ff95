#ifndef ORDO_SVC_AFTER_SALES_H
#define ORDO_SVC_AFTER_SALES_H

#include <jansson.h>

#include "core/after_sales_flow.h"
#include "svc/op.h"

/* After-sales tickets (售后工单): a buyer's request about a shipped order — refund only, return
 * and refund, exchange, reissue — worked by a customer-service agent through the ticket's
 * state machine (core/after_sales_flow.h), every message and decision on the ticket's log and
 * every decision on the order's timeline too. Refunds: svc/refunds.c; the goods a ticket
 * sends out: svc/after_sales_outbound.c. */

/* POST /v1/orders/{no}/after-sales {type, items: [{sku, qty, exchange_sku?}], reason,
 * evidence?: [urls]}: inside the type's window after delivery (or the last shipment when no
 * delivery was recorded), for at most what was shipped less what other tickets (not rejected)
 * already claim. */
svc_op_t *after_sales_create_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                                svc_result_t *immediate);

typedef enum {
    AS_ACT_APPROVE,         /* {note?}; a reissue sends its goods out at once */
    AS_ACT_REJECT,          /* {reason} */
    AS_ACT_CLOSE,           /* {note?} */
    AS_ACT_ASSIGN,          /* {assignee} */
    AS_ACT_MESSAGE,         /* {text, author?} */
    AS_ACT_RETURN_SHIPMENT, /* {carrier, tracking_no} */
    AS_ACT_RECEIVE, /* {items: [{sku, qty, condition, lot?}], warehouse?}; an exchange's goods
                     * go out once its return is inspected */
} as_action_t;

svc_op_t *after_sales_action_op(app_t *app, int64_t id, as_action_t action, json_t *body,
                                const char *actor, svc_result_t *immediate);

void after_sales_get(app_t *app, int64_t id, svc_result_t *r);

/* Filters as store/after_sales_store.h has them (f->overdue_at_ms > 0 for overdue only);
 * each ticket's "overdue" flag is as of as_of_ms. */
void after_sales_list(app_t *app, const after_sales_filter_t *f, int64_t as_of_ms, svc_result_t *r);

/* Damaged returned units by warehouse and SKU (warehouse NULL: all). */
void after_sales_damaged(app_t *app, const char *warehouse, svc_result_t *r);

/* For svc/refunds.c, inside a write. */
/* Loads the ticket (404 naming it). */
ordo_err_t as_load(store_t *s, svc_op_t *op, int64_t id, json_t **ticket);
/* Moves the ticket by event (409 when its state machine has no such move), with its new SLA
 * deadline, on its log and the order's timeline; ticket's "status" follows. */
ordo_err_t as_move(store_t *s, svc_op_t *op, json_t *ticket, as_event_t event, const char *text,
                   const char *detail_json);
/* A log entry that moves nothing. */
int as_log_note(store_t *s, svc_op_t *op, int64_t id, const char *kind, const char *text,
                const char *detail_json);
/* The ticket as GET shows it: with its log (timeline), receipts, refunds and whether it is
 * overdue as of now_ms. */
int as_view(store_t *s, int64_t id, int64_t now_ms, json_t **out);

#endif
