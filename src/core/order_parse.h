#ifndef ORDO_CORE_ORDER_PARSE_H
#define ORDO_CORE_ORDER_PARSE_H

#include <jansson.h>

#include "core/divisions.h"
#include "core/order.h"
#include "core/phone.h"

/* What validation needs besides the document itself. */
typedef struct {
    const divisions_t *divisions;
    const phone_plan_t *phones;
} order_validation_t;

/* Reads a canonical order document into `out` and checks every rule that needs no database:
 * types, required fields, channel, quantities and limits, money adding up, address against
 * the divisions, phone against the numbering plan, payment status, dates. Every problem is
 * added to errs (all of them, not just the first). Returns true when errs gained nothing.
 *
 * On success `out` holds a reference to doc (strings point into it); release with
 * order_input_free(). On failure `out` is left freed. SKU existence is checked by the caller,
 * which owns the catalog. */
bool order_parse(json_t *doc, const order_validation_t *v, order_input_t *out,
                 field_errors_t *errs);

#endif
