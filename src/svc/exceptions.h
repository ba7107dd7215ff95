#ifndef ORDO_SVC_EXCEPTIONS_H
#define ORDO_SVC_EXCEPTIONS_H

#include "svc/op.h"

/* The exception pool: what needs a person, and its resolution. */

/* status: "open", "resolved", or NULL for all. */
void exception_list(app_t *app, const char *status, int limit, svc_result_t *r);

/* Resolves an open exception with a note (copied). */
svc_op_t *exception_resolve_op(app_t *app, int64_t id, const char *note, const char *actor);

#endif
