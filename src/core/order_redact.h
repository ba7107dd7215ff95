#ifndef ORDO_CORE_ORDER_REDACT_H
#define ORDO_CORE_ORDER_REDACT_H

#include <jansson.h>

/* What a role that may not see payment data (the warehouse) is shown of an order. Removed,
 * at any depth of the document: the payment block (method, transaction id, amount paid,
 * paid_at), amounts and totals, unit prices, discounts, the shipping fee charged, line-edit
 * money (to_collect, to_refund), refunds, the review block (its rule values quote totals
 * and the payment status), holds' message and detail (they quote the same), and the buyer's
 * client_ip. The view gains "payment_redacted": true. */
void order_view_redact_payment(json_t *order);

/* The same for a timeline (an array of events): payment, invoice, refund and line-edit
 * events are dropped, and money members of the rest removed. */
void order_events_redact_payment(json_t *events);

#endif
