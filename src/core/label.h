#ifndef ORDO_CORE_LABEL_H
#define ORDO_CORE_LABEL_H

#include <stddef.h>
#include <stdint.h>

/* A parcel's shipping label (面单): what it says, and its two printable forms — a PDF page of
 * 100 × 150 mm (the common electronic waybill size) and ZPL for thermal printers. Pure: both
 * are built in memory. */

typedef struct {
    const char *order_no;
    int64_t parcel_id;
    const char *carrier_code, *carrier_name;
    const char *tracking_no; /* printed as Code 128 */
    const char *recipient;
    const char *phone;   /* as the buyer gave it; printed masked */
    const char *address; /* province city district detail, one line */
    const char *sender;  /* the shipping warehouse */
    int64_t weight_g;
    const char *packaging; /* "3号纸箱" */
} label_t;

/* "138****8000": an 11-digit mobile keeps its first 3 and last 4 digits; any other number
 * keeps only its last 4. Writes into out (at least 24 bytes). */
void label_mask_phone(const char *phone, char *out, size_t len);

/* The label as a PDF document: a heap buffer (caller frees) and its length through *len, or
 * NULL when the tracking number cannot be encoded or the PDF library failed (why in err). */
unsigned char *label_pdf(const label_t *l, size_t *len, char *err, size_t err_len);

/* The label in ZPL II (UTF-8 text, ^CI28; the barcode as ^BC): a heap string the caller
 * frees, or NULL when out of memory. */
char *label_zpl(const label_t *l);

#endif
