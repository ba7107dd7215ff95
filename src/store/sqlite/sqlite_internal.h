#ifndef ORDO_STORE_SQLITE_INTERNAL_H
#define ORDO_STORE_SQLITE_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>

#include "store/store.h"

/* What the SQLite engine's other files (sqlite_pick.c, sqlite_exception_pool.c) share with
 * sqlite_store.c. */

/* Leaves a statement ready for its next use. */
static inline void done(sqlite3_stmt *st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Binds text (borrowed until the step), or NULL. */
static inline void bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* A column as text, "" for NULL. */
static inline const char *col_text(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static inline void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int i) {
    snprintf(dst, cap, "%s", col_text(st, i));
}

/* Steps st to its end, appending the JSON value read_fn makes of each row to a new array
 * (*out, the caller's); leaves st ready. STORE_OK, or the error recorded for errmsg. */
int sq_rows(store_t *s, sqlite3_stmt *st, json_t *(*read_fn)(sqlite3_stmt *), json_t **out);

/* Runs a statement that returns no rows and leaves it ready: STORE_CONFLICT on a constraint
 * failure and, when guarded, when it changed nothing. */
int sq_exec(store_t *s, sqlite3_stmt *st, bool guarded);

/* Statements beyond sqlite_store.c's own, prepared once per connection like them: slot is
 * the caller's index (< SQ_EXTRA_STMTS), sql its fixed text. Returns it reset and unbound,
 * or NULL (the error recorded for errmsg). */
#define SQ_EXTRA_STMTS 360
/* Each file's first slot, in the order they were written: sqlite_pick.c counts from 0. */
#define SQ_SLOTS_MERGE 32
#define SQ_SLOTS_EXCEPTION_POOL 64
#define SQ_SLOTS_TRACKING 96
#define SQ_SLOTS_COMPLETION 160
#define SQ_SLOTS_LOGISTICS 192
#define SQ_SLOTS_AFTER_SALES 224       /* ..287 */
#define SQ_SLOTS_AFTER_SALES_WATCH 288 /* ..295 */
#define SQ_SLOTS_USERS 296             /* ..327 */
#define SQ_SLOTS_CONSOLE 328           /* ..359 */
sqlite3_stmt *sq_extra_stmt(store_t *s, int slot, const char *sql);

/* Records the connection's last error for errmsg; returns STORE_ERROR. */
int sq_fail(store_t *s);

sqlite3 *sq_db(store_t *s);

extern const struct pick_store_vtable sqlite_pick_vtable;
extern const struct exception_pool_vtable sqlite_exception_pool_vtable;
extern const struct merge_store_vtable sqlite_merge_vtable;
extern const struct completion_store_vtable sqlite_completion_vtable;
extern const struct tracking_vtable sqlite_tracking_vtable;
extern const struct logistics_case_vtable sqlite_logistics_case_vtable;
extern const struct after_sales_vtable sqlite_after_sales_vtable;
extern const struct after_sales_watch_vtable sqlite_after_sales_watch_vtable;
extern const struct user_store_vtable sqlite_user_vtable;
extern const struct console_store_vtable sqlite_console_vtable;

#endif
