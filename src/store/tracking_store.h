#ifndef ORDO_STORE_TRACKING_STORE_H
#define ORDO_STORE_TRACKING_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The storage of delivery tracking: aggregators' and carriers' tracking settings, each
 * shipped parcel's tracking state, its events and the logistics alerts raised about it. A
 * part of the store interface of its own (store_vtable_t.tracking); same conventions as
 * store.h: STORE_OK / STORE_NOT_FOUND / STORE_CONFLICT / STORE_ERROR, json_t results are new
 * references owned by the caller, times in ms. */

typedef struct store store_t;

typedef struct {
    int64_t parcel_id, order_id;
    const char *carrier, *tracking_no;
    int64_t shipped_at_ms;
    int64_t promised_by_ms; /* 0: no promise known */
    int64_t next_poll_at_ms;
    int64_t after_sales_id; /* a buyer's return parcel: its ticket; 0 for an outbound parcel */
} parcel_tracking_rec_t;

typedef struct {
    int64_t parcel_id;
    int64_t at_ms;
    const char *context;
    const char *milestone;
    const char *source; /* kuaidi100, push, poll */
    const char *area;   /* may be NULL */
    int64_t received_at_ms;
} tracking_event_rec_t;

typedef struct tracking_vtable {
    /* Settings as JSON text, by name (provider: kuaidi100, generic; carrier: its code);
     * *_get: STORE_NOT_FOUND when unset, caller frees *config_json. */
    int (*provider_put)(store_t *s, const char *name, const char *config_json, const char *actor,
                        int64_t now_ms);
    int (*provider_get)(store_t *s, const char *name, char **config_json);
    int (*carrier_put)(store_t *s, const char *carrier, const char *config_json, const char *actor,
                       int64_t now_ms);
    int (*carrier_get)(store_t *s, const char *carrier, char **config_json);
    /* A shipment starts being tracked: a shipped parcel, or a buyer's return parcel (keyed
     * -after_sales_id, see schema 20). Rows: {parcel_id, order_id, carrier, tracking_no,
     * milestone, milestone_at, last_event_at, shipped_at, promised_by, open, next_poll_at,
     * poll_failures, poll_error, after_sales_id} (times in ms, null when none; after_sales_id
     * null for an outbound parcel). parcels_by_number and poll_due give both kinds;
     * parcels_of_order and watch_list only outbound parcels. */
    int (*parcel_open)(store_t *s, const parcel_tracking_rec_t *p);
    int (*parcel_get)(store_t *s, int64_t parcel_id, json_t **out);
    int (*parcels_by_number)(store_t *s, const char *tracking_no, json_t **out);
    int (*parcels_of_order)(store_t *s, int64_t order_id, json_t **out);
    /* STORE_CONFLICT (nothing written) when the parcel already has that (time, text) with
     * that milestone; a repeat with another milestone replaces the event's milestone (and
     * source, received time) and is STORE_OK like a new event. */
    int (*event_add)(store_t *s, const tracking_event_rec_t *e);
    /* Newest first: [{at, context, milestone, source, area}]. */
    int (*events)(store_t *s, int64_t parcel_id, json_t **out);
    /* The parcel's milestone is that of its latest event by event time. */
    int (*state_put)(store_t *s, int64_t parcel_id, const char *milestone, int64_t milestone_at_ms,
                     int64_t last_event_at_ms, bool open);
    /* Open parcels due for a poll whose carrier has settings, oldest due first, each row with
     * the carrier's settings as config (parsed). */
    int (*poll_due)(store_t *s, int64_t now_ms, int limit, json_t **out);
    int (*poll_put)(store_t *s, int64_t parcel_id, int64_t next_poll_at_ms, int failures,
                    const char *error);
    /* What the detection sweep looks at: open parcels and those that ended in a problem or a
     * return, with their carrier's settings as config (parsed, {} when none). */
    int (*watch_list)(store_t *s, json_t **out);
    /* Whether an alert of code was raised for the parcel on this basis (*same) and whether
     * one of that code is still open in the exception pool (*open_id, 0 for none). */
    int (*alert_state)(store_t *s, int64_t parcel_id, const char *code, int64_t basis, bool *same,
                       int64_t *open_id);
    int (*alert_add)(store_t *s, int64_t parcel_id, const char *code, int64_t basis,
                     int64_t exception_id, int64_t now_ms);
    /* The tracking row of a ticket's return parcel; STORE_NOT_FOUND when none. */
    int (*of_return)(store_t *s, int64_t after_sales_id, json_t **out);
} tracking_vtable_t;

#endif
