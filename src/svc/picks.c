#include "svc/picks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/console_store.h"
#include "svc/allocation.h"
#include "svc/exceptions.h"
#include "svc/fields.h"
#include "svc/pick_source.h"
#include "svc/stock.h"
#include "svc/timeline.h"
#include "svc/waves.h"
#include "util/timefmt.h"

#define PICK_QTY_MAX 999
#define SCAN_ID_MAX 64

typedef enum { PICK_SCAN, PICK_SHORT, PICK_QC } pick_action_t;

typedef struct {
    svc_op_t op;
    pick_action_t action;
    int64_t task_id;
    char barcode[ORDO_CODE_MAX + 1];
    char lot[ORDO_CODE_MAX + 1];
    char sku[ORDO_CODE_MAX + 1];
    char bin[ORDO_CODE_MAX + 1];
    char order_no[32];
    char scan_id[SCAN_ID_MAX + 1];
    char reason[16];                   /* QC: damaged | shelf_life */
    int64_t qty, found, confirm_count; /* confirm_count < 0: not sent */
} pick_op_t;

/* A task and its lines as one write sees them. */
typedef struct {
    pick_task_t task;
    pick_line_t *lines;
    int n;
} task_state_t;

static int task_load(store_t *s, int64_t id, task_state_t *t) {
    t->lines = NULL;
    t->n = 0;
    int rc = s->vt->pick->task_get(s, id, &t->task);
    if (rc == STORE_OK)
        rc = s->vt->pick->task_lines(s, id, &t->lines, &t->n);
    return rc;
}

/* Units still to pick on a line: none for an order cancelled since the wave. */
static int64_t line_left(const pick_line_t *l) {
    return l->order_cancelled ? 0 : l->qty - l->picked;
}

static int64_t task_remaining(const task_state_t *t) {
    int64_t left = 0;
    for (int i = 0; i < t->n; i++)
        left += line_left(&t->lines[i]);
    return left;
}

/* Writes the task's counters and its status (done once nothing is left to pick). */
static int task_save(store_t *s, task_state_t *t) {
    snprintf(t->task.status, sizeof t->task.status, "%s", task_remaining(t) ? "open" : "done");
    if (t->task.confirmed > t->task.picked)
        t->task.confirmed = t->task.picked;
    return s->vt->pick->task_update(s, t->task.id, t->task.status, t->task.picked,
                                    t->task.confirmed);
}

/* Every order on the task whose every pick line is picked (and that is short of nothing)
 * gets a `picked` timeline event: it is ready to pack. */
static int note_orders_picked(store_t *s, const task_state_t *t, const char *actor, int64_t now) {
    int rc = STORE_OK;
    for (int i = 0; i < t->n && rc == STORE_OK; i++) {
        bool first = true;
        for (int j = 0; j < i; j++)
            if (t->lines[j].order_id == t->lines[i].order_id)
                first = false;
        if (!first)
            continue;
        json_t *view = NULL;
        rc = pick_items_of_order(s, t->lines[i].order_id, t->lines[i].order_no, &view);
        if (rc == STORE_OK && json_is_true(json_object_get(view, "ready_to_pack"))) {
            char msg[96];
            snprintf(msg, sizeof msg, "every unit picked (task %lld); ready to pack",
                     (long long)t->task.id);
            rc = timeline_note(s, t->lines[i].order_id, t->lines[i].order_no, actor, "picked", msg,
                               now);
        }
        json_decref(view);
    }
    return rc;
}

static ordo_err_t refuse(svc_result_t *r, const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static ordo_err_t refuse(svc_result_t *r, const char *field, const char *code, const char *fmt,
                         ...) {
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    field_errors_add(svc_errors(r), field, code, "%s", msg);
    return svc_fail(r, ORDO_E_VALIDATION, "%s", msg);
}

/* ---- scan ---- */

static ordo_err_t scan_apply(store_t *s, pick_op_t *k, task_state_t *t) {
    svc_result_t *r = &k->op.result;
    bool count_due = t->task.picked - t->task.confirmed >= PICK_COUNT_EVERY;
    if (k->confirm_count >= 0) {
        if (k->confirm_count != t->task.picked)
            return refuse(r, "confirm_count", "count_mismatch",
                          "the tote should hold %lld items by the scans, not %lld: recount it "
                          "(scan back any item not on the list)",
                          (long long)t->task.picked, (long long)k->confirm_count);
        t->task.confirmed = t->task.picked;
        count_due = false;
    }
    if (!k->barcode[0]) {
        if (k->confirm_count < 0)
            return refuse(r, "barcode", "required", "scan an item (barcode) or confirm a count");
        return ORDO_E_OK;
    }
    if (count_due)
        return refuse(r, "confirm_count", "count_required",
                      "%d items were picked since the last count: count the items in the tote "
                      "and send confirm_count with this scan",
                      PICK_COUNT_EVERY);
    int64_t left_item = 0, left_lot = 0;
    const pick_line_t *next = NULL; /* the next open line of this item, for the messages */
    bool on_list = false, live = false;
    for (int i = 0; i < t->n; i++) {
        const pick_line_t *l = &t->lines[i];
        if (strcmp(l->barcode, k->barcode) != 0)
            continue;
        on_list = true;
        live = live || !l->order_cancelled;
        int64_t left = line_left(l);
        left_item += left;
        if (left > 0 && !next)
            next = l;
        if (!l->lot[0] || strcmp(l->lot, k->lot) == 0)
            left_lot += left;
    }
    if (!on_list)
        return refuse(r, "barcode", "wrong_item",
                      "wrong item: barcode %s is not on pick task %lld; put it back", k->barcode,
                      (long long)t->task.id);
    if (!live)
        return refuse(r, "barcode", "order_cancelled",
                      "barcode %s on task %lld is for an order cancelled since the wave; put it "
                      "back",
                      k->barcode, (long long)t->task.id);
    if (left_item == 0)
        return refuse(r, "qty", "over_pick",
                      "over-pick: every unit of barcode %s on task %lld is already picked; put "
                      "it back",
                      k->barcode, (long long)t->task.id);
    if (next->lot[0] && !k->lot[0])
        return refuse(r, "lot", "required", "%s is picked by lot: scan the lot (pick lot %s)",
                      next->sku, next->lot);
    if (next->lot[0] && left_lot == 0)
        return refuse(r, "lot", "wrong_lot",
                      "wrong lot: lot %s is not the lot to pick of %s; pick lot %s from bin %s",
                      k->lot, next->sku, next->lot, next->bin);
    if (k->qty > left_lot)
        return refuse(r, "qty", "over_pick",
                      "over-pick: %lld of %s%s%s are left to pick on this task, not %lld",
                      (long long)left_lot, next->sku, next->lot[0] ? " lot " : "",
                      next->lot[0] ? k->lot : "", (long long)k->qty);
    /* The units go to the open lines of that item and lot in route order: for a batch, each
     * line's order and put-wall slot say where they are sorted to. */
    json_t *sort_to = json_array();
    int64_t todo = k->qty;
    int rc = STORE_OK;
    for (int i = 0; i < t->n && todo > 0 && rc == STORE_OK; i++) {
        pick_line_t *l = &t->lines[i];
        if (strcmp(l->barcode, k->barcode) != 0 || (l->lot[0] && strcmp(l->lot, k->lot) != 0))
            continue;
        int64_t take = line_left(l) < todo ? line_left(l) : todo;
        if (take <= 0)
            continue;
        l->picked += take;
        todo -= take;
        rc = s->vt->pick->line_update(s, t->task.id, l->seq, l->qty, l->picked);
        json_t *j = json_pack("{s:s, s:I}", "order_no", l->order_no, "qty", (json_int_t)take);
        if (l->slot)
            json_object_set_new(j, "slot", json_integer(l->slot));
        json_array_append_new(sort_to, j);
    }
    t->task.picked += k->qty;
    if (rc != STORE_OK) {
        json_decref(sort_to);
        return ORDO_E_STORE;
    }
    svc_ok(r, 200, json_pack("{s:o}", "sort_to", sort_to));
    return ORDO_E_OK;
}

/* ---- re-sourcing after a short pick or a QC reject ---- */

static int line_short(store_t *s, int64_t order_id, int line_no, int64_t *missing) {
    shortage_t sh[ORDO_ORDER_LINES_MAX];
    int n = 0;
    int rc = s->vt->shortages_of_order(s, order_id, sh, ORDO_ORDER_LINES_MAX, &n);
    *missing = 0;
    for (int i = 0; i < n; i++)
        if (sh[i].line_no == line_no)
            *missing = sh[i].missing;
    return rc;
}

/* Gives back up to `units` of an order's line at a warehouse (the pick cut them); *released
 * gets how many it still held there (a stocktake may have taken some back already). */
static int release_units(store_t *s, const pick_line_t *l, int64_t units, const char *cause,
                         int64_t now, int64_t *released) {
    held_t held[ORDO_ORDER_LINES_MAX];
    int n = 0;
    *released = 0;
    int rc = s->vt->reservations_of_order(s, l->order_id, held, ORDO_ORDER_LINES_MAX, &n);
    for (int i = 0; i < n; i++)
        if (held[i].line_no == l->line_no && strcmp(held[i].warehouse, l->warehouse) == 0)
            *released = held[i].qty < units ? held[i].qty : units;
    if (rc != STORE_OK || *released == 0)
        return rc;
    rc = s->vt->stock_add_reserved(s, l->warehouse, l->sku, -*released);
    reservation_rec_t rec = {.order_id = l->order_id,
                             .line_no = l->line_no,
                             .sku = l->sku,
                             .warehouse = l->warehouse,
                             .qty = (int32_t) - *released,
                             .kind = RES_RELEASE,
                             .cause = cause};
    if (rc == STORE_OK)
        rc = s->vt->reservation_append(s, &rec, now);
    return rc;
}

/* Cuts units from an order's line: gives them back and records them as short on the line. */
static int cut_units(store_t *s, const pick_line_t *l, int64_t units, const char *cause,
                     int64_t now) {
    int64_t released = 0, was_short = 0;
    int rc = release_units(s, l, units, cause, now, &released);
    if (rc == STORE_OK)
        rc = line_short(s, l->order_id, l->line_no, &was_short);
    if (rc == STORE_OK && released > 0)
        rc = s->vt->shortage_set(s, l->order_id, l->line_no, l->sku, was_short + released, now);
    return rc;
}

/* Appends pick lines for units reserved at the task's warehouse, from qualifying lots (not
 * exclude_lot). *placed gets the units given lines. */
static int append_lines(store_t *s, task_state_t *t, const pick_line_t *like, int64_t units,
                        const char *exclude_lot, int32_t today, int64_t *placed) {
    pick_source_t *src = malloc(sizeof *src);
    if (!src)
        return STORE_ERROR;
    int rc = pick_source_load(s, like->warehouse, like->sku, src);
    pick_take_t takes[PICK_SOURCE_LOTS_MAX];
    int64_t missing = 0;
    int n = rc == STORE_OK ? pick_source_take(src, units, today, exclude_lot, takes, &missing) : 0;
    int seq = 0;
    for (int i = 0; i < t->n; i++)
        if (t->lines[i].seq > seq)
            seq = t->lines[i].seq;
    *placed = 0;
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        pick_line_t l = *like;
        l.task_id = t->task.id;
        l.seq = ++seq;
        l.qty = takes[i].qty;
        l.picked = 0;
        snprintf(l.lot, sizeof l.lot, "%s", takes[i].lot);
        rc = s->vt->pick->line_insert(s, &l);
        *placed += l.qty;
    }
    free(src);
    return rc;
}

/* Reserves what the order's line is short of, at the task's warehouse when it has qualifying
 * units free (try_here), else wherever the reservation plan finds them; units reserved at the
 * task's warehouse get new pick lines on the task. Describes the outcome in `outcome`. */
static int resource_line(store_t *s, task_state_t *t, const pick_line_t *like,
                         const char *exclude_lot, bool try_here, const char *actor, int64_t now,
                         json_t *outcome) {
    int64_t want = 0;
    int rc = line_short(s, like->order_id, like->line_no, &want);
    if (rc != STORE_OK || want == 0)
        return rc;
    int32_t today = day_in_china(now);
    char msg[320];
    if (try_here) {
        stock_row_t row;
        rc = s->vt->stock_get(s, like->warehouse, like->sku, &row);
        pick_source_t *src = malloc(sizeof *src);
        pick_take_t takes[PICK_SOURCE_LOTS_MAX];
        int64_t missing = want;
        if (rc == STORE_OK && src &&
            pick_source_load(s, like->warehouse, like->sku, src) == STORE_OK)
            pick_source_take(src, want, today, exclude_lot, takes, &missing);
        free(src);
        if (rc == STORE_OK && missing == 0 && row.on_hand - row.reserved >= want) {
            reservation_rec_t rec = {.order_id = like->order_id,
                                     .line_no = like->line_no,
                                     .sku = like->sku,
                                     .warehouse = like->warehouse,
                                     .qty = (int32_t)want,
                                     .kind = RES_RERESERVE,
                                     .cause = "pick_swap"};
            rc = s->vt->stock_add_reserved(s, like->warehouse, like->sku, want);
            if (rc == STORE_OK)
                rc = s->vt->reservation_append(s, &rec, now);
            if (rc == STORE_OK)
                rc = s->vt->shortage_set(s, like->order_id, like->line_no, like->sku, 0, now);
            int64_t placed = 0;
            if (rc == STORE_OK)
                rc = append_lines(s, t, like, want, exclude_lot, today, &placed);
            json_object_set_new(outcome, "outcome", json_string("replaced"));
            json_object_set_new(outcome, "units", json_integer(want));
            return rc;
        }
        if (rc != STORE_OK)
            return rc;
    }
    order_rec_t rec = {0};
    rc = s->vt->order_get(s, like->order_id, NULL, &rec);
    alloc_job_t *job = calloc(1, sizeof *job);
    if (!job)
        rc = STORE_ERROR;
    if (rc == STORE_OK) {
        job->order_id = like->order_id;
        job->splittable = rec.splittable;
        job->province_code = rec.province_code;
        job->n_lines = 1;
        job->line_no[0] = like->line_no;
        job->sku[0] = like->sku;
        job->want[0] = (int32_t)want;
        rc = alloc_reserve(s, job, RES_RERESERVE, "short_pick", now);
    }
    int64_t here = 0, elsewhere = 0, still_short = 0;
    json_t *where = json_array();
    for (int i = 0; rc == STORE_OK && i < job->n_allocs; i++) {
        const char *wh = job->wh_codes[job->allocs[i].warehouse];
        if (strcmp(wh, like->warehouse) == 0)
            here += job->allocs[i].qty;
        else {
            elsewhere += job->allocs[i].qty;
            json_array_append_new(where, json_string(wh));
        }
    }
    if (job)
        still_short = job->short_qty[0];
    int64_t placed = 0;
    if (rc == STORE_OK && here > 0)
        rc = append_lines(s, t, like, here, exclude_lot, today, &placed);
    if (rc == STORE_OK && placed < here) {
        /* reserved here, but no lot here leaves the shelf life the SKU needs */
        snprintf(msg, sizeof msg,
                 "%lld units of %s reserved at %s cannot be picked: no lot there has the shelf "
                 "life left it needs",
                 (long long)(here - placed), like->sku, like->warehouse);
        exception_rec_t e = {.order_id = like->order_id,
                             .code = "expiry_short",
                             .severity = "red",
                             .message = msg,
                             .at_ms = now};
        rc = s->vt->exception_open(s, &e, NULL);
    }
    if (rc == STORE_OK && elsewhere > 0) {
        snprintf(msg, sizeof msg,
                 "%lld units of %s re-reserved at another warehouse after a short pick at %s "
                 "(task %lld): pick them there",
                 (long long)elsewhere, like->sku, like->warehouse, (long long)t->task.id);
        exception_rec_t e = {.order_id = like->order_id,
                             .code = "pick_reallocated",
                             .severity = "yellow",
                             .message = msg,
                             .at_ms = now};
        rc = s->vt->exception_open(s, &e, NULL);
        if (rc == STORE_OK)
            rc = timeline_note(s, like->order_id, like->order_no, actor, "stock", msg, now);
    }
    if (rc == STORE_OK && still_short > 0) {
        snprintf(msg, sizeof msg,
                 "%lld units of %s backordered: no warehouse has them after a short pick at %s "
                 "(task %lld); they are reserved on restock",
                 (long long)still_short, like->sku, like->warehouse, (long long)t->task.id);
        rc = alloc_flag_short(s, &rec, msg, now);
        if (rc == STORE_OK)
            rc = timeline_note(s, like->order_id, like->order_no, actor, "stock", msg, now);
    }
    json_object_set_new(outcome, "outcome",
                        json_string(still_short ? "backordered"
                                    : elsewhere ? "reallocated"
                                                : "replaced"));
    json_object_set_new(outcome, "units", json_integer(want));
    json_object_set_new(outcome, "backordered", json_integer(still_short));
    json_object_set_new(outcome, "warehouses", where);
    if (job)
        alloc_job_clear(job);
    free(job);
    order_rec_clear(&rec);
    return rc;
}

/* Takes units off the stock of a line's SKU (and of its lot) at its warehouse: a stock
 * discrepancy recorded in the stock ledger with reason. */
static int write_off(store_t *s, const pick_line_t *l, int64_t units, const char *reason,
                     const char *actor, int64_t now) {
    int rc = STORE_OK;
    if (l->lot[0]) {
        rc = s->vt->pick->lot_add(s, l->warehouse, l->sku, l->lot, -units, now);
        if (rc == STORE_CONFLICT)
            rc = STORE_ERROR; /* a lot holds at least what its open lines take */
    }
    stock_row_t row;
    if (rc == STORE_OK)
        rc = s->vt->stock_get(s, l->warehouse, l->sku, &row);
    if (rc == STORE_OK)
        rc = stock_recount(s, l->warehouse, l->sku, row.on_hand - units, actor, reason, now);
    return rc;
}

/* After a short pick: writes off every unit of the line's lot (or, without lots, of the SKU
 * at the warehouse) that no pick line and no reservation accounts for. *units gets how many. */
static int write_off_free(store_t *s, const pick_line_t *l, const char *reason, const char *actor,
                          int64_t now, int64_t *units) {
    *units = 0;
    if (l->lot[0]) {
        lot_row_t lots[PICK_SOURCE_LOTS_MAX];
        int n = 0;
        int rc = s->vt->pick->lots_of(s, l->warehouse, l->sku, lots, PICK_SOURCE_LOTS_MAX, &n);
        for (int i = 0; i < n; i++)
            if (strcmp(lots[i].lot, l->lot) == 0 && lots[i].free_units > 0)
                *units = lots[i].free_units;
        return rc == STORE_OK && *units ? write_off(s, l, *units, reason, actor, now) : rc;
    }
    stock_row_t row;
    int rc = s->vt->stock_get(s, l->warehouse, l->sku, &row);
    if (rc != STORE_OK || row.on_hand <= row.reserved)
        return rc;
    *units = row.on_hand - row.reserved;
    return stock_recount(s, l->warehouse, l->sku, row.reserved, actor, reason, now);
}

/* ---- short pick ---- */

static ordo_err_t short_apply(store_t *s, pick_op_t *k, task_state_t *t) {
    svc_result_t *r = &k->op.result;
    int64_t left = 0;
    for (int i = 0; i < t->n; i++) {
        pick_line_t *l = &t->lines[i];
        if (strcmp(l->sku, k->sku) == 0 && strcmp(l->bin, k->bin) == 0 &&
            (!k->lot[0] || strcmp(l->lot, k->lot) == 0))
            left += line_left(l);
    }
    if (left == 0)
        return refuse(r, "sku", "not_on_task",
                      "nothing of %s%s%s is left to pick at bin %s on "
                      "task %lld",
                      k->sku, k->lot[0] ? " lot " : "", k->lot, k->bin, (long long)t->task.id);
    if (k->found >= left)
        return refuse(r, "found", "found_covers",
                      "%lld found cover the %lld left to pick: scan them instead",
                      (long long)k->found, (long long)left);
    int64_t missing = left - k->found;
    char reason[ORDO_CODE_MAX * 2 + 96];
    snprintf(reason, sizeof reason, "short pick at bin %s, task %lld: %lld expected, %lld found",
             k->bin, (long long)t->task.id, (long long)left, (long long)k->found);
    /* The last lines on the route lose their units first: the picker keeps what was found
     * for the lines before. */
    int rc = STORE_OK;
    json_t *orders = json_array();
    int64_t cut_total = 0;
    int *cut_lines = malloc(sizeof *cut_lines * (size_t)t->n);
    int n_cut = 0;
    if (!cut_lines)
        rc = STORE_ERROR;
    for (int i = t->n - 1; i >= 0 && cut_total < missing && rc == STORE_OK; i--) {
        pick_line_t *l = &t->lines[i];
        if (strcmp(l->sku, k->sku) != 0 || strcmp(l->bin, k->bin) != 0 ||
            (k->lot[0] && strcmp(l->lot, k->lot) != 0))
            continue;
        int64_t open = line_left(l);
        int64_t cut = open < missing - cut_total ? open : missing - cut_total;
        if (cut <= 0)
            continue;
        l->qty -= cut;
        cut_total += cut;
        cut_lines[n_cut++] = i;
        rc = s->vt->pick->line_update(s, t->task.id, l->seq, l->qty, l->picked);
        if (rc == STORE_OK)
            rc = cut_units(s, l, cut, "short_pick", k->op.now_ms);
        if (rc == STORE_OK)
            rc = timeline_note(s, l->order_id, l->order_no, k->op.actor, "stock", reason,
                               k->op.now_ms);
        json_array_append_new(orders, json_pack("{s:s, s:s, s:I}", "order_no", l->order_no, "lot",
                                                l->lot, "cut", (json_int_t)cut));
    }
    /* What the bin showed is the truth for what no order holds either: besides the units the
     * pick lacked, the free units the stock (or the lot) claimed there are written off, so
     * nothing sends a picker back to the same empty bin. Other orders' reservations stay
     * until their own pickers reach the bin. */
    int64_t written_off = 0;
    if (rc == STORE_OK && n_cut > 0)
        rc = write_off_free(s, &t->lines[cut_lines[0]], reason, k->op.actor, k->op.now_ms,
                            &written_off);
    for (int c = 0; c < n_cut && rc == STORE_OK; c++) {
        pick_line_t *l = &t->lines[cut_lines[c]];
        /* a lot's shortfall may come from the SKU's other qualifying lots here */
        rc = resource_line(s, t, l, l->lot[0] ? l->lot : NULL, l->lot[0] != '\0', k->op.actor,
                           k->op.now_ms, json_array_get(orders, (size_t)c));
    }
    free(cut_lines);
    stock_row_t row = {0};
    if (rc == STORE_OK)
        rc = s->vt->stock_get(s, t->task.warehouse, k->sku, &row);
    if (rc != STORE_OK) {
        json_decref(orders);
        return ORDO_E_STORE;
    }
    svc_ok(r, 200,
           json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "sku", k->sku, "bin", k->bin, "found",
                     (json_int_t)k->found, "missing", (json_int_t)missing, "written_off",
                     (json_int_t)written_off, "stock_on_hand", (json_int_t)row.on_hand, "orders",
                     orders));
    return ORDO_E_OK;
}

/* ---- QC reject ---- */

static ordo_err_t qc_apply(store_t *s, pick_op_t *k, task_state_t *t) {
    svc_result_t *r = &k->op.result;
    pick_line_t *hit = NULL;
    for (int i = 0; i < t->n && !hit; i++) {
        pick_line_t *l = &t->lines[i];
        if (l->picked > 0 && !l->order_cancelled && strcmp(l->barcode, k->barcode) == 0 &&
            (!k->lot[0] || strcmp(l->lot, k->lot) == 0) &&
            (!k->order_no[0] || strcmp(l->order_no, k->order_no) == 0))
            hit = l;
    }
    if (!hit)
        return refuse(r, "barcode", "not_picked",
                      "no picked unit of barcode %s%s%s%s%s is on task %lld", k->barcode,
                      k->lot[0] ? " lot " : "", k->lot, k->order_no[0] ? " for order " : "",
                      k->order_no, (long long)t->task.id);
    bool damaged = strcmp(k->reason, "damaged") == 0;
    char reason[ORDO_CODE_MAX * 2 + 96];
    snprintf(reason, sizeof reason, "QC reject (%s) of %s%s%s, task %lld", k->reason, hit->sku,
             hit->lot[0] ? " lot " : "", hit->lot, (long long)t->task.id);
    hit->qty -= 1;
    hit->picked -= 1;
    t->task.picked -= 1;
    int rc = s->vt->pick->line_update(s, t->task.id, hit->seq, hit->qty, hit->picked);
    if (rc == STORE_OK)
        rc = cut_units(s, hit, 1, "qc_reject", k->op.now_ms);
    /* A damaged unit leaves stock; one whose shelf life fails goes back to its bin, and its
     * lot is not taken for the swap. */
    if (rc == STORE_OK && damaged)
        rc = write_off(s, hit, 1, reason, k->op.actor, k->op.now_ms);
    if (rc == STORE_OK)
        rc = timeline_note(s, hit->order_id, hit->order_no, k->op.actor, "stock", reason,
                           k->op.now_ms);
    json_t *o = json_pack("{s:s, s:s, s:s}", "order_no", hit->order_no, "reason", k->reason,
                          "rejected_lot", hit->lot);
    if (rc == STORE_OK)
        rc =
            resource_line(s, t, hit, damaged ? NULL : hit->lot, true, k->op.actor, k->op.now_ms, o);
    if (rc != STORE_OK) {
        json_decref(o);
        return ORDO_E_STORE;
    }
    svc_ok(r, 200, o);
    return ORDO_E_OK;
}

/* ---- the op ---- */

static ordo_err_t pick_run(store_t *s, svc_op_t *op) {
    pick_op_t *k = (pick_op_t *)op;
    if (k->scan_id[0]) {
        char *before = NULL;
        int rc = s->vt->pick->scan_get(s, k->task_id, k->scan_id, &before);
        if (rc == STORE_OK) {
            svc_ok(&op->result, 200, json_loads(before, 0, NULL));
            free(before);
            return ORDO_E_OK;
        }
        if (rc != STORE_NOT_FOUND)
            return ORDO_E_STORE;
    }
    task_state_t t;
    int rc = task_load(s, k->task_id, &t);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no pick task %lld", (long long)k->task_id);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    ordo_err_t e;
    if (k->action != PICK_QC && strcmp(t.task.status, "open") != 0)
        e = svc_fail(&op->result, ORDO_E_CONFLICT, "pick task %lld is %s: nothing is left to pick",
                     (long long)k->task_id, t.task.status);
    else if (k->action == PICK_SCAN)
        e = scan_apply(s, k, &t);
    else if (k->action == PICK_SHORT)
        e = short_apply(s, k, &t);
    else
        e = qc_apply(s, k, &t);
    free(t.lines);
    if (e != ORDO_E_OK)
        return e;
    /* The dashboard's scan-mismatch and short-pick rates count these (store/console_store.h). */
    const char *counted = k->action == PICK_SHORT                   ? "pick_short"
                          : k->action == PICK_SCAN && k->barcode[0] ? "scan"
                                                                    : NULL;
    if (counted && s->vt->console->work_add(s, counted, op->now_ms, 1) != STORE_OK)
        return ORDO_E_STORE;
    if (!op->result.body)
        svc_ok(&op->result, 200, json_object()); /* a count confirmed without a scan */
    /* Re-read: short picks and swaps add and change lines. */
    pick_task_t counters = t.task;
    rc = task_load(s, k->task_id, &t);
    t.task.picked = counters.picked;
    t.task.confirmed = counters.confirmed;
    bool was_open = strcmp(counters.status, "open") == 0;
    if (rc == STORE_OK)
        rc = task_save(s, &t);
    if (rc == STORE_OK && was_open && strcmp(t.task.status, "done") == 0)
        rc = note_orders_picked(s, &t, op->actor, op->now_ms);
    json_t *body = op->result.body;
    if (rc == STORE_OK) {
        int64_t left = task_remaining(&t);
        json_object_set_new(body, "task", json_integer(t.task.id));
        json_object_set_new(body, "status", json_string(t.task.status));
        json_object_set_new(body, "picked", json_integer(t.task.picked));
        json_object_set_new(body, "remaining", json_integer(left));
        json_object_set_new(body, "count_due",
                            json_boolean(t.task.picked - t.task.confirmed >= PICK_COUNT_EVERY));
    }
    free(t.lines);
    if (rc == STORE_OK && k->scan_id[0]) {
        char *text = json_dumps(body, JSON_COMPACT);
        rc = text ? s->vt->pick->scan_put(s, k->task_id, k->scan_id, text) : STORE_ERROR;
        free(text);
    }
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}

/* A scan refused with 422 changes nothing, but it is counted: the dashboard's scan-mismatch
 * rate is refused scans over all scans. */
static void pick_refused(store_t *s, svc_op_t *op) {
    pick_op_t *k = (pick_op_t *)op;
    if (k->action == PICK_SCAN && k->barcode[0] && op->result.err == ORDO_E_VALIDATION)
        s->vt->console->work_add(s, "scan_refused", op->now_ms, 1);
}

/* The op for a request whose body was read into immediate's errors: NULL with the 422
 * (`invalid` as its detail) when there are any. */
static pick_op_t *pick_op_new(app_t *app, int64_t task_id, pick_action_t action, const char *actor,
                              svc_result_t *immediate, const char *invalid) {
    if (svc_errors(immediate)->count) {
        svc_fail(immediate, ORDO_E_VALIDATION, "%s", invalid);
        return NULL;
    }
    pick_op_t *k = (pick_op_t *)svc_op_alloc(sizeof *k, app, actor);
    if (!k) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    k->op.run = pick_run;
    k->op.refused = pick_refused;
    k->task_id = task_id;
    k->action = action;
    k->confirm_count = -1;
    return k;
}

static void copy_field(char *dst, size_t cap, const char *v) {
    snprintf(dst, cap, "%s", v ? v : "");
}

svc_op_t *pick_scan_op(app_t *app, int64_t task_id, json_t *body, const char *actor,
                       svc_result_t *immediate) {
    if (!fields_require_object(body, "the scan must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    const char *barcode = field_string(body, "barcode", false, ORDO_CODE_MAX, e);
    const char *lot = field_string(body, "lot", false, ORDO_CODE_MAX, e);
    const char *scan_id = field_string(body, "scan_id", false, SCAN_ID_MAX, e);
    int64_t qty = field_int(body, "qty", false, 1, PICK_QTY_MAX, 1, e);
    bool has_count = json_object_get(body, "confirm_count") != NULL;
    int64_t count = field_int(body, "confirm_count", false, 0, 1000000000, -1, e);
    if (!barcode && !has_count)
        field_errors_add(e, "barcode", "required", "scan an item (barcode) or confirm a count");
    pick_op_t *k = pick_op_new(app, task_id, PICK_SCAN, actor, immediate, "the scan is invalid");
    if (!k)
        return NULL;
    copy_field(k->barcode, sizeof k->barcode, barcode);
    copy_field(k->lot, sizeof k->lot, lot);
    copy_field(k->scan_id, sizeof k->scan_id, scan_id);
    k->qty = qty;
    k->confirm_count = has_count ? count : -1;
    return &k->op;
}

svc_op_t *pick_short_op(app_t *app, int64_t task_id, json_t *body, const char *actor,
                        svc_result_t *immediate) {
    if (!fields_require_object(body, "the short pick must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    const char *sku = field_string(body, "sku", true, ORDO_CODE_MAX, e);
    const char *bin = field_string(body, "bin", true, ORDO_CODE_MAX, e);
    const char *lot = field_string(body, "lot", false, ORDO_CODE_MAX, e);
    int64_t found = field_int(body, "found", true, 0, PICK_QTY_MAX * 100, 0, e);
    pick_op_t *k =
        pick_op_new(app, task_id, PICK_SHORT, actor, immediate, "the short pick is invalid");
    if (!k)
        return NULL;
    copy_field(k->sku, sizeof k->sku, sku);
    copy_field(k->bin, sizeof k->bin, bin);
    copy_field(k->lot, sizeof k->lot, lot);
    k->found = found;
    return &k->op;
}

svc_op_t *pick_qc_reject_op(app_t *app, int64_t task_id, json_t *body, const char *actor,
                            svc_result_t *immediate) {
    if (!fields_require_object(body, "the QC reject must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    const char *barcode = field_string(body, "barcode", true, ORDO_CODE_MAX, e);
    const char *lot = field_string(body, "lot", false, ORDO_CODE_MAX, e);
    const char *order_no = field_string(body, "order_no", false, 31, e);
    const char *reason = field_string(body, "reason", true, 16, e);
    if (reason && strcmp(reason, "damaged") != 0 && strcmp(reason, "shelf_life") != 0)
        field_errors_add(e, "reason", "out_of_range", "reason must be damaged or shelf_life");
    pick_op_t *k = pick_op_new(app, task_id, PICK_QC, actor, immediate, "the QC reject is invalid");
    if (!k)
        return NULL;
    copy_field(k->barcode, sizeof k->barcode, barcode);
    copy_field(k->lot, sizeof k->lot, lot);
    copy_field(k->order_no, sizeof k->order_no, order_no);
    copy_field(k->reason, sizeof k->reason, reason);
    return &k->op;
}

/* ---- reads ---- */

static store_t *reader(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s)
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
    return s;
}

void pick_task_get(app_t *app, int64_t task_id, svc_result_t *r) {
    store_t *s = reader(app, r);
    if (!s)
        return;
    task_state_t t;
    s->vt->read_begin(s);
    int rc = task_load(s, task_id, &t);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no pick task %lld", (long long)task_id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, pick_task_json(&t.task, t.lines, t.n));
    if (rc == STORE_OK)
        free(t.lines);
}

/* Appends printf output to a growing text buffer. */
typedef struct {
    char *text;
    size_t len, cap;
} textbuf_t;

static void tb_printf(textbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tb_printf(textbuf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return;
    if (b->len + (size_t)need + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)need;
        char *grown = realloc(b->text, cap);
        if (!grown)
            return;
        b->text = grown;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->text + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)need;
}

void pick_list_text(app_t *app, int64_t task_id, svc_result_t *r) {
    store_t *s = reader(app, r);
    if (!s)
        return;
    task_state_t t;
    s->vt->read_begin(s);
    int rc = task_load(s, task_id, &t);
    json_t *names = json_object();
    for (int i = 0; rc == STORE_OK && i < t.n; i++) {
        if (json_object_get(names, t.lines[i].sku))
            continue;
        json_t *k = NULL;
        if (s->vt->sku_get(s, t.lines[i].sku, &k) == STORE_OK)
            json_object_set(names, t.lines[i].sku, json_object_get(k, "name"));
        json_decref(k);
    }
    s->vt->read_end(s);
    if (rc != STORE_OK) {
        json_decref(names);
        if (rc == STORE_NOT_FOUND)
            svc_fail(r, ORDO_E_NOT_FOUND, "no pick task %lld", (long long)task_id);
        else
            svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    textbuf_t b = {0};
    bool batch = strcmp(t.task.strategy, "batch") == 0;
    tb_printf(&b, "PICK LIST  task %lld  wave %lld  warehouse %s  zone %s  (%s)\n",
              (long long)t.task.id, (long long)t.task.wave_id, t.task.warehouse, t.task.zone,
              t.task.strategy);
    tb_printf(&b, "Route: %d stops, %.1f m walking (%.1f m in order-number order)\n\n", t.n,
              (double)t.task.distance_dm / 10.0, (double)t.task.baseline_dm / 10.0);
    tb_printf(&b, "%-4s %-14s %-16s %-24s %-14s %5s  %-20s%s\n", "#", "BIN", "SKU", "NAME", "LOT",
              "QTY", "ORDER", batch ? "  SLOT" : "");
    for (int i = 0; i < t.n; i++) {
        const pick_line_t *l = &t.lines[i];
        const char *name = json_string_value(json_object_get(names, l->sku));
        tb_printf(&b, "%-4d %-14s %-16s %-24.24s %-14s %5lld  %-20s", l->seq, l->bin, l->sku,
                  name ? name : "", l->lot[0] ? l->lot : "-", (long long)l->qty, l->order_no);
        if (batch)
            tb_printf(&b, "  %4d", l->slot);
        tb_printf(&b, "%s\n", l->picked == l->qty ? "  [picked]" : "  [ ]");
    }
    tb_printf(&b, "\nCount the tote every %d items. Short bin: report what was found.\n",
              PICK_COUNT_EVERY);
    json_decref(names);
    free(t.lines);
    svc_ok(r, 200, NULL);
    r->body_text = b.text;
    r->body_len = b.len;
    r->content_type = "text/plain; charset=utf-8";
}

int pick_items_of_order(store_t *s, int64_t order_id, const char *order_no, json_t **out) {
    pick_line_t *lines = NULL;
    int n = 0;
    shortage_t sh[ORDO_ORDER_LINES_MAX];
    int n_short = 0;
    int rc = s->vt->pick->order_pick_lines(s, order_id, &lines, &n);
    if (rc == STORE_OK)
        rc = s->vt->shortages_of_order(s, order_id, sh, ORDO_ORDER_LINES_MAX, &n_short);
    if (rc != STORE_OK) {
        free(lines);
        return rc;
    }
    bool complete = n > 0 && n_short == 0;
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        const pick_line_t *l = &lines[i];
        if (l->picked < l->qty)
            complete = false;
        if (l->qty == 0)
            continue;
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:I, s:I}", "sku", l->sku, "barcode",
                             l->barcode, "lot", l->lot, "warehouse", l->warehouse, "task",
                             (json_int_t)l->task_id, "line", l->line_no, "qty", (json_int_t)l->qty,
                             "picked", (json_int_t)l->picked));
    }
    free(lines);
    *out = json_pack("{s:s, s:b, s:o}", "order_no", order_no, "ready_to_pack", complete, "items",
                     items);
    return STORE_OK;
}

void order_picks(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = reader(app, r);
    if (!s)
        return;
    order_rec_t rec = {0};
    json_t *view = NULL;
    s->vt->read_begin(s);
    int rc = s->vt->order_get(s, 0, order_no, &rec);
    if (rc == STORE_OK)
        rc = pick_items_of_order(s, rec.id, rec.order_no, &view);
    s->vt->read_end(s);
    order_rec_clear(&rec);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, view);
}
