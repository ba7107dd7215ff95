#include "svc/webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/fields.h"

#define FANOUT_BATCH 500
#define CURSOR "webhooks"

static bool event_name_ok(const char *e) {
    if (strcmp(e, "*") == 0)
        return true;
    size_t n = 0;
    for (; e[n]; n++)
        if (!((e[n] >= 'a' && e[n] <= 'z') || e[n] == '.' || e[n] == '_'))
            return false;
    return n > 0 && n <= 64;
}

typedef struct {
    svc_op_t op;
    char id[ORDO_CODE_MAX + 1];
    char *url, *events, *secret;
} webhook_op_t;

static ordo_err_t webhook_put_run(store_t *s, svc_op_t *op) {
    webhook_op_t *w = (webhook_op_t *)op;
    bool created = false;
    if (s->vt->webhook_put(s, w->id, w->url, w->events, w->secret, op->now_ms, &created) !=
        STORE_OK)
        return ORDO_E_STORE;
    op->result.http_status = created ? 201 : 200;
    return ORDO_E_OK;
}

static void webhook_put_finish(svc_op_t *op) {
    if (op->result.err != ORDO_E_OK)
        return;
    int status = op->result.http_status;
    webhook_get(op->app, ((webhook_op_t *)op)->id, &op->result);
    if (op->result.err == ORDO_E_OK)
        op->result.http_status = status;
}

static void webhook_put_destroy(svc_op_t *op) {
    webhook_op_t *w = (webhook_op_t *)op;
    free(w->url);
    free(w->events);
    free(w->secret);
}

svc_op_t *webhook_put_op(app_t *app, const char *id, json_t *body, const char *actor,
                         svc_result_t *immediate) {
    field_errors_t *e = svc_errors(immediate);
    if (!fields_require_object(body, "the webhook is invalid", immediate))
        return NULL;
    if (!code_is_valid(id))
        field_errors_add(e, "id", "invalid_code", "the id is 1-64 of A-Z a-z 0-9 . _ -");
    const char *url = field_string(body, "url", true, 2048, e);
    if (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        field_errors_add(e, "url", "invalid_value", "url must be an http:// or https:// URL");
    const char *secret = field_string(body, "secret", true, 256, e);
    if (secret && strlen(secret) < 16)
        field_errors_add(e, "secret", "out_of_range", "the secret is at least 16 bytes");
    json_t *events = json_object_get(body, "events");
    if (!json_is_array(events) || json_array_size(events) == 0)
        field_errors_add(e, "events", "required",
                         "events is a non-empty list of event types, or [\"*\"] for all");
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        if (!json_is_string(ev) || !event_name_ok(json_string_value(ev))) {
            char field[32];
            snprintf(field, sizeof field, "events[%zu]", i);
            field_errors_add(e, field, "invalid_value",
                             "an event type such as order.status_changed, or \"*\"");
        }
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the webhook is invalid; nothing changed");
        return NULL;
    }
    webhook_op_t *w = (webhook_op_t *)svc_op_alloc(sizeof *w, app, actor);
    if (!w) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    w->op.run = webhook_put_run;
    w->op.finish = webhook_put_finish;
    w->op.destroy = webhook_put_destroy;
    snprintf(w->id, sizeof w->id, "%s", id);
    w->url = strdup(url);
    w->events = json_dumps(events, JSON_COMPACT);
    w->secret = strdup(secret);
    return &w->op;
}

void webhook_get(app_t *app, const char *id, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *out = NULL;
    int rc = s ? s->vt->webhook_get(s, id, &out) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no webhook '%s'", id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the webhook");
    else
        svc_ok(r, 200, out);
}

void webhook_deliveries(app_t *app, const char *id, int limit, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *hook = NULL, *log = NULL;
    int rc = s ? s->vt->webhook_get(s, id, &hook) : STORE_ERROR;
    if (rc == STORE_OK)
        rc = s->vt->deliveries_of_webhook(s, id, limit, &log);
    json_decref(hook);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no webhook '%s'", id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the deliveries");
    else
        svc_ok(r, 200, log);
}

typedef struct {
    svc_op_t op;
    char id[ORDO_CODE_MAX + 1];
    int64_t delivery_id;
} redeliver_op_t;

static ordo_err_t redeliver_run(store_t *s, svc_op_t *op) {
    redeliver_op_t *d = (redeliver_op_t *)op;
    int rc = s->vt->delivery_redeliver(s, d->id, d->delivery_id, op->now_ms);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "webhook '%s' has no delivery %lld", d->id,
                        (long long)d->delivery_id);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void redeliver_finish(svc_op_t *op) {
    if (op->result.err == ORDO_E_OK)
        webhook_deliveries(op->app, ((redeliver_op_t *)op)->id, 20, &op->result);
}

svc_op_t *delivery_redeliver_op(app_t *app, const char *id, int64_t delivery_id,
                                const char *actor) {
    redeliver_op_t *d = (redeliver_op_t *)svc_op_alloc(sizeof *d, app, actor);
    if (!d)
        return NULL;
    d->op.run = redeliver_run;
    d->op.finish = redeliver_finish;
    snprintf(d->id, sizeof d->id, "%s", id);
    d->delivery_id = delivery_id;
    return &d->op;
}

/* ---- the dispatcher's writes ---- */

static bool subscribed(json_t *hook, const char *topic) {
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(hook, "events"), i, ev) {
        const char *name = json_string_value(ev);
        if (name && (strcmp(name, "*") == 0 || strcmp(name, topic) == 0))
            return true;
    }
    return false;
}

static ordo_err_t fanout_run(store_t *s, svc_op_t *op) {
    int64_t cursor = 0;
    json_t *hooks = NULL, *rows = NULL;
    int rc = s->vt->dispatch_cursor(s, CURSOR, &cursor);
    if (rc == STORE_OK)
        rc = s->vt->webhooks_all(s, &hooks);
    /* A webhook hears of what is fanned out after it was created. With none, the cursor
     * jumps to the end: intake at full speed costs the dispatcher one lookup a pass. */
    if (cursor < 0)
        cursor = 0;
    if (rc == STORE_OK && json_array_size(hooks) == 0) {
        int64_t last = 0;
        rc = s->vt->outbox_last_id(s, &last);
        if (rc == STORE_OK && last != cursor)
            rc = s->vt->dispatch_cursor_set(s, CURSOR, last);
        svc_ok(&op->result, 200, json_integer(0));
        json_decref(hooks);
        return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
    }
    if (rc == STORE_OK)
        rc = s->vt->outbox_after(s, cursor, FANOUT_BATCH, &rows);
    size_t i, h;
    json_t *row, *hook;
    int64_t last_id = cursor;
    json_array_foreach(rows, i, row) {
        if (rc != STORE_OK)
            break;
        const char *topic = json_string_value(json_object_get(row, "topic"));
        json_int_t outbox_id = json_integer_value(json_object_get(row, "id"));
        json_array_foreach(hooks, h, hook) {
            if (rc == STORE_OK && subscribed(hook, topic))
                rc = s->vt->delivery_create(
                    s, json_string_value(json_object_get(hook, "id")), outbox_id, topic,
                    json_integer_value(json_object_get(row, "order_id")), op->now_ms);
        }
        last_id = outbox_id;
    }
    if (rc == STORE_OK && last_id != cursor)
        rc = s->vt->dispatch_cursor_set(s, CURSOR, last_id);
    svc_ok(&op->result, 200, json_integer((json_int_t)json_array_size(rows)));
    json_decref(rows);
    json_decref(hooks);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

svc_op_t *webhook_fanout_op(app_t *app) {
    svc_op_t *op = svc_op_alloc(sizeof *op, app, "dispatcher");
    if (op)
        op->run = fanout_run;
    return op;
}

typedef struct {
    svc_op_t op;
    int n;
    delivery_outcome_t outcomes[];
} results_op_t;

static ordo_err_t results_run(store_t *s, svc_op_t *op) {
    results_op_t *r = (results_op_t *)op;
    for (int i = 0; i < r->n; i++) {
        const delivery_outcome_t *o = &r->outcomes[i];
        if (s->vt->delivery_result(s, o->delivery_id, o->status, o->http_status,
                                   o->error[0] ? o->error : NULL, o->next_ms,
                                   op->now_ms) != STORE_OK)
            return ORDO_E_STORE;
    }
    return ORDO_E_OK;
}

svc_op_t *webhook_results_op(app_t *app, const delivery_outcome_t *outcomes, int n) {
    results_op_t *r = (results_op_t *)svc_op_alloc(
        sizeof *r + sizeof(delivery_outcome_t) * (size_t)n, app, "dispatcher");
    if (!r)
        return NULL;
    r->op.run = results_run;
    r->n = n;
    memcpy(r->outcomes, outcomes, sizeof(delivery_outcome_t) * (size_t)n);
    return &r->op;
}
