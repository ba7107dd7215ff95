#include "http/params.h"

#include <stdlib.h>

#include "core/limits.h"

long long param_int(const http_req_t *q, const char *name, long long lo, long long hi,
                    long long dflt, field_errors_t *e) {
    const char *v = http_query(q, name);
    if (!v)
        return dflt;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end || n < lo || n > hi) {
        field_errors_add(e, name, "out_of_range", "%s must be %lld..%lld", name, lo, hi);
        return dflt;
    }
    return n;
}

int param_limit(const http_req_t *q, field_errors_t *e) {
    return (int)param_int(q, "limit", 1, ORDO_PAGE_MAX, ORDO_PAGE_DEFAULT, e);
}

int64_t param_cursor(const http_req_t *q, long long lo, field_errors_t *e) {
    const char *v = http_query(q, "cursor");
    if (!v)
        return 0;
    char *end;
    long long id = strtoll(v, &end, 10);
    if (end == v || *end || id < lo) {
        field_errors_add(e, "cursor", "invalid_cursor", "cursor is not one this API gave");
        return 0;
    }
    return id;
}

int64_t path_id(const http_req_t *q, int index, const char *what, svc_result_t *r) {
    char *end;
    long long id = strtoll(q->params[index], &end, 10);
    if (end == q->params[index] || *end || id < 1) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no %s '%s'", what, q->params[index]);
        return 0;
    }
    return id;
}

bool params_invalid(svc_result_t *r) {
    if (!svc_error_count(r))
        return false;
    svc_fail(r, ORDO_E_VALIDATION, "invalid query parameters");
    return true;
}
