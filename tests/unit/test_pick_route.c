#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/pick_route.h"

static void parses_zone_aisle_bay_level(void **state) {
    (void)state;
    bin_loc_t loc;
    assert_true(bin_parse("a-03-12-2", &loc));
    assert_string_equal(loc.zone, "A");
    assert_int_equal(loc.aisle, 3);
    assert_int_equal(loc.bay, 12);
    assert_int_equal(loc.level, 2);
    assert_true(bin_parse("CB-1-2", &loc)); /* a bay without a level */
    assert_string_equal(loc.zone, "CB");
    assert_int_equal(loc.level, 0);
    assert_false(bin_parse("03-12-2", &loc));
    assert_false(bin_parse("A-03-12-2-9", &loc));
    assert_false(bin_parse("A-x-12", &loc));
    assert_false(bin_parse("", &loc));
    assert_false(loc.valid);
    char zone[9];
    bin_zone("D-01-01-1", zone);
    assert_string_equal(zone, "D");
    bin_zone("shelf 4", zone);
    assert_string_equal(zone, "");
}

static void route_of(const char *const *bins, int n, int *order) {
    bin_loc_t locs[16];
    for (int i = 0; i < n; i++)
        bin_parse(bins[i], &locs[i]);
    pick_route_sort(locs, bins, n, order);
}

static void serpentine_alternates_bay_direction_per_aisle(void **state) {
    (void)state;
    const char *bins[] = {"A-03-02-1", "A-01-09-1", "A-02-08-1", "A-01-02-1",
                          "A-02-01-1", "A-03-07-1", "A-02-08-2"};
    int order[7];
    route_of(bins, 7, order);
    const char *want[] = {"A-01-02-1", "A-01-09-1", "A-02-08-1", "A-02-08-2",
                          "A-02-01-1", "A-03-02-1", "A-03-07-1"};
    for (int i = 0; i < 7; i++)
        assert_string_equal(bins[order[i]], want[i]);
}

static void zones_in_code_order_each_entered_at_the_front_and_unparsed_last(void **state) {
    (void)state;
    const char *bins[] = {"B-02-05-1", "floor", "A-05-01-1", "B-01-03-1", "A-07-04-1"};
    int order[5];
    route_of(bins, 5, order);
    /* A: aisles 5 (up), 7 (down); B restarts with its first aisle walked up */
    const char *want[] = {"A-05-01-1", "A-07-04-1", "B-01-03-1", "B-02-05-1", "floor"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(bins[order[i]], want[i]);
}

static void distances_follow_the_layout(void **state) {
    (void)state;
    bin_loc_t a, b;
    bin_parse("A-01-02-1", &a);
    bin_parse("A-01-09-3", &b);
    assert_int_equal(pick_leg_dm(&a, &b), 7 * PICK_BAY_DM); /* along one aisle */
    bin_parse("A-03-04-1", &b);
    /* two aisles over by the front cross-aisle: back to bay 0 and out to bay 4 */
    assert_int_equal(pick_leg_dm(&a, &b), 2 * PICK_AISLE_DM + (2 + 4) * PICK_BAY_DM);
    bin_parse("A-02-39-1", &a);
    bin_parse("A-03-38-1", &b);
    /* deep in the aisles the back cross-aisle is shorter */
    int64_t back = (PICK_AISLE_BAYS + 1 - 39) + (PICK_AISLE_BAYS + 1 - 38);
    assert_int_equal(pick_leg_dm(&a, &b), PICK_AISLE_DM + back * PICK_BAY_DM);
    assert_int_equal(pick_leg_dm(&a, &b), pick_leg_dm(&b, &a));
    bin_parse("B-01-01-1", &b);
    assert_true(pick_leg_dm(&a, &b) > PICK_ZONE_DM);
}

static void the_route_is_never_longer_than_the_given_order(void **state) {
    (void)state;
    const char *bins[] = {"A-04-30-1", "A-01-03-1", "A-04-02-1", "A-02-25-1", "A-01-28-1",
                          "A-03-10-1", "A-02-05-1", "A-03-33-1", "A-05-12-1", "A-05-01-1"};
    bin_loc_t locs[10];
    int order[10];
    for (int i = 0; i < 10; i++)
        bin_parse(bins[i], &locs[i]);
    pick_route_sort(locs, bins, 10, order);
    int64_t route = pick_route_dm(locs, order, 10);
    int64_t given = pick_route_dm(locs, NULL, 10);
    assert_true(route > 0);
    assert_true(route < given);
    /* from the zone's entrance: the first leg counts */
    assert_int_equal(pick_route_dm(locs, order, 1), 1 * PICK_AISLE_DM + 3 * PICK_BAY_DM);
    assert_int_equal(pick_route_dm(locs, order, 0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_zone_aisle_bay_level),
        cmocka_unit_test(serpentine_alternates_bay_direction_per_aisle),
        cmocka_unit_test(zones_in_code_order_each_entered_at_the_front_and_unparsed_last),
        cmocka_unit_test(distances_follow_the_layout),
        cmocka_unit_test(the_route_is_never_longer_than_the_given_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
