#include "svc/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice_calc.h"
#include "svc/fields.h"
#include "svc/sellable_cache.h"

#define MEASURE_MAX 100000000LL /* 100 t, 100 km: beyond any parcel */

typedef struct {
    svc_op_t op;
    json_t *body; /* holds the strings rec points to */
    sku_rec_t rec;
    char code[ORDO_CODE_MAX + 1];
    int32_t tax_rate_bp; /* -1: the merchant's default */
    const char *tax_code;
} sku_op_t;

static ordo_err_t sku_run(store_t *s, svc_op_t *op) {
    sku_op_t *k = (sku_op_t *)op;
    bool created = false;
    sellable_cache_forget(op->app->sellable);
    if (s->vt->sku_put(s, &k->rec, op->now_ms, &created) != STORE_OK ||
        s->vt->sku_tax_set(s, k->code, k->tax_rate_bp, k->tax_code) != STORE_OK)
        return ORDO_E_STORE;
    op->result.http_status = created ? 201 : 200;
    return ORDO_E_OK;
}

static void sku_finish(svc_op_t *op) {
    sku_op_t *k = (sku_op_t *)op;
    if (op->result.err != ORDO_E_OK)
        return;
    int status = op->result.http_status;
    sku_get(op->app, k->code, &op->result);
    if (op->result.err == ORDO_E_OK)
        op->result.http_status = status;
}

static void sku_destroy(svc_op_t *op) {
    json_decref(((sku_op_t *)op)->body);
}

static bool check_code(const char *code, const char *what, svc_result_t *r) {
    if (code_is_valid(code))
        return true;
    field_errors_add(svc_errors(r), what, "invalid_code",
                     "%s must be 1-%d characters of A-Z, a-z, 0-9, '.', '_' or '-'", what,
                     ORDO_CODE_MAX);
    return false;
}

/* The SKU's VAT rate (basis points; absent or null: the merchant's default) and its tax
 * classification code (税收分类编码, 19 digits), which invoices print. Returns the code
 * (borrowed from body) or NULL. */
static const char *sku_tax_fields(json_t *body, field_errors_t *e, int32_t *rate_bp) {
    json_t *rate = json_object_get(body, "tax_rate_bp");
    if (rate && !json_is_null(rate)) {
        if (!json_is_integer(rate) || !invoice_rate_known((int32_t)json_integer_value(rate)) ||
            json_integer_value(rate) > INVOICE_RATE_BP_MAX)
            field_errors_add(e, "tax_rate_bp", "invalid_value",
                             "tax_rate_bp must be a VAT rate in basis points: " INVOICE_RATES_TEXT);
        else
            *rate_bp = (int32_t)json_integer_value(rate);
    }
    const char *code = field_string(body, "tax_code", false, 19, e);
    if (code && (strlen(code) != 19 || strspn(code, "0123456789") != 19)) {
        field_errors_add(e, "tax_code", "invalid_value",
                         "tax_code is the 19-digit tax classification code (税收分类编码)");
        code = NULL;
    }
    return code;
}

svc_op_t *sku_put_op(app_t *app, const char *sku, json_t *body, const char *actor,
                     svc_result_t *immediate) {
    if (!fields_require_object(body, "the body must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    check_code(sku, "sku", immediate);
    sku_rec_t rec = {
        .sku = sku,
        .name = field_string(body, "name", true, ORDO_NAME_MAX, e),
        .barcode = field_string(body, "barcode", false, ORDO_CODE_MAX, e),
        .price_fen = field_int(body, "price", false, 0, ORDO_MONEY_MAX_FEN, 0, e),
        .weight_g = field_int(body, "weight_g", false, 0, MEASURE_MAX, 0, e),
        .length_mm = field_int(body, "length_mm", false, 0, MEASURE_MAX, 0, e),
        .width_mm = field_int(body, "width_mm", false, 0, MEASURE_MAX, 0, e),
        .height_mm = field_int(body, "height_mm", false, 0, MEASURE_MAX, 0, e),
        .shelf_life_days = field_int(body, "shelf_life_days", false, 0, 36500, 0, e),
        .fragile = field_bool(body, "fragile", false, e),
        .liquid = field_bool(body, "liquid", false, e),
        .food = field_bool(body, "food", false, e),
        .sellable = field_bool(body, "sellable", true, e),
    };
    int32_t tax_rate_bp = -1;
    const char *tax_code = sku_tax_fields(body, e, &tax_rate_bp);
    if (e->count) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the SKU has invalid fields");
        return NULL;
    }
    sku_op_t *k = (sku_op_t *)svc_op_alloc(sizeof *k, app, actor);
    if (!k) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    k->op.run = sku_run;
    k->op.finish = sku_finish;
    k->op.destroy = sku_destroy;
    k->body = json_incref(body);
    snprintf(k->code, sizeof k->code, "%s", sku);
    k->rec = rec;
    k->rec.sku = k->code;
    k->tax_rate_bp = tax_rate_bp;
    k->tax_code = tax_code;
    return &k->op;
}

static void get_json(app_t *app, int (*fn)(store_t *, const char *, json_t **), const char *key,
                     const char *what, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    json_t *out = NULL;
    int rc = fn(s, key, &out);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no %s '%s'", what, key);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, out);
}

static int warehouse_get_fn(store_t *s, const char *key, json_t **out) {
    return s->vt->warehouse_get(s, key, out);
}

/* The SKU with its tax fields: tax_rate_bp (null: the merchant's default) and tax_code. */
static int sku_get_with_tax(store_t *s, const char *key, json_t **out) {
    int rc = s->vt->sku_get(s, key, out);
    int32_t rate_bp = -1;
    char code[33] = "";
    if (rc != STORE_OK)
        return rc;
    rc = s->vt->sku_tax_get(s, key, &rate_bp, code);
    if (rc != STORE_OK) {
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    json_object_set_new(*out, "tax_rate_bp", rate_bp < 0 ? json_null() : json_integer(rate_bp));
    json_object_set_new(*out, "tax_code", *code ? json_string(code) : json_null());
    return STORE_OK;
}

void sku_get(app_t *app, const char *sku, svc_result_t *r) {
    get_json(app, sku_get_with_tax, sku, "SKU", r);
}

void warehouse_get(app_t *app, const char *code, svc_result_t *r) {
    get_json(app, warehouse_get_fn, code, "warehouse", r);
}

typedef struct {
    svc_op_t op;
    json_t *body;
    warehouse_rec_t rec;
    char code[ORDO_CODE_MAX + 1];
} warehouse_op_t;

static ordo_err_t warehouse_run(store_t *s, svc_op_t *op) {
    warehouse_op_t *w = (warehouse_op_t *)op;
    bool created = false;
    if (s->vt->warehouse_put(s, &w->rec, op->now_ms, &created) != STORE_OK)
        return ORDO_E_STORE;
    op->result.http_status = created ? 201 : 200;
    return ORDO_E_OK;
}

static void warehouse_finish(svc_op_t *op) {
    if (op->result.err != ORDO_E_OK)
        return;
    int status = op->result.http_status;
    warehouse_get(op->app, ((warehouse_op_t *)op)->code, &op->result);
    if (op->result.err == ORDO_E_OK)
        op->result.http_status = status;
}

static void warehouse_destroy(svc_op_t *op) {
    json_decref(((warehouse_op_t *)op)->body);
}

svc_op_t *warehouse_put_op(app_t *app, const char *code, json_t *body, const char *actor,
                           svc_result_t *immediate) {
    if (!fields_require_object(body, "the body must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    check_code(code, "code", immediate);
    address_t addr = {
        .province = field_string(body, "province", true, ORDO_NAME_MAX, e),
        .city = field_string(body, "city", true, ORDO_NAME_MAX, e),
        .district = field_string(body, "district", true, ORDO_NAME_MAX, e),
    };
    const char *name = field_string(body, "name", true, ORDO_NAME_MAX, e);
    int32_t priority = (int32_t)field_int(body, "priority", false, 0, 1000000, 100, e);
    if (addr.province && addr.city && addr.district)
        divisions_resolve(app->validation.divisions, &addr, "", e);
    if (e->count) {
        /* Division errors come back as ".province" with an empty prefix: drop the dot. */
        for (int i = 0; i < e->count; i++)
            if (e->items[i].field[0] == '.')
                memmove(e->items[i].field, e->items[i].field + 1, strlen(e->items[i].field));
        svc_fail(immediate, ORDO_E_VALIDATION, "the warehouse has invalid fields");
        return NULL;
    }
    warehouse_op_t *w = (warehouse_op_t *)svc_op_alloc(sizeof *w, app, actor);
    if (!w) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    w->op.run = warehouse_run;
    w->op.finish = warehouse_finish;
    w->op.destroy = warehouse_destroy;
    w->body = json_incref(body);
    snprintf(w->code, sizeof w->code, "%s", code);
    w->rec = (warehouse_rec_t){.code = w->code,
                               .name = name,
                               .province = addr.province_name,
                               .city = addr.city_name,
                               .district = addr.district_name,
                               .province_code = addr.province_code,
                               .city_code = addr.city_code,
                               .district_code = addr.district_code,
                               .priority = priority};
    return &w->op;
}
