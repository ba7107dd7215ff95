#include "core/msg_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const event_names[MSG_EV__COUNT] = {
    "order_placed",
    "order_confirmed",
    "payment_failed",
    "partially_shipped",
    "shipped",
    "out_for_delivery",
    "delivered",
    "cancelled",
    "delivery_issue",
    "logistics_case_opened",
    "logistics_reshipped",
    "logistics_refunded",
    "logistics_case_resolved",
};

static const char *const medium_names[MSG_MEDIUM__COUNT] = {"sms", "email"};

static const char *const var_names[MSG_VAR__COUNT] = {
    "order_no", "buyer_name",  "amount",  "reason",    "pay_url",       "channel",
    "carrier",  "tracking_no", "problem", "reship_no", "refund_amount",
};

static int index_of(const char *const *names, int count, const char *name) {
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *msg_event_name(msg_event_t e) {
    return event_names[e];
}

int msg_event_from_name(const char *name) {
    return index_of(event_names, MSG_EV__COUNT, name);
}

const char *msg_medium_name(msg_medium_t m) {
    return medium_names[m];
}

int msg_medium_from_name(const char *name) {
    return index_of(medium_names, MSG_MEDIUM__COUNT, name);
}

const char *msg_var_name(msg_var_t v) {
    return var_names[v];
}

/* Spelled out rather than joined at run time: a static buffer filled lazily would be a data
 * race between threads. The unit test checks they match the tables. */
const char *msg_event_names(void) {
    return "order_placed, order_confirmed, payment_failed, partially_shipped, shipped, "
           "out_for_delivery, delivered, cancelled, delivery_issue, logistics_case_opened, "
           "logistics_reshipped, logistics_refunded, logistics_case_resolved";
}

const char *msg_var_names(void) {
    return "order_no, buyer_name, amount, reason, pay_url, channel, carrier, tracking_no, problem, "
           "reship_no, refund_amount";
}

int msg_event_of(const char *topic, const char *to_status) {
    if (strcmp(topic, "order.payment_failed") == 0)
        return MSG_EV_PAYMENT_FAILED;
    if (strcmp(topic, "order.delivery_issue") == 0)
        return MSG_EV_DELIVERY_ISSUE;
    /* A logistics case's notes for the buyer are named after the event they tell. */
    static const char LOGISTICS[] = "order.logistics_";
    if (strncmp(topic, LOGISTICS, sizeof LOGISTICS - 1) == 0) {
        for (int e = MSG_EV_LOGISTICS_CASE_OPENED; e <= MSG_EV_LOGISTICS_CASE_RESOLVED; e++)
            if (strcmp(topic + sizeof "order." - 1, event_names[e]) == 0)
                return e;
        return -1;
    }
    bool created = strcmp(topic, "order.created") == 0;
    if (!to_status || (!created && strcmp(topic, "order.status_changed") != 0))
        return -1;
    /* Paid orders that pass review are approved in their first insert: that is the
     * confirmation, not a placement. */
    if (strcmp(to_status, "approved") == 0)
        return MSG_EV_ORDER_CONFIRMED;
    if (created)
        return MSG_EV_ORDER_PLACED;
    static const struct {
        const char *status;
        msg_event_t event;
    } moves[] = {
        {"partially_shipped", MSG_EV_PARTIALLY_SHIPPED},
        {"shipped", MSG_EV_SHIPPED},
        {"out_for_delivery", MSG_EV_OUT_FOR_DELIVERY},
        {"delivered", MSG_EV_DELIVERED},
        {"cancelled", MSG_EV_CANCELLED},
    };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (strcmp(to_status, moves[i].status) == 0)
            return (int)moves[i].event;
    return -1;
}

/* The placeholder starting at p ("{{"), its name copied into name; returns the length of the
 * whole "{{name}}", or 0 when it is never closed. Spaces around the name are allowed. */
static size_t placeholder_at(const char *p, char *name, size_t name_len) {
    const char *close = strstr(p + 2, "}}");
    if (!close)
        return 0;
    const char *a = p + 2, *b = close;
    while (a < b && *a == ' ')
        a++;
    while (b > a && b[-1] == ' ')
        b--;
    size_t n = (size_t)(b - a);
    if (n >= name_len)
        n = name_len - 1;
    memcpy(name, a, n);
    name[n] = '\0';
    return (size_t)(close + 2 - p);
}

bool msg_template_check(const char *text, char *err, size_t err_len) {
    for (const char *p = strstr(text, "{{"); p; p = strstr(p, "{{")) {
        char name[48];
        size_t len = placeholder_at(p, name, sizeof name);
        if (len == 0) {
            snprintf(err, err_len, "a {{ is never closed with }}");
            return false;
        }
        if (index_of(var_names, MSG_VAR__COUNT, name) < 0) {
            snprintf(err, err_len, "unknown placeholder {{%s}}; the known ones are %s", name,
                     msg_var_names());
            return false;
        }
        p += len;
    }
    return true;
}

static void put_value(FILE *out, const char *v, bool url_encode) {
    if (!url_encode) {
        fputs(v, out);
        return;
    }
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '.' || *c == '_' || *c == '~')
            fputc(*c, out);
        else
            fprintf(out, "%%%02X", *c);
    }
}

char *msg_template_render(const char *text, const msg_vars_t *vars, bool url_encode) {
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (!out)
        return NULL;
    const char *p = text;
    for (const char *open = strstr(p, "{{"); open; open = strstr(p, "{{")) {
        fwrite(p, 1, (size_t)(open - p), out);
        char name[48];
        size_t len = placeholder_at(open, name, sizeof name);
        int var = len ? index_of(var_names, MSG_VAR__COUNT, name) : -1;
        if (var < 0) {
            len = len ? len : 2;
            fwrite(open, 1, len, out);
        } else if (vars->values[var]) {
            put_value(out, vars->values[var], url_encode);
        }
        p = open + len;
    }
    fputs(p, out);
    bool failed = ferror(out);
    fclose(out);
    if (failed) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *msg_format_yuan(long long fen, char *buf, size_t len) {
    unsigned long long abs = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;
    snprintf(buf, len, "%s%llu.%02llu", fen < 0 ? "-" : "", abs / 100, abs % 100);
    return buf;
}
