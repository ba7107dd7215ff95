#ifndef ORDO_SVC_OP_H
#define ORDO_SVC_OP_H

#include "svc/app.h"
#include "svc/result.h"
#include "svc/writer.h"

/* A write use case in flight. The transport creates one (e.g. order_place_op), submits it to
 * the writer and gets `notify` called (on the writer thread) once the outcome is durable or
 * failed; it then calls svc_op_finish on its own thread to build the response body, reads
 * `result`, and frees the op with svc_op_free. */
typedef struct svc_op svc_op_t;
struct svc_op {
    write_cmd_t cmd; /* first: the writer sees only this */
    app_t *app;
    char actor[64];
    int64_t now_ms;
    svc_result_t result;
    /* False when the caller needs only the outcome, not a response body (bulk import). */
    bool want_body;
    /* Use-case hooks. run: inside the transaction; finish: after it, off the writer thread;
     * destroy: frees the use case's own fields. */
    ordo_err_t (*run)(store_t *s, svc_op_t *op);
    void (*finish)(svc_op_t *op);
    void (*destroy)(svc_op_t *op);
    /* Optional: after run failed and its writes were rolled back, on the writer thread in a
     * savepoint of its own: records the refusal itself (write_cmd_t.refused). */
    void (*refused)(store_t *s, svc_op_t *op);
    /* Transport hook. */
    void (*notify)(void *ctx);
    void *notify_ctx;
};

/* Initialises the common part; `size` is the use case's struct size (svc_op_t first). */
svc_op_t *svc_op_alloc(size_t size, app_t *app, const char *actor);

/* Queues op; ORDO_E_OK or the writer's refusal (then notify is never called). */
ordo_err_t svc_op_submit(svc_op_t *op);

/* Runs op to completion on this thread (queues it and waits). */
void svc_op_run_sync(svc_op_t *op);

void svc_op_finish(svc_op_t *op);
void svc_op_free(svc_op_t *op);

#endif
