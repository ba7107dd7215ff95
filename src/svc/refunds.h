#ifndef ORDO_SVC_REFUNDS_H
#define ORDO_SVC_REFUNDS_H

#include <jansson.h>
#include <stdatomic.h>

#include "store/store.h"
#include "svc/op.h"
#include "svc/refund_provider.h"

/* Refunds of an after-sales ticket, through the refund provider (svc/refund_provider.h).
 *
 * A refund is recorded pending and due (so two requests can never together pay out more than
 * was paid) and the request answered 202 at once; the refund worker (jobs/refund_worker.c)
 * asks the provider on its own thread — never an HTTP thread — and records the answer:
 * succeeded moves the ticket to refunded; refused (the provider's definite no) frees the
 * amount and leaves the ticket as it was, to be retried by hand (POST /v1/refunds/{id}/retry);
 * anything else (no answer in time, a 5xx, ...) is not known — the provider may have paid —
 * so the refund stays pending, its amount held, and is asked again with backoff under the
 * same refund_no, for which the provider makes one refund. Pending refunds are asked again at
 * start-up too. GET /v1/refunds?status=pending&min_attempts=N lists the ones stuck.
 *
 * What may still be refunded: what the buyer paid, less the refunds pending or made, less
 * what ordo already owes the buyer outside refunds — the to_refund of line edits and of an
 * exception's decisions (a cancellation, a logistics case's refund; recorded there, paid back
 * outside this table): counted once. Every refund of any origin goes through refund_budget. */

typedef struct {
    int64_t paid, refunded, pending, owed_edits, owed_cancel, refundable;
} refund_budget_t;

/* The order's refund budget as above; a store code. */
int refund_budget(store_t *s, const order_rec_t *rec, refund_budget_t *b);

/* POST /v1/after-sales/{id}/refund {amount} (fen): 202 with the refund, pending. */
svc_op_t *refund_op(app_t *app, int64_t after_sales_id, json_t *body, const char *actor,
                    svc_result_t *immediate);
/* POST /v1/refunds/{id}/retry: a refused refund (budget permitting) or a pending one, asked
 * again now; 202 with the refund, pending. */
svc_op_t *refund_retry_op(app_t *app, int64_t refund_id, const char *actor);

void refund_get(app_t *app, int64_t id, svc_result_t *r);
/* GET /v1/refunds: {items, next_cursor}. */
void refunds_list(app_t *app, const refund_filter_t *f, svc_result_t *r);
/* GET /v1/orders/{no}/refunds: {order_no, paid, refunded, pending, owed_by_line_edits,
 * owed_by_cancellation, refundable, refunds}. */
void order_refunds(app_t *app, const char *order_no, svc_result_t *r);

/* The refund worker's side. refund_ask asks the provider for one pending refund (a row as
 * refunds_list gives it) and waits for the answer; it gives up (unknown) once *stop is set.
 * refund_settle_op records the outcome: an unknown one keeps the refund pending until
 * next_attempt_ms, and is told on the ticket and order timeline the first time and when it
 * has lasted alert_attempts attempts. */
void refund_ask(app_t *app, const json_t *refund, refund_outcome_t *out, const atomic_bool *stop);
svc_op_t *refund_settle_op(app_t *app, int64_t refund_id, const refund_outcome_t *out,
                           int64_t next_attempt_ms, int alert_attempts);

#endif
