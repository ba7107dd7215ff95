#ifndef ORDO_HTTP_METRICS_H
#define ORDO_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "svc/app.h"

/* Prometheus metrics: HTTP counters kept here, business and writer figures read from the app
 * at scrape time. */
void metrics_init(void);
void metrics_http_status(int status);
void metrics_http_latency(int64_t ns);

/* The exposition text (caller frees). */
char *metrics_render(app_t *app, size_t *len);

#endif
