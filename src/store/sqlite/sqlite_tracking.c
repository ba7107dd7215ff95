/* The SQLite side of store/tracking_store.h: tracking settings, parcels' tracking state and
 * events, polling and logistics alerts. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/tracking_store.h"

enum {
    T_PROVIDER_PUT,
    T_PROVIDER_GET,
    T_CARRIER_PUT,
    T_CARRIER_GET,
    T_PARCEL_OPEN,
    T_PARCEL_GET,
    T_BY_NUMBER,
    T_OF_ORDER,
    T_EVENT_ADD,
    T_EVENTS,
    T_STATE_PUT,
    T_POLL_DUE,
    T_POLL_PUT,
    T_WATCH,
    T_ALERT_STATE,
    T_ALERT_ADD,
    T_OF_RETURN,
    T__COUNT
};

#define TRACK_COLS                                                                                 \
    "t.parcel_id, t.order_id, t.carrier, t.tracking_no, t.milestone, t.milestone_at, "             \
    "t.last_event_at, t.shipped_at, t.promised_by, t.open, t.next_poll_at, t.poll_failures, "      \
    "t.poll_error, t.after_sales_id"

static const char *const sql_text[T__COUNT] = {
    [T_PROVIDER_PUT] = "INSERT INTO tracking_providers (name, config, updated_at, updated_by) "
                       "VALUES (?1,?2,?3,?4) ON CONFLICT (name) DO UPDATE SET config = ?2, "
                       "updated_at = ?3, updated_by = ?4",
    [T_PROVIDER_GET] = "SELECT config FROM tracking_providers WHERE name = ?1",
    [T_CARRIER_PUT] = "INSERT INTO tracking_carriers (carrier, config, updated_at, updated_by) "
                      "VALUES (?1,?2,?3,?4) ON CONFLICT (carrier) DO UPDATE SET config = ?2, "
                      "updated_at = ?3, updated_by = ?4",
    [T_CARRIER_GET] = "SELECT config FROM tracking_carriers WHERE carrier = ?1",
    [T_PARCEL_OPEN] = "INSERT OR IGNORE INTO parcel_tracking (parcel_id, order_id, carrier, "
                      "tracking_no, milestone, shipped_at, promised_by, next_poll_at, "
                      "after_sales_id) VALUES (?1,?2,?3,?4,'shipped',?5,?6,?7,?8)",
    [T_PARCEL_GET] = "SELECT " TRACK_COLS " FROM parcel_tracking t WHERE t.parcel_id = ?1",
    [T_BY_NUMBER] = "SELECT " TRACK_COLS " FROM parcel_tracking t WHERE t.tracking_no = ?1 "
                    "ORDER BY t.parcel_id",
    [T_OF_ORDER] = "SELECT " TRACK_COLS " FROM parcel_tracking t WHERE t.order_id = ?1 "
                   "AND t.after_sales_id IS NULL ORDER BY t.parcel_id",
    /* A repeat of an event changes nothing unless it is classified otherwise now (Kuaidi100
     * revised its state): then the later classification wins. */
    [T_EVENT_ADD] = "INSERT INTO tracking_events (parcel_id, at, context, milestone, source, "
                    "area, received_at) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT (parcel_id, "
                    "at, context) DO UPDATE SET milestone = excluded.milestone, source = "
                    "excluded.source, area = coalesce(excluded.area, area), received_at = "
                    "excluded.received_at WHERE milestone <> excluded.milestone",
    [T_EVENTS] = "SELECT at, context, milestone, source, area FROM tracking_events WHERE "
                 "parcel_id = ?1 ORDER BY at DESC, received_at DESC",
    [T_STATE_PUT] = "UPDATE parcel_tracking SET milestone = ?2, milestone_at = ?3, "
                    "last_event_at = ?4, open = ?5 WHERE parcel_id = ?1",
    [T_POLL_DUE] = "SELECT " TRACK_COLS ", c.config FROM parcel_tracking t JOIN tracking_carriers "
                   "c ON c.carrier = t.carrier WHERE t.open = 1 AND t.next_poll_at <= ?1 AND "
                   "json_extract(c.config, '$.api_url') IS NOT NULL "
                   "ORDER BY t.next_poll_at, t.tracking_no, t.parcel_id LIMIT ?2",
    [T_POLL_PUT] = "UPDATE parcel_tracking SET next_poll_at = ?2, poll_failures = ?3, "
                   "poll_error = ?4 WHERE parcel_id = ?1",
    [T_WATCH] = "SELECT " TRACK_COLS ", coalesce(c.config, '{}') FROM parcel_tracking t LEFT JOIN "
                "tracking_carriers c ON c.carrier = t.carrier WHERE (t.open = 1 OR t.milestone "
                "IN ('problem', 'returned')) AND t.after_sales_id IS NULL ORDER BY t.parcel_id",
    [T_ALERT_STATE] = "SELECT coalesce(max(a.basis = ?3), 0), coalesce(max(CASE WHEN e.status = "
                      "'open' THEN e.id END), 0) FROM tracking_alerts a LEFT JOIN exceptions e ON "
                      "e.id = a.exception_id WHERE a.parcel_id = ?1 AND a.code = ?2",
    [T_ALERT_ADD] = "INSERT OR IGNORE INTO tracking_alerts (parcel_id, code, basis, exception_id, "
                    "at) VALUES (?1,?2,?3,?4,?5)",
    [T_OF_RETURN] = "SELECT " TRACK_COLS " FROM parcel_tracking t WHERE t.after_sales_id = ?1",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_TRACKING + q, sql_text[q]);
}

static json_t *int_or_null(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
                                                     : json_integer(sqlite3_column_int64(st, i));
}

static json_t *read_track(sqlite3_stmt *st) {
    json_t *row = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:b, s:I, s:i, s:o}", "parcel_id",
        (json_int_t)sqlite3_column_int64(st, 0), "order_id",
        (json_int_t)sqlite3_column_int64(st, 1), "carrier", col_text(st, 2), "tracking_no",
        col_text(st, 3), "milestone", col_text(st, 4), "milestone_at", int_or_null(st, 5),
        "last_event_at", int_or_null(st, 6), "shipped_at", (json_int_t)sqlite3_column_int64(st, 7),
        "promised_by", int_or_null(st, 8), "open", sqlite3_column_int(st, 9) != 0, "next_poll_at",
        (json_int_t)sqlite3_column_int64(st, 10), "poll_failures", sqlite3_column_int(st, 11),
        "poll_error",
        sqlite3_column_type(st, 12) == SQLITE_NULL ? json_null() : json_string(col_text(st, 12)));
    if (row)
        json_object_set_new(row, "after_sales_id", int_or_null(st, 13));
    if (row && sqlite3_column_count(st) > 14) {
        json_t *config = json_loads(col_text(st, 14), 0, NULL);
        json_object_set_new(row, "config", config ? config : json_object());
    }
    return row;
}

static json_t *read_event(sqlite3_stmt *st) {
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:o}", "at", (json_int_t)sqlite3_column_int64(st, 0), "context",
        col_text(st, 1), "milestone", col_text(st, 2), "source", col_text(st, 3), "area",
        sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null() : json_string(col_text(st, 4)));
}

static int config_put(store_t *s, int q, const char *name, const char *config, const char *actor,
                      int64_t now_ms) {
    sqlite3_stmt *st = prep(s, q);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    bind_text(st, 2, config);
    sqlite3_bind_int64(st, 3, now_ms);
    bind_text(st, 4, actor);
    return sq_exec(s, st, false);
}

static int config_get(store_t *s, int q, const char *name, char **config) {
    sqlite3_stmt *st = prep(s, q);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    int out = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        *config = strdup(col_text(st, 0));
        out = *config ? STORE_OK : STORE_ERROR;
    } else if (rc != SQLITE_DONE) {
        out = sq_fail(s);
    }
    done(st);
    return out;
}

static int provider_put(store_t *s, const char *name, const char *config, const char *actor,
                        int64_t now_ms) {
    return config_put(s, T_PROVIDER_PUT, name, config, actor, now_ms);
}

static int provider_get(store_t *s, const char *name, char **config) {
    return config_get(s, T_PROVIDER_GET, name, config);
}

static int carrier_put(store_t *s, const char *carrier, const char *config, const char *actor,
                       int64_t now_ms) {
    return config_put(s, T_CARRIER_PUT, carrier, config, actor, now_ms);
}

static int carrier_get(store_t *s, const char *carrier, char **config) {
    return config_get(s, T_CARRIER_GET, carrier, config);
}

static int parcel_open(store_t *s, const parcel_tracking_rec_t *p) {
    sqlite3_stmt *st = prep(s, T_PARCEL_OPEN);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, p->parcel_id);
    sqlite3_bind_int64(st, 2, p->order_id);
    bind_text(st, 3, p->carrier);
    bind_text(st, 4, p->tracking_no);
    sqlite3_bind_int64(st, 5, p->shipped_at_ms);
    if (p->promised_by_ms > 0)
        sqlite3_bind_int64(st, 6, p->promised_by_ms);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_int64(st, 7, p->next_poll_at_ms);
    if (p->after_sales_id > 0)
        sqlite3_bind_int64(st, 8, p->after_sales_id);
    else
        sqlite3_bind_null(st, 8);
    return sq_exec(s, st, false);
}

static int one_row(store_t *s, int q, int64_t key, json_t **out) {
    sqlite3_stmt *st = prep(s, q);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, key);
    json_t *arr = NULL;
    int rc = sq_rows(s, st, read_track, &arr);
    if (rc != STORE_OK)
        return rc;
    if (json_array_size(arr) == 0) {
        json_decref(arr);
        return STORE_NOT_FOUND;
    }
    *out = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    return STORE_OK;
}

static int parcel_get(store_t *s, int64_t parcel_id, json_t **out) {
    return one_row(s, T_PARCEL_GET, parcel_id, out);
}

static int of_return(store_t *s, int64_t after_sales_id, json_t **out) {
    return one_row(s, T_OF_RETURN, after_sales_id, out);
}

static int parcels_by_number(store_t *s, const char *tracking_no, json_t **out) {
    sqlite3_stmt *st = prep(s, T_BY_NUMBER);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, tracking_no);
    return sq_rows(s, st, read_track, out);
}

static int parcels_of_order(store_t *s, int64_t order_id, json_t **out) {
    sqlite3_stmt *st = prep(s, T_OF_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return sq_rows(s, st, read_track, out);
}

static int event_add(store_t *s, const tracking_event_rec_t *e) {
    sqlite3_stmt *st = prep(s, T_EVENT_ADD);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->parcel_id);
    sqlite3_bind_int64(st, 2, e->at_ms);
    bind_text(st, 3, e->context);
    bind_text(st, 4, e->milestone);
    bind_text(st, 5, e->source);
    bind_text(st, 6, e->area && *e->area ? e->area : NULL);
    sqlite3_bind_int64(st, 7, e->received_at_ms);
    return sq_exec(s, st, true);
}

static int events(store_t *s, int64_t parcel_id, json_t **out) {
    sqlite3_stmt *st = prep(s, T_EVENTS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    return sq_rows(s, st, read_event, out);
}

static int state_put(store_t *s, int64_t parcel_id, const char *milestone, int64_t milestone_at,
                     int64_t last_event_at, bool open) {
    sqlite3_stmt *st = prep(s, T_STATE_PUT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    bind_text(st, 2, milestone);
    sqlite3_bind_int64(st, 3, milestone_at);
    sqlite3_bind_int64(st, 4, last_event_at);
    sqlite3_bind_int(st, 5, open ? 1 : 0);
    return sq_exec(s, st, false);
}

static int poll_due(store_t *s, int64_t now_ms, int limit, json_t **out) {
    sqlite3_stmt *st = prep(s, T_POLL_DUE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int(st, 2, limit);
    return sq_rows(s, st, read_track, out);
}

static int poll_put(store_t *s, int64_t parcel_id, int64_t next_ms, int failures,
                    const char *error) {
    sqlite3_stmt *st = prep(s, T_POLL_PUT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    sqlite3_bind_int64(st, 2, next_ms);
    sqlite3_bind_int(st, 3, failures);
    bind_text(st, 4, error);
    return sq_exec(s, st, false);
}

static int watch_list(store_t *s, json_t **out) {
    sqlite3_stmt *st = prep(s, T_WATCH);
    if (!st)
        return STORE_ERROR;
    return sq_rows(s, st, read_track, out);
}

static int alert_state(store_t *s, int64_t parcel_id, const char *code, int64_t basis, bool *same,
                       int64_t *open_id) {
    sqlite3_stmt *st = prep(s, T_ALERT_STATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    bind_text(st, 2, code);
    sqlite3_bind_int64(st, 3, basis);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *same = sqlite3_column_int(st, 0) != 0;
        *open_id = sqlite3_column_int64(st, 1);
    }
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int alert_add(store_t *s, int64_t parcel_id, const char *code, int64_t basis,
                     int64_t exception_id, int64_t now_ms) {
    sqlite3_stmt *st = prep(s, T_ALERT_ADD);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    bind_text(st, 2, code);
    sqlite3_bind_int64(st, 3, basis);
    sqlite3_bind_int64(st, 4, exception_id);
    sqlite3_bind_int64(st, 5, now_ms);
    return sq_exec(s, st, false);
}

_Static_assert(SQ_SLOTS_TRACKING + T__COUNT <= SQ_SLOTS_COMPLETION, "tracking statement slots");

const tracking_vtable_t sqlite_tracking_vtable = {
    .provider_put = provider_put,
    .provider_get = provider_get,
    .carrier_put = carrier_put,
    .carrier_get = carrier_get,
    .parcel_open = parcel_open,
    .parcel_get = parcel_get,
    .parcels_by_number = parcels_by_number,
    .parcels_of_order = parcels_of_order,
    .event_add = event_add,
    .events = events,
    .state_put = state_put,
    .poll_due = poll_due,
    .poll_put = poll_put,
    .watch_list = watch_list,
    .alert_state = alert_state,
    .alert_add = alert_add,
    .of_return = of_return,
};
