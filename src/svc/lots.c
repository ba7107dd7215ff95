#include "svc/lots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lot_pick.h"
#include "svc/fields.h"
#include "svc/stock.h"
#include "util/timefmt.h"

#define LOT_UNITS_MAX 1000000000LL
#define NEAR_EXPIRY_ROWS_MAX 1000

typedef struct {
    svc_op_t op;
    char warehouse[ORDO_CODE_MAX + 1];
    char sku[ORDO_CODE_MAX + 1];
    char lot[ORDO_CODE_MAX + 1];
    int32_t expires_day;
    int64_t on_hand;
} lot_op_t;

static json_t *lots_json(store_t *s, const char *warehouse, const char *sku, int32_t today) {
    lot_row_t rows[64];
    int n = 0;
    json_t *arr = json_array();
    if (s->vt->pick->lots_of(s, warehouse, sku, rows, 64, &n) != STORE_OK)
        n = 0;
    for (int i = 0; i < n; i++) {
        char day[16];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:I, s:I, s:i}", "lot", rows[i].lot, "expires_on",
                           date_format(rows[i].expires_day, day, sizeof day), "on_hand",
                           (json_int_t)rows[i].on_hand, "free", (json_int_t)rows[i].free_units,
                           "days_left", rows[i].expires_day - today));
    }
    return arr;
}

static ordo_err_t lot_run(store_t *s, svc_op_t *op) {
    lot_op_t *k = (lot_op_t *)op;
    json_t *probe = NULL;
    int rc = s->vt->warehouse_get(s, k->warehouse, &probe);
    json_decref(probe);
    probe = NULL;
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no warehouse '%s'", k->warehouse);
    if (rc == STORE_OK)
        rc = s->vt->sku_get(s, k->sku, &probe);
    json_decref(probe);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no SKU '%s'", k->sku);
    int64_t sum = 0, old = 0;
    int count = 0;
    lot_row_t rows[64];
    int n = 0;
    if (rc == STORE_OK)
        rc = s->vt->pick->lots_sum(s, k->warehouse, k->sku, &sum, &count);
    if (rc == STORE_OK)
        rc = s->vt->pick->lots_of(s, k->warehouse, k->sku, rows, 64, &n);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].lot, k->lot) == 0)
            old = rows[i].on_hand;
    int64_t picked_out = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].lot, k->lot) == 0)
            picked_out = rows[i].on_hand - rows[i].free_units;
    if (k->on_hand < picked_out)
        return svc_fail(&op->result, ORDO_E_CONFLICT,
                        "%lld units of lot %s are on open pick lists; count at least those, or "
                        "short-pick them (POST /v1/picks/{task}/short)",
                        (long long)picked_out, k->lot);
    /* The first lot makes the lots the count: on_hand becomes their sum from here on. */
    int64_t target = sum - old + k->on_hand;
    char reason[ORDO_CODE_MAX + 48];
    snprintf(reason, sizeof reason, "lot %s counted: %lld", k->lot, (long long)k->on_hand);
    rc = s->vt->pick->lot_put(s, k->warehouse, k->sku, k->lot, k->expires_day, k->on_hand,
                              op->now_ms);
    if (rc == STORE_OK)
        rc = stock_recount(s, k->warehouse, k->sku, target, op->actor, reason, op->now_ms);
    stock_row_t row;
    if (rc == STORE_OK)
        rc = s->vt->stock_get(s, k->warehouse, k->sku, &row);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    char day[16];
    int32_t today = day_in_china(op->now_ms);
    svc_ok(&op->result, 200,
           json_pack(
               "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o}", "warehouse", k->warehouse, "sku", k->sku,
               "lot", k->lot, "expires_on", date_format(k->expires_day, day, sizeof day), "on_hand",
               (json_int_t)k->on_hand, "stock_on_hand", (json_int_t)row.on_hand, "stock_reserved",
               (json_int_t)row.reserved, "lots", lots_json(s, k->warehouse, k->sku, today)));
    return ORDO_E_OK;
}

svc_op_t *lot_put_op(app_t *app, const char *warehouse, const char *sku, const char *lot,
                     json_t *body, const char *actor, svc_result_t *immediate) {
    if (!fields_require_object(body, "the lot must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    if (!code_is_valid(warehouse))
        field_errors_add(e, "warehouse", "invalid_code", "invalid warehouse code");
    if (!code_is_valid(sku))
        field_errors_add(e, "sku", "invalid_code", "invalid SKU code");
    if (!code_is_valid(lot))
        field_errors_add(e, "lot", "invalid_code", "a lot code is 1 to 64 of A-Z a-z 0-9 . _ -");
    const char *expires = field_string(body, "expires_on", true, 10, e);
    int64_t on_hand = field_int(body, "on_hand", true, 0, LOT_UNITS_MAX, 0, e);
    int32_t day = 0;
    if (expires && !date_parse(expires, &day))
        field_errors_add(e, "expires_on", "invalid_date", "expires_on must be a date YYYY-MM-DD");
    if (e->count) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the lot is invalid");
        return NULL;
    }
    lot_op_t *k = (lot_op_t *)svc_op_alloc(sizeof *k, app, actor);
    if (!k) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    k->op.run = lot_run;
    snprintf(k->warehouse, sizeof k->warehouse, "%s", warehouse);
    snprintf(k->sku, sizeof k->sku, "%s", sku);
    snprintf(k->lot, sizeof k->lot, "%s", lot);
    k->expires_day = day;
    k->on_hand = on_hand;
    return &k->op;
}

void lots_near_expiry(app_t *app, int days, const char *warehouse, svc_result_t *r) {
    store_t *s = app_reader(app);
    int32_t today = day_in_china(time_now_ms());
    json_t *rows = NULL;
    if (!s || s->vt->pick->lots_expiring(s, today + days, warehouse, NEAR_EXPIRY_ROWS_MAX, &rows) !=
                  STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the lots");
        return;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        int32_t exp = (int32_t)json_integer_value(json_object_get(row, "expires_day"));
        int64_t need = json_integer_value(json_object_get(row, "shelf_life_days"));
        char day[16];
        json_object_set_new(row, "expires_on", json_string(date_format(exp, day, sizeof day)));
        json_object_del(row, "expires_day");
        json_object_set_new(row, "days_left", json_integer(exp - today));
        json_object_set_new(row, "pickable", json_boolean(lot_qualifies(exp, today, need)));
    }
    char day[16];
    svc_ok(r, 200,
           json_pack("{s:s, s:i, s:o}", "as_of", date_format(today, day, sizeof day), "days", days,
                     "lots", rows));
}

ordo_err_t lots_refuse_plain_count(store_t *s, const char *warehouse, const char *sku,
                                   svc_result_t *r) {
    int64_t sum = 0;
    int count = 0;
    if (s->vt->pick->lots_sum(s, warehouse, sku, &sum, &count) != STORE_OK)
        return ORDO_E_STORE;
    if (count == 0)
        return ORDO_E_OK;
    return svc_fail(r, ORDO_E_CONFLICT,
                    "%s at %s is kept by lot (%d lots); count or correct a lot instead: PUT "
                    "/v1/stock/%s/%s/lots/{lot}",
                    sku, warehouse, count, warehouse, sku);
}

int lots_verify(store_t *s, json_t *mismatches) {
    json_t *rows = NULL;
    int rc = s->vt->pick->lots_verify(s, &rows);
    if (rc != STORE_OK)
        return rc;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_object_set_new(row, "kind", json_string("lots"));
        json_array_append(mismatches, row);
    }
    json_decref(rows);
    return STORE_OK;
}
