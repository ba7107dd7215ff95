#ifndef ORDO_SVC_MESSAGES_H
#define ORDO_SVC_MESSAGES_H

#include <jansson.h>

#include "svc/op.h"

/* Buyer messages (SMS, email). The messenger (jobs/messenger.c) reads the outbox after its
 * own cursor; each message a buyer is told of (core/msg_template.h) becomes one message row
 * per medium with a sender configured and a recipient on the order, its text rendered then
 * from the template for (event, medium, the order's channel), else (event, medium,
 * "default"), else the built-in one. The row keeps the exact text sent and its attempts. */

/* PUT /v1/messages/templates/{event}/{medium} {subject?, body, channel?}. An empty body
 * silences the event for that medium (and channel). */
svc_op_t *message_template_put_op(app_t *app, const char *event, const char *medium, json_t *body,
                                  const char *actor, svc_result_t *immediate);
/* Every template in effect: the stored ones and the built-in ones not replaced. */
void message_templates_get(app_t *app, svc_result_t *r);

/* PUT /v1/messages/senders/{medium}: email {smtp_url, from, from_name?, username?,
 * password?}, sms {url, secret?, sign_name?}; GET shows them with the secrets masked. */
svc_op_t *message_sender_put_op(app_t *app, const char *medium, json_t *body, const char *actor,
                                svc_result_t *immediate);
void message_sender_get(app_t *app, const char *medium, svc_result_t *r);

/* The log. */
void order_messages(app_t *app, const char *order_no, svc_result_t *r);
/* status: pending, sent, dead or NULL for any; newest first. */
void message_list(app_t *app, const char *status, int limit, svc_result_t *r);
/* Queues a message again now (its text as first rendered). */
svc_op_t *message_resend_op(app_t *app, int64_t id, const char *actor);

/* ---- the messenger's writes, run through the writer like any other ---- */

/* Turns outbox messages after the cursor into message rows; result body: the number of
 * outbox messages read. pay_url is the retry link's template ({{order_no}} etc., values
 * URL-encoded), "" for none; copied. */
svc_op_t *message_fanout_op(app_t *app, const char *pay_url);

typedef struct {
    int64_t message_id;
    const char *status; /* sent | pending | dead (static) */
    char error[200];
    int64_t next_ms;
} message_outcome_t;

/* Records the outcomes of one pass (copied). */
svc_op_t *message_results_op(app_t *app, const message_outcome_t *outcomes, int n);

#endif
