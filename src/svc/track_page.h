#ifndef ORDO_SVC_TRACK_PAGE_H
#define ORDO_SVC_TRACK_PAGE_H

#include <stdbool.h>

#include "svc/op.h"

/* GET /track/{order_no}?phone_last4=NNNN: the buyer's own view of where the order is,
 * without logging in: the order's status and its parcels' tracking, nothing about the buyer.
 * A wrong or missing phone_last4 gets exactly the answer an order that does not exist gets
 * (404, same body), so the page tells nobody which order numbers exist. HTML (UTF-8, every
 * text escaped), or JSON when json is set (Accept: application/json). */
void track_page(app_t *app, const char *order_no, const char *phone_last4, bool json,
                svc_result_t *r);

#endif
