/* Parcels as the API shows them, and their labels rendered on demand. */
#include "svc/parcels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/label.h"

int province_of(int64_t code) {
    while (code > 99)
        code /= 100;
    return (int)code;
}

json_t *parcel_view(json_t *row) {
    json_t *v = json_deep_copy(row);
    json_object_del(v, "order_id");
    json_int_t id = json_integer_value(json_object_get(row, "id"));
    bool shipped = json_is_string(json_object_get(row, "tracking_no"));
    char url[64];
    snprintf(url, sizeof url, "/v1/parcels/%lld/label.pdf", (long long)id);
    json_object_set_new(v, "label_pdf", shipped ? json_string(url) : json_null());
    snprintf(url, sizeof url, "/v1/parcels/%lld/label.zpl", (long long)id);
    json_object_set_new(v, "label_zpl", shipped ? json_string(url) : json_null());
    return v;
}

json_t *parcel_views_of_order(store_t *s, int64_t order_id) {
    json_t *rows = NULL;
    if (s->vt->parcels_of_order(s, order_id, &rows) != STORE_OK)
        return NULL;
    json_t *views = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(views, parcel_view(row));
    json_decref(rows);
    return views;
}

int parcel_origin_province(store_t *s, const order_rec_t *rec, int64_t now_ms,
                           char warehouse_name[128]) {
    char codes[4][65];
    int n = 0;
    snprintf(warehouse_name, 128, "ordo");
    if (s->vt->order_warehouses(s, rec->id, now_ms, codes, 4, &n) != STORE_OK || n == 0)
        return province_of(rec->province_code);
    json_t *wh = NULL;
    if (s->vt->warehouse_get(s, codes[0], &wh) != STORE_OK)
        return province_of(rec->province_code);
    snprintf(warehouse_name, 128, "%s %s%s", json_string_value(json_object_get(wh, "name")),
             json_string_value(json_object_get(wh, "province")),
             json_string_value(json_object_get(wh, "city")));
    int province = province_of(
        json_integer_value(json_object_get(json_object_get(wh, "division_codes"), "province")));
    json_decref(wh);
    return province;
}

void order_parcels(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = app_reader(app);
    order_rec_t rec = {0};
    int rc = s ? s->vt->order_get(s, 0, order_no, &rec) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
        return;
    }
    json_t *views = rc == STORE_OK ? parcel_views_of_order(s, rec.id) : NULL;
    if (!views)
        svc_fail(r, ORDO_E_STORE, "cannot read the parcels of %s", order_no);
    else
        svc_ok(r, 200,
               json_pack("{s:s, s:s, s:o}", "order_no", rec.order_no, "status",
                         order_status_name(rec.status), "items", views));
    order_rec_clear(&rec);
}

void parcel_get(app_t *app, int64_t id, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *row = NULL;
    int rc = s ? s->vt->parcel_get(s, id, &row) : STORE_ERROR;
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no parcel %lld", (long long)id);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "cannot read parcel %lld", (long long)id);
    else
        svc_ok(r, 200, parcel_view(row));
    json_decref(row);
}

static const char *doc_text(json_t *doc, const char *object, const char *key) {
    const char *v = json_string_value(json_object_get(json_object_get(doc, object), key));
    return v ? v : "";
}

void parcel_label(app_t *app, int64_t id, label_kind_t kind, svc_result_t *r) {
    store_t *s = app_reader(app);
    json_t *row = NULL;
    int rc = s ? s->vt->parcel_get(s, id, &row) : STORE_ERROR;
    if (rc != STORE_OK) {
        svc_fail(r, rc == STORE_NOT_FOUND ? ORDO_E_NOT_FOUND : ORDO_E_STORE, "no parcel %lld",
                 (long long)id);
        return;
    }
    const char *tracking = json_string_value(json_object_get(row, "tracking_no"));
    const char *code = json_string_value(json_object_get(row, "carrier"));
    if (!tracking || !code) {
        svc_fail(r, ORDO_E_CONFLICT,
                 "parcel %lld is not shipped yet: its label needs a carrier and tracking number",
                 (long long)id);
        json_decref(row);
        return;
    }
    order_rec_t rec = {0};
    char *config_text = NULL;
    rc = s->vt->order_get(s, json_integer_value(json_object_get(row, "order_id")), NULL, &rec);
    if (rc == STORE_OK)
        rc = s->vt->carrier_get(s, code, &config_text);
    json_t *config = config_text ? json_loads(config_text, 0, NULL) : NULL;
    free(config_text);
    if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
        svc_fail(r, ORDO_E_STORE, "cannot read parcel %lld", (long long)id);
    } else {
        char address[1024], sender[128];
        snprintf(address, sizeof address, "%s%s%s %s", doc_text(rec.doc, "address", "province"),
                 doc_text(rec.doc, "address", "city"), doc_text(rec.doc, "address", "district"),
                 doc_text(rec.doc, "address", "detail"));
        parcel_origin_province(s, &rec, INT64_MAX, sender);
        const char *name = json_string_value(json_object_get(config, "name"));
        /* A merged shipment's box carries one label naming every order in it. */
        char orders[MERGE_MEMBERS_MAX * 33] = "";
        int64_t shipment = json_integer_value(json_object_get(row, "shipment_id"));
        merge_member_t members[MERGE_MEMBERS_MAX];
        int n_members = 0;
        if (shipment &&
            s->vt->merge->members(s, shipment, members, MERGE_MEMBERS_MAX, &n_members) == STORE_OK)
            for (int i = 0; i < n_members; i++) {
                size_t len = strlen(orders);
                snprintf(orders + len, sizeof orders - len, "%s%s", len ? " " : "",
                         members[i].order_no);
            }
        label_t l = {
            .order_no = orders[0] ? orders : rec.order_no,
            .parcel_id = id,
            .carrier_code = code,
            .carrier_name = name ? name : code,
            .tracking_no = tracking,
            .recipient = doc_text(rec.doc, "buyer", "name"),
            .phone = doc_text(rec.doc, "buyer", "phone"),
            .address = address,
            .sender = sender,
            .weight_g = json_integer_value(json_object_get(row, "weight_g")),
            .packaging =
                json_string_value(json_object_get(json_object_get(row, "packaging"), "box_name")),
        };
        char err[160];
        size_t len = 0;
        char *text =
            kind == LABEL_PDF ? (char *)label_pdf(&l, &len, err, sizeof err) : label_zpl(&l);
        if (text && kind == LABEL_ZPL)
            len = strlen(text);
        if (!text) {
            svc_fail(r, ORDO_E_INTERNAL, "cannot render the label of parcel %lld: %s",
                     (long long)id, kind == LABEL_PDF ? err : "out of memory");
        } else {
            svc_ok(r, 200, NULL);
            r->body_text = text;
            r->body_len = len;
            r->content_type = kind == LABEL_PDF ? "application/pdf" : "text/plain; charset=utf-8";
        }
    }
    json_decref(config);
    order_rec_clear(&rec);
    json_decref(row);
}
