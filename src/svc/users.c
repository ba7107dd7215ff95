#include "svc/users.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roles.h"
#include "svc/fields.h"
#include "svc/passwords.h"
#include "util/log.h"
#include "util/timefmt.h"

#define TOKEN_LABEL_MAX 100

typedef struct {
    svc_op_t op;
    char name[USER_NAME_MAX + 1];
    char role[32];     /* "" unchanged (patch) */
    int disabled;      /* -1 unchanged */
    bool has_password; /* patch: a new password */
    char password_hash[PASSWORD_HASH_MAX];
    user_row_t after;
    char token[80]; /* token_create: the secret, shown once */
    char label[TOKEN_LABEL_MAX + 1];
    int64_t token_id;
} user_op_t;

static void user_op_destroy(svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    sodium_memzero(u->token, sizeof u->token);
}

static user_op_t *user_op_new(app_t *app, const char *actor, svc_result_t *r) {
    user_op_t *u = (user_op_t *)svc_op_alloc(sizeof *u, app, actor);
    if (!u) {
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    u->disabled = -1;
    u->op.destroy = user_op_destroy;
    return u;
}

static json_t *user_view(const user_row_t *u) {
    return json_pack("{s:s, s:s, s:b}", "name", u->name, "role", u->role, "disabled", u->disabled);
}

/* Reads the role field into out (""/absent allowed unless required); errors into r. */
static void read_role(json_t *body, bool required, char out[32], svc_result_t *r) {
    const char *role = field_string(body, "role", required, 31, svc_errors(r));
    role_t parsed;
    out[0] = '\0';
    if (role && !role_parse(role, &parsed))
        field_errors_add(svc_errors(r), "role", "out_of_range", "the role is one of %s",
                         role_names_list());
    else if (role)
        snprintf(out, 32, "%s", role);
}

/* Reads and hashes the password field; errors into r. */
static bool read_password(json_t *body, bool required, user_op_t *u, svc_result_t *r) {
    const char *pw = field_string(body, "password", required, PASSWORD_MAX, svc_errors(r));
    if (!pw)
        return false;
    if (strlen(pw) < PASSWORD_MIN) {
        field_errors_add(svc_errors(r), "password", "too_short",
                         "a password has at least %d characters", PASSWORD_MIN);
        return false;
    }
    if (!password_hash(pw, u->password_hash)) {
        svc_fail(r, ORDO_E_OVERLOADED, "cannot hash the password now (out of memory?)");
        return false;
    }
    u->has_password = true;
    return true;
}

/* ---- add ---- */

static ordo_err_t add_run(store_t *s, svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    int rc =
        s->vt->users->user_insert(s, u->name, u->role, u->password_hash, op->actor, op->now_ms);
    if (rc == STORE_CONFLICT)
        return svc_fail(&op->result, ORDO_E_CONFLICT, "there is already a user '%s'", u->name);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    snprintf(u->after.name, sizeof u->after.name, "%s", u->name);
    snprintf(u->after.role, sizeof u->after.role, "%s", u->role);
    return ORDO_E_OK;
}

static void add_finish(svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    if (op->result.err != ORDO_E_OK)
        return;
    log_info("user %s added with role %s by %s", u->name, u->role, op->actor);
    svc_ok(&op->result, 201, user_view(&u->after));
}

svc_op_t *user_add_op(app_t *app, json_t *body, const char *actor, svc_result_t *r) {
    if (!fields_require_object(body, "the user is invalid", r))
        return NULL;
    const char *name = field_string(body, "name", true, USER_NAME_MAX, svc_errors(r));
    if (name && !user_name_valid(name))
        field_errors_add(svc_errors(r), "name", "out_of_range",
                         "a user name has 1..%d of a-z 0-9 . _ - and starts with a letter or "
                         "digit",
                         USER_NAME_MAX);
    else if (name && user_name_reserved(name))
        field_errors_add(svc_errors(r), "name", "reserved",
                         "'%s' is a name ordo acts under itself; choose another", name);
    char role[32];
    read_role(body, true, role, r);
    if (svc_error_count(r)) {
        (void)field_string(body, "password", true, PASSWORD_MAX, svc_errors(r));
        svc_fail(r, ORDO_E_VALIDATION, "the user is invalid; nothing changed");
        return NULL;
    }
    user_op_t *u = user_op_new(app, actor, r);
    if (!u)
        return NULL;
    if (!read_password(body, true, u, r)) {
        svc_op_free(&u->op);
        if (r->err == ORDO_E_OK)
            svc_fail(r, ORDO_E_VALIDATION, "the user is invalid; nothing changed");
        return NULL;
    }
    snprintf(u->name, sizeof u->name, "%s", name);
    snprintf(u->role, sizeof u->role, "%s", role);
    u->op.run = add_run;
    u->op.finish = add_finish;
    return &u->op;
}

/* ---- list ---- */

void user_list(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *items = NULL;
    if (!s || s->vt->users->user_list(s, &items) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the users");
        return;
    }
    svc_ok(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- patch ---- */

static ordo_err_t patch_run(store_t *s, svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    const user_store_vtable_t *vt = s->vt->users;
    int rc = vt->user_update(s, u->name, u->role[0] ? u->role : NULL, u->disabled,
                             u->has_password ? u->password_hash : NULL, op->now_ms);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no user '%s'", u->name);
    if (rc == STORE_OK && (u->has_password || u->disabled == 1))
        rc = vt->sessions_delete_of_user(s, u->name);
    if (rc == STORE_OK)
        rc = vt->user_get(s, u->name, &u->after);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void patch_finish(svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    if (op->result.err != ORDO_E_OK)
        return;
    log_info("user %s changed by %s:%s%s%s%s", u->name, op->actor, u->role[0] ? " role " : "",
             u->role,
             u->disabled == 1   ? " disabled"
             : u->disabled == 0 ? " enabled"
                                : "",
             u->has_password ? " new password" : "");
    svc_ok(&op->result, 200, user_view(&u->after));
}

svc_op_t *user_patch_op(app_t *app, const char *name, json_t *body, const char *actor,
                        svc_result_t *r) {
    if (!fields_require_object(body, "the change is invalid", r))
        return NULL;
    user_op_t *u = user_op_new(app, actor, r);
    if (!u)
        return NULL;
    snprintf(u->name, sizeof u->name, "%s", name);
    read_role(body, false, u->role, r);
    json_t *dis = json_object_get(body, "disabled");
    if (dis && !json_is_boolean(dis))
        field_errors_add(svc_errors(r), "disabled", "wrong_type", "disabled is true or false");
    else if (dis)
        u->disabled = json_is_true(dis) ? 1 : 0;
    if (json_object_get(body, "password") && svc_error_count(r) == 0)
        read_password(body, false, u, r);
    if (!u->role[0] && u->disabled < 0 && !u->has_password && svc_error_count(r) == 0 &&
        r->err == ORDO_E_OK)
        field_errors_add(svc_errors(r), "", "required",
                         "send at least one of role, disabled, password");
    if (svc_error_count(r) || r->err != ORDO_E_OK) {
        svc_op_free(&u->op);
        if (r->err == ORDO_E_OK)
            svc_fail(r, ORDO_E_VALIDATION, "the change is invalid; nothing changed");
        return NULL;
    }
    u->op.run = patch_run;
    u->op.finish = patch_finish;
    return &u->op;
}

/* ---- tokens ---- */

static ordo_err_t token_create_run(store_t *s, svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    const user_store_vtable_t *vt = s->vt->users;
    int rc = vt->user_get(s, u->name, &u->after);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no user '%s'", u->name);
    unsigned char hash[USER_SECRET_HASH_LEN];
    secret_hash(u->token, hash);
    if (rc == STORE_OK)
        rc = vt->token_insert(s, u->name, u->label, hash, op->actor, op->now_ms, &u->token_id);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void token_create_finish(svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    if (op->result.err != ORDO_E_OK)
        return;
    log_info("API token %lld (%s) created for %s by %s", (long long)u->token_id, u->label, u->name,
             op->actor);
    char at[40];
    svc_ok(&op->result, 201,
           json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)u->token_id, "user",
                     u->name, "role", u->after.role, "label", u->label, "token", u->token,
                     "created_at", rfc3339_format(op->now_ms, at, sizeof at)));
}

svc_op_t *token_create_op(app_t *app, const char *user, json_t *body, const char *actor,
                          svc_result_t *r) {
    if (!fields_require_object(body, "the token is invalid", r))
        return NULL;
    const char *label = field_string(body, "label", true, TOKEN_LABEL_MAX, svc_errors(r));
    if (label && !*label)
        field_errors_add(svc_errors(r), "label", "required", "name what the token is for");
    if (svc_error_count(r)) {
        svc_fail(r, ORDO_E_VALIDATION, "the token is invalid; nothing changed");
        return NULL;
    }
    user_op_t *u = user_op_new(app, actor, r);
    if (!u)
        return NULL;
    snprintf(u->name, sizeof u->name, "%s", user);
    snprintf(u->label, sizeof u->label, "%s", label);
    secret_new("ordo_", u->token, sizeof u->token);
    u->op.run = token_create_run;
    u->op.finish = token_create_finish;
    return &u->op;
}

void token_list(app_t *app, const char *user, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot read the tokens");
        return;
    }
    user_row_t row;
    json_t *items = NULL;
    s->vt->read_begin(s);
    int rc = s->vt->users->user_get(s, user, &row);
    if (rc == STORE_OK)
        rc = s->vt->users->token_list(s, user, &items);
    s->vt->read_end(s);
    sodium_memzero(row.password_hash, sizeof row.password_hash);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no user '%s'", user);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the tokens");
    else
        svc_ok(r, 200, json_pack("{s:s, s:o}", "user", user, "items", items));
}

static ordo_err_t token_delete_run(store_t *s, svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    int rc = s->vt->users->token_delete(s, u->name, u->token_id);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "user '%s' has no token %lld", u->name,
                        (long long)u->token_id);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void token_delete_finish(svc_op_t *op) {
    user_op_t *u = (user_op_t *)op;
    if (op->result.err != ORDO_E_OK)
        return;
    log_info("API token %lld of %s revoked by %s", (long long)u->token_id, u->name, op->actor);
    svc_ok(
        &op->result, 200,
        json_pack("{s:I, s:s, s:b}", "id", (json_int_t)u->token_id, "user", u->name, "revoked", 1));
}

svc_op_t *token_delete_op(app_t *app, const char *user, const char *id, const char *actor,
                          svc_result_t *r) {
    char *end;
    long long n = strtoll(id, &end, 10);
    if (*end || n < 1) {
        svc_fail(r, ORDO_E_NOT_FOUND, "user '%s' has no token '%s'", user, id);
        return NULL;
    }
    user_op_t *u = user_op_new(app, actor, r);
    if (!u)
        return NULL;
    snprintf(u->name, sizeof u->name, "%s", user);
    u->token_id = n;
    u->op.run = token_delete_run;
    u->op.finish = token_delete_finish;
    return &u->op;
}
