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
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/walbuf_vfs.h"
#include "store/store.h"
#include "util/log.h"
#include "util/jsonw.h"
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
    Q_ORDER_SET_SPLITTABLE,
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
    Q_LINES_DELETE,
    Q_LINE_EDIT_APPEND,
    Q_LINE_EDITS_OF_ORDER,
    Q_PAYMENTS_OF_TRADE,
    Q_PAYMENTS_RECEIVED,
    Q_STATEMENT_TRADE_SEEN,
    Q_STATEMENT_TRADE_ADD,
    Q_DISCREPANCY_GET,
    Q_DISCREPANCY_ADD,
    Q_RECONCILIATION_INSERT,
    Q_RECONCILIATION_GET,
    Q_MSG_TEMPLATE_EXISTS,
    Q_MSG_TEMPLATE_PUT,
    Q_MSG_TEMPLATES,
    Q_MSG_SENDER_GET,
    Q_MSG_SENDER_PUT,
    Q_MSG_CREATE,
    Q_MSGS_DUE,
    Q_MSG_RESULT,
    Q_MSGS_OF_ORDER,
    Q_MSGS_BY_STATUS,
    Q_MSGS_ALL,
    Q_MSG_GET,
    Q_MSG_RESEND,
    Q_ORDER_WAREHOUSES,
    Q_SKU_TAX_SET,
    Q_SKU_TAX_GET,
    Q_INVOICE_NUMBER_NEXT,
    Q_INVOICE_INSERT,
    Q_INVOICE_GET_NO,
    Q_INVOICE_GET_ACTIVE,
    Q_INVOICE_SET_STATUS,
    Q_CARRIER_PUT,
    Q_CARRIER_GET,
    Q_CARRIERS_ALL,
    Q_TRACKING_ADD,
    Q_TRACKING_NEXT,
    Q_TRACKING_USE,
    Q_TRACKING_AVAILABLE,
    Q_PARCEL_INSERT,
    Q_PARCEL_GET,
    Q_PARCELS_OF_ORDER,
    Q_PARCEL_SHIP,
    Q_ALLOCATION_PUT,
    Q_ALLOCATION_GET,
    Q_ALLOCATION_POLICY_GET,
    Q_ALLOCATION_POLICY_PUT,
    Q_LOW_STOCK,
    Q_SLOW_MOVERS,
    Q__COUNT
};

#define ORDER_COLS                                                                                 \
    "id, order_no, channel, external_id, status, created_at, updated_at, "                         \
    "coalesce(payment_expires_at, 0), splittable, province_code, content_hash, doc"
#define PAYMENT_COLS                                                                               \
    "coalesce(n.transaction_id, ''), n.order_id, coalesce(o.order_no, ''), n.trade_status, "       \
    "n.outcome, n.amount_fen, n.received_at FROM payment_notifications n LEFT JOIN orders o ON "   \
    "o.id = n.order_id"
#define EXC_COLS                                                                                   \
    "e.id, o.order_no, e.code, e.severity, e.message, e.status, e.created_at, e.resolved_at, "     \
    "e.resolved_by, e.note"
#define INVOICE_COLS                                                                               \
    "i.invoice_no, o.order_no, i.type, i.status, i.replaces, i.created_at, i.created_by, "         \
    "i.updated_at, i.void_reason, i.voided_by, i.doc FROM invoices i JOIN orders o ON "            \
    "o.id = i.order_id"
#define MSG_COLS                                                                                   \
    "m.id, o.order_no, m.outbox_id, m.event, m.medium, m.recipient, m.subject, m.body, m.status, " \
    "m.attempts, m.last_error, m.next_attempt_at, m.created_at, m.sent_at FROM messages m JOIN "   \
    "orders o ON o.id = m.order_id"

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
                       "reservation_ledger WHERE order_id = ?1 GROUP BY line_no, warehouse, sku "
                       "HAVING sum(qty) > 0 ORDER BY line_no, warehouse",
    /* Built at first use from the lifecycle (see holders_sql): no index on (sku, warehouse)
     * — it would dirty a random page per order line on every intake — so the search goes
     * through the open orders, which the status index finds. */
    [Q_RES_NEWEST] = NULL,
    [Q_ORDER_INSERT] = "INSERT INTO orders (order_no, channel, external_id, status, buyer_phone, "
                       "created_at, updated_at, payment_expires_at, splittable, province_code, "
                       "content_hash, doc, placed_at, address_key, client_ip, allocation) "
                       "VALUES (?1,?2,?3,?4,?5,?6,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    [Q_LINE_INSERT] = "INSERT INTO order_lines (order_id, line_no, sku, qty, unit_price_fen) "
                      "VALUES (?1,?2,?3,?4,?5)",
    [Q_ORDER_FIND_KEY] =
        "SELECT id, content_hash FROM orders WHERE channel = ?1 AND external_id = ?2",
    [Q_ORDER_GET_ID] = "SELECT " ORDER_COLS " FROM orders WHERE id = ?1",
    [Q_ORDER_GET_NO] = "SELECT " ORDER_COLS " FROM orders WHERE order_no = ?1",
    [Q_ORDER_SET_STATUS] = "UPDATE orders SET status = ?2, updated_at = ?3, payment_expires_at = "
                           "CASE WHEN ?2 = 'pending_payment' THEN payment_expires_at END, "
                           "shipped_at = CASE WHEN ?2 = 'shipped' THEN ?3 ELSE shipped_at END, "
                           "delivered_at = CASE WHEN ?2 = 'delivered' THEN ?3 ELSE delivered_at "
                           "END, completed_at = CASE WHEN ?2 = 'completed' THEN ?3 ELSE "
                           "completed_at END WHERE id = ?1",
    [Q_ORDER_UPDATE_DOC] = "UPDATE orders SET doc = ?2, buyer_phone = ?3, province_code = ?4, "
                           "address_key = ?5, updated_at = ?6 WHERE id = ?1",
    [Q_ORDER_SET_SPLITTABLE] = "UPDATE orders SET splittable = ?2, doc = json_set(doc, "
                               "'$.splittable', json(CASE WHEN ?2 THEN 'true' ELSE 'false' END)), "
                               "updated_at = ?3 WHERE id = ?1",
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
        "e.status = 'pending') ORDER BY d.next_attempt_at, d.id LIMIT ?2",
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
    [Q_LINES_DELETE] = "DELETE FROM order_lines WHERE order_id = ?1",
    [Q_LINE_EDIT_APPEND] =
        "INSERT INTO order_line_edits (order_id, version, at, actor, reason, changes, before, "
        "after, total_before, total_after, difference, settlement) VALUES "
        "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
    [Q_LINE_EDITS_OF_ORDER] = "SELECT version, at, actor, reason, changes, before, after, "
                              "total_before, total_after, difference, settlement FROM "
                              "order_line_edits WHERE order_id = ?1 ORDER BY version",
    [Q_PAYMENTS_OF_TRADE] = "SELECT " PAYMENT_COLS " WHERE n.provider = ?1 AND "
                            "n.transaction_id = ?2 ORDER BY n.id LIMIT ?3",
    [Q_PAYMENTS_RECEIVED] = "SELECT " PAYMENT_COLS " WHERE n.provider = ?1 AND "
                            "n.received_at >= ?2 AND n.received_at < ?3 ORDER BY n.received_at",
    [Q_STATEMENT_TRADE_SEEN] = "SELECT 1 FROM statement_trades WHERE provider = ?1 AND "
                               "trade_no = ?2",
    [Q_STATEMENT_TRADE_ADD] = "INSERT OR IGNORE INTO statement_trades (provider, trade_no, "
                              "reconciliation_id) VALUES (?1, ?2, ?3)",
    [Q_DISCREPANCY_GET] = "SELECT coalesce(exception_id, 0) FROM reconciliation_discrepancies "
                          "WHERE provider = ?1 AND trade_no = ?2 AND kind = ?3",
    [Q_DISCREPANCY_ADD] = "INSERT INTO reconciliation_discrepancies (provider, trade_no, kind, "
                          "order_id, exception_id, reconciliation_id, created_at) VALUES (?1, ?2, "
                          "?3, nullif(?4, 0), nullif(?5, 0), ?6, ?7)",
    [Q_RECONCILIATION_INSERT] = "INSERT INTO reconciliations (provider, period_start, period_end, "
                                "report, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_RECONCILIATION_GET] = "SELECT provider, report, created_at, created_by FROM "
                             "reconciliations WHERE id = ?1",
    [Q_MSG_TEMPLATE_EXISTS] = "SELECT 1 FROM message_templates WHERE event = ?1 AND medium = ?2 "
                              "AND channel = ?3",
    [Q_MSG_TEMPLATE_PUT] =
        "INSERT INTO message_templates (event, medium, channel, subject, body, updated_at, "
        "updated_by) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT (event, medium, channel) DO UPDATE "
        "SET subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
    [Q_MSG_TEMPLATES] = "SELECT event, medium, channel, subject, body, updated_at, updated_by "
                        "FROM message_templates ORDER BY event, medium, channel",
    [Q_MSG_SENDER_GET] = "SELECT config FROM message_senders WHERE medium = ?1",
    [Q_MSG_SENDER_PUT] = "INSERT INTO message_senders (medium, config, updated_at, updated_by) "
                         "VALUES (?1,?2,?3,?4) ON CONFLICT (medium) DO UPDATE SET config = "
                         "excluded.config, updated_at = excluded.updated_at, updated_by = "
                         "excluded.updated_by",
    [Q_MSG_CREATE] =
        "INSERT INTO messages (order_id, outbox_id, event, medium, recipient, subject, "
        "body, params, next_attempt_at, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
        "?9,?9) ON CONFLICT (outbox_id, medium) DO NOTHING",
    /* One per (order, medium) at a time: a later message waits for the earlier ones. */
    [Q_MSGS_DUE] = "SELECT m.id, o.order_no, m.outbox_id, m.event, m.medium, m.recipient, "
                   "m.subject, m.body, m.params, m.attempts FROM messages m JOIN orders o ON o.id "
                   "= m.order_id WHERE m.status = 'pending' AND m.next_attempt_at <= ?1 AND NOT "
                   "EXISTS (SELECT 1 FROM messages e WHERE e.order_id = m.order_id AND e.medium = "
                   "m.medium AND e.id < m.id AND e.status = 'pending') ORDER BY m.id LIMIT ?2",
    [Q_MSG_RESULT] = "UPDATE messages SET status = ?2, attempts = attempts + 1, last_error = ?3, "
                     "next_attempt_at = ?4, sent_at = CASE WHEN ?2 = 'sent' THEN ?5 END "
                     "WHERE id = ?1",
    [Q_MSGS_OF_ORDER] = "SELECT " MSG_COLS " WHERE m.order_id = ?1 ORDER BY m.id LIMIT ?2",
    [Q_MSGS_BY_STATUS] = "SELECT " MSG_COLS " WHERE m.status = ?1 ORDER BY m.id DESC LIMIT ?2",
    [Q_MSGS_ALL] = "SELECT " MSG_COLS " ORDER BY m.id DESC LIMIT ?1",
    [Q_MSG_GET] = "SELECT " MSG_COLS " WHERE m.id = ?1",
    [Q_MSG_RESEND] = "UPDATE messages SET status = 'pending', next_attempt_at = ?2 WHERE id = ?1",
    [Q_ORDER_WAREHOUSES] = "SELECT DISTINCT warehouse FROM reservation_ledger WHERE order_id = ?1 "
                           "AND at <= ?2 ORDER BY warehouse",
    [Q_SKU_TAX_SET] = "UPDATE skus SET tax_rate_bp = ?2, tax_code = ?3 WHERE sku = ?1",
    [Q_SKU_TAX_GET] = "SELECT coalesce(tax_rate_bp, -1), coalesce(tax_code, '') FROM skus "
                      "WHERE sku = ?1",
    [Q_INVOICE_NUMBER_NEXT] = "INSERT INTO invoice_counters (series, last_no) VALUES (?1, 1) "
                              "ON CONFLICT (series) DO UPDATE SET last_no = last_no + 1 "
                              "RETURNING last_no",
    [Q_INVOICE_INSERT] = "INSERT INTO invoices (invoice_no, order_id, type, status, doc, replaces, "
                         "created_at, created_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, (SELECT "
                         "invoice_no FROM invoices WHERE order_id = ?2 AND status = 'void' ORDER "
                         "BY id DESC LIMIT 1), ?6, ?7, ?6)",
    [Q_INVOICE_GET_NO] = "SELECT " INVOICE_COLS " WHERE i.invoice_no = ?1",
    [Q_INVOICE_GET_ACTIVE] = "SELECT " INVOICE_COLS " WHERE i.order_id = ?1 AND i.status <> 'void'",
    [Q_INVOICE_SET_STATUS] = "UPDATE invoices SET status = ?3, updated_at = ?4, voided_by = "
                             "coalesce(?5, voided_by), void_reason = coalesce(?6, void_reason) "
                             "WHERE invoice_no = ?1 AND status = ?2",
#define PARCEL_COLS                                                                                \
    "p.id, p.order_id, o.order_no, p.status, p.packaging, p.items, p.weight_g, p.length_mm, "      \
    "p.width_mm, p.height_mm, p.carrier, p.tracking_no, p.zone, p.price_fen, p.created_at, "       \
    "p.created_by, p.shipped_at, p.shipment_id FROM parcels p JOIN orders o ON o.id = p.order_id"
    [Q_CARRIER_PUT] = "INSERT INTO carriers (code, config, updated_at, updated_by) "
                      "VALUES (?1,?2,?3,?4) ON CONFLICT (code) DO UPDATE SET config = "
                      "excluded.config, updated_at = excluded.updated_at, updated_by = "
                      "excluded.updated_by",
    [Q_CARRIER_GET] = "SELECT config FROM carriers WHERE code = ?1",
    [Q_CARRIERS_ALL] = "SELECT code, config FROM carriers ORDER BY code",
    [Q_TRACKING_ADD] = "INSERT INTO tracking_numbers (carrier, number, added_at) VALUES (?1,?2,?3)",
    [Q_TRACKING_NEXT] = "SELECT number FROM tracking_numbers WHERE carrier = ?1 AND parcel_id IS "
                        "NULL ORDER BY added_at, number LIMIT 1",
    [Q_TRACKING_USE] = "UPDATE tracking_numbers SET parcel_id = ?3, used_at = ?4 WHERE carrier = "
                       "?1 AND number = ?2 AND parcel_id IS NULL",
    [Q_TRACKING_AVAILABLE] =
        "SELECT count(*) FROM tracking_numbers WHERE carrier = ?1 AND parcel_id IS NULL",
    [Q_PARCEL_INSERT] = "INSERT INTO parcels (order_id, status, packaging, items, weight_g, "
                        "length_mm, width_mm, height_mm, created_at, created_by) "
                        "VALUES (?1,'packed',?2,?3,?4,?5,?6,?7,?8,?9)",
    [Q_PARCEL_GET] = "SELECT " PARCEL_COLS " WHERE p.id = ?1",
    [Q_PARCELS_OF_ORDER] = "SELECT " PARCEL_COLS " WHERE p.order_id = ?1 ORDER BY p.id",
    [Q_PARCEL_SHIP] = "UPDATE parcels SET status = 'shipped', carrier = ?2, tracking_no = ?3, "
                      "zone = ?4, price_fen = ?5, shipped_at = ?6 WHERE id = ?1 AND status = "
                      "'packed'",
    [Q_ALLOCATION_PUT] = "UPDATE orders SET allocation = ?2 WHERE id = ?1",
    [Q_ALLOCATION_GET] = "SELECT allocation FROM orders WHERE id = ?1",
    [Q_ALLOCATION_POLICY_GET] = "SELECT config FROM allocation_policy WHERE id = ?1",
    [Q_ALLOCATION_POLICY_PUT] =
        "INSERT INTO allocation_policy (id, config, updated_at, updated_by) VALUES "
        "(?1,?2,?3,?4) ON CONFLICT (id) DO UPDATE SET config = excluded.config, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    [Q_LOW_STOCK] = "SELECT s.warehouse, s.sku, coalesce(k.name, ''), s.on_hand, s.reserved, "
                    "s.on_hand - s.reserved, s.safety_stock FROM stock s LEFT JOIN skus k ON "
                    "k.sku = s.sku WHERE s.on_hand - s.reserved < s.safety_stock "
                    "ORDER BY s.warehouse, s.sku",
    [Q_SLOW_MOVERS] =
        "SELECT st.sku, coalesce(k.name, ''), st.on_hand, ls.last_sold FROM (SELECT sku, "
        "sum(on_hand) AS on_hand FROM stock GROUP BY sku) st LEFT JOIN skus k ON k.sku = st.sku "
        "LEFT JOIN (SELECT l.sku, max(o.created_at) AS last_sold FROM order_lines l JOIN orders "
        "o ON o.id = l.order_id WHERE o.status <> 'cancelled' GROUP BY l.sku) ls ON ls.sku = "
        "st.sku WHERE st.on_hand > 0 AND (ls.last_sold IS NULL OR ls.last_sold < ?1) "
        "ORDER BY coalesce(ls.last_sold, 0), st.sku",
};

typedef struct {
    store_t base;
    sqlite3 *db;
    sqlite3_stmt *stmts[Q__COUNT];
    checkpointer_t *checkpointer; /* read-write connections only */
    int wal_fd;                   /* for sync(): the log, opened by us; -1 until defer_sync */
    char err[256];
    sqlite3_stmt *extra[SQ_EXTRA_STMTS]; /* sq_extra_stmt's, for the engine's other files */
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
    for (int i = 0; i < SQ_EXTRA_STMTS; i++)
        sqlite3_finalize(s->extra[i]);
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

int sq_rows(store_t *s, sqlite3_stmt *st, json_t *(*read_fn)(sqlite3_stmt *), json_t **out) {
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, read_fn(st));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return sq_fail(s);
    }
    *out = arr;
    return STORE_OK;
}

int sq_exec(store_t *base, sqlite3_stmt *st, bool guard) {
    return guard ? guarded(SQ(base), st) : exec_step(SQ(base), st);
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

/* An allocation decision as the JSON text kept on the order's row (caller frees). */
static char *allocation_text(const allocation_rec_t *a) {
    jsonw_t w;
    jw_init(&w);
    jw_obj_begin(&w);
    jw_key(&w, "policy");
    jw_str(&w, a->policy);
    jw_key(&w, "outcome");
    jw_str(&w, a->outcome);
    jw_key(&w, "warehouses");
    jw_str(&w, a->warehouses);
    jw_key(&w, "candidates");
    jw_raw_value(&w, a->candidates_json, strlen(a->candidates_json));
    jw_key(&w, "cause");
    jw_str(&w, a->cause);
    jw_key(&w, "decided_by");
    jw_str(&w, a->decided_by);
    jw_key(&w, "decided_at");
    jw_int(&w, a->at_ms);
    jw_obj_end(&w);
    return jw_take(&w, NULL);
}

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
    char *allocation = rec->allocation ? allocation_text(rec->allocation) : NULL;
    if (allocation)
        sqlite3_bind_text(st, 15, allocation, -1, free);
    else
        sqlite3_bind_null(st, 15);
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

static int sq_order_set_splittable(store_t *base, int64_t id, bool splittable, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDER_SET_SPLITTABLE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, splittable);
    sqlite3_bind_int64(st, 3, now);
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
    if (order_id > 0)
        sqlite3_bind_int64(st, 2, order_id);
    else
        sqlite3_bind_null(st, 2); /* a message about no order (stock.low) */
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

/* A settings row's JSON text by its key (q selects the table). */
static int config_get(store_t *base, int q, const char *key, char **config_json) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, q);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
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

static int config_put(store_t *base, int q, const char *key, const char *config_json,
                      const char *actor, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, q);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    bind_text(st, 2, config_json);
    sqlite3_bind_int64(st, 3, now);
    bind_text(st, 4, actor);
    return exec_step(s, st);
}

static int sq_provider_get(store_t *base, const char *name, char **config_json) {
    return config_get(base, Q_PROVIDER_GET, name, config_json);
}

static int sq_provider_put(store_t *base, const char *name, const char *config_json,
                           const char *actor, int64_t now) {
    return config_put(base, Q_PROVIDER_PUT, name, config_json, actor, now);
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

/* The single row a json_rows lookup found (rows is consumed): STORE_NOT_FOUND when none. */
static int first_row(int rc, json_t *rows, json_t **out) {
    if (rc == STORE_OK && json_array_size(rows) == 0)
        rc = STORE_NOT_FOUND;
    if (rc == STORE_OK)
        *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return rc;
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

/* ---- reconciliation ---- */

static void read_payment(sqlite3_stmt *st, payment_record_t *p) {
    copy_col(p->transaction_id, sizeof p->transaction_id, st, 0);
    p->order_id = sqlite3_column_int64(st, 1);
    copy_col(p->order_no, sizeof p->order_no, st, 2);
    copy_col(p->trade_status, sizeof p->trade_status, st, 3);
    copy_col(p->outcome, sizeof p->outcome, st, 4);
    p->amount_fen = sqlite3_column_int64(st, 5);
    p->received_at_ms = sqlite3_column_int64(st, 6);
}

static int sq_payments_of_trade(store_t *base, const char *provider, const char *transaction_id,
                                payment_record_t *out, int max, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_PAYMENTS_OF_TRADE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    bind_text(st, 2, transaction_id);
    sqlite3_bind_int(st, 3, max);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        read_payment(st, &out[(*n)++]);
    done(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_payments_received(store_t *base, const char *provider, int64_t since, int64_t until,
                                payment_record_t **out, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_PAYMENTS_RECEIVED);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    sqlite3_bind_int64(st, 2, since);
    sqlite3_bind_int64(st, 3, until);
    payment_record_t *rows = NULL;
    int count = 0, cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            payment_record_t *more = realloc(rows, (size_t)cap * sizeof *rows);
            if (!more)
                break;
            rows = more;
        }
        read_payment(st, &rows[count++]);
    }
    done(st);
    if (rc != SQLITE_DONE) {
        free(rows);
        return rc == SQLITE_ROW ? STORE_ERROR : fail(s);
    }
    *out = rows;
    *n = count;
    return STORE_OK;
}

static int sq_statement_trade_seen(store_t *base, const char *provider, const char *trade_no,
                                   bool *seen) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STATEMENT_TRADE_SEEN);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    bind_text(st, 2, trade_no);
    int rc = sqlite3_step(st);
    *seen = rc == SQLITE_ROW;
    done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : fail(s);
}

static int sq_statement_trade_add(store_t *base, const char *provider, const char *trade_no,
                                  int64_t run_id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_STATEMENT_TRADE_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    bind_text(st, 2, trade_no);
    sqlite3_bind_int64(st, 3, run_id);
    return exec_step(s, st);
}

static int sq_discrepancy_get(store_t *base, const char *provider, const char *trade_no,
                              const char *kind, int64_t *exception_id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_DISCREPANCY_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    bind_text(st, 2, trade_no);
    bind_text(st, 3, kind);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *exception_id = sqlite3_column_int64(st, 0);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : fail(s);
}

static int sq_discrepancy_add(store_t *base, const char *provider, const char *trade_no,
                              const char *kind, int64_t order_id, int64_t exception_id,
                              int64_t run_id, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_DISCREPANCY_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    bind_text(st, 2, trade_no);
    bind_text(st, 3, kind);
    sqlite3_bind_int64(st, 4, order_id);
    sqlite3_bind_int64(st, 5, exception_id);
    sqlite3_bind_int64(st, 6, run_id);
    sqlite3_bind_int64(st, 7, now);
    return exec_step(s, st);
}

static int sq_reconciliation_insert(store_t *base, const char *provider, int64_t start, int64_t end,
                                    const char *report, const char *actor, int64_t now,
                                    int64_t *id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RECONCILIATION_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, provider);
    sqlite3_bind_int64(st, 2, start);
    sqlite3_bind_int64(st, 3, end);
    bind_text(st, 4, report);
    sqlite3_bind_int64(st, 5, now);
    bind_text(st, 6, actor);
    int rc = exec_step(s, st);
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int sq_reconciliation_get(store_t *base, int64_t id, json_t **out) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_RECONCILIATION_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), result = STORE_OK;
    if (rc == SQLITE_ROW) {
        json_t *report = json_or_null(st, 1);
        if (!json_is_object(report)) {
            json_decref(report);
            report = json_object();
        }
        json_object_set_new(report, "id", json_integer(id));
        json_object_set_new(report, "provider", json_string(col_text(st, 0)));
        json_object_set_new(report, "created_at", time_or_null(st, 2));
        json_object_set_new(report, "created_by", json_string(col_text(st, 3)));
        *out = report;
    } else {
        result = rc == SQLITE_DONE ? STORE_NOT_FOUND : fail(s);
    }
    done(st);
    return result;
}

/* ---- buyer messages ---- */

static int sq_message_template_put(store_t *base, const char *event, const char *medium,
                                   const char *channel, const char *subject, const char *body,
                                   const char *actor, int64_t now, bool *created) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_MSG_TEMPLATE_EXISTS);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, event);
    bind_text(st, 2, medium);
    bind_text(st, 3, channel);
    int rc = sqlite3_step(st);
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(s);
    *created = rc == SQLITE_DONE;
    if (!(st = stmt(s, Q_MSG_TEMPLATE_PUT)))
        return STORE_ERROR;
    bind_text(st, 1, event);
    bind_text(st, 2, medium);
    bind_text(st, 3, channel);
    bind_text(st, 4, subject);
    bind_text(st, 5, body);
    sqlite3_bind_int64(st, 6, now);
    bind_text(st, 7, actor);
    return exec_step(s, st);
}

static json_t *template_row(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:s}", "event", col_text(st, 0), "medium",
                     col_text(st, 1), "channel", col_text(st, 2), "subject", text_or_null(st, 3),
                     "body", col_text(st, 4), "updated_at", time_or_null(st, 5), "updated_by",
                     col_text(st, 6));
}

static int sq_message_templates(store_t *base, json_t **out) {
    return json_rows(SQ(base), Q_MSG_TEMPLATES, NULL, 0, 0, template_row, out);
}

static int sq_message_sender_get(store_t *base, const char *medium, char **config_json) {
    return config_get(base, Q_MSG_SENDER_GET, medium, config_json);
}

static int sq_message_sender_put(store_t *base, const char *medium, const char *config_json,
                                 const char *actor, int64_t now) {
    return config_put(base, Q_MSG_SENDER_PUT, medium, config_json, actor, now);
}

static int sq_message_create(store_t *base, const message_rec_t *m) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_MSG_CREATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, m->order_id);
    sqlite3_bind_int64(st, 2, m->outbox_id);
    bind_text(st, 3, m->event);
    bind_text(st, 4, m->medium);
    bind_text(st, 5, m->recipient);
    bind_text(st, 6, m->subject);
    bind_text(st, 7, m->body);
    bind_text(st, 8, m->params);
    sqlite3_bind_int64(st, 9, m->now_ms);
    return exec_step(s, st);
}

static json_t *message_due_row(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:i}", "id",
                     sqlite3_column_int64(st, 0), "order_no", col_text(st, 1), "outbox_id",
                     sqlite3_column_int64(st, 2), "event", col_text(st, 3), "medium",
                     col_text(st, 4), "recipient", col_text(st, 5), "subject", text_or_null(st, 6),
                     "body", col_text(st, 7), "params", json_or_null(st, 8), "attempts",
                     sqlite3_column_int(st, 9));
}

static int sq_messages_due(store_t *base, int64_t now, int limit, json_t **out) {
    return json_rows(SQ(base), Q_MSGS_DUE, NULL, now, limit, message_due_row, out);
}

static int sq_message_result(store_t *base, int64_t id, const char *status, const char *error,
                             int64_t next_ms, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_MSG_RESULT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, status);
    bind_text(st, 3, error);
    sqlite3_bind_int64(st, 4, next_ms);
    sqlite3_bind_int64(st, 5, now);
    return exec_step(s, st);
}

static json_t *message_row(sqlite3_stmt *st) {
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "id",
                     sqlite3_column_int64(st, 0), "order_no", col_text(st, 1), "event_id",
                     sqlite3_column_int64(st, 2), "event", col_text(st, 3), "medium",
                     col_text(st, 4), "recipient", col_text(st, 5), "subject", text_or_null(st, 6),
                     "body", col_text(st, 7), "status", col_text(st, 8), "attempts",
                     sqlite3_column_int(st, 9), "last_error", text_or_null(st, 10),
                     "next_attempt_at",
                     strcmp(col_text(st, 8), "pending") == 0 ? time_or_null(st, 11) : json_null(),
                     "created_at", time_or_null(st, 12), "sent_at", time_or_null(st, 13));
}

static int sq_message_list(store_t *base, int64_t order_id, const char *status, int limit,
                           json_t **out) {
    if (order_id > 0)
        return json_rows(SQ(base), Q_MSGS_OF_ORDER, NULL, order_id, limit, message_row, out);
    if (status)
        return json_rows(SQ(base), Q_MSGS_BY_STATUS, status, 0, limit, message_row, out);
    return json_rows(SQ(base), Q_MSGS_ALL, NULL, limit, 0, message_row, out);
}

static int sq_message_get(store_t *base, int64_t id, json_t **out) {
    json_t *rows = NULL;
    int rc = json_rows(SQ(base), Q_MSG_GET, NULL, id, 0, message_row, &rows);
    if (rc == STORE_OK && json_array_size(rows) == 0)
        rc = STORE_NOT_FOUND;
    else if (rc == STORE_OK)
        *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return rc;
}

static int sq_message_resend(store_t *base, int64_t id, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_MSG_RESEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
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

static int sq_order_lines_delete(store_t *base, int64_t order_id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_LINES_DELETE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return exec_step(s, st);
}

static int sq_line_edit_append(store_t *base, const line_edit_rec_t *e) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_LINE_EDIT_APPEND);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->order_id);
    sqlite3_bind_int64(st, 2, e->version);
    sqlite3_bind_int64(st, 3, e->at_ms);
    bind_text(st, 4, e->actor);
    bind_text(st, 5, e->reason);
    bind_text(st, 6, e->changes_json);
    bind_text(st, 7, e->before_json);
    bind_text(st, 8, e->after_json);
    sqlite3_bind_int64(st, 9, e->total_before_fen);
    sqlite3_bind_int64(st, 10, e->total_after_fen);
    sqlite3_bind_int64(st, 11, e->difference_fen);
    bind_text(st, 12, e->settlement);
    return exec_step(s, st);
}

static json_t *line_edit_row(sqlite3_stmt *st) {
    return json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:s}", "version",
                     (json_int_t)sqlite3_column_int64(st, 0), "at", time_or_null(st, 1), "actor",
                     col_text(st, 2), "reason", col_text(st, 3), "changes", json_or_null(st, 4),
                     "before", json_or_null(st, 5), "after", json_or_null(st, 6), "total_before",
                     (json_int_t)sqlite3_column_int64(st, 7), "total_after",
                     (json_int_t)sqlite3_column_int64(st, 8), "difference",
                     (json_int_t)sqlite3_column_int64(st, 9), "settlement", col_text(st, 10));
}

static int sq_line_edits_of_order(store_t *base, int64_t order_id, json_t **out) {
    return json_rows(SQ(base), Q_LINE_EDITS_OF_ORDER, NULL, order_id, 0, line_edit_row, out);
}

static int sq_order_warehouses(store_t *base, int64_t order_id, int64_t at_ms, char (*out)[65],
                               int max, int *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ORDER_WAREHOUSES);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int64(st, 2, at_ms);
    int rc = SQLITE_DONE, count = 0;
    while (count < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        copy_col(out[count++], 65, st, 0);
    if (count == max)
        rc = SQLITE_DONE;
    done(st);
    if (rc != SQLITE_DONE)
        return fail(s);
    *n = count;
    return STORE_OK;
}

/* ---- invoices ---- */

static int sq_sku_tax_set(store_t *base, const char *sku, int32_t rate_bp, const char *tax_code) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_SKU_TAX_SET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, sku);
    if (rate_bp >= 0)
        sqlite3_bind_int(st, 2, rate_bp);
    bind_text(st, 3, tax_code && *tax_code ? tax_code : NULL);
    int rc = exec_step(s, st);
    if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
        return STORE_NOT_FOUND;
    return rc;
}

static int sq_sku_tax_get(store_t *base, const char *sku, int32_t *rate_bp, char tax_code[33]) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_SKU_TAX_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, sku);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *rate_bp = sqlite3_column_int(st, 0);
        copy_col(tax_code, 33, st, 1);
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_invoice_number_next(store_t *base, const char *series, int64_t *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_INVOICE_NUMBER_NEXT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, series);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    /* RETURNING: the row is written only once the statement runs to its end. */
    if (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s);
}

static int sq_invoice_insert(store_t *base, const invoice_rec_t *r) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_INVOICE_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, r->invoice_no);
    sqlite3_bind_int64(st, 2, r->order_id);
    bind_text(st, 3, r->type);
    bind_text(st, 4, r->status);
    bind_text(st, 5, r->doc_json);
    sqlite3_bind_int64(st, 6, r->now_ms);
    bind_text(st, 7, r->actor);
    return exec_step(s, st);
}

static json_t *invoice_row(sqlite3_stmt *st) {
    json_t *doc = json_loads(col_text(st, 10), 0, NULL);
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "invoice_no",
                     col_text(st, 0), "order_no", col_text(st, 1), "type", col_text(st, 2),
                     "status", col_text(st, 3), "replaces", text_or_null(st, 4), "created_at",
                     time_or_null(st, 5), "created_by", col_text(st, 6), "updated_at",
                     time_or_null(st, 7), "void_reason", text_or_null(st, 8), "voided_by",
                     text_or_null(st, 9), "doc", doc ? doc : json_null());
}

static int sq_invoice_get(store_t *base, const char *invoice_no, int64_t order_id, json_t **out) {
    json_t *rows = NULL;
    int rc = json_rows(SQ(base), invoice_no ? Q_INVOICE_GET_NO : Q_INVOICE_GET_ACTIVE, invoice_no,
                       order_id, 0, invoice_row, &rows);
    return first_row(rc, rows, out);
}

/* ---- shipping ---- */

static int sq_carrier_put(store_t *base, const char *code, const char *config_json,
                          const char *actor, int64_t now) {
    return config_put(base, Q_CARRIER_PUT, code, config_json, actor, now);
}

static int sq_carrier_get(store_t *base, const char *code, char **config_json) {
    return config_get(base, Q_CARRIER_GET, code, config_json);
}

static json_t *carrier_row(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s}", "code", col_text(st, 0), "config", col_text(st, 1));
}

static int sq_carriers_all(store_t *base, json_t **out) {
    return json_rows(SQ(base), Q_CARRIERS_ALL, NULL, 0, 0, carrier_row, out);
}

static int sq_tracking_add(store_t *base, const char *carrier, const char *number, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_TRACKING_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, carrier);
    bind_text(st, 2, number);
    sqlite3_bind_int64(st, 3, now);
    return exec_step(s, st);
}

static int sq_tracking_take(store_t *base, const char *carrier, int64_t parcel_id, int64_t now,
                            char out[48]) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_TRACKING_NEXT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, carrier);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, 48, "%s", col_text(st, 0));
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return fail(s);
    if (!(st = stmt(s, Q_TRACKING_USE)))
        return STORE_ERROR;
    bind_text(st, 1, carrier);
    bind_text(st, 2, out);
    sqlite3_bind_int64(st, 3, parcel_id);
    sqlite3_bind_int64(st, 4, now);
    rc = exec_step(s, st);
    return rc == STORE_OK && sqlite3_changes(s->db) != 1 ? STORE_CONFLICT : rc;
}

static int sq_tracking_available(store_t *base, const char *carrier, int64_t *n) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_TRACKING_AVAILABLE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, carrier);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : fail(s);
}

static int sq_parcel_insert(store_t *base, const parcel_rec_t *p, int64_t *id) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_PARCEL_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, p->order_id);
    bind_text(st, 2, p->packaging_json);
    bind_text(st, 3, p->items_json);
    sqlite3_bind_int64(st, 4, p->weight_g);
    sqlite3_bind_int64(st, 5, p->length_mm);
    sqlite3_bind_int64(st, 6, p->width_mm);
    sqlite3_bind_int64(st, 7, p->height_mm);
    sqlite3_bind_int64(st, 8, p->now_ms);
    bind_text(st, 9, p->actor);
    int rc = exec_step(s, st);
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static json_t *int_or_null(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
                                                     : json_integer(sqlite3_column_int64(st, i));
}

static json_t *parcel_row(sqlite3_stmt *st) {
    return json_pack(
        "{s:I, s:I, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, "
        "s:o, s:s, s:o, s:o}",
        "id", sqlite3_column_int64(st, 0), "order_id", sqlite3_column_int64(st, 1), "order_no",
        col_text(st, 2), "status", col_text(st, 3), "packaging", json_or_null(st, 4), "items",
        json_or_null(st, 5), "weight_g", sqlite3_column_int64(st, 6), "length_mm",
        sqlite3_column_int64(st, 7), "width_mm", sqlite3_column_int64(st, 8), "height_mm",
        sqlite3_column_int64(st, 9), "carrier", text_or_null(st, 10), "tracking_no",
        text_or_null(st, 11), "zone", text_or_null(st, 12), "price_fen", int_or_null(st, 13),
        "created_at", time_or_null(st, 14), "created_by", col_text(st, 15), "shipped_at",
        time_or_null(st, 16), "shipment_id", int_or_null(st, 17));
}

static int sq_parcel_get(store_t *base, int64_t id, json_t **out) {
    json_t *rows = NULL;
    int rc = json_rows(SQ(base), Q_PARCEL_GET, NULL, id, 0, parcel_row, &rows);
    return first_row(rc, rows, out);
}

static int sq_invoice_set_status(store_t *base, const char *invoice_no, const char *from,
                                 const char *to, const char *actor, const char *reason,
                                 int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_INVOICE_SET_STATUS);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, invoice_no);
    bind_text(st, 2, from);
    bind_text(st, 3, to);
    sqlite3_bind_int64(st, 4, now);
    bind_text(st, 5, actor);
    bind_text(st, 6, reason);
    int rc = exec_step(s, st);
    if (rc != STORE_OK || sqlite3_changes(s->db) > 0)
        return rc;
    bool found;
    if (exists(s, Q_INVOICE_GET_NO, invoice_no, &found) != STORE_OK)
        return STORE_ERROR;
    return found ? STORE_CONFLICT : STORE_NOT_FOUND;
}

static int sq_parcels_of_order(store_t *base, int64_t order_id, json_t **out) {
    return json_rows(SQ(base), Q_PARCELS_OF_ORDER, NULL, order_id, 0, parcel_row, out);
}

static int sq_parcel_ship(store_t *base, int64_t id, const char *carrier, const char *tracking_no,
                          const char *zone, int64_t price_fen, int64_t now) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_PARCEL_SHIP);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, carrier);
    bind_text(st, 3, tracking_no);
    bind_text(st, 4, zone);
    sqlite3_bind_int64(st, 5, price_fen);
    sqlite3_bind_int64(st, 6, now);
    int rc = exec_step(s, st);
    return rc == STORE_OK && sqlite3_changes(s->db) != 1 ? STORE_CONFLICT : rc;
}

/* ---- sourcing ---- */

static int sq_allocation_put(store_t *base, int64_t order_id, const allocation_rec_t *a) {
    sq_t *s = SQ(base);
    sqlite3_stmt *st = stmt(s, Q_ALLOCATION_PUT);
    char *text = allocation_text(a);
    if (!st || !text) {
        free(text);
        return STORE_ERROR;
    }
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_text(st, 2, text, -1, free);
    int rc = exec_step(s, st);
    return rc == STORE_OK && sqlite3_changes(s->db) != 1 ? STORE_NOT_FOUND : rc;
}

static json_t *allocation_row(sqlite3_stmt *st) {
    json_t *a = json_or_null(st, 0);
    if (json_is_object(a)) {
        json_t *at = json_object_get(a, "decided_at");
        char buf[40];
        if (json_is_integer(at))
            json_object_set_new(
                a, "decided_at",
                json_string(rfc3339_format(json_integer_value(at), buf, sizeof buf)));
    }
    return a;
}

static int sq_allocation_get(store_t *base, int64_t order_id, json_t **out) {
    json_t *rows = NULL;
    int rc = json_rows(SQ(base), Q_ALLOCATION_GET, NULL, order_id, 0, allocation_row, &rows);
    if (rc == STORE_OK && json_array_size(rows) == 1 && json_is_null(json_array_get(rows, 0))) {
        json_decref(rows);
        return STORE_NOT_FOUND; /* the order, with no decision (stored before sourcing) */
    }
    return first_row(rc, rows, out);
}

static int sq_allocation_policy_get(store_t *base, char **config_json) {
    return config_get(base, Q_ALLOCATION_POLICY_GET, "1", config_json);
}

static int sq_allocation_policy_put(store_t *base, const char *config_json, const char *actor,
                                    int64_t now) {
    return config_put(base, Q_ALLOCATION_POLICY_PUT, "1", config_json, actor, now);
}

static json_t *low_stock_row(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "warehouse", col_text(st, 0), "sku",
                     col_text(st, 1), "name", col_text(st, 2), "on_hand",
                     (json_int_t)sqlite3_column_int64(st, 3), "reserved",
                     (json_int_t)sqlite3_column_int64(st, 4), "available",
                     (json_int_t)sqlite3_column_int64(st, 5), "safety_stock",
                     (json_int_t)sqlite3_column_int64(st, 6));
}

static int sq_low_stock(store_t *base, json_t **out) {
    return json_rows(SQ(base), Q_LOW_STOCK, NULL, 0, 0, low_stock_row, out);
}

static json_t *slow_mover_row(sqlite3_stmt *st) {
    return json_pack("{s:s, s:s, s:I, s:o}", "sku", col_text(st, 0), "name", col_text(st, 1),
                     "on_hand", (json_int_t)sqlite3_column_int64(st, 2), "last_sold_at",
                     time_or_null(st, 3));
}

static int sq_slow_movers(store_t *base, int64_t since_ms, json_t **out) {
    return json_rows(SQ(base), Q_SLOW_MOVERS, NULL, since_ms, 0, slow_mover_row, out);
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
    .order_set_splittable = sq_order_set_splittable,
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
    .order_lines_delete = sq_order_lines_delete,
    .line_edit_append = sq_line_edit_append,
    .line_edits_of_order = sq_line_edits_of_order,
    .payments_of_trade = sq_payments_of_trade,
    .payments_received = sq_payments_received,
    .statement_trade_seen = sq_statement_trade_seen,
    .statement_trade_add = sq_statement_trade_add,
    .discrepancy_get = sq_discrepancy_get,
    .discrepancy_add = sq_discrepancy_add,
    .reconciliation_insert = sq_reconciliation_insert,
    .reconciliation_get = sq_reconciliation_get,
    .message_template_put = sq_message_template_put,
    .message_templates = sq_message_templates,
    .message_sender_get = sq_message_sender_get,
    .message_sender_put = sq_message_sender_put,
    .message_create = sq_message_create,
    .messages_due = sq_messages_due,
    .message_result = sq_message_result,
    .message_list = sq_message_list,
    .message_get = sq_message_get,
    .message_resend = sq_message_resend,
    .order_warehouses = sq_order_warehouses,
    .sku_tax_set = sq_sku_tax_set,
    .sku_tax_get = sq_sku_tax_get,
    .invoice_number_next = sq_invoice_number_next,
    .invoice_insert = sq_invoice_insert,
    .invoice_get = sq_invoice_get,
    .invoice_set_status = sq_invoice_set_status,
    .carrier_put = sq_carrier_put,
    .carrier_get = sq_carrier_get,
    .carriers_all = sq_carriers_all,
    .tracking_add = sq_tracking_add,
    .tracking_take = sq_tracking_take,
    .tracking_available = sq_tracking_available,
    .parcel_insert = sq_parcel_insert,
    .parcel_get = sq_parcel_get,
    .parcels_of_order = sq_parcels_of_order,
    .parcel_ship = sq_parcel_ship,
    .allocation_put = sq_allocation_put,
    .allocation_get = sq_allocation_get,
    .allocation_policy_get = sq_allocation_policy_get,
    .allocation_policy_put = sq_allocation_policy_put,
    .low_stock = sq_low_stock,
    .slow_movers = sq_slow_movers,
    .pick = &sqlite_pick_vtable,
    .exception_pool = &sqlite_exception_pool_vtable,
    .merge = &sqlite_merge_vtable,
    .completion = &sqlite_completion_vtable,
    .tracking = &sqlite_tracking_vtable,
    .logistics_case = &sqlite_logistics_case_vtable,
    .after_sales = &sqlite_after_sales_vtable,
    .after_sales_watch = &sqlite_after_sales_watch_vtable,
    .users = &sqlite_user_vtable,
    .console = &sqlite_console_vtable,
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

sqlite3_stmt *sq_extra_stmt(store_t *base, int slot, const char *sql) {
    sq_t *s = SQ(base);
    if (!s->extra[slot] && sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                              &s->extra[slot], NULL) != SQLITE_OK) {
        fail(s);
        return NULL;
    }
    return s->extra[slot];
}

int sq_fail(store_t *base) {
    return fail(SQ(base));
}

sqlite3 *sq_db(store_t *base) {
    return SQ(base)->db;
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
