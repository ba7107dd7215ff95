#ifndef ORDO_UTIL_THROTTLE_H
#define ORDO_UTIL_THROTTLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Counts failed attempts per key (a user name, an order number, a client address) and locks
 * the key once it has had too many: max_failures within window_ms lock it for lock_ms, right
 * answer or not. Kept in memory in a fixed table (a restart forgets it; past the table's size
 * the entry idle longest is reused); thread-safe. The limits are read from the environment on
 * every call, so tests and operators can set them; time is the caller's now_ms. */

typedef struct {
    char key[65];
    int failures;
    int64_t first_ms; /* the first failure of the current count */
    int64_t locked_until_ms;
    int64_t last_ms;
} throttle_entry_t;

typedef struct {
    pthread_mutex_t mu;
    throttle_entry_t *entries;
    int slots;
    const char *max_env; /* the failures that lock: this variable, else max_default */
    long max_default;
    const char *lock_env; /* how long, in seconds */
    long lock_default_s;
    /* Failures older than this many seconds stop counting (NULL env and 0 default: they count
     * until a success or a lock, however old). The lock's own env when window_env names it. */
    const char *window_env;
    long window_default_s;
} throttle_t;

#define THROTTLE_INIT(table, max_env_, max_dflt, lock_env_, lock_dflt, window_env_, window_dflt)   \
    {                                                                                              \
        .mu = PTHREAD_MUTEX_INITIALIZER, .entries = (table),                                       \
        .slots = (int)(sizeof(table) / sizeof((table)[0])), .max_env = (max_env_),                 \
        .max_default = (max_dflt), .lock_env = (lock_env_), .lock_default_s = (lock_dflt),         \
        .window_env = (window_env_), .window_default_s = (window_dflt)                             \
    }

/* True when key is locked at now_ms; *retry_after_s says for how much longer (rounded up). */
bool throttle_locked(throttle_t *t, const char *key, int64_t now_ms, int *retry_after_s);

/* Counts a failure; locks the key when it reaches the limit. */
void throttle_failed(throttle_t *t, const char *key, int64_t now_ms);

/* A success clears the key's failures. */
void throttle_clear(throttle_t *t, const char *key);

#endif
