/* Amounts in Chinese capital numerals (大写金额). */
#include "core/rmb_upper.h"

#include <stdbool.h>
#include <string.h>

static const char *const DIGITS[10] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
/* Within a group of four digits, and the groups themselves (units, 万, 亿). */
static const char *const PLACES[4] = {"", "拾", "佰", "仟"};
static const char *const GROUPS[3] = {"", "万", "亿"};

typedef struct {
    char *out;
    size_t cap, len;
    bool overflow;
} text_t;

static void put(text_t *t, const char *s) {
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->overflow = true;
        return;
    }
    memcpy(t->out + t->len, s, n + 1);
    t->len += n;
}

/* The yuan in capitals, without 元: one 零 stands for each run of zeros that has a non-zero
 * digit after it, and a group of four zeros drops its 万 or 亿. */
static void put_yuan(text_t *t, int64_t yuan) {
    int digits[12];
    int n = 0;
    for (int64_t v = yuan; v > 0 && n < 12; v /= 10)
        digits[n++] = (int)(v % 10);
    bool started = false, zeros = false, group_nonzero = false;
    for (int pos = n - 1; pos >= 0; pos--) {
        int d = digits[pos];
        if (d == 0) {
            zeros = started;
        } else {
            if (zeros)
                put(t, DIGITS[0]);
            zeros = false;
            put(t, DIGITS[d]);
            put(t, PLACES[pos % 4]);
            started = group_nonzero = true;
        }
        if (pos % 4 == 0) {
            if (group_nonzero)
                put(t, GROUPS[pos / 4]);
            group_nonzero = false;
        }
    }
}

char *rmb_upper(int64_t fen, char *out, size_t cap) {
    if (cap == 0 || fen >= RMB_UPPER_FEN_MAX || fen <= -RMB_UPPER_FEN_MAX)
        return NULL;
    text_t t = {.out = out, .cap = cap};
    out[0] = '\0';
    if (fen < 0) {
        put(&t, "负");
        fen = -fen;
    }
    int64_t yuan = fen / 100;
    int jiao = (int)(fen / 10 % 10), cents = (int)(fen % 10);
    if (yuan > 0) {
        put_yuan(&t, yuan);
        put(&t, "元");
    }
    if (jiao == 0 && cents == 0) {
        put(&t, yuan > 0 ? "整" : "零元整");
    } else {
        if (jiao > 0) {
            put(&t, DIGITS[jiao]);
            put(&t, "角");
        } else if (yuan > 0) {
            put(&t, DIGITS[0]); /* 壹元零伍分: the 零 says there are no jiao */
        }
        if (cents > 0) {
            put(&t, DIGITS[cents]);
            put(&t, "分");
        }
    }
    return t.overflow ? NULL : out;
}
