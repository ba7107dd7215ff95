#include "util/timefmt.h"

#include <stdio.h>
#include <time.h>

#define MS_PER_DAY 86400000LL
#define CHINA_OFFSET_MS (8LL * 3600 * 1000)

int64_t time_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Civil-date arithmetic after Howard Hinnant's days_from_civil / civil_from_days: exact for
 * the proleptic Gregorian calendar, independent of TZ, locale and the platform's time_t. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m) {
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Splits ms into whole days (rounded toward minus infinity) and the ms into that day.
 * Written so that no intermediate overflows, even at INT64_MIN. */
static void split_days(int64_t ms, int64_t *days, int64_t *rem) {
    *days = ms / MS_PER_DAY;
    *rem = ms % MS_PER_DAY;
    if (*rem < 0) {
        *rem += MS_PER_DAY;
        (*days)--;
    }
}

/* Reads exactly n ASCII digits; no sign, no spaces (strtol would accept both). */
static bool digits(const char **p, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c) {
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* "YYYY-MM-DD" at *p, range-checked including the month's length. */
static bool parse_date_part(const char **p, int *y, int *m, int *d) {
    if (!digits(p, 4, y) || !expect(p, '-') || !digits(p, 2, m) || !expect(p, '-') ||
        !digits(p, 2, d))
        return false;
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

bool rfc3339_parse(const char *s, int64_t *out_ms) {
    if (!s)
        return false;
    const char *p = s;
    int y, mo, d, h, mi, sec;
    if (!parse_date_part(&p, &y, &mo, &d))
        return false;
    /* RFC 3339 section 5.6 allows a lowercase 't'/'z'; the space of its note is not ABNF. */
    if (*p != 'T' && *p != 't')
        return false;
    p++;
    if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') ||
        !digits(&p, 2, &sec))
        return false;
    /* Leap seconds (:60) are rejected: an epoch-millisecond count cannot represent them and
     * no order channel sends them. */
    if (h > 23 || mi > 59 || sec > 59)
        return false;
    int ms = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        while (*p >= '0' && *p <= '9') {
            /* Digits past milliseconds are truncated, not rounded, so an instant never moves
             * into the next second (or day). */
            if (n < 3)
                ms = ms * 10 + (*p - '0');
            n++;
            p++;
        }
        if (n == 0 || n > 9)
            return false;
        for (; n < 3; n++)
            ms *= 10;
    }
    int offset_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        p++;
        int oh, om;
        if (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om))
            return false;
        if (oh > 23 || om > 59)
            return false;
        offset_min = sign * (oh * 60 + om);
    } else {
        return false;
    }
    if (*p != '\0')
        return false;
    int64_t days = days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)offset_min * 60;
    *out_ms = secs * 1000 + ms;
    return true;
}

/* n decimal digits of v (0 <= v < 10^n) at p, zero-padded. */
static char *put_digits(char *p, int v, int n) {
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

char *rfc3339_format(int64_t ms, char *buf, size_t len) {
    int64_t days, rem;
    split_days(ms, &days, &rem);
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int h = (int)(rem / 3600000);
    int mi = (int)(rem / 60000 % 60);
    int s = (int)(rem / 1000 % 60);
    int frac = (int)(rem % 1000);
    /* By hand in the common case: every stored order and response carries several of these,
     * and snprintf with seven fields costs ten times as much. */
    if (y >= 0 && y <= 9999 && len >= sizeof "0000-00-00T00:00:00.000Z") {
        char *p = put_digits(buf, (int)y, 4);
        *p++ = '-';
        p = put_digits(p, m, 2);
        *p++ = '-';
        p = put_digits(p, d, 2);
        *p++ = 'T';
        p = put_digits(p, h, 2);
        *p++ = ':';
        p = put_digits(p, mi, 2);
        *p++ = ':';
        p = put_digits(p, s, 2);
        *p++ = '.';
        p = put_digits(p, frac, 3);
        *p++ = 'Z';
        *p = '\0';
        return buf;
    }
    snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)y, m, d, h, mi, s, frac);
    return buf;
}

bool date_parse(const char *s, int32_t *out_day) {
    if (!s)
        return false;
    const char *p = s;
    int y, m, d;
    if (!parse_date_part(&p, &y, &m, &d) || *p != '\0')
        return false;
    *out_day = (int32_t)days_from_civil(y, m, d);
    return true;
}

char *date_format(int32_t day, char *buf, size_t len) {
    int64_t y;
    int m, d;
    civil_from_days(day, &y, &m, &d);
    if (y >= 0 && y <= 9999 && len >= sizeof "0000-00-00") {
        char *p = put_digits(buf, (int)y, 4);
        *p++ = '-';
        p = put_digits(p, m, 2);
        *p++ = '-';
        p = put_digits(p, d, 2);
        *p = '\0';
        return buf;
    }
    snprintf(buf, len, "%04lld-%02d-%02d", (long long)y, m, d);
    return buf;
}

int32_t day_in_china(int64_t ms) {
    /* Split before adding the offset so ms near INT64_MAX cannot overflow. */
    int64_t days, rem;
    split_days(ms, &days, &rem);
    days += rem + CHINA_OFFSET_MS >= MS_PER_DAY;
    /* Instants millions of years away saturate rather than wrap into a plausible date. */
    if (days > INT32_MAX)
        return INT32_MAX;
    if (days < INT32_MIN)
        return INT32_MIN;
    return (int32_t)days;
}
