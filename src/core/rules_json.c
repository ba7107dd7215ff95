#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_words.h"
#include "core/limits.h"
#include "core/rules_internal.h"

/* Reading a rule set: every reader reports into the error list and carries on, so one call
 * lists every mistake in the set; the set is refused whole if any was found. */

#define MARKERS_MAX 32
#define MARKER_BYTES_MAX 32
#define AREA_NAME_MAX 64
#define THRESHOLD_MAX 1000000
#define WINDOW_SECONDS_MAX (31 * 86400)
#define ROOM_DIGITS_MAX 9

static const char *const DEFAULT_HOUSE_MARKERS[] = {"号", "弄", NULL};
static const char *const DEFAULT_UNIT_MARKERS[] = {"栋", "幢", "座", "楼",   "单元", "室",
                                                   "房", "户", "层", "号楼", NULL};

/* The default rule set, as data: what ruleset_default() builds and what an operator edits. */
static const char DEFAULT_RULES[] =
    "{\"rules\": ["
    "{\"id\": \"address_precision\", \"enabled\": true, \"type\": \"address_precision\","
    " \"reason\": \"address_imprecise\", \"params\": {\"min_detail_chars\": 6}},"
    "{\"id\": \"remote_area\", \"enabled\": true, \"type\": \"remote_area\","
    " \"reason\": \"remote_area\","
    " \"params\": {\"areas\": [\"西藏自治区\", \"新疆维吾尔自治区\", \"三沙市\"]}},"
    "{\"id\": \"velocity_phone\", \"enabled\": true, \"type\": \"velocity\","
    " \"reason\": \"velocity_phone\","
    " \"params\": {\"key\": \"phone\", \"threshold\": 5, \"window_seconds\": 600}},"
    "{\"id\": \"velocity_address\", \"enabled\": true, \"type\": \"velocity\","
    " \"reason\": \"velocity_address\","
    " \"params\": {\"key\": \"address\", \"threshold\": 5, \"window_seconds\": 600}},"
    "{\"id\": \"velocity_ip\", \"enabled\": true, \"type\": \"velocity\","
    " \"reason\": \"velocity_ip\","
    " \"params\": {\"key\": \"ip\", \"threshold\": 5, \"window_seconds\": 600}},"
    "{\"id\": \"high_value\", \"enabled\": true, \"type\": \"high_value\","
    " \"reason\": \"high_value\","
    " \"params\": {\"threshold_fen\": 500000, \"first_order_threshold_fen\": 200000}},"
    "{\"id\": \"remark\", \"enabled\": true, \"type\": \"remark\", \"reason\": \"buyer_remark\"},"
    "{\"id\": \"blocklist\", \"enabled\": true, \"type\": \"blocklist\","
    " \"reason\": \"blocklisted\", \"params\": {\"phones\": [], \"addresses\": [], \"ips\": []}},"
    "{\"id\": \"payment_unverified\", \"enabled\": true, \"type\": \"payment_unverified\","
    " \"reason\": \"payment_unverified\"},"
    "{\"id\": \"stock_short\", \"enabled\": true, \"type\": \"stock_short\","
    " \"reason\": \"stock_short\"}"
    "]}";

static const char *const TOP_KEYS[] = {"rules", NULL};
static const char *const RULE_KEYS[] = {"id", "enabled", "type", "reason", "params", NULL};
static const char *const PARAM_KEYS[RULE__TYPE_COUNT][5] = {
    [RULE_ADDRESS_PRECISION] = {"min_detail_chars", "house_markers", "unit_markers",
                                "room_min_digits", NULL},
    [RULE_REMOTE_AREA] = {"areas", NULL},
    [RULE_VELOCITY] = {"key", "threshold", "window_seconds", NULL},
    [RULE_HIGH_VALUE] = {"threshold_fen", "first_order_threshold_fen", NULL},
    [RULE_REMARK] = {NULL},
    [RULE_BLOCKLIST] = {"phones", "addresses", "ips", NULL},
    [RULE_PAYMENT_UNVERIFIED] = {NULL},
    [RULE_STOCK_SHORT] = {NULL},
};

typedef struct {
    field_errors_t *errs;
    bool failed; /* errs may be NULL, so failure is tracked here */
} reader_t;

__attribute__((format(printf, 4, 5))) static void problem(reader_t *rd, const char *field,
                                                          const char *code, const char *fmt, ...) {
    char msg[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rd->failed = true;
    field_errors_add(rd->errs, field, code, "%s", msg);
}

static void oom(reader_t *rd) {
    problem(rd, "rules", "out_of_memory", "the rule set could not be stored (out of memory)");
}

/* A JSON path into out. Through vsnprintf so that a path cut at the field error's 64 bytes is
 * accepted as the intended outcome rather than warned about (-Wformat-truncation). */
__attribute__((format(printf, 3, 4))) static void fmt_path(char *out, size_t len, const char *fmt,
                                                           ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, len, fmt, ap);
    va_end(ap);
}

static void check_keys(reader_t *rd, json_t *obj, const char *prefix, const char *const *allowed) {
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        bool known = false;
        for (int i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (known)
            continue;
        char path[64];
        field_path(path, sizeof path, prefix, key);
        problem(rd, path, "unknown_field", "'%s' is not a field here", key);
    }
}

/* The member `key` when it has the JSON type `type` (named `type_phrase` in the message), or
 * NULL: reported when present with another type, or absent and required. */
static json_t *typed_member(reader_t *rd, json_t *obj, const char *path, const char *key,
                            bool required, json_type type, const char *type_phrase) {
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    if (!v) {
        if (required)
            problem(rd, path, "required", "%s is required", key);
        return NULL;
    }
    if (json_typeof(v) != type) {
        problem(rd, path, "wrong_type", "%s must be %s, not %s", key, type_phrase,
                json_type_phrase(v));
        return NULL;
    }
    return v;
}

/* An integer member: absent leaves *out (the default) unless required. */
static bool read_int(reader_t *rd, json_t *obj, const char *prefix, const char *key, bool required,
                     int64_t min, int64_t max, int64_t *out) {
    char path[64];
    field_path(path, sizeof path, prefix, key);
    json_t *v = typed_member(rd, obj, path, key, required, JSON_INTEGER, "an integer");
    if (!v)
        return false;
    json_int_t i = json_integer_value(v);
    if (i < min || i > max) {
        problem(rd, path, "out_of_range", "%s must be from %lld to %lld, not %lld", key,
                (long long)min, (long long)max, (long long)i);
        return false;
    }
    *out = i;
    return true;
}

static bool valid_code_word(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > RULES_ID_MAX)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

/* A string member that must be an id-like word ([a-z0-9_-]{1,64}). */
static bool read_word(reader_t *rd, json_t *obj, const char *prefix, const char *key,
                      char out[RULES_ID_MAX + 1]) {
    char path[64];
    field_path(path, sizeof path, prefix, key);
    json_t *v = typed_member(rd, obj, path, key, true, JSON_STRING, "a string");
    if (!v)
        return false;
    if (!valid_code_word(json_string_value(v))) {
        problem(rd, path, "invalid_value", "%s must be 1 to %d characters of a-z, 0-9, '_' and '-'",
                key, RULES_ID_MAX);
        return false;
    }
    snprintf(out, RULES_ID_MAX + 1, "%s", json_string_value(v));
    return true;
}

/* The array member `key`, or NULL (reported when present but not an array, or too long). */
static json_t *read_array(reader_t *rd, json_t *obj, const char *prefix, const char *key,
                          bool required, size_t max) {
    char path[64];
    field_path(path, sizeof path, prefix, key);
    json_t *v = typed_member(rd, obj, path, key, required, JSON_ARRAY, "an array");
    if (!v)
        return NULL;
    if (json_array_size(v) > max) {
        problem(rd, path, "too_many", "%s may hold at most %zu entries, not %zu", key, max,
                json_array_size(v));
        return NULL;
    }
    return v;
}

static bool strlist_push(rules_strlist_t *l, const char *s, size_t len) {
    char *copy = malloc(len + 1);
    if (!copy)
        return false;
    memcpy(copy, s, len);
    copy[len] = '\0';
    l->items[l->n++] = copy;
    return true;
}

static bool strlist_from_defaults(rules_strlist_t *l, const char *const *defaults) {
    int n = 0;
    while (defaults[n])
        n++;
    l->items = calloc((size_t)n, sizeof *l->items);
    if (!l->items)
        return false;
    for (int i = 0; i < n; i++)
        if (!strlist_push(l, defaults[i], strlen(defaults[i])))
            return false;
    return true;
}

static void read_markers(reader_t *rd, json_t *params, const char *prefix, const char *key,
                         const char *const *defaults, rules_strlist_t *out) {
    json_t *arr = read_array(rd, params, prefix, key, false, MARKERS_MAX);
    if (!arr) {
        if (!strlist_from_defaults(out, defaults))
            oom(rd);
        return;
    }
    out->items = calloc(json_array_size(arr) + 1, sizeof *out->items);
    if (!out->items) {
        oom(rd);
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        char path[64];
        fmt_path(path, sizeof path, "%s.%s[%zu]", prefix, key, i);
        if (!json_is_string(v)) {
            problem(rd, path, "wrong_type", "a marker must be a string, not %s",
                    json_type_phrase(v));
            continue;
        }
        size_t len = json_string_length(v);
        const char *s = json_string_value(v);
        if (len == 0 || len > MARKER_BYTES_MAX || strcspn(s, "0123456789") != len) {
            problem(rd, path, "invalid_value",
                    "a marker must be 1 to %d bytes of text without digits", MARKER_BYTES_MAX);
            continue;
        }
        if (!strlist_push(out, s, len))
            oom(rd);
    }
}

static void read_address_params(reader_t *rd, json_t *params, const char *prefix,
                                rules_address_params_t *p) {
    int64_t v = 6;
    read_int(rd, params, prefix, "min_detail_chars", false, 0, ORDO_ADDRESS_DETAIL_MAX, &v);
    p->min_detail_chars = (int)v;
    v = 3;
    read_int(rd, params, prefix, "room_min_digits", false, 0, ROOM_DIGITS_MAX, &v);
    p->room_min_digits = (int)v;
    read_markers(rd, params, prefix, "house_markers", DEFAULT_HOUSE_MARKERS, &p->house_markers);
    read_markers(rd, params, prefix, "unit_markers", DEFAULT_UNIT_MARKERS, &p->unit_markers);
}

static bool six_digits(const char *s) {
    for (int i = 0; i < 6; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return s[6] == '\0' && s[0] != '0';
}

static void read_remote_params(reader_t *rd, json_t *params, const char *prefix,
                               rules_remote_params_t *p) {
    json_t *arr = read_array(rd, params, prefix, "areas", true, RULES_LIST_MAX);
    if (!arr)
        return;
    p->items = calloc(json_array_size(arr) + 1, sizeof *p->items);
    if (!p->items) {
        oom(rd);
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        char path[64];
        fmt_path(path, sizeof path, "%s.areas[%zu]", prefix, i);
        rules_area_t *a = &p->items[p->n];
        if (json_is_integer(v)) {
            json_int_t code = json_integer_value(v);
            if (code < 100000 || code > 999999) {
                problem(rd, path, "out_of_range",
                        "a division code has 6 digits (e.g. 540000), not %lld", (long long)code);
                continue;
            }
            a->code = (int32_t)code;
        } else if (json_is_string(v)) {
            const char *s = json_string_value(v);
            size_t len = json_string_length(v);
            if (six_digits(s)) {
                a->code = (int32_t)atoi(s);
                a->code_as_string = true;
            } else if (len == 0 || len > AREA_NAME_MAX || strspn(s, " \t") == len) {
                problem(rd, path, "invalid_value",
                        "an area is a 6-digit division code or a division's name of 1 to %d "
                        "bytes",
                        AREA_NAME_MAX);
                continue;
            } else if (!(a->name = strdup(s))) {
                oom(rd);
                continue;
            }
        } else {
            problem(rd, path, "wrong_type", "an area must be a code or a name, not %s",
                    json_type_phrase(v));
            continue;
        }
        p->n++;
    }
}

static void read_velocity_params(reader_t *rd, json_t *params, const char *prefix,
                                 rules_velocity_params_t *p) {
    char path[64];
    field_path(path, sizeof path, prefix, "key");
    json_t *k = params ? json_object_get(params, "key") : NULL;
    if (!k) {
        problem(rd, path, "required", "key is required (\"phone\", \"address\" or \"ip\")");
    } else if (!json_is_string(k)) {
        problem(rd, path, "wrong_type", "key must be a string, not %s", json_type_phrase(k));
    } else {
        int found = -1;
        for (int i = 0; i < RULES_KEY__COUNT; i++)
            if (strcmp(json_string_value(k), rules_key_name((rules_key_t)i)) == 0)
                found = i;
        if (found < 0)
            problem(rd, path, "invalid_value", "key must be \"phone\", \"address\" or \"ip\"");
        else
            p->key = (rules_key_t)found;
    }
    read_int(rd, params, prefix, "threshold", true, 1, THRESHOLD_MAX, &p->threshold);
    int64_t w = 0;
    if (read_int(rd, params, prefix, "window_seconds", true, 1, WINDOW_SECONDS_MAX, &w))
        p->window_seconds = (int32_t)w;
}

static void read_high_value_params(reader_t *rd, json_t *params, const char *prefix,
                                   rules_high_value_params_t *p) {
    bool have = read_int(rd, params, prefix, "threshold_fen", true, 0, ORDO_MONEY_MAX_FEN,
                         &p->threshold_fen);
    p->has_first_order_threshold = read_int(rd, params, prefix, "first_order_threshold_fen", false,
                                            0, ORDO_MONEY_MAX_FEN, &p->first_order_threshold_fen);
    if (have && p->has_first_order_threshold && p->first_order_threshold_fen > p->threshold_fen) {
        char path[64];
        field_path(path, sizeof path, prefix, "first_order_threshold_fen");
        problem(rd, path, "out_of_range",
                "first_order_threshold_fen (%lld) must not exceed threshold_fen (%lld)",
                (long long)p->first_order_threshold_fen, (long long)p->threshold_fen);
    }
}

static bool valid_phone(const char *s, size_t len) {
    return len >= 5 && len <= 20 && strspn(s, "0123456789") == len;
}

/* "dddddd/dddddd/dddddd/detail", folded as rules_address_key folds an order's address, so an
 * entry written with full-width digits or spaces still matches. */
static bool fold_address_entry(const char *s, size_t len, char *out) {
    if (len < 22 || len >= RULES_ADDRESS_KEY_MAX)
        return false;
    for (int part = 0; part < 3; part++) {
        const char *p = s + part * 7;
        for (int i = 0; i < 6; i++)
            if (p[i] < '0' || p[i] > '9')
                return false;
        if (p[6] != '/')
            return false;
    }
    memcpy(out, s, 21);
    return rules_fold_text(s + 21, len - 21, out + 21) > 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char **sorted_copy(const rules_strlist_t *l) {
    const char **s = malloc(sizeof *s * (size_t)(l->n + 1));
    if (!s)
        return NULL;
    for (int i = 0; i < l->n; i++)
        s[i] = l->items[i];
    qsort(s, (size_t)l->n, sizeof *s, cmp_str);
    return s;
}

static void read_blocklist_params(reader_t *rd, json_t *params, const char *prefix,
                                  rules_blocklist_params_t *p) {
    static const char *const LISTS[] = {"phones", "addresses", "ips"};
    for (int list = 0; list < 3; list++) {
        json_t *arr = read_array(rd, params, prefix, LISTS[list], false, RULES_LIST_MAX);
        size_t n = arr ? json_array_size(arr) : 0;
        rules_strlist_t *strs = list == 0 ? &p->phones : list == 1 ? &p->addresses : NULL;
        if (strs && !(strs->items = calloc(n + 1, sizeof *strs->items))) {
            oom(rd);
            continue;
        }
        if (!strs && !(p->ips = calloc(n + 1, sizeof *p->ips))) {
            oom(rd);
            continue;
        }
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
            char path[64];
            fmt_path(path, sizeof path, "%s.%s[%zu]", prefix, LISTS[list], i);
            if (!json_is_string(v)) {
                problem(rd, path, "wrong_type", "an entry must be a string, not %s",
                        json_type_phrase(v));
                continue;
            }
            const char *s = json_string_value(v);
            size_t len = json_string_length(v);
            if (list == 0) {
                if (!valid_phone(s, len))
                    problem(rd, path, "invalid_phone",
                            "a phone is the national number, 5 to 20 digits only "
                            "(e.g. 13800138000)");
                else if (!strlist_push(strs, s, len))
                    oom(rd);
            } else if (list == 1) {
                char folded[RULES_ADDRESS_KEY_MAX];
                if (!fold_address_entry(s, len, folded))
                    problem(rd, path, "invalid_address_key",
                            "an address is \"<province code>/<city code>/<district code>/"
                            "<detail>\", e.g. \"110000/110100/110105/大望路甲18号\"");
                else if (!strlist_push(strs, folded, strlen(folded)))
                    oom(rd);
            } else {
                char why[160];
                rules_ip_entry_t *e = &p->ips[p->n_ips];
                const char *bad = rules_parse_ip(s, true, e, why, sizeof why);
                if (bad)
                    problem(rd, path, strchr(s, '/') ? "invalid_cidr" : "invalid_ip", "'%.60s' %s",
                            s, bad);
                else if (!(e->text = strdup(s)))
                    oom(rd);
                else
                    p->n_ips++;
            }
        }
    }
    if (rd->failed)
        return;
    if (!(p->phones_sorted = sorted_copy(&p->phones)) ||
        !(p->addresses_sorted = sorted_copy(&p->addresses)) || !rules_index_ips(p))
        oom(rd);
}

static void read_rule(reader_t *rd, json_t *v, int index, rules_rule_t *rules) {
    char prefix[32];
    fmt_path(prefix, sizeof prefix, "rules[%d]", index);
    rules_rule_t *r = &rules[index];
    r->type = RULE__TYPE_COUNT; /* nothing to free until the type is known */
    if (!json_is_object(v)) {
        problem(rd, prefix, "wrong_type", "a rule must be an object, not %s", json_type_phrase(v));
        return;
    }
    check_keys(rd, v, prefix, RULE_KEYS);

    if (read_word(rd, v, prefix, "id", r->id)) {
        for (int j = 0; j < index; j++) {
            if (strcmp(rules[j].id, r->id) != 0)
                continue;
            char path[64];
            field_path(path, sizeof path, prefix, "id");
            problem(rd, path, "duplicate_id", "id '%s' is already used by rules[%d]", r->id, j);
            break;
        }
    }
    read_word(rd, v, prefix, "reason", r->reason);

    char path[64];
    field_path(path, sizeof path, prefix, "enabled");
    json_t *enabled = json_object_get(v, "enabled");
    if (!enabled)
        problem(rd, path, "required", "enabled is required (true or false)");
    else if (!json_is_boolean(enabled))
        problem(rd, path, "wrong_type", "enabled must be true or false, not %s",
                json_type_phrase(enabled));
    else
        r->enabled = json_is_true(enabled);

    field_path(path, sizeof path, prefix, "params");
    json_t *params = json_object_get(v, "params");
    if (params && !json_is_object(params)) {
        problem(rd, path, "wrong_type", "params must be an object, not %s",
                json_type_phrase(params));
        params = NULL;
    }

    field_path(path, sizeof path, prefix, "type");
    json_t *type = json_object_get(v, "type");
    int t = -1;
    if (!type) {
        problem(rd, path, "required", "type is required");
        return;
    }
    if (!json_is_string(type) || (t = rule_type_from_name(json_string_value(type))) < 0) {
        char known[256] = "";
        for (int k = 0; k < RULE__TYPE_COUNT; k++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", k ? ", " : "",
                     rule_type_name((rule_type_t)k));
        problem(rd, path, json_is_string(type) ? "unknown_type" : "wrong_type",
                "type must be one of %s", known);
        return;
    }
    r->type = (rule_type_t)t;

    field_path(path, sizeof path, prefix, "params");
    if (params)
        check_keys(rd, params, path, PARAM_KEYS[t]);
    switch (r->type) {
    case RULE_ADDRESS_PRECISION:
        read_address_params(rd, params, path, &r->p.address);
        break;
    case RULE_REMOTE_AREA:
        read_remote_params(rd, params, path, &r->p.remote);
        break;
    case RULE_VELOCITY:
        read_velocity_params(rd, params, path, &r->p.velocity);
        break;
    case RULE_HIGH_VALUE:
        read_high_value_params(rd, params, path, &r->p.high_value);
        break;
    case RULE_BLOCKLIST:
        read_blocklist_params(rd, params, path, &r->p.blocklist);
        break;
    default:
        break; /* no params */
    }
}

ruleset_t *ruleset_from_json(json_t *doc, field_errors_t *errs) {
    reader_t rd = {.errs = errs};
    if (!json_is_object(doc)) {
        problem(&rd, "rules", "wrong_type", "a rule set is an object {\"rules\": [...]}, not %s",
                doc ? json_type_phrase(doc) : "nothing");
        return NULL;
    }
    check_keys(&rd, doc, "", TOP_KEYS);
    json_t *arr = read_array(&rd, doc, "", "rules", true, RULES_MAX);
    if (!arr)
        return NULL;
    ruleset_t *rs = calloc(1, sizeof *rs);
    rules_rule_t *rules = calloc(json_array_size(arr) + 1, sizeof *rules);
    if (!rs || !rules) {
        free(rs);
        free(rules);
        oom(&rd);
        return NULL;
    }
    rs->rules = rules;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        read_rule(&rd, v, (int)i, rules);
        rs->n = (int)i + 1; /* counted as read, so ruleset_free clears what was filled in */
    }
    if (rd.failed) {
        ruleset_free(rs);
        return NULL;
    }
    return rs;
}

ruleset_t *ruleset_default(void) {
    json_t *doc = json_loads(DEFAULT_RULES, 0, NULL);
    ruleset_t *rs = doc ? ruleset_from_json(doc, NULL) : NULL;
    json_decref(doc);
    return rs;
}

/* ---- Writing ------------------------------------------------------------------------ */

static bool put(json_t *obj, const char *key, json_t *value) {
    return value && json_object_set_new(obj, key, value) == 0;
}

static json_t *strlist_json(const rules_strlist_t *l) {
    json_t *a = json_array();
    for (int i = 0; a && i < l->n; i++) {
        if (json_array_append_new(a, json_string(l->items[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *params_json(const rules_rule_t *r) {
    json_t *p = json_object();
    if (!p)
        return NULL;
    bool ok = true;
    switch (r->type) {
    case RULE_ADDRESS_PRECISION:
        ok = put(p, "min_detail_chars", json_integer(r->p.address.min_detail_chars)) &&
             put(p, "house_markers", strlist_json(&r->p.address.house_markers)) &&
             put(p, "unit_markers", strlist_json(&r->p.address.unit_markers)) &&
             put(p, "room_min_digits", json_integer(r->p.address.room_min_digits));
        break;
    case RULE_REMOTE_AREA: {
        json_t *areas = json_array();
        ok = put(p, "areas", areas);
        for (int i = 0; ok && i < r->p.remote.n; i++) {
            const rules_area_t *a = &r->p.remote.items[i];
            char code[16];
            snprintf(code, sizeof code, "%06d", (int)a->code);
            json_t *jv = a->name             ? json_string(a->name)
                         : a->code_as_string ? json_string(code)
                                             : json_integer(a->code);
            ok = json_array_append_new(areas, jv) == 0;
        }
        break;
    }
    case RULE_VELOCITY:
        ok = put(p, "key", json_string(rules_key_name(r->p.velocity.key))) &&
             put(p, "threshold", json_integer(r->p.velocity.threshold)) &&
             put(p, "window_seconds", json_integer(r->p.velocity.window_seconds));
        break;
    case RULE_HIGH_VALUE:
        ok = put(p, "threshold_fen", json_integer(r->p.high_value.threshold_fen));
        if (ok && r->p.high_value.has_first_order_threshold)
            ok = put(p, "first_order_threshold_fen",
                     json_integer(r->p.high_value.first_order_threshold_fen));
        break;
    case RULE_BLOCKLIST: {
        json_t *ips = json_array();
        ok = put(p, "phones", strlist_json(&r->p.blocklist.phones)) &&
             put(p, "addresses", strlist_json(&r->p.blocklist.addresses)) && put(p, "ips", ips);
        for (int i = 0; ok && i < r->p.blocklist.n_ips; i++)
            ok = json_array_append_new(ips, json_string(r->p.blocklist.ips[i].text)) == 0;
        break;
    }
    default:
        break;
    }
    if (!ok) {
        json_decref(p);
        return NULL;
    }
    return p;
}

json_t *ruleset_to_json(const ruleset_t *rs) {
    json_t *doc = json_object(), *rules = json_array();
    bool ok = doc && put(doc, "rules", json_incref(rules));
    for (int i = 0; ok && i < rs->n; i++) {
        const rules_rule_t *r = &rs->rules[i];
        json_t *jr = json_object();
        ok = json_array_append_new(rules, jr) == 0 && put(jr, "id", json_string(r->id)) &&
             put(jr, "enabled", json_boolean(r->enabled)) &&
             put(jr, "type", json_string(rule_type_name(r->type))) &&
             put(jr, "reason", json_string(r->reason)) && put(jr, "params", params_json(r));
    }
    json_decref(rules);
    if (!ok) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}
