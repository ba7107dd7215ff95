/* The SQLite side of store/after_sales_watch_store.h: overdue tickets and their breaches. */
#include "store/after_sales_watch_store.h"
#include "store/sqlite/sqlite_internal.h"

enum { W_OVERDUE, W_OVERDUE_ADD, W__COUNT };

static const char *const sql_text[W__COUNT] = {
    [W_OVERDUE] = "SELECT a.id, a.order_id, o.order_no, a.type, a.status, a.assignee, "
                  "a.deadline FROM after_sales a JOIN orders o ON o.id = a.order_id WHERE "
                  "a.deadline IS NOT NULL AND a.deadline < ?1 AND NOT EXISTS (SELECT 1 FROM "
                  "after_sales_overdue w WHERE w.after_sales_id = a.id AND w.status = a.status) "
                  "ORDER BY a.deadline, a.id LIMIT ?2",
    [W_OVERDUE_ADD] = "INSERT INTO after_sales_overdue (after_sales_id, status, deadline, "
                      "exception_id, at) VALUES (?1,?2,?3,?4,?5)",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_AFTER_SALES_WATCH + q, sql_text[q]);
}

static int overdue(store_t *s, int64_t now_ms, int limit, json_t **out) {
    sqlite3_stmt *st = prep(s, W_OVERDUE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int(st, 2, limit);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:I}", "id",
                           (json_int_t)sqlite3_column_int64(st, 0), "order_id",
                           (json_int_t)sqlite3_column_int64(st, 1), "order_no", col_text(st, 2),
                           "type", col_text(st, 3), "status", col_text(st, 4), "assignee",
                           sqlite3_column_type(st, 5) == SQLITE_NULL ? json_null()
                                                                     : json_string(col_text(st, 5)),
                           "deadline", (json_int_t)sqlite3_column_int64(st, 6)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return sq_fail(s);
    }
    *out = arr;
    return STORE_OK;
}

static int overdue_add(store_t *s, int64_t id, const char *status, int64_t deadline,
                       int64_t exception_id, int64_t now_ms) {
    sqlite3_stmt *st = prep(s, W_OVERDUE_ADD);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, status);
    sqlite3_bind_int64(st, 3, deadline);
    sqlite3_bind_int64(st, 4, exception_id);
    sqlite3_bind_int64(st, 5, now_ms);
    return sq_exec(s, st, false);
}

_Static_assert(SQ_SLOTS_AFTER_SALES_WATCH + W__COUNT <= SQ_SLOTS_USERS,
               "after-sales watch statement slots");

const after_sales_watch_vtable_t sqlite_after_sales_watch_vtable = {
    .overdue = overdue,
    .overdue_add = overdue_add,
};
