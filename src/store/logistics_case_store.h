#ifndef ORDO_STORE_LOGISTICS_CASE_STORE_H
#define ORDO_STORE_LOGISTICS_CASE_STORE_H

#include <jansson.h>
#include <stdint.h>

/* The storage of logistics cases: which parcel a logistics exception raised by a person is
 * about, and the reshipments made for a case (each a linked zero-amount order carrying the
 * goods again). A part of the store interface of its own (store_vtable_t.logistics_case).
 * Same conventions as store.h: STORE_OK / STORE_NOT_FOUND / STORE_CONFLICT / STORE_ERROR,
 * one connection per thread, json_t results are new references owned by the caller. */

typedef struct store store_t;

/* A reshipment: the goods of parcel_id (items_json: [{sku, qty}]) sent again as order
 * reship_order_id for exception exception_id of order order_id. */
typedef struct {
    int64_t exception_id;
    int64_t order_id;
    int64_t parcel_id;
    int64_t reship_order_id;
    const char *items_json;
    const char *actor;
    int64_t at_ms;
} reshipment_rec_t;

typedef struct logistics_case_vtable {
    /* Records that exception_id (a person's report) is about parcel_id. */
    int (*case_insert)(store_t *s, int64_t exception_id, int64_t order_id, int64_t parcel_id,
                       const char *kind, const char *actor, int64_t at_ms);
    /* The parcel an exception is about; STORE_NOT_FOUND when it names none (a detected
     * exception, or not a logistics one). */
    int (*case_parcel)(store_t *s, int64_t exception_id, int64_t *parcel_id);
    /* The open exception with this code about the parcel: *exception_id = 0 when none. */
    int (*case_open_for_parcel)(store_t *s, int64_t parcel_id, const char *code,
                                int64_t *exception_id);
    /* Ids of the order's logistics exceptions (any code logistics_*), newest first. */
    int (*cases_of_order)(store_t *s, int64_t order_id, json_t **out);
    int (*reship_insert)(store_t *s, const reshipment_rec_t *r);
    /* The exception's reshipments, oldest first: [{order_no, status, parcel_id, items,
     * created_by, created_at}]. */
    int (*reships_of_exception)(store_t *s, int64_t exception_id, json_t **out);
    /* What was already sent again from the parcel: [{sku, qty}] summed by SKU, reshipments
     * whose order was cancelled left out. */
    int (*reshipped_from_parcel)(store_t *s, int64_t parcel_id, json_t **out);
    /* Marks an order as the reshipment of another: its stored form gains reship_of. */
    int (*order_mark_reship)(store_t *s, int64_t order_id, const char *reship_of_order_no);
    /* What the order's exceptions recorded as owed back to the buyer (cancellations,
     * refunds), in fen. */
    int (*refunds_owed)(store_t *s, int64_t order_id, int64_t *fen);
} logistics_case_vtable_t;

#endif
