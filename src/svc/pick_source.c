#include "svc/pick_source.h"

#include <stdio.h>
#include <string.h>

int pick_source_load(store_t *s, const char *warehouse, const char *sku, pick_source_t *src) {
    memset(src, 0, sizeof *src);
    snprintf(src->sku, sizeof src->sku, "%s", sku);
    stock_row_t row;
    int rc = s->vt->stock_get(s, warehouse, sku, &row);
    if (rc != STORE_OK)
        return rc;
    snprintf(src->bin, sizeof src->bin, "%s", row.bin);
    json_t *k = NULL;
    rc = s->vt->sku_get(s, sku, &k);
    if (rc != STORE_OK)
        return rc;
    const char *barcode = json_string_value(json_object_get(k, "barcode"));
    snprintf(src->barcode, sizeof src->barcode, "%s", barcode ? barcode : "");
    src->shelf_life_days = json_integer_value(json_object_get(k, "shelf_life_days"));
    json_decref(k);
    lot_row_t rows[PICK_SOURCE_LOTS_MAX];
    int n = 0;
    rc = s->vt->pick->lots_of(s, warehouse, sku, rows, PICK_SOURCE_LOTS_MAX, &n);
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        memcpy(src->lot_names[i], rows[i].lot, sizeof src->lot_names[i]);
        src->lots[i] = (lot_stock_t){.lot = src->lot_names[i],
                                     .expires_day = rows[i].expires_day,
                                     .free_units = rows[i].free_units};
    }
    src->n_lots = n;
    return rc;
}

int pick_source_take(pick_source_t *src, int64_t qty, int32_t pick_day, const char *exclude_lot,
                     pick_take_t *out, int64_t *short_qty) {
    *short_qty = 0;
    if (qty <= 0)
        return 0;
    if (src->n_lots == 0) {
        out[0] = (pick_take_t){.lot = "", .qty = qty};
        return 1;
    }
    int64_t held_back = 0;
    int excluded = -1;
    for (int i = 0; exclude_lot && i < src->n_lots; i++)
        if (strcmp(src->lot_names[i], exclude_lot) == 0) {
            excluded = i;
            held_back = src->lots[i].free_units;
            src->lots[i].free_units = 0;
        }
    lot_take_t takes[PICK_SOURCE_LOTS_MAX];
    int n = lot_plan(src->lots, src->n_lots, pick_day, src->shelf_life_days, qty, takes, short_qty);
    if (excluded >= 0)
        src->lots[excluded].free_units = held_back;
    for (int i = 0; i < n; i++)
        out[i] = (pick_take_t){.lot = src->lot_names[takes[i].lot], .qty = takes[i].qty};
    return n;
}
