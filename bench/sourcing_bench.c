/* sourcing_bench: seconds to allocate N approved orders (default 100,000) over one warehouse
 * network with core/sourcing.c, once per policy with the zone defaults and once per policy
 * priced by the demo carriers' rate cards (core/carrier_estimate.c, as the server plugs them
 * in). Built and run by bench/run.sh (section `allocation`); by hand, from the repository
 * root, after `make`:
 *
 *   cc -std=c17 -D_GNU_SOURCE -O2 -Isrc bench/sourcing_bench.c build/libordo.a -ljansson -lm \
 *      -o build/sourcing_bench && build/sourcing_bench [N]
 *
 * The network: 8 warehouses in 8 provinces, 50 SKUs, every (warehouse, SKU) with a random
 * count and a safety stock; orders of 1-4 lines of 1-3 units to buyers in all 31 provinces,
 * half splittable, a third with a requested delivery date. One availability snapshot serves
 * every order in turn (as the writer's transaction does), so warehouses drain, fall below
 * safety stock and orders split as the run goes on; stock is refilled when a SKU runs out
 * everywhere so the run keeps planning rather than short-cutting. With rate cards each order
 * also has a parcel (0.3-4.3 kg, half of them with a box's sides). Only planning is timed:
 * the reservation writes are the import benchmark's business. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/carrier_estimate.h"
#include "core/sourcing.h"
#include "util/file.h"

#define N_WH 8
#define N_SKU 50

static const int32_t provinces[] = {110000, 120000, 130000, 140000, 150000, 210000, 220000, 230000,
                                    310000, 320000, 330000, 340000, 350000, 360000, 370000, 410000,
                                    420000, 430000, 440000, 450000, 460000, 500000, 510000, 520000,
                                    530000, 540000, 610000, 620000, 630000, 640000, 650000};

static uint64_t rng = 88172645463325252ULL;
static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* The demo carriers' rate cards (svc/demo_carriers.c), without their tracking formats. */
#define ZONE(fw, ff, sg, sf, d)                                                                    \
    "{\"first_weight_g\":" #fw ",\"first_fen\":" #ff ",\"step_g\":" #sg ",\"step_fen\":" #sf       \
    ",\"promised_days\":" #d "}"
#define CARD(l, r, n, x) "{\"local\":" l ",\"regional\":" r ",\"national\":" n ",\"remote\":" x "}"
#define MAINLAND                                                                                   \
    "[11,12,13,14,15,21,22,23,31,32,33,34,35,36,37,41,42,43,44,45,46,50,51,52,53,54,61,62,63,"     \
    "64,65]"
static const char *const carrier_settings[][2] = {
    {"SF", "{\"name\":\"SF\",\"quality_score\":95,\"volumetric_divisor\":6000,\"rate_card\":" CARD(
               ZONE(1000, 1200, 1000, 200, 1), ZONE(1000, 1400, 1000, 400, 1),
               ZONE(1000, 2300, 1000, 1300, 2), ZONE(1000, 2800, 1000, 1600, 3)) "}"},
    {"ZTO",
     "{\"name\":\"ZTO\",\"quality_score\":82,\"volumetric_divisor\":8000,\"provinces\":" MAINLAND
     ",\"rate_card\":" CARD(ZONE(1000, 500, 1000, 100, 2), ZONE(1000, 600, 1000, 200, 2),
                            ZONE(1000, 800, 1000, 400, 3), ZONE(1000, 2000, 1000, 1200, 5)) "}"},
    {"YTO",
     "{\"name\":\"YTO\",\"quality_score\":80,\"volumetric_divisor\":8000,\"provinces\":" MAINLAND
     ",\"rate_card\":" CARD(ZONE(1000, 500, 1000, 100, 2), ZONE(1000, 600, 1000, 200, 2),
                            ZONE(1000, 750, 1000, 400, 3), ZONE(1000, 1800, 1000, 1200, 5)) "}"},
    {"JD",
     "{\"name\":\"JD\",\"quality_score\":93,\"volumetric_divisor\":8000,\"provinces\":" MAINLAND
     ",\"channels\":[\"jd\"],\"rate_card\":" CARD(
         ZONE(1000, 1000, 1000, 200, 1), ZONE(1000, 1200, 1000, 300, 1),
         ZONE(1000, 1600, 1000, 600, 2), ZONE(1000, 2500, 1000, 1500, 4)) "}"},
    {"EMS",
     "{\"name\":\"EMS\",\"quality_score\":85,\"volumetric_divisor\":6000,\"rate_card\":" CARD(
         ZONE(1000, 1200, 1000, 300, 2), ZONE(1000, 1400, 1000, 500, 3),
         ZONE(1000, 1800, 1000, 800, 4), ZONE(1000, 2200, 1000, 1000, 5)) "}"},
};
#define N_CARRIERS (int)(sizeof carrier_settings / sizeof carrier_settings[0])

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    char path[4096], err[256];
    if (data_path("distance/province_capitals.csv", path, sizeof path) != 0) {
        fprintf(stderr, "sourcing_bench: data/distance/province_capitals.csv not found\n");
        return 1;
    }
    char *csv = file_read_all(path, NULL);
    static sourcing_distances_t distances;
    if (!csv || sourcing_distances_parse(csv, &distances, err, sizeof err) != 0) {
        fprintf(stderr, "sourcing_bench: %s\n", csv ? err : "cannot read the distance table");
        return 1;
    }
    free(csv);
    static carrier_t carriers[N_CARRIERS];
    for (int c = 0; c < N_CARRIERS; c++) {
        json_t *config = json_loads(carrier_settings[c][1], 0, NULL);
        field_errors_t errs = {0};
        if (!config || !carrier_parse(carrier_settings[c][0], config, &carriers[c], &errs)) {
            fprintf(stderr, "sourcing_bench: carrier %s does not parse\n", carrier_settings[c][0]);
            return 1;
        }
        json_decref(config);
    }
    carrier_book_t book = {.carriers = carriers, .n = N_CARRIERS};
    const sourcing_estimator_t rate_cards = {.quote = carrier_estimate_quote, .ctx = &book};
    static const reserve_warehouse_t wh[N_WH] = {
        {"BJ", 110000, 1}, {"SH", 310000, 2}, {"GZ", 440000, 3}, {"CD", 510000, 4},
        {"WH", 420000, 5}, {"XA", 610000, 6}, {"SY", 210000, 7}, {"HZ", 330000, 8}};
    static int64_t available[N_WH * N_SKU], safety[N_WH * N_SKU];
    static const sourcing_kind_t kinds[] = {SOURCING_NEAREST, SOURCING_CHEAPEST, SOURCING_FASTEST,
                                            SOURCING_WEIGHTED};
    for (int run = 0; run < 8; run++) {
        int k = run % 4;
        const sourcing_estimator_t *estimator = run < 4 ? NULL : &rate_cards;
        rng = 88172645463325252ULL;
        for (int i = 0; i < N_WH * N_SKU; i++) {
            available[i] = 200 + next_rand() % 2000;
            safety[i] = 50 + next_rand() % 100;
        }
        sourcing_policy_t policy;
        sourcing_policy_default(&policy);
        policy.kind = kinds[k];
        long whole = 0, split = 0, none = 0;
        double planning = 0;
        for (long o = 0; o < n; o++) {
            int line_sku[4];
            int32_t line_qty[4], short_qty[4];
            int n_lines = 1 + (int)(next_rand() % 4);
            for (int l = 0; l < n_lines; l++) {
                line_sku[l] = l; /* the order's SKUs are distinct: index l of its own list */
                line_qty[l] = 1 + (int32_t)(next_rand() % 3);
            }
            int sku_of[4];
            for (int l = 0; l < n_lines; l++)
                sku_of[l] = (int)(next_rand() % N_SKU);
            /* The snapshot the planner sees: this order's SKUs, per warehouse. */
            int64_t avail[N_WH * 4], saf[N_WH * 4];
            for (int w = 0; w < N_WH; w++)
                for (int l = 0; l < n_lines; l++) {
                    avail[w * n_lines + l] = available[w * N_SKU + sku_of[l]];
                    saf[w * n_lines + l] = safety[w * N_SKU + sku_of[l]];
                }
            bool dated = next_rand() % 3 == 0;
            sourcing_request_t req = {.base = {.n_lines = n_lines,
                                               .line_sku = line_sku,
                                               .line_qty = line_qty,
                                               .n_skus = n_lines,
                                               .n_warehouses = N_WH,
                                               .warehouses = wh,
                                               .buyer_province_code = provinces[next_rand() % 31],
                                               .splittable = next_rand() % 2 == 0,
                                               .available = avail},
                                      .safety = saf,
                                      .days_until_requested =
                                          dated ? (int32_t)(1 + next_rand() % 4) : -1,
                                      .policy = &policy,
                                      .distances = &distances,
                                      .estimator = estimator};
            if (estimator) {
                req.weight_g = 300 + next_rand() % 4000;
                if (next_rand() % 2)
                    req.length_mm = 230, req.width_mm = 130, req.height_mm = 160;
            }
            reserve_alloc_t out[N_WH * 4];
            sourcing_decision_t decision;
            double t0 = now_s();
            sourcing_plan(&req, out, short_qty, &decision);
            planning += now_s() - t0;
            whole += decision.outcome == SOURCING_WHOLE;
            split += decision.outcome == SOURCING_SPLIT;
            none += decision.outcome == SOURCING_NONE;
            for (int w = 0; w < N_WH; w++)
                for (int l = 0; l < n_lines; l++) {
                    int64_t *cell = &available[w * N_SKU + sku_of[l]];
                    *cell = avail[w * n_lines + l];
                }
            for (int l = 0; l < n_lines; l++) {
                int64_t left = 0;
                for (int w = 0; w < N_WH; w++)
                    left += available[w * N_SKU + sku_of[l]];
                if (left < 20) /* a restock, so the run keeps planning real choices */
                    for (int w = 0; w < N_WH; w++)
                        available[w * N_SKU + sku_of[l]] += 500 + next_rand() % 1000;
            }
        }
        printf("allocation (%s%s): %ld orders in %.3f s = %.0f orders/s (%ld whole, %ld split, "
               "%ld none)\n",
               sourcing_kind_name(kinds[k]), estimator ? ", rate cards" : "", n, planning,
               planning > 0 ? n / planning : 0.0, whole, split, none);
    }
    for (int c = 0; c < N_CARRIERS; c++)
        carrier_free(&carriers[c]);
    return 0;
}
