#ifndef ORDO_CORE_ALIPAY_STATEMENT_H
#define ORDO_CORE_ALIPAY_STATEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"

/* Alipay's trade statement (业务明细, the "trade" bill of
 * alipay.data.dataservice.bill.downloadurl.query) as CSV: '#' comment lines with the account
 * and the period (#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]),
 * one header row, one row per trade or refund, then '#' footer lines (业务明细列表结束,
 * 交易合计：N笔, 退款合计：N笔, 导出时间). Columns are found by their header name, since Alipay
 * has added columns over the years; fields may be padded with spaces and tabs (and a leading
 * '`' that keeps spreadsheets from reading long numbers as floats). */

#define STATEMENT_ID_MAX 64 /* bytes of a trade number, order reference or refund number */

typedef enum { STATEMENT_TRADE, STATEMENT_REFUND } statement_kind_t;

typedef struct {
    int line; /* 1-based line in the file */
    statement_kind_t kind;
    char trade_no[STATEMENT_ID_MAX + 1];     /* 支付宝交易号: Alipay's trade number */
    char out_trade_no[STATEMENT_ID_MAX + 1]; /* 商户订单号: ours; may be "" */
    char refund_no[STATEMENT_ID_MAX + 1]; /* 退款批次号/请求号: refunds only, may be "" */
    int64_t amount_fen;                   /* 订单金额（元）; below zero for a refund */
    int64_t finished_at_ms;               /* 完成时间 (China time) in UTC ms; 0 when blank */
} statement_row_t;

typedef struct {
    int64_t period_start_ms, period_end_ms; /* [start, end) in UTC ms */
    statement_row_t *rows;                  /* owned; in file order */
    size_t count;
    size_t trades, refunds;
} statement_t;

/* Parses len bytes of a statement in UTF-8 (with or without a byte-order mark) or GBK
 * (GB18030), the encoding Alipay's download uses. On success fills *out (free it with
 * statement_free) and returns true. Otherwise returns false with *out empty and every problem
 * found in errs, each under the field "line N" (or "statement" for one of the whole file):
 * bytes that are neither encoding, no period or header, a missing column, a bad amount, time or
 * business type, an over-long number, a footer total that disagrees with the rows (a cut-off
 * download). */
bool alipay_statement_parse(const char *data, size_t len, statement_t *out, field_errors_t *errs);

void statement_free(statement_t *st);

#endif
