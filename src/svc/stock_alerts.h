#ifndef ORDO_SVC_STOCK_ALERTS_H
#define ORDO_SVC_STOCK_ALERTS_H

#include "svc/app.h"
#include "svc/result.h"
#include "store/store.h"

/* Safety stock: the alert when a (warehouse, SKU) falls below it, and the reports. */

/* Writes one `stock.low` outbox message (no order) when the change from `before` to `after`
 * takes available units (on_hand - reserved) from at or above the safety stock to below it;
 * nothing otherwise, so one alert per crossing and none again until it has recovered. Payload:
 * {warehouse, sku, on_hand, reserved, available, safety_stock}. */
int stock_alert_check(store_t *s, const stock_row_t *before, const stock_row_t *after,
                      int64_t now_ms);
/* Writes the `stock.low` message for a row found to have just crossed. */
int stock_alert_raise(store_t *s, const stock_row_t *after, int64_t now_ms);

/* GET /v1/reports/low-stock → {items: [{warehouse, sku, name, on_hand, reserved, available,
 * safety_stock}]}; GET /v1/reports/slow-movers?days=N → {days, since, items: [{sku, name,
 * on_hand, last_sold_at}]}. */
void stock_report_low(app_t *app, svc_result_t *r);
void stock_report_slow_movers(app_t *app, int64_t days, int64_t now_ms, svc_result_t *r);

#endif
