/* Server-Sent Events framing: what an EventSource parser reads back is what was sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/sse.h"

static void expect_event(int64_t id, const char *event, const char *data, const char *want) {
    size_t len = 0;
    char *text = sse_event(id, event, data, strlen(data), &len);
    assert_non_null(text);
    assert_string_equal(text, want);
    assert_int_equal(len, strlen(want));
    free(text);
}

static void one_line_of_data(void **state) {
    (void)state;
    expect_event(42, "order.created", "{\"a\":1}",
                 "id: 42\nevent: order.created\ndata: {\"a\":1}\n\n");
    expect_event(7, NULL, "x", "id: 7\ndata: x\n\n");
}

static void each_line_break_starts_a_data_line(void **state) {
    (void)state;
    /* LF, CRLF and a lone CR all end a line for the receiver: none may end the event early
     * or smuggle in a field. */
    expect_event(1, "t", "a\nb\r\nc\rd", "id: 1\nevent: t\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    expect_event(2, "t", "x\n\nid: 99", "id: 2\nevent: t\ndata: x\ndata: \ndata: id: 99\n\n");
    expect_event(3, "t", "end\n", "id: 3\nevent: t\ndata: end\ndata: \n\n");
    expect_event(4, "t", "", "id: 4\nevent: t\ndata: \n\n");
    expect_event(5, "t", "\r\n\r\n", "id: 5\nevent: t\ndata: \ndata: \ndata: \n\n");
}

static void data_is_taken_by_its_length(void **state) {
    (void)state;
    size_t len = 0;
    char *text = sse_event(9, "t", "ab\ncd", 4, &len); /* "ab\nc" */
    assert_non_null(text);
    assert_string_equal(text, "id: 9\nevent: t\ndata: ab\ndata: c\n\n");
    free(text);
}

static void position_and_opening(void **state) {
    (void)state;
    char buf[64];
    assert_int_equal(sse_position(buf, sizeof buf, 123), strlen("id: 123\n\n"));
    assert_string_equal(buf, "id: 123\n\n");
    assert_int_equal(sse_opening(buf, sizeof buf, 3000, 0), strlen("retry: 3000\nid: 0\n\n"));
    assert_string_equal(buf, "retry: 3000\nid: 0\n\n");
    char small[6];
    assert_int_equal(sse_position(small, sizeof small, 123456), 5); /* cut, still a string */
    assert_string_equal(small, "id: 1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_line_of_data),
        cmocka_unit_test(each_line_break_starts_a_data_line),
        cmocka_unit_test(data_is_taken_by_its_length),
        cmocka_unit_test(position_and_opening),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
