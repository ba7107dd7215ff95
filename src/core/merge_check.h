#ifndef ORDO_CORE_MERGE_CHECK_H
#define ORDO_CORE_MERGE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which open orders may ship together as one merged shipment: orders of one buyer (phone),
 * one address (the address key velocity counts use) and one warehouse, approved and not yet
 * picked, with nothing open against them. Pure. */

/* What decides whether an order may join a merged shipment. */
typedef struct {
    int64_t order_id;
    char order_no[32];
    int status;            /* order_status_t */
    char phone[24];        /* normalized digits */
    char address_key[600]; /* rules_address_key; "" when the order has none */
    int n_warehouses;      /* warehouses it holds units at */
    char warehouse[65];    /* the first of them ("" when none) */
    int open_holds, shortages;
    int64_t merge_id; /* 0 when in no merge */
} merge_facts_t;

/* Why order f cannot join a shipment whose first order is lead (NULL when f is the first):
 * false when it can; else true with a code ("not_approved", "already_merged", "no_stock",
 * "several_warehouses", "on_hold", "short", "no_address", "different_buyer",
 * "different_address", "different_warehouse") and a message naming the order. */
bool merge_refusal(const merge_facts_t *lead, const merge_facts_t *f, const char **code, char *msg,
                   size_t msg_len);

/* Cuts candidates sorted by phone then address key into shipments: runs of 2 or more orders
 * sharing phone, address key and warehouse, at most max_size each (a longer run is cut,
 * a remainder of one left alone). Writes each shipment's first index and size into starts
 * and sizes (n entries always suffice) and returns how many there are. */
int merge_runs(const merge_facts_t *f, int n, int max_size, int *starts, int *sizes);

#endif
