#include "svc/exceptions.h"

#include <stdio.h>

#include "core/limits.h"
#include "svc/timeline.h"

void exception_list(app_t *app, const char *status, int limit, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *out = NULL;
    if (!s || s->vt->exception_list(s, status, limit, &out) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the exception pool");
        return;
    }
    svc_ok(r, 200, out);
}

typedef struct {
    svc_op_t op;
    int64_t id;
    char note[ORDO_REASON_MAX + 1];
} resolve_op_t;

static ordo_err_t resolve_run(store_t *s, svc_op_t *op) {
    resolve_op_t *x = (resolve_op_t *)op;
    json_t *exc = NULL;
    int rc = s->vt->exception_get(s, x->id, &exc);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no exception %lld", (long long)x->id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    json_decref(exc);
    rc = s->vt->exception_resolve(s, x->id, op->actor, x->note, op->now_ms);
    if (rc == STORE_CONFLICT)
        return svc_fail(&op->result, ORDO_E_CONFLICT, "exception %lld is already resolved",
                        (long long)x->id);
    if (rc != STORE_OK || s->vt->exception_get(s, x->id, &exc) != STORE_OK)
        return ORDO_E_STORE;
    char msg[ORDO_REASON_MAX + 64];
    snprintf(msg, sizeof msg, "exception %s resolved: %s",
             json_string_value(json_object_get(exc, "code")), x->note);
    order_rec_t rec = {0};
    rc = s->vt->order_get(s, 0, json_string_value(json_object_get(exc, "order_no")), &rec);
    if (rc == STORE_OK)
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "exception", msg, op->now_ms);
    order_rec_clear(&rec);
    if (rc != STORE_OK) {
        json_decref(exc);
        return ORDO_E_STORE;
    }
    svc_ok(&op->result, 200, exc);
    return ORDO_E_OK;
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
