#include "svc/after_sales_outbound.h"

#include <stdio.h>
#include <string.h>

#include "core/order.h"
#include "svc/orders.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

static void outbound_external_id(json_t *ticket, char *out, size_t len) {
    snprintf(out, len, "AS%lld-%s", (long long)json_integer_value(json_object_get(ticket, "id")),
             json_string_value(json_object_get(ticket, "order_no")));
}

/* The order to place: only members a new order takes, from the stored original. */
static json_t *outbound_body(json_t *ticket, json_t *doc, int64_t now_ms) {
    json_t *items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(ticket, "items"), i, it) {
        json_t *swap = json_object_get(it, "exchange_sku");
        json_array_append_new(items,
                              json_pack("{s:O, s:O, s:i}", "sku",
                                        json_is_string(swap) ? swap : json_object_get(it, "sku"),
                                        "qty", json_object_get(it, "qty"), "unit_price", 0));
    }
    json_t *addr = json_object();
    static const char *const ADDRESS[] = {"province", "city", "district", "detail", "postal_code"};
    json_t *orig_addr = json_object_get(doc, "address");
    for (size_t k = 0; k < sizeof ADDRESS / sizeof ADDRESS[0]; k++) {
        json_t *v = json_object_get(orig_addr, ADDRESS[k]);
        if (v)
            json_object_set(addr, ADDRESS[k], v);
    }
    char ext[72], at[40], remark[160];
    outbound_external_id(ticket, ext, sizeof ext);
    rfc3339_format(now_ms, at, sizeof at);
    snprintf(remark, sizeof remark, "%s for order %s (after-sales %lld)",
             strcmp(json_string_value(json_object_get(ticket, "type")), "exchange") == 0
                 ? "exchange"
                 : "reissue",
             json_string_value(json_object_get(ticket, "order_no")),
             (long long)json_integer_value(json_object_get(ticket, "id")));
    json_t *method = json_object_get(json_object_get(doc, "payment"), "method");
    json_t *body = json_pack(
        "{s:O, s:s, s:s, s:O, s:o, s:o, s:i, s:[], s:{s:s, s:O?, s:i, s:s}, s:s, s:O?}", "channel",
        json_object_get(doc, "channel"), "external_id", ext, "placed_at", at, "buyer",
        json_object_get(doc, "buyer"), "address", addr, "items", items, "shipping_fee", 0,
        "discounts", "payment", "status", "paid", "method", method, "amount", 0, "paid_at", at,
        "remark", remark, "splittable", json_object_get(doc, "splittable"));
    return body;
}

svc_op_t *as_outbound_prepare(app_t *app, json_t *ticket, const char *actor,
                              svc_result_t *immediate) {
    store_t *r = app_reader(app);
    order_rec_t rec = {0};
    if (!r || r->vt->order_get(r, 0, json_string_value(json_object_get(ticket, "order_no")),
                               &rec) != STORE_OK) {
        svc_fail(immediate, ORDO_E_STORE, "cannot read the ticket's order");
        return NULL;
    }
    json_t *body = outbound_body(ticket, rec.doc, time_now_ms());
    order_rec_clear(&rec);
    if (!body) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    svc_result_t placed;
    svc_result_init(&placed);
    svc_op_t *place = order_place_op(app, body, actor, &placed);
    json_decref(body);
    if (!place) {
        /* A SKU no longer sellable, for one: the order that would send it is refused. */
        svc_fail(immediate, placed.err == ORDO_E_VALIDATION ? ORDO_E_CONFLICT : placed.err,
                 "the order sending the goods out cannot be placed: %s", placed.detail);
        svc_take_errors(immediate, placed.errors);
    }
    svc_result_clear(&placed);
    return place;
}

ordo_err_t as_outbound_place(store_t *s, svc_op_t *op, svc_op_t *place, json_t *ticket,
                             char order_no_out[32]) {
    place->now_ms = op->now_ms;
    ordo_err_t e = place->run(s, place);
    if (e == ORDO_E_OK)
        e = place->result.err;
    if (e != ORDO_E_OK) {
        svc_fail(&op->result, e, "the order sending the goods out was refused: %s",
                 place->result.detail[0] ? place->result.detail : ordo_err_title(e));
        svc_take_errors(&op->result, place->result.errors);
        return e;
    }
    order_rec_t orig = {0};
    const char *orig_no = json_string_value(json_object_get(ticket, "order_no"));
    if (s->vt->order_get(s, 0, orig_no, &orig) != STORE_OK)
        return ORDO_E_STORE;
    char ext[72], hash[65];
    outbound_external_id(ticket, ext, sizeof ext);
    int64_t new_id = 0;
    int rc = s->vt->order_find_key(s, orig.channel, ext, &new_id, hash);
    order_rec_t made = {0};
    if (rc == STORE_OK)
        rc = s->vt->order_get(s, new_id, NULL, &made);
    int64_t ticket_id = json_integer_value(json_object_get(ticket, "id"));
    if (rc == STORE_OK)
        rc = s->vt->after_sales->set_linked_order(s, ticket_id, new_id);
    char text[192];
    const char *type = json_string_value(json_object_get(ticket, "type"));
    if (rc == STORE_OK) {
        snprintf(text, sizeof text, "after-sales %lld (%s): goods sent out as order %s",
                 (long long)ticket_id, type, made.order_no);
        rc = timeline_note(s, orig.id, orig.order_no, op->actor, "after_sales", text, op->now_ms);
    }
    if (rc == STORE_OK) {
        snprintf(text, sizeof text, "%s of order %s (after-sales %lld)", type, orig.order_no,
                 (long long)ticket_id);
        rc = timeline_note(s, made.id, made.order_no, op->actor, "after_sales", text, op->now_ms);
    }
    snprintf(order_no_out, 32, "%s", made.order_no);
    order_rec_clear(&orig);
    order_rec_clear(&made);
    return rc == STORE_OK ? ORDO_E_OK : ORDO_E_STORE;
}
