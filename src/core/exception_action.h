#ifndef ORDO_CORE_EXCEPTION_ACTION_H
#define ORDO_CORE_EXCEPTION_ACTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* What a person may do about an exception in the pool, without I/O: record contact with the
 * buyer or the carrier, leave a note, or — for an order short of stock — decide what becomes
 * of it: wait for restock, swap the missing SKU for another, cancel and refund, or ship it in
 * parts. */

typedef enum {
    EXC_ACTION_CONTACT_BUYER,
    EXC_ACTION_CONTACT_CARRIER,
    EXC_ACTION_NOTE,
    EXC_ACTION_WAIT,
    EXC_ACTION_SWAP,
    EXC_ACTION_CANCEL,
    EXC_ACTION_SPLIT,
    EXC_ACTION__COUNT
} exc_action_t;

/* -1 when name is no action. */
int exc_action_from_name(const char *name);
const char *exc_action_name(exc_action_t a);

/* Every action's name, comma-separated, for messages. */
extern const char EXC_ACTION_NAMES[];

/* wait, swap, cancel, split: decisions about the order; the exception keeps the latest. */
bool exc_action_is_decision(exc_action_t a);

/* The one exception code the action is for (stock_short for wait, swap and split: they are
 * about missing stock), or NULL when any exception takes it. */
const char *exc_action_code(exc_action_t a);

/* Whether a request for action may carry member: every action takes "action" and "note";
 * wait takes "until"; swap the line change's "line", "sku", "qty", "unit_price" and
 * "allow_short". */
bool exc_action_takes(exc_action_t a, const char *member);

/* What cancelling an order owes its buyer, from its stored form: the amount paid when its
 * payment is paid, else 0. */
int64_t exc_refund_due(const json_t *order_doc);

#endif
