/* Users, sessions and API tokens over HTTP. */
#include "http/routes_users.h"

#include "svc/sessions.h"
#include "svc/users.h"

svc_op_t *session_sign_in(http_req_t *q, svc_result_t *r) {
    return session_sign_in_op(q->app, q->body, r);
}

svc_op_t *session_get(http_req_t *q, svc_result_t *r) {
    session_whoami(q->who, r);
    return NULL;
}

svc_op_t *session_sign_out(http_req_t *q, svc_result_t *r) {
    return session_sign_out_op(q->app, q->who, r);
}

svc_op_t *users_list(http_req_t *q, svc_result_t *r) {
    user_list(q->app, r);
    return NULL;
}

svc_op_t *users_add(http_req_t *q, svc_result_t *r) {
    return user_add_op(q->app, q->body, q->actor, r);
}

svc_op_t *users_patch(http_req_t *q, svc_result_t *r) {
    return user_patch_op(q->app, q->params[0], q->body, q->actor, r);
}

svc_op_t *users_token_create(http_req_t *q, svc_result_t *r) {
    return token_create_op(q->app, q->params[0], q->body, q->actor, r);
}

svc_op_t *users_token_list(http_req_t *q, svc_result_t *r) {
    token_list(q->app, q->params[0], r);
    return NULL;
}

svc_op_t *users_token_delete(http_req_t *q, svc_result_t *r) {
    return token_delete_op(q->app, q->params[0], q->params[1], q->actor, r);
}
