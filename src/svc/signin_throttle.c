#include "svc/signin_throttle.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/env.h"

/* Enough names for any real team; past it the entry idle longest is reused, which at worst
 * forgets an old attacker's count. */
#define THROTTLE_SLOTS 512

typedef struct {
    char name[65];
    int failures;
    int64_t locked_until_ms;
    int64_t last_ms;
} throttle_entry_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static throttle_entry_t entries[THROTTLE_SLOTS];

static int64_t lock_ms(void) {
    return env_positive("ORDO_SIGNIN_LOCK_S", 30) * 1000;
}

static int max_failures(void) {
    return (int)env_positive("ORDO_SIGNIN_MAX_FAILURES", 5);
}

/* The name's entry, or NULL; with create, a new or reused one. Caller holds mu. */
static throttle_entry_t *find(const char *name, bool create) {
    throttle_entry_t *oldest = &entries[0];
    for (int i = 0; i < THROTTLE_SLOTS; i++) {
        if (entries[i].name[0] && strcmp(entries[i].name, name) == 0)
            return &entries[i];
        if (entries[i].last_ms < oldest->last_ms)
            oldest = &entries[i];
    }
    if (!create)
        return NULL;
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->name, sizeof oldest->name, "%s", name);
    return oldest;
}

bool signin_locked(const char *name, int64_t now_ms, int *retry_after_s) {
    pthread_mutex_lock(&mu);
    throttle_entry_t *e = find(name, false);
    bool locked = e && e->locked_until_ms > now_ms;
    if (locked)
        *retry_after_s = (int)((e->locked_until_ms - now_ms + 999) / 1000);
    pthread_mutex_unlock(&mu);
    return locked;
}

void signin_failed(const char *name, int64_t now_ms) {
    pthread_mutex_lock(&mu);
    throttle_entry_t *e = find(name, true);
    if (e->locked_until_ms && e->locked_until_ms <= now_ms) {
        e->failures = 0; /* the lock ran out: a fresh count */
        e->locked_until_ms = 0;
    }
    e->last_ms = now_ms;
    if (++e->failures >= max_failures())
        e->locked_until_ms = now_ms + lock_ms();
    pthread_mutex_unlock(&mu);
}

void signin_succeeded(const char *name) {
    pthread_mutex_lock(&mu);
    throttle_entry_t *e = find(name, false);
    if (e)
        memset(e, 0, sizeof *e);
    pthread_mutex_unlock(&mu);
}
