#include "core/merge_check.h"

#include <stdio.h>
#include <string.h>

#include "core/lifecycle.h"

static bool refuse(const char **code, const char *c, char *msg, size_t len, const char *fmt,
                   const char *a, const char *b, const char *d) {
    *code = c;
    snprintf(msg, len, fmt, a, b, d);
    return true;
}

bool merge_refusal(const merge_facts_t *lead, const merge_facts_t *f, const char **code, char *msg,
                   size_t len) {
    const char *no = f->order_no;
    /* A hold first: placing one takes the order back to review, and the hold is the why. */
    if (f->open_holds)
        return refuse(code, "on_hold", msg, len, "order %s has an open hold%s%s", no, "", "");
    if (f->status != ORDER_APPROVED)
        return refuse(code, "not_approved", msg, len,
                      "order %s is %s: only approved orders not yet picked merge%s", no,
                      order_status_name((order_status_t)f->status), "");
    if (f->merge_id) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)f->merge_id);
        return refuse(code, "already_merged", msg, len, "order %s is in merge %s already%s", no, id,
                      "");
    }
    if (f->n_warehouses == 0)
        return refuse(code, "no_stock", msg, len, "order %s holds no stock at any warehouse%s%s",
                      no, "", "");
    if (f->n_warehouses > 1)
        return refuse(code, "several_warehouses", msg, len,
                      "order %s holds stock at several warehouses: a shipment leaves from one%s%s",
                      no, "", "");
    if (f->shortages)
        return refuse(code, "short", msg, len, "order %s is short of stock%s%s", no, "", "");
    if (!f->address_key[0])
        return refuse(code, "no_address", msg, len, "order %s has no address key to compare%s%s",
                      no, "", "");
    if (!lead)
        return false;
    if (strcmp(lead->phone, f->phone) != 0)
        return refuse(code, "different_buyer", msg, len,
                      "order %s has another buyer phone than %s%s", no, lead->order_no, "");
    if (strcmp(lead->address_key, f->address_key) != 0)
        return refuse(code, "different_address", msg, len,
                      "order %s goes to another address than %s%s", no, lead->order_no, "");
    if (strcmp(lead->warehouse, f->warehouse) != 0)
        return refuse(code, "different_warehouse", msg, len,
                      "order %s is held at %s, %s at another warehouse", no, f->warehouse,
                      lead->order_no);
    return false;
}

static bool same_shipment(const merge_facts_t *a, const merge_facts_t *b) {
    return strcmp(a->phone, b->phone) == 0 && strcmp(a->address_key, b->address_key) == 0 &&
           strcmp(a->warehouse, b->warehouse) == 0;
}

int merge_runs(const merge_facts_t *f, int n, int max_size, int *starts, int *sizes) {
    int count = 0;
    for (int i = 0; i < n;) {
        int end = i + 1;
        while (end < n && same_shipment(&f[i], &f[end]))
            end++;
        for (int at = i; end - at >= 2;) {
            int size = end - at < max_size ? end - at : max_size;
            starts[count] = at;
            sizes[count++] = size;
            at += size;
        }
        i = end;
    }
    return count;
}
