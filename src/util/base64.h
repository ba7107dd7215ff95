#ifndef ORDO_UTIL_BASE64_H
#define ORDO_UTIL_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Strict RFC 4648 base64, standard alphabet, '=' padding required. Signatures arrive base64
 * encoded, and a lenient decoder (skipping unknown characters, tolerating missing padding or
 * stray bits) would let many different strings stand for one signature. Refused: a length
 * that is not a multiple of 4, any character outside the alphabet (whitespace included), '='
 * anywhere but the last one or two places, and non-zero bits in the final padding group.
 * On success *out is a heap buffer the caller frees (allocated even for empty input) and
 * *out_len its length; on failure *out is NULL. */
bool base64_decode(const char *in, size_t in_len, unsigned char **out, size_t *out_len);

/* Encodes len bytes as padded base64. Returns a NUL-terminated heap string the caller frees,
 * or NULL if memory ran out; *out_len (may be NULL) receives its length. */
char *base64_encode(const unsigned char *in, size_t len, size_t *out_len);

#endif
