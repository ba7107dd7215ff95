#include "core/order_doc.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

static void key_str(jsonw_t *w, const char *key, const char *value) {
    jw_key(w, key);
    jw_str(w, value);
}

static void key_int(jsonw_t *w, const char *key, int64_t value) {
    jw_key(w, key);
    jw_int(w, value);
}

static void key_time(jsonw_t *w, const char *key, int64_t ms) {
    char buf[40];
    key_str(w, key, ms ? rfc3339_format(ms, buf, sizeof buf) : NULL);
}

static void write_order(jsonw_t *w, const order_input_t *in, const order_live_t *live) {
    const address_t *a = &in->address;
    char day[16];
    jw_obj_begin(w);
    key_str(w, "channel", channel_name(in->channel));
    key_str(w, "external_id", in->external_id);
    char placed[40];
    key_str(w, "placed_at", rfc3339_format(in->placed_at_ms, placed, sizeof placed));
    jw_key(w, "buyer");
    jw_obj_begin(w);
    key_str(w, "name", in->buyer_name);
    key_str(w, "phone", in->buyer_phone);
    /* Only when given: orders stored without it keep their content hash. */
    if (in->buyer_email)
        key_str(w, "email", in->buyer_email);
    jw_obj_end(w);
    jw_key(w, "address");
    jw_obj_begin(w);
    key_str(w, "province", a->province_name ? a->province_name : a->province);
    key_str(w, "city", a->city_name ? a->city_name : a->city);
    key_str(w, "district", a->district_name ? a->district_name : a->district);
    key_str(w, "detail", a->detail);
    key_str(w, "postal_code", a->postal_code);
    jw_key(w, "division_codes");
    jw_obj_begin(w);
    key_int(w, "province", a->province_code);
    key_int(w, "city", a->city_code);
    key_int(w, "district", a->district_code);
    jw_obj_end(w);
    jw_obj_end(w);
    jw_key(w, "items");
    jw_arr_begin(w);
    for (int i = 0; i < in->n_lines; i++) {
        jw_obj_begin(w);
        key_int(w, "line", i + 1);
        key_str(w, "sku", in->lines[i].sku);
        key_int(w, "qty", in->lines[i].qty);
        key_int(w, "unit_price", in->lines[i].unit_price_fen);
        if (live)
            key_int(w, "reserved_qty", live->line_reserved[i]);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    key_int(w, "shipping_fee", in->shipping_fee_fen);
    jw_key(w, "discounts");
    jw_arr_begin(w);
    for (int i = 0; i < in->n_discounts; i++) {
        jw_obj_begin(w);
        key_str(w, "code", in->discounts[i].code);
        key_int(w, "amount", in->discounts[i].amount_fen);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    if (in->has_discount_total)
        key_int(w, "discount_total", in->discount_total_fen);
    jw_key(w, "amounts");
    jw_obj_begin(w);
    key_int(w, "items", in->items_total_fen);
    key_int(w, "shipping", in->shipping_fee_fen);
    key_int(w, "discounts", in->discounts_sum_fen);
    key_int(w, "total", in->total_fen);
    jw_obj_end(w);
    jw_key(w, "payment");
    jw_obj_begin(w);
    key_str(w, "status", in->payment_status == PAYMENT_PAID ? "paid" : "pending");
    key_str(w, "method", in->payment_method);
    key_str(w, "transaction_id", in->payment_transaction);
    key_int(w, "amount", in->payment_amount_fen);
    key_time(w, "paid_at", in->paid_at_ms);
    jw_obj_end(w);
    key_str(w, "remark", in->remark);
    key_str(w, "requested_delivery_date",
            in->has_requested_delivery_date
                ? date_format(in->requested_delivery_day, day, sizeof day)
                : NULL);
    jw_key(w, "splittable");
    jw_bool(w, in->splittable);
    key_str(w, "client_ip", in->client_ip);
    if (in->carrier) /* absent rather than null: orders stored before it keep their hash */
        key_str(w, "carrier", in->carrier);
    if (live) {
        key_str(w, "order_no", live->order_no);
        key_str(w, "status", live->status);
        key_time(w, "created_at", live->created_at_ms);
        key_time(w, "updated_at", live->updated_at_ms);
        if (live->payment_expires_at_ms)
            key_time(w, "payment_expires_at", live->payment_expires_at_ms);
        jw_key(w, "reservations");
        jw_raw_value(w, live->reservations_json, strlen(live->reservations_json));
        jw_key(w, "exceptions");
        jw_raw_value(w, live->exceptions_json, strlen(live->exceptions_json));
        jw_key(w, "holds");
        jw_raw_value(w, live->holds_json, strlen(live->holds_json));
        jw_key(w, "review");
        jw_raw_value(w, live->review_json, strlen(live->review_json));
        /* Only a new order is written here, and it has not been edited (the read view gets
         * the same member from svc/order_lines_edit.c). */
        static const char no_edits[] = "{\"version\":0,\"to_collect\":0,\"to_refund\":0,"
                                       "\"history\":[]}";
        jw_key(w, "line_edits");
        jw_raw_value(w, no_edits, sizeof no_edits - 1);
    }
    jw_obj_end(w);
}

char *order_doc_text(const order_input_t *in, const order_live_t *live, size_t *len_out) {
    jsonw_t w;
    jw_init(&w);
    write_order(&w, in, live);
    return jw_take(&w, len_out);
}

static bool sha256_hex(const char *text, size_t len, char hex[65]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!EVP_Digest(text, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
        return false;
    hex_encode(md, md_len, hex);
    return true;
}

char *order_doc_build(order_input_t *in) {
    size_t len = 0;
    char *text = order_doc_text(in, NULL, &len);
    if (text && !sha256_hex(text, len, in->content_hash)) {
        free(text);
        return NULL;
    }
    return text;
}
