#ifndef ORDO_SVC_AFTER_SALES_SWEEP_H
#define ORDO_SVC_AFTER_SALES_SWEEP_H

#include <jansson.h>
#include <stdbool.h>

#include "svc/op.h"

/* The after-sales SLA sweep: every ticket past its state's deadline gets a yellow exception
 * (after_sales_overdue) in the pool naming the ticket, its state and its assignee, once per
 * ticket and state — not again on the next sweep, nor after that exception is resolved; a
 * ticket that moves on and overruns its next state gets another. Also on the ticket's log
 * (overdue) and the order's timeline. */

/* One sweep as of now_ms: {as_of, opened, exceptions: [{after_sales_id, status, exception_id}]}. */
svc_op_t *after_sales_sweep_op(app_t *app, int64_t now_ms, const char *actor);

/* POST /v1/after-sales/sweep {as_of?}: the sweep now, or as of the given RFC 3339 time. */
svc_op_t *after_sales_sweep_request_op(app_t *app, json_t *body, const char *actor,
                                       svc_result_t *immediate);

#endif
