#ifndef ORDO_CORE_SETTLEMENT_CALC_H
#define ORDO_CORE_SETTLEMENT_CALC_H

#include <stdint.h>

/* A completed order's settlement: what the buyer paid, less the channel's commission on it
 * (rate in basis points, rounded half up to the fen), less refunds, is the merchant's income. */
typedef struct {
    int64_t paid_fen, commission_fen, refunds_fen, income_fen;
    int32_t rate_bp;
} settlement_t;

settlement_t settlement_compute(int64_t paid_fen, int32_t rate_bp, int64_t refunds_fen);

#endif
