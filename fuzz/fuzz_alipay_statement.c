/* libFuzzer target: any bytes as an Alipay statement (CLI file or POST
 * /v1/reconciliations/alipay body). Decoding, CSV splitting, amounts and times must never
 * crash, leak or read out of bounds; an accepted statement is internally consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alipay_statement.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    statement_t st;
    field_errors_t errs = {0};
    if (!alipay_statement_parse((const char *)data, size, &st, &errs)) {
        if (errs.count == 0 || st.rows)
            abort();
        return 0;
    }
    if (st.trades + st.refunds != st.count || st.period_end_ms <= st.period_start_ms)
        abort();
    for (size_t i = 0; i < st.count; i++) {
        const statement_row_t *r = &st.rows[i];
        if (!r->trade_no[0] || strlen(r->out_trade_no) > STATEMENT_ID_MAX ||
            (r->kind == STATEMENT_TRADE) != (r->amount_fen >= 0 && r->kind != STATEMENT_REFUND))
            abort();
    }
    statement_free(&st);
    return 0;
}
