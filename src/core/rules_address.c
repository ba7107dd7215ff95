#include <stdio.h>
#include <string.h>

#include "core/rules_internal.h"

/* Address text as buyers type it: mixed full-width and ASCII digits, stray spaces, Chinese and
 * ASCII punctuation. The helpers here read it code point by code point; the order's text is
 * valid UTF-8 (jansson checked it), but a malformed byte is still taken as one character so
 * nothing here can run past the end. */

static uint32_t decode(const unsigned char *s, int *len) {
    unsigned c = s[0];
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t cp = n == 4 ? c & 0x07 : n == 3 ? c & 0x0F : c & 0x1F;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return c;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (n == 1) {
        *len = 1;
        return c;
    }
    *len = n;
    return cp;
}

/* Full-width forms of ASCII (U+FF01..U+FF5E) are what Chinese input methods produce for
 * digits and letters; folding them makes "１８号" and "18号" the same text. */
static uint32_t fold(uint32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0;
    else if (cp == 0x3000)
        cp = ' ';
    if (cp >= 'A' && cp <= 'Z')
        cp += 'a' - 'A';
    return cp;
}

/* Whitespace and punctuation carry no address information, so they neither count towards
 * the length check nor distinguish two address keys. Called on folded code points. */
static bool is_filler(uint32_t cp) {
    if (cp < 0x80)
        return cp <= ' ' || cp == 0x7F || (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') ||
               (cp >= '[' && cp <= '`') || (cp >= '{' && cp <= '~');
    return (cp >= 0x80 && cp <= 0xBF) ||     /* Latin-1 controls, NBSP, ·, «» */
           (cp >= 0x2000 && cp <= 0x206F) || /* spaces, dashes, “”‘’, … */
           (cp >= 0x3001 && cp <= 0x3003) || /* 、。〃 */
           (cp >= 0x3008 && cp <= 0x3011) || /* 〈〉《》「」『』【】 */
           (cp >= 0x3014 && cp <= 0x301F) || /* 〔〕〖〗〘〙〚〛〜〝〞〟 */
           cp == 0x30FB ||                   /* ・ */
           (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6B) ||
           (cp >= 0xFF5F && cp <= 0xFF65) || cp == 0xFEFF;
}

static int encode(uint32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t rules_fold_text(const char *in, size_t in_len, char *out) {
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;
    while (i < in_len) {
        int len;
        uint32_t cp = decode(s + i, &len);
        if (i + (size_t)len > in_len)
            len = (int)(in_len - i); /* a sequence cut by in_len: copy what is there */
        uint32_t f = fold(cp);
        if (!is_filler(f)) {
            if (f == cp || len == 1) {
                /* Unchanged (or a lone malformed byte): copy the bytes as they are. */
                memcpy(out + o, s + i, (size_t)len);
                o += (size_t)len;
                if (len == 1 && f != cp)
                    out[o - 1] = (char)f; /* ASCII lowercased */
            } else {
                o += (size_t)encode(f, out + o); /* never longer than the input sequence */
            }
        }
        i += (size_t)len;
    }
    out[o] = '\0';
    return o;
}

int rules_count_chars(const char *str) {
    const unsigned char *s = (const unsigned char *)str;
    int n = 0;
    while (*s) {
        int len;
        uint32_t cp = decode(s, &len);
        if (!is_filler(fold(cp)))
            n++;
        s += len;
    }
    return n;
}

int rules_address_key(const address_t *a, char *out, size_t out_len) {
    const char *detail = a->detail ? a->detail : "";
    size_t dlen = strlen(detail);
    int head = snprintf(out, out_len, "%06d/%06d/%06d/", (int)a->province_code, (int)a->city_code,
                        (int)a->district_code);
    if (head < 0 || (size_t)head + dlen + 1 > out_len)
        return -1;
    return head + (int)rules_fold_text(detail, dlen, out + head);
}

/* Bytes of one digit at s: ASCII, or full-width U+FF10..U+FF19 (EF BC 90..99). */
static int digit_len(const unsigned char *s) {
    if (*s >= '0' && *s <= '9')
        return 1;
    if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99)
        return 3;
    return 0;
}

/* Length of the marker from list that s starts with (the longest, so "号楼" beats "号"), or 0. */
static size_t marker_at(const rules_strlist_t *list, const char *s) {
    size_t best = 0;
    for (int i = 0; i < list->n; i++) {
        size_t len = strlen(list->items[i]);
        if (len > best && strncmp(s, list->items[i], len) == 0)
            best = len;
    }
    return best;
}

static bool names_unit(const rules_address_params_t *p, const char *rest) {
    for (int i = 0; i < p->unit_markers.n; i++)
        if (strstr(rest, p->unit_markers.items[i]))
            return true;
    if (p->room_min_digits <= 0)
        return false;
    const unsigned char *s = (const unsigned char *)rest;
    int run = 0;
    while (*s) {
        int d = digit_len(s);
        if (d) {
            if (++run >= p->room_min_digits)
                return true;
            s += d;
        } else {
            run = 0;
            int len;
            decode(s, &len);
            s += len;
        }
    }
    return false;
}

void rules_address_check(const rules_address_params_t *p, const char *detail,
                         rules_address_finding_t *f) {
    const char *text = detail ? detail : "";
    f->chars = rules_count_chars(text);
    f->too_short = f->chars < p->min_detail_chars;
    f->missing_unit = false;
    f->house_number[0] = '\0';

    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (s[i]) {
        if (!digit_len(s + i)) {
            int len;
            decode(s + i, &len);
            i += (size_t)len;
            continue;
        }
        size_t start = i;
        int d;
        while ((d = digit_len(s + i)) != 0)
            i += (size_t)d;
        /* Digits naming a building or unit ("3栋", "5号楼") already make the address precise;
         * unit markers go first so "号楼" is not read as a house number. */
        if (marker_at(&p->unit_markers, text + i))
            return;
        size_t m = marker_at(&p->house_markers, text + i);
        if (!m)
            continue;
        if (!names_unit(p, text + i + m)) {
            f->missing_unit = true;
            size_t len = i + m - start;
            if (len >= sizeof f->house_number)
                len = sizeof f->house_number - 1; /* digits are ASCII-ish; a cut here is rare */
            while (len > 0 && (s[start + len] & 0xC0) == 0x80)
                len--;
            memcpy(f->house_number, text + start, len);
            f->house_number[len] = '\0';
        }
        return; /* only the first house number matters: what follows it is checked above */
    }
}
