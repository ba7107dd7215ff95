/* gen_orders: writes N valid canonical orders as JSON lines, for `ordo import`.
 *
 *   gen_orders N OUT [PREFIX]
 *
 * Each line is one order in the canonical form (POST /v1/orders), compact, about 650 bytes.
 * external_id is PREFIX followed by the order's index (default prefix "IMP"), so every order
 * is new. The catalog the orders refer to is the one bench/run.sh seeds, and bench/post_order.lua
 * draws from the same lists; keep the three in step:
 *
 *   SKUs BENCH-SKU-01 … BENCH-SKU-20, SKU i priced i*500 fen;
 *   addresses in 5 real province/city/district triples; mainland mobile numbers;
 *   channels taobao, tmall, jd, douyin, web;
 *   paid amount = sum(qty*unit_price) + shipping_fee - sum(discounts).
 *
 * placed_at falls within the 24 hours before now, paid_at 5 s later; no requested delivery
 * date. Output is deterministic for a given N and start second. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_SKUS 20

static const char *const CHANNELS[] = {"taobao", "tmall", "jd", "douyin", "web"};

static const struct {
    const char *province, *city, *district, *detail, *postal;
} ADDRS[] = {
    {"北京市", "北京市", "朝阳区", "大望路甲18号1单元", "100022"},
    {"上海市", "上海市", "浦东新区", "世纪大道100号环球金融中心", "200120"},
    {"广东省", "广州市", "天河区", "天河路208号天河城", "510620"},
    {"浙江省", "杭州市", "西湖区", "文三路90号东部软件园", "310013"},
    {"四川省", "成都市", "武侯区", "人民南路四段9号", "610041"},
};

static const char *const NAMES[] = {"王女士", "李先生", "张伟", "刘洋",
                                    "陈静",   "杨帆",   "赵磊", "周敏"};
static const char *const PHONE_PREFIXES[] = {"138", "139", "150", "186", "199"};
static const char *const METHODS[] = {"alipay", "wechat", "unionpay"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) { /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
static unsigned pick(unsigned n) {
    return (unsigned)(rnd() % n);
}

/* "2026-11-11T00:00:01+08:00" for UTC second t, cached: consecutive orders share seconds. */
static const char *fmt_cst(time_t t, char *buf) {
    time_t local = t + 8 * 3600;
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s N OUT [PREFIX]\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]);
    const char *prefix = argc == 4 ? argv[3] : "IMP";
    FILE *out = fopen(argv[2], "w");
    if (!out) {
        fprintf(stderr, "gen_orders: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    static char obuf[1 << 20];
    setvbuf(out, obuf, _IOFBF, sizeof obuf);

    time_t base = time(NULL) - 86400 - 60;
    char placed[32], paid[32];
    time_t placed_cached = -1;
    char items[512], line[2048];

    for (long i = 0; i < n; i++) {
        time_t t = base + (time_t)(i % 86400);
        if (t != placed_cached) {
            fmt_cst(t, placed);
            fmt_cst(t + 5, paid);
            placed_cached = t;
        }

        /* 1–3 distinct SKUs. */
        int n_items = 1 + (int)pick(3);
        int first = (int)pick(N_SKUS);
        int64_t items_total = 0;
        size_t ip = 0;
        for (int k = 0; k < n_items; k++) {
            int sku = 1 + (first + k * 7) % N_SKUS;
            int qty = 1 + (int)pick(5);
            int64_t price = (int64_t)sku * 500;
            items_total += qty * price;
            ip += (size_t)snprintf(items + ip, sizeof items - ip,
                                   "%s{\"sku\":\"BENCH-SKU-%02d\",\"qty\":%d,\"unit_price\":%lld}",
                                   k ? "," : "", sku, qty, (long long)price);
        }
        int64_t shipping = items_total >= 9900 ? 0 : 800;
        int64_t discount = items_total > 5000 ? 1000 : 0;
        int64_t amount = items_total + shipping - discount;
        char discounts[96];
        if (discount)
            snprintf(discounts, sizeof discounts, "[{\"code\":\"BENCH-10\",\"amount\":%lld}]",
                     (long long)discount);
        else
            strcpy(discounts, "[]");

        unsigned a = pick(COUNT(ADDRS));
        int len = snprintf(
            line, sizeof line,
            "{\"channel\":\"%s\",\"external_id\":\"%s%010ld\",\"placed_at\":\"%s\","
            "\"buyer\":{\"name\":\"%s\",\"phone\":\"%s%08u\"},"
            "\"address\":{\"province\":\"%s\",\"city\":\"%s\",\"district\":\"%s\","
            "\"detail\":\"%s%u号楼%u室\",\"postal_code\":\"%s\"},"
            "\"items\":[%s],\"shipping_fee\":%lld,\"discounts\":%s,"
            "\"payment\":{\"status\":\"paid\",\"method\":\"%s\",\"transaction_id\":\"%s%010ld\","
            "\"amount\":%lld,\"paid_at\":\"%s\"},"
            "%s\"splittable\":true,"
            "\"client_ip\":\"100.%u.%u.%u\"}\n",
            CHANNELS[pick(COUNT(CHANNELS))], prefix, i, placed, NAMES[pick(COUNT(NAMES))],
            PHONE_PREFIXES[pick(COUNT(PHONE_PREFIXES))], (unsigned)(rnd() % 100000000u),
            ADDRS[a].province, ADDRS[a].city, ADDRS[a].district, ADDRS[a].detail, 1 + pick(60),
            101 + pick(2700), ADDRS[a].postal, items, (long long)shipping, discounts,
            METHODS[pick(COUNT(METHODS))], "PAY", i, (long long)amount, paid,
            /* As in post_order.lua: a flash sale's buyers, one in eight with a remark, from
             * many addresses and carrier-grade-NAT IPs. */
            pick(8) == 0 ? "\"remark\":\"其中1盒刻“生日快乐”\"," : "", 64 + pick(64), pick(256),
            1 + pick(254));
        if (len <= 0 || (size_t)len >= sizeof line) {
            fprintf(stderr, "gen_orders: line %ld too long\n", i);
            return 1;
        }
        fwrite(line, 1, (size_t)len, out);
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "gen_orders: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    return 0;
}
