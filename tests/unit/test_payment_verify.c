#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/payment_verify.h"
#include "util/base64.h"
#include "util/file.h"
#include "util/form.h"

#define ALIPAY_VECTOR "tests/data/payments/alipay_notify_rsa2_test_vector.json"
#define WECHAT_VECTOR "tests/data/payments/wechatpay_v3_notify_test_vector.json"

/* Shared by every test: the two real vectors and a key pair made here, which Alipay and
 * WeChat Pay never saw, for "wrong key" cases and for signing messages of our own. */
typedef struct {
    json_t *ali;
    json_t *wx;
    EVP_PKEY *key;
    char *key_pub_pem;  /* our key as "-----BEGIN PUBLIC KEY-----" */
    char *key_cert_pem; /* a self-signed certificate for it */
} fixture_t;

static json_t *load_json(const char *path) {
    char *text = file_read_all(path, NULL);
    if (!text) {
        print_error("cannot read %s (tests run from the repository root)\n", path);
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    free(text);
    if (!j)
        print_error("%s: %s\n", path, jerr.text);
    return j;
}

static const char *jstr(const json_t *obj, const char *key) {
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        fail_msg("vector has no string \"%s\"", key);
    return s;
}

/* Copies a memory BIO's contents into a NUL-terminated heap string; caller frees. */
static char *bio_string(BIO *bio) {
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *s = malloc((size_t)n + 1);
    if (s) {
        memcpy(s, data, (size_t)n);
        s[n] = '\0';
    }
    return s;
}

static char *public_pem(EVP_PKEY *key) {
    BIO *bio = BIO_new(BIO_s_mem());
    char *s = bio && PEM_write_bio_PUBKEY(bio, key) ? bio_string(bio) : NULL;
    BIO_free(bio);
    return s;
}

/* A self-signed certificate for key, like the test certificate in the WeChat Pay vector;
 * caller frees the PEM. */
static char *self_signed_cert_pem(EVP_PKEY *key) {
    X509 *x = X509_new();
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem = NULL;
    if (x && bio && X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 0x5EED) &&
        X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
        X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365) && X509_set_pubkey(x, key) &&
        X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                                   (const unsigned char *)"ordo test platform", -1, -1, 0) &&
        X509_set_issuer_name(x, X509_get_subject_name(x)) && X509_sign(x, key, EVP_sha256()) &&
        PEM_write_bio_X509(bio, x))
        pem = bio_string(bio);
    BIO_free(bio);
    X509_free(x);
    return pem;
}

/* SHA256withRSA signature of the concatenated parts, base64; caller frees. Uses OpenSSL's
 * encoder rather than util/base64 so the test does not check our code against itself. */
static char *sign_b64(EVP_PKEY *key, const char *const *parts, size_t n_parts) {
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_non_null(md);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    for (size_t i = 0; i < n_parts; i++)
        assert_int_equal(EVP_DigestSignUpdate(md, parts[i], strlen(parts[i])), 1);
    size_t sig_len = 0;
    assert_int_equal(EVP_DigestSignFinal(md, NULL, &sig_len), 1);
    unsigned char *sig = malloc(sig_len);
    assert_non_null(sig);
    assert_int_equal(EVP_DigestSignFinal(md, sig, &sig_len), 1);
    EVP_MD_CTX_free(md);
    char *b64 = malloc(4 * ((sig_len + 2) / 3) + 1);
    assert_non_null(b64);
    EVP_EncodeBlock((unsigned char *)b64, sig, (int)sig_len);
    free(sig);
    return b64;
}

static char *b64_of(const unsigned char *data, size_t len) {
    char *b64 = malloc(4 * ((len + 2) / 3) + 1);
    assert_non_null(b64);
    EVP_EncodeBlock((unsigned char *)b64, data, (int)len);
    return b64;
}

static int setup(void **state) {
    fixture_t *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    *state = fx;
    fx->ali = load_json(ALIPAY_VECTOR);
    fx->wx = load_json(WECHAT_VECTOR);
    fx->key = EVP_RSA_gen(2048);
    if (!fx->ali || !fx->wx || !fx->key)
        return -1;
    fx->key_pub_pem = public_pem(fx->key);
    fx->key_cert_pem = self_signed_cert_pem(fx->key);
    return fx->key_pub_pem && fx->key_cert_pem ? 0 : -1;
}

static int teardown(void **state) {
    fixture_t *fx = *state;
    if (!fx)
        return 0;
    json_decref(fx->ali);
    json_decref(fx->wx);
    EVP_PKEY_free(fx->key);
    free(fx->key_pub_pem);
    free(fx->key_cert_pem);
    free(fx);
    return 0;
}

/* ---- Alipay ---- */

/* Appends s percent-encoded the way a form POST does (space as '+'). */
static void url_encode_append(char *out, size_t cap, size_t *o, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        assert_true(*o + 4 < cap);
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '*') {
            out[(*o)++] = (char)*p;
        } else if (*p == ' ') {
            out[(*o)++] = '+';
        } else {
            out[(*o)++] = '%';
            out[(*o)++] = hex[*p >> 4];
            out[(*o)++] = hex[*p & 15];
        }
    }
    out[*o] = '\0';
}

/* The vector's post_params as the form body Alipay POSTs, with `set` (key, value pairs;
 * a NULL value removes the key) applied and `raw_suffix` (already encoded, may be NULL)
 * appended, parsed with form_parse. */
static form_t alipay_form_raw(const fixture_t *fx, const char *const *set, size_t n_set,
                              const char *raw_suffix) {
    json_t *params = json_deep_copy(json_object_get(fx->ali, "post_params"));
    assert_non_null(params);
    for (size_t i = 0; i < n_set; i += 2) {
        if (set[i + 1])
            json_object_set_new(params, set[i], json_string(set[i + 1]));
        else
            assert_int_equal(json_object_del(params, set[i]), 0);
    }
    static char body[16384];
    size_t o = 0;
    const char *key;
    json_t *value;
    json_object_foreach(params, key, value) {
        if (o > 0)
            body[o++] = '&';
        url_encode_append(body, sizeof body, &o, key);
        body[o++] = '=';
        url_encode_append(body, sizeof body, &o, json_string_value(value));
    }
    json_decref(params);
    if (raw_suffix) {
        assert_true(o + strlen(raw_suffix) < sizeof body);
        memcpy(body + o, raw_suffix, strlen(raw_suffix) + 1);
        o += strlen(raw_suffix);
    }
    form_t f;
    assert_true(form_parse(body, o, &f));
    return f;
}

static form_t alipay_form(const fixture_t *fx, const char *const *set, size_t n_set) {
    return alipay_form_raw(fx, set, n_set, NULL);
}

static const char *alipay_key(const fixture_t *fx) {
    return jstr(fx->ali, "alipay_public_key_der_base64");
}

/* Wraps the bare base64 key at `width` columns, with PEM armour if asked; caller frees. */
static char *wrap_key(const char *b64, size_t width, bool armour) {
    size_t n = strlen(b64);
    char *out = malloc(n + n / width + 80);
    assert_non_null(out);
    size_t o = 0;
    if (armour)
        o += (size_t)sprintf(out, "-----BEGIN PUBLIC KEY-----\n");
    for (size_t i = 0; i < n; i += width) {
        size_t k = n - i < width ? n - i : width;
        memcpy(out + o, b64 + i, k);
        o += k;
        out[o++] = '\n';
    }
    out[o] = '\0';
    if (armour)
        strcat(out, "-----END PUBLIC KEY-----\n");
    return out;
}

static void expect_alipay_refused(const form_t *f, const char *key, const char *err_part) {
    char err[256] = "";
    if (alipay_verify_rsa2(f, key, err, sizeof err))
        fail_msg("verified, expected a refusal mentioning \"%s\"", err_part);
    if (!strstr(err, err_part))
        fail_msg("err \"%s\" does not mention \"%s\"", err, err_part);
}

static void alipay_real_vector_verifies(void **state) {
    fixture_t *fx = *state;
    form_t f = alipay_form(fx, NULL, 0);
    assert_string_equal(form_get(&f, "subject"), "语雀空间 500人规模"); /* '+' and UTF-8 */
    char err[256] = "";

    /* The bare base64 body, as the Alipay console shows it. */
    if (!alipay_verify_rsa2(&f, alipay_key(fx), err, sizeof err))
        fail_msg("real notification refused: %s", err);
    /* The same key as a PEM file and as wrapped base64 pasted from one. */
    char *pem = wrap_key(alipay_key(fx), 64, true);
    char *wrapped = wrap_key(alipay_key(fx), 76, false);
    if (!alipay_verify_rsa2(&f, pem, err, sizeof err))
        fail_msg("PEM key refused: %s", err);
    if (!alipay_verify_rsa2(&f, wrapped, err, sizeof err))
        fail_msg("wrapped bare key refused: %s", err);
    free(pem);
    free(wrapped);
    form_free(&f);
}

static void alipay_tampered_amount_fails(void **state) {
    fixture_t *fx = *state;
    static const char *const set[] = {"total_amount", "100.00"};
    form_t f = alipay_form(fx, set, 2);
    expect_alipay_refused(&f, alipay_key(fx), "does not match");
    form_free(&f);

    /* Even a change the business logic might ignore breaks it. */
    static const char *const subject[] = {"subject", "语雀空间 500人规模 "};
    f = alipay_form(fx, subject, 2);
    expect_alipay_refused(&f, alipay_key(fx), "does not match");
    form_free(&f);
}

static void alipay_removed_field_fails(void **state) {
    fixture_t *fx = *state;
    static const char *const set[] = {"buyer_id", NULL};
    form_t f = alipay_form(fx, set, 2);
    expect_alipay_refused(&f, alipay_key(fx), "does not match");
    form_free(&f);
}

static void alipay_wrong_key_fails(void **state) {
    fixture_t *fx = *state;
    form_t f = alipay_form(fx, NULL, 0);
    expect_alipay_refused(&f, fx->key_pub_pem, "does not match");
    form_free(&f);
}

static void alipay_bad_sign_fails(void **state) {
    fixture_t *fx = *state;
    static const char *const garbage[] = {"sign", "this is *not* base64!"};
    form_t f = alipay_form(fx, garbage, 2);
    expect_alipay_refused(&f, alipay_key(fx), "not valid base64");
    form_free(&f);

    /* Valid characters, broken padding: the real sign minus its last character. */
    char *cut = strdup(jstr(json_object_get(fx->ali, "post_params"), "sign"));
    cut[strlen(cut) - 1] = '\0';
    const char *const truncated[] = {"sign", cut};
    f = alipay_form(fx, truncated, 2);
    expect_alipay_refused(&f, alipay_key(fx), "not valid base64");
    form_free(&f);
    free(cut);

    static const char *const missing[] = {"sign", NULL};
    f = alipay_form(fx, missing, 2);
    expect_alipay_refused(&f, alipay_key(fx), "no sign");
    form_free(&f);

    static const char *const empty[] = {"sign", ""};
    f = alipay_form(fx, empty, 2);
    expect_alipay_refused(&f, alipay_key(fx), "no sign");
    form_free(&f);
}

static void alipay_bad_keys_refused(void **state) {
    fixture_t *fx = *state;
    form_t f = alipay_form(fx, NULL, 0);
    expect_alipay_refused(&f, "not*a*key", "neither PEM nor valid base64");
    expect_alipay_refused(&f, "QUJDRA==", "not a SubjectPublicKeyInfo");
    expect_alipay_refused(&f, "-----BEGIN PUBLIC KEY-----\nQUJD\n-----END PUBLIC KEY-----\n",
                          "PEM");
    expect_alipay_refused(&f, NULL, "no public key");

    EVP_PKEY *ec = EVP_EC_gen("P-256");
    EVP_PKEY *small = EVP_RSA_gen(1024);
    assert_non_null(ec);
    assert_non_null(small);
    char *ec_pem = public_pem(ec), *small_pem = public_pem(small);
    expect_alipay_refused(&f, ec_pem, "not an RSA key");
    expect_alipay_refused(&f, small_pem, "at least 2048");
    free(ec_pem);
    free(small_pem);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(small);
    form_free(&f);
}

static void alipay_refuses_duplicates_and_other_sign_types(void **state) {
    fixture_t *fx = *state;
    /* A repeated parameter is refused even when it repeats the signed value: form_get returns
     * only the first, so what was verified and what the handler reads could differ. */
    form_t f = alipay_form_raw(fx, NULL, 0, "&total_amount=0.10");
    expect_alipay_refused(&f, alipay_key(fx), "more than once");
    form_free(&f);
    f = alipay_form_raw(fx, NULL, 0, "&sign=QUJD");
    expect_alipay_refused(&f, alipay_key(fx), "more than once");
    form_free(&f);

    static const char *const rsa1[] = {"sign_type", "RSA"};
    f = alipay_form(fx, rsa1, 2);
    expect_alipay_refused(&f, alipay_key(fx), "only RSA2");
    form_free(&f);
}

/* sign_type and empty values are not part of the signed string. The real vector shows the
 * first (it verifies with sign_type present and with it removed); signatures made here with
 * our own key over chosen strings show both, and that the string is exactly the one the
 * vector documents. */
static void alipay_excludes_sign_type_and_empty_values(void **state) {
    fixture_t *fx = *state;
    char err[256] = "";
    static const char *const no_type[] = {"sign_type", NULL};
    form_t f = alipay_form(fx, no_type, 2);
    if (!alipay_verify_rsa2(&f, alipay_key(fx), err, sizeof err))
        fail_msg("without sign_type: %s", err);
    form_free(&f);
    static const char *const empty_extra[] = {"passback_params", "", "body", ""};
    f = alipay_form(fx, empty_extra, 4);
    if (!alipay_verify_rsa2(&f, alipay_key(fx), err, sizeof err))
        fail_msg("with empty parameters added: %s", err);
    form_free(&f);

    const char *documented = jstr(fx->ali, "signing_string_exclude_sign_and_sign_type");
    const char *const parts[] = {documented};
    char *ours = sign_b64(fx->key, parts, 1);
    const char *const set[] = {"sign", ours, "passback_params", ""};
    f = alipay_form(fx, set, 4);
    if (!alipay_verify_rsa2(&f, fx->key_pub_pem, err, sizeof err))
        fail_msg("documented signing string: %s", err);
    form_free(&f);
    free(ours);

    /* Signatures over strings that include sign_type, or the empty value, must not verify. */
    char with_type[4096], with_empty[4096];
    snprintf(with_type, sizeof with_type, "%s&sign_type=RSA2", documented);
    snprintf(with_empty, sizeof with_empty, "%s", documented);
    char *at = strstr(with_empty, "&point_amount=");
    assert_non_null(at);
    memmove(at + strlen("&passback_params="), at, strlen(at) + 1);
    memcpy(at, "&passback_params=", strlen("&passback_params="));
    const char *const sources[] = {with_type, with_empty};
    for (size_t i = 0; i < 2; i++) {
        const char *const one[] = {sources[i]};
        char *sig = sign_b64(fx->key, one, 1);
        const char *const bad[] = {"sign", sig, "passback_params", ""};
        f = alipay_form(fx, bad, 4);
        expect_alipay_refused(&f, fx->key_pub_pem, "does not match");
        form_free(&f);
        free(sig);
    }
}

/* ---- WeChat Pay ---- */

static const char *wx_header(const fixture_t *fx, const char *name) {
    return jstr(json_object_get(fx->wx, "headers"), name);
}

static void wechat_vector_signature_verifies(void **state) {
    fixture_t *fx = *state;
    const char *body = jstr(fx->wx, "body");
    const char *cert = jstr(fx->wx, "platform_certificate_pem");
    const char *ts = wx_header(fx, "Wechatpay-Timestamp");
    const char *nonce = wx_header(fx, "Wechatpay-Nonce");
    const char *sig = wx_header(fx, "Wechatpay-Signature");
    char err[256] = "";
    if (!wechatpay_verify_signature(ts, nonce, body, strlen(body), sig, cert, err, sizeof err))
        fail_msg("real notification refused: %s", err);

    char *changed = strdup(body);
    changed[strlen(changed) - 3] ^= 1;
    assert_false(wechatpay_verify_signature(ts, nonce, changed, strlen(changed), sig, cert, err,
                                            sizeof err));
    assert_non_null(strstr(err, "does not match"));
    free(changed);
    /* The body minus its last byte: the length given, not the NUL, bounds what is signed. */
    assert_false(
        wechatpay_verify_signature(ts, nonce, body, strlen(body) - 1, sig, cert, err, sizeof err));
    /* The real signature is not accepted under another certificate. */
    assert_false(wechatpay_verify_signature(ts, nonce, body, strlen(body), sig, fx->key_cert_pem,
                                            err, sizeof err));
    assert_non_null(strstr(err, "does not match"));
}

static void wechat_generated_certificate(void **state) {
    fixture_t *fx = *state;
    const char *ts = "1700000000", *nonce = "n0nce-FROM-the-test";
    const char *body = "{\"id\":\"evt-1\",\"event_type\":\"TRANSACTION.SUCCESS\"}";
    const char *const parts[] = {ts, "\n", nonce, "\n", body, "\n"};
    char *sig = sign_b64(fx->key, parts, 6);
    char err[256] = "";
    const char *cert = fx->key_cert_pem;
    if (!wechatpay_verify_signature(ts, nonce, body, strlen(body), sig, cert, err, sizeof err))
        fail_msg("own signature refused: %s", err);

    const char *body2 = "{\"id\":\"evt-1\",\"event_type\":\"TRANSACTION.SUCCESS\" }";
    assert_false(
        wechatpay_verify_signature(ts, nonce, body2, strlen(body2), sig, cert, err, sizeof err));
    assert_non_null(strstr(err, "does not match"));
    assert_false(wechatpay_verify_signature("1700000001", nonce, body, strlen(body), sig, cert, err,
                                            sizeof err));
    assert_non_null(strstr(err, "does not match"));
    assert_false(wechatpay_verify_signature(ts, "n0nce-FROM-the-tesT", body, strlen(body), sig,
                                            cert, err, sizeof err));
    assert_non_null(strstr(err, "does not match"));

    /* Malformed inputs are refused before any cryptography. */
    assert_false(wechatpay_verify_signature("17000x0000", nonce, body, strlen(body), sig, cert, err,
                                            sizeof err));
    assert_non_null(strstr(err, "Timestamp"));
    assert_false(
        wechatpay_verify_signature(ts, "a\nb", body, strlen(body), sig, cert, err, sizeof err));
    assert_non_null(strstr(err, "Nonce"));
    assert_false(
        wechatpay_verify_signature(ts, nonce, body, strlen(body), "%%%%", cert, err, sizeof err));
    assert_non_null(strstr(err, "base64"));
    assert_false(wechatpay_verify_signature(ts, nonce, body, strlen(body), sig, fx->key_pub_pem,
                                            err, sizeof err));
    assert_non_null(strstr(err, "certificate"));
    free(sig);
}

/* The notification's resource object, parsed out of the body the way a handler would. */
static json_t *wx_resource(const fixture_t *fx) {
    json_error_t jerr;
    json_t *body = json_loads(jstr(fx->wx, "body"), 0, &jerr);
    assert_non_null(body);
    json_t *res = json_incref(json_object_get(body, "resource"));
    json_decref(body);
    assert_non_null(res);
    return res;
}

static void expect_decrypt_refused(const char *key, size_t key_len, const char *nonce,
                                   const char *ad, const char *ct, const char *err_part) {
    char *pt = (char *)"sentinel";
    size_t len = 99;
    char err[256] = "";
    if (wechatpay_decrypt_resource(key, key_len, nonce, ad, ct, &pt, &len, err, sizeof err))
        fail_msg("decrypted, expected a refusal mentioning \"%s\"", err_part);
    assert_null(pt);
    assert_int_equal(len, 0);
    if (!strstr(err, err_part))
        fail_msg("err \"%s\" does not mention \"%s\"", err, err_part);
}

static void wechat_decrypt_vector(void **state) {
    fixture_t *fx = *state;
    json_t *res = wx_resource(fx);
    const char *key = jstr(fx->wx, "apiv3_key");
    const char *want = jstr(fx->wx, "decrypted_plaintext");
    assert_int_equal(strlen(key), 16);
    char *pt = NULL;
    size_t len = 0;
    char err[256] = "";
    if (!wechatpay_decrypt_resource(key, strlen(key), jstr(res, "nonce"),
                                    jstr(res, "associated_data"), jstr(res, "ciphertext"), &pt,
                                    &len, err, sizeof err))
        fail_msg("vector resource refused: %s", err);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(pt, want, len);
    assert_int_equal(pt[len], '\0');
    free(pt);
    json_decref(res);

    /* The second vector, from wechatpay-go's utils/aes_test.go. */
    const json_t *extra = json_object_get(fx->wx, "extra_aes_gcm_vector_from_utils_aes_test_go");
    const char *k2 = jstr(extra, "key");
    if (!wechatpay_decrypt_resource(k2, strlen(k2), jstr(extra, "nonce"),
                                    jstr(extra, "associated_data"), jstr(extra, "ciphertext_b64"),
                                    &pt, NULL, err, sizeof err))
        fail_msg("aes_test.go vector refused: %s", err);
    assert_string_equal(pt, jstr(extra, "plaintext"));
    free(pt);
}

static void wechat_decrypt_tampering_fails(void **state) {
    fixture_t *fx = *state;
    json_t *res = wx_resource(fx);
    const char *key = jstr(fx->wx, "apiv3_key");
    const char *nonce = jstr(res, "nonce"), *ad = jstr(res, "associated_data");
    const char *ct = jstr(res, "ciphertext");
    unsigned char *raw = NULL;
    size_t raw_len = 0;
    assert_true(base64_decode(ct, strlen(ct), &raw, &raw_len));

    /* A flipped byte in the encrypted body, then in the tag. */
    size_t where[] = {0, raw_len / 2, raw_len - 16 - 1, raw_len - 16, raw_len - 1};
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        raw[where[i]] ^= 0x01;
        char *flipped = b64_of(raw, raw_len);
        expect_decrypt_refused(key, 16, nonce, ad, flipped, "authentication failed");
        free(flipped);
        raw[where[i]] ^= 0x01;
    }
    char *dropped = b64_of(raw, raw_len - 1); /* tag cut short by a byte */
    expect_decrypt_refused(key, 16, nonce, ad, dropped, "authentication failed");
    free(dropped);
    free(raw);

    expect_decrypt_refused(key, 16, nonce, "payscorE", ct, "authentication failed");
    expect_decrypt_refused(key, 16, nonce, "", ct, "authentication failed");
    expect_decrypt_refused(key, 16, nonce, NULL, ct, "authentication failed");
    expect_decrypt_refused(key, 16, "Kj7QIyUiYx1Q", ad, ct, "authentication failed");
    expect_decrypt_refused("testMchAPIv3Key1", 16, nonce, ad, ct, "authentication failed");
    expect_decrypt_refused(key, 16, nonce, ad, "not base64!", "base64");
    expect_decrypt_refused(key, 16, nonce, ad, "AAAAAAAAAAAAAAAAAAAA", "shorter");
    expect_decrypt_refused(key, 16, "short", ad, ct, "nonce");
    json_decref(res);
}

/* AES-256-GCM as WeChat Pay does with a production (32-byte) APIv3 key; returns base64 of
 * ciphertext || tag, caller frees. */
static char *encrypt_256(const char *key, const char *nonce, const char *ad, const char *pt) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    size_t n = strlen(pt);
    unsigned char *out = malloc(n + 16);
    int len = 0;
    assert_non_null(ctx);
    assert_non_null(out);
    assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, (const unsigned char *)key,
                                        (const unsigned char *)nonce),
                     1);
    assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)ad, (int)strlen(ad)),
                     1);
    assert_int_equal(EVP_EncryptUpdate(ctx, out, &len, (const unsigned char *)pt, (int)n), 1);
    assert_int_equal(EVP_EncryptFinal_ex(ctx, out + len, &len), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + n), 1);
    EVP_CIPHER_CTX_free(ctx);
    char *b64 = b64_of(out, n + 16);
    free(out);
    return b64;
}

static void wechat_decrypt_key_lengths(void **state) {
    (void)state;
    const char *key = "0123456789abcdefghijklmnopqrstuv"; /* 32 bytes, like production */
    const char *nonce = "abcdefghijkl", *ad = "transaction";
    const char *msg = "{\"out_trade_no\":\"SO-20261111-0001\",\"trade_state\":\"SUCCESS\"}";
    char *ct = encrypt_256(key, nonce, ad, msg);
    char *pt = NULL;
    size_t len = 0;
    char err[256] = "";
    if (!wechatpay_decrypt_resource(key, 32, nonce, ad, ct, &pt, &len, err, sizeof err))
        fail_msg("32-byte key refused: %s", err);
    assert_int_equal(len, strlen(msg));
    assert_memory_equal(pt, msg, len);
    free(pt);

    /* Its first 16 bytes would select AES-128: a different cipher, so no match. */
    expect_decrypt_refused(key, 16, nonce, ad, ct, "authentication failed");
    expect_decrypt_refused(key, 24, nonce, ad, ct, "24 bytes");
    expect_decrypt_refused(key, 31, nonce, ad, ct, "31 bytes");
    expect_decrypt_refused(key, 0, nonce, ad, ct, "0 bytes");
    expect_decrypt_refused(NULL, 32, nonce, ad, ct, "bytes");
    free(ct);

    /* An empty plaintext is only a tag, and still authenticated. */
    ct = encrypt_256(key, nonce, ad, "");
    assert_true(wechatpay_decrypt_resource(key, 32, nonce, ad, ct, &pt, &len, err, sizeof err));
    assert_int_equal(len, 0);
    assert_string_equal(pt, "");
    free(pt);
    expect_decrypt_refused(key, 32, nonce, "other", ct, "authentication failed");
    free(ct);
}

/* ---- HMAC and clock ---- */

/* RFC 4231 test case 2. */
#define RFC4231_KEY "Jefe"
#define RFC4231_DATA "what do ya want for nothing?"
#define RFC4231_HEX "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
#define RFC4231_B64 "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="

static void expect_hmac(const char *secret, const char *sig, bool ok, const char *err_part) {
    char err[256] = "";
    const unsigned char *msg = (const unsigned char *)RFC4231_DATA;
    bool got = hmac_sha256_verify(secret, msg, strlen(RFC4231_DATA), sig, err, sizeof err);
    if (got != ok)
        fail_msg("\"%s\": got %d, expected %d (%s)", sig ? sig : "(null)", got, ok, err);
    if (!ok && !strstr(err, err_part))
        fail_msg("err \"%s\" does not mention \"%s\"", err, err_part);
}

static void hmac_formats(void **state) {
    (void)state;
    char hex[65];
    hmac_sha256_hex(RFC4231_KEY, (const unsigned char *)RFC4231_DATA, strlen(RFC4231_DATA), hex);
    assert_string_equal(hex, RFC4231_HEX);

    char upper[65];
    for (size_t i = 0; i < 65; i++)
        upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 32 : hex[i]);
    expect_hmac(RFC4231_KEY, RFC4231_HEX, true, NULL);
    expect_hmac(RFC4231_KEY, upper, true, NULL);
    expect_hmac(RFC4231_KEY, RFC4231_B64, true, NULL);

    /* One bit off, in either form. */
    char wrong[65];
    memcpy(wrong, RFC4231_HEX, 65);
    wrong[63] = '2';
    expect_hmac(RFC4231_KEY, wrong, false, "does not match");
    expect_hmac(RFC4231_KEY, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEI=", false,
                "does not match");
    expect_hmac("jefe", RFC4231_HEX, false, "does not match");
    /* Malformed or truncated signatures. */
    wrong[63] = 'g';
    expect_hmac(RFC4231_KEY, wrong, false, "not hex");
    expect_hmac(RFC4231_KEY, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384",
                false, "neither");
    expect_hmac(RFC4231_KEY, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM", false, "neither");
    expect_hmac(RFC4231_KEY, "", false, "missing");
    expect_hmac(RFC4231_KEY, NULL, false, "missing");
    expect_hmac("", RFC4231_HEX, false, "secret is empty");

    /* An empty message has a MAC like any other. */
    hmac_sha256_hex("k", NULL, 0, hex);
    assert_int_equal(strlen(hex), 64);
    char err[128];
    assert_true(hmac_sha256_verify("k", (const unsigned char *)"", 0, hex, err, sizeof err));
    assert_false(hmac_sha256_verify("k", (const unsigned char *)"x", 1, hex, err, sizeof err));
}

static void timestamp_window(void **state) {
    fixture_t *fx = *state;
    int64_t now = json_integer_value(json_object_get(fx->wx, "test_clock_unix"));
    int64_t window = json_integer_value(json_object_get(fx->wx, "timestamp_window_seconds"));
    assert_int_equal(window, 300);
    int64_t ts = strtoll(wx_header(fx, "Wechatpay-Timestamp"), NULL, 10);
    assert_true(notify_timestamp_fresh(ts, now, window));
    assert_true(notify_timestamp_fresh(now - 300, now, 300));
    assert_false(notify_timestamp_fresh(now - 301, now, 300));
    assert_true(notify_timestamp_fresh(now + 300, now, 300));
    assert_false(notify_timestamp_fresh(now + 301, now, 300));
    assert_true(notify_timestamp_fresh(now, now, 0));
    assert_false(notify_timestamp_fresh(now + 1, now, 0));
    assert_false(notify_timestamp_fresh(now, now, -1));
    /* Hostile extremes must not wrap around into "fresh". */
    assert_false(notify_timestamp_fresh(INT64_MIN, now, 300));
    assert_false(notify_timestamp_fresh(INT64_MAX, now, 300));
    assert_false(notify_timestamp_fresh(INT64_MIN, INT64_MAX, INT64_MAX));
    assert_true(notify_timestamp_fresh(INT64_MIN, -1, INT64_MAX));
}

/* ---- base64 ---- */

static void base64_is_strict(void **state) {
    (void)state;
#define B64(lit)                                                                                   \
    { lit, sizeof lit - 1 }
    static const struct {
        const char *text;
        size_t len;
    } bad[] = {
        B64("QUJD\n"), /* whitespace */
        B64("QUJ"),    /* missing padding */
        B64("QU=D"),   /* padding inside */
        B64("QQ="),    /* padding, wrong length */
        B64("Q==="),   /* too much padding */
        B64("===="),   /* only padding */
        B64("QR=="),   /* non-zero bits under the padding ("QQ==" is canonical) */
        B64("QUF="),   /* ditto, one '=' ("QUE=" is canonical) */
        B64("QUJ-"),   /* base64url alphabet */
        B64("QU\0D"),  /* NUL */
    };
#undef B64
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned char *out = (unsigned char *)"x";
        size_t n = 7;
        if (base64_decode(bad[i].text, bad[i].len, &out, &n))
            fail_msg("accepted bad base64 #%zu", i);
        assert_null(out);
        assert_int_equal(n, 0);
    }
    /* The canonical forms next to them are accepted. */
    unsigned char *ok = NULL;
    size_t ok_len = 0;
    assert_true(base64_decode("QQ==", 4, &ok, &ok_len));
    assert_int_equal(ok_len, 1);
    assert_int_equal(ok[0], 'A');
    free(ok);
    assert_true(base64_decode("QUE=", 4, &ok, &ok_len));
    assert_int_equal(ok_len, 2);
    free(ok);

    /* Round trips over every padding case, checked against OpenSSL's encoder. */
    unsigned char data[64];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 0; len <= sizeof data; len++) {
        size_t enc_len = 0;
        char *ours = base64_encode(data, len, &enc_len);
        char *theirs = b64_of(data, len);
        assert_string_equal(ours, theirs);
        assert_int_equal(enc_len, strlen(theirs));
        unsigned char *back = NULL;
        size_t back_len = 0;
        assert_true(base64_decode(ours, enc_len, &back, &back_len));
        assert_int_equal(back_len, len);
        assert_memory_equal(back, data, len);
        free(back);
        free(ours);
        free(theirs);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alipay_real_vector_verifies),
        cmocka_unit_test(alipay_tampered_amount_fails),
        cmocka_unit_test(alipay_removed_field_fails),
        cmocka_unit_test(alipay_wrong_key_fails),
        cmocka_unit_test(alipay_bad_sign_fails),
        cmocka_unit_test(alipay_bad_keys_refused),
        cmocka_unit_test(alipay_refuses_duplicates_and_other_sign_types),
        cmocka_unit_test(alipay_excludes_sign_type_and_empty_values),
        cmocka_unit_test(wechat_vector_signature_verifies),
        cmocka_unit_test(wechat_generated_certificate),
        cmocka_unit_test(wechat_decrypt_vector),
        cmocka_unit_test(wechat_decrypt_tampering_fails),
        cmocka_unit_test(wechat_decrypt_key_lengths),
        cmocka_unit_test(hmac_formats),
        cmocka_unit_test(timestamp_window),
        cmocka_unit_test(base64_is_strict),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
