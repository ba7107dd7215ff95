#ifndef ORDO_STORE_PICK_STORE_H
#define ORDO_STORE_PICK_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The storage of lots, waves and pick tasks: a part of the store interface of its own
 * (store_vtable_t.pick), so each engine implements it beside the rest. Same conventions as
 * store.h: STORE_OK / STORE_NOT_FOUND / STORE_CONFLICT / STORE_ERROR, one connection per
 * thread, json_t results are new references owned by the caller. */

typedef struct store store_t;

typedef struct {
    char lot[65];
    int32_t expires_day; /* days since 1970-01-01 */
    int64_t on_hand;
    /* on_hand less the units that pick lines of orders still in the warehouse (picking,
     * packed) take from the lot: what a new pick may still take. */
    int64_t free_units;
} lot_row_t;

typedef struct {
    int64_t task_id;
    int seq; /* position in the walking route */
    int64_t order_id;
    char order_no[32];
    int line_no;
    char warehouse[65];
    char sku[65];
    char barcode[65];
    char bin[65];
    char lot[65]; /* "" when the SKU is not kept by lot there */
    int64_t qty, picked;
    int slot; /* put-wall slot (batch), else 0 */
    /* Read only: the order was cancelled after the wave; nothing more is picked for it. */
    bool order_cancelled;
} pick_line_t;

typedef struct {
    int64_t id, wave_id;
    char warehouse[65];
    char strategy[16];
    char zone[9];
    char status[16]; /* open | done */
    int64_t picked, confirmed, distance_dm, baseline_dm;
} pick_task_t;

/* One candidate holding for a wave: an order with nothing open against it (no hold; no
 * shortage unless it is splittable, which backorders) and qty units of its line reserved
 * at `warehouse` that no pick line covers yet: an approved order's whole reservation, or a
 * later order's restocked backorder or re-reserved short pick. */
typedef struct {
    int64_t order_id;
    const char *order_no;
    const char *carrier; /* the order's carrier when one is set on it, else NULL */
    int line_no;
    const char *sku;
    const char *warehouse;
    int64_t qty;
    int status; /* order_status_t: approved, picking or partially_shipped */
} wave_holding_t;

typedef struct pick_store_vtable {
    /* Lots. lot_put creates or replaces a lot's expiry and count. */
    int (*lot_put)(store_t *s, const char *warehouse, const char *sku, const char *lot,
                   int32_t expires_day, int64_t on_hand, int64_t now_ms);
    /* Adds delta to a lot's count: STORE_CONFLICT (nothing changed) below 0, NOT_FOUND. */
    int (*lot_add)(store_t *s, const char *warehouse, const char *sku, const char *lot,
                   int64_t delta, int64_t now_ms);
    /* The lots of a SKU at a warehouse, by expiry then lot; at most max. */
    int (*lots_of)(store_t *s, const char *warehouse, const char *sku, lot_row_t *out, int max,
                   int *n);
    /* Sum and number of a SKU's lots at a warehouse (0, 0 when it is not kept by lot). */
    int (*lots_sum)(store_t *s, const char *warehouse, const char *sku, int64_t *sum, int *count);
    /* Stock rows kept by lot whose on_hand differs from their lots' sum:
     * [{warehouse, sku, on_hand, lots}]. */
    int (*lots_verify)(store_t *s, json_t **mismatches);
    /* Lots with units expiring on or before until_day (warehouse NULL: all), soonest first:
     * [{warehouse, sku, name, lot, expires_day, on_hand, shelf_life_days}]. */
    int (*lots_expiring)(store_t *s, int32_t until_day, const char *warehouse, int limit,
                         json_t **out);

    /* Waves. Calls fn for every holding (in any warehouse, so the caller can leave out
     * orders held in several) of every candidate order holding stock in `warehouse`, by
     * order id then line. */
    int (*wave_holdings)(store_t *s, const char *warehouse,
                         void (*fn)(void *ctx, const wave_holding_t *h), void *ctx);
    int (*wave_insert)(store_t *s, const char *warehouse, const char *strategy, const char *carrier,
                       const char *cutoff, const char *actor, int64_t now_ms, int64_t *id);
    int (*wave_set_distance)(store_t *s, int64_t wave_id, int64_t distance_dm, int64_t baseline_dm);
    /* {id, warehouse, strategy, carrier, cutoff, distance_dm, baseline_dm, created_at,
     * created_by}; STORE_NOT_FOUND. */
    int (*wave_get)(store_t *s, int64_t id, json_t **out);
    /* The wave's task ids in order. */
    int (*wave_tasks)(store_t *s, int64_t wave_id, int64_t *ids, int max, int *n);
    int (*task_insert)(store_t *s, int64_t wave_id, const char *zone, int64_t distance_dm,
                       int64_t baseline_dm, int64_t *id);
    int (*task_get)(store_t *s, int64_t id, pick_task_t *out);
    int (*task_update)(store_t *s, int64_t id, const char *status, int64_t picked,
                       int64_t confirmed);
    int (*line_insert)(store_t *s, const pick_line_t *line);
    /* Sets a line's qty and picked (0 <= picked <= qty). */
    int (*line_update)(store_t *s, int64_t task_id, int seq, int64_t qty, int64_t picked);
    /* The task's lines in route order; *out is malloc'd (caller frees; NULL when none). */
    int (*task_lines)(store_t *s, int64_t task_id, pick_line_t **out, int *n);
    /* An order's pick lines in every task; *out as task_lines. */
    int (*order_pick_lines)(store_t *s, int64_t order_id, pick_line_t **out, int *n);
    /* The answer given to a scan retried with the same scan id (caller frees); NOT_FOUND. */
    int (*scan_get)(store_t *s, int64_t task_id, const char *scan_id, char **response);
    int (*scan_put)(store_t *s, int64_t task_id, const char *scan_id, const char *response);
    /* Units picked and still in the warehouse (orders picking or packed) of a SKU there, of
     * one lot or (lot NULL) all. */
    int (*picked_in_warehouse)(store_t *s, const char *warehouse, const char *sku, const char *lot,
                               int64_t *units);
} pick_store_vtable_t;

#endif
