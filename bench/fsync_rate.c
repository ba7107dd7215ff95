/* fsync_rate: how many durable 4 KiB writes per second the disk under a directory allows.
 *
 *   fsync_rate DIR [SECONDS]
 *
 * Appends 4 KiB blocks to DIR/fsync_rate.dat, each followed by fdatasync(), for SECONDS
 * (default 2), wrapping back to the start of the file every 64 MiB, and prints
 *
 *   fsync: N/s (mean X ms)
 *
 * plus a line with the median, p99 and worst single sync. This is the ceiling on
 * transactions per second for any store that syncs once per commit (SQLite synchronous=FULL
 * in WAL mode syncs the WAL once per transaction), which is why ordo groups commits. Run it on
 * the same filesystem as the database: tmpfs or a RAM disk answers in microseconds and tells
 * nothing. Compiled and run by bench/run.sh. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define WRAP_BYTES (64L * 1024 * 1024)
#define MAX_SAMPLES (1 << 22)

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s DIR [SECONDS]\n", argv[0]);
        return 2;
    }
    double seconds = argc == 3 ? atof(argv[2]) : 2.0;
    if (seconds <= 0)
        seconds = 2.0;

    char path[4096];
    snprintf(path, sizeof path, "%s/fsync_rate.dat", argv[1]);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "fsync_rate: open %s: %s\n", path, strerror(errno));
        return 1;
    }

    static char block[BLOCK];
    for (int i = 0; i < BLOCK; i++)
        block[i] = (char)('a' + i % 26);
    int64_t *samples = malloc(sizeof *samples * MAX_SAMPLES);
    if (!samples) {
        fprintf(stderr, "fsync_rate: out of memory\n");
        return 1;
    }

    long n = 0;
    off_t off = 0;
    int64_t start = mono_ns(), deadline = start + (int64_t)(seconds * 1e9), now = start;
    while (now < deadline && n < MAX_SAMPLES) {
        int64_t t0 = mono_ns();
        if (pwrite(fd, block, BLOCK, off) != BLOCK) {
            fprintf(stderr, "fsync_rate: write: %s\n", strerror(errno));
            return 1;
        }
        if (fdatasync(fd) != 0) {
            fprintf(stderr, "fsync_rate: fdatasync: %s\n", strerror(errno));
            return 1;
        }
        now = mono_ns();
        samples[n++] = now - t0;
        off += BLOCK;
        if (off >= WRAP_BYTES)
            off = 0;
    }
    close(fd);
    unlink(path);

    double elapsed_s = (double)(now - start) / 1e9;
    int64_t sum = 0;
    for (long i = 0; i < n; i++)
        sum += samples[i];
    qsort(samples, (size_t)n, sizeof *samples, cmp_i64);
    double mean_ms = n ? (double)sum / (double)n / 1e6 : 0;
    printf("fsync: %.0f/s (mean %.3f ms)\n", n / elapsed_s, mean_ms);
    if (n)
        printf("fsync: %ld syncs in %.2f s; p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", n, elapsed_s,
               (double)samples[n / 2] / 1e6, (double)samples[(n * 99) / 100] / 1e6,
               (double)samples[n - 1] / 1e6);
    free(samples);
    return 0;
}
