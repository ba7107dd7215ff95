#include "svc/reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alipay_statement.h"
#include "core/money.h"
#include "svc/payments.h"
#include "util/timefmt.h"

typedef enum {
    PAID_NOT_RECORDED,
    RECORDED_NOT_PAID,
    AMOUNT_MISMATCH,
    REFUND_NOT_RECORDED,
    KIND__COUNT
} kind_t;

static const char *const kind_names[KIND__COUNT] = {"paid_not_recorded", "recorded_not_paid",
                                                    "amount_mismatch", "refund_not_recorded"};
static const char *const kind_exception_codes[KIND__COUNT] = {
    "recon_paid_not_recorded", "recon_recorded_not_paid", "recon_amount_mismatch",
    "recon_refund_not_recorded"};

/* What ordo made of a notification that said the trade was paid (svc/payments.c): the
 * platform took the money, whatever ordo then did with the order. */
static bool outcome_is_payment(const char *outcome) {
    static const char *const paid[] = {"paid", "payment_confirmed", "amount_mismatch",
                                       "paid_after_cancel"};
    for (size_t i = 0; i < sizeof paid / sizeof paid[0]; i++)
        if (strcmp(outcome, paid[i]) == 0)
            return true;
    return false;
}

/* A discrepancy found in this run, recorded once the run has its id. */
typedef struct {
    kind_t kind;
    const char *trade_no; /* borrowed from the statement or the payment list */
    int64_t order_id, exception_id;
} found_t;

typedef struct {
    svc_op_t op;
    statement_t st;
    const char *provider;
    /* Filled by run: */
    found_t *found;
    size_t found_count, found_cap;
    int counts[KIND__COUNT];
    int matched, opened;
    json_t *lines, *refunds;
    char period[80]; /* for messages */
} recon_op_t;

static json_t *amount_or_null(int64_t fen, bool known) {
    return known ? json_integer(fen) : json_null();
}

static json_t *text_or_null(const char *s) {
    return s && *s ? json_string(s) : json_null();
}

/* One discrepancy: reported always; an exception (and the record that stops a second one)
 * only the first time any run finds it. Returns a store result. */
static int discrepancy(recon_op_t *x, store_t *s, kind_t kind, const char *trade_no,
                       const char *out_trade_no, const order_rec_t *order, int64_t statement_fen,
                       bool in_statement, int64_t recorded_fen, bool recorded,
                       const char *message) {
    int64_t exception_id = 0;
    int rc = s->vt->discrepancy_get(s, x->provider, trade_no, kind_names[kind], &exception_id);
    bool fresh = rc == STORE_NOT_FOUND;
    if (rc != STORE_OK && !fresh)
        return rc;
    if (fresh) {
        if (order) {
            exception_rec_t e = {.order_id = order->id,
                                 .code = kind_exception_codes[kind],
                                 .severity = "red",
                                 .message = message,
                                 .at_ms = x->op.now_ms};
            if (s->vt->exception_open(s, &e, &exception_id) != STORE_OK)
                return STORE_ERROR;
            x->opened++;
        }
        if (x->found_count == x->found_cap) {
            size_t cap = x->found_cap ? x->found_cap * 2 : 16;
            found_t *more = realloc(x->found, cap * sizeof *more);
            if (!more)
                return STORE_ERROR;
            x->found = more;
            x->found_cap = cap;
        }
        x->found[x->found_count++] = (found_t){kind, trade_no, order ? order->id : 0, exception_id};
    }
    x->counts[kind]++;
    json_t *line = json_pack(
        "{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:s}", "kind", kind_names[kind], "trade_no",
        trade_no, "out_trade_no", text_or_null(out_trade_no), "order_no",
        text_or_null(order ? order->order_no : NULL), "statement_amount_fen",
        amount_or_null(statement_fen, in_statement), "recorded_amount_fen",
        amount_or_null(recorded_fen, recorded), "exception_id",
        exception_id ? json_integer(exception_id) : json_null(), "new", fresh, "message", message);
    return line && json_array_append_new(x->lines, line) == 0 ? STORE_OK : STORE_ERROR;
}

/* The payment ordo recorded for a trade, if any (the first notification that said paid). */
static int recorded_payment(recon_op_t *x, store_t *s, const char *trade_no, payment_record_t *out,
                            bool *found) {
    payment_record_t recs[8];
    int n = 0;
    int rc = s->vt->payments_of_trade(s, x->provider, trade_no, recs, 8, &n);
    *found = false;
    for (int i = 0; rc == STORE_OK && i < n && !*found; i++)
        if (outcome_is_payment(recs[i].outcome)) {
            *out = recs[i];
            *found = true;
        }
    return rc;
}

static int check_trade(recon_op_t *x, store_t *s, const statement_row_t *row) {
    payment_record_t paid;
    bool found;
    int rc = recorded_payment(x, s, row->trade_no, &paid, &found);
    if (rc != STORE_OK)
        return rc;
    char msg[512], stmt_yuan[32], rec_yuan[32];
    money_format_yuan(stmt_yuan, sizeof stmt_yuan, row->amount_fen);
    if (found && paid.amount_fen == row->amount_fen) {
        x->matched++;
        return STORE_OK;
    }
    order_rec_t order = {0};
    if (found) {
        rc = s->vt->order_get(s, paid.order_id, NULL, &order);
        if (rc != STORE_OK) {
            order_rec_clear(&order);
            return rc;
        }
        money_format_yuan(rec_yuan, sizeof rec_yuan, paid.amount_fen);
        snprintf(msg, sizeof msg,
                 "the %s statement %s lists trade %s at %s yuan; ordo recorded %s yuan for it: "
                 "check what was really paid",
                 x->provider, x->period, row->trade_no, stmt_yuan, rec_yuan);
        rc = discrepancy(x, s, AMOUNT_MISMATCH, row->trade_no, row->out_trade_no, &order,
                         row->amount_fen, true, paid.amount_fen, true, msg);
        order_rec_clear(&order);
        return rc;
    }
    rc = row->out_trade_no[0] ? payment_order_of_reference(s, row->out_trade_no, &order)
                              : STORE_NOT_FOUND;
    if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
        order_rec_clear(&order);
        return rc;
    }
    bool known = rc == STORE_OK;
    if (known)
        snprintf(msg, sizeof msg,
                 "the %s statement %s lists trade %s: %s yuan paid for this order, which ordo "
                 "has no %s payment of (the order is %s): confirm the payment or refund it",
                 x->provider, x->period, row->trade_no, stmt_yuan, x->provider,
                 order_status_name(order.status));
    else
        snprintf(msg, sizeof msg,
                 "the %s statement %s lists trade %s: %s yuan paid for out_trade_no '%s', which "
                 "names no order in ordo",
                 x->provider, x->period, row->trade_no, stmt_yuan, row->out_trade_no);
    rc = discrepancy(x, s, PAID_NOT_RECORDED, row->trade_no, row->out_trade_no,
                     known ? &order : NULL, row->amount_fen, true, 0, false, msg);
    order_rec_clear(&order);
    return rc;
}

/* Refunds are listed; one on an order ordo still means to fulfil is a discrepancy. */
static int check_refund(recon_op_t *x, store_t *s, const statement_row_t *row) {
    payment_record_t paid;
    bool found;
    int rc = recorded_payment(x, s, row->trade_no, &paid, &found);
    order_rec_t order = {0};
    if (rc == STORE_OK)
        rc = found                  ? s->vt->order_get(s, paid.order_id, NULL, &order)
             : row->out_trade_no[0] ? payment_order_of_reference(s, row->out_trade_no, &order)
                                    : STORE_NOT_FOUND;
    if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
        order_rec_clear(&order);
        return rc;
    }
    bool known = rc == STORE_OK;
    char when[40] = "";
    if (row->finished_at_ms)
        rfc3339_format(row->finished_at_ms, when, sizeof when);
    json_t *entry = json_pack("{s:s, s:o, s:o, s:o, s:I, s:o, s:o}", "trade_no", row->trade_no,
                              "out_trade_no", text_or_null(row->out_trade_no), "order_no",
                              text_or_null(known ? order.order_no : NULL), "order_status",
                              text_or_null(known ? order_status_name(order.status) : NULL),
                              "amount_fen", (json_int_t)row->amount_fen, "refund_no",
                              text_or_null(row->refund_no), "finished_at", text_or_null(when));
    rc = entry && json_array_append_new(x->refunds, entry) == 0 ? STORE_OK : STORE_ERROR;
    if (rc == STORE_OK && known && order.status != ORDER_CANCELLED) {
        char msg[512], amount[32];
        money_format_yuan(amount, sizeof amount, -row->amount_fen);
        snprintf(msg, sizeof msg,
                 "the %s statement %s refunds %s yuan of trade %s (refund %s), but the order is "
                 "%s in ordo, not cancelled: stop it or collect the money",
                 x->provider, x->period, amount, row->trade_no,
                 row->refund_no[0] ? row->refund_no : "without a number",
                 order_status_name(order.status));
        rc = discrepancy(x, s, REFUND_NOT_RECORDED, row->trade_no, row->out_trade_no, &order,
                         row->amount_fen, true, 0, false, msg);
    }
    order_rec_clear(&order);
    return rc;
}

static int trade_no_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int payment_trade_cmp(const void *a, const void *b) {
    const payment_record_t *x = a, *y = b;
    int c = strcmp(x->transaction_id, y->transaction_id);
    return c ? c
             : (x->received_at_ms > y->received_at_ms) - (x->received_at_ms < y->received_at_ms);
}

/* Payments ordo recorded in the period that the statement lacks. A notification can arrive
 * after the period its payment belongs to (Alipay retries for a day): one that an earlier
 * statement listed is not a discrepancy. */
static int check_recorded(recon_op_t *x, store_t *s, payment_record_t *recs, int n) {
    const char **listed = malloc((x->st.trades + 1) * sizeof *listed);
    if (!listed)
        return STORE_ERROR;
    size_t listed_n = 0;
    for (size_t i = 0; i < x->st.count; i++)
        if (x->st.rows[i].kind == STATEMENT_TRADE)
            listed[listed_n++] = x->st.rows[i].trade_no;
    qsort(listed, listed_n, sizeof *listed, trade_no_cmp);
    if (n > 0) /* recs is NULL when nothing was recorded */
        qsort(recs, (size_t)n, sizeof *recs, payment_trade_cmp);
    int rc = STORE_OK;
    const char *last = ""; /* one discrepancy per trade, however many notifications it had */
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        payment_record_t *p = &recs[i];
        if (!outcome_is_payment(p->outcome) || !p->transaction_id[0] ||
            strcmp(last, p->transaction_id) == 0)
            continue;
        const char *key = last = p->transaction_id;
        if (bsearch(&key, listed, listed_n, sizeof *listed, trade_no_cmp))
            continue;
        bool seen = false;
        rc = s->vt->statement_trade_seen(s, x->provider, key, &seen);
        if (rc != STORE_OK || seen)
            continue;
        order_rec_t order = {0};
        rc = s->vt->order_get(s, p->order_id, NULL, &order);
        if (rc == STORE_OK) {
            char msg[512], amount[32], when[40];
            money_format_yuan(amount, sizeof amount, p->amount_fen);
            snprintf(msg, sizeof msg,
                     "ordo recorded %s trade %s (%s yuan, %s) at %s, but the %s statement %s does "
                     "not list it: do not ship before the money is confirmed",
                     x->provider, key, amount, p->outcome,
                     rfc3339_format(p->received_at_ms, when, sizeof when), x->provider, x->period);
            rc = discrepancy(x, s, RECORDED_NOT_PAID, key, NULL, &order, 0, false, p->amount_fen,
                             true, msg);
        }
        order_rec_clear(&order);
    }
    free(listed);
    return rc;
}

static json_t *build_report(recon_op_t *x) {
    char start[40], end[40];
    json_t *counts = json_object();
    int total = 0;
    for (int k = 0; k < KIND__COUNT; k++) {
        json_object_set_new(counts, kind_names[k], json_integer(x->counts[k]));
        total += x->counts[k];
    }
    return json_pack("{s:{s:s, s:s}, s:{s:I, s:I}, s:i, s:i, s:o, s:i, s:O, s:O}", "period",
                     "start", rfc3339_format(x->st.period_start_ms, start, sizeof start), "end",
                     rfc3339_format(x->st.period_end_ms, end, sizeof end), "statement", "trades",
                     (json_int_t)x->st.trades, "refunds", (json_int_t)x->st.refunds, "matched",
                     x->matched, "discrepancy_count", total, "counts", counts, "exceptions_opened",
                     x->opened, "discrepancies", x->lines, "refunds", x->refunds);
}

static ordo_err_t recon_run(store_t *s, svc_op_t *op) {
    recon_op_t *x = (recon_op_t *)op;
    char start[40], end[40];
    snprintf(x->period, sizeof x->period, "%s…%s",
             rfc3339_format(x->st.period_start_ms, start, sizeof start),
             rfc3339_format(x->st.period_end_ms, end, sizeof end));
    x->lines = json_array();
    x->refunds = json_array();
    int rc = x->lines && x->refunds ? STORE_OK : STORE_ERROR;
    for (size_t i = 0; i < x->st.count && rc == STORE_OK; i++)
        rc = x->st.rows[i].kind == STATEMENT_TRADE ? check_trade(x, s, &x->st.rows[i])
                                                   : check_refund(x, s, &x->st.rows[i]);
    payment_record_t *recs = NULL;
    int n = 0;
    if (rc == STORE_OK)
        rc = s->vt->payments_received(s, x->provider, x->st.period_start_ms, x->st.period_end_ms,
                                      &recs, &n);
    if (rc == STORE_OK)
        rc = check_recorded(x, s, recs, n);
    json_t *report = rc == STORE_OK ? build_report(x) : NULL;
    char *text = report ? json_dumps(report, JSON_COMPACT) : NULL;
    int64_t id = 0;
    rc = text ? s->vt->reconciliation_insert(s, x->provider, x->st.period_start_ms,
                                             x->st.period_end_ms, text, op->actor, op->now_ms, &id)
              : STORE_ERROR;
    free(text);
    for (size_t i = 0; i < x->found_count && rc == STORE_OK; i++)
        rc = s->vt->discrepancy_add(s, x->provider, x->found[i].trade_no,
                                    kind_names[x->found[i].kind], x->found[i].order_id,
                                    x->found[i].exception_id, id, op->now_ms);
    for (size_t i = 0; i < x->st.count && rc == STORE_OK; i++)
        if (x->st.rows[i].kind == STATEMENT_TRADE)
            rc = s->vt->statement_trade_add(s, x->provider, x->st.rows[i].trade_no, id);
    /* The found list borrows trade numbers from recs: done with both now. */
    free(recs);
    if (rc != STORE_OK) {
        json_decref(report);
        return ORDO_E_STORE;
    }
    /* The answer is what GET /v1/reconciliations/{id} will show. */
    char created[40];
    json_object_set_new(report, "id", json_integer(id));
    json_object_set_new(report, "provider", json_string(x->provider));
    json_object_set_new(report, "created_at",
                        json_string(rfc3339_format(op->now_ms, created, sizeof created)));
    json_object_set_new(report, "created_by", json_string(op->actor));
    svc_ok(&op->result, 201, report);
    snprintf(op->result.created, sizeof op->result.created, "%lld", (long long)id);
    return ORDO_E_OK;
}

static void recon_destroy(svc_op_t *op) {
    recon_op_t *x = (recon_op_t *)op;
    statement_free(&x->st);
    free(x->found);
    json_decref(x->lines);
    json_decref(x->refunds);
}

svc_op_t *reconcile_alipay_op(app_t *app, const char *statement, size_t len, const char *actor,
                              svc_result_t *immediate) {
    statement_t st;
    field_errors_t *errs = svc_errors(immediate);
    if (!errs) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    if (!alipay_statement_parse(statement, len, &st, errs)) {
        svc_fail(immediate, ORDO_E_BAD_REQUEST,
                 "the Alipay statement is refused (%d problem%s); nothing was reconciled",
                 errs->count + errs->dropped, errs->count + errs->dropped == 1 ? "" : "s");
        return NULL;
    }
    recon_op_t *x = (recon_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x) {
        statement_free(&st);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->st = st;
    x->provider = provider_name(PROVIDER_ALIPAY);
    x->op.run = recon_run;
    x->op.destroy = recon_destroy;
    return &x->op;
}

void reconciliation_get(app_t *app, int64_t id, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *out = NULL;
    int rc = s ? s->vt->reconciliation_get(s, id, &out) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no reconciliation %lld", (long long)id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the reconciliation");
    else
        svc_ok(r, 200, out);
}
