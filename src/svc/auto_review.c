#include "svc/auto_review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/timeline.h"
#include "svc/velocity.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

struct review_state {
    ruleset_t *rules;
    int64_t version;
    int64_t count_cap;  /* counts above every velocity threshold change no decision */
    int64_t window_ms;  /* the longest velocity window in force */
    velocity_t *recent; /* NULL until built for the rules in force */
    int64_t newest_ms;  /* the latest placed_at recorded */
    bool loaded;
    rules_result_t result; /* reused: evaluation allocates nothing once it has room */
    /* An all-passed evaluation reads the same for every order under one rule set: its stored
     * form and the head of its view, made once per version. */
    char *passed_stored, *passed_head;
};

static void forget_passed_texts(review_state_t *st) {
    free(st->passed_stored);
    free(st->passed_head);
    st->passed_stored = st->passed_head = NULL;
}

review_state_t *review_state_new(void) {
    return calloc(1, sizeof(review_state_t));
}

void review_state_free(review_state_t *st) {
    if (!st)
        return;
    ruleset_free(st->rules);
    forget_passed_texts(st);
    rules_result_free(&st->result);
    velocity_free(st->recent);
    free(st);
}

bool payment_verified_at_intake(const order_input_t *in) {
    return in->payment_status == PAYMENT_PAID && in->channel != CHANNEL_WEB;
}

/* The rule set in force: the stored one, else the default. Reloaded only when the stored
 * version moves, so a PUT (or another process) takes effect on the next order. */
static int current_rules(store_t *s, review_state_t *st) {
    int64_t version = 0;
    int rc = s->vt->rules_version(s, &version);
    if (rc != STORE_OK)
        return rc;
    if (st->loaded && version == st->version && st->rules)
        return STORE_OK;
    ruleset_t *rules = NULL;
    if (version == 0) {
        rules = ruleset_default();
    } else {
        char *text = NULL;
        rc = s->vt->rules_get(s, &version, &text, NULL);
        if (rc != STORE_OK)
            return rc;
        json_t *doc = json_loads(text, 0, NULL);
        free(text);
        rules = doc ? ruleset_from_json(doc, NULL) : NULL;
        json_decref(doc);
    }
    if (!rules)
        return STORE_ERROR;
    ruleset_free(st->rules);
    forget_passed_texts(st);
    st->rules = rules;
    st->version = version;
    st->loaded = true;
    int64_t cap, window_s;
    rules_velocity_bounds(rules, &cap, &window_s);
    int64_t window_ms = window_s * 1000;
    /* The in-memory counts must cover the new rules: rebuild when they need more. */
    if (!st->recent || cap > st->count_cap || window_ms > st->window_ms) {
        velocity_free(st->recent);
        st->recent = NULL;
    }
    st->count_cap = cap;
    st->window_ms = window_ms;
    return STORE_OK;
}

static void remember(review_state_t *st, const char *phone, const char *address_key, const char *ip,
                     int64_t placed_at) {
    if (placed_at > st->newest_ms)
        st->newest_ms = placed_at;
    int64_t horizon = st->newest_ms - st->window_ms;
    if (phone && *phone)
        velocity_add(st->recent, RULES_KEY_PHONE, phone, placed_at, horizon);
    if (address_key)
        velocity_add(st->recent, RULES_KEY_ADDRESS, address_key, placed_at, horizon);
    if (ip)
        velocity_add(st->recent, RULES_KEY_IP, ip, placed_at, horizon);
}

static void remember_row(void *ctx, const char *phone, const char *address_key, const char *ip,
                         int64_t placed_at) {
    remember(ctx, phone, address_key, ip, placed_at);
}

/* Loads the orders placed within the longest window (and a day of clock skew) before now. */
static int build_recent(store_t *s, review_state_t *st) {
    st->recent = velocity_new((int)st->count_cap);
    if (!st->recent)
        return STORE_ERROR;
    st->newest_ms = 0;
    if (st->window_ms == 0)
        return STORE_OK;
    int64_t since = time_now_ms() - st->window_ms - 24 * 3600 * 1000LL;
    return s->vt->recent_orders(s, since, remember_row, st);
}

void auto_review_keys(const order_input_t *in, review_prep_t *prep) {
    prep->address_key =
        rules_order_key(in, RULES_KEY_ADDRESS, prep->address_key_buf, sizeof prep->address_key_buf)
            ? prep->address_key_buf
            : NULL;
    prep->ip_key = rules_order_key(in, RULES_KEY_IP, prep->ip_key_buf, sizeof prep->ip_key_buf)
                       ? prep->ip_key_buf
                       : NULL;
}

int auto_review_prepare(store_t *s, app_t *app, const order_input_t *in, review_prep_t *prep) {
    review_state_t *st = app->review;
    int rc = current_rules(s, st);
    if (rc != STORE_OK)
        return rc;
    if (!st->recent && build_recent(s, st) != STORE_OK)
        return STORE_ERROR;
    prep->rules = st->rules;
    prep->version = st->version;
    prep->n_velocity = rules_velocity_needs(st->rules, prep->velocity, RULES_MAX);
    for (int i = 0; i < prep->n_velocity; i++) {
        rules_velocity_count_t *v = &prep->velocity[i];
        const char *key = v->key == RULES_KEY_ADDRESS ? prep->address_key
                          : v->key == RULES_KEY_IP    ? prep->ip_key
                          : *in->phone_normalized     ? in->phone_normalized
                                                      : NULL;
        if (!key)
            continue; /* no such key (no client IP): the rule is skipped */
        v->others = velocity_count(st->recent, v->key, key, in->placed_at_ms,
                                   (int64_t)v->window_seconds * 1000);
    }
    prep->payment_confirmed = false;
    bool any = false;
    if (rc == STORE_OK)
        rc = s->vt->phone_has_orders(s, in->phone_normalized, &any);
    prep->first_order = !any;
    return rc;
}

/* A hold as the API shows it (holds_of_order's shape), for the 201 body. */
static void write_hold(jsonw_t *w, int64_t id, const hold_rec_t *h, int64_t now) {
    char at[40];
    jw_obj_begin(w);
    jw_key(w, "id");
    jw_int(w, id);
    jw_key(w, "reason");
    jw_str(w, h->reason);
    jw_key(w, "rule_id");
    jw_str(w, h->rule_id);
    jw_key(w, "message");
    jw_str(w, h->message);
    jw_key(w, "detail");
    jw_raw_value(w, h->detail_json, strlen(h->detail_json));
    jw_key(w, "owner");
    jw_null(w);
    jw_key(w, "deadline");
    jw_null(w);
    jw_key(w, "auto_release");
    jw_str(w, h->auto_release);
    jw_key(w, "status");
    jw_str(w, "open");
    jw_key(w, "created_at");
    jw_str(w, rfc3339_format(now, at, sizeof at));
    jw_key(w, "created_by");
    jw_str(w, h->actor);
    jw_key(w, "released_at");
    jw_null(w);
    jw_key(w, "released_by");
    jw_null(w);
    jw_key(w, "release_note");
    jw_null(w);
    jw_obj_end(w);
}

/* Holds that can release themselves, by the condition that ends them. */
static const char *auto_release_for(const char *type) {
    if (strcmp(type, "payment_unverified") == 0)
        return "payment_verified";
    if (strcmp(type, "stock_short") == 0)
        return "stock_reserved";
    return NULL;
}

/* Evaluates into the writer's reused result. */
static bool evaluate(review_state_t *st, const review_prep_t *prep, const order_input_t *in,
                     bool stock_short) {
    rules_context_t ctx = {.payment_verified =
                               prep->payment_confirmed || payment_verified_at_intake(in),
                           .stock_short = stock_short,
                           .first_order = prep->first_order,
                           .velocity = prep->velocity,
                           .n_velocity = prep->n_velocity};
    return rules_evaluate(prep->rules, in, &ctx, &st->result);
}

bool auto_review_decide(app_t *app, review_prep_t *prep, const order_input_t *in,
                        order_status_t *status) {
    if (!evaluate(app->review, prep, in, false))
        return false;
    prep->decided = true;
    *status = rules_result_passed(&app->review->result) ? ORDER_APPROVED : ORDER_PENDING_REVIEW;
    return true;
}

int auto_review_finish(store_t *s, app_t *app, const review_prep_t *prep, order_rec_t *rec,
                       const order_input_t *in, bool stock_short, const char *actor, int64_t now,
                       char **holds_text, char **review_text) {
    (void)actor; /* holds and moves made here are the rules' own */
    review_state_t *st = app->review;
    const rules_result_t *res = &st->result;
    /* A splittable order short of stock is backordered, not held: what it holds ships. */
    stock_short = stock_short && !in->splittable;
    /* Decided before the order row was written, unless the stock came up short since. */
    if ((!prep->decided || stock_short) && !evaluate(st, prep, in, stock_short))
        return STORE_ERROR;
    bool passed = rules_result_passed(res);
    /* Written as text: this runs on the writer thread for every paid order. */
    bool all_passed = rules_result_all_passed(res);
    char *full = NULL;
    const char *stored;
    if (all_passed) {
        if (!st->passed_stored)
            st->passed_stored = rules_passed_text(res);
        stored = st->passed_stored;
    } else {
        stored = full = rules_result_text(res, now, prep->version, NULL);
    }
    int rc = stored ? s->vt->evaluation_append(s, rec->id, now, prep->version, passed, stored)
                    : STORE_ERROR;

    /* One hold per reason, from the first rule that raised it; the 201 body's holds are
     * written as text here too. */
    jsonw_t w;
    jw_init(&w);
    jw_arr_begin(&w);
    for (int i = 0; i < res->n && rc == STORE_OK; i++) {
        const rule_eval_t *ev = &res->rules[i];
        if (!rules_first_hit_of_reason(res, i))
            continue;
        char *detail = rules_values_text(ev);
        hold_rec_t h = {.order_id = rec->id,
                        .reason = ev->reason,
                        .rule_id = ev->rule_id,
                        .message = ev->message,
                        .detail_json = detail,
                        .auto_release = auto_release_for(rule_type_name(ev->type)),
                        .actor = "rules",
                        .at_ms = now};
        int64_t id = 0;
        rc = detail ? s->vt->hold_open(s, &h, &id) : STORE_ERROR;
        if (rc == STORE_OK && holds_text)
            write_hold(&w, id, &h, now);
        free(detail);
    }
    jw_arr_end(&w);
    if (holds_text) {
        *holds_text = jw_take(&w, NULL);
        if (!*holds_text && rc == STORE_OK)
            rc = STORE_ERROR;
    } else {
        jw_free(&w);
    }
    order_status_t status = passed ? ORDER_APPROVED : ORDER_PENDING_REVIEW;
    if (rc == STORE_OK && status != rec->status) {
        rc = s->vt->order_set_status(s, rec->id, status, now);
        if (rc == STORE_OK)
            rec->status = status;
    }
    if (rc == STORE_OK && review_text) {
        /* The view shows the evaluation as stored, in full. */
        if (!all_passed) {
            *review_text = full;
            full = NULL;
        } else {
            if (!st->passed_head)
                st->passed_head = rules_result_head_text(res);
            char at[40];
            if (!st->passed_head ||
                asprintf(review_text, "%s,\"evaluated_at\":\"%s\",\"ruleset_version\":%lld}",
                         st->passed_head, rfc3339_format(now, at, sizeof at),
                         (long long)prep->version) < 0) {
                *review_text = NULL;
                rc = STORE_ERROR;
            }
        }
    }
    free(full);
    if (rc == STORE_OK) {
        /* Counted from now on. (A group that fails to commit leaves its orders counted:
         * the error is on the side of holding.) */
        remember(st, in->phone_normalized, prep->address_key, prep->ip_key, in->placed_at_ms);
    }
    return rc;
}

/* ---- the rule set over the API ---- */

void review_rules_get(app_t *app, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    int64_t version = 0;
    char *text = NULL;
    json_t *meta = NULL, *body = NULL;
    int rc = s->vt->rules_get(s, &version, &text, &meta);
    if (rc == STORE_NOT_FOUND) {
        ruleset_t *rules = ruleset_default();
        body = rules ? ruleset_to_json(rules) : NULL;
        ruleset_free(rules);
        if (body)
            json_object_update_new(
                body, json_pack("{s:i, s:n, s:n}", "version", 0, "updated_at", "updated_by"));
    } else if (rc == STORE_OK) {
        body = json_loads(text, 0, NULL);
        if (body && meta)
            json_object_update(body, meta);
    }
    free(text);
    json_decref(meta);
    if (!body)
        svc_fail(r, ORDO_E_STORE, "cannot read the review rules");
    else
        svc_ok(r, 200, body);
}

typedef struct {
    svc_op_t op;
    char *text; /* the normalized rule set */
} rules_op_t;

static ordo_err_t rules_put_run(store_t *s, svc_op_t *op) {
    int64_t version = 0;
    return s->vt->rules_put(s, ((rules_op_t *)op)->text, op->actor, op->now_ms, &version) ==
                   STORE_OK
               ? ORDO_E_OK
               : ORDO_E_STORE;
}

static void rules_put_finish(svc_op_t *op) {
    if (op->result.err == ORDO_E_OK)
        review_rules_get(op->app, &op->result);
}

static void rules_put_destroy(svc_op_t *op) {
    free(((rules_op_t *)op)->text);
}

svc_op_t *review_rules_put_op(app_t *app, json_t *body, const char *actor,
                              svc_result_t *immediate) {
    field_errors_t errs;
    errs.count = errs.dropped = 0;
    /* The metadata GET returns may come back in a PUT: it is not part of the rule set. */
    json_t *doc = json_is_object(body) ? json_copy(body) : json_incref(body);
    if (json_is_object(doc)) {
        json_object_del(doc, "version");
        json_object_del(doc, "updated_at");
        json_object_del(doc, "updated_by");
    }
    ruleset_t *rules = ruleset_from_json(doc, &errs);
    json_decref(doc);
    if (!rules) {
        svc_take_errors(immediate, &errs);
        svc_fail(immediate, ORDO_E_VALIDATION, "the rule set has %d problem%s; nothing changed",
                 errs.count, errs.count == 1 ? "" : "s");
        return NULL;
    }
    json_t *normalized = ruleset_to_json(rules);
    ruleset_free(rules);
    char *text = normalized ? json_dumps(normalized, JSON_COMPACT) : NULL;
    json_decref(normalized);
    rules_op_t *op = text ? (rules_op_t *)svc_op_alloc(sizeof *op, app, actor) : NULL;
    if (!op) {
        free(text);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    op->op.run = rules_put_run;
    op->op.finish = rules_put_finish;
    op->op.destroy = rules_put_destroy;
    op->text = text;
    return &op->op;
}
