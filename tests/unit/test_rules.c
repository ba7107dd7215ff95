#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/order_parse.h"
#include "core/rules.h"
#include "util/timefmt.h"
#include "util/file.h"

#include "fixture.h"

static json_t *parse_json(const char *text) {
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc)
        fail_msg("test JSON does not parse: %s (line %d)", jerr.text, jerr.line);
    return doc;
}

/* Parses BASE through order_parse after setting address fields (NULL keeps BASE's). */
static void parse_order(void **state, const char *province, const char *city, const char *district,
                        const char *detail, order_input_t *o) {
    fixture_t *f = *state;
    json_t *doc = parse_json(BASE);
    json_t *addr = json_object_get(doc, "address");
    if (province)
        json_object_set_new(addr, "province", json_string(province));
    if (city)
        json_object_set_new(addr, "city", json_string(city));
    if (district)
        json_object_set_new(addr, "district", json_string(district));
    if (detail)
        json_object_set_new(addr, "detail", json_string(detail));
    json_object_del(addr, "postal_code");
    field_errors_t errs = {0};
    bool ok = order_parse(doc, &f->v, o, &errs);
    json_decref(doc); /* the order holds its own reference */
    if (!ok)
        fail_msg("order does not parse: %s %s", errs.items[0].field, errs.items[0].message);
}

/* The canonical order built by hand, for rules that need no division lookups. */
static order_input_t order_bj(void) {
    order_input_t o = {0};
    o.channel = CHANNEL_TAOBAO;
    o.external_id = "T20261111000123";
    o.placed_at_ms = 1794326401000LL;
    o.buyer_name = "王女士";
    o.buyer_phone = "13800138000";
    snprintf(o.phone_normalized, sizeof o.phone_normalized, "13800138000");
    o.phone_is_mobile = true;
    o.address = (address_t){.province = "北京市",
                            .city = "北京市",
                            .district = "朝阳区",
                            .detail = "大望路甲18号1单元",
                            .province_name = "北京市",
                            .city_name = "北京市",
                            .district_name = "朝阳区",
                            .province_code = 110000,
                            .city_code = 110100,
                            .district_code = 110105};
    o.payment_status = PAYMENT_PAID;
    o.payment_amount_fen = 42000;
    o.remark = "其中1盒刻“生日快乐”";
    o.client_ip = "203.0.113.7";
    o.items_total_fen = 44000;
    o.discounts_sum_fen = 2000;
    o.total_fen = 42000;
    return o;
}

static ruleset_t *load(const char *text) {
    json_t *doc = parse_json(text);
    field_errors_t errs = {0};
    ruleset_t *rs = ruleset_from_json(doc, &errs);
    json_decref(doc);
    if (!rs)
        fail_msg("rule set refused: %s %s: %s", errs.items[0].field, errs.items[0].code,
                 errs.items[0].message);
    return rs;
}

/* A rule set of one rule of `type` with params (JSON text of an object). */
static ruleset_t *one_rule(const char *type, const char *params) {
    char text[2048];
    snprintf(text, sizeof text,
             "{\"rules\": [{\"id\": \"r\", \"enabled\": true, \"type\": \"%s\", \"reason\": "
             "\"why\", \"params\": %s}]}",
             type, params ? params : "{}");
    return load(text);
}

static const rules_value_t *value(const rule_eval_t *ev, const char *name) {
    for (int i = 0; i < ev->n_values; i++)
        if (strcmp(ev->values[i].name, name) == 0)
            return &ev->values[i];
    return NULL;
}

static int64_t int_value(const rule_eval_t *ev, const char *name) {
    const rules_value_t *v = value(ev, name);
    if (!v)
        fail_msg("no value %s in %s's hit", name, ev->rule_id);
    return v->i;
}

static const char *text_value(const rule_eval_t *ev, const char *name) {
    const rules_value_t *v = value(ev, name);
    if (!v)
        fail_msg("no value %s in %s's hit", name, ev->rule_id);
    assert_int_equal(v->kind, RULES_VALUE_TEXT);
    return v->text;
}

static const rule_eval_t *find(const rules_result_t *r, const char *rule_id) {
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->rules[i].rule_id, rule_id) == 0)
            return &r->rules[i];
    fail_msg("no outcome for rule %s", rule_id);
    return NULL;
}

/* Runs a single-rule set and returns its outcome (copied out of the result). */
static rule_eval_t run_one(const ruleset_t *rs, const order_input_t *o,
                           const rules_context_t *ctx) {
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, o, ctx, &r));
    assert_int_equal(r.n, 1);
    rule_eval_t ev = r.rules[0];
    assert_int_equal(r.n_hits, ev.outcome == RULE_OUTCOME_HIT);
    rules_result_free(&r);
    return ev;
}

static rules_velocity_count_t COUNTS_ZERO[] = {
    {RULES_KEY_PHONE, 600, 0}, {RULES_KEY_ADDRESS, 600, 0}, {RULES_KEY_IP, 600, 0}};

/* ---- The default set on the canonical order ------------------------------------------ */

static void default_set_on_canonical_order_hits_only_the_remark(void **state) {
    order_input_t o;
    parse_order(state, NULL, NULL, NULL, NULL, &o);
    ruleset_t *rs = ruleset_default();
    assert_non_null(rs);
    assert_int_equal(ruleset_count(rs), 10);

    rules_context_t ctx = {.payment_verified = true, .velocity = COUNTS_ZERO, .n_velocity = 3};
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_int_equal(r.n, 10);
    assert_int_equal(r.n_hits, 1);
    assert_false(rules_result_passed(&r));
    for (int i = 0; i < r.n; i++) {
        const rule_eval_t *ev = &r.rules[i];
        bool is_remark = strcmp(ev->rule_id, "remark") == 0;
        assert_int_equal(ev->outcome, is_remark ? RULE_OUTCOME_HIT : RULE_OUTCOME_PASS);
    }
    const rule_eval_t *remark = find(&r, "remark");
    assert_string_equal(remark->reason, "buyer_remark");
    assert_string_equal(text_value(remark, "remark"), "其中1盒刻“生日快乐”");
    assert_int_equal(int_value(remark, "remark_chars"), 11);
    assert_non_null(strstr(remark->message, "其中1盒刻“生日快乐”"));

    /* The same order with a payment nobody has verified yet. */
    ctx.payment_verified = false;
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_int_equal(r.n_hits, 2);
    assert_int_equal(find(&r, "remark")->outcome, RULE_OUTCOME_HIT);
    const rule_eval_t *pay = find(&r, "payment_unverified");
    assert_int_equal(pay->outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(pay, "payment_status"), "paid");
    assert_int_equal(int_value(pay, "verified"), 0);

    rules_result_free(&r);
    ruleset_free(rs);
    order_input_free(&o);
}

static void velocity_rules_without_counts_are_skipped_not_passed(void **state) {
    (void)state;
    order_input_t o = order_bj();
    ruleset_t *rs = ruleset_default();
    rules_context_t ctx = {.payment_verified = true};
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    const char *ids[] = {"velocity_phone", "velocity_address", "velocity_ip"};
    for (int i = 0; i < 3; i++) {
        const rule_eval_t *ev = find(&r, ids[i]);
        assert_int_equal(ev->outcome, RULE_OUTCOME_SKIPPED);
        assert_non_null(ev->skipped_because);
    }
    assert_int_equal(r.n_hits, 1); /* the remark */
    rules_result_free(&r);
    ruleset_free(rs);
}

/* ---- address_precision ---------------------------------------------------------------- */

static void address_precision_on_realistic_details(void **state) {
    (void)state;
    ruleset_t *rs = one_rule("address_precision", "{}");
    static const struct {
        const char *detail;
        bool too_short;
        const char *house_number; /* NULL: no missing-unit finding */
    } cases[] = {
        {"大望路甲18号", false, "18号"},
        {"大望路甲18号1单元", false, NULL},
        {"某小区3栋2单元501室", false, NULL},
        {"人民路100号", false, "100号"},
        {"人民路100号院", false, "100号"},
        {"张家村", true, NULL},
        {"大望路甲１８号", false, "１８号"}, /* full-width digits */
        {"建国路88号SOHO现代城A座1501", false, NULL},
        {"幸福路18号1-2-301", false, NULL}, /* a room number without a marker */
        {"长乐路100弄", false, "100弄"},
        {"长乐路100弄5号301室", false, NULL},
        {"望京街道5号楼", false, NULL}, /* "号楼" names a building, not a house number */
        {"中关村大街", true, NULL},
        {"中关村大街1", false, NULL},
        {"  张 家 村，，。  ", true, NULL}, /* spaces and punctuation do not pad */
        {"18号", true, "18号"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        order_input_t o = order_bj();
        o.address.detail = cases[i].detail;
        rule_eval_t ev = run_one(rs, &o, NULL);
        bool expect_hit = cases[i].too_short || cases[i].house_number;
        if ((ev.outcome == RULE_OUTCOME_HIT) != expect_hit)
            fail_msg("%s: expected %s", cases[i].detail, expect_hit ? "a hit" : "no hit");
        if (!expect_hit)
            continue;
        assert_string_equal(ev.reason, "why");
        assert_string_equal(text_value(&ev, "detail"), cases[i].detail);
        if (cases[i].too_short) {
            assert_int_equal(int_value(&ev, "min"), 6);
            assert_true(int_value(&ev, "detail_chars") < 6);
        } else {
            assert_null(value(&ev, "detail_chars"));
        }
        if (cases[i].house_number)
            assert_string_equal(text_value(&ev, "house_number"), cases[i].house_number);
        else
            assert_null(value(&ev, "house_number"));
    }
    ruleset_free(rs);
}

static void address_length_counts_characters_not_bytes(void **state) {
    (void)state;
    ruleset_t *rs = one_rule("address_precision", "{\"min_detail_chars\": 4}");
    order_input_t o = order_bj();
    o.address.detail = "张家村"; /* 9 bytes, 3 characters */
    rule_eval_t ev = run_one(rs, &o, NULL);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
    assert_int_equal(int_value(&ev, "detail_chars"), 3);
    assert_int_equal(int_value(&ev, "min"), 4);
    o.address.detail = "张家村一组";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    ruleset_free(rs);
}

static void address_markers_come_from_params(void **state) {
    (void)state;
    order_input_t o = order_bj();
    o.address.detail = "建设路18号3栋";
    ruleset_t *rs = one_rule("address_precision", "{\"unit_markers\": [\"单元\", \"室\"]}");
    rule_eval_t ev = run_one(rs, &o, NULL);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT); /* 栋 is no longer a unit marker */
    assert_string_equal(text_value(&ev, "house_number"), "18号");
    ruleset_free(rs);

    /* Unit markers are tried before house markers: "5号楼" names a building even when no
     * other marker follows, while "5号" alone is a house number. */
    rs = one_rule("address_precision", "{\"unit_markers\": [\"号楼\"]}");
    o.address.detail = "望京街道5号楼";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    o.address.detail = "望京街道5号";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_HIT);
    ruleset_free(rs);

    rs = one_rule("address_precision", "{\"house_markers\": [], \"min_detail_chars\": 0}");
    o.address.detail = "人民路100号";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    ruleset_free(rs);

    rs = one_rule("address_precision", "{\"room_min_digits\": 0}");
    o.address.detail = "幸福路18号1-2-301";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_HIT);
    ruleset_free(rs);
}

/* ---- remote_area ------------------------------------------------------------------------ */

static void remote_area_by_name_and_code(void **state) {
    ruleset_t *rs = ruleset_default();
    rules_context_t ctx = {.payment_verified = true, .velocity = COUNTS_ZERO, .n_velocity = 3};
    rules_result_t r = {0};

    order_input_t o;
    parse_order(state, "西藏", "拉萨", "城关区", "北京中路12号3栋201室", &o);
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    const rule_eval_t *ev = find(&r, "remote_area");
    assert_int_equal(ev->outcome, RULE_OUTCOME_HIT);
    assert_string_equal(ev->reason, "remote_area");
    assert_string_equal(text_value(ev, "matched"), "西藏自治区");
    assert_string_equal(text_value(ev, "level"), "province");
    assert_int_equal(find(&r, "address_precision")->outcome, RULE_OUTCOME_PASS);
    order_input_free(&o);

    parse_order(state, "海南省", "三沙市", "西沙区", "永兴岛北京路6号2栋", &o);
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    ev = find(&r, "remote_area");
    assert_int_equal(ev->outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(ev, "level"), "city");
    assert_string_equal(text_value(ev, "division"), "三沙市");
    order_input_free(&o);

    parse_order(state, NULL, NULL, NULL, NULL, &o);
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_int_equal(find(&r, "remote_area")->outcome, RULE_OUTCOME_PASS);
    order_input_free(&o);
    rules_result_free(&r);
    ruleset_free(rs);

    /* Codes, as integers or strings, at any level. */
    rs = one_rule("remote_area", "{\"areas\": [650000, \"110105\"]}");
    order_input_t bj = order_bj();
    rule_eval_t one = run_one(rs, &bj, NULL);
    assert_int_equal(one.outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(&one, "matched"), "110105");
    assert_string_equal(text_value(&one, "level"), "district");
    assert_string_equal(text_value(&one, "division"), "朝阳区");
    bj.address.district_code = 110108;
    bj.address.district_name = "海淀区";
    assert_int_equal(run_one(rs, &bj, NULL).outcome, RULE_OUTCOME_PASS);
    bj.address.province_code = 650000;
    assert_int_equal(run_one(rs, &bj, NULL).outcome, RULE_OUTCOME_HIT);
    ruleset_free(rs);
}

/* ---- velocity ------------------------------------------------------------------------ */

static void velocity_needs_are_distinct_and_enabled_only(void **state) {
    (void)state;
    ruleset_t *rs = ruleset_default();
    rules_velocity_count_t needs[RULES_MAX];
    assert_int_equal(rules_velocity_needs(rs, needs, RULES_MAX), 3);
    bool seen[RULES_KEY__COUNT] = {false};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(needs[i].window_seconds, 600);
        assert_int_equal(needs[i].others, RULES_COUNT_UNKNOWN);
        seen[needs[i].key] = true;
    }
    assert_true(seen[RULES_KEY_PHONE] && seen[RULES_KEY_ADDRESS] && seen[RULES_KEY_IP]);
    /* Reports the full number even when out has no room. */
    assert_int_equal(rules_velocity_needs(rs, needs, 1), 3);
    ruleset_free(rs);

    rs = load("{\"rules\": ["
              "{\"id\": \"a\", \"enabled\": true, \"type\": \"velocity\", \"reason\": \"v\","
              " \"params\": {\"key\": \"phone\", \"threshold\": 5, \"window_seconds\": 600}},"
              "{\"id\": \"b\", \"enabled\": true, \"type\": \"velocity\", \"reason\": \"v\","
              " \"params\": {\"key\": \"phone\", \"threshold\": 20, \"window_seconds\": 600}},"
              "{\"id\": \"c\", \"enabled\": true, \"type\": \"velocity\", \"reason\": \"v\","
              " \"params\": {\"key\": \"phone\", \"threshold\": 20, \"window_seconds\": 86400}},"
              "{\"id\": \"d\", \"enabled\": false, \"type\": \"velocity\", \"reason\": \"v\","
              " \"params\": {\"key\": \"ip\", \"threshold\": 3, \"window_seconds\": 60}}]}");
    assert_int_equal(rules_velocity_needs(rs, needs, RULES_MAX), 2);
    assert_int_equal(needs[0].key, RULES_KEY_PHONE);
    assert_int_equal(needs[0].window_seconds, 600);
    assert_int_equal(needs[1].key, RULES_KEY_PHONE);
    assert_int_equal(needs[1].window_seconds, 86400);
    ruleset_free(rs);
}

static void velocity_bounds_cover_every_velocity_rule(void **state) {
    (void)state;
    int64_t cap = 0, window = 0;
    ruleset_t *rs = one_rule("remark", NULL);
    rules_velocity_bounds(rs, &cap, &window);
    assert_int_equal(cap, 1);
    assert_int_equal(window, 0);
    ruleset_free(rs);

    rs = load("{\"rules\": ["
              "{\"id\": \"a\", \"enabled\": true, \"type\": \"velocity\", \"reason\": \"v\","
              " \"params\": {\"key\": \"phone\", \"threshold\": 5, \"window_seconds\": 86400}},"
              "{\"id\": \"b\", \"enabled\": false, \"type\": \"velocity\", \"reason\": \"v\","
              " \"params\": {\"key\": \"ip\", \"threshold\": 30, \"window_seconds\": 60}},"
              "{\"id\": \"c\", \"enabled\": true, \"type\": \"high_value\", \"reason\": \"h\","
              " \"params\": {\"threshold_fen\": 9000000}}]}");
    rules_velocity_bounds(rs, &cap, &window);
    assert_int_equal(cap, 31);
    assert_int_equal(window, 86400);
    ruleset_free(rs);
}

static void velocity_hits_at_the_threshold_counting_this_order(void **state) {
    (void)state;
    ruleset_t *rs = one_rule("velocity", "{\"key\": \"ip\", \"threshold\": 5, "
                                         "\"window_seconds\": 600}");
    order_input_t o = order_bj();
    rules_velocity_count_t counts[RULES_MAX];
    int n = rules_velocity_needs(rs, counts, RULES_MAX);
    assert_int_equal(n, 1);
    rules_context_t ctx = {.velocity = counts, .n_velocity = n};

    counts[0].others = 3; /* four orders with this one */
    assert_int_equal(run_one(rs, &o, &ctx).outcome, RULE_OUTCOME_PASS);
    counts[0].others = 4;
    rule_eval_t ev = run_one(rs, &o, &ctx);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(&ev, "key"), "ip");
    assert_int_equal(int_value(&ev, "orders"), 5);
    assert_int_equal(int_value(&ev, "threshold"), 5);
    assert_int_equal(int_value(&ev, "window_seconds"), 600);

    /* A count for another window does not stand in for this one. */
    counts[0].window_seconds = 3600;
    assert_int_equal(run_one(rs, &o, &ctx).outcome, RULE_OUTCOME_SKIPPED);
    counts[0].window_seconds = 600;
    counts[0].others = RULES_COUNT_UNKNOWN;
    assert_int_equal(run_one(rs, &o, &ctx).outcome, RULE_OUTCOME_SKIPPED);

    counts[0].others = 10;
    o.client_ip = NULL;
    ev = run_one(rs, &o, &ctx);
    assert_int_equal(ev.outcome, RULE_OUTCOME_SKIPPED);
    assert_non_null(strstr(ev.skipped_because, "client_ip"));
    ruleset_free(rs);
}

static void address_and_order_keys(void **state) {
    (void)state;
    char a[RULES_ADDRESS_KEY_MAX], b[RULES_ADDRESS_KEY_MAX];
    order_input_t o = order_bj();
    assert_int_equal(rules_address_key(&o.address, a, sizeof a),
                     (int)strlen("110000/110100/110105/大望路甲18号1单元"));
    assert_string_equal(a, "110000/110100/110105/大望路甲18号1单元");

    o.address.detail = "大望路甲１８号 1单元";
    assert_true(rules_address_key(&o.address, b, sizeof b) > 0);
    assert_string_equal(a, b);
    o.address.detail = "大望路甲18号，1单元。";
    assert_true(rules_address_key(&o.address, b, sizeof b) > 0);
    assert_string_equal(a, b);
    o.address.detail = "建国路88号　SOHO现代城Ａ座（1501）";
    assert_true(rules_address_key(&o.address, b, sizeof b) > 0);
    assert_string_equal(b, "110000/110100/110105/建国路88号soho现代城a座1501");
    o.address.district_code = 110108;
    assert_true(rules_address_key(&o.address, b, sizeof b) > 0);
    assert_string_equal(b, "110000/110100/110108/建国路88号soho现代城a座1501");
    assert_int_equal(rules_address_key(&o.address, b, 20), -1);

    o = order_bj();
    assert_true(rules_order_key(&o, RULES_KEY_PHONE, b, sizeof b));
    assert_string_equal(b, "13800138000");
    assert_true(rules_order_key(&o, RULES_KEY_ADDRESS, b, sizeof b));
    assert_string_equal(b, a);
    o.client_ip = "::ffff:203.0.113.7";
    assert_true(rules_order_key(&o, RULES_KEY_IP, b, sizeof b));
    assert_string_equal(b, "203.0.113.7");
    o.client_ip = "2001:DB8:0:0::1";
    assert_true(rules_order_key(&o, RULES_KEY_IP, b, sizeof b));
    assert_string_equal(b, "2001:db8::1");
    o.client_ip = NULL;
    assert_false(rules_order_key(&o, RULES_KEY_IP, b, sizeof b));
}

/* ---- high_value ------------------------------------------------------------------------ */

static void high_value_with_a_lower_first_order_threshold(void **state) {
    (void)state;
    ruleset_t *rs = ruleset_default();
    order_input_t o = order_bj();
    rules_context_t ctx = {.payment_verified = true, .velocity = COUNTS_ZERO, .n_velocity = 3};
    rules_result_t r = {0};

    o.total_fen = 500000; /* not above */
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_int_equal(find(&r, "high_value")->outcome, RULE_OUTCOME_PASS);
    o.total_fen = 500001;
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    const rule_eval_t *ev = find(&r, "high_value");
    assert_int_equal(ev->outcome, RULE_OUTCOME_HIT);
    assert_int_equal(int_value(ev, "total_fen"), 500001);
    assert_int_equal(int_value(ev, "threshold_fen"), 500000);
    assert_int_equal(int_value(ev, "first_order"), 0);

    o.total_fen = 200001;
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_int_equal(find(&r, "high_value")->outcome, RULE_OUTCOME_PASS);
    ctx.first_order = true;
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    ev = find(&r, "high_value");
    assert_int_equal(ev->outcome, RULE_OUTCOME_HIT);
    assert_int_equal(int_value(ev, "threshold_fen"), 200000);
    assert_int_equal(int_value(ev, "first_order"), 1);
    o.total_fen = 200000;
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_int_equal(find(&r, "high_value")->outcome, RULE_OUTCOME_PASS);
    rules_result_free(&r);
    ruleset_free(rs);

    /* Without a first-order threshold a first order gets the normal one. */
    rs = one_rule("high_value", "{\"threshold_fen\": 100000}");
    o.total_fen = 100001;
    assert_int_equal(run_one(rs, &o, &ctx).outcome, RULE_OUTCOME_HIT);
    o.total_fen = 99999;
    assert_int_equal(run_one(rs, &o, &ctx).outcome, RULE_OUTCOME_PASS);
    ruleset_free(rs);
}

/* ---- remark ---------------------------------------------------------------------------- */

static void remark_hits_when_non_blank(void **state) {
    (void)state;
    ruleset_t *rs = one_rule("remark", NULL);
    order_input_t o = order_bj();
    o.remark = NULL;
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    o.remark = "";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    o.remark = " \t\r\n\xE3\x80\x80 "; /* ASCII and ideographic spaces */
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);

    o.remark = "\xE3\x80\x80 请周末送货 \n";
    rule_eval_t ev = run_one(rs, &o, NULL);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(&ev, "remark"), "请周末送货");
    assert_int_equal(int_value(&ev, "remark_chars"), 5);

    /* A long remark is cut at a character boundary, marked with "…". */
    char longer[ORDO_REMARK_MAX + 1] = "";
    for (int i = 0; i < 300; i++)
        strcat(longer, "生");
    o.remark = longer;
    ev = run_one(rs, &o, NULL);
    const char *shown = text_value(&ev, "remark");
    size_t len = strlen(shown);
    assert_true(len < RULES_VALUE_TEXT_MAX);
    assert_string_equal(shown + len - 3, "…");
    assert_int_equal((len - 3) % 3, 0); /* whole characters before the ellipsis */
    assert_int_equal(int_value(&ev, "remark_chars"), 300);
    ruleset_free(rs);
}

/* ---- blocklist ------------------------------------------------------------------------ */

static void blocklist_phones_addresses_and_ips(void **state) {
    (void)state;
    ruleset_t *rs = one_rule(
        "blocklist", "{\"phones\": [\"13900139000\", \"13800138000\"],"
                     " \"addresses\": [\"110000/110100/110105/大望路甲１８号 1单元\"],"
                     " \"ips\": [\"198.51.100.9\", \"203.0.113.0/24\", \"2001:db8::/32\"]}");
    order_input_t o = order_bj();
    rule_eval_t ev = run_one(rs, &o, NULL);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(&ev, "phone"), "13800138000");
    assert_string_equal(text_value(&ev, "address"), "110000/110100/110105/大望路甲18号1单元");
    assert_string_equal(text_value(&ev, "ip"), "203.0.113.7");
    assert_string_equal(text_value(&ev, "ip_entry"), "203.0.113.0/24");

    snprintf(o.phone_normalized, sizeof o.phone_normalized, "13700137000");
    o.address.detail = "大望路甲18号2单元";
    o.client_ip = "203.0.114.7";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);

    o.client_ip = "198.51.100.9";
    ev = run_one(rs, &o, NULL);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(&ev, "ip_entry"), "198.51.100.9");
    assert_null(value(&ev, "phone"));
    o.client_ip = "198.51.100.10";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    o.client_ip = "::ffff:203.0.113.200"; /* IPv4-mapped: the IPv4 block applies */
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_HIT);
    o.client_ip = "2001:db8:1::5";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_HIT);
    o.client_ip = "2001:db9::5";
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    ruleset_free(rs);

    /* Nested blocks: the most specific entry is the one reported. */
    rs = one_rule("blocklist", "{\"ips\": [\"10.0.0.0/8\", \"10.1.0.0/16\", \"10.1.2.3\","
                               " \"0.0.0.0/0\"]}");
    o = order_bj();
    static const char *const nested[][2] = {{"10.1.2.3", "10.1.2.3"},
                                            {"10.1.200.3", "10.1.0.0/16"},
                                            {"10.2.0.1", "10.0.0.0/8"},
                                            {"192.0.2.1", "0.0.0.0/0"}};
    for (size_t i = 0; i < sizeof nested / sizeof nested[0]; i++) {
        o.client_ip = nested[i][0];
        ev = run_one(rs, &o, NULL);
        assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
        assert_string_equal(text_value(&ev, "ip_entry"), nested[i][1]);
    }
    o.client_ip = "2001:db8::1"; /* an IPv6 address is not inside the IPv4 /0 */
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    ruleset_free(rs);

    rs = one_rule("blocklist", NULL); /* empty lists */
    o = order_bj();
    assert_int_equal(run_one(rs, &o, NULL).outcome, RULE_OUTCOME_PASS);
    ruleset_free(rs);
}

/* ---- payment_unverified and stock_short ------------------------------------------------- */

static void payment_and_stock_follow_the_context(void **state) {
    (void)state;
    ruleset_t *pay = one_rule("payment_unverified", NULL);
    ruleset_t *stock = one_rule("stock_short", NULL);
    order_input_t o = order_bj();
    rules_context_t ctx = {.payment_verified = true};

    assert_int_equal(run_one(pay, &o, &ctx).outcome, RULE_OUTCOME_PASS);
    assert_int_equal(run_one(pay, &o, NULL).outcome, RULE_OUTCOME_HIT); /* unknown = unverified */
    o.payment_status = PAYMENT_PENDING;
    rule_eval_t ev = run_one(pay, &o, &ctx);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
    assert_string_equal(text_value(&ev, "payment_status"), "pending");

    assert_int_equal(run_one(stock, &o, &ctx).outcome, RULE_OUTCOME_PASS);
    ctx.stock_short = true;
    ev = run_one(stock, &o, &ctx);
    assert_int_equal(ev.outcome, RULE_OUTCOME_HIT);
    assert_int_equal(int_value(&ev, "stock_short"), 1);
    ruleset_free(pay);
    ruleset_free(stock);
}

/* ---- enabled flag, validation, round trip, result JSON -------------------------------- */

static void disabled_rules_do_not_run(void **state) {
    (void)state;
    ruleset_t *def = ruleset_default();
    json_t *doc = ruleset_to_json(def);
    ruleset_free(def);
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(doc, "rules"), i, rule) {
        json_object_set_new(rule, "enabled", json_false());
    }
    field_errors_t errs = {0};
    ruleset_t *rs = ruleset_from_json(doc, &errs);
    json_decref(doc);
    assert_non_null(rs);

    rules_velocity_count_t needs[RULES_MAX];
    assert_int_equal(rules_velocity_needs(rs, needs, RULES_MAX), 0);

    /* Everything that would hit: tiny remote address, pending payment, short stock... */
    order_input_t o = order_bj();
    o.address.detail = "18号";
    o.address.province_code = 540000;
    o.total_fen = 99999999;
    o.payment_status = PAYMENT_PENDING;
    rules_velocity_count_t many[] = {
        {RULES_KEY_PHONE, 600, 100}, {RULES_KEY_ADDRESS, 600, 100}, {RULES_KEY_IP, 600, 100}};
    rules_context_t ctx = {.stock_short = true, .velocity = many, .n_velocity = 3};
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_int_equal(r.n, 10);
    assert_int_equal(r.n_hits, 0);
    assert_true(rules_result_passed(&r));
    for (int k = 0; k < r.n; k++) {
        assert_int_equal(r.rules[k].outcome, RULE_OUTCOME_DISABLED);
        assert_int_equal(r.rules[k].n_values, 0);
    }
    rules_result_free(&r);
    ruleset_free(rs);
}

static int count_errors(const field_errors_t *errs, const char *field, const char *code) {
    int n = 0;
    for (int i = 0; i < errs->count; i++)
        n += strcmp(errs->items[i].field, field) == 0 && strcmp(errs->items[i].code, code) == 0;
    return n;
}

static void expect_error(const field_errors_t *errs, const char *field, const char *code) {
    if (count_errors(errs, field, code) == 1)
        return;
    for (int i = 0; i < errs->count; i++)
        print_message("  %s %s: %s\n", errs->items[i].field, errs->items[i].code,
                      errs->items[i].message);
    fail_msg("expected one %s error on %s", code, field);
}

static void a_bad_rule_set_is_refused_whole_with_every_problem(void **state) {
    (void)state;
    json_t *doc = parse_json(
        "{\"rules\": ["
        /* 0: fine */
        "{\"id\": \"remark\", \"enabled\": true, \"type\": \"remark\", \"reason\": \"r\"},"
        /* 1: duplicate id */
        "{\"id\": \"remark\", \"enabled\": true, \"type\": \"stock_short\", \"reason\": \"s\"},"
        /* 2: unknown type */
        "{\"id\": \"fraud\", \"enabled\": true, \"type\": \"fraud_score\", \"reason\": \"f\"},"
        /* 3: threshold as a string, a misspelt param, enabled as a string */
        "{\"id\": \"v\", \"enabled\": \"yes\", \"type\": \"velocity\", \"reason\": \"v\","
        " \"params\": {\"key\": \"email\", \"threshold\": \"5\", \"window_seconds\": 600,"
        " \"treshold\": 5}},"
        /* 4: negative thresholds, first-order above the normal one */
        "{\"id\": \"hv\", \"enabled\": true, \"type\": \"high_value\", \"reason\": \"hv\","
        " \"params\": {\"threshold_fen\": -1, \"first_order_threshold_fen\": -5}},"
        "{\"id\": \"hv2\", \"enabled\": true, \"type\": \"high_value\", \"reason\": \"hv\","
        " \"params\": {\"threshold_fen\": 1000, \"first_order_threshold_fen\": 2000}},"
        /* 6: bad CIDRs, a bad phone, a bad address key, a number among strings */
        "{\"id\": \"bl\", \"enabled\": true, \"type\": \"blocklist\", \"reason\": \"b\","
        " \"params\": {\"ips\": [\"203.0.113.0/33\", \"203.0.113.5/24\", \"300.1.1.1\","
        " \"10.0.0.0/8\"], \"phones\": [\"138-0013-8000\", 13800138000],"
        " \"addresses\": [\"北京市朝阳区大望路\"]}},"
        /* 7: bad id and reason, missing enabled */
        "{\"id\": \"Bad Id\", \"type\": \"remark\", \"reason\": \"\"},"
        /* 8: remote areas: a 5-digit code, an empty name, a boolean; missing params */
        "{\"id\": \"ra\", \"enabled\": true, \"type\": \"remote_area\", \"reason\": \"ra\","
        " \"params\": {\"areas\": [54000, \"\", true, \"西藏自治区\"]}},"
        "{\"id\": \"ra2\", \"enabled\": true, \"type\": \"remote_area\", \"reason\": \"ra\"},"
        /* 10: address params of the wrong types */
        "{\"id\": \"ap\", \"enabled\": true, \"type\": \"address_precision\", \"reason\": \"a\","
        " \"params\": {\"min_detail_chars\": 6.5, \"unit_markers\": \"栋\","
        " \"house_markers\": [\"\", \"1号\"]}},"
        /* 11: not an object */
        "42"
        "], \"version\": 2}");
    field_errors_t errs = {0};
    ruleset_t *rs = ruleset_from_json(doc, &errs);
    json_decref(doc);
    assert_null(rs);

    expect_error(&errs, "version", "unknown_field");
    expect_error(&errs, "rules[1].id", "duplicate_id");
    expect_error(&errs, "rules[2].type", "unknown_type");
    expect_error(&errs, "rules[3].enabled", "wrong_type");
    expect_error(&errs, "rules[3].params.key", "invalid_value");
    expect_error(&errs, "rules[3].params.threshold", "wrong_type");
    expect_error(&errs, "rules[3].params.treshold", "unknown_field");
    expect_error(&errs, "rules[4].params.threshold_fen", "out_of_range");
    expect_error(&errs, "rules[4].params.first_order_threshold_fen", "out_of_range");
    expect_error(&errs, "rules[5].params.first_order_threshold_fen", "out_of_range");
    expect_error(&errs, "rules[6].params.ips[0]", "invalid_cidr");
    expect_error(&errs, "rules[6].params.ips[1]", "invalid_cidr");
    expect_error(&errs, "rules[6].params.ips[2]", "invalid_ip");
    expect_error(&errs, "rules[6].params.phones[0]", "invalid_phone");
    expect_error(&errs, "rules[6].params.phones[1]", "wrong_type");
    expect_error(&errs, "rules[6].params.addresses[0]", "invalid_address_key");
    expect_error(&errs, "rules[7].id", "invalid_value");
    expect_error(&errs, "rules[7].reason", "invalid_value");
    expect_error(&errs, "rules[7].enabled", "required");
    expect_error(&errs, "rules[8].params.areas[0]", "out_of_range");
    expect_error(&errs, "rules[8].params.areas[1]", "invalid_value");
    expect_error(&errs, "rules[8].params.areas[2]", "wrong_type");
    expect_error(&errs, "rules[9].params.areas", "required");
    expect_error(&errs, "rules[10].params.min_detail_chars", "wrong_type");
    expect_error(&errs, "rules[10].params.unit_markers", "wrong_type");
    expect_error(&errs, "rules[10].params.house_markers[0]", "invalid_value");
    expect_error(&errs, "rules[10].params.house_markers[1]", "invalid_value");
    expect_error(&errs, "rules[11]", "wrong_type");
    assert_int_equal(errs.count, 28); /* and nothing else */
    assert_int_equal(errs.dropped, 0);

    /* The bad CIDR with host bits names the block it probably meant. */
    for (int i = 0; i < errs.count; i++)
        if (strcmp(errs.items[i].field, "rules[6].params.ips[1]") == 0)
            assert_non_null(strstr(errs.items[i].message, "203.0.113.0/24"));
}

static void rule_set_shape_errors(void **state) {
    (void)state;
    field_errors_t errs = {0};
    json_t *doc = parse_json("[]");
    assert_null(ruleset_from_json(doc, &errs));
    json_decref(doc);
    expect_error(&errs, "rules", "wrong_type");

    errs = (field_errors_t){0};
    doc = parse_json("{}");
    assert_null(ruleset_from_json(doc, &errs));
    json_decref(doc);
    expect_error(&errs, "rules", "required");

    /* Errors without a list to put them in still refuse the set. */
    doc = parse_json("{\"rules\": [{\"id\": \"x\"}]}");
    assert_null(ruleset_from_json(doc, NULL));
    json_decref(doc);

    /* An empty set is valid: nothing ever holds an order. */
    doc = parse_json("{\"rules\": []}");
    ruleset_t *rs = ruleset_from_json(doc, &errs);
    json_decref(doc);
    assert_non_null(rs);
    order_input_t o = order_bj();
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, &o, NULL, &r));
    assert_int_equal(r.n, 0);
    assert_true(rules_result_passed(&r));
    rules_result_free(&r);
    ruleset_free(rs);
}

static void json_round_trip(void **state) {
    (void)state;
    /* Every type, every param written explicitly, codes in both spellings, a disabled rule. */
    static const char FULL[] =
        "{\"rules\": ["
        "{\"id\": \"addr\", \"enabled\": true, \"type\": \"address_precision\","
        " \"reason\": \"address_imprecise\", \"params\": {\"min_detail_chars\": 8,"
        " \"house_markers\": [\"号\"], \"unit_markers\": [\"栋\", \"单元\", \"室\"],"
        " \"room_min_digits\": 4}},"
        "{\"id\": \"far\", \"enabled\": false, \"type\": \"remote_area\", \"reason\": \"remote\","
        " \"params\": {\"areas\": [540000, \"460300\", \"新疆维吾尔自治区\"]}},"
        "{\"id\": \"vel-ip\", \"enabled\": true, \"type\": \"velocity\", \"reason\": \"velocity\","
        " \"params\": {\"key\": \"ip\", \"threshold\": 20, \"window_seconds\": 3600}},"
        "{\"id\": \"big\", \"enabled\": true, \"type\": \"high_value\", \"reason\": \"big\","
        " \"params\": {\"threshold_fen\": 1000000}},"
        "{\"id\": \"note\", \"enabled\": true, \"type\": \"remark\", \"reason\": \"remark\","
        " \"params\": {}},"
        "{\"id\": \"bl\", \"enabled\": true, \"type\": \"blocklist\", \"reason\": \"bl\","
        " \"params\": {\"phones\": [\"13900139000\", \"13800138000\"],"
        " \"addresses\": [\"110000/110100/110105/大望路甲18号1单元\"],"
        " \"ips\": [\"203.0.113.0/24\", \"2001:db8::1\"]}},"
        "{\"id\": \"pay\", \"enabled\": true, \"type\": \"payment_unverified\","
        " \"reason\": \"pay\", \"params\": {}},"
        "{\"id\": \"stock\", \"enabled\": true, \"type\": \"stock_short\", \"reason\": \"stock\","
        " \"params\": {}}]}";
    json_t *in = parse_json(FULL);
    field_errors_t errs = {0};
    ruleset_t *rs = ruleset_from_json(in, &errs);
    assert_non_null(rs);
    json_t *out = ruleset_to_json(rs);
    assert_non_null(out);
    if (!json_equal(in, out)) {
        char *text = json_dumps(out, JSON_SORT_KEYS);
        fail_msg("round trip differs: %s", text);
    }
    json_decref(in);
    json_decref(out);
    ruleset_free(rs);

    /* The default set: defaults written out, then read back to the same document. */
    rs = ruleset_default();
    json_t *first = ruleset_to_json(rs);
    ruleset_free(rs);
    json_t *addr = json_object_get(
        json_object_get(json_array_get(json_object_get(first, "rules"), 0), "params"),
        "unit_markers");
    assert_true(json_array_size(addr) >= 8);
    rs = ruleset_from_json(first, &errs);
    assert_non_null(rs);
    json_t *second = ruleset_to_json(rs);
    assert_true(json_equal(first, second));
    json_decref(first);
    json_decref(second);
    ruleset_free(rs);
}

static void result_json_lists_reasons_and_values(void **state) {
    (void)state;
    ruleset_t *rs = ruleset_default();
    order_input_t o = order_bj();
    o.address.detail = "人民路100号";
    rules_velocity_count_t counts[] = {{RULES_KEY_PHONE, 600, 9}, {RULES_KEY_ADDRESS, 600, 0}};
    rules_context_t ctx = {.payment_verified = true, .velocity = counts, .n_velocity = 2};
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    json_t *j = rules_result_to_json(&r);
    assert_non_null(j);
    assert_true(json_is_false(json_object_get(j, "passed")));

    json_t *reasons = json_object_get(j, "reasons");
    assert_int_equal(json_array_size(reasons), 3);
    assert_string_equal(json_string_value(json_array_get(reasons, 0)), "address_imprecise");
    assert_string_equal(json_string_value(json_array_get(reasons, 1)), "velocity_phone");
    assert_string_equal(json_string_value(json_array_get(reasons, 2)), "buyer_remark");

    json_t *rules = json_object_get(j, "rules");
    assert_int_equal(json_array_size(rules), 10);
    json_t *addr = json_array_get(rules, 0);
    assert_string_equal(json_string_value(json_object_get(addr, "rule_id")), "address_precision");
    assert_string_equal(json_string_value(json_object_get(addr, "outcome")), "hit");
    json_t *values = json_object_get(addr, "values");
    assert_string_equal(json_string_value(json_object_get(values, "house_number")), "100号");
    assert_string_equal(json_string_value(json_object_get(values, "detail")), "人民路100号");
    assert_non_null(json_string_value(json_object_get(addr, "message")));
    json_t *vel = json_array_get(rules, 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(vel, "values"), "orders")),
                     10);
    json_t *ip = json_array_get(rules, 4);
    assert_string_equal(json_string_value(json_object_get(ip, "outcome")), "skipped");
    assert_non_null(json_string_value(json_object_get(ip, "skipped_because")));
    assert_null(json_object_get(ip, "values"));
    json_t *stock = json_array_get(rules, 9);
    assert_string_equal(json_string_value(json_object_get(stock, "outcome")), "pass");
    assert_null(json_object_get(stock, "message"));
    json_decref(j);
    rules_result_free(&r);
    ruleset_free(rs);
}

/* An all-passed evaluation is stored short and shown in full: the view of the short form, and
 * the shared head with its order's own tail, both read exactly like the full text. */
static void an_all_passed_result_is_stored_short_and_shown_in_full(void **state) {
    (void)state;
    ruleset_t *rs = ruleset_default();
    order_input_t o = order_bj();
    o.remark = NULL;
    rules_context_t ctx = {.payment_verified = true, .velocity = COUNTS_ZERO, .n_velocity = 3};
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_true(rules_result_all_passed(&r));

    char *full_text = rules_result_text(&r, 1794326401000LL, 7, NULL);
    json_t *full = json_loads(full_text, 0, NULL);
    assert_non_null(full);
    char *short_text = rules_passed_text(&r);
    assert_true(strlen(short_text) * 2 < strlen(full_text));
    json_t *view = rules_evaluation_view(json_loads(short_text, 0, NULL));
    assert_null(json_object_get(view, "passed_rules"));
    char at[40];
    json_object_set_new(view, "evaluated_at",
                        json_string(rfc3339_format(1794326401000LL, at, sizeof at)));
    json_object_set_new(view, "ruleset_version", json_integer(7));
    assert_true(json_equal(view, full));

    char *head = rules_result_head_text(&r), *joined = NULL;
    assert_true(asprintf(&joined, "%s,\"evaluated_at\":\"%s\",\"ruleset_version\":7}", head, at) >
                0);
    json_t *from_head = json_loads(joined, 0, NULL);
    assert_true(json_equal(from_head, full));

    /* A full document is shown as it is; a skipped rule is not a pass. */
    json_t *again = rules_evaluation_view(json_incref(full));
    assert_ptr_equal(again, full);
    json_decref(again);
    o.client_ip = NULL;
    assert_true(rules_evaluate(rs, &o, &ctx, &r));
    assert_true(rules_result_passed(&r));
    assert_false(rules_result_all_passed(&r));

    json_decref(from_head);
    json_decref(view);
    json_decref(full);
    free(joined);
    free(head);
    free(short_text);
    free(full_text);
    rules_result_free(&r);
    ruleset_free(rs);
}

static void a_reused_result_keeps_its_storage(void **state) {
    (void)state;
    ruleset_t *rs = ruleset_default();
    order_input_t o = order_bj();
    rules_result_t r = {0};
    assert_true(rules_evaluate(rs, &o, NULL, &r));
    rule_eval_t *storage = r.rules;
    int hits = r.n_hits;
    for (int i = 0; i < 100; i++)
        assert_true(rules_evaluate(rs, &o, NULL, &r));
    assert_ptr_equal(r.rules, storage);
    assert_int_equal(r.n_hits, hits);
    rules_result_free(&r);
    assert_null(r.rules);
    rules_result_free(&r); /* twice is harmless */
    ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_set_on_canonical_order_hits_only_the_remark),
        cmocka_unit_test(velocity_rules_without_counts_are_skipped_not_passed),
        cmocka_unit_test(address_precision_on_realistic_details),
        cmocka_unit_test(address_length_counts_characters_not_bytes),
        cmocka_unit_test(address_markers_come_from_params),
        cmocka_unit_test(remote_area_by_name_and_code),
        cmocka_unit_test(velocity_needs_are_distinct_and_enabled_only),
        cmocka_unit_test(velocity_bounds_cover_every_velocity_rule),
        cmocka_unit_test(velocity_hits_at_the_threshold_counting_this_order),
        cmocka_unit_test(address_and_order_keys),
        cmocka_unit_test(high_value_with_a_lower_first_order_threshold),
        cmocka_unit_test(remark_hits_when_non_blank),
        cmocka_unit_test(blocklist_phones_addresses_and_ips),
        cmocka_unit_test(payment_and_stock_follow_the_context),
        cmocka_unit_test(disabled_rules_do_not_run),
        cmocka_unit_test(a_bad_rule_set_is_refused_whole_with_every_problem),
        cmocka_unit_test(rule_set_shape_errors),
        cmocka_unit_test(json_round_trip),
        cmocka_unit_test(result_json_lists_reasons_and_values),
        cmocka_unit_test(a_reused_result_keeps_its_storage),
        cmocka_unit_test(an_all_passed_result_is_stored_short_and_shown_in_full),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
