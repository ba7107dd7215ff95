/* The /v1 API: each route maps a request onto one use case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lifecycle.h"
#include "core/order_redact.h"
#include "http/event_stream.h"
#include "http/http.h"
#include "http/params.h"
#include "http/routes_completion.h"
#include "http/routes_console.h"
#include "http/routes_after_sales.h"
#include "http/routes_users.h"
#include "svc/auto_review.h"
#include "svc/carriers.h"
#include "svc/catalog.h"
#include "svc/exception_actions.h"
#include "svc/exceptions.h"
#include "svc/logistics_cases.h"
#include "svc/fields.h"
#include "svc/invoices.h"
#include "svc/lots.h"
#include "svc/messages.h"
#include "svc/order_edit.h"
#include "svc/order_lines_edit.h"
#include "svc/orders.h"
#include "svc/parcels.h"
#include "svc/payments.h"
#include "svc/picks.h"
#include "svc/reconcile.h"
#include "svc/review.h"
#include "svc/stock.h"
#include "svc/merges.h"
#include "svc/waves.h"
#include "svc/webhooks.h"
#include "svc/allocation_decision.h"
#include "svc/sourcing.h"
#include "svc/stock_alerts.h"
#include "svc/track_page.h"
#include "svc/tracking.h"
#include "svc/tracking_detect.h"
#include "svc/tracking_poll.h"
#include "util/timefmt.h"

static svc_op_t *put_sku(http_req_t *q, svc_result_t *r) {
    return sku_put_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_sku(http_req_t *q, svc_result_t *r) {
    sku_get(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *put_warehouse(http_req_t *q, svc_result_t *r) {
    return warehouse_put_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_warehouse(http_req_t *q, svc_result_t *r) {
    warehouse_get(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *put_stock(http_req_t *q, svc_result_t *r) {
    return stock_count_op(q->app, q->params[0], q->params[1], q->body, q->actor, r);
}

static svc_op_t *adjust_stock(http_req_t *q, svc_result_t *r) {
    return stock_adjust_op(q->app, q->params[0], q->params[1], q->body, q->actor, r);
}

static svc_op_t *get_stock(http_req_t *q, svc_result_t *r) {
    stock_summary(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *post_order(http_req_t *q, svc_result_t *r) {
    if (!json_is_object(q->body)) {
        field_errors_add(svc_errors(r), "", "wrong_type", "the order must be a JSON object");
        svc_fail(r, ORDO_E_VALIDATION, "the body is not a JSON object");
        return NULL;
    }
    return order_place_op(q->app, q->body, q->actor, r);
}

/* Roles that may not see payment data get order views without it (core/order_redact.h). */
static bool sees_payment(const http_req_t *q) {
    return !q->who || q->who->role != ROLE_WAREHOUSE;
}

static svc_op_t *get_order(http_req_t *q, svc_result_t *r) {
    order_get(q->app, q->params[0], r);
    if (!sees_payment(q))
        order_view_redact_payment(r->body);
    return NULL;
}

static svc_op_t *patch_order(http_req_t *q, svc_result_t *r) {
    return order_patch_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_order_events(http_req_t *q, svc_result_t *r) {
    order_events(q->app, q->params[0], r);
    if (!sees_payment(q))
        order_events_redact_payment(r->body);
    return NULL;
}

/* The op a handler made, or NULL with a 503 when there was no memory to make it. */
static svc_op_t *op_or_busy(svc_op_t *op, svc_result_t *r) {
    if (!op)
        svc_fail(r, ORDO_E_OVERLOADED, "out of memory");
    return op;
}

/* Reads a required "reason"-like string field from a small action body. */
static const char *action_text(http_req_t *q, const char *key, bool required, svc_result_t *r) {
    if (q->body && !json_is_object(q->body)) {
        field_errors_add(svc_errors(r), "", "wrong_type", "the body must be a JSON object");
        svc_fail(r, ORDO_E_VALIDATION, "the body is not a JSON object");
        return NULL;
    }
    const char *text = field_string(q->body, key, required, ORDO_REASON_MAX, svc_errors(r));
    if (svc_error_count(r)) {
        svc_fail(r, ORDO_E_VALIDATION, "the request has invalid fields");
        return NULL;
    }
    return text ? text : "";
}

static svc_op_t *cancel_order(http_req_t *q, svc_result_t *r) {
    const char *reason = action_text(q, "reason", true, r);
    if (!reason)
        return NULL;
    return op_or_busy(order_cancel_op(q->app, q->params[0], reason, q->actor), r);
}

static bool parse_time_param(http_req_t *q, const char *name, int64_t *out, svc_result_t *r) {
    const char *v = http_query(q, name);
    *out = 0;
    if (!v)
        return true;
    if (rfc3339_parse(v, out))
        return true;
    field_errors_add(svc_errors(r), name, "invalid_datetime", "%s must be an RFC 3339 date-time",
                     name);
    return false;
}

static svc_op_t *list_orders(http_req_t *q, svc_result_t *r) {
    order_filter_t f = {.channel = -1, .limit = ORDO_PAGE_DEFAULT};
    field_errors_t *e = svc_errors(r);
    f.status = http_query(q, "status");
    if (f.status && order_status_from_name(f.status) < 0)
        field_errors_add(e, "status", "unknown_status", "no order status '%s'", f.status);
    const char *channel = http_query(q, "channel");
    if (channel && (f.channel = channel_from_name(channel)) < 0)
        field_errors_add(e, "channel", "unknown_channel", "no channel '%s'", channel);
    f.exception_code = http_query(q, "exception");
    f.q = http_query(q, "q");
    parse_time_param(q, "since", &f.since_ms, r);
    parse_time_param(q, "until", &f.until_ms, r);
    f.limit = param_limit(q, e);
    f.before_id = param_cursor(q, 1, e);
    if (params_invalid(r))
        return NULL;
    order_list(q->app, &f, r);
    size_t i;
    json_t *view;
    if (!sees_payment(q))
        json_array_foreach(json_object_get(r->body, "items"), i, view)
            order_view_redact_payment(view);
    return NULL;
}

/* A query value that must be one of words (NULL-terminated), or a field error. */
static const char *query_word(http_req_t *q, const char *name, const char *const *words,
                              const char *expected, svc_result_t *r) {
    const char *v = http_query(q, name);
    for (const char *const *w = words; v && *w; w++)
        if (strcmp(*w, v) == 0)
            return v;
    if (v)
        field_errors_add(svc_errors(r), name, "out_of_range", "%s must be %s", name, expected);
    return NULL;
}

static svc_op_t *list_exceptions(http_req_t *q, svc_result_t *r) {
    exception_filter_t f = {.status = "open", .limit = ORDO_PAGE_DEFAULT};
    field_errors_t *e = svc_errors(r);
    static const char *const STATUSES[] = {"open", "resolved", "all", NULL};
    if (http_query(q, "status"))
        f.status = query_word(q, "status", STATUSES, "open, resolved or all", r);
    if (f.status && strcmp(f.status, "all") == 0)
        f.status = NULL;
    static const char *const SEVERITIES[] = {"red", "yellow", NULL};
    f.severity = query_word(q, "severity", SEVERITIES, "red or yellow", r);
    static const char *const DECISIONS[] = {"none", "wait", "swap", "cancel", "split", NULL};
    f.decision = query_word(q, "decision", DECISIONS, "none, wait, swap, cancel or split", r);
    f.code = http_query(q, "code");
    /* A final '*' asks for a family of codes (logistics_*); no other pattern. */
    if (f.code && (strpbrk(f.code, "?[") ||
                   (strchr(f.code, '*') && strchr(f.code, '*') != f.code + strlen(f.code) - 1)))
        field_errors_add(e, "code", "out_of_range", "code is a code, or a prefix ending in *");
    f.order_no = http_query(q, "order_no");
    f.owner = http_query(q, "owner");
    f.limit = param_limit(q, e);
    f.before_id = param_cursor(q, 1, e);
    if (params_invalid(r))
        return NULL;
    exception_list(q->app, &f, r);
    return NULL;
}

static svc_op_t *get_exception_summary(http_req_t *q, svc_result_t *r) {
    exception_summary(q->app, r);
    return NULL;
}

static svc_op_t *get_exception(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "exception", r);
    if (id)
        exception_get(q->app, id, r);
    return NULL;
}

static svc_op_t *assign_exception(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "exception", r);
    return id ? exception_assign_op(q->app, id, q->body, q->actor, r) : NULL;
}

static svc_op_t *post_exception_action(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "exception", r);
    return id ? exception_action_op(q->app, id, q->body, q->actor, r) : NULL;
}

static svc_op_t *resolve_exception(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "exception", r);
    if (!id)
        return NULL;
    const char *note = action_text(q, "note", false, r);
    if (!note)
        return NULL;
    return op_or_busy(exception_resolve_op(q->app, id, note, q->actor), r);
}

static svc_op_t *place_hold(http_req_t *q, svc_result_t *r) {
    return hold_place_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *release_hold(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 1, "hold", r);
    if (!id)
        return NULL;
    const char *note = action_text(q, "note", false, r);
    if (!note)
        return NULL;
    return op_or_busy(hold_release_op(q->app, q->params[0], id, note, q->actor), r);
}

static svc_op_t *approve_order(http_req_t *q, svc_result_t *r) {
    const char *note = action_text(q, "note", false, r);
    if (!note)
        return NULL;
    return op_or_busy(order_approve_op(q->app, q->params[0], note, q->actor), r);
}

static svc_op_t *reject_order(http_req_t *q, svc_result_t *r) {
    const char *reason = action_text(q, "reason", true, r);
    if (!reason)
        return NULL;
    return op_or_busy(order_reject_op(q->app, q->params[0], reason, q->actor), r);
}

/* A non-negative amount in fen from the query string; -1 when absent. */
static int64_t amount_param(http_req_t *q, const char *name, svc_result_t *r) {
    const char *v = http_query(q, name);
    if (!v)
        return -1;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (*end || n < 0 || n > ORDO_MONEY_MAX_FEN) {
        field_errors_add(svc_errors(r), name, "out_of_range",
                         "%s must be an amount in fen, 0..%lld", name, ORDO_MONEY_MAX_FEN);
        return -1;
    }
    return n;
}

static svc_op_t *get_review_queue(http_req_t *q, svc_result_t *r) {
    review_filter_t f = {.channel = -1, .limit = ORDO_PAGE_DEFAULT};
    f.reason = http_query(q, "reason");
    const char *channel = http_query(q, "channel");
    if (channel && (f.channel = channel_from_name(channel)) < 0)
        field_errors_add(svc_errors(r), "channel", "unknown_channel", "no channel '%s'", channel);
    f.min_total_fen = amount_param(q, "min_amount", r);
    f.max_total_fen = amount_param(q, "max_amount", r);
    f.limit = param_limit(q, svc_errors(r));
    f.after_id = param_cursor(q, 0, svc_errors(r));
    if (params_invalid(r))
        return NULL;
    review_queue(q->app, &f, r);
    return NULL;
}

static svc_op_t *get_review_rules(http_req_t *q, svc_result_t *r) {
    review_rules_get(q->app, r);
    return NULL;
}

static svc_op_t *put_review_rules(http_req_t *q, svc_result_t *r) {
    return review_rules_put_op(q->app, q->body, q->actor, r);
}

static int provider_param(http_req_t *q, svc_result_t *r) {
    int p = provider_from_name(q->params[0]);
    if (p < 0)
        svc_fail(r, ORDO_E_NOT_FOUND, "no payment provider '%s' (alipay, wechat, hmac)",
                 q->params[0]);
    return p;
}

static svc_op_t *put_provider(http_req_t *q, svc_result_t *r) {
    int p = provider_param(q, r);
    return p < 0 ? NULL : provider_put_op(q->app, (provider_t)p, q->body, q->actor, r);
}

static svc_op_t *get_provider(http_req_t *q, svc_result_t *r) {
    int p = provider_param(q, r);
    if (p >= 0)
        provider_get(q->app, (provider_t)p, r);
    return NULL;
}

/* Called by the payment platform, not by a user: authenticated by its signature. */
static svc_op_t *payment_notify(http_req_t *q, svc_result_t *r) {
    int p = provider_param(q, r);
    if (p < 0)
        return NULL;
    bool wechat = p == PROVIDER_WECHAT;
    notification_t n = {
        .body = q->raw,
        .body_len = q->raw_len,
        .timestamp = wechat ? http_header(q, "Wechatpay-Timestamp") : NULL,
        .nonce = wechat ? http_header(q, "Wechatpay-Nonce") : NULL,
        .signature = http_header(q, wechat ? "Wechatpay-Signature" : "X-Ordo-Signature"),
        .serial = wechat ? http_header(q, "Wechatpay-Serial") : NULL,
    };
    return payment_notify_op(q->app, (provider_t)p, &n, r);
}

static svc_op_t *put_webhook(http_req_t *q, svc_result_t *r) {
    return webhook_put_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_webhook(http_req_t *q, svc_result_t *r) {
    webhook_get(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *get_webhook_deliveries(http_req_t *q, svc_result_t *r) {
    const char *l = http_query(q, "limit");
    int limit = l && atoi(l) > 0 && atoi(l) <= ORDO_PAGE_MAX ? atoi(l) : ORDO_PAGE_DEFAULT;
    webhook_deliveries(q->app, q->params[0], limit, r);
    return NULL;
}

static svc_op_t *redeliver(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 1, "delivery", r);
    if (!id)
        return NULL;
    return op_or_busy(delivery_redeliver_op(q->app, q->params[0], id, q->actor), r);
}

static svc_op_t *verify_ledger(http_req_t *q, svc_result_t *r) {
    stock_verify(q->app, r);
    return NULL;
}

static svc_op_t *edit_order_lines(http_req_t *q, svc_result_t *r) {
    return order_lines_edit_op(q->app, q->params[0], q->body, q->actor, r);
}

/* The statement is the body as downloaded (CSV, GBK or UTF-8). */
static svc_op_t *post_reconciliation(http_req_t *q, svc_result_t *r) {
    return reconcile_alipay_op(q->app, q->raw, q->raw_len, q->actor, r);
}

static svc_op_t *get_reconciliation(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "reconciliation", r);
    if (id)
        reconciliation_get(q->app, id, r);
    return NULL;
}

static svc_op_t *put_message_template(http_req_t *q, svc_result_t *r) {
    return message_template_put_op(q->app, q->params[0], q->params[1], q->body, q->actor, r);
}

static svc_op_t *get_message_templates(http_req_t *q, svc_result_t *r) {
    (void)q;
    message_templates_get(q->app, r);
    return NULL;
}

static svc_op_t *put_message_sender(http_req_t *q, svc_result_t *r) {
    return message_sender_put_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_message_sender(http_req_t *q, svc_result_t *r) {
    message_sender_get(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *get_order_messages(http_req_t *q, svc_result_t *r) {
    order_messages(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *list_messages(http_req_t *q, svc_result_t *r) {
    const char *status = http_query(q, "status");
    if (status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 &&
        strcmp(status, "dead") != 0) {
        field_errors_add(svc_errors(r), "status", "out_of_range",
                         "status must be pending, sent or dead");
        svc_fail(r, ORDO_E_VALIDATION, "invalid query parameters");
        return NULL;
    }
    const char *l = http_query(q, "limit");
    int limit = l && atoi(l) > 0 && atoi(l) <= ORDO_PAGE_MAX ? atoi(l) : ORDO_PAGE_DEFAULT;
    message_list(q->app, status, limit, r);
    return NULL;
}

static svc_op_t *resend_message(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "message", r);
    if (!id)
        return NULL;
    return op_or_busy(message_resend_op(q->app, id, q->actor), r);
}

static svc_op_t *post_order_invoice(http_req_t *q, svc_result_t *r) {
    return invoice_issue_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_order_invoice(http_req_t *q, svc_result_t *r) {
    order_invoice(q->app, q->params[0], r);
    return NULL;
}

/* /v1/invoices/{no} and /v1/invoices/{no}.pdf: a path segment is matched whole, so the
 * suffix is told apart here (invoice numbers have no dot). */
static svc_op_t *get_invoice(http_req_t *q, svc_result_t *r) {
    const char *no = q->params[0];
    size_t len = strlen(no);
    if (len > 4 && strcmp(no + len - 4, ".pdf") == 0) {
        char bare[64];
        snprintf(bare, sizeof bare, "%.*s", (int)(len - 4), no);
        invoice_pdf(q->app, bare, r);
    } else {
        invoice_get(q->app, no, r);
    }
    return NULL;
}

static svc_op_t *void_invoice(http_req_t *q, svc_result_t *r) {
    return invoice_void_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *put_carrier(http_req_t *q, svc_result_t *r) {
    return carrier_put_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_carrier(http_req_t *q, svc_result_t *r) {
    carrier_get(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *list_carriers(http_req_t *q, svc_result_t *r) {
    carrier_list(q->app, r);
    return NULL;
}

static svc_op_t *add_tracking_numbers(http_req_t *q, svc_result_t *r) {
    return tracking_add_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *pack_order(http_req_t *q, svc_result_t *r) {
    return order_pack_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *ship_order(http_req_t *q, svc_result_t *r) {
    return order_ship_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_order_parcels(http_req_t *q, svc_result_t *r) {
    order_parcels(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *get_parcel(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "parcel", r);
    if (id)
        parcel_get(q->app, id, r);
    return NULL;
}

static svc_op_t *get_label_pdf(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "parcel", r);
    if (id)
        parcel_label(q->app, id, LABEL_PDF, r);
    return NULL;
}

static svc_op_t *get_label_zpl(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "parcel", r);
    if (id)
        parcel_label(q->app, id, LABEL_ZPL, r);
    return NULL;
}

/* ---- sourcing ---- */

static svc_op_t *get_allocation(http_req_t *q, svc_result_t *r) {
    alloc_decision_get(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *preview_allocation(http_req_t *q, svc_result_t *r) {
    alloc_decision_preview(q->app, q->body, r);
    return NULL;
}

static svc_op_t *reallocate_order(http_req_t *q, svc_result_t *r) {
    return alloc_reallocate_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_allocation_policy(http_req_t *q, svc_result_t *r) {
    sourcing_policy_get(q->app, r);
    return NULL;
}

static svc_op_t *put_allocation_policy(http_req_t *q, svc_result_t *r) {
    return sourcing_policy_put_op(q->app, q->body, q->actor, r);
}

static svc_op_t *report_low_stock(http_req_t *q, svc_result_t *r) {
    stock_report_low(q->app, r);
    return NULL;
}

#define SLOW_MOVER_DAYS_DEFAULT 30
#define SLOW_MOVER_DAYS_MAX 3650

static svc_op_t *report_slow_movers(http_req_t *q, svc_result_t *r) {
    const char *v = http_query(q, "days");
    long long days = SLOW_MOVER_DAYS_DEFAULT;
    if (v) {
        char *end;
        days = strtoll(v, &end, 10);
        if (!*v || *end || days < 1 || days > SLOW_MOVER_DAYS_MAX) {
            field_errors_add(svc_errors(r), "days", "out_of_range",
                             "days is a whole number of days, 1..%d", SLOW_MOVER_DAYS_MAX);
            svc_fail(r, ORDO_E_VALIDATION, "the report's parameters are invalid");
            return NULL;
        }
    }
    stock_report_slow_movers(q->app, days, time_now_ms(), r);
    return NULL;
}

static svc_op_t *put_lot(http_req_t *q, svc_result_t *r) {
    return lot_put_op(q->app, q->params[0], q->params[1], q->params[2], q->body, q->actor, r);
}

static svc_op_t *get_near_expiry(http_req_t *q, svc_result_t *r) {
    const char *d = http_query(q, "days");
    char *end = NULL;
    long days = d ? strtol(d, &end, 10) : 30;
    if (d && (*end || days < 0 || days > 3650)) {
        field_errors_add(svc_errors(r), "days", "out_of_range", "days must be 0 to 3650");
        svc_fail(r, ORDO_E_VALIDATION, "invalid query parameters");
        return NULL;
    }
    lots_near_expiry(q->app, (int)days, http_query(q, "warehouse"), r);
    return NULL;
}

static svc_op_t *post_wave(http_req_t *q, svc_result_t *r) {
    return wave_create_op(q->app, q->body, q->actor, r);
}

static svc_op_t *get_wave(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "wave", r);
    if (id)
        wave_get(q->app, id, r);
    return NULL;
}

static svc_op_t *get_pick_task(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "pick task", r);
    if (id)
        pick_task_get(q->app, id, r);
    return NULL;
}

static svc_op_t *get_pick_list(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "pick task", r);
    if (id)
        pick_list_text(q->app, id, r);
    return NULL;
}

static svc_op_t *post_pick_scan(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "pick task", r);
    return id ? pick_scan_op(q->app, id, q->body, q->actor, r) : NULL;
}

static svc_op_t *post_pick_short(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "pick task", r);
    return id ? pick_short_op(q->app, id, q->body, q->actor, r) : NULL;
}

static svc_op_t *post_pick_qc_reject(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "pick task", r);
    return id ? pick_qc_reject_op(q->app, id, q->body, q->actor, r) : NULL;
}

/* ---- tracking and logistics exceptions ---- */

static svc_op_t *put_tracking_provider(http_req_t *q, svc_result_t *r) {
    return tracking_provider_put_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_tracking_provider(http_req_t *q, svc_result_t *r) {
    tracking_provider_get(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *put_tracking_carrier(http_req_t *q, svc_result_t *r) {
    return tracking_carrier_put_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_tracking_carrier(http_req_t *q, svc_result_t *r) {
    tracking_carrier_get(q->app, q->params[0], r);
    return NULL;
}

/* Called by Kuaidi100, not by a user: authenticated by its sign. */
static svc_op_t *kuaidi100_push(http_req_t *q, svc_result_t *r) {
    return kuaidi100_push_op(q->app, q->raw, q->raw_len, r);
}

/* Called by an aggregator or carrier: authenticated by X-Ordo-Signature. */
static svc_op_t *tracking_push(http_req_t *q, svc_result_t *r) {
    return tracking_push_op(q->app, q->raw, q->raw_len, http_header(q, "X-Ordo-Signature"), r);
}

static svc_op_t *post_tracking_poll(http_req_t *q, svc_result_t *r) {
    return tracking_poll_request_op(q->app, q->body, q->actor, r);
}

static svc_op_t *post_tracking_sweep(http_req_t *q, svc_result_t *r) {
    return tracking_sweep_request_op(q->app, q->body, q->actor, r);
}

static svc_op_t *get_order_tracking(http_req_t *q, svc_result_t *r) {
    order_tracking(q->app, q->params[0], r);
    return NULL;
}

/* The buyer's page: no token; the phone's last digits stand in for a login. */
static svc_op_t *get_track_page(http_req_t *q, svc_result_t *r) {
    const char *accept = http_header(q, "Accept");
    bool json = accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
    char client[64];
    track_page(q->app, q->params[0], http_query(q, "phone_last4"),
               http_client_address(q, client, sizeof client), json, r);
    return NULL;
}

static svc_op_t *get_order_picks(http_req_t *q, svc_result_t *r) {
    order_picks(q->app, q->params[0], r);
    return NULL;
}

static svc_op_t *post_merge(http_req_t *q, svc_result_t *r) {
    return merge_create_op(q->app, q->body, q->actor, r);
}

static svc_op_t *get_merge(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "merge", r);
    if (id)
        merge_get(q->app, id, r);
    return NULL;
}

static svc_op_t *delete_merge(http_req_t *q, svc_result_t *r) {
    int64_t id = path_id(q, 0, "merge", r);
    return id ? merge_delete_op(q->app, id, q->actor, r) : NULL;
}

static svc_op_t *get_merge_rule(http_req_t *q, svc_result_t *r) {
    merge_rule_get(q->app, r);
    return NULL;
}

static svc_op_t *put_merge_rule(http_req_t *q, svc_result_t *r) {
    return merge_rule_put_op(q->app, q->body, q->actor, r);
}

/* ---- logistics cases (issue 5) ---- */

static svc_op_t *post_logistics_case(http_req_t *q, svc_result_t *r) {
    return logistics_case_raise_op(q->app, q->params[0], q->body, q->actor, r);
}

static svc_op_t *get_logistics_cases(http_req_t *q, svc_result_t *r) {
    order_logistics_cases(q->app, q->params[0], r);
    return NULL;
}

const http_route_t http_routes[] = {
    {"PUT", "/v1/skus/{}", put_sku, true, NULL, ROUTE_JSON},
    {"GET", "/v1/skus/{}", get_sku, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/warehouses/{}", put_warehouse, true, NULL, ROUTE_JSON},
    {"GET", "/v1/warehouses/{}", get_warehouse, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/stock/{}/{}", put_stock, true, NULL, ROUTE_JSON},
    {"POST", "/v1/stock/{}/{}/adjust", adjust_stock, true, NULL, ROUTE_JSON},
    {"GET", "/v1/stock/{}", get_stock, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders", post_order, true, "/v1/orders/", ROUTE_JSON},
    {"GET", "/v1/orders", list_orders, false, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}", get_order, false, NULL, ROUTE_JSON},
    {"PATCH", "/v1/orders/{}", patch_order, true, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/events", get_order_events, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/cancel", cancel_order, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/holds", place_hold, true, NULL, ROUTE_JSON},
    {"DELETE", "/v1/orders/{}/holds/{}", release_hold, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/approve", approve_order, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/reject", reject_order, false, NULL, ROUTE_JSON},
    {"GET", "/v1/review/queue", get_review_queue, false, NULL, ROUTE_JSON},
    {"GET", "/v1/review/rules", get_review_rules, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/review/rules", put_review_rules, true, NULL, ROUTE_JSON},
    {"GET", "/v1/exceptions", list_exceptions, false, NULL, ROUTE_JSON},
    {"GET", "/v1/exceptions/summary", get_exception_summary, false, NULL, ROUTE_JSON},
    {"GET", "/v1/exceptions/{}", get_exception, false, NULL, ROUTE_JSON},
    {"POST", "/v1/exceptions/{}/assign", assign_exception, true, NULL, ROUTE_JSON},
    {"POST", "/v1/exceptions/{}/actions", post_exception_action, true, NULL, ROUTE_JSON},
    {"GET", "/v1/ledger/verify", verify_ledger, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/payments/providers/{}", put_provider, true, NULL, ROUTE_JSON},
    {"GET", "/v1/payments/providers/{}", get_provider, false, NULL, ROUTE_JSON},
    {"POST", "/v1/payments/{}/notify", payment_notify, false, NULL, ROUTE_PLATFORM},
    {"PUT", "/v1/webhooks/{}", put_webhook, true, NULL, ROUTE_JSON},
    {"GET", "/v1/webhooks/{}", get_webhook, false, NULL, ROUTE_JSON},
    {"GET", "/v1/webhooks/{}/deliveries", get_webhook_deliveries, false, NULL, ROUTE_JSON},
    {"POST", "/v1/webhooks/{}/deliveries/{}/redeliver", redeliver, false, NULL, ROUTE_JSON},
    {"POST", "/v1/exceptions/{}/resolve", resolve_exception, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/edits", edit_order_lines, true, NULL, ROUTE_JSON},
    {"POST", "/v1/reconciliations/alipay", post_reconciliation, false, "/v1/reconciliations/",
     ROUTE_RAW},
    {"GET", "/v1/reconciliations/{}", get_reconciliation, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/messages/templates/{}/{}", put_message_template, true, NULL, ROUTE_JSON},
    {"GET", "/v1/messages/templates", get_message_templates, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/messages/senders/{}", put_message_sender, true, NULL, ROUTE_JSON},
    {"GET", "/v1/messages/senders/{}", get_message_sender, false, NULL, ROUTE_JSON},
    {"GET", "/v1/messages", list_messages, false, NULL, ROUTE_JSON},
    {"POST", "/v1/messages/{}/resend", resend_message, false, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/messages", get_order_messages, false, NULL, ROUTE_JSON},
    {"GET", "/v1/events/stream", event_stream_open, false, NULL, ROUTE_STREAM},
    {"POST", "/v1/orders/{}/invoice", post_order_invoice, true, "/v1/invoices/", ROUTE_JSON},
    {"GET", "/v1/orders/{}/invoice", get_order_invoice, false, NULL, ROUTE_JSON},
    {"GET", "/v1/invoices/{}", get_invoice, false, NULL, ROUTE_JSON},
    {"POST", "/v1/invoices/{}/void", void_invoice, true, NULL, ROUTE_JSON},
    {"PUT", "/v1/carriers/{}", put_carrier, true, NULL, ROUTE_JSON},
    {"GET", "/v1/carriers/{}", get_carrier, false, NULL, ROUTE_JSON},
    {"GET", "/v1/carriers", list_carriers, false, NULL, ROUTE_JSON},
    {"POST", "/v1/carriers/{}/tracking-numbers", add_tracking_numbers, true, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/pack", pack_order, true, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/ship", ship_order, false, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/parcels", get_order_parcels, false, NULL, ROUTE_JSON},
    {"GET", "/v1/parcels/{}", get_parcel, false, NULL, ROUTE_JSON},
    {"GET", "/v1/parcels/{}/label.pdf", get_label_pdf, false, NULL, ROUTE_JSON},
    {"GET", "/v1/parcels/{}/label.zpl", get_label_zpl, false, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/allocation", get_allocation, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/reallocate", reallocate_order, true, NULL, ROUTE_JSON},
    {"POST", "/v1/allocation/preview", preview_allocation, true, NULL, ROUTE_JSON},
    {"GET", "/v1/allocation/policy", get_allocation_policy, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/allocation/policy", put_allocation_policy, true, NULL, ROUTE_JSON},
    {"GET", "/v1/reports/low-stock", report_low_stock, false, NULL, ROUTE_JSON},
    {"GET", "/v1/reports/slow-movers", report_slow_movers, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/stock/{}/{}/lots/{}", put_lot, true, NULL, ROUTE_JSON},
    {"GET", "/v1/reports/near-expiry", get_near_expiry, false, NULL, ROUTE_JSON},
    {"POST", "/v1/waves", post_wave, true, "/v1/waves/", ROUTE_JSON},
    {"GET", "/v1/waves/{}", get_wave, false, NULL, ROUTE_JSON},
    {"GET", "/v1/picks/{}", get_pick_task, false, NULL, ROUTE_JSON},
    {"GET", "/v1/picks/{}/list", get_pick_list, false, NULL, ROUTE_JSON},
    {"POST", "/v1/picks/{}/scan", post_pick_scan, true, NULL, ROUTE_JSON},
    {"POST", "/v1/picks/{}/short", post_pick_short, true, NULL, ROUTE_JSON},
    {"POST", "/v1/picks/{}/qc-reject", post_pick_qc_reject, true, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/picks", get_order_picks, false, NULL, ROUTE_JSON},
    {"GET", "/v1/merges/rule", get_merge_rule, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/merges/rule", put_merge_rule, true, NULL, ROUTE_JSON},
    {"POST", "/v1/merges", post_merge, true, "/v1/merges/", ROUTE_JSON},
    {"GET", "/v1/merges/{}", get_merge, false, NULL, ROUTE_JSON},
    {"DELETE", "/v1/merges/{}", delete_merge, false, NULL, ROUTE_JSON},
    /* completion, reviews and quality (http/routes_completion.c) */
    {"POST", "/v1/orders/{}/confirm", confirm_order, false, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/completion", get_order_completion, false, NULL, ROUTE_JSON},
    {"GET", "/v1/completion/settings", get_completion_settings, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/completion/settings", put_completion_settings, true, NULL, ROUTE_JSON},
    {"POST", "/v1/completion/run", run_completion, false, NULL, ROUTE_JSON},
    {"POST", "/v1/orders/{}/review", post_order_review, true, NULL, ROUTE_JSON},
    {"PUT", "/v1/orders/{}/review", put_order_review, true, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/review", get_order_review, false, NULL, ROUTE_JSON},
    {"GET", "/v1/reviews", get_reviews_summary, false, NULL, ROUTE_JSON},
    {"GET", "/v1/stats/quality", get_quality_stats, false, NULL, ROUTE_JSON},
    /* tracking and logistics exceptions */
    {"PUT", "/v1/tracking/providers/{}", put_tracking_provider, true, NULL, ROUTE_JSON},
    {"GET", "/v1/tracking/providers/{}", get_tracking_provider, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/tracking/carriers/{}", put_tracking_carrier, true, NULL, ROUTE_JSON},
    {"GET", "/v1/tracking/carriers/{}", get_tracking_carrier, false, NULL, ROUTE_JSON},
    {"POST", "/v1/tracking/kuaidi100", kuaidi100_push, false, NULL, ROUTE_PLATFORM},
    {"POST", "/v1/tracking/push", tracking_push, false, NULL, ROUTE_PLATFORM},
    {"POST", "/v1/tracking/poll", post_tracking_poll, false, NULL, ROUTE_JSON},
    {"POST", "/v1/tracking/sweep", post_tracking_sweep, false, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/tracking", get_order_tracking, false, NULL, ROUTE_JSON},
    {"GET", "/track/{}", get_track_page, false, NULL, ROUTE_PUBLIC},
    /* Logistics cases: a shipped parcel in trouble (svc/logistics_cases.h). */
    {"POST", "/v1/orders/{}/logistics-cases", post_logistics_case, true, "/v1/exceptions/",
     ROUTE_JSON},
    {"GET", "/v1/orders/{}/logistics-cases", get_logistics_cases, false, NULL, ROUTE_JSON},
    /* After-sales, refunds and settlement (http/routes_after_sales.c). */
    {"POST", "/v1/orders/{}/after-sales", as_post_ticket, true, "/v1/after-sales/", ROUTE_JSON},
    {"GET", "/v1/after-sales", as_list_tickets, false, NULL, ROUTE_JSON},
    {"GET", "/v1/after-sales/settings", as_get_settings, false, NULL, ROUTE_JSON},
    {"PUT", "/v1/after-sales/settings", as_put_settings, true, NULL, ROUTE_JSON},
    {"GET", "/v1/after-sales/damaged-stock", as_get_damaged, false, NULL, ROUTE_JSON},
    /* After-sales SLA sweep (svc/after_sales_sweep.h). */
    {"POST", "/v1/after-sales/sweep", as_sweep, false, NULL, ROUTE_JSON},
    {"GET", "/v1/after-sales/{}", as_get_ticket, false, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/approve", as_approve, false, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/reject", as_reject, true, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/close", as_close, false, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/assign", as_assign, true, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/messages", as_message, true, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/return-shipment", as_return_shipment, true, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/receive", as_receive, true, NULL, ROUTE_JSON},
    {"POST", "/v1/after-sales/{}/refund", as_refund, true, "/v1/refunds/", ROUTE_JSON},
    {"PUT", "/v1/refunds/provider", refunds_put_provider, true, NULL, ROUTE_JSON},
    {"GET", "/v1/refunds/provider", refunds_get_provider, false, NULL, ROUTE_JSON},
    {"GET", "/v1/refunds", refunds_list_get, false, NULL, ROUTE_JSON},
    {"GET", "/v1/refunds/{}", refunds_get, false, NULL, ROUTE_JSON},
    {"POST", "/v1/refunds/{}/retry", refunds_retry, false, NULL, ROUTE_JSON},
    {"GET", "/v1/orders/{}/refunds", refunds_of_order, false, NULL, ROUTE_JSON},
    {"GET", "/v1/settlement", settlement_get, false, NULL, ROUTE_JSON},
    /* Users, sessions and API tokens (who may call what: http/permissions.c). */
    {"POST", "/v1/session", session_sign_in, true, NULL, ROUTE_SIGN_IN},
    {"GET", "/v1/session", session_get, false, NULL, ROUTE_JSON},
    {"DELETE", "/v1/session", session_sign_out, false, NULL, ROUTE_JSON},
    {"GET", "/v1/users", users_list, false, NULL, ROUTE_JSON},
    {"POST", "/v1/users", users_add, true, NULL, ROUTE_JSON},
    {"PATCH", "/v1/users/{}", users_patch, true, NULL, ROUTE_JSON},
    {"POST", "/v1/users/{}/tokens", users_token_create, true, NULL, ROUTE_JSON},
    {"GET", "/v1/users/{}/tokens", users_token_list, false, NULL, ROUTE_JSON},
    {"DELETE", "/v1/users/{}/tokens/{}", users_token_delete, false, NULL, ROUTE_JSON},
    /* Console support: the dashboard and lists (http/routes_console.c). */
    {"GET", "/v1/stats/dashboard", get_dashboard, false, NULL, ROUTE_JSON},
    {"GET", "/v1/stock", list_stock, false, NULL, ROUTE_JSON},
    {"GET", "/v1/warehouses", list_warehouses, false, NULL, ROUTE_JSON},
    {"GET", "/v1/webhooks", list_webhooks, false, NULL, ROUTE_JSON},
    {"GET", "/v1/waves", list_waves, false, NULL, ROUTE_JSON},
};

const int http_routes_count = sizeof http_routes / sizeof http_routes[0];
