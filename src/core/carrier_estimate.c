#include "core/carrier_estimate.h"

#include <string.h>

_Static_assert(SOURCING_CARRIER_MAX == CARRIER_CODE_MAX, "a quote names any carrier code");

bool carrier_estimate_quote(void *ctx, const sourcing_parcel_t *p, sourcing_quote_t *q) {
    const carrier_book_t *book = ctx;
    int64_t weight_g = p->weight_g > 0 ? p->weight_g : (int64_t)(p->units > 0 ? p->units : 1) * 500;
    carrier_request_t req = {.from_province = p->from_code / 10000,
                             .to_province = p->to_code / 10000,
                             .km = p->km,
                             .weight_g = weight_g,
                             .length_mm = p->length_mm,
                             .width_mm = p->width_mm,
                             .height_mm = p->height_mm,
                             .policy = POLICY_CHEAPEST};
    carrier_choice_t c = carrier_choose(book->carriers, book->n, &req);
    if (c.index < 0)
        return false;
    q->cost_fen = c.price_fen;
    q->days = c.promised_days;
    /* Both fit (a code has at most CARRIER_CODE_MAX bytes, a zone's name 8): copied without
     * formatting, as this runs for every warehouse of every order. */
    memcpy(q->carrier, book->carriers[c.index].code, sizeof q->carrier);
    strcpy(q->carrier_zone, ship_zone_name(c.zone));
    return true;
}
