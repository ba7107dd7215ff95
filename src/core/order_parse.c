#include "core/order_parse.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_words.h"
#include "core/mail_message.h"
#include "util/timefmt.h"

/* Every reader below reports into errs and carries on, so one call lists every problem in
 * the document; a reader returns false only to tell its caller not to use the value. */

#define F_REQUIRED 1u    /* missing, null or blank is an error */
#define F_ALLOW_EMPTY 2u /* with F_REQUIRED: must be present, may be "" */
#define F_MULTILINE 4u   /* tab and line breaks allowed (free text) */

/* Long enough for any IPv6 literal with an embedded IPv4 tail (INET6_ADDRSTRLEN - 1). */
#define IP_TEXT_MAX 45
/* A buyer's phone as typed; phone_classify decides validity, this only bounds the echo. */
#define PHONE_TEXT_MAX 64
#define CLIP_LEN 52

/* A caller's value quoted in a message, cut at a character boundary so the message stays
 * valid UTF-8 and fits beside the sentence around it. */
static const char *clip(const char *s, char *buf, size_t buf_len) {
    size_t len = strlen(s);
    size_t max = buf_len - 4; /* room for "…" (3 bytes) and NUL */
    if (len <= max) {
        memcpy(buf, s, len + 1);
        return buf;
    }
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(buf, s, cut);
    memcpy(buf + cut, "\xE2\x80\xA6", 4);
    return buf;
}

/* JSON null counts as absent: channels commonly send null for fields they do not have. */
static const json_t *member(const json_t *obj, const char *key) {
    const json_t *v = obj ? json_object_get(obj, key) : NULL;
    return json_is_null(v) ? NULL : v;
}

static bool is_blank(const char *s) {
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Reads obj[key] as a string. *out stays NULL when the value is absent or unusable. */
static bool read_string(field_errors_t *errs, const json_t *obj, const char *prefix,
                        const char *key, unsigned flags, size_t max, const char **out) {
    char path[64];
    field_path(path, sizeof path, prefix, key);
    *out = NULL;
    const json_t *v = member(obj, key);
    if (!v) {
        if (flags & F_REQUIRED)
            field_errors_add(errs, path, "required", "%s is required", path);
        return false;
    }
    if (!json_is_string(v)) {
        field_errors_add(errs, path, "wrong_type", "%s must be a string, got %s", path,
                         json_type_phrase(v));
        return false;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) != len) {
        /* An embedded \u0000 would silently cut the value everywhere C strings are used. */
        field_errors_add(errs, path, "invalid_characters", "%s contains a NUL character", path);
        return false;
    }
    if (is_blank(s)) {
        if ((flags & F_REQUIRED) && !(flags & F_ALLOW_EMPTY)) {
            field_errors_add(errs, path, "required", "%s must not be empty", path);
            return false;
        }
        if (!(flags & F_REQUIRED))
            return false; /* "" for an optional field means "not given" */
    }
    if (len > max) {
        field_errors_add(errs, path, "too_long", "%s is %zu bytes long; the limit is %zu bytes",
                         path, len, max);
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool control = *p < 0x20 || *p == 0x7f;
        if (control && (flags & F_MULTILINE) && (*p == '\n' || *p == '\r' || *p == '\t'))
            continue;
        if (control) {
            field_errors_add(errs, path, "invalid_characters",
                             "%s contains control character U+%04X", path, *p);
            return false;
        }
    }
    *out = s;
    return true;
}

/* Reads obj[key] as an integer in [min, max]. Reals are refused even when integral ("5.0",
 * "1e30"): money and quantities are exact counts and a real means the sender lost that. */
static bool read_int(field_errors_t *errs, const json_t *obj, const char *prefix, const char *key,
                     bool required, int64_t min, int64_t max, int64_t *out) {
    char path[64];
    field_path(path, sizeof path, prefix, key);
    const json_t *v = member(obj, key);
    if (!v) {
        if (required)
            field_errors_add(errs, path, "required", "%s is required", path);
        return false;
    }
    if (!json_is_integer(v)) {
        field_errors_add(errs, path, "wrong_type", "%s must be an integer, got %s", path,
                         json_type_phrase(v));
        return false;
    }
    json_int_t n = json_integer_value(v);
    if (n < min || n > max) {
        field_errors_add(errs, path, "out_of_range", "%s must be between %lld and %lld, got %lld",
                         path, (long long)min, (long long)max, (long long)n);
        return false;
    }
    *out = (int64_t)n;
    return true;
}

static bool read_time(field_errors_t *errs, const json_t *obj, const char *prefix, const char *key,
                      bool required, int64_t *out_ms) {
    const char *s;
    if (!read_string(errs, obj, prefix, key, required ? F_REQUIRED : 0, 64, &s))
        return false;
    if (!rfc3339_parse(s, out_ms)) {
        char path[64], c[CLIP_LEN];
        field_path(path, sizeof path, prefix, key);
        field_errors_add(errs, path, "invalid_datetime",
                         "%s '%s' is not an RFC 3339 date-time with offset, like "
                         "2026-11-11T00:00:01+08:00",
                         path, clip(s, c, sizeof c));
        return false;
    }
    return true;
}

/* A nested object: absent reads as empty (so each required member is reported by name), a
 * wrong type is reported once for the whole object and returns false. */
static bool read_object(field_errors_t *errs, const json_t *doc, const char *key,
                        const json_t **out) {
    *out = member(doc, key);
    if (*out && !json_is_object(*out)) {
        field_errors_add(errs, key, "wrong_type", "%s must be an object, got %s", key,
                         json_type_phrase(*out));
        *out = NULL;
        return false;
    }
    return true;
}

static void parse_header(const json_t *doc, order_input_t *out, field_errors_t *errs) {
    const char *channel;
    if (read_string(errs, doc, NULL, "channel", F_REQUIRED, 32, &channel)) {
        int c = channel_from_name(channel);
        if (c < 0) {
            char names[128] = "";
            for (int i = 0; i < CHANNEL__COUNT; i++) {
                strcat(names, i ? ", " : "");
                strcat(names, channel_name((channel_t)i));
            }
            field_errors_add(errs, "channel", "unknown_channel", "channel '%s' is not one of: %s",
                             channel, names);
        } else {
            out->channel = (channel_t)c;
        }
    }
    read_string(errs, doc, NULL, "external_id", F_REQUIRED, ORDO_EXTERNAL_ID_MAX,
                &out->external_id);
    read_time(errs, doc, NULL, "placed_at", true, &out->placed_at_ms);
}

static void parse_buyer(const json_t *doc, const order_validation_t *v, order_input_t *out,
                        field_errors_t *errs) {
    const json_t *buyer;
    if (!read_object(errs, doc, "buyer", &buyer))
        return;
    read_string(errs, buyer, "buyer", "name", F_REQUIRED, ORDO_NAME_MAX, &out->buyer_name);
    if (read_string(errs, buyer, "buyer", "phone", F_REQUIRED, PHONE_TEXT_MAX, &out->buyer_phone) &&
        v->phones) {
        phone_kind_t k = phone_classify(v->phones, out->buyer_phone, out->phone_normalized,
                                        sizeof out->phone_normalized);
        if (k == PHONE_INVALID) {
            char c[CLIP_LEN];
            field_errors_add(errs, "buyer.phone", "invalid_phone",
                             "buyer.phone '%s' is not a valid mainland China mobile or landline "
                             "number",
                             clip(out->buyer_phone, c, sizeof c));
        }
        out->phone_is_mobile = k == PHONE_MOBILE;
    }
    if (read_string(errs, buyer, "buyer", "email", 0, 254, &out->buyer_email) &&
        !mail_address_valid(out->buyer_email)) {
        char c[CLIP_LEN];
        field_errors_add(errs, "buyer.email", "invalid_email",
                         "buyer.email '%s' is not an address like name@example.com",
                         clip(out->buyer_email, c, sizeof c));
        out->buyer_email = NULL;
    }
}

static void parse_address(const json_t *doc, const order_validation_t *v, order_input_t *out,
                          field_errors_t *errs) {
    const json_t *addr;
    if (!read_object(errs, doc, "address", &addr))
        return;
    address_t *a = &out->address;
    bool p =
        read_string(errs, addr, "address", "province", F_REQUIRED, ORDO_NAME_MAX, &a->province);
    /* An empty city is left to divisions_resolve: it is how municipalities are often sent. */
    bool c = read_string(errs, addr, "address", "city", F_REQUIRED | F_ALLOW_EMPTY, ORDO_NAME_MAX,
                         &a->city);
    bool d =
        read_string(errs, addr, "address", "district", F_REQUIRED, ORDO_NAME_MAX, &a->district);
    read_string(errs, addr, "address", "detail", F_REQUIRED, ORDO_ADDRESS_DETAIL_MAX, &a->detail);
    if (read_string(errs, addr, "address", "postal_code", 0, 16, &a->postal_code)) {
        const char *s = a->postal_code;
        bool ok = strlen(s) == 6;
        for (int i = 0; ok && i < 6; i++)
            ok = s[i] >= '0' && s[i] <= '9';
        if (!ok)
            field_errors_add(errs, "address.postal_code", "invalid_postal_code",
                             "address.postal_code '%s' is not 6 digits", s);
    }
    if (p && c && d && v->divisions)
        divisions_resolve(v->divisions, a, "address", errs);
}

bool order_line_read(const json_t *item, const char *path, unsigned required, order_line_t *out,
                     unsigned *read, field_errors_t *errs) {
    int before = errs->count + errs->dropped;
    *read = 0;
    const char *sku;
    if ((required & ORDER_LINE_SKU) || member(item, "sku")) {
        if (read_string(errs, item, path, "sku", F_REQUIRED, ORDO_CODE_MAX, &sku)) {
            out->sku = sku;
            *read |= ORDER_LINE_SKU;
        }
    }
    int64_t n;
    if (read_int(errs, item, path, "qty", required & ORDER_LINE_QTY, 1, ORDO_LINE_QTY_MAX, &n)) {
        out->qty = (int32_t)n;
        *read |= ORDER_LINE_QTY;
    }
    if (read_int(errs, item, path, "unit_price", required & ORDER_LINE_UNIT_PRICE, 0,
                 ORDO_MONEY_MAX_FEN, &n)) {
        out->unit_price_fen = n;
        *read |= ORDER_LINE_UNIT_PRICE;
    }
    return errs->count + errs->dropped == before;
}

/* Returns true when every line is valid, so the items total can be trusted. */
static bool parse_items(const json_t *doc, order_input_t *out, field_errors_t *errs) {
    const json_t *items = member(doc, "items");
    if (!items) {
        field_errors_add(errs, "items", "required", "items is required");
        return false;
    }
    if (!json_is_array(items)) {
        field_errors_add(errs, "items", "wrong_type", "items must be an array, got %s",
                         json_type_phrase(items));
        return false;
    }
    size_t n = json_array_size(items);
    if (n < 1 || n > ORDO_ORDER_LINES_MAX) {
        field_errors_add(errs, "items", "out_of_range", "items must have 1 to %d lines, got %zu",
                         ORDO_ORDER_LINES_MAX, n);
        return false;
    }
    out->lines = calloc(n, sizeof *out->lines);
    if (!out->lines) {
        field_errors_add(errs, "items", "internal", "out of memory reading items");
        return false;
    }
    out->n_lines = (int)n;
    bool ok = true;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "items[%zu]", i);
        const json_t *item = json_array_get(items, i);
        if (!json_is_object(item)) {
            field_errors_add(errs, path, "wrong_type", "%s must be an object, got %s", path,
                             json_type_phrase(item));
            ok = false;
            continue;
        }
        order_line_t *l = &out->lines[i];
        unsigned all = ORDER_LINE_SKU | ORDER_LINE_QTY | ORDER_LINE_UNIT_PRICE, got = 0;
        bool line_ok = order_line_read(item, path, all, l, &got, errs);
        int64_t line_total;
        /* The limits keep this far from overflow; the checks keep it true if they change. */
        if (!line_ok || __builtin_mul_overflow((int64_t)l->qty, l->unit_price_fen, &line_total) ||
            __builtin_add_overflow(total, line_total, &total))
            ok = false;
    }
    out->items_total_fen = ok ? total : 0;
    return ok;
}

static bool parse_discounts(const json_t *doc, order_input_t *out, field_errors_t *errs) {
    const json_t *list = member(doc, "discounts");
    if (!list)
        return true;
    if (!json_is_array(list)) {
        field_errors_add(errs, "discounts", "wrong_type", "discounts must be an array, got %s",
                         json_type_phrase(list));
        return false;
    }
    size_t n = json_array_size(list);
    if (n > ORDO_DISCOUNTS_MAX) {
        field_errors_add(errs, "discounts", "out_of_range",
                         "discounts may have at most %d entries, got %zu", ORDO_DISCOUNTS_MAX, n);
        return false;
    }
    bool ok = true;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "discounts[%zu]", i);
        const json_t *item = json_array_get(list, i);
        if (!json_is_object(item)) {
            field_errors_add(errs, path, "wrong_type", "%s must be an object, got %s", path,
                             json_type_phrase(item));
            ok = false;
            continue;
        }
        discount_t *dsc = &out->discounts[i];
        bool one = read_string(errs, item, path, "code", F_REQUIRED, ORDO_CODE_MAX, &dsc->code);
        one &= read_int(errs, item, path, "amount", true, 1, ORDO_MONEY_MAX_FEN, &dsc->amount_fen);
        if (!one || __builtin_add_overflow(sum, dsc->amount_fen, &sum))
            ok = false;
    }
    out->n_discounts = (int)n;
    out->discounts_sum_fen = ok ? sum : 0;
    return ok;
}

/* Returns true when payment.amount was given and is usable. */
static bool parse_payment(const json_t *doc, order_input_t *out, field_errors_t *errs) {
    const json_t *pay;
    if (!read_object(errs, doc, "payment", &pay))
        return false;
    const char *status;
    bool known = false;
    if (read_string(errs, pay, "payment", "status", F_REQUIRED, 32, &status)) {
        if (strcmp(status, "paid") == 0) {
            out->payment_status = PAYMENT_PAID;
            known = true;
        } else if (strcmp(status, "pending") == 0) {
            out->payment_status = PAYMENT_PENDING;
            known = true;
        } else {
            char c[CLIP_LEN];
            field_errors_add(errs, "payment.status", "invalid_value",
                             "payment.status '%s' must be 'paid' or 'pending'",
                             clip(status, c, sizeof c));
        }
    }
    bool paid = known && out->payment_status == PAYMENT_PAID;
    bool has_amount = read_int(errs, pay, "payment", "amount", paid, 0, ORDO_MONEY_MAX_FEN,
                               &out->payment_amount_fen);
    read_string(errs, pay, "payment", "method", 0, ORDO_CODE_MAX, &out->payment_method);
    read_string(errs, pay, "payment", "transaction_id", 0, ORDO_EXTERNAL_ID_MAX,
                &out->payment_transaction);
    int64_t paid_at = 0;
    if (read_time(errs, pay, "payment", "paid_at", false, &paid_at) && paid)
        out->paid_at_ms = paid_at; /* stays 0 for pending orders, as order.h promises */
    return has_amount;
}

static void parse_extras(const json_t *doc, order_input_t *out, field_errors_t *errs) {
    read_string(errs, doc, NULL, "remark", F_MULTILINE, ORDO_REMARK_MAX, &out->remark);

    const char *date;
    if (read_string(errs, doc, NULL, "requested_delivery_date", 0, 16, &date)) {
        if (date_parse(date, &out->requested_delivery_day)) {
            out->has_requested_delivery_date = true;
        } else {
            char c[CLIP_LEN];
            field_errors_add(errs, "requested_delivery_date", "invalid_date",
                             "requested_delivery_date '%s' is not a calendar date like "
                             "2026-11-13",
                             clip(date, c, sizeof c));
        }
    }

    const json_t *split = member(doc, "splittable");
    if (split && !json_is_boolean(split))
        field_errors_add(errs, "splittable", "wrong_type", "splittable must be a boolean, got %s",
                         json_type_phrase(split));
    else
        out->splittable = split && json_is_true(split);

    read_string(errs, doc, NULL, "carrier", 0, 16, &out->carrier);

    const char *ip;
    if (read_string(errs, doc, NULL, "client_ip", 0, 64, &ip)) {
        unsigned char addr[16];
        bool ok = strlen(ip) <= IP_TEXT_MAX &&
                  (inet_pton(AF_INET, ip, addr) == 1 || inet_pton(AF_INET6, ip, addr) == 1);
        if (ok) {
            out->client_ip = ip;
        } else {
            char c[CLIP_LEN];
            field_errors_add(errs, "client_ip", "invalid_ip",
                             "client_ip '%s' is not an IPv4 or IPv6 address",
                             clip(ip, c, sizeof c));
        }
    }
}

bool order_parse(json_t *doc, const order_validation_t *v, order_input_t *out,
                 field_errors_t *errs) {
    memset(out, 0, sizeof *out);
    int before = errs->count + errs->dropped;
    if (!json_is_object(doc)) {
        field_errors_add(errs, "", "wrong_type", "the order must be a JSON object, got %s",
                         doc ? json_type_phrase(doc) : "nothing");
        return false;
    }
    parse_header(doc, out, errs);
    parse_buyer(doc, v, out, errs);
    parse_address(doc, v, out, errs);
    bool items_ok = parse_items(doc, out, errs);
    bool shipping_ok = true;
    if (member(doc, "shipping_fee"))
        shipping_ok = read_int(errs, doc, NULL, "shipping_fee", false, 0, ORDO_MONEY_MAX_FEN,
                               &out->shipping_fee_fen);
    bool discounts_ok = parse_discounts(doc, out, errs);
    out->has_discount_total = read_int(errs, doc, NULL, "discount_total", false, 0,
                                       ORDO_MONEY_MAX_FEN, &out->discount_total_fen);
    bool has_amount = parse_payment(doc, out, errs);
    parse_extras(doc, out, errs);

    /* Totals are only meaningful when every amount that feeds them is valid; otherwise the
     * mismatch would just echo an error already reported. */
    if (items_ok && shipping_ok && discounts_ok) {
        int64_t gross = out->items_total_fen + out->shipping_fee_fen;
        if (out->discounts_sum_fen > gross) {
            field_errors_add(errs, "discounts", "out_of_range",
                             "discounts total %lld fen exceeds items %lld + shipping %lld fen",
                             (long long)out->discounts_sum_fen, (long long)out->items_total_fen,
                             (long long)out->shipping_fee_fen);
        } else {
            out->total_fen = gross - out->discounts_sum_fen;
            if (has_amount && !v->paid_amount_may_differ &&
                out->payment_amount_fen != out->total_fen)
                field_errors_add(errs, "payment.amount", "amount_mismatch",
                                 "payment.amount is %lld fen but items %lld + shipping %lld - "
                                 "discounts %lld = %lld fen",
                                 (long long)out->payment_amount_fen,
                                 (long long)out->items_total_fen, (long long)out->shipping_fee_fen,
                                 (long long)out->discounts_sum_fen, (long long)out->total_fen);
        }
    }

    if (errs->count + errs->dropped != before) {
        order_input_free(out);
        return false;
    }
    out->doc = json_incref(doc);
    return true;
}
