#include "core/tracking_milestone.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[MILESTONE__COUNT] = {
    "shipped", "collected", "in_transit", "out_for_delivery", "delivered", "problem", "returned",
};

const char *milestone_name(milestone_t m) {
    return m >= 0 && m < MILESTONE__COUNT ? names[m] : "unknown";
}

int milestone_from_name(const char *name) {
    for (int i = 0; name && i < MILESTONE__COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

bool milestone_is_final(milestone_t m) {
    return m == MILESTONE_DELIVERED || m == MILESTONE_RETURNED;
}

int milestone_of_kuaidi100_state(const char *state) {
    if (!state || !*state)
        return -1;
    char *end;
    long code = strtol(state, &end, 10);
    if (*end || code < 0)
        return -1;
    switch (code) {
    case 0:
    case 7:
    case 8:
    case 10:
    case 11:
    case 12:
    case 1001:
    case 1002:
    case 1003:
        return MILESTONE_IN_TRANSIT;
    case 1:
    case 103:
        return MILESTONE_COLLECTED;
    case 2:
    case 13:
    case 14:
        return MILESTONE_PROBLEM;
    case 3:
        return MILESTONE_DELIVERED;
    case 4:
    case 6:
        return MILESTONE_RETURNED;
    case 5:
        return MILESTONE_OUT_FOR_DELIVERY;
    default:
        break;
    }
    /* The advanced codes are families by their leading digits. */
    if (code >= 200 && code < 300)
        return MILESTONE_PROBLEM;
    if (code >= 300 && code < 400)
        return MILESTONE_DELIVERED;
    if (code >= 400 && code < 500)
        return MILESTONE_RETURNED;
    if (code >= 500 && code < 600)
        return MILESTONE_OUT_FOR_DELIVERY;
    if (code >= 600 && code < 700)
        return MILESTONE_RETURNED;
    return -1; /* 101 已下单, 102 待揽收: nothing has moved yet */
}

static bool has_any(const char *text, const char *const *words) {
    for (int i = 0; words[i]; i++)
        if (strstr(text, words[i]))
            return true;
    return false;
}

milestone_t milestone_of_text(const char *context) {
    static const char *const returned[] = {"退回",     "退签",     "已退件", "退件",
                                           "返回寄件", "退还寄件", NULL};
    static const char *const delivered[] = {"已签收", "签收人", "本人签收", "他人代签", "已代签",
                                            "妥投",   "已取件", "已被取出", "已取出",   NULL};
    static const char *const problem[] = {"疑难",     "拒收",     "拒签",   "地址不详", "地址错误",
                                          "无法派送", "无法联系", "滞留",   "异常",     "破损",
                                          "丢失",     "遗失",     "问题件", NULL};
    static const char *const out[] = {"派件中",   "正在派件", "派送中", "正在派送",   "开始派送",
                                      "安排派送", "准备派送", "派件员", "派送员",     "快递员",
                                      "待配送",   "投递中",   "待取件", "请及时取件", "已放入",
                                      "已投柜",   "驿站",     NULL};
    static const char *const collected[] = {"揽收", "揽件", "已收件", "已收取", "收寄", NULL};
    if (!context)
        return MILESTONE_IN_TRANSIT;
    if (has_any(context, returned))
        return MILESTONE_RETURNED;
    if (has_any(context, delivered))
        return MILESTONE_DELIVERED;
    if (has_any(context, problem))
        return MILESTONE_PROBLEM;
    if (has_any(context, out))
        return MILESTONE_OUT_FOR_DELIVERY;
    if (has_any(context, collected))
        return MILESTONE_COLLECTED;
    return MILESTONE_IN_TRANSIT;
}

void kuaidi100_sign(const char *param, const char *salt, char out[33]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    out[0] = '\0';
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return;
    if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
        EVP_DigestUpdate(ctx, param, strlen(param)) == 1 &&
        EVP_DigestUpdate(ctx, salt, strlen(salt)) == 1 && EVP_DigestFinal_ex(ctx, md, &len) == 1 &&
        len == 16) {
        for (unsigned i = 0; i < len; i++)
            snprintf(out + 2 * i, 3, "%02X", md[i]);
    }
    EVP_MD_CTX_free(ctx);
}

bool kuaidi100_sign_ok(const char *param, const char *salt, const char *sign) {
    if (!param || !salt || !sign || strlen(sign) != 32)
        return false;
    char want[33], got[33];
    kuaidi100_sign(param, salt, want);
    if (strlen(want) != 32)
        return false;
    for (int i = 0; i < 32; i++)
        got[i] = (sign[i] >= 'a' && sign[i] <= 'f') ? (char)(sign[i] - 32) : sign[i];
    got[32] = '\0';
    return CRYPTO_memcmp(want, got, 32) == 0;
}
