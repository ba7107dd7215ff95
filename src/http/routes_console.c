/* The console support routes: thin parsing of query parameters onto svc/dashboard.h and
 * svc/console_lists.h. */
#include "http/routes_console.h"

#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "http/params.h"
#include "svc/console_lists.h"
#include "svc/dashboard.h"
#include "svc/fields.h"
#include "util/timefmt.h"

#define DASHBOARD_WINDOW_DEFAULT 60

svc_op_t *get_dashboard(http_req_t *q, svc_result_t *r) {
    long long window = param_int(q, "window_minutes", 1, DASHBOARD_WINDOW_MAX,
                                 DASHBOARD_WINDOW_DEFAULT, svc_errors(r));
    if (!params_invalid(r))
        dashboard_get(q->app, (int)window, time_now_ms(), r);
    return NULL;
}

svc_op_t *list_stock(http_req_t *q, svc_result_t *r) {
    int limit = param_limit(q, svc_errors(r));
    const char *low = http_query(q, "low");
    if (low && strcmp(low, "true") != 0 && strcmp(low, "false") != 0)
        field_errors_add(svc_errors(r), "low", "out_of_range", "low must be true or false");
    if (!params_invalid(r))
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
    int limit = param_limit(q, svc_errors(r));
    int64_t before = param_cursor(q, 1, svc_errors(r));
    if (!params_invalid(r))
        console_waves(q->app, http_query(q, "warehouse"), before, (int)limit, r);
    return NULL;
}
