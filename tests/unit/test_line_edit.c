#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/line_edit.h"

/* The order every case edits: three lines. */
static const order_line_t BEFORE[] = {
    {.sku = "MOONCAKE-RED", .qty = 2, .unit_price_fen = 8800},
    {.sku = "MOONCAKE-LOTUS", .qty = 1, .unit_price_fen = 9800},
    {.sku = "TEA-1", .qty = 3, .unit_price_fen = 1500},
};

typedef struct {
    json_t *doc;
    line_changes_t ch;
    field_errors_t errs;
    line_after_t after[ORDO_ORDER_LINES_MAX];
    int n_after;
} edit_case_t;

static edit_case_t *parse(const char *changes_json, bool expect_ok) {
    edit_case_t *c = calloc(1, sizeof *c);
    c->doc = json_loads(changes_json, 0, NULL);
    assert_non_null(c->doc);
    assert_int_equal(line_changes_parse(c->doc, &c->ch, &c->errs), expect_ok);
    return c;
}

static bool apply(edit_case_t *c) {
    return line_changes_apply(BEFORE, 3, &c->ch, c->after, &c->n_after, &c->errs);
}

static void done(edit_case_t *c) {
    json_decref(c->doc);
    free(c);
}

static void expect_error(const edit_case_t *c, const char *field, const char *code) {
    for (int i = 0; i < c->errs.count; i++)
        if (strcmp(c->errs.items[i].field, field) == 0 && strcmp(c->errs.items[i].code, code) == 0)
            return;
    fail_msg("no error %s (%s) among %d", field, code, c->errs.count);
}

static void every_op_is_read_with_intakes_rules(void **state) {
    (void)state;
    edit_case_t *c = parse("[{\"op\": \"set_qty\", \"line\": 1, \"qty\": 5},"
                           " {\"op\": \"add\", \"sku\": \"TEA-2\", \"qty\": 2, \"unit_price\": 0},"
                           " {\"op\": \"remove\", \"line\": 3},"
                           " {\"op\": \"swap\", \"line\": 2, \"sku\": \"MOONCAKE-YOLK\"}]",
                           true);
    assert_int_equal(c->ch.n, 4);
    assert_int_equal(c->ch.items[0].op, LINE_SET_QTY);
    assert_int_equal(c->ch.items[0].qty, 5);
    assert_int_equal(c->ch.items[1].op, LINE_ADD);
    assert_true(c->ch.items[1].has_price);
    assert_int_equal(c->ch.items[1].unit_price_fen, 0);
    assert_int_equal(c->ch.items[2].line, 3);
    assert_string_equal(c->ch.items[3].sku, "MOONCAKE-YOLK");
    assert_false(c->ch.items[3].has_price); /* the caller takes the catalog's */
    assert_false(c->ch.items[3].has_qty);
    done(c);
}

static void every_bad_change_is_reported_with_its_path(void **state) {
    (void)state;
    edit_case_t *c = parse("[{\"op\": \"set_qty\", \"line\": 1, \"qty\": 0},"
                           " {\"op\": \"add\", \"qty\": 1000, \"unit_price\": 1.5},"
                           " {\"op\": \"remove\", \"line\": \"2\"},"
                           " {\"op\": \"swap\", \"line\": 2, \"sku\": \"X\", \"colour\": \"red\"},"
                           " {\"op\": \"grow\"}, 7, {\"line\": 1},"
                           " {\"op\": \"set_qty\", \"line\": 1, \"sku\": \"X\", \"qty\": 2}]",
                           false);
    expect_error(c, "changes[0].qty", "out_of_range");
    expect_error(c, "changes[1].sku", "required");
    expect_error(c, "changes[1].qty", "out_of_range");
    expect_error(c, "changes[1].unit_price", "wrong_type");
    expect_error(c, "changes[2].line", "wrong_type");
    expect_error(c, "changes[3].colour", "not_allowed");
    expect_error(c, "changes[4].op", "invalid_value");
    expect_error(c, "changes[5]", "wrong_type");
    expect_error(c, "changes[6].op", "required");
    expect_error(c, "changes[7].sku", "not_allowed");
    assert_int_equal(c->errs.count, 10);
    done(c);
}

static void changes_must_be_a_non_empty_array(void **state) {
    (void)state;
    edit_case_t *c = parse("[]", false);
    expect_error(c, "changes", "out_of_range");
    done(c);
    c = parse("{\"op\": \"remove\"}", false);
    expect_error(c, "changes", "wrong_type");
    done(c);
    line_changes_t ch;
    field_errors_t errs = {0};
    assert_false(line_changes_parse(NULL, &ch, &errs));
    assert_string_equal(errs.items[0].field, "changes");
}

static void kept_lines_stay_in_order_then_added_ones(void **state) {
    (void)state;
    edit_case_t *c =
        parse("[{\"op\": \"add\", \"sku\": \"TEA-2\", \"qty\": 2, \"unit_price\": 600},"
              " {\"op\": \"remove\", \"line\": 1},"
              " {\"op\": \"swap\", \"line\": 3, \"sku\": \"TEA-9\", \"qty\": 1,"
              "  \"unit_price\": 2000},"
              " {\"op\": \"set_qty\", \"line\": 2, \"qty\": 1}]",
              true);
    assert_true(apply(c));
    assert_int_equal(c->n_after, 3);
    /* line 2 as it was: untouched in substance (same qty), but named by changes[3] */
    assert_string_equal(c->after[0].line.sku, "MOONCAKE-LOTUS");
    assert_int_equal(c->after[0].from_line, 2);
    assert_int_equal(c->after[0].change, 3);
    assert_false(c->after[0].needs_stock);
    /* line 3 swapped: another SKU always needs stock, even with fewer units */
    assert_string_equal(c->after[1].line.sku, "TEA-9");
    assert_int_equal(c->after[1].line.qty, 1);
    assert_int_equal(c->after[1].line.unit_price_fen, 2000);
    assert_int_equal(c->after[1].from_line, 3);
    assert_true(c->after[1].needs_stock);
    /* the added line comes last */
    assert_string_equal(c->after[2].line.sku, "TEA-2");
    assert_int_equal(c->after[2].from_line, 0);
    assert_int_equal(c->after[2].change, 0);
    assert_true(c->after[2].needs_stock);
    assert_false(line_edit_is_noop(BEFORE, 3, c->after, c->n_after));
    done(c);
}

static void only_more_units_need_stock(void **state) {
    (void)state;
    edit_case_t *c = parse("[{\"op\": \"set_qty\", \"line\": 1, \"qty\": 3},"
                           " {\"op\": \"set_qty\", \"line\": 3, \"qty\": 1}]",
                           true);
    assert_true(apply(c));
    assert_int_equal(c->n_after, 3);
    assert_true(c->after[0].needs_stock);
    assert_false(c->after[1].needs_stock);
    assert_int_equal(c->after[1].change, -1);
    assert_false(c->after[2].needs_stock);
    done(c);
}

static void lines_must_exist_and_be_named_once(void **state) {
    (void)state;
    edit_case_t *c = parse("[{\"op\": \"remove\", \"line\": 4},"
                           " {\"op\": \"set_qty\", \"line\": 2, \"qty\": 2},"
                           " {\"op\": \"swap\", \"line\": 2, \"sku\": \"X\", \"unit_price\": 1}]",
                           true);
    assert_false(apply(c));
    expect_error(c, "changes[0].line", "no_such_line");
    expect_error(c, "changes[2].line", "duplicate_line");
    assert_int_equal(c->errs.count, 2);
    done(c);
}

static void an_order_keeps_a_line(void **state) {
    (void)state;
    edit_case_t *c = parse("[{\"op\": \"remove\", \"line\": 1}, {\"op\": \"remove\", \"line\": 2},"
                           " {\"op\": \"remove\", \"line\": 3}]",
                           true);
    assert_false(apply(c));
    expect_error(c, "changes", "no_lines_left");
    done(c);
}

static void the_line_limit_holds(void **state) {
    (void)state;
    char text[16000] = "[";
    for (int i = 0; i < 98; i++)
        strcat(text, "{\"op\": \"add\", \"sku\": \"A\", \"qty\": 1, \"unit_price\": 1},");
    strcat(text, "{\"op\": \"remove\", \"line\": 1}]");
    edit_case_t *c = parse(text, true);
    assert_true(apply(c)); /* 3 - 1 + 98 = 100 */
    assert_int_equal(c->n_after, ORDO_ORDER_LINES_MAX);
    done(c);
    text[strlen(text) - 1] = '\0';
    strcat(text, ",{\"op\": \"add\", \"sku\": \"B\", \"qty\": 1, \"unit_price\": 1},"
                 "{\"op\": \"add\", \"sku\": \"C\", \"qty\": 1, \"unit_price\": 1}]");
    c = parse(text, true);
    assert_false(apply(c));
    expect_error(c, "changes", "out_of_range");
    done(c);
}

static void the_same_lines_are_no_edit(void **state) {
    (void)state;
    edit_case_t *c = parse("[{\"op\": \"set_qty\", \"line\": 2, \"qty\": 1},"
                           " {\"op\": \"swap\", \"line\": 1, \"sku\": \"MOONCAKE-RED\","
                           "  \"unit_price\": 8800}]",
                           true);
    assert_true(apply(c));
    assert_true(line_edit_is_noop(BEFORE, 3, c->after, c->n_after));
    done(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_op_is_read_with_intakes_rules),
        cmocka_unit_test(every_bad_change_is_reported_with_its_path),
        cmocka_unit_test(changes_must_be_a_non_empty_array),
        cmocka_unit_test(kept_lines_stay_in_order_then_added_ones),
        cmocka_unit_test(only_more_units_need_stock),
        cmocka_unit_test(lines_must_exist_and_be_named_once),
        cmocka_unit_test(an_order_keeps_a_line),
        cmocka_unit_test(the_line_limit_holds),
        cmocka_unit_test(the_same_lines_are_no_edit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
