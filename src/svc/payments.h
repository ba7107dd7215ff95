#ifndef ORDO_SVC_PAYMENTS_H
#define ORDO_SVC_PAYMENTS_H

#include <jansson.h>

#include "svc/op.h"

/* Payment providers and their asynchronous notifications. A notification is verified with
 * the provider's settings (signature, decryption, timestamp window), matched to the order
 * by its number or a web order's external id, checked against the order's total, and acted
 * on once: the same notification again changes nothing. */

typedef enum { PROVIDER_ALIPAY, PROVIDER_WECHAT, PROVIDER_HMAC, PROVIDER__COUNT } provider_t;

/* Returns -1 for an unknown name. */
int provider_from_name(const char *name);
const char *provider_name(provider_t p);

/* PUT /v1/payments/providers/{name}: validates body (borrowed); NULL with the 4xx in
 * *immediate. GET answers the settings without their secrets. */
svc_op_t *provider_put_op(app_t *app, provider_t p, json_t *body, const char *actor,
                          svc_result_t *immediate);
void provider_get(app_t *app, provider_t p, svc_result_t *r);

/* The request parts a notification is verified with. */
typedef struct {
    const char *body;
    size_t body_len;
    const char *timestamp, *nonce, *signature, *serial; /* headers; NULL when absent */
} notification_t;

/* Verifies and parses a notification. Returns the op that acts on it, or NULL with the
 * answer (in the provider's own format) in *immediate. Either way the result carries the
 * provider-specific body (Alipay wants "success"/"failure" as text). */
svc_op_t *payment_notify_op(app_t *app, provider_t p, const notification_t *n,
                            svc_result_t *immediate);

/* The order a payment's merchant reference (out_trade_no) names: its order number, else the
 * external id of a `web` order. STORE_OK with rec filled (the caller clears it),
 * STORE_NOT_FOUND or STORE_ERROR. */
int payment_order_of_reference(store_t *s, const char *reference, order_rec_t *rec);

#endif
