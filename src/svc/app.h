#ifndef ORDO_SVC_APP_H
#define ORDO_SVC_APP_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/order_parse.h"
#include "store/store.h"
#include "svc/writer.h"

/* Everything a use case needs: the writer (the only path for writes), reference data, and
 * settings. One per process; created by the CLI, shared by the HTTP threads and jobs. */
typedef struct {
    char db_url[1024];
    writer_t *writer;
    order_validation_t validation; /* reference data: divisions and numbering plan */
    int64_t payment_hold_ms;
    int node_id; /* 0..99, distinguishes order numbers of nodes sharing one database */

    /* Automatic review's cached rule set: touched only on the writer thread. */
    struct review_state *review;
    /* Which SKUs are sellable, as the writer last read them: writer thread only. */
    struct sellable_cache *sellable;

    /* Order-number generator state: touched only on the writer thread. */
    int64_t order_no_second;
    int32_t order_no_seq;
    bool order_no_ready;

    atomic_uint_fast64_t orders_accepted, orders_replayed, orders_rejected, orders_cancelled;
    atomic_uint_fast64_t payment_timeouts, stock_short_orders;

    /* Live event streams (svc/event_hub.h): set while the HTTP server runs, else NULL. */
    struct event_hub *event_hub;

    /* Wakes the refund worker for a refund just made due (jobs/refund_worker.c): set while it
     * runs, which is from before the HTTP server starts until after it stops; else NULL. */
    void (*refunds_wake)(void *ctx);
    void *refunds_wake_ctx;

} app_t;

/* Loads reference data and opens the store and its writer. Returns NULL with a reason in err. */
app_t *app_open(const char *db_url, char *err, size_t err_len);
/* Finishes queued writes and releases everything (also the calling thread's reader). */
void app_close(app_t *app);

/* This thread's read-only connection, opened on first use; closed by app_close for every
 * thread. Never use it for writes. */
store_t *app_reader(app_t *app);

/* The acting user, recorded with every change. */
typedef struct {
    const char *name; /* e.g. "admin" */
} actor_t;

#endif
