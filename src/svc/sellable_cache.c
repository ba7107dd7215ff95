#include "svc/sellable_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

/* Direct-mapped: a hot SKU stays, a colliding one costs the query it would have cost anyway. */
#define SLOTS 4096

typedef struct {
    uint64_t epoch; /* 0: empty */
    int rc;         /* STORE_OK or STORE_NOT_FOUND */
    int sellable;
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
        memcpy(slot->sku, sku, len + 1);
    }
    return rc;
}
