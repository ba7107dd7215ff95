#include "svc/signin_throttle.h"

#include "util/throttle.h"

/* Enough names for any real team; past it the entry idle longest is reused, which at worst
 * forgets an old attacker's count. */
static throttle_entry_t entries[512];
/* Failures count in a row until a success or a lock, however far apart. */
static throttle_t signin =
    THROTTLE_INIT(entries, "ORDO_SIGNIN_MAX_FAILURES", 5, "ORDO_SIGNIN_LOCK_S", 30, NULL, 0);

bool signin_locked(const char *name, int64_t now_ms, int *retry_after_s) {
    return throttle_locked(&signin, name, now_ms, retry_after_s);
}

void signin_failed(const char *name, int64_t now_ms) {
    throttle_failed(&signin, name, now_ms);
}

void signin_succeeded(const char *name) {
    throttle_clear(&signin, name);
}
