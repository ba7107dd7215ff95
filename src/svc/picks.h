#ifndef ORDO_SVC_PICKS_H
#define ORDO_SVC_PICKS_H

#include <jansson.h>
#include <stdbool.h>

#include "svc/op.h"

/* Working a pick task as a hand-held scanner does: scans checked against the list (item,
 * lot, quantity) with a count confirmed every PICK_COUNT_EVERY items, short picks (the bin
 * holds fewer than the list says) and QC rejects of picked units, each swapped for another
 * qualifying unit where the warehouse has one, else re-reserved elsewhere or backordered. */

#define PICK_COUNT_EVERY 10

/* POST /v1/picks/{task}/scan {barcode?, qty?, lot?, confirm_count?, scan_id?}. */
svc_op_t *pick_scan_op(app_t *app, int64_t task_id, json_t *body, const char *actor,
                       svc_result_t *immediate);

/* POST /v1/picks/{task}/short {sku, bin, found, lot?}. */
svc_op_t *pick_short_op(app_t *app, int64_t task_id, json_t *body, const char *actor,
                        svc_result_t *immediate);

/* POST /v1/picks/{task}/qc-reject {barcode, lot?, reason: damaged | shelf_life, order_no?}. */
svc_op_t *pick_qc_reject_op(app_t *app, int64_t task_id, json_t *body, const char *actor,
                            svc_result_t *immediate);

/* GET /v1/picks/{task}: the task with its lines in route order. */
void pick_task_get(app_t *app, int64_t task_id, svc_result_t *r);

/* GET /v1/picks/{task}/list: the printable pick list (text/plain), in route order. */
void pick_list_text(app_t *app, int64_t task_id, svc_result_t *r);

/* For packing (the shipping branch): what has been picked for an order, read through s:
 * {order_no, ready_to_pack, items: [{sku, barcode, lot, warehouse, task, qty, picked}]},
 * ready_to_pack when every line of every task is picked and nothing is short. */
int pick_items_of_order(store_t *s, int64_t order_id, const char *order_no, json_t **out);

/* GET /v1/orders/{no}/picks. */
void order_picks(app_t *app, const char *order_no, svc_result_t *r);

#endif
