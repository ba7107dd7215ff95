#include "store/sqlite/checkpointer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

/* Frames (pages) in the WAL before the thread is woken: 64 MiB of 4 KiB pages. Hot pages
 * are rewritten by many commits; the rarer the checkpoint, the fewer copies of them it makes. */
#define WAKE_FRAMES 16384
/* Past this after a passive pass, restart the log (brief writer pause): 256 MiB. */
#define RESTART_FRAMES 65536

struct checkpointer {
    char *path;
    sqlite3 *writer_db;
    pthread_t thread;
    bool started, stopping, pending;
    int frames;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void *checkpointer_main(void *arg) {
    checkpointer_t *c = arg;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        log_error("checkpointer: cannot open %s: %s", c->path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    /* A connection sees the WAL only once it has read the database; until then a checkpoint
     * is a silent no-op. */
    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->pending && !c->stopping)
            pthread_cond_wait(&c->cv, &c->mu);
        bool stopping = c->stopping;
        c->pending = false;
        pthread_mutex_unlock(&c->mu);
        int log_frames = 0, copied = 0;
        int mode = stopping ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE;
        int rc = sqlite3_wal_checkpoint_v2(db, NULL, mode, &log_frames, &copied);
        if (rc == SQLITE_OK && !stopping && log_frames >= RESTART_FRAMES)
            rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART, &log_frames,
                                           &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_warn("checkpoint failed: %s", sqlite3_errmsg(db));
        pthread_mutex_lock(&c->mu);
        if (stopping)
            break;
    }
    pthread_mutex_unlock(&c->mu);
    sqlite3_close(db);
    return NULL;
}

/* Runs on the writer thread after each commit: only a flag and a signal. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int frames) {
    (void)db;
    (void)name;
    checkpointer_t *c = arg;
    if (frames < WAKE_FRAMES)
        return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    c->frames = frames;
    if (!c->started) {
        c->started = pthread_create(&c->thread, NULL, checkpointer_main, c) == 0;
        if (c->started)
            pthread_setname_np(c->thread, "ordo-checkpoint");
        if (!c->started)
            log_warn("checkpointer: cannot start its thread");
    }
    c->pending = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

checkpointer_t *checkpointer_attach(sqlite3 *db, const char *path) {
    checkpointer_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->path = strdup(path);
    if (!c->path) {
        free(c);
        return NULL;
    }
    c->writer_db = db;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    sqlite3_wal_hook(db, on_wal_commit, c);
    return c;
}

void checkpointer_detach(checkpointer_t *c) {
    if (!c)
        return;
    sqlite3_wal_hook(c->writer_db, NULL, NULL);
    pthread_mutex_lock(&c->mu);
    bool started = c->started;
    c->stopping = true;
    c->pending = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (started)
        pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c->path);
    free(c);
}
