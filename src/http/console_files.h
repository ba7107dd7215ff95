#ifndef ORDO_HTTP_CONSOLE_FILES_H
#define ORDO_HTTP_CONSOLE_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* The operator console's built files (index.html, the bundle, styles), read once at start
 * from the folder `make` builds them into, and served from memory under /console. */
typedef struct console_files console_files_t;

typedef struct {
    const char *body;
    size_t len;
    const char *content_type;
    const char *etag; /* quoted, strong */
} console_file_t;

/* Loads every regular file under dir (subfolders included). Returns NULL when dir holds no
 * index.html (the console is then not served: GET /console answers 404 saying so). */
console_files_t *console_files_load(const char *dir);

/* Finds the built console: $ORDO_CONSOLE_DIR when set (and then only it), else
 * ./build/console, then build/console beside the binary's parent folder. Writes it into out and
 * returns 0, else -1. */
int console_files_dir(char *out, size_t out_len);

/* The file for a request path under /console ("/console", "/console/" and
 * "/console/index.html" are the page), or NULL. */
const console_file_t *console_files_find(const console_files_t *files, const char *path);

void console_files_free(console_files_t *files);

#endif
