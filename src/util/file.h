#ifndef ORDO_UTIL_FILE_H
#define ORDO_UTIL_FILE_H

#include <stddef.h>

/* Reads a whole file into a NUL-terminated heap buffer (caller frees). Returns NULL on error
 * with errno set. *len_out (may be NULL) receives the length without the NUL. */
char *file_read_all(const char *path, size_t *len_out);

/* Finds a file the project ships in folder (a path from the repository root): tries
 * $env_name (a folder), ./folder, then folder beside the binary's parent folder. Writes the
 * first path that exists into out and returns 0, else -1. */
int project_path(const char *env_name, const char *folder, const char *relative, char *out,
                 size_t out_len);

/* Finds a file shipped in data/: tries $ORDO_DATA_DIR, ./data, then data/ beside the binary's
 * parent folder. Writes the first path that exists into out and returns 0, else -1. */
int data_path(const char *relative, char *out, size_t out_len);

#endif
