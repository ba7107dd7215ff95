#ifndef ORDO_SVC_RESULT_H
#define ORDO_SVC_RESULT_H

#include <jansson.h>
#include <stdarg.h>

#include "core/errors.h"

/* What a use case hands back to its transport: a success body, or an error kind with a
 * human detail and, for validation, every field problem. */
typedef struct {
    ordo_err_t err;
    int http_status; /* on success: 200 or 201 */
    json_t *body;    /* owned */
    char *body_text; /* owned; when set, the body already serialized (takes precedence) */
    size_t body_len;
    char created[40];         /* on 201: the new resource's identifier (e.g. the order number) */
    const char *content_type; /* of body_text when not JSON (static), else NULL */
    char detail[256];
    field_errors_t *errors; /* NULL until the first field problem: most results have none */
    char *set_cookie;       /* owned; a Set-Cookie header to send (signing in and out) */
    int retry_after_s;      /* > 0: a Retry-After header to send (a 429 or 503) */
} svc_result_t;

/* The result's field-error list, created on first use; NULL only when out of memory. */
field_errors_t *svc_errors(svc_result_t *r);
int svc_error_count(const svc_result_t *r);
/* Copies src's problems into r (nothing when src has none). */
void svc_take_errors(svc_result_t *r, const field_errors_t *src);

void svc_result_init(svc_result_t *r);
void svc_result_clear(svc_result_t *r);
/* Sets an error with a formatted detail; returns e for convenience. */
ordo_err_t svc_fail(svc_result_t *r, ordo_err_t e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets success with status and body (takes the reference). */
void svc_ok(svc_result_t *r, int http_status, json_t *body);
/* 200 with a page of a list read newest first by id: {items, next_cursor}, the cursor the
 * last item's id (as text) when the page is full, else null. Takes items. */
void svc_ok_id_page(svc_result_t *r, json_t *items, int limit);

#endif
