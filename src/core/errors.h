#ifndef ORDO_CORE_ERRORS_H
#define ORDO_CORE_ERRORS_H

#include <stddef.h>

/* API-level error kinds, generated from error.def. */
typedef enum {
#define ERR(name, code, status, title) ORDO_E_##name,
#include "core/error.def"
#undef ERR
    ORDO_E__COUNT
} ordo_err_t;

const char *ordo_err_code(ordo_err_t e);  /* stable machine code, e.g. "validation_failed" */
int ordo_err_status(ordo_err_t e);        /* HTTP status */
const char *ordo_err_title(ordo_err_t e); /* short human title */

/* One problem with one field of a request: `field` is a JSON path such as
 * "items[2].qty", `code` a stable snake_case word, `message` a sentence for people. */
typedef struct {
    char field[64];
    const char *code; /* static string */
    char message[192];
} field_error_t;

#define FIELD_ERRORS_MAX 64

/* Every problem found in one request, so a caller can fix them all in one go. */
typedef struct {
    int count;
    int dropped; /* problems found beyond FIELD_ERRORS_MAX */
    field_error_t items[FIELD_ERRORS_MAX];
} field_errors_t;

/* The path of `key` inside the object at `prefix` ("" or NULL for the top level), cut to fit
 * out: "address.phone", "items[2].qty". */
void field_path(char *out, size_t out_len, const char *prefix, const char *key);

void field_errors_add(field_errors_t *errs, const char *field, const char *code, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

#endif
