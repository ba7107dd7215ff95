#include "svc/exceptions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/logistics_case.h"
#include "svc/fields.h"
#include "svc/logistics_cases.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

/* An owner is a user name, as an actor's is (svc_op_t.actor). */
#define OWNER_MAX (sizeof((svc_op_t *)0)->actor - 1)

static store_t *reader_or_fail(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s)
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
    return s;
}

void exception_list(app_t *app, const exception_filter_t *f, svc_result_t *r) {
    store_t *s = reader_or_fail(app, r);
    json_t *items = NULL;
    if (!s)
        return;
    if (s->vt->exception_pool->list(s, f, &items) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the exception pool: %s", s->vt->errmsg(s));
        return;
    }
    svc_ok_id_page(r, items, f->limit);
}

/* The code's entry in codes, added (with zero counts) when it is not the last one: the store
 * gives the counts ordered by code. */
static json_t *code_entry(json_t *codes, const char *code) {
    json_t *last = json_array_get(codes, json_array_size(codes) - 1);
    if (last && strcmp(json_string_value(json_object_get(last, "code")), code) == 0)
        return last;
    json_t *entry =
        json_pack("{s:s, s:i, s:i, s:i}", "code", code, "open", 0, "red", 0, "yellow", 0);
    json_array_append_new(codes, entry);
    return entry;
}

static void count_add(json_t *obj, const char *key, json_int_t n) {
    json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + n));
}

void exception_summary(app_t *app, svc_result_t *r) {
    store_t *s = reader_or_fail(app, r);
    json_t *raw = NULL;
    if (!s)
        return;
    if (s->vt->exception_pool->summary(s, time_now_ms(), &raw) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot count the exception pool: %s", s->vt->errmsg(s));
        return;
    }
    json_t *out = json_pack("{s:i, s:i, s:i, s:O, s:O, s:[]}", "open", 0, "red", 0, "yellow", 0,
                            "unassigned", json_object_get(raw, "unassigned"), "overdue",
                            json_object_get(raw, "overdue"), "codes");
    json_t *codes = json_object_get(out, "codes");
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(raw, "counts"), i, row) {
        const char *severity = json_string_value(json_object_get(row, "severity"));
        json_int_t n = json_integer_value(json_object_get(row, "count"));
        json_t *entry = code_entry(codes, json_string_value(json_object_get(row, "code")));
        count_add(entry, "open", n);
        count_add(out, "open", n);
        /* Severities are red and yellow; one of another name still counts as open. */
        if (strcmp(severity, "red") == 0 || strcmp(severity, "yellow") == 0) {
            count_add(entry, severity, n);
            count_add(out, severity, n);
        }
    }
    json_decref(raw);
    svc_ok(r, 200, out);
}

int exception_detail(store_t *s, int64_t id, json_t **out) {
    json_t *exc = NULL, *actions = NULL;
    int rc = s->vt->exception_pool->get(s, id, &exc);
    if (rc == STORE_OK)
        rc = s->vt->exception_pool->actions(s, id, &actions);
    if (rc != STORE_OK) {
        json_decref(exc);
        return rc;
    }
    json_int_t owed = 0;
    bool any_owed = false;
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a) {
        json_t *amount = json_object_get(a, "to_refund");
        if (json_is_integer(amount)) {
            owed += json_integer_value(amount);
            any_owed = true;
        }
    }
    json_object_set_new(exc, "actions", actions);
    json_object_set_new(exc, "to_refund", any_owed ? json_integer(owed) : json_null());
    rc = logistics_case_detail(s, exc);
    if (rc != STORE_OK) {
        json_decref(exc);
        return rc;
    }
    *out = exc;
    return STORE_OK;
}

void exception_get(app_t *app, int64_t id, svc_result_t *r) {
    store_t *s = reader_or_fail(app, r);
    if (!s)
        return;
    json_t *out = NULL;
    s->vt->read_begin(s);
    int rc = exception_detail(s, id, &out);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no exception %lld", (long long)id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the exception: %s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, out);
}

ordo_err_t exception_load_open(store_t *s, svc_op_t *op, int64_t id, json_t **exc,
                               order_rec_t *rec) {
    *exc = NULL;
    int rc = s->vt->exception_pool->get(s, id, exc);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no exception %lld", (long long)id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    const char *status = json_string_value(json_object_get(*exc, "status"));
    if (strcmp(status, "open") != 0) {
        ordo_err_t e = svc_fail(&op->result, ORDO_E_CONFLICT,
                                "exception %lld is %s: only an open exception can be worked",
                                (long long)id, status);
        json_decref(*exc);
        *exc = NULL;
        return e;
    }
    rc = s->vt->order_get(s, 0, json_string_value(json_object_get(*exc, "order_no")), rec);
    if (rc != STORE_OK) {
        json_decref(*exc);
        *exc = NULL;
        return ORDO_E_STORE;
    }
    return ORDO_E_OK;
}

int exception_log(store_t *s, svc_op_t *op, exception_action_rec_t *a, const char *order_no,
                  const char *code, const char *text) {
    a->actor = op->actor;
    a->at_ms = op->now_ms;
    int rc = s->vt->exception_pool->action_append(s, a);
    if (rc != STORE_OK)
        return rc;
    char msg[ORDO_REASON_MAX + 256];
    snprintf(msg, sizeof msg, "exception %lld (%s) %s", (long long)a->exception_id, code, text);
    return timeline_note(s, a->order_id, order_no, op->actor, "exception", msg, op->now_ms);
}

ordo_err_t exception_answer(store_t *s, svc_op_t *op, int64_t id) {
    json_t *out = NULL;
    if (exception_detail(s, id, &out) != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200, out);
    return ORDO_E_OK;
}

/* "<what>" or "<what>: <note>" when there is a note. */
static void with_note(char *out, size_t len, const char *what, const char *note) {
    snprintf(out, len, "%s%s%s", what, note && note[0] ? ": " : "", note ? note : "");
}

/* ---- resolve ---- */

typedef struct {
    svc_op_t op;
    int64_t id;
    char note[ORDO_REASON_MAX + 1];
} resolve_op_t;

static ordo_err_t resolve_run(store_t *s, svc_op_t *op) {
    resolve_op_t *x = (resolve_op_t *)op;
    json_t *exc = NULL;
    order_rec_t rec = {0};
    ordo_err_t e = exception_load_open(s, op, x->id, &exc, &rec);
    if (e != ORDO_E_OK)
        return e;
    int rc = s->vt->exception_resolve(s, x->id, op->actor, x->note, op->now_ms);
    char text[ORDO_REASON_MAX + 32];
    with_note(text, sizeof text, "resolved", x->note);
    exception_action_rec_t a = {.exception_id = x->id,
                                .order_id = rec.id,
                                .action = "resolve",
                                .note = x->note,
                                .to_refund_fen = -1};
    const char *code = json_string_value(json_object_get(exc, "code"));
    if (rc == STORE_OK)
        rc = exception_log(s, op, &a, rec.order_no, code, text);
    /* A buyer told of a parcel's trouble is told when it is over. */
    if (rc == STORE_OK && logistics_code(code))
        rc = logistics_notify(s, op, &rec, x->id, code, "logistics_case_resolved", 0, NULL);
    json_decref(exc);
    order_rec_clear(&rec);
    return rc == STORE_OK ? exception_answer(s, op, x->id) : ORDO_E_STORE;
}

svc_op_t *exception_resolve_op(app_t *app, int64_t id, const char *note, const char *actor) {
    resolve_op_t *x = (resolve_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x)
        return NULL;
    x->op.run = resolve_run;
    x->id = id;
    snprintf(x->note, sizeof x->note, "%s", note ? note : "");
    return &x->op;
}

/* ---- assign ---- */

typedef struct {
    svc_op_t op;
    int64_t id;
    char owner[OWNER_MAX + 1];
    int64_t deadline_ms; /* 0: none; -1: keep the one it has */
    char note[ORDO_REASON_MAX + 1];
} assign_op_t;

static ordo_err_t assign_run(store_t *s, svc_op_t *op) {
    assign_op_t *x = (assign_op_t *)op;
    json_t *exc = NULL;
    order_rec_t rec = {0};
    ordo_err_t e = exception_load_open(s, op, x->id, &exc, &rec);
    if (e != ORDO_E_OK)
        return e;
    int rc = s->vt->exception_pool->assign(s, x->id, x->owner, x->deadline_ms);
    json_t *detail = json_pack("{s:s}", "owner", x->owner);
    char what[OWNER_MAX + 96], due[40] = "";
    if (x->deadline_ms > 0) {
        rfc3339_format(x->deadline_ms, due, sizeof due);
        json_object_set_new(detail, "deadline", json_string(due));
    } else if (x->deadline_ms == 0) {
        json_object_set_new(detail, "deadline", json_null());
    }
    snprintf(what, sizeof what, "assigned to %s%s%s", x->owner, due[0] ? ", due " : "", due);
    char text[sizeof what + ORDO_REASON_MAX + 2];
    with_note(text, sizeof text, what, x->note);
    char *detail_text = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    exception_action_rec_t a = {.exception_id = x->id,
                                .order_id = rec.id,
                                .action = "assign",
                                .note = x->note,
                                .detail_json = detail_text,
                                .to_refund_fen = -1};
    if (rc == STORE_OK)
        rc = detail_text ? exception_log(s, op, &a, rec.order_no,
                                         json_string_value(json_object_get(exc, "code")), text)
                         : STORE_ERROR;
    free(detail_text);
    json_decref(exc);
    order_rec_clear(&rec);
    return rc == STORE_OK ? exception_answer(s, op, x->id) : ORDO_E_STORE;
}

static const char *const ASSIGN_KEYS[] = {"owner", "deadline", "note", NULL};

svc_op_t *exception_assign_op(app_t *app, int64_t id, json_t *body, const char *actor,
                              svc_result_t *immediate) {
    field_errors_t *errs = svc_errors(immediate);
    if (!errs) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    if (!fields_require_object(body, "the assignment is invalid", immediate))
        return NULL;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        bool known = false;
        for (const char *const *k = ASSIGN_KEYS; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known)
            field_errors_add(errs, key, "not_allowed",
                             "%s is not a member of an assignment: owner, deadline, note", key);
    }
    const char *owner = field_string(body, "owner", true, OWNER_MAX, errs);
    const char *note = field_string(body, "note", false, ORDO_REASON_MAX, errs);
    int64_t deadline = -1;
    json_t *d = json_object_get(body, "deadline");
    if (json_is_null(d)) {
        deadline = 0;
    } else if (d && (!json_is_string(d) || !rfc3339_parse(json_string_value(d), &deadline))) {
        field_errors_add(errs, "deadline", "invalid_datetime",
                         "deadline must be an RFC 3339 date-time, or null for none");
        deadline = -1;
    } else if (d && deadline <= time_now_ms()) {
        field_errors_add(errs, "deadline", "in_past", "deadline %s has passed",
                         json_string_value(d));
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the assignment is invalid; nothing changed");
        return NULL;
    }
    assign_op_t *x = (assign_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->op.run = assign_run;
    x->id = id;
    x->deadline_ms = deadline;
    snprintf(x->owner, sizeof x->owner, "%s", owner);
    snprintf(x->note, sizeof x->note, "%s", note ? note : "");
    return &x->op;
}
