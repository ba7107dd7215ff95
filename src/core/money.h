#ifndef ORDO_CORE_MONEY_H
#define ORDO_CORE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads s[0, len) as an amount in yuan, exactly, into fen: one or more digits, then at most
 * two decimals after a '.' ("88.08", "12.5", "7"); a leading '-' only when negative_ok (refunds
 * in a statement). Payment platforms write yuan as decimal text, and a float would turn
 * 0.29 into 28 fen. False for anything else, or beyond ORDO_MONEY_MAX_FEN either way. */
bool money_parse_yuan(const char *s, size_t len, bool negative_ok, int64_t *fen);

/* Writes fen as yuan with two decimals ("-88.00") into buf (at least 24 bytes); returns buf. */
char *money_format_yuan(char *buf, size_t cap, int64_t fen);

#endif
