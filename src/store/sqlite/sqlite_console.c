/* The SQLite side of store/console_store.h: the dashboard's figures, the console's lists and
 * the work counters. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store/console_store.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/timefmt.h"

enum {
    C_STATUS_COUNTS,
    C_WORK_MINUTES,
    C_WORK_TOTAL,
    C_WORK_BUSIEST_HOUR,
    C_WORK_ADD,
    C_EVENTS_BETWEEN,
    C_ENTERED_STATUS,
    C_ENTERED_NOTE,
    C_PICK_LINES,
    C_LOGISTICS_CASES,
    C_PARCELS_SHIPPED,
    C_AFTER_SALES,
    C_DELIVERED,
    C_STOCK_PAGE,
    C_STOCK_PAGE_SKU,
    C_WAREHOUSE_CODES,
    C_WEBHOOK_IDS,
    C_WAVES_PAGE,
    C_WAVE_TASKS,
    C_WAVE_ORDERS,
    C__COUNT
};

_Static_assert(SQ_SLOTS_CONSOLE + C__COUNT <= SQ_EXTRA_STMTS,
               "console statements overflow their slots");

static const char *const sql_text[C__COUNT] = {
    [C_STATUS_COUNTS] = "SELECT status, n FROM order_status_counts WHERE n > 0 ORDER BY status",
    [C_WORK_MINUTES] = "SELECT minute, n FROM work_counts WHERE name = ?1 AND minute >= ?2 AND "
                       "minute < ?3",
    [C_WORK_TOTAL] = "SELECT coalesce(sum(n), 0) FROM work_counts WHERE name = ?1 AND minute >= "
                     "?2 AND minute < ?3",
    [C_WORK_BUSIEST_HOUR] = "SELECT minute / 60 * 60 AS hour, sum(n) AS c FROM work_counts WHERE "
                            "name = ?1 AND minute >= ?2 AND minute < ?3 GROUP BY hour "
                            "ORDER BY c DESC, hour DESC LIMIT 1",
    [C_WORK_ADD] = "INSERT INTO work_counts (name, minute, n) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (name, minute) DO UPDATE SET n = n + excluded.n",
    [C_EVENTS_BETWEEN] = "SELECT id, order_id, at, type, from_status, to_status, reason FROM "
                         "order_events WHERE at >= ?1 AND at < ?2 AND (type = 'status' OR "
                         "type = 'picked') ORDER BY at, id",
    [C_ENTERED_STATUS] = "SELECT max(at) FROM order_events WHERE order_id = ?1 AND id < ?2 AND "
                         "to_status = ?3",
    [C_ENTERED_NOTE] = "SELECT max(at) FROM order_events WHERE order_id = ?1 AND id < ?2 AND "
                       "type = ?3",
    [C_PICK_LINES] = "SELECT count(*) FROM waves w JOIN pick_tasks t ON t.wave_id = w.id JOIN "
                     "pick_lines l ON l.task_id = t.id WHERE w.created_at >= ?1 AND "
                     "w.created_at < ?2",
    [C_LOGISTICS_CASES] = "SELECT count(*) FROM logistics_cases WHERE created_at >= ?1 AND "
                          "created_at < ?2",
    [C_PARCELS_SHIPPED] = "SELECT count(*) FROM parcels WHERE shipped_at >= ?1 AND "
                          "shipped_at < ?2",
    [C_AFTER_SALES] = "SELECT count(*) FROM after_sales WHERE created_at >= ?1 AND "
                      "created_at < ?2",
    [C_DELIVERED] = "SELECT count(*) FROM orders WHERE delivered_at >= ?1 AND delivered_at < ?2",
    /* Pages seek on the primary key from the cursor (('', '') for the first page). */
    [C_STOCK_PAGE] = "SELECT warehouse, sku, on_hand, reserved, safety_stock, coalesce(bin, '') "
                     "FROM stock WHERE (sku, warehouse) > (?4, ?5) AND (?2 IS NULL OR "
                     "warehouse = ?2) AND (?3 = 0 OR on_hand - reserved < safety_stock) "
                     "ORDER BY sku, warehouse LIMIT ?6",
    [C_STOCK_PAGE_SKU] = "SELECT warehouse, sku, on_hand, reserved, safety_stock, "
                         "coalesce(bin, '') FROM stock WHERE sku = ?1 AND warehouse > ?5 AND "
                         "(?2 IS NULL OR warehouse = ?2) AND (?3 = 0 OR on_hand - reserved < "
                         "safety_stock) AND ?4 IS NOT NULL ORDER BY warehouse LIMIT ?6",
    [C_WAREHOUSE_CODES] = "SELECT code FROM warehouses ORDER BY code",
    [C_WEBHOOK_IDS] = "SELECT id FROM webhooks ORDER BY id",
    [C_WAVES_PAGE] = "SELECT id, warehouse, strategy, carrier, cutoff, created_at, created_by "
                     "FROM waves WHERE id < ?2 AND (?1 IS NULL OR warehouse = ?1) "
                     "ORDER BY id DESC LIMIT ?3",
    [C_WAVE_TASKS] = "SELECT t.id, t.zone, t.status, coalesce(sum(l.qty), 0), "
                     "coalesce(sum(l.picked), 0) FROM pick_tasks t LEFT JOIN pick_lines l ON "
                     "l.task_id = t.id WHERE t.wave_id = ?1 GROUP BY t.id ORDER BY t.id",
    [C_WAVE_ORDERS] = "SELECT count(DISTINCT l.order_id) FROM pick_tasks t JOIN pick_lines l ON "
                      "l.task_id = t.id WHERE t.wave_id = ?1",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_CONSOLE + q, sql_text[q]);
}

static int status_counts(store_t *s, json_t **out) {
    sqlite3_stmt *st = prep(s, C_STATUS_COUNTS);
    if (!st)
        return STORE_ERROR;
    json_t *o = json_object();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_object_set_new(o, col_text(st, 0), json_integer(sqlite3_column_int64(st, 1)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(o);
        return sq_fail(s);
    }
    *out = o;
    return STORE_OK;
}

static int work_minutes(store_t *s, const char *name, int64_t first_minute, int n,
                        int64_t *counts) {
    sqlite3_stmt *st = prep(s, C_WORK_MINUTES);
    if (!st)
        return STORE_ERROR;
    memset(counts, 0, (size_t)n * sizeof *counts);
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, first_minute);
    sqlite3_bind_int64(st, 3, first_minute + n);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t i = sqlite3_column_int64(st, 0) - first_minute;
        if (i >= 0 && i < n)
            counts[i] = sqlite3_column_int64(st, 1);
    }
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
}

/* A statement of one integer answer, its parameters bound by the caller. */
static int one_int(store_t *s, sqlite3_stmt *st, int64_t *out) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int work_total(store_t *s, const char *name, int64_t from_minute, int64_t to_minute,
                      int64_t *total) {
    sqlite3_stmt *st = prep(s, C_WORK_TOTAL);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, from_minute);
    sqlite3_bind_int64(st, 3, to_minute);
    return one_int(s, st, total);
}

static int work_busiest_hour(store_t *s, const char *name, int64_t from_minute, int64_t to_minute,
                             int64_t *hour_minute, int64_t *count) {
    sqlite3_stmt *st = prep(s, C_WORK_BUSIEST_HOUR);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, from_minute);
    sqlite3_bind_int64(st, 3, to_minute);
    *hour_minute = 0;
    *count = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *hour_minute = sqlite3_column_int64(st, 0);
        *count = sqlite3_column_int64(st, 1);
    }
    done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
}

static int work_add(store_t *s, const char *name, int64_t at_ms, int64_t n) {
    sqlite3_stmt *st = prep(s, C_WORK_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, at_ms / 60000);
    sqlite3_bind_int64(st, 3, n);
    return sq_exec(s, st, false);
}

static int events_between(store_t *s, int64_t from_ms, int64_t to_ms,
                          int (*each)(void *ctx, const console_event_t *e), void *ctx) {
    sqlite3_stmt *st = prep(s, C_EVENTS_BETWEEN);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, from_ms);
    sqlite3_bind_int64(st, 2, to_ms);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        console_event_t e = {.id = sqlite3_column_int64(st, 0),
                             .order_id = sqlite3_column_int64(st, 1),
                             .at_ms = sqlite3_column_int64(st, 2),
                             .type = col_text(st, 3),
                             .from_status = col_text(st, 4),
                             .to_status = col_text(st, 5),
                             .reason = col_text(st, 6)};
        stop = each(ctx, &e);
    }
    done(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
}

static int entered_at(store_t *s, int64_t order_id, int64_t before_id, const char *to_status,
                      const char *note_type, int64_t *at_ms) {
    sqlite3_stmt *st = prep(s, to_status ? C_ENTERED_STATUS : C_ENTERED_NOTE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int64(st, 2, before_id);
    bind_text(st, 3, to_status ? to_status : note_type);
    int rc = sqlite3_step(st);
    bool found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (found)
        *at_ms = sqlite3_column_int64(st, 0);
    done(st);
    if (rc != SQLITE_ROW)
        return sq_fail(s);
    return found ? STORE_OK : STORE_NOT_FOUND;
}

static int count_between(store_t *s, int q, int64_t from_ms, int64_t to_ms, int64_t *out) {
    sqlite3_stmt *st = prep(s, q);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, from_ms);
    sqlite3_bind_int64(st, 2, to_ms);
    return one_int(s, st, out);
}

static int window_counts(store_t *s, int64_t from_ms, int64_t to_ms, console_window_counts_t *out) {
    int rc = count_between(s, C_PICK_LINES, from_ms, to_ms, &out->pick_lines);
    if (rc == STORE_OK)
        rc = count_between(s, C_LOGISTICS_CASES, from_ms, to_ms, &out->logistics_cases);
    if (rc == STORE_OK)
        rc = count_between(s, C_PARCELS_SHIPPED, from_ms, to_ms, &out->parcels_shipped);
    if (rc == STORE_OK)
        rc = count_between(s, C_AFTER_SALES, from_ms, to_ms, &out->after_sales);
    if (rc == STORE_OK)
        rc = count_between(s, C_DELIVERED, from_ms, to_ms, &out->orders_delivered);
    return rc;
}

static int stock_page(store_t *s, const console_stock_filter_t *f, stock_row_t *rows, int *n,
                      bool *more) {
    /* Within one SKU the page goes on after the cursor's warehouse when the cursor is at
     * that SKU, and is over when the cursor is past it. */
    const char *after_sku = f->after_sku ? f->after_sku : "";
    const char *after_wh = f->after_warehouse ? f->after_warehouse : "";
    int cmp = f->sku ? strcmp(after_sku, f->sku) : 0;
    sqlite3_stmt *st = prep(s, f->sku ? C_STOCK_PAGE_SKU : C_STOCK_PAGE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, f->sku);
    bind_text(st, 2, f->warehouse);
    sqlite3_bind_int(st, 3, f->low_only ? 1 : 0);
    bind_text(st, 4, cmp > 0 ? NULL : after_sku);
    bind_text(st, 5, f->sku && cmp < 0 ? "" : after_wh);
    sqlite3_bind_int(st, 6, f->limit + 1);
    int rc;
    *n = 0;
    *more = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == f->limit) {
            *more = true;
            continue;
        }
        stock_row_t *r = &rows[(*n)++];
        copy_col(r->warehouse, sizeof r->warehouse, st, 0);
        copy_col(r->sku, sizeof r->sku, st, 1);
        r->on_hand = sqlite3_column_int64(st, 2);
        r->reserved = sqlite3_column_int64(st, 3);
        r->safety_stock = sqlite3_column_int64(st, 4);
        copy_col(r->bin, sizeof r->bin, st, 5);
    }
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
}

static int column_list(store_t *s, int q, json_t **out) {
    sqlite3_stmt *st = prep(s, q);
    if (!st)
        return STORE_ERROR;
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(a, json_string(col_text(st, 0)));
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return sq_fail(s);
    }
    *out = a;
    return STORE_OK;
}

static int warehouse_codes(store_t *s, json_t **out) {
    return column_list(s, C_WAREHOUSE_CODES, out);
}

static int webhook_ids(store_t *s, json_t **out) {
    return column_list(s, C_WEBHOOK_IDS, out);
}

static json_t *text_or_null(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_string(col_text(st, i));
}

/* The wave's tasks with their progress, and the wave's own totals set on w. */
static int wave_tasks(store_t *s, int64_t wave_id, json_t *w) {
    sqlite3_stmt *st = prep(s, C_WAVE_TASKS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, wave_id);
    json_t *tasks = json_array();
    int64_t units = 0, picked = 0;
    bool open = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t u = sqlite3_column_int64(st, 3), p = sqlite3_column_int64(st, 4);
        units += u;
        picked += p;
        open |= strcmp(col_text(st, 2), "done") != 0;
        json_array_append_new(tasks, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "id",
                                               (json_int_t)sqlite3_column_int64(st, 0), "zone",
                                               col_text(st, 1), "status", col_text(st, 2), "units",
                                               (json_int_t)u, "picked", (json_int_t)p, "remaining",
                                               (json_int_t)(u - p)));
    }
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(tasks);
        return sq_fail(s);
    }
    json_object_set_new(w, "units", json_integer(units));
    json_object_set_new(w, "picked", json_integer(picked));
    json_object_set_new(w, "remaining", json_integer(units - picked));
    json_object_set_new(w, "status", json_string(open ? "open" : "done"));
    json_object_set_new(w, "tasks", tasks);
    st = prep(s, C_WAVE_ORDERS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, wave_id);
    int64_t orders = 0;
    rc = one_int(s, st, &orders);
    json_object_set_new(w, "orders", json_integer(orders));
    return rc;
}

static int waves_page(store_t *s, const char *warehouse, int64_t before_id, int limit,
                      json_t **out) {
    sqlite3_stmt *st = prep(s, C_WAVES_PAGE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, warehouse);
    sqlite3_bind_int64(st, 2, before_id > 0 ? before_id : INT64_MAX);
    sqlite3_bind_int(st, 3, limit);
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char at[40];
        rfc3339_format(sqlite3_column_int64(st, 5), at, sizeof at);
        json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s}", "id",
                                           (json_int_t)sqlite3_column_int64(st, 0), "warehouse",
                                           col_text(st, 1), "strategy", col_text(st, 2), "carrier",
                                           text_or_null(st, 3), "cutoff", text_or_null(st, 4),
                                           "created_at", at, "created_by", col_text(st, 6)));
    }
    done(st);
    if (rc != SQLITE_DONE) {
        json_decref(a);
        return sq_fail(s);
    }
    /* The tasks after the page is read: one statement steps at a time per slot. */
    size_t i;
    json_t *w;
    json_array_foreach(a, i, w) {
        rc = wave_tasks(s, json_integer_value(json_object_get(w, "id")), w);
        if (rc != STORE_OK) {
            json_decref(a);
            return rc;
        }
    }
    *out = a;
    return STORE_OK;
}

const console_store_vtable_t sqlite_console_vtable = {
    .status_counts = status_counts,
    .work_minutes = work_minutes,
    .work_total = work_total,
    .work_busiest_hour = work_busiest_hour,
    .work_add = work_add,
    .events_between = events_between,
    .entered_at = entered_at,
    .window_counts = window_counts,
    .stock_page = stock_page,
    .warehouse_codes = warehouse_codes,
    .webhook_ids = webhook_ids,
    .waves_page = waves_page,
};
