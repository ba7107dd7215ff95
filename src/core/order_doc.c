#include "core/order_doc.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timefmt.h"

static json_t *str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *doc_json(const order_input_t *in) {
    json_t *items = json_array();
    for (int i = 0; i < in->n_lines; i++)
        json_array_append_new(items, json_pack("{s:i, s:s, s:i, s:I}", "line", i + 1, "sku",
                                               in->lines[i].sku, "qty", (int)in->lines[i].qty,
                                               "unit_price", in->lines[i].unit_price_fen));
    json_t *discounts = json_array();
    for (int i = 0; i < in->n_discounts; i++)
        json_array_append_new(discounts, json_pack("{s:s, s:I}", "code", in->discounts[i].code,
                                                   "amount", in->discounts[i].amount_fen));
    char placed[40], paid[40], day[16];
    json_t *doc = json_pack(
        "{s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:o, s:{s:i, s:i, s:i}}, "
        "s:o, s:I, s:o, s:{s:I, s:I, s:I, s:I}, s:{s:s, s:o, s:o, s:I, s:o}, s:o, s:o, s:b, "
        "s:o}",
        "channel", channel_name(in->channel), "external_id", in->external_id, "placed_at",
        rfc3339_format(in->placed_at_ms, placed, sizeof placed), "buyer", "name", in->buyer_name,
        "phone", in->buyer_phone, "address", "province",
        in->address.province_name ? in->address.province_name : in->address.province, "city",
        in->address.city_name ? in->address.city_name : in->address.city, "district",
        in->address.district_name ? in->address.district_name : in->address.district, "detail",
        in->address.detail, "postal_code", str_or_null(in->address.postal_code), "division_codes",
        "province", in->address.province_code, "city", in->address.city_code, "district",
        in->address.district_code, "items", items, "shipping_fee", in->shipping_fee_fen,
        "discounts", discounts, "amounts", "items", in->items_total_fen, "shipping",
        in->shipping_fee_fen, "discounts", in->discounts_sum_fen, "total", in->total_fen, "payment",
        "status", in->payment_status == PAYMENT_PAID ? "paid" : "pending", "method",
        str_or_null(in->payment_method), "transaction_id", str_or_null(in->payment_transaction),
        "amount", in->payment_amount_fen, "paid_at",
        in->paid_at_ms ? json_string(rfc3339_format(in->paid_at_ms, paid, sizeof paid))
                       : json_null(),
        "remark", str_or_null(in->remark), "requested_delivery_date",
        in->has_requested_delivery_date
            ? json_string(date_format(in->requested_delivery_day, day, sizeof day))
            : json_null(),
        "splittable", in->splittable, "client_ip", str_or_null(in->client_ip));
    if (doc && in->has_discount_total)
        json_object_set_new(doc, "discount_total", json_integer(in->discount_total_fen));
    return doc;
}

static bool sha256_hex(const char *text, char hex[65]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!EVP_Digest(text, strlen(text), md, &md_len, EVP_sha256(), NULL) || md_len != 32)
        return false;
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < md_len; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    return true;
}

json_t *order_doc_build(order_input_t *in, char **text_out) {
    *text_out = NULL;
    json_t *doc = doc_json(in);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    if (!text || !sha256_hex(text, in->content_hash)) {
        free(text);
        json_decref(doc);
        return NULL;
    }
    *text_out = text;
    return doc;
}
