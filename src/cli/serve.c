#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/http.h"
#include "jobs/dispatcher.h"
#include "jobs/jobs.h"
#include "jobs/messenger.h"
#include "jobs/refund_worker.h"
#include "svc/demo.h"
#include "util/log.h"

static const char serve_usage[] =
    "usage: ordo serve [--listen HOST:PORT] [--db PATH] [--threads N] [--no-demo]\n"
    "\n"
    "Runs the HTTP API. Defaults: --listen 127.0.0.1:8080 ($ORDO_LISTEN), --db var/ordo.db\n"
    "($ORDO_DB). A new database gets the demo catalog and one demo user per role (passwords\n"
    "in demo-users.txt beside the database) unless --no-demo (or ORDO_DEMO=0).\n"
    "The bearer token for /v1 is $ORDO_ADMIN_TOKEN; when unset one is generated and written\n"
    "to admin.token beside the database (mode 0600).\n"
    "Other settings: ORDO_PAYMENT_HOLD_S (unpaid stock hold, default 3600),\n"
    "ORDO_NODE_ID (0-99, for order numbers), ORDO_DATA_DIR (reference data),\n"
    "ORDO_PAY_URL (the retry link in payment failure messages, e.g.\n"
    "https://shop.example/pay/{{order_no}}).\n"
    "SIGTERM or SIGINT: stop accepting, answer what is in flight, exit 0.\n";

/* A file in the database's folder. */
static void beside_db(const char *db_path, const char *name, char *out, size_t out_len) {
    const char *slash = strrchr(db_path, '/');
    if (slash)
        snprintf(out, out_len, "%.*s/%s", (int)(slash - db_path), db_path, name);
    else
        snprintf(out, out_len, "%s", name);
}

/* The token file beside the database: written once, reused on later starts. */
static int admin_token(const char *db_path, char *out, size_t out_len) {
    const char *env = getenv("ORDO_ADMIN_TOKEN");
    if (env && *env) {
        snprintf(out, out_len, "%s", env);
        return 0;
    }
    char path[4096];
    beside_db(db_path, "admin.token", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (f) {
        bool ok = fgets(out, (int)out_len, f) != NULL;
        fclose(f);
        out[strcspn(out, "\r\n")] = '\0';
        if (ok && *out) {
            log_info("admin token read from %s", path);
            return 0;
        }
    }
    unsigned char raw[24];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    for (size_t i = 0; i < sizeof raw && 2 * i + 2 < out_len; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dprintf(fd, "%s\n", out) < 0 || fsync(fd) != 0) {
        if (fd >= 0)
            close(fd);
        log_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    log_info("generated an admin token: see %s", path);
    fprintf(stderr, "ordo: admin token written to %s\n", path);
    return 0;
}

int cmd_serve(int argc, char **argv) {
    const char *listen = getenv("ORDO_LISTEN"), *db = NULL, *threads = NULL;
    const char *demo_env = getenv("ORDO_DEMO");
    bool demo = !(demo_env && strcmp(demo_env, "0") == 0);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(serve_usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--no-demo") == 0) {
            demo = false;
        } else if (cli_flag_value(argc, argv, &i, "--listen", &listen) ||
                   cli_flag_value(argc, argv, &i, "--db", &db) ||
                   cli_flag_value(argc, argv, &i, "--threads", &threads)) {
        } else {
            fprintf(stderr, "ordo serve: unknown argument '%s'\n%s", argv[i], serve_usage);
            return 2;
        }
    }
    if (!listen || !*listen)
        listen = "127.0.0.1:8080";
    db = cli_db_path(db);
    if (cli_make_parent_dir(db) != 0) {
        fprintf(stderr, "ordo serve: cannot create the folder for %s: %s\n", db, strerror(errno));
        return 1;
    }
    bool is_new = access(db, F_OK) != 0;

    /* Signals are taken by sigwait below: block them before any thread starts. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[512];
    app_t *app = app_open(db, err, sizeof err);
    if (!app) {
        fprintf(stderr, "ordo serve: %s\n", err);
        return 1;
    }
    if (is_new && demo) {
        char users_path[4096];
        beside_db(db, "demo-users.txt", users_path, sizeof users_path);
        if (demo_load(app) != 0 || demo_orders_load(app) != 0 ||
            demo_users_load(app, users_path) != 0) {
            app_close(app);
            return 1;
        }
    }
    char token[128];
    if (admin_token(db, token, sizeof token) != 0) {
        app_close(app);
        return 1;
    }
    http_config_t cfg = {
        .listen = listen, .admin_token = token, .threads = threads ? atoi(threads) : 2};
    /* Before the HTTP server: its threads read app->refunds_wake. */
    refund_worker_t *refunds = refund_worker_start(app);
    if (!refunds)
        log_error("the refund worker did not start: refunds stay pending");
    http_server_t *srv = http_start(app, &cfg, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "ordo serve: %s\n", err);
        refund_worker_stop(refunds);
        app_close(app);
        return 1;
    }
    jobs_t *jobs = jobs_start(app, 1000);
    dispatcher_t *dispatcher = dispatcher_start(app);
    if (!dispatcher)
        log_error("the webhook dispatcher did not start: nothing will be delivered");
    messenger_t *messenger = messenger_start(app);
    if (!messenger)
        log_error("the messenger did not start: no buyer messages will be sent");
    log_info("ordo serving on http://%s (database %s)", listen, db);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("signal %d: draining requests and stopping", sig);
    http_stop(srv, 10000);
    refund_worker_stop(refunds);
    dispatcher_stop(dispatcher);
    messenger_stop(messenger);
    jobs_stop(jobs);
    app_close(app);
    log_info("stopped cleanly");
    return 0;
}
