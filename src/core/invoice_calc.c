/* Invoice lines: discounts shared out, tax separated from tax-inclusive amounts. */
#include "core/invoice_calc.h"

#include <stddef.h>
#include <string.h>

bool invoice_rate_known(int32_t rate_bp) {
    static const int32_t known[] = {0, 100, 150, 300, 500, 600, 900, 1300};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i] == rate_bp)
            return true;
    return false;
}

int64_t invoice_tax_of(int64_t amount_fen, int32_t rate_bp) {
    /* amount × rate can pass 2^63 for the largest amounts: 128-bit intermediate. */
    __int128 num = (__int128)amount_fen * rate_bp;
    __int128 den = 10000 + (__int128)rate_bp;
    return (int64_t)((2 * num + den) / (2 * den));
}

/* Shares discount_fen among the lines of in[] whose discountable flag is `which`, in
 * proportion to gross (their sum: base_fen, at least discount_fen), adding to
 * out[].discount_fen. */
static void share_among(const invoice_line_in_t *in, int n, bool which, int64_t discount_fen,
                        int64_t base_fen, invoice_line_out_t *out) {
    if (discount_fen == 0)
        return;
    int64_t given = 0;
    for (int i = 0; i < n; i++)
        if (in[i].discountable == which) {
            int64_t share = (int64_t)((__int128)discount_fen * in[i].gross_fen / base_fen);
            out[i].discount_fen += share;
            given += share;
        }
    /* Rounding down leaves fewer fen than lines; the last line takes them, then the one
     * before where a line has no room (the sum of room is at least what is left). */
    int64_t left = discount_fen - given;
    for (int i = n - 1; i >= 0 && left > 0; i--) {
        if (in[i].discountable != which)
            continue;
        int64_t room = in[i].gross_fen - out[i].discount_fen;
        int64_t take = left < room ? left : room;
        out[i].discount_fen += take;
        left -= take;
    }
}

bool invoice_compute(const invoice_line_in_t *in, int n, int64_t discount_fen,
                     invoice_line_out_t *out, invoice_totals_t *totals) {
    if (n < 1 || discount_fen < 0)
        return false;
    int64_t base = 0, rest = 0;
    for (int i = 0; i < n; i++) {
        if (in[i].gross_fen < 0 || in[i].rate_bp < 0 || in[i].rate_bp > INVOICE_RATE_BP_MAX)
            return false;
        if (in[i].discountable)
            base += in[i].gross_fen;
        else
            rest += in[i].gross_fen;
    }
    if (discount_fen > base + rest)
        return false;
    for (int i = 0; i < n; i++)
        out[i].discount_fen = 0;
    int64_t first = discount_fen < base ? discount_fen : base;
    share_among(in, n, true, first, base, out);
    share_among(in, n, false, discount_fen - first, rest, out);
    memset(totals, 0, sizeof *totals);
    for (int i = 0; i < n; i++) {
        invoice_line_out_t *o = &out[i];
        o->amount_fen = in[i].gross_fen - out[i].discount_fen;
        o->tax_fen = invoice_tax_of(o->amount_fen, in[i].rate_bp);
        o->net_fen = o->amount_fen - o->tax_fen;
        totals->amount_fen += o->amount_fen;
        totals->net_fen += o->net_fen;
        totals->tax_fen += o->tax_fen;
        totals->discount_fen += o->discount_fen;
    }
    return true;
}
