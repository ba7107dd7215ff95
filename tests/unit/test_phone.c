#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/phone.h"
#include "util/file.h"

static int setup(void **state) {
    char path[1024], err[256];
    if (data_path("phone/libphonenumber_PhoneNumberMetadata_CN_territory.xml", path, sizeof path) !=
        0)
        return -1;
    char *xml = file_read_all(path, NULL);
    if (!xml)
        return -1;
    phone_plan_t *p = phone_plan_from_xml(xml, err, sizeof err);
    free(xml);
    if (!p) {
        print_error("phone plan: %s\n", err);
        return -1;
    }
    *state = p;
    return 0;
}

static int teardown(void **state) {
    phone_plan_free(*state);
    return 0;
}

static void expect_kind(const phone_plan_t *p, const char *input, phone_kind_t kind,
                        const char *normalized) {
    char out[24];
    memset(out, 'x', sizeof out);
    phone_kind_t got = phone_classify(p, input, out, sizeof out);
    if (got != kind)
        fail_msg("\"%s\": kind %d, expected %d", input, got, kind);
    assert_string_equal(out, normalized);
}

static void mobiles_of_every_operator(void **state) {
    const phone_plan_t *p = *state;
    static const char *const mobiles[] = {
        "13800138000", /* China Mobile 138 */
        "15912345678", /* China Mobile 159 */
        "18712345678", /* China Mobile 187 */
        "13012345678", /* China Unicom 130 */
        "18612345678", /* China Unicom 186 */
        "16612345678", /* China Unicom 166 */
        "13312345678", /* China Telecom 133 */
        "18912345678", /* China Telecom 189 */
        "19912345678", /* China Telecom 199 */
        "17012345678", /* virtual operators 170 */
        "14512345678", /* data cards 145 */
    };
    for (size_t i = 0; i < sizeof mobiles / sizeof *mobiles; i++)
        expect_kind(p, mobiles[i], PHONE_MOBILE, mobiles[i]);
}

static void country_code_forms_are_stripped(void **state) {
    const phone_plan_t *p = *state;
    expect_kind(p, "+86 138-0013-8000", PHONE_MOBILE, "13800138000");
    expect_kind(p, "+8613800138000", PHONE_MOBILE, "13800138000");
    expect_kind(p, "0086 13800138000", PHONE_MOBILE, "13800138000");
    expect_kind(p, "8613800138000", PHONE_MOBILE, "13800138000");
    expect_kind(p, "(+86) 138 0013 8000", PHONE_MOBILE, "13800138000");
    expect_kind(p, "+86 10 12345678", PHONE_FIXED_LINE, "1012345678");
}

static void landlines_with_area_codes(void **state) {
    const phone_plan_t *p = *state;
    expect_kind(p, "010-12345678", PHONE_FIXED_LINE, "1012345678");   /* Beijing */
    expect_kind(p, "021 62345678", PHONE_FIXED_LINE, "2162345678");   /* Shanghai */
    expect_kind(p, "0755-86013388", PHONE_FIXED_LINE, "75586013388"); /* Shenzhen */
    expect_kind(p, "(0755)86013388", PHONE_FIXED_LINE, "75586013388");
    expect_kind(p, "0571-88888888", PHONE_FIXED_LINE, "57188888888"); /* Hangzhou */
}

static void invalid_numbers(void **state) {
    const phone_plan_t *p = *state;
    static const char *const bad[] = {
        "12345",                    /* too short */
        "1380013800",               /* 10 digits */
        "138001380000",             /* 12 digits */
        "23800138000",              /* 11 digits not starting with 1, no trunk prefix */
        "12012345678",              /* 120 is not a mobile range */
        "1380013800a",              /* a letter */
        "one3800138000",            /* letters */
        "",                         /* empty */
        "   ",                      /* separators only */
        "+1 202 555 0123",          /* another country */
        "138+00138000",             /* '+' inside */
        "86013388",                 /* local landline without area code */
        "86 10 12345678",           /* bare 86 is a country code only before a mobile */
        "  +86 138 0013 8000   ",   /* 22 characters typed: over the cap though the digits fit */
        "010-1234567",              /* Beijing numbers have 8 digits */
        "0",                        /* trunk prefix alone */
        "00",                       /* trunk prefix twice */
        "138001380001380013800138", /* over 20 characters */
        "13800138000\n",            /* control character */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_kind(p, bad[i], PHONE_INVALID, "");
    char out[24] = "untouched";
    assert_int_equal(phone_classify(p, NULL, out, sizeof out), PHONE_INVALID);
    assert_string_equal(out, "");
}

static void very_long_input_is_rejected_safely(void **state) {
    const phone_plan_t *p = *state;
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, '1', n);
    big[n] = '\0';
    char out[24];
    assert_int_equal(phone_classify(p, big, out, sizeof out), PHONE_INVALID);
    free(big);
}

static void small_output_buffer_is_never_overrun(void **state) {
    const phone_plan_t *p = *state;
    char out[8] = "guard";
    /* The number is valid but its 11 digits do not fit: refuse rather than truncate. */
    assert_int_equal(phone_classify(p, "13800138000", out, sizeof out), PHONE_INVALID);
    assert_string_equal(out, "");
}

static void malformed_metadata_is_refused(void **state) {
    (void)state;
    char err[256] = "";
    assert_null(phone_plan_from_xml("<territory></territory>", err, sizeof err));
    assert_non_null(strstr(err, "mobile"));
    err[0] = '\0';
    assert_null(phone_plan_from_xml("<mobile><nationalNumberPattern>1\\s{10}"
                                    "</nationalNumberPattern></mobile>",
                                    err, sizeof err));
    assert_true(err[0] != '\0');
    err[0] = '\0';
    assert_null(phone_plan_from_xml("<!-- unterminated", err, sizeof err));
    assert_true(err[0] != '\0');
    assert_null(phone_plan_from_xml(NULL, err, sizeof err));
}

static void tiny_metadata_is_used_as_written(void **state) {
    (void)state;
    char err[256];
    /* A comment mentioning <mobile> must not be taken for the element. */
    phone_plan_t *p =
        phone_plan_from_xml("<!-- <mobile> here is prose --><fixedLine><nationalNumberPattern>\n"
                            "  (?: 10 )\\d{8}\n</nationalNumberPattern></fixedLine>"
                            "<mobile><nationalNumberPattern>\n  1(?:\n 3\\d\n)\\d{8}\n"
                            "</nationalNumberPattern></mobile>",
                            err, sizeof err);
    assert_non_null(p);
    char out[24];
    assert_int_equal(phone_classify(p, "13912345678", out, sizeof out), PHONE_MOBILE);
    assert_int_equal(phone_classify(p, "15912345678", out, sizeof out), PHONE_INVALID);
    assert_int_equal(phone_classify(p, "010-12345678", out, sizeof out), PHONE_FIXED_LINE);
    assert_int_equal(phone_classify(p, "021-12345678", out, sizeof out), PHONE_INVALID);
    phone_plan_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mobiles_of_every_operator),
        cmocka_unit_test(country_code_forms_are_stripped),
        cmocka_unit_test(landlines_with_area_codes),
        cmocka_unit_test(invalid_numbers),
        cmocka_unit_test(very_long_input_is_rejected_safely),
        cmocka_unit_test(small_output_buffer_is_never_overrun),
        cmocka_unit_test(malformed_metadata_is_refused),
        cmocka_unit_test(tiny_metadata_is_used_as_written),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
