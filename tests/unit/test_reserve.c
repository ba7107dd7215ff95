#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/reserve.h"

/* Three warehouses: Beijing (priority 2), Shanghai (priority 1), Guangdong (priority 3). */
static const reserve_warehouse_t WH[] = {
    {"BJ", 110000, 2},
    {"SH", 310000, 1},
    {"GZ", 440000, 3},
};
enum { BJ, SH, GZ };

typedef struct {
    int n_lines;
    int line_sku[8];
    int32_t line_qty[8];
    int n_skus;
    int64_t available[3 * 8];
    reserve_alloc_t out[3 * 8];
    int32_t short_qty[8];
    int n_out;
} plan_t;

static void avail(plan_t *p, int wh, int sku, int64_t units) {
    p->available[wh * p->n_skus + sku] = units;
}

static void run(plan_t *p, int32_t buyer_province, bool splittable) {
    reserve_request_t req = {.n_lines = p->n_lines,
                             .line_sku = p->line_sku,
                             .line_qty = p->line_qty,
                             .n_skus = p->n_skus,
                             .n_warehouses = 3,
                             .warehouses = WH,
                             .buyer_province_code = buyer_province,
                             .splittable = splittable,
                             .available = p->available};
    p->n_out = reserve_plan(&req, p->out, p->short_qty);
}

static int32_t allocated(const plan_t *p, int line, int wh) {
    int32_t n = 0;
    for (int i = 0; i < p->n_out; i++)
        if (p->out[i].line == line && p->out[i].warehouse == wh)
            n += p->out[i].qty;
    return n;
}

static void prefers_buyers_province_when_it_fills_the_order(void **state) {
    (void)state;
    plan_t p = {.n_lines = 1, .line_sku = {0}, .line_qty = {5}, .n_skus = 1};
    avail(&p, BJ, 0, 10);
    avail(&p, SH, 0, 10);
    avail(&p, GZ, 0, 10);
    run(&p, 440000, false); /* a Guangdong buyer */
    assert_int_equal(allocated(&p, 0, GZ), 5);
    assert_int_equal(p.short_qty[0], 0);
    assert_int_equal(p.available[GZ], 5); /* the snapshot is debited */
}

static void falls_back_to_priority_when_local_cannot_fill(void **state) {
    (void)state;
    plan_t p = {.n_lines = 2, .line_sku = {0, 1}, .line_qty = {2, 2}, .n_skus = 2};
    avail(&p, GZ, 0, 5); /* local warehouse lacks SKU 1 */
    avail(&p, BJ, 0, 5);
    avail(&p, BJ, 1, 5);
    avail(&p, SH, 0, 5);
    avail(&p, SH, 1, 5);
    run(&p, 440000, false);
    /* Shanghai has priority 1 over Beijing's 2, and fills both lines. */
    assert_int_equal(allocated(&p, 0, SH), 2);
    assert_int_equal(allocated(&p, 1, SH), 2);
    assert_int_equal(p.n_out, 2);
}

static void lines_sharing_a_sku_add_up(void **state) {
    (void)state;
    /* Two lines of the same SKU, 3 + 3, and the local warehouse holds only 5. */
    plan_t p = {.n_lines = 2, .line_sku = {0, 0}, .line_qty = {3, 3}, .n_skus = 1};
    avail(&p, BJ, 0, 5);
    avail(&p, SH, 0, 6);
    run(&p, 110000, false);
    assert_int_equal(allocated(&p, 0, SH) + allocated(&p, 1, SH), 6);
    assert_int_equal(allocated(&p, 0, BJ) + allocated(&p, 1, BJ), 0);
}

static void non_splittable_is_all_or_nothing(void **state) {
    (void)state;
    plan_t p = {.n_lines = 2, .line_sku = {0, 1}, .line_qty = {2, 2}, .n_skus = 2};
    avail(&p, BJ, 0, 2); /* each warehouse has one of the two SKUs */
    avail(&p, SH, 1, 2);
    run(&p, 110000, false);
    assert_int_equal(p.n_out, 0);
    assert_int_equal(p.short_qty[0], 2);
    assert_int_equal(p.short_qty[1], 2);
    assert_int_equal(p.available[BJ * 2 + 0], 2); /* nothing debited */
}

static void splittable_takes_line_by_line_across_warehouses(void **state) {
    (void)state;
    plan_t p = {.n_lines = 2, .line_sku = {0, 1}, .line_qty = {4, 2}, .n_skus = 2};
    avail(&p, BJ, 0, 1);
    avail(&p, SH, 0, 2);
    avail(&p, SH, 1, 2);
    run(&p, 110000, true);
    /* Line 0: local Beijing first (1), then Shanghai (2): 1 unit short. */
    assert_int_equal(allocated(&p, 0, BJ), 1);
    assert_int_equal(allocated(&p, 0, SH), 2);
    assert_int_equal(p.short_qty[0], 1);
    assert_int_equal(allocated(&p, 1, SH), 2);
    assert_int_equal(p.short_qty[1], 0);
}

static void nothing_available_leaves_everything_short(void **state) {
    (void)state;
    plan_t p = {.n_lines = 1, .line_sku = {0}, .line_qty = {1}, .n_skus = 1};
    run(&p, 110000, true);
    assert_int_equal(p.n_out, 0);
    assert_int_equal(p.short_qty[0], 1);
}

static void never_allocates_more_than_available(void **state) {
    (void)state;
    /* Exhaustive over small stock levels: the plan never takes what is not there, and
     * allocated + short always equals what was wanted. */
    for (int split = 0; split < 2; split++)
        for (int a = 0; a <= 3; a++)
            for (int b = 0; b <= 3; b++)
                for (int c = 0; c <= 3; c++) {
                    plan_t p = {.n_lines = 2, .line_sku = {0, 1}, .line_qty = {3, 2}, .n_skus = 2};
                    avail(&p, BJ, 0, a);
                    avail(&p, SH, 0, b);
                    avail(&p, GZ, 1, c);
                    avail(&p, SH, 1, a);
                    int64_t before[6];
                    memcpy(before, p.available, sizeof before);
                    run(&p, 310000, split);
                    for (int i = 0; i < 6; i++)
                        assert_true(p.available[i] >= 0 && p.available[i] <= before[i]);
                    for (int l = 0; l < 2; l++) {
                        int32_t got =
                            allocated(&p, l, BJ) + allocated(&p, l, SH) + allocated(&p, l, GZ);
                        assert_int_equal(got + p.short_qty[l], p.line_qty[l]);
                        if (!split)
                            assert_true(got == 0 || got == p.line_qty[l]);
                    }
                }
}

static void ranking_orders_local_then_priority_then_code(void **state) {
    (void)state;
    int order[3];
    reserve_rank_warehouses(WH, 3, 440100, order); /* a Guangzhou city code */
    assert_int_equal(order[0], GZ);
    assert_int_equal(order[1], SH);
    assert_int_equal(order[2], BJ);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prefers_buyers_province_when_it_fills_the_order),
        cmocka_unit_test(falls_back_to_priority_when_local_cannot_fill),
        cmocka_unit_test(lines_sharing_a_sku_add_up),
        cmocka_unit_test(non_splittable_is_all_or_nothing),
        cmocka_unit_test(splittable_takes_line_by_line_across_warehouses),
        cmocka_unit_test(nothing_available_leaves_everything_short),
        cmocka_unit_test(never_allocates_more_than_available),
        cmocka_unit_test(ranking_orders_local_then_priority_then_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
