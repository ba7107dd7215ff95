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

/* A stock row as the API shows it: {warehouse, sku, on_hand, reserved, available,
 * safety_stock, bin}. */
json_t *stock_row_json(const stock_row_t *r);

/* Stock of one SKU, in total and per warehouse. */
void stock_summary(app_t *app, const char *sku, svc_result_t *r);

/* Checks the reservation ledger against the stock table (the replay check). */
void stock_verify(app_t *app, svc_result_t *r);

/* Inside a write: sets the count of (warehouse, sku) to target as a stocktake does (takes
 * reservations back from the newest orders when below them, a stock ledger row with reason,
 * freed units offered to waiting orders), keeping its safety stock and bin. A store result. */
int stock_recount(store_t *s, const char *warehouse, const char *sku, int64_t target,
                  const char *actor, const char *reason, int64_t now);

#endif
