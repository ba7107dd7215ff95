/* The SQLite side of store/after_sales_store.h: tickets, their log and receipts, damaged
 * stock, refunds, settlement lines and settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/after_sales_store.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/timefmt.h"

enum {
    A_INSERT,
    A_ITEM_INSERT,
    A_GET,
    A_ITEMS,
    A_LOG,
    A_RECEIPTS,
    A_SET_STATUS,
    A_ASSIGN,
    A_RETURN_SHIPMENT,
    A_LINKED_ORDER,
    A_LOG_APPEND,
    A_CLAIMED,
    A_OF_ORDER,
    A_LINKED_FROM,
    A_RECEIPT_APPEND,
    A_DAMAGED_ADD,
    A_DAMAGED,
    A_REFUND_INSERT,
    A_REFUND_RESULT,
    A_REFUND_RETRY,
    A_REFUND_GET,
    A_REFUNDS_OF_ORDER,
    A_REFUNDS_SUM,
    A_REFUNDS_LIST,
    A_CONFIG_GET,
    A_CONFIG_PUT,
    A_SETTLEMENT_PUT,
    A_SETTLEMENT_ORDERS,
    A__COUNT
};

#define TICKET_COLS                                                                                \
    "a.id, a.order_id, o.order_no, o.status, o.channel, a.type, a.status, a.reason, a.evidence, "  \
    "a.assignee, a.deadline, a.return_carrier, a.return_tracking_no, "                             \
    "(SELECT order_no FROM orders WHERE id = a.linked_order_id), a.created_at, a.created_by, "     \
    "a.updated_at FROM after_sales a JOIN orders o ON o.id = a.order_id"

#define REFUND_COLS                                                                                \
    "r.id, r.order_id, o.order_no, r.after_sales_id, r.amount_fen, r.status, r.provider, "         \
    "r.provider_ref, r.error, r.attempts, r.created_at, r.updated_at, r.succeeded_at, r.actor, "   \
    "r.next_attempt_at FROM refunds r JOIN orders o ON o.id = r.order_id"

_Static_assert(SQ_SLOTS_AFTER_SALES + A__COUNT <= SQ_SLOTS_AFTER_SALES_WATCH,
               "after-sales statements overflow their slots");

static const char *const sql_text[A__COUNT] = {
    [A_INSERT] = "INSERT INTO after_sales (order_id, type, status, reason, evidence, deadline, "
                 "created_at, created_by, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?7)",
    [A_ITEM_INSERT] =
        "INSERT INTO after_sales_items (after_sales_id, sku, qty, exchange_sku) VALUES "
        "(?1,?2,?3,?4)",
    [A_GET] = "SELECT " TICKET_COLS " WHERE a.id = ?1",
    [A_ITEMS] = "SELECT sku, qty, exchange_sku FROM after_sales_items WHERE after_sales_id = ?1 "
                "ORDER BY sku",
    [A_LOG] = "SELECT kind, from_status, to_status, text, detail, actor, at FROM after_sales_log "
              "WHERE after_sales_id = ?1 ORDER BY id",
    [A_RECEIPTS] = "SELECT warehouse, sku, qty, condition, actor, at FROM after_sales_receipts "
                   "WHERE after_sales_id = ?1 ORDER BY id",
    [A_SET_STATUS] = "UPDATE after_sales SET status = ?3, deadline = ?4, updated_at = ?5 "
                     "WHERE id = ?1 AND status = ?2",
    [A_ASSIGN] = "UPDATE after_sales SET assignee = ?2, updated_at = ?3 WHERE id = ?1",
    [A_RETURN_SHIPMENT] = "UPDATE after_sales SET return_carrier = ?2, return_tracking_no = ?3, "
                          "updated_at = ?4 WHERE id = ?1",
    [A_LINKED_ORDER] = "UPDATE after_sales SET linked_order_id = ?2 WHERE id = ?1",
    [A_LOG_APPEND] = "INSERT INTO after_sales_log (after_sales_id, kind, from_status, to_status, "
                     "text, detail, actor, at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
    [A_CLAIMED] = "SELECT i.sku, sum(i.qty) FROM after_sales a JOIN after_sales_items i ON "
                  "i.after_sales_id = a.id WHERE a.order_id = ?1 AND a.status <> 'rejected' "
                  "AND a.id <> ?2 GROUP BY i.sku",
    [A_OF_ORDER] = "SELECT a.id, a.type, a.status, (SELECT order_no FROM orders WHERE id = "
                   "a.linked_order_id) FROM after_sales a WHERE a.order_id = ?1 ORDER BY a.id",
    [A_LINKED_FROM] = "SELECT a.id, o.order_no, a.type FROM after_sales a JOIN orders o ON "
                      "o.id = a.order_id WHERE a.linked_order_id = ?1",
    [A_RECEIPT_APPEND] = "INSERT INTO after_sales_receipts (after_sales_id, warehouse, sku, qty, "
                         "condition, actor, at) VALUES (?1,?2,?3,?4,?5,?6,?7)",
    [A_DAMAGED_ADD] = "INSERT INTO damaged_stock (warehouse, sku, qty, updated_at) VALUES "
                      "(?1,?2,?3,?4) ON CONFLICT (warehouse, sku) DO UPDATE SET qty = qty + "
                      "excluded.qty, updated_at = excluded.updated_at",
    [A_DAMAGED] = "SELECT warehouse, sku, qty FROM damaged_stock WHERE ?1 IS NULL OR "
                  "warehouse = ?1 ORDER BY warehouse, sku",
    [A_REFUND_INSERT] = "INSERT INTO refunds (order_id, after_sales_id, amount_fen, status, "
                        "provider, created_at, updated_at, actor, next_attempt_at) VALUES "
                        "(?1,?2,?3,'pending',?4,?5,?5,?6,?5)",
    /* Only a pending refund takes an outcome; one left pending gets its next attempt time. */
    [A_REFUND_RESULT] = "UPDATE refunds SET status = ?2, provider_ref = coalesce(?3, "
                        "provider_ref), error = ?4, attempts = attempts + 1, updated_at = ?5, "
                        "succeeded_at = CASE WHEN ?2 = 'succeeded' THEN ?5 END, "
                        "next_attempt_at = CASE WHEN ?2 = 'pending' THEN ?6 END WHERE id = ?1 "
                        "AND status = 'pending'",
    [A_REFUND_RETRY] = "UPDATE refunds SET status = 'pending', next_attempt_at = ?2, "
                       "updated_at = ?2 WHERE id = ?1 AND status IN ('refused', 'pending')",
    [A_REFUND_GET] = "SELECT " REFUND_COLS " WHERE r.id = ?1",
    [A_REFUNDS_OF_ORDER] = "SELECT " REFUND_COLS " WHERE r.order_id = ?1 ORDER BY r.id",
    [A_REFUNDS_SUM] = "SELECT coalesce(sum(CASE WHEN status IN ('pending', 'succeeded') THEN "
                      "amount_fen END), 0), coalesce(sum(CASE WHEN status = 'succeeded' THEN "
                      "amount_fen END), 0) FROM refunds WHERE order_id = ?1",
    [A_REFUNDS_LIST] = "SELECT " REFUND_COLS " WHERE (?1 IS NULL OR r.status = ?1) AND "
                       "r.attempts >= ?2 AND (?3 IS NULL OR r.next_attempt_at <= ?3) AND "
                       "(?4 = 0 OR r.id < ?4) ORDER BY CASE WHEN ?3 IS NULL THEN -r.id ELSE "
                       "r.next_attempt_at END, r.id LIMIT ?5",
    [A_CONFIG_GET] = "SELECT config FROM after_sales_config WHERE key = ?1",
    [A_CONFIG_PUT] = "INSERT INTO after_sales_config (key, config, updated_at, updated_by) VALUES "
                     "(?1,?2,?3,?4) ON CONFLICT (key) DO UPDATE SET config = excluded.config, "
                     "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    [A_SETTLEMENT_PUT] = "INSERT INTO settlement_lines (order_id, channel, completed_at, "
                         "paid_fen, rate_bp, commission_fen, refunds_fen, income_fen, "
                         "created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    /* An order completed before its line was written (or without one: completion landed
     * without settlement) is dated by the event that completed it. */
    [A_SETTLEMENT_ORDERS] =
        "SELECT * FROM (SELECT o.id, o.order_no, o.channel, coalesce(sl.completed_at, "
        "(SELECT max(e.at) FROM order_events e WHERE e.order_id = o.id AND e.to_status = "
        "'completed'), o.updated_at) AS done, o.doc, sl.paid_fen, sl.rate_bp, sl.commission_fen, "
        "(SELECT coalesce(sum(amount_fen), 0) FROM refunds r WHERE r.order_id = o.id AND "
        "r.status = 'succeeded') FROM orders o LEFT JOIN settlement_lines sl ON sl.order_id = "
        "o.id WHERE o.status = 'completed') WHERE done >= ?1 AND done < ?2 ORDER BY done, id",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_AFTER_SALES + q, sql_text[q]);
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

static json_t *int_or_null(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
                                                     : json_integer(sqlite3_column_int64(st, i));
}

static json_t *json_col(sqlite3_stmt *st, int i) {
    json_t *v = NULL;
    if (sqlite3_column_type(st, i) != SQLITE_NULL)
        v = json_loads(col_text(st, i), 0, NULL);
    return v ? v : json_null();
}

/* Steps a statement expected to give one row into read_fn. */
static int one(store_t *s, sqlite3_stmt *st, json_t *(*read_fn)(sqlite3_stmt *), json_t **out) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = read_fn(st);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static json_t *read_ticket(sqlite3_stmt *st) {
    json_t *shipment =
        sqlite3_column_type(st, 11) == SQLITE_NULL
            ? json_null()
            : json_pack("{s:s, s:s}", "carrier", col_text(st, 11), "tracking_no", col_text(st, 12));
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
                     "s:s, s:o}",
                     "id", (json_int_t)sqlite3_column_int64(st, 0), "order_id",
                     (json_int_t)sqlite3_column_int64(st, 1), "order_no", col_text(st, 2),
                     "order_status", col_text(st, 3), "channel", col_text(st, 4), "type",
                     col_text(st, 5), "status", col_text(st, 6), "reason", col_text(st, 7),
                     "evidence", json_col(st, 8), "assignee", text_or_null(st, 9), "deadline",
                     time_or_null(st, 10), "return_shipment", shipment, "linked_order_no",
                     text_or_null(st, 13), "created_at", time_or_null(st, 14), "created_by",
                     col_text(st, 15), "updated_at", time_or_null(st, 16));
}

static json_t *read_item(sqlite3_stmt *st) {
    return json_pack("{s:s, s:I, s:o}", "sku", col_text(st, 0), "qty",
                     (json_int_t)sqlite3_column_int64(st, 1), "exchange_sku", text_or_null(st, 2));
}

static json_t *read_log(sqlite3_stmt *st) {
    return json_pack("{s:s, s:o, s:o, s:s, s:o, s:s, s:o}", "kind", col_text(st, 0), "from",
                     text_or_null(st, 1), "to", text_or_null(st, 2), "text", col_text(st, 3),
                     "detail", json_col(st, 4), "actor", col_text(st, 5), "at",
                     time_or_null(st, 6));
}

static json_t *read_receipt(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:I, s:s, s:s, s:o}", "warehouse", col_text(st, 0), "sku",
                     col_text(st, 1), "qty", (json_int_t)sqlite3_column_int64(st, 2), "condition",
                     col_text(st, 3), "actor", col_text(st, 4), "at", time_or_null(st, 5));
}

static json_t *read_refund(sqlite3_stmt *st) {
    char refund_no[32];
    snprintf(refund_no, sizeof refund_no, "R%lld", (long long)sqlite3_column_int64(st, 0));
    return json_pack(
        "{s:I, s:s, s:I, s:s, s:o, s:I, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:o, s:s, "
        "s:o}",
        "id", (json_int_t)sqlite3_column_int64(st, 0), "refund_no", refund_no, "order_id",
        (json_int_t)sqlite3_column_int64(st, 1), "order_no", col_text(st, 2), "after_sales_id",
        int_or_null(st, 3), "amount", (json_int_t)sqlite3_column_int64(st, 4), "status",
        col_text(st, 5), "provider", col_text(st, 6), "provider_ref", text_or_null(st, 7), "error",
        text_or_null(st, 8), "attempts", (json_int_t)sqlite3_column_int64(st, 9), "created_at",
        time_or_null(st, 10), "updated_at", time_or_null(st, 11), "succeeded_at",
        time_or_null(st, 12), "actor", col_text(st, 13), "next_attempt_at", time_or_null(st, 14));
}

static int as_insert(store_t *s, const after_sales_rec_t *r, int64_t *id) {
    sqlite3_stmt *st = prep(s, A_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->order_id);
    bind_text(st, 2, r->type);
    bind_text(st, 3, r->status);
    bind_text(st, 4, r->reason);
    bind_text(st, 5, r->evidence_json);
    if (r->deadline_ms)
        sqlite3_bind_int64(st, 6, r->deadline_ms);
    sqlite3_bind_int64(st, 7, r->now_ms);
    bind_text(st, 8, r->actor);
    int rc = sq_exec(s, st, false);
    if (rc != STORE_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(sq_db(s));
    for (int i = 0; i < r->n_items; i++) {
        st = prep(s, A_ITEM_INSERT);
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, *id);
        bind_text(st, 2, r->skus[i]);
        sqlite3_bind_int64(st, 3, r->qtys[i]);
        bind_text(st, 4, r->exchange_skus ? r->exchange_skus[i] : NULL);
        if ((rc = sq_exec(s, st, false)) != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int by_id(store_t *s, int q, int64_t id, json_t *(*read_fn)(sqlite3_stmt *), json_t **out) {
    sqlite3_stmt *st = prep(s, q);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return sq_rows(s, st, read_fn, out);
}

static int as_get(store_t *s, int64_t id, json_t **out) {
    sqlite3_stmt *st = prep(s, A_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    json_t *t = NULL;
    int rc = one(s, st, read_ticket, &t);
    if (rc != STORE_OK)
        return rc;
    json_t *items = NULL;
    if ((rc = by_id(s, A_ITEMS, id, read_item, &items)) != STORE_OK) {
        json_decref(t);
        return rc;
    }
    json_object_set_new(t, "items", items);
    *out = t;
    return STORE_OK;
}

static int as_log(store_t *s, int64_t id, json_t **out) {
    return by_id(s, A_LOG, id, read_log, out);
}

static int as_receipts(store_t *s, int64_t id, json_t **out) {
    return by_id(s, A_RECEIPTS, id, read_receipt, out);
}

static int as_list(store_t *s, const after_sales_filter_t *f, json_t **out) {
    /* Filters combine freely: the statement is built per call from fixed fragments; every
     * value is bound. */
    char sql[1024];
    size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT " TICKET_COLS " WHERE 1=1");
    const struct {
        bool on;
        const char *clause;
    } clauses[] = {
        {f->status != NULL, " AND a.status = :status"},
        {f->assignee != NULL, " AND a.assignee = :assignee"},
        {f->order_no != NULL, " AND o.order_no = :order_no"},
        {f->overdue_at_ms > 0, " AND a.deadline < :overdue"},
        {f->before_id > 0, " AND a.id < :before"},
        {true, " ORDER BY a.id DESC LIMIT :limit"},
    };
    for (size_t i = 0; i < sizeof clauses / sizeof clauses[0]; i++)
        if (clauses[i].on && len < sizeof sql)
            len += (size_t)snprintf(sql + len, sizeof sql - len, "%s", clauses[i].clause);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(sq_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(s);
    static const char *const names[] = {":status", ":assignee", ":order_no"};
    const char *values[] = {f->status, f->assignee, f->order_no};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int at = sqlite3_bind_parameter_index(st, names[i]);
        if (at)
            bind_text(st, at, values[i]);
    }
    int at = sqlite3_bind_parameter_index(st, ":overdue");
    if (at)
        sqlite3_bind_int64(st, at, f->overdue_at_ms);
    at = sqlite3_bind_parameter_index(st, ":before");
    if (at)
        sqlite3_bind_int64(st, at, f->before_id);
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, read_ticket(st));
    int result = rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
    sqlite3_finalize(st);
    if (result != STORE_OK)
        json_decref(arr);
    else
        *out = arr;
    return result;
}

static int as_set_status(store_t *s, int64_t id, const char *from, const char *to, int64_t deadline,
                         int64_t now) {
    sqlite3_stmt *st = prep(s, A_SET_STATUS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, from);
    bind_text(st, 3, to);
    if (deadline)
        sqlite3_bind_int64(st, 4, deadline);
    sqlite3_bind_int64(st, 5, now);
    return sq_exec(s, st, true);
}

static int as_assign(store_t *s, int64_t id, const char *assignee, int64_t now) {
    sqlite3_stmt *st = prep(s, A_ASSIGN);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, assignee);
    sqlite3_bind_int64(st, 3, now);
    return sq_exec(s, st, true);
}

static int as_set_return_shipment(store_t *s, int64_t id, const char *carrier,
                                  const char *tracking_no, int64_t now) {
    sqlite3_stmt *st = prep(s, A_RETURN_SHIPMENT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, carrier);
    bind_text(st, 3, tracking_no);
    sqlite3_bind_int64(st, 4, now);
    return sq_exec(s, st, true);
}

static int as_set_linked_order(store_t *s, int64_t id, int64_t order_id) {
    sqlite3_stmt *st = prep(s, A_LINKED_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, order_id);
    return sq_exec(s, st, true);
}

static int as_log_append(store_t *s, const after_sales_log_rec_t *e) {
    sqlite3_stmt *st = prep(s, A_LOG_APPEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->after_sales_id);
    bind_text(st, 2, e->kind);
    bind_text(st, 3, e->from_status);
    bind_text(st, 4, e->to_status);
    bind_text(st, 5, e->text ? e->text : "");
    bind_text(st, 6, e->detail_json);
    bind_text(st, 7, e->actor);
    sqlite3_bind_int64(st, 8, e->at_ms);
    return sq_exec(s, st, false);
}

static int as_claimed(store_t *s, int64_t order_id, int64_t except_id, json_t **out) {
    sqlite3_stmt *st = prep(s, A_CLAIMED);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int64(st, 2, except_id);
    json_t *obj = json_object();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_object_set_new(obj, col_text(st, 0), json_integer(sqlite3_column_int64(st, 1)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(obj);
        return sq_fail(s);
    }
    *out = obj;
    return STORE_OK;
}

static json_t *read_of_order(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0), "type",
                     col_text(st, 1), "status", col_text(st, 2), "linked_order_no",
                     text_or_null(st, 3));
}

static int as_of_order(store_t *s, int64_t order_id, json_t **out) {
    return by_id(s, A_OF_ORDER, order_id, read_of_order, out);
}

static json_t *read_linked_from(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:s}", "after_sales_id", (json_int_t)sqlite3_column_int64(st, 0),
                     "order_no", col_text(st, 1), "type", col_text(st, 2));
}

static int as_linked_from(store_t *s, int64_t order_id, json_t **out) {
    sqlite3_stmt *st = prep(s, A_LINKED_FROM);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return one(s, st, read_linked_from, out);
}

static int as_receipt_append(store_t *s, int64_t id, const char *wh, const char *sku, int64_t qty,
                             const char *condition, const char *actor, int64_t now) {
    sqlite3_stmt *st = prep(s, A_RECEIPT_APPEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, wh);
    bind_text(st, 3, sku);
    sqlite3_bind_int64(st, 4, qty);
    bind_text(st, 5, condition);
    bind_text(st, 6, actor);
    sqlite3_bind_int64(st, 7, now);
    int rc = sq_exec(s, st, false);
    if (rc != STORE_OK || strcmp(condition, "damaged") != 0)
        return rc;
    st = prep(s, A_DAMAGED_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    sqlite3_bind_int64(st, 3, qty);
    sqlite3_bind_int64(st, 4, now);
    return sq_exec(s, st, false);
}

static json_t *read_damaged(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:I}", "warehouse", col_text(st, 0), "sku", col_text(st, 1), "qty",
                     (json_int_t)sqlite3_column_int64(st, 2));
}

static int as_damaged(store_t *s, const char *warehouse, json_t **out) {
    sqlite3_stmt *st = prep(s, A_DAMAGED);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, warehouse);
    return sq_rows(s, st, read_damaged, out);
}

static int as_refund_insert(store_t *s, const refund_rec_t *r, int64_t *id) {
    sqlite3_stmt *st = prep(s, A_REFUND_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->order_id);
    if (r->after_sales_id)
        sqlite3_bind_int64(st, 2, r->after_sales_id);
    sqlite3_bind_int64(st, 3, r->amount_fen);
    bind_text(st, 4, r->provider);
    sqlite3_bind_int64(st, 5, r->now_ms);
    bind_text(st, 6, r->actor);
    int rc = sq_exec(s, st, false);
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(sq_db(s));
    return rc;
}

static int as_refund_result(store_t *s, int64_t id, const char *status, const char *provider_ref,
                            const char *error, int64_t next_attempt, int64_t now) {
    sqlite3_stmt *st = prep(s, A_REFUND_RESULT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, status);
    bind_text(st, 3, provider_ref);
    bind_text(st, 4, error);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, next_attempt);
    return sq_exec(s, st, true);
}

static int as_refund_retry(store_t *s, int64_t id, int64_t now) {
    sqlite3_stmt *st = prep(s, A_REFUND_RETRY);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return sq_exec(s, st, true);
}

static int as_refund_get(store_t *s, int64_t id, json_t **out) {
    sqlite3_stmt *st = prep(s, A_REFUND_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    return one(s, st, read_refund, out);
}

static int as_refunds_of_order(store_t *s, int64_t order_id, json_t **out) {
    return by_id(s, A_REFUNDS_OF_ORDER, order_id, read_refund, out);
}

static int as_refunds_list(store_t *s, const refund_filter_t *f, json_t **out) {
    sqlite3_stmt *st = prep(s, A_REFUNDS_LIST);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, f->status);
    sqlite3_bind_int64(st, 2, f->min_attempts);
    if (f->due_at_ms)
        sqlite3_bind_int64(st, 3, f->due_at_ms);
    sqlite3_bind_int64(st, 4, f->before_id);
    sqlite3_bind_int64(st, 5, f->limit > 0 ? f->limit : 100);
    return sq_rows(s, st, read_refund, out);
}

static int as_refunds_sum(store_t *s, int64_t order_id, int64_t *committed, int64_t *succeeded) {
    sqlite3_stmt *st = prep(s, A_REFUNDS_SUM);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *committed = sqlite3_column_int64(st, 0);
        *succeeded = sqlite3_column_int64(st, 1);
    }
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int as_config_get(store_t *s, const char *key, char **config_json) {
    sqlite3_stmt *st = prep(s, A_CONFIG_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *config_json = strdup(col_text(st, 0));
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return sq_fail(s);
    return *config_json ? STORE_OK : STORE_ERROR;
}

static int as_config_put(store_t *s, const char *key, const char *config_json, const char *actor,
                         int64_t now) {
    sqlite3_stmt *st = prep(s, A_CONFIG_PUT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    bind_text(st, 2, config_json);
    sqlite3_bind_int64(st, 3, now);
    bind_text(st, 4, actor);
    return sq_exec(s, st, false);
}

static int as_settlement_put(store_t *s, const settlement_line_rec_t *l) {
    sqlite3_stmt *st = prep(s, A_SETTLEMENT_PUT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, l->order_id);
    bind_text(st, 2, l->channel);
    sqlite3_bind_int64(st, 3, l->completed_at_ms);
    sqlite3_bind_int64(st, 4, l->paid_fen);
    sqlite3_bind_int(st, 5, l->rate_bp);
    sqlite3_bind_int64(st, 6, l->commission_fen);
    sqlite3_bind_int64(st, 7, l->refunds_fen);
    sqlite3_bind_int64(st, 8, l->income_fen);
    sqlite3_bind_int64(st, 9, l->now_ms);
    return sq_exec(s, st, false);
}

static json_t *read_settlement_order(sqlite3_stmt *st) {
    json_t *line =
        sqlite3_column_type(st, 5) == SQLITE_NULL
            ? json_null()
            : json_pack("{s:I, s:I, s:I}", "paid", (json_int_t)sqlite3_column_int64(st, 5),
                        "rate_bp", (json_int_t)sqlite3_column_int64(st, 6), "commission",
                        (json_int_t)sqlite3_column_int64(st, 7));
    return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:I}", "order_id",
                     (json_int_t)sqlite3_column_int64(st, 0), "order_no", col_text(st, 1),
                     "channel", col_text(st, 2), "completed_at",
                     (json_int_t)sqlite3_column_int64(st, 3), "doc", col_text(st, 4), "line", line,
                     "refunds", (json_int_t)sqlite3_column_int64(st, 8));
}

static int as_settlement_orders(store_t *s, int64_t from, int64_t to, json_t **out) {
    sqlite3_stmt *st = prep(s, A_SETTLEMENT_ORDERS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    return sq_rows(s, st, read_settlement_order, out);
}

const after_sales_vtable_t sqlite_after_sales_vtable = {
    .insert = as_insert,
    .get = as_get,
    .log = as_log,
    .receipts = as_receipts,
    .list = as_list,
    .set_status = as_set_status,
    .assign = as_assign,
    .set_return_shipment = as_set_return_shipment,
    .set_linked_order = as_set_linked_order,
    .log_append = as_log_append,
    .claimed = as_claimed,
    .of_order = as_of_order,
    .linked_from = as_linked_from,
    .receipt_append = as_receipt_append,
    .damaged = as_damaged,
    .refund_insert = as_refund_insert,
    .refund_result = as_refund_result,
    .refund_retry = as_refund_retry,
    .refund_get = as_refund_get,
    .refunds_of_order = as_refunds_of_order,
    .refunds_sum = as_refunds_sum,
    .refunds_list = as_refunds_list,
    .config_get = as_config_get,
    .config_put = as_config_put,
    .settlement_put = as_settlement_put,
    .settlement_orders = as_settlement_orders,
};
