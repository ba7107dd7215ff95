#include "http/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "svc/event_hub.h"

static atomic_uint_fast64_t status_count[600];

/* Latency buckets in milliseconds (upper bounds), Prometheus histogram style. */
static const double bucket_ms[] = {0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000};
#define N_BUCKETS (sizeof bucket_ms / sizeof bucket_ms[0])
static atomic_uint_fast64_t latency_bucket[N_BUCKETS + 1];
static atomic_uint_fast64_t latency_sum_us;

void metrics_init(void) {}

void metrics_http_status(int status) {
    if (status >= 100 && status < 600)
        atomic_fetch_add(&status_count[status], 1);
}

void metrics_http_latency(int64_t ns) {
    double ms = (double)ns / 1e6;
    size_t b = 0;
    while (b < N_BUCKETS && ms > bucket_ms[b])
        b++;
    atomic_fetch_add(&latency_bucket[b], 1);
    atomic_fetch_add(&latency_sum_us, (uint64_t)(ns / 1000));
}

char *metrics_render(app_t *app, size_t *len) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    fprintf(f, "# HELP ordo_http_responses_total HTTP responses by status code.\n"
               "# TYPE ordo_http_responses_total counter\n");
    for (int s = 100; s < 600; s++) {
        uint64_t n = atomic_load(&status_count[s]);
        if (n)
            fprintf(f, "ordo_http_responses_total{code=\"%d\"} %llu\n", s, (unsigned long long)n);
    }
    fprintf(f, "# HELP ordo_http_request_duration_seconds Time from request headers to answer.\n"
               "# TYPE ordo_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t b = 0; b < N_BUCKETS; b++) {
        cum += atomic_load(&latency_bucket[b]);
        fprintf(f, "ordo_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                bucket_ms[b] / 1000, (unsigned long long)cum);
    }
    cum += atomic_load(&latency_bucket[N_BUCKETS]);
    fprintf(f, "ordo_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
            (unsigned long long)cum);
    fprintf(f, "ordo_http_request_duration_seconds_sum %.6f\n",
            (double)atomic_load(&latency_sum_us) / 1e6);
    fprintf(f, "ordo_http_request_duration_seconds_count %llu\n", (unsigned long long)cum);

    struct {
        const char *name, *help;
        uint64_t value;
    } counters[] = {
        {"ordo_orders_accepted_total", "Orders stored (201).", atomic_load(&app->orders_accepted)},
        {"ordo_orders_replayed_total", "Replays answered with the stored order.",
         atomic_load(&app->orders_replayed)},
        {"ordo_orders_rejected_total", "Orders refused as invalid (422).",
         atomic_load(&app->orders_rejected)},
        {"ordo_orders_cancelled_total", "Orders cancelled.", atomic_load(&app->orders_cancelled)},
        {"ordo_payment_timeouts_total", "Unpaid orders cancelled when their hold ran out.",
         atomic_load(&app->payment_timeouts)},
        {"ordo_orders_stock_short_total", "Orders accepted short of stock.",
         atomic_load(&app->stock_short_orders)},
    };
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
        fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", counters[i].name, counters[i].help,
                counters[i].name, counters[i].name, (unsigned long long)counters[i].value);

    writer_stats_t ws;
    writer_get_stats(app->writer, &ws);
    fprintf(f,
            "# HELP ordo_writer_commits_total Group commits (transactions).\n"
            "# TYPE ordo_writer_commits_total counter\nordo_writer_commits_total %llu\n"
            "# HELP ordo_writer_commands_total Commands committed by the writer.\n"
            "# TYPE ordo_writer_commands_total counter\nordo_writer_commands_total %llu\n"
            "# HELP ordo_writer_failed_commits_total Group commits that failed.\n"
            "# TYPE ordo_writer_failed_commits_total counter\n"
            "ordo_writer_failed_commits_total %llu\n"
            "# HELP ordo_writer_commit_seconds_total Time spent in group commits.\n"
            "# TYPE ordo_writer_commit_seconds_total counter\n"
            "ordo_writer_commit_seconds_total %.6f\n"
            "# HELP ordo_writer_syncs_total Log syncs that made groups durable.\n"
            "# TYPE ordo_writer_syncs_total counter\nordo_writer_syncs_total %llu\n"
            "# HELP ordo_writer_sync_seconds_total Time spent syncing the log.\n"
            "# TYPE ordo_writer_sync_seconds_total counter\n"
            "ordo_writer_sync_seconds_total %.6f\n"
            "# HELP ordo_writer_batch_max Largest group seen.\n"
            "# TYPE ordo_writer_batch_max gauge\nordo_writer_batch_max %llu\n"
            "# HELP ordo_writer_queue_depth Commands waiting for the writer.\n"
            "# TYPE ordo_writer_queue_depth gauge\nordo_writer_queue_depth %d\n",
            (unsigned long long)ws.commits, (unsigned long long)ws.commands,
            (unsigned long long)ws.failed_commits, (double)ws.commit_ns_total / 1e9,
            (unsigned long long)ws.syncs, (double)ws.sync_ns_total / 1e9,
            (unsigned long long)ws.batch_max_seen, ws.queue_depth);
    event_hub_stats_t es = {0};
    if (app->event_hub)
        event_hub_stats(app->event_hub, &es);
    fprintf(f,
            "# HELP ordo_event_streams_open Live event streams open.\n"
            "# TYPE ordo_event_streams_open gauge\nordo_event_streams_open %d\n"
            "# HELP ordo_event_stream_overflows_total Times a stream's buffer was full and it "
            "was served from the outbox instead.\n"
            "# TYPE ordo_event_stream_overflows_total counter\n"
            "ordo_event_stream_overflows_total %llu\n",
            es.open, (unsigned long long)es.overflows);
    fclose(f);
    *len = size;
    return buf;
}
