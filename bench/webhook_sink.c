/* A webhook receiver for the delivery benchmark: answers every POST with 204 and counts them.
 *
 *   webhook_sink PORT EXPECTED IDLE_S [DELAY_MS]
 *
 * DELAY_MS makes each answer wait, as a receiver across a network that does some work would
 * (a thread per connection then, so waits overlap as they would there). Prints "listening" once the
 * port is open, then, when EXPECTED requests have arrived or none has for IDLE_S seconds,
 * "deliveries: N in S s = R/s" timed from the first request to the last. Built by bench/run.sh
 * against libmicrohttpd. */
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_long received;
static useconds_t delay_us;
static atomic_llong first_ns, last_ns;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state) {
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)data;
    if (!*state) { /* headers only: wait for the body */
        *state = c;
        return MHD_YES;
    }
    if (*data_size) { /* a piece of the body: consume it */
        *data_size = 0;
        return MHD_YES;
    }
    if (delay_us)
        usleep(delay_us);
    long long t = now_ns(), zero = 0;
    atomic_compare_exchange_strong(&first_ns, &zero, t);
    atomic_store(&last_ns, t);
    atomic_fetch_add(&received, 1);
    struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_NO_CONTENT, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s PORT EXPECTED IDLE_S [DELAY_MS]\n", argv[0]);
        return 2;
    }
    unsigned short port = (unsigned short)atoi(argv[1]);
    long expected = atol(argv[2]);
    long long idle_ns = atoll(argv[3]) * 1000000000LL;
    delay_us = argc == 5 ? (useconds_t)atol(argv[4]) * 1000 : 0;
    unsigned flags = delay_us ? MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
                              : MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    struct MHD_Daemon *d = MHD_start_daemon(flags, port, NULL, NULL, answer, NULL,
                                            MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "webhook_sink: cannot listen on port %u\n", port);
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    long long started = now_ns();
    for (;;) {
        usleep(20000);
        long n = atomic_load(&received);
        long long last = atomic_load(&last_ns), t = now_ns();
        if (n >= expected || t - (last ? last : started) > idle_ns)
            break;
    }
    long n = atomic_load(&received);
    double secs = (double)(atomic_load(&last_ns) - atomic_load(&first_ns)) / 1e9;
    printf("deliveries: %ld in %.2f s = %.0f/s\n", n, secs, secs > 0 ? (double)n / secs : 0.0);
    MHD_stop_daemon(d);
    return n >= expected ? 0 : 1;
}
