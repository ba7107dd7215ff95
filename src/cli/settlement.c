#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/app.h"
#include "svc/settlement.h"

static const char settlement_usage[] =
    "usage: ordo settlement --from DATE --to DATE [--json] [--db PATH]\n"
    "\n"
    "The settlement of orders completed from --from to --to, per channel and day (China\n"
    "time): orders, paid, channel commission, refunds and the merchant's income, in fen, as\n"
    "CSV with a header (or the API's JSON document with --json). DATE is YYYY-MM-DD (--to\n"
    "inclusive) or an RFC 3339 date-time (--to exclusive).\n";

int cmd_settlement(int argc, char **argv) {
    const char *db = NULL, *from = NULL, *to = NULL;
    bool as_json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(settlement_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            as_json = true;
        } else if (strcmp(argv[i], "--csv") == 0) {
            as_json = false;
        } else if (cli_flag_value(argc, argv, &i, "--db", &db) ||
                   cli_flag_value(argc, argv, &i, "--from", &from) ||
                   cli_flag_value(argc, argv, &i, "--to", &to)) {
        } else {
            fprintf(stderr, "ordo settlement: unexpected '%s'\n%s", argv[i], settlement_usage);
            return 2;
        }
    }
    int64_t from_ms, to_ms;
    if (!from || !to || !settlement_period(from, to, &from_ms, &to_ms)) {
        fprintf(stderr,
                "ordo settlement: --from and --to are dates (YYYY-MM-DD) or RFC 3339 "
                "date-times, from before to\n%s",
                settlement_usage);
        return 2;
    }
    char err[512];
    app_t *app = app_open(cli_db_path(db), err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo settlement: %s\n", err);
        return 1;
    }
    svc_result_t r;
    svc_result_init(&r);
    settlement_report(app, from_ms, to_ms, !as_json, &r);
    int rc = 0;
    if (r.err != ORDO_E_OK) {
        fprintf(stderr, "ordo settlement: %s\n", r.detail);
        rc = 1;
    } else if (r.body_text) {
        fwrite(r.body_text, 1, r.body_len, stdout);
    } else {
        char *text = json_dumps(r.body, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (text)
            puts(text);
        free(text);
    }
    svc_result_clear(&r);
    app_close(app);
    return rc;
}
