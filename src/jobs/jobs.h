#ifndef ORDO_JOBS_JOBS_H
#define ORDO_JOBS_JOBS_H

#include "svc/app.h"

/* Timers that keep the database moving without a request: expiring unpaid orders' stock
 * holds, and checkpointing the write-ahead log off the commit path. */
typedef struct jobs jobs_t;

jobs_t *jobs_start(app_t *app, int interval_ms);
/* Stops the thread; a final checkpoint empties the log. */
void jobs_stop(jobs_t *j);

#endif
