/* The SQLite side of store/pick_store.h: lots, waves, pick tasks and lines, scans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lifecycle.h"
#include "store/pick_store.h"
#include "store/sqlite/sqlite_internal.h"

enum {
    P_LOT_PUT,
    P_LOT_ADD,
    P_LOTS_OF,
    P_LOTS_SUM,
    P_LOTS_VERIFY,
    P_LOTS_EXPIRING,
    P_WAVE_HOLDINGS,
    P_WAVE_INSERT,
    P_WAVE_DISTANCE,
    P_WAVE_GET,
    P_WAVE_TASKS,
    P_TASK_INSERT,
    P_TASK_GET,
    P_TASK_UPDATE,
    P_LINE_INSERT,
    P_LINE_UPDATE,
    P_TASK_LINES,
    P_ORDER_LINES,
    P_SCAN_GET,
    P_SCAN_PUT,
    P_PICKED_HERE,
    P__COUNT
};

/* Orders whose picked units are still in the warehouse: their pick lines take from lots. */
#define IN_WAREHOUSE "('picking', 'packed')"
#define LINE_COLS                                                                                  \
    "p.task_id, p.seq, p.order_id, o.order_no, p.line_no, p.warehouse, p.sku, "                    \
    "coalesce(p.barcode, ''), p.bin, p.lot, p.qty, p.picked, p.slot, o.status = 'cancelled' "      \
    "FROM pick_lines p JOIN "                                                                      \
    "orders o ON o.id = p.order_id"

_Static_assert(P__COUNT <= SQ_SLOTS_MERGE, "picking statements overflow their slots");

static const char *const sql_text[P__COUNT] = {
    [P_LOT_PUT] = "INSERT INTO stock_lots (warehouse, sku, lot, expires_on, on_hand, updated_at) "
                  "VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT (warehouse, sku, lot) DO UPDATE SET "
                  "expires_on = excluded.expires_on, on_hand = excluded.on_hand, "
                  "updated_at = excluded.updated_at",
    [P_LOT_ADD] = "UPDATE stock_lots SET on_hand = on_hand + ?4, updated_at = ?5 WHERE "
                  "warehouse = ?1 AND sku = ?2 AND lot = ?3 AND on_hand + ?4 >= 0",
    [P_LOTS_OF] = "SELECT l.lot, l.expires_on, l.on_hand, l.on_hand - coalesce((SELECT sum(p.qty) "
                  "FROM pick_lines p JOIN orders o ON o.id = p.order_id WHERE p.warehouse = "
                  "l.warehouse AND p.sku = l.sku AND p.lot = l.lot AND o.status IN " IN_WAREHOUSE
                  "), 0) FROM stock_lots l WHERE l.warehouse = ?1 AND l.sku = ?2 "
                  "ORDER BY l.expires_on, l.lot",
    [P_LOTS_SUM] = "SELECT coalesce(sum(on_hand), 0), count(*) FROM stock_lots WHERE "
                   "warehouse = ?1 AND sku = ?2",
    [P_LOTS_VERIFY] = "SELECT s.warehouse, s.sku, s.on_hand, l.total FROM stock s JOIN "
                      "(SELECT warehouse, sku, sum(on_hand) AS total FROM stock_lots GROUP BY "
                      "warehouse, sku) l ON l.warehouse = s.warehouse AND l.sku = s.sku "
                      "WHERE s.on_hand <> l.total",
    [P_LOTS_EXPIRING] = "SELECT l.warehouse, l.sku, k.name, l.lot, l.expires_on, l.on_hand, "
                        "k.shelf_life_days FROM stock_lots l JOIN skus k ON k.sku = l.sku "
                        "WHERE l.on_hand > 0 AND l.expires_on <= ?1 AND (?2 IS NULL OR "
                        "l.warehouse = ?2) ORDER BY l.expires_on, l.warehouse, l.sku, l.lot "
                        "LIMIT ?3",
    /* Units still to pick: the net reservation less what pick lines already cover and has
     * not shipped. Only orders past approved have pick lines or shipments (a backordered
     * line restocked, a short pick re-reserved), so approved orders skip the subqueries.
     * A splittable order's shortages are backorders: it ships what it holds meanwhile.
     * Driven by orders_status (the orders waiting to be picked), each checked for a
     * reservation here through its own ledger rows: no index by warehouse on the ledger,
     * which every order's intake would pay for. */
    [P_WAVE_HOLDINGS] =
        "SELECT o.id, o.order_no, json_extract(o.doc, '$.carrier'), r.line_no, r.sku, "
        "r.warehouse, sum(r.qty) - CASE WHEN o.status = 'approved' THEN 0 ELSE "
        "(SELECT coalesce(sum(p.qty), 0) FROM pick_lines p WHERE p.order_id = o.id AND "
        "p.line_no = r.line_no AND p.warehouse = r.warehouse) + (SELECT coalesce(sum(c.qty), 0) "
        "FROM reservation_ledger c WHERE c.order_id = o.id AND c.line_no = r.line_no AND "
        "c.warehouse = r.warehouse AND c.kind = 'consume') END AS net, o.status "
        "FROM orders o JOIN reservation_ledger r ON r.order_id = o.id WHERE o.status IN "
        "('approved', 'picking', 'partially_shipped') AND EXISTS (SELECT 1 FROM "
        "reservation_ledger w WHERE w.order_id = o.id AND w.warehouse = ?1) AND NOT EXISTS (SELECT "
        "1 FROM holds h WHERE "
        "h.order_id = o.id AND h.status = 'open') AND (o.splittable OR NOT EXISTS (SELECT 1 "
        "FROM shortages x WHERE x.order_id = o.id)) GROUP BY o.id, r.line_no, r.sku, "
        "r.warehouse HAVING net > 0 ORDER BY o.id, r.line_no",
    [P_WAVE_INSERT] = "INSERT INTO waves (warehouse, strategy, carrier, cutoff, distance_dm, "
                      "baseline_dm, created_at, created_by) VALUES (?1,?2,?3,?4,0,0,?5,?6)",
    [P_WAVE_DISTANCE] = "UPDATE waves SET distance_dm = ?2, baseline_dm = ?3 WHERE id = ?1",
    [P_WAVE_GET] = "SELECT id, warehouse, strategy, carrier, cutoff, distance_dm, baseline_dm, "
                   "created_at, created_by FROM waves WHERE id = ?1",
    [P_WAVE_TASKS] = "SELECT id FROM pick_tasks WHERE wave_id = ?1 ORDER BY id",
    [P_TASK_INSERT] = "INSERT INTO pick_tasks (wave_id, zone, distance_dm, baseline_dm) "
                      "VALUES (?1,?2,?3,?4)",
    [P_TASK_GET] = "SELECT t.id, t.wave_id, w.warehouse, w.strategy, t.zone, t.status, t.picked, "
                   "t.confirmed, t.distance_dm, t.baseline_dm FROM pick_tasks t JOIN waves w ON "
                   "w.id = t.wave_id WHERE t.id = ?1",
    [P_TASK_UPDATE] = "UPDATE pick_tasks SET status = ?2, picked = ?3, confirmed = ?4 "
                      "WHERE id = ?1",
    [P_LINE_INSERT] = "INSERT INTO pick_lines (task_id, seq, order_id, line_no, warehouse, sku, "
                      "barcode, bin, lot, qty, picked, slot) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
                      "?9,?10,?11,?12)",
    [P_LINE_UPDATE] = "UPDATE pick_lines SET qty = ?3, picked = ?4 WHERE task_id = ?1 AND seq = ?2",
    [P_TASK_LINES] = "SELECT " LINE_COLS " WHERE p.task_id = ?1 ORDER BY p.seq",
    [P_ORDER_LINES] = "SELECT " LINE_COLS " WHERE p.order_id = ?1 ORDER BY p.task_id, p.seq",
    [P_SCAN_GET] = "SELECT response FROM pick_scans WHERE task_id = ?1 AND scan_id = ?2",
    [P_SCAN_PUT] = "INSERT INTO pick_scans (task_id, scan_id, response) VALUES (?1,?2,?3)",
    [P_PICKED_HERE] = "SELECT coalesce(sum(p.picked), 0) FROM pick_lines p JOIN orders o ON "
                      "o.id = p.order_id WHERE p.warehouse = ?1 AND p.sku = ?2 AND (?3 IS NULL "
                      "OR p.lot = ?3) AND o.status IN " IN_WAREHOUSE,
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, q, sql_text[q]);
}

static int end_rows(store_t *s, sqlite3_stmt *st, int rc) {
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
}

static int pk_lot_put(store_t *s, const char *wh, const char *sku, const char *lot, int32_t day,
                      int64_t on_hand, int64_t now) {
    sqlite3_stmt *st = prep(s, P_LOT_PUT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    bind_text(st, 3, lot);
    sqlite3_bind_int(st, 4, day);
    sqlite3_bind_int64(st, 5, on_hand);
    sqlite3_bind_int64(st, 6, now);
    return sq_exec(s, st, false);
}

static int pk_lot_add(store_t *s, const char *wh, const char *sku, const char *lot, int64_t delta,
                      int64_t now) {
    sqlite3_stmt *st = prep(s, P_LOT_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    bind_text(st, 3, lot);
    sqlite3_bind_int64(st, 4, delta);
    sqlite3_bind_int64(st, 5, now);
    return sq_exec(s, st, true);
}

static int pk_lots_of(store_t *s, const char *wh, const char *sku, lot_row_t *out, int max,
                      int *n) {
    sqlite3_stmt *st = prep(s, P_LOTS_OF);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    int rc, count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max) {
        lot_row_t *r = &out[count++];
        copy_col(r->lot, sizeof r->lot, st, 0);
        r->expires_day = sqlite3_column_int(st, 1);
        r->on_hand = sqlite3_column_int64(st, 2);
        r->free_units = sqlite3_column_int64(st, 3);
    }
    *n = count;
    return end_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int pk_lots_sum(store_t *s, const char *wh, const char *sku, int64_t *sum, int *count) {
    sqlite3_stmt *st = prep(s, P_LOTS_SUM);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *sum = sqlite3_column_int64(st, 0);
        *count = sqlite3_column_int(st, 1);
    }
    return end_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int pk_lots_verify(store_t *s, json_t **out) {
    sqlite3_stmt *st = prep(s, P_LOTS_VERIFY);
    if (!st)
        return STORE_ERROR;
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:I, s:I}", "warehouse", col_text(st, 0), "sku",
                                        col_text(st, 1), "on_hand", sqlite3_column_int64(st, 2),
                                        "lots", sqlite3_column_int64(st, 3)));
    rc = end_rows(s, st, rc);
    if (rc != STORE_OK)
        json_decref(arr);
    else
        *out = arr;
    return rc;
}

static int pk_lots_expiring(store_t *s, int32_t until_day, const char *wh, int limit,
                            json_t **out) {
    sqlite3_stmt *st = prep(s, P_LOTS_EXPIRING);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, until_day);
    bind_text(st, 2, wh);
    sqlite3_bind_int(st, 3, limit);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:I}", "warehouse",
                                             col_text(st, 0), "sku", col_text(st, 1), "name",
                                             col_text(st, 2), "lot", col_text(st, 3), "expires_day",
                                             sqlite3_column_int(st, 4), "on_hand",
                                             sqlite3_column_int64(st, 5), "shelf_life_days",
                                             sqlite3_column_int64(st, 6)));
    rc = end_rows(s, st, rc);
    if (rc != STORE_OK)
        json_decref(arr);
    else
        *out = arr;
    return rc;
}

static int pk_wave_holdings(store_t *s, const char *wh,
                            void (*fn)(void *ctx, const wave_holding_t *h), void *ctx) {
    sqlite3_stmt *st = prep(s, P_WAVE_HOLDINGS);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        wave_holding_t h = {.order_id = sqlite3_column_int64(st, 0),
                            .order_no = col_text(st, 1),
                            .carrier = (const char *)sqlite3_column_text(st, 2),
                            .line_no = sqlite3_column_int(st, 3),
                            .sku = col_text(st, 4),
                            .warehouse = col_text(st, 5),
                            .qty = sqlite3_column_int64(st, 6),
                            .status = order_status_from_name(col_text(st, 7))};
        fn(ctx, &h);
    }
    return end_rows(s, st, rc);
}

static int pk_wave_insert(store_t *s, const char *wh, const char *strategy, const char *carrier,
                          const char *cutoff, const char *actor, int64_t now, int64_t *id) {
    sqlite3_stmt *st = prep(s, P_WAVE_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, strategy);
    bind_text(st, 3, carrier);
    bind_text(st, 4, cutoff);
    sqlite3_bind_int64(st, 5, now);
    bind_text(st, 6, actor);
    int rc = sq_exec(s, st, false);
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(sq_db(s));
    return rc;
}

static int pk_wave_set_distance(store_t *s, int64_t id, int64_t dist, int64_t base) {
    sqlite3_stmt *st = prep(s, P_WAVE_DISTANCE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, dist);
    sqlite3_bind_int64(st, 3, base);
    return sq_exec(s, st, false);
}

static json_t *nullable(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_string(col_text(st, i));
}

static int pk_wave_get(store_t *s, int64_t id, json_t **out) {
    sqlite3_stmt *st = prep(s, P_WAVE_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = json_pack("{s:I, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:s}", "id",
                         sqlite3_column_int64(st, 0), "warehouse", col_text(st, 1), "strategy",
                         col_text(st, 2), "carrier", nullable(st, 3), "cutoff", nullable(st, 4),
                         "distance_dm", sqlite3_column_int64(st, 5), "baseline_dm",
                         sqlite3_column_int64(st, 6), "created_at", sqlite3_column_int64(st, 7),
                         "created_by", col_text(st, 8));
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int pk_wave_tasks(store_t *s, int64_t wave_id, int64_t *ids, int max, int *n) {
    sqlite3_stmt *st = prep(s, P_WAVE_TASKS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, wave_id);
    int rc, count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max)
        ids[count++] = sqlite3_column_int64(st, 0);
    *n = count;
    return end_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int pk_task_insert(store_t *s, int64_t wave_id, const char *zone, int64_t dist, int64_t base,
                          int64_t *id) {
    sqlite3_stmt *st = prep(s, P_TASK_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, wave_id);
    bind_text(st, 2, zone);
    sqlite3_bind_int64(st, 3, dist);
    sqlite3_bind_int64(st, 4, base);
    int rc = sq_exec(s, st, false);
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(sq_db(s));
    return rc;
}

static int pk_task_get(store_t *s, int64_t id, pick_task_t *t) {
    sqlite3_stmt *st = prep(s, P_TASK_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        t->id = sqlite3_column_int64(st, 0);
        t->wave_id = sqlite3_column_int64(st, 1);
        copy_col(t->warehouse, sizeof t->warehouse, st, 2);
        copy_col(t->strategy, sizeof t->strategy, st, 3);
        copy_col(t->zone, sizeof t->zone, st, 4);
        copy_col(t->status, sizeof t->status, st, 5);
        t->picked = sqlite3_column_int64(st, 6);
        t->confirmed = sqlite3_column_int64(st, 7);
        t->distance_dm = sqlite3_column_int64(st, 8);
        t->baseline_dm = sqlite3_column_int64(st, 9);
    }
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int pk_task_update(store_t *s, int64_t id, const char *status, int64_t picked,
                          int64_t confirmed) {
    sqlite3_stmt *st = prep(s, P_TASK_UPDATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, status);
    sqlite3_bind_int64(st, 3, picked);
    sqlite3_bind_int64(st, 4, confirmed);
    return sq_exec(s, st, true);
}

static int pk_line_insert(store_t *s, const pick_line_t *l) {
    sqlite3_stmt *st = prep(s, P_LINE_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, l->task_id);
    sqlite3_bind_int(st, 2, l->seq);
    sqlite3_bind_int64(st, 3, l->order_id);
    sqlite3_bind_int(st, 4, l->line_no);
    bind_text(st, 5, l->warehouse);
    bind_text(st, 6, l->sku);
    bind_text(st, 7, l->barcode[0] ? l->barcode : NULL);
    bind_text(st, 8, l->bin);
    bind_text(st, 9, l->lot);
    sqlite3_bind_int64(st, 10, l->qty);
    sqlite3_bind_int64(st, 11, l->picked);
    sqlite3_bind_int(st, 12, l->slot);
    return sq_exec(s, st, false);
}

static int pk_line_update(store_t *s, int64_t task_id, int seq, int64_t qty, int64_t picked) {
    sqlite3_stmt *st = prep(s, P_LINE_UPDATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, task_id);
    sqlite3_bind_int(st, 2, seq);
    sqlite3_bind_int64(st, 3, qty);
    sqlite3_bind_int64(st, 4, picked);
    return sq_exec(s, st, true);
}

static int read_lines(store_t *s, sqlite3_stmt *st, pick_line_t **out, int *n) {
    pick_line_t *lines = NULL;
    int count = 0, cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            pick_line_t *grown = realloc(lines, sizeof *lines * (size_t)cap);
            if (!grown) {
                free(lines);
                done(st);
                return STORE_ERROR;
            }
            lines = grown;
        }
        pick_line_t *l = &lines[count++];
        l->task_id = sqlite3_column_int64(st, 0);
        l->seq = sqlite3_column_int(st, 1);
        l->order_id = sqlite3_column_int64(st, 2);
        copy_col(l->order_no, sizeof l->order_no, st, 3);
        l->line_no = sqlite3_column_int(st, 4);
        copy_col(l->warehouse, sizeof l->warehouse, st, 5);
        copy_col(l->sku, sizeof l->sku, st, 6);
        copy_col(l->barcode, sizeof l->barcode, st, 7);
        copy_col(l->bin, sizeof l->bin, st, 8);
        copy_col(l->lot, sizeof l->lot, st, 9);
        l->qty = sqlite3_column_int64(st, 10);
        l->picked = sqlite3_column_int64(st, 11);
        l->slot = sqlite3_column_int(st, 12);
        l->order_cancelled = sqlite3_column_int(st, 13) != 0;
    }
    rc = end_rows(s, st, rc);
    if (rc != STORE_OK) {
        free(lines);
        return rc;
    }
    *out = lines;
    *n = count;
    return STORE_OK;
}

static int pk_task_lines(store_t *s, int64_t task_id, pick_line_t **out, int *n) {
    sqlite3_stmt *st = prep(s, P_TASK_LINES);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, task_id);
    return read_lines(s, st, out, n);
}

static int pk_order_pick_lines(store_t *s, int64_t order_id, pick_line_t **out, int *n) {
    sqlite3_stmt *st = prep(s, P_ORDER_LINES);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    return read_lines(s, st, out, n);
}

static int pk_scan_get(store_t *s, int64_t task_id, const char *scan_id, char **response) {
    sqlite3_stmt *st = prep(s, P_SCAN_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, task_id);
    bind_text(st, 2, scan_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *response = strdup(col_text(st, 0));
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? (*response ? STORE_OK : STORE_ERROR) : sq_fail(s);
}

static int pk_scan_put(store_t *s, int64_t task_id, const char *scan_id, const char *response) {
    sqlite3_stmt *st = prep(s, P_SCAN_PUT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, task_id);
    bind_text(st, 2, scan_id);
    bind_text(st, 3, response);
    return sq_exec(s, st, false);
}

static int pk_picked_in_warehouse(store_t *s, const char *wh, const char *sku, const char *lot,
                                  int64_t *units) {
    sqlite3_stmt *st = prep(s, P_PICKED_HERE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    bind_text(st, 2, sku);
    bind_text(st, 3, lot);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *units = sqlite3_column_int64(st, 0);
    return end_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

const pick_store_vtable_t sqlite_pick_vtable = {
    .lot_put = pk_lot_put,
    .lot_add = pk_lot_add,
    .lots_of = pk_lots_of,
    .lots_sum = pk_lots_sum,
    .lots_verify = pk_lots_verify,
    .lots_expiring = pk_lots_expiring,
    .wave_holdings = pk_wave_holdings,
    .wave_insert = pk_wave_insert,
    .wave_set_distance = pk_wave_set_distance,
    .wave_get = pk_wave_get,
    .wave_tasks = pk_wave_tasks,
    .task_insert = pk_task_insert,
    .task_get = pk_task_get,
    .task_update = pk_task_update,
    .line_insert = pk_line_insert,
    .line_update = pk_line_update,
    .task_lines = pk_task_lines,
    .order_pick_lines = pk_order_pick_lines,
    .scan_get = pk_scan_get,
    .scan_put = pk_scan_put,
    .picked_in_warehouse = pk_picked_in_warehouse,
};
