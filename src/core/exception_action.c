#include "core/exception_action.h"

#include <string.h>

static const struct {
    const char *name;
    bool decision;
    const char *code;
    const char *const members[6];
} ACTIONS[EXC_ACTION__COUNT] = {
    [EXC_ACTION_CONTACT_BUYER] = {"contact_buyer", false, NULL, {NULL}},
    [EXC_ACTION_CONTACT_CARRIER] = {"contact_carrier", false, NULL, {NULL}},
    [EXC_ACTION_NOTE] = {"note", false, NULL, {NULL}},
    [EXC_ACTION_WAIT] = {"wait", true, "stock_short", {"until", NULL}},
    [EXC_ACTION_SWAP] = {"swap",
                         true,
                         "stock_short",
                         {"line", "sku", "qty", "unit_price", "allow_short", NULL}},
    /* Cancelling and refunding answers any exception a buyer does not want to live with. */
    [EXC_ACTION_CANCEL] = {"cancel", true, NULL, {NULL}},
    [EXC_ACTION_SPLIT] = {"split", true, "stock_short", {NULL}},
    /* A claim is the carrier's business, not a decision about the order: it runs beside
     * whatever the buyer is given. */
    [EXC_ACTION_FILE_CLAIM] = {"file_claim", false, "logistics_*", {"amount_claimed", NULL}},
    [EXC_ACTION_CLAIM_SETTLED] = {"claim_settled",
                                  false,
                                  "logistics_*",
                                  {"amount_recovered", NULL}},
    [EXC_ACTION_RESHIP] = {"reship", true, "logistics_*", {"parcel", "items", NULL}},
    [EXC_ACTION_REFUND] = {"refund", true, "logistics_*", {"parcel", "amount", NULL}},
};

const char EXC_ACTION_NAMES[] = "contact_buyer, contact_carrier, note, wait, swap, cancel, split, "
                                "file_claim, claim_settled, reship, refund";

int exc_action_from_name(const char *name) {
    for (int a = 0; name && a < EXC_ACTION__COUNT; a++)
        if (strcmp(ACTIONS[a].name, name) == 0)
            return a;
    return -1;
}

const char *exc_action_name(exc_action_t a) {
    return (unsigned)a < EXC_ACTION__COUNT ? ACTIONS[a].name : "unknown";
}

bool exc_action_is_decision(exc_action_t a) {
    return (unsigned)a < EXC_ACTION__COUNT && ACTIONS[a].decision;
}

const char *exc_action_code(exc_action_t a) {
    return (unsigned)a < EXC_ACTION__COUNT ? ACTIONS[a].code : NULL;
}

bool exc_action_applies(exc_action_t a, const char *code) {
    const char *want = exc_action_code(a);
    if (!want)
        return true;
    if (!code)
        return false;
    size_t n = strlen(want);
    if (n && want[n - 1] == '*')
        return strncmp(want, code, n - 1) == 0 && code[n - 1];
    return strcmp(want, code) == 0;
}

bool exc_action_takes(exc_action_t a, const char *member) {
    if (strcmp(member, "action") == 0 || strcmp(member, "note") == 0)
        return true;
    if ((unsigned)a >= EXC_ACTION__COUNT)
        return false;
    for (const char *const *m = ACTIONS[a].members; *m; m++)
        if (strcmp(*m, member) == 0)
            return true;
    return false;
}

int64_t exc_refund_due(const json_t *order_doc) {
    const json_t *payment = json_object_get(order_doc, "payment");
    const char *status = json_string_value(json_object_get(payment, "status"));
    if (!status || strcmp(status, "paid") != 0)
        return 0;
    json_int_t paid = json_integer_value(json_object_get(payment, "amount"));
    return paid > 0 ? paid : 0;
}
