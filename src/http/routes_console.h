#ifndef ORDO_HTTP_ROUTES_CONSOLE_H
#define ORDO_HTTP_ROUTES_CONSOLE_H

#include "http/http.h"

/* What the operator console reads that had no list or figure of its own: the dashboard,
 * stock rows, warehouses, webhooks and waves (routes.c lists them in its console block). */
svc_op_t *get_dashboard(http_req_t *q, svc_result_t *r);
svc_op_t *list_stock(http_req_t *q, svc_result_t *r);
svc_op_t *list_warehouses(http_req_t *q, svc_result_t *r);
svc_op_t *list_webhooks(http_req_t *q, svc_result_t *r);
svc_op_t *list_waves(http_req_t *q, svc_result_t *r);

#endif
