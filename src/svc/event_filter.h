#ifndef ORDO_SVC_EVENT_FILTER_H
#define ORDO_SVC_EVENT_FILTER_H

#include <stdbool.h>

#include "core/errors.h"
#include "core/limits.h"

/* Which outbox messages a live stream wants: by type and by warehouse. */

#define EVENT_FILTER_TYPES_MAX 16
#define EVENT_FILTER_WAREHOUSES_MAX 16

typedef struct {
    int n_types; /* 0: every type */
    /* An exact topic ("order.created"), or a family: "order." for "order.*". */
    char types[EVENT_FILTER_TYPES_MAX][ORDO_CODE_MAX + 1];
    /* 0: any warehouse. Otherwise only messages about an order that had stock reserved in one
     * of them; messages about orders without a warehouse never match. */
    int n_warehouses;
    char warehouses[EVENT_FILTER_WAREHOUSES_MAX][ORDO_CODE_MAX + 1];
} event_filter_t;

/* Reads a comma-separated list of event types into f: known topics, families written
 * "order.*", or "*" for all. Each problem is a field error on `field`. Returns whether the
 * list was valid. */
bool event_filter_parse_types(event_filter_t *f, const char *list, const char *field,
                              field_errors_t *errs);

/* Reads a comma-separated list of warehouse codes into f (their form only: whether they exist
 * is the caller's to check). */
bool event_filter_parse_warehouses(event_filter_t *f, const char *list, const char *field,
                                   field_errors_t *errs);

/* Whether a message of this topic passes the type filter. */
bool event_filter_wants_type(const event_filter_t *f, const char *topic);

/* Whether a message of this topic, about an order that involves these warehouses, passes. */
bool event_filter_matches(const event_filter_t *f, const char *topic, const char (*warehouses)[65],
                          int n_warehouses);

#endif
