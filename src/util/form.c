#include "util/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/utf8.h"

/* Decodes src[0, n) into dst and NUL-terminates it; dst has room for n + 1 bytes because
 * decoding never lengthens. Returns the decoded length, or SIZE_MAX if the text is refused. */
static size_t decode_component(const char *src, size_t n, char *dst) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (n - i < 3)
                return SIZE_MAX;
            int h = hex_digit_value((unsigned char)src[i + 1]);
            int l = hex_digit_value((unsigned char)src[i + 2]);
            if (h < 0 || l < 0)
                return SIZE_MAX;
            c = (unsigned char)(h << 4 | l);
            i += 2;
        }
        if (c == '\0')
            return SIZE_MAX;
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    return utf8_valid((const unsigned char *)dst, o) ? o : SIZE_MAX;
}

bool form_parse(const char *body, size_t len, form_t *out) {
    *out = (form_t){0};
    if (len > FORM_MAX_BODY || (!body && len > 0))
        return false;

    /* Count first so the field cap is enforced before anything is allocated. */
    size_t count = 0;
    for (size_t i = 0; i < len;) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > i)
            count++;
        i = end + 1;
    }
    if (count > FORM_MAX_FIELDS)
        return false;
    if (count == 0)
        return true;

    /* One arena for every string: a field's decoded key and value together take at most its
     * segment's length plus two NULs. */
    form_field_t *fields = calloc(count, sizeof *fields);
    char *arena = malloc(len + 2 * count);
    if (!fields || !arena)
        goto fail;

    size_t n = 0, used = 0;
    for (size_t i = 0; i < len;) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > i) {
            const char *seg = body + i;
            size_t seg_len = end - i;
            const char *eq = memchr(seg, '=', seg_len);
            size_t key_len = eq ? (size_t)(eq - seg) : seg_len;
            char *key = arena + used;
            size_t k = decode_component(seg, key_len, key);
            if (k == SIZE_MAX)
                goto fail;
            used += k + 1;
            char *value = arena + used;
            size_t v = 0;
            if (eq)
                v = decode_component(eq + 1, seg_len - key_len - 1, value);
            else
                value[0] = '\0';
            if (v == SIZE_MAX)
                goto fail;
            used += v + 1;
            fields[n++] = (form_field_t){key, value};
        }
        i = end + 1;
    }
    *out = (form_t){fields, n, arena};
    return true;

fail:
    free(fields);
    free(arena);
    return false;
}

const char *form_get(const form_t *form, const char *key) {
    if (!form || !key)
        return NULL;
    for (size_t i = 0; i < form->count; i++)
        if (strcmp(form->fields[i].key, key) == 0)
            return form->fields[i].value;
    return NULL;
}

void form_free(form_t *form) {
    if (!form)
        return;
    free(form->fields);
    free(form->arena);
    *form = (form_t){0};
}
