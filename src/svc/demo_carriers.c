/* Demo carriers: the five a Chinese shop meets first, with rate cards in the range their
 * published retail prices fall in (list prices; merchants negotiate far lower), and a pool of
 * tracking numbers each in the carrier's own format:
 *   SF Express  SF + 12–13 digits (SF1234567890123)
 *   ZTO         12–15 digits, starting 7, 5 or 3 (e.g. 75 + 12 digits)
 *   YTO         YT + 13 digits
 *   JD          JD + a letter + 12 digits (JDV…, JDX…)
 *   EMS         UPU S10: 2 letters (E…), 8 digits, check digit, CN (EA473124829CN)
 * The formats are as carriers publish them on their tracking pages and as tracking
 * aggregators (Kdniao, Kuaidi100) validate them; they are data and can be changed with
 * PUT /v1/carriers/{code}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/carrier.h"
#include "svc/carriers.h"
#include "svc/demo.h"
#include "util/log.h"

#define MAINLAND                                                                                   \
    "[11,12,13,14,15,21,22,23,31,32,33,34,35,36,37,41,42,43,44,45,46,50,51,52,53,54,61,62,63,"     \
    "64,65]"
#define ZONE(fw, ff, sg, sf, d)                                                                    \
    "{\"first_weight_g\":" #fw ",\"first_fen\":" #ff ",\"step_g\":" #sg ",\"step_fen\":" #sf       \
    ",\"promised_days\":" #d "}"
#define CARD(l, r, n, x) "{\"local\":" l ",\"regional\":" r ",\"national\":" n ",\"remote\":" x "}"

static const char *const demo_carriers[][2] = {
    {"SF", "{\"name\":\"顺丰速运\",\"quality_score\":95,\"volumetric_divisor\":6000,"
           "\"rate_card\":" CARD(ZONE(1000, 1200, 1000, 200, 1), ZONE(1000, 1400, 1000, 400, 1),
                                 ZONE(1000, 2300, 1000, 1300, 2),
                                 ZONE(1000, 2800, 1000, 1600,
                                      3)) ","
                                          "\"tracking_format\":{\"pattern\":\"SF[0-9]{12,13}\"}}"},
    {"ZTO",
     "{\"name\":\"中通快递\",\"quality_score\":82,\"volumetric_divisor\":8000,"
     "\"provinces\":" MAINLAND ",\"rate_card\":" CARD(
         ZONE(1000, 500, 1000, 100, 2), ZONE(1000, 600, 1000, 200, 2),
         ZONE(1000, 800, 1000, 400, 3),
         ZONE(1000, 2000, 1000, 1200,
              5)) ","
                  "\"tracking_format\":{\"pattern\":\"(7[0-9]|5[0-9]|3[0-9])[0-9]{10,13}\"}}"},
    {"YTO",
     "{\"name\":\"圆通速递\",\"quality_score\":80,\"volumetric_divisor\":8000,"
     "\"provinces\":" MAINLAND ",\"rate_card\":" CARD(
         ZONE(1000, 500, 1000, 100, 2), ZONE(1000, 600, 1000, 200, 2),
         ZONE(1000, 750, 1000, 400, 3),
         ZONE(1000, 1800, 1000, 1200, 5)) ","
                                          "\"tracking_format\":{\"pattern\":\"YT[0-9]{13}\"}}"},
    {"JD", "{\"name\":\"京东物流\",\"quality_score\":93,\"volumetric_divisor\":8000,"
           "\"provinces\":" MAINLAND ",\"channels\":[\"jd\"],\"rate_card\":" CARD(
               ZONE(1000, 1000, 1000, 200, 1), ZONE(1000, 1200, 1000, 300, 1),
               ZONE(1000, 1600, 1000, 600, 2),
               ZONE(1000, 2500, 1000, 1500,
                    4)) ","
                        "\"tracking_format\":{\"pattern\":\"JD[A-Z][0-9]{12}\"}}"},
    {"EMS",
     "{\"name\":\"EMS\",\"quality_score\":85,\"volumetric_divisor\":6000,"
     "\"rate_card\":" CARD(
         ZONE(1000, 1200, 1000, 300, 2), ZONE(1000, 1400, 1000, 500, 3),
         ZONE(1000, 1800, 1000, 800, 4),
         ZONE(1000, 2200, 1000, 1000,
              5)) ","
                  "\"tracking_format\":{\"pattern\":\"E[A-Z][0-9]{9}CN\",\"check\":\"s10\"}}"},
};

#define DEMO_POOL 200

/* The i-th demo number of a carrier, in its format. */
static void demo_number(const char *code, int i, char *out, size_t len) {
    if (strcmp(code, "SF") == 0)
        snprintf(out, len, "SF14%011d", 20261100 + i);
    else if (strcmp(code, "ZTO") == 0)
        snprintf(out, len, "75%012d", 461000000 + i);
    else if (strcmp(code, "YTO") == 0)
        snprintf(out, len, "YT%013lld", 7710000000LL + i);
    else if (strcmp(code, "JD") == 0)
        snprintf(out, len, "JDV%012d", 31000000 + i);
    else {
        char serial[16];
        snprintf(serial, sizeof serial, "%08d", 10020000 + i);
        snprintf(out, len, "EA%s%dCN", serial, s10_check_digit(serial));
    }
}

int demo_carriers_load(app_t *app) {
    for (size_t c = 0; c < sizeof demo_carriers / sizeof demo_carriers[0]; c++) {
        const char *code = demo_carriers[c][0];
        if (demo_put(app, carrier_put_op, code, demo_carriers[c][1]))
            return -1;
        json_t *numbers = json_array();
        for (int i = 0; i < DEMO_POOL; i++) {
            char number[48];
            demo_number(code, i, number, sizeof number);
            json_array_append_new(numbers, json_string(number));
        }
        json_t *body = json_pack("{s:o}", "numbers", numbers);
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        int rc = text ? demo_put(app, tracking_add_op, code, text) : -1;
        free(text);
        if (rc)
            return -1;
    }
    log_info("loaded the demo carriers: %zu, %d tracking numbers each",
             sizeof demo_carriers / sizeof demo_carriers[0], DEMO_POOL);
    return 0;
}
