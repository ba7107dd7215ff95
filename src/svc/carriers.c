/* Carriers as data, and the pools their tracking numbers come from. */
#include "svc/carriers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/carrier_quotes.h"
#include "svc/fields.h"

/* A batch of tracking numbers: what one request may add (a carrier issues them by the
 * thousand; bigger batches are several requests). */
#define TRACKING_BATCH_MAX 10000

/* ---- the pool: the default source ---- */

static int pool_next(const tracking_source_t *src, store_t *s, const carrier_t *c,
                     int64_t parcel_id, int64_t now, char out[48]) {
    (void)src;
    return s->vt->tracking_take(s, c->code, parcel_id, now, out);
}

static int pool_available(const tracking_source_t *src, store_t *s, const carrier_t *c,
                          int64_t *n) {
    (void)src;
    return s->vt->tracking_available(s, c->code, n);
}

static const tracking_source_t pool_source = {pool_next, pool_available};

const tracking_source_t *tracking_source_for(const carrier_t *c) {
    (void)c;
    return &pool_source;
}

/* ---- settings ---- */

typedef struct {
    svc_op_t op;
    char code[CARRIER_CODE_MAX + 1];
    char *config;
} carrier_op_t;

static ordo_err_t carrier_put_run(store_t *s, svc_op_t *op) {
    carrier_op_t *c = (carrier_op_t *)op;
    char *before = NULL;
    int rc = s->vt->carrier_get(s, c->code, &before);
    free(before);
    if (rc != STORE_OK && rc != STORE_NOT_FOUND)
        return ORDO_E_STORE;
    if (s->vt->carrier_put(s, c->code, c->config, op->actor, op->now_ms) != STORE_OK)
        return ORDO_E_STORE;
    op->result.http_status = rc == STORE_NOT_FOUND ? 201 : 200;
    return ORDO_E_OK;
}

static void carrier_put_finish(svc_op_t *op) {
    if (op->result.err != ORDO_E_OK)
        return;
    /* Durable now: plans from here on price with the new rate card. */
    carrier_quotes_reload(app_reader(op->app));
    int status = op->result.http_status;
    carrier_get(op->app, ((carrier_op_t *)op)->code, &op->result);
    if (op->result.err == ORDO_E_OK)
        op->result.http_status = status;
}

static void carrier_put_destroy(svc_op_t *op) {
    free(((carrier_op_t *)op)->config);
}

svc_op_t *carrier_put_op(app_t *app, const char *code, json_t *body, const char *actor,
                         svc_result_t *immediate) {
    if (!fields_require_object(body, "the carrier settings are invalid", immediate))
        return NULL;
    if (!code_is_valid(code) || strlen(code) > CARRIER_CODE_MAX) {
        field_errors_add(svc_errors(immediate), "code", "out_of_range",
                         "a carrier code has 1..%d of A-Z a-z 0-9 . _ -", CARRIER_CODE_MAX);
        svc_fail(immediate, ORDO_E_VALIDATION, "the carrier code is invalid");
        return NULL;
    }
    carrier_t parsed;
    field_errors_t errs;
    errs.count = errs.dropped = 0;
    bool ok = carrier_parse(code, body, &parsed, &errs);
    carrier_free(&parsed);
    if (!ok) {
        svc_take_errors(immediate, &errs);
        svc_fail(immediate, ORDO_E_VALIDATION, "the carrier settings are invalid; nothing changed");
        return NULL;
    }
    char *text = json_dumps(body, JSON_COMPACT);
    carrier_op_t *op = text ? (carrier_op_t *)svc_op_alloc(sizeof *op, app, actor) : NULL;
    if (!op) {
        free(text);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    op->op.run = carrier_put_run;
    op->op.finish = carrier_put_finish;
    op->op.destroy = carrier_put_destroy;
    snprintf(op->code, sizeof op->code, "%s", code);
    op->config = text;
    return &op->op;
}

/* The settings as stored, with the code and how many tracking numbers are left. */
static json_t *carrier_view(store_t *s, const char *code, const char *config_text) {
    json_t *view = json_loads(config_text, 0, NULL);
    if (!json_is_object(view)) {
        json_decref(view);
        return NULL;
    }
    json_object_set_new(view, "code", json_string(code));
    int64_t available = 0;
    if (s->vt->tracking_available(s, code, &available) == STORE_OK)
        json_object_set_new(view, "tracking_available", json_integer(available));
    return view;
}

void carrier_get(app_t *app, const char *code, svc_result_t *r) {
    store_t *s = app_reader(app);
    char *text = NULL;
    int rc = s ? s->vt->carrier_get(s, code, &text) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no carrier '%s'", code);
        return;
    }
    json_t *view = rc == STORE_OK ? carrier_view(s, code, text) : NULL;
    free(text);
    if (!view) {
        svc_fail(r, ORDO_E_STORE, "cannot read carrier '%s'", code);
        return;
    }
    svc_ok(r, 200, view);
}

void carrier_list(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *rows = NULL;
    if (!s || s->vt->carriers_all(s, &rows) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the carriers");
        return;
    }
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *view = carrier_view(s, json_string_value(json_object_get(row, "code")),
                                    json_string_value(json_object_get(row, "config")));
        if (view)
            json_array_append_new(items, view);
    }
    json_decref(rows);
    svc_ok(r, 200, json_pack("{s:o}", "items", items));
}

int carriers_load(store_t *s, carrier_t **out, int *n) {
    json_t *rows = NULL;
    *out = NULL;
    *n = 0;
    int rc = s->vt->carriers_all(s, &rows);
    if (rc != STORE_OK)
        return rc;
    size_t count = json_array_size(rows);
    carrier_t *list = calloc(count ? count : 1, sizeof *list);
    if (!list) {
        json_decref(rows);
        return STORE_ERROR;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *config = json_loads(json_string_value(json_object_get(row, "config")), 0, NULL);
        field_errors_t errs;
        errs.count = errs.dropped = 0;
        carrier_t *c = &list[*n];
        if (config &&
            carrier_parse(json_string_value(json_object_get(row, "code")), config, c, &errs))
            (*n)++;
        else
            carrier_free(c);
        json_decref(config);
    }
    json_decref(rows);
    *out = list;
    return STORE_OK;
}

void carriers_free(carrier_t *c, int n) {
    for (int i = 0; i < n; i++)
        carrier_free(&c[i]);
    free(c);
}

/* ---- tracking numbers ---- */

typedef struct {
    svc_op_t op;
    char code[CARRIER_CODE_MAX + 1];
    json_t *numbers;
} tracking_op_t;

static ordo_err_t tracking_add_run(store_t *s, svc_op_t *op) {
    tracking_op_t *t = (tracking_op_t *)op;
    char *config_text = NULL;
    int rc = s->vt->carrier_get(s, t->code, &config_text);
    json_t *config = rc == STORE_OK ? json_loads(config_text, 0, NULL) : NULL;
    free(config_text);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no carrier '%s'", t->code);
    carrier_t c;
    field_errors_t errs;
    errs.count = errs.dropped = 0;
    bool parsed = config && carrier_parse(t->code, config, &c, &errs);
    json_decref(config);
    if (!parsed) {
        carrier_free(&c);
        return ORDO_E_STORE;
    }
    /* Checked here, against the settings the writer sees, so a format changed meanwhile
     * cannot let a wrong number in. */
    field_errors_t *e = svc_errors(&op->result);
    size_t i;
    json_t *v;
    json_array_foreach(t->numbers, i, v) {
        if (!carrier_tracking_valid(&c, json_string_value(v))) {
            char field[32];
            snprintf(field, sizeof field, "numbers[%zu]", i);
            field_errors_add(e, field, "invalid_tracking_no",
                             "'%s' is not a %s tracking number (its format%s)",
                             json_string_value(v), c.code,
                             c.check == TRACKING_CHECK_S10 ? " or S10 check digit" : "");
        }
    }
    carrier_free(&c);
    if (svc_error_count(&op->result))
        return svc_fail(&op->result, ORDO_E_VALIDATION,
                        "some numbers are not %s tracking numbers; nothing was added", t->code);
    int64_t added = 0, present = 0, available = 0;
    json_array_foreach(t->numbers, i, v) {
        rc = s->vt->tracking_add(s, t->code, json_string_value(v), op->now_ms);
        if (rc == STORE_CONFLICT)
            present++;
        else if (rc == STORE_OK)
            added++;
        else
            return ORDO_E_STORE;
    }
    if (s->vt->tracking_available(s, t->code, &available) != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:I, s:I, s:I}", "carrier", t->code, "added", (json_int_t)added,
                     "already_present", (json_int_t)present, "available", (json_int_t)available));
    return ORDO_E_OK;
}

static void tracking_add_destroy(svc_op_t *op) {
    json_decref(((tracking_op_t *)op)->numbers);
}

svc_op_t *tracking_add_op(app_t *app, const char *code, json_t *body, const char *actor,
                          svc_result_t *immediate) {
    if (!fields_require_object(body, "the batch is invalid", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    json_t *numbers = json_object_get(body, "numbers");
    if (!json_is_array(numbers) || json_array_size(numbers) == 0 ||
        json_array_size(numbers) > TRACKING_BATCH_MAX) {
        field_errors_add(e, "numbers", "required", "numbers is an array of 1..%d tracking numbers",
                         TRACKING_BATCH_MAX);
    } else {
        size_t i;
        json_t *v;
        json_array_foreach(numbers, i, v) {
            if (!json_is_string(v) || json_string_length(v) == 0 ||
                json_string_length(v) > TRACKING_NO_MAX) {
                char field[32];
                snprintf(field, sizeof field, "numbers[%zu]", i);
                field_errors_add(e, field, "wrong_type", "%s must be a string of 1..%d characters",
                                 field, TRACKING_NO_MAX);
            }
        }
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the batch is invalid; nothing was added");
        return NULL;
    }
    tracking_op_t *op = (tracking_op_t *)svc_op_alloc(sizeof *op, app, actor);
    if (!op) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    op->op.run = tracking_add_run;
    op->op.destroy = tracking_add_destroy;
    snprintf(op->code, sizeof op->code, "%s", code);
    op->numbers = json_incref(numbers);
    return &op->op;
}
