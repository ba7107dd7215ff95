#ifndef ORDO_SVC_TRACKING_ADAPTER_H
#define ORDO_SVC_TRACKING_ADAPTER_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>

/* A way of asking a carrier where a parcel is. The poller picks the adapter named by the
 * carrier's tracking settings (kind, "http_json" by default), so another carrier's API slots
 * in as one more file implementing this and one row in tracking_adapter_find. */
typedef struct {
    const char *kind;
    /* Asks for the parcel's events over curl (an easy handle set up by the caller). On
     * success *out is {events: [...], state?} (new reference, events in the form
     * tracking_events_parse reads); else false with the reason in err. */
    bool (*fetch)(CURL *curl, const json_t *config, const char *carrier, const char *tracking_no,
                  json_t **out, char *err, size_t err_len);
} tracking_adapter_t;

/* A carrier API answering GET <api_url>?carrier=<code>&tracking_no=<no> (Authorization:
 * Bearer <api_key> when one is set) with {tracking_no, events: [{time, context, status?}]}. */
extern const tracking_adapter_t tracking_adapter_http_json;

/* The adapter of a kind (NULL: the default), or NULL when there is none of that kind. */
const tracking_adapter_t *tracking_adapter_find(const char *kind);

#endif
