#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sourcing.h"
#include "util/file.h"

/* Buyers and warehouses in real provinces, with the shipped distance table: Hangzhou (浙江)
 * is ~165 km from Shanghai, ~1130 km from Beijing, ~1050 km from Guangzhou. */
#define ZHEJIANG 330000
#define BEIJING 110000
#define SHANGHAI 310000
#define GUANGDONG 440000
#define XINJIANG 650000

static sourcing_distances_t distances;

static int load_distances(void **state) {
    (void)state;
    char path[4096], err[256];
    if (data_path("distance/province_capitals.csv", path, sizeof path) != 0)
        return -1;
    char *csv = file_read_all(path, NULL);
    int rc = csv ? sourcing_distances_parse(csv, &distances, err, sizeof err) : -1;
    free(csv);
    return rc;
}

enum { BJ, SH, GZ, N_WH };

typedef struct {
    reserve_warehouse_t wh[N_WH];
    int n_lines;
    int line_sku[8];
    int32_t line_qty[8];
    int n_skus;
    int64_t available[N_WH * 8];
    int64_t safety[N_WH * 8];
    int32_t days_until_requested;
    sourcing_policy_t policy;
    sourcing_estimator_t *estimator;
    reserve_alloc_t out[N_WH * 8];
    int32_t short_qty[8];
    int n_out;
    sourcing_decision_t d;
} plan_t;

static void plan_init(plan_t *p, sourcing_kind_t kind) {
    memset(p, 0, sizeof *p);
    p->wh[BJ] = (reserve_warehouse_t){"BJ", BEIJING, 1};
    p->wh[SH] = (reserve_warehouse_t){"SH", SHANGHAI, 30};
    p->wh[GZ] = (reserve_warehouse_t){"GZ", GUANGDONG, 50};
    p->n_lines = 1;
    p->line_qty[0] = 2;
    p->n_skus = 1;
    p->days_until_requested = -1;
    sourcing_policy_default(&p->policy);
    p->policy.kind = kind;
}

static void stock(plan_t *p, int wh, int sku, int64_t available, int64_t safety) {
    p->available[wh * p->n_skus + sku] = available;
    p->safety[wh * p->n_skus + sku] = safety;
}

static void run(plan_t *p, int32_t buyer, bool splittable) {
    sourcing_request_t req = {.base = {.n_lines = p->n_lines,
                                       .line_sku = p->line_sku,
                                       .line_qty = p->line_qty,
                                       .n_skus = p->n_skus,
                                       .n_warehouses = N_WH,
                                       .warehouses = p->wh,
                                       .buyer_province_code = buyer,
                                       .splittable = splittable,
                                       .available = p->available},
                              .safety = p->safety,
                              .days_until_requested = p->days_until_requested,
                              .policy = &p->policy,
                              .distances = &distances,
                              .estimator = p->estimator};
    p->n_out = sourcing_plan(&req, p->out, p->short_qty, &p->d);
}

static int32_t allocated(const plan_t *p, int line, int wh) {
    int32_t n = 0;
    for (int i = 0; i < p->n_out; i++)
        if (p->out[i].line == line && p->out[i].warehouse == wh)
            n += p->out[i].qty;
    return n;
}

static int chosen_warehouse(const plan_t *p) {
    assert_int_equal(p->d.outcome, SOURCING_WHOLE);
    assert_true(p->d.candidates[0].chosen);
    return p->d.candidates[0].warehouse;
}

static void distance_table_is_symmetric_and_plausible(void **state) {
    (void)state;
    int32_t sh_zj = sourcing_km(&distances, SHANGHAI, ZHEJIANG);
    assert_true(sh_zj > 100 && sh_zj < 250);
    assert_int_equal(sourcing_km(&distances, ZHEJIANG, SHANGHAI), sh_zj);
    int32_t bj_xj = sourcing_km(&distances, BEIJING, XINJIANG);
    assert_true(bj_xj > 2200 && bj_xj < 2600);
    assert_int_equal(sourcing_km(&distances, 440100, 440300), 0); /* Guangzhou, Shenzhen */
    assert_int_equal(sourcing_zone(0), 1);
    assert_int_equal(sourcing_zone(sh_zj), 2);
    assert_int_equal(sourcing_zone(bj_xj), 5);
    assert_int_equal(sourcing_km(&distances, BEIJING, 990000), -1);
    assert_int_equal(sourcing_zone(-1), 5);
}

static void distance_parse_rejects_bad_rows(void **state) {
    (void)state;
    sourcing_distances_t d;
    char err[128];
    assert_int_equal(sourcing_distances_parse("code,province,capital,lat,lon\n110000,北京,北京,"
                                              "abc,116\n",
                                              &d, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "line 2"));
    assert_int_equal(sourcing_distances_parse("header only\n", &d, err, sizeof err), -1);
}

static void nearest_picks_the_closest_that_fills(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), SH);
    assert_int_equal(allocated(&p, 0, SH), 2);
    assert_int_equal(p.available[SH], 8);
    assert_int_equal(p.short_qty[0], 0);
    /* Ranked: SH (~165 km), then GZ (~1050) before BJ (~1130) despite BJ's priority. */
    assert_int_equal(p.d.candidates[1].warehouse, GZ);
    assert_int_equal(p.d.candidates[2].warehouse, BJ);
}

static void nearest_skips_a_warehouse_that_cannot_fill(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 1, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), GZ);
    assert_false(p.d.candidates[2].fills);
    assert_int_equal(p.d.candidates[2].warehouse, SH);
    assert_int_equal(p.d.candidates[2].missing, 1);
}

/* A rate card where Beijing is cheap to ship from (a negotiated contract) and Guangzhou is
 * the fastest (air), to separate the three measures. */
static bool contract_quote(void *ctx, const sourcing_parcel_t *parcel, sourcing_quote_t *q) {
    (void)ctx;
    int32_t from = parcel->from_code;
    q->cost_fen = from == BEIJING ? 600 : 1000 + parcel->zone * 100;
    q->days = from == GUANGDONG ? 1 : 3;
    return from != 540000; /* nothing ships from Tibet in this card */
}

static void cheapest_and_fastest_follow_the_estimator(void **state) {
    (void)state;
    sourcing_estimator_t est = {.quote = contract_quote};
    plan_t p;
    plan_init(&p, SOURCING_CHEAPEST);
    p.estimator = &est;
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), BJ);
    assert_int_equal(p.d.candidates[0].cost_fen, 600);

    plan_init(&p, SOURCING_FASTEST);
    p.estimator = &est;
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), GZ);
    /* SH and BJ tie on 3 days: priority decides (BJ 1 before SH 30). */
    assert_int_equal(p.d.candidates[1].warehouse, BJ);
}

static void default_estimator_charges_by_zone(void **state) {
    (void)state;
    sourcing_quote_t near, far, heavy;
    sourcing_parcel_t parcel = {.from_code = SHANGHAI, .to_code = SHANGHAI, .zone = 1, .units = 2};
    assert_true(sourcing_quote_by_zone(NULL, &parcel, &near));
    parcel = (sourcing_parcel_t){.from_code = BEIJING, .to_code = XINJIANG, .zone = 5, .units = 2};
    assert_true(sourcing_quote_by_zone(NULL, &parcel, &far));
    parcel.units = 6;
    assert_true(sourcing_quote_by_zone(NULL, &parcel, &heavy));
    assert_string_equal(near.carrier, "");
    assert_int_equal(near.cost_fen, 800);
    assert_int_equal(near.days, 1);
    assert_int_equal(far.cost_fen, 2000);
    assert_int_equal(far.days, 5);
    assert_int_equal(heavy.cost_fen, 2000 + 2 * 1200); /* 3 kg: two further kilograms */
}

static void weighted_mixes_the_measures(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_WEIGHTED);
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    p.policy.weights = (sourcing_weights_t){.priority = 1};
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), BJ); /* priority alone */
    assert_true(p.d.candidates[0].score == 0.0);
    assert_true(p.d.candidates[2].score == 1.0);

    plan_init(&p, SOURCING_WEIGHTED);
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    p.policy.weights = (sourcing_weights_t){.distance = 3, .priority = 1};
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), SH); /* distance outweighs priority */
    for (int i = 1; i < N_WH; i++)
        assert_true(p.d.candidates[i - 1].score <= p.d.candidates[i].score);
}

static void safety_stock_is_avoided_when_another_can_fill(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 5, 4); /* 5 on the shelf, 4 of them safety stock: 2 would drain it */
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), GZ);
    assert_int_equal(p.d.candidates[2].warehouse, SH);
    assert_int_equal(p.d.candidates[2].below_safety, 1);

    /* When every warehouse would dip into it, the nearest still ships. */
    plan_init(&p, SOURCING_NEAREST);
    stock(&p, BJ, 0, 2, 2);
    stock(&p, SH, 0, 5, 4);
    stock(&p, GZ, 0, 3, 3);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), SH);
    char reason[256];
    const char *codes[] = {"BJ", "SH", "GZ"};
    sourcing_reason(&p.d, &p.policy, codes, reason, sizeof reason);
    assert_non_null(strstr(reason, "safety stock"));
}

static void requested_date_prefers_a_warehouse_in_time(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_CHEAPEST);
    sourcing_estimator_t est = {.quote = contract_quote};
    p.estimator = &est;
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), BJ); /* cheapest, 3 days */

    plan_init(&p, SOURCING_CHEAPEST);
    p.estimator = &est;
    p.days_until_requested = 2;
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), GZ); /* the only one within 2 days */
    assert_true(p.d.candidates[1].late && p.d.candidates[2].late);
}

static void priority_breaks_ties(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    p.wh[SH].province_code = GUANGDONG; /* SH and GZ both in Guangdong: same distance */
    stock(&p, BJ, 0, 0, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), SH); /* priority 30 before 50 */
    p.wh[GZ].priority = 5;
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 10, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(chosen_warehouse(&p), GZ);
}

static void splittable_takes_a_minimal_set(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    /* Two SKUs. SH (nearest) has one unit of A; GZ has all of A and B except one B, which
     * only BJ has. The fewest warehouses: GZ first (covers 5 of 6), then BJ — not SH. */
    p.n_lines = 2;
    p.n_skus = 2;
    p.line_sku[0] = 0;
    p.line_sku[1] = 1;
    p.line_qty[0] = 3;
    p.line_qty[1] = 3;
    stock(&p, SH, 0, 1, 0);
    stock(&p, GZ, 0, 3, 0);
    stock(&p, GZ, 1, 2, 0);
    stock(&p, BJ, 1, 5, 0);
    run(&p, ZHEJIANG, true);
    assert_int_equal(p.d.outcome, SOURCING_SPLIT);
    assert_int_equal(allocated(&p, 0, GZ), 3);
    assert_int_equal(allocated(&p, 0, SH), 0);
    assert_int_equal(allocated(&p, 1, GZ), 2);
    assert_int_equal(allocated(&p, 1, BJ), 1);
    assert_int_equal(p.short_qty[0] + p.short_qty[1], 0);
    int chosen = 0;
    for (int i = 0; i < N_WH; i++)
        chosen += p.d.candidates[i].chosen;
    assert_int_equal(chosen, 2);
}

static void not_splittable_gets_nothing_when_none_fills(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    p.line_qty[0] = 5;
    stock(&p, BJ, 0, 2, 0);
    stock(&p, GZ, 0, 3, 0);
    run(&p, ZHEJIANG, false);
    assert_int_equal(p.d.outcome, SOURCING_NONE);
    assert_int_equal(p.n_out, 0);
    assert_int_equal(p.short_qty[0], 5);
    assert_int_equal(p.available[BJ], 2);

    run(&p, ZHEJIANG, true);
    assert_int_equal(p.d.outcome, SOURCING_SPLIT);
    assert_int_equal(allocated(&p, 0, BJ) + allocated(&p, 0, GZ), 5);
}

static void a_warehouse_nothing_ships_from_is_no_candidate(void **state) {
    (void)state;
    sourcing_estimator_t est = {.quote = contract_quote};
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    p.estimator = &est;
    p.wh[SH].province_code = 540000; /* Tibet: the card has no service from there */
    stock(&p, SH, 0, 10, 0);
    stock(&p, BJ, 0, 10, 0);
    run(&p, 540000, false);
    assert_int_equal(chosen_warehouse(&p), BJ);
    char note[200];
    sourcing_candidate_note(&p.d.candidates[N_WH - 1], note, sizeof note);
    assert_non_null(strstr(note, "no carrier"));
}

static void notes_and_reasons_say_why(void **state) {
    (void)state;
    plan_t p;
    plan_init(&p, SOURCING_NEAREST);
    stock(&p, BJ, 0, 10, 0);
    stock(&p, SH, 0, 10, 0);
    stock(&p, GZ, 0, 1, 0);
    run(&p, ZHEJIANG, false);
    char reason[256], note[200];
    const char *codes[] = {"BJ", "SH", "GZ"};
    sourcing_reason(&p.d, &p.policy, codes, reason, sizeof reason);
    assert_string_equal(reason, "nearest: SH fills the whole order and is the nearest of the 2 "
                                "that could");
    sourcing_candidate_note(&p.d.candidates[0], note, sizeof note);
    assert_non_null(strstr(note, "km (zone 2), est. ¥"));
    assert_non_null(strstr(note, "fills the order; keeps its safety stock"));
    sourcing_candidate_note(&p.d.candidates[2], note, sizeof note);
    assert_non_null(strstr(note, "lacks 1 unit to fill the order"));
}

static void policy_names_round_trip(void **state) {
    (void)state;
    sourcing_kind_t k;
    for (int i = 0; i < 4; i++) {
        assert_true(sourcing_kind_parse(sourcing_kind_name((sourcing_kind_t)i), &k));
        assert_int_equal(k, i);
    }
    assert_false(sourcing_kind_parse("closest", &k));
    assert_false(sourcing_kind_parse(NULL, &k));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distance_table_is_symmetric_and_plausible),
        cmocka_unit_test(distance_parse_rejects_bad_rows),
        cmocka_unit_test(nearest_picks_the_closest_that_fills),
        cmocka_unit_test(nearest_skips_a_warehouse_that_cannot_fill),
        cmocka_unit_test(cheapest_and_fastest_follow_the_estimator),
        cmocka_unit_test(default_estimator_charges_by_zone),
        cmocka_unit_test(weighted_mixes_the_measures),
        cmocka_unit_test(safety_stock_is_avoided_when_another_can_fill),
        cmocka_unit_test(requested_date_prefers_a_warehouse_in_time),
        cmocka_unit_test(priority_breaks_ties),
        cmocka_unit_test(splittable_takes_a_minimal_set),
        cmocka_unit_test(not_splittable_gets_nothing_when_none_fills),
        cmocka_unit_test(a_warehouse_nothing_ships_from_is_no_candidate),
        cmocka_unit_test(notes_and_reasons_say_why),
        cmocka_unit_test(policy_names_round_trip),
    };
    return cmocka_run_group_tests(tests, load_distances, NULL);
}
