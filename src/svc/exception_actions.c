#include "svc/exception_actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exception_action.h"
#include "core/limits.h"
#include "svc/allocation.h"
#include "svc/exceptions.h"
#include "svc/fields.h"
#include "svc/logistics_cases.h"
#include "svc/order_lines_edit.h"
#include "svc/orders.h"
#include "util/timefmt.h"

typedef struct {
    svc_op_t op;
    int64_t id;
    exc_action_t action;
    char note[ORDO_REASON_MAX + 1];
    int64_t until_ms; /* wait: 0 for none */
    /* swap: the line edit that makes it, run inside this op's transaction, and the change as
     * asked (for the record). */
    svc_op_t *edit;
    char *change_json;
    int64_t swap_line;
    char swap_sku[ORDO_CODE_MAX + 1];
    /* file_claim, claim_settled, reship, refund: their members, and a reship's order. */
    logistics_action_t logistics;
} action_op_t;

/* A swap's problems as the line edit names them ("changes[0].sku") named as this request's
 * members ("sku"); the edit's reason is this request's note. */
static void take_edit_errors(field_errors_t *dst, const field_errors_t *src) {
    static const char PREFIX[] = "changes[0].";
    for (int i = 0; src && i < src->count; i++) {
        const field_error_t *fe = &src->items[i];
        const char *field = fe->field;
        if (strncmp(field, PREFIX, sizeof PREFIX - 1) == 0)
            field += sizeof PREFIX - 1;
        else if (strcmp(field, "changes[0]") == 0 || strcmp(field, "changes") == 0)
            field = "sku";
        else if (strcmp(field, "reason") == 0)
            field = "note";
        field_errors_add(dst, field, fe->code, "%s", fe->message);
    }
}

static void with_note(char *out, size_t len, const char *what, const char *note) {
    snprintf(out, len, "%s%s%s", what, note[0] ? ": " : "", note);
}

/* A decision about missing stock needs an order the warehouse has not started. */
static ordo_err_t require_waiting(svc_op_t *op, const order_rec_t *rec) {
    if (lifecycle_editable(rec->status))
        return ORDO_E_OK;
    return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                    "order %s is %s: a decision about its missing stock is possible only before "
                    "picking starts (pending_payment, pending_review, approved)",
                    rec->order_no, order_status_name(rec->status));
}

static ordo_err_t decide_swap(store_t *s, action_op_t *x, const order_rec_t *rec,
                              exception_action_rec_t *a, char *text, size_t text_len) {
    /* The same SKU again would be an edit that changes nothing: no decision. */
    json_t *item = json_array_get(json_object_get(rec->doc, "items"), (size_t)(x->swap_line - 1));
    const char *sku = json_string_value(json_object_get(item, "sku"));
    if (sku && strcmp(sku, x->swap_sku) == 0) {
        field_errors_add(svc_errors(&x->op.result), "sku", "same_sku",
                         "line %lld already is %s: a swap takes another SKU",
                         (long long)x->swap_line, sku);
        return svc_fail(&x->op.result, ORDO_E_VALIDATION, "the swap changes nothing");
    }
    svc_op_t *edit = x->edit;
    edit->now_ms = x->op.now_ms;
    ordo_err_t e = edit->run(s, edit);
    if (e == ORDO_E_OK)
        e = edit->result.err;
    if (e != ORDO_E_OK) {
        /* The edit's refusal is this request's: the writer rolls back everything the op did. */
        svc_fail(&x->op.result, e, "%s",
                 edit->result.detail[0] ? edit->result.detail : ordo_err_title(e));
        if (edit->result.errors)
            take_edit_errors(svc_errors(&x->op.result), edit->result.errors);
        return e;
    }
    int64_t still_short = 0;
    if (s->vt->exception_find_open(s, rec->id, "stock_short", &still_short) != STORE_OK)
        return ORDO_E_STORE;
    a->detail_json = x->change_json;
    char what[160];
    snprintf(what, sizeof what, "decision swap: the buyer takes another SKU (%s)",
             still_short ? "the order still waits for stock" : "the order is whole");
    with_note(text, text_len, what, x->note);
    return ORDO_E_OK;
}

static ordo_err_t decide_cancel(store_t *s, action_op_t *x, order_rec_t *rec, const char *code,
                                exception_action_rec_t *a, char *text, size_t text_len) {
    int64_t owed = exc_refund_due(rec->doc);
    char reason[ORDO_REASON_MAX + 100], what[96];
    snprintf(what, sizeof what, "cancelled for exception %lld (%s)", (long long)x->id, code);
    with_note(reason, sizeof reason, what, x->note);
    ordo_err_t e = order_cancel_in_tx(s, &x->op, rec, reason);
    if (e != ORDO_E_OK)
        return e;
    /* A stock_short exception closed with the cancellation; any other closes here. */
    int rc = s->vt->exception_resolve(s, x->id, x->op.actor, "order cancelled", x->op.now_ms);
    if (rc != STORE_OK && rc != STORE_CONFLICT)
        return ORDO_E_STORE;
    a->to_refund_fen = owed;
    snprintf(what, sizeof what, "decision cancel: order cancelled, %lld fen to refund",
             (long long)owed);
    with_note(text, text_len, what, x->note);
    return ORDO_E_OK;
}

static ordo_err_t decide_split(store_t *s, action_op_t *x, const order_rec_t *rec) {
    if (rec->splittable)
        return svc_fail(&x->op.result, ORDO_E_CONFLICT,
                        "order %s is already splittable: it ships what is in stock and the rest "
                        "on restock",
                        rec->order_no);
    int rc = s->vt->order_set_splittable(s, rec->id, true, x->op.now_ms);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static ordo_err_t act(store_t *s, action_op_t *x, json_t *exc, order_rec_t *rec) {
    svc_op_t *op = &x->op;
    const char *code = json_string_value(json_object_get(exc, "code"));
    if (!exc_action_applies(x->action, code)) {
        field_errors_add(svc_errors(&op->result), "action", "not_for_code",
                         "%s is for a %s exception (%s); exception %lld is %s",
                         exc_action_name(x->action), exc_action_code(x->action),
                         strcmp(exc_action_code(x->action), "stock_short") == 0
                             ? "a decision about missing stock"
                             : "a parcel in trouble on the road",
                         (long long)x->id, code);
        return svc_fail(&op->result, ORDO_E_VALIDATION, "%s does not apply to exception %lld (%s)",
                        exc_action_name(x->action), (long long)x->id, code);
    }
    exception_action_rec_t a = {.exception_id = x->id,
                                .order_id = rec->id,
                                .action = exc_action_name(x->action),
                                .note = x->note,
                                .until_ms = x->until_ms,
                                .to_refund_fen = -1,
                                .decides = exc_action_is_decision(x->action)};
    char text[ORDO_REASON_MAX + 256], what[96];
    char *logistics_detail = NULL;
    ordo_err_t e = ORDO_E_OK;
    switch (x->action) {
    case EXC_ACTION_CONTACT_BUYER:
    case EXC_ACTION_CONTACT_CARRIER:
        with_note(text, sizeof text,
                  x->action == EXC_ACTION_CONTACT_BUYER ? "buyer contacted" : "carrier contacted",
                  x->note);
        break;
    case EXC_ACTION_NOTE:
        with_note(text, sizeof text, "note", x->note);
        break;
    case EXC_ACTION_WAIT:
        e = require_waiting(op, rec);
        if (x->until_ms) {
            char until[40];
            snprintf(what, sizeof what, "decision wait: the buyer waits for restock until %s",
                     rfc3339_format(x->until_ms, until, sizeof until));
        } else {
            snprintf(what, sizeof what, "decision wait: the buyer waits for restock");
        }
        with_note(text, sizeof text, what, x->note);
        break;
    case EXC_ACTION_SWAP:
        e = require_waiting(op, rec);
        if (e == ORDO_E_OK)
            e = decide_swap(s, x, rec, &a, text, sizeof text);
        break;
    case EXC_ACTION_CANCEL:
        e = decide_cancel(s, x, rec, code, &a, text, sizeof text);
        break;
    case EXC_ACTION_SPLIT:
        e = require_waiting(op, rec);
        if (e == ORDO_E_OK)
            e = decide_split(s, x, rec);
        with_note(text, sizeof text,
                  "decision split: the buyer accepts parts; the order ships what is in stock, "
                  "the rest on restock",
                  x->note);
        break;
    case EXC_ACTION_FILE_CLAIM:
    case EXC_ACTION_CLAIM_SETTLED:
    case EXC_ACTION_RESHIP:
    case EXC_ACTION_REFUND:
        e = logistics_action_run(s, op, x->action, &x->logistics, x->id, code, rec, x->note, &a,
                                 &logistics_detail, text, sizeof text);
        a.detail_json = logistics_detail;
        break;
    default:
        return ORDO_E_INTERNAL;
    }
    int logged = e == ORDO_E_OK ? exception_log(s, op, &a, rec->order_no, code, text) : STORE_OK;
    free(logistics_detail);
    if (e != ORDO_E_OK)
        return e;
    if (logged != STORE_OK)
        return ORDO_E_STORE;
    /* Split: once the order may ship in parts, it takes what stock there is (the exception
     * resolves if that is everything). */
    if (x->action == EXC_ACTION_SPLIT && alloc_refill_order(s, rec->id, op->actor, op->now_ms))
        return ORDO_E_STORE;
    return ORDO_E_OK;
}

static ordo_err_t action_run(store_t *s, svc_op_t *op) {
    action_op_t *x = (action_op_t *)op;
    json_t *exc = NULL;
    order_rec_t rec = {0};
    ordo_err_t e = exception_load_open(s, op, x->id, &exc, &rec);
    if (e == ORDO_E_OK)
        e = act(s, x, exc, &rec);
    json_decref(exc);
    order_rec_clear(&rec);
    return e == ORDO_E_OK ? exception_answer(s, op, x->id) : e;
}

static void action_destroy(svc_op_t *op) {
    action_op_t *x = (action_op_t *)op;
    svc_op_free(x->edit);
    free(x->change_json);
    logistics_action_clear(&x->logistics);
}

/* The swap as a line edit of the exception's order: the order is the exception's, which never
 * changes, so it is looked up now. */
static svc_op_t *swap_edit_op(app_t *app, int64_t id, json_t *body, const char *note,
                              const char *actor, char **change_json, svc_result_t *immediate) {
    store_t *r = app_reader(app);
    json_t *exc = NULL;
    int rc = r ? r->vt->exception_pool->get(r, id, &exc) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND) {
        svc_fail(immediate, ORDO_E_NOT_FOUND, "no exception %lld", (long long)id);
        return NULL;
    }
    if (rc != STORE_OK) {
        svc_fail(immediate, ORDO_E_STORE, "cannot read the exception");
        return NULL;
    }
    json_t *asked = json_object();
    static const char *const MEMBERS[] = {"line", "sku", "qty", "unit_price"};
    for (size_t i = 0; i < sizeof MEMBERS / sizeof MEMBERS[0]; i++) {
        json_t *v = json_object_get(body, MEMBERS[i]);
        if (v)
            json_object_set(asked, MEMBERS[i], v);
    }
    json_t *change = json_deep_copy(asked);
    json_object_set_new(change, "op", json_string("swap"));
    char reason[ORDO_REASON_MAX + 1];
    if (note[0])
        snprintf(reason, sizeof reason, "%s", note);
    else
        snprintf(reason, sizeof reason, "swap decided on exception %lld", (long long)id);
    json_t *edit_body = json_pack("{s:s, s:[O]}", "reason", reason, "changes", change);
    json_t *allow_short = json_object_get(body, "allow_short");
    if (allow_short)
        json_object_set(edit_body, "allow_short", allow_short);
    svc_result_t edit_errors;
    svc_result_init(&edit_errors);
    svc_op_t *edit = order_lines_edit_op(app, json_string_value(json_object_get(exc, "order_no")),
                                         edit_body, actor, &edit_errors);
    if (!edit) {
        svc_fail(immediate, edit_errors.err, "%s", edit_errors.detail);
        take_edit_errors(svc_errors(immediate), edit_errors.errors);
    } else {
        *change_json = json_dumps(asked, JSON_COMPACT);
    }
    svc_result_clear(&edit_errors);
    json_decref(edit_body);
    json_decref(change);
    json_decref(asked);
    json_decref(exc);
    return edit;
}

svc_op_t *exception_action_op(app_t *app, int64_t id, json_t *body, const char *actor,
                              svc_result_t *immediate) {
    field_errors_t *errs = svc_errors(immediate);
    if (!errs) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    if (!fields_require_object(body, "the action is invalid", immediate))
        return NULL;
    const char *name = field_string(body, "action", true, 32, errs);
    int action = name ? exc_action_from_name(name) : -1;
    if (name && action < 0)
        field_errors_add(errs, "action", "unknown_action", "no action '%s': one of %s", name,
                         EXC_ACTION_NAMES);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (action >= 0 && !exc_action_takes((exc_action_t)action, key))
            field_errors_add(errs, key, "not_allowed", "%s is not a member of a %s action", key,
                             name);
    }
    const char *note = field_string(body, "note", action == EXC_ACTION_NOTE, ORDO_REASON_MAX, errs);
    int64_t until = 0;
    json_t *u = json_object_get(body, "until");
    if (action == EXC_ACTION_WAIT && u && !json_is_null(u)) {
        if (!json_is_string(u) || !rfc3339_parse(json_string_value(u), &until)) {
            field_errors_add(errs, "until", "invalid_datetime",
                             "until must be an RFC 3339 date-time");
            until = 0;
        } else if (until <= time_now_ms()) {
            field_errors_add(errs, "until", "in_past", "until %s has passed", json_string_value(u));
        }
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the action is invalid; nothing changed");
        return NULL;
    }
    action_op_t *x = (action_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->op.run = action_run;
    x->op.destroy = action_destroy;
    x->id = id;
    x->action = (exc_action_t)action;
    x->until_ms = until;
    snprintf(x->note, sizeof x->note, "%s", note ? note : "");
    if (action == EXC_ACTION_SWAP) {
        /* Valid once the line edit accepted the change below. */
        x->swap_line = json_integer_value(json_object_get(body, "line"));
        const char *sku = json_string_value(json_object_get(body, "sku"));
        snprintf(x->swap_sku, sizeof x->swap_sku, "%s", sku ? sku : "");
        x->edit = swap_edit_op(app, id, body, x->note, actor, &x->change_json, immediate);
        if (!x->edit || !x->change_json) {
            if (immediate->err == ORDO_E_OK)
                svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
            svc_op_free(&x->op);
            return NULL;
        }
    }
    if (!logistics_action_prepare(app, id, x->action, body, actor, &x->logistics, immediate)) {
        svc_op_free(&x->op);
        return NULL;
    }
    return &x->op;
}
