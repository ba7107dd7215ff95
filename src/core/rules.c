#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules_internal.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

static const char *const TYPE_NAMES[RULE__TYPE_COUNT] = {
    [RULE_ADDRESS_PRECISION] = "address_precision",
    [RULE_REMOTE_AREA] = "remote_area",
    [RULE_VELOCITY] = "velocity",
    [RULE_HIGH_VALUE] = "high_value",
    [RULE_REMARK] = "remark",
    [RULE_BLOCKLIST] = "blocklist",
    [RULE_PAYMENT_UNVERIFIED] = "payment_unverified",
    [RULE_STOCK_SHORT] = "stock_short",
};

static const char *const KEY_NAMES[RULES_KEY__COUNT] = {"phone", "address", "ip"};

static const char *const OUTCOME_NAMES[] = {"disabled", "skipped", "pass", "hit"};

const char *rule_type_name(rule_type_t t) {
    return t >= 0 && t < RULE__TYPE_COUNT ? TYPE_NAMES[t] : "unknown";
}

int rule_type_from_name(const char *name) {
    for (int t = 0; t < RULE__TYPE_COUNT; t++)
        if (strcmp(TYPE_NAMES[t], name) == 0)
            return t;
    return -1;
}

const char *rules_key_name(rules_key_t k) {
    return k >= 0 && k < RULES_KEY__COUNT ? KEY_NAMES[k] : "unknown";
}

const char *rule_outcome_name(rule_outcome_t o) {
    return o >= RULE_OUTCOME_DISABLED && o <= RULE_OUTCOME_HIT ? OUTCOME_NAMES[o] : "unknown";
}

int ruleset_count(const ruleset_t *rs) {
    return rs ? rs->n : 0;
}

static void strlist_clear(rules_strlist_t *l) {
    for (int i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void rules_rule_clear(rules_rule_t *r) {
    switch (r->type) {
    case RULE_ADDRESS_PRECISION:
        strlist_clear(&r->p.address.house_markers);
        strlist_clear(&r->p.address.unit_markers);
        break;
    case RULE_REMOTE_AREA:
        for (int i = 0; i < r->p.remote.n; i++)
            free(r->p.remote.items[i].name);
        free(r->p.remote.items);
        break;
    case RULE_BLOCKLIST:
        strlist_clear(&r->p.blocklist.phones);
        strlist_clear(&r->p.blocklist.addresses);
        free(r->p.blocklist.phones_sorted);
        free(r->p.blocklist.addresses_sorted);
        for (int i = 0; i < r->p.blocklist.n_ips; i++)
            free(r->p.blocklist.ips[i].text);
        free(r->p.blocklist.ips);
        free(r->p.blocklist.ips_sorted);
        free(r->p.blocklist.ip_groups);
        break;
    default:
        break;
    }
    memset(&r->p, 0, sizeof r->p);
}

void ruleset_free(ruleset_t *rs) {
    if (!rs)
        return;
    for (int i = 0; i < rs->n; i++)
        rules_rule_clear(&rs->rules[i]);
    free(rs->rules);
    free(rs);
}

/* ---- IP addresses -------------------------------------------------------------------- */

static void map_v4(const uint8_t v4[4], uint8_t out[16]) {
    memset(out, 0, 10);
    out[10] = out[11] = 0xFF;
    memcpy(out + 12, v4, 4);
}

static bool is_mapped_v4(const uint8_t a[16]) {
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    return memcmp(a, prefix, sizeof prefix) == 0;
}

/* Text of addr in canonical form: IPv4 dotted quad for a mapped address, else RFC 5952. */
static bool ip_text(const uint8_t addr[16], char *out, size_t out_len) {
    if (is_mapped_v4(addr))
        return inet_ntop(AF_INET, addr + 12, out, (socklen_t)out_len) != NULL;
    return inet_ntop(AF_INET6, addr, out, (socklen_t)out_len) != NULL;
}

static bool parse_addr(const char *text, uint8_t out[16], bool *v4) {
    uint8_t buf[16];
    if (inet_pton(AF_INET, text, buf) == 1) {
        map_v4(buf, out);
        *v4 = true;
        return true;
    }
    if (inet_pton(AF_INET6, text, out) == 1) {
        *v4 = is_mapped_v4(out);
        return true;
    }
    return false;
}

static void mask_to(const uint8_t addr[16], int bits, uint8_t out[16]) {
    memset(out, 0, 16);
    int whole = bits / 8, rem = bits % 8;
    memcpy(out, addr, (size_t)whole);
    if (rem)
        out[whole] = (uint8_t)(addr[whole] & (0xFF << (8 - rem)));
}

static int cmp_ip_entry(const void *a, const void *b) {
    const rules_ip_entry_t *x = *(const rules_ip_entry_t *const *)a;
    const rules_ip_entry_t *y = *(const rules_ip_entry_t *const *)b;
    if (x->prefix_bits != y->prefix_bits)
        return x->prefix_bits < y->prefix_bits ? -1 : 1;
    return memcmp(x->addr, y->addr, 16);
}

bool rules_index_ips(rules_blocklist_params_t *p) {
    p->ips_sorted = malloc(sizeof *p->ips_sorted * (size_t)(p->n_ips + 1));
    p->ip_groups = malloc(sizeof *p->ip_groups * (size_t)(p->n_ips + 1));
    if (!p->ips_sorted || !p->ip_groups)
        return false;
    for (int i = 0; i < p->n_ips; i++)
        p->ips_sorted[i] = &p->ips[i];
    qsort(p->ips_sorted, (size_t)p->n_ips, sizeof *p->ips_sorted, cmp_ip_entry);
    p->n_ip_groups = 0;
    for (int i = 0; i < p->n_ips; i++) {
        struct rules_ip_group *g = p->n_ip_groups ? &p->ip_groups[p->n_ip_groups - 1] : NULL;
        if (g && g->prefix_bits == p->ips_sorted[i]->prefix_bits) {
            g->count++;
            continue;
        }
        p->ip_groups[p->n_ip_groups++] =
            (struct rules_ip_group){p->ips_sorted[i]->prefix_bits, i, 1};
    }
    return true;
}

/* The blocklist entry containing addr, longest prefix first, or NULL. */
static const rules_ip_entry_t *find_ip(const rules_blocklist_params_t *p, const uint8_t addr[16]) {
    for (int g = p->n_ip_groups - 1; g >= 0; g--) {
        const struct rules_ip_group *grp = &p->ip_groups[g];
        rules_ip_entry_t key;
        mask_to(addr, grp->prefix_bits, key.addr);
        key.prefix_bits = grp->prefix_bits;
        const rules_ip_entry_t *kp = &key;
        const rules_ip_entry_t **found =
            bsearch(&kp, p->ips_sorted + grp->start, (size_t)grp->count, sizeof *p->ips_sorted,
                    cmp_ip_entry);
        if (found)
            return *found;
    }
    return NULL;
}

const char *rules_parse_ip(const char *text, bool allow_prefix, rules_ip_entry_t *e, char *why,
                           size_t why_len) {
    char addr[64];
    const char *slash = strchr(text, '/');
    size_t alen = slash ? (size_t)(slash - text) : strlen(text);
    if (slash && !allow_prefix)
        return "a single address is expected here, not a CIDR block";
    if (alen == 0 || alen >= sizeof addr)
        return "not an IPv4 or IPv6 address";
    memcpy(addr, text, alen);
    addr[alen] = '\0';
    bool v4;
    if (!parse_addr(addr, e->addr, &v4))
        return slash ? "the part before '/' is not an IPv4 or IPv6 address"
                     : "not an IPv4 or IPv6 address";
    e->prefix_bits = 128;
    if (!slash)
        return NULL;

    const char *p = slash + 1;
    int bits = 0, digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
        bits = bits * 10 + (*p - '0');
    int max = v4 ? 32 : 128;
    if (digits == 0 || *p != '\0' || bits > max) {
        snprintf(why, why_len, "the prefix length after '/' must be a number from 0 to %d", max);
        return why;
    }
    e->prefix_bits = v4 ? bits + 96 : bits;
    /* Bits set past the prefix usually mean a typo in the block, so it is refused with the
     * block it probably meant rather than silently widened. */
    uint8_t masked[16];
    mask_to(e->addr, e->prefix_bits, masked);
    if (memcmp(masked, e->addr, 16) != 0) {
        char canon[INET6_ADDRSTRLEN];
        if (!ip_text(masked, canon, sizeof canon))
            snprintf(canon, sizeof canon, "?");
        snprintf(why, why_len, "has bits set past the /%d prefix (did you mean %s/%d?)", bits,
                 canon, bits);
        return why;
    }
    return NULL;
}

bool rules_order_key(const order_input_t *o, rules_key_t k, char *out, size_t out_len) {
    switch (k) {
    case RULES_KEY_PHONE: {
        size_t len = strlen(o->phone_normalized);
        if (len == 0 || len >= out_len)
            return false;
        memcpy(out, o->phone_normalized, len + 1);
        return true;
    }
    case RULES_KEY_ADDRESS:
        return rules_address_key(&o->address, out, out_len) >= 0;
    case RULES_KEY_IP: {
        uint8_t addr[16];
        bool v4;
        if (!o->client_ip || !parse_addr(o->client_ip, addr, &v4))
            return false;
        char text[INET6_ADDRSTRLEN];
        if (!ip_text(addr, text, sizeof text) || strlen(text) >= out_len)
            return false;
        memcpy(out, text, strlen(text) + 1);
        return true;
    }
    default:
        return false;
    }
}

int rules_velocity_needs(const ruleset_t *rs, rules_velocity_count_t *out, int out_cap) {
    int n = 0;
    rules_velocity_count_t seen[RULES_MAX];
    for (int i = 0; i < rs->n; i++) {
        const rules_rule_t *r = &rs->rules[i];
        if (!r->enabled || r->type != RULE_VELOCITY)
            continue;
        bool dup = false;
        for (int j = 0; j < n && !dup; j++)
            dup = seen[j].key == r->p.velocity.key &&
                  seen[j].window_seconds == r->p.velocity.window_seconds;
        if (dup)
            continue;
        seen[n] = (rules_velocity_count_t){r->p.velocity.key, r->p.velocity.window_seconds,
                                           RULES_COUNT_UNKNOWN};
        if (n < out_cap)
            out[n] = seen[n];
        n++;
    }
    return n;
}

void rules_velocity_bounds(const ruleset_t *rs, int64_t *count_cap, int64_t *window_seconds) {
    *count_cap = 1;
    *window_seconds = 0;
    for (int i = 0; i < rs->n; i++) {
        const rules_rule_t *r = &rs->rules[i];
        if (r->type != RULE_VELOCITY)
            continue;
        if (r->p.velocity.threshold >= *count_cap)
            *count_cap = r->p.velocity.threshold + 1;
        if (r->p.velocity.window_seconds > *window_seconds)
            *window_seconds = r->p.velocity.window_seconds;
    }
}

/* ---- Recording outcomes ---------------------------------------------------------------- */

/* Copies s into out, cut at a character boundary with "…" when it does not fit, so the text
 * a reviewer sees stays valid UTF-8. */
static void clip_copy(char *out, size_t out_len, const char *s, size_t len) {
    if (len < out_len) {
        memcpy(out, s, len);
        out[len] = '\0';
        return;
    }
    size_t cut = out_len - 4; /* "…" is 3 bytes, plus NUL */
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(out, s, cut);
    memcpy(out + cut, "\xE2\x80\xA6", 4);
}

static rules_value_t *add_value(rule_eval_t *ev, const char *name, rules_value_kind_t kind) {
    if (ev->n_values >= RULES_VALUES_MAX)
        return NULL;
    rules_value_t *v = &ev->values[ev->n_values++];
    v->name = name;
    v->kind = kind;
    v->i = 0;
    v->text[0] = '\0';
    return v;
}

static void add_int(rule_eval_t *ev, const char *name, int64_t i) {
    rules_value_t *v = add_value(ev, name, RULES_VALUE_INT);
    if (v)
        v->i = i;
}

static void add_bool(rule_eval_t *ev, const char *name, bool b) {
    rules_value_t *v = add_value(ev, name, RULES_VALUE_BOOL);
    if (v)
        v->i = b;
}

static void add_text(rule_eval_t *ev, const char *name, const char *s, size_t len) {
    rules_value_t *v = add_value(ev, name, RULES_VALUE_TEXT);
    if (v)
        clip_copy(v->text, sizeof v->text, s, len);
}

/* Appends a sentence (or a clause after "; ") to the hit's message. */
__attribute__((format(printf, 2, 3))) static void say(rule_eval_t *ev, const char *fmt, ...) {
    size_t used = strlen(ev->message);
    if (used > 0 && used + 2 < sizeof ev->message) {
        memcpy(ev->message + used, "; ", 3);
        used += 2;
    }
    if (used + 1 >= sizeof ev->message)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev->message + used, sizeof ev->message - used, fmt, ap);
    va_end(ap);
}

static void skip(rule_eval_t *ev, const char *why) {
    ev->outcome = RULE_OUTCOME_SKIPPED;
    ev->skipped_because = why;
}

static void hit(rule_eval_t *ev) {
    ev->outcome = RULE_OUTCOME_HIT;
}

/* ---- The rules ---------------------------------------------------------------------- */

static void eval_address(const rules_address_params_t *p, const order_input_t *o, rule_eval_t *ev) {
    rules_address_finding_t f;
    rules_address_check(p, o->address.detail, &f);
    if (!f.too_short && !f.missing_unit)
        return;
    hit(ev);
    const char *detail = o->address.detail ? o->address.detail : "";
    add_text(ev, "detail", detail, strlen(detail));
    if (f.too_short) {
        add_int(ev, "detail_chars", f.chars);
        add_int(ev, "min", p->min_detail_chars);
        say(ev, "The address detail has %d characters, fewer than %d", f.chars,
            p->min_detail_chars);
    }
    if (f.missing_unit) {
        add_text(ev, "house_number", f.house_number, strlen(f.house_number));
        say(ev, "The address detail gives house number %s but no building, unit or room after it",
            f.house_number);
    }
}

static bool same(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

static void eval_remote(const rules_remote_params_t *p, const order_input_t *o, rule_eval_t *ev) {
    const address_t *a = &o->address;
    for (int i = 0; i < p->n; i++) {
        const rules_area_t *e = &p->items[i];
        const char *level = NULL, *division = NULL;
        if (e->name ? same(e->name, a->province_name) : e->code == a->province_code) {
            level = "province";
            division = a->province_name;
        } else if (e->name ? same(e->name, a->city_name) : e->code == a->city_code) {
            level = "city";
            division = a->city_name;
        } else if (e->name ? same(e->name, a->district_name) : e->code == a->district_code) {
            level = "district";
            division = a->district_name;
        }
        if (!level)
            continue;
        hit(ev);
        char code[16];
        snprintf(code, sizeof code, "%06d", (int)e->code);
        const char *matched = e->name ? e->name : code;
        add_text(ev, "matched", matched, strlen(matched));
        add_text(ev, "level", level, strlen(level));
        if (division)
            add_text(ev, "division", division, strlen(division));
        say(ev, "The order ships to a remote area: %s (%s %s)", division ? division : matched,
            level, matched);
        return;
    }
}

static const rules_velocity_count_t *find_count(const rules_context_t *ctx,
                                                const rules_velocity_params_t *p) {
    for (int i = 0; i < ctx->n_velocity; i++) {
        const rules_velocity_count_t *c = &ctx->velocity[i];
        if (c->key == p->key && c->window_seconds == p->window_seconds)
            return c;
    }
    return NULL;
}

static void eval_velocity(const rules_velocity_params_t *p, const order_input_t *o,
                          const rules_context_t *ctx, rule_eval_t *ev) {
    if (p->key == RULES_KEY_PHONE && o->phone_normalized[0] == '\0') {
        skip(ev, "the order has no phone");
        return;
    }
    if (p->key == RULES_KEY_IP && (!o->client_ip || !*o->client_ip)) {
        skip(ev, "the order has no client_ip");
        return;
    }
    const rules_velocity_count_t *c = find_count(ctx, p);
    if (!c || c->others < 0) {
        skip(ev, "the caller gave no count for this key and window");
        return;
    }
    int64_t orders = c->others + 1;
    if (orders < p->threshold)
        return;
    hit(ev);
    const char *key = rules_key_name(p->key);
    add_text(ev, "key", key, strlen(key));
    add_int(ev, "orders", orders);
    add_int(ev, "threshold", p->threshold);
    add_int(ev, "window_seconds", p->window_seconds);
    say(ev, "%lld orders from the same %s within %d seconds (limit: fewer than %lld)",
        (long long)orders, key, (int)p->window_seconds, (long long)p->threshold);
}

static void eval_high_value(const rules_high_value_params_t *p, const order_input_t *o,
                            const rules_context_t *ctx, rule_eval_t *ev) {
    bool first = ctx->first_order && p->has_first_order_threshold;
    int64_t threshold = first ? p->first_order_threshold_fen : p->threshold_fen;
    if (o->total_fen <= threshold)
        return;
    hit(ev);
    add_int(ev, "total_fen", o->total_fen);
    add_int(ev, "threshold_fen", threshold);
    add_bool(ev, "first_order", ctx->first_order);
    say(ev, "The order total %lld.%02lld yuan is above %lld.%02lld yuan%s",
        (long long)(o->total_fen / 100), (long long)(o->total_fen % 100),
        (long long)(threshold / 100), (long long)(threshold % 100),
        first ? ", the limit for a phone's first order" : "");
}

/* Bytes of the whitespace character at s (ASCII, NBSP, ideographic space), else 0. */
static int space_len(const unsigned char *s) {
    if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        return 1;
    if (s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    return 0;
}

static void eval_remark(const order_input_t *o, rule_eval_t *ev) {
    if (!o->remark)
        return;
    const unsigned char *s = (const unsigned char *)o->remark;
    int n;
    while ((n = space_len(s)) != 0)
        s += n;
    const unsigned char *end = s + strlen((const char *)s), *p = s;
    /* Trailing whitespace: scan forward, remembering where the last non-space ended. */
    const unsigned char *last = s;
    while (p < end) {
        if ((n = space_len(p)) != 0) {
            p += n;
            continue;
        }
        p++;
        while (p < end && (*p & 0xC0) == 0x80)
            p++;
        last = p;
    }
    if (last == s)
        return;
    hit(ev);
    size_t len = (size_t)(last - s);
    int chars = 0;
    for (const unsigned char *q = s; q < last; q++)
        chars += (*q & 0xC0) != 0x80;
    add_text(ev, "remark", (const char *)s, len);
    add_int(ev, "remark_chars", chars);
    char shown[200];
    clip_copy(shown, sizeof shown, (const char *)s, len);
    say(ev, "The buyer left a remark: %s", shown);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sorted(const char **sorted, int n, const char *s) {
    return n > 0 && bsearch(&s, sorted, (size_t)n, sizeof *sorted, cmp_str) != NULL;
}

static void eval_blocklist(const rules_blocklist_params_t *p, const order_input_t *o,
                           rule_eval_t *ev) {
    if (o->phone_normalized[0] && in_sorted(p->phones_sorted, p->phones.n, o->phone_normalized)) {
        hit(ev);
        add_text(ev, "phone", o->phone_normalized, strlen(o->phone_normalized));
        say(ev, "The phone %s is on the blocklist", o->phone_normalized);
    }
    if (p->addresses.n > 0) {
        char key[RULES_ADDRESS_KEY_MAX];
        if (rules_address_key(&o->address, key, sizeof key) >= 0 &&
            in_sorted(p->addresses_sorted, p->addresses.n, key)) {
            hit(ev);
            add_text(ev, "address", key, strlen(key));
            say(ev, "The address %s is on the blocklist", key);
        }
    }
    uint8_t addr[16];
    bool v4;
    const rules_ip_entry_t *e;
    if (p->n_ips > 0 && o->client_ip && parse_addr(o->client_ip, addr, &v4) &&
        (e = find_ip(p, addr)) != NULL) {
        hit(ev);
        add_text(ev, "ip", o->client_ip, strlen(o->client_ip));
        add_text(ev, "ip_entry", e->text, strlen(e->text));
        if (e->prefix_bits == 128)
            say(ev, "The client IP %s is on the blocklist", o->client_ip);
        else
            say(ev, "The client IP %s is in the blocklisted range %s", o->client_ip, e->text);
    }
}

static void eval_payment(const order_input_t *o, const rules_context_t *ctx, rule_eval_t *ev) {
    bool paid = o->payment_status == PAYMENT_PAID;
    if (paid && ctx->payment_verified)
        return;
    hit(ev);
    const char *status = paid ? "paid" : "pending";
    add_text(ev, "payment_status", status, strlen(status));
    add_bool(ev, "verified", ctx->payment_verified);
    if (!paid)
        say(ev, "The payment is not made yet");
    else
        say(ev, "The payment is reported paid but not verified with the payment provider");
}

static void eval_stock(const rules_context_t *ctx, rule_eval_t *ev) {
    if (!ctx->stock_short)
        return;
    hit(ev);
    add_bool(ev, "stock_short", true);
    say(ev, "Stock could not be reserved for every unit of the order");
}

bool rules_evaluate(const ruleset_t *rs, const order_input_t *o, const rules_context_t *ctx,
                    rules_result_t *out) {
    static const rules_context_t none = {0};
    if (!ctx)
        ctx = &none;
    out->n = 0;
    out->n_hits = 0;
    if (out->cap < rs->n) {
        rule_eval_t *grown = realloc(out->rules, sizeof *grown * (size_t)rs->n);
        if (!grown)
            return false;
        out->rules = grown;
        out->cap = rs->n;
    }
    for (int i = 0; i < rs->n; i++) {
        const rules_rule_t *r = &rs->rules[i];
        rule_eval_t *ev = &out->rules[i];
        memcpy(ev->rule_id, r->id, sizeof ev->rule_id);
        memcpy(ev->reason, r->reason, sizeof ev->reason);
        ev->type = r->type;
        ev->outcome = r->enabled ? RULE_OUTCOME_PASS : RULE_OUTCOME_DISABLED;
        ev->skipped_because = NULL;
        ev->message[0] = '\0';
        ev->n_values = 0;
        if (!r->enabled)
            continue;
        switch (r->type) {
        case RULE_ADDRESS_PRECISION:
            eval_address(&r->p.address, o, ev);
            break;
        case RULE_REMOTE_AREA:
            eval_remote(&r->p.remote, o, ev);
            break;
        case RULE_VELOCITY:
            eval_velocity(&r->p.velocity, o, ctx, ev);
            break;
        case RULE_HIGH_VALUE:
            eval_high_value(&r->p.high_value, o, ctx, ev);
            break;
        case RULE_REMARK:
            eval_remark(o, ev);
            break;
        case RULE_BLOCKLIST:
            eval_blocklist(&r->p.blocklist, o, ev);
            break;
        case RULE_PAYMENT_UNVERIFIED:
            eval_payment(o, ctx, ev);
            break;
        case RULE_STOCK_SHORT:
            eval_stock(ctx, ev);
            break;
        default:
            break;
        }
        out->n_hits += ev->outcome == RULE_OUTCOME_HIT;
    }
    out->n = rs->n;
    return true;
}

bool rules_result_passed(const rules_result_t *r) {
    return r->n_hits == 0;
}

void rules_result_free(rules_result_t *r) {
    if (!r)
        return;
    free(r->rules);
    *r = (rules_result_t){0};
}

/* Sets key on obj, taking the reference; false (with value released) when either failed. */
static bool put(json_t *obj, const char *key, json_t *value) {
    return value && json_object_set_new(obj, key, value) == 0;
}

static json_t *eval_to_json(const rule_eval_t *ev) {
    json_t *j = json_object();
    if (!j)
        return NULL;
    bool ok = put(j, "rule_id", json_string(ev->rule_id)) &&
              put(j, "type", json_string(rule_type_name(ev->type))) &&
              put(j, "outcome", json_string(rule_outcome_name(ev->outcome))) &&
              put(j, "reason", json_string(ev->reason));
    if (ok && ev->outcome == RULE_OUTCOME_SKIPPED)
        ok = put(j, "skipped_because", json_string(ev->skipped_because));
    if (ok && ev->outcome == RULE_OUTCOME_HIT) {
        json_t *values = json_object();
        ok = put(j, "message", json_string(ev->message)) && put(j, "values", values);
        for (int i = 0; ok && i < ev->n_values; i++) {
            const rules_value_t *v = &ev->values[i];
            json_t *jv = v->kind == RULES_VALUE_INT    ? json_integer(v->i)
                         : v->kind == RULES_VALUE_BOOL ? json_boolean(v->i)
                                                       : json_string(v->text);
            ok = put(values, v->name, jv);
        }
    }
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

bool rules_first_hit_of_reason(const rules_result_t *r, int i) {
    if (r->rules[i].outcome != RULE_OUTCOME_HIT)
        return false;
    for (int k = 0; k < i; k++)
        if (r->rules[k].outcome == RULE_OUTCOME_HIT &&
            strcmp(r->rules[k].reason, r->rules[i].reason) == 0)
            return false;
    return true;
}

json_t *rules_result_to_json(const rules_result_t *r) {
    json_t *j = json_object(), *reasons = json_array(), *rules = json_array();
    bool ok = j && put(j, "passed", json_boolean(rules_result_passed(r))) &&
              put(j, "reasons", json_incref(reasons)) && put(j, "rules", json_incref(rules));
    for (int i = 0; ok && i < r->n; i++) {
        const rule_eval_t *ev = &r->rules[i];
        ok = json_array_append_new(rules, eval_to_json(ev)) == 0;
        if (ok && rules_first_hit_of_reason(r, i))
            ok = json_array_append_new(reasons, json_string(ev->reason)) == 0;
    }
    json_decref(reasons);
    json_decref(rules);
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* ---- the same documents as text, for the writer thread's hot path ---- */

static void values_text(jsonw_t *w, const rule_eval_t *ev) {
    jw_obj_begin(w);
    for (int i = 0; i < ev->n_values; i++) {
        const rules_value_t *v = &ev->values[i];
        jw_key(w, v->name);
        if (v->kind == RULES_VALUE_INT)
            jw_int(w, v->i);
        else if (v->kind == RULES_VALUE_BOOL)
            jw_bool(w, v->i != 0);
        else
            jw_str(w, v->text);
    }
    jw_obj_end(w);
}

char *rules_values_text(const rule_eval_t *ev) {
    jsonw_t w;
    jw_init(&w);
    values_text(&w, ev);
    return jw_take(&w, NULL);
}

/* The document up to and including "rules", its object left open. */
static void result_head(jsonw_t *w, const rules_result_t *r) {
    jw_obj_begin(w);
    jw_key(w, "passed");
    jw_bool(w, rules_result_passed(r));
    jw_key(w, "reasons");
    jw_arr_begin(w);
    for (int i = 0; i < r->n; i++) {
        const rule_eval_t *ev = &r->rules[i];
        if (rules_first_hit_of_reason(r, i))
            jw_str(w, ev->reason);
    }
    jw_arr_end(w);
    jw_key(w, "rules");
    jw_arr_begin(w);
    for (int i = 0; i < r->n; i++) {
        const rule_eval_t *ev = &r->rules[i];
        jw_obj_begin(w);
        jw_key(w, "rule_id");
        jw_str(w, ev->rule_id);
        jw_key(w, "outcome");
        jw_str(w, rule_outcome_name(ev->outcome));
        /* Stored for every paid order: a rule that passed or is off needs only its id (its
         * type and reason are in the rule set of that version). */
        if (ev->outcome == RULE_OUTCOME_PASS || ev->outcome == RULE_OUTCOME_DISABLED) {
            jw_obj_end(w);
            continue;
        }
        jw_key(w, "type");
        jw_str(w, rule_type_name(ev->type));
        jw_key(w, "reason");
        jw_str(w, ev->reason);
        if (ev->outcome == RULE_OUTCOME_SKIPPED) {
            jw_key(w, "skipped_because");
            jw_str(w, ev->skipped_because);
        }
        if (ev->outcome == RULE_OUTCOME_HIT) {
            jw_key(w, "message");
            jw_str(w, ev->message);
            jw_key(w, "values");
            values_text(w, ev);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

char *rules_result_text(const rules_result_t *r, int64_t evaluated_at_ms, int64_t ruleset_version,
                        size_t *len_out) {
    jsonw_t w;
    jw_init(&w);
    result_head(&w, r);
    char at[40];
    jw_key(&w, "evaluated_at");
    jw_str(&w, rfc3339_format(evaluated_at_ms, at, sizeof at));
    jw_key(&w, "ruleset_version");
    jw_int(&w, ruleset_version);
    jw_obj_end(&w);
    return jw_take(&w, len_out);
}

char *rules_result_head_text(const rules_result_t *r) {
    jsonw_t w;
    jw_init(&w);
    result_head(&w, r);
    return jw_take(&w, NULL);
}

bool rules_result_all_passed(const rules_result_t *r) {
    for (int i = 0; i < r->n; i++)
        if (r->rules[i].outcome != RULE_OUTCOME_PASS)
            return false;
    return true;
}

char *rules_passed_text(const rules_result_t *r) {
    jsonw_t w;
    jw_init(&w);
    jw_obj_begin(&w);
    jw_key(&w, "passed");
    jw_bool(&w, true);
    jw_key(&w, "reasons");
    jw_arr_begin(&w);
    jw_arr_end(&w);
    jw_key(&w, "passed_rules");
    jw_arr_begin(&w);
    for (int i = 0; i < r->n; i++)
        jw_str(&w, r->rules[i].rule_id);
    jw_arr_end(&w);
    jw_obj_end(&w);
    return jw_take(&w, NULL);
}

json_t *rules_evaluation_view(json_t *stored) {
    json_t *ids = json_object_get(stored, "passed_rules");
    if (!json_is_array(ids))
        return stored;
    json_t *rules = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        json_array_append_new(rules, json_pack("{s:O, s:s}", "rule_id", id, "outcome", "pass"));
    }
    json_object_set_new(stored, "rules", rules);
    json_object_del(stored, "passed_rules");
    return stored;
}
