#ifndef ORDO_STORE_CONSOLE_STORE_H
#define ORDO_STORE_CONSOLE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* The reads behind the operator console's dashboard and lists, and the work counters the
 * dashboard's error rates need (store_vtable_t.console). Same conventions as store.h. Every
 * read is a range over an index or a counter table: none counts orders or timeline events
 * outside the window asked for. */

/* One timeline event that may end a dashboard stage (text fields "" when NULL). */
typedef struct {
    int64_t id, order_id, at_ms;
    const char *type, *from_status, *to_status, *reason;
} console_event_t;

/* What happened in a window, for the error rates. */
typedef struct {
    int64_t pick_lines;       /* lines of waves created in the window */
    int64_t logistics_cases;  /* logistics cases people opened */
    int64_t parcels_shipped;  /* parcels that left */
    int64_t after_sales;      /* after-sales tickets opened */
    int64_t orders_delivered; /* orders delivered */
} console_window_counts_t;

typedef struct {
    const char *sku, *warehouse;             /* NULL: any */
    bool low_only;                           /* available below safety stock */
    const char *after_sku, *after_warehouse; /* the page starts after this key; NULL: first */
    int limit;
} console_stock_filter_t;

typedef struct console_store_vtable {
    /* {status: orders in it} from the trigger-kept counts (statuses with none left out). */
    int (*status_counts)(store_t *s, json_t **out);
    /* counts[i] = the work counter `name` of minute (first_minute + i), for n minutes
     * (minutes since the epoch); zeros where none. */
    int (*work_minutes)(store_t *s, const char *name, int64_t first_minute, int n, int64_t *counts);
    /* The sum of counter `name` over minutes [from_minute, to_minute). */
    int (*work_total)(store_t *s, const char *name, int64_t from_minute, int64_t to_minute,
                      int64_t *total);
    /* The busiest hour of counter `name` over minutes [from_minute, to_minute): its first
     * minute and its count (0 and 0 when none). Hours are clock hours (UTC). */
    int (*work_busiest_hour)(store_t *s, const char *name, int64_t from_minute, int64_t to_minute,
                             int64_t *hour_minute, int64_t *count);
    /* Adds n to counter `name` at the minute of at_ms, in the caller's transaction. */
    int (*work_add)(store_t *s, const char *name, int64_t at_ms, int64_t n);
    /* Calls each for every timeline event in [from_ms, to_ms) that is a status change or a
     * `picked` note, oldest first; stops at the first non-zero return (passed back). */
    int (*events_between)(store_t *s, int64_t from_ms, int64_t to_ms,
                          int (*each)(void *ctx, const console_event_t *e), void *ctx);
    /* When the order last entered to_status (or got a note of type note_type, when
     * to_status is NULL) before event before_id: STORE_NOT_FOUND when never. */
    int (*entered_at)(store_t *s, int64_t order_id, int64_t before_id, const char *to_status,
                      const char *note_type, int64_t *at_ms);
    int (*window_counts)(store_t *s, int64_t from_ms, int64_t to_ms, console_window_counts_t *out);
    /* Stock rows by (sku, warehouse), up to f->limit; *more when there are further ones. */
    int (*stock_page)(store_t *s, const console_stock_filter_t *f, stock_row_t *rows, int *n,
                      bool *more);
    /* Every warehouse's code / webhook's id, sorted: a JSON array of strings. */
    int (*warehouse_codes)(store_t *s, json_t **out);
    int (*webhook_ids)(store_t *s, json_t **out);
    /* Waves newest first (id below before_id when > 0; of warehouse unless NULL), up to
     * limit: [{id, warehouse, strategy, carrier, cutoff, created_at, created_by, orders,
     * units, picked, remaining, status, tasks: [{id, zone, status, units, picked,
     * remaining}]}]. */
    int (*waves_page)(store_t *s, const char *warehouse, int64_t before_id, int limit,
                      json_t **out);
} console_store_vtable_t;

#endif
