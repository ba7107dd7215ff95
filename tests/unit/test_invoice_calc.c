#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/invoice_calc.h"

static void tax_separation_rounds_half_up(void **state) {
    (void)state;
    assert_int_equal(invoice_tax_of(11300, 1300), 1300); /* 113.00 at 13%: 100 + 13 */
    assert_int_equal(invoice_tax_of(10900, 900), 900);
    assert_int_equal(invoice_tax_of(10600, 600), 600);
    assert_int_equal(invoice_tax_of(10000, 0), 0);
    /* 1.00 at 13%: 100 × 13 / 113 = 11.504… → 12 */
    assert_int_equal(invoice_tax_of(100, 1300), 12);
    /* 0.99 at 6%: 99 × 6 / 106 = 5.603… → 6 */
    assert_int_equal(invoice_tax_of(99, 600), 6);
    /* Exactly half a fen goes up: 53 × 600 / 10600 = 3.0 and 1 fen at 100% = 0.5 → 1 */
    assert_int_equal(invoice_tax_of(1, 10000), 1);
    assert_int_equal(invoice_tax_of(3, 10000), 2); /* 1.5 → 2 */
    assert_int_equal(invoice_tax_of(0, 1300), 0);
}

static void one_line_with_the_discount(void **state) {
    (void)state;
    /* The canonical example: 5 × 88.00 − 20.00 coupon, mooncakes at 13%. */
    invoice_line_in_t in[] = {{.gross_fen = 44000, .rate_bp = 1300, .discountable = true}};
    invoice_line_out_t out[1];
    invoice_totals_t t;
    assert_true(invoice_compute(in, 1, 2000, out, &t));
    assert_int_equal(out[0].discount_fen, 2000);
    assert_int_equal(out[0].amount_fen, 42000);
    assert_int_equal(out[0].tax_fen, 4832); /* 42000 × 13 / 113 = 4831.86 */
    assert_int_equal(out[0].net_fen, 37168);
    assert_int_equal(t.amount_fen, 42000);
}

static void discount_shared_in_proportion_remainder_last(void **state) {
    (void)state;
    invoice_line_in_t in[] = {
        {.gross_fen = 1000, .rate_bp = 1300, .discountable = true},
        {.gross_fen = 1000, .rate_bp = 900, .discountable = true},
        {.gross_fen = 1000, .rate_bp = 600, .discountable = true},
        {.gross_fen = 800, .rate_bp = 900, .discountable = false}, /* shipping */
    };
    invoice_line_out_t out[4];
    invoice_totals_t t;
    assert_true(invoice_compute(in, 4, 100, out, &t));
    assert_int_equal(out[0].discount_fen, 33);
    assert_int_equal(out[1].discount_fen, 33);
    assert_int_equal(out[2].discount_fen, 34); /* the fen left over */
    assert_int_equal(out[3].discount_fen, 0);
    assert_int_equal(t.discount_fen, 100);
    assert_int_equal(t.amount_fen, 3800 - 100);
    assert_int_equal(out[3].amount_fen, 800);
}

/* A coupon larger than the goods (free shipping too) takes the rest from the shipping. */
static void discount_beyond_goods_falls_on_shipping(void **state) {
    (void)state;
    invoice_line_in_t in[] = {{.gross_fen = 300, .rate_bp = 1300, .discountable = true},
                              {.gross_fen = 700, .rate_bp = 1300, .discountable = true},
                              {.gross_fen = 1000, .rate_bp = 1300, .discountable = false}};
    invoice_line_out_t out[3];
    invoice_totals_t t;
    assert_true(invoice_compute(in, 3, 1200, out, &t));
    assert_int_equal(out[0].discount_fen, 300);
    assert_int_equal(out[1].discount_fen, 700);
    assert_int_equal(out[2].discount_fen, 200);
    assert_int_equal(t.amount_fen, 800);
    assert_true(invoice_compute(in, 3, 2000, out, &t));
    assert_int_equal(t.amount_fen, 0);
}

/* The remainder finds room in an earlier line when the last one has none left. */
static void remainder_spills_back_when_last_line_is_full(void **state) {
    (void)state;
    invoice_line_in_t in[] = {
        {.gross_fen = 999, .rate_bp = 1300, .discountable = true},
        {.gross_fen = 999, .rate_bp = 1300, .discountable = true},
        {.gross_fen = 1, .rate_bp = 1300, .discountable = true},
    };
    invoice_line_out_t out[3];
    invoice_totals_t t;
    /* Discount of everything but 1 fen: shares 998, 998, 0 leave 2 fen; the last line can
     * take 1. */
    assert_true(invoice_compute(in, 3, 1998, out, &t));
    for (int i = 0; i < 3; i++) {
        assert_true(out[i].discount_fen <= in[i].gross_fen);
        assert_true(out[i].amount_fen >= 0);
    }
    assert_int_equal(t.discount_fen, 1998);
    assert_int_equal(t.amount_fen, 1);
    /* The whole order discounted to zero. */
    assert_true(invoice_compute(in, 3, 1999, out, &t));
    assert_int_equal(t.amount_fen, 0);
    assert_int_equal(t.tax_fen, 0);
}

static void refuses_what_cannot_be(void **state) {
    (void)state;
    invoice_line_in_t in[] = {{.gross_fen = 100, .rate_bp = 1300, .discountable = true},
                              {.gross_fen = 500, .rate_bp = 900, .discountable = false}};
    invoice_line_out_t out[2];
    invoice_totals_t t;
    assert_false(invoice_compute(in, 2, 601, out, &t)); /* more than everything */
    assert_false(invoice_compute(in, 2, -1, out, &t));
    assert_false(invoice_compute(in, 0, 0, out, &t));
    in[0].rate_bp = INVOICE_RATE_BP_MAX + 1;
    assert_false(invoice_compute(in, 2, 0, out, &t));
    in[0].rate_bp = 1300;
    in[1].gross_fen = -1;
    assert_false(invoice_compute(in, 2, 0, out, &t));
}

/* Random orders: every sum is exact — lines add to the totals, net + tax is each line's
 * amount, and the invoice's total is the gross less the discount, to the fen. */
static void sums_always_exact(void **state) {
    (void)state;
    static const int32_t rates[] = {0, 100, 300, 600, 900, 1300};
    srand(20261111);
    for (int round = 0; round < 20000; round++) {
        int n = 1 + rand() % 12;
        invoice_line_in_t in[12];
        invoice_line_out_t out[12];
        int64_t discountable = 0, gross = 0;
        for (int i = 0; i < n; i++) {
            int64_t scale = round % 3 == 0 ? 100000000LL : 10000;
            in[i].gross_fen = (int64_t)(rand() % 999 + 1) * (rand() % scale);
            in[i].rate_bp = rates[rand() % 6];
            in[i].discountable = i == 0 || rand() % 5 != 0;
            gross += in[i].gross_fen;
            if (in[i].discountable)
                discountable += in[i].gross_fen;
        }
        /* Now and then beyond the goods, up to the whole order. */
        int64_t cap = round % 7 == 0 ? gross : discountable;
        int64_t discount = (int64_t)(((double)rand() / RAND_MAX) * (double)cap);
        invoice_totals_t t;
        assert_true(invoice_compute(in, n, discount, out, &t));
        int64_t amount = 0, net = 0, tax = 0, shared = 0;
        for (int i = 0; i < n; i++) {
            assert_int_equal(out[i].net_fen + out[i].tax_fen, out[i].amount_fen);
            assert_int_equal(out[i].amount_fen + out[i].discount_fen, in[i].gross_fen);
            assert_true(out[i].discount_fen >= 0 && out[i].amount_fen >= 0);
            assert_true(out[i].tax_fen >= 0 && out[i].net_fen >= 0);
            if (!in[i].discountable && discount <= discountable)
                assert_int_equal(out[i].discount_fen, 0);
            /* The tax is the nearest fen to the exact one. */
            __int128 exact2 = (__int128)out[i].amount_fen * in[i].rate_bp * 2;
            __int128 got2 = (__int128)out[i].tax_fen * 2 * (10000 + in[i].rate_bp);
            __int128 diff = got2 - exact2;
            assert_true(diff <= 10000 + in[i].rate_bp && -diff < 10000 + in[i].rate_bp);
            amount += out[i].amount_fen;
            net += out[i].net_fen;
            tax += out[i].tax_fen;
            shared += out[i].discount_fen;
        }
        assert_int_equal(shared, discount);
        assert_int_equal(amount, gross - discount);
        assert_int_equal(t.amount_fen, amount);
        assert_int_equal(t.net_fen, net);
        assert_int_equal(t.tax_fen, tax);
        assert_int_equal(t.net_fen + t.tax_fen, t.amount_fen);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tax_separation_rounds_half_up),
        cmocka_unit_test(one_line_with_the_discount),
        cmocka_unit_test(discount_shared_in_proportion_remainder_last),
        cmocka_unit_test(remainder_spills_back_when_last_line_is_full),
        cmocka_unit_test(discount_beyond_goods_falls_on_shipping),
        cmocka_unit_test(refuses_what_cannot_be),
        cmocka_unit_test(sums_always_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
