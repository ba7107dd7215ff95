#ifndef ORDO_JOBS_MSG_SENDER_H
#define ORDO_JOBS_MSG_SENDER_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* A way of sending buyer messages: one per provider kind ("smtp" for email, "http" for an SMS
 * gateway). The messenger picks the sender named by the medium's stored settings, so another
 * provider slots in as one more file implementing this and one row in the table of senders
 * (and its settings' validation in svc/message_senders.c). */

/* One message as the sender sees it (borrowed for the call). */
typedef struct {
    int64_t id; /* the message row: stable across retries, so receivers can drop repeats */
    const char *order_no;
    const char *event;
    const char *recipient; /* address or mobile number */
    const char *subject;   /* NULL for sms */
    const char *body;
    const json_t *params; /* the template's values */
    int64_t now_ms;
} outgoing_msg_t;

typedef enum {
    SEND_OK,
    SEND_RETRY,   /* the receiver is down, busy or failed for now: try again later */
    SEND_REJECTED /* refused for good (e.g. a recipient the server does not have) */
} send_result_t;

typedef struct {
    const char *kind;
    /* Sends m with the medium's settings over curl (an easy handle reset by the caller).
     * Writes the reason for anything but SEND_OK into err. */
    send_result_t (*send)(CURL *curl, const json_t *config, const outgoing_msg_t *m, char *err,
                          size_t err_len);
} msg_sender_t;

extern const msg_sender_t sender_smtp;
extern const msg_sender_t sender_sms_http;

/* The sender of a kind, or NULL. */
const msg_sender_t *msg_sender_find(const char *kind);

#endif
