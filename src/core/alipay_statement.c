#include "core/alipay_statement.h"

#include <stdarg.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "util/timefmt.h"
#include "util/utf8.h"

#define FIELDS_MAX 64 /* Alipay's trade statement has 25 columns */

typedef struct {
    const char *p;
    size_t n;
    bool quoted; /* "" inside stands for one quote */
} span_t;

enum { COL_TRADE_NO, COL_OUT_TRADE_NO, COL_TYPE, COL_AMOUNT, COL_FINISHED, COL_REFUND_NO, COL__N };

/* Header names per column; the first is what Alipay writes (full-width parentheses), the
 * others what a spreadsheet round trip or a hand-made file may have. */
static const char *const column_names[COL__N][3] = {
    [COL_TRADE_NO] = {"支付宝交易号", NULL, NULL},
    [COL_OUT_TRADE_NO] = {"商户订单号", NULL, NULL},
    [COL_TYPE] = {"业务类型", NULL, NULL},
    [COL_AMOUNT] = {"订单金额（元）", "订单金额(元)", NULL},
    [COL_FINISHED] = {"完成时间", NULL, NULL},
    [COL_REFUND_NO] = {"退款批次号/请求号", NULL, NULL},
};
static const bool column_required[COL__N] = {true, true, true, true, false, false};

typedef struct {
    field_errors_t *errs;
    statement_t st;
    size_t cap;
    int col[COL__N]; /* index in the row, -1 when absent */
    int header_fields;
    bool header_complete;               /* every required column found: rows can be read */
    long footer_trades, footer_refunds; /* -1: the footer does not say */
} parser_t;

static void line_error(parser_t *ps, int line, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void line_error(parser_t *ps, int line, const char *code, const char *fmt, ...) {
    char field[32], message[192];
    if (line > 0)
        snprintf(field, sizeof field, "line %d", line);
    else
        snprintf(field, sizeof field, "statement");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    field_errors_add(ps->errs, field, code, "%s", message);
}

/* Padding Alipay and spreadsheets put around a value. */
static span_t trim(span_t s) {
    while (s.n && (*s.p == ' ' || *s.p == '\t' || *s.p == '`'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

static bool span_is(span_t s, const char *text) {
    return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0;
}

/* Splits one line into fields at commas; a field may be quoted ("a, b" and "" for a quote).
 * Returns the number of fields, or -1 for an unterminated quote. Fields beyond FIELDS_MAX are
 * dropped: no column we read lies there. */
static int split_fields(const char *line, size_t len, span_t *out) {
    int n = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        span_t f = {line + i, 0, false};
        if (i < len && line[i] == '"') {
            size_t start = ++i;
            for (;; i++) {
                if (i >= len)
                    return -1;
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        i++;
                        continue;
                    }
                    break;
                }
            }
            f = (span_t){line + start, i - start, true};
            i++;
            while (i < len && line[i] != ',')
                i++;
        } else {
            size_t start = i;
            while (i < len && line[i] != ',')
                i++;
            f = trim((span_t){line + start, i - start, false});
        }
        if (n < FIELDS_MAX)
            out[n++] = f;
        if (i >= len)
            return n;
        i++; /* the comma */
    }
}

/* Copies a field into dst (cap bytes with the NUL), unquoting. False when it does not fit. */
static bool copy_field(span_t f, char *dst, size_t cap) {
    size_t o = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (f.quoted && f.p[i] == '"' && i + 1 < f.n && f.p[i + 1] == '"')
            i++;
        if (o + 1 >= cap)
            return false;
        dst[o++] = f.p[i];
    }
    dst[o] = '\0';
    return true;
}

/* The first run of digits after `key` in text, or -1. */
static long number_after(const char *text, size_t len, const char *key) {
    const char *at = memmem(text, len, key, strlen(key));
    if (!at)
        return -1;
    const char *end = text + len;
    const char *p = at + strlen(key);
    while (p < end && (*p < '0' || *p > '9'))
        p++;
    if (p == end || p - at > 16)
        return -1;
    long v = 0;
    for (; p < end && *p >= '0' && *p <= '9' && v < 100000000; p++)
        v = v * 10 + (*p - '0');
    return v;
}

/* "[2019年09月16日 00:00:00]" or "[2019-09-16 00:00:00]" after `key`, in China time. */
static bool period_bound(const char *text, size_t len, const char *key, int64_t *ms,
                         bool *end_of_day) {
    const char *at = memmem(text, len, key, strlen(key));
    if (!at)
        return false;
    const char *end = text + len;
    const char *p = memchr(at, '[', (size_t)(end - at));
    const char *close = p ? memchr(p, ']', (size_t)(end - p)) : NULL;
    if (!close)
        return false;
    int v[6], n = 0;
    while (p < close && n < 6) {
        if (*p < '0' || *p > '9') {
            p++;
            continue;
        }
        long x = 0;
        for (; p < close && *p >= '0' && *p <= '9' && x < 100000; p++)
            x = x * 10 + (*p - '0');
        v[n++] = (int)x;
    }
    if (n < 3)
        return false;
    for (int i = n; i < 6; i++)
        v[i] = 0;
    char iso[48];
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", v[0], v[1], v[2], v[3], v[4],
             v[5]);
    *end_of_day = v[3] == 23 && v[4] == 59 && v[5] == 59;
    return rfc3339_parse(iso, ms);
}

/* "2019-09-16 10:55:23" (China time) to UTC ms. */
static bool china_time(const char *text, int64_t *ms) {
    char iso[48];
    if (strlen(text) != 19 || text[10] != ' ')
        return false;
    snprintf(iso, sizeof iso, "%.10sT%.8s+08:00", text, text + 11);
    return rfc3339_parse(iso, ms);
}

static void read_header(parser_t *ps, int line, const span_t *f, int n) {
    ps->header_fields = n;
    ps->header_complete = true;
    for (int c = 0; c < COL__N; c++) {
        ps->col[c] = -1;
        for (int i = 0; i < n && ps->col[c] < 0; i++)
            for (int k = 0; k < 3 && column_names[c][k]; k++)
                if (span_is(trim(f[i]), column_names[c][k]))
                    ps->col[c] = i;
        if (ps->col[c] < 0 && column_required[c]) {
            ps->header_complete = false;
            line_error(ps, line, "missing_column", "the header has no %s column",
                       column_names[c][0]);
        }
    }
}

/* Reads column c of a row into dst; false (and an error) when it is too long. */
static bool read_id(parser_t *ps, int line, const span_t *f, int c, char *dst) {
    dst[0] = '\0';
    if (ps->col[c] < 0)
        return true;
    if (copy_field(f[ps->col[c]], dst, STATEMENT_ID_MAX + 1))
        return true;
    line_error(ps, line, "too_long", "%s is longer than %d bytes", column_names[c][0],
               STATEMENT_ID_MAX);
    return false;
}

static void read_row(parser_t *ps, int line, const span_t *f, int n) {
    bool blank = true;
    for (int i = 0; i < n && blank; i++)
        blank = f[i].n == 0;
    if (blank)
        return;
    int needed = 0;
    for (int c = 0; c < COL__N; c++)
        if (ps->col[c] >= needed)
            needed = ps->col[c] + 1;
    if (n < needed) {
        line_error(ps, line, "missing_fields", "the row has %d fields; the header has %d", n,
                   ps->header_fields);
        return;
    }
    statement_row_t row = {.line = line};
    bool ok = read_id(ps, line, f, COL_TRADE_NO, row.trade_no) &
              read_id(ps, line, f, COL_OUT_TRADE_NO, row.out_trade_no) &
              read_id(ps, line, f, COL_REFUND_NO, row.refund_no);
    if (ok && !row.trade_no[0]) {
        line_error(ps, line, "required", "支付宝交易号 is empty");
        ok = false;
    }
    span_t type = f[ps->col[COL_TYPE]];
    if (span_is(type, "交易")) {
        row.kind = STATEMENT_TRADE;
    } else if (span_is(type, "退款")) {
        row.kind = STATEMENT_REFUND;
    } else {
        line_error(ps, line, "unknown_type", "业务类型 \"%.*s\" is neither 交易 nor 退款",
                   (int)(type.n > 60 ? 60 : type.n), type.p);
        ok = false;
    }
    span_t amount = f[ps->col[COL_AMOUNT]];
    if (!money_parse_yuan(amount.p, amount.n, true, &row.amount_fen) ||
        (row.kind == STATEMENT_TRADE && row.amount_fen < 0)) {
        line_error(ps, line, "bad_amount", "订单金额（元） \"%.*s\" is not an amount in yuan",
                   (int)(amount.n > 40 ? 40 : amount.n), amount.p);
        ok = false;
    }
    /* Alipay writes refunds negative; a hand-made file may not. */
    if (row.kind == STATEMENT_REFUND && row.amount_fen > 0)
        row.amount_fen = -row.amount_fen;
    char when[32];
    if (ps->col[COL_FINISHED] >= 0 && copy_field(f[ps->col[COL_FINISHED]], when, sizeof when) &&
        when[0] && !china_time(when, &row.finished_at_ms)) {
        line_error(ps, line, "bad_time", "完成时间 \"%s\" is not yyyy-MM-dd HH:mm:ss", when);
        ok = false;
    }
    if (!ok)
        return;
    if (ps->st.count == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        statement_row_t *rows = realloc(ps->st.rows, cap * sizeof *rows);
        if (!rows) {
            line_error(ps, line, "too_large", "out of memory");
            return;
        }
        ps->st.rows = rows;
        ps->cap = cap;
    }
    ps->st.rows[ps->st.count++] = row;
    if (row.kind == STATEMENT_TRADE)
        ps->st.trades++;
    else
        ps->st.refunds++;
}

/* The 1-based line of byte offset `at`. */
static int line_of(const char *data, size_t at) {
    int line = 1;
    for (size_t i = 0; i < at; i++)
        line += data[i] == '\n';
    return line;
}

/* The statement as UTF-8 without a byte-order mark: *text is data itself or a converted copy
 * in *copy (caller frees). False, with the line of the first bad byte, for anything else. */
static bool to_utf8(parser_t *ps, const char *data, size_t len, const char **text, size_t *text_len,
                    char **copy) {
    *copy = NULL;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        data += 3, len -= 3;
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        line_error(ps, line_of(data, (size_t)(nul - data)), "bad_encoding",
                   "the line contains a NUL byte: this is not a CSV text file");
        return false;
    }
    size_t utf8_len = utf8_valid_prefix((const unsigned char *)data, len);
    if (utf8_len == len) {
        *text = data;
        *text_len = len;
        return true;
    }
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        line_error(ps, 0, "bad_encoding", "the statement is not UTF-8 and GBK is unavailable");
        return false;
    }
    /* A GBK character is 2 bytes and becomes 3 in UTF-8; GB18030's 4-byte ones stay 4. */
    size_t cap = len / 2 * 3 + 4;
    char *out = malloc(cap);
    if (!out) {
        iconv_close(cd);
        line_error(ps, 0, "too_large", "out of memory");
        return false;
    }
    char *in = (char *)data, *o = out;
    size_t in_left = len, out_left = cap;
    bool ok = iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1;
    iconv_close(cd);
    if (!ok) {
        free(out);
        /* Name the line where the reading that got further broke: a UTF-8 file with one bad
         * byte fails as GBK on its first Chinese character. */
        size_t gbk_len = (size_t)(in - data);
        line_error(ps, line_of(data, utf8_len > gbk_len ? utf8_len : gbk_len), "bad_encoding",
                   "the text is neither UTF-8 nor GBK here");
        return false;
    }
    *copy = out;
    *text = out;
    *text_len = cap - out_left;
    return true;
}

/* One '#' line: the period before the header, the footer's totals after it. */
static void read_comment(parser_t *ps, const char *line, size_t len, bool *have_start,
                         bool *have_end) {
    bool end_of_day = false;
    if (!*have_start)
        *have_start = period_bound(line, len, "起始日期", &ps->st.period_start_ms, &end_of_day);
    if (!*have_end && period_bound(line, len, "终止日期", &ps->st.period_end_ms, &end_of_day)) {
        *have_end = true;
        /* Alipay names the next midnight; other exports the period's last second. */
        if (end_of_day)
            ps->st.period_end_ms += 1000;
    }
    long n = number_after(line, len, "交易合计");
    if (n >= 0)
        ps->footer_trades = n;
    n = number_after(line, len, "退款合计");
    if (n >= 0)
        ps->footer_refunds = n;
}

bool alipay_statement_parse(const char *data, size_t len, statement_t *out, field_errors_t *errs) {
    parser_t ps = {.errs = errs, .header_fields = -1, .footer_trades = -1, .footer_refunds = -1};
    *out = (statement_t){0};
    int errors_before = errs->count + errs->dropped;
    const char *text;
    size_t text_len;
    char *copy;
    if (!to_utf8(&ps, data, len, &text, &text_len, &copy))
        return false;
    bool have_start = false, have_end = false, body_ended = false;
    span_t *fields = malloc(FIELDS_MAX * sizeof *fields);
    int line_no = 0;
    for (size_t pos = 0; fields && pos < text_len;) {
        const char *nl = memchr(text + pos, '\n', text_len - pos);
        size_t end = nl ? (size_t)(nl - text) : text_len;
        const char *line = text + pos;
        span_t whole = trim((span_t){line, end - pos, false});
        pos = end + 1;
        line_no++;
        if (whole.n == 0)
            continue;
        if (whole.p[0] == '#') {
            read_comment(&ps, whole.p, whole.n, &have_start, &have_end);
            body_ended = ps.header_fields >= 0;
            continue;
        }
        int n = split_fields(whole.p, whole.n, fields);
        if (n < 0) {
            line_error(&ps, line_no, "unterminated_quote", "a quoted field does not end");
        } else if (ps.header_fields < 0) {
            read_header(&ps, line_no, fields, n);
        } else if (body_ended) {
            line_error(&ps, line_no, "after_end", "a row after the end of the details");
        } else if (ps.header_complete) {
            read_row(&ps, line_no, fields, n);
        }
    }
    free(fields);
    free(copy);
    if (ps.header_fields < 0)
        line_error(&ps, 0, "missing_header",
                   "no header row (支付宝交易号, 商户订单号, 业务类型, 订单金额（元）, …)");
    if (!have_start || !have_end)
        line_error(&ps, 0, "missing_period",
                   "no period: a comment line #起始日期：[…] 终止日期：[…] before the header");
    else if (ps.st.period_end_ms <= ps.st.period_start_ms)
        line_error(&ps, 0, "bad_period", "the period ends before it starts");
    /* Rows refused above are missing from the counts already: compare only a clean read. */
    bool clean = errs->count + errs->dropped == errors_before;
    if (clean && ps.footer_trades >= 0 && (size_t)ps.footer_trades != ps.st.trades)
        line_error(&ps, 0, "totals_mismatch",
                   "the footer counts %ld trades (交易合计), the rows %zu: the file is incomplete",
                   ps.footer_trades, ps.st.trades);
    if (clean && ps.footer_refunds >= 0 && (size_t)ps.footer_refunds != ps.st.refunds)
        line_error(&ps, 0, "totals_mismatch",
                   "the footer counts %ld refunds (退款合计), the rows %zu: the file is incomplete",
                   ps.footer_refunds, ps.st.refunds);
    if (errs->count + errs->dropped > errors_before) {
        statement_free(&ps.st);
        return false;
    }
    *out = ps.st;
    return true;
}

void statement_free(statement_t *st) {
    free(st->rows);
    *st = (statement_t){0};
}
