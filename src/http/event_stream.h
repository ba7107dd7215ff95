#ifndef ORDO_HTTP_EVENT_STREAM_H
#define ORDO_HTTP_EVENT_STREAM_H

#include <microhttpd.h>

#include "http/http.h"

/* GET /v1/events/stream: Server-Sent Events from the outbox (svc/event_hub.h). */

/* The route's handler: validates the filters and the resume position, opens the stream and
 * hands it over through req->stream; or fills r with the 400/503 and returns NULL. */
svc_op_t *event_stream_open(http_req_t *req, svc_result_t *r);

/* Queues the 200 text/event-stream response for a stream event_stream_open made; the
 * response owns the stream from here (also when queuing fails). */
enum MHD_Result event_stream_respond(struct MHD_Connection *conn, void *stream);

#endif
