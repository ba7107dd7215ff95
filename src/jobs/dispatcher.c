#include "jobs/dispatcher.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/payment_verify.h"
#include "jobs/backoff.h"
#include "jobs/poller.h"
#include "svc/event_doc.h"
#include "svc/webhooks.h"
#include "util/env.h"
#include "util/log.h"
#include "util/timefmt.h"

#define DUE_BATCH 256
#define BACKOFF_CAP_MS (3600 * 1000LL)

/* One POST in flight: its handle, what it sends, and where its outcome goes. */
typedef struct {
    CURL *easy;
    struct curl_slist *headers;
    char *body;
    delivery_outcome_t *out;
    int attempts; /* before this one */
    CURLcode rc;
} transfer_t;

struct dispatcher {
    app_t *app;
    poller_t *poller;
    int max_attempts;
    int64_t backoff_ms;
    CURLM *multi;
    int concurrency;
    transfer_t transfers[DUE_BATCH];
};

static size_t discard(char *ptr, size_t size, size_t n, void *ctx) {
    (void)ptr;
    (void)ctx;
    return size * n;
}

static bool transfer_start(dispatcher_t *d, transfer_t *t, json_t *row, delivery_outcome_t *out) {
    t->out = out;
    t->rc = CURLE_OUT_OF_MEMORY;
    t->attempts = (int)json_integer_value(json_object_get(row, "attempts"));
    out->delivery_id = json_integer_value(json_object_get(row, "id"));
    out->error[0] = '\0';
    t->body = event_document(json_integer_value(json_object_get(row, "outbox_id")),
                             json_string_value(json_object_get(row, "topic")),
                             json_integer_value(json_object_get(row, "created_at")),
                             json_string_value(json_object_get(row, "payload")), NULL);
    if (!t->body)
        return false;
    char sig[65], h_sig[96], h_event[128], h_id[64], h_delivery[64];
    hmac_sha256_hex(json_string_value(json_object_get(row, "secret")),
                    (const unsigned char *)t->body, strlen(t->body), sig);
    snprintf(h_sig, sizeof h_sig, "X-Ordo-Signature: sha256=%s", sig);
    snprintf(h_event, sizeof h_event, "X-Ordo-Event: %s",
             json_string_value(json_object_get(row, "topic")));
    snprintf(h_id, sizeof h_id, "X-Ordo-Event-Id: %lld",
             (long long)json_integer_value(json_object_get(row, "outbox_id")));
    snprintf(h_delivery, sizeof h_delivery, "X-Ordo-Delivery: %lld", (long long)out->delivery_id);
    t->headers = curl_slist_append(NULL, "Content-Type: application/json");
    t->headers = curl_slist_append(t->headers, h_sig);
    t->headers = curl_slist_append(t->headers, h_event);
    t->headers = curl_slist_append(t->headers, h_id);
    t->headers = curl_slist_append(t->headers, h_delivery);
    curl_easy_setopt(t->easy, CURLOPT_URL, json_string_value(json_object_get(row, "url")));
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(t->body));
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    return curl_multi_add_handle(d->multi, t->easy) == CURLM_OK;
}

/* Turns a finished transfer into its delivery's next state. */
static void transfer_finish(dispatcher_t *d, transfer_t *t, int64_t now) {
    long status = 0;
    delivery_outcome_t *out = t->out;
    if (t->rc == CURLE_OK)
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(t->headers);
    t->headers = NULL;
    free(t->body);
    t->body = NULL;
    out->http_status = (int)status;
    if (t->rc == CURLE_OK && status >= 200 && status < 300) {
        out->status = "delivered";
        out->next_ms = now;
        return;
    }
    if (t->rc != CURLE_OK)
        snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(t->rc));
    else
        snprintf(out->error, sizeof out->error, "the receiver answered %ld", status);
    int attempts = t->attempts + 1;
    if (attempts >= d->max_attempts) {
        out->status = "dead";
        out->next_ms = now;
        return;
    }
    out->status = "pending";
    out->next_ms = now + backoff_delay_ms(attempts, d->backoff_ms, BACKOFF_CAP_MS);
}

/* Sends the rows with up to `concurrency` POSTs in flight, starting the next as one ends
 * (connections are reused across passes). The rows of one pass are for distinct (webhook,
 * order) pairs — the due query returns only an order's oldest pending delivery per webhook —
 * so sending them together keeps each order's events in order. Returns how many rows have an
 * outcome: all of them unless libcurl itself failed. */
static size_t deliver_all(dispatcher_t *d, json_t *rows, delivery_outcome_t *outcomes) {
    size_t n = json_array_size(rows), next = 0;
    int active = 0;
    for (;;) {
        while (active < d->concurrency && next < n) {
            transfer_t *t = &d->transfers[next];
            if (transfer_start(d, t, json_array_get(rows, next), &outcomes[next]))
                active++;
            else
                transfer_finish(d, t, time_now_ms());
            next++;
        }
        if (active == 0)
            break;
        int running;
        if (curl_multi_perform(d->multi, &running) != CURLM_OK)
            break;
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(d->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            transfer_t *t = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            t->rc = msg->data.result;
            curl_multi_remove_handle(d->multi, t->easy);
            transfer_finish(d, t, time_now_ms());
            active--;
        }
        if (running > 0 && curl_multi_poll(d->multi, NULL, 0, 1000, NULL) != CURLM_OK)
            break;
    }
    /* Only when libcurl itself failed: what is still in flight counts as a failed attempt,
     * and what never started is left for the next pass. */
    for (size_t i = 0; i < next; i++) {
        transfer_t *t = &d->transfers[i];
        if (!t->body)
            continue;
        curl_multi_remove_handle(d->multi, t->easy);
        t->rc = CURLE_SEND_ERROR;
        transfer_finish(d, t, time_now_ms());
    }
    return next;
}

static void run_sync(svc_op_t *op) {
    if (!op)
        return;
    svc_op_run_sync(op);
    if (op->result.err != ORDO_E_OK)
        log_warn("dispatcher: %s", op->result.detail);
    svc_op_free(op);
}

/* One pass: fan out, then deliver what is due. Returns whether there was work. */
static bool pass(void *ctx) {
    dispatcher_t *d = ctx;
    svc_op_t *fan = webhook_fanout_op(d->app);
    bool busy = false;
    if (fan) {
        svc_op_run_sync(fan);
        busy = json_integer_value(fan->result.body) > 0;
        svc_op_free(fan);
    }
    store_t *s = app_reader(d->app);
    json_t *due = NULL;
    int64_t now = time_now_ms();
    if (!s || s->vt->deliveries_due(s, now, DUE_BATCH, &due) != STORE_OK)
        return busy;
    size_t n = json_array_size(due);
    if (n > 0) {
        delivery_outcome_t *outcomes = calloc(n, sizeof *outcomes);
        if (outcomes) {
            size_t done = deliver_all(d, due, outcomes);
            if (done > 0)
                run_sync(webhook_results_op(d->app, outcomes, (int)done));
        }
        free(outcomes);
        busy = true;
    }
    json_decref(due);
    return busy;
}

static void release_curl(dispatcher_t *d) {
    for (int i = 0; i < DUE_BATCH; i++)
        if (d->transfers[i].easy)
            curl_easy_cleanup(d->transfers[i].easy);
    if (d->multi)
        curl_multi_cleanup(d->multi);
}

/* libcurl's global set-up is not thread-safe: it runs here, before the thread starts. */
dispatcher_t *dispatcher_start(app_t *app) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    dispatcher_t *d = calloc(1, sizeof *d);
    if (!d) {
        curl_global_cleanup();
        return NULL;
    }
    d->app = app;
    d->max_attempts = (int)env_positive("ORDO_WEBHOOK_MAX_ATTEMPTS", 10);
    d->backoff_ms = env_positive("ORDO_WEBHOOK_BACKOFF_MS", 1000);
    long concurrency = env_positive("ORDO_WEBHOOK_CONCURRENCY", 16);
    d->concurrency = concurrency < 1 ? 1 : concurrency > DUE_BATCH ? DUE_BATCH : (int)concurrency;
    d->multi = curl_multi_init();
    bool ok = d->multi != NULL;
    for (int i = 0; ok && i < DUE_BATCH; i++) {
        CURL *e = d->transfers[i].easy = curl_easy_init();
        ok = e != NULL;
        if (!ok)
            break;
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "ordo-webhooks/1");
    }
    if (!ok) {
        release_curl(d);
        free(d);
        curl_global_cleanup();
        return NULL;
    }
    d->poller =
        poller_start("ordo-dispatch", (int)env_positive("ORDO_DISPATCH_INTERVAL_MS", 100), pass, d);
    if (!d->poller) {
        release_curl(d);
        free(d);
        curl_global_cleanup();
        return NULL;
    }
    return d;
}

void dispatcher_stop(dispatcher_t *d) {
    if (!d)
        return;
    poller_stop(d->poller);
    release_curl(d);
    curl_global_cleanup();
    free(d);
}
