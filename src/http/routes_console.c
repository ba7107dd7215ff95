/* The console support routes: thin parsing of query parameters onto svc/dashboard.h and
 * svc/console_lists.h. */
#include "http/routes_console.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "svc/console_lists.h"
#include "svc/dashboard.h"
#include "svc/fields.h"
#include "util/timefmt.h"

#define DASHBOARD_WINDOW_DEFAULT 60

/* The integer query parameter `name` in [lo, hi], dflt when absent, or a field error. */
static long query_int(http_req_t *q, const char *name, long lo, long hi, long dflt,
                      svc_result_t *r) {
    const char *v = http_query(q, name);
    if (!v)
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < lo || n > hi) {
        field_errors_add(svc_errors(r), name, "out_of_range", "%s must be %ld..%ld", name, lo, hi);
        return dflt;
    }
    return n;
}

static bool invalid(svc_result_t *r) {
    if (!svc_errors(r)->count)
        return false;
    svc_fail(r, ORDO_E_VALIDATION, "invalid query parameters");
    return true;
}

svc_op_t *get_dashboard(http_req_t *q, svc_result_t *r) {
    long window =
        query_int(q, "window_minutes", 1, DASHBOARD_WINDOW_MAX, DASHBOARD_WINDOW_DEFAULT, r);
    if (!invalid(r))
        dashboard_get(q->app, (int)window, time_now_ms(), r);
    return NULL;
}

svc_op_t *list_stock(http_req_t *q, svc_result_t *r) {
    long limit = query_int(q, "limit", 1, ORDO_PAGE_MAX, ORDO_PAGE_DEFAULT, r);
    const char *low = http_query(q, "low");
    if (low && strcmp(low, "true") != 0 && strcmp(low, "false") != 0)
        field_errors_add(svc_errors(r), "low", "out_of_range", "low must be true or false");
    if (!invalid(r))
        console_stock_list(q->app, http_query(q, "sku"), http_query(q, "warehouse"),
                           low && strcmp(low, "true") == 0, (int)limit, http_query(q, "cursor"), r);
    return NULL;
}

svc_op_t *list_warehouses(http_req_t *q, svc_result_t *r) {
    console_warehouses(q->app, r);
    return NULL;
}

svc_op_t *list_webhooks(http_req_t *q, svc_result_t *r) {
    console_webhooks(q->app, r);
    return NULL;
}

svc_op_t *list_waves(http_req_t *q, svc_result_t *r) {
    long limit = query_int(q, "limit", 1, ORDO_PAGE_MAX, ORDO_PAGE_DEFAULT, r);
    int64_t before = 0;
    const char *cursor = http_query(q, "cursor");
    if (cursor) {
        char *end;
        long long id = strtoll(cursor, &end, 10);
        if (!*cursor || *end || id < 1)
            field_errors_add(svc_errors(r), "cursor", "invalid_cursor",
                             "cursor is not one this API gave");
        else
            before = id;
    }
    if (!invalid(r))
        console_waves(q->app, http_query(q, "warehouse"), before, (int)limit, r);
    return NULL;
}
