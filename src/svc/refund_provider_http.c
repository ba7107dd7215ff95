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

static void http_refund(const json_t *config, const refund_request_t *req, refund_outcome_t *out) {
    memset(out, 0, sizeof *out);
    const char *url = json_string_value(json_object_get(config, "url"));
    const char *secret = json_string_value(json_object_get(config, "secret"));
    json_int_t timeout = json_integer_value(json_object_get(config, "timeout_ms"));
    if (!url || !secret) {
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
    if (rc != CURLE_OK)
        snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
    else if (status < 200 || status >= 300)
        snprintf(out->error, sizeof out->error, "the provider answered %ld%s%s", status,
                 msg ? ": " : "", msg ? msg : "");
    else if (!st || strcmp(st, "succeeded") != 0 || !ref)
        snprintf(out->error, sizeof out->error, "the provider did not refund: %s%s%s",
                 st ? st : "no status", msg ? ": " : "", msg ? msg : "");
    else {
        out->succeeded = true;
        snprintf(out->provider_ref, sizeof out->provider_ref, "%s", ref);
    }
    json_decref(answer);
    free(a.buf);
}

const refund_provider_t refund_provider_http = {.name = "http", .refund = http_refund};
