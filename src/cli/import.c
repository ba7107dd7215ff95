/* Bulk import of canonical orders, one JSON object per line: the same validation, idempotency
 * and writes as POST /v1/orders, without HTTP. Parsing runs on this thread while the writer
 * commits the previous batch on another, so both cores work. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svc/orders.h"
#include "util/log.h"
#include "util/timefmt.h"

static const char import_usage[] =
    "usage: ordo import FILE [--db PATH] [--rejects PATH]\n"
    "\n"
    "Imports canonical orders from FILE (JSON lines; '-' for standard input) with the same\n"
    "validation and idempotency as POST /v1/orders. Lines that fail are written with their\n"
    "reasons to --rejects (default FILE.rejects.jsonl). Shows a progress bar on a terminal.\n"
    "Exit status: 0 all lines stored or already present, 3 some lines rejected, 1 failure.\n";

/* Orders handed to the writer and not yet back: bounds memory while keeping the writer's
 * batches full. */
#define IN_FLIGHT_MAX 2048

typedef struct pending pending_t;
struct pending {
    svc_op_t *op;
    long line_no;
    char *text;
    pending_t *next;
};

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pending_t *done;
    int in_flight;
    long accepted, duplicate, rejected;
    FILE *rejects;
} import_state_t;

/* One import runs per process; the writer's callback reaches its state here. */
static import_state_t *import_state;

static void on_done(void *arg) {
    pending_t *p = arg;
    pthread_mutex_lock(&import_state->mu);
    p->next = import_state->done;
    import_state->done = p;
    import_state->in_flight--;
    pthread_cond_signal(&import_state->cv);
    pthread_mutex_unlock(&import_state->mu);
}

static void write_reject(import_state_t *st, long line_no, const char *text,
                         const svc_result_t *r) {
    json_t *errs = json_array();
    for (int i = 0; i < svc_error_count(r); i++)
        json_array_append_new(errs, json_pack("{s:s, s:s, s:s}", "field", r->errors->items[i].field,
                                              "code", r->errors->items[i].code, "message",
                                              r->errors->items[i].message));
    json_t *row =
        json_pack("{s:i, s:s, s:s, s:o, s:s}", "line", (int)line_no, "code", ordo_err_code(r->err),
                  "detail", r->detail, "errors", errs, "input", text);
    if (!row) /* the input was not valid UTF-8: keep the reason, drop the text */
        row = json_pack("{s:i, s:s, s:s}", "line", (int)line_no, "code", ordo_err_code(r->err),
                        "detail", r->detail);
    char *out = row ? json_dumps(row, JSON_COMPACT) : NULL;
    if (out)
        fprintf(st->rejects, "%s\n", out);
    free(out);
    json_decref(row);
    st->rejected++;
}

/* Accounts for every finished order; called with the lock held. */
static void drain_done(import_state_t *st) {
    pending_t *p = st->done;
    st->done = NULL;
    pthread_mutex_unlock(&st->mu);
    while (p) {
        pending_t *next = p->next;
        svc_op_finish(p->op);
        if (p->op->result.err != ORDO_E_OK)
            write_reject(st, p->line_no, p->text, &p->op->result);
        else if (p->op->result.http_status == 200)
            st->duplicate++;
        else
            st->accepted++;
        svc_op_free(p->op);
        free(p->text);
        free(p);
        p = next;
    }
    pthread_mutex_lock(&st->mu);
}

static void progress(off_t done, off_t total, long lines, int64_t started_ns, bool final) {
    double secs = (double)(time_mono_ns() - started_ns) / 1e9;
    int width = 30, filled = total > 0 ? (int)((double)done / (double)total * width) : 0;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %3d%%  %ld lines  %.0f/s ", bar,
            total > 0 ? (int)(100.0 * (double)done / (double)total) : 0, lines,
            secs > 0 ? (double)lines / secs : 0.0);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

int cmd_import(int argc, char **argv) {
    const char *file = NULL, *db = NULL, *rejects_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(import_usage, stdout);
            return 0;
        } else if (cli_flag_value(argc, argv, &i, "--db", &db) ||
                   cli_flag_value(argc, argv, &i, "--rejects", &rejects_path)) {
        } else if (!file && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)) {
            file = argv[i];
        } else {
            fprintf(stderr, "ordo import: unknown argument '%s'\n%s", argv[i], import_usage);
            return 2;
        }
    }
    if (!file) {
        fputs(import_usage, stderr);
        return 2;
    }
    FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!in) {
        fprintf(stderr, "ordo import: cannot open %s: %s\n", file, strerror(errno));
        return 1;
    }
    char rej_default[4096];
    if (!rejects_path) {
        snprintf(rej_default, sizeof rej_default, "%s.rejects.jsonl",
                 strcmp(file, "-") == 0 ? "stdin" : file);
        rejects_path = rej_default;
    }
    db = cli_db_path(db);
    if (cli_make_parent_dir(db) != 0) {
        fprintf(stderr, "ordo import: cannot create the folder for %s\n", db);
        return 1;
    }
    char err[512];
    app_t *app = app_open(db, err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo import: %s\n", err);
        if (in != stdin)
            fclose(in);
        return 1;
    }
    import_state_t st = {.rejects = fopen(rejects_path, "w")};
    if (!st.rejects) {
        fprintf(stderr, "ordo import: cannot write %s: %s\n", rejects_path, strerror(errno));
        app_close(app);
        if (in != stdin)
            fclose(in);
        return 1;
    }
    pthread_mutex_init(&st.mu, NULL);
    pthread_cond_init(&st.cv, NULL);
    import_state = &st;

    struct stat sb;
    off_t total = in != stdin && fstat(fileno(in), &sb) == 0 ? sb.st_size : 0;
    bool tty = isatty(STDERR_FILENO);
    int64_t started = time_mono_ns(), last_draw = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long line_no = 0;
    off_t consumed = 0;
    while ((len = getline(&line, &cap, in)) > 0) {
        line_no++;
        consumed += len;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        svc_result_t r;
        svc_result_init(&r);
        json_error_t jerr;
        json_t *doc = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
        svc_op_t *op = NULL;
        if (!doc) {
            svc_fail(&r, ORDO_E_MALFORMED_JSON, "%s (column %d)", jerr.text, jerr.column);
        } else if (!json_is_object(doc)) {
            svc_fail(&r, ORDO_E_VALIDATION, "the line is not a JSON object");
        } else {
            op = order_place_op(app, doc, "import", &r);
        }
        json_decref(doc);
        if (!op) {
            write_reject(&st, line_no, line, &r);
            svc_result_clear(&r);
            continue;
        }
        op->want_body = false;
        pending_t *p = calloc(1, sizeof *p);
        p->op = op;
        p->line_no = line_no;
        p->text = strndup(line, (size_t)len);
        op->notify = on_done;
        op->notify_ctx = p;
        pthread_mutex_lock(&st.mu);
        while (st.in_flight >= IN_FLIGHT_MAX)
            pthread_cond_wait(&st.cv, &st.mu);
        st.in_flight++;
        if (st.done)
            drain_done(&st);
        pthread_mutex_unlock(&st.mu);
        ordo_err_t e = svc_op_submit(op);
        if (e != ORDO_E_OK) {
            svc_fail(&op->result, e, "%s", ordo_err_title(e));
            on_done(p);
        }
        if (tty && time_mono_ns() - last_draw > 200000000LL) {
            last_draw = time_mono_ns();
            progress(consumed, total, line_no, started, false);
        }
    }
    free(line);
    pthread_mutex_lock(&st.mu);
    while (st.in_flight > 0 || st.done) {
        if (st.done)
            drain_done(&st);
        else
            pthread_cond_wait(&st.cv, &st.mu);
    }
    pthread_mutex_unlock(&st.mu);
    if (tty)
        progress(total, total, line_no, started, true);
    double secs = (double)(time_mono_ns() - started) / 1e9;
    bool read_error = ferror(in);
    if (in != stdin)
        fclose(in);
    fclose(st.rejects);
    if (st.rejected == 0)
        unlink(rejects_path);
    app_close(app);
    pthread_mutex_destroy(&st.mu);
    pthread_cond_destroy(&st.cv);

    long stored = st.accepted + st.duplicate;
    printf("imported %ld lines in %.2f s (%.0f orders/s): %ld accepted, %ld duplicate, "
           "%ld rejected%s%s\n",
           stored + st.rejected, secs, secs > 0 ? (double)st.accepted / secs : 0.0, st.accepted,
           st.duplicate, st.rejected, st.rejected ? "; reasons in " : "",
           st.rejected ? rejects_path : "");
    if (read_error) {
        fprintf(stderr, "ordo import: read error on %s\n", file);
        return 1;
    }
    return st.rejected ? 3 : 0;
}
