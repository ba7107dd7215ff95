#ifndef ORDO_SVC_ORDER_LINES_EDIT_H
#define ORDO_SVC_ORDER_LINES_EDIT_H

#include <jansson.h>

#include "svc/op.h"

/* Edits of an order's lines before the warehouse starts (pending_payment, pending_review,
 * approved): change a quantity, add or remove a line, swap a line's SKU. In one transaction
 * the order's document and line rows are rewritten, its reservations move to the new lines
 * (alloc_replan), the price difference is recorded as an amount to collect or to refund, and
 * the edit gets the next version with who, why and the lines before and after.
 *
 * body (borrowed): {reason, version?, allow_short?, changes: [...]} (core/line_edit.h for the
 * changes). Returns NULL with the 4xx in *immediate when the body is malformed. */
svc_op_t *order_lines_edit_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                              svc_result_t *immediate);

/* The "line_edits" member of an order's view from its edits (oldest first, borrowed):
 * {version, to_collect, to_refund, history}. Returns a new reference. */
json_t *line_edits_view(json_t *history);

#endif
