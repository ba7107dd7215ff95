/* The plain HTTP/JSON carrier tracking API (tracking_adapter.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/tracking_adapter.h"

/* A tracking answer is a few KiB; anything much larger is not one. */
#define ANSWER_MAX (1024 * 1024)

typedef struct {
    char *data;
    size_t len;
    bool too_big;
} buffer_t;

static size_t collect(char *ptr, size_t size, size_t n, void *ctx) {
    buffer_t *b = ctx;
    size_t add = size * n;
    if (b->len + add > ANSWER_MAX) {
        b->too_big = true;
        return 0;
    }
    char *grown = realloc(b->data, b->len + add + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->len, ptr, add);
    b->data = grown;
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

static bool fetch(CURL *curl, const json_t *config, const char *carrier, const char *tracking_no,
                  json_t **out, char *err, size_t err_len) {
    const char *base = json_string_value(json_object_get(config, "api_url"));
    const char *key = json_string_value(json_object_get(config, "api_key"));
    *out = NULL;
    if (!base) {
        snprintf(err, err_len, "the carrier has no api_url");
        return false;
    }
    char *c = curl_easy_escape(curl, carrier, 0), *t = curl_easy_escape(curl, tracking_no, 0);
    char url[1200], auth[300];
    snprintf(url, sizeof url, "%s%scarrier=%s&tracking_no=%s", base, strchr(base, '?') ? "&" : "?",
             c ? c : "", t ? t : "");
    curl_free(c);
    curl_free(t);
    struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
    if (key) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
        headers = curl_slist_append(headers, auth);
    }
    buffer_t b = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    bool ok = false;
    if (rc != CURLE_OK) {
        snprintf(err, err_len, "%s",
                 b.too_big ? "the answer is too large" : curl_easy_strerror(rc));
    } else if (status != 200) {
        snprintf(err, err_len, "the carrier answered HTTP %ld", status);
    } else {
        json_t *doc = b.data ? json_loadb(b.data, b.len, 0, NULL) : NULL;
        if (!json_is_array(json_object_get(doc, "events"))) {
            snprintf(err, err_len, "the carrier's answer has no events array");
            json_decref(doc);
        } else {
            *out = doc;
            ok = true;
        }
    }
    free(b.data);
    return ok;
}

const tracking_adapter_t tracking_adapter_http_json = {.kind = "http_json", .fetch = fetch};

const tracking_adapter_t *tracking_adapter_find(const char *kind) {
    if (!kind || strcmp(kind, tracking_adapter_http_json.kind) == 0)
        return &tracking_adapter_http_json;
    return NULL;
}
