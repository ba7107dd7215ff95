#ifndef ORDO_SVC_REFUND_PROVIDER_H
#define ORDO_SVC_REFUND_PROVIDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The payment provider's side of a refund, behind one interface so the service never sees
 * the transport. refund_no identifies the refund across attempts: a provider makes one
 * refund per refund_no, so retrying after a lost answer cannot pay twice. */
typedef struct {
    const char *refund_no; /* "R<refund id>" */
    const char *order_no;
    const char *transaction_id; /* the payment's, as the platform gave it ("" when unknown) */
    int64_t amount_fen;
    int64_t after_sales_id;
    const char *reason;
} refund_request_t;

typedef struct {
    bool succeeded;
    char provider_ref[72]; /* the provider's refund id */
    char error[256];       /* why not */
} refund_outcome_t;

typedef struct {
    const char *name;
    /* Asks for the refund and waits for the answer; config is the provider's settings. */
    void (*refund)(const json_t *config, const refund_request_t *req, refund_outcome_t *out);
} refund_provider_t;

/* JSON over HTTP(S), signed like ordo's own webhooks: POST config.url with
 * {refund_no, order_no, transaction_id, amount, currency, after_sales_id, reason, timestamp},
 * header X-Ordo-Signature: sha256=<hex HMAC-SHA256(config.secret, body)>; a 2xx answer
 * {status: "succeeded", refund_id} is a refund made, anything else (another status, an HTTP
 * error, no answer within config.timeout_ms) a refund not made. */
extern const refund_provider_t refund_provider_http;

#endif
