#ifndef ORDO_SVC_CARRIERS_H
#define ORDO_SVC_CARRIERS_H

#include <jansson.h>

#include "core/carrier.h"
#include "svc/op.h"

/* Carriers and their tracking-number pools. */

/* PUT /v1/carriers/{code}: the settings (borrowed) are validated whole (core/carrier.h) and
 * stored as given; NULL with the 4xx in *immediate when invalid. */
svc_op_t *carrier_put_op(app_t *app, const char *code, json_t *body, const char *actor,
                         svc_result_t *immediate);
/* {code, …settings, tracking_available}. */
void carrier_get(app_t *app, const char *code, svc_result_t *r);
/* {items: [carrier views]} by code. */
void carrier_list(app_t *app, svc_result_t *r);

/* POST /v1/carriers/{code}/tracking-numbers {numbers: […]}: adds a batch to the carrier's
 * pool. Every number must match the carrier's format (else 422 naming each, nothing added);
 * one already in the pool is skipped and counted, so a batch can be sent again. */
svc_op_t *tracking_add_op(app_t *app, const char *code, json_t *body, const char *actor,
                          svc_result_t *immediate);

/* Every stored carrier parsed, inside a transaction or read: *out is a calloc'd array the
 * caller frees with carriers_free. A stored carrier that no longer parses is left out. */
int carriers_load(store_t *s, carrier_t **out, int *n);
void carriers_free(carrier_t *c, int n);

/* Where tracking numbers come from: a carrier's pool in the database by default. A carrier
 * API (an electronic waybill service that issues numbers) plugs in here as another source. */
typedef struct tracking_source {
    /* The next number for the parcel, marked used; STORE_NOT_FOUND when none is left. */
    int (*next)(const struct tracking_source *src, store_t *s, const carrier_t *c,
                int64_t parcel_id, int64_t now_ms, char out[48]);
    /* How many it can still issue (INT64_MAX when unbounded). */
    int (*available)(const struct tracking_source *src, store_t *s, const carrier_t *c, int64_t *n);
} tracking_source_t;

const tracking_source_t *tracking_source_for(const carrier_t *c);

#endif
