#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/after_sales_flow.h"
#include "core/settlement_calc.h"

static void expect_move(as_type_t t, as_state_t from, as_event_t ev, as_state_t want) {
    as_state_t to = AS__STATE_COUNT;
    assert_true(as_next(t, from, ev, &to));
    assert_int_equal(to, want);
}

static void expect_refused(as_type_t t, as_state_t from, as_event_t ev) {
    as_state_t to = AS_CLOSED;
    assert_false(as_next(t, from, ev, &to));
    assert_int_equal(to, AS_CLOSED);
}

static void return_refund_path(void **state) {
    (void)state;
    as_type_t t = AS_TYPE_RETURN_REFUND;
    expect_move(t, AS_REQUESTED, AS_EV_APPROVE, AS_APPROVED);
    expect_move(t, AS_APPROVED, AS_EV_SHIP_RETURN, AS_RETURN_IN_TRANSIT);
    expect_move(t, AS_RETURN_IN_TRANSIT, AS_EV_RECEIVE, AS_RECEIVED);
    expect_move(t, AS_RECEIVED, AS_EV_INSPECT, AS_INSPECTED);
    expect_move(t, AS_INSPECTED, AS_EV_REFUND, AS_REFUNDED);
    expect_move(t, AS_REFUNDED, AS_EV_REFUND, AS_REFUNDED); /* a further partial refund */
    /* no refund before the goods are back */
    expect_refused(t, AS_APPROVED, AS_EV_REFUND);
    expect_refused(t, AS_RETURN_IN_TRANSIT, AS_EV_REFUND);
    expect_refused(t, AS_INSPECTED, AS_EV_EXCHANGE);
}

static void refund_only_needs_no_return(void **state) {
    (void)state;
    as_type_t t = AS_TYPE_REFUND_ONLY;
    expect_move(t, AS_APPROVED, AS_EV_REFUND, AS_REFUNDED);
    expect_refused(t, AS_APPROVED, AS_EV_SHIP_RETURN);
    expect_refused(t, AS_APPROVED, AS_EV_RECEIVE);
    expect_refused(t, AS_REQUESTED, AS_EV_REFUND); /* not before approval */
}

static void exchange_and_reissue(void **state) {
    (void)state;
    expect_move(AS_TYPE_EXCHANGE, AS_APPROVED, AS_EV_RECEIVE, AS_RECEIVED);
    expect_move(AS_TYPE_EXCHANGE, AS_INSPECTED, AS_EV_EXCHANGE, AS_EXCHANGED);
    expect_refused(AS_TYPE_EXCHANGE, AS_INSPECTED, AS_EV_REFUND);
    expect_refused(AS_TYPE_EXCHANGE, AS_APPROVED, AS_EV_EXCHANGE); /* goods come back first */
    expect_move(AS_TYPE_REISSUE, AS_APPROVED, AS_EV_EXCHANGE, AS_EXCHANGED);
    expect_refused(AS_TYPE_REISSUE, AS_APPROVED, AS_EV_SHIP_RETURN);
    expect_refused(AS_TYPE_REISSUE, AS_EXCHANGED, AS_EV_EXCHANGE);
}

static void final_states_stay(void **state) {
    (void)state;
    for (int t = 0; t < AS__TYPE_COUNT; t++)
        for (int e = 0; e < AS__EVENT_COUNT; e++) {
            expect_refused((as_type_t)t, AS_REJECTED, (as_event_t)e);
            expect_refused((as_type_t)t, AS_CLOSED, (as_event_t)e);
            expect_refused((as_type_t)t, AS_EXCHANGED, (as_event_t)e);
        }
    assert_true(as_state_is_final(AS_REJECTED));
    assert_false(as_state_is_final(AS_INSPECTED));
    expect_move(AS_TYPE_EXCHANGE, AS_REQUESTED, AS_EV_REJECT, AS_REJECTED);
    expect_refused(AS_TYPE_EXCHANGE, AS_APPROVED, AS_EV_REJECT);
}

static void names_round_trip(void **state) {
    (void)state;
    for (int t = 0; t < AS__TYPE_COUNT; t++)
        assert_int_equal(as_type_from_name(as_type_name((as_type_t)t)), t);
    for (int s = 0; s < AS__STATE_COUNT; s++)
        assert_int_equal(as_state_from_name(as_state_name((as_state_t)s)), s);
    assert_int_equal(as_type_from_name("refund"), -1);
    assert_int_equal(as_state_from_name(NULL), -1);
    assert_string_equal(as_event_name(AS_EV_SHIP_RETURN), "ship_return");
    assert_true(as_type_returns_goods(AS_TYPE_EXCHANGE));
    assert_false(as_type_returns_goods(AS_TYPE_REISSUE));
}

static void defaults(void **state) {
    (void)state;
    assert_int_equal(as_default_window_days(AS_TYPE_RETURN_REFUND), 7);
    assert_int_equal(as_default_window_days(AS_TYPE_EXCHANGE), 15);
    assert_int_equal(as_default_sla_hours(AS_REQUESTED), 24);
    assert_int_equal(as_default_sla_hours(AS_REFUNDED), 0);
}

static void settlement_arithmetic(void **state) {
    (void)state;
    settlement_t s = settlement_compute(10000, 500, 2000); /* 5% of 100.00 */
    assert_int_equal(s.commission_fen, 500);
    assert_int_equal(s.income_fen, 7500);
    s = settlement_compute(999, 250, 0); /* 24.975 fen rounds to 25 */
    assert_int_equal(s.commission_fen, 25);
    assert_int_equal(s.income_fen, 974);
    s = settlement_compute(0, 500, 0);
    assert_int_equal(s.commission_fen, 0);
    assert_int_equal(s.income_fen, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(return_refund_path),    cmocka_unit_test(refund_only_needs_no_return),
        cmocka_unit_test(exchange_and_reissue),  cmocka_unit_test(final_states_stay),
        cmocka_unit_test(names_round_trip),      cmocka_unit_test(defaults),
        cmocka_unit_test(settlement_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
