#ifndef ORDO_SVC_VELOCITY_H
#define ORDO_SVC_VELOCITY_H

#include <stdint.h>

#include "core/rules.h"

/* Recent orders per key (phone, address key, IP), in memory on the writer thread: what the
 * velocity rules count. An index per key in the database dirtied one random page per key per
 * order (measured: 22% of intake); here an order costs three hash-table touches. Rebuilt at
 * start from the orders placed within the longest window (a sequential index on placed_at).
 *
 * Per key it keeps only the newest `keep` times, so counts are exact up to keep - 1 and read
 * "at least keep" above: a rule only asks whether its threshold is reached. Writer thread
 * only; no locking. */
typedef struct velocity velocity_t;

velocity_t *velocity_new(int keep);
void velocity_free(velocity_t *v);

/* Orders with this key placed in (t_ms - window_ms, t_ms], at most keep. */
int64_t velocity_count(const velocity_t *v, rules_key_t kind, const char *key, int64_t t_ms,
                       int64_t window_ms);

/* Records one order's key. Keys with nothing newer than horizon_ms are dropped now and then,
 * so memory follows the traffic of one window. */
void velocity_add(velocity_t *v, rules_key_t kind, const char *key, int64_t t_ms,
                  int64_t horizon_ms);

/* Entries held (for tests and metrics). */
int64_t velocity_size(const velocity_t *v);

#endif
