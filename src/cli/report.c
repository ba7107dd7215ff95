#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/lots.h"
#include "svc/stock_alerts.h"
#include "util/timefmt.h"

static const char report_usage[] =
    "usage: ordo report low-stock [--csv|--json] [--db PATH]\n"
    "       ordo report slow-movers [--days N] [--csv|--json] [--db PATH]\n"
    "       ordo report near-expiry [--days N] [--warehouse CODE] [--csv|--json] [--db PATH]\n"
    "\n"
    "low-stock    every (warehouse, SKU) whose available units (on hand - reserved) are below\n"
    "             its safety stock.\n"
    "slow-movers  SKUs with units on hand and no order placed in the last N days (default\n"
    "             30), longest unsold first.\n"
    "near-expiry  lots with units expiring within N days (default 30) of today (China time),\n"
    "             soonest first; pickable says whether a pick may still take the lot under its\n"
    "             SKU's shelf life (days left >= shelf_life_days).\n"
    "\n"
    "A table for people, CSV with a header (--csv), or the API's JSON document (--json).\n";

static const char *const low_columns[] = {"warehouse", "sku",       "name",         "on_hand",
                                          "reserved",  "available", "safety_stock", NULL};
static const char *const slow_columns[] = {"sku", "name", "on_hand", "last_sold_at", NULL};
static const char *const expiry_columns[] = {"warehouse",       "sku",       "lot",
                                             "expires_on",      "days_left", "on_hand",
                                             "shelf_life_days", "pickable",  NULL};

/* One cell as text: strings as they are, integers in decimal, booleans as yes/no, null as
 * "never". */
static const char *cell(json_t *v, char *buf, size_t len) {
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "yes" : "no";
    if (json_is_integer(v)) {
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return "never";
}

static void csv_field(const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_rows(json_t *items, const char *const *cols, bool csv) {
    char buf[32];
    size_t i;
    json_t *row;
    if (csv) {
        for (int c = 0; cols[c]; c++) {
            if (c)
                putchar(',');
            fputs(cols[c], stdout);
        }
        putchar('\n');
        json_array_foreach(items, i, row) {
            for (int c = 0; cols[c]; c++) {
                if (c)
                    putchar(',');
                csv_field(cell(json_object_get(row, cols[c]), buf, sizeof buf));
            }
            putchar('\n');
        }
        return;
    }
    /* A table: each column as wide as its widest cell (in bytes; names may be wider on
     * screen when they are Chinese, which only shifts the columns after them). */
    size_t width[16] = {0};
    for (int c = 0; cols[c]; c++) {
        width[c] = strlen(cols[c]);
        json_array_foreach(items, i, row) {
            size_t n = strlen(cell(json_object_get(row, cols[c]), buf, sizeof buf));
            width[c] = n > width[c] ? n : width[c];
        }
    }
    for (int c = 0; cols[c]; c++)
        printf("%-*s%s", (int)width[c], cols[c], cols[c + 1] ? "  " : "\n");
    json_array_foreach(items, i, row) {
        for (int c = 0; cols[c]; c++)
            printf("%-*s%s", (int)width[c], cell(json_object_get(row, cols[c]), buf, sizeof buf),
                   cols[c + 1] ? "  " : "\n");
    }
    if (json_array_size(items) == 0)
        puts("(none)");
}

typedef enum { REPORT_LOW_STOCK, REPORT_SLOW_MOVERS, REPORT_NEAR_EXPIRY } report_t;

int cmd_report(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(report_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    report_t which;
    if (strcmp(argv[1], "low-stock") == 0) {
        which = REPORT_LOW_STOCK;
    } else if (strcmp(argv[1], "slow-movers") == 0) {
        which = REPORT_SLOW_MOVERS;
    } else if (strcmp(argv[1], "near-expiry") == 0) {
        which = REPORT_NEAR_EXPIRY;
    } else {
        fprintf(stderr, "ordo report: unknown report '%s'\n%s", argv[1], report_usage);
        return 2;
    }
    const char *db = NULL, *days_text = NULL, *warehouse = NULL;
    bool csv = false, as_json = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(report_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--csv") == 0) {
            csv = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            as_json = true;
        } else if (cli_flag_value(argc, argv, &i, "--db", &db)) {
        } else if (which != REPORT_LOW_STOCK &&
                   cli_flag_value(argc, argv, &i, "--days", &days_text)) {
        } else if (which == REPORT_NEAR_EXPIRY &&
                   cli_flag_value(argc, argv, &i, "--warehouse", &warehouse)) {
        } else {
            fprintf(stderr, "ordo report %s: unexpected '%s'\n", argv[1], argv[i]);
            return 2;
        }
    }
    /* Slow movers look back at least a day; near-expiry may ask for what expires today. */
    long long days = 30, min_days = which == REPORT_NEAR_EXPIRY ? 0 : 1;
    if (days_text) {
        char *end;
        days = strtoll(days_text, &end, 10);
        if (!*days_text || *end || days < min_days || days > 3650) {
            fprintf(stderr, "ordo report %s: --days is a whole number, %lld..3650\n", argv[1],
                    min_days);
            return 2;
        }
    }
    char err[512];
    app_t *app = app_open(cli_db_path(db), err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo report: %s\n", err);
        return 1;
    }
    svc_result_t r;
    svc_result_init(&r);
    const char *const *columns = low_columns;
    const char *rows_key = "items";
    if (which == REPORT_LOW_STOCK) {
        stock_report_low(app, &r);
    } else if (which == REPORT_SLOW_MOVERS) {
        stock_report_slow_movers(app, days, time_now_ms(), &r);
        columns = slow_columns;
    } else {
        lots_near_expiry(app, (int)days, warehouse, &r);
        columns = expiry_columns;
        rows_key = "lots";
    }
    int rc = 0;
    if (r.err != ORDO_E_OK) {
        fprintf(stderr, "ordo report: %s\n", r.detail);
        rc = 1;
    } else if (as_json) {
        json_dumpf(r.body, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        print_rows(json_object_get(r.body, rows_key), columns, csv);
    }
    svc_result_clear(&r);
    app_close(app);
    return rc;
}
