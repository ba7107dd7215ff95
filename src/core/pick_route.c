#include "core/pick_route.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Reads 1..4 digits at *p into *out; advances *p. */
static bool read_number(const char **p, int *out) {
    int v = 0, digits = 0;
    while (isdigit((unsigned char)**p) && digits < 4) {
        v = v * 10 + (**p - '0');
        (*p)++;
        digits++;
    }
    *out = v;
    return digits > 0;
}

bool bin_parse(const char *bin, bin_loc_t *loc) {
    memset(loc, 0, sizeof *loc);
    if (!bin)
        return false;
    const char *p = bin;
    size_t zl = 0;
    while (isalpha((unsigned char)p[zl]) && zl < sizeof loc->zone - 1)
        zl++;
    if (zl == 0 || p[zl] != '-')
        return false;
    p += zl + 1;
    int aisle, bay, level;
    if (!read_number(&p, &aisle) || *p++ != '-' || !read_number(&p, &bay))
        return false;
    level = 0; /* zone-aisle-bay names a whole bay */
    if (*p == '-' && (p++, !read_number(&p, &level)))
        return false;
    if (*p)
        return false;
    memcpy(loc->zone, bin, zl);
    loc->zone[zl] = '\0';
    for (size_t i = 0; i < zl; i++)
        loc->zone[i] = (char)toupper((unsigned char)loc->zone[i]);
    loc->aisle = aisle;
    loc->bay = bay > PICK_AISLE_BAYS ? PICK_AISLE_BAYS : bay;
    loc->level = level;
    loc->valid = true;
    return true;
}

void bin_zone(const char *bin, char zone[9]) {
    bin_loc_t loc;
    bin_parse(bin, &loc);
    memcpy(zone, loc.zone, sizeof loc.zone);
}

static int64_t absdiff(int64_t a, int64_t b) {
    return a > b ? a - b : b - a;
}

int64_t pick_leg_dm(const bin_loc_t *a, const bin_loc_t *b) {
    if (!a->valid || !b->valid)
        return PICK_ZONE_DM;
    if (strcmp(a->zone, b->zone) != 0)
        return (int64_t)(a->bay + b->bay) * PICK_BAY_DM +
               (int64_t)(a->aisle + b->aisle) * PICK_AISLE_DM + PICK_ZONE_DM;
    if (a->aisle == b->aisle)
        return absdiff(a->bay, b->bay) * PICK_BAY_DM;
    int64_t front = a->bay + b->bay;
    int64_t back = 2 * (PICK_AISLE_BAYS + 1) - a->bay - b->bay;
    return absdiff(a->aisle, b->aisle) * PICK_AISLE_DM +
           (front < back ? front : back) * PICK_BAY_DM;
}

/* The sort runs with qsort, whose comparator has no context: the stops are copied into
 * keys that carry everything the comparison needs. */
typedef struct {
    int index;
    bool valid;
    const char *zone;
    int aisle, bay_key, level;
    const char *name;
} route_key_t;

static int cmp_key(const void *pa, const void *pb) {
    const route_key_t *a = pa, *b = pb;
    if (a->valid != b->valid)
        return a->valid ? -1 : 1;
    if (!a->valid) {
        int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
        return c ? c : a->index - b->index;
    }
    int c = strcmp(a->zone, b->zone);
    if (c)
        return c;
    if (a->aisle != b->aisle)
        return a->aisle - b->aisle;
    if (a->bay_key != b->bay_key)
        return a->bay_key - b->bay_key;
    if (a->level != b->level)
        return a->level - b->level;
    return a->index - b->index;
}

static int cmp_zone_aisle(const void *pa, const void *pb) {
    const route_key_t *a = pa, *b = pb;
    if (a->valid != b->valid)
        return a->valid ? -1 : 1;
    int c = a->valid ? strcmp(a->zone, b->zone) : 0;
    if (c)
        return c;
    return a->valid ? a->aisle - b->aisle : 0;
}

void pick_route_sort(const bin_loc_t *locs, const char *const *names, int n, int *order) {
    if (n <= 0)
        return;
    route_key_t *keys = malloc(sizeof *keys * (size_t)n);
    if (!keys) {
        for (int i = 0; i < n; i++)
            order[i] = i;
        return;
    }
    for (int i = 0; i < n; i++)
        keys[i] = (route_key_t){.index = i,
                                .valid = locs[i].valid,
                                .zone = locs[i].zone,
                                .aisle = locs[i].aisle,
                                .bay_key = locs[i].bay,
                                .level = locs[i].level,
                                .name = names ? names[i] : NULL};
    /* First by zone and aisle, to number the aisles as they are visited; then every other
     * aisle walks its bays back to front. */
    qsort(keys, (size_t)n, sizeof *keys, cmp_zone_aisle);
    int visit = -1;
    for (int i = 0; i < n; i++) {
        if (!keys[i].valid)
            break;
        if (i == 0 || strcmp(keys[i].zone, keys[i - 1].zone) != 0)
            visit = 0; /* each zone is entered at its front */
        else if (keys[i].aisle != keys[i - 1].aisle)
            visit++;
        if (visit % 2 == 1)
            keys[i].bay_key = -keys[i].bay_key;
    }
    qsort(keys, (size_t)n, sizeof *keys, cmp_key);
    for (int i = 0; i < n; i++)
        order[i] = keys[i].index;
    free(keys);
}

int64_t pick_route_dm(const bin_loc_t *locs, const int *order, int n) {
    if (n <= 0)
        return 0;
    const bin_loc_t *first = &locs[order ? order[0] : 0];
    bin_loc_t entrance = {.valid = first->valid};
    memcpy(entrance.zone, first->zone, sizeof entrance.zone);
    int64_t dm = first->valid ? pick_leg_dm(&entrance, first) : 0;
    for (int i = 1; i < n; i++)
        dm += pick_leg_dm(&locs[order ? order[i - 1] : i - 1], &locs[order ? order[i] : i]);
    return dm;
}
