#include "util/base64.h"

#include <stdint.h>
#include <stdlib.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int sextet(unsigned char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool base64_decode(const char *in, size_t in_len, unsigned char **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    if (in_len % 4 != 0 || (!in && in_len > 0))
        return false;
    size_t pad = 0;
    if (in_len > 0 && in[in_len - 1] == '=')
        pad = in[in_len - 2] == '=' ? 2 : 1;
    size_t n = in_len / 4 * 3 - pad;
    unsigned char *buf = malloc(n > 0 ? n : 1);
    if (!buf)
        return false;

    size_t o = 0;
    for (size_t i = 0; i < in_len; i += 4) {
        bool last = i + 4 == in_len;
        size_t data = last ? 4 - pad : 4; /* characters of this group that carry bits */
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int s = 0;
            if (k < data) {
                s = sextet((unsigned char)in[i + k]);
                if (s < 0)
                    goto fail;
            }
            v = v << 6 | (uint32_t)s;
        }
        /* Bits below the last whole byte must be zero, or two strings would decode alike. */
        if ((pad == 1 && last && (v & 0xFF) != 0) || (pad == 2 && last && (v & 0xFFFF) != 0))
            goto fail;
        buf[o++] = (unsigned char)(v >> 16);
        if (data > 2)
            buf[o++] = (unsigned char)(v >> 8);
        if (data > 3)
            buf[o++] = (unsigned char)v;
    }
    *out = buf;
    *out_len = n;
    return true;

fail:
    free(buf);
    return false;
}

char *base64_encode(const unsigned char *in, size_t len, size_t *out_len) {
    if (len > (SIZE_MAX - 1) / 4 * 3 - 2)
        return NULL;
    size_t n = (len + 2) / 3 * 4;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        size_t left = len - i;
        uint32_t v = (uint32_t)in[i] << 16;
        if (left > 1)
            v |= (uint32_t)in[i + 1] << 8;
        if (left > 2)
            v |= in[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = left > 1 ? alphabet[v >> 6 & 63] : '=';
        out[o++] = left > 2 ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    if (out_len)
        *out_len = n;
    return out;
}
