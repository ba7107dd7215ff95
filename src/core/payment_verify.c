#include "core/payment_verify.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util/base64.h"
#include "util/hex.h"

/* Both providers sign with 2048-bit RSA; see the header. */
#define MIN_RSA_BITS 2048
#define GCM_TAG_LEN 16
#define GCM_NONCE_LEN 12

/* Also empties OpenSSL's per-thread error queue, which would otherwise keep the reasons of
 * this failure around to confuse the next caller that inspects it. */
__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t err_len,
                                                          const char *fmt, ...) {
    ERR_clear_error();
    if (!err || err_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* PEM readers may ask for a passphrase on the terminal when handed an encrypted key by
 * mistake; a server must never block on that. */
static int no_passphrase(char *buf, int size, int rwflag, void *u) {
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static bool rsa_key_acceptable(const EVP_PKEY *pkey, const char *what, char *err, size_t err_len) {
    if (!EVP_PKEY_is_a(pkey, "RSA")) {
        set_err(err, err_len, "%s is not an RSA key", what);
        return false;
    }
    if (EVP_PKEY_get_bits(pkey) < MIN_RSA_BITS) {
        set_err(err, err_len, "%s is RSA-%d, at least %d bits are required", what,
                EVP_PKEY_get_bits(pkey), MIN_RSA_BITS);
        return false;
    }
    return true;
}

/* Parses a PEM public key or a bare base64 SubjectPublicKeyInfo. The bare form is decoded to
 * DER directly rather than re-armoured as PEM: same result, no text to rebuild. Caller frees
 * the returned key with EVP_PKEY_free. */
static EVP_PKEY *load_public_key(const char *text, char *err, size_t err_len) {
    if (!text) {
        set_err(err, err_len, "no public key given");
        return NULL;
    }
    const char *p = text;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    EVP_PKEY *pkey = NULL;
    if (strncmp(p, "-----BEGIN", 10) == 0) {
        BIO *bio = BIO_new_mem_buf(p, -1);
        if (bio)
            pkey = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
        BIO_free(bio);
        if (!pkey) {
            set_err(err, err_len, "public key PEM is not a readable \"PUBLIC KEY\"");
            return NULL;
        }
    } else {
        /* Keys pasted from a console or a config file come wrapped or indented. */
        size_t n = strlen(p);
        char *compact = malloc(n + 1);
        if (!compact) {
            set_err(err, err_len, "out of memory");
            return NULL;
        }
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
                compact[c++] = p[i];
        unsigned char *der = NULL;
        size_t der_len = 0;
        bool decoded = base64_decode(compact, c, &der, &der_len);
        free(compact);
        if (!decoded) {
            set_err(err, err_len, "public key is neither PEM nor valid base64");
            return NULL;
        }
        const unsigned char *q = der;
        if (der_len <= LONG_MAX)
            pkey = d2i_PUBKEY(NULL, &q, (long)der_len);
        bool trailing = pkey && q != der + der_len;
        free(der);
        if (!pkey || trailing) {
            EVP_PKEY_free(pkey);
            set_err(err, err_len, "public key base64 is not a SubjectPublicKeyInfo");
            return NULL;
        }
    }
    if (!rsa_key_acceptable(pkey, "public key", err, err_len)) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

/* Starts an RSA-SHA256 PKCS#1 v1.5 verification; the message is then fed in pieces with
 * EVP_DigestVerifyUpdate, so no signing string is ever assembled in memory. Caller frees the
 * context with EVP_MD_CTX_free. */
static EVP_MD_CTX *rsa_sha256_begin(EVP_PKEY *pkey, char *err, size_t err_len) {
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (!md || EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pkey) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0) {
        EVP_MD_CTX_free(md);
        set_err(err, err_len, "cannot set up RSA-SHA256 verification");
        return NULL;
    }
    return md;
}

static bool update(EVP_MD_CTX *md, const void *data, size_t len) {
    return len == 0 || EVP_DigestVerifyUpdate(md, data, len) == 1;
}

/* Decodes the base64 signature and finishes the verification begun on md. */
static bool rsa_sha256_finish(EVP_MD_CTX *md, const char *signature_b64, const char *what,
                              char *err, size_t err_len) {
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    if (!base64_decode(signature_b64, strlen(signature_b64), &sig, &sig_len)) {
        set_err(err, err_len, "%s is not valid base64", what);
        return false;
    }
    int rc = EVP_DigestVerifyFinal(md, sig, sig_len);
    free(sig);
    if (rc != 1) {
        set_err(err, err_len, "%s does not match: the message was altered or the key is wrong",
                what);
        return false;
    }
    return true;
}

static int field_key_cmp(const void *a, const void *b) {
    const form_field_t *const *x = a;
    const form_field_t *const *y = b;
    return strcmp((*x)->key, (*y)->key); /* strcmp compares as unsigned char: byte order */
}

bool alipay_verify_rsa2(const form_t *params, const char *public_key_pem, char *err,
                        size_t err_len) {
    if (!params || params->count == 0) {
        set_err(err, err_len, "notification has no parameters");
        return false;
    }
    const char *sign = form_get(params, "sign");
    if (!sign || !*sign) {
        set_err(err, err_len, "notification has no sign parameter");
        return false;
    }
    const char *sign_type = form_get(params, "sign_type");
    if (sign_type && *sign_type && strcmp(sign_type, "RSA2") != 0) {
        set_err(err, err_len, "sign_type is \"%.16s\", only RSA2 is accepted", sign_type);
        return false;
    }

    const form_field_t **sorted = malloc(params->count * sizeof *sorted);
    if (!sorted) {
        set_err(err, err_len, "out of memory");
        return false;
    }
    for (size_t i = 0; i < params->count; i++)
        sorted[i] = &params->fields[i];
    qsort(sorted, params->count, sizeof *sorted, field_key_cmp);
    for (size_t i = 1; i < params->count; i++) {
        if (strcmp(sorted[i - 1]->key, sorted[i]->key) == 0) {
            set_err(err, err_len, "parameter \"%.64s\" appears more than once", sorted[i]->key);
            free(sorted);
            return false;
        }
    }

    bool ok = false;
    EVP_PKEY *pkey = load_public_key(public_key_pem, err, err_len);
    EVP_MD_CTX *md = pkey ? rsa_sha256_begin(pkey, err, err_len) : NULL;
    if (md) {
        bool fed = true, first = true;
        for (size_t i = 0; i < params->count && fed; i++) {
            const form_field_t *f = sorted[i];
            if (!*f->value || strcmp(f->key, "sign") == 0 || strcmp(f->key, "sign_type") == 0)
                continue;
            fed = (first || update(md, "&", 1)) && update(md, f->key, strlen(f->key)) &&
                  update(md, "=", 1) && update(md, f->value, strlen(f->value));
            first = false;
        }
        if (!fed)
            set_err(err, err_len, "cannot hash the signing string");
        else
            ok = rsa_sha256_finish(md, sign, "sign", err, err_len);
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    free(sorted);
    return ok;
}

bool wechatpay_verify_signature(const char *timestamp, const char *nonce, const char *body,
                                size_t body_len, const char *signature_b64,
                                const char *platform_cert_pem, char *err, size_t err_len) {
    if (!timestamp || !*timestamp || strspn(timestamp, "0123456789") != strlen(timestamp)) {
        set_err(err, err_len, "Wechatpay-Timestamp is missing or not decimal digits");
        return false;
    }
    if (!nonce || !*nonce || strchr(nonce, '\n')) {
        set_err(err, err_len, "Wechatpay-Nonce is missing or contains a line break");
        return false;
    }
    if (!body && body_len > 0) {
        set_err(err, err_len, "no body given");
        return false;
    }
    if (!signature_b64 || !*signature_b64) {
        set_err(err, err_len, "Wechatpay-Signature is missing");
        return false;
    }
    if (!platform_cert_pem) {
        set_err(err, err_len, "no platform certificate given");
        return false;
    }

    X509 *cert = NULL;
    BIO *bio = BIO_new_mem_buf(platform_cert_pem, -1);
    if (bio)
        cert = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    if (!cert) {
        set_err(err, err_len, "platform certificate is not a readable PEM certificate");
        return false;
    }
    bool ok = false;
    EVP_PKEY *pkey = X509_get0_pubkey(cert); /* owned by cert */
    EVP_MD_CTX *md = NULL;
    if (!pkey)
        set_err(err, err_len, "platform certificate has no usable public key");
    else if (rsa_key_acceptable(pkey, "platform certificate key", err, err_len))
        md = rsa_sha256_begin(pkey, err, err_len);
    if (md) {
        bool fed = update(md, timestamp, strlen(timestamp)) && update(md, "\n", 1) &&
                   update(md, nonce, strlen(nonce)) && update(md, "\n", 1) &&
                   update(md, body, body_len) && update(md, "\n", 1);
        if (!fed)
            set_err(err, err_len, "cannot hash the signed message");
        else
            ok = rsa_sha256_finish(md, signature_b64, "Wechatpay-Signature", err, err_len);
    }
    EVP_MD_CTX_free(md);
    X509_free(cert);
    return ok;
}

bool wechatpay_decrypt_resource(const char *apiv3_key, size_t key_len, const char *nonce,
                                const char *associated_data, const char *ciphertext_b64,
                                char **plaintext_out, size_t *len_out, char *err, size_t err_len) {
    *plaintext_out = NULL;
    if (len_out)
        *len_out = 0;
    const EVP_CIPHER *cipher = NULL;
    if (apiv3_key && key_len == 16)
        cipher = EVP_aes_128_gcm();
    else if (apiv3_key && key_len == 32)
        cipher = EVP_aes_256_gcm();
    if (!cipher) {
        set_err(err, err_len, "APIv3 key is %zu bytes, expected 32 (or 16)", key_len);
        return false;
    }
    /* WeChat Pay's nonces are 12 bytes, GCM's native IV size; other sizes would switch GCM to
     * a hashed IV that no WeChat Pay SDK uses. */
    if (!nonce || strlen(nonce) != GCM_NONCE_LEN) {
        set_err(err, err_len, "nonce must be %d bytes", GCM_NONCE_LEN);
        return false;
    }
    if (!ciphertext_b64) {
        set_err(err, err_len, "no ciphertext given");
        return false;
    }
    size_t ad_len = associated_data ? strlen(associated_data) : 0;
    if (ad_len > INT_MAX) {
        set_err(err, err_len, "associated_data is too long");
        return false;
    }

    unsigned char *ct = NULL;
    size_t ct_len = 0;
    if (!base64_decode(ciphertext_b64, strlen(ciphertext_b64), &ct, &ct_len)) {
        set_err(err, err_len, "ciphertext is not valid base64");
        return false;
    }
    if (ct_len < GCM_TAG_LEN || ct_len - GCM_TAG_LEN > INT_MAX) {
        set_err(err, err_len, "ciphertext is %zu bytes, shorter than its %d-byte tag or too long",
                ct_len, GCM_TAG_LEN);
        free(ct);
        return false;
    }
    size_t body_len = ct_len - GCM_TAG_LEN;
    unsigned char *pt = malloc(body_len + 1);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0, finl = 0;
    bool ok = false;
    if (!pt || !ctx) {
        set_err(err, err_len, "out of memory");
    } else if (EVP_DecryptInit_ex(ctx, cipher, NULL, NULL, NULL) != 1 ||
               EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_NONCE_LEN, NULL) != 1 ||
               EVP_DecryptInit_ex(ctx, NULL, NULL, (const unsigned char *)apiv3_key,
                                  (const unsigned char *)nonce) != 1 ||
               (ad_len > 0 &&
                EVP_DecryptUpdate(ctx, NULL, &outl, (const unsigned char *)associated_data,
                                  (int)ad_len) != 1) ||
               EVP_DecryptUpdate(ctx, pt, &outl, ct, (int)body_len) != 1 ||
               EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_LEN, ct + body_len) != 1) {
        set_err(err, err_len, "cannot set up AES-GCM decryption");
    } else if (EVP_DecryptFinal_ex(ctx, pt + outl, &finl) != 1) {
        set_err(err, err_len,
                "authentication failed: wrong APIv3 key, nonce or associated_data, or the "
                "ciphertext was altered");
    } else {
        ok = true;
    }
    EVP_CIPHER_CTX_free(ctx);
    free(ct);
    if (!ok) {
        if (pt)
            OPENSSL_cleanse(pt, body_len);
        free(pt);
        return false;
    }
    size_t n = (size_t)outl + (size_t)finl;
    pt[n] = '\0';
    *plaintext_out = (char *)pt;
    if (len_out)
        *len_out = n;
    return true;
}

static bool hmac_sha256(const char *secret, const unsigned char *msg, size_t len,
                        unsigned char out[32]) {
    size_t secret_len = strlen(secret);
    unsigned int md_len = 0;
    if (secret_len > INT_MAX)
        return false;
    static const unsigned char empty[1];
    return HMAC(EVP_sha256(), secret, (int)secret_len, msg ? msg : empty, msg ? len : 0, out,
                &md_len) != NULL &&
           md_len == 32;
}

bool hmac_sha256_verify(const char *secret, const unsigned char *msg, size_t len,
                        const char *signature, char *err, size_t err_len) {
    if (!secret || !*secret) {
        set_err(err, err_len, "HMAC secret is empty");
        return false;
    }
    if (!signature || !*signature) {
        set_err(err, err_len, "signature is missing");
        return false;
    }
    unsigned char given[32];
    size_t sig_len = strlen(signature);
    /* 64 characters can only be hex: base64 of 32 bytes is 44 characters. */
    if (sig_len == 64) {
        for (size_t i = 0; i < 32; i++) {
            int h = hex_digit_value((unsigned char)signature[2 * i]);
            int l = hex_digit_value((unsigned char)signature[2 * i + 1]);
            if (h < 0 || l < 0) {
                set_err(err, err_len, "signature is 64 characters but not hex");
                return false;
            }
            given[i] = (unsigned char)(h << 4 | l);
        }
    } else {
        unsigned char *raw = NULL;
        size_t raw_len = 0;
        if (!base64_decode(signature, sig_len, &raw, &raw_len) || raw_len != 32) {
            free(raw);
            set_err(err, err_len, "signature is neither 64 hex digits nor base64 of 32 bytes");
            return false;
        }
        memcpy(given, raw, 32);
        free(raw);
    }
    unsigned char want[32];
    if (!hmac_sha256(secret, msg, len, want)) {
        set_err(err, err_len, "cannot compute HMAC-SHA256");
        return false;
    }
    if (CRYPTO_memcmp(given, want, sizeof want) != 0) {
        set_err(err, err_len, "HMAC-SHA256 signature does not match");
        return false;
    }
    return true;
}

void hmac_sha256_hex(const char *secret, const unsigned char *msg, size_t len, char out[65]) {
    unsigned char mac[32];
    out[0] = '\0';
    if (!secret || !hmac_sha256(secret, msg, len, mac)) {
        ERR_clear_error();
        return;
    }
    hex_encode(mac, sizeof mac, out);
}

bool notify_timestamp_fresh(int64_t notify_ts_s, int64_t now_s, int64_t window_s) {
    if (window_s < 0)
        return false;
    /* The distance between two int64 values always fits in uint64; a signed subtraction could
     * overflow for hostile timestamps. */
    uint64_t distance = notify_ts_s >= now_s ? (uint64_t)notify_ts_s - (uint64_t)now_s
                                             : (uint64_t)now_s - (uint64_t)notify_ts_s;
    return distance <= (uint64_t)window_s;
}
