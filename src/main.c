#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: ordo COMMAND [options]\n"
    "\n"
    "ordo is an order management system: one pipeline for orders from every channel.\n"
    "\n"
    "commands:\n"
    "  serve        run the HTTP API (ordo serve --help)\n"
    "  import FILE  bulk-import canonical orders from JSON lines\n"
    "  order show   print one order with its timeline\n"
    "  migrate      apply database migrations\n"
    "  check        verify the reservation ledger against stock\n"
    "  reconcile    compare a payment platform's statement with ordo's payments\n"
    "  report       low-stock, slow-mover and near-expiry reports (ordo report --help)\n"
    "  settlement   per channel and day: paid, commission, refunds, income (ordo settlement "
    "--help)\n"
    "  user         add, list users and set passwords (ordo user --help)\n"
    "\n"
    "Every command that touches data takes --db PATH (default $ORDO_DB or var/ordo.db).\n";

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {
        {"serve", cmd_serve},     {"import", cmd_import},         {"order", cmd_order},
        {"migrate", cmd_migrate}, {"check", cmd_check},           {"reconcile", cmd_reconcile},
        {"report", cmd_report},   {"settlement", cmd_settlement}, {"user", cmd_user},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "ordo: unknown command '%s'\n\n%s", argv[1], usage);
    return 2;
}
