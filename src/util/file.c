#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *file_read_all(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (len + 1 < cap) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int saved = errno;
    fclose(f);
    if (!buf) {
        errno = saved ? saved : ENOMEM;
        return NULL;
    }
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

static int try_path(const char *dir, const char *relative, char *out, size_t out_len) {
    int n = snprintf(out, out_len, "%s/%s", dir, relative);
    if (n < 0 || (size_t)n >= out_len)
        return -1;
    return access(out, R_OK) == 0 ? 0 : -1;
}

int project_path(const char *env_name, const char *folder, const char *relative, char *out,
                 size_t out_len) {
    const char *env = getenv(env_name);
    if (env && *env && try_path(env, relative, out, out_len) == 0)
        return 0;
    if (try_path(folder, relative, out, out_len) == 0)
        return 0;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        /* build/ordo -> build -> repository root */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/%s", exe, folder);
        if (try_path(dir, relative, out, out_len) == 0)
            return 0;
    }
    return -1;
}

int data_path(const char *relative, char *out, size_t out_len) {
    return project_path("ORDO_DATA_DIR", "data", relative, out, out_len);
}
