#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/timefmt.h"

static log_level_t min_level = LOG_INFO;
static const char *level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(log_level_t min) {
    min_level = min;
}

/* Writes msg as a JSON string body, escaping what JSON requires. */
static size_t json_escape(char *out, size_t cap, const char *msg) {
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)msg; *p && o + 7 < cap; p++) {
        if (*p == '"' || *p == '\\') {
            out[o++] = '\\';
            out[o++] = (char)*p;
        } else if (*p < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", *p);
        } else {
            out[o++] = (char)*p;
        }
    }
    out[o] = '\0';
    return o;
}

void log_msg(log_level_t level, const char *fmt, ...) {
    if (level < min_level)
        return;
    char msg[1024], escaped[2048], ts[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_escape(escaped, sizeof escaped, msg);
    rfc3339_format(time_now_ms(), ts, sizeof ts);
    /* One fprintf per line: stdio locks the stream, so lines from threads don't interleave. */
    fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"}\n", ts, level_names[level],
            escaped);
}
