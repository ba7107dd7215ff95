/* Buyers' reviews: validation, one per order edited once, low-rating exceptions, the
 * aggregates per SKU, warehouse and carrier, and the quality report. */
#include "svc/buyer_reviews.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/completion.h"
#include "svc/fields.h"
#include "svc/timeline.h"
#include "util/timefmt.h"
#include "util/utf8.h"

typedef struct {
    svc_op_t op;
    char order_no[40];
    bool edit_only;
    int rating;
    char *comment;
    char *tags_json;
} review_op_t;

/* Reads {rating, comment, tags}; every problem into r. tags come back as JSON text. */
static bool review_parse(json_t *body, int *rating, const char **comment, char **tags_json,
                         svc_result_t *r) {
    field_errors_t *e = svc_errors(r);
    *rating = (int)field_int(body, "rating", true, 1, 5, 0, e);
    *comment = field_string(body, "comment", false, REVIEW_COMMENT_MAX, e);
    json_t *tags = json_object_get(body, "tags");
    json_t *clean = json_array();
    if (tags && !json_is_null(tags) && !json_is_array(tags)) {
        field_errors_add(e, "tags", "wrong_type", "tags must be an array of words");
    } else if (json_array_size(tags) > REVIEW_TAGS_MAX) {
        field_errors_add(e, "tags", "too_many", "at most %d tags", REVIEW_TAGS_MAX);
    } else {
        size_t i;
        json_t *t;
        json_array_foreach(tags, i, t) {
            char path[32];
            snprintf(path, sizeof path, "tags[%zu]", i);
            const char *word = json_string_value(t);
            size_t len = word ? strlen(word) : 0;
            if (!word)
                field_errors_add(e, path, "wrong_type", "a tag is a string");
            else if (len == 0 || len > REVIEW_TAG_MAX)
                field_errors_add(e, path, "out_of_range", "a tag is 1 to %d bytes", REVIEW_TAG_MAX);
            else {
                bool seen = false;
                size_t j;
                json_t *u;
                json_array_foreach(clean, j, u) seen |= strcmp(json_string_value(u), word) == 0;
                if (seen)
                    field_errors_add(e, path, "duplicate", "tag '%s' is given twice", word);
                else
                    json_array_append(clean, t);
            }
        }
    }
    bool ok = svc_error_count(r) == 0;
    *tags_json = ok ? json_dumps(clean, JSON_COMPACT) : NULL;
    json_decref(clean);
    return ok && *tags_json;
}

/* A low rating opens one yellow low_rating exception on the order for customer service
 * (none while one is still open). *id: the exception opened, 0 when none. */
static int open_low_rating(store_t *s, svc_op_t *op, const order_rec_t *rec, int rating,
                           const char *comment, int64_t *id) {
    *id = 0;
    int64_t open_id = 0;
    int rc = s->vt->exception_find_open(s, rec->id, "low_rating", &open_id);
    if (rc != STORE_OK || open_id)
        return rc;
    char message[320];
    size_t keep = utf8_valid_prefix((const unsigned char *)comment,
                                    strnlen(comment, 200)); /* whole characters only */
    snprintf(message, sizeof message, "the buyer rated the order %d/5%s%.*s", rating,
             keep ? ": " : "", (int)keep, comment);
    exception_rec_t e = {.order_id = rec->id,
                         .code = "low_rating",
                         .severity = "yellow",
                         .message = message,
                         .at_ms = op->now_ms};
    rc = s->vt->exception_open(s, &e, id);
    if (rc == STORE_OK)
        rc = timeline_note(s, rec->id, rec->order_no, op->actor, "exception", message, op->now_ms);
    return rc;
}

static ordo_err_t review_run(store_t *s, svc_op_t *op) {
    review_op_t *ro = (review_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, ro->order_no, &rec);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", ro->order_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    ordo_err_t e = ORDO_E_OK;
    json_t *before = NULL, *after = NULL;
    completion_settings_t c;
    if (rec.status != ORDER_COMPLETED) {
        e = svc_fail(&op->result, ORDO_E_CONFLICT,
                     "order %s is %s: it can be reviewed once it is completed", rec.order_no,
                     order_status_name(rec.status));
        goto out;
    }
    rc = s->vt->completion->review_get(s, rec.id, &before);
    if (rc == STORE_NOT_FOUND && ro->edit_only) {
        e = svc_fail(&op->result, ORDO_E_NOT_FOUND, "order %s has no review to edit yet",
                     rec.order_no);
        goto out;
    }
    if ((rc != STORE_OK && rc != STORE_NOT_FOUND) || completion_settings_load(s, &c) != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    review_rec_t rv = {.order_id = rec.id,
                       .rating = ro->rating,
                       .comment = ro->comment,
                       .tags_json = ro->tags_json,
                       .actor = op->actor,
                       .at_ms = op->now_ms};
    char note[128];
    int64_t id = 0;
    if (!before) {
        rc = s->vt->completion->review_insert(s, &rv, &id);
        snprintf(note, sizeof note, "the buyer rated the order %d/5", ro->rating);
    } else {
        rc = s->vt->completion->review_edit(s, &rv, REVIEW_EDITS_MAX);
        snprintf(note, sizeof note, "the buyer changed the rating from %d/5 to %d/5",
                 (int)json_integer_value(json_object_get(before, "rating")), ro->rating);
    }
    if (rc == STORE_CONFLICT) {
        e = svc_fail(&op->result, ORDO_E_CONFLICT,
                     "order %s's review was already edited: a review can be edited once",
                     rec.order_no);
        goto out;
    }
    int64_t exception_id = 0;
    if (rc == STORE_OK)
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "review", note, op->now_ms);
    if (rc == STORE_OK && ro->rating <= c.low_rating_max)
        rc = open_low_rating(s, op, &rec, ro->rating, ro->comment, &exception_id);
    if (rc == STORE_OK)
        rc = s->vt->completion->review_get(s, rec.id, &after);
    if (rc != STORE_OK) {
        e = ORDO_E_STORE;
        goto out;
    }
    json_object_set_new(after, "order_no", json_string(rec.order_no));
    json_object_set_new(
        after, "edits_left",
        json_integer(REVIEW_EDITS_MAX - json_integer_value(json_object_get(after, "edits"))));
    json_object_set_new(after, "low_rating", json_boolean(ro->rating <= c.low_rating_max));
    json_object_set_new(after, "exception_id",
                        exception_id ? json_integer(exception_id) : json_null());
    svc_ok(&op->result, before ? 200 : 201, after);
    after = NULL;
out:
    json_decref(before);
    json_decref(after);
    order_rec_clear(&rec);
    return e;
}

static void review_destroy(svc_op_t *op) {
    review_op_t *ro = (review_op_t *)op;
    free(ro->comment);
    free(ro->tags_json);
}

svc_op_t *buyer_review_put_op(app_t *app, const char *order_no, json_t *body, bool edit_only,
                              const char *actor, svc_result_t *immediate) {
    if (!fields_require_object(body, "the review is invalid; nothing was saved", immediate))
        return NULL;
    int rating;
    const char *comment;
    char *tags_json = NULL;
    if (!review_parse(body, &rating, &comment, &tags_json, immediate)) {
        free(tags_json);
        if (svc_error_count(immediate))
            svc_fail(immediate, ORDO_E_VALIDATION, "the review is invalid; nothing was saved");
        else
            svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    review_op_t *ro = (review_op_t *)svc_op_alloc(sizeof *ro, app, actor);
    char *comment_copy = strdup(comment ? comment : "");
    if (!ro || !comment_copy) {
        free(ro);
        free(comment_copy);
        free(tags_json);
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    ro->op.run = review_run;
    ro->op.destroy = review_destroy;
    snprintf(ro->order_no, sizeof ro->order_no, "%s", order_no);
    ro->edit_only = edit_only;
    ro->rating = rating;
    ro->comment = comment_copy;
    ro->tags_json = tags_json;
    return &ro->op;
}

void buyer_review_get(app_t *app, const char *order_no, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    order_rec_t rec = {0};
    json_t *review = NULL;
    s->vt->read_begin(s);
    int rc = s->vt->order_get(s, 0, order_no, &rec);
    if (rc == STORE_OK)
        rc = s->vt->completion->review_get(s, rec.id, &review);
    s->vt->read_end(s);
    if (rc == STORE_NOT_FOUND && rec.id)
        svc_fail(r, ORDO_E_NOT_FOUND, "order %s has no review", order_no);
    else if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    else {
        json_object_set_new(review, "order_no", json_string(rec.order_no));
        json_object_set_new(
            review, "edits_left",
            json_integer(REVIEW_EDITS_MAX - json_integer_value(json_object_get(review, "edits"))));
        svc_ok(r, 200, review);
    }
    order_rec_clear(&rec);
}

/* part / whole to four decimals; null when there is no whole. */
static json_t *rate(int64_t part, int64_t whole) {
    return whole > 0 ? json_real(round((double)part / (double)whole * 10000.0) / 10000.0)
                     : json_null();
}

static json_t *average(int64_t sum, int64_t n) {
    return n > 0 ? json_real(round((double)sum / (double)n * 100.0) / 100.0) : json_null();
}

void buyer_reviews_summary(app_t *app, review_subject_t kind, const char *subject,
                           svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    int64_t counts[6];
    completion_settings_t c;
    s->vt->read_begin(s);
    int rc = s->vt->completion->review_counts(s, kind, subject, counts);
    if (rc == STORE_OK)
        rc = completion_settings_load(s, &c);
    s->vt->read_end(s);
    if (rc != STORE_OK) {
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    int64_t n = 0, sum = 0, low = 0;
    json_t *dist = json_object();
    for (int k = 1; k <= 5; k++) {
        char key[2] = {(char)('0' + k), 0};
        json_object_set_new(dist, key, json_integer(counts[k]));
        n += counts[k];
        sum += counts[k] * k;
        if (k <= c.low_rating_max)
            low += counts[k];
    }
    svc_ok(r, 200,
           json_pack("{s:s, s:I, s:o, s:o, s:I, s:o, s:i}", review_subject_name(kind), subject,
                     "count", (json_int_t)n, "average", average(sum, n), "distribution", dist,
                     "low_ratings", (json_int_t)low, "low_rating_share", rate(low, n),
                     "low_rating_max", c.low_rating_max));
}

/* Adds the after-sales figures of each row (by key) from the store's seam; nulls when the
 * store has none yet. */
static int add_after_sales(store_t *s, review_subject_t kind, int64_t from, int64_t to,
                           json_t *rows) {
    json_t *extra = NULL;
    if (s->vt->completion->quality_after_sales) {
        int rc = s->vt->completion->quality_after_sales(s, kind, from, to, &extra);
        if (rc != STORE_OK)
            return rc;
    }
    static const char *const figures[][2] = {
        {"returns", "return_rate"}, {"refunds", "refund_rate"}, {"complaints", "complaint_rate"}};
    size_t i, j;
    json_t *row, *x;
    json_array_foreach(rows, i, row) {
        const char *key = json_string_value(json_object_get(row, "key"));
        json_t *found = NULL;
        json_array_foreach(extra, j,
                           x) if (!found && strcmp(json_string_value(json_object_get(x, "key")),
                                                   key) == 0) found = x;
        int64_t orders = json_integer_value(json_object_get(row, "orders"));
        for (size_t f = 0; f < sizeof figures / sizeof figures[0]; f++) {
            json_t *count = extra ? json_object_get(found, figures[f][0]) : NULL;
            json_int_t v = json_integer_value(count);
            json_object_set_new(row, figures[f][0], extra ? json_integer(v) : json_null());
            json_object_set_new(row, figures[f][1], extra ? rate(v, orders) : json_null());
        }
    }
    json_decref(extra);
    return STORE_OK;
}

/* The store's rows shaped for the report: the key under the kind's name, rates computed. */
static json_t *quality_rows(json_t *rows, review_subject_t kind) {
    size_t i;
    json_t *row;
    json_t *out = json_array();
    json_array_foreach(rows, i, row) {
        int64_t orders = json_integer_value(json_object_get(row, "orders"));
        int64_t reviews = json_integer_value(json_object_get(row, "reviews"));
        int64_t sum = json_integer_value(json_object_get(row, "rating_sum"));
        int64_t low = json_integer_value(json_object_get(row, "low_ratings"));
        json_t *o = json_pack("{s:O, s:I, s:I, s:o, s:o, s:I, s:o}", review_subject_name(kind),
                              json_object_get(row, "key"), "orders", (json_int_t)orders, "reviews",
                              (json_int_t)reviews, "review_rate", rate(reviews, orders),
                              "average_rating", average(sum, reviews), "low_ratings",
                              (json_int_t)low, "low_rating_rate", rate(low, reviews));
        const char *const keep[] = {"returns",     "return_rate", "refunds",
                                    "refund_rate", "complaints",  "complaint_rate"};
        for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++)
            json_object_set(o, keep[k], json_object_get(row, keep[k]));
        json_array_append_new(out, o);
    }
    return out;
}

void quality_stats(app_t *app, int64_t from, int64_t to, svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return;
    }
    completion_settings_t c;
    json_t *by[SUBJECT__COUNT] = {0};
    s->vt->read_begin(s);
    int rc = completion_settings_load(s, &c);
    for (int k = 0; k < SUBJECT__COUNT && rc == STORE_OK; k++) {
        rc = s->vt->completion->quality(s, (review_subject_t)k, from, to, c.low_rating_max, &by[k]);
        if (rc == STORE_OK)
            rc = add_after_sales(s, (review_subject_t)k, from, to, by[k]);
    }
    s->vt->read_end(s);
    if (rc != STORE_OK) {
        for (int k = 0; k < SUBJECT__COUNT; k++)
            json_decref(by[k]);
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
        return;
    }
    char f[40], t[40];
    json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:b}", "from", rfc3339_format(from, f, sizeof f),
                             "to", rfc3339_format(to, t, sizeof t), "basis",
                             "orders shipped in [from, to)", "low_rating_max", c.low_rating_max,
                             "after_sales", s->vt->completion->quality_after_sales != NULL);
    static const char *const names[SUBJECT__COUNT] = {"by_sku", "by_warehouse", "by_carrier"};
    for (int k = 0; k < SUBJECT__COUNT; k++) {
        json_object_set_new(body, names[k], quality_rows(by[k], (review_subject_t)k));
        json_decref(by[k]);
    }
    svc_ok(r, 200, body);
}
