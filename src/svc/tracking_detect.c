/* The logistics-exception sweep: what no one reported but the tracking shows. */
#include "svc/tracking_detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/fields.h"
#include "svc/timeline.h"
#include "svc/tracking.h"
#include "util/timefmt.h"

#define HOUR_MS (3600 * 1000LL)

typedef struct {
    const char *code;
    const char *severity;
    int64_t basis;
    char message[400];
    char buyer[300]; /* what the buyer is told; "" for nothing */
} alert_t;

static int raise_alert(store_t *s, svc_op_t *op, json_t *row, alert_t *a, bool *raised) {
    int64_t parcel_id = json_integer_value(json_object_get(row, "parcel_id"));
    bool same = false;
    int64_t open_id = 0;
    *raised = false;
    int rc = s->vt->tracking->alert_state(s, parcel_id, a->code, a->basis, &same, &open_id);
    if (rc != STORE_OK || same || open_id)
        return rc;
    order_rec_t rec = {0};
    rc = s->vt->order_get(s, json_integer_value(json_object_get(row, "order_id")), NULL, &rec);
    if (rc != STORE_OK)
        return rc == STORE_NOT_FOUND ? STORE_OK : rc;
    exception_rec_t e = {.order_id = rec.id,
                         .code = a->code,
                         .severity = a->severity,
                         .message = a->message,
                         .at_ms = op->now_ms};
    int64_t id = 0;
    rc = s->vt->exception_open(s, &e, &id);
    if (rc == STORE_OK)
        rc = s->vt->tracking->alert_add(s, parcel_id, a->code, a->basis, id, op->now_ms);
    if (rc == STORE_OK)
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "exception", a->message, op->now_ms);
    if (rc == STORE_OK && a->buyer[0])
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "delivery_issue", a->buyer,
                           op->now_ms);
    order_rec_clear(&rec);
    *raised = rc == STORE_OK;
    return rc;
}

static void hours_text(int64_t ms, char *buf, size_t cap) {
    snprintf(buf, cap, "%lld h", (long long)(ms / HOUR_MS));
}

int tracking_detect_parcel(store_t *s, svc_op_t *op, json_t *row, json_t *config, int64_t now_ms,
                           detect_counts_t *counts) {
    json_t *own = NULL;
    if (!config) {
        char *text = NULL;
        const char *carrier = json_string_value(json_object_get(row, "carrier"));
        if (s->vt->tracking->carrier_get(s, carrier, &text) == STORE_OK)
            own = json_loads(text, 0, NULL);
        free(text);
        config = own;
    }
    int64_t stale_hours = json_integer_value(json_object_get(config, "stale_hours"));
    if (stale_hours <= 0)
        stale_hours = TRACKING_STALE_HOURS_DEFAULT;
    json_decref(own);

    const char *milestone = json_string_value(json_object_get(row, "milestone"));
    const char *carrier = json_string_value(json_object_get(row, "carrier"));
    const char *number = json_string_value(json_object_get(row, "tracking_no"));
    int64_t parcel_id = json_integer_value(json_object_get(row, "parcel_id"));
    bool open = json_is_true(json_object_get(row, "open"));
    json_t *last = json_object_get(row, "last_event_at");
    int64_t heard = json_is_integer(last) ? json_integer_value(last)
                                          : json_integer_value(json_object_get(row, "shipped_at"));
    json_t *promised = json_object_get(row, "promised_by");
    int64_t milestone_at = json_integer_value(json_object_get(row, "milestone_at"));
    char when[40], since[24];

    alert_t alerts[4];
    int n = 0;
    int *counters[4] = {NULL};
    if (strcmp(milestone, "problem") == 0) {
        alert_t *a = &alerts[n];
        *a = (alert_t){.code = "logistics_problem", .severity = "red", .basis = milestone_at};
        snprintf(a->message, sizeof a->message,
                 "parcel %lld (%s %s) has a delivery problem (疑难) since %s: contact the carrier "
                 "and the buyer",
                 (long long)parcel_id, carrier, number,
                 rfc3339_format(milestone_at, when, sizeof when));
        snprintf(a->buyer, sizeof a->buyer,
                 "您的包裹（%s）配送遇到问题，我们正在与快递公司核实处理", number);
        counters[n++] = counts ? &counts->problem : NULL;
    } else if (strcmp(milestone, "returned") == 0) {
        alert_t *a = &alerts[n];
        *a = (alert_t){.code = "logistics_returned", .severity = "red", .basis = milestone_at};
        snprintf(a->message, sizeof a->message,
                 "parcel %lld (%s %s) is being returned to the sender since %s: reship or refund",
                 (long long)parcel_id, carrier, number,
                 rfc3339_format(milestone_at, when, sizeof when));
        snprintf(a->buyer, sizeof a->buyer, "您的包裹（%s）已被退回，我们会尽快联系您重新安排",
                 number);
        counters[n++] = counts ? &counts->returned : NULL;
    }
    if (open && now_ms - heard > stale_hours * HOUR_MS) {
        alert_t *a = &alerts[n];
        *a = (alert_t){.code = "logistics_stale", .severity = "yellow", .basis = heard};
        hours_text(now_ms - heard, since, sizeof since);
        snprintf(a->message, sizeof a->message,
                 "parcel %lld (%s %s): no tracking update for %s (since %s; %s allows %lld h)",
                 (long long)parcel_id, carrier, number, since,
                 rfc3339_format(heard, when, sizeof when), carrier, (long long)stale_hours);
        counters[n++] = counts ? &counts->stale : NULL;
    }
    if (open && json_is_integer(promised) && now_ms > json_integer_value(promised)) {
        alert_t *a = &alerts[n];
        *a = (alert_t){
            .code = "logistics_late", .severity = "yellow", .basis = json_integer_value(promised)};
        snprintf(a->message, sizeof a->message,
                 "parcel %lld (%s %s) is past its promised delivery time %s and is %s",
                 (long long)parcel_id, carrier, number,
                 rfc3339_format(json_integer_value(promised), when, sizeof when), milestone);
        snprintf(
            a->buyer, sizeof a->buyer,
            "您的包裹（%s）未能在承诺时间内送达，我们已催促快递公司尽快派送，给您带来不便深表歉意",
            number);
        counters[n++] = counts ? &counts->late : NULL;
    }
    for (int i = 0; i < n; i++) {
        bool raised = false;
        int rc = raise_alert(s, op, row, &alerts[i], &raised);
        if (rc != STORE_OK)
            return rc;
        if (raised && counters[i])
            (*counters[i])++;
    }
    return STORE_OK;
}

typedef struct {
    svc_op_t op;
    int64_t as_of_ms; /* the sweep's clock; what it writes is stamped with now_ms */
} sweep_op_t;

static ordo_err_t sweep_run(store_t *s, svc_op_t *op) {
    int64_t as_of = ((sweep_op_t *)op)->as_of_ms;
    json_t *rows = NULL;
    if (s->vt->tracking->watch_list(s, &rows) != STORE_OK)
        return ORDO_E_STORE;
    detect_counts_t counts = {0};
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        if (tracking_detect_parcel(s, op, row, json_object_get(row, "config"), as_of, &counts) !=
            STORE_OK) {
            json_decref(rows);
            return ORDO_E_STORE;
        }
    }
    char when[40];
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:I, s:{s:i, s:i, s:i, s:i}}", "as_of",
                     rfc3339_format(as_of, when, sizeof when), "checked",
                     (json_int_t)json_array_size(rows), "raised", "stale", counts.stale, "late",
                     counts.late, "problem", counts.problem, "returned", counts.returned));
    json_decref(rows);
    return ORDO_E_OK;
}

svc_op_t *tracking_sweep_op(app_t *app, int64_t now_ms, const char *actor) {
    sweep_op_t *so = (sweep_op_t *)svc_op_alloc(sizeof *so, app, actor);
    if (!so)
        return NULL;
    so->op.run = sweep_run;
    so->as_of_ms = now_ms;
    return &so->op;
}

bool tracking_as_of(json_t *body, int64_t *now_ms, svc_result_t *immediate) {
    *now_ms = time_now_ms();
    if (!body)
        return true;
    if (!fields_require_object(body, "the request is invalid", immediate))
        return false;
    json_t *v = json_object_get(body, "as_of");
    if (v && !json_is_null(v) &&
        !(json_is_string(v) && rfc3339_parse(json_string_value(v), now_ms))) {
        field_errors_add(svc_errors(immediate), "as_of", "invalid",
                         "as_of must be an RFC 3339 time");
        svc_fail(immediate, ORDO_E_VALIDATION, "the request is invalid");
        return false;
    }
    return true;
}

svc_op_t *tracking_sweep_request_op(app_t *app, json_t *body, const char *actor,
                                    svc_result_t *immediate) {
    int64_t now;
    if (!tracking_as_of(body, &now, immediate))
        return NULL;
    svc_op_t *op = tracking_sweep_op(app, now, actor);
    if (!op)
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
    return op;
}
