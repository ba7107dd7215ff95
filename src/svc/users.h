#ifndef ORDO_SVC_USERS_H
#define ORDO_SVC_USERS_H

#include <jansson.h>

#include "svc/app.h"
#include "svc/op.h"

/* Users and their API tokens: the admin's use cases (ordo user, /v1/users). A password is
 * hashed (svc/passwords.h) on the caller's thread before the op reaches the writer, and
 * is never logged or shown back; a token's secret is shown once, in the answer that
 * creates it. */

/* {name, role, password}: 201 with the user. 409 when the name is taken. */
svc_op_t *user_add_op(app_t *app, json_t *body, const char *actor, svc_result_t *r);

/* {items: [{name, role, disabled, created_at, created_by, updated_at}]}. */
void user_list(app_t *app, svc_result_t *r);

/* {role?, disabled?, password?}: changes what is given. A new password or disabling ends
 * the user's sessions; a disabled user's tokens stop working (and work again when
 * enabled). */
svc_op_t *user_patch_op(app_t *app, const char *name, json_t *body, const char *actor,
                        svc_result_t *r);

/* {label}: 201 with {id, user, label, token, created_at}; the token is not kept. */
svc_op_t *token_create_op(app_t *app, const char *user, json_t *body, const char *actor,
                          svc_result_t *r);

/* {items: [{id, label, created_at, created_by, last_used_at}]}; 404 for no such user. */
void token_list(app_t *app, const char *user, svc_result_t *r);

svc_op_t *token_delete_op(app_t *app, const char *user, const char *id, const char *actor,
                          svc_result_t *r);

#endif
