#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/wave_plan.h"

#define N_MAX 64

typedef struct {
    int members[N_MAX];
    wave_group_t groups[N_MAX];
    int n_groups, n_members;
} plan_t;

static void plan(plan_t *p, wave_strategy_t s, const wave_candidate_t *c, int n, int max) {
    p->n_groups = wave_plan(s, c, n, max, p->members, p->groups, &p->n_members);
}

static void names_round_trip(void **state) {
    (void)state;
    for (int i = 0; i < WAVE__STRATEGY_COUNT; i++)
        assert_int_equal(wave_strategy_from_name(wave_strategy_name((wave_strategy_t)i)), i);
    assert_int_equal(wave_strategy_from_name("fastest"), -1);
    assert_int_equal(wave_strategy_from_name(NULL), -1);
}

static void single_takes_orders_of_one_to_three_units_one_task_each(void **state) {
    (void)state;
    wave_candidate_t c[] = {{1, "A", NULL}, {4, "A", NULL}, {3, NULL, NULL}, {2, "B", NULL}};
    plan_t p;
    plan(&p, WAVE_SINGLE, c, 4, 50);
    assert_int_equal(p.n_groups, 3);
    int want[] = {0, 2, 3};
    for (int g = 0; g < 3; g++) {
        assert_int_equal(p.groups[g].count, 1);
        assert_int_equal(p.members[p.groups[g].first], want[g]);
    }
    assert_null(p.groups[1].zone);
    plan(&p, WAVE_SINGLE, c, 4, 2);
    assert_int_equal(p.n_members, 2);
}

static void batch_groups_five_to_ten_of_one_zone_evenly(void **state) {
    (void)state;
    wave_candidate_t c[N_MAX];
    int n = 0;
    for (int i = 0; i < 12; i++)
        c[n++] = (wave_candidate_t){2, "A", NULL};
    for (int i = 0; i < 4; i++)
        c[n++] = (wave_candidate_t){1, "B", NULL}; /* too few: they wait */
    c[n++] = (wave_candidate_t){1, NULL, NULL};    /* spans zones: never batched */
    plan_t p;
    plan(&p, WAVE_BATCH, c, n, 100);
    assert_int_equal(p.n_groups, 2);
    assert_int_equal(p.groups[0].count, 6);
    assert_int_equal(p.groups[1].count, 6);
    assert_string_equal(p.groups[0].zone, "A");
    for (int m = 0; m < p.n_members; m++)
        assert_string_equal(c[p.members[m]].zone, "A");
    /* oldest first within the zone */
    assert_int_equal(p.members[0], 0);
    assert_int_equal(p.members[6], 6);
    /* max_orders takes whole tasks only */
    plan(&p, WAVE_BATCH, c, n, 8);
    assert_int_equal(p.n_groups, 1);
    assert_int_equal(p.n_members, 6);
    /* 23 orders: 8 + 8 + 7 */
    for (int i = 0; i < 23; i++)
        c[i] = (wave_candidate_t){1, "C", NULL};
    plan(&p, WAVE_BATCH, c, 23, 100);
    assert_int_equal(p.n_groups, 3);
    assert_int_equal(p.groups[0].count + p.groups[1].count + p.groups[2].count, 23);
    for (int g = 0; g < 3; g++)
        assert_in_range(p.groups[g].count, WAVE_BATCH_MIN, WAVE_BATCH_MAX);
}

static void wave_groups_by_carrier_and_cutoff(void **state) {
    (void)state;
    wave_candidate_t c[] = {{1, "A", "SF@16:00"},
                            {5, "B", "ZTO@18:00"},
                            {2, "A", "SF@16:00"},
                            {1, "A", NULL},
                            {9, "A", "ZTO@18:00"}};
    plan_t p;
    plan(&p, WAVE_WAVE, c, 5, 50);
    assert_int_equal(p.n_groups, 3);
    assert_int_equal(p.groups[0].count, 2); /* SF: orders 0 and 2, one zone */
    assert_int_equal(p.members[p.groups[0].first], 0);
    assert_int_equal(p.members[p.groups[0].first + 1], 2);
    assert_string_equal(p.groups[0].zone, "A");
    assert_int_equal(p.groups[1].count, 2); /* ZTO: zones B and A: mixed */
    assert_null(p.groups[1].zone);
    assert_int_equal(p.groups[2].count, 1); /* no carrier is a group too */
    assert_int_equal(p.n_members, 5);
}

static void zone_takes_the_oldest_in_one_group(void **state) {
    (void)state;
    wave_candidate_t c[] = {{1, "A", NULL}, {2, NULL, NULL}, {3, "B", NULL}};
    plan_t p;
    plan(&p, WAVE_ZONE, c, 3, 2);
    assert_int_equal(p.n_groups, 1);
    assert_int_equal(p.n_members, 2);
    assert_int_equal(p.members[1], 1);
    plan(&p, WAVE_ZONE, c, 0, 2);
    assert_int_equal(p.n_groups, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(single_takes_orders_of_one_to_three_units_one_task_each),
        cmocka_unit_test(batch_groups_five_to_ten_of_one_zone_evenly),
        cmocka_unit_test(wave_groups_by_carrier_and_cutoff),
        cmocka_unit_test(zone_takes_the_oldest_in_one_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
