/* ordo user: the admin's user management from the host, through the same use cases as
 * /v1/users. Passwords are read from the terminal without echo (or one line of stdin with
 * --password-stdin, for scripts) and never printed. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/roles.h"
#include "svc/app.h"
#include "svc/users.h"

static const char user_usage[] =
    "usage: ordo user add NAME --role ROLE [--password-stdin] [--db PATH]\n"
    "       ordo user passwd NAME [--password-stdin] [--db PATH]\n"
    "       ordo user list [--json] [--db PATH]\n"
    "\n"
    "Users sign in to the console and the API (POST /v1/session) and act with their role's\n"
    "permissions: admin, reviewer, warehouse, customer_service, finance. The password is\n"
    "asked for on the terminal (twice, not echoed), or read as one line from stdin with\n"
    "--password-stdin. Passwords are stored as argon2id hashes only.\n";

/* Reads one line into buf (without its newline); false at end of input. */
static bool read_line(FILE *in, char *buf, size_t cap) {
    if (!fgets(buf, (int)cap, in))
        return false;
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return true;
}

/* Asks on the terminal with echo off. */
static bool prompt_hidden(const char *prompt, char *buf, size_t cap) {
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return false;
    struct termios old, quiet;
    bool have_termios = tcgetattr(fileno(tty), &old) == 0;
    if (have_termios) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    }
    fputs(prompt, tty);
    fflush(tty);
    bool ok = read_line(tty, buf, cap);
    if (have_termios)
        tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    return ok;
}

static bool read_password(bool from_stdin, char *buf, size_t cap) {
    if (from_stdin) {
        if (!read_line(stdin, buf, cap)) {
            fputs("ordo user: no password on stdin\n", stderr);
            return false;
        }
        return true;
    }
    char again[PASSWORD_MAX + 2];
    if (!prompt_hidden("Password: ", buf, cap) ||
        !prompt_hidden("Password again: ", again, sizeof again)) {
        fputs("ordo user: no terminal to ask for the password on; use --password-stdin\n", stderr);
        return false;
    }
    bool same = strcmp(buf, again) == 0;
    sodium_memzero(again, sizeof again);
    if (!same)
        fputs("ordo user: the passwords differ\n", stderr);
    return same;
}

/* Runs op (NULL: r already failed) and prints its outcome; the exit code. */
static int run_and_report(svc_op_t *op, svc_result_t *r, const char *what) {
    svc_result_t *res = r;
    if (op) {
        svc_op_run_sync(op);
        res = &op->result;
    }
    int rc = 0;
    if (res->err != ORDO_E_OK) {
        fprintf(stderr, "ordo user %s: %s\n", what, res->detail);
        for (int i = 0; res->errors && i < res->errors->count; i++)
            fprintf(stderr, "  %s: %s\n", res->errors->items[i].field,
                    res->errors->items[i].message);
        rc = 1;
    } else if (res->body) {
        json_dumpf(res->body, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    }
    svc_op_free(op);
    return rc;
}

static int print_list(app_t *app, bool as_json) {
    svc_result_t r;
    svc_result_init(&r);
    user_list(app, &r);
    int rc = 0;
    if (r.err != ORDO_E_OK) {
        fprintf(stderr, "ordo user list: %s\n", r.detail);
        rc = 1;
    } else if (as_json) {
        json_dumpf(r.body, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        printf("%-24s %-18s %s\n", "NAME", "ROLE", "STATUS");
        size_t i;
        json_t *u;
        json_array_foreach(json_object_get(r.body, "items"), i, u)
            printf("%-24s %-18s %s\n", json_string_value(json_object_get(u, "name")),
                   json_string_value(json_object_get(u, "role")),
                   json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active");
    }
    svc_result_clear(&r);
    return rc;
}

int cmd_user(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(user_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *action = argv[1], *db = NULL, *name = NULL, *role = NULL;
    bool pw_stdin = false, as_json = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(user_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--password-stdin") == 0) {
            pw_stdin = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            as_json = true;
        } else if (cli_flag_value(argc, argv, &i, "--db", &db) ||
                   cli_flag_value(argc, argv, &i, "--role", &role)) {
        } else if (!name && argv[i][0] != '-') {
            name = argv[i];
        } else {
            fprintf(stderr, "ordo user %s: unexpected '%s'\n%s", action, argv[i], user_usage);
            return 2;
        }
    }
    bool is_add = strcmp(action, "add") == 0, is_passwd = strcmp(action, "passwd") == 0;
    if (!is_add && !is_passwd && strcmp(action, "list") != 0) {
        fprintf(stderr, "ordo user: unknown action '%s'\n%s", action, user_usage);
        return 2;
    }
    if ((is_add || is_passwd) && !name) {
        fprintf(stderr, "ordo user %s: name the user\n%s", action, user_usage);
        return 2;
    }
    if (!is_add && role) {
        fprintf(stderr, "ordo user %s: --role is for add (change a role with PATCH /v1/users)\n",
                action);
        return 2;
    }
    if (is_add && !role) {
        fprintf(stderr, "ordo user add: --role is one of %s\n", role_names_list());
        return 2;
    }
    char password[PASSWORD_MAX + 2] = "";
    if ((is_add || is_passwd) && !read_password(pw_stdin, password, sizeof password))
        return 1;
    char err[512];
    app_t *app = app_open(cli_db_path(db), err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo user %s: %s\n", action, err);
        sodium_memzero(password, sizeof password);
        return 1;
    }
    int rc;
    if (is_add || is_passwd) {
        json_t *body =
            is_add ? json_pack("{s:s, s:s, s:s}", "name", name, "role", role, "password", password)
                   : json_pack("{s:s}", "password", password);
        sodium_memzero(password, sizeof password);
        svc_result_t r;
        svc_result_init(&r);
        svc_op_t *op = is_add ? user_add_op(app, body, "admin", &r)
                              : user_patch_op(app, name, body, "admin", &r);
        json_decref(body); /* the op keeps only the hash */
        rc = run_and_report(op, &r, action);
        svc_result_clear(&r);
    } else {
        rc = print_list(app, as_json);
    }
    app_close(app);
    return rc;
}
