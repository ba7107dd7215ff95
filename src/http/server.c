/* libmicrohttpd glue. A request's body is gathered across access-handler calls; the handler
 * runs on the last call. A write is handed to the writer and the connection suspended, so
 * no thread waits for the fsync; the writer resumes it once the group is durable, and the
 * response is queued on that later call (which keeps the connection alive). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "http/event_stream.h"
#include "http/http.h"
#include "http/console_files.h"
#include "http/metrics.h"
#include "http/permissions.h"
#include "svc/event_hub.h"
#include "svc/passwords.h"
#include "util/file.h"
#include "util/log.h"
#include "util/timefmt.h"

/* At shutdown, how long a request whose body is still arriving may take to complete. */
#define READING_GRACE_MS 2000

/* Past this much discarded body, stop reading and close: a client that keeps sending after
 * its body was refused is not one to keep serving. */
#define DISCARD_MAX_BYTES (64 * 1024 * 1024)

struct http_server {
    struct MHD_Daemon *daemon;
    app_t *app;
    char *admin_token;
    size_t admin_token_len;
    char *openapi;
    size_t openapi_len;
    console_files_t *console; /* NULL when the console was not built */
    atomic_int active;        /* requests begun (headers read) and not yet completed */
    atomic_int processing;    /* requests handed to the writer and not yet answered */
    atomic_bool stopping;     /* set first on stop: no new request may suspend after it */
    pthread_mutex_t mu;
    pthread_cond_t idle;
};

typedef enum { REQ_READING, REQ_WAITING, REQ_RESUMED } req_state_t;

typedef struct {
    http_server_t *srv;
    req_state_t state;
    char *body;
    size_t body_len, body_cap;
    size_t discarded;
    bool too_large;
    svc_op_t *op;
    struct MHD_Connection *conn;
    int64_t started_ns;
    const http_route_t *route;
    char params[4][ORDO_CODE_MAX * 3 + 1];
    bool streaming;  /* answered with a live event stream: not a request's latency */
    principal_t who; /* who is calling: outlives the dispatch for the op that uses it */
} req_ctx_t;

/* ---- responses ---- */

/* retry_after_s > 0: when to come back (Retry-After, in seconds). */
static enum MHD_Result send_bytes(struct MHD_Connection *conn, int status, const char *type,
                                  char *data, size_t len, const char *location,
                                  const char *set_cookie, int retry_after_s) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"ordo\"");
    if (location)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
    if (set_cookie) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, set_cookie);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    if (status == 503)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (retry_after_s > 0) {
        char seconds[16];
        snprintf(seconds, sizeof seconds, "%d", retry_after_s);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    metrics_http_status(status);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, int status, json_t *body,
                                 const char *type, const char *location, const char *set_cookie,
                                 int retry_after_s) {
    char *text = json_dumps(body, JSON_COMPACT);
    if (!text)
        return MHD_NO;
    size_t len = strlen(text);
    return send_bytes(conn, status, type, text, len, location, set_cookie, retry_after_s);
}

static enum MHD_Result send_problem_after(struct MHD_Connection *conn, ordo_err_t e,
                                          const char *detail, const field_errors_t *errs,
                                          int retry_after_s) {
    char type[96];
    snprintf(type, sizeof type, "/problems/%s", ordo_err_code(e));
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", ordo_err_title(e),
                          "status", ordo_err_status(e), "detail",
                          detail && *detail ? detail : ordo_err_title(e), "code", ordo_err_code(e));
    if (e == ORDO_E_VALIDATION || (errs && errs->count)) {
        json_t *list = json_array();
        for (int i = 0; errs && i < errs->count; i++)
            json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "field", errs->items[i].field,
                                                  "code", errs->items[i].code, "message",
                                                  errs->items[i].message));
        json_object_set_new(p, "errors", list);
        if (errs && errs->dropped)
            json_object_set_new(p, "errors_not_shown", json_integer(errs->dropped));
    }
    enum MHD_Result r = send_json(conn, ordo_err_status(e), p, "application/problem+json", NULL,
                                  NULL, retry_after_s);
    json_decref(p);
    return r;
}

static enum MHD_Result send_problem(struct MHD_Connection *conn, ordo_err_t e, const char *detail,
                                    const field_errors_t *errs) {
    return send_problem_after(conn, e, detail, errs, 0);
}

static enum MHD_Result send_result(struct MHD_Connection *conn, svc_result_t *r,
                                   const char *location) {
    if (r->err != ORDO_E_OK)
        return send_problem_after(conn, r->err, r->detail, r->errors, r->retry_after_s);
    /* Location names what a 201 created or where a 202's outcome will be. */
    if (r->http_status != 201 && r->http_status != 202)
        location = NULL;
    if (r->body_text) {
        char *text = r->body_text; /* the response takes it */
        r->body_text = NULL;
        return send_bytes(conn, r->http_status,
                          r->content_type ? r->content_type : "application/json", text, r->body_len,
                          location, r->set_cookie, r->retry_after_s);
    }
    json_t *body = r->body ? r->body : json_object();
    enum MHD_Result ret = send_json(conn, r->http_status, body, "application/json", location,
                                    r->set_cookie, r->retry_after_s);
    if (!r->body)
        json_decref(body);
    return ret;
}

/* ---- routing ---- */

/* Matches path against pattern; copies {} segments into params. */
static bool route_match(const char *pattern, const char *path, req_ctx_t *ctx) {
    int n = 0;
    while (*pattern && *path) {
        if (pattern[0] == '{' && pattern[1] == '}') {
            const char *end = strchr(path, '/');
            size_t len = end ? (size_t)(end - path) : strlen(path);
            if (len == 0 || len >= sizeof ctx->params[0] || n >= 4)
                return false;
            memcpy(ctx->params[n], path, len);
            ctx->params[n++][len] = '\0';
            path += len;
            pattern += 2;
            continue;
        }
        if (*pattern != *path)
            return false;
        pattern++;
        path++;
    }
    return *pattern == '\0' && *path == '\0';
}

/* Finds the route; *path_known tells 405 from 404 when the method doesn't match. */
static const http_route_t *route_find(const char *method, const char *path, req_ctx_t *ctx,
                                      bool *path_known) {
    *path_known = false;
    for (int i = 0; i < http_routes_count; i++) {
        if (!route_match(http_routes[i].pattern, path, ctx))
            continue;
        *path_known = true;
        if (strcmp(http_routes[i].method, method) == 0)
            return &http_routes[i];
    }
    return NULL;
}

const char *http_header(const http_req_t *req, const char *name) {
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const http_req_t *req, const char *name) {
    const char *v = MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                                MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

const char *http_client_address(const http_req_t *req, char *buf, size_t cap) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        (struct MHD_Connection *)req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    const void *addr =
        !sa                         ? NULL
        : sa->sa_family == AF_INET  ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
        : sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                                    : NULL;
    if (!addr || !inet_ntop(sa->sa_family, addr, buf, (socklen_t)cap))
        return NULL;
    return buf;
}

/* Constant time over the admin token's length. */
static bool is_admin_token(http_server_t *srv, const char *tok) {
    size_t len = strlen(tok);
    unsigned char diff = len != srv->admin_token_len;
    for (size_t i = 0; i < srv->admin_token_len; i++)
        diff |= (unsigned char)(srv->admin_token[i] ^ (i < len ? tok[i] : 0));
    return diff == 0;
}

/* Who sent the request: a bearer token (the admin token or a user's API token; on streams
 * also the access_token parameter) or, without one, a session cookie. A bearer token that
 * is wrong is not rescued by a cookie. */
static bool authenticate(http_server_t *srv, struct MHD_Connection *conn, bool in_query,
                         principal_t *who) {
    const char *h =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *tok = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
    if (!h && in_query)
        tok = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "access_token");
    if (h && !tok)
        return false;
    if (tok) {
        if (is_admin_token(srv, tok)) {
            memset(who, 0, sizeof *who);
            who->via = AUTH_ADMIN_TOKEN;
            who->role = ROLE_ADMIN;
            snprintf(who->actor, sizeof who->actor, "admin");
            return true;
        }
        return auth_user_token(srv->app, tok, who);
    }
    const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    return cookie && auth_session(srv->app, cookie, who);
}

/* A request signed in by cookie that changes something must prove it comes from ordo's
 * own pages: the session's CSRF token in X-CSRF-Token (a cross-site form cannot read it
 * nor set the header). Bearer tokens are never sent by a browser on its own. */
static bool csrf_ok(struct MHD_Connection *conn, const char *method, const principal_t *who) {
    if (who->via != AUTH_SESSION || strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
        strcmp(method, "OPTIONS") == 0)
        return true;
    const char *sent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
    return sent && secret_equal(sent, who->csrf);
}

/* ---- meta endpoints ---- */

static enum MHD_Result serve_meta(http_server_t *srv, struct MHD_Connection *conn,
                                  const char *path) {
    if (strcmp(path, "/healthz") == 0) {
        json_t *b = json_pack("{s:s}", "status", "ok");
        enum MHD_Result r = send_json(conn, 200, b, "application/json", NULL, NULL, 0);
        json_decref(b);
        return r;
    }
    if (strcmp(path, "/metrics") == 0) {
        size_t len = 0;
        char *text = metrics_render(srv->app, &len);
        return send_bytes(conn, 200, "text/plain; version=0.0.4", text, len, NULL, NULL, 0);
    }
    /* openapi.json */
    char *copy = malloc(srv->openapi_len);
    if (!copy)
        return MHD_NO;
    memcpy(copy, srv->openapi, srv->openapi_len);
    return send_bytes(conn, 200, "application/json", copy, srv->openapi_len, NULL, NULL, 0);
}

/* ---- the console's files ---- */

static bool is_console_path(const char *url) {
    return strcmp(url, "/") == 0 || strcmp(url, "/console") == 0 ||
           strncmp(url, "/console/", 9) == 0;
}

/* The page may run only its own script and talk only to this server: a value an order
 * carries (a remark, an address) that slipped into markup could not load or send anything. */
#define CONSOLE_CSP                                                                                \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "        \
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "               \
    "form-action 'self'"

static enum MHD_Result serve_console(http_server_t *srv, struct MHD_Connection *conn,
                                     const char *method, const char *url) {
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_problem(conn, ORDO_E_METHOD_NOT_ALLOWED, "the console's files are read-only",
                            NULL);
    if (strcmp(url, "/") == 0) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        if (!resp)
            return MHD_NO;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, "/console/");
        enum MHD_Result r = MHD_queue_response(conn, 302, resp);
        MHD_destroy_response(resp);
        return r;
    }
    if (!srv->console)
        return send_problem(conn, ORDO_E_NOT_FOUND,
                            "the console is not built: run `make` (it builds build/console), or "
                            "point ORDO_CONSOLE_DIR at a built console",
                            NULL);
    const console_file_t *f = console_files_find(srv->console, url);
    if (!f)
        return send_problem(conn, ORDO_E_NOT_FOUND, "no such console file", NULL);
    const char *inm =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    bool fresh = inm && strcmp(inm, f->etag) == 0;
    struct MHD_Response *resp = MHD_create_response_from_buffer(fresh ? 0 : f->len, (void *)f->body,
                                                                MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f->content_type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, f->etag);
    /* Revalidated on every load: a new build shows at once, an unchanged one costs a 304. */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    MHD_add_response_header(resp, "Content-Security-Policy", CONSOLE_CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    enum MHD_Result r = MHD_queue_response(conn, fresh ? 304 : 200, resp);
    MHD_destroy_response(resp);
    metrics_http_status(fresh ? 304 : 200);
    return r;
}

/* ---- request flow ---- */

static void op_notify(void *arg) {
    req_ctx_t *ctx = arg;
    ctx->state = REQ_RESUMED;
    MHD_resume_connection(ctx->conn);
}

static bool content_type_ok(struct MHD_Connection *conn) {
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct || !*ct)
        return true;
    return strncasecmp(ct, "application/json", 16) == 0 || strstr(ct, "+json") != NULL;
}

static enum MHD_Result dispatch(http_server_t *srv, req_ctx_t *ctx, struct MHD_Connection *conn,
                                const char *method, const char *url) {
    /* Once stopping, every new request (on a new or a kept-alive connection) is answered at
     * once, so nothing new is suspended behind the drain and balancers see /healthz fail. */
    if (atomic_load(&srv->stopping))
        return send_problem(conn, ORDO_E_SHUTTING_DOWN, "the server is stopping; retry", NULL);
    if (is_console_path(url))
        return serve_console(srv, conn, method, url);
    bool public_page = strncmp(url, "/track/", 7) == 0;
    if (strncmp(url, "/v1/", 4) != 0 && strcmp(url, "/v1") != 0 && !public_page) {
        if (strcmp(method, "GET") == 0 &&
            (strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0 ||
             strcmp(url, "/openapi.json") == 0))
            return serve_meta(srv, conn, url);
        return send_problem(conn, ORDO_E_NOT_FOUND, "no such path", NULL);
    }
    bool path_known;
    const http_route_t *route = route_find(method, url, ctx, &path_known);
    bool token_in_query = route && route->body == ROUTE_STREAM;
    if (public_page && (!route || route->body != ROUTE_PUBLIC))
        return send_problem(conn, ORDO_E_NOT_FOUND, "no such path", NULL);
    bool open_route = route && (route->body == ROUTE_PLATFORM || route->body == ROUTE_PUBLIC ||
                                route->body == ROUTE_SIGN_IN);
    principal_t *who = &ctx->who;
    if (!open_route && !authenticate(srv, conn, token_in_query, who))
        return send_problem(conn, ORDO_E_UNAUTHORIZED,
                            "send Authorization: Bearer <token>, or sign in (POST /v1/session) "
                            "and send the session cookie, with every /v1 request",
                            NULL);
    if (!route)
        return send_problem(conn, path_known ? ORDO_E_METHOD_NOT_ALLOWED : ORDO_E_NOT_FOUND,
                            path_known ? "method not allowed here" : "no such path", NULL);
    if (!open_route && !csrf_ok(conn, method, who))
        return send_problem(conn, ORDO_E_FORBIDDEN,
                            "a change made with the session cookie needs the session's CSRF "
                            "token in X-CSRF-Token (from POST or GET /v1/session)",
                            NULL);
    if (!open_route && !route_allowed(route, who->role)) {
        const route_permission_t *p = route_permission(route);
        char detail[192];
        if (p)
            snprintf(detail, sizeof detail, "role %s may not %s", role_name(who->role), p->what);
        else
            snprintf(detail, sizeof detail, "role %s may not call %s %s", role_name(who->role),
                     route->method, route->pattern);
        return send_problem(conn, ORDO_E_FORBIDDEN, detail, NULL);
    }
    if (ctx->too_large) {
        char detail[96];
        snprintf(detail, sizeof detail, "the body is over %d bytes", ORDO_BODY_MAX_BYTES);
        return send_problem(conn, ORDO_E_BODY_TOO_LARGE, detail, NULL);
    }
    http_req_t req = {.conn = conn,
                      .app = srv->app,
                      .method = method,
                      .path = url,
                      .actor = open_route ? "system" : who->actor,
                      .who = open_route ? NULL : who};
    for (int i = 0; i < 4; i++)
        req.params[i] = ctx->params[i];
    if (route->body != ROUTE_JSON && route->body != ROUTE_SIGN_IN) {
        req.raw = ctx->body ? ctx->body : "";
        req.raw_len = ctx->body_len;
        if (ctx->body)
            ctx->body[ctx->body_len] = '\0'; /* the buffer always has room for it */
    } else if (ctx->body_len > 0) {
        if (!content_type_ok(conn))
            return send_problem(conn, ORDO_E_UNSUPPORTED_MEDIA_TYPE,
                                "send the body as application/json", NULL);
        json_error_t jerr;
        req.body = json_loadb(ctx->body, ctx->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (!req.body) {
            char detail[256];
            snprintf(detail, sizeof detail, "%s (line %d, column %d)", jerr.text, jerr.line,
                     jerr.column);
            return send_problem(conn, ORDO_E_MALFORMED_JSON, detail, NULL);
        }
    } else if (route->needs_body) {
        return send_problem(conn, ORDO_E_BAD_REQUEST, "this request needs a JSON body", NULL);
    }

    svc_result_t *res = malloc(sizeof *res);
    if (!res) {
        json_decref(req.body);
        return MHD_NO;
    }
    svc_result_init(res);
    svc_op_t *op = route->handler(&req, res);
    json_decref(req.body);
    enum MHD_Result ret;
    if (req.stream) {
        ctx->streaming = true;
        metrics_http_status(200);
        ret = event_stream_respond(conn, req.stream);
    } else if (!op) {
        ret = send_result(conn, res, NULL);
    } else {
        ctx->op = op;
        ctx->route = route;
        op->notify = op_notify;
        op->notify_ctx = ctx;
        ctx->state = REQ_WAITING;
        atomic_fetch_add(&srv->processing, 1);
        MHD_suspend_connection(conn);
        ordo_err_t e = svc_op_submit(op);
        if (e != ORDO_E_OK) {
            /* Refused (full queue, shutdown): answer now instead. */
            ctx->state = REQ_RESUMED;
            svc_fail(&op->result, e, "%s", ordo_err_title(e));
            MHD_resume_connection(conn);
        }
        ret = MHD_YES;
    }
    svc_result_clear(res);
    free(res);
    return ret;
}

static enum MHD_Result finish_op(req_ctx_t *ctx, struct MHD_Connection *conn) {
    svc_op_t *op = ctx->op;
    svc_op_finish(op);
    char location[128] = "";
    if (ctx->route->location && op->result.created[0])
        snprintf(location, sizeof location, "%s%s", ctx->route->location, op->result.created);
    enum MHD_Result ret = send_result(conn, &op->result, location[0] ? location : NULL);
    svc_op_free(op);
    ctx->op = NULL;
    if (atomic_fetch_sub(&ctx->srv->processing, 1) == 1) {
        pthread_mutex_lock(&ctx->srv->mu);
        pthread_cond_broadcast(&ctx->srv->idle);
        pthread_mutex_unlock(&ctx->srv->mu);
    }
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls) {
    (void)version;
    http_server_t *srv = cls;
    req_ctx_t *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof *ctx);
        if (!ctx)
            return MHD_NO;
        ctx->srv = srv;
        ctx->conn = conn;
        ctx->started_ns = time_mono_ns();
        *con_cls = ctx;
        atomic_fetch_add(&srv->active, 1);
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > ORDO_BODY_MAX_BYTES)
            ctx->too_large = true;
        return MHD_YES;
    }
    if (ctx->state == REQ_RESUMED)
        return finish_op(ctx, conn);
    if (ctx->state == REQ_WAITING)
        return MHD_YES; /* spurious call while suspended */

    if (*upload_size > 0) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (ctx->too_large || ctx->body_len + n > ORDO_BODY_MAX_BYTES) {
            ctx->too_large = true;
            ctx->discarded += n;
            if (ctx->discarded > DISCARD_MAX_BYTES)
                return MHD_NO;
            return MHD_YES;
        }
        if (ctx->body_len + n + 1 > ctx->body_cap) {
            size_t cap = ctx->body_cap ? ctx->body_cap : 4096;
            while (cap < ctx->body_len + n + 1)
                cap *= 2;
            char *nb = realloc(ctx->body, cap);
            if (!nb)
                return MHD_NO;
            ctx->body = nb;
            ctx->body_cap = cap;
        }
        memcpy(ctx->body + ctx->body_len, upload_data, n);
        ctx->body_len += n;
        return MHD_YES;
    }
    return dispatch(srv, ctx, conn, method, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)conn;
    (void)toe;
    http_server_t *srv = cls;
    req_ctx_t *ctx = *con_cls;
    if (!ctx)
        return;
    if (!ctx->streaming)
        metrics_http_latency(time_mono_ns() - ctx->started_ns);
    if (ctx->op)
        svc_op_free(ctx->op); /* answered without finishing: the connection broke */
    free(ctx->body);
    free(ctx);
    *con_cls = NULL;
    if (atomic_fetch_sub(&srv->active, 1) == 1) {
        pthread_mutex_lock(&srv->mu);
        pthread_cond_broadcast(&srv->idle);
        pthread_mutex_unlock(&srv->mu);
    }
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_debug("http: %s", msg);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, char *err,
                        size_t err_len) {
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host) {
        snprintf(err, err_len, "--listen wants HOST:PORT, got '%s'", listen);
        return -1;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *h = host;
    if (h[0] == '[') {
        h++;
        h[strlen(h) - 1] = '\0';
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV},
                    *res = NULL;
    int rc = getaddrinfo(h, colon + 1, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, err_len, "cannot resolve '%s': %s", listen, gai_strerror(rc));
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

http_server_t *http_start(app_t *app, const http_config_t *cfg, char *err, size_t err_len) {
    struct sockaddr_storage ss;
    socklen_t ss_len;
    if (parse_listen(cfg->listen, &ss, &ss_len, err, err_len))
        return NULL;
    http_server_t *srv = calloc(1, sizeof *srv);
    if (!srv)
        return NULL;
    srv->app = app;
    srv->admin_token = strdup(cfg->admin_token);
    srv->admin_token_len = strlen(cfg->admin_token);
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->idle, NULL);
    char path[4096];
    if (data_path("openapi.json", path, sizeof path) == 0)
        srv->openapi = file_read_all(path, &srv->openapi_len);
    if (!srv->openapi) {
        srv->openapi = strdup("{}");
        srv->openapi_len = 2;
    }
    if (console_files_dir(path, sizeof path) == 0)
        srv->console = console_files_load(path);
    if (!srv->console)
        log_warn("the console is not built (no build/console/index.html): /console answers 404");
    metrics_init();
    event_hub_config_t streams;
    event_hub_config_default(&streams);
    app->event_hub = event_hub_start(app, &streams);
    if (!app->event_hub)
        log_error("live event streams did not start: GET /v1/events/stream answers 503");
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 2),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)10000, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_END);
    if (!srv->daemon) {
        snprintf(err, err_len, "cannot listen on %s (in use, or not a local address?)",
                 cfg->listen);
        event_hub_stop(app->event_hub);
        app->event_hub = NULL;
        free(srv->admin_token);
        free(srv->openapi);
        console_files_free(srv->console);
        free(srv);
        return NULL;
    }
    return srv;
}

void http_stop(http_server_t *srv, int timeout_ms) {
    if (!srv)
        return;
    /* The listening socket stays open through the drain, and what arrives is refused with a
     * 503. MHD_quiesce_daemon() would close it sooner, but with a thread pool on epoll it
     * races the workers removing the same descriptor, and libmicrohttpd 0.9.75 aborts the
     * process when it loses (an unguarded MHD_PANIC on ENOENT). */
    atomic_store(&srv->stopping, true);
    /* Live streams end now (after what they buffered): each is a request in flight until its
     * connection finishes, and receivers reconnect with Last-Event-ID elsewhere or later. */
    event_hub_close(srv->app->event_hub);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    /* Requests being processed are answered (once durable) within the full timeout. Requests
     * still arriving get a short grace to finish sending and be answered (a 503 by now):
     * a client that stalled mid-body must not hold the shutdown for long. */
    int64_t reading_grace_until = time_mono_ns() + READING_GRACE_MS * 1000000LL;
    pthread_mutex_lock(&srv->mu);
    for (;;) {
        int processing = atomic_load(&srv->processing), active = atomic_load(&srv->active);
        if (processing == 0 && (active == 0 || time_mono_ns() >= reading_grace_until))
            break;
        struct timespec step;
        clock_gettime(CLOCK_REALTIME, &step);
        step.tv_nsec += 50 * 1000000L; /* re-check the grace even without a wake-up */
        if (step.tv_nsec >= 1000000000L) {
            step.tv_sec++;
            step.tv_nsec -= 1000000000L;
        }
        if (step.tv_sec > deadline.tv_sec ||
            (step.tv_sec == deadline.tv_sec && step.tv_nsec > deadline.tv_nsec))
            step = deadline;
        if (pthread_cond_timedwait(&srv->idle, &srv->mu, &step) != 0 &&
            (step.tv_sec == deadline.tv_sec && step.tv_nsec == deadline.tv_nsec))
            break;
    }
    pthread_mutex_unlock(&srv->mu);
    if (atomic_load(&srv->processing) > 0)
        log_warn("stopping with %d requests unanswered", atomic_load(&srv->processing));
    MHD_stop_daemon(srv->daemon);
    event_hub_stop(srv->app->event_hub); /* every stream was released with its connection */
    srv->app->event_hub = NULL;
    pthread_mutex_destroy(&srv->mu);
    pthread_cond_destroy(&srv->idle);
    free(srv->admin_token);
    free(srv->openapi);
    console_files_free(srv->console);
    free(srv);
}
