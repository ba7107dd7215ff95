#ifndef ORDO_CORE_WORK_STAGES_H
#define ORDO_CORE_WORK_STAGES_H

#include <stdbool.h>
#include <stdint.h>

/* The stages an order passes through on the dashboard, each measured on the order's
 * timeline from the event that starts it to the event that ends it:
 *   review      entered pending_review          → pending_review → approved
 *   allocation  entered approved                → approved → picking (a wave took it)
 *   picking     entered picking                 → the `picked` note (every line picked)
 *   packing     the `picked` note               → → packed
 *   shipping    entered packed                  → packed → shipped / partially_shipped
 *   delivery    entered shipped                 → → delivered */
typedef enum {
    STAGE_REVIEW,
    STAGE_ALLOCATION,
    STAGE_PICKING,
    STAGE_PACKING,
    STAGE_SHIPPING,
    STAGE_DELIVERY,
    STAGE__COUNT
} work_stage_t;

const char *work_stage_name(work_stage_t st);

/* The stage a timeline event ends (type "status" or a note type; from/to status names, ""
 * when none), or -1. */
int work_stage_ended_by(const char *type, const char *from, const char *to);

/* How the stage's start is found on the timeline: the last time the order entered
 * *status (when not NULL) or got a note of *note (otherwise). */
void work_stage_start(work_stage_t st, const char **status, const char **note);

/* The default SLA of a stage in seconds (ORDO_SLA_<STAGE>_S overrides it at run time). */
int64_t work_stage_default_sla_s(work_stage_t st);

/* A review decision: +1 approved, -1 rejected (a reviewer's reject cancels the order with a
 * reason starting "rejected"), 0 neither. */
int work_review_outcome(const char *type, const char *from, const char *to, const char *reason);

/* The p-th percentile (nearest rank, 1..100) of n values, sorting them in place; 0 for n 0. */
int64_t work_percentile(int64_t *values, int n, int p);

#endif
