/* libFuzzer target: any bytes as the "changes" of POST /v1/orders/{no}/edits. Reading the
 * changes and applying them to a three-line order must never crash or read out of bounds,
 * and an applied edit always leaves 1..ORDO_ORDER_LINES_MAX lines. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/line_edit.h"

static const order_line_t BEFORE[] = {
    {.sku = "A", .qty = 2, .unit_price_fen = 100},
    {.sku = "B", .qty = 1, .unit_price_fen = 250},
    {.sku = "C", .qty = 5, .unit_price_fen = 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!doc)
        return 0;
    static line_changes_t ch;
    static line_after_t after[ORDO_ORDER_LINES_MAX];
    field_errors_t errs = {0};
    int n = 0;
    if (line_changes_parse(doc, &ch, &errs) &&
        line_changes_apply(BEFORE, 3, &ch, after, &n, &errs)) {
        if (n < 1 || n > ORDO_ORDER_LINES_MAX)
            abort();
        line_edit_is_noop(BEFORE, 3, after, n);
    }
    json_decref(doc);
    return 0;
}
