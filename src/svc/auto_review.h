#ifndef ORDO_SVC_AUTO_REVIEW_H
#define ORDO_SVC_AUTO_REVIEW_H

#include <jansson.h>

#include "core/rules.h"
#include "svc/op.h"

/* Automatic review at intake: the stored rule set (cached on the writer thread, reloaded when
 * its version changes) runs on every paid order; an order that passes is approved at once,
 * the others wait in review with one hold per reason. Every evaluation is recorded. */

typedef struct review_state review_state_t;

review_state_t *review_state_new(void);
void review_state_free(review_state_t *st);

/* What must be read before the order's own rows exist: the rule set, the velocity counts
 * (other orders only) and whether this is the phone's first order. Writer thread only. */
typedef struct {
    const ruleset_t *rules; /* borrowed from the cache */
    int64_t version;
    rules_velocity_count_t velocity[RULES_MAX];
    int n_velocity;
    bool first_order;
    /* The order's velocity keys, from auto_review_keys (NULL when it has none, e.g. no client
     * IP): counted against, then remembered, then stored on the order. */
    const char *address_key, *ip_key;
    char address_key_buf[RULES_ADDRESS_KEY_MAX + 1], ip_key_buf[64];
    /* Set by the caller after prepare when the payment provider has confirmed the payment
     * (a notification); otherwise decided by channel (payment_verified_at_intake). */
    bool payment_confirmed;
    bool decided; /* by auto_review_decide */
} review_prep_t;

/* Works out the order's velocity keys into prep: pure, so intake does it on the request's
 * thread rather than the writer's. Before auto_review_prepare. */
void auto_review_keys(const order_input_t *in, review_prep_t *prep);

int auto_review_prepare(store_t *s, app_t *app, const order_input_t *in, review_prep_t *prep);

/* Intake's evaluation before the order row is written (stock assumed whole), so the row is
 * written with its status — approved, or pending_review — rather than updated. Writer
 * thread only; the result waits in the writer's state for auto_review_finish. */
bool auto_review_decide(app_t *app, review_prep_t *prep, const order_input_t *in,
                        order_status_t *status);

/* After the reservation: evaluates (again, only when decided without a shortage that there is),
 * opens the holds, records the evaluation and sets the order's status — approved when it passed,
 * else pending_review (rec->status follows). Returns the holds opened and the evaluation as JSON
 * text in *holds_text and *review_text (caller frees both; either may be NULL when the caller needs
 * no response body). Writer thread only. */
int auto_review_finish(store_t *s, app_t *app, const review_prep_t *prep, order_rec_t *rec,
                       const order_input_t *in, bool stock_short, const char *actor, int64_t now_ms,
                       char **holds_text, char **review_text);

/* Whether ordo treats this order's payment as verified at intake: marketplace channels have
 * collected the money themselves; the merchant's own web shop waits for the payment
 * provider's notification. */
bool payment_verified_at_intake(const order_input_t *in);

/* GET /v1/review/rules: the stored set (or the default, version 0) with its metadata. */
void review_rules_get(app_t *app, svc_result_t *r);
/* PUT /v1/review/rules: validates body (borrowed) whole; NULL with the 422 in *immediate. */
svc_op_t *review_rules_put_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate);

#endif
