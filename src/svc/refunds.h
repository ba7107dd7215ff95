#ifndef ORDO_SVC_REFUNDS_H
#define ORDO_SVC_REFUNDS_H

#include <jansson.h>

#include "svc/op.h"

/* Refunds of an after-sales ticket, through the refund provider (svc/refund_provider.h).
 *
 * A refund is recorded pending first (so two requests can never together pay out more than
 * was paid), then the provider is asked — off the writer thread, in the op's finish — and
 * the outcome recorded: succeeded moves the ticket to refunded; failed leaves the ticket as
 * it was and the refund failed, to be retried (POST /v1/refunds/{id}/retry, same refund_no).
 * A refund left pending (the answer never recorded: the client went away, the server
 * stopped) is retried the same way; the provider makes one refund per refund_no.
 *
 * What may still be refunded: what the buyer paid, less the refunds pending or made, less
 * what ordo already owes the buyer outside refunds — the to_refund of line edits and of an
 * exception's cancel decision (recorded there, paid back outside this table): counted once. */

/* POST /v1/after-sales/{id}/refund {amount} (fen). */
svc_op_t *refund_op(app_t *app, int64_t after_sales_id, json_t *body, const char *actor,
                    svc_result_t *immediate);
/* POST /v1/refunds/{id}/retry. */
svc_op_t *refund_retry_op(app_t *app, int64_t refund_id, const char *actor);

void refund_get(app_t *app, int64_t id, svc_result_t *r);
/* GET /v1/orders/{no}/refunds: {order_no, paid, refunded, pending, owed_by_line_edits,
 * owed_by_cancellation, refundable, refunds}. */
void order_refunds(app_t *app, const char *order_no, svc_result_t *r);

#endif
