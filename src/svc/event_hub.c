#include "svc/event_hub.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/limits.h"
#include "svc/event_doc.h"
#include "util/env.h"
#include "util/log.h"
#include "util/sse.h"
#include "util/timefmt.h"

/* Outbox messages read at a time: live, and for one stream catching up. */
#define LIVE_BATCH 256
#define CATCH_UP_BATCH 256
/* The most warehouses one order's messages are matched against. */
#define ORDER_WAREHOUSES_MAX 16
/* Without a wake-up the hub still looks this often: for messages another process wrote to
 * the same database, and for keep-alives. */
#define IDLE_POLL_MS 1000

struct event_sub {
    event_hub_t *hub;
    event_sub_t *prev, *next; /* in hub->subs, under hub->mu */
    /* Under hub->mu: the owner's reference, plus the hub thread's while it works on the stream
     * without the lock. */
    int refs;
    event_filter_t filter;
    /* The hub thread's alone (set before the stream is listed). */
    int64_t cursor;  /* every message up to this outbox id has been offered */
    int64_t id_sent; /* the position the receiver heard last */
    int64_t last_write_ms;
    /* Under mu, shared with the reader. */
    pthread_mutex_t mu;
    char *buf;
    size_t off, len, cap;
    bool parked, ended, want_room;
    event_sub_waker_t waker;
};

struct event_hub {
    app_t *app;
    event_hub_config_t cfg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stopping, closed, kicked;
    event_sub_t *subs;
    int n_subs, n_by_warehouse;
    int64_t cursor; /* the last outbox id fanned out: written by the hub thread under mu */
    uint64_t overflows;
    event_sub_t **work; /* streams_max slots: the streams one catch-up pass serves */
};

/* One outbox message on its way out. */
typedef struct {
    int64_t id, order_id, created_at_ms;
    const char *topic, *payload;
    char *frame; /* the SSE text, built on first need */
    size_t frame_len;
    bool warehouses_known;
    int n_warehouses;
    char warehouses[ORDER_WAREHOUSES_MAX][65];
} message_t;

static int64_t mono_ms(void) {
    return time_mono_ns() / 1000000;
}

void event_hub_config_default(event_hub_config_t *c) {
    c->streams_max = (int)env_positive("ORDO_STREAMS_MAX", ORDO_STREAMS_MAX);
    c->buffer_bytes = (size_t)env_positive("ORDO_STREAM_BUFFER_BYTES", ORDO_STREAM_BUFFER_BYTES);
    c->keepalive_ms = (int)env_positive("ORDO_STREAM_KEEPALIVE_MS", ORDO_STREAM_KEEPALIVE_MS);
    c->retry_ms = ORDO_STREAM_RETRY_MS;
}

/* Wakes the hub thread: groups settled, a stream needs serving, or a stream has room again. */
static void hub_kick(void *arg) {
    event_hub_t *h = arg;
    pthread_mutex_lock(&h->mu);
    h->kicked = true;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

/* ---- one stream's buffer ---- */

/* Appends text for the receiver and wakes it. Refused (false) when more than the buffer's
 * worth would be waiting: the stream falls behind. A stream that has ended takes nothing and
 * reports success, so it never holds anything up. */
static bool sub_append(event_sub_t *s, const char *text, size_t n) {
    bool fits = true;
    pthread_mutex_lock(&s->mu);
    if (s->ended)
        goto out;
    size_t pending = s->len - s->off;
    if (pending > 0 && pending + n > s->hub->cfg.buffer_bytes) {
        fits = false;
        goto out;
    }
    if (s->len + n > s->cap && s->off > 0) {
        memmove(s->buf, s->buf + s->off, pending);
        s->off = 0;
        s->len = pending;
    }
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        while (cap < s->len + n)
            cap *= 2;
        char *nb = realloc(s->buf, cap);
        if (!nb) {
            fits = false;
            goto out;
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, text, n);
    s->len += n;
    if (s->parked) {
        s->parked = false;
        s->waker.unpark(s->waker.ctx);
    }
out:
    if (!fits)
        s->want_room = true;
    pthread_mutex_unlock(&s->mu);
    return fits;
}

static bool sub_wants_room(event_sub_t *s) {
    pthread_mutex_lock(&s->mu);
    bool w = s->want_room;
    pthread_mutex_unlock(&s->mu);
    return w;
}

ssize_t event_sub_read(event_sub_t *s, char *buf, size_t max) {
    bool kick = false;
    ssize_t n;
    pthread_mutex_lock(&s->mu);
    size_t pending = s->len - s->off;
    if (pending > 0) {
        size_t take = pending < max ? pending : max;
        memcpy(buf, s->buf + s->off, take);
        s->off += take;
        if (s->off == s->len)
            s->off = s->len = 0;
        /* A stream that fell behind is served again once half its buffer is free. */
        if (s->want_room && s->len - s->off <= s->hub->cfg.buffer_bytes / 2) {
            s->want_room = false;
            kick = true;
        }
        n = (ssize_t)take;
    } else if (s->ended) {
        n = -1;
    } else {
        s->parked = true;
        s->waker.park(s->waker.ctx);
        n = 0;
    }
    pthread_mutex_unlock(&s->mu);
    if (kick)
        hub_kick(s->hub);
    return n;
}

static void sub_free(event_sub_t *s) {
    pthread_mutex_destroy(&s->mu);
    free(s->buf);
    free(s);
}

/* ---- subscribing ---- */

event_sub_t *event_hub_subscribe(event_hub_t *h, const event_filter_t *filter, int64_t after_id,
                                 const event_sub_waker_t *waker, ordo_err_t *err) {
    event_sub_t *s = calloc(1, sizeof *s);
    if (!s) {
        *err = ORDO_E_OVERLOADED;
        return NULL;
    }
    s->hub = h;
    s->filter = *filter;
    s->waker = *waker;
    s->refs = 1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_lock(&h->mu);
    if (h->closed || h->n_subs >= h->cfg.streams_max) {
        *err = h->closed ? ORDO_E_SHUTTING_DOWN : ORDO_E_OVERLOADED;
        pthread_mutex_unlock(&h->mu);
        sub_free(s);
        return NULL;
    }
    s->cursor = after_id < 0 ? h->cursor : after_id;
    s->id_sent = s->cursor;
    s->last_write_ms = mono_ms();
    char opening[96];
    size_t n = sse_opening(opening, sizeof opening, h->cfg.retry_ms, s->cursor);
    if (!sub_append(s, opening, n)) {
        *err = ORDO_E_OVERLOADED;
        pthread_mutex_unlock(&h->mu);
        sub_free(s);
        return NULL;
    }
    s->next = h->subs;
    if (h->subs)
        h->subs->prev = s;
    h->subs = s;
    h->n_subs++;
    if (filter->n_warehouses)
        h->n_by_warehouse++;
    if (s->cursor < h->cursor) {
        h->kicked = true; /* a resume: there is history to replay */
        pthread_cond_signal(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return s;
}

void event_sub_release(event_sub_t *s) {
    event_hub_t *h = s->hub;
    /* From here on the reader is gone: nobody may be woken. */
    pthread_mutex_lock(&s->mu);
    s->ended = true;
    s->parked = false;
    pthread_mutex_unlock(&s->mu);
    pthread_mutex_lock(&h->mu);
    if (s->prev)
        s->prev->next = s->next;
    else
        h->subs = s->next;
    if (s->next)
        s->next->prev = s->prev;
    h->n_subs--;
    if (s->filter.n_warehouses)
        h->n_by_warehouse--;
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&h->mu);
    if (last)
        sub_free(s);
}

/* ---- messages ---- */

static void message_from_row(json_t *row, message_t *m) {
    memset(m, 0, offsetof(message_t, warehouses));
    m->id = json_integer_value(json_object_get(row, "id"));
    m->order_id = json_integer_value(json_object_get(row, "order_id"));
    m->created_at_ms = json_integer_value(json_object_get(row, "created_at"));
    m->topic = json_string_value(json_object_get(row, "topic"));
    m->payload = json_string_value(json_object_get(row, "payload"));
    if (!m->topic)
        m->topic = "";
    if (!m->payload)
        m->payload = "null";
}

/* The warehouses of the message's order as of the message: one indexed lookup, done once
 * per message for every stream that filters by warehouse. */
static void message_warehouses(store_t *s, message_t *m) {
    m->n_warehouses = 0;
    if (m->order_id <= 0) {
        /* A stock message (stock.low) is about the one warehouse its payload names. */
        json_t *doc = json_loads(m->payload, 0, NULL);
        const char *wh = json_string_value(json_object_get(doc, "warehouse"));
        if (wh)
            snprintf(m->warehouses[m->n_warehouses++], sizeof m->warehouses[0], "%s", wh);
        json_decref(doc);
        m->warehouses_known = true;
        return;
    }
    m->warehouses_known =
        m->order_id <= 0 ||
        s->vt->order_warehouses(s, m->order_id, m->created_at_ms, m->warehouses,
                                ORDER_WAREHOUSES_MAX, &m->n_warehouses) == STORE_OK;
}

/* The message as an SSE event whose data is the document webhooks are sent; NULL when out
 * of memory. */
static const char *message_frame(message_t *m) {
    if (m->frame)
        return m->frame;
    size_t doc_len = 0;
    char *doc = event_document(m->id, m->topic, m->created_at_ms, m->payload, &doc_len);
    if (doc)
        m->frame = sse_event(m->id, m->topic, doc, doc_len, &m->frame_len);
    free(doc);
    return m->frame;
}

/* Offers a message to a stream that is up to date. A stream ahead of it (resuming from a
 * later id) lets it pass; one behind (still replaying, or whose buffer was full) is served
 * from the outbox instead, so the message reaches it in order. Caller holds h->mu. */
static void offer_live(event_hub_t *h, event_sub_t *sub, message_t *m, int64_t now_ms) {
    if (sub->cursor >= m->id || sub->cursor < h->cursor)
        return;
    if (event_filter_wants_type(&sub->filter, m->topic)) {
        /* Looked up only when some stream filtered by warehouse as the message was read; a
         * stream that came since is served from the outbox, where it is looked up. */
        if (sub->filter.n_warehouses && !m->warehouses_known)
            return;
        if (event_filter_matches(&sub->filter, m->topic, (const char(*)[65])m->warehouses,
                                 m->n_warehouses)) {
            const char *frame = message_frame(m);
            if (!frame || !sub_append(sub, frame, m->frame_len)) {
                h->overflows++;
                return;
            }
            sub->id_sent = m->id;
            sub->last_write_ms = now_ms;
        }
    }
    sub->cursor = m->id;
}

/* Sleeps until every group that had begun is durable; false when stopping. */
static bool wait_durable(event_hub_t *h, uint64_t group) {
    pthread_mutex_lock(&h->mu);
    while (!h->stopping && writer_groups_settled(h->app->writer) < group) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&h->cv, &h->mu, &until);
    }
    bool ok = !h->stopping;
    pthread_mutex_unlock(&h->mu);
    return ok;
}

/* Fans out the next durable messages to the streams that are up to date. Returns whether
 * more are waiting. */
static bool advance(event_hub_t *h, store_t *s) {
    int64_t last = 0;
    if (s->vt->outbox_last_id(s, &last) != STORE_OK) {
        log_warn("event streams: cannot read the outbox: %s", s->vt->errmsg(s));
        return false;
    }
    if (last <= h->cursor)
        return false;
    /* Whatever the read above saw was written by a group that had begun by now: once those
     * are durable, so is every message up to last. */
    if (!wait_durable(h, writer_groups_begun(h->app->writer)))
        return false;
    pthread_mutex_lock(&h->mu);
    bool nobody = h->n_subs == 0;
    bool by_warehouse = h->n_by_warehouse > 0;
    if (nobody)
        h->cursor = last; /* nothing to read: a stream that comes starts here */
    pthread_mutex_unlock(&h->mu);
    if (nobody)
        return false;
    json_t *rows = NULL;
    if (s->vt->outbox_after(s, h->cursor, LIVE_BATCH, &rows) != STORE_OK) {
        log_warn("event streams: cannot read the outbox: %s", s->vt->errmsg(s));
        return false;
    }
    bool more = json_array_size(rows) == LIVE_BATCH;
    size_t i;
    json_t *row;
    message_t m;
    json_array_foreach(rows, i, row) {
        message_from_row(row, &m);
        if (m.id > last) {
            more = false;
            break;
        }
        if (by_warehouse)
            message_warehouses(s, &m);
        int64_t now = mono_ms();
        pthread_mutex_lock(&h->mu);
        for (event_sub_t *sub = h->subs; sub; sub = sub->next)
            offer_live(h, sub, &m, now);
        h->cursor = m.id;
        pthread_mutex_unlock(&h->mu);
        free(m.frame);
    }
    json_decref(rows);
    return more;
}

/* Serves one stream that is behind from the outbox, up to the hub's position, as far as its
 * buffer allows. Returns whether it is still behind with room to take more. */
static bool catch_up(store_t *s, event_sub_t *sub, int64_t target) {
    json_t *rows = NULL;
    if (s->vt->outbox_after(s, sub->cursor, CATCH_UP_BATCH, &rows) != STORE_OK) {
        log_warn("event streams: cannot read the outbox: %s", s->vt->errmsg(s));
        return false;
    }
    bool stalled = false, reached = json_array_size(rows) < CATCH_UP_BATCH;
    size_t i;
    json_t *row;
    message_t m;
    json_array_foreach(rows, i, row) {
        message_from_row(row, &m);
        if (m.id > target) {
            reached = true;
            break;
        }
        if (event_filter_wants_type(&sub->filter, m.topic)) {
            if (sub->filter.n_warehouses) {
                message_warehouses(s, &m);
                if (!m.warehouses_known) {
                    stalled = true; /* the database failed: try again on the next pass */
                    break;
                }
            }
            if (event_filter_matches(&sub->filter, m.topic, (const char(*)[65])m.warehouses,
                                     m.n_warehouses)) {
                const char *frame = message_frame(&m);
                bool fits = frame && sub_append(sub, frame, m.frame_len);
                free(m.frame);
                if (!fits) {
                    stalled = true;
                    break;
                }
                sub->id_sent = m.id;
                sub->last_write_ms = mono_ms();
            }
        }
        sub->cursor = m.id;
    }
    json_decref(rows);
    if (!stalled && reached && sub->cursor < target)
        sub->cursor = target;
    return !stalled && sub->cursor < target;
}

/* One pass over the streams that are behind and have room. Returns whether any has more. */
static bool catch_up_all(event_hub_t *h, store_t *s) {
    int n = 0;
    pthread_mutex_lock(&h->mu);
    int64_t target = h->cursor;
    for (event_sub_t *sub = h->subs; sub && n < h->cfg.streams_max; sub = sub->next) {
        if (sub->cursor >= target || sub_wants_room(sub))
            continue;
        sub->refs++;
        h->work[n++] = sub;
    }
    pthread_mutex_unlock(&h->mu);
    bool busy = false;
    for (int i = 0; i < n; i++)
        busy |= catch_up(s, h->work[i], target);
    pthread_mutex_lock(&h->mu);
    int freed = 0;
    for (int i = 0; i < n; i++)
        if (--h->work[i]->refs == 0)
            h->work[freed++] = h->work[i]; /* released meanwhile: ours to free */
    pthread_mutex_unlock(&h->mu);
    for (int i = 0; i < freed; i++)
        sub_free(h->work[i]);
    return busy;
}

/* Streams quiet for a keep-alive interval get their position (when it moved past what they
 * heard, so a receiver that filters most messages out resumes from near the end) or a
 * comment. */
static void keep_alive(event_hub_t *h) {
    int64_t now = mono_ms();
    pthread_mutex_lock(&h->mu);
    for (event_sub_t *sub = h->subs; sub; sub = sub->next) {
        if (now - sub->last_write_ms < h->cfg.keepalive_ms)
            continue;
        char text[64];
        bool position = sub->cursor > sub->id_sent;
        size_t n = position ? sse_position(text, sizeof text, sub->cursor)
                            : (size_t)snprintf(text, sizeof text, "%s", SSE_KEEPALIVE);
        if (sub_append(sub, text, n) && position)
            sub->id_sent = sub->cursor;
        sub->last_write_ms = now;
    }
    pthread_mutex_unlock(&h->mu);
}

static void *hub_main(void *arg) {
    event_hub_t *h = arg;
    int tick_ms = h->cfg.keepalive_ms / 2;
    if (tick_ms > IDLE_POLL_MS)
        tick_ms = IDLE_POLL_MS;
    if (tick_ms < 10)
        tick_ms = 10;
    store_t *s = NULL;
    pthread_mutex_lock(&h->mu);
    while (!h->stopping) {
        h->kicked = false;
        pthread_mutex_unlock(&h->mu);
        if (!s)
            s = app_reader(h->app);
        bool busy = false;
        if (s) {
            busy = advance(h, s);
            busy |= catch_up_all(h, s);
        }
        keep_alive(h);
        pthread_mutex_lock(&h->mu);
        if (busy || h->kicked || h->stopping)
            continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)tick_ms * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&h->cv, &h->mu, &until);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* ---- the hub ---- */

event_hub_t *event_hub_start(app_t *app, const event_hub_config_t *cfg) {
    store_t *s = app_reader(app);
    int64_t last = 0;
    if (!s || s->vt->outbox_last_id(s, &last) != STORE_OK)
        return NULL;
    event_hub_t *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->app = app;
    h->cfg = *cfg;
    /* Everything stored before the server started is durable: the writer's earlier work
     * (migrations, demo data) was waited for. */
    h->cursor = last;
    h->work = calloc((size_t)(cfg->streams_max > 0 ? cfg->streams_max : 1), sizeof *h->work);
    if (!h->work) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    if (!writer_listen(app->writer, hub_kick, h)) {
        log_warn("event streams: no writer listener slot; polling every %d ms", IDLE_POLL_MS);
    }
    if (pthread_create(&h->thread, NULL, hub_main, h) != 0) {
        writer_unlisten(app->writer, hub_kick, h);
        pthread_mutex_destroy(&h->mu);
        pthread_cond_destroy(&h->cv);
        free(h->work);
        free(h);
        return NULL;
    }
    pthread_setname_np(h->thread, "ordo-streams");
    return h;
}

void event_hub_close(event_hub_t *h) {
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);
    h->closed = true;
    for (event_sub_t *sub = h->subs; sub; sub = sub->next) {
        pthread_mutex_lock(&sub->mu);
        sub->ended = true;
        if (sub->parked) {
            sub->parked = false;
            sub->waker.unpark(sub->waker.ctx);
        }
        pthread_mutex_unlock(&sub->mu);
    }
    pthread_mutex_unlock(&h->mu);
}

void event_hub_stop(event_hub_t *h) {
    if (!h)
        return;
    writer_unlisten(h->app->writer, hub_kick, h);
    pthread_mutex_lock(&h->mu);
    h->stopping = true;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL);
    if (h->n_subs)
        log_error("event streams: %d streams still open at stop", h->n_subs);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h->work);
    free(h);
}

void event_hub_stats(event_hub_t *h, event_hub_stats_t *out) {
    pthread_mutex_lock(&h->mu);
    out->open = h->n_subs;
    out->overflows = h->overflows;
    pthread_mutex_unlock(&h->mu);
}
