#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alipay_statement.h"
#include "util/timefmt.h"

/* The layout of a real download (业务明细): Alipay's comment lines, the 25-column header, values
 * padded with tabs, a trade and its refund under the same trade number, and the footer. */
static const char STATEMENT[] =
    "#支付宝业务明细查询\n"
    "#账号：[20880211096256330156]\n"
    "#起始日期：[2026年11月11日 00:00:00]   终止日期：[2026年11月12日 00:00:00]\n"
    "#-----------------------------------------业务明细列表------------------------------------"
    "----\n"
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,"
    "对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠"
    "（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/"
    "请求号,服务费"
    "（元）,分润（元）,备注\n"
    "2026111122001458860515315453\t,261111000001010000001\t,交易\t,月饼礼盒,2026-11-11 10:55:16,"
    "2026-11-11 10:55:23,\t,\t,\t,\t,*津水(602***@qq.com)\t,420.00,420.00,0.00,0.00,0.00,0.00,"
    "0.00,,0.00\t,0.00,\t,-2.52,0.00,\n"
    "2026111122001458860515315453\t,261111000001010000001\t,退款\t,月饼礼盒,2026-11-11 10:55:16,"
    "2026-11-11 13:02:48,\t,\t,\t,\t,*津水(602***@qq.com)\t,-88.00,-88.00,0.00,0.00,0.00,0.00,"
    "0.00,,0.00\t,0.00,re_261111000001\t,0.53,0.00,\n"
    "2026111122001465870515233238\t,WEB-77\t,交易\t,茶叶,2026-11-11 23:59:56,2026-11-11 "
    "23:59:59,\t,\t,\t,\t,*庚辰(182****01)\t,0.29,0.29,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,"
    "0.00,0.00,\n"
    "#-----------------------------------------业务明细列表结束--------------------------------"
    "----\n"
    "#交易合计：2笔，商家实收共420.29元，商家优惠共0.00元\n"
    "#退款合计：1笔，商家实收退款共-88.00元，商家优惠退款共0.00元\n"
    "#导出时间：[2026年11月12日 05:46:49]\n";

#define HEAD_PERIOD "#起始日期：[2026年11月11日 00:00:00]   终止日期：[2026年11月12日 00:00:00]\n"
#define HEAD HEAD_PERIOD "支付宝交易号,商户订单号,业务类型,完成时间,订单金额（元）\n"

static int64_t at(const char *rfc3339) {
    int64_t ms = 0;
    assert_true(rfc3339_parse(rfc3339, &ms));
    return ms;
}

/* The bytes of text in GBK, as Alipay's download has them. Caller frees. */
static char *to_gbk(const char *text, size_t *len) {
    iconv_t cd = iconv_open("GBK", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t in_left = strlen(text), cap = in_left + 1, out_left = cap;
    char *out = malloc(cap), *o = out, *in = (char *)text;
    assert_true(iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1);
    iconv_close(cd);
    *len = cap - out_left;
    return out;
}

static statement_t parse_ok(const char *data, size_t len) {
    statement_t st;
    field_errors_t errs = {0};
    if (!alipay_statement_parse(data, len, &st, &errs))
        fail_msg("refused: %s: %s", errs.items[0].field, errs.items[0].message);
    assert_int_equal(errs.count, 0);
    return st;
}

/* Parses a statement that must be refused and returns its problems. */
static field_errors_t parse_refused(const char *data) {
    statement_t st = {.count = 99};
    field_errors_t errs = {0};
    assert_false(alipay_statement_parse(data, strlen(data), &st, &errs));
    assert_null(st.rows);
    assert_int_equal(st.count, 0);
    assert_true(errs.count > 0);
    return errs;
}

static bool has_error(const field_errors_t *errs, const char *field, const char *code) {
    for (int i = 0; i < errs->count; i++)
        if (strcmp(errs->items[i].field, field) == 0 && strcmp(errs->items[i].code, code) == 0)
            return true;
    return false;
}

static void expect_sample(const statement_t *st) {
    assert_int_equal(st->period_start_ms, at("2026-11-11T00:00:00+08:00"));
    assert_int_equal(st->period_end_ms, at("2026-11-12T00:00:00+08:00"));
    assert_int_equal(st->count, 3);
    assert_int_equal(st->trades, 2);
    assert_int_equal(st->refunds, 1);
    const statement_row_t *r = st->rows;
    assert_int_equal(r[0].line, 6);
    assert_int_equal(r[0].kind, STATEMENT_TRADE);
    assert_string_equal(r[0].trade_no, "2026111122001458860515315453");
    assert_string_equal(r[0].out_trade_no, "261111000001010000001");
    assert_int_equal(r[0].amount_fen, 42000);
    assert_int_equal(r[0].finished_at_ms, at("2026-11-11T10:55:23+08:00"));
    assert_string_equal(r[0].refund_no, "");
    assert_int_equal(r[1].kind, STATEMENT_REFUND);
    assert_string_equal(r[1].trade_no, r[0].trade_no);
    assert_int_equal(r[1].amount_fen, -8800);
    assert_string_equal(r[1].refund_no, "re_261111000001");
    assert_int_equal(r[2].amount_fen, 29); /* 0.29 yuan: a float would make it 28 fen */
    assert_string_equal(r[2].out_trade_no, "WEB-77");
}

static void utf8_statement(void **state) {
    (void)state;
    statement_t st = parse_ok(STATEMENT, strlen(STATEMENT));
    expect_sample(&st);
    statement_free(&st);
    assert_null(st.rows);
}

static void gbk_statement_reads_the_same(void **state) {
    (void)state;
    size_t len;
    char *gbk = to_gbk(STATEMENT, &len);
    assert_true(memcmp(gbk, STATEMENT, len < sizeof STATEMENT ? len : sizeof STATEMENT) != 0);
    statement_t st = parse_ok(gbk, len);
    expect_sample(&st);
    statement_free(&st);
    free(gbk);
}

/* A byte-order mark and Windows line ends, as a spreadsheet saves the file. */
static void bom_and_crlf(void **state) {
    (void)state;
    size_t n = strlen(STATEMENT), o = 3;
    char *text = malloc(2 * n + 4);
    memcpy(text, "\xEF\xBB\xBF", 3);
    for (size_t i = 0; i < n; i++) {
        if (STATEMENT[i] == '\n')
            text[o++] = '\r';
        text[o++] = STATEMENT[i];
    }
    statement_t st = parse_ok(text, o);
    expect_sample(&st);
    statement_free(&st);
    free(text);
}

/* Columns are found by name: another order, extra columns, a quoted product name with a
 * comma, ASCII parentheses, '`' prefixes and a period ending at 23:59:59. */
static void columns_by_name(void **state) {
    (void)state;
    const char *text = "#起始日期：[2026-11-11 00:00:00]   终止日期：[2026-11-11 23:59:59]\n"
                       "备注, 订单金额(元) ,新列,商品名称,业务类型,商户订单号,支付宝交易号\n"
                       "x,\t1234.5\t,y,\"礼盒, \"\"大\"\"\",交易,`A-1,`2026111100001\n"
                       "\n"
                       " , , , , , , \n";
    statement_t st = parse_ok(text, strlen(text));
    assert_int_equal(st.period_end_ms, at("2026-11-12T00:00:00+08:00"));
    assert_int_equal(st.count, 1);
    assert_int_equal(st.rows[0].amount_fen, 123450);
    assert_string_equal(st.rows[0].out_trade_no, "A-1");
    assert_string_equal(st.rows[0].trade_no, "2026111100001");
    assert_int_equal(st.rows[0].finished_at_ms, 0); /* no 完成时间 column */
    statement_free(&st);
}

/* Every bad row is named with its line, so the whole file can be fixed in one go. */
static void bad_rows_are_named_by_line(void **state) {
    (void)state;
    field_errors_t errs = parse_refused(HEAD "T1,A,交易,2026-11-11 10:00:00,1.234\n"
                                             "T2,B,交易,2026-11-11 10:00:00,12.00\n"
                                             "T3,C,转账,2026-11-11 10:00:00,1.00\n"
                                             "T4,D,交易,11/11/2026 10:00,1.00\n"
                                             "T5,E,交易,2026-11-11 10:00:00,-1.00\n"
                                             ",F,交易,2026-11-11 10:00:00,1.00\n"
                                             "T7,G,交易\n"
                                             "T8,\"H,交易,,1.00\n"
                                             "T9,I,交易,,abc\n");
    assert_true(has_error(&errs, "line 3", "bad_amount"));
    assert_false(has_error(&errs, "line 4", "bad_amount"));
    assert_true(has_error(&errs, "line 5", "unknown_type"));
    assert_true(has_error(&errs, "line 6", "bad_time"));
    assert_true(has_error(&errs, "line 7", "bad_amount")); /* a trade is never negative */
    assert_true(has_error(&errs, "line 8", "required"));
    assert_true(has_error(&errs, "line 9", "missing_fields"));
    assert_true(has_error(&errs, "line 10", "unterminated_quote"));
    assert_true(has_error(&errs, "line 11", "bad_amount"));
    assert_int_equal(errs.count, 8);
}

static void missing_column_period_and_header(void **state) {
    (void)state;
    field_errors_t errs = parse_refused("#起始日期：[2026年11月11日 00:00:00]\n"
                                        "支付宝交易号,业务类型,订单金额（元）\n"
                                        "T1,交易,1.00\n");
    assert_true(has_error(&errs, "line 2", "missing_column"));
    assert_non_null(strstr(errs.items[0].message, "商户订单号"));
    assert_true(has_error(&errs, "statement", "missing_period"));
    /* Rows under an incomplete header are not read (the fuzzer found them read at -1). */
    errs = parse_refused(HEAD_PERIOD "支付宝交易号,商户订单号\nT1,A\n");
    assert_true(has_error(&errs, "line 2", "missing_column"));
    assert_int_equal(errs.count, 2); /* 业务类型 and 订单金额（元） */
    errs = parse_refused("#only comments\n\n");
    assert_true(has_error(&errs, "statement", "missing_header"));
    errs = parse_refused("#起始日期：[2026年11月12日 00:00:00]   终止日期：[2026年11月11日 "
                         "00:00:00]\n支付宝交易号,商户订单号,业务类型,订单金额（元）\n");
    assert_true(has_error(&errs, "statement", "bad_period"));
}

/* A download cut short still ends in a footer the rows disagree with, or has rows after it. */
static void footer_totals_catch_a_cut_file(void **state) {
    (void)state;
    field_errors_t errs = parse_refused(HEAD "T1,A,交易,,1.00\n"
                                             "#交易合计：2笔，商家实收共2.00元\n"
                                             "#退款合计：0笔\n");
    assert_true(has_error(&errs, "statement", "totals_mismatch"));
    assert_int_equal(errs.count, 1);
    errs = parse_refused(HEAD "T1,A,交易,,1.00\n#业务明细列表结束\nT2,B,交易,,1.00\n");
    assert_true(has_error(&errs, "line 5", "after_end"));
}

static void bytes_in_no_encoding(void **state) {
    (void)state;
    /* 0x80 alone is neither UTF-8 nor GBK; \xFF\xFF neither. Line 3. */
    field_errors_t errs = parse_refused(HEAD "T1,A,\x80\xFF\xFF,,1.00\n");
    assert_true(has_error(&errs, "line 3", "bad_encoding"));
    static const char with_nul[] = HEAD "T1,A,交易,,1.00\0\n";
    statement_t st;
    errs = (field_errors_t){0};
    assert_false(alipay_statement_parse(with_nul, sizeof with_nul - 1, &st, &errs));
    assert_true(has_error(&errs, "line 3", "bad_encoding"));
}

static void over_long_numbers_are_refused(void **state) {
    (void)state;
    char text[512];
    snprintf(text, sizeof text, HEAD "T1,%065d,交易,,1.00\n", 7);
    field_errors_t errs = parse_refused(text);
    assert_true(has_error(&errs, "line 3", "too_long"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_statement),
        cmocka_unit_test(gbk_statement_reads_the_same),
        cmocka_unit_test(bom_and_crlf),
        cmocka_unit_test(columns_by_name),
        cmocka_unit_test(bad_rows_are_named_by_line),
        cmocka_unit_test(missing_column_period_and_header),
        cmocka_unit_test(footer_totals_catch_a_cut_file),
        cmocka_unit_test(bytes_in_no_encoding),
        cmocka_unit_test(over_long_numbers_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
