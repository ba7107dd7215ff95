#ifndef ORDO_SVC_TIMELINE_H
#define ORDO_SVC_TIMELINE_H

#include "core/lifecycle.h"
#include "store/store.h"

/* Appends a timeline event that changes no state (stock moved, exception resolved...) and
 * its outbox message, in the caller's transaction. */
int timeline_note(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                  const char *type, const char *reason, int64_t now_ms);

/* Records a state change: the timeline event and its outbox message, in the caller's
 * transaction. from < 0 for the order's creation. Outbox topics: order.created,
 * order.status_changed, order.<type> for notes. */
int timeline_transition(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                        int from, order_status_t to, const char *reason, int64_t now_ms);

#endif
