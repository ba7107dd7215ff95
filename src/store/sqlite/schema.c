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

    /* 6: an order's earlier pending delivery to the same webhook is found in the index, not by
     * walking the webhook's whole delivery history: the due query asks it of every candidate. */
    "CREATE INDEX webhook_deliveries_pending_order ON webhook_deliveries(webhook_id, order_id, id)"
    "  WHERE status = 'pending';",

    /* 7: edits of an order's lines before the warehouse starts — one versioned row per edit
     * with who, why, the lines before and after and the money to collect or refund. */
    "CREATE TABLE order_line_edits ("
    "  order_id INTEGER NOT NULL, version INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, reason TEXT NOT NULL, changes TEXT NOT NULL, before TEXT NOT NULL,"
    "  after TEXT NOT NULL, total_before INTEGER NOT NULL, total_after INTEGER NOT NULL,"
    "  difference INTEGER NOT NULL, settlement TEXT NOT NULL,"
    "  PRIMARY KEY (order_id, version)) WITHOUT ROWID;",

    /* 8: reconciliation — each run over a platform's statement with its report; every trade
     * a statement listed (a notification that arrived after its statement's period closed is
     * found there); every discrepancy found, once, with the exception it opened, so the same
     * statement again opens nothing new. Notifications are looked up by trade and by time. */
    "CREATE TABLE reconciliations (id INTEGER PRIMARY KEY, provider TEXT NOT NULL,"
    "  period_start INTEGER NOT NULL, period_end INTEGER NOT NULL, report TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE statement_trades (provider TEXT NOT NULL, trade_no TEXT NOT NULL,"
    "  reconciliation_id INTEGER NOT NULL, PRIMARY KEY (provider, trade_no)) WITHOUT ROWID;"
    "CREATE TABLE reconciliation_discrepancies (provider TEXT NOT NULL,"
    "  trade_no TEXT NOT NULL, kind TEXT NOT NULL, order_id INTEGER, exception_id INTEGER,"
    "  reconciliation_id INTEGER NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (provider, trade_no, kind)) WITHOUT ROWID;"
    "CREATE INDEX payment_notifications_trade"
    "  ON payment_notifications(provider, transaction_id);"
    "CREATE INDEX payment_notifications_received"
    "  ON payment_notifications(provider, received_at);",

    /* 9: buyer messages — stored templates per (event, medium, channel) over the built-in
     * ones, each medium's sender settings (secrets included), and one message row per
     * (outbox message, medium) with its rendered text and attempts; the messenger's position
     * in the outbox is its dispatch_cursor row. */
    "CREATE TABLE message_templates (event TEXT NOT NULL, medium TEXT NOT NULL,"
    "  channel TEXT NOT NULL, subject TEXT, body TEXT NOT NULL, updated_at INTEGER NOT NULL,"
    "  updated_by TEXT NOT NULL, PRIMARY KEY (event, medium, channel));"
    "CREATE TABLE message_senders (medium TEXT PRIMARY KEY, config TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, outbox_id INTEGER NOT NULL,"
    "  event TEXT NOT NULL, medium TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT,"
    "  body TEXT NOT NULL, params TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
    "  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,"
    "  created_at INTEGER NOT NULL, sent_at INTEGER, UNIQUE (outbox_id, medium));"
    "CREATE INDEX messages_due ON messages(next_attempt_at) WHERE status = 'pending';"
    "CREATE INDEX messages_order ON messages(order_id, medium, id);"
    "CREATE INDEX messages_status ON messages(status, id);",

    /* 10: invoices (发票) — a SKU's VAT rate (basis points; NULL: the merchant's default) and
     * tax classification code; one counter row per number series (prefix and year), advanced
     * in the transaction that stores the invoice, so a rollback takes the number back and
     * numbers have no gaps; the invoices, at most one not void per order (the partial unique
     * index: a second one is refused by the engine). */
    "ALTER TABLE skus ADD COLUMN tax_rate_bp INTEGER;"
    "ALTER TABLE skus ADD COLUMN tax_code TEXT;"
    "CREATE TABLE invoice_counters (series TEXT PRIMARY KEY, last_no INTEGER NOT NULL);"
    "CREATE TABLE invoices ("
    "  id INTEGER PRIMARY KEY, invoice_no TEXT NOT NULL UNIQUE, order_id INTEGER NOT NULL,"
    "  type TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL, replaces TEXT,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL,"
    "  void_reason TEXT, voided_by TEXT);"
    "CREATE UNIQUE INDEX invoices_active ON invoices(order_id) WHERE status <> 'void';"
    "CREATE INDEX invoices_order ON invoices(order_id, id);",

    /* 11: shipping — carriers' settings (coverage, rate card, tracking format) as JSON, each
     * carrier's pool of tracking numbers (a number is handed out once: parcel_id is set when
     * it is used), and parcels with what is in them, their packaging, measures and, once
     * shipped, carrier, tracking number, zone and price. */
    "CREATE TABLE carriers (code TEXT PRIMARY KEY, config TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE tracking_numbers (carrier TEXT NOT NULL, number TEXT NOT NULL,"
    "  added_at INTEGER NOT NULL, parcel_id INTEGER, used_at INTEGER,"
    "  PRIMARY KEY (carrier, number)) WITHOUT ROWID;"
    "CREATE INDEX tracking_numbers_unused ON tracking_numbers(carrier, added_at, number)"
    "  WHERE parcel_id IS NULL;"
    "CREATE TABLE parcels (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
    "  status TEXT NOT NULL, packaging TEXT NOT NULL, items TEXT NOT NULL,"
    "  weight_g INTEGER NOT NULL, length_mm INTEGER NOT NULL, width_mm INTEGER NOT NULL,"
    "  height_mm INTEGER NOT NULL, carrier TEXT, tracking_no TEXT, zone TEXT, price_fen INTEGER,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, shipped_at INTEGER);"
    "CREATE INDEX parcels_order ON parcels(order_id, id);"
    "CREATE UNIQUE INDEX parcels_tracking ON parcels(carrier, tracking_no)"
    "  WHERE tracking_no IS NOT NULL;",

    /* 12: sourcing — the merchant's allocation policy, and each order's latest allocation
     * decision as compact JSON on the order's own row: every order has one, and a row of its
     * own measured ~10k writer instructions an order. */
    "CREATE TABLE allocation_policy (id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  config TEXT NOT NULL, updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "ALTER TABLE orders ADD COLUMN allocation TEXT;",

    /* 13: lots and picking — a SKU's stock at a warehouse may be kept by lot with an expiry
     * day (then its lots sum to stock.on_hand; `ordo check` verifies it); waves of pick tasks
     * whose lines say which order, lot and bin each unit comes from, in route order; scans
     * answered once per scanner-given id, so a retried scan counts once. */
    "CREATE TABLE stock_lots (warehouse TEXT NOT NULL, sku TEXT NOT NULL, lot TEXT NOT NULL,"
    "  expires_on INTEGER NOT NULL, on_hand INTEGER NOT NULL CHECK (on_hand >= 0),"
    "  updated_at INTEGER NOT NULL, PRIMARY KEY (warehouse, sku, lot)) WITHOUT ROWID;"
    "CREATE INDEX stock_lots_expiry ON stock_lots(expires_on);"
    "CREATE TABLE waves (id INTEGER PRIMARY KEY, warehouse TEXT NOT NULL, strategy TEXT NOT NULL,"
    "  carrier TEXT, cutoff TEXT, distance_dm INTEGER NOT NULL, baseline_dm INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE pick_tasks (id INTEGER PRIMARY KEY, wave_id INTEGER NOT NULL,"
    "  zone TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open',"
    "  picked INTEGER NOT NULL DEFAULT 0, confirmed INTEGER NOT NULL DEFAULT 0,"
    "  distance_dm INTEGER NOT NULL, baseline_dm INTEGER NOT NULL);"
    "CREATE INDEX pick_tasks_wave ON pick_tasks(wave_id);"
    "CREATE TABLE pick_lines (task_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  order_id INTEGER NOT NULL, line_no INTEGER NOT NULL, warehouse TEXT NOT NULL,"
    "  sku TEXT NOT NULL, barcode TEXT, bin TEXT NOT NULL, lot TEXT NOT NULL,"
    "  qty INTEGER NOT NULL CHECK (qty >= 0),"
    "  picked INTEGER NOT NULL CHECK (picked >= 0 AND picked <= qty), slot INTEGER NOT NULL,"
    "  PRIMARY KEY (task_id, seq)) WITHOUT ROWID;"
    "CREATE INDEX pick_lines_order ON pick_lines(order_id);"
    "CREATE INDEX pick_lines_lot ON pick_lines(warehouse, sku, lot) WHERE lot <> '';"
    "CREATE TABLE pick_scans (task_id INTEGER NOT NULL, scan_id TEXT NOT NULL,"
    "  response TEXT NOT NULL, PRIMARY KEY (task_id, scan_id)) WITHOUT ROWID;",

    /* 14: the exception pool as a work queue — who owns an exception and by when, the latest
     * decision taken on it (wait, swap, cancel, split), and every action people took (contact,
     * note, assignment, decision, resolution) with who, when and, for a cancellation, the
     * amount owed back to the buyer (to_refund_fen, picked up by refunds). The summary counts
     * open exceptions by code and severity from the partial index. */
    "ALTER TABLE exceptions ADD COLUMN owner TEXT;"
    "ALTER TABLE exceptions ADD COLUMN deadline INTEGER;"
    "ALTER TABLE exceptions ADD COLUMN decision TEXT;"
    "CREATE INDEX exceptions_open_code ON exceptions(code, severity) WHERE status = 'open';"
    "CREATE INDEX exceptions_owner ON exceptions(owner, id) WHERE owner IS NOT NULL;"
    "CREATE TABLE exception_actions (id INTEGER PRIMARY KEY, exception_id INTEGER NOT NULL,"
    "  order_id INTEGER NOT NULL, action TEXT NOT NULL, note TEXT NOT NULL, until INTEGER,"
    "  detail TEXT, to_refund_fen INTEGER, actor TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX exception_actions_exception ON exception_actions(exception_id, id);"
    "CREATE INDEX exception_actions_order ON exception_actions(order_id, id);",
    /* 15: merged shipments — open
     * orders of one buyer, address and warehouse picked, packed and shipped as one. A parcel
     * of a merged shipment names it (shipment_id = merges.id); the shipment's parcels share
     * one tracking number (drawn once from the pool, which hands a number out once), so it is
     * unique per parcel outside shipments and per order inside one. The merge rule (merge at
     * wave time) is one row, like the allocation policy. */
    "CREATE TABLE merges (id INTEGER PRIMARY KEY, warehouse TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, rule INTEGER NOT NULL);"
    "CREATE TABLE merge_members (merge_id INTEGER NOT NULL, order_id INTEGER NOT NULL UNIQUE,"
    "  PRIMARY KEY (merge_id, order_id)) WITHOUT ROWID;"
    "CREATE TABLE merge_rule (id INTEGER PRIMARY KEY CHECK (id = 1), enabled INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "ALTER TABLE parcels ADD COLUMN shipment_id INTEGER;"
    "DROP INDEX parcels_tracking;"
    "CREATE UNIQUE INDEX parcels_tracking ON parcels(carrier, tracking_no)"
    "  WHERE tracking_no IS NOT NULL AND shipment_id IS NULL;"
    "CREATE UNIQUE INDEX parcels_tracking_shipment ON parcels(carrier, tracking_no, order_id)"
    "  WHERE tracking_no IS NOT NULL AND shipment_id IS NOT NULL;",

    /* 16: completion and reviews — when each order shipped, was delivered and completed
     * (set by order_set_status; indexed per state so the auto-confirm sweep reads only the
     * orders due), the completion settings, and buyers' reviews, one per order, with what
     * each is about (the order's SKUs, the warehouses its goods left from, its carriers) so
     * per-SKU, per-warehouse and per-carrier aggregates read an index. */
    "ALTER TABLE orders ADD COLUMN shipped_at INTEGER;"
    "ALTER TABLE orders ADD COLUMN delivered_at INTEGER;"
    "ALTER TABLE orders ADD COLUMN completed_at INTEGER;"
    "UPDATE orders SET shipped_at = (SELECT max(p.shipped_at) FROM parcels p WHERE"
    "  p.order_id = orders.id) WHERE status IN ('shipped', 'out_for_delivery', 'delivered',"
    "  'completed');"
    "CREATE INDEX orders_due_delivered ON orders(delivered_at) WHERE status = 'delivered';"
    "CREATE INDEX orders_due_shipped ON orders(shipped_at)"
    "  WHERE status IN ('shipped', 'out_for_delivery');"
    "CREATE INDEX orders_shipped_at ON orders(shipped_at) WHERE shipped_at IS NOT NULL;"
    "CREATE TABLE completion_settings (id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  config TEXT NOT NULL, updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE reviews (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL UNIQUE,"
    "  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), comment TEXT NOT NULL,"
    "  tags TEXT NOT NULL, edits INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL, updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE review_subjects (kind TEXT NOT NULL, subject TEXT NOT NULL,"
    "  review_id INTEGER NOT NULL, PRIMARY KEY (kind, subject, review_id)) WITHOUT ROWID;",

    /* 17: tracking — each aggregator's push settings (Kuaidi100 key and salt, the generic
     * push's secret) and each carrier's tracking settings (its API, poll interval, hours
     * without news before a parcel is stale), as JSON; one row per shipped parcel with its
     * milestone, latest event, promised delivery time (from the rate card at ship time) and
     * polling state; its events, once each (parcel, time, text); and the logistics alerts
     * raised, one per (parcel, code, basis), so a sweep never raises the same one twice.
     * Parcels shipped before this migration get their row from what parcels kept. */
    "CREATE TABLE tracking_providers (name TEXT PRIMARY KEY, config TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE tracking_carriers (carrier TEXT PRIMARY KEY, config TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);"
    "CREATE TABLE parcel_tracking (parcel_id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
    "  carrier TEXT NOT NULL, tracking_no TEXT NOT NULL, milestone TEXT NOT NULL,"
    "  milestone_at INTEGER, last_event_at INTEGER, shipped_at INTEGER NOT NULL,"
    "  promised_by INTEGER, open INTEGER NOT NULL DEFAULT 1, next_poll_at INTEGER NOT NULL,"
    "  poll_failures INTEGER NOT NULL DEFAULT 0, poll_error TEXT);"
    "CREATE INDEX parcel_tracking_order ON parcel_tracking(order_id);"
    "CREATE INDEX parcel_tracking_number ON parcel_tracking(tracking_no);"
    "CREATE INDEX parcel_tracking_due ON parcel_tracking(next_poll_at) WHERE open = 1;"
    "CREATE TABLE tracking_events (parcel_id INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  context TEXT NOT NULL, milestone TEXT NOT NULL, source TEXT NOT NULL, area TEXT,"
    "  received_at INTEGER NOT NULL, PRIMARY KEY (parcel_id, at, context)) WITHOUT ROWID;"
    "CREATE TABLE tracking_alerts (parcel_id INTEGER NOT NULL, code TEXT NOT NULL,"
    "  basis INTEGER NOT NULL, exception_id INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY (parcel_id, code, basis)) WITHOUT ROWID;"
    "INSERT INTO parcel_tracking (parcel_id, order_id, carrier, tracking_no, milestone,"
    "  shipped_at, next_poll_at) SELECT id, order_id, carrier, tracking_no, 'shipped',"
    "  coalesce(shipped_at, created_at), coalesce(shipped_at, created_at) FROM parcels"
    "  WHERE status = 'shipped' AND tracking_no IS NOT NULL;",

    /* 18: logistics cases — the parcel a person reported lost, damaged, undeliverable or
     * refused (its exception is the case: owner, deadline, actions and resolution live in the
     * pool), and every reshipment made for a case: the goods sent again as a linked
     * zero-amount order (reship_order_id) that allocation, picking, packing and shipping take
     * like any order. A claim's amounts are actions of the case (exception_actions.detail). */
    "CREATE TABLE logistics_cases (exception_id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
    "  parcel_id INTEGER NOT NULL, kind TEXT NOT NULL, created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX logistics_cases_parcel ON logistics_cases(parcel_id);"
    "CREATE TABLE reshipments (id INTEGER PRIMARY KEY, exception_id INTEGER NOT NULL,"
    "  order_id INTEGER NOT NULL, parcel_id INTEGER NOT NULL,"
    "  reship_order_id INTEGER NOT NULL UNIQUE, items TEXT NOT NULL, created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX reshipments_exception ON reshipments(exception_id, id);"
    "CREATE INDEX reshipments_parcel ON reshipments(parcel_id);",
    /* 19: after-sales — tickets (售后工单) with their items, a log of every message and
     * decision, what the warehouse received back and in what condition (damaged units are
     * counted in damaged_stock, never in stock.on_hand), refunds as sent to the payment
     * provider, one settlement line per completed order, and the after-sales settings
     * (windows, SLA, channel commission rates, the refund provider) by key. */
    "CREATE TABLE after_sales (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
    "  type TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, evidence TEXT NOT NULL,"
    "  assignee TEXT, deadline INTEGER, return_carrier TEXT, return_tracking_no TEXT,"
    "  linked_order_id INTEGER, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX after_sales_order ON after_sales(order_id, id);"
    "CREATE INDEX after_sales_status ON after_sales(status, id);"
    "CREATE TABLE after_sales_items (after_sales_id INTEGER NOT NULL, sku TEXT NOT NULL,"
    "  qty INTEGER NOT NULL CHECK (qty > 0), exchange_sku TEXT,"
    "  PRIMARY KEY (after_sales_id, sku)) WITHOUT ROWID;"
    "CREATE TABLE after_sales_log (id INTEGER PRIMARY KEY, after_sales_id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, from_status TEXT, to_status TEXT, text TEXT NOT NULL, detail TEXT,"
    "  actor TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX after_sales_log_ticket ON after_sales_log(after_sales_id, id);"
    "CREATE TABLE after_sales_receipts (id INTEGER PRIMARY KEY,"
    "  after_sales_id INTEGER NOT NULL, warehouse TEXT NOT NULL, sku TEXT NOT NULL,"
    "  qty INTEGER NOT NULL CHECK (qty > 0), condition TEXT NOT NULL, actor TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX after_sales_receipts_ticket ON after_sales_receipts(after_sales_id);"
    "CREATE TABLE damaged_stock (warehouse TEXT NOT NULL, sku TEXT NOT NULL,"
    "  qty INTEGER NOT NULL CHECK (qty >= 0), updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (warehouse, sku)) WITHOUT ROWID;"
    "CREATE TABLE refunds (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
    "  after_sales_id INTEGER, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
    "  status TEXT NOT NULL, provider TEXT NOT NULL, provider_ref TEXT, error TEXT,"
    "  attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL, succeeded_at INTEGER, actor TEXT NOT NULL);"
    "CREATE INDEX refunds_order ON refunds(order_id, id);"
    "CREATE TABLE settlement_lines (order_id INTEGER PRIMARY KEY, channel TEXT NOT NULL,"
    "  completed_at INTEGER NOT NULL, paid_fen INTEGER NOT NULL, rate_bp INTEGER NOT NULL,"
    "  commission_fen INTEGER NOT NULL, refunds_fen INTEGER NOT NULL,"
    "  income_fen INTEGER NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE INDEX settlement_lines_completed ON settlement_lines(completed_at);"
    "CREATE TABLE after_sales_config (key TEXT PRIMARY KEY, config TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL);",
    /* 20: return parcels tracked like outbound ones — a tracking row per ticket whose buyer
     * sent goods back (after_sales_id set; its key is -after_sales_id, so parcel_id stays the
     * one key of tracking rows, events and alerts without meeting a parcel's id), backfilled
     * for the returns already on their way; and the SLA breaches the after-sales sweep opened
     * an exception for, once per ticket and state. */
    "ALTER TABLE parcel_tracking ADD COLUMN after_sales_id INTEGER;"
    "CREATE UNIQUE INDEX parcel_tracking_return ON parcel_tracking(after_sales_id)"
    "  WHERE after_sales_id IS NOT NULL;"
    "INSERT OR IGNORE INTO parcel_tracking (parcel_id, order_id, carrier, tracking_no,"
    "  milestone, shipped_at, next_poll_at, after_sales_id) SELECT -id, order_id,"
    "  return_carrier, return_tracking_no, 'shipped', updated_at, updated_at, id"
    "  FROM after_sales WHERE status = 'return_in_transit' AND return_tracking_no IS NOT NULL;"
    "CREATE TABLE after_sales_overdue (after_sales_id INTEGER NOT NULL, status TEXT NOT NULL,"
    "  deadline INTEGER NOT NULL, exception_id INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY (after_sales_id, status)) WITHOUT ROWID;",
    /* 21: users with a role, their sign-in sessions and API tokens. Only hashes of secrets:
     * a password's argon2id string, a session id's and a token's SHA-256. */
    "CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL)"
    "  WITHOUT ROWID;"
    "CREATE TABLE user_sessions (id_hash BLOB PRIMARY KEY, user TEXT NOT NULL,"
    "  csrf TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL)"
    "  WITHOUT ROWID;"
    "CREATE INDEX user_sessions_user ON user_sessions(user);"
    "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, user TEXT NOT NULL, label TEXT NOT NULL,"
    "  hash BLOB NOT NULL UNIQUE, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,"
    "  last_used INTEGER);"
    "CREATE INDEX api_tokens_user ON api_tokens(user, id);",
    /* 22: the merged shipments shipped before their member parcels were tracked get their
     * tracking rows, for the orders still on the road. */
    "INSERT OR IGNORE INTO parcel_tracking (parcel_id, order_id, carrier, tracking_no,"
    "  milestone, shipped_at, next_poll_at) SELECT p.id, p.order_id, p.carrier, p.tracking_no,"
    "  'shipped', coalesce(p.shipped_at, p.created_at), coalesce(p.shipped_at, p.created_at)"
    "  FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.status = 'shipped'"
    "  AND p.tracking_no IS NOT NULL AND p.shipment_id IS NOT NULL"
    "  AND o.status IN ('shipped', 'out_for_delivery');",
    /* 23: refunds whose outcome is not known stay pending and are asked again by the refund
     * worker at next_attempt_at (same refund_no); only a definite refusal, now 'refused',
     * frees the amount. Refunds recorded 'failed' before this version keep their accounting
     * (not held: an operator has seen them) under the new name. */
    "ALTER TABLE refunds ADD COLUMN next_attempt_at INTEGER;"
    "UPDATE refunds SET status = 'refused' WHERE status = 'failed';"
    "UPDATE refunds SET next_attempt_at = updated_at WHERE status = 'pending';"
    "CREATE INDEX refunds_due ON refunds(status, next_attempt_at);",
    /* 24: the console's dashboard, cheap at any size — the count of orders per status kept
     * by triggers (read as a handful of rows, never by counting orders), counts per minute of
     * work ('placed' and 'shipped' orders by trigger; 'scan', 'scan_refused' and
     * 'pick_short' written by the picking ops: a refused scan changes nothing else but is
     * counted), and time indexes so every other figure is a range read over its window. */
    "CREATE TABLE order_status_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL)"
    "  WITHOUT ROWID;"
    "INSERT INTO order_status_counts (status, n) SELECT status, count(*) FROM orders"
    "  GROUP BY status;"
    "CREATE TABLE work_counts (name TEXT NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY (name, minute)) WITHOUT ROWID;"
    "CREATE TRIGGER orders_count_insert AFTER INSERT ON orders BEGIN"
    "  INSERT INTO order_status_counts (status, n) VALUES (new.status, 1)"
    "    ON CONFLICT (status) DO UPDATE SET n = n + 1;"
    "  INSERT INTO work_counts (name, minute, n) VALUES ('placed', new.created_at / 60000, 1)"
    "    ON CONFLICT (name, minute) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER orders_count_status AFTER UPDATE OF status ON orders"
    "  WHEN old.status <> new.status BEGIN"
    "  UPDATE order_status_counts SET n = n - 1 WHERE status = old.status;"
    "  INSERT INTO order_status_counts (status, n) VALUES (new.status, 1)"
    "    ON CONFLICT (status) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER orders_count_shipped AFTER UPDATE OF shipped_at ON orders"
    "  WHEN old.shipped_at IS NULL AND new.shipped_at IS NOT NULL BEGIN"
    "  INSERT INTO work_counts (name, minute, n) VALUES ('shipped', new.shipped_at / 60000, 1)"
    "    ON CONFLICT (name, minute) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER orders_count_delete AFTER DELETE ON orders BEGIN"
    "  UPDATE order_status_counts SET n = n - 1 WHERE status = old.status;"
    "END;"
    "INSERT INTO work_counts (name, minute, n) SELECT 'placed', created_at / 60000, count(*)"
    "  FROM orders GROUP BY created_at / 60000;"
    "INSERT INTO work_counts (name, minute, n) SELECT 'shipped', shipped_at / 60000, count(*)"
    "  FROM orders WHERE shipped_at IS NOT NULL GROUP BY shipped_at / 60000;"
    "CREATE INDEX order_events_at ON order_events(at);"
    "CREATE INDEX orders_delivered_at ON orders(delivered_at) WHERE delivered_at IS NOT NULL;"
    "CREATE INDEX parcels_shipped_at ON parcels(shipped_at) WHERE shipped_at IS NOT NULL;"
    "CREATE INDEX logistics_cases_created ON logistics_cases(created_at);"
    "CREATE INDEX after_sales_created ON after_sales(created_at);"
    "CREATE INDEX waves_created ON waves(created_at);",
};

const int sqlite_migrations_count = sizeof sqlite_migrations / sizeof sqlite_migrations[0];
