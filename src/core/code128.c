#include "core/code128.h"

#include <stdbool.h>
#include <string.h>

/* Bar/space widths of the symbols 0..105 (each six widths, eleven modules) and the stop. */
static const char patterns[106][7] = {
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232",
};
static const char stop_pattern[] = "2331112";

enum { CODE_C = 99, CODE_B = 100, START_B = 104, START_C = 105, STOP = 106 };

static int digit_run(const char *p) {
    int n = 0;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    return n;
}

int code128_symbols(const char *text, int *values, int max) {
    size_t len = strlen(text);
    if (len == 0 || len > CODE128_TEXT_MAX || max < CODE128_SYMBOLS_MAX)
        return -1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] < 32 || (unsigned char)text[i] > 126)
            return -1;
    int n = 0;
    const char *p = text;
    /* Code set C pays for its switch symbols only over a run of digits: the whole text when
     * it is an even number of digits (or 4+ at its start), else 6 or more inside it. */
    int run = digit_run(p);
    bool in_c = (size_t)run == len ? run % 2 == 0 : run >= 4;
    values[n++] = in_c ? START_C : START_B;
    while (*p) {
        run = digit_run(p);
        if (in_c) {
            if (run >= 2) {
                values[n++] = (p[0] - '0') * 10 + (p[1] - '0');
                p += 2;
                continue;
            }
            values[n++] = CODE_B;
            in_c = false;
        }
        bool rest_digits = (size_t)run == strlen(p);
        if (run >= 6 || (rest_digits && run >= 4)) {
            if (run % 2) { /* odd: the first digit stays in B, the rest pair up */
                values[n++] = *p++ - 32;
                continue;
            }
            values[n++] = CODE_C;
            in_c = true;
            continue;
        }
        values[n++] = *p++ - 32;
    }
    long sum = values[0];
    for (int i = 1; i < n; i++)
        sum += (long)values[i] * i;
    values[n++] = (int)(sum % 103);
    values[n++] = STOP;
    return n;
}

int code128_widths(const char *text, uint8_t *widths, int max, int *modules) {
    int values[CODE128_SYMBOLS_MAX];
    int n = code128_symbols(text, values, CODE128_SYMBOLS_MAX);
    if (n < 0 || max < (n - 1) * 6 + 7)
        return -1;
    int w = 0, total = 0;
    for (int i = 0; i < n; i++) {
        const char *pattern = values[i] == STOP ? stop_pattern : patterns[values[i]];
        for (const char *c = pattern; *c; c++) {
            widths[w++] = (uint8_t)(*c - '0');
            total += *c - '0';
        }
    }
    if (modules)
        *modules = total;
    return w;
}
