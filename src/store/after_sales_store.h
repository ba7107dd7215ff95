#ifndef ORDO_STORE_AFTER_SALES_STORE_H
#define ORDO_STORE_AFTER_SALES_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The storage of after-sales: tickets, their log, returned goods, damaged stock, refunds,
 * settlement lines and the after-sales settings. A part of the store interface of its own
 * (store_vtable_t.after_sales), same conventions as store.h: STORE_OK / STORE_NOT_FOUND /
 * STORE_CONFLICT / STORE_ERROR, one connection per thread, json_t results are new references
 * owned by the caller. Times are Unix milliseconds in, RFC 3339 out. */

typedef struct store store_t;

typedef struct {
    int64_t order_id;
    const char *type, *status, *reason;
    const char *evidence_json; /* an array of URLs */
    int64_t deadline_ms;       /* 0: none */
    int n_items;
    const char *const *skus;
    const int64_t *qtys;
    const char *const *exchange_skus; /* exchange: the SKU sent instead (NULL: the same) */
    const char *actor;
    int64_t now_ms;
} after_sales_rec_t;

typedef struct {
    const char *status;    /* NULL for any */
    const char *assignee;  /* NULL for any */
    const char *order_no;  /* NULL for any */
    int64_t overdue_at_ms; /* > 0: only tickets whose deadline passed by then */
    int64_t before_id;     /* cursor: ids below this, newest first; 0 for none */
    int limit;
} after_sales_filter_t;

typedef struct {
    int64_t after_sales_id;
    const char *kind; /* created, status, message, assign, return_shipment, receipt, refund... */
    const char *from_status, *to_status; /* NULL unless the status moved */
    const char *text;
    const char *detail_json; /* or NULL */
    const char *actor;
    int64_t at_ms;
} after_sales_log_rec_t;

typedef struct {
    int64_t order_id, after_sales_id; /* after_sales_id 0: none */
    int64_t amount_fen;
    const char *provider;
    const char *actor;
    int64_t now_ms;
} refund_rec_t;

typedef struct {
    const char *status;   /* pending, succeeded, refused; NULL for any */
    int64_t min_attempts; /* only refunds asked at least this often */
    int64_t due_at_ms;    /* > 0: only pending ones due by then, soonest first */
    int64_t before_id;    /* cursor (newest first): ids below this; 0 for none */
    int limit;            /* 0: 100 */
} refund_filter_t;

/* A settlement line as svc/settlement.c computes it. */
typedef struct {
    int64_t order_id;
    const char *channel;
    int64_t completed_at_ms, paid_fen, commission_fen, refunds_fen, income_fen;
    int32_t rate_bp;
    int64_t now_ms;
} settlement_line_rec_t;

typedef struct after_sales_vtable {
    /* A new ticket with its items; *id gets its number. */
    int (*insert)(store_t *s, const after_sales_rec_t *rec, int64_t *id);
    /* {id, order_id, order_no, order_status, channel, type, status, reason, evidence,
     * assignee, deadline, return_shipment: {carrier, tracking_no} | null, linked_order_no,
     * created_at, created_by, updated_at, items: [{sku, qty, exchange_sku}]}; STORE_NOT_FOUND. */
    int (*get)(store_t *s, int64_t id, json_t **out);
    /* Its log oldest first: [{kind, from, to, text, detail, actor, at}]. */
    int (*log)(store_t *s, int64_t id, json_t **out);
    /* Its receipts: [{warehouse, sku, qty, condition, actor, at}]. */
    int (*receipts)(store_t *s, int64_t id, json_t **out);
    /* Tickets matching f, as get gives them without items, newest first. */
    int (*list)(store_t *s, const after_sales_filter_t *f, json_t **out);
    /* Moves the ticket from `from` to `to` with its new deadline (0: none); STORE_CONFLICT
     * (nothing changed) when it is not in `from`. */
    int (*set_status)(store_t *s, int64_t id, const char *from, const char *to, int64_t deadline_ms,
                      int64_t now_ms);
    int (*assign)(store_t *s, int64_t id, const char *assignee, int64_t now_ms);
    int (*set_return_shipment)(store_t *s, int64_t id, const char *carrier, const char *tracking_no,
                               int64_t now_ms);
    int (*set_linked_order)(store_t *s, int64_t id, int64_t order_id);
    int (*log_append)(store_t *s, const after_sales_log_rec_t *e);
    /* Units of each SKU of the order in tickets that are not rejected (except ticket
     * `except_id`): {sku: qty}. */
    int (*claimed)(store_t *s, int64_t order_id, int64_t except_id, json_t **out);
    /* The tickets of an order: [{id, type, status, linked_order_no}]; and, for an order made
     * by one (an exchange or a reissue), the ticket and original order: {after_sales_id,
     * order_no} or STORE_NOT_FOUND. */
    int (*of_order)(store_t *s, int64_t order_id, json_t **out);
    int (*linked_from)(store_t *s, int64_t order_id, json_t **out);

    /* A unit received back; damaged ones are added to damaged_stock at the warehouse. */
    int (*receipt_append)(store_t *s, int64_t id, const char *warehouse, const char *sku,
                          int64_t qty, const char *condition, const char *actor, int64_t now_ms);
    /* Damaged units by warehouse and SKU: [{warehouse, sku, qty}] (warehouse NULL: all). */
    int (*damaged)(store_t *s, const char *warehouse, json_t **out);

    /* Refunds: inserted pending (attempts 0), due at once. refund_result records the
     * outcome of an attempt of a pending refund: "succeeded" (with the provider's reference),
     * "refused" (with the error) or, when it is not known, "pending" again (with the error and
     * the next attempt's time); attempts counts them. STORE_CONFLICT (nothing written) when
     * the refund is not pending. */
    int (*refund_insert)(store_t *s, const refund_rec_t *r, int64_t *id);
    int (*refund_result)(store_t *s, int64_t id, const char *status, const char *provider_ref,
                         const char *error, int64_t next_attempt_ms, int64_t now_ms);
    /* Pending and due now (a refused one, or a pending one asked again early); STORE_CONFLICT
     * when it succeeded. */
    int (*refund_retry)(store_t *s, int64_t id, int64_t now_ms);
    /* {id, refund_no, order_id, order_no, after_sales_id, amount, status, provider,
     * provider_ref, error, attempts, created_at, updated_at, succeeded_at, actor,
     * next_attempt_at}; STORE_NOT_FOUND. */
    int (*refund_get)(store_t *s, int64_t id, json_t **out);
    int (*refunds_of_order)(store_t *s, int64_t order_id, json_t **out);
    /* The order's refunds that may still pay out or did (pending and succeeded), and those
     * that did (succeeded), in fen. */
    int (*refunds_sum)(store_t *s, int64_t order_id, int64_t *committed_fen,
                       int64_t *succeeded_fen);
    /* Refunds matching f, as refund_get gives them: newest first, or with due_at_ms the due
     * ones soonest first. */
    int (*refunds_list)(store_t *s, const refund_filter_t *f, json_t **out);

    /* Settings by key (caller frees *config_json); STORE_NOT_FOUND if unset. */
    int (*config_get)(store_t *s, const char *key, char **config_json);
    int (*config_put)(store_t *s, const char *key, const char *config_json, const char *actor,
                      int64_t now_ms);

    /* STORE_CONFLICT (nothing written) when the order has its line already. */
    int (*settlement_put)(store_t *s, const settlement_line_rec_t *line);
    /* Every completed order completed in [from_ms, to_ms) — by its settlement line's time,
     * or for an order without one, the time it became completed — oldest first:
     * [{order_id, order_no, channel, completed_at (ms), doc (text), line: {paid, rate_bp,
     * commission} | null, refunds (succeeded, fen)}]. */
    int (*settlement_orders)(store_t *s, int64_t from_ms, int64_t to_ms, json_t **out);
} after_sales_vtable_t;

#endif
