#include "svc/op.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/timefmt.h"

static ordo_err_t op_run(store_t *s, write_cmd_t *cmd) {
    svc_op_t *op = (svc_op_t *)cmd;
    /* Time is taken on the writer thread so that ordering in the database follows commit
     * order. */
    op->now_ms = time_now_ms();
    ordo_err_t e = op->run(s, op);
    if (e != ORDO_E_OK && op->result.err == ORDO_E_OK)
        op->result.err = e;
    return e;
}

static void op_refused(store_t *s, write_cmd_t *cmd) {
    svc_op_t *op = (svc_op_t *)cmd;
    if (op->refused)
        op->refused(s, op);
}

static void op_complete(write_cmd_t *cmd, ordo_err_t result) {
    svc_op_t *op = (svc_op_t *)cmd;
    if (result != ORDO_E_OK && op->result.err == ORDO_E_OK)
        svc_fail(&op->result, result, "%s", ordo_err_title(result));
    else if (result == ORDO_E_STORE && op->result.err != ORDO_E_STORE)
        svc_fail(&op->result, ORDO_E_STORE, "the database failed; nothing was saved");
    if (op->notify)
        op->notify(op->notify_ctx);
}

svc_op_t *svc_op_alloc(size_t size, app_t *app, const char *actor) {
    svc_op_t *op = calloc(1, size);
    if (!op)
        return NULL;
    op->cmd.run = op_run;
    op->cmd.complete = op_complete;
    op->cmd.refused = op_refused;
    op->app = app;
    snprintf(op->actor, sizeof op->actor, "%s", actor ? actor : "system");
    op->want_body = true;
    svc_result_init(&op->result);
    return op;
}

ordo_err_t svc_op_submit(svc_op_t *op) {
    return writer_submit(op->app->writer, &op->cmd);
}

void svc_op_run_sync(svc_op_t *op) {
    ordo_err_t e = writer_exec(op->app->writer, &op->cmd);
    if (e != ORDO_E_OK && op->result.err == ORDO_E_OK)
        svc_fail(&op->result, e, "%s", ordo_err_title(e));
    svc_op_finish(op);
}

void svc_op_finish(svc_op_t *op) {
    if (op->finish)
        op->finish(op);
}

void svc_op_free(svc_op_t *op) {
    if (!op)
        return;
    if (op->destroy)
        op->destroy(op);
    svc_result_clear(&op->result);
    free(op);
}
