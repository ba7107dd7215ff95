#ifndef ORDO_SVC_SOURCING_H
#define ORDO_SVC_SOURCING_H

#include <jansson.h>

#include "core/sourcing.h"
#include "svc/app.h"
#include "svc/op.h"
#include "svc/result.h"
#include "store/store.h"

/* The merchant's sourcing policy and what the core plans with: the distance table (from
 * data/distance/, loaded once at start, read-only after; shipping zones come from it too) and
 * the shipping estimator (the carriers' rate cards once svc/carrier_quotes.c plugs them in,
 * else the zone defaults). */

/* Loads the distance table and makes it the process's. Returns 0, or -1 with a reason. */
int sourcing_start(char *err, size_t err_len);
void sourcing_stop(void);

/* km between the capitals of two provinces (2-digit codes) by the process's distance table: 0
 * within a province, -1 when either is not in it. Any thread. */
int32_t sourcing_province_km(int from_province, int to_province);

/* The seam for the carriers' cheapest quote: `acquire` gives the estimator one plan uses
 * (NULL: the zone defaults), valid until `release` gives it back, so a plan prices every
 * warehouse by one set of rate cards. Both are called from the writer and HTTP threads.
 * The source must outlive its use; NULL restores the zone defaults. */
typedef struct {
    const sourcing_estimator_t *(*acquire)(void *ctx);
    void (*release)(void *ctx, const sourcing_estimator_t *est);
    void *ctx;
} sourcing_estimator_source_t;

void sourcing_set_estimator(const sourcing_estimator_source_t *src);

/* What one plan uses; given back with sourcing_release. */
typedef struct {
    sourcing_policy_t policy;
    const sourcing_distances_t *distances;
    const sourcing_estimator_t *estimator; /* NULL: the zone defaults */
    const sourcing_estimator_source_t *source;
} sourcing_inputs_t;

/* Fills in: `override` when given, else the merchant's policy (writer thread only: cached
 * there and reloaded after a PUT is durable), the table and the estimator. Returns a store
 * result; on success the caller calls sourcing_release(in) after planning. */
int sourcing_setup(store_t *s, const sourcing_policy_t *override, sourcing_inputs_t *in);
void sourcing_release(sourcing_inputs_t *in);

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
