#ifndef ORDO_SVC_COMPLETION_H
#define ORDO_SVC_COMPLETION_H

#include <jansson.h>

#include "core/completion.h"
#include "svc/op.h"

/* Completion: the buyer confirms receipt, or the order confirms itself some days after
 * delivery (or after shipment when no delivery event ever came). Either way the order moves
 * to completed, the timeline records order.completed, and its settlement line is written
 * (settlement_record) in the same transaction. */

/* The settings in effect (the defaults until a PUT). */
int completion_settings_load(store_t *s, completion_settings_t *c);
void completion_settings_get(app_t *app, svc_result_t *r);
/* PUT /v1/completion/settings: changes the keys given; 422 naming each bad one. */
svc_op_t *completion_settings_put_op(app_t *app, json_t *body, const char *actor,
                                     svc_result_t *immediate);

/* POST /v1/orders/{no}/confirm: from shipped, out_for_delivery or delivered; 409 otherwise. */
svc_op_t *order_confirm_op(app_t *app, const char *order_no, const char *actor);

/* Completes up to one batch of the orders due as of as_ms, in one transaction, so the writer
 * is never held long; the body: {completed, after_delivery, after_shipment}. */
svc_op_t *auto_confirm_batch_op(app_t *app, int64_t as_ms);

/* Runs batches until none is left (on the calling thread, each batch through the writer):
 * {as_of, completed, after_delivery, after_shipment, batches}. The timer thread calls it with
 * the clock, POST /v1/completion/run with the time asked for. */
void completion_sweep(app_t *app, int64_t as_ms, svc_result_t *r);

/* GET /v1/orders/{no}/completion: {order_no, status, shipped_at, delivered_at, completed_at,
 * auto_confirm_at, auto_confirm_rule, buyer_may_confirm}. */
void order_completion_get(app_t *app, const char *order_no, svc_result_t *r);

#endif
