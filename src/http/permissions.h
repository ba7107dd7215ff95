#ifndef ORDO_HTTP_PERMISSIONS_H
#define ORDO_HTTP_PERMISSIONS_H

#include <stdbool.h>

#include "core/roles.h"
#include "http/http.h"

/* Which roles may call each /v1 route: one table (permissions.c), reviewed as a whole and
 * documented as the matrix in docs/api.md. The admin role may call everything; a route the
 * table does not list is the admin's alone. */

typedef struct {
    const char *method;
    const char *pattern; /* exactly as in the route table */
    role_set_t roles;    /* besides admin */
    const char *what;    /* "approve orders": completes "role warehouse may not ..." */
} route_permission_t;

extern const route_permission_t route_permissions[];
extern const int route_permissions_count;

/* The route's entry, or NULL when the table does not list it. */
const route_permission_t *route_permission(const http_route_t *route);

/* True when role may call route. */
bool route_allowed(const http_route_t *route, role_t role);

#endif
