#ifndef ORDO_STORE_STORE_H
#define ORDO_STORE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/lifecycle.h"
#include "core/reserve.h"
#include "store/completion_store.h"
#include "store/after_sales_store.h"
#include "store/after_sales_watch_store.h"
#include "store/exception_pool_store.h"
#include "store/merge_store.h"
#include "store/tracking_store.h"
#include "store/user_store.h"
#include "store/logistics_case_store.h"
#include "store/pick_store.h"

/* The storage interface. Every engine (SQLite now, PostgreSQL next) fills one vtable; the
 * service layer calls only these, so it never sees SQL.
 *
 * A store_t is one connection: one thread at a time. The writer owns one for all writes;
 * each reading thread opens its own with store_open(..., STORE_READ_ONLY).
 *
 * Results: STORE_OK, STORE_NOT_FOUND, STORE_CONFLICT (a uniqueness or guard condition did
 * not hold: nothing was changed by that call), STORE_ERROR (the engine failed; the message
 * is in store_errmsg). json_t results are new references owned by the caller. */

enum { STORE_OK = 0, STORE_NOT_FOUND = 1, STORE_CONFLICT = 2, STORE_ERROR = -1 };

typedef struct store store_t;

typedef struct {
    const char *sku;
    const char *name;
    const char *barcode; /* may be NULL */
    int64_t price_fen, weight_g, length_mm, width_mm, height_mm, shelf_life_days;
    bool fragile, liquid, food, sellable;
} sku_rec_t;

typedef struct {
    const char *code;
    const char *name;
    const char *province, *city, *district; /* canonical names */
    int32_t province_code, city_code, district_code;
    int32_t priority;
} warehouse_rec_t;

typedef struct {
    char warehouse[65];
    char sku[65];
    int64_t on_hand, reserved, safety_stock;
    char bin[65];
} stock_row_t;

/* One row of the reservation ledger; qty > 0 reserves, qty < 0 gives back. */
typedef enum { RES_RESERVE, RES_RELEASE, RES_CONSUME, RES_RERESERVE } reservation_kind_t;
const char *reservation_kind_name(reservation_kind_t k);

typedef struct {
    int64_t order_id;
    int line_no;
    const char *sku;
    const char *warehouse;
    int32_t qty;
    reservation_kind_t kind;
    const char *cause;
} reservation_rec_t;

/* Net units an order holds of one line at one warehouse. */
typedef struct {
    int64_t order_id;
    int line_no;
    char sku[65];
    char warehouse[65];
    int64_t qty;
} held_t;

typedef struct {
    int64_t id;
    char order_no[32];
    int channel;
    char external_id[72];
    order_status_t status;
    int64_t created_at_ms, updated_at_ms, payment_expires_at_ms; /* 0: none */
    bool splittable;
    int32_t province_code;
    char content_hash[65];
    char buyer_phone[24]; /* normalized digits, for search; set on insert only */
    /* On insert only, for velocity counts: */
    int64_t placed_at_ms;
    const char *address_key; /* may be NULL */
    const char *client_ip;   /* canonical text, may be NULL */
    json_t *doc;             /* the normalized canonical order, owned */
    const char *doc_text;    /* on insert: doc already serialized (borrowed), or NULL */
    const struct allocation_rec *allocation; /* on insert: the intake decision, or NULL */
} order_rec_t;

/* An order's allocation decision as svc/allocation_decision.c states it: the policy, the
 * outcome, the chosen warehouses (comma-separated), every candidate's measures (compact JSON
 * arrays), why it was made (intake, restock...), by whom and when. */
typedef struct allocation_rec {
    const char *policy, *outcome, *warehouses, *candidates_json, *cause, *decided_by;
    int64_t at_ms;
} allocation_rec_t;

typedef struct {
    int64_t order_id;
    int line_no;
    char sku[65];
    int64_t missing;
} shortage_t;

typedef struct {
    int64_t order_id;
    int64_t at_ms;
    const char *actor;
    const char *type;   /* created, status, stock, exception, ... */
    int from_status;    /* -1: none */
    int to_status;      /* -1: none */
    const char *reason; /* may be NULL */
} event_rec_t;

typedef struct {
    int64_t order_id;
    const char *code;
    const char *severity; /* "red" | "yellow" */
    const char *message;
    int64_t at_ms;
} exception_rec_t;

typedef struct {
    int64_t order_id;
    const char *reason;  /* snake_case code, e.g. address_incomplete, manual */
    const char *rule_id; /* the rule that raised it, or NULL when placed by hand */
    const char *message;
    const char *detail_json;  /* the values behind it, or NULL */
    const char *owner;        /* may be NULL */
    int64_t deadline_ms;      /* 0: none */
    const char *auto_release; /* condition that releases it by itself, or NULL */
    const char *actor;
    int64_t at_ms;
} hold_rec_t;

typedef struct {
    const char *reason; /* only orders with an open hold of this reason; NULL for any */
    int channel;        /* -1 for any */
    int64_t min_total_fen, max_total_fen; /* -1: unbounded */
    int64_t after_id;                     /* cursor: only ids above this (oldest first) */
    int limit;
} review_filter_t;

typedef struct {
    const char *status; /* NULL for any */
    int channel;        /* -1 for any */
    const char *exception_code;
    const char *q;
    int64_t since_ms, until_ms; /* 0: unbounded */
    int64_t before_id;          /* cursor: only ids below this; 0 for none */
    int limit;
} order_filter_t;

/* One edit of an order's lines, as svc/order_lines_edit.c records it. */
typedef struct {
    int64_t order_id;
    int64_t version; /* 1 for the first edit */
    int64_t at_ms;
    const char *actor;
    const char *reason;
    const char *changes_json; /* the changes as asked */
    const char *before_json;  /* the lines before and after: [{line, sku, qty, unit_price}] */
    const char *after_json;
    int64_t total_before_fen, total_after_fen, difference_fen;
    const char *settlement; /* to_collect, to_refund, amount_due or none */
} line_edit_rec_t;
/* A notification ordo recorded, as reconciliation compares it with a platform's statement. */
typedef struct {
    char transaction_id[72]; /* the platform's trade number */
    int64_t order_id;
    char order_no[32];
    char trade_status[32];
    char outcome[32]; /* what ordo did with it: paid, payment_confirmed, amount_mismatch, … */
    int64_t amount_fen;
    int64_t received_at_ms;
} payment_record_t;
/* A buyer message to send (rendered when the event was fanned out). */
typedef struct {
    int64_t order_id;
    int64_t outbox_id;
    const char *event;     /* order_confirmed, payment_failed, ... */
    const char *medium;    /* sms | email */
    const char *recipient; /* phone (digits) or address */
    const char *subject;   /* NULL for sms */
    const char *body;
    const char *params; /* the template's values as a JSON object */
    int64_t now_ms;
} message_rec_t;

/* An invoice as issued (svc/invoices.c). */
typedef struct {
    const char *invoice_no;
    int64_t order_id;
    const char *type;     /* electronic | paper */
    const char *status;   /* issued | to_print */
    const char *doc_json; /* the invoice: seller, buyer, lines, totals */
    const char *actor;
    int64_t now_ms;
} invoice_rec_t;
/* A parcel as packed (svc/parcels.c): what is in it and what it is packed in. */
typedef struct {
    int64_t order_id;
    const char *packaging_json; /* {box, box_name, length_mm, …, materials: […]} */
    const char *items_json;     /* [{line, sku, barcode, qty}] */
    int64_t weight_g, length_mm, width_mm, height_mm;
    const char *actor;
    int64_t now_ms;
} parcel_rec_t;

typedef struct store_vtable {
    void (*close)(store_t *s);
    const char *(*errmsg)(store_t *s);

    int (*begin)(store_t *s); /* write transaction */
    int (*commit)(store_t *s);
    int (*rollback)(store_t *s);
    int (*savepoint)(store_t *s);
    int (*savepoint_release)(store_t *s);
    int (*savepoint_rollback)(store_t *s);
    int (*read_begin)(store_t *s); /* a consistent snapshot for several reads */
    int (*read_end)(store_t *s);

    int (*sku_put)(store_t *s, const sku_rec_t *sku, int64_t now_ms, bool *created);
    int (*sku_get)(store_t *s, const char *sku, json_t **out);
    /* *sellable = 1 / 0; STORE_NOT_FOUND when no such SKU. */
    int (*sku_sellable)(store_t *s, const char *sku, int *sellable);

    int (*warehouse_put)(store_t *s, const warehouse_rec_t *wh, int64_t now_ms, bool *created);
    int (*warehouse_get)(store_t *s, const char *code, json_t **out);
    /* All warehouses, for ranking: fills up to max entries, codes copied into code_buf
     * (65 bytes each). */
    int (*warehouse_list)(store_t *s, reserve_warehouse_t *out, char (*code_buf)[65], int max,
                          int *n);

    int (*stock_get)(store_t *s, const char *warehouse, const char *sku, stock_row_t *out);
    int (*stock_for_sku)(store_t *s, const char *sku, stock_row_t *out, int max, int *n);
    int (*stock_set)(store_t *s, const char *warehouse, const char *sku, int64_t on_hand,
                     int64_t safety_stock, const char *bin, int64_t now_ms);
    /* Adds delta to on_hand; STORE_CONFLICT (nothing changed) if on_hand would drop below 0
     * or below what is reserved. */
    int (*stock_add_on_hand)(store_t *s, const char *warehouse, const char *sku, int64_t delta,
                             int64_t now_ms);
    /* Adds delta to reserved; STORE_CONFLICT (nothing changed) unless
     * 0 <= reserved + delta <= on_hand. */
    int (*stock_add_reserved)(store_t *s, const char *warehouse, const char *sku, int64_t delta);
    int (*stock_ledger_append)(store_t *s, const char *warehouse, const char *sku, int64_t delta,
                               int64_t on_hand_after, const char *actor, const char *reason,
                               int64_t now_ms);
    /* Every (warehouse, sku) whose reserved column differs from the ledger's sum: the ledger
     * replay check. Returns an array of {warehouse, sku, reserved, ledger}. */
    int (*stock_verify)(store_t *s, json_t **mismatches);

    int (*reservation_append)(store_t *s, const reservation_rec_t *r, int64_t now_ms);
    /* Net holdings per (line, warehouse) of one order, qty > 0 only. */
    int (*reservations_of_order)(store_t *s, int64_t order_id, held_t *out, int max, int *n);
    /* Net holdings at one (warehouse, sku), newest order first. */
    int (*reservations_newest)(store_t *s, const char *warehouse, const char *sku, held_t *out,
                               int max, int *n);

    /* Inserts the order; STORE_CONFLICT if (channel, external_id) exists. Sets rec->id. */
    int (*order_insert)(store_t *s, order_rec_t *rec);
    int (*order_line_insert)(store_t *s, int64_t order_id, int line_no, const char *sku,
                             int32_t qty, int64_t unit_price_fen);
    int (*order_find_key)(store_t *s, int channel, const char *external_id, int64_t *id,
                          char hash_out[65]);
    /* Loads by id or by order_no (pass 0 / NULL for the other). rec->doc is owned. */
    int (*order_get)(store_t *s, int64_t id, const char *order_no, order_rec_t *rec);
    int (*order_set_status)(store_t *s, int64_t id, order_status_t to, int64_t now_ms);
    /* Replaces the stored form after a correction (the content hash stays: a replay of the
     * original submission is still the same order), with the searchable columns. */
    int (*order_update_doc)(store_t *s, int64_t id, const char *doc_text, const char *buyer_phone,
                            int32_t province_code, const char *address_key, int64_t now_ms);
    /* Whether the order may ship in parts: the column and the member of its stored form. */
    int (*order_set_splittable)(store_t *s, int64_t id, bool splittable, int64_t now_ms);
    int (*order_last_no)(store_t *s, const char *prefix, char out[32]);
    /* Newest first. Returns an array of order_rec_t (caller frees each doc, then the array)
     * through *out and their count through *n. */
    int (*order_list)(store_t *s, const order_filter_t *f, order_rec_t **out, int *n);
    /* Ids of pending-payment orders whose hold ended at or before now_ms, oldest first. */
    int (*orders_payment_expired)(store_t *s, int64_t now_ms, int64_t *ids, int max, int *n);

    int (*shortage_set)(store_t *s, int64_t order_id, int line_no, const char *sku, int64_t missing,
                        int64_t now_ms);
    int (*shortages_for_sku)(store_t *s, const char *sku, shortage_t *out, int max, int *n);
    int (*shortages_of_order)(store_t *s, int64_t order_id, shortage_t *out, int max, int *n);
    int (*shortages_clear_order)(store_t *s, int64_t order_id);

    int (*event_append)(store_t *s, const event_rec_t *e);
    int (*events_of_order)(store_t *s, int64_t order_id, json_t **out);
    int (*outbox_append)(store_t *s, const char *topic, int64_t order_id, const char *payload,
                         int64_t now_ms);

    int (*exception_open)(store_t *s, const exception_rec_t *e, int64_t *id);
    /* Open exception of that code on the order, if any: *id = 0 when none. */
    int (*exception_find_open)(store_t *s, int64_t order_id, const char *code, int64_t *id);
    /* STORE_CONFLICT when already resolved. */
    int (*exception_resolve)(store_t *s, int64_t id, const char *actor, const char *note,
                             int64_t now_ms);
    int (*exception_get)(store_t *s, int64_t id, json_t **out);
    int (*exceptions_of_order)(store_t *s, int64_t order_id, json_t **out);

    int (*count_orders)(store_t *s, int64_t *n);

    int (*hold_open)(store_t *s, const hold_rec_t *h, int64_t *id);
    /* Releases one open hold of the order; STORE_NOT_FOUND when the order has no such hold,
     * STORE_CONFLICT when it is already released. */
    int (*hold_release)(store_t *s, int64_t order_id, int64_t hold_id, const char *actor,
                        const char *note, int64_t now_ms);
    /* Releases every open hold of the order; *released (may be NULL) gets how many. */
    int (*holds_release_all)(store_t *s, int64_t order_id, const char *actor, const char *note,
                             int64_t now_ms, int *released);
    int (*holds_of_order)(store_t *s, int64_t order_id, json_t **out);
    int (*holds_open_count)(store_t *s, int64_t order_id, int *n);
    /* Orders waiting for review, oldest first (caller frees like order_list). */
    int (*review_queue)(store_t *s, const review_filter_t *f, order_rec_t **out, int *n);
    /* Releases the order's open holds with this auto-release condition. */
    int (*holds_release_auto)(store_t *s, int64_t order_id, const char *condition,
                              const char *actor, const char *note, int64_t now_ms, int *released);

    /* The review rule set: its version and JSON text (caller frees *json_text);
     * STORE_NOT_FOUND when none was ever stored. */
    int (*rules_get)(store_t *s, int64_t *version, char **json_text, json_t **meta);
    /* Stores a new rule set; *version gets its number. */
    int (*rules_put)(store_t *s, const char *json_text, const char *actor, int64_t now_ms,
                     int64_t *version);
    int (*rules_version)(store_t *s, int64_t *version); /* 0 when none stored */
    /* Calls fn for every order placed after since_ms, oldest first, with its velocity keys
     * (address key and IP may be NULL). */
    int (*recent_orders)(store_t *s, int64_t since_ms,
                         void (*fn)(void *ctx, const char *phone, const char *address_key,
                                    const char *client_ip, int64_t placed_at_ms),
                         void *ctx);
    int (*phone_has_orders)(store_t *s, const char *phone, bool *any);
    int (*evaluation_append)(store_t *s, int64_t order_id, int64_t at_ms, int64_t version,
                             bool passed, const char *result_json);
    /* A payment provider's settings (caller frees *config_json); STORE_NOT_FOUND if unset. */
    int (*provider_get)(store_t *s, const char *name, char **config_json);
    int (*provider_put)(store_t *s, const char *name, const char *config_json, const char *actor,
                        int64_t now_ms);
    /* Records a notification acted on; STORE_CONFLICT (nothing written) when the same
     * provider already sent this key. */
    int (*notification_record)(store_t *s, const char *provider, const char *notify_key,
                               int64_t order_id, const char *trade_status, int64_t amount_fen,
                               const char *transaction_id, const char *outcome, int64_t now_ms);

    /* Webhooks. webhook_get masks the secret; webhooks_all returns them whole for the
     * dispatcher: [{id, url, events: [...], secret}]. */
    int (*webhook_put)(store_t *s, const char *id, const char *url, const char *events_json,
                       const char *secret, int64_t now_ms, bool *created);
    int (*webhook_get)(store_t *s, const char *id, json_t **out);
    int (*webhooks_all)(store_t *s, json_t **out);
    int (*dispatch_cursor)(store_t *s, const char *name, int64_t *outbox_id);
    int (*dispatch_cursor_set)(store_t *s, const char *name, int64_t outbox_id);
    /* Outbox messages after after_id, oldest first: [{id, topic, order_id, payload,
     * created_at}]. */
    int (*outbox_after)(store_t *s, int64_t after_id, int limit, json_t **out);
    int (*outbox_last_id)(store_t *s, int64_t *id); /* 0 when empty */
    int (*delivery_create)(store_t *s, const char *webhook_id, int64_t outbox_id, const char *topic,
                           int64_t order_id, int64_t now_ms);
    /* Deliveries due by now, oldest first, at most one per (webhook, order) so each order's
     * messages arrive in order: [{id, webhook_id, url, secret, attempts, outbox_id, topic,
     * payload, created_at}]. */
    int (*deliveries_due)(store_t *s, int64_t now_ms, int limit, json_t **out);
    /* status: "delivered", "pending" (retry at next_ms) or "dead". */
    int (*delivery_result)(store_t *s, int64_t id, const char *status, int http_status,
                           const char *error, int64_t next_ms, int64_t now_ms);
    int (*deliveries_of_webhook)(store_t *s, const char *webhook_id, int limit, json_t **out);
    /* Queues a delivery again now; STORE_NOT_FOUND when the webhook has no such delivery. */
    int (*delivery_redeliver)(store_t *s, const char *webhook_id, int64_t id, int64_t now_ms);

    /* The latest evaluation of the order, or json null when it was never evaluated. */
    int (*evaluation_latest)(store_t *s, int64_t order_id, json_t **out);

    /* Durability split from commit (optional; NULL when every commit is durable). After
     * defer_sync returns STORE_OK, commits on this connection no longer wait for the disk,
     * and a commit counts as durable only once a later sync() has returned STORE_OK. sync()
     * may run on another thread while this connection keeps writing. */
    int (*defer_sync)(store_t *s);
    int (*sync)(store_t *s);

    /* Edits of an order's lines. order_lines_delete removes its line rows, to be written
     * again. line_edit_append: STORE_CONFLICT (nothing written) when the order already has
     * that version. line_edits_of_order: oldest first, [{version, at, actor, reason, changes,
     * before, after, total_before, total_after, difference, settlement}]. */
    int (*order_lines_delete)(store_t *s, int64_t order_id);
    int (*line_edit_append)(store_t *s, const line_edit_rec_t *e);
    int (*line_edits_of_order)(store_t *s, int64_t order_id, json_t **out);
    /* Reconciliation with payment platforms' statements. */
    /* The notifications a provider sent about one trade, oldest first: up to max into out. */
    int (*payments_of_trade)(store_t *s, const char *provider, const char *transaction_id,
                             payment_record_t *out, int max, int *n);
    /* The notifications received in [since_ms, until_ms), oldest first; *out is malloc'd
     * (caller frees; NULL when none). */
    int (*payments_received)(store_t *s, const char *provider, int64_t since_ms, int64_t until_ms,
                             payment_record_t **out, int *n);
    /* Whether an earlier statement listed this trade, and recording that one did. */
    int (*statement_trade_seen)(store_t *s, const char *provider, const char *trade_no, bool *seen);
    int (*statement_trade_add)(store_t *s, const char *provider, const char *trade_no,
                               int64_t reconciliation_id);
    /* A discrepancy an earlier run found: STORE_OK with its exception (0: none), or
     * STORE_NOT_FOUND. */
    int (*discrepancy_get)(store_t *s, const char *provider, const char *trade_no, const char *kind,
                           int64_t *exception_id);
    int (*discrepancy_add)(store_t *s, const char *provider, const char *trade_no, const char *kind,
                           int64_t order_id, int64_t exception_id, int64_t reconciliation_id,
                           int64_t now_ms);
    int (*reconciliation_insert)(store_t *s, const char *provider, int64_t period_start_ms,
                                 int64_t period_end_ms, const char *report_json, const char *actor,
                                 int64_t now_ms, int64_t *id);
    /* The run's report with its id, provider, created_at and created_by; STORE_NOT_FOUND. */
    int (*reconciliation_get)(store_t *s, int64_t id, json_t **out);
    /* Buyer messages. Templates: one per (event, medium, channel), channel "default" for
     * every channel without its own. */
    int (*message_template_put)(store_t *s, const char *event, const char *medium,
                                const char *channel, const char *subject, const char *body,
                                const char *actor, int64_t now_ms, bool *created);
    /* Every template: [{event, medium, channel, subject, body, updated_at, updated_by}]. */
    int (*message_templates)(store_t *s, json_t **out);
    /* A medium's sender settings (caller frees *config_json); STORE_NOT_FOUND if unset. */
    int (*message_sender_get)(store_t *s, const char *medium, char **config_json);
    int (*message_sender_put)(store_t *s, const char *medium, const char *config_json,
                              const char *actor, int64_t now_ms);
    /* Queues a message; a second one for the same (outbox message, medium) is ignored. */
    int (*message_create)(store_t *s, const message_rec_t *m);
    /* Messages due by now, oldest first, at most one per (order, medium) so each order's
     * messages go out in order: [{id, order_no, outbox_id, event, medium, recipient,
     * subject, body, params, attempts}]. */
    int (*messages_due)(store_t *s, int64_t now_ms, int limit, json_t **out);
    /* status: "sent", "pending" (retry at next_ms) or "dead". */
    int (*message_result)(store_t *s, int64_t id, const char *status, const char *error,
                          int64_t next_ms, int64_t now_ms);
    /* The log: one order's messages oldest first (order_id > 0), else every message with
     * the status (NULL for any) newest first; up to limit. */
    int (*message_list)(store_t *s, int64_t order_id, const char *status, int limit, json_t **out);
    int (*message_get)(store_t *s, int64_t id, json_t **out);
    /* Queues a message again now; STORE_NOT_FOUND when there is no such message. */
    int (*message_resend)(store_t *s, int64_t id, int64_t now_ms);
    /* The warehouses the order had stock reserved in (held, released or consumed since) by
     * at_ms, sorted; codes copied into out (65 bytes each), at most max. */
    int (*order_warehouses)(store_t *s, int64_t order_id, int64_t at_ms, char (*out)[65], int max,
                            int *n);
    /* Invoices. A SKU's VAT rate in basis points (-1: the merchant's default) and tax
     * classification code ("" for none); STORE_NOT_FOUND when no such SKU. */
    int (*sku_tax_set)(store_t *s, const char *sku, int32_t rate_bp, const char *tax_code);
    int (*sku_tax_get)(store_t *s, const char *sku, int32_t *rate_bp, char tax_code[33]);
    /* The next number of a series (1 for the first), in the caller's transaction: rolled
     * back with it. */
    int (*invoice_number_next)(store_t *s, const char *series, int64_t *n);
    /* STORE_CONFLICT (nothing written) when the order has an invoice that is not void. The
     * order's latest void invoice, if any, is recorded as the one this replaces. */
    int (*invoice_insert)(store_t *s, const invoice_rec_t *rec);
    /* By number, or (invoice_no NULL) the order's invoice that is not void:
     * {invoice_no, order_no, type, status, replaces, created_at, created_by, updated_at,
     * void_reason, voided_by, doc: the invoice as issued}; STORE_NOT_FOUND. */
    int (*invoice_get)(store_t *s, const char *invoice_no, int64_t order_id, json_t **out);
    /* Moves an invoice from status `from` to `to`; STORE_CONFLICT when it is not in `from`,
     * STORE_NOT_FOUND when there is none. reason and actor: the void's (NULL otherwise). */
    int (*invoice_set_status)(store_t *s, const char *invoice_no, const char *from, const char *to,
                              const char *actor, const char *reason, int64_t now_ms);
    /* Shipping. Carriers' settings as JSON text (caller frees *config_json); carriers_all:
     * [{code, config}] by code. */
    int (*carrier_put)(store_t *s, const char *code, const char *config_json, const char *actor,
                       int64_t now_ms);
    int (*carrier_get)(store_t *s, const char *code, char **config_json);
    int (*carriers_all)(store_t *s, json_t **out);
    /* A carrier's pool of tracking numbers: tracking_add is STORE_CONFLICT (nothing written)
     * for a number the pool already has, used or not; tracking_take hands out the oldest unused
     * number to the parcel (STORE_NOT_FOUND when none is left); tracking_available counts the
     * unused ones. */
    int (*tracking_add)(store_t *s, const char *carrier, const char *number, int64_t now_ms);
    int (*tracking_take)(store_t *s, const char *carrier, int64_t parcel_id, int64_t now_ms,
                         char out[48]);
    int (*tracking_available)(store_t *s, const char *carrier, int64_t *n);
    /* Parcels: inserted packed; parcel_ship is STORE_CONFLICT unless it is still packed.
     * Rows: {id, order_id, order_no, status, packaging, items, weight_g, length_mm, width_mm,
     * height_mm, carrier, tracking_no, zone, price_fen, created_at, created_by, shipped_at}. */
    int (*parcel_insert)(store_t *s, const parcel_rec_t *p, int64_t *id);
    int (*parcel_get)(store_t *s, int64_t id, json_t **out);
    int (*parcels_of_order)(store_t *s, int64_t order_id, json_t **out);
    int (*parcel_ship)(store_t *s, int64_t id, const char *carrier, const char *tracking_no,
                       const char *zone, int64_t price_fen, int64_t now_ms);
    /* Sourcing. The order's latest allocation decision, kept on the order's row: written by
     * order_insert at intake (no row of its own for every order), replaced by allocation_put
     * on a later decision. allocation_get: {policy, outcome, warehouses, candidates (parsed),
     * cause, decided_at, decided_by}; STORE_NOT_FOUND when none. */
    int (*allocation_put)(store_t *s, int64_t order_id, const allocation_rec_t *a);
    int (*allocation_get)(store_t *s, int64_t order_id, json_t **out);
    /* The merchant's sourcing policy as JSON text (caller frees); STORE_NOT_FOUND if unset. */
    int (*allocation_policy_get)(store_t *s, char **config_json);
    int (*allocation_policy_put)(store_t *s, const char *config_json, const char *actor,
                                 int64_t now_ms);
    /* Reports. low_stock: every (warehouse, sku) whose available units are below its safety
     * stock: [{warehouse, sku, name, on_hand, reserved, available, safety_stock}].
     * slow_movers: SKUs with units on hand and no order (not cancelled) placed since since_ms:
     * [{sku, name, on_hand, last_sold_at (RFC 3339 or null)}], longest unsold first. */
    int (*low_stock)(store_t *s, json_t **out);
    int (*slow_movers)(store_t *s, int64_t since_ms, json_t **out);
    /* Lots, waves and pick tasks (store/pick_store.h). */
    const pick_store_vtable_t *pick;
    /* Finding, assigning and working exceptions (store/exception_pool_store.h). */
    const exception_pool_vtable_t *exception_pool;
    /* Merged shipments (store/merge_store.h). */
    const merge_store_vtable_t *merge;
    /* Completion settings, auto-confirm, reviews and quality (store/completion_store.h). */
    const completion_store_vtable_t *completion;
    /* Delivery tracking: parcels' events, milestones, polling and alerts
     * (store/tracking_store.h). */
    const tracking_vtable_t *tracking;
    /* Logistics cases: their parcels and reshipments (store/logistics_case_store.h). */
    const logistics_case_vtable_t *logistics_case;
    /* After-sales tickets, refunds and settlement (store/after_sales_store.h). */
    const after_sales_vtable_t *after_sales;
    /* The after-sales SLA sweep's overdue tickets and breaches
     * (store/after_sales_watch_store.h). */
    const after_sales_watch_vtable_t *after_sales_watch;
    /* Users, their sessions and API tokens (store/user_store.h). */
    const user_store_vtable_t *users;
    /* The console's dashboard figures, lists and work counters (store/console_store.h, which
     * includes this file). */
    const struct console_store_vtable *console;
} store_vtable_t;

struct store {
    const store_vtable_t *vt;
};

typedef enum { STORE_READ_WRITE, STORE_READ_ONLY } store_mode_t;

/* Opens the store named by `url` (a file path: SQLite). Applies migrations when opened
 * read-write. Returns NULL and writes a reason into err on failure. */
store_t *store_open(const char *url, store_mode_t mode, char *err, size_t err_len);

/* Applies pending migrations; writes the schema version reached into *version. */
int store_migrate(const char *url, int *version, char *err, size_t err_len);

void order_rec_clear(order_rec_t *rec);

#endif
