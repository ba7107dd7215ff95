#include "svc/payments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "core/order_parse.h"
#include "core/payment_verify.h"
#include "svc/auto_review.h"
#include "svc/fields.h"
#include "svc/orders.h"
#include "svc/timeline.h"
#include "util/form.h"
#include "util/timefmt.h"

#define WINDOW_DEFAULT_S 300
#define WINDOW_MAX_S (3650LL * 86400) /* a merchant replaying old notifications on purpose */

static const char *const provider_names[PROVIDER__COUNT] = {"alipay", "wechat", "hmac"};

int provider_from_name(const char *name) {
    for (int i = 0; i < PROVIDER__COUNT; i++)
        if (strcmp(provider_names[i], name) == 0)
            return i;
    return -1;
}

const char *provider_name(provider_t p) {
    return provider_names[p];
}

/* ---- settings ---- */

typedef struct {
    svc_op_t op;
    provider_t provider;
    char *config; /* JSON text, secrets included */
} provider_op_t;

static ordo_err_t provider_put_run(store_t *s, svc_op_t *op) {
    provider_op_t *p = (provider_op_t *)op;
    return s->vt->provider_put(s, provider_name(p->provider), p->config, op->actor, op->now_ms) ==
                   STORE_OK
               ? ORDO_E_OK
               : ORDO_E_STORE;
}

static void provider_put_finish(svc_op_t *op) {
    if (op->result.err == ORDO_E_OK)
        provider_get(op->app, ((provider_op_t *)op)->provider, &op->result);
}

static void provider_put_destroy(svc_op_t *op) {
    free(((provider_op_t *)op)->config);
}

svc_op_t *provider_put_op(app_t *app, provider_t p, json_t *body, const char *actor,
                          svc_result_t *immediate) {
    field_errors_t *e = svc_errors(immediate);
    if (!fields_require_object(body, "the settings are invalid", immediate))
        return NULL;
    json_t *config = json_object();
    int64_t window = field_int(body, "window_seconds", false, 1, WINDOW_MAX_S, WINDOW_DEFAULT_S, e);
    json_object_set_new(config, "window_seconds", json_integer(window));
    if (p == PROVIDER_ALIPAY) {
        const char *app_id = field_string(body, "app_id", true, 64, e);
        const char *key = field_string(body, "alipay_public_key_pem", true, 8192, e);
        if (app_id && key) {
            json_object_set_new(config, "app_id", json_string(app_id));
            json_object_set_new(config, "alipay_public_key_pem", json_string(key));
        }
    } else if (p == PROVIDER_WECHAT) {
        const char *mchid = field_string(body, "mchid", true, 64, e);
        const char *key = field_string(body, "apiv3_key", true, 64, e);
        if (key && strlen(key) != 32 && strlen(key) != 16)
            field_errors_add(e, "apiv3_key", "out_of_range",
                             "the APIv3 key is 32 bytes (16 in test vectors)");
        json_t *certs = json_object_get(body, "platform_certificates");
        if (!json_is_array(certs) || json_array_size(certs) == 0)
            field_errors_add(e, "platform_certificates", "required",
                             "platform_certificates is a non-empty list of PEM certificates");
        size_t i;
        json_t *c;
        json_array_foreach(certs, i, c) {
            if (!json_is_string(c) || !strstr(json_string_value(c), "BEGIN CERTIFICATE"))
                field_errors_add(e, "platform_certificates", "wrong_type",
                                 "platform_certificates[%zu] is not a PEM certificate", i);
        }
        if (mchid && key && json_is_array(certs)) {
            json_object_set_new(config, "mchid", json_string(mchid));
            json_object_set_new(config, "apiv3_key", json_string(key));
            json_object_set(config, "platform_certificates", certs);
        }
    } else {
        const char *secret = field_string(body, "secret", true, 256, e);
        if (secret && strlen(secret) < 16)
            field_errors_add(e, "secret", "out_of_range", "the secret is at least 16 bytes");
        if (secret)
            json_object_set_new(config, "secret", json_string(secret));
    }
    if (svc_error_count(immediate)) {
        json_decref(config);
        svc_fail(immediate, ORDO_E_VALIDATION, "the settings are invalid; nothing changed");
        return NULL;
    }
    char *text = json_dumps(config, JSON_COMPACT);
    json_decref(config);
    provider_op_t *op = text ? (provider_op_t *)svc_op_alloc(sizeof *op, app, actor) : NULL;
    if (!op) {
        free(text);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    op->op.run = provider_put_run;
    op->op.finish = provider_put_finish;
    op->op.destroy = provider_put_destroy;
    op->provider = p;
    op->config = text;
    return &op->op;
}

/* The stored settings, or NULL with r failed. Caller decrefs. */
static json_t *load_config(app_t *app, provider_t p, svc_result_t *r) {
    store_t *s = app_reader(app);
    char *text = NULL;
    int rc = s ? s->vt->provider_get(s, provider_name(p), &text) : STORE_ERROR;
    json_t *config = rc == STORE_OK ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no %s settings yet", provider_name(p));
    else if (!config)
        svc_fail(r, ORDO_E_STORE, "cannot read the %s settings", provider_name(p));
    return config;
}

void provider_get(app_t *app, provider_t p, svc_result_t *r) {
    json_t *config = load_config(app, p, r);
    if (!config)
        return;
    /* Secrets are never echoed back: say only that they are set. */
    static const char *const secrets[] = {"apiv3_key", "secret", "alipay_public_key_pem"};
    fields_mask_secrets(config, secrets, sizeof secrets / sizeof secrets[0]);
    json_t *certs = json_object_get(config, "platform_certificates");
    if (certs) {
        json_object_set_new(config, "platform_certificates_count",
                            json_integer((json_int_t)json_array_size(certs)));
        json_object_del(config, "platform_certificates");
    }
    json_object_set_new(config, "provider", json_string(provider_name(p)));
    svc_ok(r, 200, config);
}

/* ---- notifications ---- */

/* FAILED: the buyer tried and the payment did not go through; the order still waits for it. */
typedef enum { TRADE_PAID, TRADE_CLOSED, TRADE_FAILED, TRADE_OTHER } trade_t;

typedef struct {
    svc_op_t op;
    provider_t provider;
    char reference[72]; /* out_trade_no */
    char notify_key[160];
    char transaction_id[72];
    char status_text[32];
    char failure[128]; /* the provider's words for a failed payment, if it gave any */
    trade_t trade;
    int64_t amount_fen;
    char outcome[32];
    bool duplicate, unknown_order;
} notify_op_t;

/* The answer each platform expects: Alipay reads the text "success" (always with 200: its
 * retries key on the text); WeChat Pay a JSON code; the merchant's own checkout a small JSON
 * object. status is the HTTP status for the latter two, 200 meaning acted on. */
static void answer(svc_result_t *r, provider_t p, int status, const char *message,
                   const char *outcome) {
    bool ok = status == 200;
    char *text = NULL;
    const char *type = "application/json";
    if (p == PROVIDER_ALIPAY) {
        text = strdup(ok ? "success" : "failure");
        type = "text/plain; charset=utf-8";
    } else {
        json_t *body = p == PROVIDER_WECHAT ? json_pack("{s:s, s:s}", "code",
                                                        ok ? "SUCCESS" : "FAIL", "message", message)
                                            : json_pack("{s:b, s:s, s:s}", "ok", ok, "outcome",
                                                        outcome ? outcome : "", "message", message);
        text = body ? json_dumps(body, JSON_COMPACT) : NULL;
        json_decref(body);
    }
    svc_ok(r, p == PROVIDER_ALIPAY ? 200 : status, NULL);
    r->body_text = text;
    r->body_len = text ? strlen(text) : 0;
    r->content_type = type;
}

/* Moves a paid order on: to review, then through the automatic rules as at intake (its
 * payment now confirmed by the provider). */
static int pay_and_review(store_t *s, notify_op_t *n, order_rec_t *rec) {
    svc_op_t *op = &n->op;
    order_status_t to;
    if (!lifecycle_next(rec->status, ORDER_EV_PAY, &to))
        return STORE_OK;
    char reason[128];
    snprintf(reason, sizeof reason, "paid: %s %s", provider_name(n->provider), n->transaction_id);
    int rc = s->vt->order_set_status(s, rec->id, to, op->now_ms);
    if (rc == STORE_OK)
        rc = timeline_transition(s, rec->id, rec->order_no, op->actor, (int)rec->status, to, reason,
                                 op->now_ms);
    if (rc != STORE_OK)
        return rc;
    rec->status = to;
    order_input_t in;
    field_errors_t errs = {0};
    if (!order_parse(rec->doc, &op->app->validation, &in, &errs))
        return STORE_OK; /* cannot happen for a stored order; it waits for a person */
    in.payment_status = PAYMENT_PAID;
    review_prep_t *prep = calloc(1, sizeof *prep);
    char *holds = NULL, *review = NULL;
    shortage_t short_lines[ORDO_ORDER_LINES_MAX];
    int n_short = 0;
    rc = prep ? s->vt->shortages_of_order(s, rec->id, short_lines, ORDO_ORDER_LINES_MAX, &n_short)
              : STORE_ERROR;
    if (rc == STORE_OK) {
        auto_review_keys(&in, prep);
        rc = auto_review_prepare(s, op->app, &in, prep);
    }
    if (rc == STORE_OK) {
        prep->payment_confirmed = true;
        rc = auto_review_finish(s, op->app, prep, rec, &in, n_short > 0, "rules", op->now_ms,
                                &holds, &review);
    }
    if (rc == STORE_OK && rec->status == ORDER_APPROVED)
        rc = timeline_transition(s, rec->id, rec->order_no, "rules", (int)ORDER_PENDING_REVIEW,
                                 ORDER_APPROVED, "passed automatic review", op->now_ms);
    free(holds);
    free(review);
    free(prep);
    order_input_free(&in);
    return rc;
}

/* A web order held only for its payment moves on once the provider confirms it. */
static int confirm_payment(store_t *s, notify_op_t *n, order_rec_t *rec) {
    int released = 0, open = 0;
    int rc =
        s->vt->holds_release_auto(s, rec->id, "payment_verified", "payments",
                                  "payment confirmed by the provider", n->op.now_ms, &released);
    if (rc != STORE_OK || released == 0)
        return rc;
    rc = s->vt->holds_open_count(s, rec->id, &open);
    order_status_t to;
    if (rc == STORE_OK && open == 0 && lifecycle_next(rec->status, ORDER_EV_APPROVE, &to)) {
        rc = s->vt->order_set_status(s, rec->id, to, n->op.now_ms);
        if (rc == STORE_OK)
            rc = timeline_transition(s, rec->id, rec->order_no, "payments", (int)rec->status, to,
                                     "payment confirmed; nothing else holds the order",
                                     n->op.now_ms);
    }
    return rc;
}

/* Money that does not add up is for a person to settle: the exception pool, marked red. */
static int open_red_exception(store_t *s, int64_t order_id, const char *code, const char *message,
                              int64_t now_ms) {
    exception_rec_t e = {
        .order_id = order_id, .code = code, .severity = "red", .message = message, .at_ms = now_ms};
    return s->vt->exception_open(s, &e, NULL);
}

int payment_order_of_reference(store_t *s, const char *reference, order_rec_t *rec) {
    int rc = s->vt->order_get(s, 0, reference, rec);
    if (rc == STORE_NOT_FOUND) {
        int64_t id = 0;
        char hash[65];
        rc = s->vt->order_find_key(s, CHANNEL_WEB, reference, &id, hash);
        if (rc == STORE_OK)
            rc = s->vt->order_get(s, id, NULL, rec);
    }
    return rc;
}

static ordo_err_t notify_run(store_t *s, svc_op_t *op) {
    notify_op_t *n = (notify_op_t *)op;
    order_rec_t rec = {0};
    int rc = payment_order_of_reference(s, n->reference, &rec);
    if (rc == STORE_NOT_FOUND) {
        /* Perhaps the order is not stored yet: nothing is recorded, so the platform's retry
         * is acted on. */
        n->unknown_order = true;
        return ORDO_E_NOT_FOUND;
    }
    if (rc != STORE_OK)
        return ORDO_E_STORE;

    int64_t total =
        json_integer_value(json_object_get(json_object_get(rec.doc, "amounts"), "total"));
    const char *outcome = "ignored";
    if (n->trade == TRADE_PAID) {
        if (n->amount_fen != total)
            outcome = "amount_mismatch";
        else if (rec.status == ORDER_PENDING_PAYMENT)
            outcome = "paid";
        else if (rec.status == ORDER_CANCELLED)
            outcome = "paid_after_cancel";
        else
            outcome = "payment_confirmed";
    } else if (n->trade == TRADE_CLOSED && rec.status == ORDER_PENDING_PAYMENT) {
        outcome = "closed";
    } else if (n->trade == TRADE_FAILED && rec.status == ORDER_PENDING_PAYMENT) {
        outcome = "payment_failed";
    }
    snprintf(n->outcome, sizeof n->outcome, "%s", outcome);
    rc = s->vt->notification_record(s, provider_name(n->provider), n->notify_key, rec.id,
                                    n->status_text, n->amount_fen, n->transaction_id, outcome,
                                    op->now_ms);
    if (rc == STORE_CONFLICT) {
        n->duplicate = true; /* acted on before: nothing changes */
        order_rec_clear(&rec);
        return ORDO_E_OK;
    }
    char msg[256];
    if (rc == STORE_OK && strcmp(outcome, "paid") == 0) {
        rc = pay_and_review(s, n, &rec);
    } else if (rc == STORE_OK && strcmp(outcome, "payment_confirmed") == 0) {
        rc = confirm_payment(s, n, &rec);
    } else if (rc == STORE_OK && strcmp(outcome, "amount_mismatch") == 0) {
        snprintf(msg, sizeof msg, "%s reports %lld fen paid; the order's total is %lld fen",
                 provider_name(n->provider), (long long)n->amount_fen, (long long)total);
        rc = open_red_exception(s, rec.id, "payment_amount_mismatch", msg, op->now_ms);
    } else if (rc == STORE_OK && strcmp(outcome, "paid_after_cancel") == 0) {
        snprintf(msg, sizeof msg,
                 "%s reports payment %s after the order was cancelled: refund the buyer",
                 provider_name(n->provider), n->transaction_id);
        rc = open_red_exception(s, rec.id, "paid_after_cancel", msg, op->now_ms);
    } else if (rc == STORE_OK && strcmp(outcome, "closed") == 0) {
        snprintf(msg, sizeof msg, "payment closed by %s", provider_name(n->provider));
        ordo_err_t e = order_cancel_in_tx(s, op, &rec, msg);
        rc = e == ORDO_E_OK ? STORE_OK : STORE_ERROR;
    } else if (rc == STORE_OK && strcmp(outcome, "payment_failed") == 0) {
        /* The order keeps waiting (and holding its stock) for another try; the timeline
         * event is what tells the buyer, with the retry link (svc/message_fanout.c). */
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "payment_failed",
                           n->failure[0] ? n->failure : n->status_text, op->now_ms);
    }
    order_rec_clear(&rec);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void notify_finish(svc_op_t *op) {
    notify_op_t *n = (notify_op_t *)op;
    if (n->unknown_order) {
        svc_result_clear(&op->result);
        svc_result_init(&op->result);
        answer(&op->result, n->provider, 404, "no order with this reference yet", NULL);
        return;
    }
    if (op->result.err != ORDO_E_OK) {
        svc_result_clear(&op->result);
        svc_result_init(&op->result);
        answer(&op->result, n->provider, 503, "temporarily unable to process", NULL);
        return;
    }
    answer(&op->result, n->provider, 200, n->duplicate ? "already processed" : "processed",
           n->duplicate ? "duplicate" : n->outcome);
}

static trade_t trade_of(provider_t p, const char *status) {
    if (!status)
        return TRADE_OTHER;
    if (p == PROVIDER_ALIPAY)
        return strcmp(status, "TRADE_SUCCESS") == 0 || strcmp(status, "TRADE_FINISHED") == 0
                   ? TRADE_PAID
               : strcmp(status, "TRADE_CLOSED") == 0 ? TRADE_CLOSED
                                                     : TRADE_OTHER;
    if (p == PROVIDER_WECHAT)
        return strcmp(status, "SUCCESS") == 0    ? TRADE_PAID
               : strcmp(status, "CLOSED") == 0   ? TRADE_CLOSED
               : strcmp(status, "PAYERROR") == 0 ? TRADE_FAILED
                                                 : TRADE_OTHER;
    return strcmp(status, "paid") == 0     ? TRADE_PAID
           : strcmp(status, "closed") == 0 ? TRADE_CLOSED
           : strcmp(status, "failed") == 0 ? TRADE_FAILED
                                           : TRADE_OTHER;
}

static bool fresh(const json_t *config, const char *timestamp, char *err, size_t err_len) {
    char *end = NULL;
    long long ts = timestamp ? strtoll(timestamp, &end, 10) : 0;
    if (!timestamp || !*timestamp || *end) {
        snprintf(err, err_len, "the notification has no valid timestamp");
        return false;
    }
    int64_t window = json_integer_value(json_object_get(config, "window_seconds"));
    if (!notify_timestamp_fresh(ts, time_now_ms() / 1000, window ? window : WINDOW_DEFAULT_S)) {
        snprintf(err, err_len, "the notification's timestamp is outside the %lld s window",
                 (long long)(window ? window : WINDOW_DEFAULT_S));
        return false;
    }
    return true;
}

static void copy(char *dst, size_t cap, const char *src) {
    snprintf(dst, cap, "%s", src ? src : "");
}

/* The trade a JSON notification describes: WeChat Pay's decrypted resource and the merchant's
 * own checkout both name it out_trade_no and transaction_id, its state `status_key`; the
 * amount is an integer in fen. */
static void take_trade(notify_op_t *n, const json_t *trade, const char *status_key,
                       const json_t *amount) {
    copy(n->reference, sizeof n->reference,
         json_string_value(json_object_get(trade, "out_trade_no")));
    copy(n->transaction_id, sizeof n->transaction_id,
         json_string_value(json_object_get(trade, "transaction_id")));
    const char *status = json_string_value(json_object_get(trade, status_key));
    copy(n->status_text, sizeof n->status_text, status);
    /* WeChat Pay describes the state in trade_state_desc; the merchant's checkout may say
     * why in reason. */
    const char *why = json_string_value(json_object_get(trade, "trade_state_desc"));
    copy(n->failure, sizeof n->failure,
         why ? why : json_string_value(json_object_get(trade, "reason")));
    /* A cut inside a character would make the event's JSON invalid UTF-8: end before it. */
    size_t len = strlen(n->failure);
    if (len == sizeof n->failure - 1) {
        while (len > 0 && ((unsigned char)n->failure[len] & 0xC0) == 0x80)
            len--;
        n->failure[len] = '\0';
    }
    n->trade = trade_of(n->provider, status);
    n->amount_fen = json_is_integer(amount) ? json_integer_value(amount) : -1;
}

/* What reading a notification found: 401 for a signature that does not verify tells the
 * sender to check its keys; 400 for anything else wrong with the message. */
typedef enum {
    NOTIFY_ACCEPTED = 200,
    NOTIFY_MALFORMED = 400,
    NOTIFY_FORGED = 401
} notify_verdict_t;

/* Fills n from a verified Alipay form. */
static notify_verdict_t parse_alipay(const json_t *config, const notification_t *in, notify_op_t *n,
                                     char *err, size_t err_len) {
    form_t form = {0};
    if (!form_parse(in->body, in->body_len, &form)) {
        snprintf(err, err_len, "the body is not a valid form");
        return NOTIFY_MALFORMED;
    }
    if (!alipay_verify_rsa2(&form,
                            json_string_value(json_object_get(config, "alipay_public_key_pem")),
                            err, err_len)) {
        form_free(&form);
        return NOTIFY_FORGED;
    }
    const char *app_id = form_get(&form, "app_id");
    bool ok = app_id && strcmp(app_id, json_string_value(json_object_get(config, "app_id"))) == 0;
    if (!ok)
        snprintf(err, err_len, "the notification is for another app_id");
    const char *amount = form_get(&form, "total_amount");
    if (ok) {
        copy(n->reference, sizeof n->reference, form_get(&form, "out_trade_no"));
        copy(n->transaction_id, sizeof n->transaction_id, form_get(&form, "trade_no"));
        copy(n->status_text, sizeof n->status_text, form_get(&form, "trade_status"));
        n->trade = trade_of(PROVIDER_ALIPAY, form_get(&form, "trade_status"));
        if (!amount || !money_parse_yuan(amount, strlen(amount), false, &n->amount_fen))
            n->amount_fen = -1;
        /* Retries repeat notify_id; the trade and its status identify the event too. */
        snprintf(n->notify_key, sizeof n->notify_key, "%s:%s", n->transaction_id, n->status_text);
        if (!n->reference[0] || n->amount_fen < 0)
            ok = false, snprintf(err, err_len, "out_trade_no or total_amount missing");
    }
    form_free(&form);
    return ok ? NOTIFY_ACCEPTED : NOTIFY_MALFORMED;
}

static notify_verdict_t parse_wechat(const json_t *config, const notification_t *in, notify_op_t *n,
                                     char *err, size_t err_len) {
    if (!fresh(config, in->timestamp, err, err_len))
        return NOTIFY_MALFORMED;
    bool ok = false;
    size_t i;
    json_t *cert;
    json_array_foreach(json_object_get(config, "platform_certificates"), i, cert) {
        if (wechatpay_verify_signature(in->timestamp, in->nonce ? in->nonce : "", in->body,
                                       in->body_len, in->signature ? in->signature : "",
                                       json_string_value(cert), err, err_len)) {
            ok = true;
            break;
        }
    }
    if (!ok)
        return NOTIFY_FORGED;
    json_t *doc = json_loadb(in->body, in->body_len, 0, NULL);
    json_t *res = json_object_get(doc, "resource");
    const char *key = json_string_value(json_object_get(config, "apiv3_key"));
    char *plain = NULL;
    size_t plain_len = 0;
    ok = res && key &&
         wechatpay_decrypt_resource(key, strlen(key),
                                    json_string_value(json_object_get(res, "nonce")),
                                    json_string_value(json_object_get(res, "associated_data")),
                                    json_string_value(json_object_get(res, "ciphertext")), &plain,
                                    &plain_len, err, err_len);
    json_t *tx = ok ? json_loadb(plain, plain_len, 0, NULL) : NULL;
    if (ok && tx) {
        take_trade(n, tx, "trade_state", json_object_get(json_object_get(tx, "amount"), "total"));
        snprintf(n->notify_key, sizeof n->notify_key, "%s",
                 json_string_value(json_object_get(doc, "id"))
                     ? json_string_value(json_object_get(doc, "id"))
                     : n->transaction_id);
        if (!n->reference[0] || n->amount_fen < 0)
            ok = false, snprintf(err, err_len, "out_trade_no or amount.total missing");
    } else if (ok) {
        ok = false;
        snprintf(err, err_len, "the decrypted resource is not JSON");
    }
    json_decref(tx);
    free(plain);
    json_decref(doc);
    return ok ? NOTIFY_ACCEPTED : NOTIFY_MALFORMED;
}

static notify_verdict_t parse_hmac(const json_t *config, const notification_t *in, notify_op_t *n,
                                   char *err, size_t err_len) {
    if (!hmac_sha256_verify(json_string_value(json_object_get(config, "secret")),
                            (const unsigned char *)in->body, in->body_len,
                            in->signature ? in->signature : "", err, err_len))
        return NOTIFY_FORGED;
    json_t *doc = json_loadb(in->body, in->body_len, 0, NULL);
    json_t *ts = json_object_get(doc, "timestamp");
    char ts_text[32];
    snprintf(ts_text, sizeof ts_text, "%lld", (long long)json_integer_value(ts));
    bool ok = json_is_integer(ts) && fresh(config, ts_text, err, err_len);
    if (ok) {
        take_trade(n, doc, "status", json_object_get(doc, "amount"));
        snprintf(n->notify_key, sizeof n->notify_key, "%s:%s", n->transaction_id, n->status_text);
        if (!n->reference[0] || n->amount_fen < 0 || !n->transaction_id[0])
            ok = false,
            snprintf(err, err_len, "out_trade_no, transaction_id or amount (fen) missing");
    } else if (!json_is_integer(ts)) {
        snprintf(err, err_len, "timestamp (Unix seconds) missing");
    }
    json_decref(doc);
    return ok ? NOTIFY_ACCEPTED : NOTIFY_MALFORMED;
}

svc_op_t *payment_notify_op(app_t *app, provider_t p, const notification_t *in,
                            svc_result_t *immediate) {
    svc_result_t probe;
    svc_result_init(&probe);
    json_t *config = load_config(app, p, &probe);
    svc_result_clear(&probe);
    if (!config) {
        answer(immediate, p, 404, "this provider is not configured", NULL);
        return NULL;
    }
    notify_op_t *n = (notify_op_t *)svc_op_alloc(sizeof *n, app, provider_name(p));
    if (!n) {
        json_decref(config);
        answer(immediate, p, 503, "temporarily unable to process", NULL);
        return NULL;
    }
    n->provider = p;
    char err[256] = "";
    notify_verdict_t verdict = p == PROVIDER_ALIPAY   ? parse_alipay(config, in, n, err, sizeof err)
                               : p == PROVIDER_WECHAT ? parse_wechat(config, in, n, err, sizeof err)
                                                      : parse_hmac(config, in, n, err, sizeof err);
    json_decref(config);
    if (verdict != NOTIFY_ACCEPTED) {
        svc_op_free(&n->op);
        answer(immediate, p, (int)verdict, err, NULL);
        return NULL;
    }
    n->op.run = notify_run;
    n->op.finish = notify_finish;
    return &n->op;
}
