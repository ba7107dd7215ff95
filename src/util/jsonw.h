#ifndef ORDO_UTIL_JSONW_H
#define ORDO_UTIL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A JSON text writer for the hot paths (every stored order and every 201 body): appends to
 * one growing buffer with no tree in between. Commas are placed by tracking, per nesting
 * level, whether a value was already written. Strings are escaped per RFC 8259; input
 * strings are valid UTF-8 (they come from jansson, which checks). */
typedef struct {
    char *buf; /* owned; NUL-terminated while !oom */
    size_t len, cap;
    bool oom;
    int depth;
    bool has_item[16];
} jsonw_t;

void jw_init(jsonw_t *w);
/* Hands the text to the caller (who frees it) and resets w; NULL if memory ran out. */
char *jw_take(jsonw_t *w, size_t *len_out);
void jw_free(jsonw_t *w);

void jw_obj_begin(jsonw_t *w);
void jw_obj_end(jsonw_t *w);
void jw_arr_begin(jsonw_t *w);
void jw_arr_end(jsonw_t *w);
void jw_key(jsonw_t *w, const char *key);
void jw_str(jsonw_t *w, const char *s); /* NULL writes null */
void jw_int(jsonw_t *w, int64_t v);
void jw_bool(jsonw_t *w, bool v);
void jw_null(jsonw_t *w);
/* Writes already-serialized JSON as one value. */
void jw_raw_value(jsonw_t *w, const char *json, size_t len);

#endif
