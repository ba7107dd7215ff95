/* Completion: buyer confirmation, the auto-confirm sweep and its settings. */
#include "svc/completion.h"
#include "svc/settlement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/fields.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

/* Orders completed per transaction: each costs a few statements; a batch of this size keeps
 * the writer well under a tenth of a second, so intake never waits long behind a sweep. */
#define AUTO_CONFIRM_BATCH 100

int completion_settings_load(store_t *s, completion_settings_t *c) {
    completion_settings_default(c);
    char *text = NULL;
    int rc = s->vt->completion->settings_get(s, &text);
    if (rc == STORE_NOT_FOUND)
        return STORE_OK;
    if (rc != STORE_OK)
        return rc;
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    field_errors_t errs = {0};
    /* Stored settings were valid when written; a newer build's unknown key keeps the rest. */
    if (json_is_object(doc))
        completion_settings_apply(doc, c, &errs);
    json_decref(doc);
    return STORE_OK;
}

void completion_settings_get(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    completion_settings_t c;
    if (!s || completion_settings_load(s, &c) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the completion settings");
        return;
    }
    svc_ok(r, 200, completion_settings_to_json(&c));
}

typedef struct {
    svc_op_t op;
    json_t *body; /* the changes asked for */
} settings_op_t;

static ordo_err_t settings_put_run(store_t *s, svc_op_t *op) {
    settings_op_t *so = (settings_op_t *)op;
    completion_settings_t c;
    if (completion_settings_load(s, &c) != STORE_OK)
        return ORDO_E_STORE;
    /* Validated when the request came in; applied here over the settings then in effect. */
    if (!completion_settings_apply(so->body, &c, svc_errors(&op->result)))
        return svc_fail(&op->result, ORDO_E_VALIDATION,
                        "the settings are invalid; nothing changed");
    json_t *doc = completion_settings_to_json(&c);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    int rc = text ? s->vt->completion->settings_put(s, text, op->actor, op->now_ms) : STORE_ERROR;
    free(text);
    if (rc != STORE_OK) {
        json_decref(doc);
        return ORDO_E_STORE;
    }
    svc_ok(&op->result, 200, doc);
    return ORDO_E_OK;
}

static void settings_put_destroy(svc_op_t *op) {
    json_decref(((settings_op_t *)op)->body);
}

svc_op_t *completion_settings_put_op(app_t *app, json_t *body, const char *actor,
                                     svc_result_t *immediate) {
    if (!fields_require_object(body, "the completion settings are invalid; nothing changed",
                               immediate))
        return NULL;
    completion_settings_t probe;
    completion_settings_default(&probe);
    if (!completion_settings_apply(body, &probe, svc_errors(immediate))) {
        svc_fail(immediate, ORDO_E_VALIDATION,
                 "the completion settings are invalid; nothing "
                 "changed");
        return NULL;
    }
    settings_op_t *so = (settings_op_t *)svc_op_alloc(sizeof *so, app, actor);
    if (!so) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    so->op.run = settings_put_run;
    so->op.destroy = settings_put_destroy;
    so->body = json_incref(body);
    return &so->op;
}

/* Moves the order to completed and records it: the status change, order.completed on the
 * timeline and in the outbox, then the settlement seam; all in the caller's transaction. */
static int complete(store_t *s, svc_op_t *op, const order_rec_t *rec, const char *by,
                    const char *reason, int64_t at) {
    order_status_t to;
    if (!lifecycle_next(rec->status, ORDER_EV_COMPLETE, &to))
        return STORE_CONFLICT;
    int rc = s->vt->order_set_status(s, rec->id, to, at);
    json_t *extra = json_pack("{s:s}", "completed_by", by);
    if (rc == STORE_OK)
        rc = timeline_transition_with(s, rec->id, rec->order_no, op->actor, rec->status, to, reason,
                                      extra, at);
    json_decref(extra);
    if (rc == STORE_OK)
        rc = timeline_note(s, rec->id, rec->order_no, op->actor, "completed", reason, at);
    if (rc == STORE_OK)
        rc = settlement_record(s, rec->id, at);
    return rc;
}

typedef struct {
    svc_op_t op;
    char order_no[40];
} confirm_op_t;

static ordo_err_t confirm_run(store_t *s, svc_op_t *op) {
    confirm_op_t *co = (confirm_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, co->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", co->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    ordo_err_t e = ORDO_E_OK;
    if (!completion_buyer_may_confirm(rec.status)) {
        e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                     "order %s is %s: receipt can be confirmed once every parcel has shipped "
                     "(shipped, out_for_delivery, delivered)",
                     rec.order_no, order_status_name(rec.status));
    } else if (complete(s, op, &rec, "buyer", "receipt confirmed by the buyer", op->now_ms) !=
               STORE_OK) {
        e = ORDO_E_STORE;
    } else {
        char at[40];
        svc_ok(&op->result, 200,
               json_pack("{s:s, s:s, s:s, s:s, s:s}", "order_no", rec.order_no, "status",
                         "completed", "from", order_status_name(rec.status), "completed_by",
                         "buyer", "completed_at", rfc3339_format(op->now_ms, at, sizeof at)));
    }
    order_rec_clear(&rec);
    return e;
}

svc_op_t *order_confirm_op(app_t *app, const char *order_no, const char *actor) {
    confirm_op_t *co = (confirm_op_t *)svc_op_alloc(sizeof *co, app, actor);
    if (!co)
        return NULL;
    co->op.run = confirm_run;
    snprintf(co->order_no, sizeof co->order_no, "%s", order_no);
    return &co->op;
}

typedef struct {
    svc_op_t op;
    int64_t as_ms;
} sweep_op_t;

static ordo_err_t sweep_run(store_t *s, svc_op_t *op) {
    int64_t as = ((sweep_op_t *)op)->as_ms;
    completion_settings_t c;
    if (completion_settings_load(s, &c) != STORE_OK)
        return ORDO_E_STORE;
    int64_t ids[AUTO_CONFIRM_BATCH];
    bool by_delivery[AUTO_CONFIRM_BATCH];
    int n = 0;
    if (s->vt->completion->due(s, as - c.after_delivery_days * DAY_MS,
                               as - c.after_shipment_days * DAY_MS, ids, by_delivery,
                               AUTO_CONFIRM_BATCH, &n) != STORE_OK)
        return ORDO_E_STORE;
    int after_delivery = 0, after_shipment = 0;
    for (int i = 0; i < n; i++) {
        order_rec_t rec = {0};
        int rc = s->vt->order_get(s, ids[i], NULL, &rec);
        if (rc == STORE_OK) {
            char reason[128];
            if (by_delivery[i])
                snprintf(reason, sizeof reason, "auto-confirmed %d days after delivery",
                         c.after_delivery_days);
            else
                snprintf(reason, sizeof reason,
                         "auto-confirmed %d days after shipment, no delivery event came",
                         c.after_shipment_days);
            rc = complete(s, op, &rec, "auto", reason, as);
        }
        order_rec_clear(&rec);
        if (rc != STORE_OK)
            return ORDO_E_STORE;
        if (by_delivery[i])
            after_delivery++;
        else
            after_shipment++;
    }
    svc_ok(&op->result, 200,
           json_pack("{s:i, s:i, s:i}", "completed", n, "after_delivery", after_delivery,
                     "after_shipment", after_shipment));
    return ORDO_E_OK;
}

svc_op_t *auto_confirm_batch_op(app_t *app, int64_t as_ms) {
    sweep_op_t *so = (sweep_op_t *)svc_op_alloc(sizeof *so, app, "system");
    if (!so)
        return NULL;
    so->op.run = sweep_run;
    so->as_ms = as_ms;
    return &so->op;
}

void completion_sweep(app_t *app, int64_t as_ms, svc_result_t *r) {
    json_int_t completed = 0, after_delivery = 0, after_shipment = 0, batches = 0;
    for (;;) {
        svc_op_t *op = auto_confirm_batch_op(app, as_ms);
        if (!op) {
            svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
            return;
        }
        svc_op_run_sync(op);
        if (op->result.err != ORDO_E_OK) {
            svc_fail(r, op->result.err, "auto-confirm stopped after %lld orders: %s",
                     (long long)completed, op->result.detail);
            svc_op_free(op);
            return;
        }
        json_int_t n = json_integer_value(json_object_get(op->result.body, "completed"));
        completed += n;
        after_delivery += json_integer_value(json_object_get(op->result.body, "after_delivery"));
        after_shipment += json_integer_value(json_object_get(op->result.body, "after_shipment"));
        batches++;
        svc_op_free(op);
        /* A batch that completed each order it found leaves them out of the next: the loop
         * ends when a batch comes back short. */
        if (n < AUTO_CONFIRM_BATCH)
            break;
    }
    char at[40];
    svc_ok(r, 200,
           json_pack("{s:s, s:I, s:I, s:I, s:I}", "as_of", rfc3339_format(as_ms, at, sizeof at),
                     "completed", completed, "after_delivery", after_delivery, "after_shipment",
                     after_shipment, "batches", batches));
}

static json_t *time_or_null(int64_t ms) {
    char buf[40];
    return ms > 0 ? json_string(rfc3339_format(ms, buf, sizeof buf)) : json_null();
}

void order_completion_get(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    order_rec_t rec = {0};
    completion_settings_t c;
    int64_t shipped = 0, delivered = 0, completed = 0;
    s->vt->read_begin(s);
    int rc = s->vt->order_get(s, 0, order_no, &rec);
    if (rc == STORE_OK)
        rc = s->vt->completion->times(s, rec.id, &shipped, &delivered, &completed);
    if (rc == STORE_OK)
        rc = completion_settings_load(s, &c);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    } else if (rc != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    } else {
        const char *rule = NULL;
        int64_t due = completion_due_at(&c, rec.status, shipped, delivered, &rule);
        svc_ok(r, 200,
               json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b}", "order_no", rec.order_no,
                         "status", order_status_name(rec.status), "shipped_at",
                         time_or_null(shipped), "delivered_at", time_or_null(delivered),
                         "completed_at", time_or_null(completed), "auto_confirm_at",
                         time_or_null(due), "auto_confirm_rule",
                         rule ? json_string(rule) : json_null(), "buyer_may_confirm",
                         completion_buyer_may_confirm(rec.status)));
    }
    order_rec_clear(&rec);
}
