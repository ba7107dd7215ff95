#ifndef ORDO_HTTP_ROUTES_USERS_H
#define ORDO_HTTP_ROUTES_USERS_H

#include "http/http.h"

/* Users, sessions and API tokens: the handlers routes.c lists in its users block. */
svc_op_t *session_sign_in(http_req_t *q, svc_result_t *r);
svc_op_t *session_get(http_req_t *q, svc_result_t *r);
svc_op_t *session_sign_out(http_req_t *q, svc_result_t *r);
svc_op_t *users_list(http_req_t *q, svc_result_t *r);
svc_op_t *users_add(http_req_t *q, svc_result_t *r);
svc_op_t *users_patch(http_req_t *q, svc_result_t *r);
svc_op_t *users_token_create(http_req_t *q, svc_result_t *r);
svc_op_t *users_token_list(http_req_t *q, svc_result_t *r);
svc_op_t *users_token_delete(http_req_t *q, svc_result_t *r);

#endif
