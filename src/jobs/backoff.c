#include "jobs/backoff.h"

#include <stdlib.h>

int64_t backoff_delay_ms(int attempts, int64_t base_ms, int64_t cap_ms) {
    int shift = attempts - 1 < 0 ? 0 : attempts - 1 < 20 ? attempts - 1 : 20;
    int64_t delay = base_ms << shift;
    if (delay > cap_ms)
        delay = cap_ms;
    return delay / 2 + (int64_t)((double)rand() / RAND_MAX * (double)(delay / 2));
}
