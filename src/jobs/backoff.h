#ifndef ORDO_JOBS_BACKOFF_H
#define ORDO_JOBS_BACKOFF_H

#include <stdint.h>

/* The delay before retry number `attempts` (1 after the first failure): base doubled per
 * attempt, capped at cap_ms, then a random point in its upper half, so receivers coming back
 * are not hit by every sender in lockstep. */
int64_t backoff_delay_ms(int attempts, int64_t base_ms, int64_t cap_ms);

#endif
