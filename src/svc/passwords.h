#ifndef ORDO_SVC_PASSWORDS_H
#define ORDO_SVC_PASSWORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/user_store.h"

/* Secrets, through libsodium: passwords as argon2id strings (crypto_pwhash_str: a random salt
 * and the cost are inside the string), and the random bearer secrets of sessions and API
 * tokens, kept only as their SHA-256. Thread-safe. */

/* Initialises libsodium once; false when it cannot (then nothing here works). */
bool passwords_init(void);

/* argon2id at libsodium's "interactive" cost (2 passes over 64 MiB: about 0.1 s on one
 * core): slow enough to make guessing expensive, fast enough for a sign-in. */
#define PASSWORD_HASH_MAX 128
bool password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/* True when password matches the stored string. */
bool password_verify(const char *stored_hash, const char *password);

/* Spends the time a verification takes, for a name that has no user: an unknown name and a
 * wrong password then look alike from outside. */
void password_verify_dummy(const char *password);

/* A new random secret of 256 bits as `prefix` + 64 hex digits (out holds prefix + 65). */
void secret_new(const char *prefix, char *out, size_t out_len);

/* SHA-256 of a presented secret: what the store keeps and looks up. */
void secret_hash(const char *secret, unsigned char out[USER_SECRET_HASH_LEN]);

/* Compares two NUL-terminated strings in time independent of where they differ. */
bool secret_equal(const char *a, const char *b);

#endif
