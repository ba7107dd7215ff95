/* Invoices: issue, void, read, and the seam for parcels. */
#include "svc/invoices.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice_calc.h"
#include "core/limits.h"
#include "core/rmb_upper.h"
#include "core/uscc.h"
#include "svc/fields.h"
#include "svc/invoice_pdf.h"
#include "svc/timeline.h"
#include "util/timefmt.h"

#define TEXT_MAX 200
#define EMAIL_MAX 254
#define TAX_ID_MAX 32
#define SERIES_MAX 24
#define INVOICE_NO_MAX 40
#define DEFAULT_RATE_BP 1300
#define SHIPPING_NAME "运费"

/* The body of an issue request, copied. */
typedef struct {
    char type[12], title_type[12];
    char title[ORDO_NAME_MAX * 4 + 1];
    char tax_id[TAX_ID_MAX + 1];
    char *email, *address, *phone, *bank; /* NULL when not given */
} buyer_t;

typedef struct {
    svc_op_t op;
    char order_no[40];
    buyer_t buyer;
} issue_op_t;

static const char *env_or(const char *name, const char *dflt) {
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* The merchant's default VAT rate: ORDO_INVOICE_TAX_RATE_BP when it is a known rate. */
static int32_t default_rate_bp(void) {
    const char *v = getenv("ORDO_INVOICE_TAX_RATE_BP");
    char *end;
    long n = v ? strtol(v, &end, 10) : -1;
    return v && *v && !*end && invoice_rate_known((int32_t)n) ? (int32_t)n : DEFAULT_RATE_BP;
}

static json_t *string_or_null(const char *s) {
    return s && *s ? json_string(s) : json_null();
}

/* ---- validation ---- */

static const char *one_of(json_t *body, const char *key, const char *a, const char *b,
                          field_errors_t *e) {
    const char *v = field_string(body, key, true, 16, e);
    if (v && strcmp(v, a) != 0 && strcmp(v, b) != 0) {
        field_errors_add(e, key, "invalid_value", "%s must be %s or %s", key, a, b);
        return NULL;
    }
    return v;
}

/* A company's tax id, upper-cased into out; every problem named. */
static void check_tax_id(const char *given, char out[TAX_ID_MAX + 1], field_errors_t *e) {
    size_t i = 0;
    for (; given[i] && i < TAX_ID_MAX; i++)
        out[i] = (char)toupper((unsigned char)given[i]);
    out[i] = '\0';
    size_t position = 0;
    char expected = 0;
    switch (uscc_check(out, &position, &expected)) {
    case USCC_OK:
        return;
    case USCC_LENGTH:
        field_errors_add(e, "tax_id", "invalid_tax_id",
                         "tax_id must be the 18-character unified social credit code "
                         "(统一社会信用代码); it has %zu",
                         strlen(given));
        return;
    case USCC_CHARACTER:
        field_errors_add(e, "tax_id", "invalid_tax_id",
                         "tax_id has '%c' at position %zu: the code uses digits and capital "
                         "letters except I, O, S, V and Z",
                         given[position], position + 1);
        return;
    case USCC_CHECK_DIGIT:
        field_errors_add(e, "tax_id", "invalid_check_digit",
                         "tax_id's check digit is wrong: the first 17 characters call for '%c', "
                         "not '%c' (a mistyped character?)",
                         expected, out[17]);
        return;
    }
}

static char *optional_text(json_t *body, const char *key, size_t max, field_errors_t *e) {
    const char *v = field_string(body, key, false, max, e);
    for (const unsigned char *p = (const unsigned char *)v; p && *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            field_errors_add(e, key, "invalid_characters", "%s contains a control character", key);
            return NULL;
        }
    return v && *v ? strdup(v) : NULL;
}

static const char *const BODY_KEYS[] = {"type",    "title_type", "title", "tax_id", "email",
                                        "address", "phone",      "bank",  NULL};

static void read_buyer(json_t *body, buyer_t *b, field_errors_t *e) {
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        bool known = false;
        for (const char *const *k = BODY_KEYS; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known)
            field_errors_add(e, key, "not_allowed",
                             "%s is not a member of an invoice request: type, title_type, title, "
                             "tax_id, email, address, phone, bank",
                             key);
    }
    const char *type = one_of(body, "type", "electronic", "paper", e);
    const char *title_type = one_of(body, "title_type", "personal", "company", e);
    const char *title = field_string(body, "title", true, ORDO_NAME_MAX * 4, e);
    if (title && !*title)
        field_errors_add(e, "title", "required", "title is the buyer's name or company name");
    const char *tax_id = field_string(body, "tax_id", false, 64, e);
    snprintf(b->type, sizeof b->type, "%s", type ? type : "");
    snprintf(b->title_type, sizeof b->title_type, "%s", title_type ? title_type : "");
    snprintf(b->title, sizeof b->title, "%s", title ? title : "");
    bool company = title_type && strcmp(title_type, "company") == 0;
    if (company && (!tax_id || !*tax_id))
        field_errors_add(e, "tax_id", "required",
                         "a company title needs its tax_id (统一社会信用代码)");
    else if (company)
        check_tax_id(tax_id, b->tax_id, e);
    else if (title_type && tax_id && *tax_id)
        field_errors_add(e, "tax_id", "not_allowed",
                         "a personal title has no tax_id; use title_type company for a business");
    b->email = optional_text(body, "email", EMAIL_MAX, e);
    const char *at = b->email ? strchr(b->email, '@') : NULL;
    if (b->email && (!at || at == b->email || !strchr(at, '.') || strchr(b->email, ' ')))
        field_errors_add(e, "email", "invalid_value", "email is not an address (name@domain)");
    b->address = optional_text(body, "address", TEXT_MAX, e);
    b->phone = optional_text(body, "phone", 40, e);
    b->bank = optional_text(body, "bank", TEXT_MAX, e);
}

static void buyer_free(buyer_t *b) {
    free(b->email);
    free(b->address);
    free(b->phone);
    free(b->bank);
}

/* ---- issuing ---- */

/* The invoice's lines from the order's items and shipping fee; false on a store failure. */
static int build_lines(store_t *s, json_t *doc, json_t *lines, invoice_line_in_t *in, int *n) {
    int32_t dflt = default_rate_bp();
    size_t i;
    json_t *item;
    *n = 0;
    json_array_foreach(json_object_get(doc, "items"), i, item) {
        const char *sku = json_string_value(json_object_get(item, "sku"));
        int64_t qty = json_integer_value(json_object_get(item, "qty"));
        int64_t price = json_integer_value(json_object_get(item, "unit_price"));
        json_t *row = NULL;
        int32_t rate = -1;
        char code[33] = "";
        int rc = s->vt->sku_get(s, sku, &row);
        if (rc == STORE_OK)
            rc = s->vt->sku_tax_get(s, sku, &rate, code);
        if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
            json_decref(row);
            return rc;
        }
        const char *name = row ? json_string_value(json_object_get(row, "name")) : NULL;
        in[*n] = (invoice_line_in_t){
            .gross_fen = qty * price, .rate_bp = rate < 0 ? dflt : rate, .discountable = true};
        json_array_append_new(lines,
                              json_pack("{s:s, s:s, s:o, s:I, s:I}", "sku", sku, "name",
                                        name ? name : sku, "tax_code", string_or_null(code), "qty",
                                        (json_int_t)qty, "unit_price", (json_int_t)price));
        json_decref(row);
        (*n)++;
    }
    int64_t shipping =
        json_integer_value(json_object_get(json_object_get(doc, "amounts"), "shipping"));
    if (shipping > 0) {
        in[*n] = (invoice_line_in_t){.gross_fen = shipping, .rate_bp = dflt, .discountable = false};
        json_array_append_new(lines,
                              json_pack("{s:n, s:s, s:n, s:i, s:I}", "sku", "name", SHIPPING_NAME,
                                        "tax_code", "qty", 1, "unit_price", (json_int_t)shipping));
        (*n)++;
    }
    return STORE_OK;
}

/* The invoice as issued, or NULL when its money does not add up (a stored order always does). */
static json_t *build_doc(issue_op_t *p, const order_rec_t *rec, json_t *lines,
                         const invoice_line_in_t *in, int n, const char *invoice_no) {
    invoice_line_out_t out[ORDO_ORDER_LINES_MAX + 1];
    invoice_totals_t t;
    json_t *amounts = json_object_get(rec->doc, "amounts");
    int64_t discount = json_integer_value(json_object_get(amounts, "discounts"));
    if (!invoice_compute(in, n, discount, out, &t) ||
        t.amount_fen != json_integer_value(json_object_get(amounts, "total")))
        return NULL;
    for (int i = 0; i < n; i++) {
        json_t *l = json_array_get(lines, (size_t)i);
        json_object_set_new(l, "line", json_integer(i + 1));
        json_object_set_new(l, "discount", json_integer(out[i].discount_fen));
        json_object_set_new(l, "amount", json_integer(out[i].amount_fen));
        json_object_set_new(l, "rate_bp", json_integer(in[i].rate_bp));
        json_object_set_new(l, "net", json_integer(out[i].net_fen));
        json_object_set_new(l, "tax", json_integer(out[i].tax_fen));
    }
    char upper[RMB_UPPER_MAX], day[16], at[40];
    rmb_upper(t.amount_fen, upper, sizeof upper);
    const buyer_t *b = &p->buyer;
    bool company = strcmp(b->title_type, "company") == 0;
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:o, s:o, s:o, s:o},"
        " s:{s:s, s:s, s:o, s:o, s:o, s:o, s:o}, s:O, s:{s:I, s:I, s:I, s:I, s:s}}",
        "invoice_no", invoice_no, "order_no", rec->order_no, "type", b->type, "issued_at",
        rfc3339_format(p->op.now_ms, at, sizeof at), "date",
        date_format(day_in_china(p->op.now_ms), day, sizeof day), "seller", "name",
        env_or("ORDO_SELLER_NAME", "ordo 示例商店"), "tax_id",
        string_or_null(getenv("ORDO_SELLER_TAX_ID")), "address",
        string_or_null(getenv("ORDO_SELLER_ADDRESS")), "phone",
        string_or_null(getenv("ORDO_SELLER_PHONE")), "bank",
        string_or_null(getenv("ORDO_SELLER_BANK")), "buyer", "title_type", b->title_type, "title",
        b->title, "tax_id", string_or_null(company ? b->tax_id : NULL), "email",
        string_or_null(b->email), "address", string_or_null(b->address), "phone",
        string_or_null(b->phone), "bank", string_or_null(b->bank), "lines", lines, "totals", "net",
        (json_int_t)t.net_fen, "tax", (json_int_t)t.tax_fen, "discount", (json_int_t)t.discount_fen,
        "amount", (json_int_t)t.amount_fen, "amount_upper", upper);
}

/* What GET /v1/invoices/{no} shows: the invoice as issued with its state. Takes row. */
static json_t *invoice_view(json_t *row) {
    json_t *view = json_deep_copy(json_object_get(row, "doc"));
    if (!json_is_object(view)) {
        json_decref(view);
        view = json_object();
    }
    const char *state[] = {"status",      "replaces",  "created_by", "updated_at",
                           "void_reason", "voided_by", NULL};
    for (const char *const *k = state; *k; k++)
        json_object_set(view, *k, json_object_get(row, *k));
    bool paper = strcmp(json_string_value(json_object_get(row, "type")), "paper") == 0;
    json_object_set_new(view, "with_parcel", json_boolean(paper));
    char pdf[96];
    snprintf(pdf, sizeof pdf, "/v1/invoices/%s.pdf",
             json_string_value(json_object_get(row, "invoice_no")));
    json_object_set_new(view, "pdf", json_string(pdf));
    json_decref(row);
    return view;
}

/* The next number of this year's series, in the transaction. */
static int next_number(store_t *s, int64_t now_ms, char out[INVOICE_NO_MAX]) {
    char day[16], series[SERIES_MAX + 8];
    date_format(day_in_china(now_ms), day, sizeof day);
    snprintf(series, sizeof series, "%.*s%.4s", SERIES_MAX - 4, env_or("ORDO_INVOICE_PREFIX", "FP"),
             day);
    int64_t n = 0;
    int rc = s->vt->invoice_number_next(s, series, &n);
    if (rc == STORE_OK)
        snprintf(out, INVOICE_NO_MAX, "%s%08lld", series, (long long)n);
    return rc;
}

static ordo_err_t issue_for(store_t *s, issue_op_t *p, order_rec_t *rec) {
    svc_op_t *op = &p->op;
    if (rec->status == ORDER_PENDING_PAYMENT || rec->status == ORDER_CANCELLED)
        return svc_fail(&op->result, ORDO_E_ILLEGAL_TRANSITION,
                        "order %s is %s: an invoice is issued for a paid order", rec->order_no,
                        order_status_name(rec->status));
    json_t *active = NULL;
    int rc = s->vt->invoice_get(s, NULL, rec->id, &active);
    if (rc == STORE_OK) {
        svc_fail(&op->result, ORDO_E_CONFLICT,
                 "order %s already has invoice %s (%s): void it to issue another", rec->order_no,
                 json_string_value(json_object_get(active, "invoice_no")),
                 json_string_value(json_object_get(active, "status")));
        json_decref(active);
        return op->result.err;
    }
    if (rc != STORE_NOT_FOUND)
        return ORDO_E_STORE;
    invoice_line_in_t in[ORDO_ORDER_LINES_MAX + 1];
    int n = 0;
    json_t *lines = json_array();
    char invoice_no[INVOICE_NO_MAX];
    rc = build_lines(s, rec->doc, lines, in, &n);
    if (rc == STORE_OK)
        rc = next_number(s, op->now_ms, invoice_no);
    json_t *doc = rc == STORE_OK ? build_doc(p, rec, lines, in, n, invoice_no) : NULL;
    json_decref(lines);
    char *doc_text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!doc_text)
        return ORDO_E_STORE;
    bool paper = strcmp(p->buyer.type, "paper") == 0;
    invoice_rec_t inv = {.invoice_no = invoice_no,
                         .order_id = rec->id,
                         .type = p->buyer.type,
                         .status = paper ? "to_print" : "issued",
                         .doc_json = doc_text,
                         .actor = op->actor,
                         .now_ms = op->now_ms};
    rc = s->vt->invoice_insert(s, &inv);
    free(doc_text);
    char note[ORDO_NAME_MAX * 4 + 128];
    snprintf(note, sizeof note, "invoice %s (%s) to %s", invoice_no, p->buyer.type, p->buyer.title);
    if (rc == STORE_OK)
        rc =
            timeline_note(s, rec->id, rec->order_no, op->actor, "invoice_issued", note, op->now_ms);
    json_t *row = NULL;
    if (rc == STORE_OK)
        rc = s->vt->invoice_get(s, invoice_no, 0, &row);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 201, invoice_view(row));
    snprintf(op->result.created, sizeof op->result.created, "%s", invoice_no);
    return ORDO_E_OK;
}

static ordo_err_t issue_run(store_t *s, svc_op_t *op) {
    issue_op_t *p = (issue_op_t *)op;
    order_rec_t rec = {0};
    int rc = s->vt->order_get(s, 0, p->order_no, &rec);
    ordo_err_t err;
    if (rc == STORE_NOT_FOUND)
        err = svc_fail(&op->result, ORDO_E_NOT_FOUND, "no order %s", p->order_no);
    else if (rc != STORE_OK)
        err = ORDO_E_STORE;
    else
        err = issue_for(s, p, &rec);
    order_rec_clear(&rec);
    return err;
}

static void issue_destroy(svc_op_t *op) {
    buyer_free(&((issue_op_t *)op)->buyer);
}

svc_op_t *invoice_issue_op(app_t *app, const char *order_no, json_t *body, const char *actor,
                           svc_result_t *immediate) {
    field_errors_t *e = svc_errors(immediate);
    if (!e) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    if (!fields_require_object(body, "the invoice request is invalid", immediate))
        return NULL;
    issue_op_t *p = (issue_op_t *)svc_op_alloc(sizeof *p, app, actor);
    if (!p) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    p->op.destroy = issue_destroy;
    read_buyer(body, &p->buyer, e);
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the invoice request is invalid; nothing issued");
        svc_op_free(&p->op);
        return NULL;
    }
    p->op.run = issue_run;
    snprintf(p->order_no, sizeof p->order_no, "%s", order_no);
    return &p->op;
}

/* ---- voiding ---- */

typedef struct {
    svc_op_t op;
    char invoice_no[INVOICE_NO_MAX + 8];
    char reason[ORDO_REASON_MAX + 1];
} void_op_t;

static ordo_err_t void_run(store_t *s, svc_op_t *op) {
    void_op_t *v = (void_op_t *)op;
    json_t *row = NULL;
    int rc = s->vt->invoice_get(s, v->invoice_no, 0, &row);
    if (rc == STORE_NOT_FOUND)
        return svc_fail(&op->result, ORDO_E_NOT_FOUND, "no invoice %s", v->invoice_no);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    char status[16], order_no[40];
    snprintf(status, sizeof status, "%s", json_string_value(json_object_get(row, "status")));
    snprintf(order_no, sizeof order_no, "%s", json_string_value(json_object_get(row, "order_no")));
    json_decref(row);
    if (strcmp(status, "void") == 0)
        return svc_fail(&op->result, ORDO_E_CONFLICT, "invoice %s is already void", v->invoice_no);
    order_rec_t rec = {0};
    rc = s->vt->invoice_set_status(s, v->invoice_no, status, "void", op->actor, v->reason,
                                   op->now_ms);
    if (rc == STORE_OK)
        rc = s->vt->order_get(s, 0, order_no, &rec);
    char note[ORDO_REASON_MAX + 80];
    snprintf(note, sizeof note, "invoice %s voided: %s", v->invoice_no, v->reason);
    if (rc == STORE_OK)
        rc = timeline_note(s, rec.id, rec.order_no, op->actor, "invoice_voided", note, op->now_ms);
    order_rec_clear(&rec);
    if (rc == STORE_OK)
        rc = s->vt->invoice_get(s, v->invoice_no, 0, &row);
    if (rc != STORE_OK)
        return ORDO_E_STORE;
    svc_ok(&op->result, 200, invoice_view(row));
    return ORDO_E_OK;
}

svc_op_t *invoice_void_op(app_t *app, const char *invoice_no, json_t *body, const char *actor,
                          svc_result_t *immediate) {
    if (!fields_require_object(body, "the body must be a JSON object with a reason", immediate))
        return NULL;
    const char *reason = field_string(body, "reason", true, ORDO_REASON_MAX, svc_errors(immediate));
    if (reason && !*reason)
        field_errors_add(svc_errors(immediate), "reason", "required", "say why it is voided");
    if (svc_error_count(immediate)) {
        svc_fail(immediate, ORDO_E_VALIDATION, "the request has invalid fields");
        return NULL;
    }
    void_op_t *v = (void_op_t *)svc_op_alloc(sizeof *v, app, actor);
    if (!v) {
        svc_fail(immediate, ORDO_E_OVERLOADED, "out of memory");
        return NULL;
    }
    v->op.run = void_run;
    snprintf(v->invoice_no, sizeof v->invoice_no, "%s", invoice_no);
    snprintf(v->reason, sizeof v->reason, "%s", reason);
    return &v->op;
}

/* ---- reads ---- */

/* The invoice by number (or the order's active one) through this thread's reader. */
static json_t *read_invoice(app_t *app, const char *invoice_no, const char *order_no,
                            svc_result_t *r) {
    store_t *s = app_reader(app);
    if (!s) {
        svc_fail(r, ORDO_E_STORE, "cannot open the database for reading");
        return NULL;
    }
    json_t *row = NULL;
    order_rec_t rec = {0};
    s->vt->read_begin(s);
    int rc = order_no ? s->vt->order_get(s, 0, order_no, &rec) : STORE_OK;
    if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no order %s", order_no);
    else if (rc == STORE_OK)
        rc = s->vt->invoice_get(s, invoice_no, rec.id, &row);
    s->vt->read_end(s);
    order_rec_clear(&rec);
    if (r->err != ORDO_E_OK)
        return NULL;
    if (rc == STORE_NOT_FOUND && order_no)
        svc_fail(r, ORDO_E_NOT_FOUND, "order %s has no invoice (or only void ones)", order_no);
    else if (rc == STORE_NOT_FOUND)
        svc_fail(r, ORDO_E_NOT_FOUND, "no invoice %s", invoice_no);
    else if (rc != STORE_OK)
        svc_fail(r, ORDO_E_STORE, "%s", s->vt->errmsg(s));
    return rc == STORE_OK ? invoice_view(row) : NULL;
}

void order_invoice(app_t *app, const char *order_no, svc_result_t *r) {
    json_t *view = read_invoice(app, NULL, order_no, r);
    if (view)
        svc_ok(r, 200, view);
}

void invoice_get(app_t *app, const char *invoice_no, svc_result_t *r) {
    json_t *view = read_invoice(app, invoice_no, NULL, r);
    if (view)
        svc_ok(r, 200, view);
}

void invoice_pdf(app_t *app, const char *invoice_no, svc_result_t *r) {
    json_t *view = read_invoice(app, invoice_no, NULL, r);
    if (!view)
        return;
    size_t len = 0;
    char *pdf = invoice_pdf_render(view, &len);
    json_decref(view);
    if (!pdf) {
        svc_fail(r, ORDO_E_INTERNAL, "the PDF could not be made");
        return;
    }
    r->err = ORDO_E_OK;
    r->http_status = 200;
    r->body_text = pdf;
    r->body_len = len;
    r->content_type = "application/pdf";
}

/* ---- parcels ---- */

int invoice_for_parcel(store_t *s, int64_t order_id, json_t **out) {
    json_t *row = NULL;
    int rc = s->vt->invoice_get(s, NULL, order_id, &row);
    if (rc != STORE_OK)
        return rc;
    if (strcmp(json_string_value(json_object_get(row, "status")), "to_print") != 0) {
        json_decref(row);
        return STORE_NOT_FOUND;
    }
    *out = invoice_view(row);
    return STORE_OK;
}

int invoice_parcel_shipped(store_t *s, int64_t order_id, int64_t now_ms) {
    json_t *view = NULL;
    int rc = invoice_for_parcel(s, order_id, &view);
    if (rc == STORE_NOT_FOUND)
        return STORE_OK;
    if (rc != STORE_OK)
        return rc;
    rc = s->vt->invoice_set_status(s, json_string_value(json_object_get(view, "invoice_no")),
                                   "to_print", "shipped", NULL, NULL, now_ms);
    json_decref(view);
    return rc;
}
