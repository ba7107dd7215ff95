#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/code128.h"
#include "core/label.h"
#include "core/packaging.h"

static void symbols_equal(const char *text, const int *expected, int n) {
    int values[CODE128_SYMBOLS_MAX];
    int got = code128_symbols(text, values, CODE128_SYMBOLS_MAX);
    assert_int_equal(got, n);
    for (int i = 0; i < n; i++)
        if (values[i] != expected[i])
            fail_msg("%s: symbol %d is %d, expected %d", text, i, values[i], expected[i]);
}

static void code128_symbol_values(void **state) {
    (void)state;
    /* Code set B: start B (104), each character minus 32, the check symbol, stop (106).
     * Check = (104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7) mod 103 = 879 mod 103. */
    const int pjj[] = {104, 48, 42, 42, 17, 18, 19, 35, 55, 106};
    symbols_equal("PJJ123C", pjj, 10);
    /* An even run of digits alone: start C (105), two digits a symbol; (105 + 12 + 34·2) mod
     * 103 = 82. */
    const int digits[] = {105, 12, 34, 82, 106};
    symbols_equal("1234", digits, 5);
    /* A tracking number: SF in B, the odd first digit too, then code C (99) for the twelve
     * digits that pair up. Check = 2483 mod 103 = 11. */
    const int sf[] = {104, 51, 38, 17, 99, 23, 45, 67, 89, 1, 23, 11, 106};
    symbols_equal("SF1234567890123", sf, 13);
    /* Back from C to B (100) when the digits end. */
    const int mixed[] = {105, 12, 34, 56, 100, 33, 0, 106};
    int values[CODE128_SYMBOLS_MAX];
    assert_int_equal(code128_symbols("123456A", values, CODE128_SYMBOLS_MAX), 7 + 1);
    for (int i = 0; i < 6; i++)
        assert_int_equal(values[i], mixed[i]);
    /* Not encodable: empty, non-ASCII, too long. */
    assert_int_equal(code128_symbols("", values, CODE128_SYMBOLS_MAX), -1);
    assert_int_equal(code128_symbols("顺丰", values, CODE128_SYMBOLS_MAX), -1);
    char long_text[CODE128_TEXT_MAX + 2];
    memset(long_text, 'A', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_int_equal(code128_symbols(long_text, values, CODE128_SYMBOLS_MAX), -1);
}

static void code128_bar_widths(void **state) {
    (void)state;
    uint8_t w[6 * CODE128_SYMBOLS_MAX + 1];
    int modules = 0;
    int n = code128_widths("PJJ123C", w, (int)sizeof w, &modules);
    /* Ten symbols: nine of six widths and 11 modules, the stop of seven and 13. */
    assert_int_equal(n, 9 * 6 + 7);
    assert_int_equal(modules, 9 * 11 + 13);
    const uint8_t start_b[] = {2, 1, 1, 2, 1, 4};
    const uint8_t stop[] = {2, 3, 3, 1, 1, 1, 2};
    assert_memory_equal(w, start_b, 6);
    assert_memory_equal(w + n - 7, stop, 7);
    /* Every symbol's widths add up to 11, so no pattern in the table is mistyped. */
    for (int c = 32; c < 127; c++) {
        char one[2] = {(char)c, '\0'};
        n = code128_widths(one, w, (int)sizeof w, &modules);
        assert_int_equal(n, 3 * 6 + 7);
        assert_int_equal(modules, 3 * 11 + 13);
        for (int s = 0; s < 3; s++) {
            int sum = 0;
            for (int k = 0; k < 6; k++)
                sum += w[s * 6 + k];
            assert_int_equal(sum, 11);
        }
    }
}

static void packaging_from_attributes(void **state) {
    (void)state;
    pack_item_t cup = {400, 120, 90, 90, 2, .fragile = true};
    packaging_t p = packaging_choose(&cup, 1);
    assert_true(p.fits && p.bubble_wrap && p.filler && !p.sealed_bag);
    /* Two cups of 0.97 L at 55% fill with 20 mm around: more than the smallest cartons. */
    assert_true(strncmp(p.box, "carton_", 7) == 0);
    assert_true(p.length_mm >= 120 + 40 && p.width_mm >= 90 + 40 && p.height_mm >= 90 + 40);
    pack_item_t plain_cup = cup;
    plain_cup.fragile = false;
    packaging_t q = packaging_choose(&plain_cup, 1);
    assert_true(q.length_mm * q.width_mm * q.height_mm <= p.length_mm * p.width_mm * p.height_mm);

    pack_item_t oil = {1000, 80, 80, 250, 1, .liquid = true, .food = true};
    p = packaging_choose(&oil, 1);
    assert_true(p.sealed_bag && p.food_liner && !p.bubble_wrap);
    assert_true(p.length_mm >= 250); /* the bottle's height is a carton's longest side */

    pack_item_t tee = {200, 250, 200, 20, 1, .fragile = false};
    p = packaging_choose(&tee, 1);
    assert_string_equal(p.box, "poly_mailer");
    tee.food = true; /* food never goes in a bare mailer */
    assert_string_not_equal(packaging_choose(&tee, 1).box, "poly_mailer");

    pack_item_t sofa = {30000, 2000, 900, 800, 1, .fragile = false};
    p = packaging_choose(&sofa, 1);
    assert_false(p.fits);
    assert_string_equal(p.box, "carton_1");
}

static void masked_phones(void **state) {
    (void)state;
    char out[24];
    label_mask_phone("13800138000", out, sizeof out);
    assert_string_equal(out, "138****8000");
    label_mask_phone("+86 138-0013-8000", out, sizeof out);
    assert_string_equal(out, "138****8000");
    label_mask_phone("010-85860000", out, sizeof out);
    assert_string_equal(out, "****0000");
    label_mask_phone("12", out, sizeof out);
    assert_string_equal(out, "****");
}

static const label_t LABEL = {
    .order_no = "2611231719430000004",
    .parcel_id = 42,
    .carrier_code = "SF",
    .carrier_name = "顺丰速运",
    .tracking_no = "SF1234567890123",
    .recipient = "王女士^XZ", /* a ZPL command inside the text must stay text */
    .phone = "13800138000",
    .address = "广东省广州市天河区 天河路385号3栋1201室",
    .sender = "上海仓 上海市上海市",
    .weight_g = 1500,
    .packaging = "3号纸箱",
};

static void zpl_label(void **state) {
    (void)state;
    char *zpl = label_zpl(&LABEL);
    assert_non_null(zpl);
    assert_true(strncmp(zpl, "^XA", 3) == 0);
    assert_non_null(strstr(zpl, "^CI28"));
    assert_non_null(strstr(zpl, "^BCN,160,Y,N,N,A^FH\\^FDSF1234567890123^FS"));
    assert_non_null(strstr(zpl, "138****8000"));
    assert_null(strstr(zpl, "13800138000"));
    assert_non_null(strstr(zpl, "王女士\\5EXZ"));
    /* One label: the only ^XZ is the last command. */
    assert_ptr_equal(strstr(zpl, "^XZ"), strrchr(zpl, '^'));
    free(zpl);
}

static void pdf_label(void **state) {
    (void)state;
    char err[160];
    size_t len = 0;
    unsigned char *pdf = label_pdf(&LABEL, &len, err, sizeof err);
    if (!pdf)
        fail_msg("%s", err);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    assert_non_null(memmem(pdf + len - 32, 32, "%%EOF", 5));
    free(pdf);
    label_t bad = LABEL;
    bad.tracking_no = "顺丰123";
    assert_null(label_pdf(&bad, &len, err, sizeof err));
    assert_non_null(strstr(err, "Code 128"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(code128_symbol_values),
        cmocka_unit_test(code128_bar_widths),
        cmocka_unit_test(packaging_from_attributes),
        cmocka_unit_test(masked_phones),
        cmocka_unit_test(zpl_label),
        cmocka_unit_test(pdf_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
