#ifndef ORDO_CORE_RMB_UPPER_H
#define ORDO_CORE_RMB_UPPER_H

#include <stddef.h>
#include <stdint.h>

/* An amount in fen written in Chinese capital numerals (大写金额) as an invoice shows it:
 * 12345 → 壹佰贰拾叁元肆角伍分, 100500 → 壹仟零伍元整, 0 → 零元整, 5 → 伍分. The writing
 * follows the banks' rules (中国人民银行《支付结算办法》): one 零 for each run of zeros
 * between non-zero digits (a zero 万 or 亿 group too), 整 when there are no fen, 零 between
 * yuan and a lone fen (壹元零伍分), and a leading 负 below zero. Writes UTF-8 into out (cap
 * bytes; RMB_UPPER_MAX is enough for every amount it writes) and returns out, or NULL when it does
 * not fit or |fen| is RMB_UPPER_FEN_MAX (a trillion yuan) or more. */
#define RMB_UPPER_MAX 160
#define RMB_UPPER_FEN_MAX 100000000000000LL
char *rmb_upper(int64_t fen, char *out, size_t cap);

#endif
