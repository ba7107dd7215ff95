#ifndef ORDO_CORE_SOURCING_H
#define ORDO_CORE_SOURCING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packaging.h"
#include "core/reserve.h"

/* Sourcing: which warehouses an order ships from, decided by a merchant's policy over a
 * snapshot of availability. Pure: no I/O. Each candidate warehouse is measured — distance to
 * the buyer, estimated shipping cost and days, whether it misses the requested delivery date,
 * how many units the pick would take out of its safety stock, its priority — and ranked:
 *
 *   1. warehouses that fill the whole order alone before those that cannot;
 *   2. with a requested delivery date, those whose promised days meet it first;
 *   3. nearest / cheapest / fastest: those that keep their safety stock first, then the
 *      policy's measure (km / fen / days); weighted: the weighted sum of every measure
 *      normalised over the candidates (0 best .. 1 worst), safety included;
 *   4. priority (lower first), then code.
 *
 * The best that fills the order takes it. Otherwise a splittable order takes a minimal set
 * (greedy: each time the warehouse that covers most of what is still missing, ties by rank)
 * and a non-splittable order gets nothing (it ships whole or not at all). */

#define SOURCING_ZONES 5 /* 1 same province .. 5 farthest */
#define SOURCING_WAREHOUSES_MAX 64

typedef enum {
    SOURCING_NEAREST,
    SOURCING_CHEAPEST,
    SOURCING_FASTEST,
    SOURCING_WEIGHTED,
} sourcing_kind_t;

const char *sourcing_kind_name(sourcing_kind_t k);
/* false when name is none of nearest, cheapest, fastest, weighted. */
bool sourcing_kind_parse(const char *name, sourcing_kind_t *out);

/* Relative weights of the weighted policy; each >= 0, not all 0. */
typedef struct {
    double distance, cost, speed, safety, priority;
} sourcing_weights_t;

typedef struct {
    sourcing_kind_t kind;
    sourcing_weights_t weights;
} sourcing_policy_t;

/* nearest (就近发货), with weights distance 0.4, cost 0.2, speed 0.2, safety 0.1, priority 0.1
 * for when the merchant switches to weighted without giving any. */
void sourcing_policy_default(sourcing_policy_t *p);

/* Great-circle km between provincial capitals, by the two-digit province prefix of the
 * 6-digit division code; -1 where unknown. */
typedef struct {
    int16_t km[100][100];
} sourcing_distances_t;

/* Parses data/distance/province_capitals.csv (header, then code,province,capital,lat,lon) and
 * fills out with the distances between every pair. Returns 0, or -1 with a reason in err. */
int sourcing_distances_parse(const char *csv, sourcing_distances_t *out, char *err, size_t err_len);

/* km between the provinces of two division codes: 0 within one province, -1 when unknown
 * (or when d is NULL and the provinces differ). */
int32_t sourcing_km(const sourcing_distances_t *d, int32_t from_code, int32_t to_code);

/* Distance class: 1 within the province, 2 up to 500 km, 3 up to 1000, 4 up to 2000, 5 beyond
 * or unknown. */
int sourcing_zone(int32_t km);

/* The parcel an order would make, from one warehouse to the buyer, as an estimator sees it.
 * weight_g 0: unknown (estimators assume half a kilogram per unit); sides 0: unknown (no
 * volumetric weight). */
typedef struct {
    int32_t from_code, to_code; /* division codes of the warehouse and the buyer */
    int32_t km;                 /* sourcing_km between them */
    int zone;                   /* sourcing_zone of km */
    int32_t units;
    int64_t weight_g, length_mm, width_mm, height_mm;
} sourcing_parcel_t;

#define SOURCING_CARRIER_MAX 16 /* = CARRIER_CODE_MAX */

/* The shipping estimate for one parcel, and whose price it is: the carrier's code and its
 * rate-card zone ("" for the zone defaults). */
typedef struct {
    int64_t cost_fen;
    int32_t days;
    char carrier[SOURCING_CARRIER_MAX + 1];
    char carrier_zone[12];
} sourcing_quote_t;

/* The seam for carriers' rate cards: fills q for the parcel. Returns false when nothing ships
 * there (the warehouse is then no candidate). */
typedef struct {
    bool (*quote)(void *ctx, const sourcing_parcel_t *parcel, sourcing_quote_t *q);
    void *ctx;
} sourcing_estimator_t;

/* The default estimator, by zone alone (documented in docs/api.md): first kilogram
 * 8/10/12/15/20 yuan, each further kilogram 2/4/6/8/12 yuan, half a kilogram per unit;
 * 1/2/2/3/5 days. ctx is unused. */
bool sourcing_quote_by_zone(void *ctx, const sourcing_parcel_t *parcel, sourcing_quote_t *q);

/* What was measured of one warehouse. */
typedef struct {
    int warehouse; /* index into the request's warehouses */
    int32_t km;    /* -1 unknown */
    int zone;
    bool ships; /* the estimator quoted it */
    int64_t cost_fen;
    int32_t days;
    char carrier[SOURCING_CARRIER_MAX + 1]; /* whose quote: "" for the zone defaults */
    char carrier_zone[12];                  /* its rate-card zone */
    bool fills;                             /* holds every unit the order wants */
    bool late;                              /* its days miss the requested delivery date */
    int64_t below_safety;                   /* units the pick would take from its safety stock */
    int64_t missing;                        /* units it lacks to fill the order alone */
    double score; /* weighted policy: 0 best .. 1 worst; else the policy's measure */
    int rank;     /* 1 = first choice */
    bool chosen;
} sourcing_candidate_t;

typedef struct {
    reserve_request_t base; /* lines, SKUs, warehouses, availability (consumed), buyer, split */
    const int64_t *safety;  /* n_warehouses * n_skus safety stock, row-major; may be NULL */
    int32_t days_until_requested; /* days from today to requested_delivery_date; -1: none */
    const sourcing_policy_t *policy;
    const sourcing_distances_t *distances; /* may be NULL */
    const sourcing_estimator_t *estimator; /* NULL: sourcing_quote_by_zone */
    /* The parcel the whole order makes (sourcing_parcel_estimate); 0: unknown. */
    int64_t weight_g, length_mm, width_mm, height_mm;
} sourcing_request_t;

/* The parcel the items make, for quotes: their weight (half a kilogram for each unit of a SKU
 * without one) and, when every item has its three sides, the box packing would choose
 * (packaging_choose); else sides 0. Fills the request's weight_g and sides. */
void sourcing_parcel_estimate(const pack_item_t *items, int n, sourcing_request_t *req);

typedef enum {
    SOURCING_WHOLE, /* one warehouse fills the order */
    SOURCING_SPLIT, /* a splittable order from several (or short) */
    SOURCING_NONE,  /* nothing could be reserved */
} sourcing_outcome_t;

const char *sourcing_outcome_name(sourcing_outcome_t o);

typedef struct {
    sourcing_outcome_t outcome;
    int n_candidates;                                         /* = n_warehouses */
    sourcing_candidate_t candidates[SOURCING_WAREHOUSES_MAX]; /* in rank order */
} sourcing_decision_t;

/* Plans the allocation (out has room for n_lines * n_warehouses rows,
 * short_qty for n_lines; availability is decremented by what is allocated) and records why in
 * decision. Returns the number of rows written. */
int sourcing_plan(const sourcing_request_t *req, reserve_alloc_t *out, int32_t *short_qty,
                  sourcing_decision_t *decision);

/* One line on a candidate, for people: "165 km (zone 2), ¥10.00, 2 days; fills the order;
 * keeps its safety stock". Returns buf. */
const char *sourcing_candidate_note(const sourcing_candidate_t *c, char *buf, size_t len);

/* Why the decision is what it is: "nearest: W-SH fills the whole order and is the nearest
 * (165 km)". codes are the request's warehouse codes by index. Returns buf. */
const char *sourcing_reason(const sourcing_decision_t *d, const sourcing_policy_t *p,
                            const char *const *codes, char *buf, size_t len);

#endif
