#include "svc/event_doc.h"

#include <string.h>

#include "util/jsonw.h"
#include "util/timefmt.h"

char *event_document(int64_t outbox_id, const char *topic, int64_t created_at_ms,
                     const char *payload, size_t *len) {
    char at[40];
    jsonw_t w;
    jw_init(&w);
    jw_obj_begin(&w);
    jw_key(&w, "id");
    jw_int(&w, outbox_id);
    jw_key(&w, "type");
    jw_str(&w, topic);
    jw_key(&w, "created_at");
    jw_str(&w, rfc3339_format(created_at_ms, at, sizeof at));
    jw_key(&w, "data");
    jw_raw_value(&w, payload, strlen(payload));
    jw_obj_end(&w);
    return jw_take(&w, len);
}
