#ifndef ORDO_CORE_RESERVE_H
#define ORDO_CORE_RESERVE_H

#include <stdbool.h>
#include <stdint.h>

/* The shapes of a reservation plan, shared by the planner (core/sourcing.h) and the
 * reservation ledger's operations (svc/allocation.c). */

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

#endif
