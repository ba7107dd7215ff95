/* The buyer's tracking page. */
#include "svc/track_page.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/tracking.h"
#include "util/throttle.h"
#include "util/timefmt.h"

/* Four digits are 10,000 guesses: wrong ones are counted per order number (existing or not,
 * so the lock says nothing about which exist) and per client address; too many within the
 * window lock the page for the window. */
static throttle_entry_t order_entries[4096], client_entries[1024];
static throttle_t by_order = THROTTLE_INIT(order_entries, "ORDO_TRACK_MAX_FAILURES", 5,
                                           "ORDO_TRACK_LOCK_S", 900, "ORDO_TRACK_LOCK_S", 900);
static throttle_t by_client = THROTTLE_INIT(client_entries, "ORDO_TRACK_CLIENT_MAX_FAILURES", 20,
                                            "ORDO_TRACK_LOCK_S", 900, "ORDO_TRACK_LOCK_S", 900);

static const char *const MILESTONE_WORDS[][2] = {
    {"shipped", "已发货"},          {"collected", "已揽收"}, {"in_transit", "运输中"},
    {"out_for_delivery", "派送中"}, {"delivered", "已签收"}, {"problem", "配送异常"},
    {"returned", "已退回"},
};

static const char *words_of(const char *milestone) {
    for (size_t i = 0; milestone && i < sizeof MILESTONE_WORDS / sizeof MILESTONE_WORDS[0]; i++)
        if (strcmp(MILESTONE_WORDS[i][0], milestone) == 0)
            return MILESTONE_WORDS[i][1];
    return "";
}

/* The last four digits of the buyer's phone; false when it has fewer. */
static bool last4_of(const char *phone, char out[5]) {
    char digits[40];
    size_t n = 0;
    for (const char *p = phone; p && *p && n < sizeof digits - 1; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    if (n < 4)
        return false;
    memcpy(out, digits + n - 4, 4);
    out[4] = '\0';
    return true;
}

static void html_escape(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void answer_text(svc_result_t *r, int status, const char *type, char *text, size_t len) {
    svc_ok(r, status, NULL);
    r->body_text = text;
    r->body_len = len;
    r->content_type = type;
}

/* A page with one sentence and no order in it (a miss, a lock). */
static void short_answer(svc_result_t *r, bool json, int status, const char *sentence) {
    if (json) {
        svc_ok(r, status, json_pack("{s:s}", "error", sentence));
        return;
    }
    char *text = NULL;
    if (asprintf(&text,
                 "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                 "<title>订单查询</title></head><body><h1>订单查询</h1>"
                 "<p>%s。</p></body></html>\n",
                 sentence) < 0) {
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
        return;
    }
    answer_text(r, status, "text/html; charset=utf-8", text, strlen(text));
}

static void not_found(svc_result_t *r, bool json) {
    short_answer(r, json, 404, "未找到该订单，请核对订单号与手机号后四位");
}

static void too_many(svc_result_t *r, bool json, int retry_after_s) {
    short_answer(r, json, 429, "查询次数过多，请稍后再试");
    r->retry_after_s = retry_after_s;
}

static void render_html(svc_result_t *r, json_t *view) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
        return;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<title>订单查询</title></head><body><h1>订单 ",
          f);
    html_escape(f, json_string_value(json_object_get(view, "order_no")));
    fputs("</h1><p class=\"status\">", f);
    html_escape(f, json_string_value(json_object_get(view, "status_text")));
    fputs("</p>", f);
    size_t i, j;
    json_t *p, *ev;
    json_array_foreach(json_object_get(view, "parcels"), i, p) {
        fputs("<section><h2>", f);
        html_escape(f, json_string_value(json_object_get(p, "carrier")));
        fputs(" ", f);
        html_escape(f, json_string_value(json_object_get(p, "tracking_no")));
        fputs(" · ", f);
        html_escape(f, words_of(json_string_value(json_object_get(p, "milestone"))));
        fputs("</h2><ol>", f);
        json_array_foreach(json_object_get(p, "events"), j, ev) {
            fputs("<li><time>", f);
            html_escape(f, json_string_value(json_object_get(ev, "time")));
            fputs("</time> ", f);
            html_escape(f, json_string_value(json_object_get(ev, "context")));
            fputs("</li>", f);
        }
        fputs("</ol></section>", f);
    }
    fputs("</body></html>\n", f);
    if (fclose(f) != 0 || !text) {
        free(text);
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
        return;
    }
    answer_text(r, 200, "text/html; charset=utf-8", text, len);
}

static const char *status_text(order_status_t s) {
    switch (s) {
    case ORDER_PENDING_PAYMENT:
        return "待付款";
    case ORDER_PENDING_REVIEW:
    case ORDER_APPROVED:
        return "待处理";
    case ORDER_PICKING:
    case ORDER_PACKED:
        return "待发货";
    case ORDER_PARTIALLY_SHIPPED:
        return "部分发货";
    case ORDER_SHIPPED:
        return "已发货";
    case ORDER_OUT_FOR_DELIVERY:
        return "派送中";
    case ORDER_DELIVERED:
        return "已签收";
    case ORDER_COMPLETED:
        return "已完成";
    case ORDER_CANCELLED:
        return "已取消";
    default:
        return "";
    }
}

static bool four_digits(const char *text) {
    if (!text || strlen(text) != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (text[i] < '0' || text[i] > '9')
            return false;
    return true;
}

void track_page(app_t *app, const char *order_no, const char *phone_last4, const char *client,
                bool json, svc_result_t *r) {
    int64_t now = time_now_ms();
    int order_wait = 0, client_wait = 0;
    bool order_locked = throttle_locked(&by_order, order_no, now, &order_wait);
    bool client_locked = client && throttle_locked(&by_client, client, now, &client_wait);
    if (order_locked || client_locked) {
        too_many(r, json, order_wait > client_wait ? order_wait : client_wait);
        return;
    }
    store_t *s = app_reader(app);
    order_rec_t rec = {0};
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "the store is unavailable");
        return;
    }
    int rc = s->vt->order_get(s, 0, order_no, &rec);
    char have[5];
    bool match =
        rc == STORE_OK && phone_last4 && strlen(phone_last4) == 4 &&
        last4_of(json_string_value(json_object_get(json_object_get(rec.doc, "buyer"), "phone")),
                 have) &&
        CRYPTO_memcmp(have, phone_last4, 4) == 0;
    if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_STORE, "the order could not be read");
        order_rec_clear(&rec);
        return;
    }
    if (!match) {
        /* Only a guess counts: no digits or not four of them can never match. */
        if (four_digits(phone_last4)) {
            throttle_failed(&by_order, order_no, now);
            if (client)
                throttle_failed(&by_client, client, now);
        }
        order_rec_clear(&rec);
        not_found(r, json);
        return;
    }
    /* The buyer got in: their order's count starts again, not their address's (one right
     * answer must not buy an address more guesses at other orders). */
    throttle_clear(&by_order, order_no);
    /* What the staff API shows, less everything but status and tracking. */
    svc_result_t full;
    svc_result_init(&full);
    order_tracking(app, order_no, &full);
    if (full.err != ORDO_E_OK) {
        svc_fail(r, full.err, "%s", full.detail);
        svc_result_clear(&full);
        order_rec_clear(&rec);
        return;
    }
    json_t *parcels = json_array();
    size_t i, j;
    json_t *p, *ev;
    json_array_foreach(json_object_get(full.body, "parcels"), i, p) {
        json_t *events = json_array();
        json_array_foreach(json_object_get(p, "events"), j, ev) {
            json_array_append_new(events,
                                  json_pack("{s:O, s:O, s:O}", "time", json_object_get(ev, "time"),
                                            "context", json_object_get(ev, "context"), "milestone",
                                            json_object_get(ev, "milestone")));
        }
        json_array_append_new(
            parcels, json_pack("{s:O, s:O, s:O, s:o}", "carrier", json_object_get(p, "carrier"),
                               "tracking_no", json_object_get(p, "tracking_no"), "milestone",
                               json_object_get(p, "milestone"), "events", events));
    }
    json_t *view =
        json_pack("{s:s, s:s, s:s, s:O, s:o}", "order_no", rec.order_no, "status",
                  order_status_name(rec.status), "status_text", status_text(rec.status),
                  "milestone", json_object_get(full.body, "milestone"), "parcels", parcels);
    svc_result_clear(&full);
    order_rec_clear(&rec);
    if (json) {
        svc_ok(r, 200, view);
        return;
    }
    render_html(r, view);
    json_decref(view);
}
