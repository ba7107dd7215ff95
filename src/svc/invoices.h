#ifndef ORDO_SVC_INVOICES_H
#define ORDO_SVC_INVOICES_H

#include <jansson.h>

#include "svc/op.h"

/* Invoices (发票) for paid orders: the merchant's own document of the sale, electronic (a PDF
 * at once) or paper (printed and put in the parcel). Not a tax-authority e-fapiao: there is no
 * 税控 link; the numbers are the merchant's own series.
 *
 * Lines come from the order as stored: each item with its SKU's VAT rate (or the merchant's
 * default), the shipping fee as a line of its own at the default rate (delivery sold with the
 * goods is part of that sale, 混合销售), the order's discounts shared out exactly
 * (core/invoice_calc.h), so the total is what the buyer paid.
 *
 * Numbers: ORDO_INVOICE_PREFIX (default "FP") + the year in China + 8 digits, e.g.
 * FP202600000001, taken from the series' counter row in the transaction that stores the
 * invoice: no gaps, no duplicates, a rolled-back issue takes its number back.
 *
 * The seller comes from the environment: ORDO_SELLER_NAME, ORDO_SELLER_TAX_ID,
 * ORDO_SELLER_ADDRESS, ORDO_SELLER_PHONE, ORDO_SELLER_BANK; ORDO_INVOICE_TAX_RATE_BP is the
 * default rate (1300). */

/* POST /v1/orders/{no}/invoice {type: electronic|paper, title_type: personal|company, title,
 * tax_id? (company: required, a valid 统一社会信用代码; personal: none), email?, address?,
 * phone?, bank?}. 201 with the invoice; 409 when the order is unpaid or cancelled or already
 * has an invoice that is not void (void it to re-issue). body is borrowed. */
svc_op_t *invoice_issue_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                           svc_result_t *immediate);

/* POST /v1/invoices/{no}/void {reason}. The invoice stays, with status void, who and why. */
svc_op_t *invoice_void_op(app_t *app, const char *invoice_no, json_t *body, const char *actor,
                          svc_result_t *immediate);

/* GET /v1/orders/{no}/invoice: the order's invoice that is not void. */
void order_invoice(app_t *app, const char *order_no, svc_result_t *r);
/* GET /v1/invoices/{no}: any invoice, void ones too. */
void invoice_get(app_t *app, const char *invoice_no, svc_result_t *r);
/* GET /v1/invoices/{no}.pdf: the invoice as a PDF (application/pdf). */
void invoice_pdf(app_t *app, const char *invoice_no, svc_result_t *r);

/* ---- for packing and shipping (the parcel carries a paper invoice) ---- */

/* Inside a transaction or a read: the order's paper invoice waiting to go in the parcel
 * (status to_print), as GET /v1/invoices/{no} shows it (*out, owned by the caller), or
 * STORE_NOT_FOUND when there is none — the packer prints it (GET …/{no}.pdf) and puts it in
 * the box. */
int invoice_for_parcel(store_t *s, int64_t order_id, json_t **out);

/* Inside the shipping transaction: the order's paper invoice left with the parcel (to_print →
 * shipped). STORE_OK also when there is none. */
int invoice_parcel_shipped(store_t *s, int64_t order_id, int64_t now_ms);

#endif
