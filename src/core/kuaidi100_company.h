#ifndef ORDO_CORE_KUAIDI100_COMPANY_H
#define ORDO_CORE_KUAIDI100_COMPANY_H

/* Kuaidi100 names carriers by company codes of its own (lastResult.com: "zhongtong",
 * "shunfeng", ...) where ordo uses short carrier codes (ZTO, SF, ...). */

/* The usual ordo code of a Kuaidi100 company code ("zhongtong" → "ZTO"), or NULL for one the
 * table does not know. A carrier set up under another code names its Kuaidi100 code in its
 * tracking settings (kuaidi100_code) instead. */
const char *kuaidi100_carrier_code(const char *company);

#endif
