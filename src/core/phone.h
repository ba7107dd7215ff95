#ifndef ORDO_CORE_PHONE_H
#define ORDO_CORE_PHONE_H

#include <stddef.h>

/* China's numbering plan (libphonenumber's CN territory metadata): which digit strings are
 * mobile or fixed-line numbers. Loaded once, read-only afterwards, thread-safe to use. */
typedef struct phone_plan phone_plan_t;

typedef enum { PHONE_INVALID = 0, PHONE_MOBILE, PHONE_FIXED_LINE } phone_kind_t;

/* Builds the plan from the text of data/phone/libphonenumber_PhoneNumberMetadata_CN_territory.xml.
 * Returns NULL and writes a reason into err on malformed data. Caller owns the result. */
phone_plan_t *phone_plan_from_xml(const char *xml_text, char *err, size_t err_len);
void phone_plan_free(phone_plan_t *p);

/* Classifies a number as a buyer writes it: "13800138000", "+86 138-0013-8000",
 * "010-12345678", "(0755)86013388". Writes the national significant number (digits only,
 * no trunk 0, no country code) into normalized. */
phone_kind_t phone_classify(const phone_plan_t *p, const char *input, char *normalized,
                            size_t normalized_len);

#endif
