#ifndef ORDO_SVC_ALLOCATION_H
#define ORDO_SVC_ALLOCATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/order_parse.h"
#include "core/reserve.h"
#include "core/sourcing.h"
#include "store/store.h"

/* Stock reservations as ledger operations, run inside the writer's transaction: reserving
 * for an order, giving back, re-offering freed stock to waiting orders (oldest first), and
 * taking stock back from the newest orders when a count drops. Every change to `reserved`
 * goes through here together with its ledger row, so the ledger always sums to the column. */

#define ALLOC_WAREHOUSES_MAX 64

/* SKUs whose stock was freed by an operation, to offer to waiting orders afterwards. */
typedef struct {
    int n;
    char sku[ORDO_ORDER_LINES_MAX][ORDO_CODE_MAX + 1];
} sku_set_t;

void sku_set_add(sku_set_t *set, const char *sku);

typedef struct {
    int64_t on_hand, reserved, safety_stock;
} alloc_cell_t;

/* One order's lines to reserve (all, at intake; what is missing, on refill). */
typedef struct {
    int64_t order_id;
    bool splittable;
    int32_t province_code;
    int n_lines;
    int line_no[ORDO_ORDER_LINES_MAX];
    const char *sku[ORDO_ORDER_LINES_MAX];
    int32_t want[ORDO_ORDER_LINES_MAX];
    /* Out: units reserved and still short per line; the rows written. */
    int32_t got[ORDO_ORDER_LINES_MAX];
    int32_t short_qty[ORDO_ORDER_LINES_MAX];
    int n_allocs;
    reserve_alloc_t *allocs; /* owned; free with alloc_job_clear */
    char wh_codes[ALLOC_WAREHOUSES_MAX][ORDO_CODE_MAX + 1];
    /* Sourcing inputs: the requested delivery date as days from today (when
     * has_requested_day); a policy other than the merchant's (NULL: the merchant's); one
     * warehouse to take everything from ("": any); who decided (NULL: "system"). */
    bool has_requested_day;
    int32_t days_until_requested;
    const sourcing_policy_t *policy;
    char only_warehouse[ORDO_CODE_MAX + 1];
    const char *actor;
    /* The writer's memory of the catalog, for the SKUs' measures (NULL: read them; always
     * NULL off the writer thread). */
    struct sellable_cache *catalog;
    /* Out: why the plan is what it is (owned), and the policy it was made with. */
    sourcing_decision_t *decision;
    sourcing_policy_t policy_used;
    /* The stock rows the plan read (n_wh * n_skus, row-major by warehouse; owned) and each
     * line's SKU among them, kept up to date by the job's own moves, so a fall below safety
     * stock is seen without reading a row again. */
    alloc_cell_t *cells;
    int n_wh, n_skus;
    int line_sku[ORDO_ORDER_LINES_MAX];
} alloc_job_t;

void alloc_job_clear(alloc_job_t *job);

/* Fills job with a parsed order's buyer, lines (numbered from 1; SKUs borrowed from in) and
 * requested delivery date. */
void alloc_job_from_input(alloc_job_t *job, const order_input_t *in, int64_t now_ms);

/* Sets the requested delivery date (a day number) as days from today in China, 0 when it
 * is already past. */
void alloc_job_requested_day(alloc_job_t *job, int32_t day, int64_t now_ms);

/* Plans and writes the reservations for job (ledger rows of `kind` with `cause`, guarded
 * stock updates) and records what stays short in the shortage table. Returns a store result. */
int alloc_reserve(store_t *s, alloc_job_t *job, reservation_kind_t kind, const char *cause,
                  int64_t now_ms);

/* Plans job over what is available now (nothing is written; s may be a reader): fills
 * allocs, short_qty, wh_codes and the decision. For previews. */
int alloc_plan(store_t *s, alloc_job_t *job);

/* Intake's second half: reserves what alloc_plan planned for job (whose order_id is now set)
 * and writes its shortages; the decision went in with the order's row. */
int alloc_reserve_planned(store_t *s, alloc_job_t *job, const char *cause, int64_t now_ms);

/* Gives back everything the order holds (ledger rows of kind release), clears its shortages
 * and adds the SKUs it held to freed. */
int alloc_release_order(store_t *s, int64_t order_id, const char *cause, int64_t now_ms,
                        sku_set_t *freed);

/* Offers available stock of each SKU in set to the orders waiting for it, oldest first;
 * closes the stock_short exception of every order that becomes whole. */
int alloc_refill(store_t *s, const sku_set_t *set, const char *actor, int64_t now_ms);

/* Tries to make one waiting order whole (or less short) from the stock available now, as a
 * restock would; closes its stock_short exception if it becomes whole. */
int alloc_refill_order(store_t *s, int64_t order_id, const char *actor, int64_t now_ms);

/* Takes `excess` reserved units at (warehouse, sku) back from the newest orders holding them
 * (a non-splittable order gives back everything, since it ships whole or not at all); they
 * get stock_short exceptions. SKUs freed as a side effect are added to freed. */
int alloc_take_back(store_t *s, const char *warehouse, const char *sku, int64_t excess,
                    const char *actor, int64_t now_ms, sku_set_t *freed);

/* Plans the order's lines in job (all of them, as they now are) anew, counting what the order
 * holds as available to it, and moves its reservations from what it holds to the plan with
 * the fewest ledger rows: units it keeps stay put, the rest are given back (their SKUs added
 * to freed) or reserved (rows with `cause`). Rewrites the order's shortage rows. Out: got and
 * short_qty per line. */
int alloc_replan(store_t *s, alloc_job_t *job, const char *cause, int64_t now, sku_set_t *freed);

/* The order holds every unit it wants: resolves its stock_short exception (with note) and
 * ends its automatic stock holds; an order waiting in review that nothing else holds is
 * approved. Updates rec->status. */
int alloc_mark_whole(store_t *s, order_rec_t *rec, const char *actor, const char *note,
                     int64_t now);

/* Opens the order's stock_short exception unless one is open: red when the order ships
 * whole, yellow for a splittable order's backorder. */
int alloc_flag_short(store_t *s, const order_rec_t *rec, const char *message, int64_t now_ms);

#endif
