#ifndef ORDO_CORE_DIVISIONS_H
#define ORDO_CORE_DIVISIONS_H

#include <stddef.h>

#include "core/errors.h"
#include "core/order.h"

/* The PRC administrative divisions (province / city / district with 6-digit codes), loaded
 * once at start-up and read-only afterwards, so any thread may use it without locking. */
typedef struct divisions divisions_t;

/* Builds the table from the text of data/divisions/vant-area-data-*.areaList.json.
 * Returns NULL and writes a reason into err on malformed data. Caller owns the result. */
divisions_t *divisions_from_json(const char *json_text, char *err, size_t err_len);
void divisions_free(divisions_t *d);

/* Resolves addr->province/city/district (as a buyer or channel wrote them: with or without
 * suffixes such as 省/市/区/自治区, municipalities written as both province and city) to
 * canonical names and codes, filling the resolved fields of addr. On failure adds a precise
 * field error (unknown_province, unknown_city, city_not_in_province, unknown_district,
 * district_not_in_city) under `prefix` (e.g. "address") and returns false. */
bool divisions_resolve(const divisions_t *d, address_t *addr, const char *prefix,
                       field_errors_t *errs);

/* Canonical province name for a 6-digit code's first two digits, or NULL. */
const char *divisions_province_name(const divisions_t *d, int32_t province_code);

#endif
