#include "svc/refunds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exception_action.h"
#include "core/limits.h"
#include "svc/after_sales.h"
#include "svc/fields.h"
#include "svc/order_lines_edit.h"
#include "svc/refund_provider.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

#define PROVIDER_KEY "refund_provider"

typedef struct {
    int64_t paid, refunded, pending, owed_edits, owed_cancel, refundable;
} refund_budget_t;

/* What may still be refunded of the order (see refunds.h). */
static int budget_of(store_t *s, const order_rec_t *rec, refund_budget_t *b) {
    memset(b, 0, sizeof *b);
    b->paid = exc_refund_due(rec->doc);
    int64_t committed = 0;
    int rc = s->vt->after_sales->refunds_sum(s, rec->id, &committed, &b->refunded);
    if (rc != STORE_OK)
        return rc;
    b->pending = committed - b->refunded;
    json_t *edits = NULL;
    if ((rc = s->vt->line_edits_of_order(s, rec->id, &edits)) != STORE_OK)
        return rc;
    json_t *view = line_edits_view(edits);
    b->owed_edits = json_integer_value(json_object_get(view, "to_refund"));
    json_decref(view);
    json_decref(edits);
    json_t *excs = NULL;
    if ((rc = s->vt->exceptions_of_order(s, rec->id, &excs)) != STORE_OK)
        return rc;
    size_t i, j;
    json_t *e, *a;
    json_array_foreach(excs, i, e) {
        json_t *actions = NULL;
        rc = s->vt->exception_pool->actions(s, json_integer_value(json_object_get(e, "id")),
                                            &actions);
        if (rc != STORE_OK)
            break;
        json_array_foreach(actions, j, a) {
            b->owed_cancel += json_integer_value(json_object_get(a, "to_refund"));
        }
        json_decref(actions);
    }
    json_decref(excs);
    b->refundable = b->paid - committed - b->owed_edits - b->owed_cancel;
    if (b->refundable < 0)
        b->refundable = 0;
    return rc;
}

typedef struct {
    svc_op_t op;
    int64_t after_sales_id; /* the ticket asked (refund_op); from the refund (retry) */
    int64_t refund_id;      /* set by the run (refund_op); given (retry) */
    int64_t amount;
    bool retry;
    bool was_pending; /* retry of a refund whose outcome was never recorded */
    /* For the provider call, from the run. */
    json_t *config;
    char order_no[32];
    char transaction_id[ORDO_EXTERNAL_ID_MAX + 1];
    char reason[ORDO_REASON_MAX + 1];
} refund_op_t;

static ordo_err_t load_provider(store_t *s, refund_op_t *x) {
    char *text = NULL;
    int rc = s->vt->after_sales->config_get(s, PROVIDER_KEY, &text);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&x->op.result, ORDO_E_CONFLICT,
                        "no refund provider is configured: PUT /v1/refunds/provider first");
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    x->config = json_loads(text, 0, NULL);
    free(text);
    return x->config ? ORDO_E_OK : ORDO_E_STORE;
}

/* The ticket may take a refund now (its state machine has the move). */
static ordo_err_t ticket_takes_refund(store_t *s, refund_op_t *x, json_t **ticket) {
    ordo_err_t e = as_load(s, &x->op, x->after_sales_id, ticket);
    if (e != ORDO_E_OK)
        return e;
    int type = as_type_from_name(json_string_value(json_object_get(*ticket, "type")));
    int st = as_state_from_name(json_string_value(json_object_get(*ticket, "status")));
    as_state_t to;
    if (type >= 0 && st >= 0 && as_next((as_type_t)type, (as_state_t)st, AS_EV_REFUND, &to))
        return ORDO_E_OK;
    return svc_fail(&x->op.result, ORDO_E_ILLEGAL_TRANSITION,
                    "after-sales %lld (%s) is %s: no refund now%s", (long long)x->after_sales_id,
                    json_string_value(json_object_get(*ticket, "type")),
                    json_string_value(json_object_get(*ticket, "status")),
                    type == AS_TYPE_RETURN_REFUND ? " (the goods come back and are inspected first)"
                    : type == AS_TYPE_EXCHANGE || type == AS_TYPE_REISSUE
                        ? " (an exchange or a reissue sends goods, not money)"
                        : "");
}

static ordo_err_t start_run(store_t *s, svc_op_t *op) {
    refund_op_t *x = (refund_op_t *)op;
    json_t *ticket = NULL, *refund = NULL;
    order_rec_t rec = {0};
    ordo_err_t e = ORDO_E_OK;
    if (x->retry) {
        int rc = s->vt->after_sales->refund_get(s, x->refund_id, &refund);
        if (rc == STORE_NOT_FOUND)
            return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no refund %lld",
                            (long long)x->refund_id);
        if (rc != STORE_OK)
            return ORDO_E_STORE;
        const char *status = json_string_value(json_object_get(refund, "status"));
        x->after_sales_id = json_integer_value(json_object_get(refund, "after_sales_id"));
        x->amount = json_integer_value(json_object_get(refund, "amount"));
        /* A pending refund whose answer never came (the server stopped, the client went
         * away before it was asked) is asked again too: same refund_no, one refund. */
        if (strcmp(status, "succeeded") == 0)
            e = svc_fail(&op->result, ORDO_E_CONFLICT, "refund %lld already succeeded",
                         (long long)x->refund_id);
        else if (strcmp(status, "pending") == 0)
            x->was_pending = true;
        json_decref(refund);
    }
    if (e == ORDO_E_OK)
        e = ticket_takes_refund(s, x, &ticket);
    if (e == ORDO_E_OK)
        e = load_provider(s, x);
    if (e == ORDO_E_OK &&
        s->vt->order_get(s, json_integer_value(json_object_get(ticket, "order_id")), NULL, &rec) !=
            STORE_OK)
        e = ORDO_E_STORE;
    refund_budget_t b;
    if (e == ORDO_E_OK && budget_of(s, &rec, &b) != STORE_OK)
        e = ORDO_E_STORE;
    if (e == ORDO_E_OK && x->was_pending)
        b.refundable += x->amount; /* already counted as pending */
    if (e == ORDO_E_OK && x->amount > b.refundable) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "at most %lld fen can still be refunded: paid %lld, refunds pending or made "
                 "%lld, owed by line edits %lld, owed by a cancellation %lld",
                 (long long)b.refundable, (long long)b.paid, (long long)(b.refunded + b.pending),
                 (long long)b.owed_edits, (long long)b.owed_cancel);
        if (x->retry) {
            e = svc_fail(&op->result, ORDO_E_CONFLICT, "refund %lld cannot be retried: %s",
                         (long long)x->refund_id, msg);
        } else {
            field_errors_add(svc_errors(&op->result), "amount", "exceeds_paid", "%s", msg);
            e = svc_fail(&op->result, ORDO_E_VALIDATION, "the refund exceeds what was paid");
        }
    }
    if (e == ORDO_E_OK) {
        const json_t *payment = json_object_get(rec.doc, "payment");
        snprintf(x->order_no, sizeof x->order_no, "%s", rec.order_no);
        const char *tx = json_string_value(json_object_get(payment, "transaction_id"));
        snprintf(x->transaction_id, sizeof x->transaction_id, "%s", tx ? tx : "");
        snprintf(x->reason, sizeof x->reason, "%s",
                 json_string_value(json_object_get(ticket, "reason")));
        int rc;
        char text[160];
        if (x->retry) {
            rc = s->vt->after_sales->refund_retry(s, x->refund_id, op->now_ms);
            snprintf(text, sizeof text, "refund %lld of %lld fen retried", (long long)x->refund_id,
                     (long long)x->amount);
        } else {
            refund_rec_t r = {.order_id = rec.id,
                              .after_sales_id = x->after_sales_id,
                              .amount_fen = x->amount,
                              .provider = refund_provider_http.name,
                              .actor = op->actor,
                              .now_ms = op->now_ms};
            rc = s->vt->after_sales->refund_insert(s, &r, &x->refund_id);
            snprintf(text, sizeof text, "refund %lld of %lld fen requested",
                     (long long)x->refund_id, (long long)x->amount);
        }
        if (rc == STORE_CONFLICT)
            e = svc_fail(&op->result, ORDO_E_CONFLICT, "refund %lld changed meanwhile",
                         (long long)x->refund_id);
        else if (rc != STORE_OK ||
                 as_log_note(s, op, x->after_sales_id, "refund", text, NULL) != STORE_OK)
            e = ORDO_E_STORE;
    }
    json_decref(ticket);
    order_rec_clear(&rec);
    if (e == ORDO_E_OK)
        svc_ok(&op->result, x->retry ? 200 : 201, NULL);
    return e;
}

/* ---- recording the provider's answer ---- */

typedef struct {
    svc_op_t op;
    int64_t refund_id, after_sales_id, amount;
    refund_outcome_t out;
} settle_op_t;

static ordo_err_t settle_run(store_t *s, svc_op_t *op) {
    settle_op_t *x = (settle_op_t *)op;
    json_t *refund = NULL, *ticket = NULL;
    int rc = s->vt->after_sales->refund_result(s, x->refund_id,
                                               x->out.succeeded ? "succeeded" : "failed",
                                               x->out.succeeded ? x->out.provider_ref : NULL,
                                               x->out.succeeded ? NULL : x->out.error, op->now_ms);
    if (rc != STORE_OK && rc != STORE_CONFLICT)
        return ORDO_E_STORE;
    char text[400];
    if (x->out.succeeded)
        snprintf(text, sizeof text, "refund %lld: %lld fen refunded (provider reference %s)",
                 (long long)x->refund_id, (long long)x->amount, x->out.provider_ref);
    else
        snprintf(text, sizeof text,
                 "refund %lld of %lld fen failed: %s; it may be retried (POST "
                 "/v1/refunds/%lld/retry)",
                 (long long)x->refund_id, (long long)x->amount, x->out.error,
                 (long long)x->refund_id);
    ordo_err_t e = as_load(s, op, x->after_sales_id, &ticket);
    if (e != ORDO_E_OK)
        return e;
    if (x->out.succeeded) {
        e = as_move(s, op, ticket, AS_EV_REFUND, text, NULL);
        if (e == ORDO_E_ILLEGAL_TRANSITION) {
            /* The ticket moved on meanwhile (closed): the money went back all the same. */
            svc_result_clear(&op->result);
            svc_result_init(&op->result);
            e = as_log_note(s, op, x->after_sales_id, "refund", text, NULL) == STORE_OK
                    ? ORDO_E_OK
                    : ORDO_E_STORE;
        }
    } else if (as_log_note(s, op, x->after_sales_id, "refund", text, NULL) != STORE_OK) {
        e = ORDO_E_STORE;
    }
    if (e == ORDO_E_OK && timeline_note(s, json_integer_value(json_object_get(ticket, "order_id")),
                                        json_string_value(json_object_get(ticket, "order_no")),
                                        op->actor, "refund", text, op->now_ms) != STORE_OK)
        e = ORDO_E_STORE;
    json_decref(ticket);
    if (e != ORDO_E_OK)
        return e;
    json_t *view = NULL;
    if (s->vt->after_sales->refund_get(s, x->refund_id, &refund) != STORE_OK ||
        as_view(s, x->after_sales_id, op->now_ms, &view) != STORE_OK) {
        json_decref(refund);
        return ORDO_E_STORE;
    }
    json_object_set_new(refund, "after_sales", view);
    svc_ok(&op->result, 200, refund);
    return ORDO_E_OK;
}

static void start_finish(svc_op_t *op) {
    refund_op_t *x = (refund_op_t *)op;
    if (op->result.err != ORDO_E_OK)
        return;
    refund_request_t req = {.order_no = x->order_no,
                            .transaction_id = x->transaction_id,
                            .amount_fen = x->amount,
                            .after_sales_id = x->after_sales_id,
                            .reason = x->reason};
    char refund_no[32];
    snprintf(refund_no, sizeof refund_no, "R%lld", (long long)x->refund_id);
    req.refund_no = refund_no;
    settle_op_t *settle = (settle_op_t *)svc_op_alloc(sizeof *settle, op->app, op->actor);
    if (!settle) {
        svc_fail(&op->result, ORDO_E_OVERLOADED,
                 "out of memory: refund %lld stays pending; retry it later",
                 (long long)x->refund_id);
        return;
    }
    refund_provider_http.refund(x->config, &req, &settle->out);
    settle->op.run = settle_run;
    settle->refund_id = x->refund_id;
    settle->after_sales_id = x->after_sales_id;
    settle->amount = x->amount;
    svc_op_run_sync(&settle->op);
    if (settle->op.result.err != ORDO_E_OK) {
        svc_fail(&op->result, settle->op.result.err, "refund %lld: %s", (long long)x->refund_id,
                 settle->op.result.detail);
    } else if (!settle->out.succeeded) {
        svc_fail(&op->result, ORDO_E_REFUND_FAILED,
                 "refund %lld of %lld fen failed: %s; the ticket is unchanged and the refund "
                 "may be retried: POST /v1/refunds/%lld/retry",
                 (long long)x->refund_id, (long long)x->amount, settle->out.error,
                 (long long)x->refund_id);
    } else {
        svc_ok(&op->result, x->retry ? 200 : 201, json_incref(settle->op.result.body));
        snprintf(op->result.created, sizeof op->result.created, "%lld", (long long)x->refund_id);
    }
    svc_op_free(&settle->op);
}

static void start_destroy(svc_op_t *op) {
    json_decref(((refund_op_t *)op)->config);
}

static refund_op_t *alloc_refund(app_t *app, const char *actor) {
    refund_op_t *x = (refund_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x)
        return NULL;
    x->op.run = start_run;
    x->op.finish = start_finish;
    x->op.destroy = start_destroy;
    return x;
}

svc_op_t *refund_op(app_t *app, int64_t after_sales_id, json_t *body, const char *actor,
                    svc_result_t *immediate) {
    if (!fields_require_object(body, "the refund is invalid", immediate))
        return NULL;
    field_errors_t *errs = svc_errors(immediate);
    int64_t amount = field_int(body, "amount", true, 1, INT64_MAX / 2, 0, errs);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "amount") != 0)
            field_errors_add(errs, key, "unknown_member", "a refund has only an amount (fen)");
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the refund is invalid; nothing changed");
        return NULL;
    }
    refund_op_t *x = alloc_refund(app, actor);
    if (!x) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->after_sales_id = after_sales_id;
    x->amount = amount;
    return &x->op;
}

svc_op_t *refund_retry_op(app_t *app, int64_t refund_id, const char *actor) {
    refund_op_t *x = alloc_refund(app, actor);
    if (!x)
        return NULL;
    x->refund_id = refund_id;
    x->retry = true;
    return &x->op;
}

void refund_get(app_t *app, int64_t id, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *out = NULL;
    int rc = s ? s->vt->after_sales->refund_get(s, id, &out) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no refund %lld", (long long)id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the refund");
    else
        svc_ok(r, 200, out);
}

void order_refunds(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = app_reader(app);
    order_rec_t rec = {0};
    int rc = s ? s->vt->order_get(s, 0, order_no, &rec) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
        return;
    }
    refund_budget_t b;
    json_t *list = NULL;
    if (rc == STORE_OK)
        rc = budget_of(s, &rec, &b);
    if (rc == STORE_OK)
        rc = s->vt->after_sales->refunds_of_order(s, rec.id, &list);
    if (rc != STORE_OK) {
        order_rec_clear(&rec);
        svc_fail(r, ORDO_E_STORE, "cannot read the refunds");
        return;
    }
    svc_ok(r, 200,
           json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "order_no", rec.order_no, "paid",
                     (json_int_t)b.paid, "refunded", (json_int_t)b.refunded, "pending",
                     (json_int_t)b.pending, "owed_by_line_edits", (json_int_t)b.owed_edits,
                     "owed_by_cancellation", (json_int_t)b.owed_cancel, "refundable",
                     (json_int_t)b.refundable, "refunds", list));
    order_rec_clear(&rec);
}
