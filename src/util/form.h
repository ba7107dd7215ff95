#ifndef ORDO_UTIL_FORM_H
#define ORDO_UTIL_FORM_H

#include <stdbool.h>
#include <stddef.h>

/* Limits on what form_parse accepts. Payment notifications are a few KiB with a few dozen
 * fields; the caps bound the memory and work a hostile sender can cause. */
#define FORM_MAX_FIELDS 256
#define FORM_MAX_BODY (64 * 1024)

typedef struct {
    const char *key;   /* decoded, NUL-terminated, valid UTF-8 */
    const char *value; /* decoded, NUL-terminated, valid UTF-8; "" for "k=" and bare "k" */
} form_field_t;

/* A parsed application/x-www-form-urlencoded body. Fields keep the order (and the
 * duplicates) of the body; every string lives in `arena`. */
typedef struct {
    form_field_t *fields;
    size_t count;
    char *arena; /* internal: the storage the fields point into */
} form_t;

/* Parses `len` bytes of body: fields split on '&', key and value on the first '=', '+' read
 * as a space, %XX percent-decoded. Empty segments ("a=1&&b=2", a trailing '&') are skipped and
 * a segment without '=' is a key with an empty value, as browsers do. Refused (false), with
 * *out left empty and nothing allocated: a body over FORM_MAX_BODY, more than FORM_MAX_FIELDS
 * fields, a '%' not followed by two hex digits, a decoded key or value that is not valid UTF-8
 * or contains a NUL byte (they are handed on as C strings, so a NUL would silently cut them).
 * On success *out owns its memory: release it with form_free. */
bool form_parse(const char *body, size_t len, form_t *out);

/* The value of the FIRST field named `key`, or NULL if there is none. First wins: a consumer
 * that needs duplicates to be an error (signature checks do) must look at `fields` itself.
 * The string is owned by `form` and lives until form_free. */
const char *form_get(const form_t *form, const char *key);

/* Frees what form_parse allocated and empties *form; safe on an empty or failed form. */
void form_free(form_t *form);

#endif
