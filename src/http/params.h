#ifndef ORDO_HTTP_PARAMS_H
#define ORDO_HTTP_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "svc/fields.h"
#include "svc/result.h"

/* Reading a request's query and path parameters the same way on every route: each bad one
 * becomes a field error naming it, and the route answers them all at once. */

/* The integer query parameter `name` in lo..hi; dflt when absent. Anything else records
 * "NAME must be LO..HI" (out_of_range) and gives dflt. */
long long param_int(const http_req_t *q, const char *name, long long lo, long long hi,
                    long long dflt, field_errors_t *e);

/* A page's `limit`: 1..ORDO_PAGE_MAX, ORDO_PAGE_DEFAULT when absent. */
int param_limit(const http_req_t *q, field_errors_t *e);

/* The row id a page's next_cursor carried (at least lo); 0 when absent; anything else is
 * invalid_cursor. */
int64_t param_cursor(const http_req_t *q, long long lo, field_errors_t *e);

/* The positive integer id in path parameter `index`, or 0 with a 404 naming `what`: a path
 * that names no such thing is a missing resource, not a malformed request. */
int64_t path_id(const http_req_t *q, int index, const char *what, svc_result_t *r);

/* When field errors were recorded: fails r with 422 "invalid query parameters" and answers
 * true. */
bool params_invalid(svc_result_t *r);

#endif
