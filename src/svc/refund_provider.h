#ifndef ORDO_SVC_REFUND_PROVIDER_H
#define ORDO_SVC_REFUND_PROVIDER_H

#include <jansson.h>
#include <stdatomic.h>
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

/* What the provider's answer says about the money. Only a definite answer counts: anything
 * else (no answer in time, a dropped connection, a 5xx, an answer ordo cannot read) is
 * UNKNOWN — the provider may have paid — and the refund stays pending, to be asked again
 * under the same refund_no. */
typedef enum {
    REFUND_SUCCEEDED, /* paid back: provider_ref set */
    REFUND_REFUSED,   /* definitely not paid (a business refusal, or never sent): error set */
    REFUND_UNKNOWN,   /* not known: error set */
} refund_verdict_t;

typedef struct {
    refund_verdict_t verdict;
    char provider_ref[72]; /* the provider's refund id */
    char error[256];       /* why not, or why not known */
} refund_outcome_t;

typedef struct {
    const char *name;
    /* Asks for the refund and waits for the answer; config is the provider's settings. Gives
     * up early (UNKNOWN) once *stop is set (NULL: never). */
    void (*refund)(const json_t *config, const refund_request_t *req, refund_outcome_t *out,
                   const atomic_bool *stop);
} refund_provider_t;

/* JSON over HTTP(S), signed like ordo's own webhooks: POST config.url with
 * {refund_no, order_no, transaction_id, amount, currency, after_sales_id, reason, timestamp},
 * header X-Ordo-Signature: sha256=<hex HMAC-SHA256(config.secret, body)>. A 2xx answer
 * {status: "succeeded", refund_id} is a refund made; a 2xx or 4xx answer (but 408 and 429)
 * {status: "failed" | "refused", message} a refusal; anything else — no answer within
 * config.timeout_ms, a connection error, a 5xx, 408, 429, an unreadable answer — unknown. */
extern const refund_provider_t refund_provider_http;

#endif
