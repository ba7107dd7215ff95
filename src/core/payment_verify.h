#ifndef ORDO_CORE_PAYMENT_VERIFY_H
#define ORDO_CORE_PAYMENT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/form.h"

/* Checks on the payment notifications Alipay and WeChat Pay send to us: pure functions over
 * buffers, no I/O and no clock (callers pass "now"). Every function that can fail writes a
 * sentence for the log into err (err_len bytes, NUL-terminated, truncated if needed; err may
 * be NULL when err_len is 0) and returns false. Keys and signatures in an RSA check must be
 * RSA of at least 2048 bits: both providers use 2048-bit keys, and refusing anything else
 * closes the door on a key of the wrong type (e.g. EC) being accepted by the generic EVP path.
 */

/* Alipay asynchronous notification, sign_type RSA2 (SHA256withRSA, PKCS#1 v1.5). The signed
 * string is every parameter except `sign`, `sign_type` and those with an empty value, sorted
 * by key in byte order, joined as k=v with '&', values as decoded. A notification with a
 * repeated parameter name is refused: Alipay never sends one, and accepting it would let what
 * form_get returns differ from what was signed. A sign_type other than RSA2 is refused.
 * public_key_pem is either a "-----BEGIN PUBLIC KEY-----" PEM or the bare base64 body (of the
 * same SubjectPublicKeyInfo DER) that the Alipay console shows; whitespace in the bare form is
 * ignored. Nothing is returned to own. */
bool alipay_verify_rsa2(const form_t *params, const char *public_key_pem, char *err,
                        size_t err_len);

/* WeChat Pay API v3 notification signature (header Wechatpay-Signature) over
 * timestamp "\n" nonce "\n" body "\n", RSA-SHA256 PKCS#1 v1.5, with the public key of the
 * platform certificate (PEM) whose serial the Wechatpay-Serial header named; picking that
 * certificate, and checking its validity period, is the caller's job. timestamp must be decimal
 * digits and nonce must not contain '\n', so that no other split of the same bytes can reuse a
 * signature. body is the raw request body, exactly as received. Nothing is returned to own. */
bool wechatpay_verify_signature(const char *timestamp, const char *nonce, const char *body,
                                size_t body_len, const char *signature_b64,
                                const char *platform_cert_pem, char *err, size_t err_len);

/* Decrypts a WeChat Pay v3 `resource` (AEAD_AES_256_GCM in the notification's words): AES-GCM
 * with the APIv3 key, AES-128 for a 16-byte key and AES-256 for a 32-byte one (production keys
 * are 32 bytes; any other length is refused). nonce is the resource's 12-byte nonce,
 * associated_data its associated_data (NULL or "" for none), ciphertext_b64 the base64 of
 * ciphertext followed by the 16-byte tag. On success *plaintext_out is a heap buffer the
 * caller frees, NUL-terminated for convenience, and *len_out (may be NULL) its exact length
 * without that NUL. On failure *plaintext_out is NULL and no unauthenticated plaintext is
 * handed out. */
bool wechatpay_decrypt_resource(const char *apiv3_key, size_t key_len, const char *nonce,
                                const char *associated_data, const char *ciphertext_b64,
                                char **plaintext_out, size_t *len_out, char *err, size_t err_len);

/* HMAC-SHA256 of msg under secret, compared in constant time with signature given as 64 hex
 * digits (either case) or as base64 of the 32 bytes. An empty secret is refused: it would
 * mean a missing configuration, and anyone can compute that MAC. Nothing is returned to own.
 */
bool hmac_sha256_verify(const char *secret, const unsigned char *msg, size_t len,
                        const char *signature, char *err, size_t err_len);

/* Writes the lowercase hex HMAC-SHA256 of msg under secret into out (caller's buffer), for
 * signing the webhooks we send. out is "" only if OpenSSL fails (out of memory). */
void hmac_sha256_hex(const char *secret, const unsigned char *msg, size_t len, char out[65]);

/* Whether a notification's timestamp is within window_s seconds of now_s, either side
 * (clocks drift both ways), so a captured notification cannot be replayed later. Free of
 * overflow for any arguments; a negative window accepts nothing. */
bool notify_timestamp_fresh(int64_t notify_ts_s, int64_t now_s, int64_t window_s);

#endif
