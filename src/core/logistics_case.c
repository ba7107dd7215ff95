#include "core/logistics_case.h"

#include <string.h>

#define PREFIX "logistics_"

static const struct {
    const char *name, *code, *severity;
} KINDS[LOGISTICS__KIND_COUNT] = {
    [LOGISTICS_LOST] = {"lost", PREFIX "lost", "red"},
    [LOGISTICS_DAMAGED] = {"damaged", PREFIX "damaged", "red"},
    [LOGISTICS_ADDRESS_UNKNOWN] = {"address_unknown", PREFIX "address_unknown", "yellow"},
    [LOGISTICS_REFUSED] = {"refused", PREFIX "refused", "yellow"},
};

const char LOGISTICS_KIND_NAMES[] = "lost, damaged, address_unknown, refused";

int logistics_kind_from_name(const char *name) {
    for (int k = 0; name && k < LOGISTICS__KIND_COUNT; k++)
        if (strcmp(KINDS[k].name, name) == 0)
            return k;
    return -1;
}

const char *logistics_kind_name(logistics_kind_t k) {
    return (unsigned)k < LOGISTICS__KIND_COUNT ? KINDS[k].name : "unknown";
}

const char *logistics_kind_code(logistics_kind_t k) {
    return (unsigned)k < LOGISTICS__KIND_COUNT ? KINDS[k].code : PREFIX "unknown";
}

const char *logistics_kind_severity(logistics_kind_t k) {
    return (unsigned)k < LOGISTICS__KIND_COUNT ? KINDS[k].severity : "yellow";
}

bool logistics_code(const char *code) {
    return code && strncmp(code, PREFIX, sizeof PREFIX - 1) == 0 && code[sizeof PREFIX - 1];
}

const char *logistics_problem_text(const char *code) {
    static const struct {
        const char *code, *text;
    } TEXTS[] = {
        {PREFIX "lost", "在运输途中丢失"},
        {PREFIX "damaged", "在运输途中破损"},
        {PREFIX "address_unknown", "因地址不详暂时无法派送"},
        {PREFIX "refused", "被收件人拒收"},
        {PREFIX "stale", "物流信息长时间未更新"},
        {PREFIX "late", "未能在承诺时间内送达"},
        {PREFIX "problem", "在派送中遇到问题"},
        {PREFIX "returned", "被快递退回"},
    };
    for (size_t i = 0; code && i < sizeof TEXTS / sizeof TEXTS[0]; i++)
        if (strcmp(TEXTS[i].code, code) == 0)
            return TEXTS[i].text;
    return "在配送中出现异常";
}
