#ifndef ORDO_HTTP_ROUTES_COMPLETION_H
#define ORDO_HTTP_ROUTES_COMPLETION_H

#include "http/http.h"

/* Completion, reviews and quality: the handlers routes.c lists in its completion block. */
svc_op_t *confirm_order(http_req_t *q, svc_result_t *r);
svc_op_t *get_order_completion(http_req_t *q, svc_result_t *r);
svc_op_t *get_completion_settings(http_req_t *q, svc_result_t *r);
svc_op_t *put_completion_settings(http_req_t *q, svc_result_t *r);
svc_op_t *run_completion(http_req_t *q, svc_result_t *r);
svc_op_t *post_order_review(http_req_t *q, svc_result_t *r);
svc_op_t *put_order_review(http_req_t *q, svc_result_t *r);
svc_op_t *get_order_review(http_req_t *q, svc_result_t *r);
svc_op_t *get_reviews_summary(http_req_t *q, svc_result_t *r);
svc_op_t *get_quality_stats(http_req_t *q, svc_result_t *r);

#endif
