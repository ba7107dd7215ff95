/* 统一社会信用代码 check (GB 32100-2015). */
#include "core/uscc.h"

#include <string.h>

#define USCC_LEN 18

/* The code's alphabet in value order: I, O, S, V and Z are left out because they are too
 * easily read as 1, 0, 5, U and 2. */
static const char ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* 3^i mod 31 for i = 0..16. */
static const int WEIGHTS[USCC_LEN - 1] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

static int value_of(char c) {
    const char *at = c ? strchr(ALPHABET, c) : NULL;
    return at ? (int)(at - ALPHABET) : -1;
}

char uscc_check_char(const char *body17) {
    int sum = 0;
    for (int i = 0; i < USCC_LEN - 1; i++) {
        int v = value_of(body17[i]);
        if (v < 0)
            return '\0';
        sum += v * WEIGHTS[i];
    }
    int check = 31 - sum % 31;
    return ALPHABET[check == 31 ? 0 : check];
}

uscc_result_t uscc_check(const char *code, size_t *position, char *expected) {
    if (strlen(code) != USCC_LEN)
        return USCC_LENGTH;
    for (size_t i = 0; i < USCC_LEN; i++)
        if (value_of(code[i]) < 0) {
            if (position)
                *position = i;
            return USCC_CHARACTER;
        }
    char want = uscc_check_char(code);
    if (code[USCC_LEN - 1] != want) {
        if (expected)
            *expected = want;
        return USCC_CHECK_DIGIT;
    }
    return USCC_OK;
}
