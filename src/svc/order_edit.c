#include "svc/order_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/order_doc.h"
#include "core/order_parse.h"
#include "core/rules.h"
#include "svc/fields.h"
#include "svc/orders.h"
#include "svc/timeline.h"

/* What may be corrected, by object: everything else is the order itself (lines, money,
 * channel) and changes through other means. */
static const char *const BUYER_KEYS[] = {"name", "phone", "email", NULL};
static const char *const ADDRESS_KEYS[] = {"province", "city",        "district",
                                           "detail",   "postal_code", NULL};

static bool listed(const char *const *keys, const char *k) {
    for (; *keys; keys++)
        if (strcmp(*keys, k) == 0)
            return true;
    return false;
}

typedef struct {
    svc_op_t op;
    char order_no[40];
    json_t *patch;
} patch_op_t;

/* Appends "field: 'old' → 'new'" to the change list when the value differs. */
static void note_change(char *out, size_t cap, const char *field, json_t *before, json_t *after) {
    /* json_equal is false when either is missing; an optional key absent from both (an order
     * without buyer.email) is no change. */
    if ((!before && !after) || json_equal(before, after))
        return;
    char *a = before ? json_dumps(before, JSON_ENCODE_ANY) : strdup("null");
    char *b = after ? json_dumps(after, JSON_ENCODE_ANY) : strdup("null");
    size_t len = strlen(out);
    snprintf(out + len, cap - len, "%s%s: %s → %s", len ? "; " : "", field, a ? a : "?",
             b ? b : "?");
    free(a);
    free(b);
}

static void apply(json_t *doc, json_t *patch, const char *object) {
    json_t *src = json_object_get(patch, object);
    json_t *dst = json_object_get(doc, object);
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        if (json_is_null(v))
            json_object_del(dst, k);
        else
            json_object_set(dst, k, v);
    }
}

static ordo_err_t patch_run(store_t *s, svc_op_t *op) {
    patch_op_t *p = (patch_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, p->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", p->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    ordo_err_t e = ORDO_E_OK;
    if (!lifecycle_editable(rec.status)) {
        e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                     "order %s is %s: corrections are possible until picking starts", rec.order_no,
                     order_status_name(rec.status));
        order_rec_clear(&rec);
        return e;
    }
    json_t *merged = json_deep_copy(rec.doc);
    apply(merged, p->patch, "buyer");
    apply(merged, p->patch, "address");
    /* The division codes follow the names: validation resolves them again. */
    json_object_del(json_object_get(merged, "address"), "division_codes");
    json_t *remark = json_object_get(p->patch, "remark");
    if (remark)
        json_object_set(merged, "remark", remark);

    order_input_t in;
    field_errors_t errs;
    errs.count = errs.dropped = 0;
    char *text = NULL;
    order_validation_t stored_order = op->app->validation;
    stored_order.paid_amount_may_differ = true; /* after an edit of its lines */
    if (!order_parse(merged, &stored_order, &in, &errs)) {
        svc_take_errors(&op->result, &errs);
        e = svc_fail(&op->result, ORDO_E_VALIDATION, "the corrected order has invalid fields");
    } else if (!(text = order_doc_build(&in))) {
        e = ORDO_E_STORE;
    }
    json_t *stored = text ? json_loads(text, 0, NULL) : NULL;
    char changes[1024] = "";
    if (stored) {
        static const char *const objects[] = {"buyer", "address"};
        for (int o = 0; o < 2; o++) {
            const char *const *keys = o == 0 ? BUYER_KEYS : ADDRESS_KEYS;
            for (; *keys; keys++) {
                char field[48];
                snprintf(field, sizeof field, "%s.%s", objects[o], *keys);
                note_change(changes, sizeof changes, field,
                            json_object_get(json_object_get(rec.doc, objects[o]), *keys),
                            json_object_get(json_object_get(stored, objects[o]), *keys));
            }
        }
        note_change(changes, sizeof changes, "remark", json_object_get(rec.doc, "remark"),
                    json_object_get(stored, "remark"));
    }
    if (e == ORDO_E_OK && changes[0]) {
        char address_key[RULES_ADDRESS_KEY_MAX + 1];
        bool has_key = rules_order_key(&in, RULES_KEY_ADDRESS, address_key, sizeof address_key);
        rc = s->vt->order_update_doc(s, rec.id, text, in.phone_normalized, in.address.province_code,
                                     has_key ? address_key : NULL, op->now_ms);
        if (rc == STORE_OK)
            rc = timeline_note(s, rec.id, rec.order_no, op->actor, "edited", changes, op->now_ms);
        if (rc != STORE_OK)
            e = ORDO_E_STORE;
    }
    if (text)
        order_input_free(&in);
    free(text);
    json_decref(stored);
    json_decref(merged);
    order_rec_clear(&rec);
    return e;
}

static void patch_finish(svc_op_t *op) {
    order_view_finish(op, ((patch_op_t *)op)->order_no);
}

static void patch_destroy(svc_op_t *op) {
    json_decref(((patch_op_t *)op)->patch);
}

svc_op_t *order_patch_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                         svc_result_t *immediate) {
    field_errors_t *e = svc_errors(immediate);
    if (!fields_require_object(body, "the correction is invalid", immediate))
        return NULL;
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        const char *const *keys = strcmp(k, "buyer") == 0     ? BUYER_KEYS
                                  : strcmp(k, "address") == 0 ? ADDRESS_KEYS
                                                              : NULL;
        if (strcmp(k, "remark") == 0) {
            if (!json_is_string(v) && !json_is_null(v))
                field_errors_add(e, "remark", "wrong_type", "remark is a string or null");
        } else if (!keys) {
            field_errors_add(e, k, "not_editable",
                             "%s cannot be corrected: only buyer, address and remark can", k);
        } else if (!json_is_object(v)) {
            field_errors_add(e, k, "wrong_type", "%s must be an object", k);
        } else {
            const char *inner;
            json_t *iv;
            json_object_foreach(v, inner, iv) {
                if (!listed(keys, inner))
                    field_errors_add(e, k, "not_editable", "%s.%s cannot be corrected", k, inner);
            }
        }
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the correction is invalid; nothing changed");
        return NULL;
    }
    patch_op_t *p = (patch_op_t *)svc_op_alloc(sizeof *p, app, actor);
    if (!p) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    p->op.run = patch_run;
    p->op.finish = patch_finish;
    p->op.destroy = patch_destroy;
    snprintf(p->order_no, sizeof p->order_no, "%s", order_no);
    p->patch = json_incref(body);
    return &p->op;
}
