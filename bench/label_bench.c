/* label_bench: shipping labels rendered per second, as PDF (libharu, with its built-in Chinese
 * fonts and a Code 128 barcode) and as ZPL. Built and run by bench/run.sh (section "labels"),
 * or by hand from the repository root after `make`:
 *
 *   cc -std=c17 -D_GNU_SOURCE -O2 -Isrc bench/label_bench.c build/libordo.a \
 *      $(pkg-config --libs jansson) -lhpdf -lm -o build/label_bench && build/label_bench [SECONDS]
 *
 * Each label differs (parcel id and tracking number), as a packing station prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/label.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double run(int pdf, double seconds, size_t *bytes) {
    label_t l = {.order_no = "2611231719430000004",
                 .carrier_code = "SF",
                 .carrier_name = "顺丰速运",
                 .recipient = "王女士",
                 .phone = "13800138000",
                 .address = "广东省广州市天河区 天河路385号太古汇3栋1201室",
                 .sender = "上海浦东仓 上海市上海市",
                 .weight_g = 1500,
                 .packaging = "3号纸箱"};
    char tracking[32], err[160];
    long n = 0;
    *bytes = 0;
    double start = now_s(), end = start + seconds, t = start;
    while (t < end) {
        for (int k = 0; k < 16; k++, n++) {
            snprintf(tracking, sizeof tracking, "SF14%011ld", 20261100 + n);
            l.tracking_no = tracking;
            l.parcel_id = n + 1;
            size_t len = 0;
            char *out = pdf ? (char *)label_pdf(&l, &len, err, sizeof err) : label_zpl(&l);
            if (!out) {
                fprintf(stderr, "label_bench: %s\n", pdf ? err : "out of memory");
                exit(1);
            }
            *bytes = pdf ? len : (size_t)snprintf(NULL, 0, "%s", out);
            free(out);
        }
        t = now_s();
    }
    return (double)n / (t - start);
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    size_t pdf_bytes, zpl_bytes;
    double pdf = run(1, seconds, &pdf_bytes);
    double zpl = run(0, seconds, &zpl_bytes);
    printf("labels: pdf %.0f/s (%zu bytes each), zpl %.0f/s (%zu bytes each), one thread\n", pdf,
           pdf_bytes, zpl, zpl_bytes);
    return 0;
}
