#ifndef ORDO_CORE_RULES_H
#define ORDO_CORE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/errors.h"
#include "core/order.h"

/* Automatic review rules: a rule set is data (JSON an operator can read and replace) and
 * evaluation is a pure function of the rule set, one validated order and what the caller
 * knows about the world (payment verification, stock, counts of recent orders). The engine
 * never reads a clock or a database: anything time- or history-dependent arrives in
 * rules_context_t.
 *
 * The JSON form:
 *
 *   {"rules": [
 *     {"id": "address_precision", "enabled": true, "type": "address_precision",
 *      "reason": "address_imprecise", "params": {"min_detail_chars": 6, ...}},
 *     ...]}
 *
 * id: [a-z0-9_-]{1,64}, unique within the set. reason: the hold reason code the rule raises,
 * same alphabet. params: per type, listed below; an omitted optional param takes its default
 * and ruleset_to_json writes defaults out. Unknown fields are refused rather than ignored, so
 * a misspelt "treshold" cannot silently fall back to a default.
 *
 *  address_precision  min_detail_chars (int, default 6; 0 turns the length check off)
 *                     house_markers (strings, default ["号", "弄"])
 *                     unit_markers (strings, default ["栋", "幢", "座", "楼", "单元", "室",
 *                                   "房", "户", "层", "号楼"])
 *                     room_min_digits (int 0..9, default 3; 0: bare digits never count)
 *      Hits when the detail has fewer than min_detail_chars characters (UTF-8 characters;
 *      whitespace and punctuation do not count), or when it names a house number but nothing
 *      finer. A house number is a run of digits (ASCII or full-width) directly followed by a
 *      house marker: "甲18号", "100弄". Digits directly followed by a unit marker instead
 *      ("3栋", "5号楼") already name a building, so the check is satisfied; unit markers are
 *      tried first, which is why "号楼" is one. After the first house number, any unit marker
 *      or a run of at least room_min_digits digits ("18号1-2-301") satisfies it; otherwise the
 *      rule hits. A detail without any house number ("张家村") gets the length check only.
 *      Values: detail; detail_chars and min (too short); house_number (nothing finer).
 *  remote_area        areas (required; each a 6-digit division code as an integer or string,
 *                     e.g. 540000 or "460300", or a canonical name, e.g. "西藏自治区")
 *      Hits when the order's province, city or district matches an entry (names compare
 *      with the resolved canonical names). Values: matched, level, division.
 *  velocity           key ("phone" | "address" | "ip"), threshold (int >= 1),
 *                     window_seconds (int 1..2678400), all required
 *      Hits when threshold or more orders with the same key, this one included, were placed
 *      within window_seconds up to this order's placed_at. The caller counts (see
 *      rules_velocity_needs); without a count the rule is skipped, not passed.
 *      Values: key, orders, threshold, window_seconds.
 *  high_value         threshold_fen (required), first_order_threshold_fen (optional, not above
 *                     threshold_fen)
 *      Hits when total_fen is above the threshold; the first-order one applies when the
 *      caller says this is the phone's first order. Values: total_fen, threshold_fen,
 *      first_order.
 *  remark             no params. Hits when the buyer's remark is non-empty after trimming.
 *      Values: remark (trimmed, cut to RULES_VALUE_TEXT_MAX), remark_chars; the message quotes
 *      it too, so a reviewer sees it first.
 *  blocklist          phones (national numbers, digits only), addresses (address keys as
 *                     rules_address_key writes them; folded on load), ips (IPv4 or IPv6
 *                     addresses, or CIDR blocks such as "203.0.113.0/24"), each default [].
 *      Values: phone, address, ip and ip_entry (the most specific entry containing it), for
 *      whichever matched.
 *  payment_unverified no params. Hits unless the order is paid and the caller has verified
 *                     the payment. Values: payment_status, verified.
 *  stock_short        no params. Hits when the caller says the order is short of stock.
 *                     Values: stock_short.
 *
 * A rule set is immutable once built: any number of threads may evaluate against one. */

#define RULES_MAX 64
#define RULES_ID_MAX 64          /* bytes, for ids and reason codes */
#define RULES_LIST_MAX 100000    /* entries in one params list (blocklists are the big ones) */
#define RULES_VALUES_MAX 6       /* values recorded behind one hit */
#define RULES_VALUE_TEXT_MAX 256 /* bytes of text in one value, cut at a character boundary */
#define RULES_MESSAGE_MAX 256
/* "110000/110100/110105/" plus a folded detail, which is never longer than the detail. */
#define RULES_ADDRESS_KEY_MAX (22 + ORDO_ADDRESS_DETAIL_MAX)
/* Marks a velocity count the caller has not filled in. */
#define RULES_COUNT_UNKNOWN (-1)

typedef enum {
    RULE_ADDRESS_PRECISION,
    RULE_REMOTE_AREA,
    RULE_VELOCITY,
    RULE_HIGH_VALUE,
    RULE_REMARK,
    RULE_BLOCKLIST,
    RULE_PAYMENT_UNVERIFIED,
    RULE_STOCK_SHORT,
    RULE__TYPE_COUNT
} rule_type_t;

/* Static strings, as in the JSON form. */
const char *rule_type_name(rule_type_t t);
/* Returns -1 when the name is not a rule type. */
int rule_type_from_name(const char *name);

typedef enum { RULES_KEY_PHONE, RULES_KEY_ADDRESS, RULES_KEY_IP, RULES_KEY__COUNT } rules_key_t;

/* Static string: "phone", "address" or "ip". */
const char *rules_key_name(rules_key_t k);

typedef struct ruleset ruleset_t;

/* Builds a rule set from its JSON form (borrowed; nothing in the result points into it).
 * Checks everything and adds every problem to errs under JSON paths such as
 * "rules[3].params.threshold"; a set with any problem is refused whole. Returns NULL when
 * invalid (or out of memory, reported as a field error on "rules"); caller owns the result
 * and frees it with ruleset_free. */
ruleset_t *ruleset_from_json(json_t *doc, field_errors_t *errs);

/* The JSON form, defaults written out (an absent first_order_threshold_fen stays absent);
 * ruleset_from_json(ruleset_to_json(rs)) builds an equal set. Blocklist addresses come back
 * folded. Caller owns the new reference; NULL only when out of memory. */
json_t *ruleset_to_json(const ruleset_t *rs);

/* The rule set ordo starts with: address precision, remote areas (西藏自治区,
 * 新疆维吾尔自治区, 三沙市), velocity 5 orders in 10 minutes per phone, address and IP, high
 * value above 500000 fen (200000 fen for a phone's first order), remark, empty blocklists,
 * payment verification and stock shortage. Caller owns the result; NULL when out of memory. */
ruleset_t *ruleset_default(void);

void ruleset_free(ruleset_t *rs);

/* Number of rules, enabled or not. */
int ruleset_count(const ruleset_t *rs);

/* The address key velocity counts and address blocklists use:
 * "<province code>/<city code>/<district code>/<detail>", the detail with whitespace and
 * punctuation removed, full-width digits, letters and signs folded to ASCII and ASCII
 * letters lowercased, so "大望路甲１８号 1单元" and "大望路甲18号，1单元" share a key.
 * Writes into out (RULES_ADDRESS_KEY_MAX bytes always suffice for a validated order) and
 * returns the length, or -1 when out is too small. */
int rules_address_key(const address_t *a, char *out, size_t out_len);

/* The order's key of one kind, as velocity counts should group orders: the normalized phone,
 * the address key, or the client IP in canonical text (IPv4-mapped IPv6 written as IPv4).
 * Returns false when the order has no such key (no client_ip) or out is too small. */
bool rules_order_key(const order_input_t *o, rules_key_t k, char *out, size_t out_len);

/* One count the caller supplies: how many other orders (this one excluded, whether or not it
 * is stored yet) share this order's key of kind `key` and were placed within window_seconds
 * before this order's placed_at. */
typedef struct {
    rules_key_t key;
    int32_t window_seconds;
    int64_t others; /* RULES_COUNT_UNKNOWN until filled in */
} rules_velocity_count_t;

/* The distinct (key, window) pairs the enabled velocity rules need, each written with
 * others = RULES_COUNT_UNKNOWN for the caller to fill in and pass back in the context.
 * Writes at most out_cap entries (RULES_MAX always suffice) and returns how many there are. */
int rules_velocity_needs(const ruleset_t *rs, rules_velocity_count_t *out, int out_cap);

/* What a store of recent orders must keep for every velocity rule in the set, enabled or
 * not: counts up to *count_cap (one past the highest threshold: a larger count decides
 * nothing more; 1 with no velocity rule) over the last *window_seconds (the longest). */
void rules_velocity_bounds(const ruleset_t *rs, int64_t *count_cap, int64_t *window_seconds);

/* What the caller knows besides the order. A zeroed context means: payment not verified,
 * stock not short, not a first order, no counts. */
typedef struct {
    bool payment_verified; /* the payment was confirmed with the payment provider */
    bool stock_short;      /* the reservation left at least one unit unallocated */
    bool first_order;      /* no earlier order from this phone */
    const rules_velocity_count_t *velocity;
    int n_velocity;
} rules_context_t;

typedef enum {
    RULE_OUTCOME_DISABLED, /* not run: the rule is switched off */
    RULE_OUTCOME_SKIPPED,  /* not run: an input it needs is missing (see skipped_because) */
    RULE_OUTCOME_PASS,
    RULE_OUTCOME_HIT,
} rule_outcome_t;

/* Static string: "disabled", "skipped", "pass" or "hit". */
const char *rule_outcome_name(rule_outcome_t o);

typedef enum { RULES_VALUE_INT, RULES_VALUE_BOOL, RULES_VALUE_TEXT } rules_value_kind_t;

/* One value behind a hit, e.g. detail_chars = 4. */
typedef struct {
    const char *name; /* static */
    rules_value_kind_t kind;
    int64_t i; /* INT, and BOOL as 0/1 */
    char text[RULES_VALUE_TEXT_MAX];
} rules_value_t;

/* One rule's outcome. Self-contained: copies, no pointers into the rule set or the order. */
typedef struct {
    char rule_id[RULES_ID_MAX + 1];
    rule_type_t type;
    rule_outcome_t outcome;
    char reason[RULES_ID_MAX + 1];   /* the hold reason code; set for every outcome */
    const char *skipped_because;     /* static; SKIPPED only, else NULL */
    char message[RULES_MESSAGE_MAX]; /* HIT only: a sentence for the reviewer */
    int n_values;                    /* HIT only */
    rules_value_t values[RULES_VALUES_MAX];
} rule_eval_t;

/* Every rule's outcome in rule set order. Zero-initialize before first use and release with
 * rules_result_free; reusing one result across evaluations allocates nothing once it has
 * room for the rule set. */
typedef struct {
    int n;
    int cap;
    int n_hits;
    rule_eval_t *rules;
} rules_result_t;

/* Runs every enabled rule on o and records each outcome in out (previous contents are
 * replaced). ctx may be NULL (a zeroed context). Returns false only when out could not grow
 * (out of memory), leaving out->n = 0. */
bool rules_evaluate(const ruleset_t *rs, const order_input_t *o, const rules_context_t *ctx,
                    rules_result_t *out);

/* True when rule i hit and no earlier rule hit with the same reason: one hold per reason. */
bool rules_first_hit_of_reason(const rules_result_t *r, int i);

/* True when no rule hit: the order needs no hold. */
bool rules_result_passed(const rules_result_t *r);

/* {"passed": false, "reasons": ["buyer_remark"], "rules": [{"rule_id", "type", "outcome",
 *  "reason", and for hits "message" and "values": {...}, for skips "skipped_because"}]}.
 * "reasons" lists each hit's reason code once, in rule order. Caller owns the new reference;
 * NULL when out of memory. */
json_t *rules_result_to_json(const rules_result_t *r);

/* The document rules_result_to_json builds, plus "evaluated_at" and "ruleset_version",
 * written as text in one pass (no tree): what intake stores for every order. Compact:
 * passing and disabled rules appear as {"rule_id", "outcome"} only. Caller frees; NULL when
 * out of memory. */
char *rules_result_text(const rules_result_t *r, int64_t evaluated_at_ms, int64_t ruleset_version,
                        size_t *len_out);

/* rules_result_text's document without "evaluated_at" and "ruleset_version" and with its
 * object left open: the part every order evaluated by the same rule set with the same
 * outcomes shares. Caller frees. */
char *rules_result_head_text(const rules_result_t *r);

/* True when every rule ran and passed: most orders, whose evaluation is then stored in short
 * form. */
bool rules_result_all_passed(const rules_result_t *r);

/* The stored short form of an all-passed result, {"passed": true, "reasons": [],
 * "passed_rules": ["address_precision", ...]} (rule ids in rule-set order): a third of the
 * full text, which is a third of what intake writes per order. Caller frees. */
char *rules_passed_text(const rules_result_t *r);

/* A stored evaluation as the API shows it: the short form's "passed_rules" become "rules"
 * entries {rule_id, outcome: "pass"}; full documents are returned as they are. Takes and
 * returns the reference. */
json_t *rules_evaluation_view(json_t *stored);

/* One hit's values as a JSON object's text ({"detail_chars": 4, "min": 6}). Caller frees. */
char *rules_values_text(const rule_eval_t *ev);

/* Frees the outcomes and leaves r zeroed, ready for reuse. */
void rules_result_free(rules_result_t *r);

#endif
