#include "util/env.h"

#include <stdlib.h>

long env_positive(const char *name, long dflt) {
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    return *end == '\0' && n > 0 ? n : dflt;
}
