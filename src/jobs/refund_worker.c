#include "jobs/refund_worker.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "jobs/backoff.h"
#include "jobs/poller.h"
#include "svc/refunds.h"
#include "util/env.h"
#include "util/log.h"
#include "util/timefmt.h"

#define DUE_BATCH 16

struct refund_worker {
    app_t *app;
    poller_t *poller;
    atomic_bool stop;
    bool started; /* a pass ran since the start */
    int64_t backoff_ms, backoff_cap_ms;
    int alert_attempts;
};

/* Records the outcome; false when it could not be (the refund stays due as it was). */
static bool settle(refund_worker_t *w, const json_t *refund, const refund_outcome_t *out) {
    int64_t id = json_integer_value(json_object_get(refund, "id"));
    int attempts = (int)json_integer_value(json_object_get(refund, "attempts")) + 1;
    int64_t next = time_now_ms() + backoff_delay_ms(attempts, w->backoff_ms, w->backoff_cap_ms);
    if (out->verdict == REFUND_UNKNOWN)
        log_warn("refund %lld: outcome unknown after attempt %d (%s); asked again in %lld ms",
                 (long long)id, attempts, out->error, (long long)(next - time_now_ms()));
    svc_op_t *op = refund_settle_op(w->app, id, out, next, w->alert_attempts);
    if (!op) {
        log_error("refund %lld: out of memory recording its outcome; it stays pending",
                  (long long)id);
        return false;
    }
    svc_op_run_sync(op);
    bool ok = op->result.err == ORDO_E_OK;
    if (!ok)
        log_warn("refund %lld: %s", (long long)id, op->result.detail);
    svc_op_free(op);
    return ok;
}

/* One pass: every due refund, asked and settled. Returns whether there was work. */
static bool pass(void *ctx) {
    refund_worker_t *w = ctx;
    store_t *s = app_reader(w->app);
    if (!s)
        return false;
    refund_filter_t f = {.status = "pending",
                         .due_at_ms = w->started ? time_now_ms() : INT64_MAX,
                         .limit = DUE_BATCH};
    json_t *due = NULL;
    if (s->vt->after_sales->refunds_list(s, &f, &due) != STORE_OK)
        return false;
    w->started = true;
    /* Busy (another pass at once) only when every outcome was recorded: one that was not is
     * still due, and asking again at once would hammer the provider. */
    bool busy = json_array_size(due) > 0;
    size_t i;
    json_t *refund;
    json_array_foreach(due, i, refund) {
        if (atomic_load(&w->stop))
            break;
        refund_outcome_t out;
        refund_ask(w->app, refund, &out, &w->stop);
        busy = settle(w, refund, &out) && busy;
    }
    busy = busy && !atomic_load(&w->stop);
    json_decref(due);
    return busy;
}

static void wake(void *ctx) {
    poller_wake(((refund_worker_t *)ctx)->poller);
}

/* libcurl's global set-up is not thread-safe: it runs here, before the thread starts. */
refund_worker_t *refund_worker_start(app_t *app) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    refund_worker_t *w = calloc(1, sizeof *w);
    if (!w) {
        curl_global_cleanup();
        return NULL;
    }
    w->app = app;
    atomic_init(&w->stop, false);
    w->backoff_ms = env_positive("ORDO_REFUND_BACKOFF_MS", 2000);
    w->backoff_cap_ms = env_positive("ORDO_REFUND_BACKOFF_CAP_MS", 600000);
    w->alert_attempts = (int)env_positive("ORDO_REFUND_ALERT_ATTEMPTS", 5);
    w->poller =
        poller_start("ordo-refunds", (int)env_positive("ORDO_REFUND_INTERVAL_MS", 1000), pass, w);
    if (!w->poller) {
        free(w);
        curl_global_cleanup();
        return NULL;
    }
    app->refunds_wake_ctx = w;
    app->refunds_wake = wake;
    return w;
}

void refund_worker_stop(refund_worker_t *w) {
    if (!w)
        return;
    w->app->refunds_wake = NULL;
    w->app->refunds_wake_ctx = NULL;
    atomic_store(&w->stop, true);
    poller_stop(w->poller);
    curl_global_cleanup();
    free(w);
}
