/* The write path below the use cases: group commit with per-command savepoints, and the
 * stock guards the store enforces. Real SQLite files in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/console_store.h"
#include "store/store.h"
#include "svc/writer.h"

typedef struct {
    char dir[64];
    char path[128];
} fixture_t;

static int setup(void **state) {
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ordo-unit-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture_t *f = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static store_t *open_rw(fixture_t *f) {
    char err[256];
    store_t *s = store_open(f->path, STORE_READ_WRITE, err, sizeof err);
    if (!s)
        print_error("open: %s\n", err);
    assert_non_null(s);
    return s;
}

static void seed(store_t *s) {
    bool created;
    sku_rec_t sku = {.sku = "S1", .name = "one", .sellable = true};
    warehouse_rec_t wh = {.code = "W1",
                          .name = "w",
                          .province = "北京市",
                          .city = "北京市",
                          .district = "朝阳区",
                          .province_code = 110000,
                          .city_code = 110100,
                          .district_code = 110105,
                          .priority = 1};
    assert_int_equal(s->vt->begin(s), STORE_OK);
    assert_int_equal(s->vt->sku_put(s, &sku, 1, &created), STORE_OK);
    assert_true(created);
    assert_int_equal(s->vt->warehouse_put(s, &wh, 1, &created), STORE_OK);
    assert_int_equal(s->vt->stock_set(s, "W1", "S1", 5, 0, "A-01", 1), STORE_OK);
    assert_int_equal(s->vt->commit(s), STORE_OK);
}

static void stock_guards_never_oversell(void **state) {
    store_t *s = open_rw(*state);
    seed(s);
    stock_row_t row;
    assert_int_equal(s->vt->begin(s), STORE_OK);
    assert_int_equal(s->vt->stock_add_reserved(s, "W1", "S1", 5), STORE_OK);
    assert_int_equal(s->vt->stock_add_reserved(s, "W1", "S1", 1), STORE_CONFLICT);
    assert_int_equal(s->vt->stock_add_reserved(s, "W1", "S1", -6), STORE_CONFLICT);
    /* on_hand may not drop below what is reserved, nor below zero */
    assert_int_equal(s->vt->stock_add_on_hand(s, "W1", "S1", -1, 2), STORE_CONFLICT);
    assert_int_equal(s->vt->stock_add_reserved(s, "W1", "S1", -2), STORE_OK);
    assert_int_equal(s->vt->stock_add_on_hand(s, "W1", "S1", -2, 2), STORE_OK);
    assert_int_equal(s->vt->stock_get(s, "W1", "S1", &row), STORE_OK);
    assert_int_equal(row.on_hand, 3);
    assert_int_equal(row.reserved, 3);
    assert_int_equal(s->vt->commit(s), STORE_OK);
    s->vt->close(s);
}

static void ledger_mismatch_is_reported(void **state) {
    store_t *s = open_rw(*state);
    seed(s);
    json_t *bad = NULL;
    assert_int_equal(s->vt->begin(s), STORE_OK);
    assert_int_equal(s->vt->stock_add_reserved(s, "W1", "S1", 2), STORE_OK);
    /* reserved moved without its ledger row: the replay check must see it */
    assert_int_equal(s->vt->stock_verify(s, &bad), STORE_OK);
    assert_int_equal(json_array_size(bad), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(bad, 0), "reserved")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(bad, 0), "ledger")), 0);
    json_decref(bad);
    reservation_rec_t r = {.order_id = 1,
                           .line_no = 1,
                           .sku = "S1",
                           .warehouse = "W1",
                           .qty = 2,
                           .kind = RES_RESERVE,
                           .cause = "test"};
    assert_int_equal(s->vt->reservation_append(s, &r, 1), STORE_OK);
    assert_int_equal(s->vt->stock_verify(s, &bad), STORE_OK);
    assert_int_equal(json_array_size(bad), 0);
    json_decref(bad);
    assert_int_equal(s->vt->commit(s), STORE_OK);
    s->vt->close(s);
}

/* A command that reserves one unit, and fails (after writing) when asked to. */
typedef struct {
    write_cmd_t cmd;
    bool fail_after_write;
    ordo_err_t result;
    int *completed;
} reserve_cmd_t;

static ordo_err_t reserve_run(store_t *s, write_cmd_t *cmd) {
    reserve_cmd_t *c = (reserve_cmd_t *)cmd;
    if (s->vt->stock_add_reserved(s, "W1", "S1", 1) != STORE_OK)
        return ORDO_E_CONFLICT;
    return c->fail_after_write ? ORDO_E_VALIDATION : ORDO_E_OK;
}

static void reserve_complete(write_cmd_t *cmd, ordo_err_t result) {
    reserve_cmd_t *c = (reserve_cmd_t *)cmd;
    c->result = result;
    (*c->completed)++;
}

static void group_commit_isolates_failing_commands(void **state) {
    fixture_t *f = *state;
    store_t *s = open_rw(f);
    seed(s);
    writer_t *w = writer_start(s, 64, 1000);
    assert_non_null(w);
    enum { N = 12 };
    reserve_cmd_t cmds[N];
    int completed = 0;
    for (int i = 0; i < N; i++) {
        cmds[i] = (reserve_cmd_t){.cmd = {.run = reserve_run, .complete = reserve_complete},
                                  .fail_after_write = i % 3 == 0,
                                  .completed = &completed};
        assert_int_equal(writer_submit(w, &cmds[i].cmd), ORDO_E_OK);
    }
    writer_flush(w);
    assert_int_equal(completed, N);
    /* Commands run in submission order. 0, 3 and 6 write and then fail, rolling back their
     * own unit only; 1, 2, 4, 5 and 7 take the 5 units; 8 to 11 find none left. */
    static const ordo_err_t want[N] = {ORDO_E_VALIDATION, ORDO_E_OK,       ORDO_E_OK,
                                       ORDO_E_VALIDATION, ORDO_E_OK,       ORDO_E_OK,
                                       ORDO_E_VALIDATION, ORDO_E_OK,       ORDO_E_CONFLICT,
                                       ORDO_E_CONFLICT,   ORDO_E_CONFLICT, ORDO_E_CONFLICT};
    for (int i = 0; i < N; i++)
        assert_int_equal(cmds[i].result, want[i]);
    writer_stats_t st;
    writer_get_stats(w, &st);
    assert_int_equal(st.commands, N);
    assert_true(st.commits >= 1 && st.commits <= N);
    /* SQLite defers the log sync to the syncer thread: every acknowledged group was synced,
     * and one sync may cover several groups. */
    assert_true(st.syncs >= 1 && st.syncs <= st.commits);
    writer_stop(w);

    /* What the writer reported as done is on disk for a new connection. */
    char err[256];
    store_t *r = store_open(f->path, STORE_READ_ONLY, err, sizeof err);
    assert_non_null(r);
    stock_row_t row;
    assert_int_equal(r->vt->stock_get(r, "W1", "S1", &row), STORE_OK);
    assert_int_equal(row.reserved, 5);
    r->vt->close(r);
}

/* A failed command's refused hook runs after its writes were rolled back and keeps only
 * what the hook writes (the dashboard's refused-scan counter). */
static void refused_scan_counter(store_t *s, write_cmd_t *cmd) {
    (void)cmd;
    s->vt->console->work_add(s, "scan_refused", 120000, 1);
}

static void a_refused_command_keeps_only_its_refusal(void **state) {
    fixture_t *f = *state;
    store_t *s = open_rw(f);
    seed(s);
    writer_t *w = writer_start(s, 64, 1000);
    int completed = 0;
    reserve_cmd_t failing = {
        .cmd = {.run = reserve_run, .complete = reserve_complete, .refused = refused_scan_counter},
        .fail_after_write = true,
        .completed = &completed};
    reserve_cmd_t fine = {
        .cmd = {.run = reserve_run, .complete = reserve_complete, .refused = refused_scan_counter},
        .completed = &completed};
    assert_int_equal(writer_exec(w, &failing.cmd), ORDO_E_VALIDATION);
    assert_int_equal(writer_exec(w, &fine.cmd), ORDO_E_OK);
    writer_stop(w);
    assert_int_equal(completed, 2);

    char err[256];
    store_t *r = store_open(f->path, STORE_READ_ONLY, err, sizeof err);
    assert_non_null(r);
    stock_row_t row;
    assert_int_equal(r->vt->stock_get(r, "W1", "S1", &row), STORE_OK);
    assert_int_equal(row.reserved, 1); /* the failing command's unit was rolled back */
    int64_t refused = 0;
    assert_int_equal(r->vt->console->work_total(r, "scan_refused", 0, 10, &refused), STORE_OK);
    assert_int_equal(refused, 1); /* counted once: not for the command that succeeded */
    r->vt->close(r);
}

static void refuses_work_when_the_queue_is_full(void **state) {
    store_t *s = open_rw(*state);
    seed(s);
    writer_t *w = writer_start(s, 1, 0); /* a queue of zero: nothing fits */
    int completed = 0;
    reserve_cmd_t c = {.cmd = {.run = reserve_run, .complete = reserve_complete},
                       .completed = &completed};
    assert_int_equal(writer_submit(w, &c.cmd), ORDO_E_OVERLOADED);
    writer_stop(w);
    assert_int_equal(completed, 0);
}

/* Counts the writer's settle notifications and checks that groups settle in order. */
typedef struct {
    writer_t *w;
    int calls;
    uint64_t last_settled;
    bool out_of_order;
} listener_t;

static void on_settled(void *ctx) {
    listener_t *l = ctx;
    uint64_t settled = writer_groups_settled(l->w);
    if (settled < l->last_settled || settled > writer_groups_begun(l->w))
        l->out_of_order = true;
    l->last_settled = settled;
    l->calls++;
}

static void groups_settle_in_order_and_listeners_hear_it(void **state) {
    store_t *s = open_rw(*state);
    seed(s);
    writer_t *w = writer_start(s, 4, 1000);
    assert_int_equal(writer_groups_begun(w), 0);
    assert_int_equal(writer_groups_settled(w), 0);
    listener_t l = {.w = w};
    assert_true(writer_listen(w, on_settled, &l));
    enum { N = 9 };
    reserve_cmd_t cmds[N];
    int completed = 0;
    for (int i = 0; i < N; i++) {
        cmds[i] = (reserve_cmd_t){.cmd = {.run = reserve_run, .complete = reserve_complete},
                                  .completed = &completed};
        assert_int_equal(writer_submit(w, &cmds[i].cmd), ORDO_E_OK);
    }
    writer_flush(w);
    /* At most 4 commands a group: at least 3 groups, all durable (or failed) by now. */
    uint64_t groups = writer_groups_begun(w);
    assert_true(groups >= 3 && groups <= N);
    assert_int_equal(writer_groups_settled(w), groups);
    assert_true(l.calls >= 1);
    assert_false(l.out_of_order);
    assert_int_equal(l.last_settled, groups);

    writer_unlisten(w, on_settled, &l);
    int calls = l.calls;
    reserve_cmd_t more = {.cmd = {.run = reserve_run, .complete = reserve_complete},
                          .completed = &completed};
    assert_int_equal(writer_exec(w, &more.cmd), ORDO_E_CONFLICT); /* the stock is gone */
    writer_flush(w);
    assert_int_equal(writer_groups_settled(w), groups + 1);
    assert_int_equal(l.calls, calls);
    writer_stop(w);
}

/* The warehouses an order involves, as of a moment: stock reserved then released still
 * counts, stock reserved later does not yet. */
static void order_warehouses_as_of_a_moment(void **state) {
    store_t *s = open_rw(*state);
    seed(s);
    reservation_rec_t r = {.order_id = 7,
                           .line_no = 1,
                           .sku = "S1",
                           .warehouse = "W2",
                           .qty = 1,
                           .kind = RES_RESERVE,
                           .cause = "test"};
    assert_int_equal(s->vt->begin(s), STORE_OK);
    assert_int_equal(s->vt->reservation_append(s, &r, 100), STORE_OK);
    r.qty = -1;
    r.kind = RES_RELEASE;
    assert_int_equal(s->vt->reservation_append(s, &r, 200), STORE_OK);
    r.warehouse = "W1";
    r.qty = 1;
    r.kind = RES_RERESERVE;
    assert_int_equal(s->vt->reservation_append(s, &r, 300), STORE_OK);
    assert_int_equal(s->vt->commit(s), STORE_OK);
    char codes[4][65];
    int n = -1;
    assert_int_equal(s->vt->order_warehouses(s, 7, 99, codes, 4, &n), STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(s->vt->order_warehouses(s, 7, 250, codes, 4, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(codes[0], "W2");
    assert_int_equal(s->vt->order_warehouses(s, 7, 300, codes, 4, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(codes[0], "W1");
    assert_string_equal(codes[1], "W2");
    assert_int_equal(s->vt->order_warehouses(s, 7, 300, codes, 1, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(s->vt->order_warehouses(s, 8, 300, codes, 4, &n), STORE_OK);
    assert_int_equal(n, 0);
    s->vt->close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stock_guards_never_oversell, setup, teardown),
        cmocka_unit_test_setup_teardown(ledger_mismatch_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(group_commit_isolates_failing_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(a_refused_command_keeps_only_its_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_work_when_the_queue_is_full, setup, teardown),
        cmocka_unit_test_setup_teardown(groups_settle_in_order_and_listeners_hear_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(order_warehouses_as_of_a_moment, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
