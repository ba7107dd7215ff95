#ifndef ORDO_CORE_TRACKING_MILESTONE_H
#define ORDO_CORE_TRACKING_MILESTONE_H

#include <stdbool.h>
#include <stddef.h>

/* Where a parcel is on its way, from what carriers and aggregators say about it. Pure: no
 * I/O. Carriers describe events in free Chinese text ("已签收，签收人是：本人") and, through
 * Kuaidi100, with state codes; both map onto the same few milestones. */
typedef enum {
    MILESTONE_SHIPPED, /* handed over, nothing heard yet */
    MILESTONE_COLLECTED,
    MILESTONE_IN_TRANSIT,
    MILESTONE_OUT_FOR_DELIVERY,
    MILESTONE_DELIVERED,
    MILESTONE_PROBLEM,  /* 疑难: refused, address unknown, held, damaged... */
    MILESTONE_RETURNED, /* 退回/退签: on its way back to the sender */
    MILESTONE__COUNT
} milestone_t;

const char *milestone_name(milestone_t m);
/* -1 when unknown. */
int milestone_from_name(const char *name);

/* Kuaidi100's state codes (lastResult.state, and per-event statusCode with resultv2): the
 * basic ones (0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签, 5 派件, 6 退回, 7 转投, 8 清关, 14 拒签)
 * and the advanced ones (101..., 1001..., 201..., 301..., 401..., 501...). -1 for codes that
 * say nothing about the milestone (e.g. 101 已下单: not yet collected). */
int milestone_of_kuaidi100_state(const char *state);

/* A milestone from an event's Chinese text; MILESTONE_IN_TRANSIT when nothing in it says
 * otherwise (arrivals, departures, sorting). Return words are read first ("拒收，退回寄件人"
 * is a return), then delivery ("已签收", not "请准备签收"), problems, delivery rounds,
 * collection. */
milestone_t milestone_of_text(const char *context);

/* Whether a milestone ends the carrier's part: no more polling, no staleness. */
bool milestone_is_final(milestone_t m);

/* Kuaidi100's push signature: upper-case hex MD5 of param followed by salt. */
void kuaidi100_sign(const char *param, const char *salt, char out[33]);
/* Whether sign is that signature (hex case ignored), compared in constant time. */
bool kuaidi100_sign_ok(const char *param, const char *salt, const char *sign);

#endif
