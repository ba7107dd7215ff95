#ifndef ORDO_CORE_LOT_PICK_H
#define ORDO_CORE_LOT_PICK_H

#include <stdbool.h>
#include <stdint.h>

/* Which lots a pick takes (FEFO under a shelf-life rule), pure.
 *
 * The rule: a lot qualifies on the pick day when the whole days from that day to its expiry
 * date are at least the SKU's shelf_life_days (expires_on - pick_day >= shelf_life_days; a
 * SKU with 0 takes any lot not yet expired, since expires_on - pick_day >= 0 means it still
 * has its last day). Among qualifying lots with units free, the earliest expiring goes first
 * (ties: lot code), and a pick may span lots. Lots that do not qualify are never taken. */

typedef struct {
    const char *lot;
    int32_t expires_day; /* days since 1970-01-01 */
    int64_t free_units;  /* on hand less what open picks already take from it */
} lot_stock_t;

typedef struct {
    int lot; /* index into the lots given */
    int64_t qty;
} lot_take_t;

/* Whether a lot expiring on expires_day may be picked on pick_day for a SKU needing
 * min_days of shelf life left. */
bool lot_qualifies(int32_t expires_day, int32_t pick_day, int64_t min_days);

/* Plans taking qty units: fills out (at most n entries) and returns how many entries; the
 * units that no qualifying lot can give are written to *short_qty. Subtracts what it takes
 * from lots[].free_units, so one snapshot serves several lines in turn. */
int lot_plan(lot_stock_t *lots, int n, int32_t pick_day, int64_t min_days, int64_t qty,
             lot_take_t *out, int64_t *short_qty);

#endif
