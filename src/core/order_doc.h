#ifndef ORDO_CORE_ORDER_DOC_H
#define ORDO_CORE_ORDER_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/order.h"

/* The JSON forms of a validated order, written as text in one pass (no tree in between):
 * every intake writes one of each.
 *
 * The stored form holds only the fields ordo knows, in a fixed order, with resolved
 * divisions, normalized times and computed amounts. The API view adds the live state below;
 * svc/orders.c builds the same view from a stored form for reads (order_view), and a test
 * holds the two to the same shape. */

typedef struct {
    const char *order_no;
    const char *status;
    int64_t created_at_ms, updated_at_ms;
    int64_t payment_expires_at_ms; /* 0: not shown */
    const int64_t *line_reserved;  /* units held per line, n_lines entries */
    const char *reservations_json; /* [{sku, warehouse, qty}] already serialized */
    const char *exceptions_json;   /* [{...}] already serialized */
    const char *holds_json;        /* [{...}] already serialized */
    const char *review_json;       /* the automatic review's evaluation, or "null" */
} order_live_t;

/* Writes the stored form (live NULL) or the API view. Returns malloc'd text (caller frees)
 * and its length, or NULL when out of memory. */
char *order_doc_text(const order_input_t *in, const order_live_t *live, size_t *len_out);

/* The stored form, and in->content_hash set to the SHA-256 of it. Because the text is built
 * from parsed values, two submissions that differ only in layout, key order, spelling of a
 * division (广东 / 广东省) or ignored fields hash the same: that is what makes a retry a
 * replay. Returns malloc'd text, or NULL when out of memory. */
char *order_doc_build(order_input_t *in);

#endif
