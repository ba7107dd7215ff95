#ifndef ORDO_CORE_ORDER_DOC_H
#define ORDO_CORE_ORDER_DOC_H

#include <jansson.h>

#include "core/order.h"

/* The stored form of a validated order: only the fields ordo knows, in a fixed order, with
 * resolved divisions, normalized times and computed amounts.
 *
 * Returns the document (new reference) and its compact text (*text_out, caller frees), and
 * sets in->content_hash to the SHA-256 of that text. Because the text is built from parsed
 * values, two submissions that differ only in layout, key order, spelling of a division
 * (广东 / 广东省) or ignored fields hash the same: that is what makes a retry a replay.
 * Returns NULL (and *text_out NULL) when out of memory. */
json_t *order_doc_build(order_input_t *in, char **text_out);

#endif
