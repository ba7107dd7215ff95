#ifndef ORDO_SVC_TIMELINE_H
#define ORDO_SVC_TIMELINE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/lifecycle.h"
#include "store/store.h"

/* Appends a timeline event that changes no state (stock moved, exception resolved...) and
 * its outbox message, in the caller's transaction. */
int timeline_note(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                  const char *type, const char *reason, int64_t now_ms);

/* A note whose outbox message carries more than the timeline keeps (the keys of extra,
 * borrowed, may be NULL): what a buyer message about it needs. */
int timeline_note_with(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                       const char *type, const char *reason, json_t *extra, int64_t now_ms);

/* Records a state change: the timeline event and its outbox message, in the caller's
 * transaction. from < 0 for the order's creation. Outbox topics: order.created,
 * order.status_changed, order.<type> for notes. */
int timeline_transition(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                        int from, order_status_t to, const char *reason, int64_t now_ms);

/* A state change whose outbox message carries more than the timeline keeps: the keys of
 * extra (borrowed; e.g. the carrier and tracking number of a shipment) are added to the
 * message's payload. */
int timeline_transition_with(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                             order_status_t from, order_status_t to, const char *reason,
                             json_t *extra, int64_t now_ms);

/* Every outbox topic the timeline writes, NULL-terminated: order.created,
 * order.status_changed and order.<type> for each note type. A new note type belongs here too:
 * timeline_note refuses (STORE_ERROR) a type not listed, so live-stream filters can name
 * every topic there is. */
extern const char *const timeline_topics[];

/* Whether topic is one of timeline_topics. */
bool timeline_topic_known(const char *topic);

#endif
