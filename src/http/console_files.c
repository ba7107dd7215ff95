#include "http/console_files.h"

#include <dirent.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/file.h"
#include "util/hex.h"

/* A bundle is a handful of files; anything past this is not a console build. */
#define CONSOLE_MAX_FILES 256
#define CONSOLE_MAX_DEPTH 4

typedef struct {
    char *url; /* "/console/app.js" */
    char *body;
    char etag[24];
    console_file_t file; /* points into the above */
} entry_t;

struct console_files {
    entry_t entries[CONSOLE_MAX_FILES];
    size_t count;
};

static const char *content_type_of(const char *name) {
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".map", "application/json"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* The ETag is the content's hash, so a rebuilt bundle is fetched again and an unchanged
 * one answers 304 without a body. */
static void etag_of(const char *body, size_t len, char out[24]) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)body, len, digest);
    char hex[17];
    hex_encode(digest, 8, hex);
    snprintf(out, 24, "\"%s\"", hex);
}

static int add_file(console_files_t *files, const char *path, const char *rel) {
    if (files->count == CONSOLE_MAX_FILES)
        return -1;
    entry_t *e = &files->entries[files->count];
    size_t len = 0;
    e->body = file_read_all(path, &len);
    if (!e->body)
        return -1;
    size_t url_len = strlen("/console/") + strlen(rel) + 1;
    e->url = malloc(url_len);
    if (!e->url) {
        free(e->body);
        return -1;
    }
    snprintf(e->url, url_len, "/console/%s", rel);
    etag_of(e->body, len, e->etag);
    e->file = (console_file_t){e->body, len, content_type_of(rel), e->etag};
    files->count++;
    return 0;
}

static int load_dir(console_files_t *files, const char *dir, const char *prefix, int depth) {
    if (depth > CONSOLE_MAX_DEPTH)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096], rel[1024];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path ||
            snprintf(rel, sizeof rel, "%s%s", prefix, de->d_name) >= (int)sizeof rel)
            continue;
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            char sub[1030];
            snprintf(sub, sizeof sub, "%s/", rel);
            rc = load_dir(files, path, sub, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            rc = add_file(files, path, rel);
        }
    }
    closedir(d);
    return rc;
}

int console_files_dir(char *out, size_t out_len) {
    /* A folder named by the operator is the console or there is none: falling back to a
     * build found elsewhere would serve files nobody chose. */
    const char *env = getenv("ORDO_CONSOLE_DIR");
    if (env && *env)
        return snprintf(out, out_len, "%s", env) >= (int)out_len ? -1 : 0;
    char index[4096];
    if (project_path("ORDO_CONSOLE_DIR", "build/console", "index.html", index, sizeof index))
        return -1;
    char *slash = strrchr(index, '/');
    *slash = '\0';
    return snprintf(out, out_len, "%s", index) >= (int)out_len ? -1 : 0;
}

console_files_t *console_files_load(const char *dir) {
    console_files_t *files = calloc(1, sizeof *files);
    if (!files)
        return NULL;
    if (load_dir(files, dir, "", 0) != 0 || !console_files_find(files, "/console/")) {
        console_files_free(files);
        return NULL;
    }
    return files;
}

const console_file_t *console_files_find(const console_files_t *files, const char *path) {
    if (!files)
        return NULL;
    if (strcmp(path, "/console") == 0 || strcmp(path, "/console/") == 0)
        path = "/console/index.html";
    for (size_t i = 0; i < files->count; i++) {
        if (strcmp(files->entries[i].url, path) == 0)
            return &files->entries[i].file;
    }
    return NULL;
}

void console_files_free(console_files_t *files) {
    if (!files)
        return;
    for (size_t i = 0; i < files->count; i++) {
        free(files->entries[i].url);
        free(files->entries[i].body);
    }
    free(files);
}
