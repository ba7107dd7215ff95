#ifndef ORDO_CORE_CARRIER_H
#define ORDO_CORE_CARRIER_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"

/* Carriers as data: coverage, rate card, promised days, quality score and tracking-number
 * format, parsed from the settings stored for each carrier. Pure: no I/O. */

/* How far a parcel travels, from the shipping warehouse's province to the buyer's, by the
 * km between their capitals in sourcing's distance table (data/distance/, the one table both
 * sourcing and shipping use; the caller looks the km up, so this stays pure):
 *
 *   local     the same province;
 *   remote    into Xinjiang or Tibet from elsewhere (every carrier prices them apart: long
 *             line-hauls, thin networks), or farther than SHIP_ZONE_REMOTE_KM;
 *   regional  up to SHIP_ZONE_REGIONAL_KM;
 *   national  anything else, and any pair the table does not know (a province missing from
 *             it, such as Hong Kong, Macao or Taiwan, or no table at all): the middle price,
 *             neither the discount of a near zone nor the refusal a carrier without a remote
 *             rate would give.
 *
 * The table holds great-circle km; roads run about a quarter longer. 800 km (~1,000 km of
 * road) is what an express network covers overnight by truck: the ring of neighbouring
 * provinces (广东 → 广西 503 km, 上海 → 江苏 270, 北京 → 辽宁 627), the rate cards' 省际 /
 * 区域 band. Beyond 2,500 km (~3,100 km of road) parcels cross the country corner to corner
 * (广东 → 黑龙江 2,791 km, 黑龙江 → 云南 3,136) and take the slowest, dearest band, as the
 * far western provinces do. Between the two is 全国. */
typedef enum { ZONE_LOCAL, ZONE_REGIONAL, ZONE_NATIONAL, ZONE_REMOTE, ZONE__COUNT } ship_zone_t;

#define SHIP_ZONE_REGIONAL_KM 800
#define SHIP_ZONE_REMOTE_KM 2500

const char *ship_zone_name(ship_zone_t z);
/* Provinces by the first two digits of their division code (11 Beijing … 82 Macao); km as
 * sourcing_km gives it between them: 0 within a province, < 0 unknown (0 between two
 * provinces is unknown too: no two capitals are 0 km apart). */
ship_zone_t ship_zone_between(int from_province, int to_province, int32_t km);

#define CARRIER_CODE_MAX 16
#define CARRIER_NAME_MAX 64
#define CARRIER_CHANNELS_MAX 8
#define TRACKING_NO_MAX 40

/* One zone's price: the first weight step costs first_fen, each further step (or part of one)
 * step_fen. */
typedef struct {
    int64_t first_weight_g, first_fen, step_g, step_fen;
    int promised_days;
} carrier_zone_rate_t;

typedef enum { TRACKING_CHECK_NONE, TRACKING_CHECK_S10 } tracking_check_t;

typedef struct {
    char code[CARRIER_CODE_MAX + 1];
    char name[CARRIER_NAME_MAX + 1];
    bool covers[100]; /* by province code (first two digits); all true when unrestricted */
    bool zone_served[ZONE__COUNT];
    carrier_zone_rate_t zones[ZONE__COUNT];
    int64_t volumetric_divisor; /* cm³ per kg, so volumetric g = L×W×H in mm³ / divisor */
    int quality_score;          /* 0..100, higher is better */
    bool has_pattern;
    regex_t pattern; /* when has_pattern; freed by carrier_free */
    tracking_check_t check;
    int n_channels;
    char channels[CARRIER_CHANNELS_MAX][33]; /* channels that require this carrier */
    bool active;
} carrier_t;

/* Parses and validates a carrier's settings (see docs/api.md) into c, collecting every
 * problem in errs; true when there was none. c must be freed with carrier_free either way. */
bool carrier_parse(const char *code, const json_t *config, carrier_t *c, field_errors_t *errs);
void carrier_free(carrier_t *c);

/* The weight charged for a parcel: its actual weight or its volumetric weight, whichever is
 * more. */
int64_t carrier_chargeable_g(const carrier_t *c, int64_t weight_g, int64_t length_mm,
                             int64_t width_mm, int64_t height_mm);
/* The price in fen of a parcel of chargeable_g into zone; -1 when the carrier does not serve
 * the zone. */
int64_t carrier_rate_fen(const carrier_t *c, ship_zone_t zone, int64_t chargeable_g);

/* Whether number is a tracking number of this carrier: its pattern and check digit. */
bool carrier_tracking_valid(const carrier_t *c, const char *number);
/* The UPU S10 check digit of the 8 serial digits, or -1 when they are not 8 digits. */
int s10_check_digit(const char *serial8);

typedef enum { POLICY_CHEAPEST, POLICY_FASTEST, POLICY_BEST_SCORE, POLICY__COUNT } carrier_policy_t;
const char *carrier_policy_name(carrier_policy_t p);
int carrier_policy_from_name(const char *name); /* -1 when unknown */

typedef struct {
    int from_province, to_province;
    int32_t km; /* between the provinces' capitals (sourcing_km); < 0 unknown */
    int64_t weight_g, length_mm, width_mm, height_mm;
    const char *channel;  /* may be NULL */
    const char *required; /* the order's or the caller's carrier code, or NULL */
    carrier_policy_t policy;
} carrier_request_t;

typedef struct {
    int index; /* into the carriers given; -1 when none can take the parcel */
    ship_zone_t zone;
    int64_t chargeable_g, price_fen;
    int promised_days;
    const char *why;   /* "required", "channel", "cheapest", "fastest", "best_score" (static) */
    char refusal[192]; /* when index < 0: why no carrier could */
} carrier_choice_t;

/* Chooses a carrier: the required one (it must cover the destination), else the one the
 * order's channel requires, else by policy among the active carriers that cover the
 * destination and serve the zone; ties go to the better score, then the code. */
carrier_choice_t carrier_choose(const carrier_t *carriers, int n, const carrier_request_t *req);

#endif
