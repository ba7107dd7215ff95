/* Live stream filters: parsing the query's lists, and which messages pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svc/event_filter.h"

static event_filter_t types_ok(const char *list) {
    event_filter_t f;
    memset(&f, 0, sizeof f);
    field_errors_t errs = {0};
    if (!event_filter_parse_types(&f, list, "types", &errs))
        fail_msg("refused \"%s\": %s", list, errs.count ? errs.items[0].message : "?");
    assert_int_equal(errs.count, 0);
    return f;
}

static void expect_refused(const char *list, const char *code) {
    event_filter_t f;
    memset(&f, 0, sizeof f);
    field_errors_t errs = {0};
    if (event_filter_parse_types(&f, list, "types", &errs))
        fail_msg("accepted \"%s\"", list);
    assert_true(errs.count >= 1);
    assert_string_equal(errs.items[0].field, "types");
    assert_string_equal(errs.items[0].code, code);
}

static void exact_types_and_families(void **state) {
    (void)state;
    event_filter_t f = types_ok("order.created,order.hold");
    assert_true(event_filter_wants_type(&f, "order.created"));
    assert_true(event_filter_wants_type(&f, "order.hold"));
    assert_false(event_filter_wants_type(&f, "order.status_changed"));
    assert_false(event_filter_wants_type(&f, "order.created.x"));
    f = types_ok("order.*");
    assert_true(event_filter_wants_type(&f, "order.status_changed"));
    assert_false(event_filter_wants_type(&f, "orders.created"));
    f = types_ok("*");
    assert_true(event_filter_wants_type(&f, "order.exception"));
    event_filter_t none;
    memset(&none, 0, sizeof none);
    assert_true(event_filter_wants_type(&none, "anything"));
}

static void unknown_or_malformed_types_are_refused(void **state) {
    (void)state;
    expect_refused("order.nope", "unknown_type");
    expect_refused("parcel.*", "unknown_type");
    expect_refused("order", "unknown_type");
    expect_refused("order.created,", "invalid_value");
    expect_refused(",order.created", "invalid_value");
    expect_refused("", "invalid_value");
    char many[2048] = "";
    for (int i = 0; i <= EVENT_FILTER_TYPES_MAX; i++)
        strcat(many, i ? ",order.created" : "order.created");
    expect_refused(many, "too_many");
    char longer[200];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    expect_refused(longer, "too_long");
}

static void warehouses_match_any_listed(void **state) {
    (void)state;
    event_filter_t f;
    memset(&f, 0, sizeof f);
    field_errors_t errs = {0};
    assert_true(event_filter_parse_warehouses(&f, "WH-SH,WH-BJ", "warehouse", &errs));
    const char both[2][65] = {"WH-GZ", "WH-BJ"};
    const char other[1][65] = {"WH-GZ"};
    assert_true(event_filter_matches(&f, "order.created", both, 2));
    assert_false(event_filter_matches(&f, "order.created", other, 1));
    assert_false(event_filter_matches(&f, "order.created", NULL, 0)); /* no warehouse */
    assert_true(event_filter_parse_types(&f, "order.status_changed", "types", &errs));
    assert_false(event_filter_matches(&f, "order.created", both, 2)); /* both filters apply */
    assert_true(event_filter_matches(&f, "order.status_changed", both, 2));

    event_filter_t any;
    memset(&any, 0, sizeof any);
    assert_true(event_filter_matches(&any, "order.created", NULL, 0));

    assert_false(event_filter_parse_warehouses(&f, "WH SH", "warehouse", &errs));
    assert_string_equal(errs.items[errs.count - 1].field, "warehouse");
    assert_string_equal(errs.items[errs.count - 1].code, "invalid_code");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_types_and_families),
        cmocka_unit_test(unknown_or_malformed_types_are_refused),
        cmocka_unit_test(warehouses_match_any_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
