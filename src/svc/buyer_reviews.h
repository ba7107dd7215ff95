#ifndef ORDO_SVC_BUYER_REVIEWS_H
#define ORDO_SVC_BUYER_REVIEWS_H

#include <jansson.h>

#include "store/completion_store.h"
#include "svc/op.h"

/* Buyers' reviews of completed orders (not to be confused with svc/review.h, people
 * reviewing orders before fulfilment) and the quality report built on them. One review per
 * order, editable once; a low rating opens a yellow low_rating exception for customer
 * service. */

#define REVIEW_COMMENT_MAX 1000 /* bytes: 333 Chinese characters */
#define REVIEW_TAGS_MAX 10
#define REVIEW_TAG_MAX 32
#define REVIEW_EDITS_MAX 1

/* POST /v1/orders/{no}/review {rating 1..5, comment?, tags?}: the first creates it (201),
 * the next edits it (200), once. edit_only (PUT): the order must have a review already. */
svc_op_t *buyer_review_put_op(app_t *app, const char *order_no, json_t *body, bool edit_only,
                              const char *actor, svc_result_t *immediate);
void buyer_review_get(app_t *app, const char *order_no, svc_result_t *r);

/* GET /v1/reviews?sku=|warehouse=|carrier=: {<kind>: subject, count, average, distribution,
 * low_ratings, low_rating_share, low_rating_max}. */
void buyer_reviews_summary(app_t *app, review_subject_t kind, const char *subject, svc_result_t *r);

/* GET /v1/stats/quality?from&to: per SKU, carrier and warehouse over orders shipped in
 * [from, to). */
void quality_stats(app_t *app, int64_t from_ms, int64_t to_ms, svc_result_t *r);

#endif
