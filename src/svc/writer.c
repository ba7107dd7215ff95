#include "svc/writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/limits.h"
#include "util/log.h"
#include "util/timefmt.h"

/* Groups committed but not yet synced before the writer waits for the syncer. */
#define PIPELINE_DEPTH 2

/* One group: its commands, their results, and whether its transaction committed. */
typedef struct batch {
    struct batch *next;
    write_cmd_t *cmds;
    int n;
    bool committed;
    uint64_t seq; /* its number in commit order */
    ordo_err_t results[];
} batch_t;

struct writer {
    store_t *store;
    bool deferred_sync; /* commits are made durable by the syncer thread */
    pthread_t thread, syncer;
    pthread_mutex_t mu;
    pthread_cond_t has_work;     /* writer: commands queued */
    pthread_cond_t has_unsynced; /* syncer: committed batches waiting for their sync */
    pthread_cond_t drained;
    write_cmd_t *head, *tail;
    batch_t *unsynced_head, *unsynced_tail;
    int depth, queue_max, batch_max;
    bool in_flight;   /* the writer holds a batch */
    bool syncing;     /* the syncer holds batches */
    bool stopping;    /* no new commands */
    bool writer_done; /* the writer thread has finished the queue */
    int unsynced;     /* batches committed and not yet acknowledged */
    writer_stats_t stats;
    atomic_uint_fast64_t groups_begun, groups_settled;
    struct {
        void (*fn)(void *ctx);
        void *ctx;
    } listeners[WRITER_LISTENERS_MAX];
};

/* Records that every group up to seq has settled and tells the listeners. Caller holds mu. */
static void settled_locked(writer_t *w, uint64_t seq) {
    atomic_store(&w->groups_settled, seq);
    for (int i = 0; i < WRITER_LISTENERS_MAX; i++)
        if (w->listeners[i].fn)
            w->listeners[i].fn(w->listeners[i].ctx);
}

/* Reports each command's outcome, in order. Runs on the writer or the syncer thread. */
static void complete_batch(batch_t *b) {
    int i = 0;
    for (write_cmd_t *c = b->cmds, *next; c; c = next, i++) {
        next = c->next; /* complete() may free c */
        c->complete(c, b->committed ? b->results[i] : ORDO_E_STORE);
    }
    free(b);
}

/* Runs one batch in one transaction, each command in its own savepoint. */
static void run_batch(writer_t *w, write_cmd_t *cmds, int n) {
    batch_t *b = malloc(sizeof *b + sizeof(ordo_err_t) * (size_t)n);
    if (!b) {
        /* No memory to track the batch: fail it without touching the database. */
        for (write_cmd_t *c = cmds, *next; c; c = next) {
            next = c->next;
            c->complete(c, ORDO_E_OVERLOADED);
        }
        return;
    }
    b->next = NULL;
    b->cmds = cmds;
    b->n = n;
    /* Numbered before its transaction opens, so nobody can see its writes before the number
     * is counted as begun (see writer_groups_begun). */
    b->seq = atomic_fetch_add(&w->groups_begun, 1) + 1;
    store_t *s = w->store;
    int64_t t0 = time_mono_ns();
    bool tx_ok = s->vt->begin(s) == STORE_OK;
    int i = 0;
    for (write_cmd_t *c = cmds; c; c = c->next, i++) {
        if (!tx_ok || s->vt->savepoint(s) != STORE_OK) {
            b->results[i] = ORDO_E_STORE;
            continue;
        }
        b->results[i] = c->run(s, c);
        int rc =
            b->results[i] == ORDO_E_OK ? s->vt->savepoint_release(s) : s->vt->savepoint_rollback(s);
        if (rc != STORE_OK && b->results[i] == ORDO_E_OK)
            b->results[i] = ORDO_E_STORE;
        if (b->results[i] != ORDO_E_OK && rc == STORE_OK && c->refused &&
            s->vt->savepoint(s) == STORE_OK) {
            c->refused(s, c);
            s->vt->savepoint_release(s);
        }
    }
    b->committed = tx_ok && s->vt->commit(s) == STORE_OK;
    if (!b->committed) {
        log_error("group commit of %d commands failed: %s", n, s->vt->errmsg(s));
        if (tx_ok)
            s->vt->rollback(s);
    }
    int64_t dt = time_mono_ns() - t0;

    pthread_mutex_lock(&w->mu);
    w->stats.commits++;
    w->stats.commands += (uint64_t)n;
    w->stats.commit_ns_total += dt;
    if (!b->committed)
        w->stats.failed_commits++;
    if ((uint64_t)n > w->stats.batch_max_seen)
        w->stats.batch_max_seen = (uint64_t)n;
    /* A failed group goes through the syncer too, behind the groups it followed, so groups
     * settle in order. */
    bool defer = w->deferred_sync;
    if (defer) {
        /* Written but not yet on disk: the syncer acknowledges it after its fsync, while
         * this thread goes on with the next group. */
        if (w->unsynced_tail)
            w->unsynced_tail->next = b;
        else
            w->unsynced_head = b;
        w->unsynced_tail = b;
        w->unsynced++;
        pthread_cond_signal(&w->has_unsynced);
    }
    pthread_mutex_unlock(&w->mu);
    if (!defer) {
        uint64_t seq = b->seq;
        complete_batch(b);
        pthread_mutex_lock(&w->mu);
        settled_locked(w, seq);
        pthread_mutex_unlock(&w->mu);
    }
}

static void *writer_main(void *arg) {
    writer_t *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        /* Stay at most one group ahead of the syncer: while it works, commands gather into
         * a larger next group instead of many small commits, each rewriting the same hot
         * pages. A full group goes at once. */
        while (!w->stopping &&
               (!w->head || (w->unsynced >= PIPELINE_DEPTH && w->depth < w->batch_max)))
            pthread_cond_wait(&w->has_work, &w->mu);
        if (!w->head && w->stopping) {
            w->writer_done = true;
            pthread_cond_broadcast(&w->has_unsynced);
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
        pthread_cond_broadcast(&w->drained);
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

/* Makes every committed batch durable with one sync of the log, then acknowledges them in
 * commit order. */
static void *syncer_main(void *arg) {
    writer_t *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->unsynced_head && !w->writer_done)
            pthread_cond_wait(&w->has_unsynced, &w->mu);
        if (!w->unsynced_head && w->writer_done)
            break;
        batch_t *list = w->unsynced_head;
        w->unsynced_head = w->unsynced_tail = NULL;
        w->syncing = true;
        pthread_mutex_unlock(&w->mu);

        /* A list of failed groups only has nothing to make durable. */
        bool any_committed = false;
        for (batch_t *b = list; b; b = b->next)
            any_committed |= b->committed;
        int64_t t0 = time_mono_ns();
        if (any_committed && w->store->vt->sync(w->store) != STORE_OK) {
            /* The kernel may have dropped the dirty pages: what is on disk is unknown, and
             * retrying the sync can report success for lost data. Stop here; recovery on the
             * next start replays the log up to its last durable commit. */
            log_error("syncing the database log failed: %s; stopping",
                      w->store->vt->errmsg(w->store));
            abort();
        }
        int64_t dt = time_mono_ns() - t0;
        int n_batches = 0;
        uint64_t last_seq = 0;
        for (batch_t *b = list, *next; b; b = next) {
            next = b->next;
            last_seq = b->seq;
            complete_batch(b);
            n_batches++;
        }

        pthread_mutex_lock(&w->mu);
        settled_locked(w, last_seq);
        w->unsynced -= n_batches;
        pthread_cond_signal(&w->has_work);
        if (any_committed) {
            w->stats.syncs++;
            w->stats.sync_ns_total += dt;
        }
        w->syncing = false;
        pthread_cond_broadcast(&w->drained);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

writer_t *writer_start(store_t *s, int batch_max, int queue_max) {
    writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->store = s;
    w->batch_max = batch_max > ORDO_WRITER_BATCH_MAX ? ORDO_WRITER_BATCH_MAX : batch_max;
    w->queue_max = queue_max;
    w->deferred_sync = s->vt->defer_sync && s->vt->defer_sync(s) == STORE_OK;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->has_work, NULL);
    pthread_cond_init(&w->has_unsynced, NULL);
    pthread_cond_init(&w->drained, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        free(w);
        return NULL;
    }
    pthread_setname_np(w->thread, "ordo-writer");
    if (w->deferred_sync) {
        if (pthread_create(&w->syncer, NULL, syncer_main, w) != 0) {
            /* Without a syncer nothing would be acknowledged: fall back to syncing commits. */
            log_error("cannot start the syncer thread");
            abort();
        }
        pthread_setname_np(w->syncer, "ordo-syncer");
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

static void shim_refused(store_t *s, write_cmd_t *cmd) {
    exec_shim_t *shim = (exec_shim_t *)cmd;
    if (shim->waiter->inner->refused)
        shim->waiter->inner->refused(s, shim->waiter->inner);
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
    exec_shim_t shim = {
        .cmd = {.run = shim_run, .complete = shim_complete, .refused = shim_refused},
        .waiter = &wt};
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
    while (w->head || w->in_flight || w->unsynced_head || w->syncing)
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
    if (w->deferred_sync)
        pthread_join(w->syncer, NULL);
    w->store->vt->close(w->store);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->has_work);
    pthread_cond_destroy(&w->has_unsynced);
    pthread_cond_destroy(&w->drained);
    free(w);
}

void writer_get_stats(writer_t *w, writer_stats_t *out) {
    pthread_mutex_lock(&w->mu);
    *out = w->stats;
    out->queue_depth = w->depth;
    pthread_mutex_unlock(&w->mu);
}

uint64_t writer_groups_begun(writer_t *w) {
    return atomic_load(&w->groups_begun);
}

uint64_t writer_groups_settled(writer_t *w) {
    return atomic_load(&w->groups_settled);
}

bool writer_listen(writer_t *w, void (*fn)(void *ctx), void *ctx) {
    bool added = false;
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < WRITER_LISTENERS_MAX && !added; i++) {
        if (!w->listeners[i].fn) {
            w->listeners[i].fn = fn;
            w->listeners[i].ctx = ctx;
            added = true;
        }
    }
    pthread_mutex_unlock(&w->mu);
    return added;
}

void writer_unlisten(writer_t *w, void (*fn)(void *ctx), void *ctx) {
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < WRITER_LISTENERS_MAX; i++) {
        if (w->listeners[i].fn == fn && w->listeners[i].ctx == ctx) {
            w->listeners[i].fn = NULL;
            w->listeners[i].ctx = NULL;
        }
    }
    pthread_mutex_unlock(&w->mu);
}
