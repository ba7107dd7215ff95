#include "core/phone.h"

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest input accepted: "+86 (0755) 8601-3388 ext" style noise aside, no real number with
 * separators needs more, and the cap bounds the work per call. */
#define PHONE_INPUT_MAX 20

struct phone_plan {
    regex_t mobile;
    regex_t fixed_line;
};

/* Copies xml without <!-- --> comments so a tag name mentioned inside a comment cannot be
 * mistaken for the element. Caller frees. */
static char *strip_comments(const char *xml) {
    size_t n = strlen(xml);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    const char *p = xml;
    while (*p) {
        if (strncmp(p, "<!--", 4) == 0) {
            const char *end = strstr(p + 4, "-->");
            if (!end) {
                free(out);
                return NULL;
            }
            p = end + 3;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

/* Finds <element>…<nationalNumberPattern>PATTERN</nationalNumberPattern>…</element> and
 * converts PATTERN (Java regex syntax as libphonenumber writes it) to an anchored POSIX ERE.
 * Caller frees. */
static char *extract_pattern(const char *xml, const char *element, char *err, size_t err_len) {
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", element);
    snprintf(close, sizeof close, "</%s>", element);
    const char *start = strstr(xml, open);
    const char *end = start ? strstr(start, close) : NULL;
    if (!start || !end) {
        snprintf(err, err_len, "no <%s> element", element);
        return NULL;
    }
    static const char popen[] = "<nationalNumberPattern>";
    static const char pclose[] = "</nationalNumberPattern>";
    const char *ps = strstr(start, popen);
    if (!ps || ps > end) {
        snprintf(err, err_len, "<%s> has no <nationalNumberPattern>", element);
        return NULL;
    }
    ps += sizeof popen - 1;
    const char *pe = strstr(ps, pclose);
    if (!pe || pe > end) {
        snprintf(err, err_len, "<%s> pattern is not closed", element);
        return NULL;
    }
    /* "\d" (2 bytes) grows to "[0-9]" (5): 3x the source plus anchors is always enough. */
    size_t cap = (size_t)(pe - ps) * 3 + 3;
    char *out = malloc(cap);
    if (!out) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    size_t o = 0;
    out[o++] = '^';
    out[o++] = '(';
    for (const char *p = ps; p < pe; p++) {
        char c = *p;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '(' && p + 2 < pe && p[1] == '?' && p[2] == ':') {
            out[o++] = '(';
            p += 2;
            continue;
        }
        if (c == '\\') {
            if (p + 1 < pe && p[1] == 'd') {
                memcpy(out + o, "[0-9]", 5);
                o += 5;
                p++;
                continue;
            }
            /* Any other escape has no exact ERE equivalent; refuse rather than mis-match. */
            snprintf(err, err_len, "<%s> pattern uses an unsupported escape", element);
            free(out);
            return NULL;
        }
        if (!strchr("0123456789()[]{}|?,-", c)) {
            snprintf(err, err_len, "<%s> pattern has unsupported character '%c'", element, c);
            free(out);
            return NULL;
        }
        out[o++] = c;
    }
    out[o++] = ')';
    out[o++] = '$';
    out[o] = '\0';
    return out;
}

static bool compile(const char *xml, const char *element, regex_t *re, char *err, size_t err_len) {
    char *ere = extract_pattern(xml, element, err, err_len);
    if (!ere)
        return false;
    int rc = regcomp(re, ere, REG_EXTENDED | REG_NOSUB);
    free(ere);
    if (rc != 0) {
        char msg[128];
        regerror(rc, re, msg, sizeof msg);
        snprintf(err, err_len, "<%s> pattern does not compile: %s", element, msg);
        return false;
    }
    return true;
}

phone_plan_t *phone_plan_from_xml(const char *xml_text, char *err, size_t err_len) {
    if (!xml_text) {
        snprintf(err, err_len, "no metadata text");
        return NULL;
    }
    char *xml = strip_comments(xml_text);
    if (!xml) {
        snprintf(err, err_len, "unterminated comment or out of memory");
        return NULL;
    }
    phone_plan_t *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, err_len, "out of memory");
        free(xml);
        return NULL;
    }
    if (!compile(xml, "mobile", &p->mobile, err, err_len)) {
        free(p);
        free(xml);
        return NULL;
    }
    if (!compile(xml, "fixedLine", &p->fixed_line, err, err_len)) {
        regfree(&p->mobile);
        free(p);
        free(xml);
        return NULL;
    }
    free(xml);
    return p;
}

void phone_plan_free(phone_plan_t *p) {
    if (!p)
        return;
    regfree(&p->mobile);
    regfree(&p->fixed_line);
    free(p);
}

static bool matches(const regex_t *re, const char *digits) {
    return regexec(re, digits, 0, NULL, 0) == 0;
}

static bool starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static phone_kind_t invalid(char *normalized, size_t normalized_len) {
    if (normalized && normalized_len > 0)
        normalized[0] = '\0';
    return PHONE_INVALID;
}

phone_kind_t phone_classify(const phone_plan_t *p, const char *input, char *normalized,
                            size_t normalized_len) {
    if (!p || !input)
        return invalid(normalized, normalized_len);
    size_t in_len = strnlen(input, PHONE_INPUT_MAX + 1);
    if (in_len == 0 || in_len > PHONE_INPUT_MAX)
        return invalid(normalized, normalized_len);

    /* Keep the digits and a leading '+'; separators people type are dropped, anything else
     * (letters, extensions, a '+' in the middle) makes the number invalid. */
    char buf[PHONE_INPUT_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < in_len; i++) {
        char c = input[i];
        if (c == ' ' || c == '-' || c == '(' || c == ')')
            continue;
        if ((c >= '0' && c <= '9') || (c == '+' && n == 0)) {
            buf[n++] = c;
            continue;
        }
        return invalid(normalized, normalized_len);
    }
    buf[n] = '\0';

    const char *d = buf;
    bool had_country_code = false;
    if (starts_with(d, "+86")) {
        d += 3;
        had_country_code = true;
    } else if (buf[0] == '+') {
        return invalid(normalized, normalized_len); /* another country */
    } else if (starts_with(d, "0086")) {
        d += 4;
        had_country_code = true;
    } else if (starts_with(d, "86") && strlen(d + 2) == 11 && d[2] == '1') {
        /* A bare "86" is only a country code when a full mobile follows; otherwise it may be
         * the start of a local number. */
        d += 2;
        had_country_code = true;
    }

    phone_kind_t kind = PHONE_INVALID;
    if (d[0] == '0') {
        /* Trunk prefix: only landlines are dialled with it (010-…, 0755-…). */
        d++;
        if (d[0] != '\0' && d[0] != '0' && matches(&p->fixed_line, d))
            kind = PHONE_FIXED_LINE;
    } else if (strlen(d) == 11 && d[0] == '1' && matches(&p->mobile, d)) {
        kind = PHONE_MOBILE;
    } else if (had_country_code && d[0] != '\0' && matches(&p->fixed_line, d)) {
        /* International format drops the trunk 0: "+86 10 12345678". Without a country code
         * a bare area-code-less string is a local number we cannot place, so it is refused. */
        kind = PHONE_FIXED_LINE;
    }
    if (kind == PHONE_INVALID)
        return invalid(normalized, normalized_len);
    size_t dl = strlen(d);
    if (!normalized || dl + 1 > normalized_len)
        return invalid(normalized, normalized_len);
    memcpy(normalized, d, dl + 1);
    return kind;
}
