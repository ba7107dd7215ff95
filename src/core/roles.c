#include "core/roles.h"

#include <string.h>

static const char *const names[ROLE__COUNT] = {
    [ROLE_ADMIN] = "admin",         [ROLE_REVIEWER] = "reviewer",
    [ROLE_WAREHOUSE] = "warehouse", [ROLE_CUSTOMER_SERVICE] = "customer_service",
    [ROLE_FINANCE] = "finance",
};

const char *role_name(role_t r) {
    return r >= 0 && r < ROLE__COUNT ? names[r] : "none";
}

bool role_parse(const char *name, role_t *out) {
    for (int i = 0; name && i < ROLE__COUNT; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (role_t)i;
            return true;
        }
    return false;
}

const char *role_names_list(void) {
    return "admin, reviewer, warehouse, customer_service, finance";
}

bool user_name_valid(const char *name) {
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > USER_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return false;
    }
    return true;
}

bool user_name_reserved(const char *name) {
    static const char *const reserved[] = {"admin",   "system",   "rules", "jobs",     "buyer",
                                           "carrier", "tracking", "auto",  "platform", NULL};
    for (int i = 0; reserved[i]; i++)
        if (strcmp(name, reserved[i]) == 0)
            return true;
    return false;
}
