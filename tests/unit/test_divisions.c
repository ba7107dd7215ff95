#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/divisions.h"
#include "util/file.h"
#include "util/timefmt.h"

static int setup(void **state) {
    char path[1024], err[256];
    if (data_path("divisions/vant-area-data-2.1.0.areaList.json", path, sizeof path) != 0)
        return -1;
    char *text = file_read_all(path, NULL);
    if (!text)
        return -1;
    divisions_t *d = divisions_from_json(text, err, sizeof err);
    free(text);
    if (!d) {
        print_error("divisions: %s\n", err);
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state) {
    divisions_free(*state);
    return 0;
}

typedef struct {
    bool ok;
    address_t addr;
    field_errors_t errs;
} result_t;

static result_t resolve(const divisions_t *d, const char *p, const char *c, const char *dist) {
    result_t r;
    memset(&r, 0, sizeof r);
    r.addr.province = p;
    r.addr.city = c;
    r.addr.district = dist;
    r.ok = divisions_resolve(d, &r.addr, "address", &r.errs);
    return r;
}

static void expect_ok(const divisions_t *d, const char *p, const char *c, const char *dist,
                      int32_t district_code, const char *district_name) {
    result_t r = resolve(d, p, c, dist);
    if (!r.ok)
        fail_msg("%s/%s/%s: %s %s", p, c, dist, r.errs.items[0].code, r.errs.items[0].message);
    assert_int_equal(r.errs.count, 0);
    assert_int_equal(r.addr.district_code, district_code);
    assert_int_equal(r.addr.city_code, district_code / 100 * 100);
    assert_int_equal(r.addr.province_code, district_code / 10000 * 10000);
    assert_string_equal(r.addr.district_name, district_name);
}

/* Expects exactly one error, on `field` with `code`, whose message mentions `needle`. */
static void expect_error(const divisions_t *d, const char *p, const char *c, const char *dist,
                         const char *field, const char *code, const char *needle) {
    result_t r = resolve(d, p, c, dist);
    assert_false(r.ok);
    if (r.errs.count != 1)
        fail_msg("%s/%s/%s: %d errors, expected 1", p, c, dist, r.errs.count);
    assert_string_equal(r.errs.items[0].field, field);
    assert_string_equal(r.errs.items[0].code, code);
    if (!strstr(r.errs.items[0].message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", r.errs.items[0].message, needle);
    assert_int_equal(r.addr.district_code, 0);
    assert_null(r.addr.district_name);
}

static void canonical_names_resolve(void **state) {
    const divisions_t *d = *state;
    expect_ok(d, "广东省", "广州市", "天河区", 440106, "天河区");
    expect_ok(d, "浙江省", "杭州市", "西湖区", 330106, "西湖区");
    result_t r = resolve(d, "广东省", "深圳市", "南山区");
    assert_true(r.ok);
    assert_string_equal(r.addr.province_name, "广东省");
    assert_string_equal(r.addr.city_name, "深圳市");
    assert_int_equal(r.addr.city_code, 440300);
}

static void names_without_suffix_resolve(void **state) {
    const divisions_t *d = *state;
    expect_ok(d, "广东", "广州", "天河", 440106, "天河区");
    expect_ok(d, "内蒙古", "呼和浩特", "新城区", 150102, "新城区");
    expect_ok(d, "广西", "南宁", "青秀区", 450103, "青秀区");
    expect_ok(d, "广西壮族自治区", "南宁市", "青秀区", 450103, "青秀区");
    expect_ok(d, "新疆", "乌鲁木齐", "天山区", 650102, "天山区");
    expect_ok(d, "宁夏", "银川", "兴庆区", 640104, "兴庆区");
    expect_ok(d, "西藏", "拉萨", "城关区", 540102, "城关区");
    /* Autonomous prefectures by place name and by the common "…州" short form. */
    expect_ok(d, "湖北", "恩施州", "恩施市", 422801, "恩施市");
    expect_ok(d, "湖北省", "恩施", "利川", 422802, "利川市");
    result_t r = resolve(d, "湖北", "恩施", "利川");
    assert_string_equal(r.addr.city_name, "恩施土家族苗族自治州");
    assert_string_equal(r.addr.province_name, "湖北省");
}

static void surrounding_spaces_are_ignored(void **state) {
    const divisions_t *d = *state;
    /* ASCII spaces and the ideographic space U+3000 that IMEs produce. */
    expect_ok(d, " 北京市 ", "北京市\t", "\xE3\x80\x80朝阳区\xE3\x80\x80", 110105, "朝阳区");
}

static void municipality_forms(void **state) {
    const divisions_t *d = *state;
    expect_ok(d, "北京市", "北京市", "朝阳区", 110105, "朝阳区");
    expect_ok(d, "北京", "北京", "朝阳", 110105, "朝阳区");
    expect_ok(d, "北京市", "市辖区", "朝阳区", 110105, "朝阳区");
    expect_ok(d, "北京市", "", "海淀区", 110108, "海淀区");
    expect_ok(d, "北京市", NULL, "海淀区", 110108, "海淀区");
    expect_ok(d, "上海", "上海市", "浦东新区", 310115, "浦东新区");
    expect_ok(d, "天津市", "天津", "和平区", 120101, "和平区");
    /* 重庆's counties sit under the placeholder city 500200 "县"; the label still reads 重庆市. */
    expect_ok(d, "重庆市", "重庆市", "城口县", 500229, "城口县");
    expect_ok(d, "重庆市", "县", "城口县", 500229, "城口县");
    result_t r = resolve(d, "重庆", "重庆", "城口县");
    assert_string_equal(r.addr.city_name, "重庆市");
    assert_int_equal(r.addr.city_code, 500200);
    r = resolve(d, "北京", "", "朝阳区");
    assert_string_equal(r.addr.city_name, "北京市");
    assert_string_equal(r.addr.province_name, "北京市");
}

static void city_in_wrong_province(void **state) {
    const divisions_t *d = *state;
    expect_error(d, "北京市", "广州市", "朝阳区", "address.city", "city_not_in_province",
                 "city '广州市' is not in province '北京市'");
    expect_error(d, "广东省", "杭州市", "西湖区", "address.city", "city_not_in_province",
                 "'杭州市' is not in province '广东省'");
    expect_error(d, "广东省", "北京市", "朝阳区", "address.city", "city_not_in_province", "北京市");
}

static void district_in_wrong_city(void **state) {
    const divisions_t *d = *state;
    expect_error(d, "广东省", "广州市", "朝阳区", "address.district", "district_not_in_city",
                 "district '朝阳区' is not in city '广州市'");
    expect_error(d, "广东省", "深圳市", "天河区", "address.district", "district_not_in_city",
                 "天河区");
    /* For a municipality the scope is the whole municipality. */
    expect_error(d, "北京市", "北京市", "天河区", "address.district", "district_not_in_city",
                 "天河区");
}

static void unknown_names(void **state) {
    const divisions_t *d = *state;
    expect_error(d, "火星省", "广州市", "天河区", "address.province", "unknown_province",
                 "'火星省'");
    expect_error(d, "广东省", "火星市", "天河区", "address.city", "unknown_city", "'火星市'");
    expect_error(d, "广东省", "广州市", "火星区", "address.district", "unknown_district",
                 "'火星区'");
    expect_error(d, "北京市", "北京市", "火星区", "address.district", "unknown_district", "火星区");
    /* A province is not a city, and a one-character stem is not a name. */
    expect_error(d, "广东省", "广东省", "天河区", "address.city", "unknown_city", "广东省");
    expect_error(d, "广东", "广", "天河区", "address.city", "unknown_city", "'广'");
    /* 阳泉市 has 城区 and 郊区: "城" alone must not be taken for 城区. */
    expect_error(d, "山西省", "阳泉市", "城", "address.district", "unknown_district", "'城'");
    expect_ok(d, "山西省", "阳泉市", "城区", 140302, "城区");
}

static void bad_city_and_bad_district_in_a_municipality_are_both_reported(void **state) {
    const divisions_t *d = *state;
    result_t r = resolve(d, "北京市", "火星市", "火星区");
    assert_false(r.ok);
    assert_int_equal(r.errs.count, 2);
    assert_string_equal(r.errs.items[0].code, "unknown_city");
    assert_string_equal(r.errs.items[1].code, "unknown_district");
}

static void ambiguous_short_names_need_the_full_name(void **state) {
    const divisions_t *d = *state;
    /* 临夏州 has both 临夏市 and 临夏县. */
    expect_error(d, "甘肃省", "临夏州", "临夏", "address.district", "unknown_district",
                 "more than one");
    expect_ok(d, "甘肃省", "临夏州", "临夏县", 622921, "临夏县");
    expect_ok(d, "甘肃", "临夏回族自治州", "临夏市", 622901, "临夏市");
    /* "朝阳" is ambiguous nationally but not within one city. */
    expect_ok(d, "吉林省", "长春市", "朝阳", 220104, "朝阳区");
    expect_ok(d, "辽宁省", "朝阳市", "朝阳", 211321, "朝阳县");
}

static void direct_administered_counties(void **state) {
    const divisions_t *d = *state;
    expect_ok(d, "河南省", "济源市", "济源市", 419001, "济源市");
    expect_ok(d, "河南省", "省直辖县", "济源市", 419001, "济源市");
    expect_ok(d, "河南", "济源", "济源", 419001, "济源市");
    expect_ok(d, "湖北省", "仙桃市", "仙桃市", 429004, "仙桃市");
    expect_error(d, "河南省", "济源市", "郑州市", "address.district", "district_not_in_city",
                 "济源市");
    /* The county belongs to 河南, not 湖北. */
    expect_error(d, "湖北省", "济源市", "济源市", "address.city", "city_not_in_province", "湖北省");
}

static void cities_without_counties_use_their_towns(void **state) {
    const divisions_t *d = *state;
    expect_ok(d, "广东省", "东莞市", "虎门镇", 441912, "虎门镇");
    expect_ok(d, "广东", "东莞", "虎门", 441912, "虎门镇");
    expect_ok(d, "广东省", "中山市", "小榄镇", 442006, "小榄镇");
    expect_error(d, "广东省", "东莞市", "天河区", "address.district", "district_not_in_city",
                 "东莞市");
}

static void taiwan_hong_kong_macau_are_divisions(void **state) {
    const divisions_t *d = *state;
    expect_ok(d, "香港特别行政区", "九龙", "油尖旺区", 810202, "油尖旺区");
    expect_ok(d, "香港", "香港岛", "中西区", 810101, "中西区");
    expect_ok(d, "台湾", "台北市", "中正区", 710101, "中正区");
}

static void empty_fields_are_required(void **state) {
    const divisions_t *d = *state;
    result_t r = resolve(d, "", "", "");
    assert_false(r.ok);
    assert_int_equal(r.errs.count, 3);
    const char *fields[] = {"address.province", "address.city", "address.district"};
    for (int f = 0; f < 3; f++) {
        int seen = 0;
        for (int i = 0; i < r.errs.count; i++)
            seen += strcmp(r.errs.items[i].field, fields[f]) == 0 &&
                    strcmp(r.errs.items[i].code, "required") == 0;
        if (seen != 1)
            fail_msg("%s reported %d times as required", fields[f], seen);
    }
    expect_error(d, "广东省", "", "天河区", "address.city", "required", "city");
    expect_error(d, "广东省", "广州市", NULL, "address.district", "required", "district");
}

static void prefix_shapes_the_field_path(void **state) {
    const divisions_t *d = *state;
    address_t a = {.province = "广东省", .city = "火星市", .district = "天河区"};
    field_errors_t errs = {0};
    assert_false(divisions_resolve(d, &a, "shipments[1].address", &errs));
    assert_string_equal(errs.items[0].field, "shipments[1].address.city");
    memset(&errs, 0, sizeof errs);
    assert_false(divisions_resolve(d, &a, NULL, &errs));
    assert_string_equal(errs.items[0].field, "city");
}

static void long_values_are_clipped_to_valid_utf8(void **state) {
    const divisions_t *d = *state;
    char big[600] = "";
    for (int i = 0; i < 150; i++)
        strcat(big, "火");
    result_t r = resolve(d, "广东省", big, "天河区");
    assert_false(r.ok);
    assert_string_equal(r.errs.items[0].code, "unknown_city");
    const char *m = r.errs.items[0].message;
    assert_true(strlen(m) < sizeof r.errs.items[0].message - 1);
    /* Every multi-byte sequence is complete: count lead bytes against continuation bytes. */
    for (const unsigned char *p = (const unsigned char *)m; *p;) {
        int n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
        for (int k = 1; k < n; k++)
            assert_int_equal(p[k] & 0xC0, 0x80);
        p += n;
    }
}

static void province_name_by_code(void **state) {
    const divisions_t *d = *state;
    assert_string_equal(divisions_province_name(d, 110000), "北京市");
    assert_string_equal(divisions_province_name(d, 440106), "广东省");
    assert_string_equal(divisions_province_name(d, 820000), "澳门特别行政区");
    assert_null(divisions_province_name(d, 990000));
    assert_null(divisions_province_name(d, 42));
    assert_null(divisions_province_name(d, -110000));
}

static void malformed_data_is_refused(void **state) {
    (void)state;
    char err[256] = "";
    assert_null(divisions_from_json("not json", err, sizeof err));
    assert_true(err[0] != '\0');
    err[0] = '\0';
    assert_null(divisions_from_json("{\"province_list\": {}}", err, sizeof err));
    assert_non_null(strstr(err, "city_list"));
    err[0] = '\0';
    /* A city whose province is missing. */
    assert_null(divisions_from_json("{\"province_list\": {\"110000\": \"北京市\"},"
                                    "\"city_list\": {\"440100\": \"广州市\"},"
                                    "\"county_list\": {}}",
                                    err, sizeof err));
    assert_non_null(strstr(err, "440100"));
    err[0] = '\0';
    assert_null(divisions_from_json("{\"province_list\": {\"11\": \"北京市\"},"
                                    "\"city_list\": {}, \"county_list\": {}}",
                                    err, sizeof err));
    assert_true(err[0] != '\0');
    assert_null(divisions_from_json("[]", err, sizeof err));
}

/* The brief for this code is tens of thousands of orders per second; a scan over every county
 * per call would miss that by an order of magnitude on any machine. */
static void resolving_is_fast(void **state) {
    const divisions_t *d = *state;
    const int n = 100000;
    int64_t start = time_mono_ns();
    int ok = 0;
    for (int i = 0; i < n; i++) {
        address_t a = {.province = "广东", .city = "广州市", .district = "天河"};
        field_errors_t errs;
        errs.count = 0;
        errs.dropped = 0;
        ok += divisions_resolve(d, &a, "address", &errs);
    }
    int64_t per_call_ns = (time_mono_ns() - start) / n;
    assert_int_equal(ok, n);
    /* Sanitizer builds are ~10x slower; 20 µs still allows 50,000 calls per second. */
    if (per_call_ns > 20000)
        fail_msg("divisions_resolve takes %lld ns per call", (long long)per_call_ns);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_names_resolve),
        cmocka_unit_test(names_without_suffix_resolve),
        cmocka_unit_test(surrounding_spaces_are_ignored),
        cmocka_unit_test(municipality_forms),
        cmocka_unit_test(city_in_wrong_province),
        cmocka_unit_test(district_in_wrong_city),
        cmocka_unit_test(unknown_names),
        cmocka_unit_test(bad_city_and_bad_district_in_a_municipality_are_both_reported),
        cmocka_unit_test(ambiguous_short_names_need_the_full_name),
        cmocka_unit_test(direct_administered_counties),
        cmocka_unit_test(cities_without_counties_use_their_towns),
        cmocka_unit_test(taiwan_hong_kong_macau_are_divisions),
        cmocka_unit_test(empty_fields_are_required),
        cmocka_unit_test(prefix_shapes_the_field_path),
        cmocka_unit_test(long_values_are_clipped_to_valid_utf8),
        cmocka_unit_test(province_name_by_code),
        cmocka_unit_test(malformed_data_is_refused),
        cmocka_unit_test(resolving_is_fast),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
