#include "svc/writer.h"

#include "core/limits.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/log.h"
#include "util/timefmt.h"

struct writer {
    store_t *store;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t has_work;
    pthread_cond_t drained;
    write_cmd_t *head, *tail;
    int depth, queue_max, batch_max;
    bool in_flight; /* a batch is taken but not yet completed */
    bool stopping;
    writer_stats_t stats;
};

/* Runs one batch in one transaction. Returns the commit's result, applied to every command
 * that succeeded inside it. */
static void run_batch(writer_t *w, write_cmd_t *batch, int n) {
    ordo_err_t results[ORDO_WRITER_BATCH_MAX];
    store_t *s = w->store;
    int64_t t0 = time_mono_ns();
    bool tx_ok = s->vt->begin(s) == STORE_OK;
    int i = 0;
    for (write_cmd_t *c = batch; c; c = c->next, i++) {
        if (!tx_ok) {
            results[i] = ORDO_E_STORE;
            continue;
        }
        if (s->vt->savepoint(s) != STORE_OK) {
            results[i] = ORDO_E_STORE;
            continue;
        }
        results[i] = c->run(s, c);
        int rc =
            results[i] == ORDO_E_OK ? s->vt->savepoint_release(s) : s->vt->savepoint_rollback(s);
        if (rc != STORE_OK && results[i] == ORDO_E_OK)
            results[i] = ORDO_E_STORE;
    }
    bool committed = tx_ok && s->vt->commit(s) == STORE_OK;
    if (!committed) {
        log_error("group commit of %d commands failed: %s", n, s->vt->errmsg(s));
        if (tx_ok)
            s->vt->rollback(s);
    }
    int64_t dt = time_mono_ns() - t0;

    pthread_mutex_lock(&w->mu);
    w->stats.commits++;
    w->stats.commands += (uint64_t)n;
    w->stats.commit_ns_total += dt;
    if (!committed)
        w->stats.failed_commits++;
    if ((uint64_t)n > w->stats.batch_max_seen)
        w->stats.batch_max_seen = (uint64_t)n;
    pthread_mutex_unlock(&w->mu);

    i = 0;
    for (write_cmd_t *c = batch, *next; c; c = next, i++) {
        next = c->next; /* complete() may free c */
        ordo_err_t r = committed ? results[i] : ORDO_E_STORE;
        c->complete(c, r);
    }
}

static void *writer_main(void *arg) {
    writer_t *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->has_work, &w->mu);
        if (!w->head && w->stopping) {
            pthread_mutex_unlock(&w->mu);
            break;
        }
        /* Take what is waiting, up to batch_max: while this batch commits, the next one
         * gathers behind it — that is what makes one fsync serve many requests. */
        write_cmd_t *batch = w->head, *last = w->head;
        int n = 1;
        while (last->next && n < w->batch_max) {
            last = last->next;
            n++;
        }
        w->head = last->next;
        if (!w->head)
            w->tail = NULL;
        last->next = NULL;
        w->depth -= n;
        w->in_flight = true;
        pthread_mutex_unlock(&w->mu);

        run_batch(w, batch, n);

        pthread_mutex_lock(&w->mu);
        w->in_flight = false;
        if (!w->head)
            pthread_cond_broadcast(&w->drained);
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

writer_t *writer_start(store_t *s, int batch_max, int queue_max) {
    writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->store = s;
    w->batch_max = batch_max > ORDO_WRITER_BATCH_MAX ? ORDO_WRITER_BATCH_MAX : batch_max;
    w->queue_max = queue_max;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->has_work, NULL);
    pthread_cond_init(&w->drained, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) == 0) {
        pthread_setname_np(w->thread, "ordo-writer");
    } else {
        free(w);
        return NULL;
    }
    return w;
}

ordo_err_t writer_submit(writer_t *w, write_cmd_t *cmd) {
    cmd->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        return ORDO_E_SHUTTING_DOWN;
    }
    if (w->depth >= w->queue_max) {
        pthread_mutex_unlock(&w->mu);
        return ORDO_E_OVERLOADED;
    }
    if (w->tail)
        w->tail->next = cmd;
    else
        w->head = cmd;
    w->tail = cmd;
    w->depth++;
    pthread_cond_signal(&w->has_work);
    pthread_mutex_unlock(&w->mu);
    return ORDO_E_OK;
}

typedef struct {
    write_cmd_t *inner;
    void (*inner_complete)(write_cmd_t *, ordo_err_t);
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
    ordo_err_t result;
} waiter_t;

/* writer_exec swaps in this completion to wake the blocked caller. */
typedef struct {
    write_cmd_t cmd;
    waiter_t *waiter;
} exec_shim_t;

static ordo_err_t shim_run(store_t *s, write_cmd_t *cmd) {
    exec_shim_t *shim = (exec_shim_t *)cmd;
    return shim->waiter->inner->run(s, shim->waiter->inner);
}

static void shim_complete(write_cmd_t *cmd, ordo_err_t result) {
    waiter_t *wt = ((exec_shim_t *)cmd)->waiter;
    if (wt->inner_complete)
        wt->inner_complete(wt->inner, result);
    pthread_mutex_lock(&wt->mu);
    wt->done = true;
    wt->result = result;
    pthread_cond_signal(&wt->cv);
    pthread_mutex_unlock(&wt->mu);
}

ordo_err_t writer_exec(writer_t *w, write_cmd_t *cmd) {
    waiter_t wt = {.inner = cmd, .inner_complete = cmd->complete};
    pthread_mutex_init(&wt.mu, NULL);
    pthread_cond_init(&wt.cv, NULL);
    exec_shim_t shim = {.cmd = {.run = shim_run, .complete = shim_complete}, .waiter = &wt};
    ordo_err_t rc = writer_submit(w, &shim.cmd);
    if (rc == ORDO_E_OK) {
        pthread_mutex_lock(&wt.mu);
        while (!wt.done)
            pthread_cond_wait(&wt.cv, &wt.mu);
        pthread_mutex_unlock(&wt.mu);
        rc = wt.result;
    }
    pthread_mutex_destroy(&wt.mu);
    pthread_cond_destroy(&wt.cv);
    return rc;
}

void writer_flush(writer_t *w) {
    pthread_mutex_lock(&w->mu);
    while (w->head || w->in_flight)
        pthread_cond_wait(&w->drained, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

void writer_stop(writer_t *w) {
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_signal(&w->has_work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->store->vt->close(w->store);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->has_work);
    pthread_cond_destroy(&w->drained);
    free(w);
}

void writer_get_stats(writer_t *w, writer_stats_t *out) {
    pthread_mutex_lock(&w->mu);
    *out = w->stats;
    out->queue_depth = w->depth;
    pthread_mutex_unlock(&w->mu);
}
