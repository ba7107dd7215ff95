#include "svc/waves.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pick_route.h"
#include "core/wave_plan.h"
#include "svc/exceptions.h"
#include "svc/fields.h"
#include "svc/merges.h"
#include "svc/pick_source.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

#define WAVE_ORDERS_MAX 100000
#define WAVE_ORDERS_DEFAULT 50
#define CARRIER_MAX 32

/* A line to pick; its own order, since a merged shipment's lines sit on its first order. */
typedef struct {
    int64_t order_id;
    char order_no[32];
    int line_no;
    char sku[ORDO_CODE_MAX + 1];
    int64_t qty;
} wave_line_t;

typedef struct {
    int64_t id;
    char order_no[32];
    char carrier[CARRIER_MAX + 1]; /* "" when none */
    bool elsewhere;                /* holds units in another warehouse too */
    order_status_t status;
    int n_lines, cap_lines;
    wave_line_t *lines;
    /* Merged shipments: a member after the first has its lines folded into the first's
     * (lead is the first's index), and a shipment missing a member here waits whole. */
    int lead; /* -1 unless folded */
    bool waits;
    bool in_wave;
} wave_order_t;

typedef struct {
    const char *warehouse;
    int n, cap;
    wave_order_t *orders;
    bool oom;
} holdings_t;

typedef struct {
    svc_op_t op;
    char warehouse[ORDO_CODE_MAX + 1];
    wave_strategy_t strategy;
    int max_orders;
    char carrier[CARRIER_MAX + 1];
    char cutoff[8];
    int64_t wave_id;
} wave_op_t;

static void collect_holding(void *ctx, const wave_holding_t *h) {
    holdings_t *hs = ctx;
    wave_order_t *o = hs->n ? &hs->orders[hs->n - 1] : NULL;
    if (!o || o->id != h->order_id) {
        if (hs->n == hs->cap) {
            int cap = hs->cap ? hs->cap * 2 : 64;
            wave_order_t *grown = realloc(hs->orders, sizeof *grown * (size_t)cap);
            if (!grown) {
                hs->oom = true;
                return;
            }
            hs->orders = grown;
            hs->cap = cap;
        }
        o = &hs->orders[hs->n++];
        memset(o, 0, sizeof *o);
        o->id = h->order_id;
        snprintf(o->order_no, sizeof o->order_no, "%s", h->order_no);
        snprintf(o->carrier, sizeof o->carrier, "%s", h->carrier ? h->carrier : "");
        o->status = (order_status_t)h->status;
        o->lead = -1;
    }
    if (strcmp(h->warehouse, hs->warehouse) != 0) {
        o->elsewhere = true;
        return;
    }
    if (o->n_lines == o->cap_lines) {
        int cap = o->cap_lines ? o->cap_lines * 2 : 4;
        wave_line_t *grown = realloc(o->lines, sizeof *grown * (size_t)cap);
        if (!grown) {
            hs->oom = true;
            return;
        }
        o->lines = grown;
        o->cap_lines = cap;
    }
    wave_line_t *l = &o->lines[o->n_lines++];
    l->order_id = h->order_id;
    snprintf(l->order_no, sizeof l->order_no, "%s", h->order_no);
    l->line_no = h->line_no;
    snprintf(l->sku, sizeof l->sku, "%s", h->sku);
    l->qty = h->qty;
}

typedef struct {
    int64_t merge_id;
    merge_member_t m;
} merged_row_t;

typedef struct {
    int n, cap;
    merged_row_t *rows;
    bool oom;
} merged_t;

static void collect_member(void *ctx, int64_t merge_id, const merge_member_t *m) {
    merged_t *mg = ctx;
    if (mg->oom)
        return;
    if (mg->n == mg->cap) {
        int cap = mg->cap ? mg->cap * 2 : 16;
        merged_row_t *grown = realloc(mg->rows, sizeof *grown * (size_t)cap);
        if (!grown) {
            mg->oom = true;
            return;
        }
        mg->rows = grown;
        mg->cap = cap;
    }
    mg->rows[mg->n++] = (merged_row_t){.merge_id = merge_id, .m = *m};
}

/* Holdings come by order id: a binary search finds a member. */
static int holding_index(const holdings_t *hs, int64_t order_id) {
    int lo = 0, hi = hs->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (hs->orders[mid].id == order_id)
            return mid;
        if (hs->orders[mid].id < order_id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* One merged shipment: when every member (cancelled ones aside) is an approved candidate
 * held wholly here, the others' lines join the first's, so the plan keeps them in one task;
 * otherwise its approved members wait for the next wave. */
static bool fold_merge(holdings_t *hs, const merged_row_t *rows, int n) {
    int idx[MERGE_MEMBERS_MAX], k = 0;
    bool whole = true;
    for (int i = 0; i < n && k < MERGE_MEMBERS_MAX; i++) {
        if (rows[i].m.status == ORDER_CANCELLED)
            continue;
        int at = holding_index(hs, rows[i].m.order_id);
        if (at < 0 || hs->orders[at].status != ORDER_APPROVED || hs->orders[at].elsewhere)
            whole = false;
        if (at >= 0 && hs->orders[at].status == ORDER_APPROVED)
            idx[k++] = at;
    }
    if (!whole || k < 2) {
        for (int i = 0; i < k && !whole; i++)
            hs->orders[idx[i]].waits = true;
        return true;
    }
    wave_order_t *lead = &hs->orders[idx[0]];
    for (int i = 1; i < k; i++) {
        wave_order_t *o = &hs->orders[idx[i]];
        int need = lead->n_lines + o->n_lines;
        if (need > lead->cap_lines) {
            wave_line_t *grown = realloc(lead->lines, sizeof *grown * (size_t)need);
            if (!grown)
                return false;
            lead->lines = grown;
            lead->cap_lines = need;
        }
        memcpy(lead->lines + lead->n_lines, o->lines, sizeof *o->lines * (size_t)o->n_lines);
        lead->n_lines = need;
        o->lead = idx[0];
    }
    return true;
}

/* An order edited after it was merged (another phone or address) no longer ships with the
 * others: the merge is dissolved, with a note on each member, and they go alone. */
static int still_one_address(store_t *s, const merged_row_t *rows, int n, const char *actor,
                             int64_t now, bool *same) {
    merge_facts_t first, f;
    int k = 0, rc = STORE_OK;
    *same = true;
    for (int i = 0; i < n && rc == STORE_OK && *same; i++) {
        if (rows[i].m.status == ORDER_CANCELLED)
            continue;
        rc = s->vt->merge->order_facts(s, rows[i].m.order_no, k++ ? &f : &first);
        if (rc == STORE_OK && k > 1)
            *same =
                strcmp(first.phone, f.phone) == 0 && strcmp(first.address_key, f.address_key) == 0;
    }
    if (rc != STORE_OK || *same)
        return rc;
    rc = s->vt->merge->remove(s, rows[0].merge_id);
    char note[96];
    snprintf(note, sizeof note,
             "unmerged from shipment %lld: its orders no longer share buyer "
             "and address",
             (long long)rows[0].merge_id);
    for (int i = 0; i < n && rc == STORE_OK; i++)
        if (rows[i].m.status != ORDER_CANCELLED)
            rc =
                timeline_note(s, rows[i].m.order_id, rows[i].m.order_no, actor, "merge", note, now);
    return rc;
}

static int fold_merges(store_t *s, const char *warehouse, holdings_t *hs, const char *actor,
                       int64_t now) {
    merged_t mg = {0};
    int rc = s->vt->merge->members_at(s, warehouse, collect_member, &mg);
    if (mg.oom)
        rc = STORE_ERROR;
    for (int i = 0; i < mg.n && rc == STORE_OK;) {
        int end = i + 1;
        while (end < mg.n && mg.rows[end].merge_id == mg.rows[i].merge_id)
            end++;
        bool same = true;
        rc = still_one_address(s, mg.rows + i, end - i, actor, now, &same);
        if (rc == STORE_OK && same && !fold_merge(hs, mg.rows + i, end - i))
            rc = STORE_ERROR;
        i = end;
    }
    free(mg.rows);
    return rc;
}

static void holdings_free(holdings_t *hs) {
    for (int i = 0; i < hs->n; i++)
        free(hs->orders[i].lines);
    free(hs->orders);
}

/* Pick sources of the SKUs a wave touches, loaded once each (a wave of many orders draws on
 * few SKUs), found through a JSON object used as a map from SKU to index. */
typedef struct {
    store_t *s;
    const char *warehouse;
    json_t *index;
    int n, cap;
    pick_source_t **src;
} sources_t;

static pick_source_t *source_of(sources_t *ss, const char *sku, int *rc) {
    json_t *at = json_object_get(ss->index, sku);
    if (at)
        return ss->src[json_integer_value(at)];
    if (ss->n == ss->cap) {
        int cap = ss->cap ? ss->cap * 2 : 16;
        pick_source_t **grown = realloc(ss->src, sizeof *grown * (size_t)cap);
        if (!grown) {
            *rc = STORE_ERROR;
            return NULL;
        }
        ss->src = grown;
        ss->cap = cap;
    }
    pick_source_t *src = malloc(sizeof *src);
    if (!src) {
        *rc = STORE_ERROR;
        return NULL;
    }
    *rc = pick_source_load(ss->s, ss->warehouse, sku, src);
    if (*rc != STORE_OK) {
        free(src);
        return NULL;
    }
    json_object_set_new(ss->index, sku, json_integer(ss->n));
    ss->src[ss->n++] = src;
    return src;
}

static void sources_free(sources_t *ss) {
    for (int i = 0; i < ss->n; i++)
        free(ss->src[i]);
    free(ss->src);
    json_decref(ss->index);
}

/* The lines one task will hold, before they are sorted into the route. */
typedef struct {
    int n, cap;
    pick_line_t *lines;
} line_buf_t;

static bool line_push(line_buf_t *b, const pick_line_t *l) {
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 16;
        pick_line_t *grown = realloc(b->lines, sizeof *grown * (size_t)cap);
        if (!grown)
            return false;
        b->lines = grown;
        b->cap = cap;
    }
    b->lines[b->n++] = *l;
    return true;
}

/* Sorts the buffer's lines into the walking route and writes them as a new task of the wave;
 * adds the distances walked in route order and in the order the lines came (order number,
 * then line: the baseline) to *route_dm and *baseline_dm. */
static int write_task(store_t *s, int64_t wave_id, const char *zone, line_buf_t *b,
                      int64_t *route_dm, int64_t *baseline_dm) {
    if (b->n == 0)
        return STORE_OK;
    bin_loc_t *locs = malloc(sizeof *locs * (size_t)b->n);
    const char **names = malloc(sizeof *names * (size_t)b->n);
    int *order = malloc(sizeof *order * (size_t)b->n);
    int rc = locs && names && order ? STORE_OK : STORE_ERROR;
    int64_t route = 0, baseline = 0, task_id = 0;
    if (rc == STORE_OK) {
        for (int i = 0; i < b->n; i++) {
            bin_parse(b->lines[i].bin, &locs[i]);
            names[i] = b->lines[i].bin;
        }
        baseline = pick_route_dm(locs, NULL, b->n);
        pick_route_sort(locs, names, b->n, order);
        route = pick_route_dm(locs, order, b->n);
        rc = s->vt->pick->task_insert(s, wave_id, zone, route, baseline, &task_id);
    }
    for (int i = 0; i < b->n && rc == STORE_OK; i++) {
        pick_line_t *l = &b->lines[order[i]];
        l->task_id = task_id;
        l->seq = i + 1;
        rc = s->vt->pick->line_insert(s, l);
    }
    *route_dm += route;
    *baseline_dm += baseline;
    free(locs);
    free(names);
    free(order);
    return rc;
}

/* A line's place in the zone split: its zone, then its place in the buffer. */
typedef struct {
    char zone[9];
    int index;
} zone_key_t;

static int cmp_zone_key(const void *pa, const void *pb) {
    const zone_key_t *a = pa, *b = pb;
    int c = strcmp(a->zone, b->zone);
    return c ? c : a->index - b->index; /* ties keep order-number order */
}

/* Zone strategy: one task per zone of the buffer's lines (unparsed bins share the zone ""). The
 * lines are large: an index is sorted, and they are copied once into zone order. */
static int write_zone_tasks(store_t *s, int64_t wave_id, line_buf_t *b, int64_t *route_dm,
                            int64_t *baseline_dm) {
    if (b->n == 0)
        return STORE_OK;
    zone_key_t *keys = malloc(sizeof *keys * (size_t)b->n);
    pick_line_t *sorted = malloc(sizeof *sorted * (size_t)b->n);
    int rc = keys && sorted ? STORE_OK : STORE_ERROR;
    for (int i = 0; i < b->n && rc == STORE_OK; i++) {
        bin_zone(b->lines[i].bin, keys[i].zone);
        keys[i].index = i;
    }
    if (rc == STORE_OK) {
        qsort(keys, (size_t)b->n, sizeof *keys, cmp_zone_key);
        for (int i = 0; i < b->n; i++)
            sorted[i] = b->lines[keys[i].index];
    }
    for (int start = 0; start < b->n && rc == STORE_OK;) {
        int end = start + 1;
        while (end < b->n && strcmp(keys[end].zone, keys[start].zone) == 0)
            end++;
        line_buf_t part = {.n = end - start, .cap = end - start, .lines = sorted + start};
        rc = write_task(s, wave_id, keys[start].zone[0] ? keys[start].zone : "unzoned", &part,
                        route_dm, baseline_dm);
        start = end;
    }
    free(keys);
    free(sorted);
    return rc;
}

/* Takes the order's units from the sources; false (and everything given back) when some
 * line cannot be filled from qualifying lots: *short_sku names it. */
static bool source_order(sources_t *ss, const wave_order_t *o, int32_t today, line_buf_t *out,
                         int slot, const char **short_sku, int64_t *short_units, int *rc) {
    int start = out->n;
    for (int l = 0; l < o->n_lines; l++) {
        pick_source_t *src = source_of(ss, o->lines[l].sku, rc);
        if (!src)
            return false;
        pick_take_t takes[PICK_SOURCE_LOTS_MAX];
        int64_t missing = 0;
        int n = pick_source_take(src, o->lines[l].qty, today, NULL, takes, &missing);
        for (int t = 0; t < n; t++) {
            pick_line_t pl = {.order_id = o->lines[l].order_id,
                              .line_no = o->lines[l].line_no,
                              .qty = takes[t].qty,
                              .slot = slot};
            snprintf(pl.order_no, sizeof pl.order_no, "%s", o->lines[l].order_no);
            snprintf(pl.warehouse, sizeof pl.warehouse, "%s", ss->warehouse);
            memcpy(pl.sku, src->sku, sizeof pl.sku);
            memcpy(pl.barcode, src->barcode, sizeof pl.barcode);
            memcpy(pl.bin, src->bin, sizeof pl.bin);
            snprintf(pl.lot, sizeof pl.lot, "%s", takes[t].lot);
            if (!line_push(out, &pl)) {
                *rc = STORE_ERROR;
                return false;
            }
        }
        if (missing > 0) {
            *short_sku = src->sku;
            *short_units = missing;
            break;
        }
    }
    if (!*short_sku)
        return true;
    /* Give back what the order's other lines took: a later order may use those lots. */
    for (int i = start; i < out->n; i++) {
        pick_source_t *src = source_of(ss, out->lines[i].sku, rc);
        for (int k = 0; src && k < src->n_lots; k++)
            if (strcmp(src->lot_names[k], out->lines[i].lot) == 0)
                src->lots[k].free_units += out->lines[i].qty;
    }
    out->n = start;
    return false;
}

static int flag_expiry_short(store_t *s, const wave_order_t *o, const pick_source_t *src,
                             int64_t units, const char *warehouse, const char *actor, int64_t now) {
    int64_t open_id = 0;
    int rc = s->vt->exception_find_open(s, o->id, "expiry_short", &open_id);
    if (rc != STORE_OK || open_id)
        return rc;
    char msg[320];
    snprintf(msg, sizeof msg,
             "%lld units of %s at %s cannot be picked: no lot there has the %lld days of shelf "
             "life left that %s needs",
             (long long)units, src->sku, warehouse, (long long)src->shelf_life_days, src->sku);
    exception_rec_t e = {
        .order_id = o->id, .code = "expiry_short", .severity = "red", .message = msg, .at_ms = now};
    rc = s->vt->exception_open(s, &e, NULL);
    if (rc == STORE_OK)
        rc = timeline_note(s, o->id, o->order_no, actor, "exception", msg, now);
    return rc;
}

/* An approved order, or a partly shipped one whose backorder came in, goes to picking; one
 * already picking (a short pick's units re-reserved) just gains lines. */
static int start_picking(store_t *s, const wave_order_t *o, int64_t wave_id, const char *actor,
                         int64_t now) {
    if (o->status == ORDER_PICKING)
        return STORE_OK;
    order_status_t to;
    bool legal = lifecycle_next(o->status, ORDER_EV_START_PICKING, &to);
    if (!legal)
        return STORE_ERROR;
    int rc = s->vt->order_set_status(s, o->id, to, now);
    char reason[48];
    snprintf(reason, sizeof reason, "wave %lld", (long long)wave_id);
    if (rc == STORE_OK)
        rc = timeline_transition(s, o->id, o->order_no, actor, o->status, to, reason, now);
    return rc;
}

/* What a candidate's plan keys point at. */
typedef struct {
    char group[CARRIER_MAX + 16];
    char zone[9];
} cand_keys_t;

/* The plan's candidates: orders held wholly here, of the wave's carrier when it names one
 * (an order without a carrier of its own takes the wave's). */
static int candidates(const wave_op_t *k, holdings_t *hs, sources_t *ss, wave_order_t **taken,
                      wave_candidate_t *cands, cand_keys_t *keys, int *n_out) {
    int n = 0, rc = STORE_OK;
    for (int i = 0; i < hs->n && rc == STORE_OK; i++) {
        wave_order_t *o = &hs->orders[i];
        if (o->elsewhere || o->n_lines == 0 || o->waits || o->lead >= 0)
            continue;
        if (k->carrier[0] && o->carrier[0] && strcmp(o->carrier, k->carrier) != 0)
            continue;
        int64_t units = 0;
        bool mixed = false;
        for (int l = 0; l < o->n_lines && rc == STORE_OK; l++) {
            units += o->lines[l].qty;
            pick_source_t *src = source_of(ss, o->lines[l].sku, &rc);
            if (!src)
                break;
            char zone[9];
            bin_zone(src->bin, zone);
            if (l == 0)
                memcpy(keys[n].zone, zone, sizeof zone);
            else if (strcmp(keys[n].zone, zone) != 0)
                mixed = true;
        }
        if (rc != STORE_OK)
            break;
        snprintf(keys[n].group, sizeof keys[n].group, "%s@%s",
                 o->carrier[0] ? o->carrier : k->carrier, k->cutoff);
        taken[n] = o;
        cands[n] = (wave_candidate_t){
            .units = units, .zone = mixed ? NULL : keys[n].zone, .group = keys[n].group};
        n++;
    }
    *n_out = n;
    return rc;
}

static ordo_err_t wave_run(store_t *s, svc_op_t *op) {
    wave_op_t *k = (wave_op_t *)op;
    json_t *probe = NULL;
    int rc = s->vt->warehouse_get(s, k->warehouse, &probe);
    json_decref(probe);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no warehouse '%s'", k->warehouse);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    rc = merge_by_rule(s, k->warehouse, op->now_ms);
    holdings_t hs = {.warehouse = k->warehouse};
    if (rc == STORE_OK)
        rc = s->vt->pick->wave_holdings(s, k->warehouse, collect_holding, &hs);
    if (hs.oom)
        rc = STORE_ERROR;
    if (rc == STORE_OK)
        rc = fold_merges(s, k->warehouse, &hs, op->actor, op->now_ms);
    sources_t ss = {.s = s, .warehouse = k->warehouse, .index = json_object()};
    size_t cap = (size_t)(hs.n ? hs.n : 1);
    wave_order_t **taken = malloc(sizeof *taken * cap);
    wave_candidate_t *cands = malloc(sizeof *cands * cap);
    cand_keys_t *keys = malloc(sizeof *keys * cap);
    int *members = malloc(sizeof *members * cap);
    wave_group_t *groups = malloc(sizeof *groups * cap);
    bool *in_wave = calloc(cap, sizeof *in_wave);
    json_t *skipped = json_array();
    line_buf_t *bufs = NULL;
    int n = 0, n_groups = 0, n_members = 0;
    int64_t route_dm = 0, baseline_dm = 0;
    ordo_err_t out = ORDO_E_OK;
    if (!taken || !cands || !keys || !members || !groups || !in_wave)
        rc = STORE_ERROR;
    if (rc == STORE_OK)
        rc = candidates(k, &hs, &ss, taken, cands, keys, &n);
    if (rc == STORE_OK)
        n_groups = wave_plan(k->strategy, cands, n, k->max_orders, members, groups, &n_members);
    if (rc == STORE_OK && n_members == 0) {
        out = svc_fail(&op->result, ORDO_E_CONFLICT,
                       "no order at %s fits a %s wave: %d approved orders there hold all their "
                       "units with nothing open against them%s",
                       k->warehouse, wave_strategy_name(k->strategy), n,
                       k->strategy == WAVE_BATCH    ? " (a batch needs 5 orders of one zone)"
                       : k->strategy == WAVE_SINGLE ? " (single takes orders of 1 to 3 units)"
                                                    : "");
        goto done;
    }
    /* Lots first: an order no qualifying lot can fill stays out (with its exception) before
     * anything of the wave is written. */
    bufs = calloc((size_t)(n_groups ? n_groups : 1), sizeof *bufs);
    if (!bufs)
        rc = STORE_ERROR;
    int32_t today = day_in_china(op->now_ms);
    int moved = 0;
    for (int g = 0; g < n_groups && rc == STORE_OK; g++) {
        /* one line per order line, more only where a line spans lots: sized once */
        int lines = 0;
        for (int m = 0; m < groups[g].count; m++)
            lines += taken[members[groups[g].first + m]]->n_lines;
        bufs[g].lines = malloc(sizeof *bufs[g].lines * (size_t)(lines ? lines : 1));
        bufs[g].cap = bufs[g].lines ? lines : 0;
        for (int m = 0; m < groups[g].count && rc == STORE_OK; m++) {
            int idx = members[groups[g].first + m];
            const char *short_sku = NULL;
            int64_t short_units = 0;
            int slot = k->strategy == WAVE_BATCH ? m + 1 : 0;
            if (source_order(&ss, taken[idx], today, &bufs[g], slot, &short_sku, &short_units,
                             &rc)) {
                in_wave[idx] = true;
                taken[idx]->in_wave = true;
                moved++;
                continue;
            }
            if (rc != STORE_OK)
                break;
            pick_source_t *src = source_of(&ss, short_sku, &rc);
            if (src)
                rc = flag_expiry_short(s, taken[idx], src, short_units, k->warehouse, op->actor,
                                       op->now_ms);
            json_array_append_new(skipped,
                                  json_pack("{s:s, s:s, s:s}", "order_no", taken[idx]->order_no,
                                            "reason", "expiry_short", "sku", short_sku));
        }
    }
    if (rc == STORE_OK && moved == 0) {
        /* Nothing to pick, yet the exceptions opened are kept: 200, and no wave. */
        svc_ok(&op->result, 200,
               json_pack("{s:n, s:s, s:[], s:[], s:O}", "id", "strategy",
                         wave_strategy_name(k->strategy), "orders", "tasks", "skipped", skipped));
        goto done;
    }
    if (rc == STORE_OK)
        rc = s->vt->pick->wave_insert(
            s, k->warehouse, wave_strategy_name(k->strategy), k->carrier[0] ? k->carrier : NULL,
            k->cutoff[0] ? k->cutoff : NULL, op->actor, op->now_ms, &k->wave_id);
    for (int g = 0; g < n_groups && rc == STORE_OK; g++) {
        if (k->strategy == WAVE_ZONE)
            rc = write_zone_tasks(s, k->wave_id, &bufs[g], &route_dm, &baseline_dm);
        else
            rc = write_task(s, k->wave_id, groups[g].zone ? groups[g].zone : "mixed", &bufs[g],
                            &route_dm, &baseline_dm);
    }
    for (int i = 0; i < hs.n && rc == STORE_OK; i++) {
        const wave_order_t *o = &hs.orders[i];
        if (o->in_wave || (o->lead >= 0 && hs.orders[o->lead].in_wave))
            rc = start_picking(s, o, k->wave_id, op->actor, op->now_ms);
    }
    if (rc == STORE_OK)
        rc = s->vt->pick->wave_set_distance(s, k->wave_id, route_dm, baseline_dm);
    json_t *body = NULL;
    if (rc == STORE_OK)
        rc = wave_json(s, k->wave_id, &body);
    if (rc == STORE_OK) {
        json_object_set(body, "skipped", skipped);
        svc_ok(&op->result, 201, body);
        snprintf(op->result.created, sizeof op->result.created, "%lld", (long long)k->wave_id);
    }
done:
    if (rc != STORE_OK)
        out = ORDO_E_STORE;
    json_decref(skipped);
    for (int g = 0; bufs && g < n_groups; g++)
        free(bufs[g].lines);
    free(bufs);
    free(taken);
    free(cands);
    free(keys);
    free(members);
    free(groups);
    free(in_wave);
    sources_free(&ss);
    holdings_free(&hs);
    return out;
}

static bool cutoff_valid(const char *t) {
    return strlen(t) == 5 && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' &&
           t[2] == ':' && t[3] >= '0' && t[3] <= '5' && t[4] >= '0' && t[4] <= '9' &&
           (t[0] - '0') * 10 + (t[1] - '0') < 24;
}

svc_op_t *wave_create_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate) {
    if (!fields_require_object(body, "the wave must be a JSON object", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    const char *warehouse = field_string(body, "warehouse", true, ORDO_CODE_MAX, e);
    const char *strategy = field_string(body, "strategy", true, 16, e);
    int64_t max_orders =
        field_int(body, "max_orders", false, 1, WAVE_ORDERS_MAX, WAVE_ORDERS_DEFAULT, e);
    const char *carrier = field_string(body, "carrier", false, CARRIER_MAX, e);
    const char *cutoff = field_string(body, "cutoff", false, 5, e);
    if (warehouse && !code_is_valid(warehouse))
        field_errors_add(e, "warehouse", "invalid_code", "invalid warehouse code");
    int strat = wave_strategy_from_name(strategy);
    if (strategy && strat < 0)
        field_errors_add(e, "strategy", "out_of_range",
                         "strategy must be single, batch, wave or zone");
    if (carrier && !code_is_valid(carrier))
        field_errors_add(e, "carrier", "invalid_code",
                         "a carrier code is 1 to 32 of A-Z a-z 0-9 . _ -");
    if (cutoff && !cutoff_valid(cutoff))
        field_errors_add(e, "cutoff", "invalid_time", "cutoff must be a time of day HH:MM");
    if (e->count) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the wave is invalid");
        return NULL;
    }
    wave_op_t *k = (wave_op_t *)svc_op_alloc(sizeof *k, app, actor);
    if (!k) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    k->op.run = wave_run;
    snprintf(k->warehouse, sizeof k->warehouse, "%s", warehouse);
    k->strategy = (wave_strategy_t)strat;
    k->max_orders = (int)max_orders;
    snprintf(k->carrier, sizeof k->carrier, "%s", carrier ? carrier : "");
    snprintf(k->cutoff, sizeof k->cutoff, "%s", cutoff ? cutoff : "");
    return &k->op;
}

static json_t *metres(int64_t dm) {
    return json_real((double)dm / 10.0);
}

static json_t *text_or_null(const char *v) {
    return v[0] ? json_string(v) : json_null();
}

json_t *pick_task_json(const pick_task_t *t, const pick_line_t *lines, int n) {
    json_t *arr = json_array();
    int64_t total = 0, picked = 0;
    for (int i = 0; i < n; i++) {
        const pick_line_t *l = &lines[i];
        if (!l->order_cancelled) {
            total += l->qty;
            picked += l->picked;
        }
        json_t *j = json_pack("{s:i, s:s, s:o, s:s, s:o, s:I, s:I, s:s}", "seq", l->seq, "sku",
                              l->sku, "barcode", text_or_null(l->barcode), "bin", l->bin, "lot",
                              text_or_null(l->lot), "qty", (json_int_t)l->qty, "picked",
                              (json_int_t)l->picked, "order_no", l->order_no);
        if (l->slot)
            json_object_set_new(j, "slot", json_integer(l->slot));
        if (l->order_cancelled)
            json_object_set_new(j, "cancelled", json_true());
        json_array_append_new(arr, j);
    }
    return json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:o}", "id", (json_int_t)t->id,
                     "wave", (json_int_t)t->wave_id, "zone", t->zone, "status", t->status, "units",
                     (json_int_t)total, "picked", (json_int_t)picked, "remaining",
                     (json_int_t)(total - picked), "distance_m", metres(t->distance_dm),
                     "baseline_m", metres(t->baseline_dm), "lines", arr);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

#define WAVE_TASKS_MAX 100000

int wave_json(store_t *s, int64_t id, json_t **out) {
    json_t *w = NULL;
    int rc = s->vt->pick->wave_get(s, id, &w);
    if (rc != STORE_OK)
        return rc;
    int64_t *ids = malloc(sizeof *ids * WAVE_TASKS_MAX);
    int n_tasks = 0;
    rc = ids ? s->vt->pick->wave_tasks(s, id, ids, WAVE_TASKS_MAX, &n_tasks) : STORE_ERROR;
    json_t *tasks = json_array();
    json_t *tasks_of = json_object(); /* order_no -> number of tasks it is in */
    for (int i = 0; i < n_tasks && rc == STORE_OK; i++) {
        pick_task_t t;
        pick_line_t *lines = NULL;
        int n = 0;
        rc = s->vt->pick->task_get(s, ids[i], &t);
        if (rc == STORE_OK)
            rc = s->vt->pick->task_lines(s, ids[i], &lines, &n);
        if (rc != STORE_OK)
            break;
        json_t *seen = json_object();
        for (int l = 0; l < n; l++)
            if (!json_object_get(seen, lines[l].order_no)) {
                json_object_set_new(seen, lines[l].order_no, json_true());
                json_int_t c = json_integer_value(json_object_get(tasks_of, lines[l].order_no));
                json_object_set_new(tasks_of, lines[l].order_no, json_integer(c + 1));
            }
        json_decref(seen);
        json_array_append_new(tasks, pick_task_json(&t, lines, n));
        free(lines);
    }
    free(ids);
    json_t *orders = json_array(), *consolidate = json_array();
    const char *no;
    json_t *count;
    json_object_foreach(tasks_of, no, count) {
        json_array_append_new(orders, json_string(no));
        if (json_integer_value(count) > 1)
            json_array_append_new(consolidate, json_string(no));
    }
    json_decref(tasks_of);
    /* sorted by order number: jansson hands keys back in no promised order */
    size_t n_orders = json_array_size(orders);
    json_t **items = malloc(sizeof *items * (n_orders ? n_orders : 1));
    for (size_t i = 0; items && i < n_orders; i++)
        items[i] = json_incref(json_array_get(orders, i));
    if (items) {
        qsort(items, n_orders, sizeof *items, cmp_str);
        json_array_clear(orders);
        for (size_t i = 0; i < n_orders; i++)
            json_array_append_new(orders, items[i]);
        free(items);
    }
    if (rc != STORE_OK) {
        json_decref(w);
        json_decref(tasks);
        json_decref(orders);
        json_decref(consolidate);
        return rc;
    }
    json_int_t dist = json_integer_value(json_object_get(w, "distance_dm"));
    json_int_t base = json_integer_value(json_object_get(w, "baseline_dm"));
    json_object_del(w, "distance_dm");
    json_object_del(w, "baseline_dm");
    json_object_set_new(w, "distance_m", metres(dist));
    json_object_set_new(w, "baseline_m", metres(base));
    json_object_set_new(w, "orders", orders);
    json_object_set_new(w, "consolidate", consolidate);
    json_object_set_new(w, "tasks", tasks);
    char at[40];
    json_object_set_new(w, "created_at",
                        json_string(rfc3339_format(
                            json_integer_value(json_object_get(w, "created_at")), at, sizeof at)));
    *out = w;
    return STORE_OK;
}

void wave_get(app_t *app, int64_t id, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    json_t *w = NULL;
    s->vt->read_begin(s);
    int rc = wave_json(s, id, &w);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no wave %lld", (long long)id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else
        svc_ok(r, 200, w);
}
