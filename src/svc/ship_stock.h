#ifndef ORDO_SVC_SHIP_STOCK_H
#define ORDO_SVC_SHIP_STOCK_H

#include <jansson.h>

#include "store/store.h"

/* Goods leaving the warehouse with their parcels, inside the shipping transaction: each
 * shipped unit of an order line stops being reserved and leaves on_hand (a `consume` row in
 * the reservation ledger, a stock-ledger row), and when it was picked from a lot, that lot
 * loses it too, so lots keep summing to on_hand. `parcels` is the order's parcels as they
 * were before this shipment (their status tells which left earlier, so a line shipped in
 * parts takes its lots in pick order); `shipping` the ids of the parcels leaving now. */
int ship_stock_consume(store_t *s, int64_t order_id, const char *order_no, json_t *parcels,
                       const int64_t *shipping, int n_shipping, const char *actor, int64_t now_ms);

#endif
