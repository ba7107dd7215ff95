#ifndef ORDO_SVC_TRACKING_DETECT_H
#define ORDO_SVC_TRACKING_DETECT_H

#include <jansson.h>

#include "svc/op.h"

/* Logistics problems found without anyone looking: a parcel with no news for its carrier's
 * stale_hours (logistics_stale), one still on its way after its promised delivery time
 * (logistics_late), one whose milestone is problem (logistics_problem) or returned
 * (logistics_returned). Each opens an exception in the pool for the parcel once: not again
 * while that exception is open, nor for the same basis (the same silence, the same promise,
 * the same problem event) after it was resolved. The buyer is told of lateness, problems and
 * returns (the delivery_issue message); staleness is the shop's to chase with the carrier. */

typedef struct {
    int stale, late, problem, returned;
} detect_counts_t;

/* Checks one parcel's tracking row (config: its carrier's tracking settings, or NULL to read
 * them), inside a writer transaction; counts what it raised into *counts (may be NULL). */
int tracking_detect_parcel(store_t *s, svc_op_t *op, json_t *row, json_t *config, int64_t now_ms,
                           detect_counts_t *counts);

/* One sweep over every watched parcel as of now_ms: {as_of, checked, raised: {stale, late,
 * problem, returned}}. */
svc_op_t *tracking_sweep_op(app_t *app, int64_t now_ms, const char *actor);

/* POST /v1/tracking/sweep {as_of?}: the sweep now, or as of the given RFC 3339 time. */
svc_op_t *tracking_sweep_request_op(app_t *app, json_t *body, const char *actor,
                                    svc_result_t *immediate);

/* The as_of of an admin request body: now when absent; false with a 422 when malformed. */
bool tracking_as_of(json_t *body, int64_t *now_ms, svc_result_t *immediate);

#endif
