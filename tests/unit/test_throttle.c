#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/kuaidi100_company.h"
#include "util/throttle.h"

#define T0 1800000000000LL

static throttle_entry_t entries[4];
/* 3 failures within 60 s lock for 60 s. */
static throttle_t windowed =
    THROTTLE_INIT(entries, "TEST_THROTTLE_MAX", 3, "TEST_THROTTLE_S", 60, "TEST_THROTTLE_S", 60);

static void failures_spread_beyond_the_window_never_lock(void **state) {
    (void)state;
    int retry = 0;
    throttle_failed(&windowed, "A-1", T0);
    throttle_failed(&windowed, "A-1", T0 + 30000);
    throttle_failed(&windowed, "A-1", T0 + 60000); /* the first is out of the window */
    assert_false(throttle_locked(&windowed, "A-1", T0 + 60000, &retry));
    throttle_failed(&windowed, "A-1", T0 + 61000);
    throttle_failed(&windowed, "A-1", T0 + 62000);
    assert_true(throttle_locked(&windowed, "A-1", T0 + 62000, &retry));
    assert_int_equal(retry, 60);
    assert_true(throttle_locked(&windowed, "A-1", T0 + 121999, &retry));
    assert_int_equal(retry, 1);
    assert_false(throttle_locked(&windowed, "A-1", T0 + 122000, &retry));
    throttle_clear(&windowed, "A-1");
}

static void the_limit_comes_from_the_environment(void **state) {
    (void)state;
    int retry = 0;
    setenv("TEST_THROTTLE_MAX", "1", 1);
    setenv("TEST_THROTTLE_S", "2", 1);
    throttle_failed(&windowed, "B-1", T0);
    assert_true(throttle_locked(&windowed, "B-1", T0 + 1999, &retry));
    assert_false(throttle_locked(&windowed, "B-1", T0 + 2000, &retry));
    assert_false(throttle_locked(&windowed, "B-2", T0, &retry)); /* per key */
    unsetenv("TEST_THROTTLE_MAX");
    unsetenv("TEST_THROTTLE_S");
}

static void a_full_table_reuses_the_entry_idle_longest(void **state) {
    (void)state;
    int retry = 0;
    setenv("TEST_THROTTLE_MAX", "1", 1);
    throttle_failed(&windowed, "old", T0);
    for (int i = 0; i < 4; i++) {
        char key[8] = {'k', (char)('0' + i), 0};
        throttle_failed(&windowed, key, T0 + 10 + i);
    }
    assert_false(throttle_locked(&windowed, "old", T0 + 20, &retry));
    assert_true(throttle_locked(&windowed, "k3", T0 + 20, &retry));
    unsetenv("TEST_THROTTLE_MAX");
}

static void kuaidi100_company_codes_map_to_carrier_codes(void **state) {
    (void)state;
    assert_string_equal(kuaidi100_carrier_code("zhongtong"), "ZTO");
    assert_string_equal(kuaidi100_carrier_code("shunfeng"), "SF");
    assert_string_equal(kuaidi100_carrier_code("YuanTong"), "YTO");
    assert_string_equal(kuaidi100_carrier_code("jd"), "JD");
    assert_string_equal(kuaidi100_carrier_code("ems"), "EMS");
    assert_null(kuaidi100_carrier_code("nosuchcompany"));
    assert_null(kuaidi100_carrier_code(NULL));
}

int main(void) {
    unsetenv("TEST_THROTTLE_MAX");
    unsetenv("TEST_THROTTLE_S");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failures_spread_beyond_the_window_never_lock),
        cmocka_unit_test(the_limit_comes_from_the_environment),
        cmocka_unit_test(a_full_table_reuses_the_entry_idle_longest),
        cmocka_unit_test(kuaidi100_company_codes_map_to_carrier_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
