#include "core/sourcing.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/money.h"

static const char *const kind_names[] = {"nearest", "cheapest", "fastest", "weighted"};

const char *sourcing_kind_name(sourcing_kind_t k) {
    return kind_names[k];
}

bool sourcing_kind_parse(const char *name, sourcing_kind_t *out) {
    for (int k = 0; k < 4; k++)
        if (name && strcmp(name, kind_names[k]) == 0) {
            *out = (sourcing_kind_t)k;
            return true;
        }
    return false;
}

void sourcing_policy_default(sourcing_policy_t *p) {
    p->kind = SOURCING_NEAREST;
    p->weights = (sourcing_weights_t){
        .distance = 0.4, .cost = 0.2, .speed = 0.2, .safety = 0.1, .priority = 0.1};
}

const char *sourcing_outcome_name(sourcing_outcome_t o) {
    return o == SOURCING_WHOLE ? "whole" : o == SOURCING_SPLIT ? "split" : "none";
}

/* ---- distances ---- */

static double haversine_km(double lat1, double lon1, double lat2, double lon2) {
    const double r = 6371.0, rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a));
}

int sourcing_distances_parse(const char *csv, sourcing_distances_t *out, char *err,
                             size_t err_len) {
    double lat[100], lon[100];
    bool known[100] = {false};
    int n = 0, line_no = 1;
    const char *p = strchr(csv, '\n'); /* the header */
    while (p && *++p) {
        line_no++;
        int code;
        char province[64], capital[64];
        double la, lo;
        if (sscanf(p, "%d,%63[^,],%63[^,],%lf,%lf", &code, province, capital, &la, &lo) != 5 ||
            code < 100000 || code > 999999 || la < -90 || la > 90 || lo < -180 || lo > 180) {
            snprintf(err, err_len, "province capitals line %d is not code,province,capital,lat,lon",
                     line_no);
            return -1;
        }
        int prefix = code / 10000;
        lat[prefix] = la;
        lon[prefix] = lo;
        known[prefix] = true;
        n++;
        p = strchr(p, '\n');
    }
    if (n == 0) {
        snprintf(err, err_len, "province capitals: no rows");
        return -1;
    }
    for (int a = 0; a < 100; a++)
        for (int b = 0; b < 100; b++)
            out->km[a][b] = known[a] && known[b]
                                ? (int16_t)lround(haversine_km(lat[a], lon[a], lat[b], lon[b]))
                                : -1;
    return 0;
}

int32_t sourcing_km(const sourcing_distances_t *d, int32_t from_code, int32_t to_code) {
    int a = from_code / 10000, b = to_code / 10000;
    if (a == b)
        return 0;
    if (!d || a < 0 || a > 99 || b < 0 || b > 99)
        return -1;
    return d->km[a][b];
}

int sourcing_zone(int32_t km) {
    if (km == 0)
        return 1;
    if (km < 0 || km > 2000)
        return 5;
    return km <= 500 ? 2 : km <= 1000 ? 3 : 4;
}

/* Static, so that measure() can have it inlined: it runs for every warehouse of every order. */
static bool quote_by_zone(const sourcing_parcel_t *parcel, sourcing_quote_t *q) {
    static const int64_t first_fen[SOURCING_ZONES] = {800, 1000, 1200, 1500, 2000};
    static const int64_t next_kg_fen[SOURCING_ZONES] = {200, 400, 600, 800, 1200};
    static const int32_t days[SOURCING_ZONES] = {1, 2, 2, 3, 5};
    int zone = parcel->zone;
    assert(zone >= 1 && zone <= SOURCING_ZONES);
    int64_t grams = (int64_t)(parcel->units > 0 ? parcel->units : 1) * 500;
    int64_t extra_kg = (grams - 1000 + 999) / 1000;
    q->cost_fen = first_fen[zone - 1] + (extra_kg > 0 ? extra_kg : 0) * next_kg_fen[zone - 1];
    q->days = days[zone - 1];
    q->carrier[0] = q->carrier_zone[0] = '\0';
    return true;
}

bool sourcing_quote_by_zone(void *ctx, const sourcing_parcel_t *parcel, sourcing_quote_t *q) {
    (void)ctx;
    return quote_by_zone(parcel, q);
}

void sourcing_parcel_estimate(const pack_item_t *items, int n, sourcing_request_t *req) {
    int64_t weight = 0;
    bool sides_known = n > 0;
    for (int i = 0; i < n; i++) {
        weight += (items[i].weight_g > 0 ? items[i].weight_g : 500) * items[i].qty;
        sides_known &= items[i].length_mm > 0 && items[i].width_mm > 0 && items[i].height_mm > 0;
    }
    req->weight_g = weight;
    req->length_mm = req->width_mm = req->height_mm = 0;
    if (sides_known) {
        packaging_t box = packaging_choose(items, n);
        req->length_mm = box.length_mm;
        req->width_mm = box.width_mm;
        req->height_mm = box.height_mm;
    }
}

/* ---- measuring ---- */

/* parcel: the order's, the same for every warehouse but where it leaves from. */
static void measure(const sourcing_request_t *req, int w, const int64_t *need,
                    sourcing_parcel_t *parcel, sourcing_candidate_t *c) {
    const reserve_request_t *b = &req->base;
    const reserve_warehouse_t *wh = &b->warehouses[w];
    memset(c, 0, sizeof *c);
    c->warehouse = w;
    c->km = sourcing_km(req->distances, wh->province_code, b->buyer_province_code);
    c->zone = sourcing_zone(c->km);
    parcel->from_code = wh->province_code;
    parcel->km = c->km;
    parcel->zone = c->zone;
    sourcing_quote_t q;
    q.cost_fen = 0;
    q.days = 0;
    q.carrier[0] = '\0';
    const sourcing_estimator_t *est = req->estimator;
    c->ships = est ? est->quote(est->ctx, parcel, &q) : quote_by_zone(parcel, &q);
    /* No carrier's card covers the trip: the warehouse still holds stock for the order (it
     * must not be sold twice) but ranks after every warehouse a carrier serves, priced by
     * the zone defaults so the measures stay comparable. */
    if (!c->ships)
        quote_by_zone(parcel, &q);
    if (c->ships && q.carrier[0]) {
        memcpy(c->carrier, q.carrier, sizeof c->carrier);
        memcpy(c->carrier_zone, q.carrier_zone, sizeof c->carrier_zone);
        c->carrier[sizeof c->carrier - 1] = c->carrier_zone[sizeof c->carrier_zone - 1] = '\0';
    }
    c->cost_fen = q.cost_fen;
    c->days = q.days;
    c->late = req->days_until_requested >= 0 && q.days > req->days_until_requested;
    for (int k = 0; k < b->n_skus; k++) {
        int64_t avail = b->available[(size_t)w * b->n_skus + k];
        int64_t safety = req->safety ? req->safety[(size_t)w * b->n_skus + k] : 0;
        int64_t take = need[k] < avail ? need[k] : (avail > 0 ? avail : 0);
        if (take < need[k])
            c->missing += need[k] - take;
        /* The units of the pick that come out of the buffer above which the warehouse keeps
         * its safety stock. */
        int64_t above_safety = avail - safety > 0 ? avail - safety : 0;
        if (take > above_safety)
            c->below_safety += take - above_safety;
    }
    c->fills = c->missing == 0;
}

static double policy_measure(sourcing_kind_t kind, const sourcing_candidate_t *c) {
    switch (kind) {
    case SOURCING_NEAREST:
        return c->km < 0 ? 1e9 : (double)c->km;
    case SOURCING_CHEAPEST:
        return (double)c->cost_fen;
    case SOURCING_FASTEST:
        return (double)c->days;
    case SOURCING_WEIGHTED:
        break;
    }
    return 0;
}

/* Weighted score: each measure normalised over the candidates that ship, 0 best .. 1 worst. */
static void weighted_scores(const sourcing_request_t *req, sourcing_candidate_t *c, int n) {
    const sourcing_weights_t *wt = &req->policy->weights;
    double lo[5], hi[5];
    for (int m = 0; m < 5; m++) {
        lo[m] = 1e18;
        hi[m] = -1e18;
    }
    double v[SOURCING_WAREHOUSES_MAX][5];
    for (int i = 0; i < n; i++) {
        v[i][0] = c[i].km < 0 ? 5000 : c[i].km;
        v[i][1] = (double)c[i].cost_fen;
        v[i][2] = c[i].days;
        v[i][3] = (double)c[i].below_safety;
        v[i][4] = req->base.warehouses[c[i].warehouse].priority;
        for (int m = 0; m < 5 && c[i].ships; m++) {
            lo[m] = v[i][m] < lo[m] ? v[i][m] : lo[m];
            hi[m] = v[i][m] > hi[m] ? v[i][m] : hi[m];
        }
    }
    double w[5] = {wt->distance, wt->cost, wt->speed, wt->safety, wt->priority};
    double total = w[0] + w[1] + w[2] + w[3] + w[4];
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int m = 0; m < 5 && total > 0; m++)
            if (hi[m] > lo[m])
                s += w[m] / total * (v[i][m] - lo[m]) / (hi[m] - lo[m]);
        c[i].score = c[i].ships ? s : 1;
    }
}

static int candidate_cmp(const sourcing_candidate_t *a, const sourcing_candidate_t *b,
                         const sourcing_request_t *req) {
    if (a->ships != b->ships)
        return a->ships ? -1 : 1;
    if (a->fills != b->fills)
        return a->fills ? -1 : 1;
    if (a->late != b->late)
        return a->late ? 1 : -1;
    if (req->policy->kind != SOURCING_WEIGHTED && (a->below_safety > 0) != (b->below_safety > 0))
        return a->below_safety > 0 ? 1 : -1;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    const reserve_warehouse_t *wa = &req->base.warehouses[a->warehouse],
                              *wb = &req->base.warehouses[b->warehouse];
    if (wa->priority != wb->priority)
        return wa->priority < wb->priority ? -1 : 1;
    return strcmp(wa->code, wb->code);
}

/* Insertion sort: a merchant has a handful of warehouses, and it needs the request. */
static void sort_candidates(sourcing_candidate_t *c, int n, const sourcing_request_t *req) {
    for (int i = 1; i < n; i++) {
        sourcing_candidate_t cur = c[i];
        int j = i - 1;
        while (j >= 0 && candidate_cmp(&cur, &c[j], req) < 0) {
            c[j + 1] = c[j];
            j--;
        }
        c[j + 1] = cur;
    }
    for (int i = 0; i < n; i++)
        c[i].rank = i + 1;
}

/* ---- planning ---- */

static int take_whole(const reserve_request_t *b, int w, reserve_alloc_t *out, int32_t *short_qty) {
    int n_out = 0;
    for (int l = 0; l < b->n_lines; l++) {
        short_qty[l] = 0;
        if (b->line_qty[l] == 0)
            continue;
        b->available[(size_t)w * b->n_skus + b->line_sku[l]] -= b->line_qty[l];
        out[n_out++] = (reserve_alloc_t){.line = l, .warehouse = w, .qty = b->line_qty[l]};
    }
    return n_out;
}

/* Rows by line, then warehouse code: the order in which an order's reservations are listed
 * everywhere (the ledger's view sorts them so). */
static void sort_rows(const reserve_request_t *b, reserve_alloc_t *out, int n) {
    for (int i = 1; i < n; i++) {
        reserve_alloc_t cur = out[i];
        int j = i - 1;
        while (j >= 0 &&
               (out[j].line > cur.line ||
                (out[j].line == cur.line && strcmp(b->warehouses[out[j].warehouse].code,
                                                   b->warehouses[cur.warehouse].code) > 0))) {
            out[j + 1] = out[j];
            j--;
        }
        out[j + 1] = cur;
    }
}

/* Greedy minimal set for a splittable order: the warehouse covering most of what is still
 * missing, ties by rank, until nothing more can be covered; then each line takes from the
 * chosen warehouses in the order they were chosen. */
static int take_split(const reserve_request_t *b, sourcing_candidate_t *c, int n,
                      const int64_t *need_in, reserve_alloc_t *out, int32_t *short_qty) {
    int64_t need[ORDO_ORDER_LINES_MAX];
    memcpy(need, need_in, sizeof(int64_t) * (size_t)b->n_skus);
    int chosen[SOURCING_WAREHOUSES_MAX], n_chosen = 0;
    for (;;) {
        int best = -1;
        int64_t best_cover = 0;
        for (int i = 0; i < n; i++) {
            if (c[i].chosen)
                continue;
            int64_t cover = 0;
            for (int k = 0; k < b->n_skus; k++) {
                int64_t avail = b->available[(size_t)c[i].warehouse * b->n_skus + k];
                cover += avail <= 0 ? 0 : avail < need[k] ? avail : need[k];
            }
            /* warehouses a carrier serves first, then the biggest cover */
            bool better = best < 0                      ? cover > 0
                          : c[i].ships != c[best].ships ? c[i].ships && cover > 0
                                                        : cover > best_cover;
            if (better) {
                best_cover = cover;
                best = i;
            }
        }
        if (best < 0)
            break;
        c[best].chosen = true;
        chosen[n_chosen++] = c[best].warehouse;
        for (int k = 0; k < b->n_skus; k++) {
            int64_t avail = b->available[(size_t)c[best].warehouse * b->n_skus + k];
            need[k] -= avail <= 0 ? 0 : avail < need[k] ? avail : need[k];
        }
    }
    int n_out = 0;
    for (int l = 0; l < b->n_lines; l++) {
        short_qty[l] = b->line_qty[l];
        for (int i = 0; i < n_chosen && short_qty[l] > 0; i++) {
            int64_t *avail = &b->available[(size_t)chosen[i] * b->n_skus + b->line_sku[l]];
            if (*avail <= 0)
                continue;
            int32_t take = *avail < short_qty[l] ? (int32_t)*avail : short_qty[l];
            *avail -= take;
            short_qty[l] -= take;
            out[n_out++] = (reserve_alloc_t){.line = l, .warehouse = chosen[i], .qty = take};
        }
    }
    sort_rows(b, out, n_out);
    return n_out;
}

int sourcing_plan(const sourcing_request_t *req, reserve_alloc_t *out, int32_t *short_qty,
                  sourcing_decision_t *d) {
    const reserve_request_t *b = &req->base;
    assert(b->n_warehouses <= SOURCING_WAREHOUSES_MAX && b->n_skus <= ORDO_ORDER_LINES_MAX);
    int64_t need[ORDO_ORDER_LINES_MAX] = {0};
    int32_t units = 0;
    for (int l = 0; l < b->n_lines; l++) {
        need[b->line_sku[l]] += b->line_qty[l];
        units += b->line_qty[l];
    }
    d->n_candidates = b->n_warehouses;
    sourcing_parcel_t parcel = {.to_code = b->buyer_province_code,
                                .units = units,
                                .weight_g = req->weight_g,
                                .length_mm = req->length_mm,
                                .width_mm = req->width_mm,
                                .height_mm = req->height_mm};
    for (int w = 0; w < b->n_warehouses; w++)
        measure(req, w, need, &parcel, &d->candidates[w]);
    if (req->policy->kind == SOURCING_WEIGHTED)
        weighted_scores(req, d->candidates, b->n_warehouses);
    else
        for (int w = 0; w < b->n_warehouses; w++)
            d->candidates[w].score = policy_measure(req->policy->kind, &d->candidates[w]);
    sort_candidates(d->candidates, b->n_warehouses, req);

    if (b->n_warehouses > 0 && d->candidates[0].fills && units > 0) {
        d->candidates[0].chosen = true;
        d->outcome = SOURCING_WHOLE;
        return take_whole(b, d->candidates[0].warehouse, out, short_qty);
    }
    for (int l = 0; l < b->n_lines; l++)
        short_qty[l] = b->line_qty[l];
    d->outcome = SOURCING_NONE;
    if (!b->splittable)
        return 0;
    int n_out = take_split(b, d->candidates, b->n_warehouses, need, out, short_qty);
    if (n_out > 0)
        d->outcome = SOURCING_SPLIT;
    return n_out;
}

/* ---- words ---- */

const char *sourcing_candidate_note(const sourcing_candidate_t *c, char *buf, size_t len) {
    char yuan[32];
    size_t n = 0;
    if (c->km == 0)
        n += (size_t)snprintf(buf + n, len - n, "same province (zone 1)");
    else if (c->km < 0)
        n += (size_t)snprintf(buf + n, len - n, "distance unknown (zone %d)", c->zone);
    else
        n += (size_t)snprintf(buf + n, len - n, "%d km (zone %d)", c->km, c->zone);
    if (n < len && !c->ships)
        n += (size_t)snprintf(buf + n, len - n, "; no carrier ships from there");
    else if (n < len && c->carrier[0])
        n += (size_t)snprintf(buf + n, len - n, ", ¥%s by %s (%s), %d day%s",
                              money_format_yuan(yuan, sizeof yuan, c->cost_fen), c->carrier,
                              c->carrier_zone, c->days, c->days == 1 ? "" : "s");
    else if (n < len)
        n += (size_t)snprintf(buf + n, len - n, ", est. ¥%s, %d day%s",
                              money_format_yuan(yuan, sizeof yuan, c->cost_fen), c->days,
                              c->days == 1 ? "" : "s");
    if (n < len && c->late)
        n += (size_t)snprintf(buf + n, len - n, "; misses the requested delivery date");
    if (n < len)
        n += c->missing
                 ? (size_t)snprintf(buf + n, len - n, "; lacks %lld unit%s to fill the order",
                                    (long long)c->missing, c->missing == 1 ? "" : "s")
                 : (size_t)snprintf(buf + n, len - n, "; fills the order");
    if (n < len)
        n += c->below_safety
                 ? (size_t)snprintf(buf + n, len - n, "; would take %lld unit%s of safety stock",
                                    (long long)c->below_safety, c->below_safety == 1 ? "" : "s")
                 : (size_t)snprintf(buf + n, len - n, "; keeps its safety stock");
    return buf;
}

static const char *measure_words(sourcing_kind_t k) {
    switch (k) {
    case SOURCING_NEAREST:
        return "the nearest";
    case SOURCING_CHEAPEST:
        return "the cheapest to ship from";
    case SOURCING_FASTEST:
        return "the fastest";
    case SOURCING_WEIGHTED:
        break;
    }
    return "the best by weighted score";
}

/* "; ZTO quotes ¥8.00, 2 days (regional)" for a candidate priced by a carrier, else "". */
static void quote_words(const sourcing_candidate_t *c, char *buf, size_t len) {
    char yuan[32];
    if (!c->carrier[0]) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, len, "; %s quotes ¥%s, %d day%s (%s)", c->carrier,
             money_format_yuan(yuan, sizeof yuan, c->cost_fen), c->days, c->days == 1 ? "" : "s",
             c->carrier_zone);
}

const char *sourcing_reason(const sourcing_decision_t *d, const sourcing_policy_t *p,
                            const char *const *codes, char *buf, size_t len) {
    const char *policy = sourcing_kind_name(p->kind);
    if (d->outcome == SOURCING_WHOLE) {
        const sourcing_candidate_t *c = &d->candidates[0];
        int fillers = 0;
        for (int i = 0; i < d->n_candidates; i++)
            fillers += d->candidates[i].fills;
        char quote[96];
        quote_words(c, quote, sizeof quote);
        snprintf(buf, len, "%s: %s fills the whole order and is %s of the %d that could%s%s%s",
                 policy, codes[c->warehouse], measure_words(p->kind), fillers,
                 c->late ? "; every one of them misses the requested delivery date" : "",
                 c->below_safety ? "; it dips into its safety stock" : "", quote);
        return buf;
    }
    if (d->outcome == SOURCING_NONE) {
        int shipping = 0;
        for (int i = 0; i < d->n_candidates; i++)
            shipping += d->candidates[i].ships;
        snprintf(buf, len, "%s: %s; nothing reserved", policy,
                 !d->n_candidates ? "no warehouse fills the whole order (none configured)"
                 : !shipping      ? "no warehouse fills the whole order (and no carrier takes the "
                                    "parcel from any of them to the buyer)"
                                  : "no warehouse fills the whole order");
        return buf;
    }
    size_t n = (size_t)snprintf(buf, len,
                                "%s: no warehouse fills the whole order; split across the "
                                "fewest that cover it:",
                                policy);
    for (int i = 0; i < d->n_candidates && n < len; i++) {
        const sourcing_candidate_t *c = &d->candidates[i];
        if (!c->chosen)
            continue;
        n += (size_t)snprintf(buf + n, len - n, " %s", codes[c->warehouse]);
        if (n < len && c->carrier[0])
            n += (size_t)snprintf(buf + n, len - n, " (%s)", c->carrier);
    }
    return buf;
}
