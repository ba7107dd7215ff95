#ifndef ORDO_SVC_WRITER_H
#define ORDO_SVC_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "store/store.h"

/* Group commit. One thread owns the write connection and drains a queue of commands: it
 * opens one transaction, runs each waiting command inside its own savepoint (a failing
 * command rolls back alone) and commits once. When the store can defer the sync of its log
 * (SQLite), a second thread syncs — one fsync for every group committed since the last —
 * and only then reports to each command's submitter, while the writer already runs the next
 * group. Either way "done with ORDO_E_OK" means durable. */

typedef struct write_cmd write_cmd_t;
struct write_cmd {
    /* Runs inside the transaction on the writer thread. Returns ORDO_E_OK to keep its writes,
     * anything else to roll them back. Must not block on anything but the store. */
    ordo_err_t (*run)(store_t *s, write_cmd_t *cmd);
    /* Called on the writer thread after the commit (or its failure) with the final result;
     * must be quick: typically wakes the waiting request. */
    void (*complete)(write_cmd_t *cmd, ordo_err_t result);
    /* Optional: called on the writer thread after run failed and its writes were rolled
     * back, in a savepoint of its own, so a command can record that it was refused (a
     * counter) without keeping anything it did. */
    void (*refused)(store_t *s, write_cmd_t *cmd);
    write_cmd_t *next; /* queue link, owned by the writer while queued */
};

typedef struct writer writer_t;

typedef struct {
    uint64_t commits, commands, failed_commits;
    uint64_t batch_max_seen;
    int64_t commit_ns_total;
    uint64_t syncs;
    int64_t sync_ns_total;
    int queue_depth;
} writer_stats_t;

/* Starts the writer thread on `s`, which it then owns until writer_stop. batch_max caps the
 * commands per transaction. */
writer_t *writer_start(store_t *s, int batch_max, int queue_max);

/* Queues cmd. Returns ORDO_E_OK, or ORDO_E_OVERLOADED / ORDO_E_SHUTTING_DOWN without queuing
 * (complete is then not called). */
ordo_err_t writer_submit(writer_t *w, write_cmd_t *cmd);

/* Queues cmd and blocks until it is durable or failed; returns the result. For callers that
 * have a thread to spare (CLI, jobs). */
ordo_err_t writer_exec(writer_t *w, write_cmd_t *cmd);

/* Blocks until every queued command has completed. */
void writer_flush(writer_t *w);

/* Refuses new commands, finishes the queued ones, stops the thread and closes the store. */
void writer_stop(writer_t *w);

void writer_get_stats(writer_t *w, writer_stats_t *out);

/* Groups are numbered 1, 2, 3... in commit order. A group is "settled" once it is durable or
 * has failed (rolled back); groups settle in order. A reader that saw some commit can learn
 * when it is on disk: read writer_groups_begun() after the read, then wait until
 * writer_groups_settled() reaches that number (every group that could have been seen has
 * begun by then). That is how live streams never tell anyone of a commit that a crash could
 * still undo. */
uint64_t writer_groups_begun(writer_t *w);
uint64_t writer_groups_settled(writer_t *w);

#define WRITER_LISTENERS_MAX 4

/* Calls fn(ctx) each time groups settle, on the syncer (or writer) thread, while holding
 * the writer's lock: fn must be a quick wake-up that takes no lock the writer's users hold
 * while calling the writer. Returns false when WRITER_LISTENERS_MAX are registered. */
bool writer_listen(writer_t *w, void (*fn)(void *ctx), void *ctx);
/* Removes the listener; fn is not called again once this returns. */
void writer_unlisten(writer_t *w, void (*fn)(void *ctx), void *ctx);

#endif
