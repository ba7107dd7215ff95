#include "svc/allocation_decision.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/order_parse.h"
#include "svc/fields.h"
#include "svc/sourcing.h"
#include "svc/timeline.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

/* Each candidate is stored as [code, km, zone, cost_fen, days, fills, late, below_safety,
 * missing, score (weighted: per mille), chosen, ships, carrier, carrier_zone], in rank order;
 * the last two only when a carrier's quote priced it (not for the zone defaults, nor in
 * decisions stored before carriers priced any). The reason and the notes in words are derived
 * from these when read: every order writes a decision, few are read. */
static char *put_int(char *p, int64_t v) {
    char digits[24];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *p++ = '-';
    while (n)
        *p++ = digits[--n];
    *p++ = ',';
    return p;
}

static char *put_string(char *p, const char *text) {
    size_t len = strlen(text);
    *p++ = '"';
    memcpy(p, text, len);
    p += len;
    *p++ = '"';
    return p;
}

/* Written by hand into one buffer: it runs on the writer thread for every order. Codes are
 * [A-Za-z0-9._-] (code_is_valid) and zones are words, so they need no escaping. */
static char *candidates_text(const alloc_job_t *job) {
    const sourcing_decision_t *d = job->decision;
    enum {
        PER_CANDIDATE = ORDO_CODE_MAX + 4 + 11 * 21 + SOURCING_CARRIER_MAX + 3 +
                        (int)sizeof d->candidates[0].carrier_zone + 3
    };
    char *text = malloc((size_t)d->n_candidates * PER_CANDIDATE + 3);
    if (!text)
        return NULL;
    char *p = text;
    *p++ = '[';
    for (int i = 0; i < d->n_candidates; i++) {
        const sourcing_candidate_t *c = &d->candidates[i];
        const char *code = job->wh_codes[c->warehouse];
        *p++ = i ? ',' : '[';
        if (i)
            *p++ = '[';
        p = put_string(p, code);
        *p++ = ',';
        int64_t values[] = {c->km,
                            c->zone,
                            c->cost_fen,
                            c->days,
                            c->fills,
                            c->late,
                            c->below_safety,
                            c->missing,
                            job->policy_used.kind == SOURCING_WEIGHTED ? lround(c->score * 1000)
                                                                       : 0,
                            c->chosen,
                            c->ships};
        for (size_t k = 0; k < sizeof values / sizeof values[0]; k++)
            p = put_int(p, values[k]);
        if (c->carrier[0]) {
            p = put_string(p, c->carrier);
            *p++ = ',';
            p = put_string(p, c->carrier_zone);
            *p++ = ',';
        }
        p[-1] = ']';
    }
    *p++ = ']';
    *p = '\0';
    return text;
}

/* The chosen warehouses' codes, comma-separated, into buf. */
static void chosen_codes(const alloc_job_t *job, char *buf, size_t len) {
    const sourcing_decision_t *d = job->decision;
    size_t n = 0;
    for (int i = 0; i < d->n_candidates; i++) {
        if (!d->candidates[i].chosen)
            continue;
        const char *code = job->wh_codes[d->candidates[i].warehouse];
        size_t cl = strlen(code);
        if (n + cl + 2 > len)
            break;
        if (n)
            buf[n++] = ',';
        memcpy(buf + n, code, cl);
        n += cl;
    }
    buf[n] = '\0';
}

char *alloc_decision_make(const alloc_job_t *job, const char *cause, int64_t now,
                          alloc_decision_text_t *out) {
    chosen_codes(job, out->warehouses, sizeof out->warehouses);
    char *candidates = candidates_text(job);
    out->rec = (allocation_rec_t){.policy = sourcing_kind_name(job->policy_used.kind),
                                  .outcome = sourcing_outcome_name(job->decision->outcome),
                                  .warehouses = out->warehouses,
                                  .candidates_json = candidates,
                                  .cause = cause,
                                  .decided_by = job->actor ? job->actor : "system",
                                  .at_ms = now};
    return candidates;
}

int alloc_decision_record(store_t *s, const alloc_job_t *job, const char *cause, int64_t now) {
    alloc_decision_text_t d;
    char *candidates = alloc_decision_make(job, cause, now, &d);
    int rc = candidates ? s->vt->allocation_put(s, job->order_id, &d.rec) : STORE_ERROR;
    free(candidates);
    return rc;
}

/* The stored candidate arrays as objects, each with its note in words, and the decision's
 * reason, rebuilt from them. */
static json_t *candidates_view(json_t *stored, const char *policy, const char *outcome,
                               char *reason, size_t reason_len) {
    json_t *out = json_array();
    sourcing_decision_t *d = calloc(1, sizeof *d);
    const char *codes[SOURCING_WAREHOUSES_MAX];
    size_t i;
    json_t *a;
    json_array_foreach(stored, i, a) {
        if (!d || i >= SOURCING_WAREHOUSES_MAX)
            break;
        sourcing_candidate_t c = {
            .warehouse = (int)i,
            .km = (int32_t)json_integer_value(json_array_get(a, 1)),
            .zone = (int)json_integer_value(json_array_get(a, 2)),
            .cost_fen = json_integer_value(json_array_get(a, 3)),
            .days = (int32_t)json_integer_value(json_array_get(a, 4)),
            .fills = json_integer_value(json_array_get(a, 5)) != 0,
            .late = json_integer_value(json_array_get(a, 6)) != 0,
            .below_safety = json_integer_value(json_array_get(a, 7)),
            .missing = json_integer_value(json_array_get(a, 8)),
            .rank = (int)i + 1,
            .chosen = json_integer_value(json_array_get(a, 10)) != 0,
            .ships = json_integer_value(json_array_get(a, 11)) != 0,
        };
        const char *carrier = json_string_value(json_array_get(a, 12));
        const char *carrier_zone = json_string_value(json_array_get(a, 13));
        snprintf(c.carrier, sizeof c.carrier, "%s", carrier ? carrier : "");
        snprintf(c.carrier_zone, sizeof c.carrier_zone, "%s", carrier_zone ? carrier_zone : "");
        d->candidates[d->n_candidates++] = c;
        codes[i] = json_string_value(json_array_get(a, 0));
        if (!codes[i])
            codes[i] = "";
        char note[256];
        sourcing_candidate_note(&c, note, sizeof note);
        json_t *o =
            json_pack("{s:I, s:s, s:b, s:I, s:i, s:I, s:I, s:b, s:b, s:I, s:I, s:s}", "rank",
                      (json_int_t)(i + 1), "warehouse", codes[i], "chosen", c.chosen, "km",
                      (json_int_t)c.km, "zone", c.zone, "cost_fen", (json_int_t)c.cost_fen, "days",
                      (json_int_t)c.days, "fills", c.fills, "late", c.late, "below_safety",
                      (json_int_t)c.below_safety, "missing", (json_int_t)c.missing, "note", note);
        json_object_set_new(o, "carrier", c.carrier[0] ? json_string(c.carrier) : json_null());
        json_object_set_new(o, "carrier_zone",
                            c.carrier[0] ? json_string(c.carrier_zone) : json_null());
        if (strcmp(policy, "weighted") == 0)
            json_object_set_new(
                o, "score", json_real((double)json_integer_value(json_array_get(a, 9)) / 1000.0));
        json_array_append_new(out, o);
    }
    sourcing_policy_t p;
    sourcing_policy_default(&p);
    sourcing_kind_parse(policy, &p.kind);
    reason[0] = '\0';
    if (d) {
        d->outcome = strcmp(outcome, "whole") == 0   ? SOURCING_WHOLE
                     : strcmp(outcome, "split") == 0 ? SOURCING_SPLIT
                                                     : SOURCING_NONE;
        sourcing_reason(d, &p, codes, reason, reason_len);
    }
    free(d);
    return out;
}

/* Expands a stored row (as allocation_get returns it) in place. */
static void expand(json_t *row) {
    const char *policy = json_string_value(json_object_get(row, "policy"));
    const char *outcome = json_string_value(json_object_get(row, "outcome"));
    char reason[512];
    json_t *candidates = candidates_view(json_object_get(row, "candidates"), policy ? policy : "",
                                         outcome ? outcome : "", reason, sizeof reason);
    json_object_set_new(row, "candidates", candidates);
    json_object_set_new(row, "reason", json_string(reason));
    const char *list = json_string_value(json_object_get(row, "warehouses"));
    json_t *codes = json_array();
    while (list && *list) {
        const char *comma = strchr(list, ',');
        size_t n = comma ? (size_t)(comma - list) : strlen(list);
        json_array_append_new(codes, json_stringn(list, n));
        list += n + (comma ? 1 : 0);
    }
    json_object_set_new(row, "warehouses", codes);
}

#define HELD_MAX (ORDO_ORDER_LINES_MAX * 4)

void alloc_decision_get(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    order_rec_t rec = {0};
    json_t *row = NULL;
    held_t *held = malloc(sizeof(held_t) * HELD_MAX);
    int n_held = 0;
    s->vt->read_begin(s);
    int rc = held ? s->vt->order_get(s, 0, order_no, &rec) : STORE_ERROR;
    if (rc == STORE_OK)
        rc = s->vt->allocation_get(s, rec.id, &row);
    if (rc == STORE_OK)
        rc = s->vt->reservations_of_order(s, rec.id, held, HELD_MAX, &n_held);
    s->vt->read_end(s);
    if (rc == STORE_OK) {
        expand(row);
        json_object_set_new(row, "order_no", json_string(rec.order_no));
        json_t *res = json_array();
        for (int i = 0; i < n_held; i++)
            json_array_append_new(res, json_pack("{s:i, s:s, s:s, s:I}", "line", held[i].line_no,
                                                 "sku", held[i].sku, "warehouse", held[i].warehouse,
                                                 "qty", (json_int_t)held[i].qty));
        json_object_set_new(row, "reservations", res);
        svc_ok(r, 200, row);
    } else if (rc == STORE_NOT_FOUND) {
        json_decref(row);
        if (rec.id)
            svc_fail(r, ORDO_E_NOT_FOUND, "order %s has no allocation decision", order_no);
        else
            svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    } else {
        json_decref(row);
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    }
    free(held);
    order_rec_clear(&rec);
}

/* The decision in job as the API shows it (the stored form, expanded). */
static json_t *decision_view(const alloc_job_t *job) {
    char warehouses[ALLOC_WAREHOUSES_MAX * (ORDO_CODE_MAX + 1)];
    chosen_codes(job, warehouses, sizeof warehouses);
    char *text = candidates_text(job);
    json_t *row =
        json_pack("{s:s, s:s, s:s, s:o}", "policy", sourcing_kind_name(job->policy_used.kind),
                  "outcome", sourcing_outcome_name(job->decision->outcome), "warehouses",
                  warehouses, "candidates", text ? json_loads(text, 0, NULL) : json_array());
    free(text);
    if (row)
        expand(row);
    return row;
}

void alloc_decision_preview(app_t *app, json_t *body, svc_result_t *r) {
    order_input_t in;
    memset(&in, 0, sizeof in);
    field_errors_t *errs = svc_errors(r);
    if (!errs || !order_parse(body, &app->validation, &in, errs)) {
        order_input_free(&in);
        svc_fail(r, ORDO_E_VALIDATION, "the order has invalid fields");
        return;
    }
    store_t *s = app_reader(app);
    alloc_job_t *job = calloc(1, sizeof *job);
    sourcing_policy_t policy;
    int rc = s && job ? STORE_OK : STORE_ERROR;
    if (rc == STORE_OK)
        s->vt->read_begin(s);
    if (rc == STORE_OK)
        rc = sourcing_policy_load(s, &policy);
    if (rc == STORE_OK) {
        alloc_job_from_input(job, &in, time_now_ms());
        job->policy = &policy;
        rc = alloc_plan(s, job);
    }
    if (s)
        s->vt->read_end(s);
    if (rc != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot plan the order");
    } else {
        json_t *view = decision_view(job);
        json_t *allocs = json_array(), *shorts = json_array();
        for (int i = 0; i < job->n_allocs; i++) {
            const reserve_alloc_t *a = &job->allocs[i];
            json_array_append_new(allocs, json_pack("{s:i, s:s, s:s, s:i}", "line", a->line + 1,
                                                    "sku", job->sku[a->line], "warehouse",
                                                    job->wh_codes[a->warehouse], "qty", a->qty));
        }
        for (int l = 0; l < job->n_lines; l++)
            if (job->short_qty[l])
                json_array_append_new(shorts, json_pack("{s:i, s:s, s:i}", "line", l + 1, "sku",
                                                        job->sku[l], "qty", job->short_qty[l]));
        json_object_set_new(view, "allocations", allocs);
        json_object_set_new(view, "short", shorts);
        svc_ok(r, 200, view);
    }
    if (job)
        alloc_job_clear(job);
    free(job);
    order_input_free(&in);
}
