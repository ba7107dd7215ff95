#ifndef ORDO_SVC_AFTER_SALES_SETTINGS_H
#define ORDO_SVC_AFTER_SALES_SETTINGS_H

#include <jansson.h>
#include <stdint.h>

#include "core/after_sales_flow.h"
#include "svc/op.h"

/* The merchant's after-sales settings, one document with defaults for what was never set:
 *   {windows_days: {refund_only: 15, return_refund: 7, exchange: 15, reissue: 15},
 *    sla_hours: {requested: 24, approved: 72, return_in_transit: 168, received: 24,
 *                inspected: 24},
 *    commission_bp: {default: 0, <channel>: basis points, ...}}
 * windows: days after delivery (or the last shipment, when no delivery was recorded) a
 * ticket of that type may be opened; sla_hours: how long a ticket may stay in a state (its
 * deadline; 0 for none); commission_bp: the channel's commission on what the buyer paid,
 * for settlement.
 *
 * And the refund provider (svc/refunds.c): {url, secret, timeout_ms}. */

/* The effective settings (defaults merged in); NULL on a store error. */
json_t *as_settings_load(store_t *s);
int as_settings_window_days(json_t *settings, as_type_t t);
/* The deadline of a ticket entering state at now_ms; 0 for none. */
int64_t as_settings_deadline(json_t *settings, as_state_t state, int64_t now_ms);
int32_t as_settings_commission_bp(json_t *settings, const char *channel);

void as_settings_get(app_t *app, svc_result_t *r);
/* Merges the members given into the settings; 422 naming each bad one. */
svc_op_t *as_settings_put_op(app_t *app, json_t *body, const char *actor, svc_result_t *immediate);

/* The refund provider's settings, secret masked; 404 when unset. */
void refund_provider_get(app_t *app, svc_result_t *r);
svc_op_t *refund_provider_put_op(app_t *app, json_t *body, const char *actor,
                                 svc_result_t *immediate);

#endif
