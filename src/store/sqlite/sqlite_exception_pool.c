/* The SQLite side of store/exception_pool_store.h: finding, counting, assigning and working
 * exceptions. */
#include <stdio.h>
#include <string.h>

#include "store/exception_pool_store.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/timefmt.h"

enum {
    X_GET,
    X_SUMMARY,
    X_UNASSIGNED_OVERDUE,
    X_ACTIONS,
    X_ASSIGN,
    X_ASSIGN_KEEP_DEADLINE,
    X_ACTION_APPEND,
    X_DECIDE,
    X__COUNT
};

#define POOL_COLS                                                                                  \
    "e.id, o.order_no, e.code, e.severity, e.message, e.status, e.created_at, e.resolved_at, "     \
    "e.resolved_by, e.note, e.owner, e.deadline, e.decision, o.status FROM exceptions e JOIN "     \
    "orders o ON o.id = e.order_id"

_Static_assert(SQ_SLOTS_EXCEPTION_POOL + X__COUNT <= SQ_SLOTS_TRACKING,
               "exception pool statements overflow their slots");

static const char *const sql_text[X__COUNT] = {
    [X_GET] = "SELECT " POOL_COLS " WHERE e.id = ?1",
    [X_SUMMARY] = "SELECT code, severity, count(*) FROM exceptions WHERE status = 'open' "
                  "GROUP BY code, severity ORDER BY code, severity",
    [X_UNASSIGNED_OVERDUE] = "SELECT coalesce(sum(owner IS NULL), 0), coalesce(sum(deadline < ?1), "
                             "0) FROM exceptions WHERE status = 'open'",
    [X_ACTIONS] = "SELECT action, note, until, detail, to_refund_fen, actor, at FROM "
                  "exception_actions WHERE exception_id = ?1 ORDER BY id",
    [X_ASSIGN] = "UPDATE exceptions SET owner = ?2, deadline = ?3 WHERE id = ?1 AND "
                 "status = 'open'",
    [X_ASSIGN_KEEP_DEADLINE] = "UPDATE exceptions SET owner = ?2 WHERE id = ?1 AND "
                               "status = 'open'",
    [X_ACTION_APPEND] = "INSERT INTO exception_actions (exception_id, order_id, action, note, "
                        "until, detail, to_refund_fen, actor, at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
                        "?9)",
    [X_DECIDE] = "UPDATE exceptions SET decision = ?2 WHERE id = ?1",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_EXCEPTION_POOL + q, sql_text[q]);
}

static json_t *time_or_null(sqlite3_stmt *st, int i) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    char buf[40];
    return json_string(rfc3339_format(sqlite3_column_int64(st, i), buf, sizeof buf));
}

static json_t *text_or_null(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_string(col_text(st, i));
}

static json_t *read_row(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "id",
                     (json_int_t)sqlite3_column_int64(st, 0), "order_no", col_text(st, 1), "code",
                     col_text(st, 2), "severity", col_text(st, 3), "message", col_text(st, 4),
                     "status", col_text(st, 5), "created_at", time_or_null(st, 6), "resolved_at",
                     time_or_null(st, 7), "resolved_by", text_or_null(st, 8), "note",
                     text_or_null(st, 9), "owner", text_or_null(st, 10), "deadline",
                     time_or_null(st, 11), "decision", text_or_null(st, 12), "order_status",
                     col_text(st, 13));
}

static int xp_list(store_t *s, const exception_filter_t *f, json_t **out) {
    /* Filters combine freely, so the statement is built per call from fixed fragments;
     * every value is bound. */
    char sql[768];
    size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT " POOL_COLS " WHERE 1=1");
    const struct {
        bool on;
        const char *clause;
    } clauses[] = {
        {f->status != NULL, " AND e.status = :status"},
        /* "logistics_*": every code of that family (the route lets only a final '*'). */
        {f->code != NULL && !strchr(f->code, '*'), " AND e.code = :code"},
        {f->code != NULL && strchr(f->code, '*'), " AND e.code GLOB :code"},
        {f->severity != NULL, " AND e.severity = :severity"},
        {f->order_no != NULL, " AND o.order_no = :order_no"},
        {f->owner != NULL, " AND e.owner = :owner"},
        {f->decision && strcmp(f->decision, "none") == 0, " AND e.decision IS NULL"},
        {f->decision && strcmp(f->decision, "none") != 0, " AND e.decision = :decision"},
        {f->before_id > 0, " AND e.id < :before"},
        {true, " ORDER BY e.id DESC LIMIT :limit"},
    };
    for (size_t i = 0; i < sizeof clauses / sizeof clauses[0]; i++)
        if (clauses[i].on && len < sizeof sql)
            len += (size_t)snprintf(sql + len, sizeof sql - len, "%s", clauses[i].clause);

    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(sq_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s);
    static const char *const names[] = {":status",   ":code",  ":severity",
                                        ":order_no", ":owner", ":decision"};
    const char *values[] = {f->status, f->code, f->severity, f->order_no, f->owner, f->decision};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int at = sqlite3_bind_parameter_index(st, names[i]);
        if (at)
            bind_text(st, at, values[i]);
    }
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":before"), f->before_id);
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, read_row(st));
    int result = rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
    sqlite3_finalize(st);
    if (result != STORE_OK)
        json_decref(arr);
    else
        *out = arr;
    return result;
}

static json_t *read_count(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:I}", "code", col_text(st, 0), "severity", col_text(st, 1),
                     "count", (json_int_t)sqlite3_column_int64(st, 2));
}

static int xp_summary(store_t *s, int64_t now, json_t **out) {
    sqlite3_stmt *st = prep(s, X_SUMMARY);
    json_t *counts = NULL;
    if (!st || sq_rows(s, st, read_count, &counts) != STORE_OK)
        return STORE_ERROR;
    st = prep(s, X_UNASSIGNED_OVERDUE);
    if (!st) {
        json_decref(counts);
        return STORE_ERROR;
    }
    sqlite3_bind_int64(st, 1, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = json_pack("{s:o, s:I, s:I}", "counts", counts, "unassigned",
                         (json_int_t)sqlite3_column_int64(st, 0), "overdue",
                         (json_int_t)sqlite3_column_int64(st, 1));
    done(st);
    if (rc != SQLITE_ROW) {
        json_decref(counts);
        return sq_fail(s);
    }
    return STORE_OK;
}

static int xp_get(store_t *s, int64_t id, json_t **out) {
    sqlite3_stmt *st = prep(s, X_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = read_row(st);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static json_t *read_action(sqlite3_stmt *st) {
    json_t *detail = NULL;
    if (sqlite3_column_type(st, 3) != SQLITE_NULL)
        detail = json_loads(col_text(st, 3), 0, NULL);
    json_t *refund = sqlite3_column_type(st, 4) == SQLITE_NULL
                         ? json_null()
                         : json_integer(sqlite3_column_int64(st, 4));
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:o}", "action", col_text(st, 0), "note",
                     col_text(st, 1), "until", time_or_null(st, 2), "detail",
                     detail ? detail : json_null(), "to_refund", refund, "actor", col_text(st, 5),
                     "at", time_or_null(st, 6));
}

static int xp_actions(store_t *s, int64_t id, json_t **out) {
    sqlite3_stmt *st = prep(s, X_ACTIONS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return sq_rows(s, st, read_action, out);
}

static int xp_assign(store_t *s, int64_t id, const char *owner, int64_t deadline) {
    sqlite3_stmt *st = prep(s, deadline < 0 ? X_ASSIGN_KEEP_DEADLINE : X_ASSIGN);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, owner);
    if (deadline > 0)
        sqlite3_bind_int64(st, 3, deadline);
    return sq_exec(s, st, true);
}

static int xp_action_append(store_t *s, const exception_action_rec_t *a) {
    sqlite3_stmt *st = prep(s, X_ACTION_APPEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, a->exception_id);
    sqlite3_bind_int64(st, 2, a->order_id);
    bind_text(st, 3, a->action);
    bind_text(st, 4, a->note ? a->note : "");
    if (a->until_ms)
        sqlite3_bind_int64(st, 5, a->until_ms);
    bind_text(st, 6, a->detail_json);
    if (a->to_refund_fen >= 0)
        sqlite3_bind_int64(st, 7, a->to_refund_fen);
    bind_text(st, 8, a->actor);
    sqlite3_bind_int64(st, 9, a->at_ms);
    int rc = sq_exec(s, st, false);
    if (rc != STORE_OK || !a->decides)
        return rc;
    st = prep(s, X_DECIDE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, a->exception_id);
    bind_text(st, 2, a->action);
    return sq_exec(s, st, true);
}

const exception_pool_vtable_t sqlite_exception_pool_vtable = {
    .list = xp_list,
    .summary = xp_summary,
    .get = xp_get,
    .actions = xp_actions,
    .assign = xp_assign,
    .action_append = xp_action_append,
};
