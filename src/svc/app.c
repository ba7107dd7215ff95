#include "svc/app.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "svc/auto_review.h"
#include "svc/carrier_quotes.h"
#include "svc/reference_data.h"
#include "svc/sellable_cache.h"
#include "svc/sourcing.h"

/* Every reader connection ever opened, so app_close can close those of threads that are gone
 * (the HTTP server's pool threads). */
typedef struct reader_node {
    store_t *store;
    struct reader_node *next;
} reader_node_t;

static pthread_mutex_t readers_mu = PTHREAD_MUTEX_INITIALIZER;
static reader_node_t *readers;
static _Thread_local store_t *thread_reader;
static _Thread_local const app_t *thread_reader_app;

app_t *app_open(const char *db_url, char *err, size_t err_len) {
    app_t *app = calloc(1, sizeof *app);
    if (!app) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    snprintf(app->db_url, sizeof app->db_url, "%s", db_url);
    app->payment_hold_ms = (int64_t)ORDO_PAYMENT_HOLD_DEFAULT_S * 1000;
    const char *hold = getenv("ORDO_PAYMENT_HOLD_S");
    if (hold && *hold)
        app->payment_hold_ms = (int64_t)(atof(hold) * 1000);
    const char *node = getenv("ORDO_NODE_ID");
    if (node && *node)
        app->node_id = atoi(node) % 100;

    if (reference_data_load(&app->validation, err, err_len) != 0)
        goto fail;
    if (sourcing_start(err, err_len) != 0)
        goto fail;
    app->review = review_state_new();
    app->sellable = sellable_cache_new();
    if (!app->review || !app->sellable) {
        snprintf(err, err_len, "out of memory");
        goto fail;
    }
    store_t *s = store_open(db_url, STORE_READ_WRITE, err, err_len);
    if (!s)
        goto fail;
    /* On this thread, before the writer owns s. */
    if (carrier_quotes_start(s) != STORE_OK) {
        snprintf(err, err_len, "cannot read the carriers: %s", s->vt->errmsg(s));
        s->vt->close(s);
        goto fail;
    }
    app->writer = writer_start(s, ORDO_WRITER_BATCH_MAX, ORDO_WRITER_QUEUE_MAX);
    if (!app->writer) {
        s->vt->close(s);
        snprintf(err, err_len, "cannot start the writer thread");
        goto fail;
    }
    return app;
fail:
    carrier_quotes_stop();
    review_state_free(app->review);
    sellable_cache_free(app->sellable);
    reference_data_free(&app->validation);
    sourcing_stop();
    free(app);
    return NULL;
}

void app_close(app_t *app) {
    if (!app)
        return;
    writer_stop(app->writer);
    pthread_mutex_lock(&readers_mu);
    for (reader_node_t *n = readers, *next; n; n = next) {
        next = n->next;
        n->store->vt->close(n->store);
        free(n);
    }
    readers = NULL;
    pthread_mutex_unlock(&readers_mu);
    thread_reader = NULL;
    carrier_quotes_stop();
    review_state_free(app->review);
    sellable_cache_free(app->sellable);
    reference_data_free(&app->validation);
    sourcing_stop();
    free(app);
}

store_t *app_reader(app_t *app) {
    if (thread_reader && thread_reader_app == app)
        return thread_reader;
    char err[256];
    store_t *s = store_open(app->db_url, STORE_READ_ONLY, err, sizeof err);
    if (!s)
        return NULL;
    reader_node_t *n = malloc(sizeof *n);
    if (!n) {
        s->vt->close(s);
        return NULL;
    }
    n->store = s;
    pthread_mutex_lock(&readers_mu);
    n->next = readers;
    readers = n;
    pthread_mutex_unlock(&readers_mu);
    thread_reader = s;
    thread_reader_app = app;
    return s;
}
