#include "svc/fields.h"

#include "core/limits.h"

#include <stdio.h>
#include <string.h>

const char *field_string(json_t *obj, const char *key, bool required, size_t max_len,
                         field_errors_t *errs) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            field_errors_add(errs, key, "required", "%s is required", key);
        return NULL;
    }
    if (!json_is_string(v)) {
        field_errors_add(errs, key, "wrong_type", "%s must be a string", key);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (required && len == 0) {
        field_errors_add(errs, key, "required", "%s must not be empty", key);
        return NULL;
    }
    if (len > max_len) {
        field_errors_add(errs, key, "too_long", "%s is %zu bytes; at most %zu", key, len, max_len);
        return NULL;
    }
    if (strlen(s) != len) {
        field_errors_add(errs, key, "invalid_characters", "%s contains a NUL character", key);
        return NULL;
    }
    return s;
}

int64_t field_int(json_t *obj, const char *key, bool required, int64_t min, int64_t max,
                  int64_t dflt, field_errors_t *errs) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            field_errors_add(errs, key, "required", "%s is required", key);
        return dflt;
    }
    if (!json_is_integer(v)) {
        field_errors_add(errs, key, "wrong_type", "%s must be an integer", key);
        return dflt;
    }
    json_int_t n = json_integer_value(v);
    if (n < min || n > max) {
        field_errors_add(errs, key, "out_of_range", "%s must be between %lld and %lld", key,
                         (long long)min, (long long)max);
        return dflt;
    }
    return n;
}

bool field_bool(json_t *obj, const char *key, bool dflt, field_errors_t *errs) {
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return dflt;
    if (!json_is_boolean(v)) {
        field_errors_add(errs, key, "wrong_type", "%s must be true or false", key);
        return dflt;
    }
    return json_is_true(v);
}

bool code_is_valid(const char *code) {
    size_t n = 0;
    for (const char *p = code; *p; p++, n++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok || n >= ORDO_CODE_MAX)
            return false;
    }
    return n > 0;
}

void fields_mask_secrets(json_t *config, const char *const *keys, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (json_object_get(config, keys[i])) {
            char flag[80];
            snprintf(flag, sizeof flag, "%s_set", keys[i]);
            json_object_del(config, keys[i]);
            json_object_set_new(config, flag, json_true());
        }
}

bool fields_require_object(json_t *body, const char *detail, svc_result_t *r) {
    if (json_is_object(body))
        return true;
    field_errors_add(svc_errors(r), "", "wrong_type", "the body must be a JSON object");
    svc_fail(r, ORDO_E_VALIDATION, "%s", detail);
    return false;
}
