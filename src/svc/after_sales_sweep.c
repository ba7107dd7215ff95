/* SLA breaches of after-sales tickets, found by time rather than by anyone looking. */
#include "svc/after_sales_sweep.h"

#include <stdio.h>
#include <stdlib.h>

#include "svc/after_sales.h"
#include "svc/timeline.h"
#include "svc/tracking_detect.h"
#include "util/timefmt.h"

/* Tickets looked at per store read; the sweep reads again until none is left. */
#define BATCH 200

typedef struct {
    svc_op_t op;
    int64_t as_of_ms; /* the sweep's clock; what it writes is stamped with now_ms */
} as_sweep_op_t;

static int open_one(store_t *s, svc_op_t *op, json_t *t, json_t *opened) {
    int64_t id = json_integer_value(json_object_get(t, "id"));
    const char *status = json_string_value(json_object_get(t, "status"));
    const char *assignee = json_string_value(json_object_get(t, "assignee"));
    int64_t deadline = json_integer_value(json_object_get(t, "deadline"));
    char when[40], message[400];
    snprintf(message, sizeof message,
             "after-sales %lld (%s) is past its SLA: %s since the deadline %s; assignee: %s",
             (long long)id, json_string_value(json_object_get(t, "type")), status,
             rfc3339_format(deadline, when, sizeof when), assignee ? assignee : "nobody");
    int64_t order_id = json_integer_value(json_object_get(t, "order_id"));
    exception_rec_t e = {.order_id = order_id,
                         .code = "after_sales_overdue",
                         .severity = "yellow",
                         .message = message,
                         .at_ms = op->now_ms};
    int64_t exception_id = 0;
    int rc = s->vt->exception_open(s, &e, &exception_id);
    if (rc == STORE_OK)
        rc = s->vt->after_sales_watch->overdue_add(s, id, status, deadline, exception_id,
                                                   op->now_ms);
    if (rc != STORE_OK)
        return rc;
    json_t *d = json_pack("{s:I, s:s, s:s}", "exception_id", (json_int_t)exception_id, "status",
                          status, "deadline", when);
    char *dj = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    rc = as_log_note(s, op, id, "overdue", message, dj);
    free(dj);
    if (rc == STORE_OK)
        rc = timeline_note(s, order_id, json_string_value(json_object_get(t, "order_no")),
                           op->actor, "exception", message, op->now_ms);
    if (rc == STORE_OK)
        json_array_append_new(opened, json_pack("{s:I, s:s, s:O, s:I}", "after_sales_id",
                                                (json_int_t)id, "status", status, "assignee",
                                                json_object_get(t, "assignee"), "exception_id",
                                                (json_int_t)exception_id));
    return rc;
}

static ordo_err_t sweep_run(store_t *s, svc_op_t *op) {
    int64_t as_of = ((as_sweep_op_t *)op)->as_of_ms;
    json_t *opened = json_array();
    size_t n;
    do {
        json_t *batch = NULL;
        if (s->vt->after_sales_watch->overdue(s, as_of, BATCH, &batch) != STORE_OK) {
            json_decref(opened);
            return ORDO_E_STORE;
        }
        n = json_array_size(batch);
        size_t i;
        json_t *t;
        json_array_foreach(batch, i, t) {
            if (open_one(s, op, t, opened) != STORE_OK) {
                json_decref(batch);
                json_decref(opened);
                return ORDO_E_STORE;
            }
        }
        json_decref(batch);
    } while (n == BATCH);
    char when[40];
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:I, s:o}", "as_of", rfc3339_format(as_of, when, sizeof when), "opened",
                     (json_int_t)json_array_size(opened), "exceptions", opened));
    return ORDO_E_OK;
}

svc_op_t *after_sales_sweep_op(app_t *app, int64_t now_ms, const char *actor) {
    as_sweep_op_t *so = (as_sweep_op_t *)svc_op_alloc(sizeof *so, app, actor);
    if (!so)
        return NULL;
    so->op.run = sweep_run;
    so->as_of_ms = now_ms;
    return &so->op;
}

svc_op_t *after_sales_sweep_request_op(app_t *app, json_t *body, const char *actor,
                                       svc_result_t *immediate) {
    int64_t now;
    if (!tracking_as_of(body, &now, immediate))
        return NULL;
    svc_op_t *op = after_sales_sweep_op(app, now, actor);
    if (!op)
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
    return op;
}
