#include "svc/sellable_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/limits.h"

/* Direct-mapped: a hot SKU stays, a colliding one costs the query it would have cost anyway. */
#define SLOTS 4096

typedef struct {
    uint64_t epoch; /* 0: empty */
    int rc;         /* STORE_OK or STORE_NOT_FOUND */
    int sellable;
    bool has_measures; /* asked for since the slot was filled */
    sku_measures_t measures;
    char sku[ORDO_CODE_MAX + 1];
} slot_t;

struct sellable_cache {
    uint64_t epoch;
    slot_t slots[SLOTS];
};

sellable_cache_t *sellable_cache_new(void) {
    sellable_cache_t *c = calloc(1, sizeof *c);
    if (c)
        c->epoch = 1;
    return c;
}

void sellable_cache_free(sellable_cache_t *c) {
    free(c);
}

void sellable_cache_forget(sellable_cache_t *c) {
    if (c)
        c->epoch++;
}

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int sellable_cache_get(sellable_cache_t *c, store_t *s, const char *sku, int *sellable) {
    size_t len = strlen(sku);
    if (!c || len > ORDO_CODE_MAX)
        return s->vt->sku_sellable(s, sku, sellable);
    slot_t *slot = &c->slots[fnv1a(sku) % SLOTS];
    if (slot->epoch == c->epoch && strcmp(slot->sku, sku) == 0) {
        *sellable = slot->sellable;
        return slot->rc;
    }
    int rc = s->vt->sku_sellable(s, sku, sellable);
    if (rc == STORE_OK || rc == STORE_NOT_FOUND) {
        slot->epoch = c->epoch;
        slot->rc = rc;
        slot->sellable = rc == STORE_OK ? *sellable : 0;
        slot->has_measures = false;
        memcpy(slot->sku, sku, len + 1);
    }
    return rc;
}

/* The row as the catalog shows it (one query: measures are asked for only while carriers'
 * rate cards price the plans). */
static int read_measures(store_t *s, const char *sku, int *sellable, sku_measures_t *out) {
    json_t *row = NULL;
    int rc = s->vt->sku_get(s, sku, &row);
    memset(out, 0, sizeof *out);
    *sellable = 0;
    if (rc == STORE_OK) {
        out->weight_g = json_integer_value(json_object_get(row, "weight_g"));
        out->length_mm = json_integer_value(json_object_get(row, "length_mm"));
        out->width_mm = json_integer_value(json_object_get(row, "width_mm"));
        out->height_mm = json_integer_value(json_object_get(row, "height_mm"));
        out->fragile = json_is_true(json_object_get(row, "fragile"));
        out->liquid = json_is_true(json_object_get(row, "liquid"));
        out->food = json_is_true(json_object_get(row, "food"));
        *sellable = json_is_true(json_object_get(row, "sellable"));
    }
    json_decref(row);
    return rc;
}

int sellable_cache_measures(sellable_cache_t *c, store_t *s, const char *sku, sku_measures_t *out) {
    size_t len = strlen(sku);
    int sellable = 0;
    if (!c || len > ORDO_CODE_MAX)
        return read_measures(s, sku, &sellable, out);
    slot_t *slot = &c->slots[fnv1a(sku) % SLOTS];
    if (slot->epoch == c->epoch && slot->has_measures && strcmp(slot->sku, sku) == 0) {
        *out = slot->measures;
        return slot->rc;
    }
    int rc = read_measures(s, sku, &sellable, out);
    if (rc == STORE_OK || rc == STORE_NOT_FOUND) {
        slot->epoch = c->epoch;
        slot->rc = rc;
        slot->sellable = sellable;
        slot->has_measures = true;
        slot->measures = *out;
        memcpy(slot->sku, sku, len + 1);
    }
    return rc;
}
