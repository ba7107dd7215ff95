#ifndef ORDO_CORE_LOGISTICS_CASE_H
#define ORDO_CORE_LOGISTICS_CASE_H

#include <stdbool.h>

/* Logistics exceptions as data, without I/O: the problems a person reports about a shipped
 * parcel (lost, damaged, address unknown, refused by the recipient), each an exception code
 * logistics_<kind> with its severity, and the words a buyer is told for every logistics code,
 * the ones detected from tracking (stale, late, problem, returned) included. */

typedef enum {
    LOGISTICS_LOST,
    LOGISTICS_DAMAGED,
    LOGISTICS_ADDRESS_UNKNOWN,
    LOGISTICS_REFUSED,
    LOGISTICS__KIND_COUNT
} logistics_kind_t;

/* -1 when name is no kind a person may report. */
int logistics_kind_from_name(const char *name);
const char *logistics_kind_name(logistics_kind_t k);
/* "lost, damaged, address_unknown, refused": for messages. */
extern const char LOGISTICS_KIND_NAMES[];

/* The exception code of a kind: "logistics_lost"... Static. */
const char *logistics_kind_code(logistics_kind_t k);
/* red when the goods are gone or broken (a claim and a reship or refund follow), yellow when
 * the buyer can still receive them once reached. Static. */
const char *logistics_kind_severity(logistics_kind_t k);

/* Whether code is a logistics exception's (logistics_...), raised by a person or detected. */
bool logistics_code(const char *code);

/* What the buyer is told happened to the parcel, in Chinese, for any logistics code ("包裹
 * 运输途中丢失"...); a general phrase for a code it does not know. Static. */
const char *logistics_problem_text(const char *code);

#endif
