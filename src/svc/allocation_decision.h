#ifndef ORDO_SVC_ALLOCATION_DECISION_H
#define ORDO_SVC_ALLOCATION_DECISION_H

#include <jansson.h>

#include "svc/allocation.h"
#include "svc/app.h"
#include "svc/op.h"
#include "svc/result.h"

/* An order's allocation decision: stored compactly with every plan (one row per order,
 * replaced by the next decision), shown expanded with each candidate's measures and a note
 * in words. */

/* A decision stated for the store. */
typedef struct {
    allocation_rec_t rec;
    char warehouses[ALLOC_WAREHOUSES_MAX * (ORDO_CODE_MAX + 1)];
} alloc_decision_text_t;

/* States job's decision (after its plan) in *out; returns the candidates' text that out->rec
 * points to (caller frees), NULL when out of memory. Intake writes it with the order row. */
char *alloc_decision_make(const alloc_job_t *job, const char *cause, int64_t now_ms,
                          alloc_decision_text_t *out);

/* Stores job's decision (made by alloc_reserve / alloc_replan) as the order's latest. */
int alloc_decision_record(store_t *s, const alloc_job_t *job, const char *cause, int64_t now_ms);

/* GET /v1/orders/{no}/allocation: {order_no, policy, outcome, warehouses, reason, cause,
 * decided_at, decided_by, candidates: [...], reservations: [{sku, warehouse, qty}]}. */
void alloc_decision_get(app_t *app, const char *order_no, svc_result_t *r);

/* POST /v1/allocation/preview: plans a canonical order as intake would now, writing
 * nothing: {policy, outcome, warehouses, reason, candidates, allocations: [{line, sku,
 * warehouse, qty}], short: [{line, sku, qty}]}. */
void alloc_decision_preview(app_t *app, json_t *body, svc_result_t *r);

/* POST /v1/orders/{no}/reallocate {policy?, weights?, warehouse?, reason}: plans the order
 * again before picking (by another policy, or from one warehouse) and moves its
 * reservations in one transaction; refused (409) when it would leave more units short. */
svc_op_t *alloc_reallocate_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                              svc_result_t *immediate);

#endif
