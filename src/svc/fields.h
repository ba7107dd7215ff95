#ifndef ORDO_SVC_FIELDS_H
#define ORDO_SVC_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "svc/result.h"

/* Reading typed fields out of a request object, collecting every problem as a field error
 * (required, wrong_type, out_of_range, too_long) instead of stopping at the first. */

/* Returns the string (borrowed from obj) or NULL; absent is an error only when required. */
const char *field_string(json_t *obj, const char *key, bool required, size_t max_len,
                         field_errors_t *errs);

/* Returns the integer, or dflt when absent (an error when required). */
int64_t field_int(json_t *obj, const char *key, bool required, int64_t min, int64_t max,
                  int64_t dflt, field_errors_t *errs);

bool field_bool(json_t *obj, const char *key, bool dflt, field_errors_t *errs);

/* SKU and warehouse codes (they appear in URLs): 1..ORDO_CODE_MAX of A-Z a-z 0-9 . _ - */
bool code_is_valid(const char *code);

/* A request body that must be a JSON object: false, with a 422 in r (a "wrong_type" error at
 * the root and `detail` as what is wrong), when it is not. */
bool fields_require_object(json_t *body, const char *detail, svc_result_t *r);

/* Settings shown back never carry their secrets: each of `keys` present in config is
 * replaced by "<key>_set": true. */
void fields_mask_secrets(json_t *config, const char *const *keys, size_t n);
#endif
