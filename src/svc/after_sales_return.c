/* A return parcel's moves, on its ticket. */
#include "svc/after_sales_return.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/after_sales.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

int as_return_tracked(store_t *s, svc_op_t *op, int64_t id, json_t *row, const char *before,
                      const char *milestone, int64_t at_ms, const char *context) {
    const char *carrier = json_string_value(json_object_get(row, "carrier"));
    const char *number = json_string_value(json_object_get(row, "tracking_no"));
    char when[40], text[1400];
    rfc3339_format(at_ms, when, sizeof when);
    snprintf(text, sizeof text, "return parcel %s %s: %s → %s: %s", carrier, number, before,
             milestone, context);
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "carrier", carrier, "tracking_no", number,
                          "from", before, "to", milestone, "at", when);
    char *dj = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    int rc = as_log_note(s, op, id, "return_tracking", text, dj);
    free(dj);
    if (rc != STORE_OK || strcmp(milestone, "delivered") != 0)
        return rc;
    json_t *ticket = NULL;
    rc = s->vt->after_sales->get(s, id, &ticket);
    if (rc != STORE_OK)
        return rc == STORE_NOT_FOUND ? STORE_OK : rc;
    snprintf(text, sizeof text,
             "after-sales %lld: the return parcel %s %s was delivered at %s (%s); the warehouse "
             "records what arrived with receive",
             (long long)id, carrier, number, when, context);
    rc = as_log_note(s, op, id, "return_delivered", text, NULL);
    if (rc == STORE_OK)
        rc = timeline_note(s, json_integer_value(json_object_get(ticket, "order_id")),
                           json_string_value(json_object_get(ticket, "order_no")), op->actor,
                           "after_sales", text, op->now_ms);
    json_decref(ticket);
    return rc;
}
