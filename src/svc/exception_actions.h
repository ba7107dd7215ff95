#ifndef ORDO_SVC_EXCEPTION_ACTIONS_H
#define ORDO_SVC_EXCEPTION_ACTIONS_H

#include <jansson.h>

#include "svc/op.h"

/* What a person does about an open exception (core/exception_action.h), each recorded with
 * who and when on the exception and on its order's timeline:
 *
 * - contact_buyer, contact_carrier, note: recorded, nothing else changes;
 * - wait: the buyer agrees to wait for restock (until when, optionally), which the order
 *   already does;
 * - swap: the missing SKU of a line becomes another, through the order line edit
 *   (svc/order_lines_edit.c); the exception resolves if that makes the order whole;
 * - cancel: the order is cancelled and its stock released (order_cancel_in_tx), what the buyer
 *   paid is recorded as to_refund, and the exception resolves;
 * - split: the buyer accepts the order in parts: it becomes splittable and takes what stock
 *   there is now, the rest on restock.
 *
 * wait, swap and split are for a stock_short exception of an order the warehouse has not
 * started; the exception keeps the latest decision.
 *
 * body (borrowed): {action, note?, until? (wait), line, sku, qty?, unit_price?, allow_short?
 * (swap)}. Returns NULL with the 4xx in *immediate when the body is malformed. */
svc_op_t *exception_action_op(app_t *app, int64_t id, json_t *body, const char *actor,
                              svc_result_t *immediate);

#endif
