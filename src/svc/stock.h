#ifndef ORDO_SVC_STOCK_H
#define ORDO_SVC_STOCK_H

#include <jansson.h>

#include "svc/op.h"

/* A stocktake: sets the count (and safety stock, bin). Lowering it below what is reserved
 * takes reservations back from the newest orders; raising it offers stock to waiting ones. */
svc_op_t *stock_count_op(app_t *app, const char *warehouse, const char *sku, json_t *body,
                         const char *actor, svc_result_t *immediate);

/* Adds a delta to the count, with a reason (receipt, damage, correction). */
svc_op_t *stock_adjust_op(app_t *app, const char *warehouse, const char *sku, json_t *body,
                          const char *actor, svc_result_t *immediate);

/* Stock of one SKU, in total and per warehouse. */
void stock_summary(app_t *app, const char *sku, svc_result_t *r);

/* Checks the reservation ledger against the stock table (the replay check). */
void stock_verify(app_t *app, svc_result_t *r);

#endif
