#include "svc/merges.h"
#include "svc/orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/order_doc.h"
#include "core/order_parse.h"
#include "svc/allocation.h"
#include "svc/allocation_decision.h"
#include "svc/auto_review.h"
#include "svc/order_lines_edit.h"
#include "svc/sellable_cache.h"
#include "svc/timeline.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

/* ---- documents and views ---- */

json_t *order_view(const order_rec_t *rec, const held_t *held, int n_held, json_t *exceptions,
                   json_t *holds, json_t *review) {
    json_t *v = json_deep_copy(rec->doc);
    if (!v)
        return NULL;
    char buf[40];
    json_object_set_new(v, "order_no", json_string(rec->order_no));
    json_object_set_new(v, "status", json_string(order_status_name(rec->status)));
    json_object_set_new(v, "created_at",
                        json_string(rfc3339_format(rec->created_at_ms, buf, sizeof buf)));
    json_object_set_new(v, "updated_at",
                        json_string(rfc3339_format(rec->updated_at_ms, buf, sizeof buf)));
    if (rec->status == ORDER_PENDING_PAYMENT && rec->payment_expires_at_ms)
        json_object_set_new(
            v, "payment_expires_at",
            json_string(rfc3339_format(rec->payment_expires_at_ms, buf, sizeof buf)));

    /* Net holdings per (sku, warehouse), and per line. */
    json_t *res = json_array();
    for (int i = 0; i < n_held; i++) {
        size_t j;
        json_t *r;
        bool merged = false;
        json_array_foreach(res, j, r) {
            if (strcmp(json_string_value(json_object_get(r, "sku")), held[i].sku) == 0 &&
                strcmp(json_string_value(json_object_get(r, "warehouse")), held[i].warehouse) ==
                    0) {
                json_object_set_new(
                    r, "qty",
                    json_integer(json_integer_value(json_object_get(r, "qty")) + held[i].qty));
                merged = true;
                break;
            }
        }
        if (!merged)
            json_array_append_new(res,
                                  json_pack("{s:s, s:s, s:I}", "sku", held[i].sku, "warehouse",
                                            held[i].warehouse, "qty", (json_int_t)held[i].qty));
    }
    json_object_set_new(v, "reservations", res);
    size_t li;
    json_t *line;
    json_array_foreach(json_object_get(v, "items"), li, line) {
        int64_t line_no = json_integer_value(json_object_get(line, "line")), got = 0;
        for (int i = 0; i < n_held; i++)
            if (held[i].line_no == line_no)
                got += held[i].qty;
        json_object_set_new(line, "reserved_qty", json_integer(got));
    }
    json_object_set_new(v, "exceptions", exceptions ? json_incref(exceptions) : json_array());
    json_object_set_new(v, "holds", holds ? json_incref(holds) : json_array());
    json_object_set_new(v, "review", review ? json_incref(review) : json_null());
    return v;
}

#define VIEW_HELD_MAX (ORDO_ORDER_LINES_MAX * 4)

int order_load_view(store_t *s, int64_t id, const char *order_no, json_t **out) {
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, id, order_no, &rec);
    if (rc != STORE_OK)
        return rc;
    held_t *held = malloc(sizeof(held_t) * VIEW_HELD_MAX);
    json_t *exceptions = NULL, *holds = NULL, *review = NULL, *edits = NULL;
    int n_held = 0;
    rc = held ? s->vt->reservations_of_order(s, rec.id, held, VIEW_HELD_MAX, &n_held) : STORE_ERROR;
    if (rc == STORE_OK)
        rc = s->vt->exceptions_of_order(s, rec.id, &exceptions);
    if (rc == STORE_OK)
        rc = s->vt->holds_of_order(s, rec.id, &holds);
    if (rc == STORE_OK)
        rc = s->vt->evaluation_latest(s, rec.id, &review);
    if (rc == STORE_OK)
        review = rules_evaluation_view(review);
    if (rc == STORE_OK)
        rc = s->vt->line_edits_of_order(s, rec.id, &edits);
    if (rc == STORE_OK) {
        *out = order_view(&rec, held, n_held, exceptions, holds, review);
        if (!*out)
            rc = STORE_ERROR;
        else
            json_object_set_new(*out, "line_edits", line_edits_view(edits));
    }
    json_t *merge = NULL;
    if (rc == STORE_OK)
        rc = merge_of_order_json(s, rec.id, &merge);
    if (merge)
        json_object_set_new(*out, "merge", merge);
    json_decref(edits);
    json_decref(exceptions);
    json_decref(holds);
    json_decref(review);
    free(held);
    order_rec_clear(&rec);
    return rc;
}

/* ---- order numbers ---- */

/* "yyMMddHHmmss" in China time, 2-digit node, 5-digit sequence: readable, sorted by time,
 * unique across nodes. Runs on the writer thread only. */
static int next_order_no(app_t *app, store_t *s, int64_t now_ms, char out[32]) {
    int64_t sec = (now_ms + 8 * 3600 * 1000LL) / 1000;
    if (!app->order_no_ready) {
        char last[32];
        int rc = s->vt->order_last_no(s, "", last);
        if (rc == STORE_ERROR)
            return rc;
        app->order_no_second = 0;
        app->order_no_seq = 0;
        if (rc == STORE_OK && strlen(last) == 19) {
            char date[11] = {'2',     '0', last[0], last[1], '-', last[2],
                             last[3], '-', last[4], last[5], '\0'};
            int32_t day;
            if (date_parse(date, &day)) {
                int hh = (last[6] - '0') * 10 + last[7] - '0';
                int mm = (last[8] - '0') * 10 + last[9] - '0';
                int ss = (last[10] - '0') * 10 + last[11] - '0';
                app->order_no_second = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss;
                app->order_no_seq = atoi(last + 14);
            }
        }
        app->order_no_ready = true;
        if (sec <= app->order_no_second)
            sec = app->order_no_second; /* continue after the newest number */
        else
            app->order_no_seq = -1;
        app->order_no_second = sec;
    }
    if (sec > app->order_no_second) {
        app->order_no_second = sec;
        app->order_no_seq = 0;
    } else if (++app->order_no_seq > 99999) {
        /* More than 100,000 orders in one second on one node: borrow the next second. */
        app->order_no_second++;
        app->order_no_seq = 0;
    }
    int64_t t = app->order_no_second;
    char day[16];
    date_format((int32_t)(t / 86400), day, sizeof day);
    int rem = (int)(t % 86400);
    snprintf(out, 32, "%.2s%.2s%.2s%02d%02d%02d%02d%05d", day + 2, day + 5, day + 8, rem / 3600,
             rem / 60 % 60, rem % 60, app->node_id, (int)app->order_no_seq);
    return STORE_OK;
}

/* ---- intake ---- */

typedef struct {
    svc_op_t op;
    order_input_t in;
    order_rec_t rec;
    alloc_job_t *job;
    json_t *exceptions;
    char *doc_text; /* the stored form, written before submission, off the writer thread */
    review_prep_t prep;
    char *holds_text;  /* opened by the automatic review */
    char *review_text; /* its evaluation */
    bool replay;
    int64_t replay_id;
    bool shop_placed; /* order_place_shop_op: approved as placed, no review */
} place_op_t;

/* Checks every line's SKU against the catalog (through the writer's cache when given one);
 * adds field errors. */
static int check_skus(store_t *s, sellable_cache_t *cache, const order_input_t *in,
                      field_errors_t *errs) {
    for (int i = 0; i < in->n_lines; i++) {
        int sellable = 0;
        int rc = sellable_cache_get(cache, s, in->lines[i].sku, &sellable);
        if (rc == STORE_OK && sellable)
            continue;
        char field[32];
        snprintf(field, sizeof field, "items[%d].sku", i);
        if (rc == STORE_NOT_FOUND)
            field_errors_add(errs, field, "unknown_sku", "no SKU '%s' in the catalog",
                             in->lines[i].sku);
        else if (rc != STORE_OK)
            return rc;
        else if (!sellable)
            field_errors_add(errs, field, "sku_not_sellable", "SKU '%s' is not sellable",
                             in->lines[i].sku);
    }
    return STORE_OK;
}

static int open_exception(store_t *s, place_op_t *p, const char *code, const char *severity,
                          const char *message) {
    exception_rec_t e = {.order_id = p->rec.id,
                         .code = code,
                         .severity = severity,
                         .message = message,
                         .at_ms = p->op.now_ms};
    int64_t id = 0;
    int rc = s->vt->exception_open(s, &e, &id);
    if (rc == STORE_OK) {
        char at[40];
        json_array_append_new(p->exceptions,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:n, s:n}", "id",
                                        (json_int_t)id, "order_no", p->rec.order_no, "code", code,
                                        "severity", severity, "message", message, "status", "open",
                                        "created_at", rfc3339_format(p->op.now_ms, at, sizeof at),
                                        "resolved_at", "resolved_by", "note"));
    }
    return rc;
}

/* Exceptions that depend only on the order itself. */
static int intake_exceptions(store_t *s, place_op_t *p) {
    const order_input_t *in = &p->in;
    int rc = STORE_OK;
    char msg[256];
    if (in->has_requested_delivery_date &&
        in->requested_delivery_day < day_in_china(p->op.now_ms)) {
        char day[16];
        snprintf(msg, sizeof msg, "requested delivery date %s is already past",
                 date_format(in->requested_delivery_day, day, sizeof day));
        rc = open_exception(s, p, "delivery_date_past", "yellow", msg);
    }
    bool duplicate_coupon = false;
    for (int i = 0; i < in->n_discounts; i++)
        for (int j = i + 1; j < in->n_discounts; j++)
            if (strcmp(in->discounts[i].code, in->discounts[j].code) == 0)
                duplicate_coupon = true;
    if (rc == STORE_OK && (duplicate_coupon || (in->has_discount_total &&
                                                in->discount_total_fen != in->discounts_sum_fen))) {
        if (duplicate_coupon)
            snprintf(msg, sizeof msg, "the same coupon code appears more than once");
        else
            snprintf(msg, sizeof msg,
                     "discount_total %lld fen differs from the coupons' sum %lld fen",
                     (long long)in->discount_total_fen, (long long)in->discounts_sum_fen);
        rc = open_exception(s, p, "coupon_mismatch", "yellow", msg);
    }
    return rc;
}

static ordo_err_t place_run(store_t *s, svc_op_t *op) {
    place_op_t *p = (place_op_t *)op;
    order_input_t *in = &p->in;
    char hash[65];
    int64_t existing = 0;
    int rc = s->vt->order_find_key(s, in->channel, in->external_id, &existing, hash);
    if (rc == STORE_OK) {
        if (strcmp(hash, in->content_hash) != 0)
            return svc_fail(&op->result, ORDO_E_IDEMPOTENCY_MISMATCH,
                            "order %s/%s exists with different content", channel_name(in->channel),
                            in->external_id);
        p->replay = true;
        p->replay_id = existing;
        return ORDO_E_OK;
    }
    if (rc != STORE_NOT_FOUND)
        return ORDO_E_STORE;
    /* The catalog may have changed since the request was checked. */
    field_errors_t errs;
    errs.count = errs.dropped = 0;
    if (check_skus(s, op->app->sellable, in, &errs) != STORE_OK)
        return ORDO_E_STORE;
    if (errs.count) {
        svc_take_errors(&op->result, &errs);
        return svc_fail(&op->result, ORDO_E_VALIDATION, "the order has invalid fields");
    }

    bool review = in->payment_status == PAYMENT_PAID && !p->shop_placed;
    if (review && auto_review_prepare(s, op->app, in, &p->prep) != STORE_OK)
        return ORDO_E_STORE;

    order_rec_t *rec = &p->rec;
    if (next_order_no(op->app, s, op->now_ms, rec->order_no) != STORE_OK)
        return ORDO_E_STORE;
    rec->channel = in->channel;
    snprintf(rec->external_id, sizeof rec->external_id, "%s", in->external_id);
    /* A paid order is written with the review's decision; only a shortage found by the
     * reservation below can change it (an update rewrites the row and the status index). */
    rec->status = p->shop_placed ? ORDER_APPROVED : ORDER_PENDING_PAYMENT;
    if (review && !auto_review_decide(op->app, &p->prep, in, &rec->status))
        return ORDO_E_STORE;
    rec->created_at_ms = rec->updated_at_ms = op->now_ms;
    rec->payment_expires_at_ms =
        rec->status == ORDER_PENDING_PAYMENT ? op->now_ms + op->app->payment_hold_ms : 0;
    rec->splittable = in->splittable;
    rec->province_code = in->address.province_code;
    memcpy(rec->content_hash, in->content_hash, sizeof rec->content_hash);
    snprintf(rec->buyer_phone, sizeof rec->buyer_phone, "%s", in->phone_normalized);
    rec->doc_text = p->doc_text;
    rec->placed_at_ms = in->placed_at_ms;
    rec->address_key = p->prep.address_key;
    rec->client_ip = p->prep.ip_key;
    /* Planned before the row is written, so the decision goes in with it. */
    alloc_job_t *job = p->job;
    alloc_job_from_input(job, in, op->now_ms);
    job->catalog = op->app->sellable;
    alloc_decision_text_t decision;
    char *candidates = alloc_plan(s, job) == STORE_OK
                           ? alloc_decision_make(job, "intake", op->now_ms, &decision)
                           : NULL;
    if (!candidates)
        return ORDO_E_STORE;
    rec->allocation = &decision.rec;
    int inserted = s->vt->order_insert(s, rec);
    rec->allocation = NULL;
    free(candidates);
    if (inserted != STORE_OK)
        return ORDO_E_STORE;
    for (int i = 0; i < in->n_lines; i++)
        if (s->vt->order_line_insert(s, rec->id, i + 1, in->lines[i].sku, in->lines[i].qty,
                                     in->lines[i].unit_price_fen) != STORE_OK)
            return ORDO_E_STORE;

    job->order_id = rec->id;
    if (alloc_reserve_planned(s, job, "intake", op->now_ms) != STORE_OK)
        return ORDO_E_STORE;

    int32_t short_units = 0, wanted = 0;
    char detail[192] = "";
    size_t dl = 0;
    for (int l = 0; l < in->n_lines; l++) {
        wanted += in->lines[l].qty;
        short_units += job->short_qty[l];
        if (job->short_qty[l] && dl < sizeof detail - 40)
            dl += (size_t)snprintf(detail + dl, sizeof detail - dl, "%s%s ×%d", dl ? ", " : "",
                                   in->lines[l].sku, job->short_qty[l]);
    }
    if (short_units) {
        char msg[320];
        snprintf(msg, sizeof msg, "%d of %d units could not be reserved%s: %s", short_units, wanted,
                 in->splittable ? " (backordered: what is reserved ships, the rest on restock)"
                                : " (order ships whole)",
                 detail);
        /* A backorder needs nobody; an order that ships whole waits for a person's call. */
        if (open_exception(s, p, "stock_short", in->splittable ? "yellow" : "red", msg) != STORE_OK)
            return ORDO_E_STORE;
        atomic_fetch_add(&op->app->stock_short_orders, 1);
    }
    if (intake_exceptions(s, p) != STORE_OK)
        return ORDO_E_STORE;
    if (review && auto_review_finish(s, op->app, &p->prep, rec, in, short_units > 0, op->actor,
                                     op->now_ms, op->want_body ? &p->holds_text : NULL,
                                     op->want_body ? &p->review_text : NULL) != STORE_OK)
        return ORDO_E_STORE;
    /* The first event names where the order starts: approved when it passed every rule. */
    if (timeline_transition(s, rec->id, rec->order_no, op->actor, -1, rec->status, NULL,
                            op->now_ms) != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 201, NULL);
    return ORDO_E_OK;
}

static void place_finish(svc_op_t *op) {
    place_op_t *p = (place_op_t *)op;
    if (op->result.err != ORDO_E_OK) {
        if (op->result.err == ORDO_E_VALIDATION)
            atomic_fetch_add(&op->app->orders_rejected, 1);
        return;
    }
    if (!op->want_body) {
        if (p->replay)
            atomic_fetch_add(&op->app->orders_replayed, 1);
        else
            atomic_fetch_add(&op->app->orders_accepted, 1);
        op->result.http_status = p->replay ? 200 : 201;
        return;
    }
    if (p->replay) {
        json_t *view = NULL;
        store_t *r = app_reader(op->app);
        if (!r || order_load_view(r, p->replay_id, NULL, &view) != STORE_OK) {
            svc_fail(&op->result, ORDO_E_STORE, "cannot read the stored order");
            return;
        }
        atomic_fetch_add(&op->app->orders_replayed, 1);
        svc_ok(&op->result, 200, view);
        return;
    }
    /* The 201 body, written as text from what the transaction decided. */
    const alloc_job_t *job = p->job;
    int64_t line_reserved[ORDO_ORDER_LINES_MAX];
    for (int l = 0; l < job->n_lines; l++)
        line_reserved[l] = job->got[l];
    jsonw_t w;
    jw_init(&w);
    jw_arr_begin(&w);
    for (int i = 0; i < job->n_allocs; i++) {
        const reserve_alloc_t *a = &job->allocs[i];
        bool seen = false; /* one row per (sku, warehouse), as order_view gives */
        for (int j = 0; j < i && !seen; j++)
            seen = job->allocs[j].warehouse == a->warehouse &&
                   strcmp(job->sku[job->allocs[j].line], job->sku[a->line]) == 0;
        if (seen)
            continue;
        int64_t qty = 0;
        for (int j = i; j < job->n_allocs; j++)
            if (job->allocs[j].warehouse == a->warehouse &&
                strcmp(job->sku[job->allocs[j].line], job->sku[a->line]) == 0)
                qty += job->allocs[j].qty;
        jw_obj_begin(&w);
        jw_key(&w, "sku");
        jw_str(&w, job->sku[a->line]);
        jw_key(&w, "warehouse");
        jw_str(&w, job->wh_codes[a->warehouse]);
        jw_key(&w, "qty");
        jw_int(&w, qty);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    char *reservations = jw_take(&w, NULL);
    char *exceptions =
        json_array_size(p->exceptions) ? json_dumps(p->exceptions, JSON_COMPACT) : strdup("[]");
    char *holds = strdup(p->holds_text ? p->holds_text : "[]");
    order_live_t live = {.order_no = p->rec.order_no,
                         .status = order_status_name(p->rec.status),
                         .created_at_ms = p->rec.created_at_ms,
                         .updated_at_ms = p->rec.updated_at_ms,
                         .payment_expires_at_ms = p->rec.payment_expires_at_ms,
                         .line_reserved = line_reserved,
                         .reservations_json = reservations,
                         .exceptions_json = exceptions,
                         .holds_json = holds,
                         .review_json = p->review_text ? p->review_text : "null"};
    size_t len = 0;
    char *body = reservations && exceptions && holds ? order_doc_text(&p->in, &live, &len) : NULL;
    free(reservations);
    free(exceptions);
    free(holds);
    if (!body) {
        svc_fail(&op->result, ORDO_E_OVERLOADED, "out of memory writing the response");
        return;
    }
    atomic_fetch_add(&op->app->orders_accepted, 1);
    svc_ok(&op->result, 201, NULL);
    op->result.body_text = body;
    op->result.body_len = len;
    snprintf(op->result.created, sizeof op->result.created, "%s", p->rec.order_no);
}

static void place_destroy(svc_op_t *op) {
    place_op_t *p = (place_op_t *)op;
    if (p->job)
        alloc_job_clear(p->job);
    free(p->job);
    json_decref(p->exceptions);
    free(p->doc_text);
    free(p->review_text);
    free(p->holds_text);
    order_input_free(&p->in);
}

svc_op_t *order_place_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate) {
    place_op_t *p = (place_op_t *)svc_op_alloc(sizeof *p, app, actor);
    if (!p) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    p->op.run = place_run;
    p->op.finish = place_finish;
    p->op.destroy = place_destroy;
    /* On the stack: valid orders, the common case, never allocate an error list. */
    field_errors_t errs;
    errs.count = errs.dropped = 0;
    bool valid = order_parse(body, &app->validation, &p->in, &errs);
    if (valid)
        auto_review_keys(&p->in, &p->prep); /* stored on every order, counted on paid ones */
    store_t *r = app_reader(app);
    if (!r) {
        svc_fail(immediate, ORDO_E_STORE, "cannot open the database for reading");
        svc_op_free(&p->op);
        return NULL;
    }
    if (valid) {
        if (check_skus(r, NULL, &p->in, &errs) != STORE_OK) {
            svc_fail(immediate, ORDO_E_STORE, "cannot read the catalog");
            svc_op_free(&p->op);
            return NULL;
        }
    } else {
        /* Report unknown SKUs along with the rest, from whatever lines parsed. */
        json_t *items = json_object_get(body, "items");
        size_t i;
        json_t *item;
        json_array_foreach(items, i, item) {
            const char *sku = json_string_value(json_object_get(item, "sku"));
            int sellable;
            if (i >= ORDO_ORDER_LINES_MAX || !sku || !*sku)
                continue;
            char field[32];
            snprintf(field, sizeof field, "items[%zu].sku", i);
            int rc = r->vt->sku_sellable(r, sku, &sellable);
            if (rc == STORE_NOT_FOUND)
                field_errors_add(&errs, field, "unknown_sku", "no SKU '%s' in the catalog", sku);
            else if (rc == STORE_OK && !sellable)
                field_errors_add(&errs, field, "sku_not_sellable", "SKU '%s' is not sellable", sku);
        }
    }
    if (errs.count) {
        atomic_fetch_add(&app->orders_rejected, 1);
        svc_take_errors(immediate, &errs);
        svc_fail(immediate, ORDO_E_VALIDATION, "the order has %d invalid field%s", errs.count,
                 errs.count == 1 ? "" : "s");
        svc_op_free(&p->op);
        return NULL;
    }
    p->doc_text = order_doc_build(&p->in);
    p->exceptions = json_array();
    p->job = calloc(1, sizeof *p->job);
    if (!p->doc_text || !p->exceptions || !p->job) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        svc_op_free(&p->op);
        return NULL;
    }
    return &p->op;
}

svc_op_t *order_place_shop_op(app_t *app, json_t *body, const char *actor,
                              svc_result_t *immediate) {
    svc_op_t *op = order_place_op(app, body, actor, immediate);
    if (op)
        ((place_op_t *)op)->shop_placed = true;
    return op;
}

bool order_placed(const svc_op_t *op, int64_t *id, char order_no[32]) {
    const place_op_t *p = (const place_op_t *)op;
    if (op->result.err != ORDO_E_OK || p->replay || p->rec.id <= 0)
        return false;
    *id = p->rec.id;
    memcpy(order_no, p->rec.order_no, sizeof p->rec.order_no);
    return true;
}

/* ---- cancellation ---- */

/* Cancels rec inside the caller's transaction: gives back its stock, closes its stock_short
 * exception, records the move, and offers the freed stock to waiting orders. */
ordo_err_t order_cancel_in_tx(store_t *s, svc_op_t *op, order_rec_t *rec, const char *reason) {
    order_status_t to;
    if (!lifecycle_next(rec->status, ORDER_EV_CANCEL, &to))
        return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                        "order %s is %s and cannot be cancelled", rec->order_no,
                        order_status_name(rec->status));
    sku_set_t *freed = calloc(1, sizeof *freed);
    if (!freed)
        return ORDO_E_STORE;
    int rc = alloc_release_order(s, rec->id, "cancelled", op->now_ms, freed);
    if (rc == STORE_OK)
        rc = s->vt->order_set_status(s, rec->id, to, op->now_ms);
    int64_t exc = 0;
    if (rc == STORE_OK)
        rc = s->vt->exception_find_open(s, rec->id, "stock_short", &exc);
    if (rc == STORE_OK && exc)
        rc = s->vt->exception_resolve(s, exc, op->actor, "order cancelled", op->now_ms);
    if (rc == STORE_OK)
        rc = s->vt->holds_release_all(s, rec->id, op->actor, "order cancelled", op->now_ms, NULL);
    if (rc == STORE_OK)
        rc = timeline_transition(s, rec->id, rec->order_no, op->actor, (int)rec->status, to, reason,
                                 op->now_ms);
    if (rc == STORE_OK)
        rc = alloc_refill(s, freed, "system", op->now_ms);
    free(freed);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    rec->status = to;
    atomic_fetch_add(&op->app->orders_cancelled, 1);
    return ORDO_E_OK;
}

typedef struct {
    svc_op_t op;
    char order_no[40];
    char reason[ORDO_REASON_MAX + 1];
} cancel_op_t;

static ordo_err_t cancel_run(store_t *s, svc_op_t *op) {
    cancel_op_t *c = (cancel_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, c->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", c->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    ordo_err_t e = order_cancel_in_tx(s, op, &rec, c->reason);
    order_rec_clear(&rec);
    return e;
}

void order_view_finish(svc_op_t *op, const char *order_no) {
    if (op->result.err != ORDO_E_OK)
        return;
    json_t *view = NULL;
    store_t *r = app_reader(op->app);
    if (!r || order_load_view(r, 0, order_no, &view) != STORE_OK)
        svc_fail(&op->result, ORDO_E_STORE, "cannot read the order back");
    else
        svc_ok(&op->result, 200, view);
}

static void cancel_finish(svc_op_t *op) {
    order_view_finish(op, ((cancel_op_t *)op)->order_no);
}

svc_op_t *order_cancel_op(app_t *app, const char *order_no, const char *reason, const char *actor) {
    cancel_op_t *c = (cancel_op_t *)svc_op_alloc(sizeof *c, app, actor);
    if (!c)
        return NULL;
    c->op.run = cancel_run;
    c->op.finish = cancel_finish;
    snprintf(c->order_no, sizeof c->order_no, "%s", order_no);
    snprintf(c->reason, sizeof c->reason, "%s", reason);
    return &c->op;
}

/* ---- payment timeout ---- */

#define EXPIRY_BATCH 200

static ordo_err_t expiry_run(store_t *s, svc_op_t *op) {
    int64_t ids[EXPIRY_BATCH];
    int n = 0;
    if (s->vt->orders_payment_expired(s, op->now_ms, ids, EXPIRY_BATCH, &n) != STORE_OK)
        return ORDO_E_STORE;
    for (int i = 0; i < n; i++) {
        order_rec_t rec = {0};
        if (s->vt->order_get(s, ids[i], NULL, &rec) != STORE_OK)
            return ORDO_E_STORE;
        ordo_err_t e = order_cancel_in_tx(s, op, &rec, "payment_timeout");
        if (e == ORDO_E_OK) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "payment not received within %lld s; order cancelled and stock released",
                     (long long)(op->app->payment_hold_ms / 1000));
            exception_rec_t ex = {.order_id = rec.id,
                                  .code = "payment_timeout",
                                  .severity = "yellow",
                                  .message = msg,
                                  .at_ms = op->now_ms};
            if (s->vt->exception_open(s, &ex, NULL) != STORE_OK)
                e = ORDO_E_STORE;
            atomic_fetch_add(&op->app->payment_timeouts, 1);
        }
        order_rec_clear(&rec);
        if (e != ORDO_E_OK)
            return e;
    }
    svc_ok(&op->result, 200, json_integer(n));
    return ORDO_E_OK;
}

svc_op_t *payment_expiry_op(app_t *app) {
    svc_op_t *op = svc_op_alloc(sizeof *op, app, "system");
    if (op)
        op->run = expiry_run;
    return op;
}

/* ---- reads ---- */

static store_t *reader_or_fail(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s)
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
    return s;
}

void order_get(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = reader_or_fail(app, r);
    if (!s)
        return;
    json_t *view = NULL;
    s->vt->read_begin(s);
    int rc = order_load_view(s, 0, order_no, &view);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, view);
}

void order_subresource(app_t *app, const char *order_no,
                       int (*list)(store_t *s, int64_t order_id, json_t **out), svc_result_t *r) {
    store_t *s = reader_or_fail(app, r);
    if (!s)
        return;
    order_rec_t rec = {0};
    json_t *items = NULL;
    s->vt->read_begin(s);
    int rc = s->vt->order_get(s, 0, order_no, &rec);
    if (rc == STORE_OK)
        rc = list(s, rec.id, &items);
    s->vt->read_end(s);
    order_rec_clear(&rec);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, items);
}

static int events_of(store_t *s, int64_t order_id, json_t **out) {
    return s->vt->events_of_order(s, order_id, out);
}

void order_events(app_t *app, const char *order_no, svc_result_t *r) {
    order_subresource(app, order_no, events_of, r);
}

void order_page_result(store_t *s, int rc, order_rec_t *recs, int n, int limit, svc_result_t *r) {
    json_t *items = json_array();
    for (int i = 0; i < n && rc == STORE_OK; i++) {
        json_t *view = NULL;
        rc = order_load_view(s, recs[i].id, NULL, &view);
        if (rc == STORE_OK)
            json_array_append_new(items, view);
    }
    s->vt->read_end(s);
    json_t *next = json_null();
    if (rc == STORE_OK && n == limit && n > 0) {
        char cursor[32];
        snprintf(cursor, sizeof cursor, "%lld", (long long)recs[n - 1].id);
        next = json_string(cursor);
    }
    for (int i = 0; i < n; i++)
        order_rec_clear(&recs[i]);
    free(recs);
    if (rc != STORE_OK) {
        json_decref(items);
        json_decref(next);
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    svc_ok(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

void order_list(app_t *app, const order_filter_t *f, svc_result_t *r) {
    store_t *s = reader_or_fail(app, r);
    if (!s)
        return;
    order_rec_t *recs = NULL;
    int n = 0;
    s->vt->read_begin(s);
    int rc = s->vt->order_list(s, f, &recs, &n);
    order_page_result(s, rc, recs, n, f->limit, r);
}
