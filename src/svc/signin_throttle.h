#ifndef ORDO_SVC_SIGNIN_THROTTLE_H
#define ORDO_SVC_SIGNIN_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

/* Slows password guessing per user name: after ORDO_SIGNIN_MAX_FAILURES (default 5) failed
 * sign-ins in a row, the name is locked for ORDO_SIGNIN_LOCK_S seconds (default 30), right
 * password or not. Names that have no user count the same, so the lock tells nothing about
 * which names exist. Kept in memory (a restart forgets it); thread-safe. */

/* True when the name is locked at now_ms; *retry_after_s says for how much longer. */
bool signin_locked(const char *name, int64_t now_ms, int *retry_after_s);

/* Counts a failure; locks the name when it reaches the limit. */
void signin_failed(const char *name, int64_t now_ms);

/* A success clears the name's failures. */
void signin_succeeded(const char *name);

#endif
