#ifndef ORDO_STORE_EXCEPTION_POOL_STORE_H
#define ORDO_STORE_EXCEPTION_POOL_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The storage of the exception pool as people work it: finding exceptions, counting the open
 * ones, who owns one and by when, and the log of what was done about it. A part of the store
 * interface of its own (store_vtable_t.exception_pool); opening and resolving exceptions stay
 * in store.h, where every part of the code that raises one finds them. Same conventions as
 * store.h: STORE_OK / STORE_NOT_FOUND / STORE_CONFLICT / STORE_ERROR, one connection per
 * thread, json_t results are new references owned by the caller. */

typedef struct store store_t;

typedef struct {
    const char *status;   /* "open" | "resolved"; NULL for any */
    const char *code;     /* NULL for any; ending in "*": every code it begins */
    const char *severity; /* "red" | "yellow"; NULL for any */
    const char *order_no; /* NULL for any */
    const char *owner;    /* NULL for any */
    const char *decision; /* a decision taken, "none" for none yet; NULL for any */
    int64_t before_id;    /* cursor: only ids below this (newest first); 0 for none */
    int limit;
} exception_filter_t;

/* One thing a person did about an exception. */
typedef struct {
    int64_t exception_id;
    int64_t order_id;
    const char *action; /* contact_buyer, note, assign, wait, swap, cancel, split, resolve, … */
    const char *note;
    int64_t until_ms;        /* wait: until when the buyer agreed to wait; 0 for none */
    const char *detail_json; /* what the action did (a swap's change...), or NULL */
    int64_t to_refund_fen;   /* cancel: what the buyer is owed back; -1 for none */
    bool decides;            /* the exception's decision becomes this action */
    const char *actor;
    int64_t at_ms;
} exception_action_rec_t;

typedef struct exception_pool_vtable {
    /* Exceptions matching f, newest first, up to f->limit: [{id, order_no, code, severity,
     * message, status, created_at, resolved_at, resolved_by, note, owner, deadline, decision,
     * order_status}]. */
    int (*list)(store_t *s, const exception_filter_t *f, json_t **out);
    /* The open exceptions: {counts: [{code, severity, count}] by code and severity,
     * unassigned: without an owner, overdue: with a deadline before now_ms}. */
    int (*summary)(store_t *s, int64_t now_ms, json_t **out);
    /* One exception as list gives it; STORE_NOT_FOUND. */
    int (*get)(store_t *s, int64_t id, json_t **out);
    /* Its actions, oldest first: [{action, note, until, detail, to_refund, actor, at}]. */
    int (*actions)(store_t *s, int64_t id, json_t **out);
    /* Sets the owner and the deadline (deadline_ms 0: none; -1: keep the one it has) of an
     * open exception; STORE_CONFLICT (nothing changed) when it is not open. */
    int (*assign)(store_t *s, int64_t id, const char *owner, int64_t deadline_ms);
    int (*action_append)(store_t *s, const exception_action_rec_t *a);
} exception_pool_vtable_t;

#endif
