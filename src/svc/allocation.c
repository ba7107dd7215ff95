#include "svc/allocation.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/timeline.h"

void sku_set_add(sku_set_t *set, const char *sku) {
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->sku[i], sku) == 0)
            return;
    if (set->n < ORDO_ORDER_LINES_MAX)
        snprintf(set->sku[set->n++], sizeof set->sku[0], "%s", sku);
}

void alloc_job_clear(alloc_job_t *job) {
    free(job->allocs);
    job->allocs = NULL;
    job->n_allocs = 0;
}

int alloc_reserve(store_t *s, alloc_job_t *job, reservation_kind_t kind, const char *cause,
                  int64_t now) {
    reserve_warehouse_t wh[ALLOC_WAREHOUSES_MAX];
    int n_wh = 0;
    int rc = s->vt->warehouse_list(s, wh, job->wh_codes, ALLOC_WAREHOUSES_MAX, &n_wh);
    if (rc != STORE_OK)
        return rc;

    /* Distinct SKUs, and each line's index among them. */
    const char *skus[ORDO_ORDER_LINES_MAX];
    int line_sku[ORDO_ORDER_LINES_MAX], n_skus = 0;
    for (int l = 0; l < job->n_lines; l++) {
        int k = 0;
        while (k < n_skus && strcmp(skus[k], job->sku[l]) != 0)
            k++;
        if (k == n_skus)
            skus[n_skus++] = job->sku[l];
        line_sku[l] = k;
    }

    int64_t *available = calloc((size_t)(n_wh ? n_wh : 1) * (size_t)n_skus, sizeof(int64_t));
    job->allocs = malloc(sizeof(reserve_alloc_t) * (size_t)(n_wh ? n_wh : 1) *
                         (size_t)(job->n_lines ? job->n_lines : 1));
    if (!available || !job->allocs) {
        free(available);
        return STORE_ERROR;
    }
    stock_row_t rows[ALLOC_WAREHOUSES_MAX];
    for (int k = 0; k < n_skus && rc == STORE_OK; k++) {
        int n_rows = 0;
        rc = s->vt->stock_for_sku(s, skus[k], rows, ALLOC_WAREHOUSES_MAX, &n_rows);
        for (int r = 0; r < n_rows; r++)
            for (int w = 0; w < n_wh; w++)
                if (strcmp(wh[w].code, rows[r].warehouse) == 0)
                    available[(size_t)w * n_skus + k] = rows[r].on_hand - rows[r].reserved;
    }
    if (rc != STORE_OK) {
        free(available);
        return rc;
    }

    reserve_request_t req = {.n_lines = job->n_lines,
                             .line_sku = line_sku,
                             .line_qty = job->want,
                             .n_skus = n_skus,
                             .n_warehouses = n_wh,
                             .warehouses = wh,
                             .buyer_province_code = job->province_code,
                             .splittable = job->splittable,
                             .available = available};
    job->n_allocs = reserve_plan(&req, job->allocs, job->short_qty);
    free(available);

    for (int l = 0; l < job->n_lines; l++)
        job->got[l] = 0;
    for (int i = 0; i < job->n_allocs && rc == STORE_OK; i++) {
        const reserve_alloc_t *a = &job->allocs[i];
        const char *sku = job->sku[a->line];
        rc = s->vt->stock_add_reserved(s, wh[a->warehouse].code, sku, a->qty);
        /* The plan came from this transaction's own snapshot: a guard failure here means the
         * snapshot and the table disagree, which the writer's exclusivity rules out. */
        assert(rc != STORE_CONFLICT);
        if (rc != STORE_OK)
            break;
        reservation_rec_t rec = {.order_id = job->order_id,
                                 .line_no = job->line_no[a->line],
                                 .sku = sku,
                                 .warehouse = wh[a->warehouse].code,
                                 .qty = a->qty,
                                 .kind = kind,
                                 .cause = cause};
        rc = s->vt->reservation_append(s, &rec, now);
        job->got[a->line] += a->qty;
    }
    /* A new order has no shortage rows yet: write only what is short. A refill also clears
     * the rows of lines now whole. */
    for (int l = 0; l < job->n_lines && rc == STORE_OK; l++)
        if (job->short_qty[l] > 0 || kind != RES_RESERVE)
            rc = s->vt->shortage_set(s, job->order_id, job->line_no[l], job->sku[l],
                                     job->short_qty[l], now);
    return rc;
}

#define HOLDINGS_MAX (ORDO_ORDER_LINES_MAX * 4)

/* Gives back qty units of one holding. */
static int give_back(store_t *s, const held_t *h, int64_t qty, const char *cause, int64_t now) {
    int rc = s->vt->stock_add_reserved(s, h->warehouse, h->sku, -qty);
    assert(rc != STORE_CONFLICT); /* the ledger says this order holds at least qty there */
    if (rc != STORE_OK)
        return rc;
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
        rc = give_back(s, &held[i], held[i].qty, cause, now);
        if (freed)
            sku_set_add(freed, held[i].sku);
    }
    free(held);
    if (rc == STORE_OK)
        rc = s->vt->shortages_clear_order(s, order_id);
    return rc;
}

int alloc_flag_short(store_t *s, int64_t order_id, const char *message, int64_t now) {
    int64_t open_id = 0;
    int rc = s->vt->exception_find_open(s, order_id, "stock_short", &open_id);
    if (rc != STORE_OK || open_id)
        return rc;
    exception_rec_t e = {.order_id = order_id,
                         .code = "stock_short",
                         .severity = "red",
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
static int release_stock_holds(store_t *s, order_rec_t *rec, int64_t now) {
    int released = 0, open = 0;
    int rc = s->vt->holds_release_auto(s, rec->id, "stock_reserved", "rules",
                                       "stock reserved after restock", now, &released);
    if (rc != STORE_OK || released == 0)
        return rc;
    rc = timeline_note(s, rec->id, rec->order_no, "rules", "hold",
                       "stock hold released: every unit is reserved", now);
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

/* Tries to make one waiting order whole (or less short). */
static int refill_order(store_t *s, int64_t order_id, const char *actor, int64_t now) {
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
        if (rc == STORE_OK && still_short == 0) {
            int64_t exc = 0;
            rc = s->vt->exception_find_open(s, order_id, "stock_short", &exc);
            if (rc == STORE_OK && exc)
                rc = s->vt->exception_resolve(s, exc, actor, "stock reserved after restock", now);
            if (rc == STORE_OK)
                rc = release_stock_holds(s, &rec, now);
        }
    }
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
            rc = refill_order(s, waiting[i].order_id, actor, now);
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
                    rc = give_back(s, &all[j], all[j].qty, "stocktake_shortfall", now);
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
                rc = give_back(s, &held[i], take, "stocktake_shortfall", now);
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
                rc = alloc_flag_short(s, rec.id, msg, now);
            if (rc == STORE_OK)
                rc = timeline_note(s, rec.id, rec.order_no, actor, "stock", msg, now);
            order_rec_clear(&rec);
        }
    }
    free(held);
    return rc;
}
