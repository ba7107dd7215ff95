#include "core/wave_plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const strategy_names[WAVE__STRATEGY_COUNT] = {
    [WAVE_SINGLE] = "single", [WAVE_BATCH] = "batch", [WAVE_WAVE] = "wave", [WAVE_ZONE] = "zone"};

const char *wave_strategy_name(wave_strategy_t s) {
    return strategy_names[s];
}

int wave_strategy_from_name(const char *name) {
    for (int i = 0; name && i < WAVE__STRATEGY_COUNT; i++)
        if (strcmp(strategy_names[i], name) == 0)
            return i;
    return -1;
}

static bool same_key(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int plan_single(const wave_candidate_t *c, int n, int max_orders, int *members,
                       wave_group_t *groups, int *n_members) {
    int g = 0;
    for (int i = 0; i < n && g < max_orders; i++) {
        if (c[i].units < 1 || c[i].units > WAVE_SINGLE_UNITS_MAX)
            continue;
        members[g] = i;
        groups[g] = (wave_group_t){.first = g, .count = 1, .zone = c[i].zone};
        g++;
    }
    *n_members = g;
    return g;
}

/* Orders sharing a key (zone for batch, group for wave), in order of their oldest order.
 * Writes each key's orders to members consecutively, oldest first; returns the number of
 * keys with their start and size in starts/sizes. */
static int gather(const wave_candidate_t *c, int n, bool by_zone, int *members, int *starts,
                  int *sizes) {
    int *key_of = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int n_keys = 0;
    if (!key_of)
        return 0;
    int *first_of_key = starts; /* candidate index that opened the key, reused below */
    for (int i = 0; i < n; i++) {
        key_of[i] = -1;
        if (by_zone && !c[i].zone)
            continue;
        int k = 0;
        for (; k < n_keys; k++) {
            const wave_candidate_t *o = &c[first_of_key[k]];
            if (by_zone ? strcmp(o->zone, c[i].zone) == 0 : same_key(o->group, c[i].group))
                break;
        }
        if (k == n_keys) {
            first_of_key[n_keys] = i;
            sizes[n_keys++] = 0;
        }
        key_of[i] = k;
        sizes[k]++;
    }
    int at = 0;
    for (int k = 0; k < n_keys; k++) {
        starts[k] = at;
        at += sizes[k];
    }
    int *fill = calloc((size_t)(n_keys ? n_keys : 1), sizeof(int));
    for (int i = 0; i < n && fill; i++)
        if (key_of[i] >= 0)
            members[starts[key_of[i]] + fill[key_of[i]]++] = i;
    free(fill);
    free(key_of);
    return n_keys;
}

static int plan_batch(const wave_candidate_t *c, int n, int max_orders, int *members,
                      wave_group_t *groups, int *n_members) {
    int *starts = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int *sizes = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int *tmp = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int g = 0, used = 0;
    if (starts && sizes && tmp) {
        int n_keys = gather(c, n, true, tmp, starts, sizes);
        for (int k = 0; k < n_keys; k++) {
            int size = sizes[k];
            int tasks = (size + WAVE_BATCH_MAX - 1) / WAVE_BATCH_MAX;
            if (size < WAVE_BATCH_MIN * tasks)
                tasks = size / WAVE_BATCH_MIN;
            int take = size < tasks * WAVE_BATCH_MAX ? size : tasks * WAVE_BATCH_MAX;
            for (int t = 0, at = 0; t < tasks; t++) {
                /* spread evenly: the first (take % tasks) tasks get one more */
                int count = take / tasks + (t < take % tasks ? 1 : 0);
                if (used + count > max_orders)
                    goto out;
                groups[g++] =
                    (wave_group_t){.first = used, .count = count, .zone = c[tmp[starts[k]]].zone};
                memcpy(members + used, tmp + starts[k] + at, sizeof(int) * (size_t)count);
                used += count;
                at += count;
            }
        }
    }
out:
    free(starts);
    free(sizes);
    free(tmp);
    *n_members = used;
    return g;
}

static int plan_wave(const wave_candidate_t *c, int n, int max_orders, int *members,
                     wave_group_t *groups, int *n_members) {
    int *starts = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int *sizes = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int g = 0, used = 0;
    int limit = n < max_orders ? n : max_orders;
    if (starts && sizes) {
        /* The oldest max_orders, then grouped: a group is whole within what was taken. */
        int n_keys = gather(c, limit, false, members, starts, sizes);
        for (int k = 0; k < n_keys; k++) {
            const char *zone = c[members[starts[k]]].zone;
            for (int m = 1; m < sizes[k]; m++) {
                const char *z = c[members[starts[k] + m]].zone;
                if (!zone || !z || strcmp(zone, z) != 0) {
                    zone = NULL;
                    break;
                }
            }
            groups[g++] = (wave_group_t){.first = starts[k], .count = sizes[k], .zone = zone};
            used += sizes[k];
        }
    }
    free(starts);
    free(sizes);
    *n_members = used;
    return g;
}

static int plan_zone(int n, int max_orders, int *members, wave_group_t *groups, int *n_members) {
    int take = n < max_orders ? n : max_orders;
    for (int i = 0; i < take; i++)
        members[i] = i;
    *n_members = take;
    if (take == 0)
        return 0;
    groups[0] = (wave_group_t){.first = 0, .count = take, .zone = NULL};
    return 1;
}

int wave_plan(wave_strategy_t strategy, const wave_candidate_t *cands, int n, int max_orders,
              int *members, wave_group_t *groups, int *n_members) {
    *n_members = 0;
    if (n <= 0 || max_orders <= 0)
        return 0;
    switch (strategy) {
    case WAVE_SINGLE:
        return plan_single(cands, n, max_orders, members, groups, n_members);
    case WAVE_BATCH:
        return plan_batch(cands, n, max_orders, members, groups, n_members);
    case WAVE_WAVE:
        return plan_wave(cands, n, max_orders, members, groups, n_members);
    case WAVE_ZONE:
    default:
        return plan_zone(n, max_orders, members, groups, n_members);
    }
}
