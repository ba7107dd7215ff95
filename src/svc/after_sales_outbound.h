#ifndef ORDO_SVC_AFTER_SALES_OUTBOUND_H
#define ORDO_SVC_AFTER_SALES_OUTBOUND_H

#include <jansson.h>

#include "svc/op.h"

/* The goods an after-sales ticket sends out — an exchange's replacements, a reissue's missing
 * or damaged items — as an order of their own, so they go through allocation, picking,
 * packing and shipping like any other: the original order's channel, buyer and address,
 * zero amount (already paid for), its items the ticket's (an item's exchange_sku when the
 * buyer swaps for another SKU), external id "AS<ticket>-<original order no>". With short
 * stock it is short or backordered like any order. */

/* Off the writer thread: builds the order from the ticket and its order and validates it;
 * NULL with the 4xx in *immediate. The ticket (borrowed) as the store gives it. */
svc_op_t *as_outbound_prepare(app_t *app, json_t *ticket, const char *actor,
                              svc_result_t *immediate);

/* Inside the ticket's transaction: places the prepared order and links it to the ticket
 * (both timelines say so). Fails op with the order's refusal. */
ordo_err_t as_outbound_place(store_t *s, svc_op_t *op, svc_op_t *place, json_t *ticket,
                             char order_no_out[32]);

#endif
