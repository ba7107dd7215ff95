#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/form.h"

static form_t parse_ok(const char *body) {
    form_t f;
    if (!form_parse(body, strlen(body), &f))
        fail_msg("refused: \"%s\"", body);
    return f;
}

static void expect_refused(const char *body, size_t len) {
    form_t f = {.count = 99};
    if (form_parse(body, len, &f))
        fail_msg("accepted: \"%.*s\"", (int)(len < 80 ? len : 80), body);
    assert_null(f.fields);
    assert_int_equal(f.count, 0);
    form_free(&f); /* harmless on a refused form */
}

static void percent_decoding_and_plus(void **state) {
    (void)state;
    form_t f = parse_ok("subject=%E8%AF%AD%E9%9B%80+500%E4%BA%BA&a%20b=x%2By&pct=100%25"
                        "&email=z97%40service.aliyun.com&mixed=%e8%af%ad");
    assert_int_equal(f.count, 5);
    assert_string_equal(form_get(&f, "subject"), "语雀 500人");
    assert_string_equal(form_get(&f, "a b"), "x+y"); /* %2B is a literal plus, '+' a space */
    assert_string_equal(form_get(&f, "pct"), "100%");
    assert_string_equal(form_get(&f, "email"), "z97@service.aliyun.com");
    assert_string_equal(form_get(&f, "mixed"), "语"); /* lowercase hex digits */
    /* Field order is the body's. */
    assert_string_equal(f.fields[0].key, "subject");
    assert_string_equal(f.fields[4].key, "mixed");
    form_free(&f);
    assert_null(f.fields);
}

static void raw_utf8_passes_through(void **state) {
    (void)state;
    form_t f = parse_ok("subject=语雀空间&k=v=w");
    assert_string_equal(form_get(&f, "subject"), "语雀空间");
    assert_string_equal(form_get(&f, "k"), "v=w"); /* split on the first '=' only */
    form_free(&f);
}

static void duplicates_first_wins(void **state) {
    (void)state;
    form_t f = parse_ok("total_amount=0.10&x=1&total_amount=100.00");
    assert_string_equal(form_get(&f, "total_amount"), "0.10");
    /* Both are kept, so a signature check can refuse the body. */
    assert_int_equal(f.count, 3);
    assert_string_equal(f.fields[2].value, "100.00");
    form_free(&f);
}

static void empty_values_segments_and_missing_keys(void **state) {
    (void)state;
    form_t f = parse_ok("&a=&&b&c=3&");
    assert_int_equal(f.count, 3);
    assert_string_equal(form_get(&f, "a"), "");
    assert_string_equal(form_get(&f, "b"), "");
    assert_string_equal(form_get(&f, "c"), "3");
    assert_null(form_get(&f, "d"));
    assert_null(form_get(&f, NULL));
    form_free(&f);

    form_t empty = parse_ok("");
    assert_int_equal(empty.count, 0);
    assert_null(form_get(&empty, "a"));
    form_free(&empty);
}

static void length_is_honoured_not_the_nul(void **state) {
    (void)state;
    const char body[] = "a=1&b=2";
    form_t f;
    assert_true(form_parse(body, 3, &f)); /* only "a=1" */
    assert_int_equal(f.count, 1);
    assert_string_equal(form_get(&f, "a"), "1");
    assert_null(form_get(&f, "b"));
    form_free(&f);
}

static void malformed_escapes_refused(void **state) {
    (void)state;
    static const char *const bad[] = {
        "a=%",    "a=%2",   "a=%zz", "a=%2G",        "a=%G2",        "%=1",        "a=1&b=50%",
        "a=%%41", "a=% 41", "k%2=v", "ok=1&also=%x", "a=1&b=2&c=%4", "a=%-1&b=ok",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_refused(bad[i], strlen(bad[i]));
}

static void invalid_utf8_and_nul_refused(void **state) {
    (void)state;
    static const char *const bad[] = {
        "a=%FF",          /* never valid */
        "a=%C0%AF",       /* overlong '/' */
        "a=%E0%80%AF",    /* overlong, three bytes */
        "a=%ED%A0%80",    /* UTF-16 surrogate */
        "a=%F4%90%80%80", /* above U+10FFFF */
        "a=%E8%AF",       /* truncated sequence */
        "a=%E8%AFx",      /* bad continuation */
        "a=%80",          /* lone continuation */
        "%FF=v",          /* in a key too */
        "ok=1&a=%00",     /* NUL would cut the C string */
        "a=\xff",         /* raw invalid byte */
        "a=\xe8\xaf",     /* raw truncated sequence */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_refused(bad[i], strlen(bad[i]));
    static const char raw_nul[] = "a=x\0y";
    expect_refused(raw_nul, sizeof raw_nul - 1);

    /* The edges of the valid ranges are accepted. */
    form_t f = parse_ok("a=%F4%8F%BF%BF&b=%EF%BF%BD&c=%C2%80&d=%7F");
    assert_int_equal(f.count, 4);
    assert_string_equal(form_get(&f, "b"), "\xef\xbf\xbd");
    form_free(&f);
}

/* Builds "k0=v&k1=v&…" with n fields; caller frees. */
static char *many_fields(size_t n) {
    char *body = malloc(n * 16 + 1);
    assert_non_null(body);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(body + o, "%sk%zu=v", i ? "&" : "", i);
    return body;
}

static void field_cap(void **state) {
    (void)state;
    char *body = many_fields(FORM_MAX_FIELDS);
    form_t f = parse_ok(body);
    assert_int_equal(f.count, FORM_MAX_FIELDS);
    assert_string_equal(form_get(&f, "k255"), "v");
    form_free(&f);
    free(body);

    body = many_fields(FORM_MAX_FIELDS + 1);
    expect_refused(body, strlen(body));
    free(body);

    /* Empty segments do not count as fields. */
    char amps[FORM_MAX_FIELDS * 2 + 8];
    memset(amps, '&', sizeof amps - 1);
    amps[sizeof amps - 1] = '\0';
    memcpy(amps + 10, "a=1", 3);
    f = parse_ok(amps);
    assert_int_equal(f.count, 1);
    form_free(&f);
}

static void body_cap(void **state) {
    (void)state;
    char *body = malloc(FORM_MAX_BODY + 2);
    assert_non_null(body);
    memset(body, 'x', FORM_MAX_BODY + 1);
    memcpy(body, "big=", 4);
    body[FORM_MAX_BODY + 1] = '\0';
    form_t f;
    assert_true(form_parse(body, FORM_MAX_BODY, &f));
    assert_int_equal(strlen(form_get(&f, "big")), FORM_MAX_BODY - 4);
    form_free(&f);
    expect_refused(body, FORM_MAX_BODY + 1);
    free(body);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percent_decoding_and_plus),
        cmocka_unit_test(raw_utf8_passes_through),
        cmocka_unit_test(duplicates_first_wins),
        cmocka_unit_test(empty_values_segments_and_missing_keys),
        cmocka_unit_test(length_is_honoured_not_the_nul),
        cmocka_unit_test(malformed_escapes_refused),
        cmocka_unit_test(invalid_utf8_and_nul_refused),
        cmocka_unit_test(field_cap),
        cmocka_unit_test(body_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
