#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"
#include "svc/stock.h"

int cmd_migrate(int argc, char **argv) {
    const char *db = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: ordo migrate [--db PATH]\n\nApplies pending schema migrations "
                 "(ordo serve also does this on start) and prints the version reached.");
            return 0;
        } else if (!cli_flag_value(argc, argv, &i, "--db", &db)) {
            fprintf(stderr, "ordo migrate: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    db = cli_db_path(db);
    if (cli_make_parent_dir(db) != 0) {
        fprintf(stderr, "ordo migrate: cannot create the folder for %s\n", db);
        return 1;
    }
    char err[512];
    int version = 0;
    if (store_migrate(db, &version, err, sizeof err) != 0) {
        fprintf(stderr, "ordo migrate: %s\n", err);
        return 1;
    }
    printf("%s: schema version %d\n", db, version);
    return 0;
}

int cmd_check(int argc, char **argv) {
    const char *db = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            puts("usage: ordo check [--db PATH]\n\nReplays the reservation ledger against the "
                 "stock table: every (warehouse, SKU) must have 0 <= reserved <= on_hand and\n"
                 "reserved equal to the ledger's sum, and a SKU kept by lot its lots summing to "
                 "on_hand.\n"
                 "Exit status 0 when consistent, 1 if not.");
            return 0;
        } else if (!cli_flag_value(argc, argv, &i, "--db", &db)) {
            fprintf(stderr, "ordo check: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    char err[512];
    app_t *app = app_open(cli_db_path(db), err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo check: %s\n", err);
        return 1;
    }
    svc_result_t r;
    svc_result_init(&r);
    stock_verify(app, &r);
    int rc = 1;
    if (r.err == ORDO_E_OK) {
        json_dumpf(r.body, stdout, JSON_INDENT(2));
        putchar('\n');
        rc = json_is_true(json_object_get(r.body, "consistent")) ? 0 : 1;
    } else {
        fprintf(stderr, "ordo check: %s\n", r.detail);
    }
    svc_result_clear(&r);
    app_close(app);
    return rc;
}
