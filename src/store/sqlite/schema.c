#include "store/sqlite/schema.h"

/* Migrations, applied in order on start. Never edit a released step: add a new one. */
const char *const sqlite_migrations[] = {
    /* 1: the durable core — catalog, stock with its ledgers, orders, timeline, outbox,
     * exception pool. */
    "CREATE TABLE skus ("
    "  sku TEXT PRIMARY KEY, name TEXT NOT NULL, barcode TEXT,"
    "  price_fen INTEGER NOT NULL DEFAULT 0, weight_g INTEGER NOT NULL DEFAULT 0,"
    "  length_mm INTEGER NOT NULL DEFAULT 0, width_mm INTEGER NOT NULL DEFAULT 0,"
    "  height_mm INTEGER NOT NULL DEFAULT 0, fragile INTEGER NOT NULL DEFAULT 0,"
    "  liquid INTEGER NOT NULL DEFAULT 0, food INTEGER NOT NULL DEFAULT 0,"
    "  shelf_life_days INTEGER NOT NULL DEFAULT 0, sellable INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE warehouses ("
    "  code TEXT PRIMARY KEY, name TEXT NOT NULL, province TEXT NOT NULL, city TEXT NOT NULL,"
    "  district TEXT NOT NULL, province_code INTEGER NOT NULL, city_code INTEGER NOT NULL,"
    "  district_code INTEGER NOT NULL, priority INTEGER NOT NULL DEFAULT 100,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    /* reserved is derived from reservation_ledger and kept here so a reservation is one
     * guarded update; the CHECK is the never-oversell invariant, enforced by the engine. */
    "CREATE TABLE stock ("
    "  sku TEXT NOT NULL REFERENCES skus(sku), warehouse TEXT NOT NULL REFERENCES warehouses(code),"
    "  on_hand INTEGER NOT NULL CHECK (on_hand >= 0),"
    "  reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),"
    "  safety_stock INTEGER NOT NULL DEFAULT 0, bin TEXT, updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (sku, warehouse)) WITHOUT ROWID;"
    "CREATE TABLE stock_ledger ("
    "  id INTEGER PRIMARY KEY, warehouse TEXT NOT NULL, sku TEXT NOT NULL,"
    "  delta INTEGER NOT NULL, on_hand_after INTEGER NOT NULL, actor TEXT NOT NULL,"
    "  reason TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE TABLE orders ("
    "  id INTEGER PRIMARY KEY, order_no TEXT NOT NULL UNIQUE, channel TEXT NOT NULL,"
    "  external_id TEXT NOT NULL, status TEXT NOT NULL, buyer_phone TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, payment_expires_at INTEGER,"
    "  splittable INTEGER NOT NULL, province_code INTEGER NOT NULL,"
    "  content_hash TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (channel, external_id));"
    "CREATE INDEX orders_phone ON orders(buyer_phone);"
    "CREATE INDEX orders_status ON orders(status, id);"
    "CREATE INDEX orders_payment_expiry ON orders(payment_expires_at)"
    "  WHERE status = 'pending_payment';"
    "CREATE TABLE order_lines ("
    "  order_id INTEGER NOT NULL, line_no INTEGER NOT NULL, sku TEXT NOT NULL,"
    "  qty INTEGER NOT NULL, unit_price_fen INTEGER NOT NULL,"
    "  PRIMARY KEY (order_id, line_no)) WITHOUT ROWID;"
    "CREATE TABLE reservation_ledger ("
    "  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, line_no INTEGER NOT NULL,"
    "  sku TEXT NOT NULL, warehouse TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty <> 0),"
    "  kind TEXT NOT NULL, cause TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX reservation_ledger_order ON reservation_ledger(order_id);"
    "CREATE TABLE shortages ("
    "  order_id INTEGER NOT NULL, line_no INTEGER NOT NULL, sku TEXT NOT NULL,"
    "  missing INTEGER NOT NULL CHECK (missing > 0), since INTEGER NOT NULL,"
    "  PRIMARY KEY (order_id, line_no));"
    "CREATE INDEX shortages_sku ON shortages(sku, order_id);"
    "CREATE TABLE order_events ("
    "  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, type TEXT NOT NULL, from_status TEXT, to_status TEXT, reason TEXT);"
    "CREATE INDEX order_events_order ON order_events(order_id);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY, topic TEXT NOT NULL, order_id INTEGER, payload TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, delivered_at INTEGER);"
    "CREATE TABLE exceptions ("
    "  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, code TEXT NOT NULL,"
    "  severity TEXT NOT NULL, message TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open',"
    "  created_at INTEGER NOT NULL, resolved_at INTEGER, resolved_by TEXT, note TEXT);"
    "CREATE INDEX exceptions_order ON exceptions(order_id, code);"
    "CREATE INDEX exceptions_status ON exceptions(status, id);",

    /* 2: review holds — typed reasons an order may not move on, each with its owner,
     * deadline, auto-release condition and who released it, when and why. */
    "CREATE TABLE holds ("
    "  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, reason TEXT NOT NULL, rule_id TEXT,"
    "  message TEXT NOT NULL, detail TEXT, owner TEXT, deadline INTEGER, auto_release TEXT,"
    "  status TEXT NOT NULL DEFAULT 'open', created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL, released_at INTEGER, released_by TEXT, release_note TEXT);"
    "CREATE INDEX holds_order ON holds(order_id);"
    "CREATE INDEX holds_open_reason ON holds(reason, order_id) WHERE status = 'open';",

    /* 3: automatic review — the rule set (one versioned row), every evaluation on its order,
     * and the keys velocity rules count by with the buyer's order time. The counting itself
     * is in memory (svc/velocity.c), rebuilt from the recent orders through the placed_at
     * index: an index per key would dirty a random page per order. Orders stored before
     * this step count with the phone and time only. */
    "CREATE TABLE review_rules (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL,"
    "  ruleset TEXT NOT NULL, updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE review_evaluations ("
    "  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  ruleset_version INTEGER NOT NULL, passed INTEGER NOT NULL, result TEXT NOT NULL);"
    "CREATE INDEX review_evaluations_order ON review_evaluations(order_id);"
    "ALTER TABLE orders ADD COLUMN placed_at INTEGER;"
    "ALTER TABLE orders ADD COLUMN address_key TEXT;"
    "ALTER TABLE orders ADD COLUMN client_ip TEXT;"
    "UPDATE orders SET placed_at = "
    "  CAST(strftime('%s', json_extract(doc, '$.placed_at')) AS INTEGER) * 1000;"
    "DROP INDEX orders_phone;"
    "CREATE INDEX orders_phone ON orders(buyer_phone, placed_at);"
    "CREATE INDEX orders_placed_at ON orders(placed_at);",

    /* 4: payments — each provider's settings (secrets included: this file is the merchant's)
     * and every notification acted on, unique per provider and notification so a retry
     * changes nothing. */
    "CREATE TABLE payment_providers (name TEXT PRIMARY KEY, config TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE payment_notifications ("
    "  id INTEGER PRIMARY KEY, provider TEXT NOT NULL, notify_key TEXT NOT NULL,"
    "  order_id INTEGER NOT NULL, trade_status TEXT NOT NULL, amount_fen INTEGER NOT NULL,"
    "  transaction_id TEXT, outcome TEXT NOT NULL, received_at INTEGER NOT NULL,"
    "  UNIQUE (provider, notify_key));"
    "CREATE INDEX payment_notifications_order ON payment_notifications(order_id);",

    /* 5: webhooks — subscriptions, and one delivery row per (subscription, outbox message)
     * with its attempts; the dispatcher's position in the outbox is durable, so nothing is
     * lost or sent twice by a restart. */
    "CREATE TABLE webhooks (id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL,"
    "  secret TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE webhook_deliveries ("
    "  id INTEGER PRIMARY KEY, webhook_id TEXT NOT NULL, outbox_id INTEGER NOT NULL,"
    "  topic TEXT NOT NULL, order_id INTEGER, status TEXT NOT NULL DEFAULT 'pending',"
    "  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,"
    "  last_status INTEGER, last_error TEXT, created_at INTEGER NOT NULL,"
    "  delivered_at INTEGER, UNIQUE (webhook_id, outbox_id));"
    "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)"
    "  WHERE status = 'pending';"
    "CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);"
    "CREATE TABLE dispatch_cursor (name TEXT PRIMARY KEY, outbox_id INTEGER NOT NULL);",
};

const int sqlite_migrations_count = sizeof sqlite_migrations / sizeof sqlite_migrations[0];
