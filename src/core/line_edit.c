#include "core/line_edit.h"

#include <stdio.h>
#include <string.h>

#include "core/json_words.h"
#include "core/order_parse.h"

static const char *const OP_NAMES[] = {
    [LINE_SET_QTY] = "set_qty", [LINE_ADD] = "add", [LINE_REMOVE] = "remove", [LINE_SWAP] = "swap"};

/* The members each op takes besides "op", and which of them it requires. */
static const struct {
    const char *const members[5];
    bool line;
    unsigned required; /* ORDER_LINE_* */
} OP_SHAPE[] = {
    [LINE_SET_QTY] = {{"line", "qty", NULL}, true, ORDER_LINE_QTY},
    [LINE_ADD] = {{"sku", "qty", "unit_price", NULL}, false, ORDER_LINE_SKU | ORDER_LINE_QTY},
    [LINE_REMOVE] = {{"line", NULL}, true, 0},
    [LINE_SWAP] = {{"line", "sku", "qty", "unit_price", NULL}, true, ORDER_LINE_SKU},
};

const char *line_op_name(line_op_t op) {
    return (unsigned)op < sizeof OP_NAMES / sizeof OP_NAMES[0] ? OP_NAMES[op] : "unknown";
}

static bool takes(line_op_t op, const char *member) {
    for (const char *const *m = OP_SHAPE[op].members; *m; m++)
        if (strcmp(*m, member) == 0)
            return true;
    return false;
}

/* Reads the line number: an integer naming a line, whose existence apply checks. */
static void read_line_no(const json_t *item, const char *path, line_change_t *c,
                         field_errors_t *errs) {
    char field[64];
    field_path(field, sizeof field, path, "line");
    const json_t *v = json_object_get(item, "line");
    if (!v || json_is_null(v))
        field_errors_add(errs, field, "required", "%s is required", field);
    else if (!json_is_integer(v))
        field_errors_add(errs, field, "wrong_type", "%s must be an integer, got %s", field,
                         json_type_phrase(v));
    else if (json_integer_value(v) < 1 || json_integer_value(v) > ORDO_ORDER_LINES_MAX)
        field_errors_add(errs, field, "out_of_range", "%s must be between 1 and %d, got %lld",
                         field, ORDO_ORDER_LINES_MAX, (long long)json_integer_value(v));
    else
        c->line = (int)json_integer_value(v);
}

static void parse_change(const json_t *item, const char *path, line_change_t *c,
                         field_errors_t *errs) {
    char field[64];
    field_path(field, sizeof field, path, "op");
    const json_t *opv = json_object_get(item, "op");
    const char *op = json_string_value(opv);
    int kind = -1;
    for (int k = 0; op && k < (int)(sizeof OP_NAMES / sizeof OP_NAMES[0]); k++)
        if (strcmp(op, OP_NAMES[k]) == 0)
            kind = k;
    if (!opv || json_is_null(opv)) {
        field_errors_add(errs, field, "required", "%s is required", field);
        return;
    }
    if (kind < 0) {
        field_errors_add(errs, field, "invalid_value",
                         "%s must be one of set_qty, add, remove, swap", field);
        return;
    }
    c->op = (line_op_t)kind;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)item, key, v) {
        if (strcmp(key, "op") == 0 || takes(c->op, key))
            continue;
        field_path(field, sizeof field, path, key);
        field_errors_add(errs, field, "not_allowed", "%s is not a member of a %s change", field,
                         op);
    }
    if (OP_SHAPE[c->op].line)
        read_line_no(item, path, c, errs);
    if (c->op == LINE_REMOVE)
        return;
    order_line_t l = {0};
    unsigned read = 0;
    order_line_read(item, path, OP_SHAPE[c->op].required, &l, &read, errs);
    c->sku = l.sku;
    c->qty = l.qty;
    c->has_qty = read & ORDER_LINE_QTY;
    c->unit_price_fen = l.unit_price_fen;
    c->has_price = read & ORDER_LINE_UNIT_PRICE;
}

bool line_changes_parse(const json_t *changes, line_changes_t *out, field_errors_t *errs) {
    int before = errs->count + errs->dropped;
    out->n = 0;
    if (!changes || json_is_null(changes)) {
        field_errors_add(errs, "changes", "required", "changes is required");
        return false;
    }
    if (!json_is_array(changes)) {
        field_errors_add(errs, "changes", "wrong_type", "changes must be an array, got %s",
                         json_type_phrase(changes));
        return false;
    }
    size_t n = json_array_size(changes);
    if (n < 1 || n > ORDO_LINE_CHANGES_MAX) {
        field_errors_add(errs, "changes", "out_of_range",
                         "changes must have 1 to %d entries, got %zu", ORDO_LINE_CHANGES_MAX, n);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "changes[%zu]", i);
        const json_t *item = json_array_get(changes, i);
        line_change_t *c = &out->items[i];
        memset(c, 0, sizeof *c);
        if (!json_is_object(item))
            field_errors_add(errs, path, "wrong_type", "%s must be an object, got %s", path,
                             json_type_phrase(item));
        else
            parse_change(item, path, c, errs);
    }
    out->n = (int)n;
    return errs->count + errs->dropped == before;
}

bool line_changes_apply(const order_line_t *before, int n_before, const line_changes_t *ch,
                        line_after_t *after, int *n_after, field_errors_t *errs) {
    int errors = errs->count + errs->dropped;
    int by_change[ORDO_ORDER_LINES_MAX]; /* per line before: the change naming it, or -1 */
    for (int l = 0; l < n_before; l++)
        by_change[l] = -1;
    for (int i = 0; i < ch->n; i++) {
        const line_change_t *c = &ch->items[i];
        if (c->op == LINE_ADD)
            continue;
        char field[40];
        snprintf(field, sizeof field, "changes[%d].line", i);
        if (c->line < 1 || c->line > n_before)
            field_errors_add(errs, field, "no_such_line", "the order has no line %d (it has %d)",
                             c->line, n_before);
        else if (by_change[c->line - 1] >= 0)
            field_errors_add(errs, field, "duplicate_line",
                             "line %d is already changed by changes[%d]", c->line,
                             by_change[c->line - 1]);
        else
            by_change[c->line - 1] = i;
    }
    int n = 0, wanted = 0;
    for (int l = 0; l < n_before; l++)
        if (by_change[l] < 0 || ch->items[by_change[l]].op != LINE_REMOVE)
            wanted++;
    for (int i = 0; i < ch->n; i++)
        wanted += ch->items[i].op == LINE_ADD;
    if (wanted == 0)
        field_errors_add(errs, "changes", "no_lines_left",
                         "the edit removes every line; an order keeps at least one (cancel it "
                         "instead)");
    else if (wanted > ORDO_ORDER_LINES_MAX)
        field_errors_add(errs, "changes", "out_of_range",
                         "the edited order would have %d lines; the limit is %d", wanted,
                         ORDO_ORDER_LINES_MAX);
    if (errs->count + errs->dropped != errors)
        return false;

    for (int l = 0; l < n_before; l++) {
        const line_change_t *c = by_change[l] >= 0 ? &ch->items[by_change[l]] : NULL;
        if (c && c->op == LINE_REMOVE)
            continue;
        line_after_t *a = &after[n++];
        a->line = before[l];
        a->from_line = l + 1;
        a->change = by_change[l];
        if (c && c->op == LINE_SWAP) {
            a->line.sku = c->sku;
            a->line.unit_price_fen = c->unit_price_fen;
        }
        if (c && c->has_qty)
            a->line.qty = c->qty;
        a->needs_stock = a->line.qty > before[l].qty || strcmp(a->line.sku, before[l].sku) != 0;
    }
    for (int i = 0; i < ch->n; i++) {
        const line_change_t *c = &ch->items[i];
        if (c->op != LINE_ADD)
            continue;
        line_after_t *a = &after[n++];
        a->line = (order_line_t){.sku = c->sku, .qty = c->qty, .unit_price_fen = c->unit_price_fen};
        a->from_line = 0;
        a->change = i;
        a->needs_stock = true;
    }
    *n_after = n;
    return true;
}

bool line_edit_is_noop(const order_line_t *before, int n_before, const line_after_t *after,
                       int n_after) {
    if (n_before != n_after)
        return false;
    for (int l = 0; l < n_before; l++)
        if (strcmp(before[l].sku, after[l].line.sku) != 0 || before[l].qty != after[l].line.qty ||
            before[l].unit_price_fen != after[l].line.unit_price_fen)
            return false;
    return true;
}
