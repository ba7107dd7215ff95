#ifndef ORDO_SVC_EVENT_DOC_H
#define ORDO_SVC_EVENT_DOC_H

#include <stddef.h>
#include <stdint.h>

/* The document every consumer of the outbox is given for one message:
 * {"id": <outbox id>, "type": <topic>, "created_at": <RFC 3339>, "data": <payload>}.
 * payload is the stored JSON text, copied as it is. Returns the text (caller frees) and its
 * length through *len (may be NULL); NULL when out of memory. */
char *event_document(int64_t outbox_id, const char *topic, int64_t created_at_ms,
                     const char *payload, size_t *len);

#endif
