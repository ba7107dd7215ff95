#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/order_redact.h"
#include "core/roles.h"
#include "http/permissions.h"

static bool open_route(const http_route_t *r) {
    return r->body == ROUTE_PLATFORM || r->body == ROUTE_PUBLIC || r->body == ROUTE_SIGN_IN;
}

/* A new route must be placed in the matrix on purpose: one left out would be the admin's
 * alone, silently. */
static void every_route_has_a_permission(void **state) {
    (void)state;
    int missing = 0;
    for (int i = 0; i < http_routes_count; i++) {
        if (open_route(&http_routes[i]) || route_permission(&http_routes[i]))
            continue;
        fprintf(stderr, "no permission for %s %s\n", http_routes[i].method, http_routes[i].pattern);
        missing++;
    }
    assert_int_equal(missing, 0);
}

/* And the matrix names no route that does not exist (a typo would leave one unlisted). */
static void every_permission_has_a_route(void **state) {
    (void)state;
    for (int p = 0; p < route_permissions_count; p++) {
        bool found = false;
        for (int i = 0; i < http_routes_count && !found; i++)
            found = strcmp(http_routes[i].pattern, route_permissions[p].pattern) == 0 &&
                    strcmp(http_routes[i].method, route_permissions[p].method) == 0;
        if (!found)
            fprintf(stderr, "no route for %s %s\n", route_permissions[p].method,
                    route_permissions[p].pattern);
        assert_true(found);
    }
}

static const http_route_t *route(const char *method, const char *pattern) {
    for (int i = 0; i < http_routes_count; i++)
        if (strcmp(http_routes[i].pattern, pattern) == 0 &&
            strcmp(http_routes[i].method, method) == 0)
            return &http_routes[i];
    fail_msg("no route %s %s", method, pattern);
    return NULL;
}

static void roles_follow_the_desks(void **state) {
    (void)state;
    const http_route_t *approve = route("POST", "/v1/orders/{}/approve");
    assert_true(route_allowed(approve, ROLE_ADMIN));
    assert_true(route_allowed(approve, ROLE_REVIEWER));
    assert_false(route_allowed(approve, ROLE_WAREHOUSE));
    assert_false(route_allowed(approve, ROLE_CUSTOMER_SERVICE));
    assert_false(route_allowed(approve, ROLE_FINANCE));
    const http_route_t *scan = route("POST", "/v1/picks/{}/scan");
    assert_true(route_allowed(scan, ROLE_WAREHOUSE));
    assert_false(route_allowed(scan, ROLE_REVIEWER));
    const http_route_t *settle = route("GET", "/v1/settlement");
    assert_true(route_allowed(settle, ROLE_FINANCE));
    assert_false(route_allowed(settle, ROLE_WAREHOUSE));
    const http_route_t *users = route("POST", "/v1/users");
    for (role_t r = ROLE_REVIEWER; r < ROLE__COUNT; r++)
        assert_false(route_allowed(users, r));
    assert_true(route_allowed(route("GET", "/v1/orders/{}"), ROLE_WAREHOUSE));
}

static void role_names_round_trip(void **state) {
    (void)state;
    for (role_t r = 0; r < ROLE__COUNT; r++) {
        role_t back;
        assert_true(role_parse(role_name(r), &back));
        assert_int_equal(back, r);
    }
    role_t out;
    assert_false(role_parse("customer service", &out));
    assert_false(role_parse(NULL, &out));
    assert_true(user_name_valid("li.wei-2"));
    assert_false(user_name_valid("Li"));
    assert_false(user_name_valid("-li"));
    assert_false(user_name_valid(""));
    assert_true(user_name_reserved("admin"));
    assert_false(user_name_reserved("li"));
}

static void redaction_removes_money_at_any_depth(void **state) {
    (void)state;
    json_t *o = json_loads(
        "{\"order_no\":\"1\",\"items\":[{\"sku\":\"A\",\"qty\":2,\"unit_price\":500}],"
        "\"amounts\":{\"total\":1000},\"payment\":{\"transaction_id\":\"TX\"},"
        "\"holds\":[{\"reason\":\"high_value\",\"message\":\"total 1000\",\"detail\":{}}],"
        "\"line_edits\":{\"to_collect\":0},\"address\":{\"city\":\"x\"}}",
        0, NULL);
    assert_non_null(o);
    order_view_redact_payment(o);
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(text, "{\"address\":{\"city\":\"x\"},\"holds\":[{\"reason\":\"high_value\"}"
                              "],\"items\":[{\"qty\":2,\"sku\":\"A\"}],\"order_no\":\"1\","
                              "\"payment_redacted\":true}");
    free(text);
    json_decref(o);
    json_t *ev = json_loads("[{\"type\":\"created\"},{\"type\":\"payment_failed\"},"
                            "{\"type\":\"lines_edited\",\"to_refund\":5},"
                            "{\"type\":\"status\",\"amount\":3}]",
                            0, NULL);
    order_events_redact_payment(ev);
    text = json_dumps(ev, JSON_COMPACT);
    assert_string_equal(text, "[{\"type\":\"created\"},{\"type\":\"status\"}]");
    free(text);
    json_decref(ev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_has_a_permission),
        cmocka_unit_test(every_permission_has_a_route),
        cmocka_unit_test(roles_follow_the_desks),
        cmocka_unit_test(role_names_round_trip),
        cmocka_unit_test(redaction_removes_money_at_any_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
