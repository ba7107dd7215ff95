/* The SQLite side of store/merge_store.h: merged shipments, their members and the merge rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lifecycle.h"
#include "store/merge_store.h"
#include "store/sqlite/sqlite_internal.h"

/* sq_extra_stmt slots from 32 up: sqlite_pick.c uses those below. */
enum {
    M_FACTS,
    M_CANDIDATES,
    M_INSERT,
    M_MEMBER_ADD,
    M_GET,
    M_MEMBERS,
    M_OF_ORDER,
    M_MEMBERS_AT,
    M_REMOVE_MEMBERS,
    M_REMOVE,
    M_RULE_GET,
    M_RULE_PUT,
    M_PARCEL_SHIPMENT,
    M__END
};
_Static_assert(SQ_SLOTS_MERGE + M__END <= SQ_SLOTS_EXCEPTION_POOL,
               "merge statements overflow their slots");

/* Warehouses where the order holds units (its net reservation there above zero). */
#define HELD_AT(agg)                                                                               \
    "(SELECT " agg " FROM reservation_ledger r WHERE r.order_id = o.id AND (SELECT sum(q.qty) "    \
    "FROM reservation_ledger q WHERE q.order_id = o.id AND q.warehouse = r.warehouse) > 0)"
#define FACTS_COLS                                                                                 \
    "o.id, o.order_no, o.status, o.buyer_phone, coalesce(o.address_key, ''), " HELD_AT(            \
        "count(DISTINCT r.warehouse)") ", " HELD_AT("coalesce(min(r.warehouse), '')") ", (SELECT " \
                                                                                      "count(*) "  \
                                                                                      "FROM "      \
                                                                                      "holds h "   \
                                                                                      "WHERE "     \
                                                                                      "h.order_"   \
                                                                                      "id = o.id " \
                                                                                      "AND "       \
                                                                                      "h.status "  \
                                                                                      "= "         \
                                                                                      "'open'), "  \
                                                                                      "(SELECT "   \
                                                                                      "count(*) "  \
                                                                                      "FROM "      \
                                                                                      "shortages " \
                                                                                      "x WHERE "   \
                                                                                      "x.order_"   \
                                                                                      "id = "      \
                                                                                      "o.id), "    \
                                                                                      "coalesce((" \
                                                                                      "SELECT "    \
                                                                                      "m.merge_"   \
                                                                                      "id FROM "   \
                                                                                      "merge_"     \
                                                                                      "members m " \
                                                                                      "WHERE "     \
                                                                                      "m.order_"   \
                                                                                      "id = "      \
                                                                                      "o.id), 0) " \
                                                                                      "FROM "      \
                                                                                      "orders o"

static const char *const sql_text[M__END] = {
    [M_FACTS] = "SELECT " FACTS_COLS " WHERE o.order_no = ?1",
    [M_CANDIDATES] = "SELECT " FACTS_COLS " WHERE o.status = 'approved' AND o.id IN (SELECT "
                     "order_id FROM reservation_ledger WHERE warehouse = ?1) AND NOT EXISTS "
                     "(SELECT 1 FROM merge_members m WHERE m.order_id = o.id) ORDER BY "
                     "o.buyer_phone, o.address_key, o.id",
    [M_INSERT] =
        "INSERT INTO merges (warehouse, created_at, created_by, rule) VALUES (?1,?2,?3,?4)",
    [M_MEMBER_ADD] = "INSERT INTO merge_members (merge_id, order_id) VALUES (?1,?2)",
    [M_GET] = "SELECT id, warehouse, created_at, created_by, rule FROM merges WHERE id = ?1",
    [M_MEMBERS] = "SELECT m.order_id, o.order_no, o.status FROM merge_members m JOIN orders o ON "
                  "o.id = m.order_id WHERE m.merge_id = ?1 ORDER BY m.order_id",
    [M_OF_ORDER] = "SELECT merge_id FROM merge_members WHERE order_id = ?1",
    /* Merges done with (no member approved any more) are left out: waves need only the
     * ones still to pick. */
    [M_MEMBERS_AT] = "SELECT m.merge_id, m.order_id, o.order_no, o.status FROM merges g JOIN "
                     "merge_members m ON m.merge_id = g.id JOIN orders o ON o.id = m.order_id "
                     "WHERE g.warehouse = ?1 AND EXISTS (SELECT 1 FROM merge_members k JOIN "
                     "orders p ON p.id = k.order_id WHERE k.merge_id = g.id AND p.status = "
                     "'approved') ORDER BY m.merge_id, m.order_id",
    [M_REMOVE_MEMBERS] = "DELETE FROM merge_members WHERE merge_id = ?1",
    [M_REMOVE] = "DELETE FROM merges WHERE id = ?1",
    [M_RULE_GET] = "SELECT enabled, updated_at, updated_by FROM merge_rule WHERE id = 1",
    [M_RULE_PUT] = "INSERT INTO merge_rule (id, enabled, updated_at, updated_by) VALUES "
                   "(1,?1,?2,?3) ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, "
                   "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    [M_PARCEL_SHIPMENT] = "UPDATE parcels SET shipment_id = ?2 WHERE id = ?1",
};

static sqlite3_stmt *prep(store_t *s, int q) {
    return sq_extra_stmt(s, SQ_SLOTS_MERGE + q, sql_text[q]);
}

static int end_rows(store_t *s, sqlite3_stmt *st, int rc) {
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_fail(s);
}

static void facts_row(sqlite3_stmt *st, merge_facts_t *f) {
    memset(f, 0, sizeof *f);
    f->order_id = sqlite3_column_int64(st, 0);
    copy_col(f->order_no, sizeof f->order_no, st, 1);
    f->status = order_status_from_name(col_text(st, 2));
    copy_col(f->phone, sizeof f->phone, st, 3);
    copy_col(f->address_key, sizeof f->address_key, st, 4);
    f->n_warehouses = sqlite3_column_int(st, 5);
    copy_col(f->warehouse, sizeof f->warehouse, st, 6);
    f->open_holds = sqlite3_column_int(st, 7);
    f->shortages = sqlite3_column_int(st, 8);
    f->merge_id = sqlite3_column_int64(st, 9);
}

static int mg_order_facts(store_t *s, const char *order_no, merge_facts_t *out) {
    sqlite3_stmt *st = prep(s, M_FACTS);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, order_no);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        facts_row(st, out);
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static int mg_candidates(store_t *s, const char *wh, void (*fn)(void *ctx, const merge_facts_t *f),
                         void *ctx) {
    sqlite3_stmt *st = prep(s, M_CANDIDATES);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        merge_facts_t f;
        facts_row(st, &f);
        fn(ctx, &f);
    }
    return end_rows(s, st, rc);
}

static int mg_insert(store_t *s, const char *wh, bool rule, const char *actor, int64_t now,
                     int64_t *id) {
    sqlite3_stmt *st = prep(s, M_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    sqlite3_bind_int64(st, 2, now);
    bind_text(st, 3, actor);
    sqlite3_bind_int(st, 4, rule ? 1 : 0);
    int rc = sq_exec(s, st, false);
    if (rc == STORE_OK)
        *id = sqlite3_last_insert_rowid(sq_db(s));
    return rc;
}

static int mg_member_add(store_t *s, int64_t merge_id, int64_t order_id) {
    sqlite3_stmt *st = prep(s, M_MEMBER_ADD);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, merge_id);
    sqlite3_bind_int64(st, 2, order_id);
    return sq_exec(s, st, false);
}

static int mg_get(store_t *s, int64_t id, json_t **out) {
    sqlite3_stmt *st = prep(s, M_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = json_pack("{s:I, s:s, s:I, s:s, s:b}", "id", sqlite3_column_int64(st, 0),
                         "warehouse", col_text(st, 1), "created_at", sqlite3_column_int64(st, 2),
                         "created_by", col_text(st, 3), "rule", sqlite3_column_int(st, 4));
    done(st);
    if (rc == SQLITE_DONE)
        return STORE_NOT_FOUND;
    return rc == SQLITE_ROW ? STORE_OK : sq_fail(s);
}

static void member_row(sqlite3_stmt *st, int first, merge_member_t *m) {
    m->order_id = sqlite3_column_int64(st, first);
    copy_col(m->order_no, sizeof m->order_no, st, first + 1);
    m->status = order_status_from_name(col_text(st, first + 2));
}

static int mg_members(store_t *s, int64_t merge_id, merge_member_t *out, int max, int *n) {
    sqlite3_stmt *st = prep(s, M_MEMBERS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, merge_id);
    int rc, count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < max)
        member_row(st, 0, &out[count++]);
    *n = count;
    return end_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int mg_of_order(store_t *s, int64_t order_id, int64_t *merge_id) {
    sqlite3_stmt *st = prep(s, M_OF_ORDER);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, order_id);
    int rc = sqlite3_step(st);
    *merge_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    return end_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int mg_members_at(store_t *s, const char *wh,
                         void (*fn)(void *ctx, int64_t merge_id, const merge_member_t *m),
                         void *ctx) {
    sqlite3_stmt *st = prep(s, M_MEMBERS_AT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, wh);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        merge_member_t m;
        member_row(st, 1, &m);
        fn(ctx, sqlite3_column_int64(st, 0), &m);
    }
    return end_rows(s, st, rc);
}

static int mg_remove(store_t *s, int64_t id) {
    sqlite3_stmt *st = prep(s, M_REMOVE_MEMBERS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sq_exec(s, st, false);
    if (rc != STORE_OK)
        return rc;
    st = prep(s, M_REMOVE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sq_exec(s, st, true);
    return rc == STORE_CONFLICT ? STORE_NOT_FOUND : rc;
}

static int mg_rule_get(store_t *s, bool *enabled, int64_t *updated_at, char updated_by[64]) {
    sqlite3_stmt *st = prep(s, M_RULE_GET);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    *enabled = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    *updated_at = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    if (rc == SQLITE_ROW)
        copy_col(updated_by, 64, st, 2);
    else
        updated_by[0] = '\0';
    return end_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int mg_rule_put(store_t *s, bool enabled, const char *actor, int64_t now) {
    sqlite3_stmt *st = prep(s, M_RULE_PUT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, enabled ? 1 : 0);
    sqlite3_bind_int64(st, 2, now);
    bind_text(st, 3, actor);
    return sq_exec(s, st, false);
}

static int mg_parcel_set_shipment(store_t *s, int64_t parcel_id, int64_t merge_id) {
    sqlite3_stmt *st = prep(s, M_PARCEL_SHIPMENT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, parcel_id);
    sqlite3_bind_int64(st, 2, merge_id);
    int rc = sq_exec(s, st, true);
    return rc == STORE_CONFLICT ? STORE_NOT_FOUND : rc;
}

const merge_store_vtable_t sqlite_merge_vtable = {
    .order_facts = mg_order_facts,
    .candidates = mg_candidates,
    .insert = mg_insert,
    .member_add = mg_member_add,
    .get = mg_get,
    .members = mg_members,
    .of_order = mg_of_order,
    .members_at = mg_members_at,
    .remove = mg_remove,
    .rule_get = mg_rule_get,
    .rule_put = mg_rule_put,
    .parcel_set_shipment = mg_parcel_set_shipment,
};
