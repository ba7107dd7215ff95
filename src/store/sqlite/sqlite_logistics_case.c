/* The SQLite side of store/logistics_case_store.h: the parcel of a logistics case and its
 * reshipments. */
#include <stdio.h>
#include <string.h>

#include "store/logistics_case_store.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/timefmt.h"

enum {
    L_CASE_INSERT,
    L_CASE_PARCEL,
    L_CASE_OPEN_FOR_PARCEL,
    L_CASES_OF_ORDER,
    L_RESHIP_INSERT,
    L_RESHIPS_OF_EXCEPTION,
    L_RESHIPPED_FROM_PARCEL,
    L_ORDER_MARK_RESHIP,
    L__COUNT
};

_Static_assert(SQ_SLOTS_LOGISTICS + L__COUNT <= SQ_SLOTS_AFTER_SALES,
               "logistics statements overflow their slots");

static const char *const sql_text[L__COUNT] = {
    [L_CASE_INSERT] = "INSERT INTO logistics_cases (exception_id, order_id, parcel_id, kind, "
                      "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [L_CASE_PARCEL] = "SELECT parcel_id FROM logistics_cases WHERE exception_id = ?1",
    [L_CASE_OPEN_FOR_PARCEL] = "SELECT e.id FROM logistics_cases c JOIN exceptions e ON e.id = "
                               "c.exception_id WHERE c.parcel_id = ?1 AND e.code = ?2 AND "
                               "e.status = 'open' ORDER BY e.id DESC LIMIT 1",
    /* The order's exceptions are few: the order index finds them all. */
    [L_CASES_OF_ORDER] = "SELECT id FROM exceptions WHERE order_id = ?1 AND "
                         "substr(code, 1, 10) = 'logistics_' ORDER BY id DESC",
    [L_RESHIP_INSERT] = "INSERT INTO reshipments (exception_id, order_id, parcel_id, "
                        "reship_order_id, items, created_by, created_at) VALUES (?1, ?2, ?3, "
                        "?4, ?5, ?6, ?7)",
    [L_RESHIPS_OF_EXCEPTION] = "SELECT o.order_no, o.status, r.parcel_id, r.items, r.created_by, "
                               "r.created_at FROM reshipments r JOIN orders o ON o.id = "
                               "r.reship_order_id WHERE r.exception_id = ?1 ORDER BY r.id",
    [L_RESHIPPED_FROM_PARCEL] = "SELECT json_extract(i.value, '$.sku'), "
                                "sum(json_extract(i.value, '$.qty')) FROM reshipments r JOIN "
                                "orders o ON o.id = r.reship_order_id, json_each(r.items) i "
                                "WHERE r.parcel_id = ?1 AND o.status <> 'cancelled' GROUP BY 1 "
                                "ORDER BY 1",
    [L_ORDER_MARK_RESHIP] = "UPDATE orders SET doc = json_set(doc, '$.reship_of', ?2) WHERE id = "
                            "?1",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_LOGISTICS + q, sql_text[q]);
}

static int lc_case_insert(store_t *s, int64_t exception_id, int64_t order_id, int64_t parcel_id,
                          const char *kind, const char *actor, int64_t at_ms) {
    sqlite3_stmt *st = prep(s, L_CASE_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, exception_id);
    sqlite3_bind_int64(st, 2, order_id);
    sqlite3_bind_int64(st, 3, parcel_id);
    bind_text(st, 4, kind);
    bind_text(st, 5, actor);
    sqlite3_bind_int64(st, 6, at_ms);
    return sq_exec(s, st, false);
}

/* Steps a statement bound to one id that gives at most one integer. */
static int one_id(store_t *s, sqlite3_stmt *st, int64_t *out) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int lc_case_parcel(store_t *s, int64_t exception_id, int64_t *parcel_id) {
    sqlite3_stmt *st = prep(s, L_CASE_PARCEL);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, exception_id);
    return one_id(s, st, parcel_id);
}

static int lc_case_open_for_parcel(store_t *s, int64_t parcel_id, const char *code,
                                   int64_t *exception_id) {
    sqlite3_stmt *st = prep(s, L_CASE_OPEN_FOR_PARCEL);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    bind_text(st, 2, code);
    *exception_id = 0;
    int rc = one_id(s, st, exception_id);
    return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

static json_t *read_id(sqlite3_stmt *st) {
    return json_integer(sqlite3_column_int64(st, 0));
}

static int lc_cases_of_order(store_t *s, int64_t order_id, json_t **out) {
    sqlite3_stmt *st = prep(s, L_CASES_OF_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return sq_rows(s, st, read_id, out);
}

static int lc_reship_insert(store_t *s, const reshipment_rec_t *r) {
    sqlite3_stmt *st = prep(s, L_RESHIP_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->exception_id);
    sqlite3_bind_int64(st, 2, r->order_id);
    sqlite3_bind_int64(st, 3, r->parcel_id);
    sqlite3_bind_int64(st, 4, r->reship_order_id);
    bind_text(st, 5, r->items_json);
    bind_text(st, 6, r->actor);
    sqlite3_bind_int64(st, 7, r->at_ms);
    return sq_exec(s, st, false);
}

static json_t *read_reship(sqlite3_stmt *st) {
    json_t *items = json_loads(col_text(st, 3), 0, NULL);
    char at[40];
    return json_pack("{s:s, s:s, s:I, s:o, s:s, s:s}", "order_no", col_text(st, 0), "status",
                     col_text(st, 1), "parcel_id", (json_int_t)sqlite3_column_int64(st, 2), "items",
                     items ? items : json_array(), "created_by", col_text(st, 4), "created_at",
                     rfc3339_format(sqlite3_column_int64(st, 5), at, sizeof at));
}

static int lc_reships_of_exception(store_t *s, int64_t exception_id, json_t **out) {
    sqlite3_stmt *st = prep(s, L_RESHIPS_OF_EXCEPTION);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, exception_id);
    return sq_rows(s, st, read_reship, out);
}

static json_t *read_sku_qty(sqlite3_stmt *st) {
    return json_pack("{s:s, s:I}", "sku", col_text(st, 0), "qty",
                     (json_int_t)sqlite3_column_int64(st, 1));
}

static int lc_reshipped_from_parcel(store_t *s, int64_t parcel_id, json_t **out) {
    sqlite3_stmt *st = prep(s, L_RESHIPPED_FROM_PARCEL);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    return sq_rows(s, st, read_sku_qty, out);
}

static int lc_order_mark_reship(store_t *s, int64_t order_id, const char *reship_of) {
    sqlite3_stmt *st = prep(s, L_ORDER_MARK_RESHIP);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    bind_text(st, 2, reship_of);
    return sq_exec(s, st, true);
}

/* Rare (a refund decision): prepared per call, beside the slots the others take. */
static int lc_refunds_owed(store_t *s, int64_t order_id, int64_t *fen) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(sq_db(s),
                           "SELECT coalesce(sum(to_refund_fen), 0) FROM exception_actions WHERE "
                           "order_id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s);
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *fen = sqlite3_column_int64(st, 0);
    int result = rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
    sqlite3_finalize(st);
    return result;
}

const logistics_case_vtable_t sqlite_logistics_case_vtable = {
    .case_insert = lc_case_insert,
    .case_parcel = lc_case_parcel,
    .case_open_for_parcel = lc_case_open_for_parcel,
    .cases_of_order = lc_cases_of_order,
    .reship_insert = lc_reship_insert,
    .reships_of_exception = lc_reships_of_exception,
    .reshipped_from_parcel = lc_reshipped_from_parcel,
    .order_mark_reship = lc_order_mark_reship,
    .refunds_owed = lc_refunds_owed,
};
