#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/tracking_milestone.h"
#include "svc/tracking.h"

/* Texts as Chinese carriers write them, through Kuaidi100 and their own APIs. */
static void texts_map_to_milestones(void **state) {
    (void)state;
    static const struct {
        const char *text;
        milestone_t want;
    } cases[] = {
        {"【上海市浦东新区】顺丰速运 已收取快件", MILESTONE_COLLECTED},
        {"【上海市】圆通速递 已揽收", MILESTONE_COLLECTED},
        {"您的快件已由【上海浦东营业点】揽件", MILESTONE_COLLECTED},
        {"快件到达【北京顺义集散中心】", MILESTONE_IN_TRANSIT},
        {"快件已从【杭州转运中心】发出，准备发往【北京转运中心】", MILESTONE_IN_TRANSIT},
        {"到达派件城市", MILESTONE_IN_TRANSIT},
        {"【北京市朝阳区】快递员 李师傅 正在派件，请保持电话畅通", MILESTONE_OUT_FOR_DELIVERY},
        {"派送中，请准备签收", MILESTONE_OUT_FOR_DELIVERY},
        {"包裹待配送", MILESTONE_OUT_FOR_DELIVERY},
        {"您的快件已放入【丰巢】快递柜，请及时取件", MILESTONE_OUT_FOR_DELIVERY},
        {"已签收，签收人是：本人签收", MILESTONE_DELIVERED},
        {"快件已妥投", MILESTONE_DELIVERED},
        {"您的快件已由【菜鸟驿站】代收，已取件", MILESTONE_DELIVERED},
        {"收件地址不详，快递员无法联系收件人", MILESTONE_PROBLEM},
        {"疑难件：外包装破损", MILESTONE_PROBLEM},
        {"收件人拒收", MILESTONE_PROBLEM},
        {"收件人拒收，快件退回寄件人", MILESTONE_RETURNED},
        {"快件已退签", MILESTONE_RETURNED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        milestone_t got = milestone_of_text(cases[i].text);
        if (got != cases[i].want)
            fail_msg("%s: %s, want %s", cases[i].text, milestone_name(got),
                     milestone_name(cases[i].want));
    }
    assert_int_equal(milestone_of_text(NULL), MILESTONE_IN_TRANSIT);
    assert_int_equal(milestone_of_text(""), MILESTONE_IN_TRANSIT);
}

static void kuaidi100_states(void **state) {
    (void)state;
    assert_int_equal(milestone_of_kuaidi100_state("0"), MILESTONE_IN_TRANSIT);
    assert_int_equal(milestone_of_kuaidi100_state("1"), MILESTONE_COLLECTED);
    assert_int_equal(milestone_of_kuaidi100_state("2"), MILESTONE_PROBLEM);
    assert_int_equal(milestone_of_kuaidi100_state("3"), MILESTONE_DELIVERED);
    assert_int_equal(milestone_of_kuaidi100_state("4"), MILESTONE_RETURNED);
    assert_int_equal(milestone_of_kuaidi100_state("5"), MILESTONE_OUT_FOR_DELIVERY);
    assert_int_equal(milestone_of_kuaidi100_state("6"), MILESTONE_RETURNED);
    assert_int_equal(milestone_of_kuaidi100_state("14"), MILESTONE_PROBLEM);
    /* The advanced codes, by family. */
    assert_int_equal(milestone_of_kuaidi100_state("103"), MILESTONE_COLLECTED);
    assert_int_equal(milestone_of_kuaidi100_state("1002"), MILESTONE_IN_TRANSIT);
    assert_int_equal(milestone_of_kuaidi100_state("501"), MILESTONE_OUT_FOR_DELIVERY);
    assert_int_equal(milestone_of_kuaidi100_state("301"), MILESTONE_DELIVERED);
    assert_int_equal(milestone_of_kuaidi100_state("201"), MILESTONE_PROBLEM);
    /* Ordered, awaiting pickup, unknown or malformed: says nothing. */
    assert_int_equal(milestone_of_kuaidi100_state("101"), -1);
    assert_int_equal(milestone_of_kuaidi100_state("102"), -1);
    assert_int_equal(milestone_of_kuaidi100_state("99"), -1);
    assert_int_equal(milestone_of_kuaidi100_state("3a"), -1);
    assert_int_equal(milestone_of_kuaidi100_state(""), -1);
    assert_int_equal(milestone_of_kuaidi100_state(NULL), -1);
}

static void names_round_trip(void **state) {
    (void)state;
    for (int m = 0; m < MILESTONE__COUNT; m++)
        assert_int_equal(milestone_from_name(milestone_name((milestone_t)m)), m);
    assert_int_equal(milestone_from_name("lost"), -1);
    assert_int_equal(milestone_from_name(NULL), -1);
    assert_true(milestone_is_final(MILESTONE_DELIVERED));
    assert_true(milestone_is_final(MILESTONE_RETURNED));
    assert_false(milestone_is_final(MILESTONE_PROBLEM));
}

/* MD5("abc") is RFC 1321's test vector: param "a" with salt "bc" signs the same. */
static void kuaidi100_signature(void **state) {
    (void)state;
    char sign[33];
    kuaidi100_sign("a", "bc", sign);
    assert_string_equal(sign, "900150983CD24FB0D6963F7D28E17F72");
    assert_true(kuaidi100_sign_ok("a", "bc", "900150983CD24FB0D6963F7D28E17F72"));
    assert_true(kuaidi100_sign_ok("a", "bc", "900150983cd24fb0d6963f7d28e17f72"));
    assert_false(kuaidi100_sign_ok("a", "bd", "900150983CD24FB0D6963F7D28E17F72"));
    assert_false(kuaidi100_sign_ok("ab", "bc", "900150983CD24FB0D6963F7D28E17F72"));
    assert_false(kuaidi100_sign_ok("a", "bc", "900150983CD24FB0D6963F7D28E17F7"));
    assert_false(kuaidi100_sign_ok("a", "bc", ""));
    assert_false(kuaidi100_sign_ok("a", "bc", NULL));
    /* UTF-8 text is signed as its bytes. */
    kuaidi100_sign("{\"nu\":\"快递\"}", "salt", sign);
    assert_int_equal(strlen(sign), 32);
    assert_true(kuaidi100_sign_ok("{\"nu\":\"快递\"}", "salt", sign));
}

/* China time without a zone, as Kuaidi100 writes it, or RFC 3339. */
static void event_times(void **state) {
    (void)state;
    int64_t a = 0, b = 0;
    assert_true(tracking_time_parse("2024-05-01 10:00:00", &a));
    assert_true(tracking_time_parse("2024-05-01T02:00:00Z", &b));
    assert_int_equal(a, b);
    assert_false(tracking_time_parse("2024-05-01", &a));
    assert_false(tracking_time_parse("2024-05-01 25:00:00", &a));
    assert_false(tracking_time_parse(NULL, &a));
}

/* Kuaidi100 lists the newest event first; lastResult.state speaks for the newest event only,
 * and an event's own statusCode outranks both the state and its words. */
static void push_events_parse(void **state) {
    (void)state;
    json_t *data = json_loads(
        "[{\"time\": \"2024-05-02 09:00:00\", \"context\": \"快件到达【北京转运中心】\"},"
        " {\"time\": \"2024-05-01 18:00:00\", \"context\": \"顺丰速运 已收取快件\"},"
        " {\"time\": \"2024-05-01 20:00:00\", \"context\": \"运输中\", \"statusCode\": \"5\"}]",
        0, NULL);
    assert_non_null(data);
    tracking_event_t ev[8];
    int n = 0;
    char err[200];
    assert_true(tracking_events_parse(data, "2", ev, 8, &n, err, sizeof err));
    assert_int_equal(n, 3);
    assert_int_equal(ev[0].milestone, MILESTONE_PROBLEM); /* the state, on the newest */
    assert_int_equal(ev[1].milestone, MILESTONE_COLLECTED);
    assert_int_equal(ev[2].milestone, MILESTONE_OUT_FOR_DELIVERY);
    assert_true(tracking_events_parse(data, NULL, ev, 8, &n, err, sizeof err));
    assert_int_equal(ev[0].milestone, MILESTONE_IN_TRANSIT);
    /* Too many, or a bad item, refuses the whole list naming the item. */
    assert_false(tracking_events_parse(data, NULL, ev, 2, &n, err, sizeof err));
    json_object_set_new(json_array_get(data, 1), "time", json_string("yesterday"));
    assert_false(tracking_events_parse(data, NULL, ev, 8, &n, err, sizeof err));
    assert_non_null(strstr(err, "events[1].time"));
    json_decref(data);
}

static void order_milestone_from_parcels(void **state) {
    (void)state;
    json_t *rows = json_loads("[{\"milestone\": \"delivered\"}, {\"milestone\": \"in_transit\"},"
                              " {\"milestone\": \"out_for_delivery\"}]",
                              0, NULL);
    assert_string_equal(tracking_order_milestone(rows), "in_transit");
    json_object_set_new(json_array_get(rows, 1), "milestone", json_string("problem"));
    assert_string_equal(tracking_order_milestone(rows), "problem");
    json_object_set_new(json_array_get(rows, 1), "milestone", json_string("delivered"));
    json_object_set_new(json_array_get(rows, 2), "milestone", json_string("delivered"));
    assert_string_equal(tracking_order_milestone(rows), "delivered");
    json_decref(rows);
    json_t *none = json_array();
    assert_null(tracking_order_milestone(none));
    json_decref(none);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(texts_map_to_milestones),
        cmocka_unit_test(kuaidi100_states),
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(kuaidi100_signature),
        cmocka_unit_test(event_times),
        cmocka_unit_test(push_events_parse),
        cmocka_unit_test(order_milestone_from_parcels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
