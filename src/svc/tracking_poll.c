/* A poll round: ask, off the writer thread, then record through it. */
#include "svc/tracking_poll.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/backoff.h"
#include "svc/tracking.h"
#include "svc/tracking_adapter.h"
#include "svc/tracking_detect.h"
#include "util/timefmt.h"

#define ROUND_MAX 50
#define EVENTS_MAX 200
#define BACKOFF_CAP_MS (24 * 3600 * 1000LL)

typedef struct {
    int64_t parcel_id;
    char carrier[40], tracking_no[64];
    json_t *answer; /* {events, state?} or NULL */
    char error[200];
} poll_answer_t;

/* An earlier answer in the round for the same carrier and number (the member parcels of a
 * merged shipment share one box): the carrier is asked once per number. */
static const poll_answer_t *asked_already(const poll_answer_t *answers, int n,
                                          const poll_answer_t *a) {
    for (int i = 0; i < n; i++)
        if (strcmp(answers[i].carrier, a->carrier) == 0 &&
            strcmp(answers[i].tracking_no, a->tracking_no) == 0)
            return &answers[i];
    return NULL;
}

typedef struct {
    svc_op_t op;
    poll_answer_t *answers;
    int n;
    int64_t as_of_ms; /* the round's clock: what is due and when next (records keep now_ms) */
} poll_op_t;

static int64_t interval_ms(json_t *config) {
    json_int_t m = json_integer_value(json_object_get(config, "poll_interval_minutes"));
    return (m > 0 ? m : TRACKING_POLL_MINUTES_DEFAULT) * 60 * 1000LL;
}

static ordo_err_t record_one(store_t *s, svc_op_t *op, int64_t as_of, poll_answer_t *a,
                             json_t *list, int *failed, int *added_total) {
    json_t *row = NULL;
    int rc = s->vt->tracking->parcel_get(s, a->parcel_id, &row);
    if (rc == STORE_NOT_FOUND)
        return ORDO_E_OK;
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    char *text = NULL;
    json_t *config = NULL;
    if (s->vt->tracking->carrier_get(s, json_string_value(json_object_get(row, "carrier")),
                                     &text) == STORE_OK)
        config = json_loads(text, 0, NULL);
    free(text);
    int64_t interval = interval_ms(config);
    json_decref(config);
    int failures = (int)json_integer_value(json_object_get(row, "poll_failures"));
    int added = 0;
    ordo_err_t e = ORDO_E_OK;
    if (a->answer) {
        tracking_event_t *events = calloc(EVENTS_MAX, sizeof *events);
        int n = 0;
        if (!events) {
            e = ORDO_E_STORE;
            goto out;
        }
        char state_buf[24];
        json_t *st = json_object_get(a->answer, "state");
        const char *state = json_is_string(st) ? json_string_value(st) : NULL;
        if (json_is_integer(st)) {
            snprintf(state_buf, sizeof state_buf, "%lld", (long long)json_integer_value(st));
            state = state_buf;
        }
        if (!tracking_events_parse(json_object_get(a->answer, "events"), state, events, EVENTS_MAX,
                                   &n, a->error, sizeof a->error)) {
            json_decref(a->answer);
            a->answer = NULL;
        } else if (tracking_ingest(s, op, row, events, n, "poll", as_of, &added) != STORE_OK) {
            e = ORDO_E_STORE;
        }
        free(events);
        if (e != ORDO_E_OK)
            goto out;
    }
    int64_t next;
    if (a->answer) {
        failures = 0;
        next = as_of + interval;
    } else {
        failures++;
        (*failed)++;
        next = as_of + backoff_delay_ms(failures + 2, interval, BACKOFF_CAP_MS);
    }
    if (s->vt->tracking->poll_put(s, a->parcel_id, next, failures, a->answer ? NULL : a->error) !=
        STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    *added_total += added;
    char when[40];
    json_array_append_new(list, json_pack("{s:I, s:O, s:b, s:i, s:o, s:s}", "parcel_id",
                                          (json_int_t)a->parcel_id, "tracking_no",
                                          json_object_get(row, "tracking_no"), "ok",
                                          a->answer != NULL, "new_events", added, "error",
                                          a->answer ? json_null() : json_string(a->error),
                                          "next_poll_at", rfc3339_format(next, when, sizeof when)));
out:
    json_decref(row);
    return e;
}

static ordo_err_t poll_run(store_t *s, svc_op_t *op) {
    poll_op_t *p = (poll_op_t *)op;
    json_t *list = json_array();
    int failed = 0, added = 0;
    for (int i = 0; i < p->n; i++) {
        ordo_err_t e = record_one(s, op, p->as_of_ms, &p->answers[i], list, &failed, &added);
        if (e != ORDO_E_OK) {
            json_decref(list);
            return e;
        }
    }
    char when[40];
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:i, s:i, s:i, s:o}", "as_of",
                     rfc3339_format(p->as_of_ms, when, sizeof when), "polled", p->n, "failed",
                     failed, "new_events", added, "parcels", list));
    return ORDO_E_OK;
}

static void poll_destroy(svc_op_t *op) {
    poll_op_t *p = (poll_op_t *)op;
    for (int i = 0; i < p->n; i++)
        json_decref(p->answers[i].answer);
    free(p->answers);
}

svc_op_t *tracking_poll_round(app_t *app, int64_t now_ms, const char *actor,
                              svc_result_t *immediate) {
    store_t *s = app_reader(app);
    json_t *due = NULL;
    if (!s || s->vt->tracking->poll_due(s, now_ms, ROUND_MAX, &due) != STORE_OK) {
        svc_fail(immediate, ORDO_E_STORE, "the parcels due for polling could not be read");
        return NULL;
    }
    poll_op_t *p = (poll_op_t *)svc_op_alloc(sizeof *p, app, actor);
    size_t n = json_array_size(due);
    poll_answer_t *answers = calloc(n ? n : 1, sizeof *answers);
    CURL *curl = n ? curl_easy_init() : NULL;
    if (!p || !answers || (n && !curl)) {
        free(p);
        free(answers);
        if (curl)
            curl_easy_cleanup(curl);
        json_decref(due);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    p->op.run = poll_run;
    p->op.destroy = poll_destroy;
    p->as_of_ms = now_ms;
    p->answers = answers;
    size_t i;
    json_t *row;
    json_array_foreach(due, i, row) {
        poll_answer_t *a = &answers[p->n++];
        a->parcel_id = json_integer_value(json_object_get(row, "parcel_id"));
        snprintf(a->carrier, sizeof a->carrier, "%s",
                 json_string_value(json_object_get(row, "carrier")));
        snprintf(a->tracking_no, sizeof a->tracking_no, "%s",
                 json_string_value(json_object_get(row, "tracking_no")));
        const poll_answer_t *same = asked_already(answers, p->n - 1, a);
        if (same) {
            a->answer = json_incref(same->answer);
            memcpy(a->error, same->error, sizeof a->error);
            continue;
        }
        json_t *config = json_object_get(row, "config");
        const tracking_adapter_t *adapter =
            tracking_adapter_find(json_string_value(json_object_get(config, "kind")));
        if (!adapter) {
            snprintf(a->error, sizeof a->error, "no tracking adapter of kind %s",
                     json_string_value(json_object_get(config, "kind")));
            continue;
        }
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "ordo-tracking/1");
        adapter->fetch(curl, config, a->carrier, a->tracking_no, &a->answer, a->error,
                       sizeof a->error);
    }
    if (curl)
        curl_easy_cleanup(curl);
    json_decref(due);
    return &p->op;
}

svc_op_t *tracking_poll_request_op(app_t *app, json_t *body, const char *actor,
                                   svc_result_t *immediate) {
    int64_t now;
    if (!tracking_as_of(body, &now, immediate))
        return NULL;
    return tracking_poll_round(app, now, actor, immediate);
}
