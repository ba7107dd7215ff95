/* The SQLite side of store/completion_store.h: completion settings, the auto-confirm sweep's
 * reads, reviews and the quality figures. Statement slots from SQ_SLOTS_COMPLETION. */
#include <stdlib.h>
#include <string.h>

#include "store/completion_store.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/timefmt.h"

enum {
    C_SETTINGS_GET,
    C_SETTINGS_PUT,
    C_DUE_DELIVERED,
    C_DUE_SHIPPED,
    C_TIMES,
    C_REVIEW_GET,
    C_REVIEW_INSERT,
    C_REVIEW_SUBJECTS,
    C_REVIEW_EDIT,
    C_REVIEW_COUNTS,
    C_QUALITY_SKU,
    C_QUALITY_WAREHOUSE,
    C_QUALITY_CARRIER,
    C_AFTER_SALES_SKU,
    C_AFTER_SALES_WAREHOUSE,
    C_AFTER_SALES_CARRIER,
    C__COUNT
};

/* What an order is about, per kind: its SKUs, the warehouses its goods were taken from when
 * it shipped, the carriers of its parcels. ?1 is the order. */
#define ORDER_SKUS "SELECT DISTINCT order_id, sku AS k FROM order_lines"
#define ORDER_WAREHOUSES                                                                           \
    "SELECT DISTINCT order_id, warehouse AS k FROM reservation_ledger WHERE kind = 'consume'"
#define ORDER_CARRIERS                                                                             \
    "SELECT DISTINCT order_id, carrier AS k FROM parcels WHERE carrier IS NOT NULL"

/* Orders shipped in [?1, ?2) grouped by what they are about, with their reviews; ?3 is the
 * highest low rating. The subject rows are read per order through each table's order index. */
#define QUALITY(subjects)                                                                          \
    "WITH o AS (SELECT id FROM orders WHERE shipped_at >= ?1 AND shipped_at < ?2 AND "             \
    "shipped_at IS NOT NULL), s AS (SELECT DISTINCT x.order_id, x.k FROM o JOIN (" subjects        \
    ") x ON x.order_id = o.id) SELECT s.k, count(*), count(r.id), coalesce(sum(r.rating), 0), "    \
    "coalesce(sum(r.rating <= ?3), 0) FROM s LEFT JOIN reviews r ON r.order_id = s.order_id "      \
    "GROUP BY s.k ORDER BY s.k"

/* The same groups' after-sales figures: orders with a return (a return_refund or exchange
 * ticket not rejected), with a refund paid out, with a complaint (any ticket not rejected).
 * Each EXISTS reads the ticket or refund table through its order index. */
#define AFTER_SALES(subjects)                                                                      \
    "WITH o AS (SELECT id FROM orders WHERE shipped_at >= ?1 AND shipped_at < ?2 AND "             \
    "shipped_at IS NOT NULL), s AS (SELECT DISTINCT x.order_id, x.k FROM o JOIN (" subjects        \
    ") x ON x.order_id = o.id) SELECT s.k, coalesce(sum(EXISTS (SELECT 1 FROM after_sales a "      \
    "WHERE a.order_id = s.order_id AND a.type IN ('return_refund', 'exchange') AND a.status <> "   \
    "'rejected')), 0), coalesce(sum(EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = "           \
    "s.order_id AND r.status = 'succeeded')), 0), coalesce(sum(EXISTS (SELECT 1 FROM after_sales " \
    "a WHERE a.order_id = s.order_id AND a.status <> 'rejected')), 0) FROM s GROUP BY s.k ORDER "  \
    "BY s.k"

_Static_assert(SQ_SLOTS_COMPLETION + C__COUNT <= SQ_SLOTS_LOGISTICS,
               "completion statements overflow their slots");

static const char *const sql_text[C__COUNT] = {
    [C_SETTINGS_GET] = "SELECT config FROM completion_settings WHERE id = 1",
    [C_SETTINGS_PUT] = "INSERT INTO completion_settings (id, config, updated_at, updated_by) "
                       "VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET config = ?1, "
                       "updated_at = ?2, updated_by = ?3",
    /* Named indexes: without statistics the planner prefers orders_status, which reads
     * every delivered order rather than only those due. */
    [C_DUE_DELIVERED] = "SELECT id FROM orders INDEXED BY orders_due_delivered WHERE status = "
                        "'delivered' AND delivered_at <= ?1 ORDER BY delivered_at LIMIT ?2",
    [C_DUE_SHIPPED] = "SELECT id FROM orders INDEXED BY orders_due_shipped WHERE status IN "
                      "('shipped', 'out_for_delivery') AND shipped_at <= ?1 ORDER BY shipped_at "
                      "LIMIT ?2",
    [C_TIMES] = "SELECT coalesce(shipped_at, 0), coalesce(delivered_at, 0), "
                "coalesce(completed_at, 0) FROM orders WHERE id = ?1",
    [C_REVIEW_GET] = "SELECT rating, comment, tags, edits, created_at, created_by, updated_at, "
                     "updated_by FROM reviews WHERE order_id = ?1",
    [C_REVIEW_INSERT] = "INSERT INTO reviews (order_id, rating, comment, tags, created_at, "
                        "created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, "
                        "?6)",
    [C_REVIEW_SUBJECTS] =
        "INSERT OR IGNORE INTO review_subjects (kind, subject, review_id) "
        "SELECT 'sku', sku, ?2 FROM order_lines WHERE order_id = ?1 "
        "UNION SELECT 'warehouse', warehouse, ?2 FROM reservation_ledger WHERE order_id = ?1 "
        "AND kind = 'consume' "
        "UNION SELECT 'carrier', carrier, ?2 FROM parcels WHERE order_id = ?1 AND carrier IS "
        "NOT NULL",
    [C_REVIEW_EDIT] = "UPDATE reviews SET rating = ?2, comment = ?3, tags = ?4, edits = edits + 1, "
                      "updated_at = ?5, updated_by = ?6 WHERE order_id = ?1 AND edits < ?7",
    [C_REVIEW_COUNTS] = "SELECT r.rating, count(*) FROM review_subjects s JOIN reviews r ON "
                        "r.id = s.review_id WHERE s.kind = ?1 AND s.subject = ?2 GROUP BY r.rating",
    [C_QUALITY_SKU] = QUALITY(ORDER_SKUS),
    [C_QUALITY_WAREHOUSE] = QUALITY(ORDER_WAREHOUSES),
    [C_QUALITY_CARRIER] = QUALITY(ORDER_CARRIERS),
    [C_AFTER_SALES_SKU] = AFTER_SALES(ORDER_SKUS),
    [C_AFTER_SALES_WAREHOUSE] = AFTER_SALES(ORDER_WAREHOUSES),
    [C_AFTER_SALES_CARRIER] = AFTER_SALES(ORDER_CARRIERS),
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_COMPLETION + q, sql_text[q]);
}

static int cs_settings_get(store_t *s, char **config_json) {
    sqlite3_stmt *st = prep(s, C_SETTINGS_GET);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *config_json = strdup(col_text(st, 0));
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW && *config_json ? STORE_OK : sq_fail(s);
}

static int cs_settings_put(store_t *s, const char *config_json, const char *actor, int64_t now) {
    sqlite3_stmt *st = prep(s, C_SETTINGS_PUT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, config_json);
    sqlite3_bind_int64(st, 2, now);
    bind_text(st, 3, actor);
    return sq_exec(s, st, false);
}

/* Appends up to max - *n ids that st (bound with its cutoff) finds. */
static int due_from(store_t *s, int q, int64_t cutoff, bool delivered, int64_t *ids,
                    bool *by_delivery, int max, int *n) {
    sqlite3_stmt *st = prep(s, q);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, cutoff);
    sqlite3_bind_int(st, 2, max - *n);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        by_delivery[*n] = delivered;
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    }
    done(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int cs_due(store_t *s, int64_t delivered_by, int64_t shipped_by, int64_t *ids,
                  bool *by_delivery, int max, int *n) {
    *n = 0;
    int rc = due_from(s, C_DUE_DELIVERED, delivered_by, true, ids, by_delivery, max, n);
    if (rc == STORE_OK && *n < max)
        rc = due_from(s, C_DUE_SHIPPED, shipped_by, false, ids, by_delivery, max, n);
    return rc;
}

static int cs_times(store_t *s, int64_t order_id, int64_t *shipped, int64_t *delivered,
                    int64_t *completed) {
    sqlite3_stmt *st = prep(s, C_TIMES);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *shipped = sqlite3_column_int64(st, 0);
        *delivered = sqlite3_column_int64(st, 1);
        *completed = sqlite3_column_int64(st, 2);
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static json_t *time_json(int64_t ms) {
    char buf[40];
    return json_string(rfc3339_format(ms, buf, sizeof buf));
}

static int cs_review_get(store_t *s, int64_t order_id, json_t **out) {
    sqlite3_stmt *st = prep(s, C_REVIEW_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_t *tags = json_loads(col_text(st, 2), 0, NULL);
        *out = json_pack("{s:i, s:s, s:o, s:i, s:o, s:s, s:o, s:s}", "rating",
                         sqlite3_column_int(st, 0), "comment", col_text(st, 1), "tags",
                         tags ? tags : json_array(), "edits", sqlite3_column_int(st, 3),
                         "created_at", time_json(sqlite3_column_int64(st, 4)), "created_by",
                         col_text(st, 5), "updated_at", time_json(sqlite3_column_int64(st, 6)),
                         "updated_by", col_text(st, 7));
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW && *out ? STORE_OK : sq_fail(s);
}

static void bind_review(sqlite3_stmt *st, const review_rec_t *r) {
    sqlite3_bind_int64(st, 1, r->order_id);
    sqlite3_bind_int(st, 2, r->rating);
    bind_text(st, 3, r->comment);
    bind_text(st, 4, r->tags_json);
}

static int cs_review_insert(store_t *s, const review_rec_t *r, int64_t *id) {
    sqlite3_stmt *st = prep(s, C_REVIEW_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_review(st, r);
    sqlite3_bind_int64(st, 5, r->at_ms);
    bind_text(st, 6, r->actor);
    int rc = sq_exec(s, st, false);
    if (rc != STORE_OK)
        return rc;
    *id = sqlite3_last_insert_rowid(sq_db(s));
    st = prep(s, C_REVIEW_SUBJECTS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->order_id);
    sqlite3_bind_int64(st, 2, *id);
    return sq_exec(s, st, false);
}

static int cs_review_edit(store_t *s, const review_rec_t *r, int max_edits) {
    sqlite3_stmt *st = prep(s, C_REVIEW_EDIT);
    if (!st)
        return STORE_ERROR;
    bind_review(st, r);
    sqlite3_bind_int64(st, 5, r->at_ms);
    bind_text(st, 6, r->actor);
    sqlite3_bind_int(st, 7, max_edits);
    return sq_exec(s, st, true);
}

static int cs_review_counts(store_t *s, review_subject_t kind, const char *subject,
                            int64_t counts[6]) {
    sqlite3_stmt *st = prep(s, C_REVIEW_COUNTS);
    if (!st)
        return STORE_ERROR;
    memset(counts, 0, 6 * sizeof counts[0]);
    bind_text(st, 1, review_subject_name(kind));
    bind_text(st, 2, subject);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int rating = sqlite3_column_int(st, 0);
        if (rating >= 1 && rating <= 5)
            counts[rating] = sqlite3_column_int64(st, 1);
    }
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
}

static int cs_quality(store_t *s, review_subject_t kind, int64_t from, int64_t to, int low_max,
                      json_t **out) {
    static const int by_kind[SUBJECT__COUNT] = {
        [SUBJECT_SKU] = C_QUALITY_SKU,
        [SUBJECT_WAREHOUSE] = C_QUALITY_WAREHOUSE,
        [SUBJECT_CARRIER] = C_QUALITY_CARRIER,
    };
    sqlite3_stmt *st = (unsigned)kind < SUBJECT__COUNT ? prep(s, by_kind[kind]) : NULL;
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_int(st, 3, low_max);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr,
                              json_pack("{s:s, s:I, s:I, s:I, s:I}", "key", col_text(st, 0),
                                        "orders", (json_int_t)sqlite3_column_int64(st, 1),
                                        "reviews", (json_int_t)sqlite3_column_int64(st, 2),
                                        "rating_sum", (json_int_t)sqlite3_column_int64(st, 3),
                                        "low_ratings", (json_int_t)sqlite3_column_int64(st, 4)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return sq_fail(s);
    }
    *out = arr;
    return STORE_OK;
}

static int cs_quality_after_sales(store_t *s, review_subject_t kind, int64_t from, int64_t to,
                                  json_t **out) {
    static const int by_kind[SUBJECT__COUNT] = {
        [SUBJECT_SKU] = C_AFTER_SALES_SKU,
        [SUBJECT_WAREHOUSE] = C_AFTER_SALES_WAREHOUSE,
        [SUBJECT_CARRIER] = C_AFTER_SALES_CARRIER,
    };
    sqlite3_stmt *st = (unsigned)kind < SUBJECT__COUNT ? prep(s, by_kind[kind]) : NULL;
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr,
                              json_pack("{s:s, s:I, s:I, s:I}", "key", col_text(st, 0), "returns",
                                        (json_int_t)sqlite3_column_int64(st, 1), "refunds",
                                        (json_int_t)sqlite3_column_int64(st, 2), "complaints",
                                        (json_int_t)sqlite3_column_int64(st, 3)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return sq_fail(s);
    }
    *out = arr;
    return STORE_OK;
}

const completion_store_vtable_t sqlite_completion_vtable = {
    .settings_get = cs_settings_get,
    .settings_put = cs_settings_put,
    .due = cs_due,
    .times = cs_times,
    .review_get = cs_review_get,
    .review_insert = cs_review_insert,
    .review_edit = cs_review_edit,
    .review_counts = cs_review_counts,
    .quality = cs_quality,
    .quality_after_sales = cs_quality_after_sales,
};
