#include "jobs/dispatcher.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/payment_verify.h"
#include "svc/webhooks.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/timefmt.h"

#define DUE_BATCH 64
#define BACKOFF_CAP_MS (3600 * 1000LL)

struct dispatcher {
    app_t *app;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    int interval_ms, max_attempts;
    int64_t backoff_ms;
    CURL *curl;
};

static long env_long(const char *name, long dflt) {
    const char *v = getenv(name);
    return v && *v ? atol(v) : dflt;
}

static size_t discard(char *ptr, size_t size, size_t n, void *ctx) {
    (void)ptr;
    (void)ctx;
    return size * n;
}

/* The delivered document: the event's id and type, when it happened, and the message. */
static char *delivery_body(json_t *row) {
    char at[40];
    const char *payload = json_string_value(json_object_get(row, "payload"));
    jsonw_t w;
    jw_init(&w);
    jw_obj_begin(&w);
    jw_key(&w, "id");
    jw_int(&w, json_integer_value(json_object_get(row, "outbox_id")));
    jw_key(&w, "type");
    jw_str(&w, json_string_value(json_object_get(row, "topic")));
    jw_key(&w, "created_at");
    jw_str(&w,
           rfc3339_format(json_integer_value(json_object_get(row, "created_at")), at, sizeof at));
    jw_key(&w, "data");
    jw_raw_value(&w, payload, strlen(payload));
    jw_obj_end(&w);
    return jw_take(&w, NULL);
}

static void deliver(dispatcher_t *d, json_t *row, delivery_outcome_t *out, int64_t now) {
    char *body = delivery_body(row);
    out->delivery_id = json_integer_value(json_object_get(row, "id"));
    out->error[0] = '\0';
    long status = 0;
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    if (body) {
        char sig[65], h_sig[96], h_event[128], h_id[64], h_delivery[64];
        hmac_sha256_hex(json_string_value(json_object_get(row, "secret")),
                        (const unsigned char *)body, strlen(body), sig);
        snprintf(h_sig, sizeof h_sig, "X-Ordo-Signature: sha256=%s", sig);
        snprintf(h_event, sizeof h_event, "X-Ordo-Event: %s",
                 json_string_value(json_object_get(row, "topic")));
        snprintf(h_id, sizeof h_id, "X-Ordo-Event-Id: %lld",
                 (long long)json_integer_value(json_object_get(row, "outbox_id")));
        snprintf(h_delivery, sizeof h_delivery, "X-Ordo-Delivery: %lld",
                 (long long)out->delivery_id);
        struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
        headers = curl_slist_append(headers, h_sig);
        headers = curl_slist_append(headers, h_event);
        headers = curl_slist_append(headers, h_id);
        headers = curl_slist_append(headers, h_delivery);
        curl_easy_setopt(d->curl, CURLOPT_URL, json_string_value(json_object_get(row, "url")));
        curl_easy_setopt(d->curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(d->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(d->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        rc = curl_easy_perform(d->curl);
        if (rc == CURLE_OK)
            curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(d->curl, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(headers);
        free(body);
    }
    out->http_status = (int)status;
    if (rc == CURLE_OK && status >= 200 && status < 300) {
        out->status = "delivered";
        out->next_ms = now;
        return;
    }
    if (rc != CURLE_OK)
        snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
    else
        snprintf(out->error, sizeof out->error, "the receiver answered %ld", status);
    int attempts = (int)json_integer_value(json_object_get(row, "attempts")) + 1;
    if (attempts >= d->max_attempts) {
        out->status = "dead";
        out->next_ms = now;
        return;
    }
    /* Exponential backoff with jitter, so receivers coming back are not hit in lockstep. */
    int64_t delay = d->backoff_ms << (attempts - 1 < 20 ? attempts - 1 : 20);
    if (delay > BACKOFF_CAP_MS)
        delay = BACKOFF_CAP_MS;
    delay = delay / 2 + (int64_t)((double)rand() / RAND_MAX * (double)(delay / 2));
    out->status = "pending";
    out->next_ms = now + delay;
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
static bool pass(dispatcher_t *d) {
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
        size_t i;
        json_t *row;
        json_array_foreach(due, i, row) {
            if (outcomes)
                deliver(d, row, &outcomes[i], time_now_ms());
        }
        if (outcomes)
            run_sync(webhook_results_op(d->app, outcomes, (int)n));
        free(outcomes);
        busy = true;
    }
    json_decref(due);
    return busy;
}

static void *dispatcher_main(void *arg) {
    dispatcher_t *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        pthread_mutex_unlock(&d->mu);
        bool busy = pass(d);
        pthread_mutex_lock(&d->mu);
        if (busy || d->stopping)
            continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)d->interval_ms * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&d->cv, &d->mu, &until);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

/* libcurl's global set-up is not thread-safe: it runs here, before the thread starts. */
dispatcher_t *dispatcher_start(app_t *app) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    dispatcher_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->app = app;
    d->interval_ms = (int)env_long("ORDO_DISPATCH_INTERVAL_MS", 100);
    d->max_attempts = (int)env_long("ORDO_WEBHOOK_MAX_ATTEMPTS", 10);
    d->backoff_ms = env_long("ORDO_WEBHOOK_BACKOFF_MS", 1000);
    d->curl = curl_easy_init();
    if (!d->curl) {
        free(d);
        return NULL;
    }
    curl_easy_setopt(d->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(d->curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(d->curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(d->curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(d->curl, CURLOPT_USERAGENT, "ordo-webhooks/1");
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    if (pthread_create(&d->thread, NULL, dispatcher_main, d) != 0) {
        curl_easy_cleanup(d->curl);
        free(d);
        return NULL;
    }
    pthread_setname_np(d->thread, "ordo-dispatch");
    return d;
}

void dispatcher_stop(dispatcher_t *d) {
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stopping = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    curl_easy_cleanup(d->curl);
    curl_global_cleanup();
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
    free(d);
}
