#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/order_doc.h"
#include "core/order_parse.h"
#include "util/file.h"

#include "fixture.h"

static json_t *base(void) {
    json_error_t jerr;
    json_t *doc = json_loads(BASE, 0, &jerr);
    if (!doc)
        fail_msg("BASE does not parse: %s", jerr.text);
    return doc;
}

/* Walks "a.b[2].c" to the container holding the last segment. Returns the container and
 * writes the final key (or sets *index for an array element). */
static json_t *walk(json_t *doc, const char *path, char *key, size_t key_len, long *index) {
    json_t *cur = doc;
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, ".[");
        *index = -1;
        if (n > 0) {
            snprintf(key, key_len, "%.*s", (int)n, p);
            p += n;
        } else if (*p == '[') {
            char *end;
            *index = strtol(p + 1, &end, 10);
            p = end + 1; /* past ']' */
            key[0] = '\0';
        }
        if (*p == '.')
            p++;
        if (*p == '\0')
            return cur;
        cur = *index >= 0 ? json_array_get(cur, (size_t)*index) : json_object_get(cur, key);
        if (!cur)
            fail_msg("no container at %s", path);
    }
}

/* Replaces the value at path (steals `value`). */
static void set(json_t *doc, const char *path, json_t *value) {
    char key[64];
    long index;
    json_t *c = walk(doc, path, key, sizeof key, &index);
    if (index >= 0)
        assert_int_equal(json_array_set_new(c, (size_t)index, value), 0);
    else
        assert_int_equal(json_object_set_new(c, key, value), 0);
}

static void del(json_t *doc, const char *path) {
    char key[64];
    long index;
    json_t *c = walk(doc, path, key, sizeof key, &index);
    if (index >= 0)
        assert_int_equal(json_array_remove(c, (size_t)index), 0);
    else
        assert_int_equal(json_object_del(c, key), 0);
}

static json_t *parse_json(const char *text) {
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!v)
        fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
    return v;
}

/* Runs order_parse on doc (consumed), keeping the errors; the order itself is checked for
 * being left freed on failure and then released. */
static bool run(void **state, json_t *doc, field_errors_t *errs) {
    fixture_t *f = *state;
    order_input_t out;
    memset(errs, 0, sizeof *errs);
    bool ok = order_parse(doc, &f->v, &out, errs);
    if (!ok) {
        assert_null(out.lines);
        assert_null(out.doc);
        assert_int_equal(out.n_lines, 0);
    }
    order_input_free(&out);
    json_decref(doc);
    return ok;
}

static int count_errors(const field_errors_t *errs, const char *field, const char *code) {
    int n = 0;
    for (int i = 0; i < errs->count; i++)
        n += strcmp(errs->items[i].field, field) == 0 && strcmp(errs->items[i].code, code) == 0;
    return n;
}

static void dump(const field_errors_t *errs) {
    for (int i = 0; i < errs->count; i++)
        print_message("  %s %s: %s\n", errs->items[i].field, errs->items[i].code,
                      errs->items[i].message);
}

static void expect_error(const field_errors_t *errs, const char *field, const char *code) {
    if (count_errors(errs, field, code) != 1) {
        dump(errs);
        fail_msg("expected exactly one %s on %s", code, field);
    }
}

/* Sets one path of the base order and expects exactly that one error. */
static void expect_single(void **state, const char *path, json_t *value, const char *field,
                          const char *code) {
    json_t *doc = base();
    set(doc, path, value);
    field_errors_t errs;
    bool ok = run(state, doc, &errs);
    if (ok || errs.count != 1) {
        dump(&errs);
        fail_msg("%s: expected one error %s on %s, got %d", path, code, field, errs.count);
    }
    expect_error(&errs, field, code);
}

static void canonical_order_parses(void **state) {
    fixture_t *f = *state;
    json_t *doc = base();
    order_input_t o;
    field_errors_t errs = {0};
    assert_true(order_parse(doc, &f->v, &o, &errs));
    assert_int_equal(errs.count, 0);
    assert_int_equal(o.channel, CHANNEL_TAOBAO);
    assert_string_equal(o.external_id, "T20261111000123");
    assert_int_equal(o.placed_at_ms, 1794326401000LL);
    assert_string_equal(o.buyer_name, "王女士");
    assert_string_equal(o.buyer_phone, "13800138000");
    assert_string_equal(o.phone_normalized, "13800138000");
    assert_true(o.phone_is_mobile);
    assert_string_equal(o.address.province, "北京市");
    assert_string_equal(o.address.detail, "大望路甲18号1单元");
    assert_string_equal(o.address.postal_code, "100022");
    assert_int_equal(o.address.province_code, 110000);
    assert_int_equal(o.address.city_code, 110100);
    assert_int_equal(o.address.district_code, 110105);
    assert_string_equal(o.address.district_name, "朝阳区");
    assert_int_equal(o.n_lines, 1);
    assert_string_equal(o.lines[0].sku, "MOONCAKE-6");
    assert_int_equal(o.lines[0].qty, 5);
    assert_int_equal(o.lines[0].unit_price_fen, 8800);
    assert_int_equal(o.shipping_fee_fen, 0);
    assert_int_equal(o.n_discounts, 1);
    assert_string_equal(o.discounts[0].code, "COUPON-20");
    assert_int_equal(o.discounts[0].amount_fen, 2000);
    assert_false(o.has_discount_total);
    assert_int_equal(o.payment_status, PAYMENT_PAID);
    assert_string_equal(o.payment_method, "alipay");
    assert_string_equal(o.payment_transaction, "2026111122001");
    assert_int_equal(o.payment_amount_fen, 42000);
    assert_int_equal(o.paid_at_ms, 1794326405000LL);
    assert_string_equal(o.remark, "其中1盒刻“生日快乐”");
    assert_true(o.has_requested_delivery_date);
    assert_int_equal(o.requested_delivery_day, 20770); /* 2026-11-13 */
    assert_true(o.splittable);
    assert_string_equal(o.client_ip, "203.0.113.7");
    assert_int_equal(o.items_total_fen, 44000);
    assert_int_equal(o.discounts_sum_fen, 2000);
    assert_int_equal(o.total_fen, 42000);
    /* The order holds its own reference: the caller's can go first. */
    assert_ptr_equal(o.doc, doc);
    json_decref(doc);
    assert_string_equal(o.buyer_name, "王女士");
    order_input_free(&o);
    assert_null(o.doc);
    assert_null(o.lines);
    order_input_free(&o); /* safe twice */
}

/* Parses doc and returns the content hash of its stored form (order_doc_build). */
static void hash_of(fixture_t *f, json_t *doc, char out[65]) {
    order_input_t o;
    field_errors_t errs = {0};
    assert_true(order_parse(doc, &f->v, &o, &errs));
    char *text = order_doc_build(&o);
    assert_non_null(text);
    json_t *stored = json_loads(text, 0, NULL); /* the stored form is valid JSON */
    assert_non_null(stored);
    assert_string_equal(json_string_value(json_object_get(stored, "external_id")), o.external_id);
    memcpy(out, o.content_hash, 65);
    free(text);
    json_decref(stored);
    order_input_free(&o);
}

static void content_hash_ignores_layout_but_not_content(void **state) {
    fixture_t *f = *state;
    char base_hash[65], again_hash[65], other_hash[65];
    json_t *doc = base();
    hash_of(f, doc, base_hash);
    assert_int_equal(strlen(base_hash), 64);
    for (int i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", base_hash[i]));

    /* The same order with keys sorted, no spaces, a division written without its suffix and
     * an unknown field is the same order. */
    char *compact = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    json_t *again = json_loads(compact, 0, NULL);
    free(compact);
    json_object_set_new(json_object_get(again, "address"), "province", json_string("北京"));
    json_object_set_new(again, "x_channel_trace", json_string("abc"));
    hash_of(f, again, again_hash);
    json_decref(again);
    assert_string_equal(again_hash, base_hash);

    doc = base();
    set(doc, "remark", json_string("其中2盒刻“生日快乐”"));
    hash_of(f, doc, other_hash);
    json_decref(doc);
    assert_string_not_equal(other_hash, base_hash);
}

static void every_missing_required_field_at_once(void **state) {
    field_errors_t errs;
    assert_false(run(state, parse_json("{}"), &errs));
    static const char *const fields[] = {
        "channel",          "external_id",  "placed_at",        "buyer.name",     "buyer.phone",
        "address.province", "address.city", "address.district", "address.detail", "items",
        "payment.status",
    };
    size_t n = sizeof fields / sizeof *fields;
    if (errs.count != (int)n)
        dump(&errs);
    assert_int_equal(errs.count, n);
    for (size_t i = 0; i < n; i++)
        expect_error(&errs, fields[i], "required");
}

static void required_fields_missing_from_a_full_order(void **state) {
    json_t *doc = base();
    del(doc, "channel");
    del(doc, "buyer.phone");
    del(doc, "address.detail");
    del(doc, "items[0].qty");
    del(doc, "items[0].sku");
    del(doc, "discounts[0].amount");
    del(doc, "payment.amount");
    set(doc, "external_id", json_null()); /* null is as good as missing */
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    static const char *const fields[] = {
        "channel",      "external_id",  "buyer.phone",         "address.detail",
        "items[0].sku", "items[0].qty", "discounts[0].amount", "payment.amount",
    };
    size_t n = sizeof fields / sizeof *fields;
    if (errs.count != (int)n)
        dump(&errs);
    assert_int_equal(errs.count, n);
    for (size_t i = 0; i < n; i++)
        expect_error(&errs, fields[i], "required");
}

static void blank_strings_are_missing(void **state) {
    expect_single(state, "external_id", json_string(""), "external_id", "required");
    expect_single(state, "buyer.name", json_string("   "), "buyer.name", "required");
    expect_single(state, "address.district", json_string(""), "address.district", "required");
    /* An empty city is how municipalities are often sent. */
    json_t *doc = base();
    set(doc, "address.city", json_string(""));
    field_errors_t errs;
    assert_true(run(state, doc, &errs));
}

static void wrong_type_for_every_field(void **state) {
    json_t *doc = parse_json(
        "{\"channel\": 1, \"external_id\": [], \"placed_at\": 20261111,"
        " \"buyer\": {\"name\": 5, \"phone\": 13800138000},"
        " \"address\": {\"province\": true, \"city\": {}, \"district\": 1, \"detail\": [],"
        "               \"postal_code\": 100022},"
        " \"items\": [{\"sku\": 1, \"qty\": \"5\", \"unit_price\": \"8800\"}, 7],"
        " \"shipping_fee\": \"0\", \"discounts\": [{\"code\": 1, \"amount\": \"2000\"}, \"x\"],"
        " \"discount_total\": false,"
        " \"payment\": {\"status\": 1, \"amount\": \"42000\", \"method\": 1,"
        "               \"transaction_id\": 1, \"paid_at\": 1},"
        " \"remark\": 1, \"requested_delivery_date\": 20261113, \"splittable\": \"yes\","
        " \"client_ip\": 203}");
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    static const char *const fields[] = {
        "channel",
        "external_id",
        "placed_at",
        "buyer.name",
        "buyer.phone",
        "address.province",
        "address.city",
        "address.district",
        "address.detail",
        "address.postal_code",
        "items[0].sku",
        "items[0].qty",
        "items[0].unit_price",
        "items[1]",
        "shipping_fee",
        "discounts[0].code",
        "discounts[0].amount",
        "discounts[1]",
        "discount_total",
        "payment.status",
        "payment.amount",
        "payment.method",
        "payment.transaction_id",
        "payment.paid_at",
        "remark",
        "requested_delivery_date",
        "splittable",
        "client_ip",
    };
    size_t n = sizeof fields / sizeof *fields;
    if (errs.count != (int)n)
        dump(&errs);
    assert_int_equal(errs.count, n);
    for (size_t i = 0; i < n; i++)
        expect_error(&errs, fields[i], "wrong_type");
    /* The message names the expected type. */
    for (int i = 0; i < errs.count; i++)
        if (strcmp(errs.items[i].field, "items[0].qty") == 0)
            assert_non_null(strstr(errs.items[i].message, "integer"));
}

static void wrong_type_for_containers(void **state) {
    json_t *doc = parse_json("{\"channel\": \"jd\", \"external_id\": \"J1\","
                             " \"placed_at\": \"2026-11-11T00:00:01Z\","
                             " \"buyer\": \"王女士\", \"address\": [], \"items\": {},"
                             " \"discounts\": {}, \"payment\": \"paid\"}");
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    static const char *const fields[] = {"buyer", "address", "items", "discounts", "payment"};
    if (errs.count != 5)
        dump(&errs);
    assert_int_equal(errs.count, 5);
    for (size_t i = 0; i < 5; i++)
        expect_error(&errs, fields[i], "wrong_type");

    assert_false(run(state, parse_json("[1, 2]"), &errs));
    assert_int_equal(errs.count, 1);
    expect_error(&errs, "", "wrong_type");
    assert_false(run(state, parse_json("\"order\""), &errs));
    expect_error(&errs, "", "wrong_type");
}

static void reals_are_not_integers(void **state) {
    expect_single(state, "items[0].qty", json_real(1.5), "items[0].qty", "wrong_type");
    expect_single(state, "items[0].qty", json_real(5.0), "items[0].qty", "wrong_type");
    expect_single(state, "items[0].unit_price", json_real(88.00), "items[0].unit_price",
                  "wrong_type");
    expect_single(state, "shipping_fee", json_real(0.0), "shipping_fee", "wrong_type");
    expect_single(state, "payment.amount", json_real(420.0), "payment.amount", "wrong_type");
    expect_single(state, "discounts[0].amount", json_real(20.5), "discounts[0].amount",
                  "wrong_type");
    /* Written in JSON as 1e30, which jansson reads as a real. */
    json_t *doc = base();
    set(doc, "items[0].unit_price", parse_json("1e30"));
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    assert_int_equal(errs.count, 1);
    expect_error(&errs, "items[0].unit_price", "wrong_type");
}

static void huge_and_negative_numbers_are_out_of_range(void **state) {
    expect_single(state, "items[0].unit_price", json_integer(INT64_MAX), "items[0].unit_price",
                  "out_of_range");
    expect_single(state, "items[0].qty", json_integer(INT64_MAX), "items[0].qty", "out_of_range");
    expect_single(state, "items[0].qty", json_integer(INT32_MAX + 1LL), "items[0].qty",
                  "out_of_range");
    expect_single(state, "items[0].unit_price", json_integer(-1), "items[0].unit_price",
                  "out_of_range");
    expect_single(state, "shipping_fee", json_integer(INT64_MIN), "shipping_fee", "out_of_range");
    expect_single(state, "discounts[0].amount", json_integer(INT64_MAX), "discounts[0].amount",
                  "out_of_range");
    expect_single(state, "payment.amount", json_integer(INT64_MAX), "payment.amount",
                  "out_of_range");
    expect_single(state, "discount_total", json_integer(-5), "discount_total", "out_of_range");
    /* Parsed from text, the largest int64 is still an integer and still out of range. */
    json_t *doc = base();
    set(doc, "items[0].unit_price", parse_json("9223372036854775807"));
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    expect_error(&errs, "items[0].unit_price", "out_of_range");
}

static void largest_legal_cart_does_not_overflow(void **state) {
    fixture_t *f = *state;
    json_t *doc = base();
    json_t *items = json_array();
    for (int i = 0; i < ORDO_ORDER_LINES_MAX; i++)
        json_array_append_new(items, json_pack("{s:s, s:i, s:I}", "sku", "GOLD-BAR", "qty",
                                               ORDO_LINE_QTY_MAX, "unit_price",
                                               (json_int_t)ORDO_MONEY_MAX_FEN));
    set(doc, "items", items);
    set(doc, "shipping_fee", json_integer(ORDO_MONEY_MAX_FEN));
    set(doc, "payment.status", json_string("pending"));
    del(doc, "payment.amount");
    order_input_t o;
    field_errors_t errs = {0};
    bool ok = order_parse(doc, &f->v, &o, &errs);
    if (!ok)
        dump(&errs);
    assert_true(ok);
    int64_t expect = (int64_t)ORDO_ORDER_LINES_MAX * ORDO_LINE_QTY_MAX * ORDO_MONEY_MAX_FEN;
    assert_int_equal(o.items_total_fen, expect);
    assert_int_equal(o.total_fen, expect + ORDO_MONEY_MAX_FEN - 2000);
    assert_int_equal(o.n_lines, ORDO_ORDER_LINES_MAX);
    order_input_free(&o);
    json_decref(doc);
}

static void quantities_have_limits(void **state) {
    expect_single(state, "items[0].qty", json_integer(0), "items[0].qty", "out_of_range");
    expect_single(state, "items[0].qty", json_integer(-1), "items[0].qty", "out_of_range");
    expect_single(state, "items[0].qty", json_integer(ORDO_LINE_QTY_MAX + 1), "items[0].qty",
                  "out_of_range");
    /* At the limit, and a free gift line, are fine (pending: the amount is not checked). */
    json_t *doc = base();
    set(doc, "items[0].qty", json_integer(ORDO_LINE_QTY_MAX));
    json_array_append_new(
        json_object_get(doc, "items"),
        json_pack("{s:s, s:i, s:i}", "sku", "GIFT-BAG", "qty", 1, "unit_price", 0));
    set(doc, "payment.status", json_string("pending"));
    del(doc, "payment.amount");
    field_errors_t errs;
    assert_true(run(state, doc, &errs));
}

static void item_counts_have_limits(void **state) {
    expect_single(state, "items", json_array(), "items", "out_of_range");
    json_t *many = json_array();
    for (int i = 0; i <= ORDO_ORDER_LINES_MAX; i++)
        json_array_append_new(many,
                              json_pack("{s:s, s:i, s:i}", "sku", "X", "qty", 1, "unit_price", 1));
    expect_single(state, "items", many, "items", "out_of_range");
    json_t *discounts = json_array();
    for (int i = 0; i <= ORDO_DISCOUNTS_MAX; i++)
        json_array_append_new(discounts, json_pack("{s:s, s:i}", "code", "C", "amount", 1));
    expect_single(state, "discounts", discounts, "discounts", "out_of_range");
}

static void same_sku_twice_is_two_lines(void **state) {
    fixture_t *f = *state;
    json_t *doc = base();
    json_array_append_new(
        json_object_get(doc, "items"),
        json_pack("{s:s, s:i, s:i}", "sku", "MOONCAKE-6", "qty", 1, "unit_price", 8800));
    set(doc, "payment.amount", json_integer(50800));
    order_input_t o;
    field_errors_t errs = {0};
    assert_true(order_parse(doc, &f->v, &o, &errs));
    assert_int_equal(o.n_lines, 2);
    assert_string_equal(o.lines[0].sku, o.lines[1].sku);
    assert_int_equal(o.items_total_fen, 52800);
    order_input_free(&o);
    json_decref(doc);
}

static void paid_amount_must_add_up(void **state) {
    json_t *doc = base();
    set(doc, "payment.amount", json_integer(41000));
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    assert_int_equal(errs.count, 1);
    expect_error(&errs, "payment.amount", "amount_mismatch");
    assert_non_null(strstr(errs.items[0].message, "41000"));
    assert_non_null(strstr(errs.items[0].message, "42000"));

    /* Shipping counts. */
    doc = base();
    set(doc, "shipping_fee", json_integer(1000));
    assert_false(run(state, doc, &errs));
    expect_error(&errs, "payment.amount", "amount_mismatch");
    doc = base();
    set(doc, "shipping_fee", json_integer(1000));
    set(doc, "payment.amount", json_integer(43000));
    assert_true(run(state, doc, &errs));

    /* No discounts at all. */
    doc = base();
    del(doc, "discounts");
    set(doc, "payment.amount", json_integer(44000));
    assert_true(run(state, doc, &errs));
}

static void pending_amount_is_optional_but_checked(void **state) {
    json_t *doc = base();
    set(doc, "payment.status", json_string("pending"));
    del(doc, "payment.amount");
    del(doc, "payment.paid_at");
    field_errors_t errs;
    assert_true(run(state, doc, &errs));
    assert_int_equal(errs.count, 0);

    /* A pending order that states the right amount is fine too. */
    doc = base();
    set(doc, "payment.status", json_string("pending"));
    assert_true(run(state, doc, &errs));
}

static void pending_with_wrong_amount_is_a_mismatch(void **state) {
    json_t *doc = base();
    set(doc, "payment.status", json_string("pending"));
    set(doc, "payment.amount", json_integer(1));
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    assert_int_equal(errs.count, 1);
    expect_error(&errs, "payment.amount", "amount_mismatch");
}

static void paid_without_amount_is_required(void **state) {
    json_t *doc = base();
    del(doc, "payment.amount");
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    assert_int_equal(errs.count, 1);
    expect_error(&errs, "payment.amount", "required");
}

static void discounts_cannot_exceed_the_order(void **state) {
    json_t *doc = base();
    set(doc, "discounts[0].amount", json_integer(44001));
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    /* Reported once, on discounts; no derived mismatch on top. */
    if (errs.count != 1)
        dump(&errs);
    assert_int_equal(errs.count, 1);
    expect_error(&errs, "discounts", "out_of_range");
    expect_single(state, "discounts[0].amount", json_integer(0), "discounts[0].amount",
                  "out_of_range");
}

static void discount_total_mismatch_is_not_a_validation_error(void **state) {
    fixture_t *f = *state;
    json_t *doc = base();
    set(doc, "discount_total", json_integer(3000));
    order_input_t o;
    field_errors_t errs = {0};
    assert_true(order_parse(doc, &f->v, &o, &errs));
    assert_true(o.has_discount_total);
    assert_int_equal(o.discount_total_fen, 3000);
    assert_int_equal(o.discounts_sum_fen, 2000);
    order_input_free(&o);
    json_decref(doc);
}

static void every_channel_and_unknown_ones(void **state) {
    fixture_t *f = *state;
    static const char *const names[] = {"taobao", "tmall", "jd", "douyin", "web", "store", "phone"};
    for (int i = 0; i < CHANNEL__COUNT; i++) {
        assert_string_equal(channel_name((channel_t)i), names[i]);
        assert_int_equal(channel_from_name(names[i]), i);
        json_t *doc = base();
        set(doc, "channel", json_string(names[i]));
        order_input_t o;
        field_errors_t errs = {0};
        assert_true(order_parse(doc, &f->v, &o, &errs));
        assert_int_equal(o.channel, i);
        order_input_free(&o);
        json_decref(doc);
    }
    assert_int_equal(channel_from_name("Taobao"), -1);
    assert_int_equal(channel_from_name(NULL), -1);
    assert_null(channel_name(CHANNEL__COUNT));

    json_t *doc = base();
    set(doc, "channel", json_string("amazon"));
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    expect_error(&errs, "channel", "unknown_channel");
    for (int i = 0; i < CHANNEL__COUNT; i++)
        assert_non_null(strstr(errs.items[0].message, names[i]));
}

static json_t *string_of(size_t len, char c) {
    char *s = malloc(len + 1);
    memset(s, c, len);
    s[len] = '\0';
    json_t *v = json_string(s);
    free(s);
    return v;
}

static void strings_have_length_limits(void **state) {
    expect_single(state, "external_id", string_of(ORDO_EXTERNAL_ID_MAX + 1, 'T'), "external_id",
                  "too_long");
    expect_single(state, "buyer.name", string_of(ORDO_NAME_MAX + 1, 'w'), "buyer.name", "too_long");
    expect_single(state, "address.detail", string_of(ORDO_ADDRESS_DETAIL_MAX + 1, 'd'),
                  "address.detail", "too_long");
    expect_single(state, "items[0].sku", string_of(ORDO_CODE_MAX + 1, 'S'), "items[0].sku",
                  "too_long");
    expect_single(state, "remark", string_of(ORDO_REMARK_MAX + 1, 'r'), "remark", "too_long");
    expect_single(state, "discounts[0].code", string_of(ORDO_CODE_MAX + 1, 'C'),
                  "discounts[0].code", "too_long");
    /* Exactly at the limits is fine. Limits are bytes: 33 three-byte characters = 99 bytes. */
    json_t *doc = base();
    set(doc, "external_id", string_of(ORDO_EXTERNAL_ID_MAX, 'T'));
    set(doc, "address.detail", string_of(ORDO_ADDRESS_DETAIL_MAX, 'd'));
    set(doc, "remark", string_of(ORDO_REMARK_MAX, 'r'));
    char name[128] = "";
    for (int i = 0; i < 33; i++)
        strcat(name, "王");
    set(doc, "buyer.name", json_string(name));
    field_errors_t errs;
    if (!run(state, doc, &errs))
        dump(&errs);
    assert_int_equal(errs.count, 0);
    strcat(name, "王"); /* 102 bytes */
    expect_single(state, "buyer.name", json_string(name), "buyer.name", "too_long");
}

static void control_characters_are_refused(void **state) {
    expect_single(state, "buyer.name", json_string("王\a女士"), "buyer.name", "invalid_characters");
    expect_single(state, "external_id", json_string("T2026\n1111"), "external_id",
                  "invalid_characters");
    expect_single(state, "items[0].sku", json_stringn("MOON\0CAKE", 9), "items[0].sku",
                  "invalid_characters");
    expect_single(state, "address.detail", json_string("大望路\x7f"), "address.detail",
                  "invalid_characters");
    /* Free text may have line breaks. */
    json_t *doc = base();
    set(doc, "remark", json_string("第一行\n第二行\t完"));
    field_errors_t errs;
    assert_true(run(state, doc, &errs));
    expect_single(state, "remark", json_string("响铃\a"), "remark", "invalid_characters");
}

static void bad_times_and_dates(void **state) {
    expect_single(state, "placed_at", json_string("2026-11-11 00:00:01"), "placed_at",
                  "invalid_datetime");
    expect_single(state, "placed_at", json_string("2026-11-11T00:00:01"), "placed_at",
                  "invalid_datetime");
    expect_single(state, "payment.paid_at", json_string("2026-02-30T00:00:05+08:00"),
                  "payment.paid_at", "invalid_datetime");
    expect_single(state, "requested_delivery_date", json_string("2026-11-31"),
                  "requested_delivery_date", "invalid_date");
    expect_single(state, "requested_delivery_date", json_string("13/11/2026"),
                  "requested_delivery_date", "invalid_date");
}

static void phones_are_checked_against_the_plan(void **state) {
    expect_single(state, "buyer.phone", json_string("12345"), "buyer.phone", "invalid_phone");
    expect_single(state, "buyer.phone", json_string("1380013800"), "buyer.phone", "invalid_phone");
    expect_single(state, "buyer.phone", json_string("23800138000"), "buyer.phone", "invalid_phone");
    expect_single(state, "buyer.phone", json_string("138OO138OOO"), "buyer.phone", "invalid_phone");
    fixture_t *f = *state;
    json_t *doc = base();
    set(doc, "buyer.phone", json_string("0755-86013388"));
    order_input_t o;
    field_errors_t errs = {0};
    assert_true(order_parse(doc, &f->v, &o, &errs));
    assert_false(o.phone_is_mobile);
    assert_string_equal(o.phone_normalized, "75586013388");
    assert_string_equal(o.buyer_phone, "0755-86013388");
    order_input_free(&o);
    json_decref(doc);
}

static void addresses_are_resolved(void **state) {
    expect_single(state, "address.city", json_string("广州市"), "address.city",
                  "city_not_in_province");
    expect_single(state, "address.district", json_string("天河区"), "address.district",
                  "district_not_in_city");
    expect_single(state, "address.province", json_string("火星"), "address.province",
                  "unknown_province");
    expect_single(state, "address.postal_code", json_string("10002"), "address.postal_code",
                  "invalid_postal_code");
    expect_single(state, "address.postal_code", json_string("1000２２"), "address.postal_code",
                  "invalid_postal_code");
    fixture_t *f = *state;
    json_t *doc = base();
    set(doc, "address.province", json_string("广东"));
    set(doc, "address.city", json_string("东莞"));
    set(doc, "address.district", json_string("虎门镇"));
    del(doc, "address.postal_code");
    order_input_t o;
    field_errors_t errs = {0};
    assert_true(order_parse(doc, &f->v, &o, &errs));
    assert_int_equal(o.address.district_code, 441912);
    assert_string_equal(o.address.province_name, "广东省");
    assert_string_equal(o.address.city_name, "东莞市");
    assert_null(o.address.postal_code);
    order_input_free(&o);
    json_decref(doc);
}

static void client_ips_and_enums(void **state) {
    fixture_t *f = *state;
    static const char *const good[] = {"::1", "2001:db8::7", "10.0.0.1", "::ffff:203.0.113.7"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        json_t *doc = base();
        set(doc, "client_ip", json_string(good[i]));
        order_input_t o;
        field_errors_t errs = {0};
        assert_true(order_parse(doc, &f->v, &o, &errs));
        assert_string_equal(o.client_ip, good[i]);
        order_input_free(&o);
        json_decref(doc);
    }
    expect_single(state, "client_ip", json_string("999.1.1.1"), "client_ip", "invalid_ip");
    expect_single(state, "client_ip", json_string("localhost"), "client_ip", "invalid_ip");
    expect_single(state, "client_ip", json_string("fe80::1%eth0"), "client_ip", "invalid_ip");
    expect_single(state, "payment.status", json_string("refunded"), "payment.status",
                  "invalid_value");
    expect_single(state, "splittable", json_integer(1), "splittable", "wrong_type");
}

static void optional_fields_default(void **state) {
    fixture_t *f = *state;
    json_t *doc = base();
    static const char *const optional[] = {"shipping_fee",
                                           "remark",
                                           "requested_delivery_date",
                                           "splittable",
                                           "client_ip",
                                           "address.postal_code",
                                           "payment.method",
                                           "payment.transaction_id",
                                           "payment.paid_at"};
    for (size_t i = 0; i < sizeof optional / sizeof *optional; i++)
        del(doc, optional[i]);
    set(doc, "remark", json_null());
    set(doc, "brand_new_field", json_string("ignored"));
    order_input_t o;
    field_errors_t errs = {0};
    bool ok = order_parse(doc, &f->v, &o, &errs);
    if (!ok)
        dump(&errs);
    assert_true(ok);
    assert_int_equal(o.shipping_fee_fen, 0);
    assert_null(o.remark);
    assert_false(o.has_requested_delivery_date);
    assert_false(o.splittable);
    assert_null(o.client_ip);
    assert_null(o.payment_method);
    assert_null(o.payment_transaction);
    assert_int_equal(o.paid_at_ms, 0);
    order_input_free(&o);
    json_decref(doc);
}

static void many_problems_are_all_reported(void **state) {
    json_t *doc = base();
    set(doc, "channel", json_string("amazon"));
    set(doc, "placed_at", json_string("yesterday"));
    set(doc, "buyer.phone", json_string("12345"));
    set(doc, "address.city", json_string("广州市"));
    set(doc, "items[0].qty", json_real(1.5));
    set(doc, "client_ip", json_string("nope"));
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    if (errs.count != 6)
        dump(&errs);
    assert_int_equal(errs.count, 6);
    expect_error(&errs, "channel", "unknown_channel");
    expect_error(&errs, "placed_at", "invalid_datetime");
    expect_error(&errs, "buyer.phone", "invalid_phone");
    expect_error(&errs, "address.city", "city_not_in_province");
    expect_error(&errs, "items[0].qty", "wrong_type");
    expect_error(&errs, "client_ip", "invalid_ip");
}

static void more_problems_than_fit_are_counted(void **state) {
    json_t *doc = base();
    json_t *items = json_array();
    for (int i = 0; i < ORDO_ORDER_LINES_MAX; i++)
        json_array_append_new(items, json_pack("{s:i, s:i}", "qty", 0, "unit_price", -1));
    set(doc, "items", items);
    field_errors_t errs;
    assert_false(run(state, doc, &errs));
    assert_int_equal(errs.count, FIELD_ERRORS_MAX);
    assert_int_equal(errs.count + errs.dropped, 3 * ORDO_ORDER_LINES_MAX);
    assert_string_equal(errs.items[0].field, "items[0].sku");
    assert_string_equal(errs.items[4].field, "items[1].qty");
}

static void earlier_errors_in_errs_do_not_fail_a_good_order(void **state) {
    fixture_t *f = *state;
    json_t *doc = base();
    field_errors_t errs = {0};
    field_errors_add(&errs, "header", "something", "from an earlier step");
    order_input_t o;
    assert_true(order_parse(doc, &f->v, &o, &errs));
    assert_int_equal(errs.count, 1);
    order_input_free(&o);
    json_decref(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical_order_parses),
        cmocka_unit_test(content_hash_ignores_layout_but_not_content),
        cmocka_unit_test(every_missing_required_field_at_once),
        cmocka_unit_test(required_fields_missing_from_a_full_order),
        cmocka_unit_test(blank_strings_are_missing),
        cmocka_unit_test(wrong_type_for_every_field),
        cmocka_unit_test(wrong_type_for_containers),
        cmocka_unit_test(reals_are_not_integers),
        cmocka_unit_test(huge_and_negative_numbers_are_out_of_range),
        cmocka_unit_test(largest_legal_cart_does_not_overflow),
        cmocka_unit_test(quantities_have_limits),
        cmocka_unit_test(item_counts_have_limits),
        cmocka_unit_test(same_sku_twice_is_two_lines),
        cmocka_unit_test(paid_amount_must_add_up),
        cmocka_unit_test(pending_amount_is_optional_but_checked),
        cmocka_unit_test(pending_with_wrong_amount_is_a_mismatch),
        cmocka_unit_test(paid_without_amount_is_required),
        cmocka_unit_test(discounts_cannot_exceed_the_order),
        cmocka_unit_test(discount_total_mismatch_is_not_a_validation_error),
        cmocka_unit_test(every_channel_and_unknown_ones),
        cmocka_unit_test(strings_have_length_limits),
        cmocka_unit_test(control_characters_are_refused),
        cmocka_unit_test(bad_times_and_dates),
        cmocka_unit_test(phones_are_checked_against_the_plan),
        cmocka_unit_test(addresses_are_resolved),
        cmocka_unit_test(client_ips_and_enums),
        cmocka_unit_test(optional_fields_default),
        cmocka_unit_test(many_problems_are_all_reported),
        cmocka_unit_test(more_problems_than_fit_are_counted),
        cmocka_unit_test(earlier_errors_in_errs_do_not_fail_a_good_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
