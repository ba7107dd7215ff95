#ifndef ORDO_CORE_WAVE_PLAN_H
#define ORDO_CORE_WAVE_PLAN_H

#include <stdint.h>

/* Which orders a wave takes and how they are grouped into pick tasks, pure.
 *
 * Candidates come oldest first. Strategies:
 * * single: orders of 1..WAVE_SINGLE_UNITS_MAX units, one task each;
 * * batch: orders whose lines all lie in one zone, WAVE_BATCH_MIN..WAVE_BATCH_MAX of one zone
 *   per task (spread evenly), picked together and sorted to orders at a put wall; a zone with
 *   fewer than WAVE_BATCH_MIN waiting orders waits for more;
 * * wave: orders grouped by carrier and cut-off (their group key), one task per group;
 * * zone: all orders in one group that the caller splits into one task per zone of its
 *   lines (an order spanning zones is consolidated after picking).
 * At most max_orders orders are taken, oldest first, and only whole tasks. */

#define WAVE_SINGLE_UNITS_MAX 3
#define WAVE_BATCH_MIN 5
#define WAVE_BATCH_MAX 10

typedef enum {
    WAVE_SINGLE,
    WAVE_BATCH,
    WAVE_WAVE,
    WAVE_ZONE,
    WAVE__STRATEGY_COUNT
} wave_strategy_t;

const char *wave_strategy_name(wave_strategy_t s);
/* -1 for an unknown name. */
int wave_strategy_from_name(const char *name);

typedef struct {
    int64_t units;
    const char *zone;  /* the zone of all its lines, or NULL when they span zones */
    const char *group; /* carrier and cut-off key (wave strategy); NULL is a group too */
} wave_candidate_t;

typedef struct {
    int first, count; /* the task's orders: members[first .. first+count) */
    const char *zone; /* borrowed from a candidate; NULL when mixed */
} wave_group_t;

/* Fills members (candidate indexes, up to n) and groups (up to n); returns the number of
 * groups and writes the number of members used to *n_members. */
int wave_plan(wave_strategy_t strategy, const wave_candidate_t *cands, int n, int max_orders,
              int *members, wave_group_t *groups, int *n_members);

#endif
