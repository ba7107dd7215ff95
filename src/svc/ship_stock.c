#include "svc/ship_stock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "store/pick_store.h"

#define HOLDINGS_MAX (ORDO_ORDER_LINES_MAX * 4)

static bool is_shipping(int64_t id, const int64_t *ids, int n) {
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* Units per order line in the parcels that shipped before (before[]) and that ship now. */
static void count_lines(json_t *parcels, const int64_t *ids, int n, int64_t *before, int64_t *now) {
    size_t i, j;
    json_t *p, *item;
    json_array_foreach(parcels, i, p) {
        bool leaving = is_shipping(json_integer_value(json_object_get(p, "id")), ids, n);
        bool left = strcmp(json_string_value(json_object_get(p, "status")), "shipped") == 0;
        if (!leaving && !left)
            continue;
        json_array_foreach(json_object_get(p, "items"), j, item) {
            json_int_t line = json_integer_value(json_object_get(item, "line"));
            if (line >= 1 && line <= ORDO_ORDER_LINES_MAX)
                (leaving ? now : before)[line] += json_integer_value(json_object_get(item, "qty"));
        }
    }
}

/* qty units of holding h leave: no longer reserved, no longer on hand. */
static int consume(store_t *s, const held_t *h, int64_t qty, const char *reason, const char *actor,
                   int64_t now) {
    int rc = s->vt->stock_add_reserved(s, h->warehouse, h->sku, -qty);
    if (rc == STORE_OK)
        rc = s->vt->stock_add_on_hand(s, h->warehouse, h->sku, -qty, now);
    reservation_rec_t rec = {.order_id = h->order_id,
                             .line_no = h->line_no,
                             .sku = h->sku,
                             .warehouse = h->warehouse,
                             .qty = (int32_t)-qty,
                             .kind = RES_CONSUME,
                             .cause = "shipped"};
    if (rc == STORE_OK)
        rc = s->vt->reservation_append(s, &rec, now);
    stock_row_t after;
    if (rc == STORE_OK)
        rc = s->vt->stock_get(s, h->warehouse, h->sku, &after);
    if (rc == STORE_OK)
        rc = s->vt->stock_ledger_append(s, h->warehouse, h->sku, -qty, after.on_hand, actor, reason,
                                        now);
    return rc;
}

/* The lots line `line` was picked from lose qty units, after the `skip` units of that line
 * that left with earlier parcels. */
static int consume_lots(store_t *s, const pick_line_t *lines, int n, int line, int64_t skip,
                        int64_t qty, int64_t now) {
    int rc = STORE_OK;
    for (int i = 0; i < n && qty > 0 && rc == STORE_OK; i++) {
        const pick_line_t *pl = &lines[i];
        if (pl->line_no != line || !pl->lot[0] || pl->picked <= 0)
            continue;
        int64_t here = pl->picked;
        if (skip >= here) {
            skip -= here;
            continue;
        }
        here -= skip;
        skip = 0;
        int64_t take = here < qty ? here : qty;
        rc = s->vt->pick->lot_add(s, pl->warehouse, pl->sku, pl->lot, -take, now);
        qty -= take;
    }
    return rc;
}

int ship_stock_consume(store_t *s, int64_t order_id, const char *order_no, json_t *parcels,
                       const int64_t *shipping, int n_shipping, const char *actor, int64_t now) {
    int64_t before[ORDO_ORDER_LINES_MAX + 1] = {0}, leaving[ORDO_ORDER_LINES_MAX + 1] = {0};
    count_lines(parcels, shipping, n_shipping, before, leaving);
    held_t *held = malloc(sizeof(held_t) * HOLDINGS_MAX);
    pick_line_t *picks = NULL;
    int n_held = 0, n_picks = 0;
    int rc =
        held ? s->vt->reservations_of_order(s, order_id, held, HOLDINGS_MAX, &n_held) : STORE_ERROR;
    if (rc == STORE_OK)
        rc = s->vt->pick->order_pick_lines(s, order_id, &picks, &n_picks);
    char reason[64];
    snprintf(reason, sizeof reason, "shipped %s", order_no);
    for (int line = 1; line <= ORDO_ORDER_LINES_MAX && rc == STORE_OK; line++) {
        int64_t want = leaving[line];
        for (int i = 0; i < n_held && want > 0 && rc == STORE_OK; i++) {
            if (held[i].line_no != line)
                continue;
            int64_t q = held[i].qty < want ? held[i].qty : want;
            rc = consume(s, &held[i], q, reason, actor, now);
            want -= q;
        }
        if (rc == STORE_OK && leaving[line] > 0)
            rc = consume_lots(s, picks, n_picks, line, before[line], leaving[line], now);
    }
    free(picks);
    free(held);
    return rc;
}
