#ifndef ORDO_JOBS_JOBS_H
#define ORDO_JOBS_JOBS_H

#include "svc/app.h"

/* Timers that move orders without a request: for now, expiring unpaid orders' stock holds. */
typedef struct jobs jobs_t;

jobs_t *jobs_start(app_t *app, int interval_ms);
/* Stops the thread. */
void jobs_stop(jobs_t *j);

#endif
