#include "util/sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The length of the line starting at p (up to end), and of the break after it (0 at the end). */
static size_t line_at(const char *p, const char *end, size_t *brk) {
    const char *q = p;
    while (q < end && *q != '\n' && *q != '\r')
        q++;
    *brk = q == end ? 0 : (*q == '\r' && q + 1 < end && q[1] == '\n') ? 2 : 1;
    return (size_t)(q - p);
}

char *sse_event(int64_t id, const char *event, const char *data, size_t data_len, size_t *len) {
    char head[160];
    int head_len = event
                       ? snprintf(head, sizeof head, "id: %lld\nevent: %s\n", (long long)id, event)
                       : snprintf(head, sizeof head, "id: %lld\n", (long long)id);
    if (head_len < 0 || (size_t)head_len >= sizeof head)
        return NULL;
    /* Each line costs "data: " and its LF; a trailing break still ends an empty last line. */
    const char *end = data + data_len;
    size_t lines = 1, brk;
    for (const char *p = data; p < end;) {
        p += line_at(p, end, &brk);
        p += brk;
        if (brk)
            lines++;
    }
    size_t cap = (size_t)head_len + data_len + lines * 7 + 2;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    memcpy(out, head, (size_t)head_len);
    size_t n = (size_t)head_len;
    const char *p = data;
    for (;;) {
        size_t l = line_at(p, end, &brk);
        memcpy(out + n, "data: ", 6);
        n += 6;
        memcpy(out + n, p, l);
        n += l;
        out[n++] = '\n';
        p += l + brk;
        if (!brk)
            break;
    }
    out[n++] = '\n';
    out[n] = '\0';
    *len = n;
    return out;
}

size_t sse_position(char *out, size_t cap, int64_t id) {
    int n = snprintf(out, cap, "id: %lld\n\n", (long long)id);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t sse_opening(char *out, size_t cap, int retry_ms, int64_t id) {
    int n = snprintf(out, cap, "retry: %d\nid: %lld\n\n", retry_ms, (long long)id);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}
