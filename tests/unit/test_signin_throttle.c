#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "svc/signin_throttle.h"

#define T0 1800000000000LL

static void five_failures_lock_the_name_for_the_window(void **state) {
    (void)state;
    int retry = 0;
    for (int i = 0; i < 4; i++) {
        signin_failed("wang", T0 + i);
        assert_false(signin_locked("wang", T0 + i, &retry));
    }
    signin_failed("wang", T0 + 10);
    assert_true(signin_locked("wang", T0 + 10, &retry));
    assert_int_equal(retry, 30);
    assert_true(signin_locked("wang", T0 + 29000, &retry));
    assert_int_equal(retry, 2);
    assert_false(signin_locked("li", T0 + 10, &retry)); /* per name */
    /* The window runs out; the count starts again. */
    assert_false(signin_locked("wang", T0 + 30010, &retry));
    signin_failed("wang", T0 + 30020);
    assert_false(signin_locked("wang", T0 + 30020, &retry));
}

static void a_success_clears_the_count(void **state) {
    (void)state;
    int retry = 0;
    for (int i = 0; i < 4; i++)
        signin_failed("zhao", T0 + i);
    signin_succeeded("zhao");
    signin_failed("zhao", T0 + 10);
    assert_false(signin_locked("zhao", T0 + 10, &retry));
}

int main(void) {
    unsetenv("ORDO_SIGNIN_LOCK_S");
    unsetenv("ORDO_SIGNIN_MAX_FAILURES");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(five_failures_lock_the_name_for_the_window),
        cmocka_unit_test(a_success_clears_the_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
