#ifndef ORDO_JOBS_JOBS_H
#define ORDO_JOBS_JOBS_H

#include "svc/app.h"

/* Timers that move orders without a request: expiring unpaid orders' stock holds, and
 * auto-confirming orders some days after delivery or shipment. */
typedef struct jobs jobs_t;

jobs_t *jobs_start(app_t *app, int interval_ms);
/* Stops the thread. */
void jobs_stop(jobs_t *j);

#endif
