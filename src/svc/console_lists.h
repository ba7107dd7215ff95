#ifndef ORDO_SVC_CONSOLE_LISTS_H
#define ORDO_SVC_CONSOLE_LISTS_H

#include <stdbool.h>
#include <stdint.h>

#include "svc/app.h"
#include "svc/result.h"

/* The lists the operator console shows that had only single views: stock rows, warehouses,
 * webhooks and waves (docs/api.md, Console support). */

/* GET /v1/stock?sku=&warehouse=&low=&limit=&cursor= → {items: [{sku, warehouse, on_hand,
 * reserved, available, safety_stock, bin, low}], next_cursor} by SKU then warehouse. cursor
 * is one this list gave (422 `cursor invalid_cursor` otherwise). */
void console_stock_list(app_t *app, const char *sku, const char *warehouse, bool low_only,
                        int limit, const char *cursor, svc_result_t *r);

/* GET /v1/warehouses → {items: [the warehouse as GET /v1/warehouses/{code}]} by code. */
void console_warehouses(app_t *app, svc_result_t *r);

/* GET /v1/webhooks → {items: [the webhook as GET /v1/webhooks/{id}, never its secret]}. */
void console_webhooks(app_t *app, svc_result_t *r);

/* GET /v1/waves?warehouse=&limit=&cursor= → {items, next_cursor}, newest first. */
void console_waves(app_t *app, const char *warehouse, int64_t before_id, int limit,
                   svc_result_t *r);

#endif
