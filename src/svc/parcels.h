#ifndef ORDO_SVC_PARCELS_H
#define ORDO_SVC_PARCELS_H

#include <jansson.h>

#include "svc/op.h"

/* Packing and shipping: parcels, their packaging, carrier, tracking number and labels. */

/* POST /v1/orders/{no}/pack {items: [{barcode, qty}], weight_g, length_mm, width_mm,
 * height_mm, partial?}. The scanned items must be exactly what the order still has to pack
 * (a missing or extra barcode, or a wrong count, is a 422 naming it); a splittable order may
 * pack a part of it with partial: true. The first parcel moves the order from picking to
 * packed. Answers {order_no, status, remark, parcel, parcels}. */
svc_op_t *order_pack_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                        svc_result_t *immediate);

/* POST /v1/orders/{no}/ship {carrier?, policy?}: every packed parcel gets a carrier (the one
 * given, else the order's, else the channel's, else the policy's choice: cheapest by
 * default), a tracking number from the carrier's source and a label; the order moves to
 * shipped once every line has gone, else to partially_shipped. The buyer is told with the
 * carrier and tracking number. Answers {order_no, status, parcels}. */
svc_op_t *order_ship_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                        svc_result_t *immediate);

/* GET /v1/orders/{no}/parcels and GET /v1/parcels/{id}. */
void order_parcels(app_t *app, const char *order_no, svc_result_t *r);
void parcel_get(app_t *app, int64_t id, svc_result_t *r);

typedef enum { LABEL_PDF, LABEL_ZPL } label_kind_t;
/* GET /v1/parcels/{id}/label.pdf|.zpl: rendered on demand from what is stored (the label of a
 * shipped parcel; 409 before it has a tracking number). */
void parcel_label(app_t *app, int64_t id, label_kind_t kind, svc_result_t *r);

/* For the pack and ship use cases: the API view of a stored parcel row (borrowed), with its
 * label URLs once shipped: a new reference. */
json_t *parcel_view(json_t *row);
/* The views of every parcel of the order, oldest first; NULL when the store failed. */
json_t *parcel_views_of_order(store_t *s, int64_t order_id);
/* The province (first two digits of its code) goods leave from for the order: its first
 * reserving warehouse's, else the buyer's own (zone local) when none is known. */
int parcel_origin_province(store_t *s, const order_rec_t *rec, int64_t now_ms,
                           char warehouse_name[128]);
/* A province code as 2 digits, from a 6-digit division code or already 2 digits. */
int province_of(int64_t code);

#endif
