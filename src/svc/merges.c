#include "svc/merges.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lifecycle.h"
#include "svc/fields.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

#define MERGE_ORDERS_MIN 2
#define RULE_ACTOR "rules"

static int merge_view(store_t *s, int64_t id, json_t **out) {
    json_t *m = NULL;
    int rc = s->vt->merge->get(s, id, &m);
    if (rc != STORE_OK)
        return rc;
    merge_member_t members[MERGE_MEMBERS_MAX];
    int n = 0;
    rc = s->vt->merge->members(s, id, members, MERGE_MEMBERS_MAX, &n);
    if (rc != STORE_OK) {
        json_decref(m);
        return rc;
    }
    json_t *orders = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(orders, json_string(members[i].order_no));
    json_object_set_new(m, "orders", orders);
    char at[40];
    json_object_set_new(m, "created_at",
                        json_string(rfc3339_format(
                            json_integer_value(json_object_get(m, "created_at")), at, sizeof at)));
    *out = m;
    return STORE_OK;
}

int merge_of_order_json(store_t *s, int64_t order_id, json_t **out) {
    *out = NULL;
    int64_t id = 0;
    int rc = s->vt->merge->of_order(s, order_id, &id);
    if (rc != STORE_OK || !id)
        return rc;
    json_t *full = NULL;
    rc = merge_view(s, id, &full);
    if (rc == STORE_OK)
        *out = json_pack("{s:I, s:O}", "id", (json_int_t)id, "orders",
                         json_object_get(full, "orders"));
    json_decref(full);
    return rc;
}

int merge_shipment_of(store_t *s, int64_t order_id, int64_t *merge_id, merge_member_t *out,
                      int *n) {
    *n = 0;
    int rc = s->vt->merge->of_order(s, order_id, merge_id);
    if (rc != STORE_OK || !*merge_id)
        return rc;
    merge_member_t all[MERGE_MEMBERS_MAX];
    int n_all = 0;
    rc = s->vt->merge->members(s, *merge_id, all, MERGE_MEMBERS_MAX, &n_all);
    for (int i = 0; i < n_all && rc == STORE_OK; i++)
        if (all[i].status != ORDER_CANCELLED)
            out[(*n)++] = all[i];
    return rc;
}

/* Writes the merge of the given orders (checked already) with a note on each timeline. */
static int merge_write(store_t *s, const merge_facts_t *f, int n, bool rule, const char *actor,
                       int64_t now, int64_t *id) {
    int rc = s->vt->merge->insert(s, f[0].warehouse, rule, actor, now, id);
    char note[800];
    int len = snprintf(note, sizeof note, "merged into shipment %lld with", (long long)*id);
    for (int i = 0; i < n && len < (int)sizeof note; i++)
        len += snprintf(note + len, sizeof note - (size_t)len, " %s", f[i].order_no);
    if (rule && len < (int)sizeof note)
        snprintf(note + len, sizeof note - (size_t)len, " (merge rule)");
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        rc = s->vt->merge->member_add(s, *id, f[i].order_id);
        if (rc == STORE_OK)
            rc = timeline_note(s, f[i].order_id, f[i].order_no, actor, "merge", note, now);
    }
    return rc;
}

/* ---- POST /v1/merges ---- */

typedef struct {
    svc_op_t op;
    int n;
    char orders[MERGE_MEMBERS_MAX][40];
    int64_t id;
} create_op_t;

static ordo_err_t create_run(store_t *s, svc_op_t *op) {
    create_op_t *c = (create_op_t *)op;
    merge_facts_t *f = calloc((size_t)c->n, sizeof *f);
    if (!f)
        return ORDO_E_STORE;
    field_errors_t *e = svc_errors(&op->result);
    int rc = STORE_OK;
    for (int i = 0; i < c->n && rc == STORE_OK; i++) {
        char field[32];
        snprintf(field, sizeof field, "orders[%d]", i);
        rc = s->vt->merge->order_facts(s, c->orders[i], &f[i]);
        if (rc == STORE_NOT_FOUND) {
            field_errors_add(e, field, "not_found", "no order %s", c->orders[i]);
            snprintf(f[i].order_no, sizeof f[i].order_no, "%s", c->orders[i]);
            rc = STORE_OK;
            continue;
        }
        const char *code;
        char msg[256];
        if (rc == STORE_OK && merge_refusal(i ? &f[0] : NULL, &f[i], &code, msg, sizeof msg))
            field_errors_add(e, field, code, "%s", msg);
    }
    ordo_err_t out = ORDO_E_OK;
    if (rc == STORE_OK && svc_error_count(&op->result)) {
        out = svc_fail(&op->result, ORDO_E_VALIDATION,
                       "these orders cannot ship together; nothing was merged");
        goto done;
    }
    json_t *view = NULL;
    if (rc == STORE_OK)
        rc = merge_write(s, f, c->n, false, op->actor, op->now_ms, &c->id);
    if (rc == STORE_OK)
        rc = merge_view(s, c->id, &view);
    if (rc == STORE_OK) {
        svc_ok(&op->result, 201, view);
        snprintf(op->result.created, sizeof op->result.created, "%lld", (long long)c->id);
    }
done:
    free(f);
    return rc == STORE_OK ? out : ORDO_E_STORE;
}

svc_op_t *merge_create_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate) {
    if (!fields_require_object(body, "the merge must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    json_t *list = json_object_get(body, "orders");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n < MERGE_ORDERS_MIN || n > MERGE_MEMBERS_MAX)
        field_errors_add(e, "orders", "required", "orders is an array of %d to %d order numbers",
                         MERGE_ORDERS_MIN, MERGE_MEMBERS_MAX);
    create_op_t *c =
        svc_error_count(immediate) ? NULL : (create_op_t *)svc_op_alloc(sizeof *c, app, actor);
    for (size_t i = 0; c && i < n; i++) {
        const char *no = json_string_value(json_array_get(list, i));
        char field[32];
        snprintf(field, sizeof field, "orders[%zu]", i);
        if (!no || !*no || strlen(no) >= sizeof c->orders[0]) {
            field_errors_add(e, field, "wrong_type", "%s must be an order number", field);
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(c->orders[k], no) == 0)
                field_errors_add(e, field, "duplicate", "order %s is listed twice", no);
        snprintf(c->orders[i], sizeof c->orders[i], "%s", no);
    }
    if (svc_error_count(immediate)) {
        if (c)
            svc_op_free(&c->op);
        svc_fail(immediate, ORDO_E_VALIDATION, "the merge is invalid; nothing was merged");
        return NULL;
    }
    if (!c) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    c->op.run = create_run;
    c->n = (int)n;
    return &c->op;
}

/* ---- GET /v1/merges/{id} ---- */

void merge_get(app_t *app, int64_t id, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    json_t *m = NULL;
    s->vt->read_begin(s);
    int rc = merge_view(s, id, &m);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no merge %lld", (long long)id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, m);
}

/* ---- DELETE /v1/merges/{id} ---- */

typedef struct {
    svc_op_t op;
    int64_t id;
} delete_op_t;

static ordo_err_t delete_run(store_t *s, svc_op_t *op) {
    delete_op_t *d = (delete_op_t *)op;
    json_t *view = NULL;
    int rc = merge_view(s, d->id, &view);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no merge %lld", (long long)d->id);
    merge_member_t m[MERGE_MEMBERS_MAX];
    int n = 0;
    if (rc == STORE_OK)
        rc = s->vt->merge->members(s, d->id, m, MERGE_MEMBERS_MAX, &n);
    for (int i = 0; i < n && rc == STORE_OK; i++)
        if (m[i].status != ORDER_APPROVED && m[i].status != ORDER_CANCELLED) {
            json_decref(view);
            return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                            "order %s of merge %lld is %s: a shipment unmerges only before it "
                            "is picked",
                            m[i].order_no, (long long)d->id,
                            order_status_name((order_status_t)m[i].status));
        }
    if (rc == STORE_OK)
        rc = s->vt->merge->remove(s, d->id);
    char note[64];
    snprintf(note, sizeof note, "unmerged from shipment %lld", (long long)d->id);
    for (int i = 0; i < n && rc == STORE_OK; i++)
        if (m[i].status == ORDER_APPROVED)
            rc = timeline_note(s, m[i].order_id, m[i].order_no, op->actor, "merge", note,
                               op->now_ms);
    if (rc != STORE_OK) {
        json_decref(view);
        return ORDO_E_STORE;
    }
    json_object_set_new(view, "unmerged", json_true());
    svc_ok(&op->result, 200, view);
    return ORDO_E_OK;
}

svc_op_t *merge_delete_op(app_t *app, int64_t id, const char *actor, svc_result_t *immediate) {
    delete_op_t *d = (delete_op_t *)svc_op_alloc(sizeof *d, app, actor);
    if (!d) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    d->op.run = delete_run;
    d->id = id;
    return &d->op;
}

/* ---- the merge rule ---- */

static int rule_json(store_t *s, json_t **out) {
    bool enabled = false;
    int64_t at = 0;
    char by[64];
    int rc = s->vt->merge->rule_get(s, &enabled, &at, by);
    if (rc != STORE_OK)
        return rc;
    char text[40];
    *out = json_pack("{s:b, s:o, s:o}", "enabled", enabled, "updated_at",
                     at ? json_string(rfc3339_format(at, text, sizeof text)) : json_null(),
                     "updated_by", by[0] ? json_string(by) : json_null());
    return STORE_OK;
}

void merge_rule_get(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *body = NULL;
    if (!s || rule_json(s, &body) != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the merge rule");
    else
        svc_ok(r, 200, body);
}

typedef struct {
    svc_op_t op;
    bool enabled;
} rule_op_t;

static ordo_err_t rule_put_run(store_t *s, svc_op_t *op) {
    json_t *body = NULL;
    int rc = s->vt->merge->rule_put(s, ((rule_op_t *)op)->enabled, op->actor, op->now_ms);
    if (rc == STORE_OK)
        rc = rule_json(s, &body);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200, body);
    return ORDO_E_OK;
}

svc_op_t *merge_rule_put_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate) {
    if (!fields_require_object(body, "the merge rule must be a JSON object", immediate))
        return NULL;
    json_t *enabled = json_object_get(body, "enabled");
    if (!json_is_boolean(enabled)) {
        field_errors_add(svc_errors(immediate), "enabled", "required", "enabled is true or false");
        svc_fail(immediate, ORDO_E_VALIDATION, "the merge rule is invalid; nothing changed");
        return NULL;
    }
    rule_op_t *op = (rule_op_t *)svc_op_alloc(sizeof *op, app, actor);
    if (!op) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    op->op.run = rule_put_run;
    op->enabled = json_is_true(enabled);
    return &op->op;
}

typedef struct {
    const char *warehouse;
    int n, cap;
    merge_facts_t *f;
    bool oom;
} cands_t;

static void collect(void *ctx, const merge_facts_t *f) {
    cands_t *c = ctx;
    const char *code;
    char msg[256];
    if (c->oom || merge_refusal(NULL, f, &code, msg, sizeof msg) ||
        strcmp(f->warehouse, c->warehouse) != 0)
        return;
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        merge_facts_t *grown = realloc(c->f, sizeof *grown * (size_t)cap);
        if (!grown) {
            c->oom = true;
            return;
        }
        c->f = grown;
        c->cap = cap;
    }
    c->f[c->n++] = *f;
}

int merge_by_rule(store_t *s, const char *warehouse, int64_t now_ms) {
    bool enabled = false;
    int64_t at = 0;
    char by[64];
    int rc = s->vt->merge->rule_get(s, &enabled, &at, by);
    if (rc != STORE_OK || !enabled)
        return rc;
    cands_t c = {.warehouse = warehouse};
    rc = s->vt->merge->candidates(s, warehouse, collect, &c);
    if (c.oom)
        rc = STORE_ERROR;
    int *starts = malloc(sizeof *starts * (size_t)(c.n ? c.n : 1));
    int *sizes = malloc(sizeof *sizes * (size_t)(c.n ? c.n : 1));
    if (!starts || !sizes)
        rc = STORE_ERROR;
    int runs = rc == STORE_OK ? merge_runs(c.f, c.n, MERGE_MEMBERS_MAX, starts, sizes) : 0;
    for (int i = 0; i < runs && rc == STORE_OK; i++) {
        int64_t id = 0;
        rc = merge_write(s, &c.f[starts[i]], sizes[i], true, RULE_ACTOR, now_ms, &id);
    }
    free(starts);
    free(sizes);
    free(c.f);
    return rc;
}
