#ifndef ORDO_CORE_EXCEPTION_ACTION_H
#define ORDO_CORE_EXCEPTION_ACTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* What a person may do about an exception in the pool, without I/O: record contact with the
 * buyer or the carrier, leave a note, or — for an order short of stock — decide what becomes
 * of it: wait for restock, swap the missing SKU for another, cancel and refund, or ship it in
 * parts; for a parcel in trouble on the road (a logistics_* exception) — file a claim with the
 * carrier and record what it paid, send the goods again, or refund the buyer. */

typedef enum {
    EXC_ACTION_CONTACT_BUYER,
    EXC_ACTION_CONTACT_CARRIER,
    EXC_ACTION_NOTE,
    EXC_ACTION_WAIT,
    EXC_ACTION_SWAP,
    EXC_ACTION_CANCEL,
    EXC_ACTION_SPLIT,
    EXC_ACTION_FILE_CLAIM,
    EXC_ACTION_CLAIM_SETTLED,
    EXC_ACTION_RESHIP,
    EXC_ACTION_REFUND,
    EXC_ACTION__COUNT
} exc_action_t;

/* -1 when name is no action. */
int exc_action_from_name(const char *name);
const char *exc_action_name(exc_action_t a);

/* Every action's name, comma-separated, for messages. */
extern const char EXC_ACTION_NAMES[];

/* wait, swap, cancel, split, reship, refund: decisions about the order; the exception keeps
 * the latest. */
bool exc_action_is_decision(exc_action_t a);

/* The exception code the action is for (stock_short for wait, swap and split: they are
 * about missing stock; "logistics_*", any logistics code, for file_claim, claim_settled,
 * reship and refund: they are about a parcel on the road), or NULL when any exception takes
 * it. */
const char *exc_action_code(exc_action_t a);

/* Whether an exception with this code may take the action (exc_action_code, a trailing '*'
 * matching any rest). */
bool exc_action_applies(exc_action_t a, const char *code);

/* Whether a request for action may carry member: every action takes "action" and "note";
 * wait takes "until"; swap the line change's "line", "sku", "qty", "unit_price" and
 * "allow_short"; file_claim "amount_claimed"; claim_settled "amount_recovered"; reship
 * "parcel" and "items"; refund "parcel" and "amount". */
bool exc_action_takes(exc_action_t a, const char *member);

/* What cancelling an order owes its buyer, from its stored form: the amount paid when its
 * payment is paid, else 0. */
int64_t exc_refund_due(const json_t *order_doc);

#endif
