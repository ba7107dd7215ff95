#ifndef ORDO_UTIL_HEX_H
#define ORDO_UTIL_HEX_H

#include <stddef.h>

/* The value of one hexadecimal digit (either case), or -1. */
int hex_digit_value(unsigned char c);

/* Writes len bytes as 2 * len lowercase hex digits and a NUL into out. */
void hex_encode(const unsigned char *bytes, size_t len, char *out);

#endif
