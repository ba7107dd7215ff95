#include "jobs/poller.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct poller {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping;
    bool woken; /* a wake came while a pass ran: do not wait after it */
    int interval_ms;
    bool (*pass)(void *ctx);
    void *ctx;
};

static void *poller_main(void *arg) {
    poller_t *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stopping) {
        pthread_mutex_unlock(&p->mu);
        bool busy = p->pass(p->ctx);
        pthread_mutex_lock(&p->mu);
        if (busy || p->stopping || p->woken) {
            p->woken = false;
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += p->interval_ms / 1000;
        until.tv_nsec += (long)(p->interval_ms % 1000) * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&p->cv, &p->mu, &until);
        p->woken = false;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

poller_t *poller_start(const char *name, int interval_ms, bool (*pass)(void *ctx), void *ctx) {
    poller_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->interval_ms = interval_ms > 0 ? interval_ms : 1;
    p->pass = pass;
    p->ctx = ctx;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, poller_main, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return NULL;
    }
    pthread_setname_np(p->thread, name);
    return p;
}

void poller_wake(poller_t *p) {
    pthread_mutex_lock(&p->mu);
    p->woken = true;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void poller_stop(poller_t *p) {
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
