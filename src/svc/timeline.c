#include "svc/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/log.h"

/* Every timeline event is also an outbox message, in the same transaction: what the
 * timeline shows is exactly what webhooks, notifications and live streams will be told. */
static int append_with(store_t *s, const event_rec_t *e, const char *order_no, json_t *extra) {
    int rc = s->vt->event_append(s, e);
    if (rc != STORE_OK)
        return rc;
    const char *from = e->from_status >= 0 ? order_status_name(e->from_status) : NULL;
    const char *to = e->to_status >= 0 ? order_status_name(e->to_status) : NULL;
    char *text = NULL;
    if (!e->reason && !from && to && !extra) {
        /* The hot path (every new order): fixed words and digits, nothing to escape. */
        if (asprintf(&text,
                     "{\"order_no\":\"%s\",\"type\":\"%s\",\"from\":null,\"to\":\"%s\","
                     "\"reason\":null}",
                     order_no, e->type, to) < 0)
            return STORE_ERROR;
    } else {
        json_t *payload = json_pack(
            "{s:s, s:s, s:o, s:o, s:o, s:s}", "order_no", order_no, "type", e->type, "from",
            from ? json_string(from) : json_null(), "to", to ? json_string(to) : json_null(),
            "reason", e->reason ? json_string(e->reason) : json_null(), "actor", e->actor);
        if (payload && extra)
            json_object_update_missing(payload, extra);
        text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
        json_decref(payload);
        if (!text)
            return STORE_ERROR;
    }
    char topic[48];
    snprintf(topic, sizeof topic, "order.%s",
             e->from_status >= 0 && e->to_status >= 0 ? "status_changed" : e->type);
    rc = s->vt->outbox_append(s, topic, e->order_id, text, e->at_ms);
    free(text);
    return rc;
}

static int append(store_t *s, const event_rec_t *e, const char *order_no) {
    return append_with(s, e, order_no, NULL);
}

int timeline_note(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                  const char *type, const char *reason, int64_t now) {
    return timeline_note_with(s, order_id, order_no, actor, type, reason, NULL, now);
}

int timeline_note_with(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                       const char *type, const char *reason, json_t *extra, int64_t now) {
    char topic[48];
    snprintf(topic, sizeof topic, "order.%s", type);
    if (!timeline_topic_known(topic)) {
        /* A note type missing from timeline_topics: fail loudly (the tests run every note)
         * rather than write an event live streams cannot be asked for. */
        log_error("timeline: note type '%s' is not in timeline_topics", type);
        return STORE_ERROR;
    }
    event_rec_t e = {.order_id = order_id,
                     .at_ms = now,
                     .actor = actor,
                     .type = type,
                     .from_status = -1,
                     .to_status = -1,
                     .reason = reason};
    return append_with(s, &e, order_no, extra);
}

int timeline_transition(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                        int from, order_status_t to, const char *reason, int64_t now) {
    event_rec_t e = {.order_id = order_id,
                     .at_ms = now,
                     .actor = actor,
                     .type = from < 0 ? "created" : "status",
                     .from_status = from,
                     .to_status = (int)to,
                     .reason = reason};
    return append(s, &e, order_no);
}

int timeline_transition_with(store_t *s, int64_t order_id, const char *order_no, const char *actor,
                             order_status_t from, order_status_t to, const char *reason,
                             json_t *extra, int64_t now) {
    event_rec_t e = {.order_id = order_id,
                     .at_ms = now,
                     .actor = actor,
                     .type = "status",
                     .from_status = (int)from,
                     .to_status = (int)to,
                     .reason = reason};
    return append_with(s, &e, order_no, extra);
}

const char *const timeline_topics[] = {
    "order.created",
    "order.status_changed",
    "order.edited",
    "order.hold",
    "order.stock",
    "order.exception",
    "order.lines_edited",
    "order.payment_failed",
    "order.invoice_issued",
    "order.invoice_voided",
    "order.parcel",
    "order.allocation",
    "stock.low",
    "order.picked",
    "order.merge",
    "order.completed",
    "order.review",
    "order.tracking",
    "order.delivery_issue",
    /* Logistics cases: what the buyer is told (svc/logistics_cases.c). */
    "order.logistics_case_opened",
    "order.logistics_reshipped",
    "order.logistics_refunded",
    "order.logistics_case_resolved",
    /* after-sales */
    "order.after_sales",
    "order.refund",
    NULL,
};

bool timeline_topic_known(const char *topic) {
    for (int i = 0; timeline_topics[i]; i++)
        if (strcmp(timeline_topics[i], topic) == 0)
            return true;
    return false;
}
