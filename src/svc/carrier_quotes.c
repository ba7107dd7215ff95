#include "svc/carrier_quotes.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/carrier_estimate.h"
#include "svc/carriers.h"
#include "svc/sourcing.h"
#include "util/log.h"

/* One set of rate cards. Immutable once published; each plan holds a reference for its
 * length, and the published snapshot one more. */
typedef struct {
    atomic_int refs;
    sourcing_estimator_t estimator; /* {carrier_estimate_quote, &book} */
    carrier_book_t book;
    carrier_t *carriers;
} snapshot_t;

static pthread_mutex_t current_mu = PTHREAD_MUTEX_INITIALIZER;
static snapshot_t *current; /* NULL: no active carrier, the zone defaults */
static pthread_mutex_t reload_mu = PTHREAD_MUTEX_INITIALIZER;

static void snapshot_unref(snapshot_t *snap) {
    if (snap && atomic_fetch_sub(&snap->refs, 1) == 1) {
        carriers_free(snap->carriers, snap->book.n);
        free(snap);
    }
}

static const sourcing_estimator_t *acquire(void *ctx) {
    (void)ctx;
    pthread_mutex_lock(&current_mu);
    snapshot_t *snap = current;
    if (snap)
        atomic_fetch_add(&snap->refs, 1);
    pthread_mutex_unlock(&current_mu);
    return snap ? &snap->estimator : NULL;
}

static void release(void *ctx, const sourcing_estimator_t *est) {
    (void)ctx;
    snapshot_unref((snapshot_t *)(void *)((char *)est - offsetof(snapshot_t, estimator)));
}

static const sourcing_estimator_source_t source = {acquire, release, NULL};

static void publish(snapshot_t *snap) {
    pthread_mutex_lock(&current_mu);
    snapshot_t *old = current;
    current = snap;
    pthread_mutex_unlock(&current_mu);
    snapshot_unref(old);
}

/* The carriers as s sees them; *out NULL when none is active. */
static int load(store_t *s, snapshot_t **out) {
    *out = NULL;
    carrier_t *carriers = NULL;
    int n = 0;
    int rc = carriers_load(s, &carriers, &n);
    if (rc != STORE_OK)
        return rc;
    int active = 0;
    for (int i = 0; i < n; i++)
        active += carriers[i].active;
    snapshot_t *snap = active ? malloc(sizeof *snap) : NULL;
    if (!snap) {
        carriers_free(carriers, n);
        return active ? STORE_ERROR : STORE_OK;
    }
    atomic_init(&snap->refs, 1);
    snap->carriers = carriers;
    snap->book = (carrier_book_t){.carriers = carriers, .n = n};
    snap->estimator = (sourcing_estimator_t){.quote = carrier_estimate_quote, .ctx = &snap->book};
    *out = snap;
    return STORE_OK;
}

int carrier_quotes_start(store_t *s) {
    snapshot_t *snap = NULL;
    int rc = load(s, &snap);
    if (rc != STORE_OK)
        return rc;
    publish(snap);
    sourcing_set_estimator(&source);
    return STORE_OK;
}

void carrier_quotes_reload(store_t *s) {
    pthread_mutex_lock(&reload_mu);
    snapshot_t *snap = NULL;
    int rc = s ? load(s, &snap) : STORE_ERROR;
    if (rc == STORE_OK)
        publish(snap);
    else
        log_error("carrier rate cards not reloaded: sourcing keeps the previous ones");
    pthread_mutex_unlock(&reload_mu);
}

void carrier_quotes_stop(void) {
    sourcing_set_estimator(NULL);
    publish(NULL);
}
