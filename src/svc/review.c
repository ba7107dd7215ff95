#include "svc/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/fields.h"
#include "svc/orders.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

typedef enum { ACT_HOLD, ACT_RELEASE, ACT_APPROVE, ACT_REJECT } review_action_t;

typedef struct {
    svc_op_t op;
    review_action_t action;
    char order_no[40];
    char text[ORDO_REASON_MAX + 1]; /* note or reason */
    /* ACT_HOLD */
    char reason[ORDO_CODE_MAX + 1];
    char owner[ORDO_CODE_MAX + 1];
    bool has_owner;
    int64_t deadline_ms;
    /* ACT_RELEASE */
    int64_t hold_id;
} review_op_t;

static ordo_err_t load_order(store_t *s, review_op_t *r, order_rec_t *rec) {
    int rc = s->vt->order_get(s, 0, r->order_no, rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&r->op.result, ORDO_E_NOT_FOUND, "no order %s", r->order_no);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static ordo_err_t place_hold(store_t *s, review_op_t *r, order_rec_t *rec) {
    svc_op_t *op = &r->op;
    if (rec->status != ORDER_PENDING_PAYMENT && rec->status != ORDER_PENDING_REVIEW &&
        rec->status != ORDER_APPROVED)
        return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                        "order %s is %s: holds stop orders before they reach a warehouse",
                        rec->order_no, order_status_name(rec->status));
    hold_rec_t h = {.order_id = rec->id,
                    .reason = r->reason,
                    .message = r->text,
                    .owner = r->has_owner ? r->owner : NULL,
                    .deadline_ms = r->deadline_ms,
                    .actor = op->actor,
                    .at_ms = op->now_ms};
    int64_t id = 0;
    if (s->vt->hold_open(s, &h, &id) != STORE_OK)
        return ORDO_E_STORE;
    char msg[ORDO_REASON_MAX + 96];
    snprintf(msg, sizeof msg, "hold %lld placed (%s): %s", (long long)id, r->reason, r->text);
    if (timeline_note(s, rec->id, rec->order_no, op->actor, "hold", msg, op->now_ms) != STORE_OK)
        return ORDO_E_STORE;
    order_status_t to;
    if (rec->status == ORDER_APPROVED &&
        lifecycle_next(rec->status, ORDER_EV_RETURN_TO_REVIEW, &to)) {
        if (s->vt->order_set_status(s, rec->id, to, op->now_ms) != STORE_OK ||
            timeline_transition(s, rec->id, rec->order_no, op->actor, (int)rec->status, to,
                                "hold placed", op->now_ms) != STORE_OK)
            return ORDO_E_STORE;
    }
    op->result.http_status = 201;
    return ORDO_E_OK;
}

static ordo_err_t release_hold(store_t *s, review_op_t *r, order_rec_t *rec) {
    svc_op_t *op = &r->op;
    int rc = s->vt->hold_release(s, rec->id, r->hold_id, op->actor, r->text, op->now_ms);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "order %s has no hold %lld", rec->order_no,
                        (long long)r->hold_id);
    if (rc == STORE_CONFLICT)
        return svc_fail(&op->result, ORDO_E_CONFLICT, "hold %lld is already released",
                        (long long)r->hold_id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    char msg[ORDO_REASON_MAX + 64];
    snprintf(msg, sizeof msg, "hold %lld released: %s", (long long)r->hold_id, r->text);
    return timeline_note(s, rec->id, rec->order_no, op->actor, "hold", msg, op->now_ms) == STORE_OK
               ? ORDO_E_OK
               : ORDO_E_STORE;
}

static ordo_err_t approve(store_t *s, review_op_t *r, order_rec_t *rec) {
    svc_op_t *op = &r->op;
    order_status_t to;
    if (!lifecycle_next(rec->status, ORDER_EV_APPROVE, &to))
        return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                        "order %s is %s; only orders pending review can be approved", rec->order_no,
                        order_status_name(rec->status));
    shortage_t short_lines[ORDO_ORDER_LINES_MAX];
    int n_short = 0;
    if (s->vt->shortages_of_order(s, rec->id, short_lines, ORDO_ORDER_LINES_MAX, &n_short) !=
        STORE_OK)
        return ORDO_E_STORE;
    if (n_short > 0) {
        int64_t units = 0;
        for (int i = 0; i < n_short; i++)
            units += short_lines[i].missing;
        return svc_fail(&op->result, ORDO_E_CONFLICT,
                        "order %s is short of %lld units (%s first): approve it once stock is "
                        "reserved, or change or cancel the order",
                        rec->order_no, (long long)units, short_lines[0].sku);
    }
    char note[ORDO_REASON_MAX + 32];
    snprintf(note, sizeof note, "approved%s%s", r->text[0] ? ": " : "", r->text);
    int released = 0;
    if (s->vt->holds_release_all(s, rec->id, op->actor, note, op->now_ms, &released) != STORE_OK ||
        s->vt->order_set_status(s, rec->id, to, op->now_ms) != STORE_OK ||
        timeline_transition(s, rec->id, rec->order_no, op->actor, (int)rec->status, to,
                            r->text[0] ? r->text : NULL, op->now_ms) != STORE_OK)
        return ORDO_E_STORE;
    return ORDO_E_OK;
}

static ordo_err_t reject(store_t *s, review_op_t *r, order_rec_t *rec) {
    if (rec->status != ORDER_PENDING_REVIEW)
        return svc_fail(&r->op.result, ORDO_E_ILLEGAL_TRANSITION,
                        "order %s is %s; only orders pending review can be rejected", rec->order_no,
                        order_status_name(rec->status));
    char reason[ORDO_REASON_MAX + 16];
    snprintf(reason, sizeof reason, "rejected: %s", r->text);
    return order_cancel_in_tx(s, &r->op, rec, reason);
}

static ordo_err_t review_run(store_t *s, svc_op_t *op) {
    review_op_t *r = (review_op_t *)op;
    order_rec_t rec = {0};
    ordo_err_t e = load_order(s, r, &rec);
    if (e == ORDO_E_OK) {
        switch (r->action) {
        case ACT_HOLD:
            e = place_hold(s, r, &rec);
            break;
        case ACT_RELEASE:
            e = release_hold(s, r, &rec);
            break;
        case ACT_APPROVE:
            e = approve(s, r, &rec);
            break;
        case ACT_REJECT:
            e = reject(s, r, &rec);
            break;
        }
    }
    order_rec_clear(&rec);
    return e;
}

static void review_finish(svc_op_t *op) {
    int status = op->result.http_status;
    order_view_finish(op, ((review_op_t *)op)->order_no);
    if (op->result.err == ORDO_E_OK)
        op->result.http_status = status;
}

static review_op_t *review_op_new(app_t *app, review_action_t action, const char *order_no,
                                  const char *text, const char *actor) {
    review_op_t *r = (review_op_t *)svc_op_alloc(sizeof *r, app, actor);
    if (!r)
        return NULL;
    r->op.run = review_run;
    r->op.finish = review_finish;
    r->action = action;
    snprintf(r->order_no, sizeof r->order_no, "%s", order_no);
    snprintf(r->text, sizeof r->text, "%s", text ? text : "");
    return r;
}

/* Hold reasons are codes people filter the queue by: snake_case words. */
static bool reason_code_ok(const char *s) {
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
            return false;
    return n > 0 && n <= ORDO_CODE_MAX;
}

svc_op_t *hold_place_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                        svc_result_t *immediate) {
    field_errors_t *e = svc_errors(immediate);
    if (!fields_require_object(body, "the hold is invalid", immediate))
        return NULL;
    const char *reason = field_string(body, "reason", true, ORDO_CODE_MAX, e);
    if (reason && !reason_code_ok(reason))
        field_errors_add(e, "reason", "invalid_code",
                         "reason must be a snake_case code such as address_unclear");
    const char *message = field_string(body, "message", false, ORDO_REASON_MAX, e);
    const char *owner = field_string(body, "owner", false, ORDO_CODE_MAX, e);
    const char *deadline = field_string(body, "deadline", false, 64, e);
    int64_t deadline_ms = 0;
    if (deadline && !rfc3339_parse(deadline, &deadline_ms))
        field_errors_add(e, "deadline", "invalid_datetime", "deadline must be RFC 3339");
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the hold is invalid");
        return NULL;
    }
    char text[ORDO_REASON_MAX + 1];
    snprintf(text, sizeof text, "%s", message ? message : "placed by hand");
    review_op_t *r = review_op_new(app, ACT_HOLD, order_no, text, actor);
    if (!r) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    if (owner) {
        snprintf(r->owner, sizeof r->owner, "%s", owner);
        r->has_owner = true;
    }
    r->deadline_ms = deadline_ms;
    return &r->op;
}

svc_op_t *hold_release_op(app_t *app, const char *order_no, int64_t hold_id, const char *note,
                          const char *actor) {
    review_op_t *r = review_op_new(app, ACT_RELEASE, order_no, note, actor);
    if (r)
        r->hold_id = hold_id;
    return r ? &r->op : NULL;
}

svc_op_t *order_approve_op(app_t *app, const char *order_no, const char *note, const char *actor) {
    review_op_t *r = review_op_new(app, ACT_APPROVE, order_no, note, actor);
    return r ? &r->op : NULL;
}

svc_op_t *order_reject_op(app_t *app, const char *order_no, const char *reason, const char *actor) {
    review_op_t *r = review_op_new(app, ACT_REJECT, order_no, reason, actor);
    return r ? &r->op : NULL;
}

void review_queue(app_t *app, const review_filter_t *f, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    order_rec_t *recs = NULL;
    int n = 0;
    s->vt->read_begin(s);
    int rc = s->vt->review_queue(s, f, &recs, &n);
    order_page_result(s, rc, recs, n, f->limit, r);
}
