/* Email over SMTP with libcurl: the message is built whole (core/mail_message.c) and
 * uploaded as DATA; smtp:// upgrades with STARTTLS when the server offers it, smtps:// is TLS
 * from the start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mail_message.h"
#include "jobs/msg_sender.h"

typedef struct {
    const char *data;
    size_t len, at;
} upload_t;

static size_t read_message(char *buf, size_t size, size_t n, void *ctx) {
    upload_t *u = ctx;
    size_t room = size * n, left = u->len - u->at;
    size_t take = left < room ? left : room;
    memcpy(buf, u->data + u->at, take);
    u->at += take;
    return take;
}

static const char *json_text(const json_t *config, const char *key) {
    return json_string_value(json_object_get(config, key));
}

static send_result_t smtp_send(CURL *curl, const json_t *config, const outgoing_msg_t *m, char *err,
                               size_t err_len) {
    const char *from = json_text(config, "from");
    const char *url = json_text(config, "smtp_url");
    if (!from || !url) {
        snprintf(err, err_len, "the email sender has no smtp_url or from");
        return SEND_RETRY;
    }
    /* The same id on every attempt: a mail that went through before a crash and is sent
     * again carries the Message-ID of the first, so mail systems can tell it is a repeat. */
    const char *domain = strchr(from, '@');
    char message_id[320];
    snprintf(message_id, sizeof message_id, "ordo.%lld.%s@%s", (long long)m->id, m->order_no,
             domain ? domain + 1 : "ordo.invalid");
    mail_t mail = {.from = from,
                   .from_name = json_text(config, "from_name"),
                   .to = m->recipient,
                   .subject = m->subject,
                   .body = m->body,
                   .message_id = message_id,
                   .date_ms = m->now_ms};
    size_t len = 0;
    char *text = mail_message_build(&mail, &len);
    if (!text) {
        snprintf(err, err_len, "out of memory building the message");
        return SEND_RETRY;
    }
    char mail_from[300], rcpt[300], curl_err[CURL_ERROR_SIZE] = "";
    snprintf(mail_from, sizeof mail_from, "<%s>", from);
    snprintf(rcpt, sizeof rcpt, "<%s>", m->recipient);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    upload_t upload = {.data = text, .len = len};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    if (json_text(config, "username")) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, json_text(config, "username"));
        curl_easy_setopt(curl, CURLOPT_PASSWORD,
                         json_text(config, "password") ? json_text(config, "password") : "");
    }
    CURLcode rc = rcpts ? curl_easy_perform(curl) : CURLE_OUT_OF_MEMORY;
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(rcpts);
    free(text);
    if (rc == CURLE_OK)
        return SEND_OK;
    snprintf(err, err_len, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    /* A mailbox the server says it does not have stays unknown: retrying cannot help. Any
     * other failure (the server down, busy, greylisting with 4xx, a login refused) may pass. */
    if (code >= 500 && code < 600 && strncmp(curl_err, "RCPT failed", 11) == 0)
        return SEND_REJECTED;
    return SEND_RETRY;
}

const msg_sender_t sender_smtp = {.kind = "smtp", .send = smtp_send};
