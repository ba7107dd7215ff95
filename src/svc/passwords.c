#include "svc/passwords.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/hex.h"

_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "argon2id strings are longer");
_Static_assert(crypto_hash_sha256_BYTES == USER_SECRET_HASH_LEN, "secret hashes are SHA-256");

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool ready;

static void init_once(void) {
    ready = sodium_init() >= 0;
}

bool passwords_init(void) {
    pthread_once(&once, init_once);
    return ready;
}

bool password_hash(const char *password, char out[PASSWORD_HASH_MAX]) {
    if (!passwords_init())
        return false;
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

bool password_verify(const char *stored_hash, const char *password) {
    if (!passwords_init())
        return false;
    return crypto_pwhash_str_verify(stored_hash, password, strlen(password)) == 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[PASSWORD_HASH_MAX];

static void make_dummy(void) {
    char random_pw[80];
    secret_new("", random_pw, sizeof random_pw);
    if (!password_hash(random_pw, dummy_hash))
        dummy_hash[0] = '\0';
}

void password_verify_dummy(const char *password) {
    pthread_once(&dummy_once, make_dummy);
    if (dummy_hash[0])
        (void)password_verify(dummy_hash, password);
}

void secret_new(const char *prefix, char *out, size_t out_len) {
    unsigned char bytes[32];
    char hex[65];
    if (passwords_init())
        randombytes_buf(bytes, sizeof bytes);
    else
        memset(bytes, 0, sizeof bytes); /* unreachable in practice: refused at start-up */
    hex_encode(bytes, sizeof bytes, hex);
    snprintf(out, out_len, "%s%s", prefix, hex);
    sodium_memzero(bytes, sizeof bytes);
}

void secret_hash(const char *secret, unsigned char out[USER_SECRET_HASH_LEN]) {
    crypto_hash_sha256(out, (const unsigned char *)secret, strlen(secret));
}

bool secret_equal(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}
