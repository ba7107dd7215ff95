#include "svc/allocation.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/allocation_decision.h"
#include "svc/sellable_cache.h"
#include "svc/sourcing.h"
#include "svc/stock_alerts.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

void sku_set_add(sku_set_t *set, const char *sku) {
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->sku[i], sku) == 0)
            return;
    if (set->n < ORDO_ORDER_LINES_MAX)
        snprintf(set->sku[set->n++], sizeof set->sku[0], "%s", sku);
}

void alloc_job_clear(alloc_job_t *job) {
    free(job->allocs);
    free(job->decision);
    free(job->cells);
    job->allocs = NULL;
    job->decision = NULL;
    job->cells = NULL;
    job->n_allocs = 0;
}

void alloc_job_requested_day(alloc_job_t *job, int32_t day, int64_t now) {
    job->has_requested_day = true;
    job->days_until_requested = day - day_in_china(now);
    if (job->days_until_requested < 0)
        job->days_until_requested = 0;
}

void alloc_job_from_input(alloc_job_t *job, const order_input_t *in, int64_t now) {
    job->splittable = in->splittable;
    job->province_code = in->address.province_code;
    job->n_lines = in->n_lines;
    for (int l = 0; l < in->n_lines; l++) {
        job->line_no[l] = l + 1;
        job->sku[l] = in->lines[l].sku;
        job->want[l] = in->lines[l].qty;
    }
    if (in->has_requested_delivery_date)
        alloc_job_requested_day(job, in->requested_delivery_day, now);
}

/* The parcel job's lines make (sourcing_parcel_estimate), from the SKUs' measures: through
 * the writer's memory of the catalog when the job has it, else a read each. */
static int parcel_of_job(store_t *s, const alloc_job_t *job, sourcing_request_t *req) {
    pack_item_t items[ORDO_ORDER_LINES_MAX];
    int n = 0;
    for (int l = 0; l < job->n_lines; l++) {
        if (job->want[l] <= 0)
            continue;
        sku_measures_t m;
        int rc = sellable_cache_measures(job->catalog, s, job->sku[l], &m);
        if (rc != STORE_OK && rc != STORE_NOT_FOUND)
            return rc;
        items[n++] = (pack_item_t){.weight_g = m.weight_g,
                                   .length_mm = m.length_mm,
                                   .width_mm = m.width_mm,
                                   .height_mm = m.height_mm,
                                   .qty = job->want[l],
                                   .fragile = m.fragile,
                                   .liquid = m.liquid,
                                   .food = m.food};
    }
    sourcing_parcel_estimate(items, n, req);
    return STORE_OK;
}

/* Plans job over what is available now plus what the order itself holds (`own`, which the
 * plan replaces): fills job->allocs and job->short_qty, and the warehouses in wh. */
static int plan_job(store_t *s, alloc_job_t *job, const held_t *own, int n_own,
                    reserve_warehouse_t *wh, int *n_wh_out) {
    int n_wh = 0;
    int rc = s->vt->warehouse_list(s, wh, job->wh_codes, ALLOC_WAREHOUSES_MAX, &n_wh);
    if (rc != STORE_OK)
        return rc;
    *n_wh_out = n_wh;

    /* Distinct SKUs, and each line's index among them. */
    const char *skus[ORDO_ORDER_LINES_MAX];
    int *line_sku = job->line_sku, n_skus = 0;
    for (int l = 0; l < job->n_lines; l++) {
        int k = 0;
        while (k < n_skus && strcmp(skus[k], job->sku[l]) != 0)
            k++;
        if (k == n_skus)
            skus[n_skus++] = job->sku[l];
        line_sku[l] = k;
    }
    job->n_wh = n_wh;
    job->n_skus = n_skus;

    size_t cells = (size_t)(n_wh ? n_wh : 1) * (size_t)(n_skus ? n_skus : 1);
    int64_t *available = calloc(cells, sizeof(int64_t));
    int64_t *safety = calloc(cells, sizeof(int64_t));
    alloc_job_clear(job);
    job->cells = calloc(cells, sizeof(alloc_cell_t));
    job->decision = malloc(sizeof *job->decision);
    job->allocs = malloc(sizeof(reserve_alloc_t) * (size_t)(n_wh ? n_wh : 1) *
                         (size_t)(job->n_lines ? job->n_lines : 1));
    if (!available || !safety || !job->cells || !job->decision || !job->allocs) {
        free(available);
        free(safety);
        return STORE_ERROR;
    }
    stock_row_t rows[ALLOC_WAREHOUSES_MAX];
    for (int k = 0; k < n_skus && rc == STORE_OK; k++) {
        int n_rows = 0;
        rc = s->vt->stock_for_sku(s, skus[k], rows, ALLOC_WAREHOUSES_MAX, &n_rows);
        for (int r = 0; r < n_rows; r++)
            for (int w = 0; w < n_wh; w++)
                if (strcmp(wh[w].code, rows[r].warehouse) == 0) {
                    available[(size_t)w * n_skus + k] = rows[r].on_hand - rows[r].reserved;
                    safety[(size_t)w * n_skus + k] = rows[r].safety_stock;
                    job->cells[(size_t)w * n_skus + k] =
                        (alloc_cell_t){.on_hand = rows[r].on_hand,
                                       .reserved = rows[r].reserved,
                                       .safety_stock = rows[r].safety_stock};
                }
        for (int h = 0; h < n_own; h++)
            for (int w = 0; w < n_wh; w++)
                if (strcmp(own[h].sku, skus[k]) == 0 && strcmp(own[h].warehouse, wh[w].code) == 0)
                    available[(size_t)w * n_skus + k] += own[h].qty;
    }
    /* A warehouse chosen by hand: every other one has nothing to offer. */
    for (int w = 0; w < n_wh && job->only_warehouse[0]; w++)
        if (strcmp(wh[w].code, job->only_warehouse) != 0)
            for (int k = 0; k < n_skus; k++)
                available[(size_t)w * n_skus + k] = 0;
    sourcing_inputs_t inputs;
    if (rc == STORE_OK)
        rc = sourcing_setup(s, job->policy, &inputs);
    if (rc != STORE_OK) {
        free(available);
        free(safety);
        return rc;
    }
    job->policy_used = inputs.policy;

    sourcing_request_t req = {.base = {.n_lines = job->n_lines,
                                       .line_sku = line_sku,
                                       .line_qty = job->want,
                                       .n_skus = n_skus,
                                       .n_warehouses = n_wh,
                                       .warehouses = wh,
                                       .buyer_province_code = job->province_code,
                                       .splittable = job->splittable,
                                       .available = available},
                              .safety = safety,
                              .days_until_requested =
                                  job->has_requested_day ? job->days_until_requested : -1,
                              .policy = &job->policy_used,
                              .distances = inputs.distances,
                              .estimator = inputs.estimator};
    /* Rate cards charge by weight and size: only they need the parcel. */
    if (inputs.estimator)
        rc = parcel_of_job(s, job, &req);
    if (rc != STORE_OK) {
        sourcing_release(&inputs);
        free(available);
        free(safety);
        return rc;
    }
    job->n_allocs = sourcing_plan(&req, job->allocs, job->short_qty, job->decision);
    sourcing_release(&inputs);
    free(available);
    free(safety);
    for (int l = 0; l < job->n_lines; l++)
        job->got[l] = 0;
    return STORE_OK;
}

int alloc_plan(store_t *s, alloc_job_t *job) {
    reserve_warehouse_t wh[ALLOC_WAREHOUSES_MAX];
    int n_wh = 0;
    return plan_job(s, job, NULL, 0, wh, &n_wh);
}

/* The job's copy of the stock row of (warehouse, sku), or NULL when the plan read none. */
static alloc_cell_t *job_cell(alloc_job_t *job, const char *wh, const char *sku) {
    if (!job || !job->cells)
        return NULL;
    for (int w = 0; w < job->n_wh; w++)
        if (strcmp(job->wh_codes[w], wh) == 0)
            for (int l = 0; l < job->n_lines; l++)
                if (strcmp(job->sku[l], sku) == 0)
                    return &job->cells[(size_t)w * job->n_skus + job->line_sku[l]];
    return NULL;
}

/* Reserves qty units of job line `line` at warehouse index w (guarded update + ledger row),
 * and raises the low-stock alert if that takes the row below its safety stock. */
static int take_units(store_t *s, alloc_job_t *job, int line, int w, int32_t qty,
                      reservation_kind_t kind, const char *cause, int64_t now) {
    const char *wh = job->wh_codes[w];
    int rc = s->vt->stock_add_reserved(s, wh, job->sku[line], qty);
    /* The plan came from this transaction's own snapshot: a guard failure here means the
     * snapshot and the table disagree, which the writer's exclusivity rules out. */
    assert(rc != STORE_CONFLICT);
    if (rc != STORE_OK)
        return rc;
    alloc_cell_t *c = &job->cells[(size_t)w * job->n_skus + job->line_sku[line]];
    bool was_low = c->on_hand - c->reserved < c->safety_stock;
    c->reserved += qty;
    if (!was_low && c->on_hand - c->reserved < c->safety_stock) {
        stock_row_t after = {
            .on_hand = c->on_hand, .reserved = c->reserved, .safety_stock = c->safety_stock};
        snprintf(after.warehouse, sizeof after.warehouse, "%s", wh);
        snprintf(after.sku, sizeof after.sku, "%s", job->sku[line]);
        rc = stock_alert_raise(s, &after, now);
        if (rc != STORE_OK)
            return rc;
    }
    reservation_rec_t rec = {.order_id = job->order_id,
                             .line_no = job->line_no[line],
                             .sku = job->sku[line],
                             .warehouse = wh,
                             .qty = qty,
                             .kind = kind,
                             .cause = cause};
    return s->vt->reservation_append(s, &rec, now);
}

/* Takes what job's plan says, records the decision (unless the caller writes it itself) and
 * the shortages. */
static int take_planned(store_t *s, alloc_job_t *job, reservation_kind_t kind, const char *cause,
                        int64_t now, bool record) {
    int rc = STORE_OK;
    for (int i = 0; i < job->n_allocs && rc == STORE_OK; i++) {
        const reserve_alloc_t *a = &job->allocs[i];
        rc = take_units(s, job, a->line, a->warehouse, a->qty, kind, cause, now);
        job->got[a->line] += a->qty;
    }
    if (rc == STORE_OK && record)
        rc = alloc_decision_record(s, job, kind == RES_RESERVE ? cause : "restock", now);
    /* A new order has no shortage rows yet: write only what is short. A refill also clears
     * the rows of lines now whole. */
    for (int l = 0; l < job->n_lines && rc == STORE_OK; l++)
        if (job->short_qty[l] > 0 || kind != RES_RESERVE)
            rc = s->vt->shortage_set(s, job->order_id, job->line_no[l], job->sku[l],
                                     job->short_qty[l], now);
    return rc;
}

int alloc_reserve(store_t *s, alloc_job_t *job, reservation_kind_t kind, const char *cause,
                  int64_t now) {
    reserve_warehouse_t wh[ALLOC_WAREHOUSES_MAX];
    int n_wh = 0;
    int rc = plan_job(s, job, NULL, 0, wh, &n_wh);
    return rc == STORE_OK ? take_planned(s, job, kind, cause, now, true) : rc;
}

int alloc_reserve_planned(store_t *s, alloc_job_t *job, const char *cause, int64_t now) {
    return take_planned(s, job, RES_RESERVE, cause, now, false);
}

#define HOLDINGS_MAX (ORDO_ORDER_LINES_MAX * 4)

/* Gives back qty units of one holding (and keeps job's copy of the row, if any, true). */
static int give_back(store_t *s, alloc_job_t *job, const held_t *h, int64_t qty, const char *cause,
                     int64_t now) {
    int rc = s->vt->stock_add_reserved(s, h->warehouse, h->sku, -qty);
    assert(rc != STORE_CONFLICT); /* the ledger says this order holds at least qty there */
    if (rc != STORE_OK)
        return rc;
    alloc_cell_t *c = job_cell(job, h->warehouse, h->sku);
    if (c)
        c->reserved -= qty;
    reservation_rec_t rec = {.order_id = h->order_id,
                             .line_no = h->line_no,
                             .sku = h->sku,
                             .warehouse = h->warehouse,
                             .qty = (int32_t)-qty,
                             .kind = RES_RELEASE,
                             .cause = cause};
    return s->vt->reservation_append(s, &rec, now);
}

int alloc_release_order(store_t *s, int64_t order_id, const char *cause, int64_t now,
                        sku_set_t *freed) {
    held_t *held = malloc(sizeof(held_t) * HOLDINGS_MAX);
    if (!held)
        return STORE_ERROR;
    int n = 0;
    int rc = s->vt->reservations_of_order(s, order_id, held, HOLDINGS_MAX, &n);
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        rc = give_back(s, NULL, &held[i], held[i].qty, cause, now);
        if (freed)
            sku_set_add(freed, held[i].sku);
    }
    free(held);
    if (rc == STORE_OK)
        rc = s->vt->shortages_clear_order(s, order_id);
    return rc;
}

/* Whether holding h is line `line` of job at warehouse code wh. */
static bool holding_is(const held_t *h, const alloc_job_t *job, int line, const char *wh) {
    return h->line_no == job->line_no[line] && strcmp(h->sku, job->sku[line]) == 0 &&
           strcmp(h->warehouse, wh) == 0;
}

int alloc_replan(store_t *s, alloc_job_t *job, const char *cause, int64_t now, sku_set_t *freed) {
    held_t *held = malloc(sizeof(held_t) * HOLDINGS_MAX);
    if (!held)
        return STORE_ERROR;
    int n_held = 0, n_wh = 0;
    reserve_warehouse_t wh[ALLOC_WAREHOUSES_MAX];
    int rc = s->vt->reservations_of_order(s, job->order_id, held, HOLDINGS_MAX, &n_held);
    if (rc == STORE_OK)
        rc = plan_job(s, job, held, n_held, wh, &n_wh);
    /* Give back first what the plan no longer wants where it is held: the plan counted those
     * units as available, so every reservation after this fits. */
    for (int h = 0; h < n_held && rc == STORE_OK; h++) {
        int64_t keep = 0;
        for (int i = 0; i < job->n_allocs; i++)
            if (holding_is(&held[h], job, job->allocs[i].line, wh[job->allocs[i].warehouse].code))
                keep += job->allocs[i].qty;
        if (keep < held[h].qty) {
            rc = give_back(s, job, &held[h], held[h].qty - keep, cause, now);
            sku_set_add(freed, held[h].sku);
        }
    }
    for (int i = 0; i < job->n_allocs && rc == STORE_OK; i++) {
        const reserve_alloc_t *a = &job->allocs[i];
        int64_t have = 0;
        for (int h = 0; h < n_held; h++)
            if (holding_is(&held[h], job, a->line, wh[a->warehouse].code))
                have += held[h].qty;
        if (a->qty > have)
            rc = take_units(s, job, a->line, a->warehouse, (int32_t)(a->qty - have), RES_RESERVE,
                            cause, now);
        job->got[a->line] += a->qty;
    }
    free(held);
    if (rc == STORE_OK)
        rc = alloc_decision_record(s, job, cause, now);
    if (rc == STORE_OK)
        rc = s->vt->shortages_clear_order(s, job->order_id);
    for (int l = 0; l < job->n_lines && rc == STORE_OK; l++)
        if (job->short_qty[l] > 0)
            rc = s->vt->shortage_set(s, job->order_id, job->line_no[l], job->sku[l],
                                     job->short_qty[l], now);
    return rc;
}

int alloc_flag_short(store_t *s, const order_rec_t *rec, const char *message, int64_t now) {
    int64_t open_id = 0;
    int rc = s->vt->exception_find_open(s, rec->id, "stock_short", &open_id);
    if (rc != STORE_OK || open_id)
        return rc;
    /* A splittable order's shortage is a backorder that restock settles on its own. */
    exception_rec_t e = {.order_id = rec->id,
                         .code = "stock_short",
                         .severity = rec->splittable ? "yellow" : "red",
                         .message = message,
                         .at_ms = now};
    return s->vt->exception_open(s, &e, NULL);
}

/* Fills an alloc job with what an order is still missing. For a non-splittable order that
 * is every line (it holds nothing while short). */
static int job_from_shortages(store_t *s, int64_t order_id, alloc_job_t *job, order_rec_t *rec) {
    shortage_t *sh = malloc(sizeof(shortage_t) * ORDO_ORDER_LINES_MAX);
    if (!sh)
        return STORE_ERROR;
    int n = 0;
    int rc = s->vt->order_get(s, order_id, NULL, rec);
    if (rc == STORE_OK)
        rc = s->vt->shortages_of_order(s, order_id, sh, ORDO_ORDER_LINES_MAX, &n);
    if (rc == STORE_OK) {
        job->order_id = order_id;
        job->splittable = rec->splittable;
        job->province_code = rec->province_code;
        job->n_lines = n;
        for (int i = 0; i < n; i++) {
            job->line_no[i] = sh[i].line_no;
            job->sku[i] = strdup(sh[i].sku);
            job->want[i] = (int32_t)sh[i].missing;
        }
    }
    free(sh);
    return rc;
}

static void job_free_skus(alloc_job_t *job) {
    for (int i = 0; i < job->n_lines; i++)
        free((char *)job->sku[i]);
    alloc_job_clear(job);
}

/* The order is whole again: its automatic stock hold ends, and if nothing else holds an
 * order waiting in review, it moves on as the rules would have let it at intake. */
static int release_stock_holds(store_t *s, order_rec_t *rec, const char *note, int64_t now) {
    int released = 0, open = 0;
    int rc = s->vt->holds_release_auto(s, rec->id, "stock_reserved", "rules", note, now, &released);
    if (rc != STORE_OK || released == 0)
        return rc;
    char text[192];
    snprintf(text, sizeof text, "stock hold released: %s", note);
    rc = timeline_note(s, rec->id, rec->order_no, "rules", "hold", text, now);
    if (rc == STORE_OK)
        rc = s->vt->holds_open_count(s, rec->id, &open);
    order_status_t to;
    if (rc == STORE_OK && open == 0 && rec->status == ORDER_PENDING_REVIEW &&
        lifecycle_next(rec->status, ORDER_EV_APPROVE, &to)) {
        rc = s->vt->order_set_status(s, rec->id, to, now);
        if (rc == STORE_OK)
            rc = timeline_transition(s, rec->id, rec->order_no, "rules", (int)rec->status, to,
                                     "stock reserved; nothing else holds the order", now);
        if (rc == STORE_OK)
            rec->status = to;
    }
    return rc;
}

int alloc_mark_whole(store_t *s, order_rec_t *rec, const char *actor, const char *note,
                     int64_t now) {
    int64_t exc = 0;
    int rc = s->vt->exception_find_open(s, rec->id, "stock_short", &exc);
    if (rc == STORE_OK && exc)
        rc = s->vt->exception_resolve(s, exc, actor, note, now);
    if (rc == STORE_OK)
        rc = release_stock_holds(s, rec, note, now);
    return rc;
}

int alloc_refill_order(store_t *s, int64_t order_id, const char *actor, int64_t now) {
    alloc_job_t *job = calloc(1, sizeof *job);
    if (!job)
        return STORE_ERROR;
    order_rec_t rec = {0};
    int rc = job_from_shortages(s, order_id, job, &rec);
    if (rc == STORE_OK && job->n_lines > 0 && lifecycle_holds_stock(rec.status)) {
        rc = alloc_reserve(s, job, RES_RERESERVE, "restock", now);
        int32_t got = 0, still_short = 0;
        for (int l = 0; l < job->n_lines; l++) {
            got += job->got[l];
            still_short += job->short_qty[l];
        }
        if (rc == STORE_OK && got > 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "%d units reserved after restock, %d still short", got,
                     still_short);
            rc = timeline_note(s, order_id, rec.order_no, actor, "stock", msg, now);
        }
        if (rc == STORE_OK && still_short == 0)
            rc = alloc_mark_whole(s, &rec, actor, "stock reserved after restock", now);
    }
    /* An order made splittable while short is a backorder now: nothing holds it for stock. */
    if (rc == STORE_OK && rec.splittable && job->n_lines > 0 && lifecycle_holds_stock(rec.status))
        rc = release_stock_holds(s, &rec, "the order ships in parts; the rest is backordered", now);
    order_rec_clear(&rec);
    job_free_skus(job);
    free(job);
    return rc;
}

#define REFILL_SCAN_MAX 256

int alloc_refill(store_t *s, const sku_set_t *set, const char *actor, int64_t now) {
    shortage_t *waiting = malloc(sizeof(shortage_t) * REFILL_SCAN_MAX);
    if (!waiting)
        return STORE_ERROR;
    int rc = STORE_OK;
    for (int k = 0; k < set->n && rc == STORE_OK; k++) {
        int n = 0;
        rc = s->vt->shortages_for_sku(s, set->sku[k], waiting, REFILL_SCAN_MAX, &n);
        int64_t last_order = 0;
        for (int i = 0; i < n && rc == STORE_OK; i++) {
            if (waiting[i].order_id == last_order)
                continue; /* one attempt per order covers all its lines */
            last_order = waiting[i].order_id;
            stock_row_t rows[ALLOC_WAREHOUSES_MAX];
            int n_rows = 0;
            rc = s->vt->stock_for_sku(s, set->sku[k], rows, ALLOC_WAREHOUSES_MAX, &n_rows);
            int64_t avail = 0;
            for (int r = 0; r < n_rows; r++)
                avail += rows[r].on_hand - rows[r].reserved;
            if (rc != STORE_OK || avail <= 0)
                break;
            rc = alloc_refill_order(s, waiting[i].order_id, actor, now);
        }
    }
    free(waiting);
    return rc;
}

int alloc_take_back(store_t *s, const char *warehouse, const char *sku, int64_t excess,
                    const char *actor, int64_t now, sku_set_t *freed) {
    held_t *held = malloc(sizeof(held_t) * HOLDINGS_MAX);
    if (!held)
        return STORE_ERROR;
    int rc = STORE_OK;
    while (excess > 0 && rc == STORE_OK) {
        int n = 0;
        rc = s->vt->reservations_newest(s, warehouse, sku, held, HOLDINGS_MAX, &n);
        if (rc != STORE_OK || n == 0)
            break;
        for (int i = 0; i < n && excess > 0 && rc == STORE_OK; i++) {
            order_rec_t rec = {0};
            rc = s->vt->order_get(s, held[i].order_id, NULL, &rec);
            if (rc != STORE_OK)
                break;
            char msg[192];
            if (!rec.splittable) {
                /* Whole or nothing: it gives back every line, and waits for all of them. */
                int64_t here = 0;
                held_t *all = malloc(sizeof(held_t) * HOLDINGS_MAX);
                int n_all = 0;
                rc = all ? s->vt->reservations_of_order(s, rec.id, all, HOLDINGS_MAX, &n_all)
                         : STORE_ERROR;
                for (int j = 0; j < n_all && rc == STORE_OK; j++) {
                    if (strcmp(all[j].warehouse, warehouse) == 0 && strcmp(all[j].sku, sku) == 0)
                        here += all[j].qty;
                    else
                        sku_set_add(freed, all[j].sku);
                    rc = give_back(s, NULL, &all[j], all[j].qty, "stocktake_shortfall", now);
                }
                /* Per line: what it held anywhere is now missing. */
                for (int j = 0; j < n_all && rc == STORE_OK; j++) {
                    int64_t line_total = 0;
                    for (int m = 0; m < n_all; m++)
                        if (all[m].line_no == all[j].line_no)
                            line_total += all[m].qty;
                    rc =
                        s->vt->shortage_set(s, rec.id, all[j].line_no, all[j].sku, line_total, now);
                }
                free(all);
                excess -= here;
                snprintf(msg, sizeof msg,
                         "stock count at %s fell below reservations: all units released "
                         "(order ships whole)",
                         warehouse);
            } else {
                int64_t take = held[i].qty < excess ? held[i].qty : excess;
                rc = give_back(s, NULL, &held[i], take, "stocktake_shortfall", now);
                shortage_t cur[ORDO_ORDER_LINES_MAX];
                int n_cur = 0;
                int64_t missing = take;
                if (rc == STORE_OK)
                    rc = s->vt->shortages_of_order(s, rec.id, cur, ORDO_ORDER_LINES_MAX, &n_cur);
                for (int j = 0; j < n_cur; j++)
                    if (cur[j].line_no == held[i].line_no)
                        missing += cur[j].missing;
                if (rc == STORE_OK)
                    rc = s->vt->shortage_set(s, rec.id, held[i].line_no, sku, missing, now);
                excess -= take;
                snprintf(msg, sizeof msg,
                         "stock count of %s at %s fell below reservations: %lld units released",
                         sku, warehouse, (long long)take);
            }
            if (rc == STORE_OK)
                rc = alloc_flag_short(s, &rec, msg, now);
            if (rc == STORE_OK)
                rc = timeline_note(s, rec.id, rec.order_no, actor, "stock", msg, now);
            order_rec_clear(&rec);
        }
    }
    free(held);
    return rc;
}
