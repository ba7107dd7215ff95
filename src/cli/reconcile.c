/* `ordo reconcile alipay STATEMENT.csv`: the same reconciliation as POST
 * /v1/reconciliations/alipay, through the writer, with a report for people (or the JSON). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/limits.h"
#include "core/money.h"
#include "svc/reconcile.h"
#include "util/file.h"

static const char reconcile_usage[] =
    "usage: ordo reconcile alipay STATEMENT.csv [--db PATH] [--json]\n"
    "\n"
    "Compares Alipay's trade statement (业务明细 CSV as downloaded, GBK or UTF-8) with the\n"
    "payments ordo recorded, per order: paid_not_recorded, recorded_not_paid (in the\n"
    "statement's period), amount_mismatch, and refund_not_recorded (a refund of an order ordo\n"
    "has not cancelled). Each new discrepancy opens one red exception on its order; the same\n"
    "statement again opens nothing new. The run is stored (GET /v1/reconciliations/ID).\n"
    "--json prints the report as the API returns it.\n"
    "Exit status: 0 everything matched, 3 discrepancies found, 4 the statement was refused\n"
    "(each problem named by line), 1 failure, 2 usage.\n";

enum {
    EXIT_MATCHED = 0,
    EXIT_FAILURE_ = 1,
    EXIT_USAGE = 2,
    EXIT_DISCREPANCIES = 3,
    EXIT_REFUSED = 4
};

static const char *text_or(json_t *v, const char *fallback) {
    return json_is_string(v) ? json_string_value(v) : fallback;
}

static void print_report(json_t *rep) {
    json_t *period = json_object_get(rep, "period"), *stmt = json_object_get(rep, "statement");
    printf("reconciliation %lld: alipay statement %s … %s, %lld trades, %lld refunds\n",
           (long long)json_integer_value(json_object_get(rep, "id")),
           text_or(json_object_get(period, "start"), "?"),
           text_or(json_object_get(period, "end"), "?"),
           (long long)json_integer_value(json_object_get(stmt, "trades")),
           (long long)json_integer_value(json_object_get(stmt, "refunds")));
    printf("matched: %lld\n", (long long)json_integer_value(json_object_get(rep, "matched")));
    json_t *counts = json_object_get(rep, "counts");
    printf("discrepancies: %lld (",
           (long long)json_integer_value(json_object_get(rep, "discrepancy_count")));
    const char *key;
    json_t *v;
    const char *sep = "";
    json_object_foreach(counts, key, v) {
        printf("%s%s %lld", sep, key, (long long)json_integer_value(v));
        sep = ", ";
    }
    printf("); exceptions opened: %lld\n",
           (long long)json_integer_value(json_object_get(rep, "exceptions_opened")));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rep, "discrepancies"), i, d) {
        json_t *exc = json_object_get(d, "exception_id");
        printf("  %-20s order %-20s trade %s", json_string_value(json_object_get(d, "kind")),
               text_or(json_object_get(d, "order_no"), "(none)"),
               json_string_value(json_object_get(d, "trade_no")));
        if (json_is_integer(exc))
            printf("  exception %lld%s", (long long)json_integer_value(exc),
                   json_is_true(json_object_get(d, "new")) ? " (new)" : "");
        printf("\n      %s\n", json_string_value(json_object_get(d, "message")));
    }
    json_array_foreach(json_object_get(rep, "refunds"), i, d) {
        printf("  refund  order %-20s trade %s  ",
               text_or(json_object_get(d, "order_no"), "(none)"),
               json_string_value(json_object_get(d, "trade_no")));
        char amount[32];
        printf("%s yuan  %s\n",
               money_format_yuan(amount, sizeof amount,
                                 json_integer_value(json_object_get(d, "amount_fen"))),
               text_or(json_object_get(d, "refund_no"), ""));
    }
}

int cmd_reconcile(int argc, char **argv) {
    const char *db = NULL, *file = NULL;
    bool as_json = false;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(reconcile_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "alipay") != 0) {
        fprintf(stderr, "ordo reconcile: no statement format for '%s' (alipay)\n%s", argv[1],
                reconcile_usage);
        return EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(reconcile_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            as_json = true;
        } else if (cli_flag_value(argc, argv, &i, "--db", &db)) {
        } else if (!file && argv[i][0] != '-') {
            file = argv[i];
        } else {
            fprintf(stderr, "ordo reconcile: unexpected '%s'\n%s", argv[i], reconcile_usage);
            return EXIT_USAGE;
        }
    }
    if (!file) {
        fputs(reconcile_usage, stderr);
        return EXIT_USAGE;
    }
    struct stat sb;
    if (stat(file, &sb) == 0 && sb.st_size > ORDO_STATEMENT_MAX_BYTES) {
        fprintf(stderr, "ordo reconcile: %s is over %d bytes\n", file, ORDO_STATEMENT_MAX_BYTES);
        return EXIT_REFUSED;
    }
    size_t len = 0;
    char *data = file_read_all(file, &len);
    if (!data) {
        fprintf(stderr, "ordo reconcile: cannot read %s: %s\n", file, strerror(errno));
        return EXIT_FAILURE_;
    }
    char err[512];
    app_t *app = app_open(cli_db_path(db), err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo reconcile: %s\n", err);
        free(data);
        return EXIT_FAILURE_;
    }
    svc_result_t refused;
    svc_result_init(&refused);
    svc_op_t *op = reconcile_alipay_op(app, data, len, "cli", &refused);
    int rc;
    if (!op) {
        fprintf(stderr, "ordo reconcile: %s: %s\n", file, refused.detail);
        for (int i = 0; i < svc_error_count(&refused); i++)
            fprintf(stderr, "%s: %s: %s (%s)\n", file, refused.errors->items[i].field,
                    refused.errors->items[i].message, refused.errors->items[i].code);
        rc = refused.err == ORDO_E_BAD_REQUEST ? EXIT_REFUSED : EXIT_FAILURE_;
    } else {
        svc_op_run_sync(op);
        json_t *rep = op->result.body;
        if (op->result.err != ORDO_E_OK || !rep) {
            fprintf(stderr, "ordo reconcile: %s\n", op->result.detail);
            rc = EXIT_FAILURE_;
        } else {
            if (as_json) {
                json_dumpf(rep, stdout, JSON_INDENT(2));
                putchar('\n');
            } else {
                print_report(rep);
            }
            rc = json_integer_value(json_object_get(rep, "discrepancy_count")) > 0
                     ? EXIT_DISCREPANCIES
                     : EXIT_MATCHED;
        }
        svc_op_free(op);
    }
    svc_result_clear(&refused);
    free(data);
    app_close(app);
    return rc;
}
