#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "svc/demo.h"
#include "svc/orders.h"
#include "util/log.h"
#include "util/timefmt.h"

/* A morning's orders from every channel, so that the console opens on work to do: most
 * pass review and wait for a wave, some wait for a person (a remark, a first order of a
 * high amount), one is unpaid. They go through intake like any other order. */
typedef struct {
    const char *channel, *buyer, *phone, *province, *city, *district, *detail;
    const char *sku;
    int qty;
    int unit_price; /* fen */
    const char *remark;
    bool paid;
    int minutes_ago;
} demo_order_t;

static const demo_order_t demo_orders[] = {
    {"tmall", "李娜", "13912345678", "上海市", "上海市", "浦东新区",
     "张杨路500号华润时代广场12楼1203室", "TEA-LONGJING-250", 1, 29800, NULL, true, 95},
    {"jd", "张伟", "13800138000", "北京市", "北京市", "朝阳区",
     "建国路88号SOHO现代城A座1单元1203室", "MOONCAKE-6", 2, 8800, "请在中秋节前送达，谢谢", true,
     80},
    {"douyin", "王芳", "18612345678", "广东省", "广州市", "天河区", "天河路385号太古汇二座3506室",
     "FACEMASK-10", 3, 9900, NULL, true, 71},
    {"taobao", "刘洋", "15012345678", "四川省", "成都市", "武侯区",
     "天府大道北段1700号环球中心E1区1506室", "SESAME-PASTE", 2, 3580, NULL, true, 64},
    {"web", "陈静", "13712345678", "浙江省", "杭州市", "西湖区",
     "文三路90号东部软件园科技大厦5楼502室", "GLASS-CUP-350", 4, 3900, "礼品包装，附贺卡：生日快乐",
     true, 52},
    {"store", "杨磊", "13612345678", "北京市", "北京市", "海淀区",
     "中关村大街27号中关村大厦8层806室", "TSHIRT-M", 2, 6900, NULL, true, 45},
    {"phone", "赵敏", "13512345678", "江苏省", "南京市", "鼓楼区",
     "中山路18号德基广场二期2单元1801室", "DETERGENT-2L", 3, 4590, NULL, true, 33},
    {"tmall", "黄晓明", "18812345678", "上海市", "上海市", "徐汇区",
     "漕溪北路88号圣爱大厦2号楼1102室", "TEA-LONGJING-250", 12, 29800, NULL, true, 21},
    {"jd", "周杰", "13312345678", "广东省", "广州市", "白云区",
     "白云大道北1688号白云国际会议中心3栋201室", "MOONCAKE-6", 1, 8800, NULL, true, 14},
    {"douyin", "吴倩", "17712345678", "四川省", "成都市", "双流区",
     "航空港大道一段88号蓝光空港城5栋2单元702室", "FACEMASK-10", 1, 9900, NULL, false, 6},
    {"taobao", "孙丽", "15912345678", "北京市", "北京市", "朝阳区",
     "望京街10号望京SOHO塔1 C座1608室", "GLASS-CUP-350", 2, 3900, NULL, true, 3},
};

static json_t *order_json(const demo_order_t *o, size_t index, int64_t now_ms) {
    char placed[40], paid_at[40], external_id[32], transaction_id[40];
    int64_t placed_ms = now_ms - (int64_t)o->minutes_ago * 60000;
    rfc3339_format(placed_ms, placed, sizeof placed);
    rfc3339_format(placed_ms + 20000, paid_at, sizeof paid_at);
    snprintf(external_id, sizeof external_id, "DEMO-%zu", index + 1);
    snprintf(transaction_id, sizeof transaction_id, "DEMO-TX-%zu", index + 1);
    json_int_t amount = (json_int_t)o->qty * o->unit_price;
    json_t *payment =
        o->paid
            ? json_pack("{s:s,s:s,s:s,s:I,s:s}", "status", "paid", "method", "alipay",
                        "transaction_id", transaction_id, "amount", amount, "paid_at", paid_at)
            : json_pack("{s:s,s:s,s:I}", "status", "pending", "method", "alipay", "amount", amount);
    json_t *order = json_pack(
        "{s:s,s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:s,s:s},s:[{s:s,s:i,s:i}],s:i,s:o,s:b}", "channel",
        o->channel, "external_id", external_id, "placed_at", placed, "buyer", "name", o->buyer,
        "phone", o->phone, "address", "province", o->province, "city", o->city, "district",
        o->district, "detail", o->detail, "items", "sku", o->sku, "qty", o->qty, "unit_price",
        o->unit_price, "shipping_fee", 0, "payment", payment, "splittable", 1);
    if (order && o->remark)
        json_object_set_new(order, "remark", json_string(o->remark));
    return order;
}

int demo_orders_load(app_t *app) {
    int64_t now_ms = time_now_ms();
    size_t placed = 0;
    for (size_t i = 0; i < sizeof demo_orders / sizeof demo_orders[0]; i++) {
        json_t *body = order_json(&demo_orders[i], i, now_ms);
        svc_result_t r;
        svc_result_init(&r);
        svc_op_t *op = body ? order_place_op(app, body, "demo", &r) : NULL;
        json_decref(body);
        char what[32];
        snprintf(what, sizeof what, "order %zu", i + 1);
        if (demo_run(op, &r, what) != 0)
            return -1;
        placed++;
    }
    log_info("placed %zu demo orders", placed);
    return 0;
}
