#include "svc/after_sales.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "svc/after_sales_outbound.h"
#include "svc/after_sales_settings.h"
#include "svc/allocation.h"
#include "svc/fields.h"
#include "svc/timeline.h"
#include "svc/tracking.h"
#include "util/timefmt.h"

#define EVIDENCE_MAX 9
#define NAME_MAX_LEN 64

/* ---- shared ---- */

static int64_t ticket_id(json_t *t) {
    return json_integer_value(json_object_get(t, "id"));
}

static const char *tstr(json_t *t, const char *key) {
    const char *v = json_string_value(json_object_get(t, key));
    return v ? v : "";
}

ordo_err_t as_load(store_t *s, svc_op_t *op, int64_t id, json_t **ticket) {
    int rc = s->vt->after_sales->get(s, id, ticket);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no after-sales ticket %lld", (long long)id);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

int as_log_note(store_t *s, svc_op_t *op, int64_t id, const char *kind, const char *text,
                const char *detail_json) {
    after_sales_log_rec_t e = {.after_sales_id = id,
                               .kind = kind,
                               .text = text,
                               .detail_json = detail_json,
                               .actor = op->actor,
                               .at_ms = op->now_ms};
    return s->vt->after_sales->log_append(s, &e);
}

ordo_err_t as_move(store_t *s, svc_op_t *op, json_t *ticket, as_event_t event, const char *text,
                   const char *detail_json) {
    int type = as_type_from_name(tstr(ticket, "type"));
    int from = as_state_from_name(tstr(ticket, "status"));
    as_state_t to;
    int64_t id = ticket_id(ticket);
    if (type < 0 || from < 0 || !as_next((as_type_t)type, (as_state_t)from, event, &to))
        return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                        "after-sales %lld (%s) is %s: it cannot %s now", (long long)id,
                        tstr(ticket, "type"), tstr(ticket, "status"), as_event_name(event));
    json_t *settings = as_settings_load(s);
    if (!settings)
        return ORDO_E_STORE;
    int64_t deadline = as_settings_deadline(settings, to, op->now_ms);
    json_decref(settings);
    int rc = s->vt->after_sales->set_status(s, id, as_state_name((as_state_t)from),
                                            as_state_name(to), deadline, op->now_ms);
    if (rc == STORE_CONFLICT)
        return svc_fail(&op->result, ORDO_E_CONFLICT, "after-sales %lld changed meanwhile",
                        (long long)id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    after_sales_log_rec_t e = {.after_sales_id = id,
                               .kind = "status",
                               .from_status = as_state_name((as_state_t)from),
                               .to_status = as_state_name(to),
                               .text = text,
                               .detail_json = detail_json,
                               .actor = op->actor,
                               .at_ms = op->now_ms};
    if (s->vt->after_sales->log_append(s, &e) != STORE_OK)
        return ORDO_E_STORE;
    char note[ORDO_REASON_MAX + 160];
    snprintf(note, sizeof note, "after-sales %lld (%s) %s → %s: %s", (long long)id,
             tstr(ticket, "type"), as_state_name((as_state_t)from), as_state_name(to), text);
    if (timeline_note(s, json_integer_value(json_object_get(ticket, "order_id")),
                      tstr(ticket, "order_no"), op->actor, "after_sales", note,
                      op->now_ms) != STORE_OK)
        return ORDO_E_STORE;
    json_object_set_new(ticket, "status", json_string(as_state_name(to)));
    return ORDO_E_OK;
}

int as_view(store_t *s, int64_t id, int64_t now_ms, json_t **out) {
    json_t *t = NULL, *log = NULL, *receipts = NULL, *refunds = NULL, *ret = NULL;
    int rc = s->vt->after_sales->get(s, id, &t);
    if (rc == STORE_OK)
        rc = s->vt->after_sales->log(s, id, &log);
    if (rc == STORE_OK)
        rc = tracking_return_view(s, id, &ret);
    if (rc == STORE_OK)
        rc = s->vt->after_sales->receipts(s, id, &receipts);
    if (rc == STORE_OK)
        rc = s->vt->after_sales->refunds_of_order(
            s, json_integer_value(json_object_get(t, "order_id")), &refunds);
    if (rc != STORE_OK) {
        json_decref(t);
        json_decref(log);
        json_decref(receipts);
        json_decref(ret);
        return rc;
    }
    json_t *mine = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(refunds, i, r) {
        if (json_integer_value(json_object_get(r, "after_sales_id")) == id)
            json_array_append(mine, r);
    }
    json_decref(refunds);
    int64_t deadline = 0;
    const char *d = json_string_value(json_object_get(t, "deadline"));
    bool overdue = d && rfc3339_parse(d, &deadline) && deadline < now_ms;
    json_object_set_new(t, "overdue", json_boolean(overdue));
    json_object_del(t, "order_id");
    json_object_set_new(t, "timeline", log);
    json_object_set_new(t, "receipts", receipts);
    json_object_set_new(t, "refunds", mine);
    json_object_set_new(t, "return_tracking", ret);
    *out = t;
    return STORE_OK;
}

static ordo_err_t answer(store_t *s, svc_op_t *op, int64_t id, int status) {
    json_t *view = NULL;
    if (as_view(s, id, op->now_ms, &view) != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, status, view);
    return ORDO_E_OK;
}

/* ---- opening a ticket ---- */

typedef struct {
    svc_op_t op;
    char order_no[32];
    as_type_t type;
    char reason[ORDO_REASON_MAX + 1];
    char *evidence_json;
    int n;
    char sku[ORDO_ORDER_LINES_MAX][ORDO_CODE_MAX + 1];
    char exchange_sku[ORDO_ORDER_LINES_MAX][ORDO_CODE_MAX + 1];
    int64_t qty[ORDO_ORDER_LINES_MAX];
} create_op_t;

/* What was shipped of each SKU ({sku: qty}) and when the last parcel left. */
static int shipped_of(store_t *s, int64_t order_id, json_t **shipped, int64_t *last_ms) {
    json_t *parcels = NULL;
    int rc = s->vt->parcels_of_order(s, order_id, &parcels);
    if (rc != STORE_OK)
        return rc;
    *shipped = json_object();
    *last_ms = 0;
    size_t i, j;
    json_t *p, *it;
    json_array_foreach(parcels, i, p) {
        if (strcmp(tstr(p, "status"), "shipped") != 0)
            continue;
        int64_t at = 0;
        if (rfc3339_parse(tstr(p, "shipped_at"), &at) && at > *last_ms)
            *last_ms = at;
        json_array_foreach(json_object_get(p, "items"), j, it) {
            const char *sku = tstr(it, "sku");
            json_int_t had = json_integer_value(json_object_get(*shipped, sku));
            json_object_set_new(*shipped, sku,
                                json_integer(had + json_integer_value(json_object_get(it, "qty"))));
        }
    }
    json_decref(parcels);
    return STORE_OK;
}

/* When the order was delivered (its latest move to delivered), 0 when never. */
static int delivered_at(store_t *s, int64_t order_id, int64_t *at_ms) {
    json_t *events = NULL;
    int rc = s->vt->events_of_order(s, order_id, &events);
    if (rc != STORE_OK)
        return rc;
    *at_ms = 0;
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e) {
        int64_t at;
        if (strcmp(tstr(e, "to"), "delivered") == 0 && rfc3339_parse(tstr(e, "at"), &at))
            *at_ms = at;
    }
    json_decref(events);
    return STORE_OK;
}

static bool has_shipped(order_status_t st) {
    return st == ORDER_PARTIALLY_SHIPPED || st == ORDER_SHIPPED || st == ORDER_OUT_FOR_DELIVERY ||
           st == ORDER_DELIVERED || st == ORDER_COMPLETED;
}

static ordo_err_t check_window(store_t *s, create_op_t *x, const order_rec_t *rec,
                               int64_t last_shipped_ms, json_t *settings) {
    int64_t delivered = 0;
    if (delivered_at(s, rec->id, &delivered) != STORE_OK)
        return ORDO_E_STORE;
    int64_t since = delivered ? delivered : last_shipped_ms ? last_shipped_ms : rec->updated_at_ms;
    int days = as_settings_window_days(settings, x->type);
    int64_t closes = since + (int64_t)days * 86400000;
    if (x->op.now_ms <= closes)
        return ORDO_E_OK;
    char at[40], from[40];
    rfc3339_format(closes, at, sizeof at);
    rfc3339_format(since, from, sizeof from);
    field_errors_add(svc_errors(&x->op.result), "type", "window_closed",
                     "the %d-day window for %s closed at %s (%s %s)", days, as_type_name(x->type),
                     at, delivered ? "delivered" : "shipped", from);
    return svc_fail(&x->op.result, ORDO_E_VALIDATION,
                    "order %s is past its %s window; nothing changed", rec->order_no,
                    as_type_name(x->type));
}

static ordo_err_t check_quantities(store_t *s, create_op_t *x, const order_rec_t *rec,
                                   json_t *shipped) {
    json_t *claimed = NULL;
    if (s->vt->after_sales->claimed(s, rec->id, 0, &claimed) != STORE_OK)
        return ORDO_E_STORE;
    field_errors_t *errs = svc_errors(&x->op.result);
    for (int i = 0; i < x->n; i++) {
        char field[48];
        json_t *sent = json_object_get(shipped, x->sku[i]);
        if (!sent) {
            snprintf(field, sizeof field, "items[%d].sku", i);
            field_errors_add(errs, field, "not_shipped", "order %s shipped no %s", rec->order_no,
                             x->sku[i]);
            continue;
        }
        json_int_t in_tickets = json_integer_value(json_object_get(claimed, x->sku[i]));
        json_int_t left = json_integer_value(sent) - in_tickets;
        if (x->qty[i] > left) {
            snprintf(field, sizeof field, "items[%d].qty", i);
            field_errors_add(errs, field, "exceeds_shipped",
                             "at most %lld of %s can be claimed: %lld shipped, %lld already in "
                             "after-sales",
                             (long long)(left > 0 ? left : 0), x->sku[i],
                             (long long)json_integer_value(sent), (long long)in_tickets);
        }
    }
    json_decref(claimed);
    if (svc_error_count(&x->op.result))
        return svc_fail(&x->op.result, ORDO_E_VALIDATION,
                        "the items exceed what order %s shipped; nothing changed", rec->order_no);
    return ORDO_E_OK;
}

static ordo_err_t create_run(store_t *s, svc_op_t *op) {
    create_op_t *x = (create_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, x->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", x->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    ordo_err_t e = ORDO_E_OK;
    json_t *shipped = NULL, *settings = NULL;
    int64_t last_shipped = 0;
    if (!has_shipped(rec.status)) {
        e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                     "order %s is %s: after-sales needs an order that has shipped", rec.order_no,
                     order_status_name(rec.status));
    } else if (shipped_of(s, rec.id, &shipped, &last_shipped) != STORE_OK ||
               !(settings = as_settings_load(s))) {
        e = ORDO_E_STORE;
    }
    if (e == ORDO_E_OK)
        e = check_window(s, x, &rec, last_shipped, settings);
    if (e == ORDO_E_OK)
        e = check_quantities(s, x, &rec, shipped);
    int64_t id = 0;
    if (e == ORDO_E_OK) {
        const char *skus[ORDO_ORDER_LINES_MAX], *swaps[ORDO_ORDER_LINES_MAX];
        for (int i = 0; i < x->n; i++) {
            skus[i] = x->sku[i];
            swaps[i] = x->exchange_sku[i][0] ? x->exchange_sku[i] : NULL;
        }
        after_sales_rec_t a = {.order_id = rec.id,
                               .type = as_type_name(x->type),
                               .status = as_state_name(AS_REQUESTED),
                               .reason = x->reason,
                               .evidence_json = x->evidence_json,
                               .deadline_ms =
                                   as_settings_deadline(settings, AS_REQUESTED, op->now_ms),
                               .n_items = x->n,
                               .skus = skus,
                               .qtys = x->qty,
                               .exchange_skus = swaps,
                               .actor = op->actor,
                               .now_ms = op->now_ms};
        char what[ORDO_REASON_MAX + 400];
        size_t len = (size_t)snprintf(what, sizeof what, "requested %s of", as_type_name(x->type));
        for (int i = 0; i < x->n && len < sizeof what - 80; i++)
            len += (size_t)snprintf(what + len, sizeof what - len, "%s %s ×%lld", i ? "," : "",
                                    x->sku[i], (long long)x->qty[i]);
        snprintf(what + len, sizeof what - len, ": %s", x->reason);
        char note[sizeof what + 64];
        snprintf(note, sizeof note, "after-sales %s", what);
        if (s->vt->after_sales->insert(s, &a, &id) != STORE_OK)
            e = ORDO_E_STORE;
        else if (as_log_note(s, op, id, "created", what, NULL) != STORE_OK)
            e = ORDO_E_STORE;
        else {
            /* The order's timeline names the ticket. */
            snprintf(note, sizeof note, "after-sales %lld %s", (long long)id, what);
            if (timeline_note(s, rec.id, rec.order_no, op->actor, "after_sales", note,
                              op->now_ms) != STORE_OK)
                e = ORDO_E_STORE;
        }
    }
    json_decref(shipped);
    json_decref(settings);
    order_rec_clear(&rec);
    if (e != ORDO_E_OK)
        return e;
    snprintf(op->result.created, sizeof op->result.created, "%lld", (long long)id);
    return answer(s, op, id, 201);
}

static void create_destroy(svc_op_t *op) {
    free(((create_op_t *)op)->evidence_json);
}

/* The items of a request: [{sku, qty, exchange_sku?}], each SKU once. */
static void read_items(json_t *body, create_op_t *x, field_errors_t *errs) {
    json_t *items = json_object_get(body, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 ||
        json_array_size(items) > ORDO_ORDER_LINES_MAX) {
        field_errors_add(errs, "items", items ? "wrong_type" : "required",
                         "items must be an array of 1..%d {sku, qty}", ORDO_ORDER_LINES_MAX);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char prefix[32], field[48];
        snprintf(prefix, sizeof prefix, "items[%zu]", i);
        if (!json_is_object(it)) {
            field_errors_add(errs, prefix, "wrong_type", "%s must be an object {sku, qty}", prefix);
            continue;
        }
        field_errors_t local;
        local.count = local.dropped = 0;
        const char *sku = field_string(it, "sku", true, ORDO_CODE_MAX, &local);
        int64_t qty = field_int(it, "qty", true, 1, ORDO_LINE_QTY_MAX, 0, &local);
        const char *swap = field_string(it, "exchange_sku", false, ORDO_CODE_MAX, &local);
        for (int k = 0; k < local.count; k++) {
            field_path(field, sizeof field, prefix, local.items[k].field);
            field_errors_add(errs, field, local.items[k].code, "%s", local.items[k].message);
        }
        if (swap && x->type != AS_TYPE_EXCHANGE) {
            snprintf(field, sizeof field, "%s.exchange_sku", prefix);
            field_errors_add(errs, field, "not_allowed",
                             "exchange_sku is for an exchange, not a %s", as_type_name(x->type));
        }
        if (sku && !code_is_valid(sku)) {
            snprintf(field, sizeof field, "%s.sku", prefix);
            field_errors_add(errs, field, "invalid_code", "'%s' is not a SKU code", sku);
            sku = NULL;
        }
        for (int k = 0; sku && k < x->n; k++)
            if (strcmp(x->sku[k], sku) == 0) {
                snprintf(field, sizeof field, "%s.sku", prefix);
                field_errors_add(errs, field, "duplicate", "%s is already items[%d]", sku, k);
                sku = NULL;
            }
        if (!sku || local.count)
            continue;
        snprintf(x->sku[x->n], sizeof x->sku[x->n], "%s", sku);
        snprintf(x->exchange_sku[x->n], sizeof x->exchange_sku[x->n], "%s", swap ? swap : "");
        x->qty[x->n++] = qty;
    }
}

static char *read_evidence(json_t *body, field_errors_t *errs) {
    json_t *ev = json_object_get(body, "evidence");
    if (!ev || json_is_null(ev))
        return strdup("[]");
    if (!json_is_array(ev) || json_array_size(ev) > EVIDENCE_MAX) {
        field_errors_add(errs, "evidence", "wrong_type",
                         "evidence must be an array of up to %d URLs", EVIDENCE_MAX);
        return NULL;
    }
    size_t i;
    json_t *u;
    json_array_foreach(ev, i, u) {
        const char *url = json_string_value(u);
        if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
            strlen(url) > 1024) {
            char field[32];
            snprintf(field, sizeof field, "evidence[%zu]", i);
            field_errors_add(errs, field, "invalid_url",
                             "evidence must be http(s) URLs (photos, "
                             "videos)");
        }
    }
    return json_dumps(ev, JSON_COMPACT);
}

svc_op_t *after_sales_create_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                                svc_result_t *immediate) {
    if (!fields_require_object(body, "the after-sales request is invalid", immediate))
        return NULL;
    create_op_t *x = (create_op_t *)svc_op_alloc(sizeof *x, app, actor);
    field_errors_t *errs = svc_errors(immediate);
    if (!x || !errs) {
        svc_op_free(x ? &x->op : NULL);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->op.run = create_run;
    x->op.destroy = create_destroy;
    snprintf(x->order_no, sizeof x->order_no, "%s", order_no);
    const char *type = field_string(body, "type", true, 32, errs);
    int t = type ? as_type_from_name(type) : -1;
    if (type && t < 0)
        field_errors_add(errs, "type", "unknown_type", "no after-sales type '%s': one of %s", type,
                         AS_TYPE_NAMES);
    x->type = t < 0 ? AS_TYPE_REFUND_ONLY : (as_type_t)t;
    if (t >= 0)
        read_items(body, x, errs);
    const char *reason = field_string(body, "reason", true, ORDO_REASON_MAX, errs);
    if (reason && !*reason)
        field_errors_add(errs, "reason", "required", "say why the buyer asks");
    snprintf(x->reason, sizeof x->reason, "%s", reason ? reason : "");
    x->evidence_json = read_evidence(body, errs);
    static const char *const MEMBERS[] = {"type", "items", "reason", "evidence"};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        bool known = false;
        for (size_t i = 0; i < sizeof MEMBERS / sizeof MEMBERS[0]; i++)
            known = known || strcmp(key, MEMBERS[i]) == 0;
        if (!known)
            field_errors_add(errs, key, "unknown_member", "%s is not a member of a request", key);
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the after-sales request is invalid");
        svc_op_free(&x->op);
        return NULL;
    }
    /* An exchange's replacement SKUs must be ones we sell. */
    store_t *r = app_reader(app);
    for (int i = 0; r && i < x->n; i++) {
        int sellable = 0;
        if (!x->exchange_sku[i][0])
            continue;
        int rc = r->vt->sku_sellable(r, x->exchange_sku[i], &sellable);
        if (rc == STORE_OK && sellable)
            continue;
        char field[48];
        snprintf(field, sizeof field, "items[%d].exchange_sku", i);
        field_errors_add(errs, field, rc == STORE_NOT_FOUND ? "unknown_sku" : "sku_not_sellable",
                         "%s is not a SKU that can be sent", x->exchange_sku[i]);
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the after-sales request is invalid");
        svc_op_free(&x->op);
        return NULL;
    }
    return &x->op;
}

/* ---- working a ticket ---- */

typedef struct {
    char sku[ORDO_CODE_MAX + 1];
    char lot[ORDO_CODE_MAX + 1];
    int64_t qty;
    bool damaged;
} receipt_t;

typedef struct {
    svc_op_t op;
    int64_t id;
    as_action_t action;
    char text[ORDO_REASON_MAX + 1];
    char name[NAME_MAX_LEN + 1]; /* assignee, message author, carrier */
    char tracking_no[NAME_MAX_LEN + 1];
    char warehouse[ORDO_CODE_MAX + 1];
    int n;
    receipt_t items[ORDO_ORDER_LINES_MAX];
    svc_op_t *outbound; /* the order a reissue's approval or an exchange's receipt places */
} act_op_t;

static void with_note(char *out, size_t len, const char *what, const char *note) {
    snprintf(out, len, "%s%s%s", what, note[0] ? ": " : "", note);
}

static ordo_err_t send_out(store_t *s, act_op_t *x, json_t *ticket) {
    if (!x->outbound)
        return svc_fail(&x->op.result, ORDO_E_CONFLICT,
                        "after-sales %lld changed meanwhile: try again", (long long)x->id);
    char order_no[32], text[96];
    ordo_err_t e = as_outbound_place(s, &x->op, x->outbound, ticket, order_no);
    if (e != ORDO_E_OK)
        return e;
    snprintf(text, sizeof text, "goods sent out as order %s", order_no);
    json_t *detail = json_pack("{s:s}", "order_no", order_no);
    char *dj = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    e = as_move(s, &x->op, ticket, AS_EV_EXCHANGE, text, dj);
    free(dj);
    return e;
}

/* Puts a sellable unit back on the shelf at the warehouse, through the stock ledger (and a lot
 * when the SKU is kept by lot there). */
static ordo_err_t restock(store_t *s, act_op_t *x, int i, const char *wh, sku_set_t *freed) {
    const receipt_t *it = &x->items[i];
    char field[48];
    int64_t lot_sum = 0;
    int lots = 0;
    if (s->vt->pick->lots_sum(s, wh, it->sku, &lot_sum, &lots) != STORE_OK)
        return ORDO_E_STORE;
    if (lots && !it->lot[0]) {
        snprintf(field, sizeof field, "items[%d].lot", i);
        field_errors_add(svc_errors(&x->op.result), field, "required",
                         "%s is kept by lot at %s: name the lot the unit goes back to", it->sku,
                         wh);
        return svc_fail(&x->op.result, ORDO_E_VALIDATION, "a lot is missing; nothing changed");
    }
    if (lots) {
        int rc = s->vt->pick->lot_add(s, wh, it->sku, it->lot, it->qty, x->op.now_ms);
        if (rc == STORE_NOT_FOUND) {
            snprintf(field, sizeof field, "items[%d].lot", i);
            field_errors_add(svc_errors(&x->op.result), field, "unknown_lot",
                             "no lot %s of %s at %s", it->lot, it->sku, wh);
            return svc_fail(&x->op.result, ORDO_E_VALIDATION, "unknown lot; nothing changed");
        }
        if (rc != STORE_OK)
            return ORDO_E_STORE;
    }
    stock_row_t row;
    int rc = s->vt->stock_get(s, wh, it->sku, &row);
    int64_t after;
    if (rc == STORE_NOT_FOUND) {
        after = it->qty;
        rc = s->vt->stock_set(s, wh, it->sku, after, 0, NULL, x->op.now_ms);
    } else if (rc == STORE_OK) {
        after = row.on_hand + it->qty;
        rc = s->vt->stock_add_on_hand(s, wh, it->sku, it->qty, x->op.now_ms);
    } else {
        return ORDO_E_STORE;
    }
    char reason[96];
    snprintf(reason, sizeof reason, "after-sales %lld return (sellable)", (long long)x->id);
    if (rc == STORE_OK)
        rc = s->vt->stock_ledger_append(s, wh, it->sku, it->qty, after, x->op.actor, reason,
                                        x->op.now_ms);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    sku_set_add(freed, it->sku);
    return ORDO_E_OK;
}

static ordo_err_t pick_warehouse(store_t *s, act_op_t *x, json_t *ticket, char wh[65]) {
    if (x->warehouse[0]) {
        json_t *w = NULL;
        int rc = s->vt->warehouse_get(s, x->warehouse, &w);
        json_decref(w);
        if (rc == STORE_NOT_FOUND) {
            field_errors_add(svc_errors(&x->op.result), "warehouse", "unknown_warehouse",
                             "no warehouse %s", x->warehouse);
            return svc_fail(&x->op.result, ORDO_E_VALIDATION, "unknown warehouse");
        }
        if (rc != STORE_OK)
            return ORDO_E_STORE;
        snprintf(wh, 65, "%s", x->warehouse);
        return ORDO_E_OK;
    }
    /* The warehouse the order shipped from (the first, for an order sourced from several). */
    char codes[8][65];
    int n = 0;
    if (s->vt->order_warehouses(s, json_integer_value(json_object_get(ticket, "order_id")),
                                x->op.now_ms, codes, 8, &n) != STORE_OK)
        return ORDO_E_STORE;
    if (n == 0) {
        field_errors_add(svc_errors(&x->op.result), "warehouse", "required",
                         "the order names no warehouse: say where the goods were received");
        return svc_fail(&x->op.result, ORDO_E_VALIDATION, "no warehouse");
    }
    snprintf(wh, 65, "%s", codes[0]);
    return ORDO_E_OK;
}

static ordo_err_t receive(store_t *s, act_op_t *x, json_t *ticket) {
    /* What the ticket asked back, less what each receipt line takes. */
    json_t *left = json_object();
    size_t k;
    json_t *it;
    json_array_foreach(json_object_get(ticket, "items"), k, it) {
        json_object_set(left, tstr(it, "sku"), json_object_get(it, "qty"));
    }
    field_errors_t *errs = svc_errors(&x->op.result);
    for (int i = 0; i < x->n; i++) {
        char field[48];
        json_t *q = json_object_get(left, x->items[i].sku);
        if (!q) {
            snprintf(field, sizeof field, "items[%d].sku", i);
            field_errors_add(errs, field, "not_in_ticket", "after-sales %lld has no %s",
                             (long long)x->id, x->items[i].sku);
        } else if (x->items[i].qty > json_integer_value(q)) {
            snprintf(field, sizeof field, "items[%d].qty", i);
            field_errors_add(errs, field, "exceeds_ticket",
                             "at most %lld more of %s: the ticket asks for that many back",
                             (long long)json_integer_value(q), x->items[i].sku);
        } else {
            json_object_set_new(left, x->items[i].sku,
                                json_integer(json_integer_value(q) - x->items[i].qty));
        }
    }
    json_decref(left);
    if (svc_error_count(&x->op.result))
        return svc_fail(&x->op.result, ORDO_E_VALIDATION,
                        "the receipt does not match the ticket; nothing changed");
    char wh[65];
    ordo_err_t e = pick_warehouse(s, x, ticket, wh);
    if (e != ORDO_E_OK)
        return e;
    char text[ORDO_REASON_MAX + 300];
    size_t len = (size_t)snprintf(text, sizeof text, "received at %s:", wh);
    int64_t sellable = 0, damaged = 0;
    json_t *detail = json_array();
    for (int i = 0; i < x->n; i++) {
        receipt_t *r = &x->items[i];
        if (len < sizeof text - 100)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s %s ×%lld %s", i ? "," : "",
                                    r->sku, (long long)r->qty, r->damaged ? "damaged" : "sellable");
        json_array_append_new(detail,
                              json_pack("{s:s, s:I, s:s}", "sku", r->sku, "qty", (json_int_t)r->qty,
                                        "condition", r->damaged ? "damaged" : "sellable"));
        *(r->damaged ? &damaged : &sellable) += r->qty;
    }
    char *dj = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    e = as_move(s, &x->op, ticket, AS_EV_RECEIVE, text, dj);
    free(dj);
    if (e != ORDO_E_OK)
        return e;
    sku_set_t freed = {0};
    for (int i = 0; i < x->n && e == ORDO_E_OK; i++) {
        receipt_t *r = &x->items[i];
        if (s->vt->after_sales->receipt_append(s, x->id, wh, r->sku, r->qty,
                                               r->damaged ? "damaged" : "sellable", x->op.actor,
                                               x->op.now_ms) != STORE_OK)
            return ORDO_E_STORE;
        if (!r->damaged)
            e = restock(s, x, i, wh, &freed);
    }
    if (e != ORDO_E_OK)
        return e;
    snprintf(text, sizeof text,
             "inspected: %lld sellable unit%s back in stock at %s, %lld damaged unit%s to the "
             "damaged stock",
             (long long)sellable, sellable == 1 ? "" : "s", wh, (long long)damaged,
             damaged == 1 ? "" : "s");
    e = as_move(s, &x->op, ticket, AS_EV_INSPECT, text, NULL);
    /* Restocked units go to orders waiting for them first. */
    if (e == ORDO_E_OK && freed.n && alloc_refill(s, &freed, x->op.actor, x->op.now_ms))
        return ORDO_E_STORE;
    if (e == ORDO_E_OK && strcmp(tstr(ticket, "type"), "exchange") == 0)
        e = send_out(s, x, ticket);
    return e;
}

static ordo_err_t act_run(store_t *s, svc_op_t *op) {
    act_op_t *x = (act_op_t *)op;
    json_t *ticket = NULL;
    ordo_err_t e = as_load(s, op, x->id, &ticket);
    if (e != ORDO_E_OK)
        return e;
    char text[ORDO_REASON_MAX + 160];
    bool final = as_state_is_final((as_state_t)as_state_from_name(tstr(ticket, "status")));
    switch (x->action) {
    case AS_ACT_APPROVE:
        with_note(text, sizeof text, "approved", x->text);
        e = as_move(s, op, ticket, AS_EV_APPROVE, text, NULL);
        if (e == ORDO_E_OK && strcmp(tstr(ticket, "type"), "reissue") == 0)
            e = send_out(s, x, ticket);
        break;
    case AS_ACT_REJECT:
        with_note(text, sizeof text, "rejected", x->text);
        e = as_move(s, op, ticket, AS_EV_REJECT, text, NULL);
        break;
    case AS_ACT_CLOSE:
        with_note(text, sizeof text, "closed", x->text);
        e = as_move(s, op, ticket, AS_EV_CLOSE, text, NULL);
        break;
    case AS_ACT_ASSIGN:
        if (final) {
            e = svc_fail(&op->result, ORDO_E_CONFLICT, "after-sales %lld is %s: it is done",
                         (long long)x->id, tstr(ticket, "status"));
            break;
        }
        snprintf(text, sizeof text, "assigned to %s", x->name);
        if (s->vt->after_sales->assign(s, x->id, x->name, op->now_ms) != STORE_OK ||
            as_log_note(s, op, x->id, "assign", text, NULL) != STORE_OK)
            e = ORDO_E_STORE;
        break;
    case AS_ACT_MESSAGE: {
        json_t *d = json_pack("{s:s}", "author", x->name[0] ? x->name : op->actor);
        char *dj = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        if (as_log_note(s, op, x->id, "message", x->text, dj) != STORE_OK)
            e = ORDO_E_STORE;
        free(dj);
        break;
    }
    case AS_ACT_RETURN_SHIPMENT: {
        snprintf(text, sizeof text, "the buyer sent the goods back: %s %s", x->name,
                 x->tracking_no);
        json_t *d = json_pack("{s:s, s:s}", "carrier", x->name, "tracking_no", x->tracking_no);
        char *dj = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        e = as_move(s, op, ticket, AS_EV_SHIP_RETURN, text, dj);
        free(dj);
        if (e == ORDO_E_OK &&
            (s->vt->after_sales->set_return_shipment(s, x->id, x->name, x->tracking_no,
                                                     op->now_ms) != STORE_OK ||
             tracking_return_shipped(s, x->id,
                                     json_integer_value(json_object_get(ticket, "order_id")),
                                     x->name, x->tracking_no, op->now_ms) != STORE_OK))
            e = ORDO_E_STORE;
        break;
    }
    case AS_ACT_RECEIVE:
        e = receive(s, x, ticket);
        break;
    }
    json_decref(ticket);
    return e == ORDO_E_OK ? answer(s, op, x->id, 200) : e;
}

static void act_destroy(svc_op_t *op) {
    svc_op_free(((act_op_t *)op)->outbound);
}

static void read_receipt_items(json_t *body, act_op_t *x, field_errors_t *errs) {
    json_t *items = json_object_get(body, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 ||
        json_array_size(items) > ORDO_ORDER_LINES_MAX) {
        field_errors_add(errs, "items", items ? "wrong_type" : "required",
                         "items must be an array of 1..%d {sku, qty, condition}",
                         ORDO_ORDER_LINES_MAX);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char prefix[32], field[48];
        snprintf(prefix, sizeof prefix, "items[%zu]", i);
        if (!json_is_object(it)) {
            field_errors_add(errs, prefix, "wrong_type", "%s must be an object", prefix);
            continue;
        }
        field_errors_t local;
        local.count = local.dropped = 0;
        const char *sku = field_string(it, "sku", true, ORDO_CODE_MAX, &local);
        int64_t qty = field_int(it, "qty", true, 1, ORDO_LINE_QTY_MAX, 0, &local);
        const char *cond = field_string(it, "condition", true, 16, &local);
        const char *lot = field_string(it, "lot", false, ORDO_CODE_MAX, &local);
        if (cond && strcmp(cond, "sellable") != 0 && strcmp(cond, "damaged") != 0)
            field_errors_add(&local, "condition", "unknown_condition",
                             "condition is sellable or damaged, not '%s'", cond);
        for (int k = 0; k < local.count; k++) {
            field_path(field, sizeof field, prefix, local.items[k].field);
            field_errors_add(errs, field, local.items[k].code, "%s", local.items[k].message);
        }
        if (local.count)
            continue;
        receipt_t *r = &x->items[x->n++];
        snprintf(r->sku, sizeof r->sku, "%s", sku);
        snprintf(r->lot, sizeof r->lot, "%s", lot ? lot : "");
        r->qty = qty;
        r->damaged = strcmp(cond, "damaged") == 0;
    }
}

static void copy_text(char *dst, size_t cap, const char *v) {
    snprintf(dst, cap, "%s", v ? v : "");
}

svc_op_t *after_sales_action_op(app_t *app, int64_t id, as_action_t action, json_t *body,
                                const char *actor, svc_result_t *immediate) {
    if (body && !fields_require_object(body, "the request is invalid", immediate))
        return NULL;
    act_op_t *x = (act_op_t *)svc_op_alloc(sizeof *x, app, actor);
    field_errors_t *errs = svc_errors(immediate);
    if (!x || !errs) {
        svc_op_free(x ? &x->op : NULL);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->op.run = act_run;
    x->op.destroy = act_destroy;
    x->id = id;
    x->action = action;
    switch (action) {
    case AS_ACT_APPROVE:
    case AS_ACT_CLOSE:
        copy_text(x->text, sizeof x->text,
                  field_string(body, "note", false, ORDO_REASON_MAX, errs));
        break;
    case AS_ACT_REJECT:
        copy_text(x->text, sizeof x->text,
                  field_string(body, "reason", true, ORDO_REASON_MAX, errs));
        if (!x->text[0] && !svc_error_count(immediate))
            field_errors_add(errs, "reason", "required", "say why the request is rejected");
        break;
    case AS_ACT_ASSIGN:
        copy_text(x->name, sizeof x->name,
                  field_string(body, "assignee", true, NAME_MAX_LEN, errs));
        if (!x->name[0] && !svc_error_count(immediate))
            field_errors_add(errs, "assignee", "required", "name the agent");
        break;
    case AS_ACT_MESSAGE:
        copy_text(x->text, sizeof x->text, field_string(body, "text", true, ORDO_REASON_MAX, errs));
        copy_text(x->name, sizeof x->name, field_string(body, "author", false, NAME_MAX_LEN, errs));
        if (!x->text[0] && !svc_error_count(immediate))
            field_errors_add(errs, "text", "required", "a message has text");
        break;
    case AS_ACT_RETURN_SHIPMENT:
        copy_text(x->name, sizeof x->name, field_string(body, "carrier", true, NAME_MAX_LEN, errs));
        copy_text(x->tracking_no, sizeof x->tracking_no,
                  field_string(body, "tracking_no", true, NAME_MAX_LEN, errs));
        if (!svc_error_count(immediate) && (!x->name[0] || !x->tracking_no[0]))
            field_errors_add(errs, x->name[0] ? "tracking_no" : "carrier", "required",
                             "the return parcel's carrier and tracking number");
        break;
    case AS_ACT_RECEIVE:
        read_receipt_items(body, x, errs);
        copy_text(x->warehouse, sizeof x->warehouse,
                  field_string(body, "warehouse", false, ORDO_CODE_MAX, errs));
        break;
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the request has invalid fields; nothing changed");
        svc_op_free(&x->op);
        return NULL;
    }
    /* A reissue's approval and an exchange's receipt place an order: prepared now, off the
     * writer thread, like any order. */
    if (action == AS_ACT_APPROVE || action == AS_ACT_RECEIVE) {
        store_t *r = app_reader(app);
        json_t *ticket = NULL;
        int rc = r ? r->vt->after_sales->get(r, id, &ticket) : STORE_ERROR;
        if (rc == STORE_NOT_FOUND) {
            svc_fail(immediate, ORDO_E_NOT_FOUND, "no after-sales ticket %lld", (long long)id);
            svc_op_free(&x->op);
            return NULL;
        }
        if (rc != STORE_OK) {
            svc_fail(immediate, ORDO_E_STORE, "cannot read the ticket");
            svc_op_free(&x->op);
            return NULL;
        }
        const char *type = tstr(ticket, "type");
        const char *status = tstr(ticket, "status");
        bool sends = action == AS_ACT_APPROVE
                         ? strcmp(type, "reissue") == 0 && strcmp(status, "requested") == 0
                         : strcmp(type, "exchange") == 0;
        if (sends && !(x->outbound = as_outbound_prepare(app, ticket, actor, immediate))) {
            json_decref(ticket);
            svc_op_free(&x->op);
            return NULL;
        }
        json_decref(ticket);
    }
    return &x->op;
}

/* ---- reads ---- */

void after_sales_get(app_t *app, int64_t id, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *view = NULL;
    int rc = s ? as_view(s, id, time_now_ms(), &view) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no after-sales ticket %lld", (long long)id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the ticket");
    else
        svc_ok(r, 200, view);
}

void after_sales_list(app_t *app, const after_sales_filter_t *f, int64_t as_of, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *items = NULL;
    if (!s || s->vt->after_sales->list(s, f, &items) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the tickets");
        return;
    }
    size_t i;
    json_t *t;
    json_array_foreach(items, i, t) {
        int64_t deadline = 0;
        const char *d = json_string_value(json_object_get(t, "deadline"));
        json_object_set_new(t, "overdue",
                            json_boolean(d && rfc3339_parse(d, &deadline) && deadline < as_of));
        json_object_del(t, "order_id");
    }
    svc_ok_id_page(r, items, f->limit);
}

void after_sales_damaged(app_t *app, const char *warehouse, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *items = NULL;
    if (!s || s->vt->after_sales->damaged(s, warehouse, &items) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the damaged stock");
        return;
    }
    svc_ok(r, 200, json_pack("{s:o}", "items", items));
}
