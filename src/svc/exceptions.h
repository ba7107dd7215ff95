#ifndef ORDO_SVC_EXCEPTIONS_H
#define ORDO_SVC_EXCEPTIONS_H

#include <jansson.h>

#include "store/store.h"
#include "svc/op.h"

/* The exception pool: what needs a person, who owns it and by when, what was done about it,
 * and its resolution. What people do about an exception (contact, notes, decisions about a
 * short order) is svc/exception_actions.c. */

/* A page of exceptions matching f: {items, next_cursor}, newest first; the cursor is the
 * last item's id when the page is full. */
void exception_list(app_t *app, const exception_filter_t *f, svc_result_t *r);

/* Counts of the open exceptions: {open, red, yellow, unassigned, overdue, codes: [{code,
 * open, red, yellow}]}, codes by name. */
void exception_summary(app_t *app, svc_result_t *r);

/* One exception with what was done about it (exception_detail). */
void exception_get(app_t *app, int64_t id, svc_result_t *r);

/* Resolves an open exception with a note (copied). */
svc_op_t *exception_resolve_op(app_t *app, int64_t id, const char *note, const char *actor);

/* Gives an open exception an owner and a deadline. body (borrowed): {owner, deadline?}: the
 * deadline an RFC 3339 time ahead, null for none, absent to keep the one it has. Returns NULL
 * with the 4xx in *immediate when the body is malformed. */
svc_op_t *exception_assign_op(app_t *app, int64_t id, json_t *body, const char *actor,
                              svc_result_t *immediate);

/* Helpers for the ops on one exception, inside their transaction. */

/* The exception as the pool lists it, with its actions oldest first and to_refund: what its
 * cancellations owe the buyer (null when none did). */
int exception_detail(store_t *s, int64_t id, json_t **out);

/* Loads exception id (*exc, owned) and its order (*rec) when the exception is open; else
 * fails op with 404, or 409 when it is resolved. */
ordo_err_t exception_load_open(store_t *s, svc_op_t *op, int64_t id, json_t **exc,
                               order_rec_t *rec);

/* Records what op's actor did (a->actor and a->at_ms are op's) and puts it on the order's
 * timeline as "exception <id> (<code>) <text>". */
int exception_log(store_t *s, svc_op_t *op, exception_action_rec_t *a, const char *order_no,
                  const char *code, const char *text);

/* Ends op with the exception's detail as its 200 body. */
ordo_err_t exception_answer(store_t *s, svc_op_t *op, int64_t id);

#endif
