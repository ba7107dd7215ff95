#include "svc/stock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/allocation.h"
#include "svc/fields.h"
#include "svc/stock_alerts.h"
#include "svc/lots.h"

#define STOCK_MAX 1000000000LL /* a billion units of one SKU in one warehouse */

typedef struct {
    svc_op_t op;
    bool is_count;
    char warehouse[ORDO_CODE_MAX + 1];
    char sku[ORDO_CODE_MAX + 1];
    int64_t on_hand, safety_stock, delta;
    bool has_safety;
    char bin[ORDO_CODE_MAX + 1];
    bool has_bin;
    char reason[ORDO_REASON_MAX + 1];
} stock_op_t;

json_t *stock_row_json(const stock_row_t *r) {
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:s}", "warehouse", r->warehouse, "sku",
                     r->sku, "on_hand", (json_int_t)r->on_hand, "reserved", (json_int_t)r->reserved,
                     "available", (json_int_t)(r->on_hand - r->reserved), "safety_stock",
                     (json_int_t)r->safety_stock, "bin", r->bin);
}

/* Sets the count of a stock row (cur: as it is, zero when new) to target: reservations
 * above it are taken back from the newest orders, a ledger row records the change, and units
 * freed or added are offered to waiting orders. */
static int stock_apply(store_t *s, const stock_row_t *cur, const char *warehouse, const char *sku,
                       int64_t target, int64_t safety_stock, const char *bin, const char *actor,
                       const char *reason, int64_t now) {
    sku_set_t *freed = calloc(1, sizeof *freed);
    if (!freed)
        return STORE_ERROR;
    int rc = STORE_OK;
    if (target < cur->reserved)
        rc = alloc_take_back(s, warehouse, sku, cur->reserved - target, actor, now, freed);
    if (rc == STORE_OK)
        rc = s->vt->stock_set(s, warehouse, sku, target, safety_stock, bin, now);
    if (rc == STORE_OK)
        rc = s->vt->stock_ledger_append(s, warehouse, sku, target - cur->on_hand, target, actor,
                                        reason, now);
    /* The count itself may cross the safety line; reservations the refill below makes check
     * their own crossings. */
    stock_row_t counted;
    if (rc == STORE_OK)
        rc = s->vt->stock_get(s, warehouse, sku, &counted);
    if (rc == STORE_OK)
        rc = stock_alert_check(s, cur, &counted, now);
    if (rc == STORE_OK && target > cur->on_hand)
        sku_set_add(freed, sku);
    if (rc == STORE_OK)
        rc = alloc_refill(s, freed, actor, now);
    free(freed);
    return rc;
}

int stock_recount(store_t *s, const char *warehouse, const char *sku, int64_t target,
                  const char *actor, const char *reason, int64_t now) {
    stock_row_t cur = {0};
    int rc = s->vt->stock_get(s, warehouse, sku, &cur);
    if (rc == STORE_ERROR)
        return rc;
    bool existed = rc == STORE_OK;
    return stock_apply(s, &cur, warehouse, sku, target, cur.safety_stock, existed ? cur.bin : NULL,
                       actor, reason, now);
}

static ordo_err_t stock_run(store_t *s, svc_op_t *op) {
    stock_op_t *k = (stock_op_t *)op;
    int sellable;
    json_t *probe = NULL;
    int rc = s->vt->warehouse_get(s, k->warehouse, &probe);
    json_decref(probe);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no warehouse '%s'", k->warehouse);
    if (rc == STORE_OK)
        rc = s->vt->sku_sellable(s, k->sku, &sellable);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no SKU '%s'", k->sku);
    if (rc != STORE_OK)
        return ORDO_E_STORE;

    stock_row_t cur = {0};
    rc = s->vt->stock_get(s, k->warehouse, k->sku, &cur);
    if (rc == STORE_ERROR)
        return ORDO_E_STORE;
    bool existed = rc == STORE_OK;
    int64_t target = k->is_count ? k->on_hand : cur.on_hand + k->delta;
    if (!k->is_count && target < 0) {
        field_errors_add(svc_errors(&op->result), "delta", "out_of_range",
                         "on_hand is %lld; a delta of %lld would make it negative",
                         (long long)cur.on_hand, (long long)k->delta);
        return svc_fail(&op->result, ORDO_E_VALIDATION, "the adjustment is invalid");
    }
    /* An adjustment is a movement (a receipt, a breakage): it may not silently take units
     * promised to orders. Only a stocktake — a count of what is really there — does that. */
    if (!k->is_count && target < cur.reserved)
        return svc_fail(&op->result, ORDO_E_CONFLICT,
                        "%lld of the %lld units of %s at %s are reserved for orders; an "
                        "adjustment to %lld would take them away. Count the stock instead (PUT "
                        "/v1/stock/%s/%s), which gives units back from the newest orders",
                        (long long)cur.reserved, (long long)cur.on_hand, k->sku, k->warehouse,
                        (long long)target, k->warehouse, k->sku);
    if (existed && target != cur.on_hand) {
        ordo_err_t lotted = lots_refuse_plain_count(s, k->warehouse, k->sku, &op->result);
        if (lotted != ORDO_E_OK)
            return lotted;
    }
    rc = stock_apply(
        s, &cur, k->warehouse, k->sku, target, k->has_safety ? k->safety_stock : cur.safety_stock,
        k->has_bin ? k->bin : (existed ? cur.bin : NULL), op->actor, k->reason, op->now_ms);
    if (rc == STORE_OK)
        rc = s->vt->stock_get(s, k->warehouse, k->sku, &cur);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200, stock_row_json(&cur));
    return ORDO_E_OK;
}

static stock_op_t *stock_op_new(app_t *app, const char *warehouse, const char *sku,
                                const char *actor, svc_result_t *immediate) {
    stock_op_t *k = (stock_op_t *)svc_op_alloc(sizeof *k, app, actor);
    if (!k) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    k->op.run = stock_run;
    snprintf(k->warehouse, sizeof k->warehouse, "%s", warehouse);
    snprintf(k->sku, sizeof k->sku, "%s", sku);
    return k;
}

static bool body_ok(const char *warehouse, const char *sku, json_t *body, svc_result_t *r) {
    if (!json_is_object(body))
        field_errors_add(svc_errors(r), "", "wrong_type", "the body must be a JSON object");
    if (!code_is_valid(warehouse))
        field_errors_add(svc_errors(r), "warehouse", "invalid_code", "invalid warehouse code");
    if (!code_is_valid(sku))
        field_errors_add(svc_errors(r), "sku", "invalid_code", "invalid SKU code");
    return json_is_object(body);
}

svc_op_t *stock_count_op(app_t *app, const char *warehouse, const char *sku, json_t *body,
                         const char *actor, svc_result_t *immediate) {
    field_errors_t *e = svc_errors(immediate);
    if (!body_ok(warehouse, sku, body, immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the stock count is invalid");
        return NULL;
    }
    int64_t on_hand = field_int(body, "on_hand", true, 0, STOCK_MAX, 0, e);
    json_t *safety = json_object_get(body, "safety_stock");
    int64_t safety_stock = field_int(body, "safety_stock", false, 0, STOCK_MAX, 0, e);
    const char *bin = field_string(body, "bin", false, ORDO_CODE_MAX, e);
    const char *reason = field_string(body, "reason", false, ORDO_REASON_MAX, e);
    if (e->count) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the stock count is invalid");
        return NULL;
    }
    stock_op_t *k = stock_op_new(app, warehouse, sku, actor, immediate);
    if (!k)
        return NULL;
    k->is_count = true;
    k->on_hand = on_hand;
    k->has_safety = safety && !json_is_null(safety);
    k->safety_stock = safety_stock;
    k->has_bin = bin != NULL;
    snprintf(k->bin, sizeof k->bin, "%s", bin ? bin : "");
    snprintf(k->reason, sizeof k->reason, "%s", reason ? reason : "stocktake");
    return &k->op;
}

svc_op_t *stock_adjust_op(app_t *app, const char *warehouse, const char *sku, json_t *body,
                          const char *actor, svc_result_t *immediate) {
    field_errors_t *e = svc_errors(immediate);
    if (!body_ok(warehouse, sku, body, immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the adjustment is invalid");
        return NULL;
    }
    int64_t delta = field_int(body, "delta", true, -STOCK_MAX, STOCK_MAX, 0, e);
    const char *reason = field_string(body, "reason", true, ORDO_REASON_MAX, e);
    if (!e->count && delta == 0)
        field_errors_add(e, "delta", "out_of_range", "delta must not be 0");
    if (e->count) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the adjustment is invalid");
        return NULL;
    }
    stock_op_t *k = stock_op_new(app, warehouse, sku, actor, immediate);
    if (!k)
        return NULL;
    k->delta = delta;
    snprintf(k->reason, sizeof k->reason, "%s", reason);
    return &k->op;
}

void stock_summary(app_t *app, const char *sku, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    int sellable;
    stock_row_t rows[ALLOC_WAREHOUSES_MAX];
    int n = 0;
    s->vt->read_begin(s);
    int rc = s->vt->sku_sellable(s, sku, &sellable);
    if (rc == STORE_OK)
        rc = s->vt->stock_for_sku(s, sku, rows, ALLOC_WAREHOUSES_MAX, &n);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no SKU '%s'", sku);
        return;
    }
    if (rc != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    int64_t on_hand = 0, reserved = 0;
    json_t *per = json_array();
    for (int i = 0; i < n; i++) {
        on_hand += rows[i].on_hand;
        reserved += rows[i].reserved;
        json_t *row = stock_row_json(&rows[i]);
        json_object_del(row, "sku");
        json_array_append_new(per, row);
    }
    svc_ok(r, 200,
           json_pack("{s:s, s:I, s:I, s:I, s:o}", "sku", sku, "on_hand", (json_int_t)on_hand,
                     "reserved", (json_int_t)reserved, "available",
                     (json_int_t)(on_hand - reserved), "warehouses", per));
}

void stock_verify(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *mismatches = NULL;
    if (!s || s->vt->stock_verify(s, &mismatches) != STORE_OK ||
        lots_verify(s, mismatches) != STORE_OK) {
        json_decref(mismatches);
        svc_fail(r, ORDO_E_STORE, "cannot read the ledgers");
        return;
    }
    svc_ok(r, 200,
           json_pack("{s:b, s:o}", "consistent", json_array_size(mismatches) == 0, "mismatches",
                     mismatches));
}
