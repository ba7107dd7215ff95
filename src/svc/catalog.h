#ifndef ORDO_SVC_CATALOG_H
#define ORDO_SVC_CATALOG_H

#include <jansson.h>

#include "svc/op.h"

/* SKUs and warehouses. The put ops validate `body` (borrowed) first and return NULL with the
 * 4xx in *immediate when it is wrong. */
svc_op_t *sku_put_op(app_t *app, const char *sku, json_t *body, const char *actor,
                     svc_result_t *immediate);
void sku_get(app_t *app, const char *sku, svc_result_t *r);

svc_op_t *warehouse_put_op(app_t *app, const char *code, json_t *body, const char *actor,
                           svc_result_t *immediate);
void warehouse_get(app_t *app, const char *code, svc_result_t *r);

#endif
