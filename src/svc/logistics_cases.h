#ifndef ORDO_SVC_LOGISTICS_CASES_H
#define ORDO_SVC_LOGISTICS_CASES_H

#include <jansson.h>

#include "core/exception_action.h"
#include "store/store.h"
#include "svc/op.h"

/* Logistics cases: a shipped parcel in trouble on the road, as an exception of the pool
 * (code logistics_<kind>) with an owner, a deadline, the actions taken and a resolution
 * (svc/exceptions.c). A person raises one (lost, damaged, address_unknown, refused); tracking
 * detects others (logistics_stale, _late, _problem, _returned). On any of them people file a
 * claim with the carrier and record what it paid, send the goods again (a reship order), or
 * refund the buyer; the buyer is told when a case opens, when the goods are sent again or
 * money refunded, and when the case is resolved. */

/* POST /v1/orders/{no}/logistics-cases {parcel?, kind, note?}: a case about a shipped parcel
 * of the order (parcel may be left out when the order has one). 201 with the exception's
 * detail; 409 when the order has no shipped parcel or the parcel already has an open case of
 * that kind; 422 for a bad kind or parcel. */
svc_op_t *logistics_case_raise_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                                  svc_result_t *immediate);

/* GET /v1/orders/{no}/logistics-cases: the order's logistics exceptions in detail, newest
 * first. */
void order_logistics_cases(app_t *app, const char *order_no, svc_result_t *r);

/* For exception_detail: adds to a logistics exception's detail (with its actions) "logistics":
 * {kind, parcel (null when unknown), claim ({status, amount_claimed, amount_recovered} or
 * null), reshipments: [{order_no, status, parcel_id, items, created_by, created_at}]}. */
int logistics_case_detail(store_t *s, json_t *exc);

/* Tells the buyer about case exception_id (its code) of rec: a timeline note of `type`
 * (logistics_case_opened, logistics_reshipped, logistics_refunded, logistics_case_resolved)
 * whose outbox message the messenger makes buyer messages of, with the parcel's carrier and
 * tracking number and what happened in the buyer's words; extra (borrowed, may be NULL)
 * adds the values the event needs (reship_no, refund_amount). */
int logistics_notify(store_t *s, svc_op_t *op, const order_rec_t *rec, int64_t exception_id,
                     const char *code, const char *type, int64_t parcel_hint, json_t *extra);

/* The members of an action on a logistics case (file_claim, claim_settled, reship, refund),
 * read before the op runs. */
typedef struct {
    int64_t amount;    /* amount_claimed, amount_recovered, refund's amount; -1: not given */
    int64_t parcel_id; /* given, or for reship the one resolved; 0: none */
    svc_op_t *place;   /* reship: the reship order's place op */
    char *items_json;  /* reship: [{sku, qty}] */
} logistics_action_t;

/* Reads the members of a logistics action of body (borrowed) into *la; for reship, finds the
 * parcel, checks the items and prepares the reship order. Returns false with the 4xx in
 * *immediate. */
bool logistics_action_prepare(app_t *app, int64_t exception_id, exc_action_t action, json_t *body,
                              const char *actor, logistics_action_t *la, svc_result_t *immediate);
void logistics_action_clear(logistics_action_t *la);

/* Does the action inside op's transaction on open exception exception_id (code) of rec: fills
 * a's to_refund_fen, *detail (the action's record, JSON text the caller frees) and text (the
 * timeline's words), and tells the buyer of a reship or refund. */
ordo_err_t logistics_action_run(store_t *s, svc_op_t *op, exc_action_t action,
                                logistics_action_t *la, int64_t exception_id, const char *code,
                                order_rec_t *rec, const char *note, exception_action_rec_t *a,
                                char **detail, char *text, size_t text_len);

#endif
