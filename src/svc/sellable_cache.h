#ifndef ORDO_SVC_SELLABLE_CACHE_H
#define ORDO_SVC_SELLABLE_CACHE_H

#include "store/store.h"

/* The writer thread's memory of which SKUs exist and are sellable. Intake checks every line
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

/* Every catalog write calls this in its transaction. */
void sellable_cache_forget(sellable_cache_t *c);

#endif
