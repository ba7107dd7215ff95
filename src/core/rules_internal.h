#ifndef ORDO_CORE_RULES_INTERNAL_H
#define ORDO_CORE_RULES_INTERNAL_H

/* The rule set's in-memory form, shared by rules.c (evaluation), rules_json.c (reading and
 * writing the JSON form) and rules_address.c (address heuristics). Not for other modules:
 * they see ruleset_t as opaque. */

#include "core/rules.h"

typedef struct {
    int n;
    char **items; /* owned, in the order written */
} rules_strlist_t;

typedef struct {
    int min_detail_chars;
    rules_strlist_t house_markers;
    rules_strlist_t unit_markers;
    int room_min_digits;
} rules_address_params_t;

typedef struct {
    int32_t code;        /* 0 for an entry given by name */
    bool code_as_string; /* written "460300" rather than 460300: kept for the round trip */
    char *name;          /* owned; NULL for a code */
} rules_area_t;

typedef struct {
    int n;
    rules_area_t *items;
} rules_remote_params_t;

typedef struct {
    rules_key_t key;
    int64_t threshold;
    int32_t window_seconds;
} rules_velocity_params_t;

typedef struct {
    int64_t threshold_fen;
    bool has_first_order_threshold;
    int64_t first_order_threshold_fen;
} rules_high_value_params_t;

/* An IPv4 address is kept as an IPv4-mapped IPv6 one (::ffff:a.b.c.d, prefix + 96) so one
 * comparison serves both families. */
typedef struct {
    uint8_t addr[16];
    int prefix_bits; /* 128 for a single address */
    char *text;      /* owned, as written */
} rules_ip_entry_t;

typedef struct {
    rules_strlist_t phones;
    rules_strlist_t addresses; /* folded keys */
    /* Sorted copies of the pointers above for binary search: blocklists can hold thousands
     * of entries and evaluation must stay in the microseconds. */
    const char **phones_sorted;
    const char **addresses_sorted;
    int n_ips;
    rules_ip_entry_t *ips; /* in the order written */
    /* The same entries sorted by (prefix_bits, addr) and cut into one group per prefix length,
     * so a lookup masks the order's address once per distinct length and binary-searches:
     * a list of a thousand /24 blocks costs one search, not a thousand comparisons. */
    const rules_ip_entry_t **ips_sorted;
    int n_ip_groups;
    struct rules_ip_group {
        int prefix_bits;
        int start, count; /* range of ips_sorted */
    } * ip_groups;
} rules_blocklist_params_t;

typedef struct {
    char id[RULES_ID_MAX + 1];
    char reason[RULES_ID_MAX + 1];
    bool enabled;
    rule_type_t type;
    union {
        rules_address_params_t address;
        rules_remote_params_t remote;
        rules_velocity_params_t velocity;
        rules_high_value_params_t high_value;
        rules_blocklist_params_t blocklist;
    } p;
} rules_rule_t;

struct ruleset {
    int n;
    rules_rule_t *rules; /* owned */
};

/* What the address precision heuristic found in one detail. */
typedef struct {
    int chars; /* characters counted for the length check */
    bool too_short;
    bool missing_unit;     /* a house number with nothing finer after it */
    char house_number[48]; /* the digits and marker found, e.g. "18号" */
} rules_address_finding_t;

void rules_address_check(const rules_address_params_t *p, const char *detail,
                         rules_address_finding_t *f);

/* Folds in[0..in_len) as rules_address_key folds a detail into out (room for in_len + 1
 * bytes always suffices: folding never lengthens). Returns the folded length. */
size_t rules_fold_text(const char *in, size_t in_len, char *out);

/* Characters in s (UTF-8), not counting whitespace and punctuation. */
int rules_count_chars(const char *s);

/* Parses an IP address or CIDR block into e (addr and prefix_bits; text untouched). Returns
 * NULL on success, else a reason for people (a static string or why). */
const char *rules_parse_ip(const char *text, bool allow_prefix, rules_ip_entry_t *e, char *why,
                           size_t why_len);

void rules_rule_clear(rules_rule_t *r);

/* Builds ips_sorted and ip_groups from ips. Returns false when out of memory. */
bool rules_index_ips(rules_blocklist_params_t *p);

#endif
