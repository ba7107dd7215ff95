#ifndef ORDO_SVC_MERGES_H
#define ORDO_SVC_MERGES_H

#include <jansson.h>

#include "svc/op.h"

/* Merged shipments (合单): open orders of one buyer, address and warehouse, approved and not
 * yet picked, picked as one wave candidate, packed into one box and shipped under one
 * tracking number (svc/waves.c, svc/pack.c, svc/ship.c). Each member keeps its own lines,
 * parcel row, stock consumption and status. Formed on request or, with the merge rule on,
 * by POST /v1/waves before it plans. */

/* POST /v1/merges {orders: [order_no, ...]} (2..20). */
svc_op_t *merge_create_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate);

/* GET /v1/merges/{id}. */
void merge_get(app_t *app, int64_t id, svc_result_t *r);

/* DELETE /v1/merges/{id}: while every member not cancelled is still approved. */
svc_op_t *merge_delete_op(app_t *app, int64_t id, const char *actor, svc_result_t *immediate);

/* GET and PUT /v1/merges/rule {enabled}. */
void merge_rule_get(app_t *app, svc_result_t *r);
svc_op_t *merge_rule_put_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate);

/* Inside a wave's transaction: when the merge rule is on, merges every run of candidate
 * orders at the warehouse sharing phone and address key (created_by "rules"). */
int merge_by_rule(store_t *s, const char *warehouse, int64_t now_ms);

/* {id, orders: [order_no...]} of the order's merge into *out, or *out NULL when none. */
int merge_of_order_json(store_t *s, int64_t order_id, json_t **out);

/* The members (cancelled ones left out) of the shipment the order is in: *merge_id 0 and
 * *n 0 when it is in none. */
int merge_shipment_of(store_t *s, int64_t order_id, int64_t *merge_id, merge_member_t *out, int *n);

#endif
