#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/msg_template.h"

static msg_vars_t sample(void) {
    msg_vars_t v = {0};
    v.values[MSG_VAR_ORDER_NO] = "26111100000100001";
    v.values[MSG_VAR_BUYER_NAME] = "王女士";
    v.values[MSG_VAR_AMOUNT] = "88.08";
    v.values[MSG_VAR_REASON] = "余额不足 & more";
    return v;
}

static void renders_placeholders(void **state) {
    (void)state;
    msg_vars_t v = sample();
    char *out = msg_template_render(
        "{{buyer_name}}，订单{{ order_no }}实付{{amount}}元。{{pay_url}}|", &v, false);
    assert_string_equal(out, "王女士，订单26111100000100001实付88.08元。|");
    free(out);
    /* Plain braces, an unknown name and an unclosed opener stay as written. */
    out = msg_template_render("{a} }} {{nope}} {{order_no", &v, false);
    assert_string_equal(out, "{a} }} {{nope}} {{order_no");
    free(out);
    out = msg_template_render("", &v, false);
    assert_string_equal(out, "");
    free(out);
}

static void url_encoding(void **state) {
    (void)state;
    msg_vars_t v = sample();
    char *out = msg_template_render("https://shop.example/pay/{{order_no}}?r={{reason}}", &v, true);
    assert_string_equal(out, "https://shop.example/pay/26111100000100001?r="
                             "%E4%BD%99%E9%A2%9D%E4%B8%8D%E8%B6%B3%20%26%20more");
    free(out);
}

static void checks_placeholders(void **state) {
    (void)state;
    char err[192];
    assert_true(
        msg_template_check("订单{{order_no}}，{{ buyer_name }}，{单独的括号}", err, sizeof err));
    assert_true(msg_template_check("", err, sizeof err));
    /* A shipment's carrier and tracking number are known values (svc/ship.c sends them). */
    assert_true(msg_template_check("{{carrier}} {{tracking_no}}", err, sizeof err));
    assert_false(msg_template_check("{{order_no}} {{courier}}", err, sizeof err));
    assert_non_null(strstr(err, "{{courier}}"));
    assert_non_null(strstr(err, "order_no, buyer_name"));
    assert_false(msg_template_check("{{order_no", err, sizeof err));
    assert_non_null(strstr(err, "never closed"));
    assert_false(msg_template_check("{{}}", err, sizeof err));
}

static void events_from_the_outbox(void **state) {
    (void)state;
    assert_int_equal(msg_event_of("order.created", "approved"), MSG_EV_ORDER_CONFIRMED);
    assert_int_equal(msg_event_of("order.logistics_case_opened", NULL),
                     MSG_EV_LOGISTICS_CASE_OPENED);
    assert_int_equal(msg_event_of("order.logistics_reshipped", NULL), MSG_EV_LOGISTICS_RESHIPPED);
    assert_int_equal(msg_event_of("order.logistics_refunded", NULL), MSG_EV_LOGISTICS_REFUNDED);
    assert_int_equal(msg_event_of("order.logistics_case_resolved", NULL),
                     MSG_EV_LOGISTICS_CASE_RESOLVED);
    assert_int_equal(msg_event_of("order.logistics_unknown", NULL), -1);
    assert_int_equal(msg_event_of("order.created", "pending_payment"), MSG_EV_ORDER_PLACED);
    assert_int_equal(msg_event_of("order.status_changed", "approved"), MSG_EV_ORDER_CONFIRMED);
    assert_int_equal(msg_event_of("order.status_changed", "shipped"), MSG_EV_SHIPPED);
    assert_int_equal(msg_event_of("order.status_changed", "cancelled"), MSG_EV_CANCELLED);
    assert_int_equal(msg_event_of("order.status_changed", "pending_review"), -1);
    assert_int_equal(msg_event_of("order.status_changed", "picking"), -1);
    assert_int_equal(msg_event_of("order.payment_failed", NULL), MSG_EV_PAYMENT_FAILED);
    assert_int_equal(msg_event_of("order.hold", NULL), -1);
    assert_int_equal(msg_event_of("order.stock", "approved"), -1);
}

static void names_and_lists_agree(void **state) {
    (void)state;
    char list[256] = "";
    for (int e = 0; e < MSG_EV__COUNT; e++) {
        const char *name = msg_event_name((msg_event_t)e);
        assert_int_equal(msg_event_from_name(name), e);
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", e ? ", " : "", name);
    }
    assert_string_equal(list, msg_event_names());
    list[0] = '\0';
    for (int v = 0; v < MSG_VAR__COUNT; v++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", v ? ", " : "",
                 msg_var_name((msg_var_t)v));
    assert_string_equal(list, msg_var_names());
    assert_int_equal(msg_event_from_name("teleported"), -1);
    assert_int_equal(msg_medium_from_name("email"), MSG_MEDIUM_EMAIL);
    assert_int_equal(msg_medium_from_name("fax"), -1);
}

static void built_in_templates_are_valid(void **state) {
    (void)state;
    char err[192];
    for (int e = 0; e < MSG_EV__COUNT; e++)
        for (int m = 0; m < MSG_MEDIUM__COUNT; m++) {
            const msg_default_t *d = msg_default_template((msg_event_t)e, (msg_medium_t)m);
            if (!d)
                continue;
            if (!msg_template_check(d->body, err, sizeof err))
                fail_msg("%s/%s: %s", msg_event_name((msg_event_t)e),
                         msg_medium_name((msg_medium_t)m), err);
            assert_true((m == MSG_MEDIUM_EMAIL) == (d->subject != NULL));
        }
    assert_null(msg_default_template(MSG_EV_ORDER_PLACED, MSG_MEDIUM_SMS));
    const msg_default_t *failed = msg_default_template(MSG_EV_PAYMENT_FAILED, MSG_MEDIUM_SMS);
    assert_non_null(strstr(failed->body, "{{pay_url}}"));
}

static void yuan(void **state) {
    (void)state;
    char buf[24];
    assert_string_equal(msg_format_yuan(8808, buf, sizeof buf), "88.08");
    assert_string_equal(msg_format_yuan(5, buf, sizeof buf), "0.05");
    assert_string_equal(msg_format_yuan(-50, buf, sizeof buf), "-0.50");
    assert_string_equal(msg_format_yuan(1000000000000LL, buf, sizeof buf), "10000000000.00");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renders_placeholders),
        cmocka_unit_test(url_encoding),
        cmocka_unit_test(checks_placeholders),
        cmocka_unit_test(events_from_the_outbox),
        cmocka_unit_test(names_and_lists_agree),
        cmocka_unit_test(built_in_templates_are_valid),
        cmocka_unit_test(yuan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
