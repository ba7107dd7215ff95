#include "core/mail_message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/base64.h"

/* Bytes of text per encoded-word: 13 three-byte characters, a multiple of 3 so the base64 has
 * no padding inside a run; "Subject: " plus one word stays under 78 columns. */
#define WORD_BYTES 39
#define BODY_LINE 76
#define PLAIN_HEADER_MAX 66

static bool is_atext(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static bool is_ldh(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool domain_valid(const char *d) {
    int labels = 0;
    while (*d) {
        size_t n = 0;
        while (is_ldh((unsigned char)d[n]))
            n++;
        if (n == 0 || n > 63 || d[0] == '-' || d[n - 1] == '-')
            return false;
        labels++;
        d += n;
        if (*d == '.' && d[1])
            d++;
        else if (*d)
            return false;
    }
    return labels >= 2;
}

bool mail_address_valid(const char *s) {
    const char *at = strchr(s, '@');
    size_t len = strlen(s);
    if (!at || len > 254 || at == s || at - s > 64 || strchr(at + 1, '@'))
        return false;
    for (const char *p = s; p < at; p++) {
        if (*p == '.') {
            if (p == s || p + 1 == at || p[1] == '.')
                return false;
        } else if (!is_atext((unsigned char)*p)) {
            return false;
        }
    }
    return domain_valid(at + 1);
}

static bool plain_ascii(const char *text) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++, n++)
        if (*p < 0x20 || *p > 0x7e)
            return false;
    return n <= PLAIN_HEADER_MAX && !strstr(text, "=?");
}

/* Writes text as encoded-words of at most WORD_BYTES, cut between UTF-8 characters. */
static void put_words(FILE *out, const char *text) {
    size_t len = strlen(text), at = 0;
    if (len == 0)
        return;
    while (at < len) {
        size_t n = len - at < WORD_BYTES ? len - at : WORD_BYTES;
        while (n > 0 && at + n < len && ((unsigned char)text[at + n] & 0xC0) == 0x80)
            n--;
        if (n == 0) /* not UTF-8 (a run of continuation bytes): cut anywhere */
            n = len - at < WORD_BYTES ? len - at : WORD_BYTES;
        char *b64 = base64_encode((const unsigned char *)text + at, n, NULL);
        if (!b64) {
            fputc('\0', out); /* poisons the result: the caller checks for it */
            return;
        }
        fprintf(out, "%s=?UTF-8?B?%s?=", at ? "\r\n " : "", b64);
        free(b64);
        at += n;
    }
}

static void put_header_text(FILE *out, const char *text) {
    if (plain_ascii(text))
        fputs(text, out);
    else
        put_words(out, text);
}

/* Closes the stream and returns its buffer (which only fclose makes final), or NULL (freed)
 * when writing failed or a NUL got in (an allocation inside failed). */
static char *finish(FILE *out, char **buf, const size_t *size, size_t *len_out) {
    bool failed = ferror(out) != 0;
    fclose(out);
    if (failed || !*buf || strlen(*buf) != *size) {
        free(*buf);
        return NULL;
    }
    if (len_out)
        *len_out = *size;
    return *buf;
}

char *mail_header_text(const char *text) {
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (!out)
        return NULL;
    put_header_text(out, text);
    return finish(out, &buf, &size, NULL);
}

char *mail_date(int64_t ms, char *buf, size_t len) {
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0800", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

/* The body in canonical form (CRLF line breaks), base64 in lines of BODY_LINE. */
static void put_body(FILE *out, const char *body) {
    char *crlf = NULL;
    size_t crlf_len = 0;
    FILE *canon = open_memstream(&crlf, &crlf_len);
    if (!canon) {
        fputc('\0', out);
        return;
    }
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            fputc('\r', canon);
        fputc(*p, canon);
    }
    fclose(canon);
    size_t b64_len = 0;
    char *b64 = crlf ? base64_encode((const unsigned char *)crlf, crlf_len, &b64_len) : NULL;
    free(crlf);
    if (!b64) {
        fputc('\0', out);
        return;
    }
    for (size_t at = 0; at < b64_len; at += BODY_LINE) {
        fwrite(b64 + at, 1, b64_len - at < BODY_LINE ? b64_len - at : BODY_LINE, out);
        fputs("\r\n", out);
    }
    free(b64);
}

char *mail_message_build(const mail_t *m, size_t *len_out) {
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (!out)
        return NULL;
    char date[40];
    fprintf(out, "Date: %s\r\nFrom: ", mail_date(m->date_ms, date, sizeof date));
    if (m->from_name && *m->from_name) {
        /* A display name goes encoded whatever it is: plain text would need quoting rules. */
        put_words(out, m->from_name);
        fputc(' ', out);
    }
    fprintf(out, "<%s>\r\nTo: <%s>\r\nSubject: ", m->from, m->to);
    put_header_text(out, m->subject ? m->subject : "");
    fprintf(out,
            "\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n",
            m->message_id);
    put_body(out, m->body ? m->body : "");
    return finish(out, &buf, &size, len_out);
}
