#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/orders.h"

static const char order_usage[] = "usage: ordo order show ORDER_NO [--db PATH]\n"
                                  "\n"
                                  "Prints the order, its reservations and exceptions as JSON,\n"
                                  "then its timeline.\n";

int cmd_order(int argc, char **argv) {
    const char *db = NULL, *order_no = NULL;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(order_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "show") != 0) {
        fprintf(stderr, "ordo order: unknown action '%s'\n%s", argv[1], order_usage);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(order_usage, stdout);
            return 0;
        } else if (cli_flag_value(argc, argv, &i, "--db", &db)) {
        } else if (!order_no) {
            order_no = argv[i];
        } else {
            fprintf(stderr, "ordo order show: unexpected '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!order_no) {
        fputs(order_usage, stderr);
        return 2;
    }
    char err[512];
    app_t *app = app_open(cli_db_path(db), err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo order show: %s\n", err);
        return 1;
    }
    svc_result_t r, ev;
    svc_result_init(&r);
    svc_result_init(&ev);
    order_get(app, order_no, &r);
    int rc = 0;
    if (r.err != ORDO_E_OK) {
        fprintf(stderr, "ordo order show: %s\n", r.detail);
        rc = 1;
    } else {
        order_events(app, order_no, &ev);
        json_t *out =
            json_pack("{s:O, s:O}", "order", r.body, "timeline", ev.body ? ev.body : json_null());
        json_dumpf(out, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(out);
    }
    svc_result_clear(&r);
    svc_result_clear(&ev);
    app_close(app);
    return rc;
}
