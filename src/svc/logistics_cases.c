#include "svc/logistics_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/logistics_case.h"
#include "core/msg_template.h"
#include "svc/exceptions.h"
#include "svc/fields.h"
#include "svc/orders.h"
#include "svc/refunds.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

/* ---- parcels ---- */

static bool parcel_shipped(json_t *row) {
    return json_is_string(json_object_get(row, "tracking_no"));
}

static json_int_t row_id(json_t *row) {
    return json_integer_value(json_object_get(row, "id"));
}

/* The parcel of the order with this id (borrowed from parcels), or NULL. */
static json_t *parcel_of(json_t *parcels, int64_t id) {
    size_t i;
    json_t *p;
    json_array_foreach(parcels, i, p) if (row_id(p) == id) return p;
    return NULL;
}

/* The order's only shipped parcel (borrowed), or NULL with *shipped their count. */
static json_t *only_shipped(json_t *parcels, int *shipped) {
    json_t *found = NULL;
    size_t i;
    json_t *p;
    *shipped = 0;
    json_array_foreach(parcels, i, p) {
        if (parcel_shipped(p)) {
            found = p;
            (*shipped)++;
        }
    }
    return *shipped == 1 ? found : NULL;
}

/* The parcel an action or a report is about: `given` (0: none), else the case's own, else the
 * order's only shipped parcel. Returns it (borrowed from parcels) or NULL with the 4xx in r.
 * A parcel that is not the order's is a 422; one not shipped, or an order without any, 409. */
static json_t *pick_parcel(store_t *s, json_t *parcels, int64_t exception_id, int64_t given,
                           const char *order_no, svc_result_t *r) {
    int64_t own = 0;
    if (exception_id && s->vt->logistics_case->case_parcel(s, exception_id, &own) == STORE_ERROR) {
        svc_fail(r, ORDO_E_STORE, "cannot read the case's parcel");
        return NULL;
    }
    if (given && own && given != own) {
        field_errors_add(svc_errors(r), "parcel", "not_the_case_parcel",
                         "exception %lld is about parcel %lld, not %lld", (long long)exception_id,
                         (long long)own, (long long)given);
        svc_fail(r, ORDO_E_VALIDATION, "parcel %lld is not the case's", (long long)given);
        return NULL;
    }
    int64_t want = given ? given : own;
    if (want) {
        json_t *p = parcel_of(parcels, want);
        if (!p) {
            field_errors_add(svc_errors(r), "parcel", "unknown_parcel",
                             "order %s has no parcel %lld", order_no, (long long)want);
            svc_fail(r, ORDO_E_VALIDATION, "no parcel %lld in order %s", (long long)want, order_no);
            return NULL;
        }
        if (!parcel_shipped(p)) {
            svc_fail(r, ORDO_E_CONFLICT,
                     "parcel %lld of order %s is not shipped: a logistics case is about a parcel "
                     "on the road",
                     (long long)want, order_no);
            return NULL;
        }
        return p;
    }
    int shipped = 0;
    json_t *p = only_shipped(parcels, &shipped);
    if (p)
        return p;
    if (shipped == 0) {
        svc_fail(r, ORDO_E_CONFLICT,
                 "order %s has no shipped parcel: a logistics case is about a parcel on the road",
                 order_no);
    } else {
        field_errors_add(svc_errors(r), "parcel", "required",
                         "order %s has %d shipped parcels: name the one in trouble", order_no,
                         shipped);
        svc_fail(r, ORDO_E_VALIDATION, "which parcel?");
    }
    return NULL;
}

/* A parcel's units by SKU: [{sku, qty}] in the order they first appear. */
static json_t *units_by_sku(json_t *items) {
    json_t *out = json_array();
    size_t i, j;
    json_t *it, *u;
    json_array_foreach(items, i, it) {
        const char *sku = json_string_value(json_object_get(it, "sku"));
        json_int_t qty = json_integer_value(json_object_get(it, "qty"));
        if (!sku || qty <= 0)
            continue;
        bool merged = false;
        json_array_foreach(out, j, u) {
            if (strcmp(json_string_value(json_object_get(u, "sku")), sku) == 0) {
                json_object_set_new(
                    u, "qty", json_integer(json_integer_value(json_object_get(u, "qty")) + qty));
                merged = true;
                break;
            }
        }
        if (!merged)
            json_array_append_new(out, json_pack("{s:s, s:I}", "sku", sku, "qty", qty));
    }
    return out;
}

static json_int_t units_of(json_t *units, const char *sku) {
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u) {
        if (strcmp(json_string_value(json_object_get(u, "sku")), sku) == 0)
            return json_integer_value(json_object_get(u, "qty"));
    }
    return 0;
}

/* The carrier's name as the buyer knows it ("顺丰速运"), else its code; copied into out. */
static void carrier_name(store_t *s, const char *code, char *out, size_t len) {
    snprintf(out, len, "%s", code ? code : "");
    char *config = NULL;
    if (!code || s->vt->carrier_get(s, code, &config) != STORE_OK)
        return;
    json_t *c = json_loads(config, 0, NULL);
    const char *name = json_string_value(json_object_get(c, "name"));
    if (name && *name)
        snprintf(out, len, "%s", name);
    json_decref(c);
    free(config);
}

/* ---- telling the buyer ---- */

int logistics_notify(store_t *s, svc_op_t *op, const order_rec_t *rec, int64_t exception_id,
                     const char *code, const char *type, int64_t parcel_hint, json_t *extra) {
    json_t *parcels = NULL;
    int rc = s->vt->parcels_of_order(s, rec->id, &parcels);
    if (rc != STORE_OK)
        return rc;
    int64_t own = 0;
    if (s->vt->logistics_case->case_parcel(s, exception_id, &own) == STORE_ERROR) {
        json_decref(parcels);
        return STORE_ERROR;
    }
    int shipped = 0;
    json_t *p = parcel_of(parcels, own ? own : parcel_hint);
    if (!p)
        p = only_shipped(parcels, &shipped);
    char name[128] = "";
    const char *tracking = "";
    if (p) {
        carrier_name(s, json_string_value(json_object_get(p, "carrier")), name, sizeof name);
        tracking = json_string_value(json_object_get(p, "tracking_no"));
    }
    json_t *payload = json_pack("{s:s, s:s, s:s, s:I, s:s}", "carrier_name", name, "tracking_no",
                                tracking ? tracking : "", "problem", logistics_problem_text(code),
                                "exception_id", (json_int_t)exception_id, "code", code);
    if (extra)
        json_object_update(payload, extra);
    char reason[160];
    snprintf(reason, sizeof reason, "buyer told of exception %lld (%s)", (long long)exception_id,
             code);
    rc =
        timeline_note_with(s, rec->id, rec->order_no, op->actor, type, reason, payload, op->now_ms);
    json_decref(payload);
    json_decref(parcels);
    return rc;
}

/* ---- the case's detail ---- */

/* The claim from the case's actions: {status, amount_claimed, amount_recovered, filed_at,
 * settled_at}, or null when none was filed. */
static json_t *claim_of(json_t *actions) {
    json_t *claim = NULL;
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a) {
        const char *name = json_string_value(json_object_get(a, "action"));
        json_t *detail = json_object_get(a, "detail");
        if (strcmp(name, "file_claim") == 0 && !claim) {
            claim = json_pack("{s:s, s:O, s:n, s:O, s:n}", "status", "filed", "amount_claimed",
                              json_object_get(detail, "amount_claimed"), "amount_recovered",
                              "filed_at", json_object_get(a, "at"), "settled_at");
        } else if (strcmp(name, "claim_settled") == 0 && claim) {
            json_object_set_new(claim, "status", json_string("settled"));
            json_object_set(claim, "amount_recovered", json_object_get(detail, "amount_recovered"));
            json_object_set(claim, "settled_at", json_object_get(a, "at"));
        }
    }
    return claim ? claim : json_null();
}

int logistics_case_detail(store_t *s, json_t *exc) {
    const char *code = json_string_value(json_object_get(exc, "code"));
    if (!logistics_code(code))
        return STORE_OK;
    int64_t id = row_id(exc), parcel_id = 0;
    json_t *parcel = json_null(), *reships = NULL;
    int rc = s->vt->logistics_case->case_parcel(s, id, &parcel_id);
    if (rc == STORE_OK) {
        json_t *row = NULL;
        rc = s->vt->parcel_get(s, parcel_id, &row);
        if (rc == STORE_OK)
            parcel = json_pack("{s:I, s:O, s:O, s:O, s:O}", "id", (json_int_t)parcel_id, "carrier",
                               json_object_get(row, "carrier"), "tracking_no",
                               json_object_get(row, "tracking_no"), "shipped_at",
                               json_object_get(row, "shipped_at"), "items",
                               json_object_get(row, "items"));
        json_decref(row);
    }
    if (rc == STORE_OK || rc == STORE_NOT_FOUND)
        rc = s->vt->logistics_case->reships_of_exception(s, id, &reships);
    if (rc != STORE_OK) {
        json_decref(parcel);
        return rc;
    }
    json_object_set_new(
        exc, "logistics",
        json_pack("{s:s, s:o, s:o, s:o}", "kind", code + strlen("logistics_"), "parcel", parcel,
                  "claim", claim_of(json_object_get(exc, "actions")), "reshipments", reships));
    return STORE_OK;
}

void order_logistics_cases(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    s->vt->read_begin(s);
    order_rec_t rec = {0};
    json_t *ids = NULL, *out = json_array();
    int rc = s->vt->order_get(s, 0, order_no, &rec);
    if (rc == STORE_OK)
        rc = s->vt->logistics_case->cases_of_order(s, rec.id, &ids);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        json_t *detail = NULL;
        if (rc == STORE_OK)
            rc = exception_detail(s, json_integer_value(id), &detail);
        if (rc == STORE_OK)
            json_array_append_new(out, detail);
    }
    s->vt->read_end(s);
    order_rec_clear(&rec);
    json_decref(ids);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the order's logistics cases");
    else
        svc_ok(r, 200, json_incref(out));
    json_decref(out);
}

/* ---- raising a case ---- */

typedef struct {
    svc_op_t op;
    char order_no[40];
    logistics_kind_t kind;
    int64_t parcel_id; /* 0: the order's only shipped parcel */
    char note[ORDO_REASON_MAX + 1];
} raise_op_t;

static ordo_err_t raise_in(store_t *s, raise_op_t *x, order_rec_t *rec, json_t *parcels) {
    svc_op_t *op = &x->op;
    json_t *parcel = pick_parcel(s, parcels, 0, x->parcel_id, rec->order_no, &op->result);
    if (!parcel)
        return op->result.err;
    int64_t parcel_id = row_id(parcel);
    const char *code = logistics_kind_code(x->kind);
    int64_t open = 0;
    if (s->vt->logistics_case->case_open_for_parcel(s, parcel_id, code, &open) != STORE_OK)
        return ORDO_E_STORE;
    if (open)
        return svc_fail(&op->result, ORDO_E_CONFLICT,
                        "parcel %lld already has an open %s case: exception %lld",
                        (long long)parcel_id, code, (long long)open);
    const char *carrier = json_string_value(json_object_get(parcel, "carrier"));
    const char *tracking = json_string_value(json_object_get(parcel, "tracking_no"));
    char what[160], message[ORDO_REASON_MAX + 200];
    snprintf(what, sizeof what, "parcel %lld (%s %s) reported %s", (long long)parcel_id,
             carrier ? carrier : "", tracking ? tracking : "", logistics_kind_name(x->kind));
    snprintf(message, sizeof message, "%s%s%s", what, x->note[0] ? ": " : "", x->note);
    exception_rec_t e = {.order_id = rec->id,
                         .code = code,
                         .severity = logistics_kind_severity(x->kind),
                         .message = message,
                         .at_ms = op->now_ms};
    int64_t id = 0;
    int rc = s->vt->exception_open(s, &e, &id);
    if (rc == STORE_OK)
        rc = s->vt->logistics_case->case_insert(
            s, id, rec->id, parcel_id, logistics_kind_name(x->kind), op->actor, op->now_ms);
    json_t *detail = json_pack("{s:I, s:s}", "parcel", (json_int_t)parcel_id, "kind",
                               logistics_kind_name(x->kind));
    char *detail_text = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    exception_action_rec_t a = {.exception_id = id,
                                .order_id = rec->id,
                                .action = "raise",
                                .note = x->note,
                                .detail_json = detail_text,
                                .to_refund_fen = -1};
    char text[sizeof message + 16];
    snprintf(text, sizeof text, "raised: %s", message);
    if (rc == STORE_OK)
        rc = detail_text ? exception_log(s, op, &a, rec->order_no, code, text) : STORE_ERROR;
    free(detail_text);
    if (rc == STORE_OK)
        rc = logistics_notify(s, op, rec, id, code, "logistics_case_opened", parcel_id, NULL);
    json_t *out = NULL;
    if (rc == STORE_OK)
        rc = exception_detail(s, id, &out);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 201, out);
    snprintf(op->result.created, sizeof op->result.created, "%lld", (long long)id);
    return ORDO_E_OK;
}

static ordo_err_t raise_run(store_t *s, svc_op_t *op) {
    raise_op_t *x = (raise_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, x->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", x->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    json_t *parcels = NULL;
    ordo_err_t e = s->vt->parcels_of_order(s, rec.id, &parcels) == STORE_OK
                       ? raise_in(s, x, &rec, parcels)
                       : ORDO_E_STORE;
    json_decref(parcels);
    order_rec_clear(&rec);
    return e;
}

static const char *const RAISE_KEYS[] = {"parcel", "kind", "note", NULL};

static bool known_key(const char *const *keys, const char *key) {
    for (const char *const *k = keys; *k; k++)
        if (strcmp(*k, key) == 0)
            return true;
    return false;
}

svc_op_t *logistics_case_raise_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                                  svc_result_t *immediate) {
    field_errors_t *errs = svc_errors(immediate);
    if (!errs) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    if (!fields_require_object(body, "the logistics case is invalid", immediate))
        return NULL;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (!known_key(RAISE_KEYS, key))
            field_errors_add(errs, key, "not_allowed",
                             "%s is not a member of a logistics case: parcel, kind, note", key);
    }
    const char *kind = field_string(body, "kind", true, 32, errs);
    int k = kind ? logistics_kind_from_name(kind) : -1;
    if (kind && k < 0)
        field_errors_add(errs, "kind", "unknown_kind", "no kind '%s': one of %s", kind,
                         LOGISTICS_KIND_NAMES);
    int64_t parcel = field_int(body, "parcel", false, 1, INT64_MAX, 0, errs);
    const char *note = field_string(body, "note", false, ORDO_REASON_MAX, errs);
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the logistics case is invalid; nothing changed");
        return NULL;
    }
    raise_op_t *x = (raise_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->op.run = raise_run;
    x->kind = (logistics_kind_t)k;
    x->parcel_id = parcel;
    snprintf(x->order_no, sizeof x->order_no, "%s", order_no);
    snprintf(x->note, sizeof x->note, "%s", note ? note : "");
    return &x->op;
}

/* ---- actions on a case ---- */

void logistics_action_clear(logistics_action_t *la) {
    svc_op_free(la->place);
    la->place = NULL;
    free(la->items_json);
    la->items_json = NULL;
}

/* The items to send again: those asked ([{sku, qty}], each at most what the parcel held), or
 * the parcel's whole content. NULL with field errors in errs. */
static json_t *reship_items(json_t *asked, json_t *held, int64_t parcel_id, field_errors_t *errs) {
    if (!asked || json_is_null(asked))
        return json_incref(held);
    if (!json_is_array(asked) || json_array_size(asked) == 0) {
        field_errors_add(errs, "items", "wrong_type",
                         "items must be a non-empty array of {sku, qty}, or left out for all "
                         "the parcel held");
        return NULL;
    }
    json_t *want = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(asked, i, it) {
        char path[48];
        snprintf(path, sizeof path, "items[%zu]", i);
        if (!json_is_object(it)) {
            field_errors_add(errs, path, "wrong_type", "%s must be an object {sku, qty}", path);
            continue;
        }
        int before = errs->count;
        const char *sku = field_string(it, "sku", true, ORDO_CODE_MAX, errs);
        int64_t qty = field_int(it, "qty", true, 1, ORDO_LINE_QTY_MAX, 0, errs);
        /* field_* name the member alone: name it under its item. */
        for (int e = before; e < errs->count; e++) {
            char field[sizeof errs->items[e].field];
            snprintf(field, sizeof field, "%s.%s", path, errs->items[e].field);
            snprintf(errs->items[e].field, sizeof errs->items[e].field, "%s", field);
        }
        if (!sku || qty <= 0)
            continue;
        if (units_of(held, sku) == 0) {
            char field[64];
            snprintf(field, sizeof field, "%s.sku", path);
            field_errors_add(errs, field, "not_in_parcel", "parcel %lld held no %s",
                             (long long)parcel_id, sku);
            continue;
        }
        json_array_append_new(want, json_pack("{s:s, s:I}", "sku", sku, "qty", (json_int_t)qty));
    }
    json_t *merged = units_by_sku(want);
    json_decref(want);
    json_array_foreach(merged, i, it) {
        const char *sku = json_string_value(json_object_get(it, "sku"));
        json_int_t qty = json_integer_value(json_object_get(it, "qty"));
        if (qty > units_of(held, sku))
            field_errors_add(errs, "items", "exceeds_parcel",
                             "%lld of %s asked, parcel %lld held %lld", (long long)qty, sku,
                             (long long)parcel_id, (long long)units_of(held, sku));
    }
    if (errs->count) {
        json_decref(merged);
        return NULL;
    }
    return merged;
}

/* The reship order: the original's buyer, address and carrier; the items at no charge, paid
 * (nothing to pay), placed now by the shop. */
static json_t *reship_order_doc(const order_rec_t *rec, int64_t exception_id, int n, json_t *items,
                                int64_t now_ms) {
    json_t *doc = json_deep_copy(rec->doc);
    char external_id[ORDO_EXTERNAL_ID_MAX + 1], now[40], remark[160];
    snprintf(external_id, sizeof external_id, "reship-%s-%lld-%d", rec->order_no,
             (long long)exception_id, n);
    rfc3339_format(now_ms, now, sizeof now);
    snprintf(remark, sizeof remark, "补发：订单%s（异常%lld）", rec->order_no,
             (long long)exception_id);
    json_t *lines = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_array_append_new(lines, json_pack("{s:O, s:O, s:i}", "sku", json_object_get(it, "sku"),
                                               "qty", json_object_get(it, "qty"), "unit_price", 0));
    }
    static const char *const DROP[] = {"discount_total", "amounts", "requested_delivery_date",
                                       "client_ip", "reship_of"};
    for (size_t d = 0; d < sizeof DROP / sizeof DROP[0]; d++)
        json_object_del(doc, DROP[d]);
    json_object_set_new(doc, "external_id", json_string(external_id));
    json_object_set_new(doc, "placed_at", json_string(now));
    json_object_set_new(doc, "items", lines);
    json_object_set_new(doc, "shipping_fee", json_integer(0));
    json_object_set_new(doc, "discounts", json_array());
    json_object_set_new(doc, "remark", json_string(remark));
    json_object_set_new(doc, "payment",
                        json_pack("{s:s, s:s, s:i, s:s}", "status", "paid", "method", "reship",
                                  "amount", 0, "paid_at", now));
    return doc;
}

static bool prepare_reship(app_t *app, int64_t exception_id, json_t *body, const char *actor,
                           logistics_action_t *la, svc_result_t *immediate) {
    store_t *r = app_reader(app);
    if (!r) {
        svc_fail(immediate, ORDO_E_STORE, "cannot open the database for reading");
        return false;
    }
    json_t *exc = NULL, *parcels = NULL, *held = NULL, *items = NULL, *reships = NULL;
    order_rec_t rec = {0};
    bool ok = false;
    r->vt->read_begin(r);
    int rc = r->vt->exception_pool->get(r, exception_id, &exc);
    if (rc == STORE_NOT_FOUND) {
        svc_fail(immediate, ORDO_E_NOT_FOUND, "no exception %lld", (long long)exception_id);
        goto out;
    }
    const char *code = rc == STORE_OK ? json_string_value(json_object_get(exc, "code")) : NULL;
    if (rc == STORE_OK && !logistics_code(code)) {
        field_errors_add(svc_errors(immediate), "action", "not_for_code",
                         "reship sends a parcel's goods again, for a logistics_* exception; "
                         "exception %lld is %s",
                         (long long)exception_id, code);
        svc_fail(immediate, ORDO_E_VALIDATION, "reship does not apply to exception %lld (%s)",
                 (long long)exception_id, code);
        goto out;
    }
    if (rc == STORE_OK)
        rc = r->vt->order_get(r, 0, json_string_value(json_object_get(exc, "order_no")), &rec);
    if (rc == STORE_OK)
        rc = r->vt->parcels_of_order(r, rec.id, &parcels);
    if (rc == STORE_OK)
        rc = r->vt->logistics_case->reships_of_exception(r, exception_id, &reships);
    if (rc != STORE_OK) {
        svc_fail(immediate, ORDO_E_STORE, "cannot read the case");
        goto out;
    }
    json_t *parcel = pick_parcel(r, parcels, exception_id, la->parcel_id, rec.order_no, immediate);
    if (!parcel)
        goto out;
    la->parcel_id = row_id(parcel);
    held = units_by_sku(json_object_get(parcel, "items"));
    items =
        reship_items(json_object_get(body, "items"), held, la->parcel_id, svc_errors(immediate));
    if (!items) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the items to reship are invalid; nothing changed");
        goto out;
    }
    la->items_json = json_dumps(items, JSON_COMPACT);
    json_t *doc = reship_order_doc(&rec, exception_id, (int)json_array_size(reships) + 1, items,
                                   time_now_ms());
    svc_result_t placing;
    svc_result_init(&placing);
    la->place = order_place_shop_op(app, doc, actor, &placing);
    if (!la->place) {
        svc_fail(immediate, placing.err, "the reship order is refused: %s", placing.detail);
        if (placing.errors)
            svc_take_errors(immediate, placing.errors);
    }
    svc_result_clear(&placing);
    json_decref(doc);
    ok = la->place && la->items_json;
    if (!ok && immediate->err == ORDO_E_OK)
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
out:
    r->vt->read_end(r);
    json_decref(exc);
    json_decref(parcels);
    json_decref(held);
    json_decref(items);
    json_decref(reships);
    order_rec_clear(&rec);
    return ok;
}

bool logistics_action_prepare(app_t *app, int64_t exception_id, exc_action_t action, json_t *body,
                              const char *actor, logistics_action_t *la, svc_result_t *immediate) {
    field_errors_t *errs = svc_errors(immediate);
    la->amount = -1;
    la->parcel_id = 0;
    switch (action) {
    case EXC_ACTION_FILE_CLAIM:
        la->amount = field_int(body, "amount_claimed", true, 1, ORDO_MONEY_MAX_FEN, -1, errs);
        break;
    case EXC_ACTION_CLAIM_SETTLED:
        la->amount = field_int(body, "amount_recovered", true, 0, ORDO_MONEY_MAX_FEN, -1, errs);
        break;
    case EXC_ACTION_REFUND:
        la->amount = field_int(body, "amount", false, 1, ORDO_MONEY_MAX_FEN, -1, errs);
        la->parcel_id = field_int(body, "parcel", false, 1, INT64_MAX, 0, errs);
        break;
    case EXC_ACTION_RESHIP:
        la->parcel_id = field_int(body, "parcel", false, 1, INT64_MAX, 0, errs);
        break;
    default:
        return true;
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the action is invalid; nothing changed");
        return false;
    }
    return action == EXC_ACTION_RESHIP
               ? prepare_reship(app, exception_id, body, actor, la, immediate)
               : true;
}

/* The first action of that name in the case's log (borrowed from actions), or NULL. */
static json_t *logged(json_t *actions, const char *name) {
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a) {
        if (strcmp(json_string_value(json_object_get(a, "action")), name) == 0)
            return a;
    }
    return NULL;
}

static void with_note(char *out, size_t len, const char *what, const char *note) {
    snprintf(out, len, "%s%s%s", what, note[0] ? ": " : "", note);
}

static ordo_err_t run_claim(store_t *s, svc_op_t *op, exc_action_t action, logistics_action_t *la,
                            int64_t exception_id, json_t **detail, char *what, size_t what_len) {
    json_t *actions = NULL;
    if (s->vt->exception_pool->actions(s, exception_id, &actions) != STORE_OK)
        return ORDO_E_STORE;
    json_t *filed = logged(actions, "file_claim");
    json_int_t claimed =
        json_integer_value(json_object_get(json_object_get(filed, "detail"), "amount_claimed"));
    ordo_err_t e = ORDO_E_OK;
    if (action == EXC_ACTION_FILE_CLAIM) {
        if (filed) {
            e = svc_fail(&op->result, ORDO_E_CONFLICT,
                         "exception %lld already has a claim of %lld fen filed",
                         (long long)exception_id, (long long)claimed);
        } else {
            *detail = json_pack("{s:I}", "amount_claimed", (json_int_t)la->amount);
            snprintf(what, what_len, "claim filed with the carrier: %lld fen",
                     (long long)la->amount);
        }
    } else if (!filed) {
        e = svc_fail(&op->result, ORDO_E_CONFLICT,
                     "exception %lld has no claim filed: file_claim first",
                     (long long)exception_id);
    } else if (logged(actions, "claim_settled")) {
        e = svc_fail(&op->result, ORDO_E_CONFLICT, "the claim of exception %lld is already settled",
                     (long long)exception_id);
    } else if (la->amount > claimed) {
        field_errors_add(svc_errors(&op->result), "amount_recovered", "exceeds_claim",
                         "amount_recovered %lld fen is more than the %lld fen claimed",
                         (long long)la->amount, (long long)claimed);
        e = svc_fail(&op->result, ORDO_E_VALIDATION, "more recovered than claimed");
    } else {
        *detail = json_pack("{s:I, s:I}", "amount_claimed", claimed, "amount_recovered",
                            (json_int_t)la->amount);
        snprintf(what, what_len, "claim settled: %lld of %lld fen recovered", (long long)la->amount,
                 (long long)claimed);
    }
    json_decref(actions);
    return e;
}

/* What the buyer paid for a parcel's goods: each unit at its line's price. */
static int64_t parcel_value(const order_rec_t *rec, json_t *parcel) {
    int64_t value = 0;
    size_t i, j;
    json_t *it, *line;
    json_array_foreach(json_object_get(parcel, "items"), i, it) {
        json_int_t no = json_integer_value(json_object_get(it, "line"));
        json_array_foreach(json_object_get(rec->doc, "items"), j, line) {
            if (json_integer_value(json_object_get(line, "line")) == no)
                value += json_integer_value(json_object_get(it, "qty")) *
                         json_integer_value(json_object_get(line, "unit_price"));
        }
    }
    return value;
}

static ordo_err_t run_refund(store_t *s, svc_op_t *op, logistics_action_t *la, int64_t exception_id,
                             const order_rec_t *rec, json_t **detail, char *what, size_t what_len) {
    int64_t amount = la->amount, parcel_id = la->parcel_id;
    if (amount < 0 || parcel_id) {
        json_t *parcels = NULL;
        if (s->vt->parcels_of_order(s, rec->id, &parcels) != STORE_OK)
            return ORDO_E_STORE;
        json_t *parcel =
            pick_parcel(s, parcels, exception_id, parcel_id, rec->order_no, &op->result);
        if (parcel) {
            parcel_id = row_id(parcel);
            if (amount < 0)
                amount = parcel_value(rec, parcel);
        }
        json_decref(parcels);
        if (!parcel) {
            if (amount < 0 && op->result.err == ORDO_E_VALIDATION)
                field_errors_add(svc_errors(&op->result), "amount", "required",
                                 "amount is required when the parcel is not known");
            return op->result.err;
        }
    }
    /* One budget for every refund of the order, whatever asked for it (svc/refunds.h). */
    refund_budget_t b;
    if (refund_budget(s, rec, &b) != STORE_OK)
        return ORDO_E_STORE;
    int64_t left = b.refundable;
    if (amount <= 0 || amount > left) {
        field_errors_add(svc_errors(&op->result), "amount", "exceeds_paid",
                         "%lld fen to refund, but of the %lld fen paid %lld fen is already "
                         "refunded, pending or owed back: at most %lld fen",
                         (long long)amount, (long long)b.paid, (long long)(b.paid - left),
                         (long long)left);
        return svc_fail(&op->result, ORDO_E_VALIDATION, "the refund is more than was paid");
    }
    la->amount = amount;
    la->parcel_id = parcel_id;
    *detail = json_pack("{s:I, s:o}", "amount", (json_int_t)amount, "parcel",
                        parcel_id ? json_integer(parcel_id) : json_null());
    snprintf(what, what_len, "decision refund: %lld fen to refund", (long long)amount);
    return ORDO_E_OK;
}

/* A refusal of the reship order's own (its stock, its document) is this request's. */
static ordo_err_t place_failed(svc_op_t *op, svc_op_t *place, ordo_err_t e) {
    svc_fail(&op->result, e, "the reship order is refused: %s",
             place->result.detail[0] ? place->result.detail : ordo_err_title(e));
    if (place->result.errors)
        svc_take_errors(&op->result, place->result.errors);
    return e;
}

static ordo_err_t run_reship(store_t *s, svc_op_t *op, logistics_action_t *la, int64_t exception_id,
                             const order_rec_t *rec, json_t **detail, char *what, size_t what_len) {
    /* What earlier reshipments of the parcel already sent again counts against it. */
    json_t *parcel = NULL, *before = NULL, *items = json_loads(la->items_json, 0, NULL);
    int rc = s->vt->parcel_get(s, la->parcel_id, &parcel);
    if (rc == STORE_OK)
        rc = s->vt->logistics_case->reshipped_from_parcel(s, la->parcel_id, &before);
    ordo_err_t e = rc == STORE_OK && items ? ORDO_E_OK : ORDO_E_STORE;
    json_t *held = e == ORDO_E_OK ? units_by_sku(json_object_get(parcel, "items")) : NULL;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        if (e != ORDO_E_OK)
            break;
        const char *sku = json_string_value(json_object_get(it, "sku"));
        json_int_t qty = json_integer_value(json_object_get(it, "qty"));
        json_int_t sent = units_of(before, sku), had = units_of(held, sku);
        if (qty + sent > had)
            field_errors_add(svc_errors(&op->result), "items", "exceeds_parcel",
                             "%lld of %s asked: parcel %lld held %lld, %lld already reshipped",
                             (long long)qty, sku, (long long)la->parcel_id, (long long)had,
                             (long long)sent);
    }
    if (e == ORDO_E_OK && svc_error_count(&op->result))
        e = svc_fail(&op->result, ORDO_E_VALIDATION, "more than the parcel held");
    int64_t reship_id = 0;
    char reship_no[32] = "";
    if (e == ORDO_E_OK) {
        svc_op_t *place = la->place;
        place->now_ms = op->now_ms;
        e = place->run(s, place);
        if (e == ORDO_E_OK)
            e = place->result.err;
        if (e != ORDO_E_OK)
            place_failed(op, place, e);
        else if (!order_placed(place, &reship_id, reship_no))
            e = svc_fail(&op->result, ORDO_E_CONFLICT,
                         "another reship of exception %lld was made at the same time: try again",
                         (long long)exception_id);
    }
    int64_t reserved = 0;
    if (e == ORDO_E_OK) {
        reshipment_rec_t r = {.exception_id = exception_id,
                              .order_id = rec->id,
                              .parcel_id = la->parcel_id,
                              .reship_order_id = reship_id,
                              .items_json = la->items_json,
                              .actor = op->actor,
                              .at_ms = op->now_ms};
        held_t got[ORDO_ORDER_LINES_MAX];
        int n = 0;
        char why[160];
        snprintf(why, sizeof why, "placed to reship parcel %lld of order %s (exception %lld)",
                 (long long)la->parcel_id, rec->order_no, (long long)exception_id);
        rc = s->vt->logistics_case->order_mark_reship(s, reship_id, rec->order_no);
        if (rc == STORE_OK)
            rc = s->vt->logistics_case->reship_insert(s, &r);
        if (rc == STORE_OK)
            rc = timeline_note(s, reship_id, reship_no, op->actor, "exception", why, op->now_ms);
        if (rc == STORE_OK)
            rc = s->vt->reservations_of_order(s, reship_id, got, ORDO_ORDER_LINES_MAX, &n);
        for (int k = 0; k < n; k++)
            reserved += got[k].qty;
        if (rc != STORE_OK)
            e = ORDO_E_STORE;
    }
    if (e == ORDO_E_OK) {
        json_int_t units = 0;
        json_array_foreach(items, i, it) units += json_integer_value(json_object_get(it, "qty"));
        *detail = json_pack("{s:s, s:I, s:O}", "reship_order_no", reship_no, "parcel",
                            (json_int_t)la->parcel_id, "items", items);
        snprintf(what, what_len,
                 "decision reship: parcel %lld sent again as order %s (%lld of %lld units "
                 "reserved)",
                 (long long)la->parcel_id, reship_no, (long long)reserved, (long long)units);
    }
    json_decref(parcel);
    json_decref(before);
    json_decref(held);
    json_decref(items);
    return e;
}

ordo_err_t logistics_action_run(store_t *s, svc_op_t *op, exc_action_t action,
                                logistics_action_t *la, int64_t exception_id, const char *code,
                                order_rec_t *rec, const char *note, exception_action_rec_t *a,
                                char **detail_text, char *text, size_t text_len) {
    json_t *detail = NULL;
    char what[200] = "";
    ordo_err_t e;
    switch (action) {
    case EXC_ACTION_FILE_CLAIM:
    case EXC_ACTION_CLAIM_SETTLED:
        e = run_claim(s, op, action, la, exception_id, &detail, what, sizeof what);
        break;
    case EXC_ACTION_REFUND:
        e = run_refund(s, op, la, exception_id, rec, &detail, what, sizeof what);
        break;
    case EXC_ACTION_RESHIP:
        e = run_reship(s, op, la, exception_id, rec, &detail, what, sizeof what);
        break;
    default:
        return ORDO_E_INTERNAL;
    }
    if (e != ORDO_E_OK) {
        json_decref(detail);
        return e;
    }
    *detail_text = json_dumps(detail, JSON_COMPACT);
    if (!*detail_text) {
        json_decref(detail);
        return ORDO_E_STORE;
    }
    with_note(text, text_len, what, note);
    int rc = STORE_OK;
    if (action == EXC_ACTION_REFUND) {
        a->to_refund_fen = la->amount;
        char yuan[24];
        json_t *extra = json_pack("{s:s}", "refund_amount",
                                  msg_format_yuan((long long)la->amount, yuan, sizeof yuan));
        rc = logistics_notify(s, op, rec, exception_id, code, "logistics_refunded", la->parcel_id,
                              extra);
        json_decref(extra);
    } else if (action == EXC_ACTION_RESHIP) {
        json_t *extra = json_pack("{s:O}", "reship_no", json_object_get(detail, "reship_order_no"));
        rc = logistics_notify(s, op, rec, exception_id, code, "logistics_reshipped", la->parcel_id,
                              extra);
        json_decref(extra);
    }
    json_decref(detail);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}
