#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/logistics_case.h"

static void kinds_round_trip_with_their_codes(void **state) {
    (void)state;
    for (int k = 0; k < LOGISTICS__KIND_COUNT; k++) {
        const char *name = logistics_kind_name((logistics_kind_t)k);
        assert_int_equal(logistics_kind_from_name(name), k);
        assert_non_null(strstr(LOGISTICS_KIND_NAMES, name));
        const char *code = logistics_kind_code((logistics_kind_t)k);
        assert_true(logistics_code(code));
        assert_string_equal(code + strlen("logistics_"), name);
    }
    assert_int_equal(logistics_kind_from_name("stale"), -1); /* detected, not reported */
    assert_int_equal(logistics_kind_from_name(NULL), -1);
    assert_int_equal(logistics_kind_from_name("Lost"), -1);
}

static void goods_gone_are_red_undeliverable_yellow(void **state) {
    (void)state;
    assert_string_equal(logistics_kind_severity(LOGISTICS_LOST), "red");
    assert_string_equal(logistics_kind_severity(LOGISTICS_DAMAGED), "red");
    assert_string_equal(logistics_kind_severity(LOGISTICS_ADDRESS_UNKNOWN), "yellow");
    assert_string_equal(logistics_kind_severity(LOGISTICS_REFUSED), "yellow");
}

static void every_logistics_code_has_words_for_the_buyer(void **state) {
    (void)state;
    assert_string_equal(logistics_problem_text("logistics_lost"), "在运输途中丢失");
    assert_string_equal(logistics_problem_text("logistics_refused"), "被收件人拒收");
    assert_string_equal(logistics_problem_text("logistics_stale"), "物流信息长时间未更新");
    assert_string_equal(logistics_problem_text("logistics_returned"), "被快递退回");
    assert_string_equal(logistics_problem_text("logistics_whatever"), "在配送中出现异常");
    assert_string_equal(logistics_problem_text(NULL), "在配送中出现异常");
    assert_false(logistics_code("stock_short"));
    assert_false(logistics_code("logistics_"));
    assert_false(logistics_code(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_round_trip_with_their_codes),
        cmocka_unit_test(goods_gone_are_red_undeliverable_yellow),
        cmocka_unit_test(every_logistics_code_has_words_for_the_buyer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
