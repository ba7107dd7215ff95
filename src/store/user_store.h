#ifndef ORDO_STORE_USER_STORE_H
#define ORDO_STORE_USER_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The storage of users, their sign-in sessions and their API tokens: a part of the store
 * interface of its own (store_vtable_t.users), same conventions as store.h: STORE_OK /
 * STORE_NOT_FOUND / STORE_CONFLICT / STORE_ERROR, one connection per thread, json_t results
 * are new references owned by the caller. Times are Unix milliseconds in, RFC 3339 out.
 * Secrets never reach the store: a password as its argon2id string, a session id and an API
 * token as their SHA-256 (32 bytes). */

typedef struct store store_t;

#define USER_SECRET_HASH_LEN 32

typedef struct {
    char name[65];
    char role[32];
    char password_hash[256]; /* crypto_pwhash_str's output */
    bool disabled;
} user_row_t;

/* Who a session or an API token speaks for. */
typedef struct {
    char user[65];
    char role[32];
    bool disabled;
    char csrf[65];        /* sessions: the CSRF token bound to it */
    int64_t last_seen_ms; /* sessions: last use; tokens: last use (0: never) */
    int64_t token_id;     /* tokens */
} credential_row_t;

typedef struct user_store_vtable {
    /* STORE_CONFLICT when the name is taken. */
    int (*user_insert)(store_t *s, const char *name, const char *role, const char *password_hash,
                       const char *actor, int64_t now_ms);
    int (*user_get)(store_t *s, const char *name, user_row_t *out);
    /* [{name, role, disabled, created_at, created_by, updated_at}] by name. */
    int (*user_list)(store_t *s, json_t **out);
    /* Changes what is given (role NULL, disabled < 0, password_hash NULL: unchanged);
     * STORE_NOT_FOUND when there is no such user. */
    int (*user_update)(store_t *s, const char *name, const char *role, int disabled,
                       const char *password_hash, int64_t now_ms);

    int (*session_insert)(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN],
                          const char *user, const char *csrf, int64_t now_ms);
    /* The session and its user; STORE_NOT_FOUND when there is none. */
    int (*session_get)(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN],
                       credential_row_t *out);
    int (*session_touch)(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN],
                         int64_t now_ms);
    int (*session_delete)(store_t *s, const unsigned char id_hash[USER_SECRET_HASH_LEN]);
    /* Ends every session of the user (a new password, disabled), and the ones idle since
     * before idle_before_ms. */
    int (*sessions_delete_of_user)(store_t *s, const char *user);
    int (*sessions_delete_idle)(store_t *s, int64_t idle_before_ms);

    int (*token_insert)(store_t *s, const char *user, const char *label,
                        const unsigned char hash[USER_SECRET_HASH_LEN], const char *actor,
                        int64_t now_ms, int64_t *id);
    /* The user's tokens: [{id, label, created_at, created_by, last_used_at}] by id. */
    int (*token_list)(store_t *s, const char *user, json_t **out);
    /* STORE_NOT_FOUND when the user has no such token. */
    int (*token_delete)(store_t *s, const char *user, int64_t id);
    int (*token_get)(store_t *s, const unsigned char hash[USER_SECRET_HASH_LEN],
                     credential_row_t *out);
    int (*token_touch)(store_t *s, int64_t id, int64_t now_ms);
} user_store_vtable_t;

#endif
