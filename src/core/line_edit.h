#ifndef ORDO_CORE_LINE_EDIT_H
#define ORDO_CORE_LINE_EDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/order.h"

/* An edit of an order's lines, without I/O: the changes a caller asks for, read with intake's
 * rules for SKUs, quantities and prices, and the lines they lead to.
 *
 * Every change names lines by their number in the order as the caller saw it (before the
 * edit), so the changes of one edit do not depend on their order. The edited order keeps its
 * remaining lines in their order, then the added ones, numbered again from 1. */

typedef enum { LINE_SET_QTY, LINE_ADD, LINE_REMOVE, LINE_SWAP } line_op_t;

typedef struct {
    line_op_t op;
    int line;        /* set_qty, remove, swap: 1-based line before the edit; 0 for add */
    const char *sku; /* add, swap: borrowed from the request */
    int32_t qty;     /* set_qty, add; swap when has_qty */
    bool has_qty;
    /* add, swap: as given; otherwise the caller sets the catalog's price before applying. */
    bool has_price;
    int64_t unit_price_fen;
} line_change_t;

typedef struct {
    int n;
    line_change_t items[ORDO_LINE_CHANGES_MAX];
} line_changes_t;

/* Reads a request's "changes" array: [{op: "set_qty", line, qty} | {op: "add", sku, qty,
 * unit_price?} | {op: "remove", line} | {op: "swap", line, sku, qty?, unit_price?}]. Every
 * problem goes into errs with its path ("changes[1].qty"); members an op does not take are
 * refused rather than ignored. Strings borrow from `changes`. Returns true when errs gained
 * nothing. */
bool line_changes_parse(const json_t *changes, line_changes_t *out, field_errors_t *errs);

/* One line of the edited order. */
typedef struct {
    order_line_t line; /* sku borrowed from the order before or from the change */
    int from_line;     /* the line it continues (1-based), 0 when added */
    int change;        /* index of the change that made it, -1 when untouched */
    bool needs_stock;  /* more units or another SKU than before: they must be reserved */
} line_after_t;

/* Applies ch (prices resolved) to the n_before lines; writes at most ORDO_ORDER_LINES_MAX
 * lines into after. Refuses (errs, returns false) a line that does not exist, a line changed
 * twice, an order left without lines, or one with more than ORDO_ORDER_LINES_MAX. */
bool line_changes_apply(const order_line_t *before, int n_before, const line_changes_t *ch,
                        line_after_t *after, int *n_after, field_errors_t *errs);

/* True when the edited lines are the same lines as before: same SKUs, quantities and prices in
 * the same places. */
bool line_edit_is_noop(const order_line_t *before, int n_before, const line_after_t *after,
                       int n_after);

const char *line_op_name(line_op_t op);

#endif
