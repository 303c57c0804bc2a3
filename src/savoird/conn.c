/*
 * conn.c - the part of a connection both listeners share (see conn.h):
 * the connection count, the deadline timer with the request clock on it,
 * the close path that logs why, and the life of the connection's strict
 * HTTP/1.1 gate (its checks are h1.c's).  The worker's cap and shedding
 * are pool.c's; this file tells it when a connection goes or makes
 * progress.
 *
 * This file never reads or writes a connection's bytes and never frees
 * one: ending a connection is the listener's close callback, and freeing
 * it is evhttp's.  It allocates nothing but the timer (and the gate its
 * buffer).
 */
#include "config.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <event2/event.h>

#include "savoir.h"
#include "conn.h"

void
conn_open(struct conn *c, struct event_base *base, atomic_llong *count,
    const char *kind, void (*expire)(struct conn *, void *),
    void (*close)(struct conn *, void *), void *arg)
{
	c->base = base;
	c->deadline = NULL;
	c->count = count;
	c->kind = kind;
	c->peer = NULL;
	c->expire = expire;
	c->close = close;
	c->arg = arg;
	h1_gate_init(&c->h1);
	c->request_ms = 0;
	c->in_request = 0;
	c->closing = 0;
	c->quiet = 0;
	c->pool = NULL;
	c->addr = NULL;
	c->pending = 0;
	c->mark_us = 0;
	c->fd = NULL;
	c->busy = NULL;
	c->settled = NULL;
	atomic_fetch_add(count, 1);
}

void
conn_done(struct conn *c)
{
	pool_leave(c);
	h1_gate_free(&c->h1);
	if (c->deadline != NULL) {
		event_free(c->deadline);
		c->deadline = NULL;
	}
	if (c->count != NULL) {
		atomic_fetch_sub(c->count, 1);
		c->count = NULL;
	}
}

static void
conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)what;
	if (!c->closing)
		c->expire(c, c->arg);
}

void
conn_deadline(struct conn *c, int ms)
{
	struct timeval	 tv;

	if (ms <= 0)
		return;
	if (c->deadline == NULL && (c->deadline = evtimer_new(c->base,
	    conn_deadline_cb, c)) == NULL)
		fatalx("%s: cannot create a timer", c->kind);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(c->deadline, &tv);
}

void
conn_deadline_stop(struct conn *c)
{
	if (c->deadline != NULL)
		evtimer_del(c->deadline);
}

void
conn_request_started(struct conn *c, size_t bytes, int ms)
{
	if (bytes == 0 || c->in_request || ms <= 0 || c->closing)
		return;
	c->in_request = 1;
	c->request_ms = ms;
	pool_touch(c);
	conn_deadline(c, ms);
}

void
conn_request_answered(struct conn *c)
{
	if (!c->in_request)
		return;
	c->in_request = 0;
	pool_touch(c);
	conn_deadline_stop(c);
}

void
conn_vclose(struct conn *c, const char *fmt, va_list ap)
{
	char	*msg;

	if (c->closing)
		return;
	c->closing = 1;
	if (c->quiet) {
		c->close(c, c->arg);
		return;
	}
	xvasprintf(&msg, fmt, ap);
	if (c->peer != NULL)
		log_info("%s: %s: %s", c->kind, c->peer, msg);
	else
		log_info("%s: %s", c->kind, msg);
	free(msg);
	c->close(c, c->arg);
}

void
conn_close(struct conn *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conn_vclose(c, fmt, ap);
	va_end(ap);
}
