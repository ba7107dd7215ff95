#ifndef ORDO_JOBS_MESSENGER_H
#define ORDO_JOBS_MESSENGER_H

#include "svc/app.h"

/* Sends buyer messages: turns new outbox messages into message rows (svc/messages.h) and
 * sends the due ones through the sender each medium is configured with (jobs/msg_sender.h),
 * one at a time per order and medium, so each order's messages arrive in order. A failed
 * send is retried with exponential backoff and jitter and marked dead after
 * ORDO_MESSAGE_MAX_ATTEMPTS (default 8), at once when the receiver refuses it for good.
 * Message rows and the messenger's outbox position are in the database: a restart loses
 * nothing; a buyer may get a message twice (at least once), never out of order.
 *
 * Settings: ORDO_MESSAGE_INTERVAL_MS (idle poll, default 200), ORDO_MESSAGE_BACKOFF_MS
 * (first retry delay, default 2000), ORDO_MESSAGE_MAX_ATTEMPTS, ORDO_PAY_URL (the retry link
 * offered with a failed payment, e.g. https://shop.example/pay/{{order_no}}). */
typedef struct messenger messenger_t;

/* Starts the thread; NULL when it could not. */
messenger_t *messenger_start(app_t *app);
void messenger_stop(messenger_t *m);

#endif
