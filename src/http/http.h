#ifndef ORDO_HTTP_HTTP_H
#define ORDO_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "svc/app.h"
#include "svc/op.h"

/* The HTTP transport: routes /v1 requests to use cases, speaks JSON and problem+json. */

typedef struct http_server http_server_t;

typedef struct {
    const char *listen;      /* "HOST:PORT" */
    const char *admin_token; /* bearer token for /v1 */
    int threads;             /* event-loop threads */
} http_config_t;

/* Starts serving. Returns NULL with a reason in err. */
http_server_t *http_start(app_t *app, const http_config_t *cfg, char *err, size_t err_len);

/* Stops accepting, waits up to timeout_ms for requests in flight to be answered, then stops. */
void http_stop(http_server_t *srv, int timeout_ms);

/* One request as a handler sees it. */
typedef struct {
    void *conn; /* struct MHD_Connection* */
    app_t *app;
    const char *method;
    const char *path;
    const char *params[4]; /* path parameters, in pattern order */
    json_t *body;          /* parsed JSON body or NULL when empty */
    const char *raw;       /* platform callbacks: the body as received */
    size_t raw_len;
    const char *actor;
} http_req_t;

/* Returns a request header's value, or NULL. */
const char *http_header(const http_req_t *req, const char *name);

/* Returns a query-string value, or NULL. */
const char *http_query(const http_req_t *req, const char *name);

/* A handler either fills r (answered now) or returns an op for the writer (answered when
 * durable). */
typedef svc_op_t *(*http_handler_t)(http_req_t *req, svc_result_t *r);

typedef struct {
    const char *method;
    const char *pattern; /* "/v1/orders/{}/cancel": {} matches one segment */
    http_handler_t handler;
    bool needs_body;
    const char *location; /* for 201s: the created resource is at location + its identifier */
    /* Called by payment platforms: no bearer token (the signature authenticates the body)
     * and the body is handed over raw, in whatever format the platform sends. */
    bool platform_callback;
} http_route_t;

extern const http_route_t http_routes[];
extern const int http_routes_count;

#endif
