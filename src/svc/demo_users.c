#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/roles.h"
#include "svc/demo.h"
#include "svc/users.h"
#include "util/log.h"

/* Letters and digits that cannot be misread for one another when typed from the file. */
static const char password_alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";

static void random_password(char *out, size_t len) {
    for (size_t i = 0; i + 1 < len; i++)
        out[i] = password_alphabet[randombytes_uniform(sizeof password_alphabet - 1)];
    out[len - 1] = '\0';
}

static int add_user(app_t *app, const char *name, const char *role, const char *password) {
    json_t *body = json_pack("{s:s,s:s,s:s}", "name", name, "role", role, "password", password);
    svc_result_t r;
    svc_result_init(&r);
    svc_op_t *op = body ? user_add_op(app, body, "demo", &r) : NULL;
    json_decref(body);
    return demo_run(op, &r, name);
}

int demo_users_load(app_t *app, const char *path) {
    /* The file is written first and only read by its owner: the passwords exist nowhere
     * else, and a demo whose users nobody can sign in as is no demo. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        log_error("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    dprintf(fd, "# ordo demo users: sign in at /console with a name and its password\n");
    int rc = 0;
    for (int role = 0; role < ROLE__COUNT && rc == 0; role++) {
        char name[64], password[17];
        snprintf(name, sizeof name, "demo-%s", role_name((role_t)role));
        for (char *c = name; *c; c++)
            if (*c == '_')
                *c = '-';
        random_password(password, sizeof password);
        rc = add_user(app, name, role_name((role_t)role), password);
        if (rc == 0 && dprintf(fd, "%-26s %-18s %s\n", name, role_name((role_t)role), password) < 0)
            rc = -1;
    }
    if (fsync(fd) != 0)
        rc = -1;
    close(fd);
    if (rc == 0) {
        log_info("demo users created: names and passwords in %s", path);
        fprintf(stderr, "ordo: demo users (one per role) and their passwords written to %s\n",
                path);
    }
    return rc;
}
