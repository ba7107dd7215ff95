#ifndef ORDO_JOBS_POLLER_H
#define ORDO_JOBS_POLLER_H

#include <stdbool.h>

/* A background thread that runs one pass of a job after another: at once again while a pass
 * reports it found work, else after interval_ms. The shape of every outbox reader (the
 * messenger now; the webhook dispatcher can move onto it). */
typedef struct poller poller_t;

/* Starts the thread (named `name`, at most 15 bytes) calling pass(ctx); NULL when it could
 * not. */
poller_t *poller_start(const char *name, int interval_ms, bool (*pass)(void *ctx), void *ctx);

/* Runs the next pass at once (after the one in flight, if any). Any thread. */
void poller_wake(poller_t *p);

/* Stops after the pass in flight, joins the thread and frees p. */
void poller_stop(poller_t *p);

#endif
