#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "svc/velocity.h"

#define MIN (60 * 1000LL)

static void counts_within_the_window_only(void **state) {
    (void)state;
    velocity_t *v = velocity_new(6);
    for (int i = 0; i < 4; i++)
        velocity_add(v, RULES_KEY_PHONE, "13800138000", i * MIN, 0);
    velocity_add(v, RULES_KEY_PHONE, "13900139000", 2 * MIN, 0);
    /* At 3 min, a 10-minute window sees all four; a 2-minute window sees minutes 2 and 3. */
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "13800138000", 3 * MIN, 10 * MIN), 4);
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "13800138000", 3 * MIN, 2 * MIN), 2);
    /* Later than a recorded time does not count it as "before". */
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "13800138000", 1 * MIN, 10 * MIN), 2);
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "13900139000", 3 * MIN, 10 * MIN), 1);
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "nobody", 3 * MIN, 10 * MIN), 0);
    velocity_free(v);
}

static void kinds_are_separate_keyspaces(void **state) {
    (void)state;
    velocity_t *v = velocity_new(6);
    velocity_add(v, RULES_KEY_IP, "203.0.113.7", MIN, 0);
    assert_int_equal(velocity_count(v, RULES_KEY_IP, "203.0.113.7", MIN, MIN), 1);
    assert_int_equal(velocity_count(v, RULES_KEY_ADDRESS, "203.0.113.7", MIN, MIN), 0);
    velocity_free(v);
}

static void keeps_the_newest_times_up_to_its_cap(void **state) {
    (void)state;
    velocity_t *v = velocity_new(3);
    for (int i = 0; i < 10; i++)
        velocity_add(v, RULES_KEY_ADDRESS, "a", i * MIN, 0);
    /* Reads "at least 3": enough for any threshold up to 3. */
    assert_int_equal(velocity_count(v, RULES_KEY_ADDRESS, "a", 9 * MIN, 60 * MIN), 3);
    /* The kept ones are the newest: minutes 7, 8, 9. */
    assert_int_equal(velocity_count(v, RULES_KEY_ADDRESS, "a", 9 * MIN, 2 * MIN + 1), 3);
    assert_int_equal(velocity_count(v, RULES_KEY_ADDRESS, "a", 6 * MIN, 60 * MIN), 0);
    /* An older time arriving late does not push out newer ones. */
    velocity_add(v, RULES_KEY_ADDRESS, "a", 1 * MIN, 0);
    assert_int_equal(velocity_count(v, RULES_KEY_ADDRESS, "a", 9 * MIN, 2 * MIN + 1), 3);
    velocity_free(v);
}

static void out_of_order_times_still_count(void **state) {
    (void)state;
    velocity_t *v = velocity_new(5);
    velocity_add(v, RULES_KEY_PHONE, "p", 5 * MIN, 0);
    velocity_add(v, RULES_KEY_PHONE, "p", 3 * MIN, 0);
    velocity_add(v, RULES_KEY_PHONE, "p", 4 * MIN, 0);
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "p", 5 * MIN, 10 * MIN), 3);
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "p", 4 * MIN, 10 * MIN), 2);
    velocity_free(v);
}

static void old_keys_are_dropped(void **state) {
    (void)state;
    velocity_t *v = velocity_new(5);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "%d", i);
        /* every key once, an hour apart in blocks; the horizon trails by ten minutes */
        int64_t t = (i / 100) * 60 * MIN;
        velocity_add(v, RULES_KEY_PHONE, key, t, t - 10 * MIN);
    }
    /* Only the recent blocks' keys (and at most a prune interval's worth) remain. */
    assert_true(velocity_size(v) < 5000);
    assert_true(velocity_size(v) >= 100);
    assert_int_equal(velocity_count(v, RULES_KEY_PHONE, "4999", 49 * 60 * MIN, 10 * MIN), 1);
    velocity_free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_within_the_window_only),
        cmocka_unit_test(kinds_are_separate_keyspaces),
        cmocka_unit_test(keeps_the_newest_times_up_to_its_cap),
        cmocka_unit_test(out_of_order_times_still_count),
        cmocka_unit_test(old_keys_are_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
