#ifndef ORDO_UTIL_TIMEFMT_H
#define ORDO_UTIL_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wall clock, UTC milliseconds since the epoch. */
int64_t time_now_ms(void);
/* Monotonic clock in nanoseconds, for durations. */
int64_t time_mono_ns(void);

/* Parses an RFC 3339 date-time ("2026-11-11T00:00:01+08:00", "…Z", optional fraction) into
 * UTC milliseconds. Returns false on any malformation, out-of-range field or missing offset. */
bool rfc3339_parse(const char *s, int64_t *out_ms);

/* Formats UTC milliseconds as "2026-11-10T16:00:01.000Z" into buf (at least 32 bytes).
 * Returns buf. */
char *rfc3339_format(int64_t ms, char *buf, size_t len);

/* Parses a calendar date "YYYY-MM-DD" into days since 1970-01-01. */
bool date_parse(const char *s, int32_t *out_day);
/* Formats days since epoch as "YYYY-MM-DD" into buf (at least 11 bytes). */
char *date_format(int32_t day, char *buf, size_t len);

/* Day number (days since epoch) of a UTC instant as seen in China Standard Time (UTC+8):
 * delivery dates are the buyer's calendar dates. */
int32_t day_in_china(int64_t ms);

#endif
