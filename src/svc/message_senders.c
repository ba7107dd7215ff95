/* Sender settings for buyer messages: which provider sends each medium, and its account. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mail_message.h"
#include "core/msg_template.h"
#include "svc/fields.h"
#include "svc/messages.h"

#define URL_MAX 1024
#define CREDENTIAL_MAX 256

static const char *const secrets[] = {"password", "secret"};

static bool url_has_scheme(const char *url, const char *const *schemes, size_t n) {
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(schemes[i]);
        if (strncmp(url, schemes[i], len) == 0 && url[len])
            return true;
    }
    return false;
}

/* Copies an optional string setting into config. */
static void optional(json_t *body, json_t *config, const char *key, size_t max, field_errors_t *e) {
    const char *v = field_string(body, key, false, max, e);
    if (v && *v)
        json_object_set_new(config, key, json_string(v));
}

/* The SMTP sender (jobs/sender_smtp.c): smtp:// (STARTTLS when offered) or smtps://. */
static void smtp_settings(json_t *body, json_t *config, field_errors_t *e) {
    static const char *const schemes[] = {"smtp://", "smtps://"};
    const char *url = field_string(body, "smtp_url", true, URL_MAX, e);
    if (url && !url_has_scheme(url, schemes, 2))
        field_errors_add(e, "smtp_url", "invalid_value",
                         "smtp_url must be smtp://host[:port] or smtps://host[:port]");
    else if (url)
        json_object_set_new(config, "smtp_url", json_string(url));
    const char *from = field_string(body, "from", true, 254, e);
    if (from && !mail_address_valid(from))
        field_errors_add(e, "from", "invalid_value",
                         "from must be an address like shop@example.com");
    else if (from)
        json_object_set_new(config, "from", json_string(from));
    const char *name = field_string(body, "from_name", false, 100, e);
    for (const char *p = name; p && *p; p++)
        if ((unsigned char)*p < 0x20) {
            field_errors_add(e, "from_name", "invalid_characters",
                             "from_name contains a control character");
            name = NULL;
            break;
        }
    if (name && *name)
        json_object_set_new(config, "from_name", json_string(name));
    optional(body, config, "username", CREDENTIAL_MAX, e);
    optional(body, config, "password", CREDENTIAL_MAX, e);
}

/* The HTTP SMS gateway sender (jobs/sender_sms_http.c). */
static void sms_http_settings(json_t *body, json_t *config, field_errors_t *e) {
    static const char *const schemes[] = {"http://", "https://"};
    const char *url = field_string(body, "url", true, URL_MAX, e);
    if (url && !url_has_scheme(url, schemes, 2))
        field_errors_add(e, "url", "invalid_value", "url must be an http:// or https:// URL");
    else if (url)
        json_object_set_new(config, "url", json_string(url));
    const char *secret = field_string(body, "secret", false, CREDENTIAL_MAX, e);
    if (secret && *secret && strlen(secret) < 16)
        field_errors_add(e, "secret", "out_of_range", "the secret is at least 16 bytes");
    else if (secret && *secret)
        json_object_set_new(config, "secret", json_string(secret));
    optional(body, config, "sign_name", 32, e);
}

/* One row per provider: adding one is a row here and a sender in jobs/. */
static const struct {
    msg_medium_t medium;
    const char *kind;
    void (*settings)(json_t *body, json_t *config, field_errors_t *e);
} kinds[] = {
    {MSG_MEDIUM_EMAIL, "smtp", smtp_settings},
    {MSG_MEDIUM_SMS, "http", sms_http_settings},
};

typedef struct {
    svc_op_t op;
    char medium[8];
    char *config;
} sender_op_t;

static ordo_err_t sender_put_run(store_t *s, svc_op_t *op) {
    sender_op_t *p = (sender_op_t *)op;
    return s->vt->message_sender_put(s, p->medium, p->config, op->actor, op->now_ms) == STORE_OK
               ? ORDO_E_OK
               : ORDO_E_STORE;
}

static void sender_put_finish(svc_op_t *op) {
    if (op->result.err == ORDO_E_OK)
        message_sender_get(op->app, ((sender_op_t *)op)->medium, &op->result);
}

static void sender_put_destroy(svc_op_t *op) {
    free(((sender_op_t *)op)->config);
}

svc_op_t *message_sender_put_op(app_t *app, const char *medium, json_t *body, const char *actor,
                                svc_result_t *immediate) {
    int med = msg_medium_from_name(medium);
    if (med < 0) {
        svc_fail(immediate, ORDO_E_NOT_FOUND, "no medium '%s' (sms, email)", medium);
        return NULL;
    }
    field_errors_t *e = svc_errors(immediate);
    if (!fields_require_object(body, "the sender settings are invalid", immediate))
        return NULL;
    const char *kind = field_string(body, "kind", false, 32, e);
    int found = -1;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && found < 0; i++)
        if (kinds[i].medium == (msg_medium_t)med && (!kind || strcmp(kind, kinds[i].kind) == 0))
            found = (int)i;
    json_t *config = json_object();
    if (found < 0 && kind)
        field_errors_add(e, "kind", "invalid_value", "no %s sender of kind '%s' (%s)", medium, kind,
                         med == MSG_MEDIUM_EMAIL ? "smtp" : "http");
    if (found >= 0) {
        json_object_set_new(config, "kind", json_string(kinds[found].kind));
        kinds[found].settings(body, config, e);
    }
    if (svc_error_count(immediate)) {
        json_decref(config);
        svc_fail(immediate, ORDO_E_VALIDATION, "the sender settings are invalid; nothing changed");
        return NULL;
    }
    char *text = json_dumps(config, JSON_COMPACT);
    json_decref(config);
    sender_op_t *op = text ? (sender_op_t *)svc_op_alloc(sizeof *op, app, actor) : NULL;
    if (!op) {
        free(text);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    op->op.run = sender_put_run;
    op->op.finish = sender_put_finish;
    op->op.destroy = sender_put_destroy;
    snprintf(op->medium, sizeof op->medium, "%s", medium);
    op->config = text;
    return &op->op;
}

void message_sender_get(app_t *app, const char *medium, svc_result_t *r) {
    if (msg_medium_from_name(medium) < 0) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no medium '%s' (sms, email)", medium);
        return;
    }
    store_t *s = app_reader(app);
    char *text = NULL;
    int rc = s ? s->vt->message_sender_get(s, medium, &text) : STORE_ERROR;
    json_t *config = rc == STORE_OK ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no %s sender yet", medium);
        return;
    }
    if (!config) {
        svc_fail(r, ORDO_E_STORE, "cannot read the %s sender", medium);
        return;
    }
    fields_mask_secrets(config, secrets, sizeof secrets / sizeof secrets[0]);
    json_object_set_new(config, "medium", json_string(medium));
    svc_ok(r, 200, config);
}
