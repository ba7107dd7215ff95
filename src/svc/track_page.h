#ifndef ORDO_SVC_TRACK_PAGE_H
#define ORDO_SVC_TRACK_PAGE_H

#include <stdbool.h>

#include "svc/op.h"

/* GET /track/{order_no}?phone_last4=NNNN: the buyer's own view of where the order is,
 * without logging in: the order's status and its parcels' tracking, nothing about the buyer.
 * A wrong or missing phone_last4 gets exactly the answer an order that does not exist gets
 * (404, same body), so the page tells nobody which order numbers exist. HTML (UTF-8, every
 * text escaped), or JSON when json is set (Accept: application/json). Wrong guesses (four
 * digits that do not match) are limited per order number (ORDO_TRACK_MAX_FAILURES, default 5)
 * and per client address (ORDO_TRACK_CLIENT_MAX_FAILURES, default 20) within
 * ORDO_TRACK_LOCK_S (default 900 s); past either the page answers 429 with retry_after_s set
 * and nothing else until the lock runs out, right digits or not. client: the caller's
 * address, or NULL when unknown. */
void track_page(app_t *app, const char *order_no, const char *phone_last4, const char *client,
                bool json, svc_result_t *r);

#endif
