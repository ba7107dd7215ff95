#include "core/kuaidi100_company.h"

#include <stddef.h>
#include <strings.h>

/* From Kuaidi100's company code list, the carriers Chinese shops ship with. */
static const struct {
    const char *company, *code;
} COMPANIES[] = {
    {"shunfeng", "SF"},        {"shunfengkuaiyun", "SF"},
    {"zhongtong", "ZTO"},      {"zhongtongkuaiyun", "ZTO"},
    {"yuantong", "YTO"},       {"shentong", "STO"},
    {"yunda", "YD"},           {"jd", "JD"},
    {"jingdongkuaiyun", "JD"}, {"ems", "EMS"},
    {"zhaijisong", "ZJS"},     {"jtexpress", "JT"},
    {"debangkuaidi", "DBL"},   {"debangwuliu", "DBL"},
};

const char *kuaidi100_carrier_code(const char *company) {
    for (size_t i = 0; company && i < sizeof COMPANIES / sizeof COMPANIES[0]; i++)
        if (strcasecmp(COMPANIES[i].company, company) == 0)
            return COMPANIES[i].code;
    return NULL;
}
