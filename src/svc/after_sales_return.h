#ifndef ORDO_SVC_AFTER_SALES_RETURN_H
#define ORDO_SVC_AFTER_SALES_RETURN_H

#include <jansson.h>

#include "svc/op.h"

/* What the tracking of a buyer's return parcel (svc/tracking.c) tells its ticket. */

/* Inside a writer transaction, when the return parcel of ticket id moved from milestone
 * `before` to `milestone` (its latest event, at at_ms, saying context): a return_tracking
 * entry on the ticket's log; once delivered (签收 by the warehouse), a return_delivered entry
 * there and on the order's timeline asking the warehouse to record the receipt — nothing is
 * received until the warehouse says what arrived (…/receive). row: the tracking row. */
int as_return_tracked(store_t *s, svc_op_t *op, int64_t id, json_t *row, const char *before,
                      const char *milestone, int64_t at_ms, const char *context);

#endif
