#include "svc/after_sales_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/order.h"
#include "svc/fields.h"

#define SETTINGS_KEY "policy"
#define PROVIDER_KEY "refund_provider"

static const as_state_t SLA_STATES[] = {AS_REQUESTED, AS_APPROVED, AS_RETURN_IN_TRANSIT,
                                        AS_RECEIVED, AS_INSPECTED};
#define N_SLA_STATES (sizeof SLA_STATES / sizeof SLA_STATES[0])

static json_t *defaults(void) {
    json_t *windows = json_object(), *sla = json_object();
    for (int t = 0; t < AS__TYPE_COUNT; t++)
        json_object_set_new(windows, as_type_name((as_type_t)t),
                            json_integer(as_default_window_days((as_type_t)t)));
    for (size_t i = 0; i < N_SLA_STATES; i++)
        json_object_set_new(sla, as_state_name(SLA_STATES[i]),
                            json_integer(as_default_sla_hours(SLA_STATES[i])));
    return json_pack("{s:o, s:o, s:{s:i}}", "windows_days", windows, "sla_hours", sla,
                     "commission_bp", "default", 0);
}

json_t *as_settings_load(store_t *s) {
    json_t *eff = defaults();
    char *text = NULL;
    int rc = s->vt->after_sales->config_get(s, SETTINGS_KEY, &text);
    if (rc == STORE_OK) {
        json_t *stored = json_loads(text, 0, NULL);
        const char *key;
        json_t *v;
        json_object_foreach(stored, key, v) {
            json_t *into = json_object_get(eff, key);
            if (json_is_object(into) && json_is_object(v))
                json_object_update(into, v);
        }
        json_decref(stored);
    }
    free(text);
    if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
        json_decref(eff);
        return NULL;
    }
    return eff;
}

int as_settings_window_days(json_t *settings, as_type_t t) {
    return (int)json_integer_value(
        json_object_get(json_object_get(settings, "windows_days"), as_type_name(t)));
}

int64_t as_settings_deadline(json_t *settings, as_state_t state, int64_t now_ms) {
    json_int_t hours = json_integer_value(
        json_object_get(json_object_get(settings, "sla_hours"), as_state_name(state)));
    return hours > 0 && !as_state_is_final(state) ? now_ms + (int64_t)hours * 3600000 : 0;
}

int32_t as_settings_commission_bp(json_t *settings, const char *channel) {
    json_t *rates = json_object_get(settings, "commission_bp");
    json_t *v = json_object_get(rates, channel);
    return (int32_t)json_integer_value(v ? v : json_object_get(rates, "default"));
}

void as_settings_get(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *eff = s ? as_settings_load(s) : NULL;
    if (!eff) {
        svc_fail(r, ORDO_E_STORE, "cannot read the after-sales settings");
        return;
    }
    svc_ok(r, 200, eff);
}

typedef struct {
    svc_op_t op;
    char *key;
    json_t *patch; /* settings: merged into the stored document; provider: replaces it */
} config_op_t;

static ordo_err_t config_run(store_t *s, svc_op_t *op) {
    config_op_t *x = (config_op_t *)op;
    json_t *doc = NULL;
    if (strcmp(x->key, SETTINGS_KEY) == 0) {
        /* Only what was ever set is stored, so later defaults still apply to the rest. */
        char *text = NULL;
        int rc = s->vt->after_sales->config_get(s, SETTINGS_KEY, &text);
        if (rc != STORE_OK && rc != STORE_NOT_FOUND)
            return ORDO_E_STORE;
        doc = text ? json_loads(text, 0, NULL) : NULL;
        free(text);
        if (!doc)
            doc = json_object();
        const char *key;
        json_t *v;
        json_object_foreach(x->patch, key, v) {
            json_t *into = json_object_get(doc, key);
            if (!into)
                json_object_set_new(doc, key, json_object());
            json_object_update(json_object_get(doc, key), v);
        }
    } else {
        doc = json_incref(x->patch);
    }
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    int rc =
        text ? s->vt->after_sales->config_put(s, x->key, text, op->actor, op->now_ms) : STORE_ERROR;
    free(text);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    if (strcmp(x->key, SETTINGS_KEY) == 0) {
        json_t *eff = as_settings_load(s);
        if (!eff)
            return ORDO_E_STORE;
        svc_ok(&op->result, 200, eff);
    } else {
        json_t *shown = json_deep_copy(x->patch);
        static const char *const secrets[] = {"secret"};
        fields_mask_secrets(shown, secrets, 1);
        svc_ok(&op->result, 200, shown);
    }
    return ORDO_E_OK;
}

static void config_destroy(svc_op_t *op) {
    config_op_t *x = (config_op_t *)op;
    free(x->key);
    json_decref(x->patch);
}

static svc_op_t *config_op(app_t *app, const char *key, json_t *patch, const char *actor,
                           svc_result_t *immediate) {
    config_op_t *x = (config_op_t *)svc_op_alloc(sizeof *x, app, actor);
    if (!x || !(x->key = strdup(key))) {
        svc_op_free(x ? &x->op : NULL);
        json_decref(patch);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    x->op.run = config_run;
    x->op.destroy = config_destroy;
    x->patch = patch;
    return &x->op;
}

/* One member of the settings: an object of non-negative integers, each key one of `known`. */
static json_t *checked_section(json_t *body, const char *section, bool (*known)(const char *),
                               const char *known_words, int64_t max, field_errors_t *errs) {
    json_t *obj = json_object_get(body, section);
    if (!obj)
        return NULL;
    if (!json_is_object(obj)) {
        field_errors_add(errs, section, "wrong_type", "%s must be an object", section);
        return NULL;
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        char field[96];
        snprintf(field, sizeof field, "%s.%s", section, key);
        if (!known(key))
            field_errors_add(errs, field, "unknown_key", "no %s '%s': one of %s", section, key,
                             known_words);
        else if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
            field_errors_add(errs, field, "out_of_range", "%s must be an integer 0..%lld", field,
                             (long long)max);
    }
    return obj;
}

static bool known_type(const char *k) {
    return as_type_from_name(k) >= 0;
}

static bool known_sla_state(const char *k) {
    int st = as_state_from_name(k);
    for (size_t i = 0; st >= 0 && i < N_SLA_STATES; i++)
        if (SLA_STATES[i] == (as_state_t)st)
            return true;
    return false;
}

static bool known_channel(const char *k) {
    return strcmp(k, "default") == 0 || channel_from_name(k) >= 0;
}

svc_op_t *as_settings_put_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate) {
    if (!fields_require_object(body, "the settings are invalid", immediate))
        return NULL;
    field_errors_t *errs = svc_errors(immediate);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "windows_days") && strcmp(key, "sla_hours") && strcmp(key, "commission_bp"))
            field_errors_add(errs, key, "unknown_key",
                             "no setting '%s': windows_days, sla_hours or commission_bp", key);
    }
    checked_section(body, "windows_days", known_type, AS_TYPE_NAMES, 3650, errs);
    checked_section(body, "sla_hours", known_sla_state,
                    "requested, approved, return_in_transit, received, inspected", 8760, errs);
    checked_section(body, "commission_bp", known_channel, "default or a channel", 10000, errs);
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the settings are invalid; nothing changed");
        return NULL;
    }
    return config_op(app, SETTINGS_KEY, json_deep_copy(body), actor, immediate);
}

void refund_provider_get(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    char *text = NULL;
    int rc = s ? s->vt->after_sales->config_get(s, PROVIDER_KEY, &text) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no refund provider is configured");
        return;
    }
    json_t *doc = rc == STORE_OK ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!doc) {
        svc_fail(r, ORDO_E_STORE, "cannot read the refund provider");
        return;
    }
    static const char *const secrets[] = {"secret"};
    fields_mask_secrets(doc, secrets, 1);
    svc_ok(r, 200, doc);
}

svc_op_t *refund_provider_put_op(app_t *app, json_t *body, const char *actor,
                                 svc_result_t *immediate) {
    if (!fields_require_object(body, "the refund provider is invalid", immediate))
        return NULL;
    field_errors_t *errs = svc_errors(immediate);
    const char *url = field_string(body, "url", true, 1024, errs);
    if (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        field_errors_add(errs, "url", "invalid_url", "url must be an http(s) URL");
    const char *secret = field_string(body, "secret", true, 256, errs);
    if (secret && !*secret)
        field_errors_add(errs, "secret", "required", "secret signs every refund request");
    int64_t timeout = field_int(body, "timeout_ms", false, 100, 60000, 10000, errs);
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "url") && strcmp(key, "secret") && strcmp(key, "timeout_ms"))
            field_errors_add(errs, key, "unknown_key", "no setting '%s': url, secret, timeout_ms",
                             key);
    }
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the refund provider is invalid; nothing changed");
        return NULL;
    }
    json_t *doc = json_pack("{s:s, s:s, s:I}", "url", url, "secret", secret, "timeout_ms",
                            (json_int_t)timeout);
    return config_op(app, PROVIDER_KEY, doc, actor, immediate);
}
