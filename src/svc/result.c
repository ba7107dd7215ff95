#include "svc/result.h"

#include <stdio.h>
#include <string.h>

void svc_result_init(svc_result_t *r) {
    r->err = ORDO_E_OK;
    r->http_status = 200;
    r->body = NULL;
    r->detail[0] = '\0';
    r->errors.count = 0;
    r->errors.dropped = 0;
}

void svc_result_clear(svc_result_t *r) {
    json_decref(r->body);
    r->body = NULL;
}

ordo_err_t svc_fail(svc_result_t *r, ordo_err_t e, const char *fmt, ...) {
    r->err = e;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
    json_decref(r->body);
    r->body = NULL;
    return e;
}

void svc_ok(svc_result_t *r, int http_status, json_t *body) {
    r->err = ORDO_E_OK;
    r->http_status = http_status;
    json_decref(r->body);
    r->body = body;
}
