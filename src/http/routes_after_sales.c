/* After-sales, refunds and settlement: each route maps a request onto one use case. */
#include "http/routes_after_sales.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "http/params.h"
#include "svc/after_sales.h"
#include "svc/after_sales_settings.h"
#include "svc/after_sales_sweep.h"
#include "svc/fields.h"
#include "svc/refunds.h"
#include "svc/settlement.h"
#include "util/timefmt.h"

static svc_op_t *action(http_req_t *q, svc_result_t *r, as_action_t a) {
    int64_t id = path_id(q, 0, "after-sales ticket", r);
    return id ? after_sales_action_op(q->app, id, a, q->body, q->actor, r) : NULL;
}

svc_op_t *as_post_ticket(http_req_t *q, svc_result_t *r) {
    return after_sales_create_op(q->app, q->params[0], q->body, q->actor, r);
}

svc_op_t *as_get_ticket(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "after-sales ticket", r);
    if (id)
        after_sales_get(q->app, id, r);
    return NULL;
}

svc_op_t *as_list_tickets(http_req_t *q, svc_result_t *r) {
    after_sales_filter_t f = {.limit = ORDO_PAGE_DEFAULT};
    field_errors_t *e = svc_errors(r);
    f.status = http_query(q, "status");
    if (f.status && as_state_from_name(f.status) < 0)
        field_errors_add(e, "status", "out_of_range", "status '%s' is not a ticket state",
                         f.status);
    f.assignee = http_query(q, "assignee");
    f.order_no = http_query(q, "order_no");
    const char *overdue = http_query(q, "overdue");
    const char *as_of = http_query(q, "as_of");
    int64_t at = time_now_ms();
    if (as_of && !rfc3339_parse(as_of, &at))
        field_errors_add(e, "as_of", "invalid_datetime", "as_of must be an RFC 3339 date-time");
    if (overdue && strcmp(overdue, "true") == 0)
        f.overdue_at_ms = at;
    else if (overdue && strcmp(overdue, "false") != 0)
        field_errors_add(e, "overdue", "out_of_range", "overdue must be true or false");
    f.limit = param_limit(q, e);
    f.before_id = param_cursor(q, 1, e);
    if (params_invalid(r))
        return NULL;
    after_sales_list(q->app, &f, at, r);
    return NULL;
}

svc_op_t *as_approve(http_req_t *q, svc_result_t *r) {
    return action(q, r, AS_ACT_APPROVE);
}

svc_op_t *as_reject(http_req_t *q, svc_result_t *r) {
    return action(q, r, AS_ACT_REJECT);
}

svc_op_t *as_close(http_req_t *q, svc_result_t *r) {
    return action(q, r, AS_ACT_CLOSE);
}

svc_op_t *as_assign(http_req_t *q, svc_result_t *r) {
    return action(q, r, AS_ACT_ASSIGN);
}

svc_op_t *as_message(http_req_t *q, svc_result_t *r) {
    return action(q, r, AS_ACT_MESSAGE);
}

svc_op_t *as_return_shipment(http_req_t *q, svc_result_t *r) {
    return action(q, r, AS_ACT_RETURN_SHIPMENT);
}

svc_op_t *as_receive(http_req_t *q, svc_result_t *r) {
    return action(q, r, AS_ACT_RECEIVE);
}

svc_op_t *as_refund(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "after-sales ticket", r);
    return id ? refund_op(q->app, id, q->body, q->actor, r) : NULL;
}

svc_op_t *as_get_settings(http_req_t *q, svc_result_t *r) {
    as_settings_get(q->app, r);
    return NULL;
}

svc_op_t *as_put_settings(http_req_t *q, svc_result_t *r) {
    return as_settings_put_op(q->app, q->body, q->actor, r);
}

svc_op_t *as_get_damaged(http_req_t *q, svc_result_t *r) {
    after_sales_damaged(q->app, http_query(q, "warehouse"), r);
    return NULL;
}

svc_op_t *refunds_get_provider(http_req_t *q, svc_result_t *r) {
    refund_provider_get(q->app, r);
    return NULL;
}

svc_op_t *refunds_put_provider(http_req_t *q, svc_result_t *r) {
    return refund_provider_put_op(q->app, q->body, q->actor, r);
}

svc_op_t *refunds_get(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "refund", r);
    if (id)
        refund_get(q->app, id, r);
    return NULL;
}

/* A positive integer query parameter up to max, or `dflt` when absent; a field error else. */
svc_op_t *refunds_list_get(http_req_t *q, svc_result_t *r) {
    refund_filter_t f = {.limit = ORDO_PAGE_DEFAULT};
    field_errors_t *e = svc_errors(r);
    f.status = http_query(q, "status");
    if (f.status && strcmp(f.status, "pending") && strcmp(f.status, "succeeded") &&
        strcmp(f.status, "refused"))
        field_errors_add(e, "status", "out_of_range",
                         "status must be pending, succeeded or refused");
    f.min_attempts = param_int(q, "min_attempts", 1, 1000000, 0, e);
    f.limit = param_limit(q, e);
    f.before_id = param_cursor(q, 1, e);
    if (params_invalid(r))
        return NULL;
    refunds_list(q->app, &f, r);
    return NULL;
}

svc_op_t *refunds_retry(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "refund", r);
    if (!id)
        return NULL;
    svc_op_t *op = refund_retry_op(q->app, id, q->actor);
    if (!op)
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
    return op;
}

svc_op_t *refunds_of_order(http_req_t *q, svc_result_t *r) {
    order_refunds(q->app, q->params[0], r);
    return NULL;
}

svc_op_t *settlement_get(http_req_t *q, svc_result_t *r) {
    const char *from = http_query(q, "from"), *to = http_query(q, "to");
    const char *format = http_query(q, "format");
    const char *accept = http_header(q, "Accept");
    int64_t from_ms = 0, to_ms = 0;
    if (!settlement_period(from, to, &from_ms, &to_ms)) {
        field_errors_t *e = svc_errors(r);
        if (!from || !to)
            field_errors_add(e, from ? "to" : "from", "required",
                             "from and to: dates (YYYY-MM-DD) or RFC 3339 date-times");
        else
            field_errors_add(e, "from", "invalid_period",
                             "from and to must be dates (YYYY-MM-DD, China time, to inclusive) "
                             "or RFC 3339 date-times, from before to");
        svc_fail(r, ORDO_E_VALIDATION, "invalid query parameters");
        return NULL;
    }
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
        field_errors_add(svc_errors(r), "format", "out_of_range", "format must be csv or json");
        svc_fail(r, ORDO_E_VALIDATION, "invalid query parameters");
        return NULL;
    }
    bool csv = format ? strcmp(format, "csv") == 0 : accept && strstr(accept, "text/csv");
    settlement_report(q->app, from_ms, to_ms, csv, r);
    return NULL;
}

svc_op_t *as_sweep(http_req_t *q, svc_result_t *r) {
    return after_sales_sweep_request_op(q->app, q->body, q->actor, r);
}
