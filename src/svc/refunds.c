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

#define PROVIDER_KEY "refund_provider"

int refund_budget(store_t *s, const order_rec_t *rec, refund_budget_t *b) {
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
} refund_op_t;

static ordo_err_t provider_configured(store_t *s, svc_op_t *op) {
    char *text = NULL;
    int rc = s->vt->after_sales->config_get(s, PROVIDER_KEY, &text);
    free(text);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_CONFLICT,
                        "no refund provider is configured: PUT /v1/refunds/provider first");
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
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

/* A new refund, or a refused one asked again: the ticket takes it and the budget has room. */
static ordo_err_t check_new_money(store_t *s, refund_op_t *x) {
    json_t *ticket = NULL;
    order_rec_t rec = {0};
    ordo_err_t e = ticket_takes_refund(s, x, &ticket);
    if (e == ORDO_E_OK)
        e = provider_configured(s, &x->op);
    if (e == ORDO_E_OK &&
        s->vt->order_get(s, json_integer_value(json_object_get(ticket, "order_id")), NULL, &rec) !=
            STORE_OK)
        e = ORDO_E_STORE;
    refund_budget_t b;
    if (e == ORDO_E_OK && refund_budget(s, &rec, &b) != STORE_OK)
        e = ORDO_E_STORE;
    if (e == ORDO_E_OK && x->amount > b.refundable) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "at most %lld fen can still be refunded: paid %lld, refunds pending or made "
                 "%lld, owed by line edits %lld, owed by a cancellation or logistics case %lld",
                 (long long)b.refundable, (long long)b.paid, (long long)(b.refunded + b.pending),
                 (long long)b.owed_edits, (long long)b.owed_cancel);
        if (x->retry) {
            e = svc_fail(&x->op.result, ORDO_E_CONFLICT, "refund %lld cannot be retried: %s",
                         (long long)x->refund_id, msg);
        } else {
            field_errors_add(svc_errors(&x->op.result), "amount", "exceeds_paid", "%s", msg);
            e = svc_fail(&x->op.result, ORDO_E_VALIDATION, "the refund exceeds what was paid");
        }
    }
    if (e == ORDO_E_OK && !x->retry) {
        refund_rec_t r = {.order_id = rec.id,
                          .after_sales_id = x->after_sales_id,
                          .amount_fen = x->amount,
                          .provider = refund_provider_http.name,
                          .actor = x->op.actor,
                          .now_ms = x->op.now_ms};
        if (s->vt->after_sales->refund_insert(s, &r, &x->refund_id) != STORE_OK)
            e = ORDO_E_STORE;
    }
    json_decref(ticket);
    order_rec_clear(&rec);
    return e;
}

/* Records the request (or the retry) as pending and due now; the refund worker asks the
 * provider (jobs/refund_worker.c): no HTTP thread waits for it. */
static ordo_err_t start_run(store_t *s, svc_op_t *op) {
    refund_op_t *x = (refund_op_t *)op;
    ordo_err_t e = ORDO_E_OK;
    const char *was = "new";
    if (x->retry) {
        json_t *refund = NULL;
        int rc = s->vt->after_sales->refund_get(s, x->refund_id, &refund);
        if (rc == STORE_NOT_FOUND)
            return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no refund %lld",
                            (long long)x->refund_id);
        if (rc != STORE_OK)
            return ORDO_E_STORE;
        x->after_sales_id = json_integer_value(json_object_get(refund, "after_sales_id"));
        x->amount = json_integer_value(json_object_get(refund, "amount"));
        const char *status = json_string_value(json_object_get(refund, "status"));
        if (strcmp(status, "succeeded") == 0)
            e = svc_fail(&op->result, ORDO_E_CONFLICT, "refund %lld already succeeded",
                         (long long)x->refund_id);
        else if (strcmp(status, "pending") == 0)
            was = "pending"; /* still held: asked again now rather than at its next attempt */
        else
            was = "refused";
        json_decref(refund);
    }
    /* A pending refund's amount is held already and its ticket may have moved on: it is
     * resolved whatever the ticket says now. */
    if (e == ORDO_E_OK && strcmp(was, "pending") != 0)
        e = check_new_money(s, x);
    if (e == ORDO_E_OK && x->retry) {
        int rc = s->vt->after_sales->refund_retry(s, x->refund_id, op->now_ms);
        if (rc == STORE_CONFLICT)
            e = svc_fail(&op->result, ORDO_E_CONFLICT, "refund %lld changed meanwhile",
                         (long long)x->refund_id);
        else if (rc != STORE_OK)
            e = ORDO_E_STORE;
    }
    char text[200];
    if (x->retry)
        snprintf(text, sizeof text, "refund %lld (R%lld) of %lld fen retried (it was %s)",
                 (long long)x->refund_id, (long long)x->refund_id, (long long)x->amount, was);
    else
        snprintf(text, sizeof text, "refund %lld (R%lld) of %lld fen requested",
                 (long long)x->refund_id, (long long)x->refund_id, (long long)x->amount);
    if (e == ORDO_E_OK && x->after_sales_id &&
        as_log_note(s, op, x->after_sales_id, "refund", text, NULL) != STORE_OK)
        e = ORDO_E_STORE;
    json_t *view = NULL;
    if (e == ORDO_E_OK && s->vt->after_sales->refund_get(s, x->refund_id, &view) != STORE_OK)
        e = ORDO_E_STORE;
    if (e != ORDO_E_OK)
        return e;
    svc_ok(&op->result, 202, view);
    snprintf(op->result.created, sizeof op->result.created, "%lld", (long long)x->refund_id);
    return ORDO_E_OK;
}

static void start_finish(svc_op_t *op) {
    if (op->result.err == ORDO_E_OK && op->app->refunds_wake)
        op->app->refunds_wake(op->app->refunds_wake_ctx);
}

static refund_op_t *alloc_refund(app_t *app, const char *actor) {
    refund_op_t *x = (refund_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x)
        return NULL;
    x->op.run = start_run;
    x->op.finish = start_finish;
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

/* ---- the refund worker's side: asking the provider, recording its answer ---- */

void refund_ask(app_t *app, const json_t *refund, refund_outcome_t *out, const atomic_bool *stop) {
    memset(out, 0, sizeof *out);
    out->verdict = REFUND_UNKNOWN;
    store_t *s = app_reader(app);
    char *text = NULL;
    json_t *config = NULL, *ticket = NULL;
    order_rec_t rec = {0};
    int64_t after_sales_id = json_integer_value(json_object_get(refund, "after_sales_id"));
    if (!s || s->vt->after_sales->config_get(s, PROVIDER_KEY, &text) != STORE_OK ||
        !(config = json_loads(text, 0, NULL)) ||
        s->vt->order_get(s, json_integer_value(json_object_get(refund, "order_id")), NULL, &rec) !=
            STORE_OK ||
        (after_sales_id && s->vt->after_sales->get(s, after_sales_id, &ticket) != STORE_OK)) {
        /* Not asked: held and asked again later. */
        snprintf(out->error, sizeof out->error,
                 "cannot read the refund provider's settings, the order or the ticket");
    } else {
        const char *tx = json_string_value(
            json_object_get(json_object_get(rec.doc, "payment"), "transaction_id"));
        const char *reason = json_string_value(json_object_get(ticket, "reason"));
        refund_request_t req = {.refund_no =
                                    json_string_value(json_object_get(refund, "refund_no")),
                                .order_no = rec.order_no,
                                .transaction_id = tx ? tx : "",
                                .amount_fen = json_integer_value(json_object_get(refund, "amount")),
                                .after_sales_id = after_sales_id,
                                .reason = reason ? reason : ""};
        refund_provider_http.refund(config, &req, out, stop);
    }
    free(text);
    json_decref(config);
    json_decref(ticket);
    order_rec_clear(&rec);
}

typedef struct {
    svc_op_t op;
    int64_t refund_id;
    int64_t next_attempt_ms;
    int alert_attempts;
    refund_outcome_t out;
} settle_op_t;

/* What the after-sales log and the order timeline say of the attempt; "" when nothing: an
 * unknown outcome is told the first time and once more when it has lasted alert_attempts. */
static void settle_text(const settle_op_t *x, const json_t *refund, char *text, size_t len) {
    long long id = (long long)x->refund_id;
    long long amount = (long long)json_integer_value(json_object_get(refund, "amount"));
    long long attempts = (long long)json_integer_value(json_object_get(refund, "attempts")) + 1;
    text[0] = '\0';
    if (x->out.verdict == REFUND_SUCCEEDED)
        snprintf(text, len, "refund %lld: %lld fen refunded (provider reference %s)", id, amount,
                 x->out.provider_ref);
    else if (x->out.verdict == REFUND_REFUSED)
        snprintf(text, len,
                 "refund %lld of %lld fen refused: %s; the amount is refundable again and the "
                 "refund may be retried (POST /v1/refunds/%lld/retry)",
                 id, amount, x->out.error, id);
    else if (attempts == 1)
        snprintf(text, len,
                 "refund %lld of %lld fen: outcome unknown (%s); the amount stays held and R%lld "
                 "is asked again until the provider answers",
                 id, amount, x->out.error, id);
    else if (attempts == x->alert_attempts)
        snprintf(text, len,
                 "refund %lld of %lld fen still unconfirmed after %lld attempts (%s): check R%lld "
                 "with the provider; it is still asked again",
                 id, amount, attempts, x->out.error, id);
}

static ordo_err_t settle_run(store_t *s, svc_op_t *op) {
    settle_op_t *x = (settle_op_t *)op;
    json_t *refund = NULL, *ticket = NULL;
    int rc = s->vt->after_sales->refund_get(s, x->refund_id, &refund);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no refund %lld", (long long)x->refund_id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    char text[600];
    settle_text(x, refund, text, sizeof text);
    int64_t after_sales_id = json_integer_value(json_object_get(refund, "after_sales_id"));
    int64_t order_id = json_integer_value(json_object_get(refund, "order_id"));
    char order_no[32];
    snprintf(order_no, sizeof order_no, "%s",
             json_string_value(json_object_get(refund, "order_no")));
    json_decref(refund);
    refund = NULL;
    static const char *const status_of[] = {[REFUND_SUCCEEDED] = "succeeded",
                                            [REFUND_REFUSED] = "refused",
                                            [REFUND_UNKNOWN] = "pending"};
    bool paid = x->out.verdict == REFUND_SUCCEEDED;
    rc = s->vt->after_sales->refund_result(
        s, x->refund_id, status_of[x->out.verdict], paid ? x->out.provider_ref : NULL,
        paid ? NULL : x->out.error, x->next_attempt_ms, op->now_ms);
    /* Not pending any more: its outcome was recorded already; nothing to add. */
    if (rc == STORE_CONFLICT)
        return svc_fail(&op->result, ORDO_E_CONFLICT, "refund %lld is not pending",
                        (long long)x->refund_id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    ordo_err_t e = ORDO_E_OK;
    if (text[0] && after_sales_id) {
        e = as_load(s, op, after_sales_id, &ticket);
        if (e == ORDO_E_OK && paid) {
            e = as_move(s, op, ticket, AS_EV_REFUND, text, NULL);
            if (e == ORDO_E_ILLEGAL_TRANSITION) {
                /* The ticket moved on meanwhile (closed): the money went back all the same. */
                svc_result_clear(&op->result);
                svc_result_init(&op->result);
                e = ORDO_E_OK;
                paid = false; /* told below as a note */
            }
        }
        if (e == ORDO_E_OK && !paid &&
            as_log_note(s, op, after_sales_id, "refund", text, NULL) != STORE_OK)
            e = ORDO_E_STORE;
        json_decref(ticket);
    }
    if (e == ORDO_E_OK && text[0] &&
        timeline_note(s, order_id, order_no, op->actor, "refund", text, op->now_ms) != STORE_OK)
        e = ORDO_E_STORE;
    if (e != ORDO_E_OK)
        return e;
    if (s->vt->after_sales->refund_get(s, x->refund_id, &refund) != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200, refund);
    return ORDO_E_OK;
}

svc_op_t *refund_settle_op(app_t *app, int64_t refund_id, const refund_outcome_t *out,
                           int64_t next_attempt_ms, int alert_attempts) {
    settle_op_t *x = (settle_op_t *)svc_op_alloc(sizeof *x, app, "refund-worker");
    if (!x)
        return NULL;
    x->op.run = settle_run;
    x->refund_id = refund_id;
    x->out = *out;
    x->next_attempt_ms = next_attempt_ms;
    x->alert_attempts = alert_attempts;
    return &x->op;
}

void refunds_list(app_t *app, const refund_filter_t *f, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *items = NULL;
    if (!s || s->vt->after_sales->refunds_list(s, f, &items) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the refunds");
        return;
    }
    svc_ok_id_page(r, items, f->limit);
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
        rc = refund_budget(s, &rec, &b);
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
