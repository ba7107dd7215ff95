#include "svc/event_filter.h"

#include <string.h>

#include "svc/fields.h"
#include "svc/timeline.h"

/* Whether some known topic belongs to the family ("order." matches "order.created"). */
static bool family_known(const char *family) {
    size_t n = strlen(family);
    for (int i = 0; timeline_topics[i]; i++)
        if (strncmp(timeline_topics[i], family, n) == 0)
            return true;
    return false;
}

/* Calls take(f, item) for each comma-separated item of list; empty items are errors. */
static bool each_item(event_filter_t *f, const char *list, const char *field, field_errors_t *errs,
                      bool (*take)(event_filter_t *, const char *, const char *,
                                   field_errors_t *)) {
    bool ok = true;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[ORDO_CODE_MAX + 1];
        if (len == 0) {
            field_errors_add(errs, field, "invalid_value", "%s has an empty item", field);
            ok = false;
        } else if (len > ORDO_CODE_MAX) {
            field_errors_add(errs, field, "too_long", "an item of %s is over %d bytes", field,
                             ORDO_CODE_MAX);
            ok = false;
        } else {
            memcpy(item, p, len);
            item[len] = '\0';
            ok &= take(f, item, field, errs);
        }
        if (!comma)
            return ok;
        p = comma + 1;
    }
}

static bool take_type(event_filter_t *f, const char *item, const char *field,
                      field_errors_t *errs) {
    size_t len = strlen(item);
    char name[ORDO_CODE_MAX + 1];
    memcpy(name, item, len + 1);
    if (strcmp(item, "*") == 0) {
        name[0] = '\0'; /* the empty family: every topic */
    } else if (len >= 2 && strcmp(item + len - 2, ".*") == 0) {
        name[len - 1] = '\0'; /* "order.*" is the family "order." */
        if (!family_known(name)) {
            field_errors_add(errs, field, "unknown_type", "no event types '%s'", item);
            return false;
        }
    } else if (!timeline_topic_known(item)) {
        field_errors_add(errs, field, "unknown_type",
                         "no event type '%s' (e.g. order.created, order.status_changed, order.*)",
                         item);
        return false;
    }
    if (f->n_types == EVENT_FILTER_TYPES_MAX) {
        field_errors_add(errs, field, "too_many", "at most %d event types", EVENT_FILTER_TYPES_MAX);
        return false;
    }
    memcpy(f->types[f->n_types++], name, strlen(name) + 1);
    return true;
}

static bool take_warehouse(event_filter_t *f, const char *item, const char *field,
                           field_errors_t *errs) {
    if (!code_is_valid(item)) {
        field_errors_add(errs, field, "invalid_code", "'%s' is not a warehouse code", item);
        return false;
    }
    if (f->n_warehouses == EVENT_FILTER_WAREHOUSES_MAX) {
        field_errors_add(errs, field, "too_many", "at most %d warehouses",
                         EVENT_FILTER_WAREHOUSES_MAX);
        return false;
    }
    memcpy(f->warehouses[f->n_warehouses++], item, strlen(item) + 1);
    return true;
}

bool event_filter_parse_types(event_filter_t *f, const char *list, const char *field,
                              field_errors_t *errs) {
    return each_item(f, list, field, errs, take_type);
}

bool event_filter_parse_warehouses(event_filter_t *f, const char *list, const char *field,
                                   field_errors_t *errs) {
    return each_item(f, list, field, errs, take_warehouse);
}

bool event_filter_wants_type(const event_filter_t *f, const char *topic) {
    if (f->n_types == 0)
        return true;
    for (int i = 0; i < f->n_types; i++) {
        const char *t = f->types[i];
        size_t n = strlen(t);
        bool family = n == 0 || t[n - 1] == '.';
        if (family ? strncmp(topic, t, n) == 0 : strcmp(topic, t) == 0)
            return true;
    }
    return false;
}

bool event_filter_matches(const event_filter_t *f, const char *topic, const char (*warehouses)[65],
                          int n_warehouses) {
    if (!event_filter_wants_type(f, topic))
        return false;
    if (f->n_warehouses == 0)
        return true;
    for (int i = 0; i < f->n_warehouses; i++)
        for (int j = 0; j < n_warehouses; j++)
            if (strcmp(f->warehouses[i], warehouses[j]) == 0)
                return true;
    return false;
}
