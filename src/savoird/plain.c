/*
 * plain.c - the plain HTTP listeners (http_listen, redirect_listen): the
 * bufferevent each of their connections gets, watched so that conn.c's
 * request deadline and connection count work here as they do for HTTPS.
 *
 * evhttp's own timeout is restarted by every read, so a client that sends
 * one byte a second keeps a connection forever.  Here each connection's
 * bufferevent is made by us (evhttp_set_bevcb) and watched through
 * callbacks on its two evbuffers, which evhttp leaves alone: the first
 * byte of a request starts the clock, the first byte of the answer stops
 * it (conn_request_started, conn_request_answered).  A connection out of
 * time is closed as a read error would close it (evhttp frees it).
 *
 * The same input callback runs before evhttp's read callback, at each
 * read, with the bytes just read at the end of the input buffer: it takes
 * them out and puts back only what the strict HTTP/1.1 gate (h1.c) lets
 * through, so evhttp never parses a head the gate has not checked.
 *
 * We hold a reference on each bufferevent, so that the deadline never
 * touches freed memory: once evhttp has freed a connection (its
 * bufferevent has no event callback any more) a sweep every 250 ms drops
 * our reference, which closes the socket (BEV_OPT_CLOSE_ON_FREE; evhttp
 * has already shut it down), and leaves the count.  This file never
 * parses HTTP (h1.c does).  Everything runs on the worker's thread.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "savoird.h"
#include "conn.h"

struct plain_conn {
	struct conn		 conn;		/* deadline, count, close */
	struct plain_watch	*pw;
	struct plain_conn	*next;
	struct bufferevent	*bev;
	struct evbuffer		*front;		/* plain_in_cb's */
	int			 swept;		/* seen by a sweep at least once */
	int			 gone;		/* evhttp closed it */
	int			 gating;	/* inside plain_in_cb */
};

struct plain_watch {
	struct event		*sweep;
	struct event		*reap;		/* a sweep right after a close */
	struct plain_conn	*conns;
	struct pool		*pool;		/* the worker's; may be NULL */
	atomic_int		 request_ms;
	atomic_llong		 active;
};

static void
plain_in_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct plain_conn	*c = arg;
	size_t			 keep;

	/* Our own moves below call us again: nothing new then. */
	if (c->gating || info->n_added == 0)
		return;
	conn_request_started(&c->conn, info->n_added,
	    atomic_load(&c->pw->request_ms));
	/*
	 * The new bytes are the last n_added (evbuffer_read just added
	 * them); before them, what the gate passed and evhttp has not read
	 * yet.  Set that aside, let the gate take the new bytes, and put
	 * back both, in order: evhttp's read callback runs next.
	 */
	c->gating = 1;
	keep = evbuffer_get_length(buf) - info->n_added;
	if (keep > 0)
		evbuffer_remove_buffer(buf, c->front, keep);
	h1_gate_pass(&c->conn.h1, buf, c->front, c->conn.kind, c->conn.peer);
	/* Only fails if the end of buf is frozen, which bufferevent_readcb
	 * lifts around the read that calls us: never lose a request. */
	if (evbuffer_add_buffer(buf, c->front) == -1)
		conn_close(&c->conn, "cannot hand a request to evhttp; closing");
	c->gating = 0;
}

static void
plain_out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct plain_conn	*c = arg;

	(void)buf;
	if (info->n_added > 0)
		conn_request_answered(&c->conn);
}

/* Has evhttp freed this connection?  bufferevent_free() clears the
 * callbacks; evhttp always has an event callback set before that. */
static int
plain_freed(struct plain_conn *c)
{
	bufferevent_event_cb	 eventcb = NULL;

	bufferevent_getcb(c->bev, NULL, NULL, &eventcb, NULL);
	return eventcb == NULL;
}

static int
plain_fd(struct conn *conn, void *arg)
{
	struct plain_conn	*c = arg;

	(void)conn;
	return bufferevent_getfd(c->bev);
}

static int
plain_busy(struct conn *conn, void *arg)
{
	struct plain_conn	*c = arg;

	(void)conn;
	return evbuffer_get_length(bufferevent_get_output(c->bev)) > 0;
}

/* evhttp closes the connection: the client no longer holds it, though
 * the descriptor waits for the sweep. */
static void
plain_evclosed(struct evhttp_connection *evcon, void *arg)
{
	struct plain_conn	*c = arg;

	(void)evcon;
	pool_leave(&c->conn);
	/* Close the descriptor once evhttp has let go, not at the next
	 * sweep: a full worker sheds and accepts many in a second. */
	c->gone = 1;
	event_active(c->pw->reap, EV_TIMEOUT, 0);
}

/* Just after the accept: evhttp's connection is the argument of the
 * callbacks it set on our bufferevent (as in tls.c). */
static void
plain_settled(struct conn *conn, void *arg)
{
	struct plain_conn	*c = arg;
	bufferevent_event_cb	 ecb;
	void			*evcon;

	(void)conn;
	bufferevent_getcb(c->bev, NULL, NULL, &ecb, &evcon);
	if (ecb != NULL && evcon != NULL &&
	    evhttp_connection_get_bufferevent(evcon) == c->bev)
		evhttp_connection_set_closecb(evcon, plain_evclosed, c);
}

/* The request deadline has passed. */
static void
plain_expire(struct conn *conn, void *arg)
{
	struct plain_conn	*c = arg;

	if (plain_freed(c))
		return;
	conn_close(conn, "request not complete within %d ms; closing",
	    conn->request_ms);
}

/* conn_close's second half. */
static void
plain_close(struct conn *conn, void *arg)
{
	struct plain_conn	*c = arg;

	(void)conn;
	bufferevent_disable(c->bev, EV_READ);
	/* As if the client had gone: evhttp frees it. */
	bufferevent_trigger_event(c->bev, BEV_EVENT_EOF | BEV_EVENT_READING,
	    BEV_TRIG_DEFER_CALLBACKS);
}

static struct bufferevent *
plain_bevcb(struct event_base *base, void *arg)
{
	struct plain_watch	*pw = arg;
	struct plain_conn	*c;
	struct bufferevent	*bev;

	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("plain: cannot create a bufferevent");
	c = xcalloc(1, sizeof *c);
	conn_open(&c->conn, base, &pw->active, "plain HTTP", plain_expire,
	    plain_close, c);
	c->pw = pw;
	c->bev = bev;
	if ((c->front = evbuffer_new()) == NULL)
		fatalx("plain: cannot create a buffer");
	bufferevent_incref(bev);
	evbuffer_add_cb(bufferevent_get_input(bev), plain_in_cb, c);
	evbuffer_add_cb(bufferevent_get_output(bev), plain_out_cb, c);
	c->next = pw->conns;
	pw->conns = c;
	c->conn.fd = plain_fd;
	c->conn.busy = plain_busy;
	c->conn.settled = plain_settled;
	if (pw->pool != NULL)
		pool_join(pw->pool, &c->conn);
	return bev;
}

static void
plain_sweep(evutil_socket_t fd, short what, void *arg)
{
	struct plain_watch	*pw = arg;
	struct plain_conn	*c, **pp;

	(void)fd;
	(void)what;
	for (pp = &pw->conns; (c = *pp) != NULL;) {
		if ((c->swept || c->gone) && plain_freed(c)) {
			*pp = c->next;
			evbuffer_remove_cb(bufferevent_get_input(c->bev),
			    plain_in_cb, c);
			evbuffer_remove_cb(bufferevent_get_output(c->bev),
			    plain_out_cb, c);
			conn_done(&c->conn);
			bufferevent_decref(c->bev);
			evbuffer_free(c->front);
			free(c);
			continue;
		}
		c->swept = 1;
		pp = &c->next;
	}
}

struct plain_watch *
plain_watch_new(struct event_base *base, int request_ms)
{
	struct plain_watch	*pw;
	struct timeval		 tv = { 0, 250000 };

	pw = xcalloc(1, sizeof *pw);
	atomic_init(&pw->request_ms, request_ms);
	if ((pw->sweep = event_new(base, -1, EV_PERSIST, plain_sweep,
	    pw)) == NULL)
		fatalx("plain: cannot create a timer");
	event_add(pw->sweep, &tv);
	if ((pw->reap = event_new(base, -1, 0, plain_sweep, pw)) == NULL)
		fatalx("plain: cannot create an event");
	return pw;
}

void
plain_watch_attach(struct plain_watch *pw, struct evhttp *http)
{
	evhttp_set_bevcb(http, plain_bevcb, pw);
}

void
plain_watch_set_pool(struct plain_watch *pw, struct pool *pool)
{
	pw->pool = pool;
}

void
plain_watch_set_request_ms(struct plain_watch *pw, int ms)
{
	atomic_store(&pw->request_ms, ms);
}

long long
plain_watch_active(struct plain_watch *pw)
{
	return pw != NULL ? atomic_load(&pw->active) : 0;
}

/* After the evhttps that use it are freed (they free their connections). */
void
plain_watch_free(struct plain_watch *pw)
{
	struct plain_conn	*c, *next;

	if (pw == NULL)
		return;
	for (c = pw->conns; c != NULL; c = next) {
		next = c->next;
		evbuffer_remove_cb(bufferevent_get_input(c->bev), plain_in_cb,
		    c);
		evbuffer_remove_cb(bufferevent_get_output(c->bev),
		    plain_out_cb, c);
		if (!plain_freed(c))
			bufferevent_free(c->bev);	/* never handed over */
		conn_done(&c->conn);
		bufferevent_decref(c->bev);
		evbuffer_free(c->front);
		free(c);
	}
	event_free(pw->sweep);
	event_free(pw->reap);
	free(pw);
}
