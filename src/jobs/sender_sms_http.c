/* SMS through an HTTP gateway: a JSON POST {message_id, phone, text, sign_name, event,
 * order_no, params}, signed like webhooks (X-Ordo-Signature: sha256=HMAC-SHA256(secret, body),
 * hex) when a secret is set. params carries the template's values for gateways that send from
 * their own approved templates (Chinese carriers require them) rather than free text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/payment_verify.h"
#include "jobs/msg_sender.h"

static size_t discard(char *ptr, size_t size, size_t n, void *ctx) {
    (void)ptr;
    (void)ctx;
    return size * n;
}

static send_result_t sms_send(CURL *curl, const json_t *config, const outgoing_msg_t *m, char *err,
                              size_t err_len) {
    const char *url = json_string_value(json_object_get(config, "url"));
    const char *secret = json_string_value(json_object_get(config, "secret"));
    if (!url) {
        snprintf(err, err_len, "the sms sender has no url");
        return SEND_RETRY;
    }
    json_t *doc =
        json_pack("{s:I, s:s, s:s, s:O?, s:s, s:s, s:O?}", "message_id", (json_int_t)m->id, "phone",
                  m->recipient, "text", m->body, "sign_name", json_object_get(config, "sign_name"),
                  "event", m->event, "order_no", m->order_no, "params", (json_t *)m->params);
    char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!body) {
        snprintf(err, err_len, "out of memory building the request");
        return SEND_RETRY;
    }
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    char h_id[64];
    snprintf(h_id, sizeof h_id, "X-Ordo-Message-Id: %lld", (long long)m->id);
    headers = curl_slist_append(headers, h_id);
    if (secret) {
        char sig[65], h_sig[96];
        hmac_sha256_hex(secret, (const unsigned char *)body, strlen(body), sig);
        snprintf(h_sig, sizeof h_sig, "X-Ordo-Signature: sha256=%s", sig);
        headers = curl_slist_append(headers, h_sig);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    free(body);
    if (rc == CURLE_OK && status >= 200 && status < 300)
        return SEND_OK;
    if (rc != CURLE_OK) {
        snprintf(err, err_len, "%s", curl_easy_strerror(rc));
        return SEND_RETRY;
    }
    snprintf(err, err_len, "the gateway answered %ld", status);
    /* 400/404/422: the gateway refuses this message (a number it cannot reach, text it will
     * not send) and will again. Authentication, throttling and server errors may pass. */
    bool refused = status == 400 || status == 404 || status == 422;
    return refused ? SEND_REJECTED : SEND_RETRY;
}

const msg_sender_t sender_sms_http = {.kind = "http", .send = sms_send};
