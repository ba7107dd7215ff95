/* Shared by the unit tests that validate orders: the reference data and the canonical
 * example order. Included once per test program (static definitions). */
#ifndef ORDO_TESTS_UNIT_FIXTURE_H
#define ORDO_TESTS_UNIT_FIXTURE_H

#include <stdlib.h>

#include "svc/reference_data.h"

/* The canonical example order: 北京 朝阳区 大望路甲18号1单元, 5 x 8800 - 2000 + 0 = 42000
 * fen, paid, with a remark. */
static const char BASE[] =
    "{\"channel\": \"taobao\", \"external_id\": \"T20261111000123\","
    " \"placed_at\": \"2026-11-11T00:00:01+08:00\","
    " \"buyer\": {\"name\": \"王女士\", \"phone\": \"13800138000\"},"
    " \"address\": {\"province\": \"北京市\", \"city\": \"北京市\", \"district\": \"朝阳区\","
    "             \"detail\": \"大望路甲18号1单元\", \"postal_code\": \"100022\"},"
    " \"items\": [{\"sku\": \"MOONCAKE-6\", \"qty\": 5, \"unit_price\": 8800}],"
    " \"shipping_fee\": 0, \"discounts\": [{\"code\": \"COUPON-20\", \"amount\": 2000}],"
    " \"payment\": {\"status\": \"paid\", \"method\": \"alipay\", \"transaction_id\": "
    "\"2026111122001\","
    "             \"amount\": 42000, \"paid_at\": \"2026-11-11T00:00:05+08:00\"},"
    " \"remark\": \"其中1盒刻“生日快乐”\", \"requested_delivery_date\": \"2026-11-13\","
    " \"splittable\": true, \"client_ip\": \"203.0.113.7\"}";

typedef struct {
    order_validation_t v;
} fixture_t;

static int setup(void **state) {
    char err[256];
    fixture_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    if (reference_data_load(&f->v, err, sizeof err) != 0) {
        print_error("reference data: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    fixture_t *f = *state;
    reference_data_free(&f->v);
    free(f);
    return 0;
}

#endif
