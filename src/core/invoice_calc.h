#ifndef ORDO_CORE_INVOICE_CALC_H
#define ORDO_CORE_INVOICE_CALC_H

#include <stdbool.h>
#include <stdint.h>

/* An invoice's money, exactly in fen. Retail prices in China include VAT, so each line's
 * tax-inclusive amount is split into net amount (金额) and tax (税额) — 价税分离:
 *
 *   tax = amount × rate / (1 + rate), rounded half up to the fen; net = amount − tax
 *
 * so net + tax is the line's amount to the fen. The order's discounts are shared among the
 * discountable lines in proportion to their amounts (each share rounded down), the fen left
 * over going to the last discountable line (then the one before, if a share would exceed its
 * line). Discounts beyond the discountable lines (a coupon that also covers the shipping)
 * fall on the other lines the same way. So the invoice's total (价税合计) is exactly what the
 * buyer paid. */

/* Rates are in basis points: 1300 is 13%. */
#define INVOICE_RATE_BP_MAX 10000

typedef struct {
    int64_t gross_fen; /* tax-inclusive before discounts: qty × unit price */
    int32_t rate_bp;
    bool discountable; /* goods lines; a shipping line shares only discounts beyond the goods */
} invoice_line_in_t;

typedef struct {
    int64_t discount_fen; /* this line's share of the discounts */
    int64_t amount_fen;   /* tax-inclusive after the discount: gross − discount */
    int64_t net_fen;      /* 金额 */
    int64_t tax_fen;      /* 税额 */
} invoice_line_out_t;

typedef struct {
    int64_t amount_fen, net_fen, tax_fen, discount_fen;
} invoice_totals_t;

/* Whether rate_bp is a VAT rate or levy rate in use in China: 13%, 9%, 6% (general
 * taxpayers), 5%, 3%, 1.5%, 1% (simplified levy) or 0 (exempt, zero-rated). */
bool invoice_rate_known(int32_t rate_bp);
#define INVOICE_RATES_TEXT "0, 100, 150, 300, 500, 600, 900 or 1300"

/* The tax in a tax-inclusive amount (both ≥ 0) at rate_bp, rounded half up. */
int64_t invoice_tax_of(int64_t amount_fen, int32_t rate_bp);

/* Computes n lines (out[n]) and their totals. False, with nothing written, when an input is
 * out of range (negative amount, rate beyond INVOICE_RATE_BP_MAX, n < 1) or the discount is
 * negative or larger than all the lines' amounts. */
bool invoice_compute(const invoice_line_in_t *in, int n, int64_t discount_fen,
                     invoice_line_out_t *out, invoice_totals_t *totals);

#endif
