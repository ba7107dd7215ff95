#ifndef ORDO_CORE_CODE128_H
#define ORDO_CORE_CODE128_H

#include <stdint.h>

/* Code 128 (ISO/IEC 15417) for the barcodes on shipping labels. Text of printable ASCII
 * (32..126) is encoded in code set B, runs of digits in code set C (two digits a symbol), so a
 * tracking number like SF1234567890123 stays short enough to scan on a 100 mm label. Pure. */

#define CODE128_TEXT_MAX 48
/* Symbols of the longest text: start, one per character, code-set switches, check, stop. */
#define CODE128_SYMBOLS_MAX (2 * CODE128_TEXT_MAX + 3)

/* The symbol values of text: the start code, the data (with code set switches), the check
 * symbol and the stop (106). Returns their count, or -1 when text is empty, longer than
 * CODE128_TEXT_MAX or has a character outside 32..126. */
int code128_symbols(const char *text, int *values, int max);

/* The bar and space widths in modules of text, bar first and alternating, the stop's final
 * bar included (every symbol is 6 widths of 11 modules, the stop 7 of 13). Returns the count of
 * widths, or -1 as code128_symbols does; *modules (may be NULL) gets the total width. */
int code128_widths(const char *text, uint8_t *widths, int max, int *modules);

#endif
