#ifndef ORDO_SVC_ORDER_EDIT_H
#define ORDO_SVC_ORDER_EDIT_H

#include <jansson.h>

#include "svc/op.h"

/* Corrections before the warehouse starts: recipient name, phone, address, remark.
 * body (borrowed): {buyer: {name, phone}, address: {province, city, district, detail,
 * postal_code}, remark}, any subset. The corrected order is validated as a whole, like a new
 * one; each change is kept on the timeline with its previous value. Returns NULL with the
 * 4xx in *immediate when the body asks for something that cannot be corrected. */
svc_op_t *order_patch_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                         svc_result_t *immediate);

#endif
