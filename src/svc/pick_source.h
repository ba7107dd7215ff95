#ifndef ORDO_SVC_PICK_SOURCE_H
#define ORDO_SVC_PICK_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/lot_pick.h"
#include "store/store.h"

/* Where a pick takes a SKU's units from at one warehouse: its lots, earliest expiry first
 * among those that leave the SKU's shelf life (core/lot_pick.h), or — when the SKU is not
 * kept by lot there — the stock row. Every unit comes from the stock row's bin. Loaded once
 * and then drawn from, so a wave plans many lines over one snapshot. */

#define PICK_SOURCE_LOTS_MAX 64

typedef struct {
    char sku[65];
    char barcode[65];
    char bin[65];
    int64_t shelf_life_days;
    int n_lots; /* 0: not kept by lot */
    char lot_names[PICK_SOURCE_LOTS_MAX][65];
    lot_stock_t lots[PICK_SOURCE_LOTS_MAX];
} pick_source_t;

typedef struct {
    const char *lot; /* borrowed from the source; "" when not kept by lot */
    int64_t qty;
} pick_take_t;

/* Loads the SKU's bin, barcode, shelf life and lots at warehouse. Returns a store result
 * (STORE_NOT_FOUND when the SKU has no stock row there). */
int pick_source_load(store_t *s, const char *warehouse, const char *sku, pick_source_t *src);

/* Takes qty units on pick_day: fills out (PICK_SOURCE_LOTS_MAX entries at most), returns the
 * number of entries; *short_qty gets what no qualifying lot covers (always 0 without lots:
 * the order's reservation already holds those units). A lot named exclude_lot is not taken. */
int pick_source_take(pick_source_t *src, int64_t qty, int32_t pick_day, const char *exclude_lot,
                     pick_take_t *out, int64_t *short_qty);

#endif
