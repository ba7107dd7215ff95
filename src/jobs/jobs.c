#include "jobs/jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "svc/completion.h"
#include "svc/orders.h"
#include "svc/after_sales_sweep.h"
#include "svc/tracking_detect.h"
#include "svc/tracking_poll.h"
#include "util/log.h"
#include "util/timefmt.h"

struct jobs {
    app_t *app;
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    int64_t auto_confirmed_at; /* when the auto-confirm sweep last ran (ms); 0: not yet */
    int64_t last_tracking_ms;
};

/* Auto-confirm works in days: once a minute is plenty, and each run reads only the orders
 * due through the status indexes. */
#define AUTO_CONFIRM_EVERY_MS 60000

static void auto_confirm(jobs_t *j) {
    int64_t now = time_now_ms();
    if (j->auto_confirmed_at && now - j->auto_confirmed_at < AUTO_CONFIRM_EVERY_MS)
        return;
    j->auto_confirmed_at = now;
    svc_result_t r;
    svc_result_init(&r);
    completion_sweep(j->app, now, &r);
    if (r.err != ORDO_E_OK)
        log_warn("auto-confirm failed: %s", r.detail);
    else if (json_integer_value(json_object_get(r.body, "completed")) > 0)
        log_info("auto-confirmed %lld orders",
                 (long long)json_integer_value(json_object_get(r.body, "completed")));
    svc_result_clear(&r);
}

/* Tracking and after-sales SLAs move in hours, not seconds: a poll round, a detection sweep
 * and the SLA sweep once a minute. */
#define TRACKING_EVERY_MS (60 * 1000LL)

static void run_logged(svc_op_t *op, const char *what) {
    if (!op)
        return;
    svc_op_run_sync(op);
    if (op->result.err != ORDO_E_OK)
        log_warn("%s failed: %s", what, op->result.detail);
    svc_op_free(op);
}

static void track(jobs_t *j) {
    int64_t now = time_now_ms();
    if (now - j->last_tracking_ms < TRACKING_EVERY_MS)
        return;
    j->last_tracking_ms = now;
    svc_result_t r;
    svc_result_init(&r);
    run_logged(tracking_poll_round(j->app, now, "jobs", &r), "tracking poll");
    if (r.err != ORDO_E_OK)
        log_warn("tracking poll failed: %s", r.detail);
    svc_result_clear(&r);
    run_logged(tracking_sweep_op(j->app, now, "jobs"), "logistics sweep");
    run_logged(after_sales_sweep_op(j->app, now, "jobs"), "after-sales SLA sweep");
}

static void expire_unpaid(jobs_t *j) {
    svc_op_t *op = payment_expiry_op(j->app);
    if (!op)
        return;
    svc_op_run_sync(op);
    if (op->result.err != ORDO_E_OK)
        log_warn("payment expiry failed: %s", op->result.detail);
    else if (json_integer_value(op->result.body) > 0)
        log_info("cancelled %lld unpaid orders (payment_timeout)",
                 (long long)json_integer_value(op->result.body));
    svc_op_free(op);
}

static void *jobs_main(void *arg) {
    jobs_t *j = arg;
    pthread_mutex_lock(&j->mu);
    while (!j->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)j->interval_ms * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&j->cv, &j->mu, &until);
        if (j->stopping)
            break;
        pthread_mutex_unlock(&j->mu);
        expire_unpaid(j);
        auto_confirm(j);
        track(j);
        pthread_mutex_lock(&j->mu);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

jobs_t *jobs_start(app_t *app, int interval_ms) {
    jobs_t *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->app = app;
    j->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    if (pthread_create(&j->thread, NULL, jobs_main, j) == 0) {
        pthread_setname_np(j->thread, "ordo-jobs");
    } else {
        free(j);
        return NULL;
    }
    return j;
}

void jobs_stop(jobs_t *j) {
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->stopping = true;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j);
}
