#ifndef ORDO_STORE_STORE_H
#define ORDO_STORE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/lifecycle.h"
#include "core/reserve.h"

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
} order_rec_t;

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
    /* status: "open", "resolved" or NULL for all; newest first up to limit. */
    int (*exception_list)(store_t *s, const char *status, int limit, json_t **out);

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
