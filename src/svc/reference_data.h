#ifndef ORDO_SVC_REFERENCE_DATA_H
#define ORDO_SVC_REFERENCE_DATA_H

#include <stddef.h>

#include "core/order_parse.h"

/* The reference data validation needs — the PRC divisions and China's numbering plan — read
 * from data/ (see util/file.h for where it is looked for). */

/* Fills out (both tables owned by it). Returns 0, or -1 with a reason in err. */
int reference_data_load(order_validation_t *out, char *err, size_t err_len);

/* Frees both tables; safe on a zeroed or partly loaded out. */
void reference_data_free(order_validation_t *v);

#endif
