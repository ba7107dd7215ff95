#include "jobs/messenger.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/msg_template.h"
#include "jobs/backoff.h"
#include "jobs/msg_sender.h"
#include "jobs/poller.h"
#include "svc/messages.h"
#include "util/env.h"
#include "util/log.h"
#include "util/timefmt.h"

#define DUE_BATCH 32
#define BACKOFF_CAP_MS (3600 * 1000LL)
#define CURSOR "messages"

struct messenger {
    app_t *app;
    poller_t *poller;
    int max_attempts;
    int64_t backoff_ms;
    char pay_url[1024];
    CURL *curl;
};

static void run_sync(svc_op_t *op) {
    if (!op)
        return;
    svc_op_run_sync(op);
    if (op->result.err != ORDO_E_OK)
        log_warn("messenger: %s", op->result.detail);
    svc_op_free(op);
}

/* Fans out through the writer only when the outbox has moved past the cursor: an idle
 * server costs two indexed reads a pass, no transaction. */
static bool fan_out(messenger_t *m, store_t *s) {
    int64_t cursor = 0, last = 0;
    if (s->vt->dispatch_cursor(s, CURSOR, &cursor) == STORE_OK &&
        s->vt->outbox_last_id(s, &last) == STORE_OK && last <= cursor)
        return false;
    svc_op_t *op = message_fanout_op(m->app, m->pay_url);
    if (!op)
        return false;
    svc_op_run_sync(op);
    bool busy = op->result.err == ORDO_E_OK && json_integer_value(op->result.body) > 0;
    if (op->result.err != ORDO_E_OK)
        log_warn("messenger: %s", op->result.detail);
    svc_op_free(op);
    return busy;
}

/* The settings of each medium's sender, read once a pass (NULL when unset). */
static void load_senders(store_t *s, json_t **config) {
    for (int i = 0; i < MSG_MEDIUM__COUNT; i++) {
        char *text = NULL;
        config[i] =
            s->vt->message_sender_get(s, msg_medium_name((msg_medium_t)i), &text) == STORE_OK
                ? json_loads(text, 0, NULL)
                : NULL;
        free(text);
    }
}

static void send_one(messenger_t *m, json_t *row, json_t **senders, message_outcome_t *out) {
    out->message_id = json_integer_value(json_object_get(row, "id"));
    out->error[0] = '\0';
    int medium = msg_medium_from_name(json_string_value(json_object_get(row, "medium")));
    json_t *config = medium >= 0 ? senders[medium] : NULL;
    const msg_sender_t *sender =
        msg_sender_find(json_string_value(json_object_get(config, "kind")));
    int64_t now = time_now_ms();
    send_result_t result = SEND_RETRY;
    if (!sender) {
        snprintf(out->error, sizeof out->error, "no sender is configured for %s",
                 json_string_value(json_object_get(row, "medium")));
    } else {
        outgoing_msg_t msg = {
            .id = out->message_id,
            .order_no = json_string_value(json_object_get(row, "order_no")),
            .event = json_string_value(json_object_get(row, "event")),
            .recipient = json_string_value(json_object_get(row, "recipient")),
            .subject = json_string_value(json_object_get(row, "subject")),
            .body = json_string_value(json_object_get(row, "body")),
            .params = json_object_get(row, "params"),
            .now_ms = now,
        };
        curl_easy_reset(m->curl);
        curl_easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L);
        /* Bounded so that a stop waits at most this long for a send in flight. */
        curl_easy_setopt(m->curl, CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
        curl_easy_setopt(m->curl, CURLOPT_USERAGENT, "ordo-messages/1");
        result = sender->send(m->curl, config, &msg, out->error, sizeof out->error);
    }
    int attempts = (int)json_integer_value(json_object_get(row, "attempts")) + 1;
    out->next_ms = now;
    if (result == SEND_OK) {
        out->status = "sent";
    } else if (result == SEND_REJECTED || attempts >= m->max_attempts) {
        out->status = "dead";
    } else {
        out->status = "pending";
        out->next_ms = now + backoff_delay_ms(attempts, m->backoff_ms, BACKOFF_CAP_MS);
    }
}

/* One pass: fan out, then send what is due. Returns whether there was work. */
static bool pass(void *ctx) {
    messenger_t *m = ctx;
    store_t *s = app_reader(m->app);
    if (!s)
        return false;
    bool busy = fan_out(m, s);
    json_t *due = NULL;
    if (s->vt->messages_due(s, time_now_ms(), DUE_BATCH, &due) != STORE_OK)
        return busy;
    size_t n = json_array_size(due);
    message_outcome_t *outcomes = n ? calloc(n, sizeof *outcomes) : NULL;
    if (outcomes) {
        json_t *senders[MSG_MEDIUM__COUNT];
        load_senders(s, senders);
        size_t i;
        json_t *row;
        json_array_foreach(due, i, row) {
            send_one(m, row, senders, &outcomes[i]);
        }
        for (int k = 0; k < MSG_MEDIUM__COUNT; k++)
            json_decref(senders[k]);
        run_sync(message_results_op(m->app, outcomes, (int)n));
        busy = true;
    }
    free(outcomes);
    json_decref(due);
    return busy;
}

/* libcurl's global set-up is not thread-safe: it runs here, before the thread starts (it
 * counts its users, so the dispatcher's and ours pair up). */
messenger_t *messenger_start(app_t *app) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    messenger_t *m = calloc(1, sizeof *m);
    if (!m || !(m->curl = curl_easy_init())) {
        free(m);
        curl_global_cleanup();
        return NULL;
    }
    m->app = app;
    m->max_attempts = (int)env_positive("ORDO_MESSAGE_MAX_ATTEMPTS", 8);
    m->backoff_ms = env_positive("ORDO_MESSAGE_BACKOFF_MS", 2000);
    const char *pay_url = getenv("ORDO_PAY_URL");
    snprintf(m->pay_url, sizeof m->pay_url, "%s", pay_url ? pay_url : "");
    char why[192];
    if (!msg_template_check(m->pay_url, why, sizeof why)) {
        log_error("ORDO_PAY_URL: %s; payment failures will be sent without a link", why);
        m->pay_url[0] = '\0';
    } else if (!m->pay_url[0]) {
        log_warn("ORDO_PAY_URL is not set: payment failure messages will have no retry link");
    }
    m->poller =
        poller_start("ordo-messages", (int)env_positive("ORDO_MESSAGE_INTERVAL_MS", 200), pass, m);
    if (!m->poller) {
        curl_easy_cleanup(m->curl);
        free(m);
        curl_global_cleanup();
        return NULL;
    }
    return m;
}

void messenger_stop(messenger_t *m) {
    if (!m)
        return;
    poller_stop(m->poller);
    curl_easy_cleanup(m->curl);
    curl_global_cleanup();
    free(m);
}
