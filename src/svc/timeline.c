#include "svc/timeline.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

int timeline_note(store_t *s, int64_t order_id, const char *actor, const char *type,
                  const char *reason, int64_t now) {
    event_rec_t e = {.order_id = order_id,
                     .at_ms = now,
                     .actor = actor,
                     .type = type,
                     .from_status = -1,
                     .to_status = -1,
                     .reason = reason};
    return s->vt->event_append(s, &e);
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
    int rc = s->vt->event_append(s, &e);
    if (rc != STORE_OK)
        return rc;
    char *text = NULL;
    if (!reason && from < 0) {
        /* The hot path (every new order): fixed words and digits, nothing to escape. */
        if (asprintf(&text, "{\"order_no\":\"%s\",\"from\":null,\"to\":\"%s\",\"reason\":null}",
                     order_no, order_status_name(to)) < 0)
            return STORE_ERROR;
    } else {
        json_t *payload =
            json_pack("{s:s, s:o, s:s, s:o}", "order_no", order_no, "from",
                      from < 0 ? json_null() : json_string(order_status_name(from)), "to",
                      order_status_name(to), "reason", reason ? json_string(reason) : json_null());
        text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
        json_decref(payload);
        if (!text)
            return STORE_ERROR;
    }
    rc = s->vt->outbox_append(s, from < 0 ? "order.created" : "order.status_changed", order_id,
                              text, now);
    free(text);
    return rc;
}
