#ifndef ORDO_SVC_REVIEW_H
#define ORDO_SVC_REVIEW_H

#include <jansson.h>

#include "svc/op.h"

/* Review by people: holds placed and released by hand, approval, rejection, and the queue
 * of orders waiting. Each op answers with the order as it then is. */

/* body: {reason, message, owner, deadline} (borrowed). A hold on an approved order sends it
 * back to review. Returns NULL with the 4xx in *immediate when the body is wrong. */
svc_op_t *hold_place_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                        svc_result_t *immediate);
svc_op_t *hold_release_op(app_t *app, const char *order_no, int64_t hold_id, const char *note,
                          const char *actor);

/* Approves an order pending review: the reviewer's decision releases its open holds. Refused
 * (409) while any of its units is not reserved: approval rechecks the stock. */
svc_op_t *order_approve_op(app_t *app, const char *order_no, const char *note, const char *actor);
/* Rejects an order pending review: cancels it and releases its stock; the buyer is told
 * through the order's status change in the outbox. */
svc_op_t *order_reject_op(app_t *app, const char *order_no, const char *reason, const char *actor);

/* Orders pending review, oldest first: {items, next_cursor}. */
void review_queue(app_t *app, const review_filter_t *f, svc_result_t *r);

#endif
