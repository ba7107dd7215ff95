/* Packing: what was scanned into a parcel is checked against what the order still has to
 * pack, the packaging is chosen from the items, and the parcel is recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/packaging.h"
#include "svc/fields.h"
#include "svc/merges.h"
#include "svc/parcels.h"
#include "svc/invoices.h"
#include "svc/timeline.h"

#define BARCODE_MAX 64
/* A parcel's weight and sides: beyond any courier's limits (40 kg, 1.5 m per side for SF's
 * heaviest express), but a wrong unit (kg typed as g) still stands out. */
#define PARCEL_WEIGHT_MAX_G 100000
#define PARCEL_SIDE_MAX_MM 3000

typedef struct {
    char barcode[BARCODE_MAX + 1];
    int64_t qty;
    int64_t left; /* not matched to a line yet */
} scan_t;

typedef struct {
    int member; /* the shipment member the line is of (0 for an order packed alone) */
    int line;
    const char *sku; /* borrowed from the order's document */
    char barcode[BARCODE_MAX + 1];
    int64_t ordered, remaining, packing;
    pack_item_t item;
} pack_line_t;

typedef struct {
    svc_op_t op;
    char order_no[40];
    scan_t scans[ORDO_ORDER_LINES_MAX];
    int n_scans;
    bool partial;
    int64_t weight_g, length_mm, width_mm, height_mm;
} pack_op_t;

/* What earlier parcels of the order already hold, added into per-line counts. */
static void count_packed(json_t *parcels, int64_t *packed_by_line) {
    size_t i, j;
    json_t *p, *item;
    json_array_foreach(parcels, i, p) {
        json_array_foreach(json_object_get(p, "items"), j, item) {
            json_int_t line = json_integer_value(json_object_get(item, "line"));
            if (line >= 1 && line <= ORDO_ORDER_LINES_MAX)
                packed_by_line[line] += json_integer_value(json_object_get(item, "qty"));
        }
    }
}

/* A splittable order's backordered units, per line: they are not in this parcel. */
static int count_backordered(store_t *s, const order_rec_t *rec, int64_t *by_line) {
    if (!rec->splittable)
        return STORE_OK;
    shortage_t sh[ORDO_ORDER_LINES_MAX];
    int n = 0;
    int rc = s->vt->shortages_of_order(s, rec->id, sh, ORDO_ORDER_LINES_MAX, &n);
    for (int i = 0; i < n && rc == STORE_OK; i++)
        if (sh[i].line_no >= 1 && sh[i].line_no <= ORDO_ORDER_LINES_MAX)
            by_line[sh[i].line_no] += sh[i].missing;
    return rc;
}

/* The order's lines with what each still needs packed (less its backorder) and its SKU's
 * barcode and measures. */
static int load_lines(store_t *s, const order_rec_t *rec, json_t *parcels, pack_line_t *lines,
                      int *n) {
    int64_t packed[ORDO_ORDER_LINES_MAX + 1] = {0};
    count_packed(parcels, packed);
    int rc = count_backordered(s, rec, packed);
    if (rc != STORE_OK)
        return rc;
    *n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(rec->doc, "items"), i, it) {
        if (*n >= ORDO_ORDER_LINES_MAX)
            break;
        pack_line_t *l = &lines[*n];
        memset(l, 0, sizeof *l);
        l->line = (int)json_integer_value(json_object_get(it, "line"));
        l->sku = json_string_value(json_object_get(it, "sku"));
        l->ordered = json_integer_value(json_object_get(it, "qty"));
        bool numbered = l->line >= 1 && l->line <= ORDO_ORDER_LINES_MAX;
        l->remaining = l->ordered - (numbered ? packed[l->line] : 0);
        json_t *sku = NULL;
        rc = s->vt->sku_get(s, l->sku, &sku);
        if (rc == STORE_OK) {
            const char *barcode = json_string_value(json_object_get(sku, "barcode"));
            snprintf(l->barcode, sizeof l->barcode, "%s", barcode ? barcode : "");
            l->item = (pack_item_t){
                .weight_g = json_integer_value(json_object_get(sku, "weight_g")),
                .length_mm = json_integer_value(json_object_get(sku, "length_mm")),
                .width_mm = json_integer_value(json_object_get(sku, "width_mm")),
                .height_mm = json_integer_value(json_object_get(sku, "height_mm")),
                .fragile = json_is_true(json_object_get(sku, "fragile")),
                .liquid = json_is_true(json_object_get(sku, "liquid")),
                .food = json_is_true(json_object_get(sku, "food")),
            };
        }
        json_decref(sku);
        if (rc != STORE_OK && rc != STORE_NOT_FOUND)
            return rc;
        (*n)++;
    }
    return STORE_OK;
}

/* Matches the scans to the lines (a barcode on several lines fills them in order) and
 * names every difference: a barcode not in the order, more than it still needs, or (unless
 * the parcel is a declared part of a splittable order) less. */
static void match_scans(pack_op_t *p, pack_line_t *lines, int n, bool splittable,
                        field_errors_t *e) {
    for (int k = 0; k < p->n_scans; k++) {
        scan_t *sc = &p->scans[k];
        sc->left = sc->qty;
        int64_t wanted = 0;
        bool known = false;
        for (int i = 0; i < n && sc->left > 0; i++) {
            if (!lines[i].barcode[0] || strcmp(lines[i].barcode, sc->barcode) != 0)
                continue;
            known = true;
            int64_t take = lines[i].remaining - lines[i].packing;
            take = take < sc->left ? take : sc->left;
            lines[i].packing += take;
            sc->left -= take;
            wanted += lines[i].remaining;
        }
        char field[32];
        snprintf(field, sizeof field, "items[%d]", k);
        if (!known)
            field_errors_add(e, field, "extra_item", "barcode %s (%lld scanned) is not in order %s",
                             sc->barcode, (long long)sc->qty, p->order_no);
        else if (sc->left > 0)
            field_errors_add(e, field, "extra_item",
                             "barcode %s: %lld scanned but the order still needs %lld", sc->barcode,
                             (long long)sc->qty, (long long)wanted);
    }
    if (p->partial && !splittable)
        field_errors_add(e, "partial", "not_splittable",
                         "order %s is not splittable: it ships whole in one parcel", p->order_no);
    for (int i = 0; i < n; i++) {
        int64_t missing = lines[i].remaining - lines[i].packing;
        if (missing <= 0 || (p->partial && splittable))
            continue;
        if (!lines[i].barcode[0])
            field_errors_add(e, "items", "missing_item",
                             "line %d (SKU %s, %lld to pack) has no barcode in the catalog to "
                             "scan",
                             lines[i].line, lines[i].sku, (long long)missing);
        else
            field_errors_add(e, "items", "missing_item",
                             "barcode %s (line %d, SKU %s): %lld to pack, %lld scanned",
                             lines[i].barcode, lines[i].line, lines[i].sku,
                             (long long)lines[i].remaining, (long long)lines[i].packing);
    }
}

static json_t *packaging_json(const packaging_t *pk) {
    json_t *materials = json_array();
    if (pk->bubble_wrap)
        json_array_append_new(materials, json_string("bubble_wrap"));
    if (pk->filler)
        json_array_append_new(materials, json_string("void_filler"));
    if (pk->sealed_bag)
        json_array_append_new(materials, json_string("sealed_bag"));
    if (pk->food_liner)
        json_array_append_new(materials, json_string("food_safe_liner"));
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:b}", "box", pk->box, "box_name",
                     pk->box_name, "length_mm", (json_int_t)pk->length_mm, "width_mm",
                     (json_int_t)pk->width_mm, "height_mm", (json_int_t)pk->height_mm, "materials",
                     materials, "fits", pk->fits);
}

/* A merged shipment: the scans are matched against every member's lines, all packed into one
 * box. Each member gets a parcel row of its own items naming the shipment; the box's
 * weight and sides are recorded on the first member's parcel and 0 on the others (their
 * goods are in that box), so weights and freight summed over parcels stay true. Every
 * member moves picking -> packed. */
static ordo_err_t pack_shipment(store_t *s, pack_op_t *p, const order_rec_t *asked, int64_t mid,
                                const merge_member_t *m, int n_members) {
    svc_op_t *op = &p->op;
    order_rec_t recs[MERGE_MEMBERS_MAX];
    memset(recs, 0, sizeof recs);
    pack_line_t *lines = calloc((size_t)ORDO_ORDER_LINES_MAX * (size_t)n_members, sizeof *lines);
    json_t *all_parcels[MERGE_MEMBERS_MAX] = {0};
    json_t *items[MERGE_MEMBERS_MAX] = {0};
    json_t *pack = NULL, *shipment_parcels = NULL;
    int64_t parcel_ids[MERGE_MEMBERS_MAX] = {0};
    ordo_err_t e = ORDO_E_OK;
    int n = 0, rc = lines ? STORE_OK : STORE_ERROR;
    for (int i = 0; i < n_members && rc == STORE_OK; i++) {
        rc = s->vt->order_get(s, m[i].order_id, NULL, &recs[i]);
        if (rc != STORE_OK)
            break;
        if (recs[i].status != ORDER_PICKING) {
            e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                         "order %s of shipment %lld is %s: a merged shipment packs once all its "
                         "orders are picked",
                         recs[i].order_no, (long long)mid, order_status_name(recs[i].status));
            goto out;
        }
        int k = 0;
        rc = s->vt->parcels_of_order(s, recs[i].id, &all_parcels[i]);
        if (rc == STORE_OK)
            rc = load_lines(s, &recs[i], all_parcels[i], lines + n, &k);
        for (int j = 0; j < k; j++)
            lines[n + j].member = i;
        n += k;
    }
    if (rc != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    if (p->partial)
        field_errors_add(svc_errors(&op->result), "partial", "merged_shipment",
                         "order %s is in merged shipment %lld: it packs whole in one box",
                         asked->order_no, (long long)mid);
    match_scans(p, lines, n, false, svc_errors(&op->result));
    if (svc_error_count(&op->result)) {
        e = svc_fail(&op->result, ORDO_E_VALIDATION,
                     "the box does not match merged shipment %lld; nothing was packed",
                     (long long)mid);
        goto out;
    }
    pack_item_t *packed_items = malloc(sizeof *packed_items * (size_t)(n ? n : 1));
    int n_packed = 0;
    for (int i = 0; i < n_members; i++)
        items[i] = json_array();
    for (int i = 0; packed_items && i < n; i++) {
        if (lines[i].packing == 0)
            continue;
        packed_items[n_packed] = lines[i].item;
        packed_items[n_packed++].qty = (int)lines[i].packing;
        json_array_append_new(items[lines[i].member],
                              json_pack("{s:i, s:s, s:s, s:I}", "line", lines[i].line, "sku",
                                        lines[i].sku, "barcode", lines[i].barcode, "qty",
                                        (json_int_t)lines[i].packing));
    }
    packaging_t pk = packaging_choose(packed_items, n_packed);
    free(packed_items);
    pack = packaging_json(&pk);
    char *pack_text = json_dumps(pack, JSON_COMPACT);
    rc = pack_text ? STORE_OK : STORE_ERROR;
    bool first = true;
    for (int i = 0; i < n_members && rc == STORE_OK; i++) {
        if (json_array_size(items[i]) == 0)
            continue;
        char *items_text = json_dumps(items[i], JSON_COMPACT);
        parcel_rec_t pr = {.order_id = recs[i].id,
                           .packaging_json = pack_text,
                           .items_json = items_text,
                           .weight_g = first ? p->weight_g : 0,
                           .length_mm = first ? p->length_mm : 0,
                           .width_mm = first ? p->width_mm : 0,
                           .height_mm = first ? p->height_mm : 0,
                           .actor = op->actor,
                           .now_ms = op->now_ms};
        first = false;
        rc = items_text ? s->vt->parcel_insert(s, &pr, &parcel_ids[i]) : STORE_ERROR;
        free(items_text);
        if (rc == STORE_OK)
            rc = s->vt->merge->parcel_set_shipment(s, parcel_ids[i], mid);
    }
    free(pack_text);
    for (int i = 0; i < n_members && rc == STORE_OK; i++) {
        char reason[160];
        snprintf(reason, sizeof reason, "parcel %lld packed in %s with merged shipment %lld",
                 (long long)parcel_ids[i], pk.box_name, (long long)mid);
        order_status_t to;
        bool legal = lifecycle_next(recs[i].status, ORDER_EV_PACK, &to);
        rc = legal ? s->vt->order_set_status(s, recs[i].id, to, op->now_ms) : STORE_ERROR;
        if (rc == STORE_OK)
            rc = timeline_transition(s, recs[i].id, recs[i].order_no, op->actor,
                                     (int)recs[i].status, to, reason, op->now_ms);
    }
    shipment_parcels = json_array();
    for (int i = 0; i < n_members && rc == STORE_OK; i++) {
        json_t *row = NULL;
        if (!parcel_ids[i])
            continue;
        rc = s->vt->parcel_get(s, parcel_ids[i], &row);
        if (rc == STORE_OK)
            json_array_append_new(shipment_parcels, parcel_view(row));
        json_decref(row);
    }
    json_t *views = rc == STORE_OK ? parcel_views_of_order(s, asked->id) : NULL;
    json_t *invoice = NULL;
    if (views) {
        rc = invoice_for_parcel(s, asked->id, &invoice);
        if (rc == STORE_NOT_FOUND)
            rc = STORE_OK;
    }
    if (!views || rc != STORE_OK) {
        json_decref(views);
        json_decref(invoice);
        e = ORDO_E_STORE;
        goto out;
    }
    json_t *orders = json_array();
    for (int i = 0; i < n_members; i++)
        json_array_append_new(orders, json_string(recs[i].order_no));
    json_t *remark = json_object_get(asked->doc, "remark");
    json_t *mine = json_incref(json_array_get(views, json_array_size(views) - 1));
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:s, s:O, s:o, s:o, s:o, s:{s:I, s:o, s:O}}", "order_no",
                     asked->order_no, "status", order_status_name(ORDER_PACKED), "remark",
                     remark ? remark : json_null(), "parcel", mine, "parcels", views, "invoice",
                     invoice ? invoice : json_null(), "shipment", "id", (json_int_t)mid, "orders",
                     orders, "parcels", shipment_parcels));
out:
    for (int i = 0; i < n_members; i++) {
        json_decref(all_parcels[i]);
        json_decref(items[i]);
        order_rec_clear(&recs[i]);
    }
    json_decref(shipment_parcels);
    json_decref(pack);
    free(lines);
    return e;
}

static ordo_err_t pack_run(store_t *s, svc_op_t *op) {
    pack_op_t *p = (pack_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, p->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", p->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    int64_t mid = 0;
    merge_member_t members[MERGE_MEMBERS_MAX];
    int n_members = 0;
    if (merge_shipment_of(s, rec.id, &mid, members, &n_members) != STORE_OK) {
        order_rec_clear(&rec);
        return ORDO_E_STORE;
    }
    if (n_members >= 2 && rec.status == ORDER_PICKING) {
        ordo_err_t me = pack_shipment(s, p, &rec, mid, members, n_members);
        order_rec_clear(&rec);
        return me;
    }
    ordo_err_t e = ORDO_E_OK;
    json_t *parcels = NULL, *items = NULL, *pack = NULL;
    pack_line_t *lines = calloc(ORDO_ORDER_LINES_MAX, sizeof *lines);
    int n = 0;
    order_status_t to = rec.status;
    /* Further parcels of a split order are packed while it is packed or partly shipped. */
    if (rec.status != ORDER_PICKING && rec.status != ORDER_PACKED &&
        rec.status != ORDER_PARTIALLY_SHIPPED) {
        e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                     "order %s is %s: packing starts once it is picked", rec.order_no,
                     order_status_name(rec.status));
        goto out;
    }
    if (!lines || s->vt->parcels_of_order(s, rec.id, &parcels) != STORE_OK ||
        load_lines(s, &rec, parcels, lines, &n) != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    match_scans(p, lines, n, rec.splittable, svc_errors(&op->result));
    if (svc_error_count(&op->result)) {
        e = svc_fail(&op->result, ORDO_E_VALIDATION,
                     "the parcel does not match order %s; nothing was packed", rec.order_no);
        goto out;
    }
    pack_item_t packed_items[ORDO_ORDER_LINES_MAX];
    int n_packed = 0;
    items = json_array();
    for (int i = 0; i < n; i++) {
        if (lines[i].packing == 0)
            continue;
        packed_items[n_packed] = lines[i].item;
        packed_items[n_packed++].qty = (int)lines[i].packing;
        json_array_append_new(items, json_pack("{s:i, s:s, s:s, s:I}", "line", lines[i].line, "sku",
                                               lines[i].sku, "barcode", lines[i].barcode, "qty",
                                               (json_int_t)lines[i].packing));
    }
    if (n_packed == 0) {
        e = svc_fail(&op->result, ORDO_E_CONFLICT, "order %s has nothing left to pack",
                     rec.order_no);
        goto out;
    }
    packaging_t pk = packaging_choose(packed_items, n_packed);
    pack = packaging_json(&pk);
    char *pack_text = json_dumps(pack, JSON_COMPACT);
    char *items_text = json_dumps(items, JSON_COMPACT);
    parcel_rec_t pr = {.order_id = rec.id,
                       .packaging_json = pack_text,
                       .items_json = items_text,
                       .weight_g = p->weight_g,
                       .length_mm = p->length_mm,
                       .width_mm = p->width_mm,
                       .height_mm = p->height_mm,
                       .actor = op->actor,
                       .now_ms = op->now_ms};
    int64_t parcel_id = 0;
    rc = pack_text && items_text ? s->vt->parcel_insert(s, &pr, &parcel_id) : STORE_ERROR;
    free(pack_text);
    free(items_text);
    char reason[128];
    snprintf(reason, sizeof reason, "parcel %lld packed in %s", (long long)parcel_id, pk.box_name);
    if (rc == STORE_OK && rec.status == ORDER_PICKING) {
        bool legal = lifecycle_next(rec.status, ORDER_EV_PACK, &to);
        rc = legal ? s->vt->order_set_status(s, rec.id, to, op->now_ms) : STORE_ERROR;
        if (rc == STORE_OK)
            rc = timeline_transition(s, rec.id, rec.order_no, op->actor, (int)rec.status, to,
                                     reason, op->now_ms);
    } else if (rc == STORE_OK) {
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "parcel", reason, op->now_ms);
    }
    json_t *views = rc == STORE_OK ? parcel_views_of_order(s, rec.id) : NULL;
    if (!views) {
        e = ORDO_E_STORE;
        goto out;
    }
    json_t *remark = json_object_get(rec.doc, "remark");
    json_t *mine = json_incref(json_array_get(views, json_array_size(views) - 1));
    /* A paper invoice travels in the box: the packing station prints it from here. */
    json_t *invoice = NULL;
    rc = invoice_for_parcel(s, rec.id, &invoice);
    if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
        json_decref(mine);
        json_decref(views);
        e = ORDO_E_STORE;
        goto out;
    }
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:s, s:O, s:o, s:o, s:o}", "order_no", rec.order_no, "status",
                     order_status_name(to), "remark", remark ? remark : json_null(), "parcel", mine,
                     "parcels", views, "invoice", invoice ? invoice : json_null()));
out:
    json_decref(parcels);
    json_decref(items);
    json_decref(pack);
    free(lines);
    order_rec_clear(&rec);
    return e;
}

static bool parse_scans(pack_op_t *p, json_t *list, field_errors_t *e) {
    if (!json_is_array(list) || json_array_size(list) == 0 ||
        json_array_size(list) > ORDO_ORDER_LINES_MAX) {
        field_errors_add(e, "items", "required",
                         "items is an array of 1..%d scanned {barcode, qty}", ORDO_ORDER_LINES_MAX);
        return false;
    }
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "items[%zu]", i);
        if (!json_is_object(it)) {
            field_errors_add(e, prefix, "wrong_type", "%s must be an object {barcode, qty}",
                             prefix);
            continue;
        }
        field_errors_t local;
        local.count = local.dropped = 0;
        const char *barcode = field_string(it, "barcode", true, BARCODE_MAX, &local);
        int64_t qty = field_int(it, "qty", true, 1, ORDO_LINE_QTY_MAX, 0, &local);
        for (int k = 0; k < local.count; k++) {
            char field[64];
            snprintf(field, sizeof field, "%s.%s", prefix, local.items[k].field);
            field_errors_add(e, field, local.items[k].code, "%s: %s", prefix,
                             local.items[k].message);
        }
        if (local.count)
            continue;
        /* The same barcode scanned in several entries counts once, summed. */
        int k = 0;
        while (k < p->n_scans && strcmp(p->scans[k].barcode, barcode) != 0)
            k++;
        if (k == p->n_scans)
            snprintf(p->scans[p->n_scans++].barcode, BARCODE_MAX + 1, "%s", barcode);
        p->scans[k].qty += qty;
    }
    return true;
}

svc_op_t *order_pack_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                        svc_result_t *immediate) {
    if (!fields_require_object(body, "the parcel is invalid", immediate))
        return NULL;
    pack_op_t *p = (pack_op_t *)svc_op_alloc(sizeof *p, app, actor);
    if (!p) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    field_errors_t *e = svc_errors(immediate);
    parse_scans(p, json_object_get(body, "items"), e);
    p->weight_g = field_int(body, "weight_g", true, 1, PARCEL_WEIGHT_MAX_G, 0, e);
    p->length_mm = field_int(body, "length_mm", true, 1, PARCEL_SIDE_MAX_MM, 0, e);
    p->width_mm = field_int(body, "width_mm", true, 1, PARCEL_SIDE_MAX_MM, 0, e);
    p->height_mm = field_int(body, "height_mm", true, 1, PARCEL_SIDE_MAX_MM, 0, e);
    p->partial = field_bool(body, "partial", false, e);
    if (svc_error_count(immediate)) {
        svc_op_free(&p->op);
        svc_fail(immediate, ORDO_E_VALIDATION, "the parcel is invalid; nothing was packed");
        return NULL;
    }
    p->op.run = pack_run;
    snprintf(p->order_no, sizeof p->order_no, "%s", order_no);
    return &p->op;
}
