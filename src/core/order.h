#ifndef ORDO_CORE_ORDER_H
#define ORDO_CORE_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/limits.h"

/* The canonical order as a caller submits it, after parsing and validation.
 *
 * Strings are borrowed: they point into the parsed JSON document (`doc`), which the order
 * holds a reference to; order_input_free() drops it. Money is integer fen, times are UTC
 * milliseconds since the epoch, dates are days since 1970-01-01. */

typedef enum {
    CHANNEL_TAOBAO,
    CHANNEL_TMALL,
    CHANNEL_JD,
    CHANNEL_DOUYIN,
    CHANNEL_WEB,
    CHANNEL_STORE,
    CHANNEL_PHONE,
    CHANNEL__COUNT
} channel_t;

const char *channel_name(channel_t c);
/* Returns -1 when the name is not a channel. */
int channel_from_name(const char *name);

typedef enum { PAYMENT_PENDING, PAYMENT_PAID } payment_status_t;

typedef struct {
    const char *sku;
    int32_t qty;
    int64_t unit_price_fen;
} order_line_t;

typedef struct {
    const char *code;
    int64_t amount_fen;
} discount_t;

typedef struct {
    const char *province; /* as the caller wrote them */
    const char *city;
    const char *district;
    const char *detail;
    const char *postal_code; /* may be NULL */
    /* Resolved by validation: canonical names and the 6-digit division codes. */
    const char *province_name;
    const char *city_name;
    const char *district_name;
    int32_t province_code; /* e.g. 110000 */
    int32_t city_code;     /* e.g. 110100 */
    int32_t district_code; /* e.g. 110105 */
} address_t;

typedef struct {
    channel_t channel;
    const char *external_id;
    int64_t placed_at_ms;
    const char *buyer_name;
    const char *buyer_phone;   /* as written */
    char phone_normalized[24]; /* national significant number, digits only */
    bool phone_is_mobile;
    const char *buyer_email; /* may be NULL */
    address_t address;
    order_line_t *lines; /* owned; n_lines entries */
    int n_lines;
    int64_t shipping_fee_fen;
    discount_t discounts[ORDO_DISCOUNTS_MAX];
    int n_discounts;
    bool has_discount_total; /* optional field "discount_total" */
    int64_t discount_total_fen;
    payment_status_t payment_status;
    const char *payment_method;      /* may be NULL */
    const char *payment_transaction; /* may be NULL */
    int64_t payment_amount_fen;
    int64_t paid_at_ms; /* 0 when not paid */
    const char *remark; /* may be NULL */
    bool has_requested_delivery_date;
    int32_t requested_delivery_day; /* days since epoch */
    bool splittable;
    const char *client_ip; /* may be NULL */
    /* The carrier the buyer chose or the channel fixed (a carrier code), or NULL: shipping
     * then uses it instead of its policy. */
    const char *carrier;

    /* Derived totals. */
    int64_t items_total_fen;
    int64_t discounts_sum_fen;
    int64_t total_fen; /* items + shipping - discounts */

    void *doc; /* json_t*, reference held */
    /* SHA-256 (hex) of the stored form (order_doc_build sets it): replays of the same
     * (channel, external_id) compare it to tell a retry from a conflicting order. */
    char content_hash[65];
} order_input_t;

void order_input_free(order_input_t *o);

#endif
