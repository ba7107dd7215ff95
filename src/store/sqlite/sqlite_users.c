/* The SQLite side of store/user_store.h: users, sessions and API tokens. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/user_store.h"
#include "util/timefmt.h"

enum {
    U_USER_INSERT,
    U_USER_GET,
    U_USER_LIST,
    U_USER_UPDATE,
    U_SESSION_INSERT,
    U_SESSION_GET,
    U_SESSION_TOUCH,
    U_SESSION_DELETE,
    U_SESSIONS_OF_USER_DELETE,
    U_SESSIONS_IDLE_DELETE,
    U_TOKEN_INSERT,
    U_TOKEN_LIST,
    U_TOKEN_DELETE,
    U_TOKEN_GET,
    U_TOKEN_TOUCH,
    U__COUNT
};

_Static_assert(SQ_SLOTS_USERS + U__COUNT <= SQ_EXTRA_STMTS, "user statements overflow their slots");

static const char *const sql_text[U__COUNT] = {
    [U_USER_INSERT] = "INSERT INTO users (name, role, password_hash, created_at, created_by, "
                      "updated_at) VALUES (?1, ?2, ?3, ?5, ?4, ?5)",
    [U_USER_GET] = "SELECT name, role, password_hash, disabled FROM users WHERE name = ?1",
    [U_USER_LIST] = "SELECT name, role, disabled, created_at, created_by, updated_at FROM users "
                    "ORDER BY name",
    [U_USER_UPDATE] = "UPDATE users SET role = coalesce(?2, role), disabled = CASE WHEN ?3 < 0 "
                      "THEN disabled ELSE ?3 END, password_hash = coalesce(?4, password_hash), "
                      "updated_at = ?5 WHERE name = ?1",
    [U_SESSION_INSERT] = "INSERT INTO user_sessions (id_hash, user, csrf, created_at, last_seen) "
                         "VALUES (?1, ?2, ?3, ?4, ?4)",
    [U_SESSION_GET] = "SELECT u.name, u.role, u.disabled, s.csrf, s.last_seen FROM user_sessions "
                      "s JOIN users u ON u.name = s.user WHERE s.id_hash = ?1",
    [U_SESSION_TOUCH] =
        "UPDATE user_sessions SET last_seen = max(last_seen, ?2) WHERE id_hash = ?1",
    [U_SESSION_DELETE] = "DELETE FROM user_sessions WHERE id_hash = ?1",
    [U_SESSIONS_OF_USER_DELETE] = "DELETE FROM user_sessions WHERE user = ?1",
    [U_SESSIONS_IDLE_DELETE] = "DELETE FROM user_sessions WHERE last_seen < ?1",
    [U_TOKEN_INSERT] = "INSERT INTO api_tokens (user, label, hash, created_at, created_by) "
                       "VALUES (?1, ?2, ?3, ?5, ?4)",
    [U_TOKEN_LIST] = "SELECT id, label, created_at, created_by, last_used FROM api_tokens WHERE "
                     "user = ?1 ORDER BY id",
    [U_TOKEN_DELETE] = "DELETE FROM api_tokens WHERE user = ?1 AND id = ?2",
    [U_TOKEN_GET] = "SELECT u.name, u.role, u.disabled, t.id, coalesce(t.last_used, 0) FROM "
                    "api_tokens t JOIN users u ON u.name = t.user WHERE t.hash = ?1",
    [U_TOKEN_TOUCH] = "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_USERS + q, sql_text[q]);
}

static void bind_hash(sqlite3_stmt *st, int i, const unsigned char hash[USER_SECRET_HASH_LEN]) {
    sqlite3_bind_blob(st, i, hash, USER_SECRET_HASH_LEN, SQLITE_STATIC);
}

/* An UPDATE or DELETE of one row: STORE_NOT_FOUND when it touched none. */
static int change_one(store_t *s, sqlite3_stmt *st) {
    int rc = sq_exec(s, st, false);
    if (rc != STORE_OK)
        return rc;
    return sqlite3_changes(sq_db(s)) > 0 ? STORE_OK : STORE_NOT_FOUND;
}

static json_t *time_or_null(sqlite3_stmt *st, int i) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL || sqlite3_column_int64(st, i) == 0)
        return json_null();
    char buf[40];
    return json_string(rfc3339_format(sqlite3_column_int64(st, i), buf, sizeof buf));
}

static int us_user_insert(store_t *s, const char *name, const char *role, const char *password_hash,
                          const char *actor, int64_t now_ms) {
    sqlite3_stmt *st = prep(s, U_USER_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    bind_text(st, 2, role);
    bind_text(st, 3, password_hash);
    bind_text(st, 4, actor);
    sqlite3_bind_int64(st, 5, now_ms);
    return sq_exec(s, st, false);
}

static int us_user_get(store_t *s, const char *name, user_row_t *out) {
    sqlite3_stmt *st = prep(s, U_USER_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        copy_col(out->name, sizeof out->name, st, 0);
        copy_col(out->role, sizeof out->role, st, 1);
        copy_col(out->password_hash, sizeof out->password_hash, st, 2);
        out->disabled = sqlite3_column_int(st, 3) != 0;
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static json_t *read_user(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:b, s:o, s:s, s:o}", "name", col_text(st, 0), "role",
                     col_text(st, 1), "disabled", sqlite3_column_int(st, 2) != 0, "created_at",
                     time_or_null(st, 3), "created_by", col_text(st, 4), "updated_at",
                     time_or_null(st, 5));
}

static int us_user_list(store_t *s, json_t **out) {
    sqlite3_stmt *st = prep(s, U_USER_LIST);
    return st ? sq_rows(s, st, read_user, out) : STORE_ERROR;
}

static int us_user_update(store_t *s, const char *name, const char *role, int disabled,
                          const char *password_hash, int64_t now_ms) {
    sqlite3_stmt *st = prep(s, U_USER_UPDATE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    bind_text(st, 2, role);
    sqlite3_bind_int(st, 3, disabled < 0 ? -1 : disabled != 0);
    bind_text(st, 4, password_hash);
    sqlite3_bind_int64(st, 5, now_ms);
    return change_one(s, st);
}

static int us_session_insert(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN],
                             const char *user, const char *csrf, int64_t now_ms) {
    sqlite3_stmt *st = prep(s, U_SESSION_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_hash(st, 1, id_hash);
    bind_text(st, 2, user);
    bind_text(st, 3, csrf);
    sqlite3_bind_int64(st, 4, now_ms);
    return sq_exec(s, st, false);
}

/* Steps a statement giving (user, role, disabled, csrf or token id, last use). */
static int credential(store_t *s, sqlite3_stmt *st, credential_row_t *out, bool session) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        copy_col(out->user, sizeof out->user, st, 0);
        copy_col(out->role, sizeof out->role, st, 1);
        out->disabled = sqlite3_column_int(st, 2) != 0;
        if (session)
            copy_col(out->csrf, sizeof out->csrf, st, 3);
        else
            out->token_id = sqlite3_column_int64(st, 3);
        out->last_seen_ms = sqlite3_column_int64(st, 4);
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int us_session_get(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN],
                          credential_row_t *out) {
    sqlite3_stmt *st = prep(s, U_SESSION_GET);
    if (!st)
        return STORE_ERROR;
    bind_hash(st, 1, id_hash);
    return credential(s, st, out, true);
}

static int us_session_touch(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN],
                            int64_t now_ms) {
    sqlite3_stmt *st = prep(s, U_SESSION_TOUCH);
    if (!st)
        return STORE_ERROR;
    bind_hash(st, 1, id_hash);
    sqlite3_bind_int64(st, 2, now_ms);
    return sq_exec(s, st, false);
}

static int us_session_delete(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN]) {
    sqlite3_stmt *st = prep(s, U_SESSION_DELETE);
    if (!st)
        return STORE_ERROR;
    bind_hash(st, 1, id_hash);
    return change_one(s, st);
}

static int us_sessions_delete_of_user(store_t *s, const char *user) {
    sqlite3_stmt *st = prep(s, U_SESSIONS_OF_USER_DELETE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, user);
    return sq_exec(s, st, false);
}

static int us_sessions_delete_idle(store_t *s, int64_t idle_before_ms) {
    sqlite3_stmt *st = prep(s, U_SESSIONS_IDLE_DELETE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, idle_before_ms);
    return sq_exec(s, st, false);
}

static int us_token_insert(store_t *s, const char *user, const char *label,
                           const unsigned char hash[USER_SECRET_HASH_LEN], const char *actor,
                           int64_t now_ms, int64_t *id) {
    sqlite3_stmt *st = prep(s, U_TOKEN_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, user);
    bind_text(st, 2, label);
    bind_hash(st, 3, hash);
    bind_text(st, 4, actor);
    sqlite3_bind_int64(st, 5, now_ms);
    int rc = sq_exec(s, st, false);
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(sq_db(s));
    return rc;
}

static json_t *read_token(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:o, s:s, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                     "label", col_text(st, 1), "created_at", time_or_null(st, 2), "created_by",
                     col_text(st, 3), "last_used_at", time_or_null(st, 4));
}

static int us_token_list(store_t *s, const char *user, json_t **out) {
    sqlite3_stmt *st = prep(s, U_TOKEN_LIST);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, user);
    return sq_rows(s, st, read_token, out);
}

static int us_token_delete(store_t *s, const char *user, int64_t id) {
    sqlite3_stmt *st = prep(s, U_TOKEN_DELETE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, user);
    sqlite3_bind_int64(st, 2, id);
    return change_one(s, st);
}

static int us_token_get(store_t *s, const unsigned char hash[USER_SECRET_HASH_LEN],
                        credential_row_t *out) {
    sqlite3_stmt *st = prep(s, U_TOKEN_GET);
    if (!st)
        return STORE_ERROR;
    bind_hash(st, 1, hash);
    return credential(s, st, out, false);
}

static int us_token_touch(store_t *s, int64_t id, int64_t now_ms) {
    sqlite3_stmt *st = prep(s, U_TOKEN_TOUCH);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now_ms);
    return sq_exec(s, st, false);
}

const user_store_vtable_t sqlite_user_vtable = {
    .user_insert = us_user_insert,
    .user_get = us_user_get,
    .user_list = us_user_list,
    .user_update = us_user_update,
    .session_insert = us_session_insert,
    .session_get = us_session_get,
    .session_touch = us_session_touch,
    .session_delete = us_session_delete,
    .sessions_delete_of_user = us_sessions_delete_of_user,
    .sessions_delete_idle = us_sessions_delete_idle,
    .token_insert = us_token_insert,
    .token_list = us_token_list,
    .token_delete = us_token_delete,
    .token_get = us_token_get,
    .token_touch = us_token_touch,
};
