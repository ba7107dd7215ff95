#ifndef ORDO_CORE_JSON_WORDS_H
#define ORDO_CORE_JSON_WORDS_H

#include <jansson.h>

/* How an error message names the kind of a JSON value a caller sent: "an object",
 * "a string", "a number with a fraction or exponent"... (static string). */
const char *json_type_phrase(const json_t *v);

#endif
