#ifndef ORDO_CLI_CLI_H
#define ORDO_CLI_CLI_H

#include <stdbool.h>

/* Subcommands. Each returns the process exit code: 0 success, 1 failure, 2 usage error. */
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_order(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_settlement(int argc, char **argv);
int cmd_user(int argc, char **argv);

/* The database path: --db, else $ORDO_DB, else var/ordo.db. */
const char *cli_db_path(const char *flag_value);

/* Creates the folder that will hold path (like mkdir -p of its dirname). */
int cli_make_parent_dir(const char *path);

/* True when argv[i] is "--name" (value in argv[i+1]) or "--name=value"; sets *value and
 * advances *i past what it used. */
bool cli_flag_value(int argc, char **argv, int *i, const char *name, const char **value);

#endif
