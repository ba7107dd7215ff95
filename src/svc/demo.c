#include "svc/demo.h"

#include <stdio.h>
#include <string.h>

#include "svc/catalog.h"
#include "svc/lots.h"
#include "svc/stock.h"
#include "util/log.h"
#include "util/timefmt.h"

static const char *const demo_skus[][2] = {
    {"MOONCAKE-6", "{\"name\":\"广式月饼礼盒 6枚装\",\"barcode\":\"6901234567001\",\"price\":8800,"
                   "\"weight_g\":900,\"length_mm\":260,\"width_mm\":260,\"height_mm\":80,"
                   "\"food\":true,\"shelf_life_days\":60}"},
    {"TEA-LONGJING-250", "{\"name\":\"西湖龙井 250g\",\"barcode\":\"6901234567002\",\"price\":"
                         "29800,\"weight_g\":300,\"length_mm\":200,\"width_mm\":120,"
                         "\"height_mm\":90,\"food\":true,\"shelf_life_days\":540}"},
    {"GLASS-CUP-350", "{\"name\":\"玻璃水杯 350ml\",\"barcode\":\"6901234567003\",\"price\":3900,"
                      "\"weight_g\":280,\"length_mm\":90,\"width_mm\":90,\"height_mm\":130,"
                      "\"fragile\":true}"},
    {"DETERGENT-2L", "{\"name\":\"洗衣液 2L\",\"barcode\":\"6901234567004\",\"price\":4590,"
                     "\"weight_g\":2150,\"length_mm\":180,\"width_mm\":100,\"height_mm\":280,"
                     "\"liquid\":true}"},
    {"FACEMASK-10", "{\"name\":\"补水面膜 10片\",\"barcode\":\"6901234567005\",\"price\":9900,"
                    "\"weight_g\":350,\"length_mm\":200,\"width_mm\":150,\"height_mm\":40}"},
    {"TSHIRT-M", "{\"name\":\"纯棉T恤 M码\",\"barcode\":\"6901234567006\",\"price\":6900,"
                 "\"weight_g\":220,\"length_mm\":300,\"width_mm\":250,\"height_mm\":30}"},
    {"SESAME-PASTE", "{\"name\":\"黑芝麻糊 600g\",\"barcode\":\"6901234567007\",\"price\":3580,"
                     "\"weight_g\":650,\"length_mm\":160,\"width_mm\":90,\"height_mm\":220,"
                     "\"food\":true,\"shelf_life_days\":365}"},
};

static const char *const demo_warehouses[][2] = {
    {"BJ01", "{\"name\":\"北京朝阳仓\",\"province\":\"北京市\",\"city\":\"北京市\","
             "\"district\":\"朝阳区\",\"priority\":1}"},
    {"SH01", "{\"name\":\"上海浦东仓\",\"province\":\"上海市\",\"city\":\"上海市\","
             "\"district\":\"浦东新区\",\"priority\":2}"},
    {"GZ01", "{\"name\":\"广州白云仓\",\"province\":\"广东省\",\"city\":\"广州市\","
             "\"district\":\"白云区\",\"priority\":3}"},
    {"CD01", "{\"name\":\"成都双流仓\",\"province\":\"四川省\",\"city\":\"成都市\","
             "\"district\":\"双流区\",\"priority\":4}"},
};

/* Counts that show sourcing at work: Chengdu has little, and Guangzhou's face masks are
 * already below their safety stock (GET /v1/reports/low-stock, a stock.low event). */
static const char *const demo_counts[][2] = {
    {"CD01/TEA-LONGJING-250", "{\"on_hand\":8,\"safety_stock\":5,\"bin\":\"A-01-01-1\"}"},
    {"CD01/SESAME-PASTE", "{\"on_hand\":30,\"safety_stock\":10,\"bin\":\"A-01-02-1\"}"},
    {"GZ01/FACEMASK-10", "{\"on_hand\":6,\"safety_stock\":10,\"bin\":\"B-03-05-1\"}"},
};

int demo_run(svc_op_t *op, svc_result_t *r, const char *what) {
    int rc = -1;
    if (op) {
        svc_op_run_sync(op);
        rc = op->result.err == ORDO_E_OK ? 0 : -1;
        if (rc)
            log_error("demo %s: %s", what, op->result.detail);
        svc_op_free(op);
    } else {
        log_error("demo %s: %s", what, r->detail);
    }
    svc_result_clear(r);
    return rc;
}

int demo_put(app_t *app, put_fn fn, const char *key, const char *json) {
    json_t *body = json_loads(json, 0, NULL);
    svc_result_t r;
    svc_result_init(&r);
    svc_op_t *op = body ? fn(app, key, body, "demo", &r) : NULL;
    json_decref(body);
    return demo_run(op, &r, key);
}

static svc_op_t *put_stock(app_t *app, const char *key, json_t *body, const char *actor,
                           svc_result_t *r) {
    char wh[16];
    snprintf(wh, sizeof wh, "%.4s", key);
    return stock_count_op(app, wh, key + 5, body, actor, r);
}

/* key: WAREHOUSE/SKU/LOT */
static svc_op_t *put_lot(app_t *app, const char *key, json_t *body, const char *actor,
                         svc_result_t *r) {
    char wh[16], sku[32];
    const char *lot = strrchr(key, '/') + 1;
    snprintf(wh, sizeof wh, "%.4s", key);
    snprintf(sku, sizeof sku, "%.*s", (int)(lot - 1 - (key + 5)), key + 5);
    return lot_put_op(app, wh, sku, lot, body, actor, r);
}

/* Mooncakes in Beijing kept by lot: one too close to expiry for their 60 days of shelf life
 * (never picked, and in the near-expiry report), two that picks take earliest first. */
static int demo_lots(app_t *app) {
    static const struct {
        const char *lot;
        int days_left, on_hand;
    } lots[] = {{"MC-A", 40, 12}, {"MC-B", 120, 20}, {"MC-C", 200, 30}};
    int32_t today = day_in_china(time_now_ms());
    for (size_t i = 0; i < sizeof lots / sizeof lots[0]; i++) {
        char key[48], body[96], day[16];
        snprintf(key, sizeof key, "BJ01/MOONCAKE-6/%s", lots[i].lot);
        snprintf(body, sizeof body, "{\"expires_on\":\"%s\",\"on_hand\":%d}",
                 date_format(today + lots[i].days_left, day, sizeof day), lots[i].on_hand);
        if (demo_put(app, put_lot, key, body))
            return -1;
    }
    return 0;
}

int demo_load(app_t *app) {
    for (size_t i = 0; i < sizeof demo_skus / sizeof demo_skus[0]; i++)
        if (demo_put(app, sku_put_op, demo_skus[i][0], demo_skus[i][1]))
            return -1;
    for (size_t i = 0; i < sizeof demo_warehouses / sizeof demo_warehouses[0]; i++)
        if (demo_put(app, warehouse_put_op, demo_warehouses[i][0], demo_warehouses[i][1]))
            return -1;
    /* Uneven stock, so that sourcing across provinces and short stock can be seen. */
    for (size_t w = 0; w < 3; w++) {
        for (size_t i = 0; i < sizeof demo_skus / sizeof demo_skus[0]; i++) {
            char key[96], body[160];
            snprintf(key, sizeof key, "%s/%s", demo_warehouses[w][0], demo_skus[i][0]);
            snprintf(body, sizeof body,
                     "{\"on_hand\":%zu,\"safety_stock\":%d,\"bin\":\"%c-%02zu-%02zu-1\","
                     "\"reason\":\"demo stock\"}",
                     (w + 1) * 40 + i * 15, 10, "ABC"[i % 3], w + 1, i + 1);
            if (demo_put(app, put_stock, key, body))
                return -1;
        }
    }
    for (size_t i = 0; i < sizeof demo_counts / sizeof demo_counts[0]; i++)
        if (demo_put(app, put_stock, demo_counts[i][0], demo_counts[i][1]))
            return -1;
    if (demo_lots(app))
        return -1;
    log_info("loaded the demo catalog: %zu SKUs, %zu warehouses",
             sizeof demo_skus / sizeof demo_skus[0],
             sizeof demo_warehouses / sizeof demo_warehouses[0]);
    return demo_carriers_load(app);
}
