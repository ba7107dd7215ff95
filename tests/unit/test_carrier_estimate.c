#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/carrier_estimate.h"
#include "util/file.h"

/* Sourcing's shipping estimate from carriers' rate cards (core/carrier_estimate.c), and the
 * parcel an order makes (sourcing_parcel_estimate). */

#define SHANGHAI 310000
#define GUANGDONG 440000
#define GUANGXI 450000
#define HEILONGJIANG 230000
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

static carrier_t carrier(const char *code, const char *json) {
    json_error_t jerr;
    json_t *config = json_loads(json, 0, &jerr);
    if (!config)
        fail_msg("bad test JSON: %s", jerr.text);
    carrier_t c;
    field_errors_t errs = {0};
    if (!carrier_parse(code, config, &c, &errs))
        fail_msg("%s refused: %s %s", code, errs.items[0].field, errs.items[0].message);
    json_decref(config);
    return c;
}

#define RATE(ff, sf, d)                                                                            \
    "{\"first_weight_g\":1000,\"first_fen\":" #ff ",\"step_g\":1000,\"step_fen\":" #sf             \
    ",\"promised_days\":" #d "}"

/* ZTO: cheap by weight, mainland only, no remote rate, a lenient volumetric divisor. SF: dear,
 * fast, everywhere. */
static const char ZTO[] =
    "{\"name\":\"中通\",\"volumetric_divisor\":8000,\"provinces\":[31,44,45,23],"
    "\"rate_card\":{\"local\":" RATE(500, 100, 2) ",\"regional\":" RATE(
        700, 200, 2) ",\"national\":" RATE(900, 400, 3) "}}";
static const char SF[] =
    "{\"name\":\"顺丰\",\"volumetric_divisor\":6000,\"rate_card\":{"
    "\"local\":" RATE(1200, 200, 1) ",\"regional\":" RATE(1400, 400, 1) ",\"national\":" RATE(
        2300, 1300, 2) ",\"remote\":" RATE(2800, 1600, 3) "}}";

typedef struct {
    carrier_t list[2];
    carrier_book_t book;
} book_t;

static void book_init(book_t *b) {
    b->list[0] = carrier("SF", SF);
    b->list[1] = carrier("ZTO", ZTO);
    b->book = (carrier_book_t){.carriers = b->list, .n = 2};
}

static void book_free(book_t *b) {
    carrier_free(&b->list[0]);
    carrier_free(&b->list[1]);
}

static sourcing_parcel_t parcel(int32_t from, int32_t to, int64_t weight_g) {
    int32_t km = sourcing_km(&distances, from, to);
    return (sourcing_parcel_t){.from_code = from,
                               .to_code = to,
                               .km = km,
                               .zone = sourcing_zone(km),
                               .units = 1,
                               .weight_g = weight_g};
}

static void cheapest_carrier_by_the_tables_zone(void **state) {
    (void)state;
    book_t b;
    book_init(&b);
    sourcing_quote_t q;
    /* 广东 → 广西 (503 km): regional; 1.5 kg is a first kilogram and one step. */
    sourcing_parcel_t p = parcel(GUANGDONG, GUANGXI, 1500);
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_string_equal(q.carrier, "ZTO");
    assert_string_equal(q.carrier_zone, "regional");
    assert_int_equal(q.cost_fen, 700 + 200);
    assert_int_equal(q.days, 2);
    /* 上海 → 广东 (1212 km): national. */
    p = parcel(SHANGHAI, GUANGDONG, 1500);
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_string_equal(q.carrier_zone, "national");
    assert_int_equal(q.cost_fen, 900 + 400);
    /* 广东 → 黑龙江 (2791 km): remote, which only SF prices. */
    p = parcel(GUANGDONG, HEILONGJIANG, 1500);
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_string_equal(q.carrier, "SF");
    assert_string_equal(q.carrier_zone, "remote");
    assert_int_equal(q.cost_fen, 2800 + 1600);
    /* Within 广东: local. */
    p = parcel(GUANGDONG, GUANGDONG, 800);
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_string_equal(q.carrier_zone, "local");
    assert_int_equal(q.cost_fen, 500);
    book_free(&b);
}

static void coverage_activity_and_unknown_weight(void **state) {
    (void)state;
    book_t b;
    book_init(&b);
    sourcing_quote_t q;
    /* ZTO does not cover 浙江: SF's price. */
    sourcing_parcel_t p = parcel(SHANGHAI, 330000, 1000);
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_string_equal(q.carrier, "SF");
    /* No weight: half a kilogram per unit (3 units: 1.5 kg). */
    p = parcel(GUANGDONG, GUANGXI, 0);
    p.units = 3;
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_int_equal(q.cost_fen, 700 + 200);
    /* An inactive carrier quotes nothing; with none left nothing ships. */
    b.list[1].active = false;
    p = parcel(GUANGDONG, GUANGXI, 1000);
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_string_equal(q.carrier, "SF");
    b.list[0].active = false;
    assert_false(carrier_estimate_quote(&b.book, &p, &q));
    book_free(&b);
}

static void volumetric_weight_where_the_sides_are_known(void **state) {
    (void)state;
    book_t b;
    book_init(&b);
    sourcing_quote_t q;
    /* A light, bulky parcel: 430×210×270 mm = 24.4 L. ZTO (8000 cm³/kg) charges 3,048 g: the
     * first kilogram and three steps (SF, at 6000, would charge 4,064 g)... */
    sourcing_parcel_t p = parcel(GUANGDONG, GUANGXI, 500);
    p.length_mm = 430;
    p.width_mm = 210;
    p.height_mm = 270;
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_string_equal(q.carrier, "ZTO");
    assert_int_equal(q.cost_fen, 700 + 3 * 200);
    /* ...while the actual weight alone would be the first kilogram. */
    p.length_mm = p.width_mm = p.height_mm = 0;
    assert_true(carrier_estimate_quote(&b.book, &p, &q));
    assert_int_equal(q.cost_fen, 700);
    book_free(&b);
}

static void the_parcel_an_order_makes(void **state) {
    (void)state;
    sourcing_request_t req = {0};
    pack_item_t items[2] = {
        {.weight_g = 400, .length_mm = 120, .width_mm = 90, .height_mm = 90, .qty = 2},
        {.weight_g = 0, .length_mm = 80, .width_mm = 80, .height_mm = 250, .qty = 1},
    };
    sourcing_parcel_estimate(items, 2, &req);
    assert_int_equal(req.weight_g, 2 * 400 + 500); /* no weight: half a kilogram */
    packaging_t box = packaging_choose(items, 2);
    assert_int_equal(req.length_mm, box.length_mm);
    assert_int_equal(req.width_mm, box.width_mm);
    assert_int_equal(req.height_mm, box.height_mm);
    /* One item without its sides: no box, no volumetric weight. */
    items[1].height_mm = 0;
    sourcing_parcel_estimate(items, 2, &req);
    assert_int_equal(req.length_mm, 0);
    assert_int_equal(req.height_mm, 0);
}

/* Two warehouses, 广州 and 上海, an order to 广西: the rate cards decide which is cheaper. */
static void cheapest_sourcing_follows_the_rate_cards(void **state) {
    (void)state;
    book_t b;
    book_init(&b);
    sourcing_estimator_t est = {.quote = carrier_estimate_quote, .ctx = &b.book};
    reserve_warehouse_t wh[2] = {{"GZ", GUANGDONG, 5}, {"SH", SHANGHAI, 1}};
    int line_sku[1] = {0};
    int32_t line_qty[1] = {1}, short_qty[1];
    int64_t available[2] = {10, 10};
    sourcing_policy_t policy;
    sourcing_policy_default(&policy);
    policy.kind = SOURCING_CHEAPEST;
    sourcing_request_t req = {.base = {.n_lines = 1,
                                       .line_sku = line_sku,
                                       .line_qty = line_qty,
                                       .n_skus = 1,
                                       .n_warehouses = 2,
                                       .warehouses = wh,
                                       .buyer_province_code = GUANGXI,
                                       .available = available},
                              .days_until_requested = -1,
                              .policy = &policy,
                              .distances = &distances,
                              .estimator = &est,
                              .weight_g = 1000};
    reserve_alloc_t out[2];
    sourcing_decision_t d;
    sourcing_plan(&req, out, short_qty, &d);
    assert_int_equal(d.outcome, SOURCING_WHOLE);
    assert_int_equal(d.candidates[0].warehouse, 0); /* GZ: regional ¥7 against national ¥9 */
    assert_string_equal(d.candidates[0].carrier, "ZTO");
    assert_string_equal(d.candidates[0].carrier_zone, "regional");
    assert_int_equal(d.candidates[0].cost_fen, 700);
    char reason[256], note[200];
    const char *codes[] = {"GZ", "SH"};
    sourcing_reason(&d, &policy, codes, reason, sizeof reason);
    assert_non_null(strstr(reason, "GZ fills the whole order"));
    assert_non_null(strstr(reason, "ZTO quotes ¥7.00, 2 days (regional)"));
    sourcing_candidate_note(&d.candidates[1], note, sizeof note);
    assert_non_null(strstr(note, "¥9.00 by ZTO (national), 3 days"));

    /* ZTO's regional rate goes up: shipping from Shanghai is cheaper now. */
    b.list[1].zones[ZONE_REGIONAL].first_fen = 1000;
    available[0] = available[1] = 10;
    sourcing_plan(&req, out, short_qty, &d);
    assert_int_equal(d.candidates[0].warehouse, 1);
    assert_int_equal(d.candidates[0].cost_fen, 900);

    /* Nobody takes parcels to 新疆 but SF (remote): with SF gone no carrier quotes, yet the
     * stock is still held for the order (it must not be sold twice), priced by the zone
     * defaults, and the note says why. */
    b.list[0].active = false;
    req.base.buyer_province_code = XINJIANG;
    available[0] = available[1] = 10;
    sourcing_plan(&req, out, short_qty, &d);
    assert_int_equal(d.outcome, SOURCING_WHOLE);
    assert_false(d.candidates[0].ships);
    assert_true(d.candidates[0].cost_fen > 0);
    sourcing_candidate_note(&d.candidates[0], note, sizeof note);
    assert_non_null(strstr(note, "no carrier ships from there"));
    book_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cheapest_carrier_by_the_tables_zone),
        cmocka_unit_test(coverage_activity_and_unknown_weight),
        cmocka_unit_test(volumetric_weight_where_the_sides_are_known),
        cmocka_unit_test(the_parcel_an_order_makes),
        cmocka_unit_test(cheapest_sourcing_follows_the_rate_cards),
    };
    return cmocka_run_group_tests(tests, load_distances, NULL);
}
