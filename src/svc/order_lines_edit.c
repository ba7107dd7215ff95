#include "svc/order_lines_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/line_edit.h"
#include "core/order_doc.h"
#include "core/order_parse.h"
#include "core/rules.h"
#include "svc/allocation.h"
#include "svc/fields.h"
#include "svc/orders.h"
#include "svc/timeline.h"

typedef struct {
    svc_op_t op;
    char order_no[40];
    json_t *body; /* held: the changes borrow their strings from it */
    line_changes_t changes;
    char reason[ORDO_REASON_MAX + 1];
    int64_t expected_version; /* -1 when the caller did not say */
    bool allow_short;
} lines_edit_op_t;

/* Everything one edit works with inside the transaction; freed by edit_clear. */
typedef struct {
    order_rec_t rec;
    int n_before, n_after;
    order_line_t before[ORDO_ORDER_LINES_MAX];
    line_after_t after[ORDO_ORDER_LINES_MAX];
    json_t *edited;   /* the order's document with the new lines */
    order_input_t in; /* edited, validated; borrows from it */
    bool in_valid;
    char *doc_text;
    alloc_job_t job;
    sku_set_t freed;
} edit_t;

static void edit_clear(edit_t *e) {
    if (e->in_valid)
        order_input_free(&e->in);
    json_decref(e->edited);
    free(e->doc_text);
    alloc_job_clear(&e->job);
    order_rec_clear(&e->rec);
}

/* The catalog decides, inside the transaction that records the prices: an added or swapped
 * SKU must exist and be sellable, and takes the catalog's price when none is given. */
static int resolve_catalog(store_t *s, line_changes_t *ch, field_errors_t *errs) {
    for (int i = 0; i < ch->n; i++) {
        line_change_t *c = &ch->items[i];
        if (c->op != LINE_ADD && c->op != LINE_SWAP)
            continue;
        char field[40];
        snprintf(field, sizeof field, "changes[%d].sku", i);
        json_t *sku = NULL;
        int rc = s->vt->sku_get(s, c->sku, &sku);
        if (rc == STORE_NOT_FOUND)
            field_errors_add(errs, field, "unknown_sku", "no SKU '%s' in the catalog", c->sku);
        else if (rc != STORE_OK)
            return rc;
        else if (!json_is_true(json_object_get(sku, "sellable")))
            field_errors_add(errs, field, "sku_not_sellable", "SKU '%s' is not sellable", c->sku);
        else if (!c->has_price)
            c->unit_price_fen = json_integer_value(json_object_get(sku, "price"));
        json_decref(sku);
    }
    return STORE_OK;
}

/* The order's lines as stored (strings borrowed from rec->doc). */
static void lines_of(const order_rec_t *rec, order_line_t *out, int *n) {
    json_t *items = json_object_get(rec->doc, "items");
    size_t i;
    json_t *item;
    *n = 0;
    json_array_foreach(items, i, item) {
        if (i >= ORDO_ORDER_LINES_MAX)
            break;
        out[(*n)++] = (order_line_t){
            .sku = json_string_value(json_object_get(item, "sku")),
            .qty = (int32_t)json_integer_value(json_object_get(item, "qty")),
            .unit_price_fen = json_integer_value(json_object_get(item, "unit_price"))};
    }
}

/* [{line, sku, qty, unit_price}] of n lines that sit `stride` bytes apart (an array of
 * order_line_t, or the line member of an array of line_after_t). */
static json_t *lines_json(const order_line_t *lines, int n, size_t stride) {
    json_t *arr = json_array();
    for (int l = 0; l < n; l++) {
        const order_line_t *x = (const order_line_t *)((const char *)lines + stride * (size_t)l);
        json_array_append_new(arr,
                              json_pack("{s:i, s:s, s:i, s:I}", "line", l + 1, "sku", x->sku, "qty",
                                        x->qty, "unit_price", (json_int_t)x->unit_price_fen));
    }
    return arr;
}

static json_t *changes_json(const line_changes_t *ch) {
    json_t *arr = json_array();
    for (int i = 0; i < ch->n; i++) {
        const line_change_t *c = &ch->items[i];
        json_t *o = json_pack("{s:s}", "op", line_op_name(c->op));
        if (c->op != LINE_ADD)
            json_object_set_new(o, "line", json_integer(c->line));
        if (c->op == LINE_ADD || c->op == LINE_SWAP) {
            json_object_set_new(o, "sku", json_string(c->sku));
            json_object_set_new(o, "unit_price", json_integer(c->unit_price_fen));
        }
        if (c->op == LINE_SET_QTY || c->op == LINE_ADD || c->has_qty)
            json_object_set_new(o, "qty", json_integer(c->qty));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The edited order, validated as a whole as intake would (discounts may not exceed the new
 * items, and so on). The amount paid stays what was paid; an unpaid order's expected amount
 * follows its total. */
static bool build_edited(edit_t *e, const order_validation_t *app_rules, field_errors_t *errs) {
    e->edited = json_deep_copy(e->rec.doc);
    json_t *items = json_array();
    for (int l = 0; l < e->n_after; l++) {
        const order_line_t *x = &e->after[l].line;
        json_array_append_new(items, json_pack("{s:s, s:i, s:I}", "sku", x->sku, "qty", x->qty,
                                               "unit_price", (json_int_t)x->unit_price_fen));
    }
    json_object_set_new(e->edited, "items", items);
    /* Division codes are resolved again from the names, as for a correction. */
    json_object_del(json_object_get(e->edited, "address"), "division_codes");
    order_validation_t stored_order = *app_rules;
    stored_order.paid_amount_may_differ = true;
    e->in_valid = order_parse(e->edited, &stored_order, &e->in, errs);
    if (!e->in_valid)
        return false;
    json_t *amounts = json_object_get(e->rec.doc, "amounts");
    json_t *payment = json_object_get(e->rec.doc, "payment");
    if (e->rec.status == ORDER_PENDING_PAYMENT &&
        json_integer_value(json_object_get(payment, "amount")) ==
            json_integer_value(json_object_get(amounts, "total")))
        e->in.payment_amount_fen = e->in.total_fen;
    return true;
}

/* Lines that needed more stock and did not get it: the edit is refused unless the caller
 * accepts waiting for stock, since it would make the order worse than it was. */
static bool refuse_short(const edit_t *e, svc_result_t *r) {
    char detail[200] = "";
    size_t len = 0;
    int n = 0;
    for (int l = 0; l < e->n_after; l++) {
        const line_after_t *a = &e->after[l];
        int32_t missing = e->job.short_qty[l];
        if (!a->needs_stock || missing <= 0)
            continue;
        char field[32];
        snprintf(field, sizeof field, "changes[%d]", a->change);
        field_errors_add(svc_errors(r), field, "insufficient_stock",
                         "%s: %d of %d units can be reserved", a->line.sku, a->line.qty - missing,
                         a->line.qty);
        if (len < sizeof detail - 1)
            len += (size_t)snprintf(detail + len, sizeof detail - len, "%s%s short by %d",
                                    n ? ", " : "", a->line.sku, missing);
        n++;
    }
    if (n == 0)
        return false;
    svc_fail(r, ORDO_E_CONFLICT,
             "not enough stock for the edit (%s); nothing changed. Send allow_short: true to "
             "accept the order waiting for stock",
             detail);
    return true;
}

static const char *settlement_of(const order_rec_t *rec, int64_t difference) {
    if (difference == 0)
        return "none";
    if (rec->status == ORDER_PENDING_PAYMENT)
        return "amount_due"; /* nothing paid yet: the buyer pays the new total */
    return difference > 0 ? "to_collect" : "to_refund";
}

/* The timeline's words for the edit: each change with the line as it was. Returns malloc'd
 * text or NULL. */
static char *describe(const edit_t *e, const line_changes_t *ch, int64_t version,
                      int64_t total_before, const char *settlement, const char *reason) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "lines version %lld:", (long long)version);
    for (int i = 0; i < ch->n; i++) {
        const line_change_t *c = &ch->items[i];
        const order_line_t *was = c->op == LINE_ADD ? NULL : &e->before[c->line - 1];
        fprintf(f, "%s ", i ? ";" : "");
        if (c->op == LINE_ADD)
            fprintf(f, "added %s ×%d at %lld fen", c->sku, c->qty, (long long)c->unit_price_fen);
        else if (c->op == LINE_REMOVE)
            fprintf(f, "line %d %s ×%d removed", c->line, was->sku, was->qty);
        else if (c->op == LINE_SET_QTY)
            fprintf(f, "line %d %s ×%d → ×%d", c->line, was->sku, was->qty, c->qty);
        else
            fprintf(f, "line %d %s ×%d at %lld fen → %s ×%d at %lld fen", c->line, was->sku,
                    was->qty, (long long)was->unit_price_fen, c->sku,
                    c->has_qty ? c->qty : was->qty, (long long)c->unit_price_fen);
    }
    int64_t diff = e->in.total_fen - total_before;
    fprintf(f, ". Total %lld → %lld fen", (long long)total_before, (long long)e->in.total_fen);
    if (strcmp(settlement, "to_collect") == 0 || strcmp(settlement, "to_refund") == 0)
        fprintf(f, ": %lld fen %s", (long long)(diff < 0 ? -diff : diff),
                diff > 0 ? "to collect" : "to refund");
    fprintf(f, ". Reason: %s", reason);
    fclose(f);
    return text;
}

static int record_edit(store_t *s, lines_edit_op_t *p, edit_t *e, int64_t version) {
    int64_t total_before =
        json_integer_value(json_object_get(json_object_get(e->rec.doc, "amounts"), "total"));
    int64_t diff = e->in.total_fen - total_before;
    const char *settlement = settlement_of(&e->rec, diff);
    json_t *changes = changes_json(&p->changes);
    json_t *before = lines_json(e->before, e->n_before, sizeof e->before[0]);
    json_t *after = lines_json(&e->after[0].line, e->n_after, sizeof e->after[0]);
    char *changes_text = json_dumps(changes, JSON_COMPACT);
    char *before_text = json_dumps(before, JSON_COMPACT);
    char *after_text = json_dumps(after, JSON_COMPACT);
    char *note = describe(e, &p->changes, version, total_before, settlement, p->reason);
    int rc = STORE_ERROR;
    if (changes_text && before_text && after_text && note) {
        line_edit_rec_t rec = {.order_id = e->rec.id,
                               .version = version,
                               .at_ms = p->op.now_ms,
                               .actor = p->op.actor,
                               .reason = p->reason,
                               .changes_json = changes_text,
                               .before_json = before_text,
                               .after_json = after_text,
                               .total_before_fen = total_before,
                               .total_after_fen = e->in.total_fen,
                               .difference_fen = diff,
                               .settlement = settlement};
        rc = s->vt->line_edit_append(s, &rec);
        if (rc == STORE_OK)
            rc = timeline_note(s, e->rec.id, e->rec.order_no, p->op.actor, "lines_edited", note,
                               p->op.now_ms);
    }
    free(note);
    free(changes_text);
    free(before_text);
    free(after_text);
    json_decref(changes);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* Stores the edited document and line rows, and moves the reservations to the new lines. */
static int write_lines(store_t *s, lines_edit_op_t *p, edit_t *e) {
    char address_key[RULES_ADDRESS_KEY_MAX + 1];
    bool has_key = rules_order_key(&e->in, RULES_KEY_ADDRESS, address_key, sizeof address_key);
    int rc = s->vt->order_update_doc(s, e->rec.id, e->doc_text, e->in.phone_normalized,
                                     e->in.address.province_code, has_key ? address_key : NULL,
                                     p->op.now_ms);
    if (rc == STORE_OK)
        rc = s->vt->order_lines_delete(s, e->rec.id);
    for (int l = 0; l < e->n_after && rc == STORE_OK; l++)
        rc = s->vt->order_line_insert(s, e->rec.id, l + 1, e->after[l].line.sku,
                                      e->after[l].line.qty, e->after[l].line.unit_price_fen);
    alloc_job_t *job = &e->job;
    job->catalog = p->op.app->sellable;
    job->order_id = e->rec.id;
    job->splittable = e->rec.splittable;
    job->province_code = e->rec.province_code;
    job->n_lines = e->n_after;
    for (int l = 0; l < e->n_after; l++) {
        job->line_no[l] = l + 1;
        job->sku[l] = e->after[l].line.sku;
        job->want[l] = e->after[l].line.qty;
    }
    if (rc == STORE_OK)
        rc = alloc_replan(s, job, "line_edit", p->op.now_ms, &e->freed);
    return rc;
}

/* After the move: a short order is flagged as at intake; a whole one has its stock exception
 * and stock holds end (the usual point of swapping a flavour that is out of stock). Freed
 * units go to the orders waiting for them. */
static int settle_stock(store_t *s, lines_edit_op_t *p, edit_t *e) {
    int32_t missing = 0, wanted = 0;
    for (int l = 0; l < e->n_after; l++) {
        missing += e->job.short_qty[l];
        wanted += e->after[l].line.qty;
    }
    int rc;
    if (missing > 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "%d of %d units could not be reserved after an edit of the lines",
                 missing, wanted);
        rc = alloc_flag_short(s, &e->rec, msg, p->op.now_ms);
    } else {
        rc = alloc_mark_whole(s, &e->rec, p->op.actor,
                              "every unit reserved after an edit of the lines", p->op.now_ms);
    }
    if (rc == STORE_OK)
        rc = alloc_refill(s, &e->freed, "system", p->op.now_ms);
    return rc;
}

static ordo_err_t edit_order(store_t *s, lines_edit_op_t *p, edit_t *e) {
    svc_op_t *op = &p->op;
    order_rec_t *rec = &e->rec;
    if (!lifecycle_editable(rec->status))
        return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                        "order %s is %s: its lines can change only before picking starts "
                        "(pending_payment, pending_review, approved)",
                        rec->order_no, order_status_name(rec->status));
    json_t *history = NULL;
    if (s->vt->line_edits_of_order(s, rec->id, &history) != STORE_OK)
        return ORDO_E_STORE;
    int64_t version = (int64_t)json_array_size(history);
    json_decref(history);
    if (p->expected_version >= 0 && p->expected_version != version)
        return svc_fail(&op->result, ORDO_E_CONFLICT,
                        "order %s's lines are at version %lld, not %lld: they changed since; "
                        "reload the order and edit again",
                        rec->order_no, (long long)version, (long long)p->expected_version);

    field_errors_t errs;
    errs.count = errs.dropped = 0;
    if (resolve_catalog(s, &p->changes, &errs) != STORE_OK)
        return ORDO_E_STORE;
    lines_of(rec, e->before, &e->n_before);
    bool applied =
        line_changes_apply(e->before, e->n_before, &p->changes, e->after, &e->n_after, &errs);
    if (errs.count == 0 && applied &&
        line_edit_is_noop(e->before, e->n_before, e->after, e->n_after)) {
        svc_ok(&op->result, 200, NULL); /* nothing to change: no version, nothing written */
        return ORDO_E_OK;
    }
    if (errs.count == 0)
        build_edited(e, &op->app->validation, &errs);
    if (errs.count || errs.dropped) {
        svc_take_errors(&op->result, &errs);
        return svc_fail(&op->result, ORDO_E_VALIDATION, "the edit is invalid; nothing changed");
    }
    e->doc_text = order_doc_build(&e->in);
    if (!e->doc_text || write_lines(s, p, e) != STORE_OK)
        return ORDO_E_STORE;
    if (!p->allow_short && refuse_short(e, &op->result))
        return op->result.err; /* the writer rolls the whole edit back */
    if (settle_stock(s, p, e) != STORE_OK || record_edit(s, p, e, version + 1) != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200, NULL);
    return ORDO_E_OK;
}

static ordo_err_t edit_run(store_t *s, svc_op_t *op) {
    lines_edit_op_t *p = (lines_edit_op_t *)op;
    edit_t *e = calloc(1, sizeof *e);
    if (!e)
        return ORDO_E_STORE;
    ordo_err_t err;
    int rc = s->vt->order_get(s, 0, p->order_no, &e->rec);
    if (rc == STORE_NOT_FOUND)
        err = svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", p->order_no);
    else if (rc != STORE_OK)
        err = ORDO_E_STORE;
    else
        err = edit_order(s, p, e);
    edit_clear(e);
    free(e);
    return err;
}

static void edit_finish(svc_op_t *op) {
    order_view_finish(op, ((lines_edit_op_t *)op)->order_no);
}

static void edit_destroy(svc_op_t *op) {
    json_decref(((lines_edit_op_t *)op)->body);
}

static const char *const BODY_KEYS[] = {"reason", "version", "allow_short", "changes", NULL};

svc_op_t *order_lines_edit_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                              svc_result_t *immediate) {
    field_errors_t *errs = svc_errors(immediate);
    if (!errs) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    if (!fields_require_object(body, "the edit is invalid", immediate))
        return NULL;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        bool known = false;
        for (const char *const *k = BODY_KEYS; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known)
            field_errors_add(errs, key, "not_allowed",
                             "%s is not a member of an edit: reason, version, allow_short, changes",
                             key);
    }
    lines_edit_op_t *p = (lines_edit_op_t *)svc_op_alloc(sizeof *p, app, actor);
    if (!p) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    const char *reason = field_string(body, "reason", true, ORDO_REASON_MAX, errs);
    p->expected_version = field_int(body, "version", false, 0, INT32_MAX, -1, errs);
    p->allow_short = field_bool(body, "allow_short", false, errs);
    line_changes_parse(json_object_get(body, "changes"), &p->changes, errs);
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the edit is invalid; nothing changed");
        svc_op_free(&p->op);
        return NULL;
    }
    p->op.run = edit_run;
    p->op.finish = edit_finish;
    p->op.destroy = edit_destroy;
    snprintf(p->order_no, sizeof p->order_no, "%s", order_no);
    snprintf(p->reason, sizeof p->reason, "%s", reason);
    p->body = json_incref(body);
    return &p->op;
}

json_t *line_edits_view(json_t *history) {
    int64_t outstanding = 0;
    size_t i;
    json_t *edit;
    json_array_foreach(history, i, edit) {
        const char *settlement = json_string_value(json_object_get(edit, "settlement"));
        if (settlement &&
            (strcmp(settlement, "to_collect") == 0 || strcmp(settlement, "to_refund") == 0))
            outstanding += json_integer_value(json_object_get(edit, "difference"));
    }
    return json_pack("{s:I, s:I, s:I, s:O}", "version", (json_int_t)json_array_size(history),
                     "to_collect", (json_int_t)(outstanding > 0 ? outstanding : 0), "to_refund",
                     (json_int_t)(outstanding < 0 ? -outstanding : 0), "history", history);
}
