/* Streams ride libmicrohttpd's callback responses. In the server's mode (a pool of
 * event-loop threads) a content reader must never wait, and returning 0 would spin: when a
 * stream has nothing to send, the reader suspends the connection (from inside the callback,
 * where libmicrohttpd allows it) and the hub resumes it when text arrives. The stream's own
 * lock orders the two, so a connection is only resumed after it was suspended. */
#include "http/event_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/limits.h"
#include "svc/event_hub.h"
#include "svc/event_filter.h"
#include "util/env.h"

/* Bytes handed to libmicrohttpd per call of the reader. */
#define READ_BLOCK_BYTES (16 * 1024)

static void park(void *conn) {
    MHD_suspend_connection(conn);
}

static void unpark(void *conn) {
    MHD_resume_connection(conn);
}

static ssize_t stream_read(void *stream, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    ssize_t n = event_sub_read(stream, buf, max);
    return n >= 0 ? n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_free(void *stream) {
    event_sub_release(stream);
}

/* The outbox id to resume after: the Last-Event-ID header a reconnecting EventSource sends,
 * else the last_event_id parameter (a page's first connection); -1 for "from now". The header
 * wins because a browser reconnects to the same URL, parameter and all, with a newer id. */
static int64_t resume_after(http_req_t *q, field_errors_t *errs) {
    const char *field = "Last-Event-ID";
    const char *v = http_header(q, "Last-Event-ID");
    if (!v || !*v) {
        field = "last_event_id";
        v = http_query(q, "last_event_id");
    }
    if (!v || !*v)
        return -1;
    char *end;
    errno = 0;
    long long id = strtoll(v, &end, 10);
    if (*end || end == v || id < 0 || errno) {
        field_errors_add(errs, field, "invalid_value",
                         "%s must be an event id this stream sent (a non-negative integer)", field);
        return -1;
    }
    return id;
}

/* Every warehouse named must exist: a typo would otherwise be a stream that stays silent. */
static void check_warehouses(http_req_t *q, const event_filter_t *f, field_errors_t *errs) {
    store_t *s = app_reader(q->app);
    for (int i = 0; s && i < f->n_warehouses; i++) {
        json_t *wh = NULL;
        int rc = s->vt->warehouse_get(s, f->warehouses[i], &wh);
        json_decref(wh);
        if (rc == STORE_NOT_FOUND)
            field_errors_add(errs, "warehouse", "unknown_warehouse", "no warehouse '%s'",
                             f->warehouses[i]);
    }
}

svc_op_t *event_stream_open(http_req_t *q, svc_result_t *r) {
    event_hub_t *hub = q->app->event_hub;
    if (!hub) {
        svc_fail(r, ORDO_E_SHUTTING_DOWN, "live streams are not running");
        return NULL;
    }
    field_errors_t *errs = svc_errors(r);
    event_filter_t f;
    memset(&f, 0, sizeof f);
    const char *types = http_query(q, "types");
    const char *warehouses = http_query(q, "warehouse");
    if (types)
        event_filter_parse_types(&f, types, "types", errs);
    if (warehouses && event_filter_parse_warehouses(&f, warehouses, "warehouse", errs))
        check_warehouses(q, &f, errs);
    int64_t after = resume_after(q, errs);
    if (svc_error_count(r)) {
        svc_fail(r, ORDO_E_BAD_REQUEST, "invalid stream parameters");
        return NULL;
    }
    event_sub_waker_t waker = {.park = park, .unpark = unpark, .ctx = q->conn};
    ordo_err_t err = ORDO_E_OK;
    event_sub_t *sub = event_hub_subscribe(hub, &f, after, &waker, &err);
    if (!sub) {
        svc_fail(r, err, "%s",
                 err == ORDO_E_OVERLOADED ? "too many live streams are open; retry later"
                                          : "the server is stopping; reconnect later");
        return NULL;
    }
    q->stream = sub;
    return NULL;
}

/* Caps the socket's send buffer (see ORDO_STREAM_SOCKET_BUFFER_BYTES; the environment's
 * ORDO_STREAM_SOCKET_BUFFER_BYTES overrides it). */
static void cap_socket_buffer(struct MHD_Connection *conn) {
    int bytes =
        (int)env_positive("ORDO_STREAM_SOCKET_BUFFER_BYTES", ORDO_STREAM_SOCKET_BUFFER_BYTES);
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info)
        setsockopt(info->connect_fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
}

enum MHD_Result event_stream_respond(struct MHD_Connection *conn, void *stream) {
    cap_socket_buffer(conn);
    struct MHD_Response *resp = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, READ_BLOCK_BYTES, stream_read, stream, stream_free);
    if (!resp) {
        event_sub_release(stream);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    /* Reverse proxies (nginx) would otherwise hold events back to fill their buffers. */
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp); /* the connection keeps its own reference, or frees it now */
    return ret;
}
