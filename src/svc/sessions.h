#ifndef ORDO_SVC_SESSIONS_H
#define ORDO_SVC_SESSIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/roles.h"
#include "store/user_store.h"
#include "svc/app.h"
#include "svc/op.h"

/* Who is calling, and signing in and out. A request is made by the admin token (actor
 * "admin", role admin), by a user's API token, or by a user's browser session (a cookie
 * whose id the store keeps only as a hash, with a CSRF token bound to it). Sessions end
 * after ORDO_SESSION_IDLE_S (default 8 h) without use. */

#define SESSION_COOKIE "ordo_session"

typedef enum { AUTH_ADMIN_TOKEN, AUTH_USER_TOKEN, AUTH_SESSION } auth_via_t;

typedef struct {
    auth_via_t via;
    char actor[USER_NAME_MAX + 1];
    role_t role;
    char csrf[65];                                    /* sessions only */
    unsigned char session_hash[USER_SECRET_HASH_LEN]; /* sessions only */
} principal_t;

/* A user's API token: false when it is no token of an enabled user. */
bool auth_user_token(app_t *app, const char *token, principal_t *out);

/* A session cookie's value: false when it names no live session of an enabled user. */
bool auth_session(app_t *app, const char *session_id, principal_t *out);

/* {name, password}: checks them (off the writer: the hash is slow), then the op records the
 * session. 401 alike for an unknown name, a wrong password and a disabled user; 429 while
 * the name is locked (svc/signin_throttle.h). The answer: {user, role, csrf_token,
 * idle_timeout_s} and the cookie in r->set_cookie. */
svc_op_t *session_sign_in_op(app_t *app, json_t *body, svc_result_t *r);

/* {user, role, via, csrf_token (sessions)}. */
void session_whoami(const principal_t *who, svc_result_t *r);

/* Ends the caller's session and clears the cookie; 400 for a request not made with one. */
svc_op_t *session_sign_out_op(app_t *app, const principal_t *who, svc_result_t *r);

#endif
