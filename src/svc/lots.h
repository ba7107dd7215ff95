#ifndef ORDO_SVC_LOTS_H
#define ORDO_SVC_LOTS_H

#include <jansson.h>

#include "svc/op.h"

/* Stock kept by lot with an expiry date. Once a SKU has a lot at a warehouse its lots are
 * the count there: stock.on_hand is always the sum of its lots (`ordo check` and GET
 * /v1/ledger/verify report any row where it is not), and counts go through the lots. */

/* PUT /v1/stock/{warehouse}/{sku}/lots/{lot} {expires_on: "YYYY-MM-DD", on_hand}: creates or
 * recounts a lot; the stock row is recounted to the sum of the lots (as a stocktake: below
 * what is reserved takes units back from the newest orders, above offers them to waiting
 * ones). */
svc_op_t *lot_put_op(app_t *app, const char *warehouse, const char *sku, const char *lot,
                     json_t *body, const char *actor, svc_result_t *immediate);

/* GET /v1/reports/near-expiry?days=N[&warehouse=W]: lots with units expiring within N days
 * of today (China), soonest first, each with days_left and whether a pick may still take it
 * under its SKU's shelf life. */
void lots_near_expiry(app_t *app, int days, const char *warehouse, svc_result_t *r);

/* Inside a write: ORDO_E_OK when (warehouse, sku) is not kept by lot, else a 409 in r saying
 * to count its lots (a plain count cannot say which lot changed). */
ordo_err_t lots_refuse_plain_count(store_t *s, const char *warehouse, const char *sku,
                                   svc_result_t *r);

/* Stock rows whose lots do not sum to on_hand, appended to mismatches with kind "lots". */
int lots_verify(store_t *s, json_t *mismatches);

#endif
