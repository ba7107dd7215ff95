#ifndef ORDO_SVC_EVENT_HUB_H
#define ORDO_SVC_EVENT_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/errors.h"
#include "svc/app.h"
#include "svc/event_filter.h"

/* Live event streams. One thread reads each new outbox message once, only after the group
 * that wrote it is durable (the writer wakes it when groups settle), frames it as a
 * Server-Sent Event and copies it into the buffer of every stream whose filter it passes.
 *
 * Each stream has a position (the last outbox id it has been offered) and a bounded buffer.
 * A stream whose buffer is full is not dropped: it falls behind and the hub serves it from
 * the outbox, at the pace its receiver takes the text, until it has caught up — the same path
 * that replays from a Last-Event-ID. Memory per stream stays bounded and nothing is skipped.
 *
 * The transport takes text with event_sub_read; when there is none it is told to park the
 * connection, and to unpark it when text (or the end) arrives. */

typedef struct event_hub event_hub_t;
typedef struct event_sub event_sub_t;

typedef struct {
    int streams_max;
    size_t buffer_bytes;
    int keepalive_ms;
    int retry_ms;
} event_hub_config_t;

/* The defaults from core/limits.h, overridden by ORDO_STREAMS_MAX, ORDO_STREAM_BUFFER_BYTES
 * and ORDO_STREAM_KEEPALIVE_MS. */
void event_hub_config_default(event_hub_config_t *c);

/* Starts the hub's thread at the current end of the outbox. NULL when it cannot. */
event_hub_t *event_hub_start(app_t *app, const event_hub_config_t *cfg);

/* Ends every stream once its buffered text is taken, and refuses new ones: the first step of
 * a shutdown. */
void event_hub_close(event_hub_t *h);

/* Stops the thread and frees the hub. Every stream must have been released. */
void event_hub_stop(event_hub_t *h);

/* How the hub wakes a parked reader. Both are called under the stream's lock: park when
 * event_sub_read found nothing (the reader then returns 0 and must not be called again until
 * unpark), unpark once when text or the end arrives after a park. */
typedef struct {
    void (*park)(void *ctx);
    void (*unpark)(void *ctx);
    void *ctx;
} event_sub_waker_t;

/* Opens a stream with a copy of filter, from after outbox id after_id (resume), or from the
 * current end when after_id < 0. NULL with *err ORDO_E_OVERLOADED at the stream cap,
 * ORDO_E_SHUTTING_DOWN once closed. The caller owns the stream until event_sub_release. */
event_sub_t *event_hub_subscribe(event_hub_t *h, const event_filter_t *filter, int64_t after_id,
                                 const event_sub_waker_t *waker, ordo_err_t *err);

/* Moves up to max bytes of stream text into buf. Returns how many (> 0); 0 when there is
 * none yet (park was called); -1 when the stream has ended. */
ssize_t event_sub_read(event_sub_t *s, char *buf, size_t max);

/* Ends the stream and frees it (the hub lets go of it first). */
void event_sub_release(event_sub_t *s);

typedef struct {
    int open;           /* streams open now */
    uint64_t overflows; /* times a stream's buffer was full and it fell behind */
} event_hub_stats_t;

void event_hub_stats(event_hub_t *h, event_hub_stats_t *out);

#endif
