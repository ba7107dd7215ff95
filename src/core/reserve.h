#ifndef ORDO_CORE_RESERVE_H
#define ORDO_CORE_RESERVE_H

#include <stdbool.h>
#include <stdint.h>

/* Where an order's units come from: a pure decision over a snapshot of availability.
 *
 * The rule (the fulfillment work refines it): a warehouse in the buyer's province that can
 * fill the whole order; else the first by priority (lower first, then code) that can; else,
 * only if the order is splittable, line by line across warehouses in that ranking, taking
 * what there is and leaving the rest short. A non-splittable order is all or nothing from
 * a single warehouse. */

typedef struct {
    const char *code;
    int32_t province_code; /* 6-digit division code of the warehouse's province */
    int32_t priority;      /* lower is preferred */
} reserve_warehouse_t;

typedef struct {
    int line;      /* index into the request's lines */
    int warehouse; /* index into the request's warehouses */
    int32_t qty;
} reserve_alloc_t;

typedef struct {
    int n_lines;
    const int *line_sku;     /* per line: index of its SKU in 0..n_skus-1 */
    const int32_t *line_qty; /* per line: units wanted */
    int n_skus;
    int n_warehouses;
    const reserve_warehouse_t *warehouses;
    int32_t buyer_province_code;
    bool splittable;
    /* n_warehouses * n_skus units available now, row-major by warehouse; the plan subtracts
     * what it allocates, so one snapshot can serve several orders in turn. */
    int64_t *available;
} reserve_request_t;

/* Plans the allocation. Writes at most n_lines * n_warehouses rows into out (which must have
 * room for that many) and the units left unallocated per line into short_qty[n_lines].
 * Returns the number of rows written. */
int reserve_plan(const reserve_request_t *req, reserve_alloc_t *out, int32_t *short_qty);

/* The order in which warehouses are tried for a buyer: writes n_warehouses indexes into
 * order_out. */
void reserve_rank_warehouses(const reserve_warehouse_t *warehouses, int n, int32_t buyer_province,
                             int *order_out);

#endif
