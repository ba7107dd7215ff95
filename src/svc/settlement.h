#ifndef ORDO_SVC_SETTLEMENT_H
#define ORDO_SVC_SETTLEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "svc/op.h"

/* Settlement with the merchant: each completed order's line is what the buyer paid, less
 * the channel's commission (after-sales settings, commission_bp), less refunds — the
 * merchant's income (core/settlement_calc.h).
 *
 * settlement_record writes an order's line when it completes (inside the completing
 * transaction; a second call for the same order changes nothing). The report does not
 * depend on it: it covers every order whose status is completed, using its line when there
 * is one (the rate and commission as of completion) and computing one from the current rate
 * when there is not; refunds are always those succeeded by the time of the report, so a
 * refund after completion lowers the income of the day the order completed. */

int settlement_record(store_t *s, int64_t order_id, int64_t now_ms);

/* Orders completed in [from_ms, to_ms): {from, to, currency, days: [{day (China date),
 * channel, orders, paid, commission, refunds, income}], totals: {orders, paid, commission,
 * refunds, income}, orders: [{order_no, channel, day, completed_at, paid, rate_bp,
 * commission, refunds, income}]}; csv: the days as CSV with a header. */
void settlement_report(app_t *app, int64_t from_ms, int64_t to_ms, bool csv, svc_result_t *r);

/* The report's CSV text of a JSON report (caller frees). */
char *settlement_csv(json_t *report);

/* A report period from query or command-line values: a date (YYYY-MM-DD, China time; `to`
 * inclusive) or an RFC 3339 instant (`to` exclusive). False when either is malformed or
 * from is not before to. */
bool settlement_period(const char *from, const char *to, int64_t *from_ms, int64_t *to_ms);

#endif
