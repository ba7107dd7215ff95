#ifndef ORDO_CORE_USCC_H
#define ORDO_CORE_USCC_H

#include <stddef.h>

/* The unified social credit code (统一社会信用代码, GB 32100-2015): the 18-character tax id
 * every company, public body and registered business in China has. Characters are the digits
 * and the capitals except I, O, S, V and Z (31 in all, valued 0..30 in that order); the 18th is
 * a check character over the first 17 with weights 3^i mod 31: 31 - (sum mod 31), 31 being
 * '0'. A mistyped character always changes it, so a typo is caught before an invoice is
 * issued to a buyer who cannot use it. */

typedef enum {
    USCC_OK,
    USCC_LENGTH,      /* not 18 characters */
    USCC_CHARACTER,   /* a character outside the code's alphabet (lower case included) */
    USCC_CHECK_DIGIT, /* well formed, but the 18th character is not the check character */
} uscc_result_t;

/* Checks code (a NUL-terminated string). On USCC_CHARACTER *position (may be NULL) gets the
 * 0-based index of the first bad character; on USCC_CHECK_DIGIT *expected (may be NULL) gets
 * the check character the first 17 call for. */
uscc_result_t uscc_check(const char *code, size_t *position, char *expected);

/* The check character for the first 17 characters of body, or '\0' when one of them is
 * outside the alphabet. */
char uscc_check_char(const char *body17);

#endif
