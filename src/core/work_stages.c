/* The dashboard's stages: which timeline event ends each, where it started, its SLA. */
#include "core/work_stages.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    const char *start_status, *start_note;
    int64_t sla_s;
} stage_def_t;

/* Default SLAs: half an hour to review a paid order and to pack a picked one, an hour for a
 * wave to take an approved order and to pick it, two hours from the packing bench to the
 * carrier, three days on the road. */
static const stage_def_t STAGES[STAGE__COUNT] = {
    [STAGE_REVIEW] = {"review", "pending_review", NULL, 1800},
    [STAGE_ALLOCATION] = {"allocation", "approved", NULL, 3600},
    [STAGE_PICKING] = {"picking", "picking", NULL, 3600},
    [STAGE_PACKING] = {"packing", NULL, "picked", 1800},
    [STAGE_SHIPPING] = {"shipping", "packed", NULL, 7200},
    [STAGE_DELIVERY] = {"delivery", "shipped", NULL, 259200},
};

const char *work_stage_name(work_stage_t st) {
    return (unsigned)st < STAGE__COUNT ? STAGES[st].name : "unknown";
}

static bool eq(const char *a, const char *b) {
    return a && strcmp(a, b) == 0;
}

int work_stage_ended_by(const char *type, const char *from, const char *to) {
    if (eq(type, "picked"))
        return STAGE_PICKING;
    if (!eq(type, "status"))
        return -1;
    if (eq(from, "pending_review") && eq(to, "approved"))
        return STAGE_REVIEW;
    if (eq(from, "approved") && eq(to, "picking"))
        return STAGE_ALLOCATION;
    if (eq(to, "packed"))
        return STAGE_PACKING;
    if (eq(from, "packed") && (eq(to, "shipped") || eq(to, "partially_shipped")))
        return STAGE_SHIPPING;
    if (eq(to, "delivered"))
        return STAGE_DELIVERY;
    return -1;
}

void work_stage_start(work_stage_t st, const char **status, const char **note) {
    *status = STAGES[st].start_status;
    *note = STAGES[st].start_note;
}

int64_t work_stage_default_sla_s(work_stage_t st) {
    return STAGES[st].sla_s;
}

int work_review_outcome(const char *type, const char *from, const char *to, const char *reason) {
    if (!eq(type, "status") || !eq(from, "pending_review"))
        return 0;
    if (eq(to, "approved"))
        return 1;
    if (eq(to, "cancelled") && reason && strncmp(reason, "rejected", 8) == 0)
        return -1;
    return 0;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t work_percentile(int64_t *values, int n, int p) {
    if (n <= 0)
        return 0;
    qsort(values, (size_t)n, sizeof *values, cmp_i64);
    int rank = (p * n + 99) / 100; /* ceil(p/100 * n) */
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return values[rank - 1];
}
