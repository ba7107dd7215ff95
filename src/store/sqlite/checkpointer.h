#ifndef ORDO_STORE_SQLITE_CHECKPOINTER_H
#define ORDO_STORE_SQLITE_CHECKPOINTER_H

#include <sqlite3.h>

/* Keeps a read-write connection's WAL short without putting checkpoints on its commit path:
 * a WAL hook on that connection wakes a thread with its own connection, which copies
 * committed pages back into the database (PASSIVE, never blocking the writer) and, when the
 * log has grown long anyway, briefly holds new writes to restart it from the beginning. */
typedef struct checkpointer checkpointer_t;

/* Installs the hook on db (the writer's connection to path). The thread starts on first
 * need. Returns NULL when out of memory (then the WAL is left to SQLite). */
checkpointer_t *checkpointer_attach(sqlite3 *db, const char *path);

/* Stops the thread after a final truncating checkpoint. Call before closing db. */
void checkpointer_detach(checkpointer_t *c);

#endif
