#include "util/jsonw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jsonw_t *w) {
    memset(w, 0, sizeof *w);
}

void jw_free(jsonw_t *w) {
    free(w->buf);
    jw_init(w);
}

char *jw_take(jsonw_t *w, size_t *len_out) {
    char *out = w->oom ? NULL : w->buf;
    if (len_out)
        *len_out = out ? w->len : 0;
    if (!out)
        free(w->buf);
    jw_init(w);
    return out;
}

static bool reserve(jsonw_t *w, size_t extra) {
    if (w->oom)
        return false;
    if (w->len + extra + 1 <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : 1024;
    while (cap < w->len + extra + 1)
        cap *= 2;
    char *nb = realloc(w->buf, cap);
    if (!nb) {
        w->oom = true;
        return false;
    }
    w->buf = nb;
    w->cap = cap;
    return true;
}

static void put(jsonw_t *w, const char *s, size_t n) {
    if (!reserve(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

/* A value or key is about to be written at the current level. */
static void before_item(jsonw_t *w) {
    if (w->has_item[w->depth])
        put(w, ",", 1);
    w->has_item[w->depth] = true;
}

static void open_level(jsonw_t *w, char c) {
    before_item(w);
    put(w, &c, 1);
    if (w->depth + 1 < (int)(sizeof w->has_item / sizeof w->has_item[0]))
        w->depth++;
    else
        w->oom = true; /* deeper than any document ordo writes: a programming error */
    w->has_item[w->depth] = false;
}

static void close_level(jsonw_t *w, char c) {
    if (w->depth > 0)
        w->depth--;
    put(w, &c, 1);
}

void jw_obj_begin(jsonw_t *w) {
    open_level(w, '{');
}
void jw_obj_end(jsonw_t *w) {
    close_level(w, '}');
}
void jw_arr_begin(jsonw_t *w) {
    open_level(w, '[');
}
void jw_arr_end(jsonw_t *w) {
    close_level(w, ']');
}

static void escaped(jsonw_t *w, const char *s) {
    size_t n = strlen(s);
    if (!reserve(w, n * 6 + 2))
        return;
    char *o = w->buf + w->len;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            *o++ = '\\';
            switch (c) {
            case '\n':
                *o++ = 'n';
                break;
            case '\r':
                *o++ = 'r';
                break;
            case '\t':
                *o++ = 't';
                break;
            default:
                *o++ = 'u';
                *o++ = '0';
                *o++ = '0';
                *o++ = hex[c >> 4];
                *o++ = hex[c & 15];
            }
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    w->len = (size_t)(o - w->buf);
    w->buf[w->len] = '\0';
}

void jw_key(jsonw_t *w, const char *key) {
    before_item(w);
    escaped(w, key);
    put(w, ":", 1);
    /* The value that follows belongs to this key: its before_item must write no comma, and
     * marks the level as having an item again. */
    w->has_item[w->depth] = false;
}

void jw_str(jsonw_t *w, const char *s) {
    if (!s) {
        jw_null(w);
        return;
    }
    before_item(w);
    escaped(w, s);
}

void jw_int(jsonw_t *w, int64_t v) {
    /* By hand: snprintf took ~700 instructions a number, and every order writes dozens. */
    char num[24];
    char *end = num + sizeof num, *p = end;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    before_item(w);
    put(w, p, (size_t)(end - p));
}

void jw_bool(jsonw_t *w, bool v) {
    before_item(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(jsonw_t *w) {
    before_item(w);
    put(w, "null", 4);
}

void jw_raw_value(jsonw_t *w, const char *json, size_t len) {
    before_item(w);
    put(w, json, len);
}
