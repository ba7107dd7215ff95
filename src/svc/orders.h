#ifndef ORDO_SVC_ORDERS_H
#define ORDO_SVC_ORDERS_H

#include <jansson.h>

#include "svc/op.h"

/* Order intake and lifecycle use cases. */

/* Validates `body` (a canonical order; borrowed) completely — document rules and the
 * catalog — and returns the op that stores it, or NULL with the 4xx in *immediate. */
svc_op_t *order_place_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate);

/* An order the shop places itself (the goods of a lost parcel sent again...): validated and
 * stored like any, but approved as it is placed, without the automatic review, since no
 * buyer placed it. Its op is meant to run inside another op's transaction (op->run with the
 * caller's now_ms); order_placed then gives what it stored. */
svc_op_t *order_place_shop_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate);
/* After a place op ran: the order it stored; false when it failed or was the replay of an
 * order already stored. */
bool order_placed(const svc_op_t *op, int64_t *id, char order_no[32]);

/* Cancels an order (releasing its stock). reason is copied. */
svc_op_t *order_cancel_op(app_t *app, const char *order_no, const char *reason, const char *actor);

/* Cancels every unpaid order whose stock hold has run out. */
svc_op_t *payment_expiry_op(app_t *app);

/* Reads. Each fills r with a body or an error. */
void order_get(app_t *app, const char *order_no, svc_result_t *r);
void order_events(app_t *app, const char *order_no, svc_result_t *r);

/* GET of something an order has (its events, its messages...): looks the order up by number
 * (404 naming it when there is none) and answers 200 with what list gives for its id. */
void order_subresource(app_t *app, const char *order_no,
                       int (*list)(store_t *s, int64_t order_id, json_t **out), svc_result_t *r);
void order_list(app_t *app, const order_filter_t *f, svc_result_t *r);

/* Builds the API view of an order from its stored record and live state (borrowed). */
json_t *order_view(const order_rec_t *rec, const held_t *held, int n_held, json_t *exceptions,
                   json_t *holds, json_t *review);

/* Inside a write: cancels rec (releasing its stock and holds, closing its stock_short
 * exception, offering the freed stock to waiting orders) or fails op with 409. */
ordo_err_t order_cancel_in_tx(store_t *s, svc_op_t *op, order_rec_t *rec, const char *reason);

/* An op's finish hook for actions on one order: answers with the order as it now is. */
void order_view_finish(svc_op_t *op, const char *order_no);

/* Answers a page of orders inside an open read (which it ends): {items: [views],
 * next_cursor}, the cursor being the last order's id when the page is full. Takes recs
 * (frees them); rc is the store's result for fetching them. */
void order_page_result(store_t *s, int rc, order_rec_t *recs, int n, int limit, svc_result_t *r);

/* Loads and builds the view of one order (by id, or by number when order_no is set). */
int order_load_view(store_t *s, int64_t id, const char *order_no, json_t **out);

#endif
