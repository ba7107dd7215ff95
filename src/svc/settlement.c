#include "svc/settlement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exception_action.h"
#include "core/settlement_calc.h"
#include "svc/after_sales_settings.h"
#include "util/timefmt.h"

#define CHINA_OFFSET_MS (8 * 3600 * 1000LL)

int settlement_record(store_t *s, int64_t order_id, int64_t now_ms) {
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, order_id, NULL, &rec);
    if (rc != STORE_OK)
        return rc;
    json_t *settings = as_settings_load(s);
    int64_t committed = 0, refunded = 0;
    rc = settings ? s->vt->after_sales->refunds_sum(s, order_id, &committed, &refunded)
                  : STORE_ERROR;
    if (rc == STORE_OK) {
        const char *channel = channel_name((channel_t)rec.channel);
        settlement_t st = settlement_compute(
            exc_refund_due(rec.doc), as_settings_commission_bp(settings, channel), refunded);
        settlement_line_rec_t line = {.order_id = order_id,
                                      .channel = channel,
                                      .completed_at_ms = now_ms,
                                      .paid_fen = st.paid_fen,
                                      .commission_fen = st.commission_fen,
                                      .refunds_fen = st.refunds_fen,
                                      .income_fen = st.income_fen,
                                      .rate_bp = st.rate_bp,
                                      .now_ms = now_ms};
        rc = s->vt->after_sales->settlement_put(s, &line);
        if (rc == STORE_CONFLICT)
            rc = STORE_OK; /* completed once: its line stands */
    }
    json_decref(settings);
    order_rec_clear(&rec);
    return rc;
}

static void add_to(json_t *row, const settlement_t *st) {
    static const char *const KEYS[] = {"paid", "commission", "refunds", "income"};
    int64_t v[] = {st->paid_fen, st->commission_fen, st->refunds_fen, st->income_fen};
    for (int i = 0; i < 4; i++)
        json_object_set_new(row, KEYS[i],
                            json_integer(json_integer_value(json_object_get(row, KEYS[i])) + v[i]));
    json_object_set_new(row, "orders",
                        json_integer(json_integer_value(json_object_get(row, "orders")) + 1));
}

static json_t *build_report(store_t *s, int64_t from_ms, int64_t to_ms) {
    json_t *settings = as_settings_load(s);
    json_t *orders = NULL;
    if (!settings ||
        s->vt->after_sales->settlement_orders(s, from_ms, to_ms, &orders) != STORE_OK) {
        json_decref(settings);
        return NULL;
    }
    json_t *days = json_array(), *lines = json_array();
    json_t *totals = json_pack("{s:i, s:i, s:i, s:i, s:i}", "orders", 0, "paid", 0, "commission", 0,
                               "refunds", 0, "income", 0);
    size_t i;
    json_t *o;
    json_array_foreach(orders, i, o) {
        const char *channel = json_string_value(json_object_get(o, "channel"));
        int64_t done = json_integer_value(json_object_get(o, "completed_at"));
        int64_t refunds = json_integer_value(json_object_get(o, "refunds"));
        json_t *line = json_object_get(o, "line");
        settlement_t st;
        if (json_is_object(line)) {
            st = settlement_compute(json_integer_value(json_object_get(line, "paid")),
                                    (int32_t)json_integer_value(json_object_get(line, "rate_bp")),
                                    refunds);
            st.commission_fen = json_integer_value(json_object_get(line, "commission"));
            st.income_fen = st.paid_fen - st.commission_fen - st.refunds_fen;
        } else {
            json_t *doc = json_loads(json_string_value(json_object_get(o, "doc")), 0, NULL);
            st = settlement_compute(exc_refund_due(doc),
                                    as_settings_commission_bp(settings, channel), refunds);
            json_decref(doc);
        }
        char day[16], at[40];
        date_format(day_in_china(done), day, sizeof day);
        json_array_append_new(
            lines, json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:I, s:I, s:I, s:s}", "order_no",
                             json_string_value(json_object_get(o, "order_no")), "channel", channel,
                             "day", day, "completed_at", rfc3339_format(done, at, sizeof at),
                             "paid", (json_int_t)st.paid_fen, "rate_bp", (int)st.rate_bp,
                             "commission", (json_int_t)st.commission_fen, "refunds",
                             (json_int_t)st.refunds_fen, "income", (json_int_t)st.income_fen,
                             "settled_by", json_is_object(line) ? "line" : "computed"));
        /* Orders come oldest first, so (day, channel) rows form in day order. */
        json_t *row = NULL;
        size_t k;
        json_t *d;
        json_array_foreach(days, k, d) {
            if (strcmp(json_string_value(json_object_get(d, "day")), day) == 0 &&
                strcmp(json_string_value(json_object_get(d, "channel")), channel) == 0)
                row = d;
        }
        if (!row) {
            row = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i}", "day", day, "channel", channel,
                            "orders", 0, "paid", 0, "commission", 0, "refunds", 0, "income", 0);
            json_array_append_new(days, row);
        }
        add_to(row, &st);
        add_to(totals, &st);
    }
    json_decref(orders);
    json_decref(settings);
    char f[40], t[40];
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "from", rfc3339_format(from_ms, f, sizeof f),
                     "to", rfc3339_format(to_ms, t, sizeof t), "currency", "CNY", "days", days,
                     "totals", totals, "orders", lines);
}

char *settlement_csv(json_t *report) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fputs("day,channel,orders,paid_fen,commission_fen,refunds_fen,income_fen\n", f);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(report, "days"), i, d) {
        /* days and channel names are fixed words: nothing to quote */
        fprintf(f, "%s,%s,%lld,%lld,%lld,%lld,%lld\n", json_string_value(json_object_get(d, "day")),
                json_string_value(json_object_get(d, "channel")),
                (long long)json_integer_value(json_object_get(d, "orders")),
                (long long)json_integer_value(json_object_get(d, "paid")),
                (long long)json_integer_value(json_object_get(d, "commission")),
                (long long)json_integer_value(json_object_get(d, "refunds")),
                (long long)json_integer_value(json_object_get(d, "income")));
    }
    fclose(f);
    return buf;
}

void settlement_report(app_t *app, int64_t from_ms, int64_t to_ms, bool csv, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *report = NULL;
    if (s && s->vt->read_begin(s) == STORE_OK) {
        report = build_report(s, from_ms, to_ms);
        s->vt->read_end(s);
    }
    if (!report) {
        svc_fail(r, ORDO_E_STORE, "cannot read the settlement");
        return;
    }
    if (!csv) {
        svc_ok(r, 200, report);
        return;
    }
    char *text = settlement_csv(report);
    json_decref(report);
    if (!text) {
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
        return;
    }
    svc_ok(r, 200, NULL);
    r->body_text = text;
    r->body_len = strlen(text);
    r->content_type = "text/csv; charset=utf-8";
}

static bool parse_bound(const char *v, bool upper, int64_t *out) {
    int32_t day;
    if (v && strlen(v) == 10 && date_parse(v, &day)) {
        *out = (int64_t)(day + (upper ? 1 : 0)) * 86400000 - CHINA_OFFSET_MS;
        return true;
    }
    return v && rfc3339_parse(v, out);
}

bool settlement_period(const char *from, const char *to, int64_t *from_ms, int64_t *to_ms) {
    return parse_bound(from, false, from_ms) && parse_bound(to, true, to_ms) && *from_ms < *to_ms;
}
