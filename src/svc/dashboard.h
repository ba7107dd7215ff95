#ifndef ORDO_SVC_DASHBOARD_H
#define ORDO_SVC_DASHBOARD_H

#include <stdint.h>

#include "svc/app.h"
#include "svc/result.h"

/* The longest dashboard window, in minutes (a day). */
#define DASHBOARD_WINDOW_MAX 1440

/* GET /v1/stats/dashboard: {at, window_minutes, orders_by_status, intake_per_minute, stages,
 * error_rates, peak} as of now_ms over the last window_minutes (docs/api.md, Console
 * support). Reads counters and time indexes only. */
void dashboard_get(app_t *app, int window_minutes, int64_t now_ms, svc_result_t *r);

#endif
