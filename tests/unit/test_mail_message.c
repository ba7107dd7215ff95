#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/mail_message.h"
#include "util/base64.h"

/* 2026-11-11T00:00:01+08:00 */
#define SINGLES_DAY_MS 1794326401000LL

/* The decoded text of every "=?UTF-8?B?...?=" word in value, concatenated; checks each word's
 * form on the way. Caller frees. */
static char *decode_words(const char *value) {
    char *out = calloc(1, strlen(value) + 1);
    size_t used = 0;
    const char *p = value;
    while ((p = strstr(p, "=?UTF-8?B?"))) {
        p += 10;
        const char *end = strstr(p, "?=");
        assert_non_null(end);
        assert_true(end - p + 12 <= 75); /* RFC 2047: a word is at most 75 characters */
        unsigned char *bytes = NULL;
        size_t n = 0;
        assert_true(base64_decode(p, (size_t)(end - p), &bytes, &n));
        memcpy(out + used, bytes, n);
        used += n;
        free(bytes);
        p = end + 2;
    }
    return out;
}

static void addresses(void **state) {
    (void)state;
    const char *good[] = {"a@b.cn", "li.lei+shop@mail.example.cn", "x_y-z@qq.com",
                          "o'brien@example.com", "1234567@163.com"};
    const char *bad[] = {"",
                         "plain",
                         "@example.com",
                         "a@",
                         "a@b",
                         "a@@b.cn",
                         "a@b@c.cn",
                         ".a@b.cn",
                         "a.@b.cn",
                         "a..b@c.cn",
                         "a b@c.cn",
                         "a@-b.cn",
                         "a@b-.cn",
                         "a@b..cn",
                         "a@b.cn.",
                         "\"q\"@b.cn",
                         "a@[127.0.0.1]",
                         "a\r\nRCPT TO:<x@y.cn>@b.cn",
                         "王@example.com"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!mail_address_valid(good[i]))
            fail_msg("refused %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (mail_address_valid(bad[i]))
            fail_msg("accepted %s", bad[i]);
    char local[80];
    memset(local, 'x', 65);
    memcpy(local + 65, "@b.cn", 6);
    assert_false(mail_address_valid(local)); /* a local part over 64 */
    assert_true(mail_address_valid(local + 1));
}

static void header_text(void **state) {
    (void)state;
    char *plain = mail_header_text("Order 123 confirmed");
    assert_string_equal(plain, "Order 123 confirmed");
    free(plain);
    /* Non-ASCII: encoded words of whole characters, folded, decoding back to the text. */
    const char *text = "订单26111100000100001已确认，感谢您在好物商城的惠顾与支持，欢迎再次光临";
    char *h = mail_header_text(text);
    assert_non_null(h);
    for (const unsigned char *p = (const unsigned char *)h; *p; p++)
        assert_true(*p < 0x80);
    char *back = decode_words(h);
    assert_string_equal(back, text);
    free(back);
    /* Folded: no line longer than 78 with "Subject: " in front of the first. */
    size_t line = strlen("Subject: ");
    for (const char *p = h; *p; p++) {
        if (*p == '\r') {
            assert_true(p[1] == '\n' && p[2] == ' ');
            assert_true(line <= 78);
            line = 0;
            p++;
            continue;
        }
        line++;
    }
    assert_true(line <= 78);
    free(h);
    /* Text that looks like an encoded word is itself encoded, so it cannot be misread. */
    char *tricky = mail_header_text("=?UTF-8?B?5Lit?=");
    assert_non_null(strstr(tricky, "=?UTF-8?B?PT9VVEYtOD9CPzVMaXQ/PQ==?="));
    free(tricky);
    char *empty = mail_header_text("");
    assert_string_equal(empty, "");
    free(empty);
}

static void date(void **state) {
    (void)state;
    char buf[40];
    assert_string_equal(mail_date(SINGLES_DAY_MS, buf, sizeof buf),
                        "Wed, 11 Nov 2026 00:00:01 +0800");
    assert_string_equal(mail_date(0, buf, sizeof buf), "Thu, 01 Jan 1970 08:00:00 +0800");
}

static void message(void **state) {
    (void)state;
    mail_t m = {.from = "shop@ordo.test",
                .from_name = "好物商城",
                .to = "buyer@example.com",
                .subject = "订单已确认",
                .body = "王女士，您好：\n\n第二段\r\n.以点开头的行\n",
                .message_id = "ordo.7.2611@ordo.test",
                .date_ms = SINGLES_DAY_MS};
    size_t len = 0;
    char *text = mail_message_build(&m, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    char *split = strstr(text, "\r\n\r\n");
    assert_non_null(split);
    *split = '\0';
    const char *headers = text, *body = split + 4;
    assert_non_null(strstr(headers, "Date: Wed, 11 Nov 2026 00:00:01 +0800\r\n"));
    assert_non_null(strstr(headers, "\r\nFrom: =?UTF-8?B?5aW954mp5ZWG5Z+O?= <shop@ordo.test>\r\n"));
    assert_non_null(strstr(headers, "\r\nTo: <buyer@example.com>\r\n"));
    assert_non_null(strstr(headers, "\r\nSubject: =?UTF-8?B?6K6i5Y2V5bey56Gu6K6k?=\r\n"));
    assert_non_null(strstr(headers, "\r\nMessage-ID: <ordo.7.2611@ordo.test>\r\n"));
    assert_non_null(strstr(headers, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(headers, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(headers, "\r\nContent-Transfer-Encoding: base64"));
    /* Every header line is CRLF-terminated ASCII; no bare LF anywhere. */
    for (const char *p = text; *p; p++) {
        assert_true((unsigned char)*p < 0x80);
        if (*p == '\n')
            assert_true(p > text && p[-1] == '\r');
    }
    /* The body: base64 lines of at most 76, decoding to the text with CRLF line breaks. */
    char joined[1024] = "";
    for (const char *p = body; *p;) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 76);
        strncat(joined, p, (size_t)(eol - p));
        p = eol + 2;
    }
    unsigned char *decoded = NULL;
    size_t n = 0;
    assert_true(base64_decode(joined, strlen(joined), &decoded, &n));
    assert_int_equal(n, strlen("王女士，您好：\r\n\r\n第二段\r\n.以点开头的行\r\n"));
    assert_memory_equal(decoded, "王女士，您好：\r\n\r\n第二段\r\n.以点开头的行\r\n", n);
    free(decoded);
    free(text);
    /* Without a display name the From is the bare address. */
    m.from_name = NULL;
    text = mail_message_build(&m, NULL);
    assert_non_null(strstr(text, "\r\nFrom: <shop@ordo.test>\r\n"));
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses),
        cmocka_unit_test(header_text),
        cmocka_unit_test(date),
        cmocka_unit_test(message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
