#include "svc/velocity.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *next;
    uint64_t hash;
    int64_t newest;
    int n;
    int64_t *times; /* oldest first, at most keep */
    char key[];     /* "<kind>:<key>" */
} entry_t;

struct velocity {
    entry_t **buckets;
    size_t n_buckets, n_entries;
    int keep;
    uint64_t adds_since_prune;
};

static uint64_t hash_key(int kind, const char *key) {
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

velocity_t *velocity_new(int keep) {
    velocity_t *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->n_buckets = 1024;
    v->buckets = calloc(v->n_buckets, sizeof *v->buckets);
    v->keep = keep < 1 ? 1 : keep;
    if (!v->buckets) {
        free(v);
        return NULL;
    }
    return v;
}

void velocity_free(velocity_t *v) {
    if (!v)
        return;
    for (size_t b = 0; b < v->n_buckets; b++)
        for (entry_t *e = v->buckets[b], *next; e; e = next) {
            next = e->next;
            free(e->times);
            free(e);
        }
    free(v->buckets);
    free(v);
}

static entry_t *find(const velocity_t *v, uint64_t h, int kind, const char *key) {
    for (entry_t *e = v->buckets[h % v->n_buckets]; e; e = e->next)
        if (e->hash == h && e->key[0] == '0' + kind && strcmp(e->key + 2, key) == 0)
            return e;
    return NULL;
}

int64_t velocity_count(const velocity_t *v, rules_key_t kind, const char *key, int64_t t_ms,
                       int64_t window_ms) {
    const entry_t *e = find(v, hash_key((int)kind, key), (int)kind, key);
    int64_t n = 0;
    for (int i = 0; e && i < e->n; i++)
        if (e->times[i] > t_ms - window_ms && e->times[i] <= t_ms)
            n++;
    return n;
}

static void grow(velocity_t *v) {
    size_t n = v->n_buckets * 2;
    entry_t **b = calloc(n, sizeof *b);
    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < v->n_buckets; i++)
        for (entry_t *e = v->buckets[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash % n];
            b[e->hash % n] = e;
        }
    free(v->buckets);
    v->buckets = b;
    v->n_buckets = n;
}

static void prune(velocity_t *v, int64_t horizon_ms) {
    for (size_t b = 0; b < v->n_buckets; b++) {
        entry_t **link = &v->buckets[b];
        while (*link) {
            entry_t *e = *link;
            if (e->newest <= horizon_ms) {
                *link = e->next;
                free(e->times);
                free(e);
                v->n_entries--;
            } else {
                link = &e->next;
            }
        }
    }
}

void velocity_add(velocity_t *v, rules_key_t kind, const char *key, int64_t t_ms,
                  int64_t horizon_ms) {
    /* Every so many adds, drop what no window can see any more: amortized O(1). */
    if (++v->adds_since_prune > 1024 + v->n_entries / 2) {
        prune(v, horizon_ms);
        v->adds_since_prune = 0;
    }
    uint64_t h = hash_key((int)kind, key);
    entry_t *e = find(v, h, (int)kind, key);
    if (!e) {
        size_t len = strlen(key);
        e = calloc(1, sizeof *e + len + 3);
        if (!e)
            return;
        e->hash = h;
        e->key[0] = (char)('0' + kind);
        e->key[1] = ':';
        memcpy(e->key + 2, key, len + 1);
        e->next = v->buckets[h % v->n_buckets];
        v->buckets[h % v->n_buckets] = e;
        if (++v->n_entries > v->n_buckets)
            grow(v);
    }
    if (e->n == v->keep) {
        /* Full: the oldest time goes, unless this one is older still. */
        if (t_ms <= e->times[0])
            return;
        memmove(e->times, e->times + 1, sizeof(int64_t) * (size_t)(e->n - 1));
        e->n--;
    }
    if (!e->times) {
        e->times = malloc(sizeof(int64_t) * (size_t)v->keep);
        if (!e->times)
            return;
    }
    /* Keep oldest first (imports may arrive out of order). */
    int i = e->n;
    while (i > 0 && e->times[i - 1] > t_ms) {
        e->times[i] = e->times[i - 1];
        i--;
    }
    e->times[i] = t_ms;
    e->n++;
    if (t_ms > e->newest)
        e->newest = t_ms;
}

int64_t velocity_size(const velocity_t *v) {
    return (int64_t)v->n_entries;
}
