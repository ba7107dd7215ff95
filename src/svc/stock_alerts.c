#include "svc/stock_alerts.h"

#include <stdlib.h>

#include "util/jsonw.h"
#include "util/timefmt.h"

static bool is_low(const stock_row_t *r) {
    return r->on_hand - r->reserved < r->safety_stock;
}

int stock_alert_check(store_t *s, const stock_row_t *before, const stock_row_t *after,
                      int64_t now) {
    return is_low(before) || !is_low(after) ? STORE_OK : stock_alert_raise(s, after, now);
}

int stock_alert_raise(store_t *s, const stock_row_t *after, int64_t now) {
    jsonw_t w;
    jw_init(&w);
    jw_obj_begin(&w);
    jw_key(&w, "warehouse");
    jw_str(&w, after->warehouse);
    jw_key(&w, "sku");
    jw_str(&w, after->sku);
    jw_key(&w, "on_hand");
    jw_int(&w, after->on_hand);
    jw_key(&w, "reserved");
    jw_int(&w, after->reserved);
    jw_key(&w, "available");
    jw_int(&w, after->on_hand - after->reserved);
    jw_key(&w, "safety_stock");
    jw_int(&w, after->safety_stock);
    jw_obj_end(&w);
    char *payload = jw_take(&w, NULL);
    if (!payload)
        return STORE_ERROR;
    int rc = s->vt->outbox_append(s, "stock.low", 0, payload, now);
    free(payload);
    return rc;
}

static void report(app_t *app, int (*read)(store_t *s, int64_t arg, json_t **out), int64_t arg,
                   json_t *body, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *items = NULL;
    if (!s || read(s, arg, &items) != STORE_OK) {
        json_decref(body);
        svc_fail(r, ORDO_E_STORE, "cannot read the report");
        return;
    }
    json_object_set_new(body, "items", items);
    svc_ok(r, 200, body);
}

static int read_low(store_t *s, int64_t unused, json_t **out) {
    (void)unused;
    return s->vt->low_stock(s, out);
}

static int read_slow(store_t *s, int64_t since_ms, json_t **out) {
    return s->vt->slow_movers(s, since_ms, out);
}

void stock_report_low(app_t *app, svc_result_t *r) {
    report(app, read_low, 0, json_object(), r);
}

void stock_report_slow_movers(app_t *app, int64_t days, int64_t now, svc_result_t *r) {
    int64_t since = now - days * 86400000LL;
    char at[40];
    report(app, read_slow, since,
           json_pack("{s:I, s:s}", "days", (json_int_t)days, "since",
                     rfc3339_format(since, at, sizeof at)),
           r);
}
