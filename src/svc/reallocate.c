#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/allocation_decision.h"
#include "svc/fields.h"
#include "svc/sourcing.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

/* Re-allocation before picking: the order's lines planned again (by another policy, or from
 * one warehouse chosen by hand) with what it holds counted as its own, and its reservations
 * moved to the new plan in the writer's transaction (alloc_replan), so the ledger stays
 * balanced and nothing is half moved. */

typedef struct {
    svc_op_t op;
    char order_no[40];
    bool has_policy;
    sourcing_policy_t policy;
    char warehouse[ORDO_CODE_MAX + 1];
    char reason[ORDO_REASON_MAX + 1];
    alloc_job_t *job;
    sku_set_t *freed;
} realloc_op_t;

/* The order's lines from its stored document, into job. */
static void job_from_order(alloc_job_t *job, const order_rec_t *rec, int64_t now) {
    job->order_id = rec->id;
    job->splittable = rec->splittable;
    job->province_code = rec->province_code;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(rec->doc, "items"), i, item) {
        if (i >= ORDO_ORDER_LINES_MAX)
            break;
        job->line_no[i] = (int)json_integer_value(json_object_get(item, "line"));
        job->sku[i] = json_string_value(json_object_get(item, "sku"));
        job->want[i] = (int32_t)json_integer_value(json_object_get(item, "qty"));
        job->n_lines = (int)i + 1;
    }
    int32_t day;
    const char *date = json_string_value(json_object_get(rec->doc, "requested_delivery_date"));
    if (date && date_parse(date, &day))
        alloc_job_requested_day(job, day, now);
}

static int units_short(store_t *s, int64_t order_id, int64_t *missing) {
    shortage_t sh[ORDO_ORDER_LINES_MAX];
    int n = 0;
    int rc = s->vt->shortages_of_order(s, order_id, sh, ORDO_ORDER_LINES_MAX, &n);
    *missing = 0;
    for (int i = 0; i < n; i++)
        *missing += sh[i].missing;
    return rc;
}

static ordo_err_t realloc_run(store_t *s, svc_op_t *op) {
    realloc_op_t *p = (realloc_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, p->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", p->order_no);
    ordo_err_t e = ORDO_E_STORE;
    if (rc != STORE_OK)
        goto out;
    if (!lifecycle_editable(rec.status)) {
        e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                     "order %s is %s: it can be re-allocated only before picking starts "
                     "(pending_payment, pending_review, approved)",
                     rec.order_no, order_status_name(rec.status));
        goto out;
    }
    if (p->warehouse[0]) {
        json_t *probe = NULL;
        rc = s->vt->warehouse_get(s, p->warehouse, &probe);
        json_decref(probe);
        if (rc == STORE_NOT_FOUND) {
            field_errors_add(svc_errors(&op->result), "warehouse", "unknown_warehouse",
                             "no warehouse '%s'", p->warehouse);
            e = svc_fail(&op->result, ORDO_E_VALIDATION, "the re-allocation is invalid");
            goto out;
        }
        if (rc != STORE_OK)
            goto out;
    }
    alloc_job_t *job = p->job;
    job_from_order(job, &rec, op->now_ms);
    job->policy = p->has_policy ? &p->policy : NULL;
    snprintf(job->only_warehouse, sizeof job->only_warehouse, "%s", p->warehouse);
    job->actor = op->actor;
    job->catalog = op->app->sellable;
    int64_t short_before = 0, short_after = 0;
    rc = units_short(s, rec.id, &short_before);
    if (rc == STORE_OK)
        rc = alloc_replan(s, job, "reallocate", op->now_ms, p->freed);
    if (rc != STORE_OK)
        goto out;
    for (int l = 0; l < job->n_lines; l++)
        short_after += job->short_qty[l];
    if (short_after > short_before) {
        /* The run fails, so its savepoint rolls every move back. */
        e = svc_fail(&op->result, ORDO_E_CONFLICT,
                     "re-allocating order %s%s%s would leave %lld unit%s short (now %lld); "
                     "nothing changed",
                     rec.order_no, p->warehouse[0] ? " to " : "", p->warehouse,
                     (long long)short_after, short_after == 1 ? "" : "s", (long long)short_before);
        goto out;
    }
    char msg[ORDO_REASON_MAX + 420], reason[400];
    const char *codes[ALLOC_WAREHOUSES_MAX];
    for (int i = 0; i < job->decision->n_candidates; i++)
        codes[i] = job->wh_codes[i];
    sourcing_reason(job->decision, &job->policy_used, codes, reason, sizeof reason);
    snprintf(msg, sizeof msg, "re-allocated (%s): %s", p->reason, reason);
    rc = timeline_note(s, rec.id, rec.order_no, op->actor, "allocation", msg, op->now_ms);
    if (rc == STORE_OK && short_after == 0)
        rc = alloc_mark_whole(s, &rec, op->actor, "every unit reserved after re-allocation",
                              op->now_ms);
    if (rc == STORE_OK)
        rc = alloc_refill(s, p->freed, "system", op->now_ms);
    if (rc == STORE_OK) {
        svc_ok(&op->result, 200, NULL);
        e = ORDO_E_OK;
    }
out:
    order_rec_clear(&rec);
    return e;
}

static void realloc_finish(svc_op_t *op) {
    if (op->result.err == ORDO_E_OK)
        alloc_decision_get(op->app, ((realloc_op_t *)op)->order_no, &op->result);
}

static void realloc_destroy(svc_op_t *op) {
    realloc_op_t *p = (realloc_op_t *)op;
    if (p->job)
        alloc_job_clear(p->job);
    free(p->job);
    free(p->freed);
}

svc_op_t *alloc_reallocate_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                              svc_result_t *immediate) {
    if (!fields_require_object(body, "the re-allocation is invalid; nothing changed", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    sourcing_policy_t policy;
    sourcing_policy_default(&policy);
    bool has_policy = json_object_get(body, "policy") != NULL;
    if (has_policy)
        sourcing_policy_from_json(body, &policy, e);
    else if (json_object_get(body, "weights"))
        field_errors_add(e, "weights", "invalid_value", "weights go with a policy");
    const char *warehouse = field_string(body, "warehouse", false, ORDO_CODE_MAX, e);
    if (warehouse && !code_is_valid(warehouse))
        field_errors_add(e, "warehouse", "invalid_code", "invalid warehouse code");
    if (warehouse && has_policy)
        field_errors_add(e, "warehouse", "invalid_value",
                         "give either a policy or a warehouse, not both");
    const char *reason = field_string(body, "reason", true, ORDO_REASON_MAX, e);
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the re-allocation is invalid; nothing changed");
        return NULL;
    }
    realloc_op_t *p = (realloc_op_t *)svc_op_alloc(sizeof *p, app, actor);
    if (p) {
        p->op.run = realloc_run;
        p->op.finish = realloc_finish;
        p->op.destroy = realloc_destroy;
        p->job = calloc(1, sizeof *p->job);
        p->freed = calloc(1, sizeof *p->freed);
    }
    if (!p || !p->job || !p->freed) {
        svc_op_free(p ? &p->op : NULL);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    snprintf(p->order_no, sizeof p->order_no, "%s", order_no);
    p->has_policy = has_policy;
    p->policy = policy;
    snprintf(p->warehouse, sizeof p->warehouse, "%s", warehouse ? warehouse : "");
    snprintf(p->reason, sizeof p->reason, "%s", reason);
    return &p->op;
}
