#ifndef ORDO_SVC_SOURCING_H
#define ORDO_SVC_SOURCING_H

#include <jansson.h>

#include "core/sourcing.h"
#include "svc/app.h"
#include "svc/op.h"
#include "svc/result.h"
#include "store/store.h"

/* The merchant's sourcing policy and what the core plans with: the distance table (from
 * data/distance/, loaded once at start, read-only after) and the shipping estimator (the
 * zone defaults until carriers' rate cards plug in: sourcing_set_estimator). */

/* Loads the distance table and makes it the process's. Returns 0, or -1 with a reason. */
int sourcing_start(char *err, size_t err_len);
void sourcing_stop(void);

/* The seam for the carriers' cheapest quote; NULL restores the zone defaults. The estimator
 * must outlive its use and be safe to call from the writer and HTTP threads. */
void sourcing_set_estimator(const sourcing_estimator_t *est);

/* What a plan uses: `override` when given, else the merchant's policy (writer thread only:
 * cached there and reloaded after a PUT is durable). Returns a store result. */
int sourcing_setup(store_t *s, const sourcing_policy_t *override, sourcing_policy_t *policy,
                   const sourcing_distances_t **distances, const sourcing_estimator_t **estimator);

/* The stored policy read through s (the default when none is stored). */
int sourcing_policy_load(store_t *s, sourcing_policy_t *out);

/* {policy, weights: {distance, cost, speed, safety, priority}}. Fills out (weights default
 * where absent); false with field errors on bad input. */
bool sourcing_policy_from_json(json_t *body, sourcing_policy_t *out, field_errors_t *e);
json_t *sourcing_policy_to_json(const sourcing_policy_t *p);

/* GET and PUT /v1/allocation/policy. */
void sourcing_policy_get(app_t *app, svc_result_t *r);
svc_op_t *sourcing_policy_put_op(app_t *app, json_t *body, const char *actor,
                                 svc_result_t *immediate);

#endif
