/* rules_bench: time of one rules_evaluate() on the canonical order. Not built by make; by hand,
 * from the repository root, after `make`:
 *
 *   cc -std=c17 -D_GNU_SOURCE -O2 -Isrc bench/rules_bench.c build/libordo.a \
 *      $(pkg-config --libs libmicrohttpd jansson sqlite3 libcrypto) -lm -pthread \
 *      -o build/rules_bench && build/rules_bench [N]
 *
 * Prints ns per evaluation for: the default set on the canonical order (remark hit, every
 * velocity count supplied), the same with a hit on most rules (more messages to format), and
 * the default set plus a blocklist of 10,000 phones, 10,000 addresses and 1,000 IP blocks.
 * The result is reused across calls, as a caller evaluating a stream of orders would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/order_parse.h"
#include "core/rules.h"
#include "svc/reference_data.h"

/* The canonical order, as the README sends it. */
#define ORDER_PATH "docs/examples/order.json"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double bench(const char *label, const ruleset_t *rs, const order_input_t *o,
                    const rules_context_t *ctx, long n) {
    rules_result_t r = {0};
    volatile int sink = 0;
    for (long i = 0; i < n / 10; i++) { /* warm caches and grow the result once */
        rules_evaluate(rs, o, ctx, &r);
        sink += r.n_hits;
    }
    double best = 1e18;
    for (int round = 0; round < 5; round++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) {
            rules_evaluate(rs, o, ctx, &r);
            sink += r.n_hits;
        }
        double per = (now_ns() - t0) / (double)n;
        if (per < best)
            best = per;
    }
    printf("%-46s %7.0f ns/evaluation (best of 5 x %ld; %d hits)\n", label, best, n, r.n_hits);
    rules_result_free(&r);
    (void)sink;
    return best;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char err[256];
    order_validation_t v;
    if (reference_data_load(&v, err, sizeof err) != 0) {
        fprintf(stderr, "rules_bench: %s\n", err);
        return 1;
    }
    json_t *doc = json_load_file(ORDER_PATH, 0, NULL);
    order_input_t o;
    field_errors_t errs = {0};
    if (!doc || !order_parse(doc, &v, &o, &errs)) {
        fprintf(stderr, "rules_bench: %s does not parse\n", ORDER_PATH);
        return 1;
    }
    json_decref(doc);

    ruleset_t *rs = ruleset_default();
    rules_velocity_count_t counts[RULES_MAX];
    int nc = rules_velocity_needs(rs, counts, RULES_MAX);
    for (int i = 0; i < nc; i++)
        counts[i].others = 0;
    rules_context_t ctx = {.payment_verified = true, .velocity = counts, .n_velocity = nc};
    bench("default set, canonical order", rs, &o, &ctx, n);

    /* Eight rules hit: a house-number-only address, high value, velocity, unverified, short. */
    order_input_t busy = o;
    busy.address.detail = "人民路100号";
    busy.total_fen = 900000;
    for (int i = 0; i < nc; i++)
        counts[i].others = 10;
    rules_context_t busy_ctx = {.stock_short = true, .velocity = counts, .n_velocity = nc};
    bench("default set, 8 hits", rs, &busy, &busy_ctx, n);
    for (int i = 0; i < nc; i++)
        counts[i].others = 0;

    /* Large blocklists: the default set with its blocklist rule's lists filled. */
    json_t *set = ruleset_to_json(rs);
    json_t *bl = json_object_get(json_array_get(json_object_get(set, "rules"), 7), "params");
    json_t *ph = json_object_get(bl, "phones"), *ad = json_object_get(bl, "addresses"),
           *ip = json_object_get(bl, "ips");
    char buf[128];
    for (int i = 0; i < 10000; i++) {
        snprintf(buf, sizeof buf, "139%08d", i);
        json_array_append_new(ph, json_string(buf));
        snprintf(buf, sizeof buf, "110000/110100/110105/某路%d号%d室", i, i % 700);
        json_array_append_new(ad, json_string(buf));
    }
    for (int i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "10.%d.%d.0/24", i / 256, i % 256);
        json_array_append_new(ip, json_string(buf));
    }
    ruleset_t *big = ruleset_from_json(set, &errs);
    json_decref(set);
    if (!big) {
        fprintf(stderr, "rules_bench: big set refused: %s\n", errs.items[0].message);
        return 1;
    }
    bench("default set + 21,000 blocklist entries", big, &o, &ctx, n / 10);

    ruleset_free(big);
    ruleset_free(rs);
    order_input_free(&o);
    reference_data_free(&v);
    return 0;
}
