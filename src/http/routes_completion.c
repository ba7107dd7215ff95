/* The completion, review and quality routes. */
#include "http/routes_completion.h"

#include <string.h>

#include "svc/buyer_reviews.h"
#include "svc/completion.h"
#include "svc/fields.h"
#include "util/timefmt.h"

/* The quality report's default window, and its longest. */
#define QUALITY_DEFAULT_DAYS 30
#define QUALITY_MAX_DAYS 366

svc_op_t *confirm_order(http_req_t *q, svc_result_t *r) {
    svc_op_t *op = order_confirm_op(q->app, q->params[0], q->actor);
    if (!op)
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
    return op;
}

svc_op_t *get_order_completion(http_req_t *q, svc_result_t *r) {
    order_completion_get(q->app, q->params[0], r);
    return NULL;
}

svc_op_t *get_completion_settings(http_req_t *q, svc_result_t *r) {
    completion_settings_get(q->app, r);
    return NULL;
}

svc_op_t *put_completion_settings(http_req_t *q, svc_result_t *r) {
    return completion_settings_put_op(q->app, q->body, q->actor, r);
}

/* Runs the sweep here and now, batch by batch through the writer, as of the time given
 * (the clock when none): tests and operators drive auto-confirm without waiting days. */
svc_op_t *run_completion(http_req_t *q, svc_result_t *r) {
    if (q->body && !fields_require_object(q->body, "the run is invalid", r))
        return NULL;
    const char *as_of = field_string(q->body, "as_of", false, 64, svc_errors(r));
    int64_t as_ms = time_now_ms();
    if (as_of && !rfc3339_parse(as_of, &as_ms))
        field_errors_add(svc_errors(r), "as_of", "invalid_datetime",
                         "as_of must be an RFC 3339 date-time");
    if (svc_error_count(r)) {
        svc_fail(r, ORDO_E_VALIDATION, "the run is invalid; nothing was confirmed");
        return NULL;
    }
    completion_sweep(q->app, as_ms, r);
    return NULL;
}

svc_op_t *post_order_review(http_req_t *q, svc_result_t *r) {
    return buyer_review_put_op(q->app, q->params[0], q->body, false, q->actor, r);
}

svc_op_t *put_order_review(http_req_t *q, svc_result_t *r) {
    return buyer_review_put_op(q->app, q->params[0], q->body, true, q->actor, r);
}

svc_op_t *get_order_review(http_req_t *q, svc_result_t *r) {
    buyer_review_get(q->app, q->params[0], r);
    return NULL;
}

svc_op_t *get_reviews_summary(http_req_t *q, svc_result_t *r) {
    int given = 0;
    review_subject_t kind = SUBJECT_SKU;
    const char *subject = NULL;
    for (int k = 0; k < SUBJECT__COUNT; k++) {
        const char *v = http_query(q, review_subject_name((review_subject_t)k));
        if (!v)
            continue;
        given++;
        kind = (review_subject_t)k;
        subject = v;
        if (!*v || strlen(v) > 64)
            field_errors_add(svc_errors(r), review_subject_name((review_subject_t)k),
                             "out_of_range", "%s is 1 to 64 characters",
                             review_subject_name((review_subject_t)k));
    }
    if (given != 1)
        field_errors_add(svc_errors(r), "", "required",
                         "give exactly one of sku, warehouse or carrier");
    if (svc_error_count(r)) {
        svc_fail(r, ORDO_E_VALIDATION, "the query is invalid");
        return NULL;
    }
    buyer_reviews_summary(q->app, kind, subject, r);
    return NULL;
}

static bool time_param(http_req_t *q, const char *name, int64_t *out, svc_result_t *r) {
    const char *v = http_query(q, name);
    if (!v)
        return false;
    if (!rfc3339_parse(v, out))
        field_errors_add(svc_errors(r), name, "invalid_datetime",
                         "%s must be an RFC 3339 date-time", name);
    return true;
}

svc_op_t *get_quality_stats(http_req_t *q, svc_result_t *r) {
    int64_t to = time_now_ms(), from = 0;
    time_param(q, "to", &to, r);
    bool has_from = time_param(q, "from", &from, r);
    if (!svc_error_count(r)) {
        if (!has_from)
            from = to - QUALITY_DEFAULT_DAYS * DAY_MS;
        if (from >= to)
            field_errors_add(svc_errors(r), has_from ? "from" : "to", "out_of_range",
                             "from must be before to");
        else if (to - from > QUALITY_MAX_DAYS * DAY_MS)
            field_errors_add(svc_errors(r), "from", "out_of_range", "the range is at most %d days",
                             QUALITY_MAX_DAYS);
    }
    if (svc_error_count(r)) {
        svc_fail(r, ORDO_E_VALIDATION, "the query is invalid");
        return NULL;
    }
    quality_stats(q->app, from, to, r);
    return NULL;
}
