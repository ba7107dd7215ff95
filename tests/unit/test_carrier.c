#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/carrier.h"
#include "core/sourcing.h"
#include "util/file.h"

/* A carrier from its settings as JSON text; fails the test when they do not parse. */
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

#define RATE(fw, ff, sg, sf, d)                                                                    \
    "{\"first_weight_g\":" #fw ",\"first_fen\":" #ff ",\"step_g\":" #sg ",\"step_fen\":" #sf       \
    ",\"promised_days\":" #d "}"

static const char SF[] =
    "{\"name\":\"顺丰速运\",\"quality_score\":95,\"volumetric_divisor\":6000,"
    "\"rate_card\":{\"local\":" RATE(
        1000, 1200, 1000, 200,
        1) ","
           "\"national\":" RATE(1000, 2300, 1000, 1300,
                                2) "},"
                                   "\"tracking_format\":{\"pattern\":\"SF[0-9]{12,13}\"}}";
static const char ZTO[] =
    "{\"name\":\"中通快递\",\"quality_score\":80,\"volumetric_divisor\":8000,"
    "\"rate_card\":{\"local\":" RATE(
        1000, 600, 1000, 100, 2) ","
                                 "\"national\":" RATE(1000, 1000, 1000, 400,
                                                      4) "},"
                                                         "\"provinces\":[31,32,33,440000,11]}";
static const char EMS[] =
    "{\"name\":\"EMS\",\"quality_score\":99,"
    "\"rate_card\":{\"local\":" RATE(
        500, 1500, 500, 500,
        3) ","
           "\"national\":" RATE(500, 2000, 500, 800,
                                5) ","
                                   "\"remote\":" RATE(
                                       500, 3000, 500, 1500,
                                       7) "},"
                                          "\"tracking_format\":{\"pattern\":\"E[A-Z][0-9]{9}CN\","
                                          "\"check\":\"s10\"}, \"channels\":[\"jd\"]}";

/* Zones by km alone, at the thresholds. */
static void zone_thresholds(void **state) {
    (void)state;
    assert_int_equal(ship_zone_between(31, 31, 0), ZONE_LOCAL);
    assert_int_equal(ship_zone_between(65, 65, 0), ZONE_LOCAL); /* within 新疆 */
    assert_int_equal(ship_zone_between(31, 33, 1), ZONE_REGIONAL);
    assert_int_equal(ship_zone_between(31, 33, SHIP_ZONE_REGIONAL_KM), ZONE_REGIONAL);
    assert_int_equal(ship_zone_between(31, 33, SHIP_ZONE_REGIONAL_KM + 1), ZONE_NATIONAL);
    assert_int_equal(ship_zone_between(31, 33, SHIP_ZONE_REMOTE_KM), ZONE_NATIONAL);
    assert_int_equal(ship_zone_between(31, 33, SHIP_ZONE_REMOTE_KM + 1), ZONE_REMOTE);
    /* Into Tibet or Xinjiang is remote however near; out of them goes by distance. */
    assert_int_equal(ship_zone_between(51, 54, 400), ZONE_REMOTE);
    assert_int_equal(ship_zone_between(62, 65, 400), ZONE_REMOTE);
    assert_int_equal(ship_zone_between(65, 62, 1626), ZONE_NATIONAL);
    /* Unknown distance (a province not in the table): national. */
    assert_int_equal(ship_zone_between(44, 81, -1), ZONE_NATIONAL);
    assert_int_equal(ship_zone_between(44, 81, 0), ZONE_NATIONAL);
    assert_int_equal(ship_zone_between(81, 65, -1), ZONE_REMOTE);
    assert_string_equal(ship_zone_name(ZONE_REMOTE), "remote");
}

static sourcing_distances_t distances;

static int32_t km(int from, int to) {
    return sourcing_km(&distances, from * 10000, to * 10000);
}

static ship_zone_t zone_by_table(int from, int to) {
    return ship_zone_between(from, to, km(from, to));
}

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

/* Zones between real provinces, from the shipped distance table. */
static void zones_from_the_table(void **state) {
    (void)state;
    assert_int_equal(zone_by_table(44, 44), ZONE_LOCAL);
    assert_int_equal(zone_by_table(44, 45), ZONE_REGIONAL); /* 广州 → 南宁 503 km */
    assert_int_equal(zone_by_table(44, 43), ZONE_REGIONAL); /* 广州 → 长沙 568 km */
    assert_int_equal(zone_by_table(31, 33), ZONE_REGIONAL); /* 上海 → 杭州 165 km */
    assert_int_equal(zone_by_table(31, 44), ZONE_NATIONAL); /* 上海 → 广州 1212 km */
    assert_int_equal(zone_by_table(11, 23), ZONE_NATIONAL); /* 北京 → 哈尔滨 1053 km */
    assert_int_equal(zone_by_table(44, 23), ZONE_REMOTE);   /* 广州 → 哈尔滨 2791 km */
    assert_int_equal(zone_by_table(23, 53), ZONE_REMOTE);   /* 哈尔滨 → 昆明 3136 km */
    assert_int_equal(zone_by_table(31, 65), ZONE_REMOTE);   /* → 新疆 */
    assert_int_equal(zone_by_table(44, 82), ZONE_NATIONAL); /* 澳门: not in the table */
    assert_in_range(km(44, 45), 400, SHIP_ZONE_REGIONAL_KM);
    assert_in_range(km(44, 23), SHIP_ZONE_REMOTE_KM + 1, 4000);
    assert_int_equal(km(44, 82), -1);
}

static void rates_and_volumetric_weight(void **state) {
    (void)state;
    carrier_t sf = carrier("SF", SF);
    /* Light and small: the first kilogram. */
    assert_int_equal(carrier_chargeable_g(&sf, 800, 200, 100, 100), 800); /* vol 334 g */
    assert_int_equal(carrier_rate_fen(&sf, ZONE_LOCAL, 800), 1200);
    assert_int_equal(carrier_rate_fen(&sf, ZONE_LOCAL, 1000), 1200);
    /* Any part of a further kilogram is a whole step. */
    assert_int_equal(carrier_rate_fen(&sf, ZONE_LOCAL, 1001), 1400);
    assert_int_equal(carrier_rate_fen(&sf, ZONE_NATIONAL, 3500), 2300 + 3 * 1300);
    /* Light but bulky: 400×300×300 mm = 36,000 cm³ / 6000 = 6 kg charged for 1.2 kg. */
    assert_int_equal(carrier_chargeable_g(&sf, 1200, 400, 300, 300), 6000);
    assert_int_equal(carrier_rate_fen(&sf, ZONE_NATIONAL, 6000), 2300 + 5 * 1300);
    /* A zone without a price is not served. */
    assert_int_equal(carrier_rate_fen(&sf, ZONE_REMOTE, 1000), -1);
    carrier_t zto = carrier("ZTO", ZTO);
    assert_int_equal(carrier_chargeable_g(&zto, 1200, 400, 300, 300), 4500); /* divisor 8000 */
    carrier_free(&sf);
    carrier_free(&zto);
}

static void s10_check_digits(void **state) {
    (void)state;
    /* The UPU's own example: 47312482 → 9. */
    assert_int_equal(s10_check_digit("47312482"), 9);
    /* 11 - 0 → 5 and 11 - 1 = 10 → 0. */
    assert_int_equal(s10_check_digit("00000000"), 5);
    assert_int_equal(s10_check_digit("00004000"), 0); /* 4*3 = 12, 12 mod 11 = 1 */
    assert_int_equal(s10_check_digit("0000001"), -1);
    assert_int_equal(s10_check_digit("0000000A"), -1);
    carrier_t ems = carrier("EMS", EMS);
    assert_true(carrier_tracking_valid(&ems, "EA473124829CN"));
    assert_false(carrier_tracking_valid(&ems, "EA473124828CN")); /* wrong check digit */
    assert_false(carrier_tracking_valid(&ems, "EA47312482CN"));  /* a digit short */
    assert_false(carrier_tracking_valid(&ems, "RA473124829CN")); /* not EMS's series */
    carrier_free(&ems);
}

static void tracking_formats(void **state) {
    (void)state;
    carrier_t sf = carrier("SF", SF);
    assert_true(carrier_tracking_valid(&sf, "SF1234567890123"));
    assert_true(carrier_tracking_valid(&sf, "SF123456789012"));
    assert_false(carrier_tracking_valid(&sf, "SF12345678901"));
    /* Anchored: the pattern must describe the whole number. */
    assert_false(carrier_tracking_valid(&sf, "XSF1234567890123"));
    assert_false(carrier_tracking_valid(&sf, "SF1234567890123 "));
    assert_false(carrier_tracking_valid(&sf, ""));
    carrier_free(&sf);
    carrier_t zto = carrier("ZTO", ZTO); /* no format: anything non-empty of sane length */
    assert_true(carrier_tracking_valid(&zto, "75123456789012"));
    carrier_free(&zto);
}

static void settings_errors(void **state) {
    (void)state;
    json_t *bad = json_loads("{\"name\":\"\",\"rate_card\":{\"moon\":{},\"local\":{\"first_weight_"
                             "g\":0}},\"provinces\":[7],\"tracking_format\":{\"pattern\":\"([\","
                             "\"check\":\"luhn\"},\"volumetric_divisor\":5}",
                             0, NULL);
    carrier_t c;
    field_errors_t errs = {0};
    assert_false(carrier_parse("X", bad, &c, &errs));
    const char *expected[] = {"name",
                              "provinces[0]",
                              "rate_card.local.first_fen",
                              "rate_card.local.first_weight_g",
                              "rate_card",
                              "volumetric_divisor",
                              "tracking_format.pattern",
                              "tracking_format.check"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        bool found = false;
        for (int k = 0; k < errs.count; k++)
            found |= strcmp(errs.items[k].field, expected[i]) == 0;
        if (!found)
            fail_msg("no error for %s", expected[i]);
    }
    carrier_free(&c);
    json_decref(bad);
}

typedef struct {
    carrier_t list[3];
} three_t;

static carrier_choice_t choose(three_t *t, int to, carrier_policy_t policy, const char *required,
                               const char *channel) {
    carrier_request_t req = {.from_province = 31,
                             .to_province = to,
                             .km = km(31, to),
                             .weight_g = 1500,
                             .length_mm = 300,
                             .width_mm = 200,
                             .height_mm = 150,
                             .channel = channel,
                             .required = required,
                             .policy = policy};
    return carrier_choose(t->list, 3, &req);
}

static void choice_by_policy(void **state) {
    (void)state;
    three_t t = {{carrier("SF", SF), carrier("ZTO", ZTO), carrier("EMS", EMS)}};
    /* 上海 → 广东, national: 1.5 kg. ZTO 1000+400, SF 2300+1300, EMS 2000+2×800. */
    carrier_choice_t c = choose(&t, 44, POLICY_CHEAPEST, NULL, NULL);
    assert_string_equal(t.list[c.index].code, "ZTO");
    assert_int_equal(c.price_fen, 1400);
    assert_string_equal(c.why, "cheapest");
    assert_int_equal(c.zone, ZONE_NATIONAL);
    c = choose(&t, 44, POLICY_FASTEST, NULL, NULL);
    assert_string_equal(t.list[c.index].code, "SF");
    assert_int_equal(c.promised_days, 2);
    c = choose(&t, 44, POLICY_BEST_SCORE, NULL, NULL);
    assert_string_equal(t.list[c.index].code, "EMS");
    /* Coverage: ZTO does not go to 湖南 (43); SF and EMS then cost the same (3600) and the
     * better score wins the tie. */
    c = choose(&t, 43, POLICY_CHEAPEST, NULL, NULL);
    assert_string_equal(t.list[c.index].code, "EMS");
    assert_int_equal(c.price_fen, 3600);
    /* Only EMS prices the remote zone. */
    c = choose(&t, 65, POLICY_CHEAPEST, NULL, NULL);
    assert_string_equal(t.list[c.index].code, "EMS");
    assert_int_equal(c.zone, ZONE_REMOTE);
    for (int i = 0; i < 3; i++)
        carrier_free(&t.list[i]);
}

static void required_and_channel_carriers(void **state) {
    (void)state;
    three_t t = {{carrier("SF", SF), carrier("ZTO", ZTO), carrier("EMS", EMS)}};
    carrier_choice_t c = choose(&t, 44, POLICY_CHEAPEST, "SF", NULL);
    assert_string_equal(t.list[c.index].code, "SF");
    assert_string_equal(c.why, "required");
    /* The channel's carrier (EMS for jd) wins over the policy, not over the order's own. */
    c = choose(&t, 44, POLICY_CHEAPEST, NULL, "jd");
    assert_string_equal(t.list[c.index].code, "EMS");
    assert_string_equal(c.why, "channel");
    c = choose(&t, 44, POLICY_CHEAPEST, "SF", "jd");
    assert_string_equal(t.list[c.index].code, "SF");
    /* A required carrier that cannot take the parcel is refused, not replaced. */
    c = choose(&t, 43, POLICY_CHEAPEST, "ZTO", NULL);
    assert_int_equal(c.index, -1);
    assert_non_null(strstr(c.refusal, "ZTO"));
    c = choose(&t, 44, POLICY_CHEAPEST, "YTO", NULL);
    assert_int_equal(c.index, -1);
    assert_non_null(strstr(c.refusal, "no carrier YTO"));
    /* Nobody serves the zone. */
    t.list[2].active = false;
    c = choose(&t, 65, POLICY_CHEAPEST, NULL, NULL);
    assert_int_equal(c.index, -1);
    for (int i = 0; i < 3; i++)
        carrier_free(&t.list[i]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zone_thresholds),
        cmocka_unit_test(zones_from_the_table),
        cmocka_unit_test(rates_and_volumetric_weight),
        cmocka_unit_test(s10_check_digits),
        cmocka_unit_test(tracking_formats),
        cmocka_unit_test(settings_errors),
        cmocka_unit_test(choice_by_policy),
        cmocka_unit_test(required_and_channel_carriers),
    };
    return cmocka_run_group_tests(tests, load_distances, NULL);
}
