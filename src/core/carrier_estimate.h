#ifndef ORDO_CORE_CARRIER_ESTIMATE_H
#define ORDO_CORE_CARRIER_ESTIMATE_H

#include "core/carrier.h"
#include "core/sourcing.h"

/* Sourcing's shipping estimate from the carriers' rate cards: what the cheapest carrier that
 * would take the parcel charges for it, the way shipping will choose (carrier_choose by
 * policy cheapest: active, covering the buyer's province, pricing the zone; ties to the better
 * score, then the code). Pure: the carriers and the km come in as data. */

typedef struct {
    const carrier_t *carriers;
    int n;
} carrier_book_t;

/* A sourcing_estimator_t quote over ctx, a carrier_book_t: the zone from the parcel's km
 * (ship_zone_between), the chargeable weight from its weight (half a kilogram per unit when
 * unknown) and, where its sides are known, its volumetric weight. Fills q with the price,
 * the promised days, the carrier's code and the zone's name; false when no carrier takes it. */
bool carrier_estimate_quote(void *ctx, const sourcing_parcel_t *parcel, sourcing_quote_t *q);

#endif
