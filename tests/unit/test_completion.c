#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/completion.h"

static void buyer_confirms_once_everything_shipped(void **state) {
    (void)state;
    assert_true(completion_buyer_may_confirm(ORDER_SHIPPED));
    assert_true(completion_buyer_may_confirm(ORDER_OUT_FOR_DELIVERY));
    assert_true(completion_buyer_may_confirm(ORDER_DELIVERED));
    assert_false(completion_buyer_may_confirm(ORDER_PARTIALLY_SHIPPED));
    assert_false(completion_buyer_may_confirm(ORDER_PACKED));
    assert_false(completion_buyer_may_confirm(ORDER_COMPLETED));
    assert_false(completion_buyer_may_confirm(ORDER_CANCELLED));
}

static void due_after_delivery_else_after_shipment(void **state) {
    (void)state;
    completion_settings_t c;
    completion_settings_default(&c);
    const char *rule;
    assert_int_equal(completion_due_at(&c, ORDER_DELIVERED, 1000, 5000, &rule), 5000 + 10 * DAY_MS);
    assert_string_equal(rule, "after_delivery");
    assert_int_equal(completion_due_at(&c, ORDER_OUT_FOR_DELIVERY, 1000, 0, &rule),
                     1000 + 15 * DAY_MS);
    assert_string_equal(rule, "after_shipment");
    assert_int_equal(completion_due_at(&c, ORDER_PACKED, 0, 0, &rule), 0);
    assert_null(rule);
}

static void settings_apply_all_or_nothing(void **state) {
    (void)state;
    completion_settings_t c;
    completion_settings_default(&c);
    field_errors_t errs = {0};
    json_t *bad = json_pack("{s:i, s:i, s:s}", "after_delivery_days", 3, "low_rating_max", 5,
                            "colour", "red");
    assert_false(completion_settings_apply(bad, &c, &errs));
    assert_int_equal(errs.count, 2);
    assert_int_equal(c.after_delivery_days, COMPLETION_AFTER_DELIVERY_DAYS_DEFAULT);
    json_decref(bad);

    memset(&errs, 0, sizeof errs);
    json_t *good = json_pack("{s:i}", "after_shipment_days", 20);
    assert_true(completion_settings_apply(good, &c, &errs));
    assert_int_equal(c.after_shipment_days, 20);
    assert_int_equal(c.after_delivery_days, COMPLETION_AFTER_DELIVERY_DAYS_DEFAULT);
    json_decref(good);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buyer_confirms_once_everything_shipped),
        cmocka_unit_test(due_after_delivery_else_after_shipment),
        cmocka_unit_test(settings_apply_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
