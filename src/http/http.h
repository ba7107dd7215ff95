#ifndef ORDO_HTTP_HTTP_H
#define ORDO_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>

#include "svc/app.h"
#include "svc/op.h"
#include "svc/sessions.h"

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
    const char *actor;      /* who->actor: the user's name, or "admin" for the admin token */
    const principal_t *who; /* who is calling, with which role (NULL on open routes) */
    /* Set by a handler that answers with a live event stream (http/event_stream.h) instead
     * of a result: the transport then streams it. */
    void *stream;
} http_req_t;

/* Returns a request header's value, or NULL. */
const char *http_header(const http_req_t *req, const char *name);

/* The caller's IP address as text in buf (the socket's peer: a proxy in front is the
 * caller), or NULL when unknown. */
const char *http_client_address(const http_req_t *req, char *buf, size_t cap);

/* Returns a query-string value, or NULL. */
const char *http_query(const http_req_t *req, const char *name);

/* A handler either fills r (answered now) or returns an op for the writer (answered when
 * durable). */
typedef svc_op_t *(*http_handler_t)(http_req_t *req, svc_result_t *r);

/* How a route takes its request. */
typedef enum {
    ROUTE_JSON = 0,     /* a credential (bearer token or session cookie); the body as JSON */
    ROUTE_PLATFORM = 1, /* called by a payment platform: no bearer token (the signature
                         * authenticates the body), the body handed over raw in whatever format
                         * the platform sends */
    ROUTE_RAW = 2,      /* bearer token; the body is a file handed over raw (a CSV statement) */
    ROUTE_STREAM = 3,   /* no body; the bearer token, or the access_token parameter: browsers'
                         * EventSource cannot set headers */
    ROUTE_PUBLIC = 4,   /* outside /v1 (the buyer's /track page): no token, no body */
    ROUTE_SIGN_IN = 5,  /* signing in: no credential yet; the body parsed as JSON */
} route_body_t;

typedef struct {
    const char *method;
    const char *pattern; /* "/v1/orders/{}/cancel": {} matches one segment */
    http_handler_t handler;
    bool needs_body;
    const char *location; /* for 201s: the created resource is at location + its identifier */
    route_body_t body;
} http_route_t;

extern const http_route_t http_routes[];
extern const int http_routes_count;

#endif
