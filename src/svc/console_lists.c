/* Lists for the operator console, each item the same view as the single GET shows. */
#include "svc/console_lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/console_store.h"
#include "svc/fields.h"
#include "svc/stock.h"
#include "util/hex.h"

/* A stock cursor is the last row's key: hex(sku) "." hex(warehouse). */
static void cursor_encode(const stock_row_t *row, char *out) {
    size_t n = strlen(row->sku);
    hex_encode((const unsigned char *)row->sku, n, out);
    out[2 * n] = '.';
    hex_encode((const unsigned char *)row->warehouse, strlen(row->warehouse), out + 2 * n + 1);
}

static bool hex_decode_into(const char *hex, size_t len, char *out, size_t cap) {
    if (len % 2 || len / 2 + 1 > cap || len == 0)
        return false;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_digit_value((unsigned char)hex[2 * i]);
        int lo = hex_digit_value((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return false;
        out[i] = (char)(hi << 4 | lo);
    }
    out[len / 2] = '\0';
    return true;
}

static bool cursor_decode(const char *cursor, char *sku, size_t sku_cap, char *wh, size_t wh_cap) {
    const char *dot = strchr(cursor, '.');
    return dot && hex_decode_into(cursor, (size_t)(dot - cursor), sku, sku_cap) &&
           hex_decode_into(dot + 1, strlen(dot + 1), wh, wh_cap);
}

void console_stock_list(app_t *app, const char *sku, const char *warehouse, bool low_only,
                        int limit, const char *cursor, svc_result_t *r) {
    char after_sku[65], after_wh[65];
    if (cursor && !cursor_decode(cursor, after_sku, sizeof after_sku, after_wh, sizeof after_wh)) {
        field_errors_add(svc_errors(r), "cursor", "invalid_cursor",
                         "cursor is not one this API gave");
        svc_fail(r, ORDO_E_VALIDATION, "invalid query parameters");
        return;
    }
    store_t *s = app_reader(app);
    stock_row_t *rows = calloc((size_t)limit, sizeof *rows);
    if (!s || !rows) {
        free(rows);
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    console_stock_filter_t f = {.sku = sku,
                                .warehouse = warehouse,
                                .low_only = low_only,
                                .after_sku = cursor ? after_sku : NULL,
                                .after_warehouse = cursor ? after_wh : NULL,
                                .limit = limit};
    int n = 0;
    bool more = false;
    if (s->vt->console->stock_page(s, &f, rows, &n, &more) != STORE_OK) {
        free(rows);
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *row = stock_row_json(&rows[i]);
        json_object_set_new(
            row, "low", json_boolean(rows[i].on_hand - rows[i].reserved < rows[i].safety_stock));
        json_array_append_new(items, row);
    }
    json_t *next = json_null();
    if (more && n > 0) {
        char buf[2 * 64 + 1 + 2 * 64 + 1];
        cursor_encode(&rows[n - 1], buf);
        json_decref(next);
        next = json_string(buf);
    }
    free(rows);
    svc_ok(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

/* {items: [get(key) for each key of list]}. */
static void list_of(app_t *app, int (*list)(store_t *, json_t **),
                    int (*get)(store_t *, const char *, json_t **), svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *keys = NULL;
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    s->vt->read_begin(s);
    int rc = list(s, &keys);
    json_t *items = json_array();
    size_t i;
    json_t *key;
    if (rc == STORE_OK)
        json_array_foreach(keys, i, key) {
            json_t *one = NULL;
            rc = get(s, json_string_value(key), &one);
            if (rc == STORE_NOT_FOUND) { /* gone since the list was read: not listed */
                rc = STORE_OK;
                continue;
            }
            if (rc != STORE_OK)
                break;
            json_array_append_new(items, one);
        }
    s->vt->read_end(s);
    json_decref(keys);
    if (rc != STORE_OK) {
        json_decref(items);
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    svc_ok(r, 200, json_pack("{s:o}", "items", items));
}

static int warehouse_codes(store_t *s, json_t **out) {
    return s->vt->console->warehouse_codes(s, out);
}
static int warehouse_one(store_t *s, const char *code, json_t **out) {
    return s->vt->warehouse_get(s, code, out);
}
static int webhook_ids(store_t *s, json_t **out) {
    return s->vt->console->webhook_ids(s, out);
}
static int webhook_one(store_t *s, const char *id, json_t **out) {
    return s->vt->webhook_get(s, id, out);
}

void console_warehouses(app_t *app, svc_result_t *r) {
    list_of(app, warehouse_codes, warehouse_one, r);
}

void console_webhooks(app_t *app, svc_result_t *r) {
    list_of(app, webhook_ids, webhook_one, r);
}

void console_waves(app_t *app, const char *warehouse, int64_t before_id, int limit,
                   svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *items = NULL;
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    s->vt->read_begin(s);
    int rc = s->vt->console->waves_page(s, warehouse, before_id, limit + 1, &items);
    s->vt->read_end(s);
    if (rc != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    json_t *next = json_null();
    if (json_array_size(items) > (size_t)limit) {
        json_array_remove(items, (size_t)limit);
        json_t *last = json_array_get(items, (size_t)limit - 1);
        char buf[24];
        snprintf(buf, sizeof buf, "%lld",
                 (long long)json_integer_value(json_object_get(last, "id")));
        json_decref(next);
        next = json_string(buf);
    }
    svc_ok(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}
