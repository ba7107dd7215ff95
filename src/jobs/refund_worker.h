#ifndef ORDO_JOBS_REFUND_WORKER_H
#define ORDO_JOBS_REFUND_WORKER_H

#include "svc/app.h"

/* Asks the refund provider for the pending refunds that are due, one at a time, on a thread
 * of its own (svc/refunds.h): the HTTP threads never wait for the provider. A refund whose
 * outcome is not known is asked again after a backoff (ORDO_REFUND_BACKOFF_MS, default 2000,
 * doubling to ORDO_REFUND_BACKOFF_CAP_MS, default 600000) and told on its ticket and order
 * timeline once more when it reaches ORDO_REFUND_ALERT_ATTEMPTS (default 5) attempts. The
 * first pass after a start asks every pending refund at once: nothing waits for a backoff
 * that a stop interrupted. Woken by app->refunds_wake when a refund becomes due. */
typedef struct refund_worker refund_worker_t;

/* Start before the HTTP server; NULL when it could not (refunds then stay pending). */
refund_worker_t *refund_worker_start(app_t *app);
/* Stop after the HTTP server: a provider call in flight is abandoned (its refund stays
 * pending and is asked again at the next start). */
void refund_worker_stop(refund_worker_t *w);

#endif
