#ifndef ORDO_UTIL_UTF8_H
#define ORDO_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0, n) is RFC 3629 UTF-8: overlong forms, surrogates and code points above
 * U+10FFFF are refused, since another decoder downstream could read them differently than we
 * did. */
bool utf8_valid(const unsigned char *s, size_t n);

/* The length of the longest valid UTF-8 prefix of s[0, n): where the first bad byte is. */
size_t utf8_valid_prefix(const unsigned char *s, size_t n);

#endif
