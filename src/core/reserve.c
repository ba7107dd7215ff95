#include "core/reserve.h"

#include <assert.h>
#include <string.h>

#include "core/limits.h"

static int same_province(int32_t a, int32_t b) {
    return a / 10000 == b / 10000;
}

/* Ranking key comparison: buyer's province first, then priority, then code for stability. */
static int rank_before(const reserve_warehouse_t *a, const reserve_warehouse_t *b,
                       int32_t buyer_province) {
    int a_local = same_province(a->province_code, buyer_province);
    int b_local = same_province(b->province_code, buyer_province);
    if (a_local != b_local)
        return a_local > b_local;
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return strcmp(a->code, b->code) < 0;
}

void reserve_rank_warehouses(const reserve_warehouse_t *warehouses, int n, int32_t buyer_province,
                             int *order_out) {
    for (int i = 0; i < n; i++)
        order_out[i] = i;
    /* Insertion sort: a merchant has a handful of warehouses. */
    for (int i = 1; i < n; i++) {
        int cur = order_out[i], j = i - 1;
        while (j >= 0 && rank_before(&warehouses[cur], &warehouses[order_out[j]], buyer_province)) {
            order_out[j + 1] = order_out[j];
            j--;
        }
        order_out[j + 1] = cur;
    }
}

/* True when warehouse w alone holds every unit the order wants (lines sharing a SKU add up). */
static bool can_fill_whole(const reserve_request_t *req, int w, int64_t *need_per_sku) {
    memset(need_per_sku, 0, sizeof(int64_t) * (size_t)req->n_skus);
    for (int l = 0; l < req->n_lines; l++)
        need_per_sku[req->line_sku[l]] += req->line_qty[l];
    for (int k = 0; k < req->n_skus; k++)
        if (need_per_sku[k] > req->available[(size_t)w * req->n_skus + k])
            return false;
    return true;
}

int reserve_plan(const reserve_request_t *req, reserve_alloc_t *out, int32_t *short_qty) {
    int rank[64];
    int64_t need[ORDO_ORDER_LINES_MAX];
    assert(req->n_warehouses <= 64 && req->n_skus <= ORDO_ORDER_LINES_MAX);
    reserve_rank_warehouses(req->warehouses, req->n_warehouses, req->buyer_province_code, rank);
    int n_out = 0;

    for (int r = 0; r < req->n_warehouses; r++) {
        int w = rank[r];
        if (!can_fill_whole(req, w, need))
            continue;
        for (int l = 0; l < req->n_lines; l++) {
            short_qty[l] = 0;
            if (req->line_qty[l] == 0)
                continue;
            req->available[(size_t)w * req->n_skus + req->line_sku[l]] -= req->line_qty[l];
            out[n_out++] = (reserve_alloc_t){.line = l, .warehouse = w, .qty = req->line_qty[l]};
        }
        return n_out;
    }

    for (int l = 0; l < req->n_lines; l++)
        short_qty[l] = req->line_qty[l];
    if (!req->splittable)
        return 0;

    for (int l = 0; l < req->n_lines; l++) {
        for (int r = 0; r < req->n_warehouses && short_qty[l] > 0; r++) {
            int w = rank[r];
            int64_t *avail = &req->available[(size_t)w * req->n_skus + req->line_sku[l]];
            if (*avail <= 0)
                continue;
            int32_t take = *avail < short_qty[l] ? (int32_t)*avail : short_qty[l];
            *avail -= take;
            short_qty[l] -= take;
            out[n_out++] = (reserve_alloc_t){.line = l, .warehouse = w, .qty = take};
        }
    }
    return n_out;
}
