#include "core/divisions.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every way a buyer may write a division is precomputed into one open-addressing hash table
 * keyed by (kind, scope, name), so resolving an address costs a handful of hash probes and
 * never a scan: this runs for every order at peak rates. */

enum {
    K_PROV = 1,       /* scope 0 */
    K_CITY_IN_PROV,   /* scope: province code */
    K_CITY_ANY,       /* scope 0: only to tell "unknown" from "elsewhere" */
    K_COUNTY_IN_CITY, /* scope: city code */
    K_COUNTY_IN_PROV, /* scope: province code, for municipalities and direct counties */
    K_COUNTY_ANY,     /* scope 0 */
};

typedef struct {
    const char *key; /* NULL: empty slot */
    const char *canon;
    uint32_t hash;
    int32_t scope;
    int32_t code;
    uint8_t kind;
    uint8_t exact;     /* key is the canonical name, not a derived alias */
    uint8_t ambiguous; /* two divisions share this key at the same precedence */
} slot_t;

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk_t;

#define CITY_SLOTS 10000 /* indexed by the first four digits of a code */
#define PROV_SLOTS 100   /* indexed by the first two digits */

struct divisions {
    slot_t *slots;
    size_t n_slots, n_used;
    chunk_t *strings;
    const char *prov_name[PROV_SLOTS];
    uint8_t prov_municipality[PROV_SLOTS];
    const char *city_name[CITY_SLOTS];
    uint8_t city_direct_group[CITY_SLOTS]; /* "省直辖县" and the like: counties without a city */
};

/* Longest name accepted for lookup; canonical names are far shorter (the longest is about 45
 * bytes), so anything longer cannot match. */
#define NAME_MAX_BYTES 128

/* ---- string storage ---------------------------------------------------------------------- */

static const char *store_string(divisions_t *d, const char *s, size_t len) {
    chunk_t *c = d->strings;
    if (!c || c->cap - c->used < len + 1) {
        size_t cap = len + 1 > 65536 ? len + 1 : 65536;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = d->strings;
        c->used = 0;
        c->cap = cap;
        d->strings = c;
    }
    char *out = c->data + c->used;
    memcpy(out, s, len);
    out[len] = '\0';
    c->used += len + 1;
    return out;
}

/* ---- hash table ---------------------------------------------------------------------------- */

static uint32_t hash_key(int kind, int32_t scope, const char *s, size_t len) {
    uint32_t h = 2166136261u;
    h = (h ^ (uint32_t)kind) * 16777619u;
    for (int i = 0; i < 4; i++)
        h = (h ^ (((uint32_t)scope >> (8 * i)) & 0xff)) * 16777619u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static slot_t *find_slot(const divisions_t *d, int kind, int32_t scope, const char *s, size_t len,
                         uint32_t h) {
    size_t mask = d->n_slots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot_t *sl = &d->slots[i];
        if (!sl->key)
            return sl;
        if (sl->hash == h && sl->kind == kind && sl->scope == scope &&
            strncmp(sl->key, s, len) == 0 && sl->key[len] == '\0')
            return sl;
    }
}

static bool grow(divisions_t *d) {
    size_t n = d->n_slots ? d->n_slots * 2 : 16384;
    slot_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    slot_t *old = d->slots;
    size_t old_n = d->n_slots;
    d->slots = slots;
    d->n_slots = n;
    for (size_t i = 0; i < old_n; i++) {
        if (!old[i].key)
            continue;
        size_t mask = n - 1;
        size_t j = old[i].hash & mask;
        while (slots[j].key)
            j = (j + 1) & mask;
        slots[j] = old[i];
    }
    free(old);
    return true;
}

/* Canonical names beat derived aliases: "朝阳" stays ambiguous between 朝阳区 and 朝阳县, but a
 * division literally named like another's alias wins the key outright. */
static bool insert(divisions_t *d, int kind, int32_t scope, const char *key, size_t len,
                   int32_t code, const char *canon, bool exact) {
    if ((d->n_used + 1) * 2 > d->n_slots && !grow(d))
        return false;
    uint32_t h = hash_key(kind, scope, key, len);
    slot_t *sl = find_slot(d, kind, scope, key, len, h);
    if (!sl->key) {
        const char *k = store_string(d, key, len);
        if (!k)
            return false;
        *sl = (slot_t){.key = k,
                       .canon = canon,
                       .hash = h,
                       .scope = scope,
                       .code = code,
                       .kind = (uint8_t)kind,
                       .exact = exact};
        d->n_used++;
        return true;
    }
    if (sl->code == code) {
        sl->exact |= exact;
        return true;
    }
    if (sl->exact && !exact)
        return true;
    if (!sl->exact && exact) {
        sl->code = code;
        sl->canon = canon;
        sl->exact = 1;
        sl->ambiguous = 0;
        return true;
    }
    sl->ambiguous = 1;
    return true;
}

typedef enum { FOUND, NOT_FOUND, AMBIGUOUS } lookup_t;

static lookup_t lookup(const divisions_t *d, int kind, int32_t scope, const char *name,
                       const slot_t **out) {
    size_t len = strlen(name);
    const slot_t *sl = find_slot(d, kind, scope, name, len, hash_key(kind, scope, name, len));
    if (!sl->key)
        return NOT_FOUND;
    *out = sl;
    return sl->ambiguous ? AMBIGUOUS : FOUND;
}

/* ---- aliases ------------------------------------------------------------------------------ */

#define ALIASES_MAX 4

typedef struct {
    int n;
    char name[ALIASES_MAX][NAME_MAX_BYTES];
} aliases_t;

static size_t codepoints(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static bool ends_with(const char *s, size_t len, const char *suffix) {
    size_t sl = strlen(suffix);
    return sl <= len && memcmp(s + len - sl, suffix, sl) == 0;
}

static void add_alias(aliases_t *a, const char *s, size_t len, const char *append) {
    size_t al = append ? strlen(append) : 0;
    if (a->n >= ALIASES_MAX || len + al >= NAME_MAX_BYTES)
        return;
    memcpy(a->name[a->n], s, len);
    if (al)
        memcpy(a->name[a->n] + len, append, al);
    a->name[a->n][len + al] = '\0';
    a->n++;
}

/* Ethnic groups as they appear inside autonomous-area names ("恩施土家族苗族自治州"). Only the
 * multi-character ones also appear without 族 ("巴音郭楞蒙古自治州", "新疆维吾尔自治区"). */
static const char *const ethnic_groups[] = {
    "蒙古",   "回",       "藏",     "维吾尔",   "苗",   "彝",     "壮",   "布依",
    "朝鲜",   "满",       "侗",     "瑶",       "白",   "土家",   "哈尼", "哈萨克",
    "傣",     "黎",       "傈僳",   "佤",       "畲",   "高山",   "拉祜", "水",
    "东乡",   "纳西",     "景颇",   "柯尔克孜", "土",   "达斡尔", "仫佬", "羌",
    "布朗",   "撒拉",     "毛南",   "仡佬",     "锡伯", "阿昌",   "普米", "塔吉克",
    "怒",     "乌孜别克", "俄罗斯", "鄂温克",   "德昂", "保安",   "裕固", "京",
    "塔塔尔", "独龙",     "鄂伦春", "赫哲",     "门巴", "珞巴",   "基诺", "汉",
};

/* Length of the longest ethnic-group suffix of s[0..len) that leaves at least two characters
 * of place name, or 0. */
static size_t ethnic_suffix(const char *s, size_t len) {
    static const char zu[] = "族";
    size_t best = 0;
    for (size_t i = 0; i < sizeof ethnic_groups / sizeof *ethnic_groups; i++) {
        const char *g = ethnic_groups[i];
        size_t gl = strlen(g);
        size_t cut = 0;
        if (ends_with(s, len, zu) && ends_with(s, len - (sizeof zu - 1), g))
            cut = gl + sizeof zu - 1;
        else if (codepoints(g, gl) >= 2 && ends_with(s, len, g))
            cut = gl;
        if (cut > best && codepoints(s, len - cut) >= 2)
            best = cut;
    }
    return best;
}

typedef enum { LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY } level_t;

typedef struct {
    const char *suffix;
    bool autonomous;          /* strip ethnic names after the suffix */
    const char *short_suffix; /* alias with this instead ("恩施州" for 恩施…自治州), or NULL */
} suffix_rule_t;

/* Longest first: the first rule that matches is the only one applied, so "滨海新区" gives
 * "滨海" and never "滨海新". */
static const suffix_rule_t province_rules[] = {
    {"特别行政区", false, NULL}, {"自治区", true, NULL}, {"省", false, NULL},
    {"市", false, NULL},         {NULL, false, NULL},
};
static const suffix_rule_t city_rules[] = {
    {"自治州", true, "州"}, {"地区", false, NULL}, {"盟", false, NULL},
    {"市", false, NULL},    {NULL, false, NULL},
};
static const suffix_rule_t county_rules[] = {
    {"自治县", true, "县"}, {"自治旗", true, "旗"}, {"林区", false, NULL}, {"特区", false, NULL},
    {"新区", false, NULL},  {"街道", false, NULL},  {"区", false, NULL},   {"县", false, NULL},
    {"市", false, NULL},    {"旗", false, NULL},    {"镇", false, NULL},   {"乡", false, NULL},
    {NULL, false, NULL},
};

/* Names a buyer may write for a canonical name: the name itself, the name without its
 * administrative suffix, and for autonomous areas the bare place name. A stem of one
 * character ("城" of 城区) is too easily a different place and is not offered. */
static void make_aliases(const char *canon, level_t level, aliases_t *a) {
    a->n = 0;
    size_t len = strlen(canon);
    add_alias(a, canon, len, NULL);
    const suffix_rule_t *rules = level == LEVEL_PROVINCE ? province_rules
                                 : level == LEVEL_CITY   ? city_rules
                                                         : county_rules;
    for (const suffix_rule_t *r = rules; r->suffix; r++) {
        if (!ends_with(canon, len, r->suffix))
            continue;
        size_t stem = len - strlen(r->suffix);
        if (codepoints(canon, stem) < 2)
            break;
        add_alias(a, canon, stem, NULL);
        if (r->autonomous) {
            size_t place = stem, cut;
            while ((cut = ethnic_suffix(canon, place)) > 0)
                place -= cut;
            if (place != stem)
                add_alias(a, canon, place, NULL);
            if (r->short_suffix)
                add_alias(a, canon, place, r->short_suffix);
        }
        break;
    }
}

static bool insert_aliases(divisions_t *d, int kind, int32_t scope, const aliases_t *a,
                           int32_t code, const char *canon) {
    for (int i = 0; i < a->n; i++)
        if (!insert(d, kind, scope, a->name[i], strlen(a->name[i]), code, canon, i == 0))
            return false;
    return true;
}

/* ---- loading ------------------------------------------------------------------------------ */

static int32_t parse_code(const char *key) {
    int32_t v = 0;
    for (int i = 0; i < 6; i++) {
        if (key[i] < '0' || key[i] > '9')
            return -1;
        v = v * 10 + (key[i] - '0');
    }
    return key[6] == '\0' && key[0] != '0' ? v : -1;
}

static const json_t *get_map(const json_t *root, const char *name, char *err, size_t err_len) {
    const json_t *m = json_object_get(root, name);
    if (!json_is_object(m)) {
        snprintf(err, err_len, "\"%s\" is missing or not an object", name);
        return NULL;
    }
    return m;
}

static bool load(divisions_t *d, const json_t *root, char *err, size_t err_len) {
    const json_t *provs = get_map(root, "province_list", err, err_len);
    const json_t *cities = provs ? get_map(root, "city_list", err, err_len) : NULL;
    const json_t *counties = cities ? get_map(root, "county_list", err, err_len) : NULL;
    if (!counties)
        return false;
    aliases_t a;
    const char *key;
    const json_t *val;

    json_object_foreach((json_t *)provs, key, val) {
        int32_t code = parse_code(key);
        const char *name = json_string_value(val);
        if (code < 0 || code % 10000 != 0 || !name || !*name) {
            snprintf(err, err_len, "province_list entry \"%.16s\" is not a code and a name", key);
            return false;
        }
        const char *canon = store_string(d, name, strlen(name));
        if (!canon)
            goto oom;
        d->prov_name[code / 10000] = canon;
        make_aliases(canon, LEVEL_PROVINCE, &a);
        if (!insert_aliases(d, K_PROV, 0, &a, code, canon))
            goto oom;
    }

    json_object_foreach((json_t *)cities, key, val) {
        int32_t code = parse_code(key);
        const char *name = json_string_value(val);
        if (code < 0 || code % 100 != 0 || code % 10000 == 0 || !name || !*name) {
            snprintf(err, err_len, "city_list entry \"%.16s\" is not a code and a name", key);
            return false;
        }
        int32_t prov = code / 10000 * 10000;
        const char *pname = d->prov_name[prov / 10000];
        if (!pname) {
            snprintf(err, err_len, "city %d has no province", (int)code);
            return false;
        }
        const char *canon = store_string(d, name, strlen(name));
        if (!canon)
            goto oom;
        d->city_name[code / 100] = canon;
        /* A municipality is a province whose main city carries its own name (北京市/北京市). */
        if (code % 10000 == 100 && strcmp(canon, pname) == 0)
            d->prov_municipality[prov / 10000] = 1;
        d->city_direct_group[code / 100] = strstr(canon, "直辖") != NULL;
        make_aliases(canon, LEVEL_CITY, &a);
        if (!insert_aliases(d, K_CITY_IN_PROV, prov, &a, code, canon) ||
            !insert_aliases(d, K_CITY_ANY, 0, &a, code, canon))
            goto oom;
    }

    /* Channels write a municipality's city as the province again or as "市辖区" (the old
     * name of the urban districts' level); both mean "somewhere in this municipality". */
    for (int p = 0; p < PROV_SLOTS; p++) {
        if (!d->prov_municipality[p])
            continue;
        int32_t main_city = p * 10000 + 100;
        const char *main_name = d->city_name[main_city / 100];
        make_aliases(d->prov_name[p], LEVEL_PROVINCE, &a);
        add_alias(&a, "市辖区", strlen("市辖区"), NULL);
        for (int i = 0; i < a.n; i++)
            if (!insert(d, K_CITY_IN_PROV, p * 10000, a.name[i], strlen(a.name[i]), main_city,
                        main_name, false))
                goto oom;
    }

    json_object_foreach((json_t *)counties, key, val) {
        int32_t code = parse_code(key);
        const char *name = json_string_value(val);
        if (code < 0 || code % 100 == 0 || !name || !*name) {
            snprintf(err, err_len, "county_list entry \"%.16s\" is not a code and a name", key);
            return false;
        }
        int32_t city = code / 100 * 100;
        if (!d->city_name[city / 100]) {
            snprintf(err, err_len, "county %d has no city", (int)code);
            return false;
        }
        const char *canon = store_string(d, name, strlen(name));
        if (!canon)
            goto oom;
        make_aliases(canon, LEVEL_COUNTY, &a);
        if (!insert_aliases(d, K_COUNTY_IN_CITY, city, &a, code, canon) ||
            !insert_aliases(d, K_COUNTY_IN_PROV, code / 10000 * 10000, &a, code, canon) ||
            !insert_aliases(d, K_COUNTY_ANY, 0, &a, code, canon))
            goto oom;
    }
    return true;
oom:
    snprintf(err, err_len, "out of memory");
    return false;
}

divisions_t *divisions_from_json(const char *json_text, char *err, size_t err_len) {
    if (!json_text) {
        snprintf(err, err_len, "no data");
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loads(json_text, 0, &jerr);
    if (!root) {
        snprintf(err, err_len, "line %d: %s", jerr.line, jerr.text);
        return NULL;
    }
    divisions_t *d = calloc(1, sizeof *d);
    if (!d) {
        json_decref(root);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    bool ok = json_is_object(root) && load(d, root, err, err_len);
    if (!json_is_object(root))
        snprintf(err, err_len, "top level is not an object");
    json_decref(root);
    if (!ok) {
        divisions_free(d);
        return NULL;
    }
    return d;
}

void divisions_free(divisions_t *d) {
    if (!d)
        return;
    free(d->slots);
    for (chunk_t *c = d->strings, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(d);
}

const char *divisions_province_name(const divisions_t *d, int32_t province_code) {
    if (!d || province_code < 100000 || province_code > 999999)
        return NULL;
    return d->prov_name[province_code / 10000];
}

/* ---- resolving ---------------------------------------------------------------------------- */

/* Trims ASCII whitespace and the ideographic space U+3000 that Chinese input methods insert.
 * Returns false when the result does not fit (then it cannot be a division name). */
static bool normalize(const char *in, char *out, size_t out_len) {
    const char *s = in ? in : "";
    size_t len = strlen(s);
    for (;;) {
        if (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
            s++, len--;
        } else if (len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
            s += 3, len -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        char c = len ? s[len - 1] : 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            len--;
        else if (len >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0)
            len -= 3;
        else
            break;
    }
    if (len >= out_len)
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* A caller's value quoted in a message: cut at a character boundary so the message stays
 * valid UTF-8 (it is sent as JSON) and short enough to fit beside the rest. */
static const char *clip(const char *s, char *buf, size_t buf_len) {
    if (!s)
        s = "";
    size_t len = strlen(s);
    size_t max = buf_len - 4; /* room for "…" (3 bytes) and NUL */
    if (len <= max) {
        memcpy(buf, s, len + 1);
        return buf;
    }
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(buf, s, cut);
    memcpy(buf + cut, "\xE2\x80\xA6", 4);
    return buf;
}

/* Room for a quoted value: two of them plus the sentence fit in field_error_t.message. */
#define CLIP_LEN 52

typedef struct {
    const divisions_t *d;
    const char *prefix;
    field_errors_t *errs;
} ctx_t;

static void report(const ctx_t *c, const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(const ctx_t *c, const char *field, const char *code, const char *fmt, ...) {
    char path[64], msg[sizeof c->errs->items[0].message];
    field_path(path, sizeof path, c->prefix, field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    field_errors_add(c->errs, path, code, "%s", msg);
}

/* Reports a district that did not resolve inside `scope_name`, telling an unknown name from
 * one that exists elsewhere or needs its full name. */
static void report_district(const ctx_t *c, lookup_t r, const char *district,
                            const char *scope_name) {
    char a[CLIP_LEN], b[CLIP_LEN];
    const slot_t *sl;
    clip(district, a, sizeof a);
    clip(scope_name, b, sizeof b);
    if (r == AMBIGUOUS)
        report(c, "district", "unknown_district",
               "district '%s' matches more than one district in '%s'; write its full name", a, b);
    else if (lookup(c->d, K_COUNTY_ANY, 0, district, &sl) != NOT_FOUND)
        report(c, "district", "district_not_in_city", "district '%s' is not in city '%s'", a, b);
    else
        report(c, "district", "unknown_district", "district '%s' is not a known district", a);
}

static void report_city(const ctx_t *c, lookup_t r, const char *city, const char *province) {
    char a[CLIP_LEN], b[CLIP_LEN];
    const slot_t *sl;
    clip(city, a, sizeof a);
    clip(province, b, sizeof b);
    if (r == AMBIGUOUS)
        report(c, "city", "unknown_city",
               "city '%s' matches more than one city in '%s'; write its full name", a, b);
    else if (lookup(c->d, K_CITY_ANY, 0, city, &sl) != NOT_FOUND ||
             (lookup(c->d, K_COUNTY_ANY, 0, city, &sl) == FOUND &&
              c->d->city_direct_group[sl->code / 100]))
        /* A direct-administered county (济源市) stands in the city slot, so it counts as a
         * city that exists elsewhere. */
        report(c, "city", "city_not_in_province", "city '%s' is not in province '%s'", a, b);
    else
        report(c, "city", "unknown_city", "city '%s' is not a known city", a);
}

static void set_district(const divisions_t *d, address_t *addr, const slot_t *county,
                         bool municipality) {
    int32_t city = county->code / 100 * 100;
    addr->district_code = county->code;
    addr->district_name = county->canon;
    addr->city_code = city;
    /* A municipality's counties may sit under a placeholder city (重庆's 500200 "县"); the
     * city a person reads on a label is the municipality itself. */
    addr->city_name =
        municipality ? d->city_name[addr->province_code / 100 + 1] : d->city_name[city / 100];
}

static bool resolve_municipality(const ctx_t *c, address_t *addr, const char *city,
                                 const char *district) {
    const divisions_t *d = c->d;
    int32_t prov = addr->province_code;
    const slot_t *sl;
    bool ok = true;
    lookup_t cr;
    if (*city && (cr = lookup(d, K_CITY_IN_PROV, prov, city, &sl)) == NOT_FOUND) {
        report_city(c, cr, city, addr->province_name);
        ok = false;
    }
    /* The district is checked even after a bad city: its scope is the whole municipality, so
     * the buyer learns about both problems at once. */
    lookup_t r = lookup(d, K_COUNTY_IN_PROV, prov, district, &sl);
    if (r != FOUND) {
        report_district(c, r, district, addr->province_name);
        return false;
    }
    if (ok)
        set_district(d, addr, sl, true);
    return ok;
}

static bool resolve_city(const ctx_t *c, address_t *addr, const char *city, const char *district) {
    const divisions_t *d = c->d;
    const slot_t *csl, *sl;
    lookup_t cr = lookup(d, K_CITY_IN_PROV, addr->province_code, city, &csl);
    if (cr == FOUND) {
        lookup_t r = lookup(d, K_COUNTY_IN_CITY, csl->code, district, &sl);
        if (r != FOUND) {
            report_district(c, r, district, csl->canon);
            return false;
        }
        set_district(d, addr, sl, false);
        return true;
    }
    /* Counties administered directly by the province (济源市 under 河南's "省直辖县") are
     * written in the city slot by most forms: accept them there, with the district repeating
     * the county. */
    const slot_t *county;
    if (cr == NOT_FOUND &&
        lookup(d, K_COUNTY_IN_PROV, addr->province_code, city, &county) == FOUND &&
        d->city_direct_group[county->code / 100]) {
        lookup_t r = lookup(d, K_COUNTY_IN_CITY, county->code / 100 * 100, district, &sl);
        if (r != FOUND || sl->code != county->code) {
            char a[CLIP_LEN];
            report(c, "district", "district_not_in_city", "district '%s' is not in city '%s'",
                   clip(district, a, sizeof a), county->canon);
            return false;
        }
        set_district(d, addr, sl, false);
        return true;
    }
    report_city(c, cr, city, addr->province_name);
    return false;
}

bool divisions_resolve(const divisions_t *d, address_t *addr, const char *prefix,
                       field_errors_t *errs) {
    ctx_t c = {d, prefix, errs};
    char province[NAME_MAX_BYTES], city[NAME_MAX_BYTES], district[NAME_MAX_BYTES];
    char a[CLIP_LEN];
    addr->province_name = addr->city_name = addr->district_name = NULL;
    addr->province_code = addr->city_code = addr->district_code = 0;

    /* A value too long to be any division's name is unknown; an empty one is missing. Both
     * are reported per field before looking anything up. */
    bool p_ok = normalize(addr->province, province, sizeof province);
    bool c_ok = normalize(addr->city, city, sizeof city);
    bool d_ok = normalize(addr->district, district, sizeof district);
    if (!p_ok)
        report(&c, "province", "unknown_province", "province '%s' is not a known province",
               clip(addr->province, a, sizeof a));
    else if (!*province)
        report(&c, "province", "required", "province is required");
    if (!d_ok)
        report(&c, "district", "unknown_district", "district '%s' is not a known district",
               clip(addr->district, a, sizeof a));
    else if (!*district)
        report(&c, "district", "required", "district is required");
    if (!c_ok)
        report(&c, "city", "unknown_city", "city '%s' is not a known city",
               clip(addr->city, a, sizeof a));
    if (!p_ok || !*province) {
        if (c_ok && !*city)
            report(&c, "city", "required", "city is required");
        return false;
    }

    const slot_t *sl;
    if (lookup(d, K_PROV, 0, province, &sl) != FOUND) {
        report(&c, "province", "unknown_province", "province '%s' is not a known province",
               clip(province, a, sizeof a));
        return false;
    }
    addr->province_code = sl->code;
    addr->province_name = sl->canon;
    bool municipality = d->prov_municipality[sl->code / 10000];
    bool ok = true;
    /* Leaving the city out is fine for a municipality: the province already names it. */
    if (c_ok && !*city && !municipality) {
        report(&c, "city", "required", "city is required");
        ok = false;
    }
    if (!ok || !c_ok || !d_ok || !*district) {
        addr->province_code = 0;
        addr->province_name = NULL;
        return false;
    }
    ok = municipality ? resolve_municipality(&c, addr, city, district)
                      : resolve_city(&c, addr, city, district);
    if (!ok) {
        addr->province_code = addr->city_code = addr->district_code = 0;
        addr->province_name = addr->city_name = addr->district_name = NULL;
    }
    return ok;
}
