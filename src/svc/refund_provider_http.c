#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/payment_verify.h"
#include "svc/refund_provider.h"

typedef struct {
    char *buf;
    size_t len;
} answer_t;

static size_t collect(char *ptr, size_t size, size_t n, void *ctx) {
    answer_t *a = ctx;
    size_t add = size * n;
    if (a->len + add > 65536)
        return 0; /* an answer that large is not a refund result */
    char *grown = realloc(a->buf, a->len + add + 1);
    if (!grown)
        return 0;
    memcpy(grown + a->len, ptr, add);
    a->buf = grown;
    a->len += add;
    a->buf[a->len] = '\0';
    return add;
}

/* Aborts the transfer once the worker is asked to stop. */
static int progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                    curl_off_t ulnow) {
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    const atomic_bool *stop = ctx;
    return stop && atomic_load(stop) ? 1 : 0;
}

static bool is_refusal(const char *status) {
    return status && (strcmp(status, "failed") == 0 || strcmp(status, "refused") == 0);
}

static void http_refund(const json_t *config, const refund_request_t *req, refund_outcome_t *out,
                        const atomic_bool *stop) {
    memset(out, 0, sizeof *out);
    out->verdict = REFUND_UNKNOWN;
    const char *url = json_string_value(json_object_get(config, "url"));
    const char *secret = json_string_value(json_object_get(config, "secret"));
    json_int_t timeout = json_integer_value(json_object_get(config, "timeout_ms"));
    if (!url || !secret) {
        /* Nothing was sent: definitely not paid. */
        out->verdict = REFUND_REFUSED;
        snprintf(out->error, sizeof out->error, "the refund provider has no url or secret");
        return;
    }
    json_t *doc = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:I}", "refund_no", req->refund_no,
                            "order_no", req->order_no, "transaction_id",
                            req->transaction_id ? req->transaction_id : "", "amount",
                            (json_int_t)req->amount_fen, "currency", "CNY", "after_sales_id",
                            (json_int_t)req->after_sales_id, "reason",
                            req->reason ? req->reason : "", "timestamp", (json_int_t)time(NULL));
    char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    CURL *curl = body ? curl_easy_init() : NULL;
    if (!curl) {
        free(body);
        out->verdict = REFUND_REFUSED; /* nothing was sent */
        snprintf(out->error, sizeof out->error, "out of memory building the request");
        return;
    }
    char sig[65], h_sig[96];
    hmac_sha256_hex(secret, (const unsigned char *)body, strlen(body), sig);
    snprintf(h_sig, sizeof h_sig, "X-Ordo-Signature: sha256=%s", sig);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, h_sig);
    answer_t a = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)(timeout > 0 ? timeout : 10000));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)stop);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(body);
    json_t *answer = a.buf ? json_loads(a.buf, 0, NULL) : NULL;
    const char *st = json_string_value(json_object_get(answer, "status"));
    const char *ref = json_string_value(json_object_get(answer, "refund_id"));
    const char *msg = json_string_value(json_object_get(answer, "message"));
    bool definite_http = (status >= 200 && status < 300) ||
                         (status >= 400 && status < 500 && status != 408 && status != 429);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        snprintf(out->error, sizeof out->error, "ordo stopped while waiting for the answer");
    } else if (rc != CURLE_OK) {
        snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
    } else if (status >= 200 && status < 300 && st && strcmp(st, "succeeded") == 0 && ref) {
        out->verdict = REFUND_SUCCEEDED;
        snprintf(out->provider_ref, sizeof out->provider_ref, "%s", ref);
    } else if (definite_http && is_refusal(st)) {
        out->verdict = REFUND_REFUSED;
        snprintf(out->error, sizeof out->error, "the provider refused (%ld): %s", status,
                 msg ? msg : st);
    } else {
        snprintf(out->error, sizeof out->error, "the provider answered %ld%s%s%s", status,
                 st ? " " : "", st ? st : " without a readable status", msg ? ": " : "");
        if (msg)
            snprintf(out->error + strlen(out->error), sizeof out->error - strlen(out->error), "%s",
                     msg);
    }
    json_decref(answer);
    free(a.buf);
}

const refund_provider_t refund_provider_http = {.name = "http", .refund = http_refund};
