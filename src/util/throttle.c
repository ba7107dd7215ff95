#include "util/throttle.h"

#include <stdio.h>
#include <string.h>

#include "util/env.h"

static int64_t lock_ms(const throttle_t *t) {
    return env_positive(t->lock_env, t->lock_default_s) * 1000;
}

static int64_t window_ms(const throttle_t *t) {
    return t->window_env ? env_positive(t->window_env, t->window_default_s) * 1000
                         : t->window_default_s * 1000;
}

/* The key's entry, or NULL; with create, a new or reused one. Caller holds t->mu. */
static throttle_entry_t *find(throttle_t *t, const char *key, bool create) {
    throttle_entry_t *oldest = &t->entries[0];
    for (int i = 0; i < t->slots; i++) {
        throttle_entry_t *e = &t->entries[i];
        if (e->key[0] && strcmp(e->key, key) == 0)
            return e;
        if (e->last_ms < oldest->last_ms)
            oldest = e;
    }
    if (!create)
        return NULL;
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    return oldest;
}

bool throttle_locked(throttle_t *t, const char *key, int64_t now_ms, int *retry_after_s) {
    pthread_mutex_lock(&t->mu);
    throttle_entry_t *e = find(t, key, false);
    bool locked = e && e->locked_until_ms > now_ms;
    if (locked)
        *retry_after_s = (int)((e->locked_until_ms - now_ms + 999) / 1000);
    pthread_mutex_unlock(&t->mu);
    return locked;
}

void throttle_failed(throttle_t *t, const char *key, int64_t now_ms) {
    pthread_mutex_lock(&t->mu);
    throttle_entry_t *e = find(t, key, true);
    int64_t window = window_ms(t);
    bool lock_ran_out = e->locked_until_ms && e->locked_until_ms <= now_ms;
    bool count_ran_out = window > 0 && e->failures && now_ms - e->first_ms >= window;
    if (lock_ran_out || count_ran_out) {
        e->failures = 0; /* a fresh count */
        e->locked_until_ms = 0;
    }
    if (e->failures == 0)
        e->first_ms = now_ms;
    e->last_ms = now_ms;
    if (++e->failures >= env_positive(t->max_env, t->max_default))
        e->locked_until_ms = now_ms + lock_ms(t);
    pthread_mutex_unlock(&t->mu);
}

void throttle_clear(throttle_t *t, const char *key) {
    pthread_mutex_lock(&t->mu);
    throttle_entry_t *e = find(t, key, false);
    if (e)
        memset(e, 0, sizeof *e);
    pthread_mutex_unlock(&t->mu);
}
