#ifndef ORDO_SVC_CARRIER_QUOTES_H
#define ORDO_SVC_CARRIER_QUOTES_H

#include "store/store.h"

/* The carriers' rate cards as sourcing's shipping estimate (core/carrier_estimate.c): a
 * snapshot of the parsed carriers, shared by the writer and the HTTP threads (previews) and
 * replaced whole when a carrier changes, so planning an order reads no carrier row and parses
 * no settings. While no carrier is active, sourcing keeps its zone defaults. */

/* Loads the carriers through s (the writer's store before the writer starts) and plugs the
 * estimate into sourcing. Returns a store result (nothing plugged in on failure). */
int carrier_quotes_start(store_t *s);

/* A carrier's settings changed and the change is durable: reads them all again through s (the
 * calling thread's reader) for the plans that start from now on. Reloads are serialised, so
 * the last one to finish read after every change that asked for one. */
void carrier_quotes_reload(store_t *s);

/* Unplugs the estimate and frees the snapshot once the last plan using it is done. */
void carrier_quotes_stop(void);

#endif
