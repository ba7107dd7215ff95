#ifndef ORDO_HTTP_ROUTES_AFTER_SALES_H
#define ORDO_HTTP_ROUTES_AFTER_SALES_H

#include "http/http.h"

/* The handlers of after-sales, refunds and settlement (http/routes_after_sales.c), listed in
 * routes.c's table. */
svc_op_t *as_post_ticket(http_req_t *q, svc_result_t *r);
svc_op_t *as_get_ticket(http_req_t *q, svc_result_t *r);
svc_op_t *as_list_tickets(http_req_t *q, svc_result_t *r);
svc_op_t *as_approve(http_req_t *q, svc_result_t *r);
svc_op_t *as_reject(http_req_t *q, svc_result_t *r);
svc_op_t *as_close(http_req_t *q, svc_result_t *r);
svc_op_t *as_assign(http_req_t *q, svc_result_t *r);
svc_op_t *as_message(http_req_t *q, svc_result_t *r);
svc_op_t *as_return_shipment(http_req_t *q, svc_result_t *r);
svc_op_t *as_receive(http_req_t *q, svc_result_t *r);
svc_op_t *as_refund(http_req_t *q, svc_result_t *r);
svc_op_t *as_get_settings(http_req_t *q, svc_result_t *r);
svc_op_t *as_put_settings(http_req_t *q, svc_result_t *r);
svc_op_t *as_get_damaged(http_req_t *q, svc_result_t *r);
svc_op_t *as_sweep(http_req_t *q, svc_result_t *r);
svc_op_t *refunds_get_provider(http_req_t *q, svc_result_t *r);
svc_op_t *refunds_put_provider(http_req_t *q, svc_result_t *r);
svc_op_t *refunds_get(http_req_t *q, svc_result_t *r);
svc_op_t *refunds_list_get(http_req_t *q, svc_result_t *r);
svc_op_t *refunds_retry(http_req_t *q, svc_result_t *r);
svc_op_t *refunds_of_order(http_req_t *q, svc_result_t *r);
svc_op_t *settlement_get(http_req_t *q, svc_result_t *r);

#endif
