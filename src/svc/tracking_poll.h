#ifndef ORDO_SVC_TRACKING_POLL_H
#define ORDO_SVC_TRACKING_POLL_H

#include <jansson.h>

#include "svc/op.h"

/* Polling carriers for parcels nobody pushes news of: each open parcel whose carrier has
 * tracking settings is asked about every poll_interval_minutes; a failed ask is retried
 * after a growing delay (the interval doubled per failure in a row, capped at a day). */

/* One poll round as of now_ms: asks the carriers (over HTTP, on the calling thread: never the
 * writer's) about every due parcel, then returns the op that records what they said: its
 * result {as_of, polled, failed, new_events, parcels: [{parcel_id, tracking_no, ok,
 * new_events, error, next_poll_at}]}. NULL with the failure in *immediate. */
svc_op_t *tracking_poll_round(app_t *app, int64_t now_ms, const char *actor,
                              svc_result_t *immediate);

/* POST /v1/tracking/poll {as_of?}. */
svc_op_t *tracking_poll_request_op(app_t *app, json_t *body, const char *actor,
                                   svc_result_t *immediate);

#endif
