/* Shipping: each packed parcel gets its carrier and tracking number, the order moves on and
 * the buyer is told which carrier carries it under which number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/carrier.h"
#include "core/limits.h"
#include "svc/carriers.h"
#include "svc/fields.h"
#include "svc/merges.h"
#include "svc/parcels.h"
#include "svc/invoices.h"
#include "svc/ship_stock.h"
#include "svc/sourcing.h"
#include "svc/timeline.h"
#include "svc/tracking.h"

/* Parcels shipped in one call: more than any order's lines could fill. */
#define SHIP_PARCELS_MAX ORDO_ORDER_LINES_MAX

typedef struct {
    svc_op_t op;
    char order_no[40];
    char carrier[CARRIER_CODE_MAX + 1]; /* "" for the order's, channel's or policy's */
    carrier_policy_t policy;
} ship_op_t;

typedef struct {
    int64_t id;
    carrier_choice_t choice;
} planned_t;

/* Whether every line of the order has gone out, counting the parcels shipped so far. */
static bool all_lines_shipped(json_t *doc, json_t *parcels) {
    int64_t shipped[ORDO_ORDER_LINES_MAX + 1] = {0};
    size_t i, j;
    json_t *p, *item;
    json_array_foreach(parcels, i, p) {
        if (strcmp(json_string_value(json_object_get(p, "status")), "shipped") != 0)
            continue;
        json_array_foreach(json_object_get(p, "items"), j, item) {
            json_int_t line = json_integer_value(json_object_get(item, "line"));
            if (line >= 1 && line <= ORDO_ORDER_LINES_MAX)
                shipped[line] += json_integer_value(json_object_get(item, "qty"));
        }
    }
    json_array_foreach(json_object_get(doc, "items"), i, item) {
        json_int_t line = json_integer_value(json_object_get(item, "line"));
        if (line < 1 || line > ORDO_ORDER_LINES_MAX ||
            shipped[line] < json_integer_value(json_object_get(item, "qty")))
            return false;
    }
    return true;
}

/* An empty pool stops the shipment, and someone has to order numbers from the carrier: a
 * red exception on the order (once), written even though the shipment is refused. */
static ordo_err_t pool_empty(store_t *s, svc_op_t *op, const order_rec_t *rec, const carrier_t *c,
                             int64_t have, int64_t need) {
    char message[256];
    snprintf(message, sizeof message,
             "carrier %s has %lld tracking numbers left, %lld needed: add numbers with POST "
             "/v1/carriers/%s/tracking-numbers",
             c->code, (long long)have, (long long)need, c->code);
    int64_t open_id = 0;
    int rc = s->vt->exception_find_open(s, rec->id, "tracking_pool_empty", &open_id);
    if (rc == STORE_OK && !open_id) {
        exception_rec_t e = {.order_id = rec->id,
                             .code = "tracking_pool_empty",
                             .severity = "red",
                             .message = message,
                             .at_ms = op->now_ms};
        rc = s->vt->exception_open(s, &e, NULL);
        if (rc == STORE_OK)
            rc = timeline_note(s, rec->id, rec->order_no, op->actor, "exception", message,
                               op->now_ms);
    }
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    svc_fail(&op->result, ORDO_E_TRACKING_POOL_EMPTY, "%s; order %s was not shipped", message,
             rec->order_no);
    return ORDO_E_OK; /* keep the exception */
}

/* Chooses a carrier for every packed parcel; false with the op failed when one cannot go. */
static bool plan(ship_op_t *sh, const order_rec_t *rec, json_t *parcels, const carrier_t *cs,
                 int n_cs, int from_province, planned_t *out, int *n_out) {
    const char *required =
        sh->carrier[0] ? sh->carrier : json_string_value(json_object_get(rec->doc, "carrier"));
    size_t i;
    json_t *p;
    *n_out = 0;
    json_array_foreach(parcels, i, p) {
        if (strcmp(json_string_value(json_object_get(p, "status")), "packed") != 0)
            continue;
        if (*n_out >= SHIP_PARCELS_MAX)
            break;
        carrier_request_t req = {
            .from_province = from_province,
            .to_province = province_of(rec->province_code),
            .km = sourcing_province_km(from_province, province_of(rec->province_code)),
            .weight_g = json_integer_value(json_object_get(p, "weight_g")),
            .length_mm = json_integer_value(json_object_get(p, "length_mm")),
            .width_mm = json_integer_value(json_object_get(p, "width_mm")),
            .height_mm = json_integer_value(json_object_get(p, "height_mm")),
            .channel = json_string_value(json_object_get(rec->doc, "channel")),
            .required = required,
            .policy = sh->policy,
        };
        planned_t *pl = &out[(*n_out)++];
        pl->id = json_integer_value(json_object_get(p, "id"));
        pl->choice = carrier_choose(cs, n_cs, &req);
        if (pl->choice.index < 0) {
            if (sh->carrier[0]) {
                field_errors_add(svc_errors(&sh->op.result), "carrier", "carrier_unavailable", "%s",
                                 pl->choice.refusal);
                svc_fail(&sh->op.result, ORDO_E_VALIDATION, "order %s cannot ship with %s",
                         rec->order_no, sh->carrier);
            } else {
                svc_fail(&sh->op.result, ORDO_E_CONFLICT, "parcel %lld of order %s: %s",
                         (long long)pl->id, rec->order_no, pl->choice.refusal);
            }
            return false;
        }
    }
    if (*n_out == 0) {
        svc_fail(&sh->op.result, ORDO_E_CONFLICT, "order %s has no packed parcel to ship",
                 rec->order_no);
        return false;
    }
    return true;
}

/* Appends text to a sep-separated list in buf unless the list already has it (several parcels
 * with one carrier name it once). */
static void list_add(char *buf, size_t cap, const char *sep, const char *text) {
    size_t n = strlen(text), sep_len = strlen(sep);
    for (const char *p = buf; *p;) {
        const char *end = strstr(p, sep);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, text, n) == 0)
            return;
        p = end ? end + sep_len : p + len;
    }
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s%s", len ? sep : "", text);
}

/* The packed parcels of a merged shipment among an order's parcels, into ids. */
static int shipment_parcels(json_t *parcels, int64_t mid, int64_t *ids, int max) {
    int n = 0;
    size_t i;
    json_t *p;
    json_array_foreach(parcels, i, p) {
        if (n < max && json_integer_value(json_object_get(p, "shipment_id")) == mid &&
            strcmp(json_string_value(json_object_get(p, "status")), "packed") == 0)
            ids[n++] = json_integer_value(json_object_get(p, "id"));
    }
    return n;
}

/* A merged shipment leaves as one box: one carrier chosen for the box (the first member's
 * parcel carries its weight and sides), one tracking number drawn once and written on every
 * member's parcel (the freight on the first), one label. Each member's stock leaves, its
 * status moves, its parcel is tracked and its buyer is told as when it ships alone. */
static ordo_err_t ship_shipment(store_t *s, ship_op_t *sh, const order_rec_t *asked, int64_t mid,
                                const merge_member_t *m, int n_members) {
    svc_op_t *op = &sh->op;
    order_rec_t recs[MERGE_MEMBERS_MAX];
    memset(recs, 0, sizeof recs);
    json_t *before[MERGE_MEMBERS_MAX] = {0};
    int64_t ids[MERGE_MEMBERS_MAX][SHIP_PARCELS_MAX];
    int n_ids[MERGE_MEMBERS_MAX] = {0};
    json_t *lead_only = json_array(), *shipped = json_array();
    carrier_t *cs = NULL;
    int n_cs = 0, n_plan = 0, rc = STORE_OK;
    planned_t planned[1];
    ordo_err_t e = ORDO_E_OK;
    json_t *lead = NULL;
    int64_t lead_id = 0;
    for (int i = 0; i < n_members && rc == STORE_OK; i++) {
        rc = s->vt->order_get(s, m[i].order_id, NULL, &recs[i]);
        if (rc != STORE_OK)
            break;
        if (recs[i].status != ORDER_PACKED) {
            e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                         "order %s of merged shipment %lld is %s: the shipment leaves once "
                         "all its orders are packed",
                         recs[i].order_no, (long long)mid, order_status_name(recs[i].status));
            goto out;
        }
        rc = s->vt->parcels_of_order(s, recs[i].id, &before[i]);
        if (rc != STORE_OK)
            break;
        n_ids[i] = shipment_parcels(before[i], mid, ids[i], SHIP_PARCELS_MAX);
        size_t k;
        json_t *p;
        json_array_foreach(before[i], k, p) {
            int64_t id = json_integer_value(json_object_get(p, "id"));
            for (int j = 0; j < n_ids[i]; j++)
                if (ids[i][j] == id && (!lead_id || id < lead_id)) {
                    lead_id = id;
                    lead = p;
                }
        }
    }
    if (rc == STORE_OK)
        rc = carriers_load(s, &cs, &n_cs);
    if (rc != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    if (lead)
        json_array_append(lead_only, lead);
    char origin[128];
    int from = parcel_origin_province(s, asked, op->now_ms, origin);
    if (!plan(sh, asked, lead_only, cs, n_cs, from, planned, &n_plan)) {
        e = op->result.err;
        goto out;
    }
    const carrier_t *c = &cs[planned[0].choice.index];
    const tracking_source_t *src = tracking_source_for(c);
    int64_t have = 0;
    if (src->available(src, s, c, &have) != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    if (have < 1) {
        e = pool_empty(s, op, asked, c, have, 1);
        goto out;
    }
    char number[48];
    rc = src->next(src, s, c, lead_id, op->now_ms, number);
    if (rc == STORE_OK && !carrier_tracking_valid(c, number)) {
        e = svc_fail(&op->result, ORDO_E_CONFLICT,
                     "tracking number %s from the %s pool does not match the carrier's format "
                     "any more; nothing was shipped",
                     number, c->code);
        goto out;
    }
    /* Each member's parcel is tracked under the box's number: a push or a poll for it moves
     * every order in the box. */
    for (int i = 0; i < n_members && rc == STORE_OK; i++)
        for (int j = 0; j < n_ids[i] && rc == STORE_OK; j++) {
            rc = s->vt->parcel_ship(
                s, ids[i][j], c->code, number, ship_zone_name(planned[0].choice.zone),
                ids[i][j] == lead_id ? planned[0].choice.price_fen : 0, op->now_ms);
            if (rc == STORE_OK)
                rc = tracking_parcel_shipped(s, ids[i][j], recs[i].id, c->code, number,
                                             planned[0].choice.promised_days, op->now_ms);
        }
    char together[400] = "";
    for (int i = 0; i < n_members; i++)
        list_add(together, sizeof together, " ", recs[i].order_no);
    json_t *orders = json_array();
    for (int i = 0; i < n_members && rc == STORE_OK; i++) {
        json_array_append_new(orders, json_string(recs[i].order_no));
        json_t *after = NULL;
        rc = ship_stock_consume(s, recs[i].id, recs[i].order_no, before[i], ids[i], n_ids[i],
                                op->actor, op->now_ms);
        if (rc == STORE_OK)
            rc = s->vt->parcels_of_order(s, recs[i].id, &after);
        if (rc != STORE_OK)
            break;
        order_event_t ev =
            all_lines_shipped(recs[i].doc, after) ? ORDER_EV_SHIP : ORDER_EV_SHIP_PARTIAL;
        order_status_t to;
        if (!lifecycle_next(recs[i].status, ev, &to)) {
            rc = STORE_ERROR;
            json_decref(after);
            break;
        }
        char reason[800];
        snprintf(reason, sizeof reason, "%s %s (merged shipment %lld: %s)", c->name, number,
                 (long long)mid, together);
        json_t *extra = json_pack("{s:s, s:s, s:s}", "carrier", c->code, "carrier_name", c->name,
                                  "tracking_no", number);
        rc = s->vt->order_set_status(s, recs[i].id, to, op->now_ms);
        if (rc == STORE_OK)
            rc = invoice_parcel_shipped(s, recs[i].id, op->now_ms);
        if (rc == STORE_OK)
            rc = timeline_transition_with(s, recs[i].id, recs[i].order_no, op->actor,
                                          recs[i].status, to, reason, extra, op->now_ms);
        json_decref(extra);
        size_t k;
        json_t *p;
        json_array_foreach(after, k, p) {
            for (int j = 0; j < n_ids[i]; j++)
                if (ids[i][j] == json_integer_value(json_object_get(p, "id"))) {
                    json_t *v = parcel_view(p);
                    json_object_set_new(v, "chosen_by", json_string(planned[0].choice.why));
                    json_object_set_new(v, "chargeable_g",
                                        json_integer(planned[0].choice.chargeable_g));
                    json_object_set_new(v, "promised_days",
                                        json_integer(planned[0].choice.promised_days));
                    json_array_append_new(shipped, v);
                }
        }
        json_decref(after);
    }
    if (rc != STORE_OK) {
        json_decref(orders);
        e = ORDO_E_STORE;
        goto out;
    }
    order_status_t now_status = ORDER_SHIPPED;
    for (int i = 0; i < n_members; i++)
        if (recs[i].id == asked->id) {
            order_rec_t fresh = {0};
            if (s->vt->order_get(s, asked->id, NULL, &fresh) == STORE_OK)
                now_status = fresh.status;
            order_rec_clear(&fresh);
        }
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:s, s:O, s:{s:I, s:o, s:s, s:s}}", "order_no", asked->order_no,
                     "status", order_status_name(now_status), "parcels", shipped, "shipment", "id",
                     (json_int_t)mid, "orders", orders, "carrier", c->code, "tracking_no", number));
out:
    for (int i = 0; i < n_members; i++) {
        json_decref(before[i]);
        order_rec_clear(&recs[i]);
    }
    json_decref(lead_only);
    json_decref(shipped);
    carriers_free(cs, n_cs);
    return e;
}

static ordo_err_t ship_run(store_t *s, svc_op_t *op) {
    ship_op_t *sh = (ship_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, sh->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", sh->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    int64_t mid = 0;
    merge_member_t members[MERGE_MEMBERS_MAX];
    int n_members = 0;
    if (merge_shipment_of(s, rec.id, &mid, members, &n_members) != STORE_OK) {
        order_rec_clear(&rec);
        return ORDO_E_STORE;
    }
    if (n_members >= 2 && rec.status == ORDER_PACKED) {
        ordo_err_t me = ship_shipment(s, sh, &rec, mid, members, n_members);
        order_rec_clear(&rec);
        return me;
    }
    ordo_err_t e = ORDO_E_OK;
    json_t *parcels = NULL, *after = NULL, *shipped = NULL;
    carrier_t *cs = NULL;
    int n_cs = 0, n_plan = 0;
    planned_t *planned = calloc(SHIP_PARCELS_MAX, sizeof *planned);
    if (rec.status != ORDER_PACKED && rec.status != ORDER_PARTIALLY_SHIPPED) {
        e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                     "order %s is %s: only packed parcels ship", rec.order_no,
                     order_status_name(rec.status));
        goto out;
    }
    char origin[128];
    if (!planned || s->vt->parcels_of_order(s, rec.id, &parcels) != STORE_OK ||
        carriers_load(s, &cs, &n_cs) != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    int from = parcel_origin_province(s, &rec, op->now_ms, origin);
    if (!plan(sh, &rec, parcels, cs, n_cs, from, planned, &n_plan)) {
        e = op->result.err;
        goto out;
    }
    /* Every carrier must have a number for each of its parcels before anything is written. */
    for (int i = 0; i < n_plan; i++) {
        int64_t need = 0, have = 0;
        const carrier_t *c = &cs[planned[i].choice.index];
        for (int j = 0; j < n_plan; j++)
            need += planned[j].choice.index == planned[i].choice.index;
        const tracking_source_t *src = tracking_source_for(c);
        if (src->available(src, s, c, &have) != STORE_OK) {
            e = ORDO_E_STORE;
            goto out;
        }
        if (have < need) {
            e = pool_empty(s, op, &rec, c, have, need);
            goto out;
        }
    }
    char names[256] = "", codes[128] = "", numbers[512] = "";
    shipped = json_array();
    for (int i = 0; i < n_plan; i++) {
        const carrier_t *c = &cs[planned[i].choice.index];
        const tracking_source_t *src = tracking_source_for(c);
        char number[48];
        rc = src->next(src, s, c, planned[i].id, op->now_ms, number);
        if (rc == STORE_OK && !carrier_tracking_valid(c, number)) {
            e = svc_fail(&op->result, ORDO_E_CONFLICT,
                         "tracking number %s from the %s pool does not match the carrier's "
                         "format any more; nothing was shipped",
                         number, c->code);
            goto out;
        }
        if (rc == STORE_OK)
            rc = s->vt->parcel_ship(s, planned[i].id, c->code, number,
                                    ship_zone_name(planned[i].choice.zone),
                                    planned[i].choice.price_fen, op->now_ms);
        if (rc == STORE_OK)
            rc = tracking_parcel_shipped(s, planned[i].id, rec.id, c->code, number,
                                         planned[i].choice.promised_days, op->now_ms);
        if (rc != STORE_OK) {
            e = ORDO_E_STORE;
            goto out;
        }
        list_add(names, sizeof names, "、", c->name);
        list_add(codes, sizeof codes, ",", c->code);
        list_add(numbers, sizeof numbers, ", ", number);
    }
    /* The goods leave the stock with the parcels. */
    int64_t leaving[SHIP_PARCELS_MAX];
    for (int i = 0; i < n_plan; i++)
        leaving[i] = planned[i].id;
    if (ship_stock_consume(s, rec.id, rec.order_no, parcels, leaving, n_plan, op->actor,
                           op->now_ms) != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    if (s->vt->parcels_of_order(s, rec.id, &after) != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    order_event_t ev = all_lines_shipped(rec.doc, after) ? ORDER_EV_SHIP : ORDER_EV_SHIP_PARTIAL;
    order_status_t to;
    if (!lifecycle_next(rec.status, ev, &to)) {
        e = svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION, "order %s is %s: it cannot %s",
                     rec.order_no, order_status_name(rec.status), order_event_name(ev));
        goto out;
    }
    char reason[800];
    snprintf(reason, sizeof reason, "%s %s", names, numbers);
    json_t *extra = json_pack("{s:s, s:s, s:s}", "carrier", codes, "carrier_name", names,
                              "tracking_no", numbers);
    rc = s->vt->order_set_status(s, rec.id, to, op->now_ms);
    if (rc == STORE_OK)
        rc = invoice_parcel_shipped(s, rec.id, op->now_ms);
    if (rc == STORE_OK)
        rc = timeline_transition_with(s, rec.id, rec.order_no, op->actor, rec.status, to, reason,
                                      extra, op->now_ms);
    json_decref(extra);
    if (rc != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    size_t i;
    json_t *p;
    json_array_foreach(after, i, p) {
        for (int k = 0; k < n_plan; k++)
            if (planned[k].id == json_integer_value(json_object_get(p, "id"))) {
                json_t *v = parcel_view(p);
                json_object_set_new(v, "chosen_by", json_string(planned[k].choice.why));
                json_object_set_new(v, "chargeable_g",
                                    json_integer(planned[k].choice.chargeable_g));
                json_object_set_new(v, "promised_days",
                                    json_integer(planned[k].choice.promised_days));
                json_array_append_new(shipped, v);
            }
    }
    svc_ok(&op->result, 200,
           json_pack("{s:s, s:s, s:O}", "order_no", rec.order_no, "status", order_status_name(to),
                     "parcels", shipped));
out:
    json_decref(parcels);
    json_decref(after);
    json_decref(shipped);
    carriers_free(cs, n_cs);
    free(planned);
    order_rec_clear(&rec);
    return e;
}

svc_op_t *order_ship_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                        svc_result_t *immediate) {
    if (body && !fields_require_object(body, "the shipment is invalid", immediate))
        return NULL;
    field_errors_t *e = svc_errors(immediate);
    const char *carrier = field_string(body, "carrier", false, CARRIER_CODE_MAX, e);
    const char *policy = field_string(body, "policy", false, 32, e);
    int pol = policy ? carrier_policy_from_name(policy) : POLICY_CHEAPEST;
    if (pol < 0)
        field_errors_add(e, "policy", "out_of_range",
                         "policy must be cheapest, fastest or "
                         "best_score");
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the shipment is invalid; nothing was shipped");
        return NULL;
    }
    ship_op_t *sh = (ship_op_t *)svc_op_alloc(sizeof *sh, app, actor);
    if (!sh) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    sh->op.run = ship_run;
    snprintf(sh->order_no, sizeof sh->order_no, "%s", order_no);
    snprintf(sh->carrier, sizeof sh->carrier, "%s", carrier ? carrier : "");
    sh->policy = (carrier_policy_t)pol;
    return &sh->op;
}
