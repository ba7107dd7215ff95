#include "core/money.h"

#include <stdio.h>

#include "core/limits.h"

bool money_parse_yuan(const char *s, size_t len, bool negative_ok, int64_t *fen) {
    size_t i = 0;
    bool negative = negative_ok && len > 0 && s[0] == '-';
    if (negative)
        i++;
    int64_t value = 0;
    size_t int_digits = 0, decimals = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, int_digits++) {
        value = value * 10 + (s[i] - '0');
        if (value > ORDO_MONEY_MAX_FEN / 100)
            return false;
    }
    if (int_digits == 0)
        return false;
    value *= 100;
    if (i < len && s[i] == '.') {
        int64_t scale = 10;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9' && decimals < 2; i++, decimals++) {
            value += (s[i] - '0') * scale;
            scale /= 10;
        }
        if (decimals == 0)
            return false;
    }
    if (i != len || value > ORDO_MONEY_MAX_FEN)
        return false;
    *fen = negative ? -value : value;
    return true;
}

char *money_format_yuan(char *buf, size_t cap, int64_t fen) {
    /* Negated as unsigned so INT64_MIN cannot overflow. */
    uint64_t a = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(buf, cap, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
    return buf;
}
