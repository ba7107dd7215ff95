#ifndef ORDO_JOBS_DISPATCHER_H
#define ORDO_JOBS_DISPATCHER_H

#include "svc/app.h"

/* Delivers the outbox: fans new messages out to webhook subscriptions and POSTs the due
 * deliveries, signed (X-Ordo-Signature: sha256=HMAC-SHA256(secret, body), hex): one at a
 * time per order so each order's events arrive in order, different orders side by side (up
 * to ORDO_WEBHOOK_CONCURRENCY, default 16, in flight). A failed delivery is retried with
 * exponential backoff and jitter, and marked dead after ORDO_WEBHOOK_MAX_ATTEMPTS (default
 * 10). Delivery rows and the fan-out position are in the database: a restart loses nothing;
 * a receiver may see a message twice (at least once), never out of order. */
typedef struct dispatcher dispatcher_t;

dispatcher_t *dispatcher_start(app_t *app);
void dispatcher_stop(dispatcher_t *d);

#endif
