/* Buyer message templates and the message log. */
#include "svc/messages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/msg_template.h"
#include "core/order.h"
#include "svc/fields.h"
#include "svc/orders.h"

/* An SMS past 500 bytes is seven or more billed segments: a mistake, not a message. */
#define SMS_BODY_MAX 500
#define EMAIL_BODY_MAX 8000
#define SUBJECT_MAX 200
#define CHANNEL_DEFAULT "default"

/* A control character other than the line breaks and tab allowed in free text. */
static bool has_control(const char *s, bool multiline) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool control = *p < 0x20 || *p == 0x7f;
        if (control && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
            return true;
    }
    return false;
}

/* Checks one template text (subject or body) into e under `field`. */
static void check_text(field_errors_t *e, const char *field, const char *text, bool multiline) {
    char why[192];
    if (has_control(text, multiline))
        field_errors_add(e, field, "invalid_characters", "%s contains a control character%s", field,
                         multiline ? " other than line breaks and tab" : "");
    else if (!msg_template_check(text, why, sizeof why))
        field_errors_add(e, field, strstr(why, "unknown") ? "unknown_placeholder" : "invalid_value",
                         "%s: %s", field, why);
}

typedef struct {
    svc_op_t op;
    char event[32], medium[8], channel[16];
    char *subject, *body;
} template_op_t;

static ordo_err_t template_put_run(store_t *s, svc_op_t *op) {
    template_op_t *t = (template_op_t *)op;
    bool created = false;
    if (s->vt->message_template_put(s, t->event, t->medium, t->channel, t->subject, t->body,
                                    op->actor, op->now_ms, &created) != STORE_OK)
        return ORDO_E_STORE;
    json_t *shown = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s}", "event", t->event, "medium",
                              t->medium, "channel", t->channel, "subject", t->subject, "body",
                              t->body, "source", "stored");
    svc_ok(&op->result, created ? 201 : 200, shown);
    return ORDO_E_OK;
}

static void template_put_destroy(svc_op_t *op) {
    template_op_t *t = (template_op_t *)op;
    free(t->subject);
    free(t->body);
}

svc_op_t *message_template_put_op(app_t *app, const char *event, const char *medium, json_t *body,
                                  const char *actor, svc_result_t *immediate) {
    int ev = msg_event_from_name(event);
    int med = msg_medium_from_name(medium);
    if (ev < 0) {
        svc_fail(immediate, ORDO_E_NOT_FOUND, "no buyer event '%s' (%s)", event, msg_event_names());
        return NULL;
    }
    if (med < 0) {
        svc_fail(immediate, ORDO_E_NOT_FOUND, "no medium '%s' (sms, email)", medium);
        return NULL;
    }
    field_errors_t *e = svc_errors(immediate);
    if (!fields_require_object(body, "the template is invalid", immediate))
        return NULL;
    bool email = med == MSG_MEDIUM_EMAIL;
    const char *text = field_string(body, "body", false, email ? EMAIL_BODY_MAX : SMS_BODY_MAX, e);
    if (!text && !json_is_string(json_object_get(body, "body")) && !svc_error_count(immediate))
        field_errors_add(e, "body", "required",
                         "body is required (\"\" to send nothing for this event)");
    if (text)
        check_text(e, "body", text, true);
    const char *subject = field_string(body, "subject", false, SUBJECT_MAX, e);
    if (!email && json_object_get(body, "subject") &&
        !json_is_null(json_object_get(body, "subject")))
        field_errors_add(e, "subject", "invalid_value", "an SMS has no subject");
    else if (email && text && *text && (!subject || !*subject))
        field_errors_add(e, "subject", "required", "an email needs a subject");
    else if (subject)
        check_text(e, "subject", subject, false);
    const char *channel = field_string(body, "channel", false, 16, e);
    if (channel && strcmp(channel, CHANNEL_DEFAULT) != 0 && channel_from_name(channel) < 0)
        field_errors_add(e, "channel", "unknown_channel",
                         "channel '%s' is not a sales channel or \"default\"", channel);
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the template is invalid; nothing changed");
        return NULL;
    }
    template_op_t *t = (template_op_t *)svc_op_alloc(sizeof *t, app, actor);
    if (!t) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    t->op.run = template_put_run;
    t->op.destroy = template_put_destroy;
    snprintf(t->event, sizeof t->event, "%s", event);
    snprintf(t->medium, sizeof t->medium, "%s", medium);
    snprintf(t->channel, sizeof t->channel, "%s", channel ? channel : CHANNEL_DEFAULT);
    t->subject = email && subject ? strdup(subject) : NULL;
    t->body = strdup(text ? text : "");
    return &t->op;
}

static bool stored_default(json_t *stored, const char *event, const char *medium) {
    size_t i;
    json_t *row;
    json_array_foreach(stored, i, row) {
        if (strcmp(json_string_value(json_object_get(row, "event")), event) == 0 &&
            strcmp(json_string_value(json_object_get(row, "medium")), medium) == 0 &&
            strcmp(json_string_value(json_object_get(row, "channel")), CHANNEL_DEFAULT) == 0)
            return true;
    }
    return false;
}

void message_templates_get(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *stored = NULL;
    if (!s || s->vt->message_templates(s, &stored) != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "cannot read the templates");
        return;
    }
    json_t *all = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(stored, i, row) {
        json_object_set_new(row, "source", json_string("stored"));
        json_array_append(all, row);
    }
    for (int ev = 0; ev < MSG_EV__COUNT; ev++)
        for (int m = 0; m < MSG_MEDIUM__COUNT; m++) {
            const msg_default_t *d = msg_default_template((msg_event_t)ev, (msg_medium_t)m);
            const char *event = msg_event_name((msg_event_t)ev);
            const char *medium = msg_medium_name((msg_medium_t)m);
            if (d && !stored_default(stored, event, medium))
                json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s}", "event",
                                                     event, "medium", medium, "channel",
                                                     CHANNEL_DEFAULT, "subject", d->subject, "body",
                                                     d->body, "source", "built_in"));
        }
    json_decref(stored);
    svc_ok(r, 200, all);
}

/* ---- the log ---- */

static int messages_of(store_t *s, int64_t order_id, json_t **out) {
    return s->vt->message_list(s, order_id, NULL, ORDO_PAGE_MAX, out);
}

void order_messages(app_t *app, const char *order_no, svc_result_t *r) {
    order_subresource(app, order_no, messages_of, r);
}

void message_list(app_t *app, const char *status, int limit, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *log = NULL;
    if (!s || s->vt->message_list(s, 0, status, limit, &log) != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read the messages");
    else
        svc_ok(r, 200, log);
}

typedef struct {
    svc_op_t op;
    int64_t id;
} resend_op_t;

static ordo_err_t resend_run(store_t *s, svc_op_t *op) {
    resend_op_t *m = (resend_op_t *)op;
    int rc = s->vt->message_resend(s, m->id, op->now_ms);
    json_t *shown = NULL;
    if (rc == STORE_OK)
        rc = s->vt->message_get(s, m->id, &shown);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no message %lld", (long long)m->id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200, shown);
    return ORDO_E_OK;
}

svc_op_t *message_resend_op(app_t *app, int64_t id, const char *actor) {
    resend_op_t *m = (resend_op_t *)svc_op_alloc(sizeof *m, app, actor);
    if (!m)
        return NULL;
    m->op.run = resend_run;
    m->id = id;
    return &m->op;
}
