#ifndef ORDO_STORE_AFTER_SALES_WATCH_STORE_H
#define ORDO_STORE_AFTER_SALES_WATCH_STORE_H

#include <jansson.h>
#include <stdint.h>

/* The storage of the after-sales SLA sweep: which tickets are past their state's deadline
 * and which breaches already opened an exception (once per ticket and state). A part of the
 * store interface of its own (store_vtable_t.after_sales_watch); same conventions as
 * store.h: STORE_OK / STORE_CONFLICT / STORE_ERROR, json_t results new references owned by
 * the caller, times in ms. */

typedef struct store store_t;

typedef struct after_sales_watch_vtable {
    /* Tickets whose deadline passed before now_ms and whose breach of their current state
     * has no exception yet, the longest overdue first: [{id, order_id, order_no, type,
     * status, assignee (or null), deadline}]. */
    int (*overdue)(store_t *s, int64_t now_ms, int limit, json_t **out);
    /* Records the exception opened for the ticket's breach of status; STORE_CONFLICT when
     * one was recorded already. */
    int (*overdue_add)(store_t *s, int64_t after_sales_id, const char *status, int64_t deadline_ms,
                       int64_t exception_id, int64_t now_ms);
} after_sales_watch_vtable_t;

#endif
