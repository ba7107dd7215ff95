#ifndef ORDO_STORE_COMPLETION_STORE_H
#define ORDO_STORE_COMPLETION_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The storage of completion and reviews: the completion settings, the orders due to
 * auto-confirm, buyers' reviews with what each is about (the order's SKUs, the warehouses its
 * goods left from, its carriers), and the figures of the quality report. A part of the store
 * interface of its own (store_vtable_t.completion). Same conventions as store.h: STORE_OK /
 * STORE_NOT_FOUND / STORE_CONFLICT / STORE_ERROR, one connection per thread, json_t results
 * are new references owned by the caller.
 *
 * The orders' shipped_at, delivered_at and completed_at columns are written by
 * order_set_status (store.h) when an order enters shipped, delivered or completed. */

typedef struct store store_t;

typedef struct {
    int64_t order_id;
    int rating;
    const char *comment;   /* "" for none */
    const char *tags_json; /* a JSON array of strings */
    const char *actor;
    int64_t at_ms;
} review_rec_t;

/* What a review or a quality figure is about. */
typedef enum { SUBJECT_SKU, SUBJECT_WAREHOUSE, SUBJECT_CARRIER, SUBJECT__COUNT } review_subject_t;
static inline const char *review_subject_name(review_subject_t k) {
    static const char *const names[SUBJECT__COUNT] = {"sku", "warehouse", "carrier"};
    return (unsigned)k < SUBJECT__COUNT ? names[k] : "unknown";
}

typedef struct completion_store_vtable {
    /* The settings as JSON text (caller frees); STORE_NOT_FOUND when never set. */
    int (*settings_get)(store_t *s, char **config_json);
    int (*settings_put)(store_t *s, const char *config_json, const char *actor, int64_t now_ms);
    /* Up to max orders due to auto-confirm, oldest first: delivered at or before
     * delivered_by_ms, or shipped (or out for delivery) at or before shipped_by_ms with no
     * delivery. From the status indexes: no scan of other orders. by_delivery[i] says which. */
    int (*due)(store_t *s, int64_t delivered_by_ms, int64_t shipped_by_ms, int64_t *ids,
               bool *by_delivery, int max, int *n);
    /* The order's shipped_at, delivered_at and completed_at (0 when not yet). */
    int (*times)(store_t *s, int64_t order_id, int64_t *shipped_ms, int64_t *delivered_ms,
                 int64_t *completed_ms);

    /* The order's review: {rating, comment, tags, edits, created_at, created_by, updated_at,
     * updated_by}; STORE_NOT_FOUND when none. */
    int (*review_get)(store_t *s, int64_t order_id, json_t **out);
    /* STORE_CONFLICT (nothing written) when the order has one. Records what it is about (its
     * SKUs, warehouses and carriers) with it. */
    int (*review_insert)(store_t *s, const review_rec_t *r, int64_t *id);
    /* Replaces rating, comment and tags while the review has fewer than max_edits edits;
     * STORE_CONFLICT (nothing written) otherwise, STORE_NOT_FOUND when there is none. */
    int (*review_edit)(store_t *s, const review_rec_t *r, int max_edits);
    /* Reviews about one SKU, warehouse or carrier: counts[r] reviews rated r (1..5). */
    int (*review_counts)(store_t *s, review_subject_t kind, const char *subject, int64_t counts[6]);
    /* Orders shipped in [from_ms, to_ms) grouped by what they are about:
     * [{key, orders, reviews, rating_sum, low_ratings (rated <= low_max)}] by key. */
    int (*quality)(store_t *s, review_subject_t kind, int64_t from_ms, int64_t to_ms, int low_max,
                   json_t **out);
    /* After-sales figures for the same groups: [{key, returns, refunds, complaints}] (orders
     * with a return or exchange, a refund paid out, any after-sales ticket; rejected tickets
     * do not count). An engine without after-sales leaves it NULL and the quality report
     * shows those figures as null. */
    int (*quality_after_sales)(store_t *s, review_subject_t kind, int64_t from_ms, int64_t to_ms,
                               json_t **out);
} completion_store_vtable_t;

#endif
