/* Delivery tracking: parcels start being tracked when they ship, their events come in from
 * pushes and polls, and the order follows its parcels. */
#include "svc/tracking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kuaidi100_company.h"
#include "core/payment_verify.h"
#include "svc/after_sales_return.h"
#include "svc/fields.h"
#include "svc/timeline.h"
#include "svc/tracking_detect.h"
#include "util/form.h"
#include "util/timefmt.h"

#define DAY_MS (24 * 3600 * 1000LL)
/* Events one push or poll may carry: carriers list a parcel's whole history, rarely more
 * than a few dozen scans. */
#define EVENTS_MAX 200
#define CONTEXT_MAX 1000

/* Opens a tracking row; the first poll waits a poll interval of its carrier: there is
 * nothing to ask the carrier before it has had the parcel a while. */
static int track_open(store_t *s, parcel_tracking_rec_t *p, int64_t now_ms) {
    int64_t interval = TRACKING_POLL_MINUTES_DEFAULT * 60 * 1000LL;
    char *text = NULL;
    if (s->vt->tracking->carrier_get(s, p->carrier, &text) == STORE_OK) {
        json_t *c = json_loads(text, 0, NULL);
        json_int_t m = json_integer_value(json_object_get(c, "poll_interval_minutes"));
        if (m > 0)
            interval = m * 60 * 1000LL;
        json_decref(c);
    }
    free(text);
    p->shipped_at_ms = now_ms;
    p->next_poll_at_ms = now_ms + interval;
    return s->vt->tracking->parcel_open(s, p);
}

int tracking_parcel_shipped(store_t *s, int64_t parcel_id, int64_t order_id, const char *carrier,
                            const char *tracking_no, int promised_days, int64_t now_ms) {
    parcel_tracking_rec_t p = {
        .parcel_id = parcel_id,
        .order_id = order_id,
        .carrier = carrier,
        .tracking_no = tracking_no,
        .promised_by_ms = promised_days > 0 ? now_ms + promised_days * DAY_MS : 0,
    };
    return track_open(s, &p, now_ms);
}

int tracking_return_shipped(store_t *s, int64_t after_sales_id, int64_t order_id,
                            const char *carrier, const char *tracking_no, int64_t now_ms) {
    parcel_tracking_rec_t p = {
        .parcel_id = -after_sales_id,
        .order_id = order_id,
        .carrier = carrier,
        .tracking_no = tracking_no,
        .after_sales_id = after_sales_id,
    };
    return track_open(s, &p, now_ms);
}

bool tracking_time_parse(const char *text, int64_t *ms) {
    if (!text)
        return false;
    if (rfc3339_parse(text, ms))
        return true;
    /* "YYYY-MM-DD HH:MM:SS" in China time. */
    if (strlen(text) != 19 || text[10] != ' ')
        return false;
    char buf[40];
    snprintf(buf, sizeof buf, "%.10sT%.8s+08:00", text, text + 11);
    return rfc3339_parse(buf, ms);
}

/* Kuaidi100's per-event status words (with resultv2). */
static int milestone_of_word(const char *word) {
    static const struct {
        const char *word;
        milestone_t m;
    } words[] = {
        {"在途", MILESTONE_IN_TRANSIT},   {"揽收", MILESTONE_COLLECTED},
        {"疑难", MILESTONE_PROBLEM},      {"签收", MILESTONE_DELIVERED},
        {"退签", MILESTONE_RETURNED},     {"派件", MILESTONE_OUT_FOR_DELIVERY},
        {"退回", MILESTONE_RETURNED},     {"转投", MILESTONE_IN_TRANSIT},
        {"拒签", MILESTONE_PROBLEM},      {"清关", MILESTONE_IN_TRANSIT},
        {"待清关", MILESTONE_IN_TRANSIT}, {"清关中", MILESTONE_IN_TRANSIT},
        {"已清关", MILESTONE_IN_TRANSIT}, {"清关异常", MILESTONE_PROBLEM},
    };
    for (size_t i = 0; word && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i].word, word) == 0)
            return (int)words[i].m;
    return -1;
}

static const char *string_or_number(json_t *v, char *buf, size_t cap) {
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return NULL;
}

bool tracking_events_parse(json_t *arr, const char *state, tracking_event_t *out, int cap, int *n,
                           char *err, size_t err_len) {
    *n = 0;
    if (!json_is_array(arr)) {
        snprintf(err, err_len, "events must be an array");
        return false;
    }
    if ((int)json_array_size(arr) > cap) {
        snprintf(err, err_len, "at most %d events at once", cap);
        return false;
    }
    size_t i;
    json_t *item;
    int64_t newest = INT64_MIN;
    int newest_i = -1;
    json_array_foreach(arr, i, item) {
        const char *time = json_string_value(json_object_get(item, "time"));
        const char *ftime = json_string_value(json_object_get(item, "ftime"));
        const char *context = json_string_value(json_object_get(item, "context"));
        tracking_event_t *e = &out[*n];
        if (!tracking_time_parse(time, &e->at_ms) && !tracking_time_parse(ftime, &e->at_ms)) {
            snprintf(err, err_len,
                     "events[%zu].time must be a time (2024-05-01 10:00:00 or RFC 3339)", i);
            return false;
        }
        if (!context || !*context || strlen(context) > CONTEXT_MAX) {
            snprintf(err, err_len, "events[%zu].context must be text of 1 to %d bytes", i,
                     CONTEXT_MAX);
            return false;
        }
        e->context = context;
        char code_buf[24];
        const char *area_name = json_string_value(json_object_get(item, "areaName"));
        e->area = area_name ? area_name : json_string_value(json_object_get(item, "area"));
        int m = milestone_from_name(json_string_value(json_object_get(item, "milestone")));
        if (m < 0)
            m = milestone_of_kuaidi100_state(
                string_or_number(json_object_get(item, "statusCode"), code_buf, sizeof code_buf));
        if (m < 0)
            m = milestone_of_word(json_string_value(json_object_get(item, "status")));
        if (m < 0)
            m = (int)milestone_of_text(context);
        e->milestone = (milestone_t)m;
        if (e->at_ms > newest) {
            newest = e->at_ms;
            newest_i = *n;
        }
        (*n)++;
    }
    /* The aggregator's verdict on the parcel speaks for its newest event, unless that event
     * said for itself (statusCode) or its words say more (a 疑难 state with a 签收 text is
     * still a problem to look at: the state wins). */
    int st = milestone_of_kuaidi100_state(state);
    if (st >= 0 && newest_i >= 0 &&
        !json_object_get(json_array_get(arr, (size_t)newest_i), "statusCode"))
        out[newest_i].milestone = (milestone_t)st;
    return true;
}

/* ---- the order follows its parcels ---- */

static int rank(const char *milestone) {
    int m = milestone_from_name(milestone);
    return m < 0 ? 0 : m;
}

const char *tracking_order_milestone(json_t *rows) {
    size_t i, n = json_array_size(rows);
    json_t *row;
    if (n == 0)
        return NULL;
    bool all_delivered = true, returned = false, problem = false;
    const char *least = NULL;
    json_array_foreach(rows, i, row) {
        const char *m = json_string_value(json_object_get(row, "milestone"));
        all_delivered &= strcmp(m, "delivered") == 0;
        returned |= strcmp(m, "returned") == 0;
        problem |= strcmp(m, "problem") == 0;
        if (strcmp(m, "delivered") != 0 && (!least || rank(m) < rank(least)))
            least = m;
    }
    if (all_delivered)
        return "delivered";
    if (returned)
        return "returned";
    if (problem)
        return "problem";
    return milestone_name((milestone_t)milestone_from_name(least));
}

int tracking_order_follow(store_t *s, svc_op_t *op, int64_t order_id, const char *why) {
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, order_id, NULL, &rec);
    if (rc != STORE_OK)
        return rc == STORE_NOT_FOUND ? STORE_OK : rc;
    json_t *rows = NULL;
    /* A partly shipped order waits for its last parcel: it cannot be out for delivery or
     * delivered while goods are still in the warehouse. */
    if (rec.status != ORDER_SHIPPED && rec.status != ORDER_OUT_FOR_DELIVERY)
        goto out;
    rc = s->vt->tracking->parcels_of_order(s, order_id, &rows);
    if (rc != STORE_OK)
        goto out;
    bool all_delivered = json_array_size(rows) > 0, any_out = false;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *m = json_string_value(json_object_get(row, "milestone"));
        bool delivered = strcmp(m, "delivered") == 0;
        all_delivered &= delivered;
        any_out |= delivered || strcmp(m, "out_for_delivery") == 0;
    }
    order_status_t to;
    order_event_t ev = all_delivered ? ORDER_EV_DELIVER : ORDER_EV_OUT_FOR_DELIVERY;
    if ((all_delivered || any_out) && lifecycle_next(rec.status, ev, &to)) {
        rc = s->vt->order_set_status(s, rec.id, to, op->now_ms);
        if (rc == STORE_OK)
            rc = timeline_transition(s, rec.id, rec.order_no, op->actor, rec.status, to, why,
                                     op->now_ms);
    }
out:
    json_decref(rows);
    order_rec_clear(&rec);
    return rc;
}

int tracking_ingest(store_t *s, svc_op_t *op, json_t *row, const tracking_event_t *events, int n,
                    const char *source, int64_t as_of_ms, int *added) {
    int64_t parcel_id = json_integer_value(json_object_get(row, "parcel_id"));
    *added = 0;
    for (int i = 0; i < n; i++) {
        tracking_event_rec_t e = {.parcel_id = parcel_id,
                                  .at_ms = events[i].at_ms,
                                  .context = events[i].context,
                                  .milestone = milestone_name(events[i].milestone),
                                  .source = source,
                                  .area = events[i].area,
                                  .received_at_ms = op->now_ms};
        int rc = s->vt->tracking->event_add(s, &e);
        if (rc == STORE_OK)
            (*added)++;
        else if (rc != STORE_CONFLICT)
            return rc;
    }
    if (*added == 0)
        return STORE_OK;
    json_t *all = NULL;
    int rc = s->vt->tracking->events(s, parcel_id, &all);
    if (rc != STORE_OK)
        return rc;
    /* The latest event by the carrier's clock decides, whatever order they came in: a late
     * older scan never takes the parcel back. */
    json_t *latest = json_array_get(all, 0);
    const char *milestone = json_string_value(json_object_get(latest, "milestone"));
    const char *context = json_string_value(json_object_get(latest, "context"));
    int64_t at = json_integer_value(json_object_get(latest, "at"));
    const char *before = json_string_value(json_object_get(row, "milestone"));
    int m = milestone_from_name(milestone);
    bool changed = strcmp(before, milestone) != 0;
    int64_t milestone_at = changed ? at : json_integer_value(json_object_get(row, "milestone_at"));
    rc = s->vt->tracking->state_put(s, parcel_id, milestone, milestone_at, at,
                                    !milestone_is_final((milestone_t)m));
    /* A return parcel is the ticket's business: its order and the logistics alerts are about
     * what ordo sent, not what comes back. */
    json_t *ticket = json_object_get(row, "after_sales_id");
    if (json_is_integer(ticket)) {
        if (rc == STORE_OK && changed)
            rc = as_return_tracked(s, op, json_integer_value(ticket), row, before, milestone, at,
                                   context);
        json_decref(all);
        return rc;
    }
    order_rec_t rec = {0};
    if (rc == STORE_OK && changed)
        rc = s->vt->order_get(s, json_integer_value(json_object_get(row, "order_id")), NULL, &rec);
    if (rc == STORE_OK && changed) {
        char note[1200];
        snprintf(note, sizeof note, "parcel %lld (%s %s): %s → %s: %s", (long long)parcel_id,
                 json_string_value(json_object_get(row, "carrier")),
                 json_string_value(json_object_get(row, "tracking_no")), before, milestone,
                 context);
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "tracking", note, op->now_ms);
        if (rc == STORE_OK) {
            char why[1100];
            snprintf(why, sizeof why, "tracking: %s", context);
            rc = tracking_order_follow(s, op, rec.id, why);
        }
    }
    order_rec_clear(&rec);
    json_decref(all);
    if (rc == STORE_OK && changed) {
        json_t *now_row = NULL;
        rc = s->vt->tracking->parcel_get(s, parcel_id, &now_row);
        if (rc == STORE_OK)
            rc = tracking_detect_parcel(s, op, now_row, NULL, as_of_ms, NULL);
        json_decref(now_row);
    }
    return rc;
}

/* ---- settings ---- */

typedef struct {
    svc_op_t op;
    int table; /* 0 provider, 1 carrier */
    char name[32];
    char *config;
} settings_op_t;

static const char *const SECRETS[] = {"key", "salt", "secret", "api_key"};

static void settings_show(store_t *s, int table, const char *name, svc_result_t *r) {
    char *text = NULL;
    int rc = !s           ? STORE_ERROR
             : table == 0 ? s->vt->tracking->provider_get(s, name, &text)
                          : s->vt->tracking->carrier_get(s, name, &text);
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no tracking settings for %s", name);
        return;
    }
    json_t *config = rc == STORE_OK ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!config) {
        svc_fail(r, ORDO_E_STORE, "the tracking settings could not be read");
        return;
    }
    fields_mask_secrets(config, SECRETS, sizeof SECRETS / sizeof SECRETS[0]);
    json_object_set_new(config, table == 0 ? "provider" : "carrier", json_string(name));
    svc_ok(r, 200, config);
}

static ordo_err_t settings_run(store_t *s, svc_op_t *op) {
    settings_op_t *so = (settings_op_t *)op;
    int rc = so->table == 0
                 ? s->vt->tracking->provider_put(s, so->name, so->config, op->actor, op->now_ms)
                 : s->vt->tracking->carrier_put(s, so->name, so->config, op->actor, op->now_ms);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    settings_show(s, so->table, so->name, &op->result);
    return ORDO_E_OK;
}

static void settings_destroy(svc_op_t *op) {
    free(((settings_op_t *)op)->config);
}

static svc_op_t *settings_op(app_t *app, int table, const char *name, json_t *config,
                             const char *actor, svc_result_t *immediate) {
    settings_op_t *so = (settings_op_t *)svc_op_alloc(sizeof *so, app, actor);
    char *text = json_dumps(config, JSON_COMPACT);
    if (!so || !text) {
        free(so);
        free(text);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    so->op.run = settings_run;
    so->op.destroy = settings_destroy;
    so->table = table;
    snprintf(so->name, sizeof so->name, "%s", name);
    so->config = text;
    return &so->op;
}

svc_op_t *tracking_provider_put_op(app_t *app, const char *name, json_t *body, const char *actor,
                                   svc_result_t *immediate) {
    bool k100 = strcmp(name, "kuaidi100") == 0;
    if (!k100 && strcmp(name, "generic") != 0) {
        svc_fail(immediate, ORDO_E_NOT_FOUND, "no tracking provider '%s' (kuaidi100, generic)",
                 name);
        return NULL;
    }
    if (!fields_require_object(body, "the tracking provider's settings are invalid", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    json_t *config = json_object();
    if (k100) {
        const char *key = field_string(body, "key", true, 200, e);
        const char *salt = field_string(body, "salt", true, 200, e);
        if (salt && !*salt)
            field_errors_add(e, "salt", "required",
                             "the salt signs every push: it cannot be empty");
        json_object_set_new(config, "key", json_string(key ? key : ""));
        json_object_set_new(config, "salt", json_string(salt ? salt : ""));
    } else {
        const char *secret = field_string(body, "secret", true, 200, e);
        if (secret && strlen(secret) < 16)
            field_errors_add(e, "secret", "too_short", "the secret must have at least 16 bytes");
        json_object_set_new(config, "secret", json_string(secret ? secret : ""));
    }
    svc_op_t *op = NULL;
    if (svc_error_count(immediate))
        svc_fail(immediate, ORDO_E_VALIDATION, "the tracking provider's settings are invalid");
    else
        op = settings_op(app, 0, name, config, actor, immediate);
    json_decref(config);
    return op;
}

void tracking_provider_get(app_t *app, const char *name, svc_result_t *r) {
    settings_show(app_reader(app), 0, name, r);
}

svc_op_t *tracking_carrier_put_op(app_t *app, const char *code, json_t *body, const char *actor,
                                  svc_result_t *immediate) {
    if (!fields_require_object(body, "the carrier's tracking settings are invalid", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    const char *url = field_string(body, "api_url", false, 500, e);
    const char *key = field_string(body, "api_key", false, 200, e);
    const char *k100 = field_string(body, "kuaidi100_code", false, 40, e);
    int64_t poll = field_int(body, "poll_interval_minutes", false, 5, 7 * 24 * 60,
                             TRACKING_POLL_MINUTES_DEFAULT, e);
    int64_t stale =
        field_int(body, "stale_hours", false, 1, 30 * 24, TRACKING_STALE_HOURS_DEFAULT, e);
    if (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        field_errors_add(e, "api_url", "invalid", "api_url must be an http(s) URL");
    if (!code_is_valid(code))
        field_errors_add(e, "carrier", "invalid", "not a carrier code");
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the carrier's tracking settings are invalid");
        return NULL;
    }
    json_t *config = json_pack("{s:I, s:I}", "poll_interval_minutes", (json_int_t)poll,
                               "stale_hours", (json_int_t)stale);
    if (url)
        json_object_set_new(config, "api_url", json_string(url));
    if (key)
        json_object_set_new(config, "api_key", json_string(key));
    if (k100 && *k100)
        json_object_set_new(config, "kuaidi100_code", json_string(k100));
    svc_op_t *op = settings_op(app, 1, code, config, actor, immediate);
    json_decref(config);
    return op;
}

void tracking_carrier_get(app_t *app, const char *code, svc_result_t *r) {
    settings_show(app_reader(app), 1, code, r);
}

/* ---- pushes ---- */

typedef struct {
    svc_op_t op;
    char *raw;
    size_t len;
    char signature[160];
    bool kuaidi100;
} push_op_t;

static void push_destroy(svc_op_t *op) {
    free(((push_op_t *)op)->raw);
}

static void k100_answer(svc_result_t *r, int status, bool ok, const char *code,
                        const char *message) {
    svc_ok(r, status,
           json_pack("{s:b, s:s, s:s}", "result", ok, "returnCode", code, "message", message));
}

/* Whether a push's carrier (ordo's code, or Kuaidi100's company code: by the table or the
 * carrier's kuaidi100_code setting) names the row's carrier. */
static bool carrier_named(store_t *s, const char *row_carrier, const char *named) {
    if (!named || !*named)
        return false;
    if (strcasecmp(row_carrier, named) == 0)
        return true;
    const char *code = kuaidi100_carrier_code(named);
    if (code && strcasecmp(code, row_carrier) == 0)
        return true;
    char *text = NULL;
    bool same = false;
    if (s->vt->tracking->carrier_get(s, row_carrier, &text) == STORE_OK) {
        json_t *config = json_loads(text, 0, NULL);
        const char *k100 = json_string_value(json_object_get(config, "kuaidi100_code"));
        same = k100 && strcasecmp(k100, named) == 0;
        json_decref(config);
    }
    free(text);
    return same;
}

/* The tracking rows a push is about: every row under the number (a merged shipment's box
 * is one number on each member order's parcel), those of the carrier the push names when it
 * names one of them. When it names none, the rows all the same if they are one carrier's;
 * none if several carriers use the number (whose scans these are cannot be told). */
static int find_parcels(store_t *s, const char *number, const char *carrier, json_t **out) {
    json_t *rows = NULL;
    *out = json_array();
    int rc = s->vt->tracking->parcels_by_number(s, number, &rows);
    if (rc != STORE_OK)
        return rc;
    size_t i;
    json_t *r;
    bool one_carrier = true;
    const char *first = json_string_value(json_object_get(json_array_get(rows, 0), "carrier"));
    json_array_foreach(rows, i, r) {
        const char *c = json_string_value(json_object_get(r, "carrier"));
        one_carrier &= strcmp(c, first) == 0;
        if (carrier_named(s, c, carrier))
            json_array_append(*out, r);
    }
    if (json_array_size(*out) == 0 && one_carrier)
        json_array_extend(*out, rows);
    json_decref(rows);
    return STORE_OK;
}

/* *matched: tracking rows the events went to; *added: the most events new to one of them
 * (a merged box's scans count once, not once per order in it). */
static ordo_err_t ingest_answer(store_t *s, svc_op_t *op, const char *number, const char *carrier,
                                json_t *events_json, const char *state, const char *source,
                                int *matched, int *added, char *err, size_t err_len) {
    tracking_event_t *events = calloc(EVENTS_MAX, sizeof *events);
    json_t *rows = NULL, *row;
    int n = 0;
    size_t i;
    ordo_err_t e = ORDO_E_OK;
    *matched = 0;
    *added = 0;
    if (!events)
        return ORDO_E_STORE;
    if (!tracking_events_parse(events_json, state, events, EVENTS_MAX, &n, err, err_len)) {
        e = ORDO_E_VALIDATION;
        goto out;
    }
    if (find_parcels(s, number, carrier, &rows) != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    json_array_foreach(rows, i, row) {
        int new_here = 0;
        if (tracking_ingest(s, op, row, events, n, source, op->now_ms, &new_here) != STORE_OK) {
            e = ORDO_E_STORE;
            goto out;
        }
        (*matched)++;
        if (new_here > *added)
            *added = new_here;
    }
out:
    json_decref(rows);
    free(events);
    return e;
}

static ordo_err_t kuaidi100_run(store_t *s, svc_op_t *op) {
    push_op_t *p = (push_op_t *)op;
    form_t form = {0};
    json_t *param = NULL, *config = NULL;
    char *text = NULL;
    ordo_err_t e = ORDO_E_OK;
    if (!form_parse(p->raw, p->len, &form) || !form_get(&form, "param") ||
        !form_get(&form, "sign")) {
        k100_answer(&op->result, 400, false, "400", "缺少param或sign参数");
        goto out;
    }
    int rc = s->vt->tracking->provider_get(s, "kuaidi100", &text);
    if (rc == STORE_OK)
        config = json_loads(text, 0, NULL);
    else if (rc != STORE_NOT_FOUND) {
        e = ORDO_E_STORE;
        goto out;
    }
    const char *salt = json_string_value(json_object_get(config, "salt"));
    if (!salt || !*salt) {
        k100_answer(&op->result, 503, false, "500", "未配置快递100推送密钥");
        goto out;
    }
    const char *raw_param = form_get(&form, "param");
    if (!kuaidi100_sign_ok(raw_param, salt, form_get(&form, "sign"))) {
        k100_answer(&op->result, 401, false, "500", "签名验证失败");
        goto out;
    }
    param = json_loads(raw_param, 0, NULL);
    json_t *last = json_object_get(param, "lastResult");
    const char *number = json_string_value(json_object_get(last, "nu"));
    if (!number) {
        k100_answer(&op->result, 400, false, "400", "param缺少lastResult.nu");
        goto out;
    }
    char state_buf[24];
    const char *state =
        string_or_number(json_object_get(last, "state"), state_buf, sizeof state_buf);
    int matched, added;
    char err[200] = "";
    e = ingest_answer(s, op, number, json_string_value(json_object_get(last, "com")),
                      json_object_get(last, "data"), state, "kuaidi100", &matched, &added, err,
                      sizeof err);
    if (e == ORDO_E_VALIDATION) {
        e = ORDO_E_OK;
        k100_answer(&op->result, 400, false, "400", err);
    } else if (e == ORDO_E_OK) {
        /* A number ordo never shipped is acknowledged all the same: Kuaidi100 retries what is
         * refused, and no retry will make it ours. */
        k100_answer(&op->result, 200, true, "200", "成功");
        json_object_set_new(op->result.body, "matched", json_boolean(matched > 0));
        json_object_set_new(op->result.body, "parcels", json_integer(matched));
        json_object_set_new(op->result.body, "new_events", json_integer(added));
    }
out:
    json_decref(param);
    json_decref(config);
    free(text);
    form_free(&form);
    return e;
}

static ordo_err_t generic_push_run(store_t *s, svc_op_t *op) {
    push_op_t *p = (push_op_t *)op;
    char *text = NULL;
    json_t *config = NULL, *body = NULL;
    ordo_err_t e = ORDO_E_OK;
    int rc = s->vt->tracking->provider_get(s, "generic", &text);
    if (rc == STORE_OK)
        config = json_loads(text, 0, NULL);
    else if (rc != STORE_NOT_FOUND) {
        e = ORDO_E_STORE;
        goto out;
    }
    const char *secret = json_string_value(json_object_get(config, "secret"));
    char why[160];
    if (!secret || !hmac_sha256_verify(secret, (const unsigned char *)p->raw, p->len, p->signature,
                                       why, sizeof why)) {
        e = svc_fail(&op->result, ORDO_E_UNAUTHORIZED,
                     "the push's X-Ordo-Signature does not verify (HMAC-SHA256 of the body under "
                     "the generic provider's secret)");
        goto out;
    }
    body = json_loadb(p->raw, p->len, JSON_REJECT_DUPLICATES, NULL);
    field_errors_t *errs = svc_errors(&op->result);
    const char *number = field_string(body, "tracking_no", true, 64, errs);
    const char *carrier = field_string(body, "carrier", false, 32, errs);
    if (!json_is_array(json_object_get(body, "events")))
        field_errors_add(errs, "events", "required", "events must be an array");
    if (svc_error_count(&op->result)) {
        e = svc_fail(&op->result, ORDO_E_VALIDATION, "the tracking push is invalid");
        goto out;
    }
    int matched, added;
    char err[200] = "";
    e = ingest_answer(s, op, number, carrier, json_object_get(body, "events"), NULL, "push",
                      &matched, &added, err, sizeof err);
    if (e == ORDO_E_VALIDATION) {
        field_errors_add(errs, "events", "invalid", "%s", err);
        e = svc_fail(&op->result, ORDO_E_VALIDATION, "the tracking push is invalid");
    } else if (e == ORDO_E_OK) {
        svc_ok(&op->result, 200,
               json_pack("{s:b, s:i, s:i}", "matched", matched > 0, "parcels", matched,
                         "new_events", added));
    }
out:
    json_decref(body);
    json_decref(config);
    free(text);
    return e;
}

static svc_op_t *push_alloc(app_t *app, const char *raw, size_t len, svc_result_t *immediate) {
    push_op_t *p = (push_op_t *)svc_op_alloc(sizeof *p, app, "tracking");
    char *copy = malloc(len + 1);
    if (!p || !copy) {
        free(p);
        free(copy);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    memcpy(copy, raw, len);
    copy[len] = '\0';
    p->raw = copy;
    p->len = len;
    p->op.destroy = push_destroy;
    return &p->op;
}

svc_op_t *kuaidi100_push_op(app_t *app, const char *raw, size_t len, svc_result_t *immediate) {
    svc_op_t *op = push_alloc(app, raw, len, immediate);
    if (op) {
        snprintf(op->actor, sizeof op->actor, "kuaidi100");
        op->run = kuaidi100_run;
    }
    return op;
}

svc_op_t *tracking_push_op(app_t *app, const char *raw, size_t len, const char *signature,
                           svc_result_t *immediate) {
    if (!signature || !*signature) {
        svc_fail(immediate, ORDO_E_UNAUTHORIZED, "send the push signed in X-Ordo-Signature");
        return NULL;
    }
    svc_op_t *op = push_alloc(app, raw, len, immediate);
    if (op) {
        snprintf(((push_op_t *)op)->signature, sizeof((push_op_t *)op)->signature, "%s", signature);
        snprintf(op->actor, sizeof op->actor, "tracking-push");
        op->run = generic_push_run;
    }
    return op;
}

/* ---- reading ---- */

static json_t *time_json(json_t *ms) {
    if (!json_is_integer(ms))
        return json_null();
    char buf[40];
    return json_string(rfc3339_format(json_integer_value(ms), buf, sizeof buf));
}

int tracking_return_view(store_t *s, int64_t after_sales_id, json_t **out) {
    json_t *row = NULL, *events = NULL;
    int rc = s->vt->tracking->of_return(s, after_sales_id, &row);
    if (rc == STORE_NOT_FOUND) {
        *out = json_null();
        return STORE_OK;
    }
    if (rc == STORE_OK)
        rc = s->vt->tracking->events(s, json_integer_value(json_object_get(row, "parcel_id")),
                                     &events);
    if (rc != STORE_OK) {
        json_decref(row);
        return rc;
    }
    json_t *list = json_array();
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        json_array_append_new(list, json_pack("{s:o, s:O, s:O, s:O}", "time",
                                              time_json(json_object_get(ev, "at")), "context",
                                              json_object_get(ev, "context"), "milestone",
                                              json_object_get(ev, "milestone"), "source",
                                              json_object_get(ev, "source")));
    }
    *out =
        json_pack("{s:O, s:O, s:O, s:o, s:o, s:O, s:o}", "carrier", json_object_get(row, "carrier"),
                  "tracking_no", json_object_get(row, "tracking_no"), "milestone",
                  json_object_get(row, "milestone"), "milestone_at",
                  time_json(json_object_get(row, "milestone_at")), "last_event_at",
                  time_json(json_object_get(row, "last_event_at")), "open",
                  json_object_get(row, "open"), "events", list);
    json_decref(row);
    json_decref(events);
    return STORE_OK;
}

void order_tracking(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = app_reader(app);
    order_rec_t rec = {0};
    int rc = s ? s->vt->order_get(s, 0, order_no, &rec) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
        return;
    }
    json_t *rows = NULL, *parcels = json_array(), *all = json_array();
    if (rc != STORE_OK || s->vt->tracking->parcels_of_order(s, rec.id, &rows) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "tracking could not be read");
        goto out;
    }
    size_t i, j;
    json_t *row, *ev;
    json_array_foreach(rows, i, row) {
        int64_t id = json_integer_value(json_object_get(row, "parcel_id"));
        json_t *events = NULL, *list = json_array();
        if (s->vt->tracking->events(s, id, &events) != STORE_OK) {
            json_decref(list);
            svc_fail(r, ORDO_E_STORE, "tracking could not be read");
            goto out;
        }
        json_array_foreach(events, j, ev) {
            json_t *time = time_json(json_object_get(ev, "at"));
            json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O, s:O}", "time", time,
                                                  "context", json_object_get(ev, "context"),
                                                  "milestone", json_object_get(ev, "milestone"),
                                                  "source", json_object_get(ev, "source"), "area",
                                                  json_object_get(ev, "area")));
            json_array_append_new(all, json_pack("{s:o, s:O, s:O, s:I, s:O}", "time", time,
                                                 "context", json_object_get(ev, "context"),
                                                 "milestone", json_object_get(ev, "milestone"),
                                                 "parcel_id", (json_int_t)id, "tracking_no",
                                                 json_object_get(row, "tracking_no")));
        }
        json_decref(events);
        json_array_append_new(
            parcels, json_pack("{s:I, s:O, s:O, s:O, s:o, s:o, s:o, s:o, s:O, s:o, s:O, s:O, s:o}",
                               "id", (json_int_t)id, "carrier", json_object_get(row, "carrier"),
                               "tracking_no", json_object_get(row, "tracking_no"), "milestone",
                               json_object_get(row, "milestone"), "milestone_at",
                               time_json(json_object_get(row, "milestone_at")), "last_event_at",
                               time_json(json_object_get(row, "last_event_at")), "shipped_at",
                               time_json(json_object_get(row, "shipped_at")), "promised_by",
                               time_json(json_object_get(row, "promised_by")), "open",
                               json_object_get(row, "open"), "next_poll_at",
                               time_json(json_object_get(row, "next_poll_at")), "poll_failures",
                               json_object_get(row, "poll_failures"), "poll_error",
                               json_object_get(row, "poll_error"), "events", list));
    }
    /* Newest first, as carriers show them; parcels' events interleaved by time. */
    json_t *sorted = json_array();
    while (json_array_size(all)) {
        size_t best = 0;
        json_array_foreach(all, i, ev) {
            if (strcmp(json_string_value(json_object_get(ev, "time")),
                       json_string_value(json_object_get(json_array_get(all, best), "time"))) > 0)
                best = i;
        }
        json_array_append(sorted, json_array_get(all, best));
        json_array_remove(all, best);
    }
    const char *m = tracking_order_milestone(rows);
    svc_ok(r, 200,
           json_pack("{s:s, s:s, s:o, s:o, s:O}", "order_no", rec.order_no, "status",
                     order_status_name(rec.status), "milestone", m ? json_string(m) : json_null(),
                     "events", sorted, "parcels", parcels));
out:
    json_decref(rows);
    json_decref(parcels);
    json_decref(all);
    order_rec_clear(&rec);
}
