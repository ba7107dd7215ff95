#include "core/carrier.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const zone_names[ZONE__COUNT] = {"local", "regional", "national", "remote"};
static const char *const policy_names[POLICY__COUNT] = {"cheapest", "fastest", "best_score"};

const char *ship_zone_name(ship_zone_t z) {
    return zone_names[z];
}

const char *carrier_policy_name(carrier_policy_t p) {
    return policy_names[p];
}

int carrier_policy_from_name(const char *name) {
    for (int i = 0; i < POLICY__COUNT; i++)
        if (strcmp(policy_names[i], name) == 0)
            return i;
    return -1;
}

ship_zone_t ship_zone_between(int from, int to, int32_t km) {
    if (from == to)
        return ZONE_LOCAL;
    if (to == 54 || to == 65) /* 西藏, 新疆 */
        return ZONE_REMOTE;
    if (km <= 0)
        return ZONE_NATIONAL;
    if (km > SHIP_ZONE_REMOTE_KM)
        return ZONE_REMOTE;
    return km <= SHIP_ZONE_REGIONAL_KM ? ZONE_REGIONAL : ZONE_NATIONAL;
}

/* ---- settings ---- */

static bool int_member(const json_t *obj, const char *key, const char *path, int64_t min,
                       int64_t max, bool required, int64_t *out, field_errors_t *errs) {
    json_t *v = json_object_get(obj, key);
    char field[64];
    field_path(field, sizeof field, path, key);
    if (!v) {
        if (required)
            field_errors_add(errs, field, "required", "%s is required", field);
        return false;
    }
    if (!json_is_integer(v)) {
        field_errors_add(errs, field, "wrong_type", "%s must be an integer", field);
        return false;
    }
    int64_t n = json_integer_value(v);
    if (n < min || n > max) {
        field_errors_add(errs, field, "out_of_range", "%s must be %lld..%lld", field,
                         (long long)min, (long long)max);
        return false;
    }
    *out = n;
    return true;
}

static void parse_zone(const json_t *card, ship_zone_t z, carrier_t *c, field_errors_t *errs) {
    json_t *zone = json_object_get(card, zone_names[z]);
    if (!zone || json_is_null(zone))
        return; /* not served */
    char path[48];
    snprintf(path, sizeof path, "rate_card.%s", zone_names[z]);
    if (!json_is_object(zone)) {
        field_errors_add(errs, path, "wrong_type", "%s must be an object", path);
        return;
    }
    carrier_zone_rate_t *r = &c->zones[z];
    int64_t days = 0;
    bool ok = int_member(zone, "first_weight_g", path, 1, 1000000, true, &r->first_weight_g, errs);
    ok &= int_member(zone, "first_fen", path, 0, 10000000, true, &r->first_fen, errs);
    ok &= int_member(zone, "step_g", path, 1, 1000000, true, &r->step_g, errs);
    ok &= int_member(zone, "step_fen", path, 0, 10000000, true, &r->step_fen, errs);
    ok &= int_member(zone, "promised_days", path, 0, 60, true, &days, errs);
    r->promised_days = (int)days;
    c->zone_served[z] = ok;
}

static void parse_provinces(const json_t *list, carrier_t *c, field_errors_t *errs) {
    if (!list || json_is_null(list)) {
        for (int p = 0; p < 100; p++)
            c->covers[p] = true;
        return;
    }
    if (!json_is_array(list)) {
        field_errors_add(errs, "provinces", "wrong_type",
                         "provinces must be an array of province codes");
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        /* A 2-digit province code, or any 6-digit division code of the province. */
        int64_t code = json_is_integer(v) ? json_integer_value(v) : -1;
        if (code >= 100000 && code <= 999999)
            code /= 10000;
        if (code < 11 || code > 99) {
            char field[32];
            snprintf(field, sizeof field, "provinces[%zu]", i);
            field_errors_add(errs, field, "out_of_range",
                             "%s must be a province code like 44 or 440000", field);
            continue;
        }
        c->covers[code] = true;
    }
}

static void parse_tracking(const json_t *fmt, carrier_t *c, field_errors_t *errs) {
    if (!fmt || json_is_null(fmt))
        return;
    if (!json_is_object(fmt)) {
        field_errors_add(errs, "tracking_format", "wrong_type",
                         "tracking_format must be an object {pattern, check}");
        return;
    }
    const char *pattern = json_string_value(json_object_get(fmt, "pattern"));
    if (!pattern || !*pattern || strlen(pattern) > 200) {
        field_errors_add(errs, "tracking_format.pattern", "required",
                         "tracking_format.pattern is a POSIX extended regular expression of at "
                         "most 200 characters");
    } else {
        /* Anchored: a pattern describes the whole number, not a part of it. */
        char anchored[220];
        snprintf(anchored, sizeof anchored, "^(%s)$", pattern);
        if (regcomp(&c->pattern, anchored, REG_EXTENDED | REG_NOSUB) != 0)
            field_errors_add(errs, "tracking_format.pattern", "invalid_pattern",
                             "tracking_format.pattern '%s' is not a valid extended regular "
                             "expression",
                             pattern);
        else
            c->has_pattern = true;
    }
    const char *check = json_string_value(json_object_get(fmt, "check"));
    if (!check || strcmp(check, "none") == 0)
        c->check = TRACKING_CHECK_NONE;
    else if (strcmp(check, "s10") == 0)
        c->check = TRACKING_CHECK_S10;
    else
        field_errors_add(errs, "tracking_format.check", "out_of_range",
                         "tracking_format.check must be none or s10");
}

static void parse_channels(const json_t *list, carrier_t *c, field_errors_t *errs) {
    if (!list || json_is_null(list))
        return;
    size_t i;
    json_t *v;
    if (!json_is_array(list) || json_array_size(list) > CARRIER_CHANNELS_MAX) {
        field_errors_add(errs, "channels", "wrong_type",
                         "channels must be an array of at most %d channel names",
                         CARRIER_CHANNELS_MAX);
        return;
    }
    json_array_foreach(list, i, v) {
        const char *name = json_string_value(v);
        if (!name || !*name || strlen(name) >= sizeof c->channels[0]) {
            char field[32];
            snprintf(field, sizeof field, "channels[%zu]", i);
            field_errors_add(errs, field, "wrong_type", "%s must be a channel name", field);
            continue;
        }
        snprintf(c->channels[c->n_channels++], sizeof c->channels[0], "%s", name);
    }
}

bool carrier_parse(const char *code, const json_t *config, carrier_t *c, field_errors_t *errs) {
    memset(c, 0, sizeof *c);
    int before = errs->count + errs->dropped;
    snprintf(c->code, sizeof c->code, "%s", code);
    if (!code || !*code || strlen(code) > CARRIER_CODE_MAX)
        field_errors_add(errs, "code", "out_of_range", "a carrier code has 1..%d characters",
                         CARRIER_CODE_MAX);
    const char *name = json_string_value(json_object_get(config, "name"));
    if (!name || !*name || strlen(name) > CARRIER_NAME_MAX)
        field_errors_add(errs, "name", "required", "name is a string of 1..%d bytes",
                         CARRIER_NAME_MAX);
    else
        snprintf(c->name, sizeof c->name, "%s", name);
    parse_provinces(json_object_get(config, "provinces"), c, errs);
    json_t *card = json_object_get(config, "rate_card");
    if (!json_is_object(card)) {
        field_errors_add(errs, "rate_card", "required",
                         "rate_card is an object with a price per zone (local, regional, "
                         "national, remote)");
    } else {
        for (int z = 0; z < ZONE__COUNT; z++)
            parse_zone(card, (ship_zone_t)z, c, errs);
        const char *k;
        json_t *v;
        json_object_foreach(card, k, v) {
            bool known = false;
            for (int z = 0; z < ZONE__COUNT; z++)
                known |= strcmp(k, zone_names[z]) == 0;
            if (!known)
                field_errors_add(errs, "rate_card", "unknown_zone",
                                 "rate_card.%s is not a zone: local, regional, national, remote",
                                 k);
        }
    }
    int64_t n = 6000;
    int_member(config, "volumetric_divisor", NULL, 1000, 20000, false, &n, errs);
    c->volumetric_divisor = n;
    n = 80;
    int_member(config, "quality_score", NULL, 0, 100, false, &n, errs);
    c->quality_score = (int)n;
    parse_tracking(json_object_get(config, "tracking_format"), c, errs);
    parse_channels(json_object_get(config, "channels"), c, errs);
    json_t *active = json_object_get(config, "active");
    if (active && !json_is_boolean(active))
        field_errors_add(errs, "active", "wrong_type", "active must be a boolean");
    c->active = !active || json_is_true(active);
    return errs->count + errs->dropped == before;
}

void carrier_free(carrier_t *c) {
    if (c->has_pattern)
        regfree(&c->pattern);
    c->has_pattern = false;
}

/* ---- prices ---- */

int64_t carrier_chargeable_g(const carrier_t *c, int64_t weight_g, int64_t length_mm,
                             int64_t width_mm, int64_t height_mm) {
    /* The divisor is in cm³/kg: mm³ / 1000 = cm³, cm³ / divisor = kg, rounded up to a gram. */
    int64_t mm3 = length_mm * width_mm * height_mm;
    int64_t volumetric_g = (mm3 + c->volumetric_divisor - 1) / c->volumetric_divisor;
    return weight_g > volumetric_g ? weight_g : volumetric_g;
}

int64_t carrier_rate_fen(const carrier_t *c, ship_zone_t zone, int64_t chargeable_g) {
    if (!c->zone_served[zone])
        return -1;
    const carrier_zone_rate_t *r = &c->zones[zone];
    if (chargeable_g <= r->first_weight_g)
        return r->first_fen;
    int64_t extra = chargeable_g - r->first_weight_g;
    return r->first_fen + (extra + r->step_g - 1) / r->step_g * r->step_fen;
}

/* ---- tracking numbers ---- */

int s10_check_digit(const char *serial8) {
    static const int weights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        if (!isdigit((unsigned char)serial8[i]))
            return -1;
        sum += (serial8[i] - '0') * weights[i];
    }
    int check = 11 - sum % 11;
    return check == 10 ? 0 : check == 11 ? 5 : check;
}

bool carrier_tracking_valid(const carrier_t *c, const char *number) {
    size_t len = strlen(number);
    if (len == 0 || len > TRACKING_NO_MAX)
        return false;
    if (c->has_pattern && regexec(&c->pattern, number, 0, NULL, 0) != 0)
        return false;
    if (c->check == TRACKING_CHECK_S10) {
        /* AA 12345678 9 CN: two letters, eight digits, the check digit, two letters. */
        if (len != 13 || !isupper((unsigned char)number[0]) || !isupper((unsigned char)number[1]) ||
            !isupper((unsigned char)number[11]) || !isupper((unsigned char)number[12]))
            return false;
        int check = s10_check_digit(number + 2);
        return check >= 0 && number[10] == '0' + check;
    }
    return true;
}

/* ---- choice ---- */

static bool channel_requires(const carrier_t *c, const char *channel) {
    for (int i = 0; channel && i < c->n_channels; i++)
        if (strcmp(c->channels[i], channel) == 0)
            return true;
    return false;
}

/* Whether a is better than b under the policy; ties by score, then by code, so the choice
 * never depends on the order carriers were listed in. */
static bool better(const carrier_t *a, int64_t price_a, int days_a, const carrier_t *b,
                   int64_t price_b, int days_b, carrier_policy_t policy) {
    if (policy == POLICY_CHEAPEST && price_a != price_b)
        return price_a < price_b;
    if (policy == POLICY_FASTEST && days_a != days_b)
        return days_a < days_b;
    if (policy == POLICY_FASTEST && price_a != price_b)
        return price_a < price_b;
    if (a->quality_score != b->quality_score)
        return a->quality_score > b->quality_score;
    if (policy == POLICY_BEST_SCORE && price_a != price_b)
        return price_a < price_b;
    return strcmp(a->code, b->code) < 0;
}

static bool can_take(const carrier_t *c, const carrier_request_t *req, ship_zone_t zone) {
    return c->active && req->to_province >= 0 && req->to_province < 100 &&
           c->covers[req->to_province] && c->zone_served[zone];
}

static void fill(carrier_choice_t *out, const carrier_t *c, int index,
                 const carrier_request_t *req) {
    out->index = index;
    out->chargeable_g =
        carrier_chargeable_g(c, req->weight_g, req->length_mm, req->width_mm, req->height_mm);
    out->price_fen = carrier_rate_fen(c, out->zone, out->chargeable_g);
    out->promised_days = c->zones[out->zone].promised_days;
}

carrier_choice_t carrier_choose(const carrier_t *carriers, int n, const carrier_request_t *req) {
    carrier_choice_t out = {.index = -1};
    out.zone = ship_zone_between(req->from_province, req->to_province, req->km);
    const char *named = req->required;
    out.why = "required";
    if (!named) {
        for (int i = 0; i < n; i++) {
            if (channel_requires(&carriers[i], req->channel) && carriers[i].active) {
                named = carriers[i].code;
                out.why = "channel";
                break;
            }
        }
    }
    if (named) {
        for (int i = 0; i < n; i++) {
            if (strcmp(carriers[i].code, named) != 0)
                continue;
            if (!can_take(&carriers[i], req, out.zone)) {
                snprintf(out.refusal, sizeof out.refusal,
                         "carrier %s (%s) does not take parcels to province %d (%s zone)%s", named,
                         out.why, req->to_province, ship_zone_name(out.zone),
                         carriers[i].active ? "" : ": it is not active");
                return out;
            }
            fill(&out, &carriers[i], i, req);
            return out;
        }
        snprintf(out.refusal, sizeof out.refusal, "no carrier %s is configured (%s)", named,
                 out.why);
        return out;
    }
    out.why = policy_names[req->policy];
    int best = -1;
    int64_t best_price = 0;
    for (int i = 0; i < n; i++) {
        const carrier_t *c = &carriers[i];
        if (!can_take(c, req, out.zone))
            continue;
        int64_t price = carrier_rate_fen(
            c, out.zone,
            carrier_chargeable_g(c, req->weight_g, req->length_mm, req->width_mm, req->height_mm));
        if (best < 0 ||
            better(c, price, c->zones[out.zone].promised_days, &carriers[best], best_price,
                   carriers[best].zones[out.zone].promised_days, req->policy)) {
            best = i;
            best_price = price;
        }
    }
    if (best < 0) {
        snprintf(out.refusal, sizeof out.refusal,
                 "no active carrier covers province %d in the %s zone", req->to_province,
                 ship_zone_name(out.zone));
        return out;
    }
    fill(&out, &carriers[best], best, req);
    return out;
}
