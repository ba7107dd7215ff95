#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/limits.h"
#include "core/rmb_upper.h"

static void written(int64_t fen, const char *want) {
    char buf[RMB_UPPER_MAX];
    const char *got = rmb_upper(fen, buf, sizeof buf);
    if (!got)
        fail_msg("%lld: refused", (long long)fen);
    if (strcmp(got, want) != 0)
        fail_msg("%lld: \"%s\", want \"%s\"", (long long)fen, got, want);
}

static void ordinary_amounts(void **state) {
    (void)state;
    written(12345, "壹佰贰拾叁元肆角伍分");
    written(42000, "肆佰贰拾元整");
    written(100, "壹元整");
    written(1000, "壹拾元整");
    written(1234567, "壹万贰仟叁佰肆拾伍元陆角柒分");
    written(999999999, "玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
}

static void zeros_inside(void **state) {
    (void)state;
    written(100500, "壹仟零伍元整");
    written(100005, "壹仟元零伍分");
    written(105, "壹元零伍分");
    written(1050, "壹拾元伍角");
    written(10010000, "壹拾万零壹佰元整");
    written(10001000, "壹拾万零壹拾元整");
    written(100000000, "壹佰万元整");
    written(10000000100, "壹亿零壹元整");     /* a whole zero 万 group: one 零, no 万 */
    written(10010000000, "壹亿零壹拾万元整"); /* 1 0010 0000 */
    written(10100000000, "壹亿零壹佰万元整");
    written(101000000000, "壹拾亿零壹仟万元整");
    written(100001000000, "壹拾亿零壹万元整");
    written(1000100000, "壹仟万零壹仟元整");
    written(ORDO_MONEY_MAX_FEN, "壹佰亿元整");
}

static void small_and_negative(void **state) {
    (void)state;
    written(0, "零元整");
    written(5, "伍分");
    written(50, "伍角");
    written(55, "伍角伍分");
    written(-12345, "负壹佰贰拾叁元肆角伍分");
}

static void limits(void **state) {
    (void)state;
    char buf[RMB_UPPER_MAX];
    assert_null(rmb_upper(RMB_UPPER_FEN_MAX, buf, sizeof buf));
    assert_non_null(rmb_upper(RMB_UPPER_FEN_MAX - 1, buf, sizeof buf));
    char tiny[8];
    assert_null(rmb_upper(12345, tiny, sizeof tiny));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordinary_amounts),
        cmocka_unit_test(zeros_inside),
        cmocka_unit_test(small_and_negative),
        cmocka_unit_test(limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
