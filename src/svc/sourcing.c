#include "svc/sourcing.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/fields.h"
#include "util/file.h"

static sourcing_distances_t *distances;
static const sourcing_estimator_source_t *_Atomic estimator_source;

/* The merchant's policy as the writer thread last loaded it; `wanted` moves when a PUT is
 * durable, so the next plan reloads it (no read per order). */
static sourcing_policy_t writer_policy;
static int64_t writer_loaded;
static atomic_int_fast64_t wanted = 1;

int sourcing_start(char *err, size_t err_len) {
    char path[4096];
    if (data_path("distance/province_capitals.csv", path, sizeof path) != 0) {
        snprintf(err, err_len,
                 "data file distance/province_capitals.csv not found (set "
                 "ORDO_DATA_DIR)");
        return -1;
    }
    char *csv = file_read_all(path, NULL);
    sourcing_distances_t *d = csv ? malloc(sizeof *d) : NULL;
    int rc = d ? sourcing_distances_parse(csv, d, err, err_len) : -1;
    if (!csv)
        snprintf(err, err_len, "cannot read %s", path);
    free(csv);
    if (rc != 0) {
        free(d);
        return -1;
    }
    free(distances);
    distances = d;
    writer_loaded = 0;
    atomic_fetch_add(&wanted, 1);
    return 0;
}

void sourcing_stop(void) {
    free(distances);
    distances = NULL;
}

int32_t sourcing_province_km(int from_province, int to_province) {
    return sourcing_km(distances, from_province * 10000, to_province * 10000);
}

void sourcing_set_estimator(const sourcing_estimator_source_t *src) {
    atomic_store(&estimator_source, src);
}

int sourcing_policy_load(store_t *s, sourcing_policy_t *out) {
    sourcing_policy_default(out);
    char *text = NULL;
    int rc = s->vt->allocation_policy_get(s, &text);
    if (rc == STORE_NOT_FOUND)
        return STORE_OK;
    if (rc != STORE_OK)
        return rc;
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    field_errors_t errs;
    errs.count = errs.dropped = 0;
    /* Stored only after validation: a row that no longer parses keeps the default. */
    if (doc && !sourcing_policy_from_json(doc, out, &errs))
        sourcing_policy_default(out);
    json_decref(doc);
    return STORE_OK;
}

int sourcing_setup(store_t *s, const sourcing_policy_t *override, sourcing_inputs_t *in) {
    in->distances = distances;
    in->estimator = NULL;
    in->source = NULL;
    if (override) {
        in->policy = *override;
    } else {
        int64_t want = atomic_load(&wanted);
        if (writer_loaded != want) {
            int rc = sourcing_policy_load(s, &writer_policy);
            if (rc != STORE_OK)
                return rc;
            writer_loaded = want;
        }
        in->policy = writer_policy;
    }
    in->source = atomic_load(&estimator_source);
    if (in->source)
        in->estimator = in->source->acquire(in->source->ctx);
    return STORE_OK;
}

void sourcing_release(sourcing_inputs_t *in) {
    if (in->source && in->estimator)
        in->source->release(in->source->ctx, in->estimator);
    in->estimator = NULL;
    in->source = NULL;
}

static const char *const weight_keys[] = {"distance", "cost", "speed", "safety", "priority"};

static double *weight_slot(sourcing_weights_t *w, int i) {
    double *slots[] = {&w->distance, &w->cost, &w->speed, &w->safety, &w->priority};
    return slots[i];
}

bool sourcing_policy_from_json(json_t *body, sourcing_policy_t *out, field_errors_t *e) {
    int before = e->count;
    sourcing_policy_default(out);
    const char *kind = field_string(body, "policy", true, 32, e);
    if (kind && !sourcing_kind_parse(kind, &out->kind))
        field_errors_add(e, "policy", "invalid_value",
                         "policy is one of nearest, cheapest, fastest, weighted");
    json_t *weights = json_object_get(body, "weights");
    if (weights && !json_is_null(weights) && !json_is_object(weights))
        field_errors_add(e, "weights", "wrong_type",
                         "weights is an object {distance, cost, speed, safety, priority}");
    if (json_is_object(weights)) {
        const char *key;
        json_t *v;
        json_object_foreach(weights, key, v) {
            int i = 0;
            while (i < 5 && strcmp(weight_keys[i], key) != 0)
                i++;
            char field[48];
            snprintf(field, sizeof field, "weights.%.30s", key);
            if (i == 5)
                field_errors_add(e, field, "unknown_field",
                                 "the weights are distance, cost, speed, safety, priority");
            else if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1000)
                field_errors_add(e, field, "out_of_range", "a weight is a number from 0 to 1000");
            else
                *weight_slot(&out->weights, i) = json_number_value(v);
        }
        const sourcing_weights_t *w = &out->weights;
        if (e->count == before && w->distance + w->cost + w->speed + w->safety + w->priority <= 0)
            field_errors_add(e, "weights", "out_of_range", "at least one weight is above 0");
    }
    return e->count == before;
}

json_t *sourcing_policy_to_json(const sourcing_policy_t *p) {
    const sourcing_weights_t *w = &p->weights;
    return json_pack("{s:s, s:{s:f, s:f, s:f, s:f, s:f}}", "policy", sourcing_kind_name(p->kind),
                     "weights", "distance", w->distance, "cost", w->cost, "speed", w->speed,
                     "safety", w->safety, "priority", w->priority);
}

void sourcing_policy_get(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    sourcing_policy_t p;
    if (!s || sourcing_policy_load(s, &p) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the allocation policy");
        return;
    }
    svc_ok(r, 200, sourcing_policy_to_json(&p));
}

typedef struct {
    svc_op_t op;
    char *text;
} policy_op_t;

static ordo_err_t policy_put_run(store_t *s, svc_op_t *op) {
    return s->vt->allocation_policy_put(s, ((policy_op_t *)op)->text, op->actor, op->now_ms) ==
                   STORE_OK
               ? ORDO_E_OK
               : ORDO_E_STORE;
}

static void policy_put_finish(svc_op_t *op) {
    if (op->result.err != ORDO_E_OK)
        return;
    atomic_fetch_add(&wanted, 1); /* durable now: the writer's next plan uses it */
    sourcing_policy_get(op->app, &op->result);
}

static void policy_put_destroy(svc_op_t *op) {
    free(((policy_op_t *)op)->text);
}

svc_op_t *sourcing_policy_put_op(app_t *app, json_t *body, const char *actor,
                                 svc_result_t *immediate) {
    if (!fields_require_object(body, "the allocation policy is invalid; nothing changed",
                               immediate))
        return NULL;
    sourcing_policy_t p;
    if (!sourcing_policy_from_json(body, &p, svc_errors(immediate))) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the allocation policy is invalid; nothing changed");
        return NULL;
    }
    json_t *doc = sourcing_policy_to_json(&p);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    policy_op_t *op = text ? (policy_op_t *)svc_op_alloc(sizeof *op, app, actor) : NULL;
    if (!op) {
        free(text);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    op->op.run = policy_put_run;
    op->op.finish = policy_put_finish;
    op->op.destroy = policy_put_destroy;
    op->text = text;
    return &op->op;
}
