#ifndef ORDO_SVC_ALLOCATION_H
#define ORDO_SVC_ALLOCATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/reserve.h"
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
} alloc_job_t;

void alloc_job_clear(alloc_job_t *job);

/* Plans and writes the reservations for job (ledger rows of `kind` with `cause`, guarded
 * stock updates) and records what stays short in the shortage table. Returns a store result. */
int alloc_reserve(store_t *s, alloc_job_t *job, reservation_kind_t kind, const char *cause,
                  int64_t now_ms);

/* Gives back everything the order holds (ledger rows of kind release), clears its shortages
 * and adds the SKUs it held to freed. */
int alloc_release_order(store_t *s, int64_t order_id, const char *cause, int64_t now_ms,
                        sku_set_t *freed);

/* Offers available stock of each SKU in set to the orders waiting for it, oldest first;
 * closes the stock_short exception of every order that becomes whole. */
int alloc_refill(store_t *s, const sku_set_t *set, const char *actor, int64_t now_ms);

/* Takes `excess` reserved units at (warehouse, sku) back from the newest orders holding them
 * (a non-splittable order gives back everything, since it ships whole or not at all); they
 * get stock_short exceptions. SKUs freed as a side effect are added to freed. */
int alloc_take_back(store_t *s, const char *warehouse, const char *sku, int64_t excess,
                    const char *actor, int64_t now_ms, sku_set_t *freed);

/* Opens the order's stock_short exception unless one is open. */
int alloc_flag_short(store_t *s, int64_t order_id, const char *message, int64_t now_ms);

#endif
