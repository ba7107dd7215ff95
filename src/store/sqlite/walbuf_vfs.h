#ifndef ORDO_STORE_SQLITE_WALBUF_VFS_H
#define ORDO_STORE_SQLITE_WALBUF_VFS_H

/* A VFS shim over the default one that gathers a transaction's contiguous writes to the WAL
 * file in memory and hands them to the kernel in a few large writes when the transaction's
 * commit frame is written or SQLite syncs the WAL.
 *
 * Why: SQLite writes each WAL frame as two writes (header, page); a group commit of 30
 * orders is ~130 syscalls, which measured as a fifth of the writer thread's time on these
 * machines. Why it is safe: other connections learn of new frames only through the
 * wal-index, which SQLite updates after the commit frame is written (and, with
 * synchronous=FULL, synced): the buffer is empty by then. Anything that observes the file
 * (read, size, truncate, sync, close, a non-contiguous write) flushes first.
 *
 * Registers itself as "ordo-walbuf" (not the default). Returns an SQLite result code. */
int walbuf_vfs_register(void);

#define WALBUF_VFS_NAME "ordo-walbuf"

#endif
