#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/timefmt.h"

/* 2026-11-10T16:00:01Z, checked against `date -u -d 2026-11-10T16:00:01Z +%s`. */
#define DOUBLE_ELEVEN_MS 1794326401000LL

static void parses_offsets_and_zulu_to_the_same_instant(void **state) {
    (void)state;
    int64_t a = 0, b = 0, c = 0;
    assert_true(rfc3339_parse("2026-11-11T00:00:01+08:00", &a));
    assert_true(rfc3339_parse("2026-11-10T16:00:01Z", &b));
    assert_true(rfc3339_parse("2026-11-10T10:30:01-05:30", &c));
    assert_int_equal(a, DOUBLE_ELEVEN_MS);
    assert_int_equal(b, DOUBLE_ELEVEN_MS);
    assert_int_equal(c, DOUBLE_ELEVEN_MS);
}

static void parses_epoch_and_lowercase_separators(void **state) {
    (void)state;
    int64_t ms = -1;
    assert_true(rfc3339_parse("1970-01-01T00:00:00Z", &ms));
    assert_int_equal(ms, 0);
    assert_true(rfc3339_parse("1970-01-01t00:00:00z", &ms));
    assert_int_equal(ms, 0);
    assert_true(rfc3339_parse("1969-12-31T23:59:59.999Z", &ms));
    assert_int_equal(ms, -1);
}

static void fractions_are_truncated_to_milliseconds(void **state) {
    (void)state;
    int64_t ms = 0;
    assert_true(rfc3339_parse("2026-11-10T16:00:01.5Z", &ms));
    assert_int_equal(ms, DOUBLE_ELEVEN_MS + 500);
    assert_true(rfc3339_parse("2026-11-10T16:00:01.123Z", &ms));
    assert_int_equal(ms, DOUBLE_ELEVEN_MS + 123);
    assert_true(rfc3339_parse("2026-11-10T16:00:01.999999999Z", &ms));
    assert_int_equal(ms, DOUBLE_ELEVEN_MS + 999);
}

static void rejects_malformed_and_out_of_range(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",
        "2026-11-11",                      /* date only */
        "2026-11-11T00:00:01",             /* no offset */
        "2026-11-11 00:00:01Z",            /* space separator */
        "2026-11-11T00:00:01+0800",        /* offset without colon */
        "2026-11-11T00:00:01+08",          /* truncated offset */
        "2026-13-01T00:00:00Z",            /* month 13 */
        "2026-00-01T00:00:00Z",            /* month 0 */
        "2026-04-31T00:00:00Z",            /* April has 30 days */
        "2026-02-29T00:00:00Z",            /* 2026 is not a leap year */
        "1900-02-29T00:00:00Z",            /* centuries are not leap years */
        "2026-11-11T24:00:00Z",            /* hour 24 */
        "2026-11-11T23:60:00Z",            /* minute 60 */
        "2026-11-11T23:59:60Z",            /* leap second */
        "2026-11-11T00:00:01.Z",           /* empty fraction */
        "2026-11-11T00:00:01.1234567891Z", /* more than nanoseconds */
        "2026-11-11T00:00:01+24:00",       /* offset hour 24 */
        "2026-11-11T00:00:01Zjunk",        /* trailing garbage */
        "+2026-11-11T00:00:01Z",           /* sign */
        "26-11-11T00:00:01Z",              /* two-digit year */
        "2026-1-11T00:00:01Z",             /* one-digit month */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t ms = 42;
        if (rfc3339_parse(bad[i], &ms))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(ms, 42);
    }
    int64_t ms;
    assert_false(rfc3339_parse(NULL, &ms));
}

static void accepts_leap_days(void **state) {
    (void)state;
    int64_t a, b;
    assert_true(rfc3339_parse("2024-02-29T00:00:00Z", &a));
    assert_true(rfc3339_parse("2000-02-29T00:00:00Z", &b));
    assert_true(rfc3339_parse("2024-03-01T00:00:00Z", &b));
    assert_int_equal(b - a, 86400000LL);
}

static void formats_utc_with_milliseconds(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(rfc3339_format(DOUBLE_ELEVEN_MS, buf, sizeof buf),
                        "2026-11-10T16:00:01.000Z");
    assert_string_equal(rfc3339_format(0, buf, sizeof buf), "1970-01-01T00:00:00.000Z");
    assert_string_equal(rfc3339_format(-1, buf, sizeof buf), "1969-12-31T23:59:59.999Z");
    assert_string_equal(rfc3339_format(951782400123LL, buf, sizeof buf),
                        "2000-02-29T00:00:00.123Z");
    /* Absurd instants still format without overflow (UBSan aborts on one). */
    assert_int_equal(strlen(rfc3339_format(INT64_MAX, buf, sizeof buf)) > 20, 1);
    assert_int_equal(strlen(rfc3339_format(INT64_MIN, buf, sizeof buf)) > 20, 1);
}

static void format_then_parse_round_trips(void **state) {
    (void)state;
    char buf[32];
    /* Steps of a prime number of ms cross every field boundary, including month ends. */
    for (int64_t ms = -86400000LL * 800; ms < 86400000LL * 20000; ms += 86400000LL * 7 + 3607001) {
        int64_t back = 0;
        rfc3339_format(ms, buf, sizeof buf);
        assert_true(rfc3339_parse(buf, &back));
        assert_int_equal(back, ms);
    }
}

static void dates_parse_format_and_validate(void **state) {
    (void)state;
    int32_t day = -1;
    char buf[16];
    assert_true(date_parse("1970-01-01", &day));
    assert_int_equal(day, 0);
    assert_true(date_parse("2026-11-13", &day));
    assert_int_equal(day, 20770);
    assert_string_equal(date_format(day, buf, sizeof buf), "2026-11-13");
    assert_true(date_parse("2024-02-29", &day));
    assert_string_equal(date_format(day, buf, sizeof buf), "2024-02-29");
    assert_string_equal(date_format(-1, buf, sizeof buf), "1969-12-31");
    static const char *const bad[] = {"2026-02-29",    "2026-11-31",           "2026-11-1",
                                      "2026/11/13",    "2026-11-13T00:00:00Z", "",
                                      "２０２６-11-13"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        day = 7;
        if (date_parse(bad[i], &day))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(day, 7);
    }
}

static void china_day_turns_at_utc_sixteen(void **state) {
    (void)state;
    int32_t nov11;
    assert_true(date_parse("2026-11-11", &nov11));
    int64_t midnight_cst;
    assert_true(rfc3339_parse("2026-11-11T00:00:00+08:00", &midnight_cst));
    assert_int_equal(day_in_china(midnight_cst), nov11);
    assert_int_equal(day_in_china(midnight_cst - 1), nov11 - 1);
    assert_int_equal(day_in_china(0), 0);
    assert_int_equal(day_in_china(-8 * 3600000LL), 0);
    assert_int_equal(day_in_china(-8 * 3600000LL - 1), -1);
    /* The extremes saturate instead of overflowing (UBSan would abort) or wrapping. */
    assert_int_equal(day_in_china(INT64_MAX), INT32_MAX);
    assert_int_equal(day_in_china(INT64_MIN), INT32_MIN);
}

static void clocks_move_forward(void **state) {
    (void)state;
    int64_t now = time_now_ms();
    /* After 2024 and before 2100: catches seconds-vs-milliseconds and clock mix-ups. */
    assert_true(now > 1704067200000LL);
    assert_true(now < 4102444800000LL);
    int64_t a = time_mono_ns();
    int64_t b = time_mono_ns();
    assert_true(a > 0);
    assert_true(b >= a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_offsets_and_zulu_to_the_same_instant),
        cmocka_unit_test(parses_epoch_and_lowercase_separators),
        cmocka_unit_test(fractions_are_truncated_to_milliseconds),
        cmocka_unit_test(rejects_malformed_and_out_of_range),
        cmocka_unit_test(accepts_leap_days),
        cmocka_unit_test(formats_utc_with_milliseconds),
        cmocka_unit_test(format_then_parse_round_trips),
        cmocka_unit_test(dates_parse_format_and_validate),
        cmocka_unit_test(china_day_turns_at_utc_sixteen),
        cmocka_unit_test(clocks_move_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
