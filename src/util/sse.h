#ifndef ORDO_UTIL_SSE_H
#define ORDO_UTIL_SSE_H

#include <stddef.h>
#include <stdint.h>

/* The text/event-stream format (Server-Sent Events, as browsers' EventSource parse it). */

/* One event: "id: <id>", "event: <event>" (left out when event is NULL), one "data: " line
 * per line of data, then a blank line. The parser ends a line at CRLF, CR or LF, so data is
 * split at each of them and joined back with LF by the receiver: a payload with line breaks
 * arrives whole (as LF). event must hold no line break. Returns the text (caller frees) and
 * its length through *len; NULL when out of memory. */
char *sse_event(int64_t id, const char *event, const char *data, size_t data_len, size_t *len);

/* "id: <id>" alone: moves the receiver's last event id without firing an event, so a client
 * that reconnects resumes from there. Writes at most cap bytes with a NUL; returns the
 * length. */
size_t sse_position(char *out, size_t cap, int64_t id);

/* The stream's opening: the reconnection delay for the receiver and its starting position. */
size_t sse_opening(char *out, size_t cap, int retry_ms, int64_t id);

/* A comment line: keeps proxies and the connection's idle timers from closing the stream. */
#define SSE_KEEPALIVE ": keep-alive\n\n"

#endif
