#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/limits.h"
#include "core/money.h"

static int64_t yuan(const char *text, bool negative_ok) {
    int64_t fen = 12345;
    if (!money_parse_yuan(text, strlen(text), negative_ok, &fen))
        fail_msg("refused \"%s\"", text);
    return fen;
}

static void refused(const char *text, bool negative_ok) {
    int64_t fen = 12345;
    if (money_parse_yuan(text, strlen(text), negative_ok, &fen))
        fail_msg("accepted \"%s\" as %lld fen", text, (long long)fen);
    assert_int_equal(fen, 12345); /* untouched */
}

static void exact_fen(void **state) {
    (void)state;
    assert_int_equal(yuan("88.08", false), 8808);
    assert_int_equal(yuan("0.29", false), 29); /* 0.29 * 100 is 28.999… as a double */
    assert_int_equal(yuan("12.5", false), 1250);
    assert_int_equal(yuan("7", false), 700);
    assert_int_equal(yuan("0.00", false), 0);
    assert_int_equal(yuan("-0.01", true), -1);
    assert_int_equal(yuan("10000000000.00", false), ORDO_MONEY_MAX_FEN);
    assert_int_equal(yuan("-10000000000", true), -ORDO_MONEY_MAX_FEN);
}

static void malformed(void **state) {
    (void)state;
    const char *bad[] = {"",
                         "-",
                         ".5",
                         "12.",
                         "1.234",
                         "1,234.00",
                         "1e3",
                         " 1",
                         "1 ",
                         "+1",
                         "0x10",
                         "10000000000.01",
                         "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(bad[i], true);
    refused("-1.00", false); /* a payment notification's amount is never negative */
    int64_t fen;
    assert_true(money_parse_yuan("12.34", 4, false, &fen)); /* only len bytes are read */
    assert_int_equal(fen, 1230);
}

static void formatted_as_yuan(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(money_format_yuan(buf, sizeof buf, 8808), "88.08");
    assert_string_equal(money_format_yuan(buf, sizeof buf, -500), "-5.00");
    assert_string_equal(money_format_yuan(buf, sizeof buf, 7), "0.07");
    assert_string_equal(money_format_yuan(buf, sizeof buf, INT64_MIN), "-92233720368547758.08");
    /* What it writes reads back as the same amount. */
    int64_t fen;
    money_format_yuan(buf, sizeof buf, -ORDO_MONEY_MAX_FEN);
    assert_true(money_parse_yuan(buf, strlen(buf), true, &fen));
    assert_int_equal(fen, -ORDO_MONEY_MAX_FEN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_fen),
        cmocka_unit_test(malformed),
        cmocka_unit_test(formatted_as_yuan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
