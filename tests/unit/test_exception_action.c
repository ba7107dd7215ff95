#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/exception_action.h"

static void names_round_trip(void **state) {
    (void)state;
    for (int a = 0; a < EXC_ACTION__COUNT; a++) {
        const char *name = exc_action_name((exc_action_t)a);
        assert_int_equal(exc_action_from_name(name), a);
        assert_non_null(strstr(EXC_ACTION_NAMES, name));
    }
    assert_int_equal(exc_action_from_name("assign"), -1); /* logged, never asked for */
    assert_int_equal(exc_action_from_name("Wait"), -1);
    assert_int_equal(exc_action_from_name(""), -1);
    assert_int_equal(exc_action_from_name(NULL), -1);
    assert_string_equal(exc_action_name(EXC_ACTION__COUNT), "unknown");
}

static void decisions_about_missing_stock_are_for_stock_short(void **state) {
    (void)state;
    const exc_action_t decisions[] = {EXC_ACTION_WAIT, EXC_ACTION_SWAP, EXC_ACTION_CANCEL,
                                      EXC_ACTION_SPLIT};
    for (size_t i = 0; i < sizeof decisions / sizeof decisions[0]; i++)
        assert_true(exc_action_is_decision(decisions[i]));
    assert_false(exc_action_is_decision(EXC_ACTION_CONTACT_BUYER));
    assert_false(exc_action_is_decision(EXC_ACTION_CONTACT_CARRIER));
    assert_false(exc_action_is_decision(EXC_ACTION_NOTE));

    assert_string_equal(exc_action_code(EXC_ACTION_WAIT), "stock_short");
    assert_string_equal(exc_action_code(EXC_ACTION_SWAP), "stock_short");
    assert_string_equal(exc_action_code(EXC_ACTION_SPLIT), "stock_short");
    /* Cancelling and refunding answers any exception; so does talking to people. */
    assert_null(exc_action_code(EXC_ACTION_CANCEL));
    assert_null(exc_action_code(EXC_ACTION_CONTACT_BUYER));
    assert_null(exc_action_code(EXC_ACTION_NOTE));
}

static void road_actions_are_for_any_logistics_code(void **state) {
    (void)state;
    const exc_action_t road[] = {EXC_ACTION_FILE_CLAIM, EXC_ACTION_CLAIM_SETTLED, EXC_ACTION_RESHIP,
                                 EXC_ACTION_REFUND};
    for (size_t i = 0; i < sizeof road / sizeof road[0]; i++) {
        assert_true(exc_action_applies(road[i], "logistics_lost"));
        assert_true(exc_action_applies(road[i], "logistics_stale"));
        assert_false(exc_action_applies(road[i], "logistics_"));
        assert_false(exc_action_applies(road[i], "stock_short"));
        assert_false(exc_action_applies(road[i], NULL));
    }
    assert_true(exc_action_is_decision(EXC_ACTION_RESHIP));
    assert_true(exc_action_is_decision(EXC_ACTION_REFUND));
    assert_false(exc_action_is_decision(EXC_ACTION_FILE_CLAIM));
    assert_false(exc_action_is_decision(EXC_ACTION_CLAIM_SETTLED));
    assert_true(exc_action_applies(EXC_ACTION_SWAP, "stock_short"));
    assert_false(exc_action_applies(EXC_ACTION_SWAP, "logistics_lost"));
    assert_true(exc_action_applies(EXC_ACTION_CONTACT_CARRIER, "logistics_lost"));
    assert_true(exc_action_takes(EXC_ACTION_FILE_CLAIM, "amount_claimed"));
    assert_false(exc_action_takes(EXC_ACTION_FILE_CLAIM, "amount_recovered"));
    assert_true(exc_action_takes(EXC_ACTION_CLAIM_SETTLED, "amount_recovered"));
    assert_true(exc_action_takes(EXC_ACTION_RESHIP, "items"));
    assert_true(exc_action_takes(EXC_ACTION_RESHIP, "parcel"));
    assert_false(exc_action_takes(EXC_ACTION_RESHIP, "amount"));
    assert_true(exc_action_takes(EXC_ACTION_REFUND, "amount"));
}

static void each_action_takes_its_own_members(void **state) {
    (void)state;
    for (int a = 0; a < EXC_ACTION__COUNT; a++) {
        assert_true(exc_action_takes((exc_action_t)a, "action"));
        assert_true(exc_action_takes((exc_action_t)a, "note"));
        assert_false(exc_action_takes((exc_action_t)a, "colour"));
    }
    assert_true(exc_action_takes(EXC_ACTION_WAIT, "until"));
    assert_false(exc_action_takes(EXC_ACTION_NOTE, "until"));
    assert_false(exc_action_takes(EXC_ACTION_CANCEL, "until"));
    const char *swap[] = {"line", "sku", "qty", "unit_price", "allow_short"};
    for (size_t i = 0; i < sizeof swap / sizeof swap[0]; i++) {
        assert_true(exc_action_takes(EXC_ACTION_SWAP, swap[i]));
        assert_false(exc_action_takes(EXC_ACTION_SPLIT, swap[i]));
        assert_false(exc_action_takes(EXC_ACTION_WAIT, swap[i]));
    }
}

static int64_t refund_of(const char *doc_json) {
    json_t *doc = json_loads(doc_json, 0, NULL);
    assert_non_null(doc);
    int64_t owed = exc_refund_due(doc);
    json_decref(doc);
    return owed;
}

static void a_cancellation_refunds_what_was_paid(void **state) {
    (void)state;
    assert_int_equal(refund_of("{\"amounts\": {\"total\": 9000},"
                               " \"payment\": {\"status\": \"paid\", \"amount\": 8000}}"),
                     8000);
    assert_int_equal(refund_of("{\"amounts\": {\"total\": 9000},"
                               " \"payment\": {\"status\": \"pending\", \"amount\": 9000}}"),
                     0);
    assert_int_equal(refund_of("{\"amounts\": {\"total\": 9000}}"), 0);
    assert_int_equal(refund_of("{\"payment\": {\"status\": \"paid\", \"amount\": -5}}"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(decisions_about_missing_stock_are_for_stock_short),
        cmocka_unit_test(road_actions_are_for_any_logistics_code),
        cmocka_unit_test(each_action_takes_its_own_members),
        cmocka_unit_test(a_cancellation_refunds_what_was_paid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
