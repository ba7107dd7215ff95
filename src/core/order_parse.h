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
    /* For an order already stored: the amount paid stays what was paid while edits of its
     * lines change the total, the difference being settled apart (svc/order_lines_edit.c), so
     * payment.amount is not held to the total. False at intake. */
    bool paid_amount_may_differ;
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

/* The members of one order line, for order_line_read. */
#define ORDER_LINE_SKU 1u
#define ORDER_LINE_QTY 2u
#define ORDER_LINE_UNIT_PRICE 4u

/* Reads the members of one line object at `path` (e.g. "items[2]") with intake's rules: sku
 * a string of at most ORDO_CODE_MAX bytes, qty 1..ORDO_LINE_QTY_MAX, unit_price
 * 0..ORDO_MONEY_MAX_FEN fen. Members in `required` must be present; the others are read when
 * present. Sets in *out and reports in *read the members read and valid (out->sku borrows from
 * item). Returns true when errs gained nothing. */
bool order_line_read(const json_t *item, const char *path, unsigned required, order_line_t *out,
                     unsigned *read, field_errors_t *errs);

#endif
