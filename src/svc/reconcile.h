#ifndef ORDO_SVC_RECONCILE_H
#define ORDO_SVC_RECONCILE_H

#include <stddef.h>

#include "svc/op.h"

/* Reconciliation of a payment platform's statement with the notifications ordo recorded.
 * Per trade in the statement and per payment ordo recorded in its period:
 *   paid_not_recorded    the statement has a trade ordo has no payment of (or no order for);
 *   recorded_not_paid    ordo recorded a payment in the period that the statement lacks (and
 *                        no earlier statement listed);
 *   amount_mismatch      both have the trade, with different amounts;
 *   refund_not_recorded  the statement refunds an order ordo has not cancelled.
 * Refunds are listed, never netted into their trade: a netted trade would read as an amount
 * mismatch, and ordo keeps no refunds of its own to compare them with. Each discrepancy opens
 * one red exception on its order (money at risk either way), once: the same statement again
 * reports it with that exception and opens nothing new. */

/* POST /v1/reconciliations/alipay and `ordo reconcile alipay FILE`: parses the statement (len
 * bytes, borrowed) on the caller's thread. NULL with the 400 in *immediate (every problem
 * under the field "line N") when it is refused; else the op, whose result is 201 with the
 * report (also stored: reconciliation_get) and `created` the run's id. */
svc_op_t *reconcile_alipay_op(app_t *app, const char *statement, size_t len, const char *actor,
                              svc_result_t *immediate);

/* GET /v1/reconciliations/{id}: the stored report. */
void reconciliation_get(app_t *app, int64_t id, svc_result_t *r);

#endif
