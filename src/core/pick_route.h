#ifndef ORDO_CORE_PICK_ROUTE_H
#define ORDO_CORE_PICK_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

/* Walking routes through a warehouse whose bins are named `zone-aisle-bay-level`
 * (e.g. `A-03-12-2`): zone letters, then aisle, bay and level numbers (`zone-aisle-bay`
 * names a bay without a level: level 0).
 *
 * The layout model, fixed and documented so distances compare across strategies:
 * * zones are blocks entered at their front-left corner (aisle 0, bay 0), in code order;
 * * aisles are PICK_AISLE_DM apart, bays PICK_BAY_DM wide, PICK_AISLE_BAYS bays deep; levels
 *   are reached without walking;
 * * between aisles of one zone a picker walks along the front or the back cross-aisle,
 *   whichever is shorter; between zones back to the zone's entrance, PICK_ZONE_DM across
 *   and on to the next aisle.
 * The route (serpentine, S-shape): zones in code order, their aisles ascending, bays
 * ascending in the 1st, 3rd, ... aisle visited in each zone and descending in the others, levels
 * ascending; bins that do not parse go last, by name. Distances are in decimetres, walked
 * from the entrance of the first stop's zone. */

#define PICK_AISLE_DM 30   /* 3 m between aisle centres */
#define PICK_BAY_DM 12     /* 1.2 m per bay */
#define PICK_AISLE_BAYS 40 /* bays per aisle: the back cross-aisle is behind bay 40 */
#define PICK_ZONE_DM 300   /* 30 m between zone entrances */

typedef struct {
    char zone[9];
    int aisle, bay, level;
    bool valid; /* false when the bin is not zone-aisle-bay-level */
} bin_loc_t;

/* Parses a bin code; on failure loc->valid is false (and the zone is empty). */
bool bin_parse(const char *bin, bin_loc_t *loc);

/* The zone of a bin code into zone (9 bytes): its zone, or "" when it does not parse. */
void bin_zone(const char *bin, char zone[9]);

/* Decimetres walked from a to b under the layout model (either may be unparsed: then a
 * fixed PICK_ZONE_DM, as if the bin stood in a zone of its own). */
int64_t pick_leg_dm(const bin_loc_t *a, const bin_loc_t *b);

/* Sorts the n stops (indexes into locs, names for unparsed ones) into the serpentine
 * route: order[] gets a permutation of 0..n-1. */
void pick_route_sort(const bin_loc_t *locs, const char *const *names, int n, int *order);

/* Decimetres walked visiting locs in the given order (all n when order is NULL, in index
 * order), from the entrance of the first stop's zone. */
int64_t pick_route_dm(const bin_loc_t *locs, const int *order, int n);

#endif
