#ifndef ORDO_CORE_ROLES_H
#define ORDO_CORE_ROLES_H

#include <stdbool.h>

/* The people who use ordo, by what they do: each user has exactly one role, and every /v1
 * route names the roles that may call it (http/permissions.c). */
typedef enum {
    ROLE_ADMIN = 0,
    ROLE_REVIEWER,
    ROLE_WAREHOUSE,
    ROLE_CUSTOMER_SERVICE,
    ROLE_FINANCE,
    ROLE__COUNT
} role_t;

/* A set of roles, one bit each. */
typedef unsigned role_set_t;
#define ROLE_BIT(r) (1u << (r))

/* "admin", "reviewer", "warehouse", "customer_service", "finance". */
const char *role_name(role_t r);

/* Parses a role name; false when it names none. */
bool role_parse(const char *name, role_t *out);

/* "admin, reviewer, warehouse, customer_service, finance": for error messages. */
const char *role_names_list(void);

/* A user name: 1..64 of a-z 0-9 . _ - starting with a letter or digit (they appear on every
 * timeline as the actor, and in paths). */
#define USER_NAME_MAX 64
bool user_name_valid(const char *name);

/* Names ordo itself acts under on timelines (the admin token's "admin", "rules", "system",
 * ...): no user may take one, so an actor always says who it was. */
bool user_name_reserved(const char *name);

/* Passwords: at least this many characters (bytes), at most the other. */
#define PASSWORD_MIN 8
#define PASSWORD_MAX 256

#endif
