#ifndef ORDO_SVC_WAVES_H
#define ORDO_SVC_WAVES_H

#include <jansson.h>

#include "svc/op.h"

/* Waves of pick tasks (core/wave_plan.c groups, core/pick_route.c routes, svc/pick_source.c
 * lots). A wave takes approved orders of one warehouse that hold every unit there and have
 * nothing open against them (no hold, no shortage); each taken order moves approved ->
 * picking with one timeline event, so it is in one wave only. An order whose units no
 * qualifying lot can give stays approved with an `expiry_short` exception. */

/* POST /v1/waves {warehouse, strategy, max_orders?, carrier?, cutoff?}. */
svc_op_t *wave_create_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate);

/* GET /v1/waves/{id}. */
void wave_get(app_t *app, int64_t id, svc_result_t *r);

/* The wave as the API shows it (tasks with lines in route order), read through s. */
int wave_json(store_t *s, int64_t id, json_t **out);

/* A task as the API shows it: {id, wave, zone, status, picked, remaining, distance_m,
 * baseline_m, lines: [...]}. */
json_t *pick_task_json(const pick_task_t *t, const pick_line_t *lines, int n);

#endif
