#ifndef ORDO_SVC_SELLABLE_CACHE_H
#define ORDO_SVC_SELLABLE_CACHE_H

#include "store/store.h"

/* The writer thread's memory of the catalog: which SKUs exist and are sellable, and the
 * measures sourcing estimates an order's parcel with. Intake checks every line
 * again inside its transaction (the catalog may have changed since the request was read);
 * asked of the database that is a query per line on the one thread every order waits for.
 * The writer is also the only thread that changes the catalog, so forgetting everything on
 * each catalog write keeps the answers exactly those of the database as the writer sees it.
 * (Nodes sharing a database each have their own writer: a shared store will need the
 * catalog's change counter in the database instead.) Writer thread only. */
typedef struct sellable_cache sellable_cache_t;

sellable_cache_t *sellable_cache_new(void);
void sellable_cache_free(sellable_cache_t *c);

/* store's sku_sellable, from memory when the SKU was asked since the last catalog write. */
int sellable_cache_get(sellable_cache_t *c, store_t *s, const char *sku, int *sellable);

/* What sourcing needs of a SKU to estimate a parcel (0: not given). */
typedef struct {
    int64_t weight_g, length_mm, width_mm, height_mm;
    bool fragile, liquid, food;
} sku_measures_t;

/* The SKU's measures, from memory when they were asked since the last catalog write. c may be
 * NULL (then read through s: any thread). */
int sellable_cache_measures(sellable_cache_t *c, store_t *s, const char *sku, sku_measures_t *out);

/* Every catalog write calls this in its transaction. */
void sellable_cache_forget(sellable_cache_t *c);

#endif
