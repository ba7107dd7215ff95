#include "svc/sessions.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/fields.h"
#include "svc/passwords.h"
#include "svc/signin_throttle.h"
#include "util/env.h"
#include "util/log.h"
#include "util/timefmt.h"

/* How stale a session's or token's recorded last use may get before a request records it
 * again: a write per request would queue behind every order on the single writer. */
#define TOUCH_EVERY_MS (60 * 1000)

static int64_t idle_timeout_ms(void) {
    return env_positive("ORDO_SESSION_IDLE_S", 8 * 3600) * 1000;
}

/* ---- recording last use, off the request's path ---- */

typedef struct {
    svc_op_t op;
    bool session;
    unsigned char session_hash[USER_SECRET_HASH_LEN];
    int64_t token_id;
} touch_op_t;

static ordo_err_t touch_run(store_t *s, svc_op_t *op) {
    touch_op_t *t = (touch_op_t *)op;
    int rc = t->session ? s->vt->users->session_touch(s, t->session_hash, op->now_ms)
                        : s->vt->users->token_touch(s, t->token_id, op->now_ms);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void touch_done(void *ctx) {
    svc_op_free(ctx); /* nobody waits for it */
}

/* Queues the write and forgets it: losing one (a full queue) only leaves last use older. */
static void touch(app_t *app, const unsigned char *session_hash, int64_t token_id) {
    touch_op_t *t = (touch_op_t *)svc_op_alloc(sizeof *t, app, "system");
    if (!t)
        return;
    t->session = session_hash != NULL;
    if (session_hash)
        memcpy(t->session_hash, session_hash, USER_SECRET_HASH_LEN);
    t->token_id = token_id;
    t->op.run = touch_run;
    t->op.notify = touch_done;
    t->op.notify_ctx = t;
    if (svc_op_submit(&t->op) != ORDO_E_OK)
        svc_op_free(&t->op);
}

/* ---- authentication ---- */

static bool principal_from(const credential_row_t *row, auth_via_t via, principal_t *out) {
    role_t role;
    if (row->disabled || !role_parse(row->role, &role))
        return false;
    memset(out, 0, sizeof *out);
    out->via = via;
    out->role = role;
    snprintf(out->actor, sizeof out->actor, "%s", row->user);
    return true;
}

bool auth_user_token(app_t *app, const char *token, principal_t *out) {
    store_t *s = app_reader(app);
    if (!s || strncmp(token, "ordo_", 5) != 0)
        return false;
    unsigned char hash[USER_SECRET_HASH_LEN];
    secret_hash(token, hash);
    credential_row_t row;
    if (s->vt->users->token_get(s, hash, &row) != STORE_OK ||
        !principal_from(&row, AUTH_USER_TOKEN, out))
        return false;
    if (time_now_ms() - row.last_seen_ms > TOUCH_EVERY_MS)
        touch(app, NULL, row.token_id);
    return true;
}

bool auth_session(app_t *app, const char *session_id, principal_t *out) {
    store_t *s = app_reader(app);
    if (!s || !*session_id)
        return false;
    unsigned char hash[USER_SECRET_HASH_LEN];
    secret_hash(session_id, hash);
    credential_row_t row;
    if (s->vt->users->session_get(s, hash, &row) != STORE_OK)
        return false;
    int64_t now = time_now_ms();
    if (now - row.last_seen_ms > idle_timeout_ms() || !principal_from(&row, AUTH_SESSION, out))
        return false;
    snprintf(out->csrf, sizeof out->csrf, "%s", row.csrf);
    memcpy(out->session_hash, hash, sizeof hash);
    if (now - row.last_seen_ms > TOUCH_EVERY_MS)
        touch(app, hash, 0);
    return true;
}

/* ---- signing in ---- */

typedef struct {
    svc_op_t op;
    char user[USER_NAME_MAX + 1];
    char role[32];
    char session_id[80];
    char csrf[80];
} sign_in_op_t;

static ordo_err_t sign_in_run(store_t *s, svc_op_t *op) {
    sign_in_op_t *si = (sign_in_op_t *)op;
    const user_store_vtable_t *vt = s->vt->users;
    unsigned char hash[USER_SECRET_HASH_LEN];
    secret_hash(si->session_id, hash);
    /* Sessions idle past the timeout are dead already: sweep them while writing anyway. */
    int rc = vt->sessions_delete_idle(s, op->now_ms - idle_timeout_ms());
    if (rc == STORE_OK)
        rc = vt->session_insert(s, hash, si->user, si->csrf, op->now_ms);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void sign_in_finish(svc_op_t *op) {
    sign_in_op_t *si = (sign_in_op_t *)op;
    if (op->result.err != ORDO_E_OK)
        return;
    char cookie[256];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", SESSION_COOKIE,
             si->session_id, env_positive("ORDO_COOKIE_SECURE", 0) ? "; Secure" : "");
    op->result.set_cookie = strdup(cookie);
    log_info("%s signed in", si->user);
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:s, s:s, s:I}", "user", si->user, "role", si->role, "csrf_token",
                     si->csrf, "idle_timeout_s", (json_int_t)(idle_timeout_ms() / 1000)));
}

static void sign_in_destroy(svc_op_t *op) {
    sign_in_op_t *si = (sign_in_op_t *)op;
    sodium_memzero(si->session_id, sizeof si->session_id);
}

svc_op_t *session_sign_in_op(app_t *app, json_t *body, svc_result_t *r) {
    if (!fields_require_object(body, "send {name, password}", r))
        return NULL;
    const char *name = field_string(body, "name", true, USER_NAME_MAX, svc_errors(r));
    const char *password = field_string(body, "password", true, PASSWORD_MAX, svc_errors(r));
    if (svc_error_count(r)) {
        svc_fail(r, ORDO_E_VALIDATION, "send {name, password}");
        return NULL;
    }
    int64_t now = time_now_ms();
    int retry_after = 0;
    if (signin_locked(name, now, &retry_after)) {
        svc_fail(r, ORDO_E_TOO_MANY_REQUESTS,
                 "too many failed sign-ins for this name; try again in %d s", retry_after);
        r->retry_after_s = retry_after;
        return NULL;
    }
    store_t *s = app_reader(app);
    user_row_t user;
    int rc = s ? s->vt->users->user_get(s, name, &user) : STORE_ERROR;
    if (rc == STORE_ERROR) {
        svc_fail(r, ORDO_E_STORE, "cannot read the users");
        return NULL;
    }
    bool ok;
    if (rc == STORE_NOT_FOUND) {
        password_verify_dummy(password);
        ok = false;
    } else {
        ok = password_verify(user.password_hash, password) && !user.disabled;
        sodium_memzero(user.password_hash, sizeof user.password_hash);
    }
    if (!ok) {
        signin_failed(name, now);
        log_info("failed sign-in for name '%s'", name);
        svc_fail(r, ORDO_E_UNAUTHORIZED, "wrong name or password");
        return NULL;
    }
    signin_succeeded(name);
    sign_in_op_t *si = (sign_in_op_t *)svc_op_alloc(sizeof *si, app, user.name);
    if (!si) {
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    snprintf(si->user, sizeof si->user, "%s", user.name);
    snprintf(si->role, sizeof si->role, "%s", user.role);
    secret_new("", si->session_id, sizeof si->session_id);
    secret_new("", si->csrf, sizeof si->csrf);
    si->op.run = sign_in_run;
    si->op.finish = sign_in_finish;
    si->op.destroy = sign_in_destroy;
    return &si->op;
}

/* ---- who am I, signing out ---- */

static const char *via_name(auth_via_t via) {
    return via == AUTH_SESSION ? "session" : via == AUTH_USER_TOKEN ? "token" : "admin_token";
}

void session_whoami(const principal_t *who, svc_result_t *r) {
    json_t *body = json_pack("{s:s, s:s, s:s}", "user", who->actor, "role", role_name(who->role),
                             "via", via_name(who->via));
    if (who->via == AUTH_SESSION) {
        json_object_set_new(body, "csrf_token", json_string(who->csrf));
        json_object_set_new(body, "idle_timeout_s", json_integer(idle_timeout_ms() / 1000));
    }
    svc_ok(r, 200, body);
}

typedef struct {
    svc_op_t op;
    unsigned char hash[USER_SECRET_HASH_LEN];
} sign_out_op_t;

static ordo_err_t sign_out_run(store_t *s, svc_op_t *op) {
    sign_out_op_t *so = (sign_out_op_t *)op;
    int rc = s->vt->users->session_delete(s, so->hash);
    return rc == STORE_OK || rc == STORE_NOT_FOUND ? ORDO_E_OK : ORDO_E_STORE;
}

static void sign_out_finish(svc_op_t *op) {
    if (op->result.err != ORDO_E_OK)
        return;
    char cookie[160];
    snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
             SESSION_COOKIE);
    op->result.set_cookie = strdup(cookie);
    log_info("%s signed out", op->actor);
    svc_ok(&op->result, 200, json_pack("{s:s, s:b}", "user", op->actor, "signed_out", 1));
}

svc_op_t *session_sign_out_op(app_t *app, const principal_t *who, svc_result_t *r) {
    if (who->via != AUTH_SESSION) {
        svc_fail(r, ORDO_E_BAD_REQUEST,
                 "this request was made with a bearer token, not a session: nothing to sign out");
        return NULL;
    }
    sign_out_op_t *so = (sign_out_op_t *)svc_op_alloc(sizeof *so, app, who->actor);
    if (!so) {
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    memcpy(so->hash, who->session_hash, sizeof so->hash);
    so->op.run = sign_out_run;
    so->op.finish = sign_out_finish;
    return &so->op;
}
