#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/lot_pick.h"

#define TODAY 20000

static void shelf_life_rule_counts_whole_days_left(void **state) {
    (void)state;
    assert_true(lot_qualifies(TODAY + 180, TODAY, 180));
    assert_false(lot_qualifies(TODAY + 179, TODAY, 180));
    assert_true(lot_qualifies(TODAY, TODAY, 0)); /* its last day */
    assert_false(lot_qualifies(TODAY - 1, TODAY, 0));
    assert_false(lot_qualifies(TODAY - 1, TODAY, -5)); /* expired is never picked */
}

static void earliest_qualifying_lot_first_spanning_lots(void **state) {
    (void)state;
    lot_stock_t lots[] = {
        {"L-LATE", TODAY + 400, 10},
        {"L-OLD", TODAY + 100, 50}, /* too close to expiry for 180 days */
        {"L-MID", TODAY + 200, 2},
        {"L-EMPTY", TODAY + 190, 0},
    };
    lot_take_t out[4];
    int64_t short_qty = -1;
    int n = lot_plan(lots, 4, TODAY, 180, 5, out, &short_qty);
    assert_int_equal(n, 2);
    assert_string_equal(lots[out[0].lot].lot, "L-MID");
    assert_int_equal(out[0].qty, 2);
    assert_string_equal(lots[out[1].lot].lot, "L-LATE");
    assert_int_equal(out[1].qty, 3);
    assert_int_equal(short_qty, 0);
    assert_int_equal(lots[0].free_units, 7); /* the snapshot serves the next line */
    assert_int_equal(lots[1].free_units, 50);
}

static void unqualified_stock_leaves_the_rest_short(void **state) {
    (void)state;
    lot_stock_t lots[] = {{"A", TODAY + 30, 100}, {"B", TODAY + 365, 1}};
    lot_take_t out[2];
    int64_t short_qty = 0;
    int n = lot_plan(lots, 2, TODAY, 180, 4, out, &short_qty);
    assert_int_equal(n, 1);
    assert_string_equal(lots[out[0].lot].lot, "B");
    assert_int_equal(short_qty, 3);
    assert_int_equal(lots[0].free_units, 100);
}

static void ties_go_by_lot_code(void **state) {
    (void)state;
    lot_stock_t lots[] = {{"Z", TODAY + 50, 1}, {"A", TODAY + 50, 1}};
    lot_take_t out[2];
    int64_t short_qty = 0;
    int n = lot_plan(lots, 2, TODAY, 0, 1, out, &short_qty);
    assert_int_equal(n, 1);
    assert_string_equal(lots[out[0].lot].lot, "A");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shelf_life_rule_counts_whole_days_left),
        cmocka_unit_test(earliest_qualifying_lot_first_spanning_lots),
        cmocka_unit_test(unqualified_stock_leaves_the_rest_short),
        cmocka_unit_test(ties_go_by_lot_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
