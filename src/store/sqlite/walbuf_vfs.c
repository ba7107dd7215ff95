#include "store/sqlite/walbuf_vfs.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The WAL file format: a 32-byte file header, then frames of a 24-byte header and a page. */
#define WAL_HEADER 32
#define WAL_FRAME_HEADER 24

/* A commit larger than this is written in several pieces; 4 MiB holds ~1000 frames. */
#define BUF_MAX (4 * 1024 * 1024)

typedef struct {
    sqlite3_file base;  /* our methods */
    sqlite3_file *real; /* the underlying file, allocated right after this struct */
    bool is_wal;
    bool commit_frame; /* the header just buffered closes a transaction */
    char *buf;
    sqlite3_int64 buf_offset; /* file offset of buf[0] */
    size_t buf_len, buf_cap;
} wb_file_t;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs walbuf_vfs;

/* The unix VFS writes at most 0x1ffff bytes per call (it masks larger sizes and reports a
 * short write as SQLITE_FULL), so a flush goes out in pieces just under that. */
#define WRITE_PIECE (0x1ffff & ~4095)

static int flush(wb_file_t *f) {
    int rc = SQLITE_OK;
    for (size_t done = 0; done < f->buf_len && rc == SQLITE_OK; done += WRITE_PIECE) {
        size_t n = f->buf_len - done < WRITE_PIECE ? f->buf_len - done : WRITE_PIECE;
        rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
                                       f->buf_offset + (sqlite3_int64)done);
    }
    f->buf_len = 0;
    return rc;
}

static int wb_close(sqlite3_file *file) {
    wb_file_t *f = (wb_file_t *)file;
    int rc = flush(f);
    int rc2 = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    free(f->buf);
    f->buf = NULL;
    return rc != SQLITE_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset) {
    wb_file_t *f = (wb_file_t *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, amount, offset);
}

/* Writes through, after whatever is buffered (which lies at lower offsets). */
static int write_through(wb_file_t *f, const void *data, int amount, sqlite3_int64 offset) {
    int rc = flush(f);
    f->commit_frame = false;
    return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, data, amount, offset);
}

static int wb_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    wb_file_t *f = (wb_file_t *)file;
    if (!f->is_wal)
        return f->real->pMethods->xWrite(f->real, data, amount, offset);
    bool contiguous = f->buf_len > 0 && offset == f->buf_offset + (sqlite3_int64)f->buf_len;
    if (f->buf_len > 0 && (!contiguous || f->buf_len + (size_t)amount > BUF_MAX)) {
        int rc = flush(f);
        if (rc != SQLITE_OK)
            return rc;
    }
    if ((size_t)amount > WRITE_PIECE) /* SQLite's own writes are a frame or a header */
        return write_through(f, data, amount, offset);
    if (f->buf_len + (size_t)amount > f->buf_cap) {
        size_t cap = f->buf_cap ? f->buf_cap : 256 * 1024;
        while (cap < f->buf_len + (size_t)amount)
            cap *= 2;
        char *nb = realloc(f->buf, cap);
        if (!nb) /* no memory for the buffer */
            return write_through(f, data, amount, offset);
        f->buf = nb;
        f->buf_cap = cap;
    }
    if (f->buf_len == 0)
        f->buf_offset = offset;
    memcpy(f->buf + f->buf_len, data, (size_t)amount);
    f->buf_len += (size_t)amount;
    /* With synchronous=NORMAL no xSync ends a commit, yet other connections learn of its
     * frames right after the last one is written. So the commit frame (a 24-byte frame
     * header whose "database size after commit" field is set) and the page after it end
     * the buffering. */
    if (f->commit_frame) {
        f->commit_frame = false;
        return flush(f);
    }
    if (amount == WAL_FRAME_HEADER && offset >= WAL_HEADER) {
        const unsigned char *h = data;
        f->commit_frame = (h[4] | h[5] | h[6] | h[7]) != 0;
    }
    return SQLITE_OK;
}

static int wb_truncate(sqlite3_file *file, sqlite3_int64 size) {
    wb_file_t *f = (wb_file_t *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wb_sync(sqlite3_file *file, int flags) {
    wb_file_t *f = (wb_file_t *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wb_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    wb_file_t *f = (wb_file_t *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

/* The rest pass straight through. */
static int wb_lock(sqlite3_file *file, int level) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xLock(f->real, level);
}
static int wb_unlock(sqlite3_file *file, int level) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xUnlock(f->real, level);
}
static int wb_check_reserved(sqlite3_file *file, int *out) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}
static int wb_file_control(sqlite3_file *file, int op, void *arg) {
    wb_file_t *f = (wb_file_t *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}
static int wb_sector_size(sqlite3_file *file) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xSectorSize(f->real);
}
static int wb_device_characteristics(sqlite3_file *file) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}
static int wb_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}
static int wb_shm_lock(sqlite3_file *file, int offset, int n, int flags) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}
static void wb_shm_barrier(sqlite3_file *file) {
    wb_file_t *f = (wb_file_t *)file;
    f->real->pMethods->xShmBarrier(f->real);
}
static int wb_shm_unmap(sqlite3_file *file, int delete_flag) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}
static int wb_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **pp) {
    wb_file_t *f = (wb_file_t *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFetch(f->real, offset, amount, pp);
}
static int wb_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *p) {
    wb_file_t *f = (wb_file_t *)file;
    return f->real->pMethods->xUnfetch(f->real, offset, p);
}

static const sqlite3_io_methods wb_methods = {
    3,
    wb_close,
    wb_read,
    wb_write,
    wb_truncate,
    wb_sync,
    wb_file_size,
    wb_lock,
    wb_unlock,
    wb_check_reserved,
    wb_file_control,
    wb_sector_size,
    wb_device_characteristics,
    wb_shm_map,
    wb_shm_lock,
    wb_shm_barrier,
    wb_shm_unmap,
    wb_fetch,
    wb_unfetch,
};

static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                   int *out_flags) {
    (void)vfs;
    wb_file_t *f = (wb_file_t *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        f->real->pMethods = NULL;
        return rc;
    }
    f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
    file->pMethods = &wb_methods;
    return SQLITE_OK;
}

int walbuf_vfs_register(void) {
    if (walbuf_vfs.zName)
        return SQLITE_OK;
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs)
        return SQLITE_ERROR;
    walbuf_vfs = *real_vfs;
    walbuf_vfs.zName = WALBUF_VFS_NAME;
    walbuf_vfs.szOsFile = (int)sizeof(wb_file_t) + real_vfs->szOsFile;
    walbuf_vfs.xOpen = wb_open;
    walbuf_vfs.pAppData = NULL;
    walbuf_vfs.pNext = NULL;
    return sqlite3_vfs_register(&walbuf_vfs, 0);
}
