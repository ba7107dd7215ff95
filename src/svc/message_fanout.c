/* The messenger's writes: outbox messages become buyer message rows, and what sending them
 * found is recorded. Both run on the writer, so a message row exists exactly when the
 * cursor has passed its outbox message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/msg_template.h"
#include "core/phone.h"
#include "svc/messages.h"

#define FANOUT_BATCH 500
#define CURSOR "messages"
#define CHANNEL_DEFAULT "default"

typedef struct {
    svc_op_t op;
    char *pay_url;
} fanout_op_t;

/* The stored template for (event, medium, channel), else for the default channel; NULL when
 * none is stored. Borrowed from templates. */
static json_t *stored_template(json_t *templates, const char *event, const char *medium,
                               const char *channel) {
    json_t *fallback = NULL;
    size_t i;
    json_t *row;
    json_array_foreach(templates, i, row) {
        if (strcmp(json_string_value(json_object_get(row, "event")), event) != 0 ||
            strcmp(json_string_value(json_object_get(row, "medium")), medium) != 0)
            continue;
        const char *c = json_string_value(json_object_get(row, "channel"));
        if (strcmp(c, channel) == 0)
            return row;
        if (strcmp(c, CHANNEL_DEFAULT) == 0)
            fallback = row;
    }
    return fallback;
}

/* Where the medium reaches the buyer: a mobile number (digits) for SMS, buyer.email for
 * email; false when the order has none (a landline gets no SMS). */
static bool recipient_of(const app_t *app, json_t *doc, msg_medium_t m, char *out, size_t len) {
    json_t *buyer = json_object_get(doc, "buyer");
    if (m == MSG_MEDIUM_EMAIL) {
        const char *email = json_string_value(json_object_get(buyer, "email"));
        if (!email || !*email)
            return false;
        snprintf(out, len, "%s", email);
        return true;
    }
    const char *phone = json_string_value(json_object_get(buyer, "phone"));
    return phone && app->validation.phones &&
           phone_classify(app->validation.phones, phone, out, len) == PHONE_MOBILE;
}

/* The message rows one outbox message makes: one per medium with a sender, a template with
 * a body and a recipient. */
static int fan_out_row(store_t *s, fanout_op_t *f, json_t *row, const bool *medium_on,
                       json_t **templates) {
    json_t *payload = json_loads(json_string_value(json_object_get(row, "payload")), 0, NULL);
    int ev = msg_event_of(json_string_value(json_object_get(row, "topic")),
                          json_string_value(json_object_get(payload, "to")));
    int64_t order_id = json_integer_value(json_object_get(row, "order_id"));
    int rc = STORE_OK;
    if (ev < 0 || order_id <= 0) {
        json_decref(payload);
        return STORE_OK;
    }
    if (!*templates)
        rc = s->vt->message_templates(s, templates);
    order_rec_t rec = {0};
    if (rc == STORE_OK)
        rc = s->vt->order_get(s, order_id, NULL, &rec);
    if (rc != STORE_OK) {
        json_decref(payload);
        return rc == STORE_NOT_FOUND ? STORE_OK : rc;
    }
    /* An order the shop placed to send goods again is announced by its logistics case
     * (logistics_reshipped), not confirmed as a purchase of 0.00 yuan. */
    if ((ev == MSG_EV_ORDER_CONFIRMED || ev == MSG_EV_ORDER_PLACED) &&
        json_object_get(rec.doc, "reship_of")) {
        order_rec_clear(&rec);
        json_decref(payload);
        return STORE_OK;
    }
    char amount[24];
    msg_format_yuan((long long)json_integer_value(
                        json_object_get(json_object_get(rec.doc, "amounts"), "total")),
                    amount, sizeof amount);
    msg_vars_t vars = {0};
    vars.values[MSG_VAR_ORDER_NO] = rec.order_no;
    vars.values[MSG_VAR_BUYER_NAME] =
        json_string_value(json_object_get(json_object_get(rec.doc, "buyer"), "name"));
    vars.values[MSG_VAR_AMOUNT] = amount;
    vars.values[MSG_VAR_REASON] = json_string_value(json_object_get(payload, "reason"));
    vars.values[MSG_VAR_CHANNEL] = json_string_value(json_object_get(rec.doc, "channel"));
    /* A shipment's status change carries them (svc/parcels.c). */
    vars.values[MSG_VAR_CARRIER] = json_string_value(json_object_get(payload, "carrier_name"));
    vars.values[MSG_VAR_TRACKING_NO] = json_string_value(json_object_get(payload, "tracking_no"));
    /* A logistics case's notes carry them (svc/logistics_cases.c). */
    vars.values[MSG_VAR_PROBLEM] = json_string_value(json_object_get(payload, "problem"));
    vars.values[MSG_VAR_RESHIP_NO] = json_string_value(json_object_get(payload, "reship_no"));
    vars.values[MSG_VAR_REFUND_AMOUNT] =
        json_string_value(json_object_get(payload, "refund_amount"));
    char *pay_url = *f->pay_url ? msg_template_render(f->pay_url, &vars, true) : NULL;
    vars.values[MSG_VAR_PAY_URL] = pay_url;
    json_t *params = json_object();
    for (int v = 0; v < MSG_VAR__COUNT; v++)
        json_object_set_new(params, msg_var_name((msg_var_t)v),
                            json_string(vars.values[v] ? vars.values[v] : ""));
    char *params_text = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    const char *event = msg_event_name((msg_event_t)ev);
    const char *channel = vars.values[MSG_VAR_CHANNEL] ? vars.values[MSG_VAR_CHANNEL] : "";
    for (int m = 0; m < MSG_MEDIUM__COUNT && rc == STORE_OK; m++) {
        const char *medium = msg_medium_name((msg_medium_t)m);
        char recipient[256];
        if (!medium_on[m] ||
            !recipient_of(f->op.app, rec.doc, (msg_medium_t)m, recipient, sizeof recipient))
            continue;
        json_t *stored = stored_template(*templates, event, medium, channel);
        const msg_default_t *builtin = msg_default_template((msg_event_t)ev, (msg_medium_t)m);
        const char *body = stored    ? json_string_value(json_object_get(stored, "body"))
                           : builtin ? builtin->body
                                     : NULL;
        const char *subject = stored    ? json_string_value(json_object_get(stored, "subject"))
                              : builtin ? builtin->subject
                                        : NULL;
        if (!body || !*body) /* no template, or silenced */
            continue;
        char *text = msg_template_render(body, &vars, false);
        char *title = subject ? msg_template_render(subject, &vars, false) : NULL;
        message_rec_t msg = {.order_id = order_id,
                             .outbox_id = json_integer_value(json_object_get(row, "id")),
                             .event = event,
                             .medium = medium,
                             .recipient = recipient,
                             .subject = title,
                             .body = text,
                             .params = params_text,
                             .now_ms = f->op.now_ms};
        rc = text && params_text && (title || !subject) ? s->vt->message_create(s, &msg)
                                                        : STORE_ERROR;
        free(text);
        free(title);
    }
    free(params_text);
    free(pay_url);
    order_rec_clear(&rec);
    json_decref(payload);
    return rc;
}

/* Whether each medium has a sender: a medium without one makes no rows, so that a sender
 * configured later does not send buyers news of days ago. */
static int senders_on(store_t *s, bool *on) {
    for (int m = 0; m < MSG_MEDIUM__COUNT; m++) {
        char *config = NULL;
        int rc = s->vt->message_sender_get(s, msg_medium_name((msg_medium_t)m), &config);
        free(config);
        if (rc != STORE_OK && rc != STORE_NOT_FOUND)
            return rc;
        on[m] = rc == STORE_OK;
    }
    return STORE_OK;
}

static ordo_err_t fanout_run(store_t *s, svc_op_t *op) {
    fanout_op_t *f = (fanout_op_t *)op;
    int64_t cursor = 0;
    bool on[MSG_MEDIUM__COUNT] = {0};
    int rc = s->vt->dispatch_cursor(s, CURSOR, &cursor);
    if (rc == STORE_OK)
        rc = senders_on(s, on);
    if (cursor < 0)
        cursor = 0;
    bool any = false;
    for (int m = 0; m < MSG_MEDIUM__COUNT; m++)
        any = any || on[m];
    if (rc == STORE_OK && !any) {
        int64_t last = 0;
        rc = s->vt->outbox_last_id(s, &last);
        if (rc == STORE_OK && last != cursor)
            rc = s->vt->dispatch_cursor_set(s, CURSOR, last);
        svc_ok(&op->result, 200, json_integer(0));
        return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
    }
    json_t *rows = NULL, *templates = NULL;
    if (rc == STORE_OK)
        rc = s->vt->outbox_after(s, cursor, FANOUT_BATCH, &rows);
    int64_t last_id = cursor;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        if (rc != STORE_OK)
            break;
        rc = fan_out_row(s, f, row, on, &templates);
        last_id = json_integer_value(json_object_get(row, "id"));
    }
    if (rc == STORE_OK && last_id != cursor)
        rc = s->vt->dispatch_cursor_set(s, CURSOR, last_id);
    svc_ok(&op->result, 200, json_integer((json_int_t)json_array_size(rows)));
    json_decref(rows);
    json_decref(templates);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

static void fanout_destroy(svc_op_t *op) {
    free(((fanout_op_t *)op)->pay_url);
}

svc_op_t *message_fanout_op(app_t *app, const char *pay_url) {
    fanout_op_t *f = (fanout_op_t *)svc_op_alloc(sizeof *f, app, "messenger");
    if (!f)
        return NULL;
    f->pay_url = strdup(pay_url ? pay_url : "");
    if (!f->pay_url) {
        free(f);
        return NULL;
    }
    f->op.run = fanout_run;
    f->op.destroy = fanout_destroy;
    return &f->op;
}

typedef struct {
    svc_op_t op;
    int n;
    message_outcome_t outcomes[];
} results_op_t;

static ordo_err_t results_run(store_t *s, svc_op_t *op) {
    results_op_t *r = (results_op_t *)op;
    for (int i = 0; i < r->n; i++) {
        const message_outcome_t *o = &r->outcomes[i];
        if (s->vt->message_result(s, o->message_id, o->status, o->error[0] ? o->error : NULL,
                                  o->next_ms, op->now_ms) != STORE_OK)
            return ORDO_E_STORE;
    }
    return ORDO_E_OK;
}

svc_op_t *message_results_op(app_t *app, const message_outcome_t *outcomes, int n) {
    results_op_t *r = (results_op_t *)svc_op_alloc(
        sizeof *r + sizeof(message_outcome_t) * (size_t)n, app, "messenger");
    if (!r)
        return NULL;
    r->op.run = results_run;
    r->n = n;
    memcpy(r->outcomes, outcomes, sizeof(message_outcome_t) * (size_t)n);
    return &r->op;
}
