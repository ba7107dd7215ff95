#ifndef ORDO_SVC_INVOICE_PDF_H
#define ORDO_SVC_INVOICE_PDF_H

#include <jansson.h>
#include <stddef.h>

/* An invoice (as GET /v1/invoices/{no} shows it; borrowed) as a PDF made with libharu: A4
 * landscape, the Chinese text in its built-in SimSun (GBK), seller, buyer title and tax id,
 * the lines (name, quantity, unit price, net amount, rate, tax), the totals in figures and
 * in capitals, number and date; "作废" across a void one. Returns the malloc'd document
 * (*len bytes), or NULL when libharu fails. */
char *invoice_pdf_render(json_t *invoice, size_t *len);

#endif
