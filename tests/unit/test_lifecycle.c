#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/lifecycle.h"

static void expect_move(order_status_t from, order_event_t ev, order_status_t want) {
    order_status_t to = ORDER__STATUS_COUNT;
    assert_true(lifecycle_next(from, ev, &to));
    assert_int_equal(to, want);
}

static void expect_refused(order_status_t from, order_event_t ev) {
    order_status_t to = ORDER_COMPLETED;
    assert_false(lifecycle_next(from, ev, &to));
    assert_int_equal(to, ORDER_COMPLETED); /* untouched */
}

static void happy_path_reaches_completed(void **state) {
    (void)state;
    expect_move(ORDER_PENDING_PAYMENT, ORDER_EV_PAY, ORDER_PENDING_REVIEW);
    expect_move(ORDER_PENDING_REVIEW, ORDER_EV_APPROVE, ORDER_APPROVED);
    expect_move(ORDER_APPROVED, ORDER_EV_START_PICKING, ORDER_PICKING);
    expect_move(ORDER_PICKING, ORDER_EV_PACK, ORDER_PACKED);
    expect_move(ORDER_PACKED, ORDER_EV_SHIP, ORDER_SHIPPED);
    expect_move(ORDER_SHIPPED, ORDER_EV_OUT_FOR_DELIVERY, ORDER_OUT_FOR_DELIVERY);
    expect_move(ORDER_OUT_FOR_DELIVERY, ORDER_EV_DELIVER, ORDER_DELIVERED);
    expect_move(ORDER_DELIVERED, ORDER_EV_COMPLETE, ORDER_COMPLETED);
}

static void partial_shipment_path(void **state) {
    (void)state;
    expect_move(ORDER_PACKED, ORDER_EV_SHIP_PARTIAL, ORDER_PARTIALLY_SHIPPED);
    expect_move(ORDER_PARTIALLY_SHIPPED, ORDER_EV_SHIP_PARTIAL, ORDER_PARTIALLY_SHIPPED);
    expect_move(ORDER_PARTIALLY_SHIPPED, ORDER_EV_SHIP, ORDER_SHIPPED);
    /* a restocked backorder is picked again */
    expect_move(ORDER_PARTIALLY_SHIPPED, ORDER_EV_START_PICKING, ORDER_PICKING);
}

static void cancel_allowed_only_before_goods_leave(void **state) {
    (void)state;
    expect_move(ORDER_PENDING_PAYMENT, ORDER_EV_CANCEL, ORDER_CANCELLED);
    expect_move(ORDER_PENDING_REVIEW, ORDER_EV_CANCEL, ORDER_CANCELLED);
    expect_move(ORDER_APPROVED, ORDER_EV_CANCEL, ORDER_CANCELLED);
    expect_move(ORDER_PICKING, ORDER_EV_CANCEL, ORDER_CANCELLED);
    expect_refused(ORDER_SHIPPED, ORDER_EV_CANCEL);
    expect_refused(ORDER_DELIVERED, ORDER_EV_CANCEL);
    expect_refused(ORDER_COMPLETED, ORDER_EV_CANCEL);
    expect_refused(ORDER_CANCELLED, ORDER_EV_CANCEL);
}

static void illegal_moves_are_refused(void **state) {
    (void)state;
    expect_refused(ORDER_PENDING_PAYMENT, ORDER_EV_APPROVE); /* unpaid orders are not reviewed */
    expect_refused(ORDER_PENDING_REVIEW, ORDER_EV_SHIP);
    expect_refused(ORDER_APPROVED, ORDER_EV_DELIVER);
    expect_refused(ORDER_DELIVERED, ORDER_EV_PAY);
    expect_refused(ORDER_PICKING, ORDER_EV_SHIP); /* packing comes first */
}

static void final_states_have_no_way_out(void **state) {
    (void)state;
    assert_true(lifecycle_is_final(ORDER_COMPLETED));
    assert_true(lifecycle_is_final(ORDER_CANCELLED));
    assert_false(lifecycle_is_final(ORDER_PENDING_REVIEW));
    for (int e = 0; e < ORDER__EVENT_COUNT; e++) {
        expect_refused(ORDER_CANCELLED, (order_event_t)e);
        expect_refused(ORDER_COMPLETED, (order_event_t)e);
    }
}

static void every_state_is_reachable_from_intake(void **state) {
    (void)state;
    bool seen[ORDER__STATUS_COUNT] = {false};
    order_status_t queue[ORDER__STATUS_COUNT * 4];
    int head = 0, tail = 0;
    queue[tail++] = ORDER_PENDING_PAYMENT;
    seen[ORDER_PENDING_PAYMENT] = true;
    while (head < tail) {
        order_status_t s = queue[head++];
        for (int e = 0; e < ORDER__EVENT_COUNT; e++) {
            order_status_t to;
            if (lifecycle_next(s, (order_event_t)e, &to) && !seen[to]) {
                seen[to] = true;
                queue[tail++] = to;
            }
        }
    }
    for (int s = 0; s < ORDER__STATUS_COUNT; s++)
        assert_true(seen[s]);
}

static void names_round_trip(void **state) {
    (void)state;
    for (int s = 0; s < ORDER__STATUS_COUNT; s++)
        assert_int_equal(order_status_from_name(order_status_name((order_status_t)s)), s);
    assert_int_equal(order_status_from_name("shipping"), -1);
    assert_string_equal(order_status_name(ORDER_OUT_FOR_DELIVERY), "out_for_delivery");
}

static void stock_is_held_until_goods_leave(void **state) {
    (void)state;
    assert_true(lifecycle_holds_stock(ORDER_PENDING_PAYMENT));
    assert_true(lifecycle_holds_stock(ORDER_PACKED));
    assert_false(lifecycle_holds_stock(ORDER_SHIPPED));
    assert_false(lifecycle_holds_stock(ORDER_CANCELLED));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(happy_path_reaches_completed),
        cmocka_unit_test(partial_shipment_path),
        cmocka_unit_test(cancel_allowed_only_before_goods_leave),
        cmocka_unit_test(illegal_moves_are_refused),
        cmocka_unit_test(final_states_have_no_way_out),
        cmocka_unit_test(every_state_is_reachable_from_intake),
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(stock_is_held_until_goods_leave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
