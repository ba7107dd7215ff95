#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/lifecycle.h"
#include "core/merge_check.h"

static merge_facts_t order(const char *no, const char *phone, const char *key, const char *wh) {
    merge_facts_t f;
    memset(&f, 0, sizeof f);
    snprintf(f.order_no, sizeof f.order_no, "%s", no);
    f.status = ORDER_APPROVED;
    snprintf(f.phone, sizeof f.phone, "%s", phone);
    snprintf(f.address_key, sizeof f.address_key, "%s", key);
    f.n_warehouses = 1;
    snprintf(f.warehouse, sizeof f.warehouse, "%s", wh);
    return f;
}

static const char *refusal(const merge_facts_t *lead, const merge_facts_t *f) {
    const char *code = NULL;
    char msg[256];
    return merge_refusal(lead, f, &code, msg, sizeof msg) ? code : NULL;
}

static void an_order_of_the_same_buyer_address_and_warehouse_joins(void **state) {
    (void)state;
    merge_facts_t a = order("A", "13800138000", "11/1101/110105/x18", "BJ");
    merge_facts_t b = order("B", "13800138000", "11/1101/110105/x18", "BJ");
    assert_null(refusal(NULL, &a));
    assert_null(refusal(&a, &b));
}

static void each_difference_is_named(void **state) {
    (void)state;
    merge_facts_t a = order("A", "13800138000", "k1", "BJ");
    merge_facts_t b = order("B", "13900139000", "k1", "BJ");
    assert_string_equal(refusal(&a, &b), "different_buyer");
    b = order("B", "13800138000", "k2", "BJ");
    assert_string_equal(refusal(&a, &b), "different_address");
    b = order("B", "13800138000", "k1", "SH");
    assert_string_equal(refusal(&a, &b), "different_warehouse");
}

static void an_order_not_free_to_merge_is_refused_alone(void **state) {
    (void)state;
    merge_facts_t f = order("A", "1", "k", "BJ");
    f.status = ORDER_PICKING;
    assert_string_equal(refusal(NULL, &f), "not_approved");
    f = order("A", "1", "k", "BJ");
    f.status = ORDER_PENDING_REVIEW;
    f.open_holds = 1;
    assert_string_equal(refusal(NULL, &f), "on_hold"); /* the hold says why, not the status */
    f = order("A", "1", "k", "BJ");
    f.merge_id = 7;
    assert_string_equal(refusal(NULL, &f), "already_merged");
    f = order("A", "1", "k", "BJ");
    f.n_warehouses = 2;
    assert_string_equal(refusal(NULL, &f), "several_warehouses");
    f.n_warehouses = 0;
    assert_string_equal(refusal(NULL, &f), "no_stock");
    f = order("A", "1", "k", "BJ");
    f.shortages = 1;
    assert_string_equal(refusal(NULL, &f), "short");
    f = order("A", "1", "", "BJ");
    assert_string_equal(refusal(NULL, &f), "no_address");
}

static void runs_of_two_or_more_are_cut_at_the_maximum(void **state) {
    (void)state;
    merge_facts_t f[8] = {
        order("1", "p1", "k1", "BJ"), order("2", "p1", "k1", "BJ"),
        order("3", "p1", "k1", "BJ"), order("4", "p1", "k2", "BJ"), /* alone: another address */
        order("5", "p2", "k1", "BJ"), order("6", "p2", "k1", "BJ"),
        order("7", "p2", "k1", "BJ"), order("8", "p3", "k1", "BJ"),
    };
    int starts[8], sizes[8];
    int n = merge_runs(f, 8, 20, starts, sizes);
    assert_int_equal(n, 2);
    assert_int_equal(starts[0], 0);
    assert_int_equal(sizes[0], 3);
    assert_int_equal(starts[1], 4);
    assert_int_equal(sizes[1], 3);
    /* at most 2 a shipment: the third of a run is left alone */
    n = merge_runs(f, 8, 2, starts, sizes);
    assert_int_equal(n, 2);
    assert_int_equal(sizes[0], 2);
    assert_int_equal(starts[1], 4);
    assert_int_equal(merge_runs(f, 0, 20, starts, sizes), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_order_of_the_same_buyer_address_and_warehouse_joins),
        cmocka_unit_test(each_difference_is_named),
        cmocka_unit_test(an_order_not_free_to_merge_is_refused_alone),
        cmocka_unit_test(runs_of_two_or_more_are_cut_at_the_maximum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
