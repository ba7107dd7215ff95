#ifndef ORDO_SVC_TRACKING_H
#define ORDO_SVC_TRACKING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/tracking_milestone.h"
#include "svc/op.h"

/* Delivery tracking: what carriers and aggregators tell about shipped parcels (pushed to us
 * or polled), normalized to milestones, deduplicated and ordered by event time; the order
 * follows its parcels to out_for_delivery and delivered. Detection of logistics problems is
 * svc/tracking_detect.c, polling svc/tracking_poll.c, the buyer's page svc/track_page.c. */

/* Defaults of a carrier's tracking settings. */
#define TRACKING_POLL_MINUTES_DEFAULT 120
#define TRACKING_STALE_HOURS_DEFAULT 48

/* One event as a source reports it (strings owned by the caller). */
typedef struct {
    int64_t at_ms;
    const char *context;
    milestone_t milestone;
    const char *area; /* may be NULL */
} tracking_event_t;

/* Called by shipping, in its transaction: the parcel starts being tracked; promised_days (0:
 * none) from the carrier's rate card sets when it should be delivered. */
int tracking_parcel_shipped(store_t *s, int64_t parcel_id, int64_t order_id, const char *carrier,
                            const char *tracking_no, int promised_days, int64_t now_ms);

/* Called by after-sales in its transaction: the buyer's return parcel for a ticket starts
 * being tracked like a shipped parcel (pushes and polls by its number); its events go on the
 * ticket's log (svc/after_sales_return.h), not the order's. */
int tracking_return_shipped(store_t *s, int64_t after_sales_id, int64_t order_id,
                            const char *carrier, const char *tracking_no, int64_t now_ms);

/* A ticket's return parcel as GET /v1/after-sales/{id} shows it: {carrier, tracking_no,
 * milestone, milestone_at, last_event_at, open, events: [{time, context, milestone, source}]}
 * (newest first), or JSON null when the ticket has none. */
int tracking_return_view(store_t *s, int64_t after_sales_id, json_t **out);

/* Inside a writer transaction: records a parcel's new events (repeats dropped), moves its
 * milestone to its latest event's, moves the order on, and raises the alerts its milestone
 * calls for (a return parcel instead notes its moves on its ticket) (as of as_of_ms: a poll round
 * run as of a later time). row: the parcel's tracking row (store/tracking_store.h). *added: new
 * events. */
int tracking_ingest(store_t *s, svc_op_t *op, json_t *row, const tracking_event_t *events, int n,
                    const char *source, int64_t as_of_ms, int *added);

/* Inside a writer transaction: the order follows its parcels (shipped → out_for_delivery →
 * delivered once every parcel is delivered). */
int tracking_order_follow(store_t *s, svc_op_t *op, int64_t order_id, const char *why);

/* "2024-05-01 10:00:00" (China time, as Kuaidi100 and most Chinese carriers write it) or RFC
 * 3339. */
bool tracking_time_parse(const char *text, int64_t *ms);

/* Events from a JSON array [{time, context, milestone?, status?, statusCode?, areaCode?}]:
 * fills out (up to cap), the strings borrowed from arr; false naming the first bad item in
 * err. state: Kuaidi100's lastResult.state for the newest event, or NULL. */
bool tracking_events_parse(json_t *arr, const char *state, tracking_event_t *out, int cap, int *n,
                           char *err, size_t err_len);

/* PUT /v1/tracking/providers/{kuaidi100|generic}: kuaidi100 {key, salt}, generic {secret};
 * GET shows them with the secrets masked. */
svc_op_t *tracking_provider_put_op(app_t *app, const char *name, json_t *body, const char *actor,
                                   svc_result_t *immediate);
void tracking_provider_get(app_t *app, const char *name, svc_result_t *r);

/* PUT /v1/tracking/carriers/{code} {api_url?, api_key?, poll_interval_minutes?, stale_hours?,
 * kuaidi100_code?}: kuaidi100_code is the carrier's company code in Kuaidi100's pushes when
 * the built-in table (core/kuaidi100_company.h) does not map it to this code. Only a carrier
 * with an api_url is polled. */
svc_op_t *tracking_carrier_put_op(app_t *app, const char *code, json_t *body, const char *actor,
                                  svc_result_t *immediate);
void tracking_carrier_get(app_t *app, const char *code, svc_result_t *r);

/* POST /v1/tracking/kuaidi100: the form body (param, sign) as received. Answers in
 * Kuaidi100's words: {result, returnCode, message} (plus matched, parcels, new_events). A
 * push's events go to every tracking row under its number (a merged shipment: one per member
 * order's parcel) of the carrier lastResult.com names (mapped from Kuaidi100's company code);
 * when it names none of them, to all of them if they are one carrier's. */
svc_op_t *kuaidi100_push_op(app_t *app, const char *raw, size_t len, svc_result_t *immediate);

/* POST /v1/tracking/push: {carrier, tracking_no, events: [...]} signed with X-Ordo-Signature
 * (hex HMAC-SHA256 of the body under the generic provider's secret). */
svc_op_t *tracking_push_op(app_t *app, const char *raw, size_t len, const char *signature,
                           svc_result_t *immediate);

/* GET /v1/orders/{no}/tracking. */
void order_tracking(app_t *app, const char *order_no, svc_result_t *r);

/* The order's milestone from its parcels' tracking rows: delivered when every parcel is;
 * else returned, else problem, else the least advanced parcel's. NULL when none. Static. */
const char *tracking_order_milestone(json_t *rows);

#endif
