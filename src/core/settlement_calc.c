#include "core/settlement_calc.h"

settlement_t settlement_compute(int64_t paid_fen, int32_t rate_bp, int64_t refunds_fen) {
    settlement_t s = {.paid_fen = paid_fen, .rate_bp = rate_bp, .refunds_fen = refunds_fen};
    s.commission_fen = paid_fen > 0 && rate_bp > 0 ? (paid_fen * rate_bp + 5000) / 10000 : 0;
    s.income_fen = paid_fen - s.commission_fen - refunds_fen;
    return s;
}
