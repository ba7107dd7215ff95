#include "core/lot_pick.h"

#include <string.h>

bool lot_qualifies(int32_t expires_day, int32_t pick_day, int64_t min_days) {
    return (int64_t)expires_day - pick_day >= (min_days > 0 ? min_days : 0);
}

/* Index of the earliest-expiring qualifying lot with free units, or -1. */
static int next_lot(const lot_stock_t *lots, int n, int32_t pick_day, int64_t min_days) {
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (lots[i].free_units <= 0 || !lot_qualifies(lots[i].expires_day, pick_day, min_days))
            continue;
        if (best < 0 || lots[i].expires_day < lots[best].expires_day ||
            (lots[i].expires_day == lots[best].expires_day &&
             strcmp(lots[i].lot, lots[best].lot) < 0))
            best = i;
    }
    return best;
}

int lot_plan(lot_stock_t *lots, int n, int32_t pick_day, int64_t min_days, int64_t qty,
             lot_take_t *out, int64_t *short_qty) {
    int taken = 0;
    while (qty > 0 && taken < n) {
        int i = next_lot(lots, n, pick_day, min_days);
        if (i < 0)
            break;
        int64_t take = lots[i].free_units < qty ? lots[i].free_units : qty;
        lots[i].free_units -= take;
        qty -= take;
        out[taken++] = (lot_take_t){.lot = i, .qty = take};
    }
    *short_qty = qty;
    return taken;
}
