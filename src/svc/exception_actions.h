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
 * - file_claim {amount_claimed}, claim_settled {amount_recovered}: a claim with the carrier
 *   and what it paid (fen; recovered at most claimed), one per case;
 * - reship {parcel?, items?}: the parcel's goods (or some: [{sku, qty}], at most what it held
 *   less what was already reshipped) sent again as a linked zero-amount order, approved, its
 *   stock reserved (short like any order when there is not enough);
 * - refund {parcel?, amount?}: the amount owed back (to_refund; by default what the parcel's
 *   goods cost), at most what was paid less what the order's exceptions already owe.
 *
 * wait, swap and split are for a stock_short exception of an order the warehouse has not
 * started; file_claim, claim_settled, reship and refund for a logistics_* exception (see
 * svc/logistics_cases.h); the exception keeps the latest decision.
 *
 * body (borrowed): {action, note?, until? (wait), line, sku, qty?, unit_price?, allow_short?
 * (swap), amount_claimed, amount_recovered, parcel?, items?, amount?}. Returns NULL with the 4xx in
 * *immediate when the body is malformed. */
svc_op_t *exception_action_op(app_t *app, int64_t id, json_t *body, const char *actor,
                              svc_result_t *immediate);

#endif
