#ifndef ORDO_SVC_WEBHOOKS_H
#define ORDO_SVC_WEBHOOKS_H

#include <jansson.h>

#include "svc/op.h"

/* Webhook subscriptions and their deliveries. Every outbox message is fanned out to the
 * subscriptions whose events match ("*" or the exact type, e.g. "order.status_changed"),
 * one delivery row each, and delivered by the dispatcher (jobs/dispatcher.c). */

svc_op_t *webhook_put_op(app_t *app, const char *id, json_t *body, const char *actor,
                         svc_result_t *immediate);
void webhook_get(app_t *app, const char *id, svc_result_t *r);
void webhook_deliveries(app_t *app, const char *id, int limit, svc_result_t *r);
svc_op_t *delivery_redeliver_op(app_t *app, const char *id, int64_t delivery_id, const char *actor);

/* The dispatcher's writes, run through the writer like any other. */
/* Creates the delivery rows for outbox messages not yet fanned out; result body: the number
 * of messages read. */
svc_op_t *webhook_fanout_op(app_t *app);

typedef struct {
    int64_t delivery_id;
    const char *status; /* delivered | pending | dead (static) */
    int http_status;    /* 0: no answer */
    char error[160];
    int64_t next_ms;
} delivery_outcome_t;

/* Records the outcomes of one dispatch pass (copied). */
svc_op_t *webhook_results_op(app_t *app, const delivery_outcome_t *outcomes, int n);

#endif
