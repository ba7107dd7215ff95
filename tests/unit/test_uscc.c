#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/uscc.h"

/* Codes of real registered companies, as printed on their licences and invoices (Fujian,
 * Guangdong), and the example in GB 32100-2015 itself. */
static const char *const REAL[] = {
    "91350100M000100Y43", "91350200776049653A", "91350500798359476R", "91350503MA31DKY80A",
    "91350200MA31E12PXF", "91440101MA5CJQ4N59", "913502000728319549", "123502001549897397",
    "913502115628130384", "9135021359498494XQ", "91350203MA31NDF85F", "91350213678251743X",
};

static void real_codes_pass(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof REAL / sizeof REAL[0]; i++) {
        if (uscc_check(REAL[i], NULL, NULL) != USCC_OK)
            fail_msg("refused %s", REAL[i]);
        assert_int_equal(uscc_check_char(REAL[i]), REAL[i][17]);
    }
}

/* Every single-character change of a real code's body is caught by the check character:
 * the weights are units mod 31, so a changed value always changes the sum. */
static void every_typo_is_caught(void **state) {
    (void)state;
    const char *alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (size_t i = 0; i < sizeof REAL / sizeof REAL[0]; i++)
        for (int pos = 0; pos < 17; pos++)
            for (const char *c = alphabet; *c; c++) {
                if (*c == REAL[i][pos])
                    continue;
                char typo[19];
                memcpy(typo, REAL[i], 19);
                typo[pos] = *c;
                char expected = 0;
                if (uscc_check(typo, NULL, &expected) != USCC_CHECK_DIGIT)
                    fail_msg("%s accepted", typo);
                assert_int_not_equal(expected, REAL[i][17]);
                assert_int_equal(expected, uscc_check_char(typo));
            }
}

static void wrong_check_digit_names_the_right_one(void **state) {
    (void)state;
    char expected = 0;
    assert_int_equal(uscc_check("91350100M000100Y44", NULL, &expected), USCC_CHECK_DIGIT);
    assert_int_equal(expected, '3');
    /* An early pilot code (Xiamen, before the national standard) that does not follow it. */
    assert_int_equal(uscc_check("91350203M0001QAY9B", NULL, &expected), USCC_CHECK_DIGIT);
    assert_int_equal(expected, '9');
}

static void check_character_zero_when_sum_divides(void **state) {
    (void)state;
    /* 31 - (sum mod 31) is 31 when the sum is a multiple of 31: written '0'. */
    assert_int_equal(uscc_check_char("00000000000000000"), '0');
    assert_int_equal(uscc_check("000000000000000000", NULL, NULL), USCC_OK);
}

static void alphabet_excludes_i_o_s_v_z_and_lower_case(void **state) {
    (void)state;
    const char *bad[] = {"91350100M000100I43", "91350100M000100O43", "91350100M000100S43",
                         "91350100M000100V43", "91350100M000100Z43", "91350100m000100Y43",
                         "91350100M000100Y4-", "91350100M000 00Y43"};
    size_t where[] = {15, 15, 15, 15, 15, 8, 17, 12};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t position = 99;
        if (uscc_check(bad[i], &position, NULL) != USCC_CHARACTER)
            fail_msg("%s not refused for its characters", bad[i]);
        assert_int_equal(position, where[i]);
    }
    assert_int_equal(uscc_check_char("9135010OM000100Y4"), '\0');
}

static void length_is_eighteen(void **state) {
    (void)state;
    assert_int_equal(uscc_check("", NULL, NULL), USCC_LENGTH);
    assert_int_equal(uscc_check("91350100M000100Y4", NULL, NULL), USCC_LENGTH);
    assert_int_equal(uscc_check("91350100M000100Y433", NULL, NULL), USCC_LENGTH);
    /* The 15-digit business licence number it replaced. */
    assert_int_equal(uscc_check("350100100012345", NULL, NULL), USCC_LENGTH);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_codes_pass),
        cmocka_unit_test(every_typo_is_caught),
        cmocka_unit_test(wrong_check_digit_names_the_right_one),
        cmocka_unit_test(check_character_zero_when_sum_divides),
        cmocka_unit_test(alphabet_excludes_i_o_s_v_z_and_lower_case),
        cmocka_unit_test(length_is_eighteen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
