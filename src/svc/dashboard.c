/* The managers' dashboard: orders per status now, intake per minute, time per stage against
 * its SLA, error rates per stage and the peak hour against capacity — all from counters and
 * range reads over the window (store/console_store.h), never a count of every order. */
#include "svc/dashboard.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/work_stages.h"
#include "store/console_store.h"
#include "util/env.h"
#include "util/timefmt.h"

#define MINUTE_MS 60000
#define WEEK_MINUTES (7 * 1440)

/* Durations (ms) of the stages that ended in the window, and the review decisions. */
typedef struct {
    store_t *s;
    int64_t *ms[STAGE__COUNT];
    int n[STAGE__COUNT], cap[STAGE__COUNT];
    int64_t approved, rejected;
} window_t;

static int on_event(void *ctx, const console_event_t *e) {
    window_t *w = ctx;
    int outcome = work_review_outcome(e->type, e->from_status, e->to_status, e->reason);
    if (outcome > 0)
        w->approved++;
    else if (outcome < 0)
        w->rejected++;
    int st = work_stage_ended_by(e->type, e->from_status, e->to_status);
    if (st < 0)
        return 0;
    const char *status, *note;
    work_stage_start((work_stage_t)st, &status, &note);
    int64_t start = 0;
    int rc = w->s->vt->console->entered_at(w->s, e->order_id, e->id, status, note, &start);
    if (rc == STORE_NOT_FOUND && st == STAGE_PACKING) /* packed without a `picked` note */
        rc = w->s->vt->console->entered_at(w->s, e->order_id, e->id, "picking", NULL, &start);
    if (rc == STORE_NOT_FOUND)
        return 0; /* its start predates the timeline (an imported order): not measured */
    if (rc != STORE_OK)
        return rc;
    if (w->n[st] == w->cap[st]) {
        int cap = w->cap[st] ? 2 * w->cap[st] : 64;
        int64_t *grown = realloc(w->ms[st], (size_t)cap * sizeof *grown);
        if (!grown)
            return STORE_ERROR;
        w->ms[st] = grown;
        w->cap[st] = cap;
    }
    w->ms[st][w->n[st]++] = e->at_ms - start;
    return 0;
}

static int64_t stage_sla_s(work_stage_t st) {
    char name[48];
    snprintf(name, sizeof name, "ORDO_SLA_%s_S", work_stage_name(st));
    for (char *c = name; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return env_positive(name, (long)work_stage_default_sla_s(st));
}

static json_t *stages_json(window_t *w) {
    json_t *a = json_array();
    for (int st = 0; st < STAGE__COUNT; st++) {
        int n = w->n[st];
        int64_t sla_ms = stage_sla_s((work_stage_t)st) * 1000, sum = 0, breaches = 0;
        for (int i = 0; i < n; i++) {
            sum += w->ms[st][i];
            breaches += w->ms[st][i] > sla_ms;
        }
        int64_t p90 = work_percentile(w->ms[st], n, 90);
        json_array_append_new(
            a, json_pack("{s:s, s:i, s:o, s:o, s:I, s:I}", "stage",
                         work_stage_name((work_stage_t)st), "count", n, "avg_seconds",
                         n ? json_real((double)sum / n / 1000.0) : json_null(), "p90_seconds",
                         n ? json_real((double)p90 / 1000.0) : json_null(), "sla_seconds",
                         (json_int_t)(sla_ms / 1000), "breaches", (json_int_t)breaches));
    }
    return a;
}

static json_t *rate_json(const char *stage, const char *measure, int64_t errors, int64_t total) {
    return json_pack("{s:s, s:s, s:I, s:I, s:o}", "stage", stage, "measure", measure, "errors",
                     (json_int_t)errors, "total", (json_int_t)total, "rate",
                     total ? json_real((double)errors / (double)total) : json_null());
}

static char *iso(int64_t ms, char *buf) {
    return rfc3339_format(ms, buf, 40);
}

/* Everything the dashboard reads, in one read transaction: one consistent snapshot. */
static int read_all(store_t *s, int window, int64_t now_ms, window_t *w, json_t *out) {
    const console_store_vtable_t *c = s->vt->console;
    int64_t now_minute = now_ms / MINUTE_MS, first = now_minute - window + 1;
    int64_t from_ms = first * MINUTE_MS, to_ms = now_ms + 1;
    char at[40];
    json_t *statuses = NULL;
    int rc = c->status_counts(s, &statuses);
    if (rc != STORE_OK)
        return rc;
    json_object_set_new(out, "orders_by_status", statuses);

    int64_t *counts = calloc((size_t)window, sizeof *counts);
    if (!counts)
        return STORE_ERROR;
    rc = c->work_minutes(s, "placed", first, window, counts);
    json_t *intake = json_array();
    for (int i = 0; rc == STORE_OK && i < window; i++)
        json_array_append_new(intake,
                              json_pack("{s:s, s:I}", "minute", iso((first + i) * MINUTE_MS, at),
                                        "count", (json_int_t)counts[i]));
    free(counts);
    json_object_set_new(out, "intake_per_minute", intake);
    if (rc != STORE_OK)
        return rc;

    rc = c->events_between(s, from_ms, to_ms, on_event, w);
    if (rc != STORE_OK)
        return rc;
    json_object_set_new(out, "stages", stages_json(w));

    console_window_counts_t wc = {0};
    int64_t scans = 0, refused = 0, shorts = 0;
    rc = c->window_counts(s, from_ms, to_ms, &wc);
    if (rc == STORE_OK)
        rc = c->work_total(s, "scan", first, now_minute + 1, &scans);
    if (rc == STORE_OK)
        rc = c->work_total(s, "scan_refused", first, now_minute + 1, &refused);
    if (rc == STORE_OK)
        rc = c->work_total(s, "pick_short", first, now_minute + 1, &shorts);
    if (rc != STORE_OK)
        return rc;
    json_t *rates = json_array();
    json_array_append_new(
        rates, rate_json("review", "review_rejects", w->rejected, w->approved + w->rejected));
    json_array_append_new(rates, rate_json("picking", "short_picks", shorts, wc.pick_lines));
    json_array_append_new(rates,
                          rate_json("scanning", "scan_mismatches", refused, scans + refused));
    json_array_append_new(rates, rate_json("logistics", "logistics_exceptions", wc.logistics_cases,
                                           wc.parcels_shipped));
    json_array_append_new(rates, rate_json("after_sales", "after_sales_tickets", wc.after_sales,
                                           wc.orders_delivered));
    json_object_set_new(out, "error_rates", rates);

    int64_t week_from = now_minute - WEEK_MINUTES + 1, busiest = 0, busiest_n = 0;
    int64_t cap_hour = 0, cap_n = 0, hour_first = now_minute / 60 * 60, current = 0;
    rc = c->work_busiest_hour(s, "placed", week_from, now_minute + 1, &busiest, &busiest_n);
    if (rc == STORE_OK)
        rc = c->work_busiest_hour(s, "shipped", week_from, now_minute + 1, &cap_hour, &cap_n);
    if (rc == STORE_OK)
        rc = c->work_total(s, "placed", hour_first, now_minute + 1, &current);
    if (rc != STORE_OK)
        return rc;
    char busiest_at[40], current_at[40], cap_at[40];
    iso(busiest * MINUTE_MS, busiest_at);
    iso(hour_first * MINUTE_MS, current_at);
    iso(cap_hour * MINUTE_MS, cap_at);
    json_object_set_new(
        out, "peak",
        json_pack("{s:o, s:I, s:s, s:I, s:I, s:o}", "busiest_hour_start",
                  busiest_n ? json_string(busiest_at) : json_null(), "orders_in_busiest_hour",
                  (json_int_t)busiest_n, "current_hour_start", current_at, "current_hour_orders",
                  (json_int_t)current, "capacity_per_hour", (json_int_t)cap_n,
                  "capacity_hour_start", cap_n ? json_string(cap_at) : json_null()));
    return STORE_OK;
}

void dashboard_get(app_t *app, int window_minutes, int64_t now_ms, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    char at[40];
    json_t *out = json_pack("{s:s, s:i}", "at", iso(now_ms, at), "window_minutes", window_minutes);
    window_t w = {.s = s};
    s->vt->read_begin(s);
    int rc = read_all(s, window_minutes, now_ms, &w, out);
    s->vt->read_end(s);
    for (int st = 0; st < STAGE__COUNT; st++)
        free(w.ms[st]);
    if (rc != STORE_OK) {
        json_decref(out);
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    svc_ok(r, 200, out);
}
