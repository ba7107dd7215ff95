#include "core/errors.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
    const char *code;
    int status;
    const char *title;
} error_table[] = {
#define ERR(name, code, status, title) {code, status, title},
#include "core/error.def"
#undef ERR
};

const char *ordo_err_code(ordo_err_t e) {
    return error_table[e].code;
}

int ordo_err_status(ordo_err_t e) {
    return error_table[e].status;
}

const char *ordo_err_title(ordo_err_t e) {
    return error_table[e].title;
}

void field_path(char *out, size_t out_len, const char *prefix, const char *key) {
    if (prefix && *prefix)
        snprintf(out, out_len, "%s.%s", prefix, key);
    else
        snprintf(out, out_len, "%s", key);
}

void field_errors_add(field_errors_t *errs, const char *field, const char *code, const char *fmt,
                      ...) {
    if (!errs)
        return; /* the list itself could not be allocated: the status still says 422 */
    if (errs->count >= FIELD_ERRORS_MAX) {
        errs->dropped++;
        return;
    }
    field_error_t *fe = &errs->items[errs->count++];
    snprintf(fe->field, sizeof fe->field, "%s", field);
    fe->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fe->message, sizeof fe->message, fmt, ap);
    va_end(ap);
}
