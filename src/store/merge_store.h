#ifndef ORDO_STORE_MERGE_STORE_H
#define ORDO_STORE_MERGE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/merge_check.h"

/* The storage of merged shipments: a part of the store interface of its own
 * (store_vtable_t.merge), like pick_store.h. Same conventions as store.h. */

typedef struct store store_t;

typedef struct {
    int64_t order_id;
    char order_no[32];
    int status; /* order_status_t */
} merge_member_t;

/* A merge's members are few (the API takes 2..20). */
#define MERGE_MEMBERS_MAX 20

typedef struct merge_store_vtable {
    /* The order's facts by number; STORE_NOT_FOUND. */
    int (*order_facts)(store_t *s, const char *order_no, merge_facts_t *out);
    /* Calls fn for every approved order holding units at `warehouse` only, with no open hold,
     * no shortage and in no merge, by phone, address key, then id. */
    int (*candidates)(store_t *s, const char *warehouse,
                      void (*fn)(void *ctx, const merge_facts_t *f), void *ctx);
    int (*insert)(store_t *s, const char *warehouse, bool rule, const char *actor, int64_t now_ms,
                  int64_t *id);
    /* STORE_CONFLICT when the order is in a merge already. */
    int (*member_add)(store_t *s, int64_t merge_id, int64_t order_id);
    /* {id, warehouse, created_at (ms), created_by, rule}; STORE_NOT_FOUND. */
    int (*get)(store_t *s, int64_t id, json_t **out);
    /* The members by order id (at most max). */
    int (*members)(store_t *s, int64_t merge_id, merge_member_t *out, int max, int *n);
    /* The merge of an order, 0 when none. */
    int (*of_order)(store_t *s, int64_t order_id, int64_t *merge_id);
    /* Calls fn for every member of every merge at `warehouse`, by merge then order id. */
    int (*members_at)(store_t *s, const char *warehouse,
                      void (*fn)(void *ctx, int64_t merge_id, const merge_member_t *m), void *ctx);
    /* Deletes the merge and its members; STORE_NOT_FOUND. */
    int (*remove)(store_t *s, int64_t id);
    /* The merge rule: *enabled false and updated_at 0 when never set. */
    int (*rule_get)(store_t *s, bool *enabled, int64_t *updated_at, char updated_by[64]);
    int (*rule_put)(store_t *s, bool enabled, const char *actor, int64_t now_ms);
    /* Names the shipment a parcel belongs to. */
    int (*parcel_set_shipment)(store_t *s, int64_t parcel_id, int64_t merge_id);
} merge_store_vtable_t;

#endif
