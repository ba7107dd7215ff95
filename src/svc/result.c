#include "svc/result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void svc_result_init(svc_result_t *r) {
    r->err = ORDO_E_OK;
    r->http_status = 200;
    r->body = NULL;
    r->body_text = NULL;
    r->body_len = 0;
    r->created[0] = '\0';
    r->content_type = NULL;
    r->detail[0] = '\0';
    r->errors = NULL;
    r->set_cookie = NULL;
    r->retry_after_s = 0;
}

field_errors_t *svc_errors(svc_result_t *r) {
    if (!r->errors)
        r->errors = calloc(1, sizeof *r->errors);
    return r->errors;
}

int svc_error_count(const svc_result_t *r) {
    return r->errors ? r->errors->count : 0;
}

void svc_take_errors(svc_result_t *r, const field_errors_t *src) {
    if (src->count == 0)
        return;
    field_errors_t *dst = svc_errors(r);
    if (dst)
        memcpy(dst, src, sizeof *dst);
}

void svc_result_clear(svc_result_t *r) {
    json_decref(r->body);
    r->body = NULL;
    free(r->body_text);
    r->body_text = NULL;
    free(r->errors);
    r->errors = NULL;
    free(r->set_cookie);
    r->set_cookie = NULL;
}

ordo_err_t svc_fail(svc_result_t *r, ordo_err_t e, const char *fmt, ...) {
    r->err = e;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
    json_decref(r->body);
    r->body = NULL;
    free(r->body_text);
    r->body_text = NULL;
    return e;
}

void svc_ok(svc_result_t *r, int http_status, json_t *body) {
    r->err = ORDO_E_OK;
    r->http_status = http_status;
    json_decref(r->body);
    r->body = body;
}

void svc_ok_id_page(svc_result_t *r, json_t *items, int limit) {
    size_t n = json_array_size(items);
    json_t *next = json_null();
    if (limit > 0 && n == (size_t)limit)
        next = json_sprintf("%lld", (long long)json_integer_value(
                                        json_object_get(json_array_get(items, n - 1), "id")));
    svc_ok(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}
