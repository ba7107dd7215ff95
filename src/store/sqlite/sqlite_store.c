/* The SQLite engine behind store.h: WAL, synchronous=FULL, every statement prepared once
 * per connection with bound parameters. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/order.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/walbuf_vfs.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timefmt.h"

enum {
    Q_BEGIN,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_SAVEPOINT,
    Q_RELEASE,
    Q_ROLLBACK_TO,
    Q_READ_BEGIN,
    Q_SKU_EXISTS,
    Q_SKU_INSERT,
    Q_SKU_UPDATE,
    Q_SKU_GET,
    Q_SKU_SELLABLE,
    Q_WH_EXISTS,
    Q_WH_INSERT,
    Q_WH_UPDATE,
    Q_WH_GET,
    Q_WH_LIST,
    Q_STOCK_GET,
    Q_STOCK_FOR_SKU,
    Q_STOCK_UPSERT,
    Q_STOCK_ADD_ON_HAND,
    Q_STOCK_ADD_RESERVED,
    Q_STOCK_LEDGER,
    Q_STOCK_VERIFY,
    Q_RES_APPEND,
    Q_RES_OF_ORDER,
    Q_RES_NEWEST,
    Q_ORDER_INSERT,
    Q_LINE_INSERT,
    Q_ORDER_FIND_KEY,
    Q_ORDER_GET_ID,
    Q_ORDER_GET_NO,
    Q_ORDER_SET_STATUS,
    Q_ORDER_UPDATE_DOC,
    Q_ORDER_LAST_NO,
    Q_ORDERS_EXPIRED,
    Q_SHORTAGE_UPSERT,
    Q_SHORTAGE_DELETE,
    Q_SHORTAGES_SKU,
    Q_SHORTAGES_ORDER,
    Q_SHORTAGES_CLEAR,
    Q_EVENT_APPEND,
    Q_EVENTS_OF_ORDER,
    Q_OUTBOX_APPEND,
    Q_EXC_OPEN,
    Q_EXC_FIND_OPEN,
    Q_EXC_RESOLVE,
    Q_EXC_GET,
    Q_EXC_OF_ORDER,
    Q_EXC_LIST_STATUS,
    Q_EXC_LIST_ALL,
    Q_COUNT_ORDERS,
    Q_HOLD_OPEN,
    Q_HOLD_RELEASE,
    Q_HOLD_STATUS,
    Q_HOLDS_RELEASE_ALL,
    Q_HOLDS_OF_ORDER,
    Q_HOLDS_OPEN_COUNT,
    Q_HOLDS_RELEASE_AUTO,
    Q_RULES_GET,
    Q_RULES_PUT,
    Q_RULES_VERSION,
    Q_RECENT_ORDERS,
    Q_PHONE_HAS_ORDERS,
    Q_EVAL_APPEND,
    Q_EVAL_LATEST,
    Q_PROVIDER_GET,
    Q_PROVIDER_PUT,
    Q_NOTIFICATION_RECORD,
    Q_WEBHOOK_EXISTS,
    Q_WEBHOOK_INSERT,
    Q_WEBHOOK_UPDATE,
    Q_WEBHOOK_GET,
    Q_WEBHOOKS_ALL,
    Q_CURSOR_GET,
    Q_CURSOR_SET,
    Q_OUTBOX_AFTER,
    Q_OUTBOX_LAST,
    Q_DELIVERY_CREATE,
    Q_DELIVERIES_DUE,
    Q_DELIVERY_RESULT,
    Q_DELIVERIES_OF_HOOK,
    Q_DELIVERY_REDELIVER,
    Q__COUNT
};

#define ORDER_COLS                                                                                 \
    "id, order_no, channel, external_id, status, created_at, updated_at, "                         \
    "coalesce(payment_expires_at, 0), splittable, province_code, content_hash, doc"
#define EXC_COLS                                                                                   \
    "e.id, o.order_no, e.code, e.severity, e.message, e.status, e.created_at, e.resolved_at, "     \
    "e.resolved_by, e.note"

static const char *const sql_text[Q__COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_SAVEPOINT] = "SAVEPOINT cmd",
    [Q_RELEASE] = "RELEASE cmd",
    [Q_ROLLBACK_TO] = "ROLLBACK TO cmd",
    [Q_READ_BEGIN] = "BEGIN DEFERRED",
    [Q_SKU_EXISTS] = "SELECT 1 FROM skus WHERE sku = ?1",
    [Q_SKU_INSERT] = "INSERT INTO skus (sku, name, barcode, price_fen, weight_g, length_mm, "
                     "width_mm, height_mm, fragile, liquid, food, shelf_life_days, sellable, "
                     "created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
                     "?13,?14,?14)",
    [Q_SKU_UPDATE] = "UPDATE skus SET name=?2, barcode=?3, price_fen=?4, weight_g=?5, "
                     "length_mm=?6, width_mm=?7, height_mm=?8, fragile=?9, liquid=?10, food=?11, "
                     "shelf_life_days=?12, sellable=?13, updated_at=?14 WHERE sku=?1",
    [Q_SKU_GET] = "SELECT sku, name, barcode, price_fen, weight_g, length_mm, width_mm, "
                  "height_mm, fragile, liquid, food, shelf_life_days, sellable, created_at, "
                  "updated_at FROM skus WHERE sku = ?1",
    [Q_SKU_SELLABLE] = "SELECT sellable FROM skus WHERE sku = ?1",
    [Q_WH_EXISTS] = "SELECT 1 FROM warehouses WHERE code = ?1",
    [Q_WH_INSERT] = "INSERT INTO warehouses (code, name, province, city, district, "
                    "province_code, city_code, district_code, priority, created_at, updated_at) "
                    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10)",
    [Q_WH_UPDATE] = "UPDATE warehouses SET name=?2, province=?3, city=?4, district=?5, "
                    "province_code=?6, city_code=?7, district_code=?8, priority=?9, "
                    "updated_at=?10 WHERE code=?1",
    [Q_WH_GET] = "SELECT code, name, province, city, district, province_code, city_code, "
                 "district_code, priority, created_at, updated_at FROM warehouses WHERE code=?1",
    [Q_WH_LIST] = "SELECT code, province_code, priority FROM warehouses ORDER BY code",
    [Q_STOCK_GET] = "SELECT warehouse, sku, on_hand, reserved, safety_stock, coalesce(bin, '') "
                    "FROM stock WHERE warehouse = ?1 AND sku = ?2",
    [Q_STOCK_FOR_SKU] = "SELECT warehouse, sku, on_hand, reserved, safety_stock, "
                        "coalesce(bin, '') FROM stock WHERE sku = ?1 ORDER BY warehouse",
    [Q_STOCK_UPSERT] = "INSERT INTO stock (warehouse, sku, on_hand, safety_stock, bin, "
                       "updated_at) VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT (sku, warehouse) DO "
                       "UPDATE SET on_hand=excluded.on_hand, safety_stock=excluded.safety_stock, "
                       "bin=coalesce(excluded.bin, stock.bin), updated_at=excluded.updated_at",
    [Q_STOCK_ADD_ON_HAND] = "UPDATE stock SET on_hand = on_hand + ?3, updated_at = ?4 "
                            "WHERE warehouse = ?1 AND sku = ?2 AND on_hand + ?3 >= reserved",
    [Q_STOCK_ADD_RESERVED] = "UPDATE stock SET reserved = reserved + ?3 WHERE warehouse = ?1 "
                             "AND sku = ?2 AND reserved + ?3 >= 0 AND reserved + ?3 <= on_hand",
    [Q_STOCK_LEDGER] = "INSERT INTO stock_ledger (warehouse, sku, delta, on_hand_after, actor, "
                       "reason, at) VALUES (?1,?2,?3,?4,?5,?6,?7)",
    [Q_STOCK_VERIFY] = "SELECT s.warehouse, s.sku, s.reserved, coalesce(l.total, 0) FROM stock s "
                       "LEFT JOIN (SELECT warehouse, sku, sum(qty) AS total FROM "
                       "reservation_ledger GROUP BY warehouse, sku) l ON l.warehouse = "
                       "s.warehouse AND l.sku = s.sku WHERE s.reserved <> coalesce(l.total, 0) "
                       "OR s.reserved < 0 OR s.reserved > s.on_hand",
    [Q_RES_APPEND] = "INSERT INTO reservation_ledger (order_id, line_no, sku, warehouse, qty, "
                     "kind, cause, at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
    [Q_RES_OF_ORDER] = "SELECT order_id, line_no, sku, warehouse, sum(qty) FROM "
                       "reservation_ledger WHERE order_id = ?1 GROUP BY line_no, warehouse "
                       "HAVING sum(qty) > 0 ORDER BY line_no, warehouse",
    /* Built at first use from the lifecycle (see holders_sql): no index on (sku, warehouse)
     * — it would dirty a random page per order line on every intake — so the search goes
     * through the open orders, which the status index finds. */
    [Q_RES_NEWEST] = NULL,
    [Q_ORDER_INSERT] = "INSERT INTO orders (order_no, channel, external_id, status, buyer_phone, "
                       "created_at, updated_at, payment_expires_at, splittable, province_code, "
                       "content_hash, doc, placed_at, address_key, client_ip) VALUES "
                       "(?1,?2,?3,?4,?5,?6,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
    [Q_LINE_INSERT] = "INSERT INTO order_lines (order_id, line_no, sku, qty, unit_price_fen) "
                      "VALUES (?1,?2,?3,?4,?5)",
    [Q_ORDER_FIND_KEY] =
        "SELECT id, content_hash FROM orders WHERE channel = ?1 AND external_id = ?2",
    [Q_ORDER_GET_ID] = "SELECT " ORDER_COLS " FROM orders WHERE id = ?1",
    [Q_ORDER_GET_NO] = "SELECT " ORDER_COLS " FROM orders WHERE order_no = ?1",
    [Q_ORDER_SET_STATUS] = "UPDATE orders SET status = ?2, updated_at = ?3, payment_expires_at = "
                           "CASE WHEN ?2 = 'pending_payment' THEN payment_expires_at END "
                           "WHERE id = ?1",
    [Q_ORDER_UPDATE_DOC] = "UPDATE orders SET doc = ?2, buyer_phone = ?3, province_code = ?4, "
                           "address_key = ?5, updated_at = ?6 WHERE id = ?1",
    [Q_ORDER_LAST_NO] =
        "SELECT order_no FROM orders WHERE order_no LIKE ?1 || '%' ORDER BY order_no DESC LIMIT 1",
    [Q_ORDERS_EXPIRED] = "SELECT id FROM orders WHERE status = 'pending_payment' AND "
                         "payment_expires_at <= ?1 ORDER BY payment_expires_at LIMIT ?2",
    [Q_SHORTAGE_UPSERT] = "INSERT INTO shortages (order_id, line_no, sku, missing, since) "
                          "VALUES (?1,?2,?3,?4,?5) ON CONFLICT (order_id, line_no) DO UPDATE "
                          "SET missing = excluded.missing",
    [Q_SHORTAGE_DELETE] = "DELETE FROM shortages WHERE order_id = ?1 AND line_no = ?2",
    [Q_SHORTAGES_SKU] = "SELECT order_id, line_no, sku, missing FROM shortages WHERE sku = ?1 "
                        "ORDER BY order_id LIMIT ?2",
    [Q_SHORTAGES_ORDER] = "SELECT order_id, line_no, sku, missing FROM shortages WHERE "
                          "order_id = ?1 ORDER BY line_no",
    [Q_SHORTAGES_CLEAR] = "DELETE FROM shortages WHERE order_id = ?1",
    [Q_EVENT_APPEND] = "INSERT INTO order_events (order_id, at, actor, type, from_status, "
                       "to_status, reason) VALUES (?1,?2,?3,?4,?5,?6,?7)",
    [Q_EVENTS_OF_ORDER] = "SELECT at, actor, type, from_status, to_status, reason FROM "
                          "order_events WHERE order_id = ?1 ORDER BY id",
    [Q_OUTBOX_APPEND] =
        "INSERT INTO outbox (topic, order_id, payload, created_at) VALUES (?1,?2,?3,?4)",
    [Q_EXC_OPEN] = "INSERT INTO exceptions (order_id, code, severity, message, created_at) "
                   "VALUES (?1,?2,?3,?4,?5)",
    [Q_EXC_FIND_OPEN] =
        "SELECT id FROM exceptions WHERE order_id = ?1 AND code = ?2 AND status = 'open'",
    [Q_EXC_RESOLVE] = "UPDATE exceptions SET status = 'resolved', resolved_at = ?4, "
                      "resolved_by = ?2, note = ?3 WHERE id = ?1 AND status = 'open'",
    [Q_EXC_GET] =
        "SELECT " EXC_COLS " FROM exceptions e JOIN orders o ON o.id = e.order_id WHERE e.id = ?1",
    [Q_EXC_OF_ORDER] = "SELECT " EXC_COLS " FROM exceptions e JOIN orders o ON o.id = "
                       "e.order_id WHERE e.order_id = ?1 ORDER BY e.id",
    [Q_EXC_LIST_STATUS] = "SELECT " EXC_COLS " FROM exceptions e JOIN orders o ON o.id = "
                          "e.order_id WHERE e.status = ?1 ORDER BY e.id DESC LIMIT ?2",
    [Q_EXC_LIST_ALL] = "SELECT " EXC_COLS " FROM exceptions e JOIN orders o ON o.id = "
                       "e.order_id ORDER BY e.id DESC LIMIT ?2",
    [Q_COUNT_ORDERS] = "SELECT count(*) FROM orders",
    [Q_HOLD_OPEN] =
        "INSERT INTO holds (order_id, reason, rule_id, message, detail, owner, deadline, "
        "auto_release, created_at, created_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    [Q_HOLD_RELEASE] = "UPDATE holds SET status = 'released', released_by = ?3, release_note = ?4, "
                       "released_at = ?5 WHERE order_id = ?1 AND id = ?2 AND status = 'open'",
    [Q_HOLD_STATUS] = "SELECT status FROM holds WHERE order_id = ?1 AND id = ?2",
    [Q_HOLDS_RELEASE_ALL] = "UPDATE holds SET status = 'released', released_by = ?2, "
                            "release_note = ?3, released_at = ?4 WHERE order_id = ?1 AND "
                            "status = 'open'",
    [Q_HOLDS_OF_ORDER] =
        "SELECT id, reason, rule_id, message, detail, owner, deadline, auto_release, "
        "status, created_at, created_by, released_at, released_by, release_note "
        "FROM holds WHERE order_id = ?1 ORDER BY id",
    [Q_HOLDS_OPEN_COUNT] = "SELECT count(*) FROM holds WHERE order_id = ?1 AND status = 'open'",
    [Q_HOLDS_RELEASE_AUTO] = "UPDATE holds SET status = 'released', released_by = ?3, "
                             "release_note = ?4, released_at = ?5 WHERE order_id = ?1 AND "
                             "status = 'open' AND auto_release = ?2",
    [Q_RULES_GET] = "SELECT version, ruleset, updated_at, updated_by FROM review_rules",
    [Q_RULES_PUT] = "INSERT INTO review_rules (id, version, ruleset, updated_at, updated_by) "
                    "VALUES (1, 1, ?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET "
                    "version = version + 1, ruleset = excluded.ruleset, "
                    "updated_at = excluded.updated_at, updated_by = excluded.updated_by "
                    "RETURNING version",
    [Q_RULES_VERSION] = "SELECT version FROM review_rules",
    [Q_RECENT_ORDERS] = "SELECT buyer_phone, address_key, client_ip, placed_at FROM orders "
                        "WHERE placed_at > ?1 ORDER BY placed_at",
    [Q_PHONE_HAS_ORDERS] = "SELECT 1 FROM orders WHERE buyer_phone = ?1 LIMIT 1",
    [Q_EVAL_APPEND] = "INSERT INTO review_evaluations (order_id, at, ruleset_version, passed, "
                      "result) VALUES (?1,?2,?3,?4,?5)",
    [Q_PROVIDER_GET] = "SELECT config FROM payment_providers WHERE name = ?1",
    [Q_PROVIDER_PUT] = "INSERT INTO payment_providers (name, config, updated_at, updated_by) "
                       "VALUES (?1,?2,?3,?4) ON CONFLICT (name) DO UPDATE SET config = "
                       "excluded.config, updated_at = excluded.updated_at, updated_by = "
                       "excluded.updated_by",
    [Q_NOTIFICATION_RECORD] = "INSERT INTO payment_notifications (provider, notify_key, order_id, "
                              "trade_status, amount_fen, transaction_id, outcome, received_at) "
                              "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
    [Q_WEBHOOK_EXISTS] = "SELECT 1 FROM webhooks WHERE id = ?1",
    [Q_WEBHOOK_INSERT] = "INSERT INTO webhooks (id, url, events, secret, created_at, updated_at) "
                         "VALUES (?1,?2,?3,?4,?5,?5)",
    [Q_WEBHOOK_UPDATE] =
        "UPDATE webhooks SET url = ?2, events = ?3, secret = ?4, updated_at = ?5 WHERE id = ?1",
    [Q_WEBHOOK_GET] = "SELECT id, url, events, created_at, updated_at FROM webhooks WHERE id = ?1",
    [Q_WEBHOOKS_ALL] = "SELECT id, url, events, secret FROM webhooks ORDER BY id",
    [Q_CURSOR_GET] = "SELECT outbox_id FROM dispatch_cursor WHERE name = ?1",
    [Q_CURSOR_SET] = "INSERT INTO dispatch_cursor (name, outbox_id) VALUES (?1, ?2) "
                     "ON CONFLICT (name) DO UPDATE SET outbox_id = excluded.outbox_id",
    [Q_OUTBOX_AFTER] = "SELECT id, topic, order_id, payload, created_at FROM outbox WHERE id > ?1 "
                       "ORDER BY id LIMIT ?2",
    [Q_OUTBOX_LAST] = "SELECT coalesce(max(id), 0) FROM outbox",
    [Q_DELIVERY_CREATE] = "INSERT INTO webhook_deliveries (webhook_id, outbox_id, topic, order_id, "
                          "next_attempt_at, created_at) VALUES (?1,?2,?3,?4,?5,?5) "
                          "ON CONFLICT (webhook_id, outbox_id) DO NOTHING",
    /* One per (webhook, order) at a time: a later message waits for the earlier ones. */
    [Q_DELIVERIES_DUE] =
        "SELECT d.id, d.webhook_id, w.url, w.secret, d.attempts, d.outbox_id, d.topic, "
        "o.payload, o.created_at FROM webhook_deliveries d JOIN webhooks w ON w.id = "
        "d.webhook_id JOIN outbox o ON o.id = d.outbox_id WHERE d.status = 'pending' AND "
        "d.next_attempt_at <= ?1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE "
        "e.webhook_id = d.webhook_id AND e.order_id IS d.order_id AND e.id < d.id AND "
        "e.status = 'pending') ORDER BY d.id LIMIT ?2",
    [Q_DELIVERY_RESULT] = "UPDATE webhook_deliveries SET status = ?2, attempts = attempts + 1, "
                          "last_status = ?3, last_error = ?4, next_attempt_at = ?5, "
                          "delivered_at = CASE WHEN ?2 = 'delivered' THEN ?6 END WHERE id = ?1",
    [Q_DELIVERIES_OF_HOOK] =
        "SELECT id, outbox_id, topic, status, attempts, last_status, last_error, "
        "next_attempt_at, created_at, delivered_at FROM webhook_deliveries WHERE "
        "webhook_id = ?1 ORDER BY id DESC LIMIT ?2",
    [Q_DELIVERY_REDELIVER] = "UPDATE webhook_deliveries SET status = 'pending', "
                             "next_attempt_at = ?3 WHERE webhook_id = ?1 AND id = ?2",
    [Q_EVAL_LATEST] = "SELECT at, ruleset_version, result FROM review_evaluations WHERE "
                      "order_id = ?1 ORDER BY id DESC LIMIT 1",
};

typedef struct {
    store_t base;
    sqlite3 *db;
    sqlite3_stmt *stmts[Q__COUNT];
    checkpointer_t *checkpointer; /* read-write connections only */
    int wal_fd;                   /* for sync(): the log, opened by us; -1 until defer_sync */
    char err[256];
} sq_t;

static sq_t *SQ(store_t *s) {
    return (sq_t *)s;
}

static int fail(sq_t *s) {
    snprintf(s->err, sizeof s->err, "%s", sqlite3_errmsg(s->db));
    return STORE_ERROR;
}

/* Net holdings at one (warehouse, sku), newest order first. The orders that can hold stock
 * are those in a state that holds it (from the lifecycle table): the status index finds
 * them, the order index their ledger rows. Built once, from fixed words only. */
static char holders_sql[1024];

static void build_holders_sql(void) {
    int len = snprintf(holders_sql, sizeof holders_sql,
                       "SELECT l.order_id, l.line_no, l.sku, l.warehouse, sum(l.qty) AS net "
                       "FROM orders o JOIN reservation_ledger l ON l.order_id = o.id "
                       "WHERE l.warehouse = ?1 AND l.sku = ?2 AND o.status IN (");
    const char *sep = "";
    for (int st = 0; st < ORDER__STATUS_COUNT; st++) {
        if (!lifecycle_holds_stock((order_status_t)st))
            continue;
        len += snprintf(holders_sql + len, sizeof holders_sql - (size_t)len, "%s'%s'", sep,
                        order_status_name((order_status_t)st));
        sep = ", ";
    }
    snprintf(holders_sql + len, sizeof holders_sql - (size_t)len,
             ") GROUP BY l.order_id, l.line_no HAVING net > 0 "
             "ORDER BY l.order_id DESC, l.line_no DESC");
}

/* The prepared statement for q, reset and unbound, ready for binding; NULL on error. */
static sqlite3_stmt *stmt(sq_t *s, int q) {
    sqlite3_stmt *st = s->stmts[q];
    if (!st) {
        if (sqlite3_prepare_v3(s->db, q == Q_RES_NEWEST ? holders_sql : sql_text[q], -1,
                               SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
            fail(s);
            return NULL;
        }
        s->stmts[q] = st;
    }
    return st;
}

static void done(sqlite3_stmt *st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int i) {
    snprintf(dst, cap, "%s", col_text(st, i));
}

/* Runs a statement that returns no rows. STORE_CONFLICT on constraint failure. */
static int exec_step(sq_t *s, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    int out = STORE_OK;
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
        out = STORE_CONFLICT;
    else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        out = fail(s);
    done(st);
    return out;
}

static int simple(store_t *base, int q) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, q);
    return st ? exec_step(s, st) : STORE_ERROR;
}

static int sq_begin(store_t *s) {
    return simple(s, Q_BEGIN);
}
static int sq_commit(store_t *s) {
    return simple(s, Q_COMMIT);
}
static int sq_rollback(store_t *s) {
    return simple(s, Q_ROLLBACK);
}
static int sq_savepoint(store_t *s) {
    return simple(s, Q_SAVEPOINT);
}
static int sq_release(store_t *s) {
    return simple(s, Q_RELEASE);
}
static int sq_rollback_to(store_t *s) {
    int rc = simple(s, Q_ROLLBACK_TO);
    return rc == STORE_OK ? simple(s, Q_RELEASE) : rc;
}
static int sq_read_begin(store_t *s) {
    return simple(s, Q_READ_BEGIN);
}
static int sq_read_end(store_t *s) {
    return simple(s, Q_COMMIT);
}

static const char *sq_errmsg(store_t *s) {
    return SQ(s)->err;
}

static void sq_close(store_t *base) {
    sq_t *s = SQ(base);
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    checkpointer_detach(s->checkpointer);
    if (s->wal_fd >= 0)
        close(s->wal_fd);
    sqlite3_close(s->db);
    free(s);
}

/* ---- catalog ---- */

static int exists(sq_t *s, int q, const char *key, bool *found) {
    sqlite3_stmt *st = stmt(s, q);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(s);
    *found = rc == SQLITE_ROW;
    return STORE_OK;
}

static int sq_sku_put(store_t *base, const sku_rec_t *k, int64_t now, bool *created) {
    sq_t *s = SQ(base);
    bool found;
    if (exists(s, Q_SKU_EXISTS, k->sku, &found) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, found ? Q_SKU_UPDATE : Q_SKU_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, k->sku);
    bind_text(st, 2, k->name);
    bind_text(st, 3, k->barcode);
    sqlite3_bind_int64(st, 4, k->price_fen);
    sqlite3_bind_int64(st, 5, k->weight_g);
    sqlite3_bind_int64(st, 6, k->length_mm);
    sqlite3_bind_int64(st, 7, k->width_mm);
    sqlite3_bind_int64(st, 8, k->height_mm);
    sqlite3_bind_int(st, 9, k->fragile);
    sqlite3_bind_int(st, 10, k->liquid);
    sqlite3_bind_int(st, 11, k->food);
    sqlite3_bind_int64(st, 12, k->shelf_life_days);
    sqlite3_bind_int(st, 13, k->sellable);
    sqlite3_bind_int64(st, 14, now);
    *created = !found;
    return exec_step(s, st);
}

static json_t *time_or_null(sqlite3_stmt *st, int i) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    char buf[40];
    return json_string(rfc3339_format(sqlite3_column_int64(st, i), buf, sizeof buf));
}

static json_t *text_or_null(sqlite3_stmt *st, int i) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    return json_string(col_text(st, i));
}

static int sq_sku_get(store_t *base, const char *sku, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_SKU_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, sku);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = json_pack(
            "{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:b, s:I, s:b, "
            "s:o, s:o}",
            "sku", col_text(st, 0), "name", col_text(st, 1), "barcode", text_or_null(st, 2),
            "price", sqlite3_column_int64(st, 3), "weight_g", sqlite3_column_int64(st, 4),
            "length_mm", sqlite3_column_int64(st, 5), "width_mm", sqlite3_column_int64(st, 6),
            "height_mm", sqlite3_column_int64(st, 7), "fragile", sqlite3_column_int(st, 8),
            "liquid", sqlite3_column_int(st, 9), "food", sqlite3_column_int(st, 10),
            "shelf_life_days", sqlite3_column_int64(st, 11), "sellable", sqlite3_column_int(st, 12),
            "created_at", time_or_null(st, 13), "updated_at", time_or_null(st, 14));
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_sku_sellable(store_t *base, const char *sku, int *sellable) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_SKU_SELLABLE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, sku);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *sellable = sqlite3_column_int(st, 0);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_warehouse_put(store_t *base, const warehouse_rec_t *w, int64_t now, bool *created) {
    sq_t *s = SQ(base);
    bool found;
    if (exists(s, Q_WH_EXISTS, w->code, &found) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, found ? Q_WH_UPDATE : Q_WH_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, w->code);
    bind_text(st, 2, w->name);
    bind_text(st, 3, w->province);
    bind_text(st, 4, w->city);
    bind_text(st, 5, w->district);
    sqlite3_bind_int(st, 6, w->province_code);
    sqlite3_bind_int(st, 7, w->city_code);
    sqlite3_bind_int(st, 8, w->district_code);
    sqlite3_bind_int(st, 9, w->priority);
    sqlite3_bind_int64(st, 10, now);
    *created = !found;
    return exec_step(s, st);
}

static int sq_warehouse_get(store_t *base, const char *code, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_WH_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i}, s:i, s:o, s:o}", "code",
                      col_text(st, 0), "name", col_text(st, 1), "province", col_text(st, 2), "city",
                      col_text(st, 3), "district", col_text(st, 4), "division_codes", "province",
                      sqlite3_column_int(st, 5), "city", sqlite3_column_int(st, 6), "district",
                      sqlite3_column_int(st, 7), "priority", sqlite3_column_int(st, 8),
                      "created_at", time_or_null(st, 9), "updated_at", time_or_null(st, 10));
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_warehouse_list(store_t *base, reserve_warehouse_t *out, char (*code_buf)[65], int max,
                             int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_WH_LIST);
    if (!st)
        return STORE_ERROR;
    int rc, count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max) {
        copy_col(code_buf[count], 65, st, 0);
        out[count] = (reserve_warehouse_t){.code = code_buf[count],
                                           .province_code = sqlite3_column_int(st, 1),
                                           .priority = sqlite3_column_int(st, 2)};
        count++;
    }
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(s);
    *n = count;
    return STORE_OK;
}

/* ---- stock ---- */

static void read_stock_row(sqlite3_stmt *st, stock_row_t *r) {
    copy_col(r->warehouse, sizeof r->warehouse, st, 0);
    copy_col(r->sku, sizeof r->sku, st, 1);
    r->on_hand = sqlite3_column_int64(st, 2);
    r->reserved = sqlite3_column_int64(st, 3);
    r->safety_stock = sqlite3_column_int64(st, 4);
    copy_col(r->bin, sizeof r->bin, st, 5);
}

static int sq_stock_get(store_t *base, const char *wh, const char *sku, stock_row_t *out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STOCK_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_stock_row(st, out);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_stock_for_sku(store_t *base, const char *sku, stock_row_t *out, int max, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STOCK_FOR_SKU);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, sku);
    int rc, count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max)
        read_stock_row(st, &out[count++]);
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(s);
    *n = count;
    return STORE_OK;
}

static int sq_stock_set(store_t *base, const char *wh, const char *sku, int64_t on_hand,
                        int64_t safety, const char *bin, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STOCK_UPSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    sqlite3_bind_int64(st, 3, on_hand);
    sqlite3_bind_int64(st, 4, safety);
    bind_text(st, 5, bin);
    sqlite3_bind_int64(st, 6, now);
    return exec_step(s, st);
}

/* A guarded update: STORE_CONFLICT when its WHERE clause matched nothing. */
static int guarded(sq_t *s, sqlite3_stmt *st) {
    int rc = exec_step(s, st);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
        return STORE_CONFLICT;
    return rc;
}

static int sq_stock_add_on_hand(store_t *base, const char *wh, const char *sku, int64_t delta,
                                int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STOCK_ADD_ON_HAND);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    sqlite3_bind_int64(st, 3, delta);
    sqlite3_bind_int64(st, 4, now);
    return guarded(s, st);
}

static int sq_stock_add_reserved(store_t *base, const char *wh, const char *sku, int64_t delta) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STOCK_ADD_RESERVED);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    sqlite3_bind_int64(st, 3, delta);
    return guarded(s, st);
}

static int sq_stock_ledger_append(store_t *base, const char *wh, const char *sku, int64_t delta,
                                  int64_t after, const char *actor, const char *reason,
                                  int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STOCK_LEDGER);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    sqlite3_bind_int64(st, 3, delta);
    sqlite3_bind_int64(st, 4, after);
    bind_text(st, 5, actor);
    bind_text(st, 6, reason);
    sqlite3_bind_int64(st, 7, now);
    return exec_step(s, st);
}

static int sq_stock_verify(store_t *base, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STOCK_VERIFY);
    if (!st)
        return STORE_ERROR;
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:I, s:I}", "warehouse", col_text(st, 0), "sku",
                                        col_text(st, 1), "reserved", sqlite3_column_int64(st, 2),
                                        "ledger", sqlite3_column_int64(st, 3)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return fail(s);
    }
    *out = arr;
    return STORE_OK;
}

/* ---- reservations ---- */

const char *reservation_kind_name(reservation_kind_t k) {
    static const char *names[] = {"reserve", "release", "consume", "re-reserve"};
    return names[k];
}

static int sq_reservation_append(store_t *base, const reservation_rec_t *r, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RES_APPEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->order_id);
    sqlite3_bind_int(st, 2, r->line_no);
    bind_text(st, 3, r->sku);
    bind_text(st, 4, r->warehouse);
    sqlite3_bind_int(st, 5, r->qty);
    bind_text(st, 6, reservation_kind_name(r->kind));
    bind_text(st, 7, r->cause);
    sqlite3_bind_int64(st, 8, now);
    return exec_step(s, st);
}

static int read_held(sq_t *s, sqlite3_stmt *st, held_t *out, int max, int *n) {
    int rc = SQLITE_DONE, count = 0;
    while (count < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        held_t *h = &out[count++];
        h->order_id = sqlite3_column_int64(st, 0);
        h->line_no = sqlite3_column_int(st, 1);
        copy_col(h->sku, sizeof h->sku, st, 2);
        copy_col(h->warehouse, sizeof h->warehouse, st, 3);
        h->qty = sqlite3_column_int64(st, 4);
    }
    if (count == max)
        rc = SQLITE_DONE;
    done(st);
    if (rc != SQLITE_DONE)
        return fail(s);
    *n = count;
    return STORE_OK;
}

static int sq_reservations_of_order(store_t *base, int64_t order_id, held_t *out, int max, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RES_OF_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return read_held(s, st, out, max, n);
}

static int sq_reservations_newest(store_t *base, const char *wh, const char *sku, held_t *out,
                                  int max, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RES_NEWEST);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    return read_held(s, st, out, max, n);
}

/* ---- orders ---- */

static int sq_order_insert(store_t *base, order_rec_t *rec) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDER_INSERT);
    if (!st)
        return STORE_ERROR;
    char *doc = rec->doc_text || !rec->doc ? NULL : json_dumps(rec->doc, JSON_COMPACT);
    if (!doc && !rec->doc_text)
        return STORE_ERROR;
    bind_text(st, 1, rec->order_no);
    bind_text(st, 2, channel_name((channel_t)rec->channel));
    bind_text(st, 3, rec->external_id);
    bind_text(st, 4, order_status_name(rec->status));
    bind_text(st, 5, rec->buyer_phone);
    sqlite3_bind_int64(st, 6, rec->created_at_ms);
    if (rec->payment_expires_at_ms)
        sqlite3_bind_int64(st, 7, rec->payment_expires_at_ms);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_int(st, 8, rec->splittable);
    sqlite3_bind_int(st, 9, rec->province_code);
    bind_text(st, 10, rec->content_hash);
    if (doc)
        sqlite3_bind_text(st, 11, doc, -1, free);
    else
        sqlite3_bind_text(st, 11, rec->doc_text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, rec->placed_at_ms);
    bind_text(st, 13, rec->address_key);
    bind_text(st, 14, rec->client_ip);
    int rc = exec_step(s, st);
    if (rc == STORE_OK)
        rec->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int sq_order_line_insert(store_t *base, int64_t order_id, int line_no, const char *sku,
                                int32_t qty, int64_t unit_price) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_LINE_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int(st, 2, line_no);
    bind_text(st, 3, sku);
    sqlite3_bind_int(st, 4, qty);
    sqlite3_bind_int64(st, 5, unit_price);
    return exec_step(s, st);
}

static int sq_order_find_key(store_t *base, int channel, const char *external_id, int64_t *id,
                             char hash_out[65]) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDER_FIND_KEY);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, channel_name((channel_t)channel));
    bind_text(st, 2, external_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        copy_col(hash_out, 65, st, 1);
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int read_order(sqlite3_stmt *st, order_rec_t *rec) {
    memset(rec, 0, sizeof *rec);
    rec->id = sqlite3_column_int64(st, 0);
    copy_col(rec->order_no, sizeof rec->order_no, st, 1);
    rec->channel = channel_from_name(col_text(st, 2));
    copy_col(rec->external_id, sizeof rec->external_id, st, 3);
    rec->status = (order_status_t)order_status_from_name(col_text(st, 4));
    rec->created_at_ms = sqlite3_column_int64(st, 5);
    rec->updated_at_ms = sqlite3_column_int64(st, 6);
    rec->payment_expires_at_ms = sqlite3_column_int64(st, 7);
    rec->splittable = sqlite3_column_int(st, 8) != 0;
    rec->province_code = sqlite3_column_int(st, 9);
    copy_col(rec->content_hash, sizeof rec->content_hash, st, 10);
    rec->doc = json_loads(col_text(st, 11), 0, NULL);
    return rec->doc ? STORE_OK : STORE_ERROR;
}

static int sq_order_get(store_t *base, int64_t id, const char *order_no, order_rec_t *rec) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, order_no ? Q_ORDER_GET_NO : Q_ORDER_GET_ID);
    if (!st)
        return STORE_ERROR;
    if (order_no)
        bind_text(st, 1, order_no);
    else
        sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), out = STORE_OK;
    if (rc == SQLITE_ROW)
        out = read_order(st, rec);
    else if (rc == SQLITE_DONE)
        out = STORE_NOT_FOUND;
    else
        out = fail(s);
    done(st);
    return out;
}

static int sq_order_set_status(store_t *base, int64_t id, order_status_t to, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDER_SET_STATUS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, order_status_name(to));
    sqlite3_bind_int64(st, 3, now);
    return guarded(s, st);
}

static int sq_order_update_doc(store_t *base, int64_t id, const char *doc_text,
                               const char *buyer_phone, int32_t province_code,
                               const char *address_key, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDER_UPDATE_DOC);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, doc_text);
    bind_text(st, 3, buyer_phone);
    sqlite3_bind_int(st, 4, province_code);
    bind_text(st, 5, address_key);
    sqlite3_bind_int64(st, 6, now);
    return guarded(s, st);
}

static int sq_order_last_no(store_t *base, const char *prefix, char out[32]) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDER_LAST_NO);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, prefix);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        copy_col(out, 32, st, 0);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

/* Collects the rows of a prepared order query (ORDER_COLS) into a new array. */
static int collect_orders(sq_t *s, sqlite3_stmt *st, int limit, order_rec_t **out, int *n) {
    order_rec_t *recs = calloc((size_t)(limit > 0 ? limit : 1), sizeof *recs);
    int count = 0, rc = SQLITE_DONE;
    while (recs && count < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (read_order(st, &recs[count]) != STORE_OK)
            break;
        count++;
    }
    int result = STORE_OK;
    if (!recs || (count < limit && rc != SQLITE_DONE)) {
        result = fail(s);
        for (int i = 0; recs && i < count; i++)
            order_rec_clear(&recs[i]);
        free(recs);
        recs = NULL;
        count = 0;
    }
    *out = recs;
    *n = count;
    return result;
}

static int sq_order_list(store_t *base, const order_filter_t *f, order_rec_t **out, int *n) {
    sq_t *s = SQ(base);
    /* Filters combine freely, so this one statement is built per call — from fixed
     * fragments only; every value is bound. */
    char sql[1024];
    int len = snprintf(sql, sizeof sql, "SELECT " ORDER_COLS " FROM orders o WHERE 1=1");
    if (f->status)
        len += snprintf(sql + len, sizeof sql - len, " AND status = :status");
    if (f->channel >= 0)
        len += snprintf(sql + len, sizeof sql - len, " AND channel = :channel");
    if (f->exception_code)
        len += snprintf(sql + len, sizeof sql - len,
                        " AND EXISTS (SELECT 1 FROM exceptions e WHERE e.order_id = o.id AND "
                        "e.code = :exc AND e.status = 'open')");
    if (f->q)
        len += snprintf(sql + len, sizeof sql - len,
                        " AND (order_no = :q OR external_id = :q OR buyer_phone = :q)");
    if (f->since_ms)
        len += snprintf(sql + len, sizeof sql - len, " AND created_at >= :since");
    if (f->until_ms)
        len += snprintf(sql + len, sizeof sql - len, " AND created_at < :until");
    if (f->before_id)
        len += snprintf(sql + len, sizeof sql - len, " AND id < :before");
    snprintf(sql + len, sizeof sql - len, " ORDER BY id DESC LIMIT :limit");

    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(s);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":status"), f->status ? f->status : "",
                      -1, SQLITE_STATIC);
    if (f->channel >= 0)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":channel"),
                          channel_name((channel_t)f->channel), -1, SQLITE_STATIC);
    if (f->exception_code)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":exc"), f->exception_code, -1,
                          SQLITE_STATIC);
    if (f->q)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":q"), f->q, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":since"), f->since_ms);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":until"), f->until_ms);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":before"), f->before_id);
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit);

    int rc = collect_orders(s, st, f->limit, out, n);
    sqlite3_finalize(st);
    return rc;
}

static int sq_orders_payment_expired(store_t *base, int64_t now, int64_t *ids, int max, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDERS_EXPIRED);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, max);
    int rc, count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max)
        ids[count++] = sqlite3_column_int64(st, 0);
    done(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return fail(s);
    *n = count;
    return STORE_OK;
}

/* ---- shortages ---- */

static int sq_shortage_set(store_t *base, int64_t order_id, int line_no, const char *sku,
                           int64_t missing, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, missing > 0 ? Q_SHORTAGE_UPSERT : Q_SHORTAGE_DELETE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int(st, 2, line_no);
    if (missing > 0) {
        bind_text(st, 3, sku);
        sqlite3_bind_int64(st, 4, missing);
        sqlite3_bind_int64(st, 5, now);
    }
    return exec_step(s, st);
}

static int read_shortages(sq_t *s, sqlite3_stmt *st, shortage_t *out, int max, int *n) {
    int rc = SQLITE_DONE, count = 0;
    while (count < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        out[count].order_id = sqlite3_column_int64(st, 0);
        out[count].line_no = sqlite3_column_int(st, 1);
        copy_col(out[count].sku, sizeof out[count].sku, st, 2);
        out[count].missing = sqlite3_column_int64(st, 3);
        count++;
    }
    if (count == max)
        rc = SQLITE_DONE;
    done(st);
    if (rc != SQLITE_DONE)
        return fail(s);
    *n = count;
    return STORE_OK;
}

static int sq_shortages_for_sku(store_t *base, const char *sku, shortage_t *out, int max, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_SHORTAGES_SKU);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, sku);
    sqlite3_bind_int(st, 2, max);
    return read_shortages(s, st, out, max, n);
}

static int sq_shortages_of_order(store_t *base, int64_t order_id, shortage_t *out, int max,
                                 int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_SHORTAGES_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return read_shortages(s, st, out, max, n);
}

static int sq_shortages_clear_order(store_t *base, int64_t order_id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_SHORTAGES_CLEAR);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return exec_step(s, st);
}

/* ---- timeline, outbox ---- */

static int sq_event_append(store_t *base, const event_rec_t *e) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EVENT_APPEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->order_id);
    sqlite3_bind_int64(st, 2, e->at_ms);
    bind_text(st, 3, e->actor);
    bind_text(st, 4, e->type);
    bind_text(st, 5,
              e->from_status >= 0 ? order_status_name((order_status_t)e->from_status) : NULL);
    bind_text(st, 6, e->to_status >= 0 ? order_status_name((order_status_t)e->to_status) : NULL);
    bind_text(st, 7, e->reason);
    return exec_step(s, st);
}

static int sq_events_of_order(store_t *base, int64_t order_id, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EVENTS_OF_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:o, s:s, s:s, s:o, s:o, s:o}", "at",
                                             time_or_null(st, 0), "actor", col_text(st, 1), "type",
                                             col_text(st, 2), "from", text_or_null(st, 3), "to",
                                             text_or_null(st, 4), "reason", text_or_null(st, 5)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return fail(s);
    }
    *out = arr;
    return STORE_OK;
}

static int sq_outbox_append(store_t *base, const char *topic, int64_t order_id, const char *payload,
                            int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_OUTBOX_APPEND);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, topic);
    sqlite3_bind_int64(st, 2, order_id);
    bind_text(st, 3, payload);
    sqlite3_bind_int64(st, 4, now);
    return exec_step(s, st);
}

/* ---- exceptions ---- */

static int sq_exception_open(store_t *base, const exception_rec_t *e, int64_t *id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EXC_OPEN);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->order_id);
    bind_text(st, 2, e->code);
    bind_text(st, 3, e->severity);
    bind_text(st, 4, e->message);
    sqlite3_bind_int64(st, 5, e->at_ms);
    int rc = exec_step(s, st);
    if (rc == STORE_OK && id)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int sq_exception_find_open(store_t *base, int64_t order_id, const char *code, int64_t *id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EXC_FIND_OPEN);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    bind_text(st, 2, code);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : fail(s);
}

static int sq_exception_resolve(store_t *base, int64_t id, const char *actor, const char *note,
                                int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EXC_RESOLVE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, actor);
    bind_text(st, 3, note);
    sqlite3_bind_int64(st, 4, now);
    return guarded(s, st);
}

static json_t *read_exception(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
                     sqlite3_column_int64(st, 0), "order_no", col_text(st, 1), "code",
                     col_text(st, 2), "severity", col_text(st, 3), "message", col_text(st, 4),
                     "status", col_text(st, 5), "created_at", time_or_null(st, 6), "resolved_at",
                     time_or_null(st, 7), "resolved_by", text_or_null(st, 8), "note",
                     text_or_null(st, 9));
}

static int exception_rows(sq_t *s, sqlite3_stmt *st, json_t **out) {
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, read_exception(st));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return fail(s);
    }
    *out = arr;
    return STORE_OK;
}

static int sq_exception_get(store_t *base, int64_t id, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EXC_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = read_exception(st);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_exceptions_of_order(store_t *base, int64_t order_id, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EXC_OF_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return exception_rows(s, st, out);
}

static int sq_exception_list(store_t *base, const char *status, int limit, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, status ? Q_EXC_LIST_STATUS : Q_EXC_LIST_ALL);
    if (!st)
        return STORE_ERROR;
    if (status)
        bind_text(st, 1, status);
    sqlite3_bind_int(st, 2, limit);
    return exception_rows(s, st, out);
}

/* ---- holds ---- */

static int sq_hold_open(store_t *base, const hold_rec_t *h, int64_t *id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_HOLD_OPEN);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, h->order_id);
    bind_text(st, 2, h->reason);
    bind_text(st, 3, h->rule_id);
    bind_text(st, 4, h->message);
    bind_text(st, 5, h->detail_json);
    bind_text(st, 6, h->owner);
    if (h->deadline_ms)
        sqlite3_bind_int64(st, 7, h->deadline_ms);
    bind_text(st, 8, h->auto_release);
    sqlite3_bind_int64(st, 9, h->at_ms);
    bind_text(st, 10, h->actor);
    int rc = exec_step(s, st);
    if (rc == STORE_OK && id)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int sq_hold_release(store_t *base, int64_t order_id, int64_t hold_id, const char *actor,
                           const char *note, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_HOLD_RELEASE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int64(st, 2, hold_id);
    bind_text(st, 3, actor);
    bind_text(st, 4, note);
    sqlite3_bind_int64(st, 5, now);
    int rc = guarded(s, st);
    if (rc != STORE_CONFLICT)
        return rc;
    /* Nothing changed: no such hold, or no longer open. */
    st = stmt(s, Q_HOLD_STATUS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int64(st, 2, hold_id);
    int step = sqlite3_step(st);
    done(st);
    if (step == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return step == SQLITE_ROW ? STORE_CONFLICT : fail(s);
}

static int sq_holds_release_all(store_t *base, int64_t order_id, const char *actor,
                                const char *note, int64_t now, int *released) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_HOLDS_RELEASE_ALL);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    bind_text(st, 2, actor);
    bind_text(st, 3, note);
    sqlite3_bind_int64(st, 4, now);
    int rc = exec_step(s, st);
    if (released)
        *released = rc == STORE_OK ? sqlite3_changes(s->db) : 0;
    return rc;
}

static json_t *json_or_null(sqlite3_stmt *st, int i) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    json_t *v = json_loads(col_text(st, i), JSON_DECODE_ANY, NULL);
    return v ? v : json_null();
}

static int sq_holds_of_order(store_t *base, int64_t order_id, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_HOLDS_OF_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o}",
                           "id", sqlite3_column_int64(st, 0), "reason", col_text(st, 1), "rule_id",
                           text_or_null(st, 2), "message", col_text(st, 3), "detail",
                           json_or_null(st, 4), "owner", text_or_null(st, 5), "deadline",
                           time_or_null(st, 6), "auto_release", text_or_null(st, 7), "status",
                           col_text(st, 8), "created_at", time_or_null(st, 9), "created_by",
                           col_text(st, 10), "released_at", time_or_null(st, 11), "released_by",
                           text_or_null(st, 12), "release_note", text_or_null(st, 13)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return fail(s);
    }
    *out = arr;
    return STORE_OK;
}

static int sq_holds_open_count(store_t *base, int64_t order_id, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_HOLDS_OPEN_COUNT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int(st, 0);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_review_queue(store_t *base, const review_filter_t *f, order_rec_t **out, int *n) {
    sq_t *s = SQ(base);
    /* Built from fixed fragments only; every value is bound. */
    char sql[1024];
    int len = snprintf(sql, sizeof sql,
                       "SELECT " ORDER_COLS " FROM orders o WHERE status = 'pending_review'");
    if (f->channel >= 0)
        len += snprintf(sql + len, sizeof sql - len, " AND channel = :channel");
    if (f->reason)
        len += snprintf(sql + len, sizeof sql - len,
                        " AND EXISTS (SELECT 1 FROM holds h WHERE h.order_id = o.id AND "
                        "h.status = 'open' AND h.reason = :reason)");
    if (f->min_total_fen >= 0)
        len += snprintf(sql + len, sizeof sql - len,
                        " AND json_extract(doc, '$.amounts.total') >= :min");
    if (f->max_total_fen >= 0)
        len += snprintf(sql + len, sizeof sql - len,
                        " AND json_extract(doc, '$.amounts.total') <= :max");
    snprintf(sql + len, sizeof sql - len, " AND id > :after ORDER BY id LIMIT :limit");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(s);
    if (f->channel >= 0)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":channel"),
                          channel_name((channel_t)f->channel), -1, SQLITE_STATIC);
    if (f->reason)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":reason"), f->reason, -1,
                          SQLITE_STATIC);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":min"), f->min_total_fen);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":max"), f->max_total_fen);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":after"), f->after_id);
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), f->limit);
    int rc = collect_orders(s, st, f->limit, out, n);
    sqlite3_finalize(st);
    return rc;
}

static int sq_holds_release_auto(store_t *base, int64_t order_id, const char *condition,
                                 const char *actor, const char *note, int64_t now, int *released) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_HOLDS_RELEASE_AUTO);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    bind_text(st, 2, condition);
    bind_text(st, 3, actor);
    bind_text(st, 4, note);
    sqlite3_bind_int64(st, 5, now);
    int rc = exec_step(s, st);
    if (released)
        *released = rc == STORE_OK ? sqlite3_changes(s->db) : 0;
    return rc;
}

/* ---- review rules and evaluations ---- */

static int sq_rules_get(store_t *base, int64_t *version, char **json_text, json_t **meta) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RULES_GET);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st), out = STORE_OK;
    if (rc == SQLITE_ROW) {
        *version = sqlite3_column_int64(st, 0);
        *json_text = strdup(col_text(st, 1));
        if (meta)
            *meta = json_pack("{s:I, s:o, s:s}", "version", sqlite3_column_int64(st, 0),
                              "updated_at", time_or_null(st, 2), "updated_by", col_text(st, 3));
        if (!*json_text)
            out = STORE_ERROR;
    } else {
        out = rc == SQLITE_DONE ? STORE_NOT_FOUND : fail(s);
    }
    done(st);
    return out;
}

static int sq_rules_put(store_t *base, const char *json_text, const char *actor, int64_t now,
                        int64_t *version) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RULES_PUT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, json_text);
    sqlite3_bind_int64(st, 2, now);
    bind_text(st, 3, actor);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    int out = rc == SQLITE_ROW ? STORE_OK : fail(s);
    done(st);
    return out;
}

static int sq_rules_version(store_t *base, int64_t *version) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RULES_VERSION);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : fail(s);
}

static int sq_recent_orders(store_t *base, int64_t since_ms,
                            void (*fn)(void *ctx, const char *phone, const char *address_key,
                                       const char *client_ip, int64_t placed_at_ms),
                            void *ctx) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RECENT_ORDERS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, since_ms);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, col_text(st, 0), sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL : col_text(st, 1),
           sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : col_text(st, 2),
           sqlite3_column_int64(st, 3));
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s);
}

static int sq_phone_has_orders(store_t *base, const char *phone, bool *any) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_PHONE_HAS_ORDERS);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, phone);
    int rc = sqlite3_step(st);
    *any = rc == SQLITE_ROW;
    done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : fail(s);
}

static int sq_evaluation_append(store_t *base, int64_t order_id, int64_t at, int64_t version,
                                bool passed, const char *result_json) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EVAL_APPEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, version);
    sqlite3_bind_int(st, 4, passed);
    bind_text(st, 5, result_json);
    return exec_step(s, st);
}

static int sq_evaluation_latest(store_t *base, int64_t order_id, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_EVAL_LATEST);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_t *result = json_or_null(st, 2);
        if (json_is_object(result)) {
            json_object_set_new(result, "evaluated_at", time_or_null(st, 0));
            json_object_set_new(result, "ruleset_version",
                                json_integer(sqlite3_column_int64(st, 1)));
        }
        *out = result;
    } else {
        *out = json_null();
    }
    done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : fail(s);
}

/* ---- payments ---- */

static int sq_provider_get(store_t *base, const char *name, char **config_json) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_PROVIDER_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st), out = STORE_OK;
    if (rc == SQLITE_ROW) {
        *config_json = strdup(col_text(st, 0));
        if (!*config_json)
            out = STORE_ERROR;
    } else {
        out = rc == SQLITE_DONE ? STORE_NOT_FOUND : fail(s);
    }
    done(st);
    return out;
}

static int sq_provider_put(store_t *base, const char *name, const char *config_json,
                           const char *actor, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_PROVIDER_PUT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    bind_text(st, 2, config_json);
    sqlite3_bind_int64(st, 3, now);
    bind_text(st, 4, actor);
    return exec_step(s, st);
}

static int sq_notification_record(store_t *base, const char *provider, const char *notify_key,
                                  int64_t order_id, const char *trade_status, int64_t amount_fen,
                                  const char *transaction_id, const char *outcome, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_NOTIFICATION_RECORD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    bind_text(st, 2, notify_key);
    sqlite3_bind_int64(st, 3, order_id);
    bind_text(st, 4, trade_status);
    sqlite3_bind_int64(st, 5, amount_fen);
    bind_text(st, 6, transaction_id);
    bind_text(st, 7, outcome);
    sqlite3_bind_int64(st, 8, now);
    return exec_step(s, st);
}

/* ---- webhooks ---- */

static int sq_webhook_put(store_t *base, const char *id, const char *url, const char *events,
                          const char *secret, int64_t now, bool *created) {
    sq_t *s = SQ(base);
    bool found;
    if (exists(s, Q_WEBHOOK_EXISTS, id, &found) != STORE_OK)
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, found ? Q_WEBHOOK_UPDATE : Q_WEBHOOK_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, id);
    bind_text(st, 2, url);
    bind_text(st, 3, events);
    bind_text(st, 4, secret);
    sqlite3_bind_int64(st, 5, now);
    *created = !found;
    return exec_step(s, st);
}

static int sq_webhook_get(store_t *base, const char *id, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_WEBHOOK_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = json_pack("{s:s, s:s, s:o, s:b, s:o, s:o}", "id", col_text(st, 0), "url",
                         col_text(st, 1), "events", json_or_null(st, 2), "secret_set", 1,
                         "created_at", time_or_null(st, 3), "updated_at", time_or_null(st, 4));
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

/* Runs a query bound with its first parameter (text1, else int1) and second (int2), if it
 * has them, whose rows become objects built by row(). */
static int json_rows(sq_t *s, int q, const char *text1, int64_t int1, int64_t int2,
                     json_t *(*row)(sqlite3_stmt *), json_t **out) {
    sqlite3_stmt *st = stmt(s, q);
    if (!st)
        return STORE_ERROR;
    int params = sqlite3_bind_parameter_count(st);
    if (params >= 1 && text1)
        bind_text(st, 1, text1);
    else if (params >= 1)
        sqlite3_bind_int64(st, 1, int1);
    if (params >= 2)
        sqlite3_bind_int64(st, 2, int2);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, row(st));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return fail(s);
    }
    *out = arr;
    return STORE_OK;
}

static json_t *webhook_row(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:o, s:s}", "id", col_text(st, 0), "url", col_text(st, 1),
                     "events", json_or_null(st, 2), "secret", col_text(st, 3));
}

static int sq_webhooks_all(store_t *base, json_t **out) {
    return json_rows(SQ(base), Q_WEBHOOKS_ALL, NULL, 0, 0, webhook_row, out);
}

static int sq_dispatch_cursor(store_t *base, const char *name, int64_t *outbox_id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_CURSOR_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    *outbox_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : fail(s);
}

static int sq_dispatch_cursor_set(store_t *base, const char *name, int64_t outbox_id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_CURSOR_SET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, outbox_id);
    return exec_step(s, st);
}

static json_t *outbox_row(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:I, s:s, s:I}", "id", sqlite3_column_int64(st, 0), "topic",
                     col_text(st, 1), "order_id", sqlite3_column_int64(st, 2), "payload",
                     col_text(st, 3), "created_at", sqlite3_column_int64(st, 4));
}

static int sq_outbox_after(store_t *base, int64_t after_id, int limit, json_t **out) {
    return json_rows(SQ(base), Q_OUTBOX_AFTER, NULL, after_id, limit, outbox_row, out);
}

static int sq_outbox_last_id(store_t *base, int64_t *id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_OUTBOX_LAST);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_delivery_create(store_t *base, const char *webhook_id, int64_t outbox_id,
                              const char *topic, int64_t order_id, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_DELIVERY_CREATE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, webhook_id);
    sqlite3_bind_int64(st, 2, outbox_id);
    bind_text(st, 3, topic);
    sqlite3_bind_int64(st, 4, order_id);
    sqlite3_bind_int64(st, 5, now);
    return exec_step(s, st);
}

static json_t *due_row(sqlite3_stmt *st) {
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:i, s:I, s:s, s:s, s:I}", "id", sqlite3_column_int64(st, 0),
        "webhook_id", col_text(st, 1), "url", col_text(st, 2), "secret", col_text(st, 3),
        "attempts", sqlite3_column_int(st, 4), "outbox_id", sqlite3_column_int64(st, 5), "topic",
        col_text(st, 6), "payload", col_text(st, 7), "created_at", sqlite3_column_int64(st, 8));
}

static int sq_deliveries_due(store_t *base, int64_t now, int limit, json_t **out) {
    return json_rows(SQ(base), Q_DELIVERIES_DUE, NULL, now, limit, due_row, out);
}

static int sq_delivery_result(store_t *base, int64_t id, const char *status, int http_status,
                              const char *error, int64_t next_ms, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_DELIVERY_RESULT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, status);
    if (http_status)
        sqlite3_bind_int(st, 3, http_status);
    bind_text(st, 4, error);
    sqlite3_bind_int64(st, 5, next_ms);
    sqlite3_bind_int64(st, 6, now);
    return exec_step(s, st);
}

static json_t *delivery_row(sqlite3_stmt *st) {
    return json_pack(
        "{s:I, s:I, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o}", "id", sqlite3_column_int64(st, 0),
        "event_id", sqlite3_column_int64(st, 1), "type", col_text(st, 2), "status", col_text(st, 3),
        "attempts", sqlite3_column_int(st, 4), "last_status",
        sqlite3_column_type(st, 5) == SQLITE_NULL ? json_null()
                                                  : json_integer(sqlite3_column_int(st, 5)),
        "last_error", text_or_null(st, 6), "next_attempt_at", time_or_null(st, 7), "created_at",
        time_or_null(st, 8), "delivered_at", time_or_null(st, 9));
}

static int sq_deliveries_of_webhook(store_t *base, const char *webhook_id, int limit,
                                    json_t **out) {
    return json_rows(SQ(base), Q_DELIVERIES_OF_HOOK, webhook_id, 0, limit, delivery_row, out);
}

static int sq_delivery_redeliver(store_t *base, const char *webhook_id, int64_t id, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_DELIVERY_REDELIVER);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, webhook_id);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, now);
    int rc = guarded(s, st);
    return rc == STORE_CONFLICT ? STORE_NOT_FOUND : rc;
}

static int sq_count_orders(store_t *base, int64_t *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_COUNT_ORDERS);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

/* From here on commits write the log but do not wait for it (synchronous=NORMAL keeps the
 * database consistent across a crash; only durability moves). sync() below supplies it. */
static int sq_defer_sync(store_t *base) {
    sq_t *s = SQ(base);
    const char *wal = sqlite3_filename_wal(sqlite3_db_filename(s->db, "main"));
    if (!wal || !*wal)
        return STORE_ERROR; /* an in-memory database: keep syncing at commit */
    int fd = open(wal, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(s->err, sizeof s->err, "cannot open %s: %s", wal, strerror(errno));
        return STORE_ERROR;
    }
    if (sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
        close(fd);
        return fail(s);
    }
    s->wal_fd = fd;
    return STORE_OK;
}

/* fdatasync flushes the file's data whichever descriptor names it, so this needs nothing
 * from the connection, which may be writing meanwhile on the writer thread. */
static int sq_sync(store_t *base) {
    sq_t *s = SQ(base);
    if (fdatasync(s->wal_fd) == 0)
        return STORE_OK;
    log_error("fdatasync of the WAL failed: %s", strerror(errno));
    return STORE_ERROR;
}

static const store_vtable_t sqlite_vtable = {
    .defer_sync = sq_defer_sync,
    .sync = sq_sync,
    .close = sq_close,
    .errmsg = sq_errmsg,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .savepoint = sq_savepoint,
    .savepoint_release = sq_release,
    .savepoint_rollback = sq_rollback_to,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .sku_put = sq_sku_put,
    .sku_get = sq_sku_get,
    .sku_sellable = sq_sku_sellable,
    .warehouse_put = sq_warehouse_put,
    .warehouse_get = sq_warehouse_get,
    .warehouse_list = sq_warehouse_list,
    .stock_get = sq_stock_get,
    .stock_for_sku = sq_stock_for_sku,
    .stock_set = sq_stock_set,
    .stock_add_on_hand = sq_stock_add_on_hand,
    .stock_add_reserved = sq_stock_add_reserved,
    .stock_ledger_append = sq_stock_ledger_append,
    .stock_verify = sq_stock_verify,
    .reservation_append = sq_reservation_append,
    .reservations_of_order = sq_reservations_of_order,
    .reservations_newest = sq_reservations_newest,
    .order_insert = sq_order_insert,
    .order_line_insert = sq_order_line_insert,
    .order_find_key = sq_order_find_key,
    .order_get = sq_order_get,
    .order_set_status = sq_order_set_status,
    .order_update_doc = sq_order_update_doc,
    .order_last_no = sq_order_last_no,
    .order_list = sq_order_list,
    .orders_payment_expired = sq_orders_payment_expired,
    .shortage_set = sq_shortage_set,
    .shortages_for_sku = sq_shortages_for_sku,
    .shortages_of_order = sq_shortages_of_order,
    .shortages_clear_order = sq_shortages_clear_order,
    .event_append = sq_event_append,
    .events_of_order = sq_events_of_order,
    .outbox_append = sq_outbox_append,
    .exception_open = sq_exception_open,
    .exception_find_open = sq_exception_find_open,
    .exception_resolve = sq_exception_resolve,
    .exception_get = sq_exception_get,
    .exceptions_of_order = sq_exceptions_of_order,
    .exception_list = sq_exception_list,
    .count_orders = sq_count_orders,
    .hold_open = sq_hold_open,
    .hold_release = sq_hold_release,
    .holds_release_all = sq_holds_release_all,
    .holds_of_order = sq_holds_of_order,
    .holds_open_count = sq_holds_open_count,
    .review_queue = sq_review_queue,
    .holds_release_auto = sq_holds_release_auto,
    .rules_get = sq_rules_get,
    .rules_put = sq_rules_put,
    .rules_version = sq_rules_version,
    .recent_orders = sq_recent_orders,
    .phone_has_orders = sq_phone_has_orders,
    .evaluation_append = sq_evaluation_append,
    .evaluation_latest = sq_evaluation_latest,
    .provider_get = sq_provider_get,
    .provider_put = sq_provider_put,
    .notification_record = sq_notification_record,
    .webhook_put = sq_webhook_put,
    .webhook_get = sq_webhook_get,
    .webhooks_all = sq_webhooks_all,
    .dispatch_cursor = sq_dispatch_cursor,
    .dispatch_cursor_set = sq_dispatch_cursor_set,
    .outbox_after = sq_outbox_after,
    .outbox_last_id = sq_outbox_last_id,
    .delivery_create = sq_delivery_create,
    .deliveries_due = sq_deliveries_due,
    .delivery_result = sq_delivery_result,
    .deliveries_of_webhook = sq_deliveries_of_webhook,
    .delivery_redeliver = sq_delivery_redeliver,
};

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t err_len) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, err_len, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int user_version(sqlite3 *db) {
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

/* Applies each pending step in its own transaction together with its version bump. */
static int migrate(sqlite3 *db, int *version, char *err, size_t err_len) {
    int v = user_version(db);
    if (v < 0) {
        snprintf(err, err_len, "cannot read schema version: %s", sqlite3_errmsg(db));
        return -1;
    }
    if (v > sqlite_migrations_count) {
        snprintf(err, err_len, "database schema version %d is newer than this ordo (%d)", v,
                 sqlite_migrations_count);
        return -1;
    }
    for (; v < sqlite_migrations_count; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (exec_sql(db, "BEGIN IMMEDIATE", err, err_len) ||
            exec_sql(db, sqlite_migrations[v], err, err_len) || exec_sql(db, bump, err, err_len) ||
            exec_sql(db, "COMMIT", err, err_len)) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    if (version)
        *version = v;
    return 0;
}

/* SQLite's memory statistics take a global mutex on every allocation, which the writer and
 * the readers would contend for; ordo does not read them. */
static void configure_sqlite(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    walbuf_vfs_register();
    build_holders_sql();
}

static sqlite3 *open_db(const char *path, store_mode_t mode, char *err, size_t err_len) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_NOMUTEX |
                (mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    /* Writers gather each commit's WAL frames into one write (walbuf_vfs.h). */
    const char *vfs = mode == STORE_READ_WRITE ? WALBUF_VFS_NAME : NULL;
    if (sqlite3_open_v2(path, &db, flags, vfs) != SQLITE_OK) {
        snprintf(err, err_len, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    /* Another process (ordo import next to a server) may hold the write lock briefly. */
    sqlite3_busy_timeout(db, 10000);
    /* WAL + FULL: a commit returns only after its WAL frames are fsynced. The checkpointer
     * thread moves pages into the database file, off the commit path. */
    const char *pragmas = mode == STORE_READ_ONLY
                              ? "PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;"
                              : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                "PRAGMA foreign_keys = ON; PRAGMA cache_size = -131072;"
                                "PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY;";
    if (exec_sql(db, pragmas, err, err_len)) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

store_t *store_open(const char *url, store_mode_t mode, char *err, size_t err_len) {
    sqlite3 *db = open_db(url, mode, err, err_len);
    if (!db)
        return NULL;
    if (mode == STORE_READ_WRITE && migrate(db, NULL, err, err_len)) {
        sqlite3_close(db);
        return NULL;
    }
    sq_t *s = calloc(1, sizeof *s);
    if (!s) {
        sqlite3_close(db);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    s->base.vt = &sqlite_vtable;
    s->db = db;
    s->wal_fd = -1;
    if (mode == STORE_READ_WRITE)
        s->checkpointer = checkpointer_attach(db, url);
    return &s->base;
}

int store_migrate(const char *url, int *version, char *err, size_t err_len) {
    sqlite3 *db = open_db(url, STORE_READ_WRITE, err, err_len);
    if (!db)
        return -1;
    int rc = migrate(db, version, err, err_len);
    sqlite3_close(db);
    return rc;
}

void order_rec_clear(order_rec_t *rec) {
    json_decref(rec->doc);
    rec->doc = NULL;
}
