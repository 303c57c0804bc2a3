/*
 * tls.c - mbedTLS under libevent 2.1's evhttp: the bufferevent adapter
 * evhttp reads and writes through (struct tls_conn), one per connection,
 * made with the configuration of its worker (tls_worker.c) and attached to
 * a worker's evhttp by tls_worker_attach.  The handshake and request
 * deadlines, the connection count and the logged close are conn.c's,
 * shared with plain.c.
 *
 * The adapter is a filtering bufferevent (what evhttp sees, plaintext)
 * over a socket bufferevent (ciphertext).  mbedTLS's BIO callbacks read
 * and write the socket bufferevent's evbuffers, so the handshake and
 * records never block and partial records simply wait for more bytes.
 * libevent 2.1's filter has traps this file works around (each is
 * explained where it is handled):
 *   - evhttp adds a response while writing is disabled and then enables
 *     it, and the filter does not look at its output on enable: output is
 *     encrypted from a per-connection event activated by an evbuffer
 *     callback, which also puts headers and body in one record;
 *   - plaintext is drained only once its ciphertext has left for the
 *     kernel, else evhttp frees a "Connection: close" connection while
 *     its response still sits in the socket bufferevent's buffer (new
 *     records are written to the socket directly: see tls_pump);
 *   - the filter runs evhttp's callbacks without holding a reference, and
 *     evhttp may free the connection inside them: every entry point from
 *     the socket bufferevent holds one;
 *   - close_notify is sent from evhttp's close callback, before evhttp
 *     shuts the socket down;
 *   - both bufferevents are BEV_OPT_CLOSE_ON_FREE: evhttp only calls
 *     shutdown().
 *
 * Decrypted bytes reach evhttp only through the connection's strict
 * HTTP/1.1 gate (h1.c), as plain.c's do.  This file never reads
 * certificate files (cert.c does), never parses HTTP (but for recognising
 * plain HTTP sent to the TLS port), never touches the index and never
 * blocks.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include "savoir.h"
#include "tls.h"
#include "cert.h"
#include "conn.h"
#include "tls_int.h"

/* Ciphertext queued on the socket before we wait for it to drain. */
#define TLS_OUT_HIGH		(256 * 1024)

struct tls_conn {
	struct conn		 conn;		/* deadline, count, close */
	struct tls_worker	*w;
	struct tls_conf		*conf;
	mbedtls_ssl_context	 ssl;
	struct bufferevent	*bev;		/* the filter: plaintext */
	struct bufferevent	*under;		/* the socket: ciphertext */
	struct event		*kick;		/* deferred output and close */
	struct evhttp_connection *evcon;
	/* The filter's own callbacks on the socket bufferevent (its write
	 * callback is replaced by tls_pump, never called). */
	bufferevent_data_cb	 under_readcb;
	bufferevent_event_cb	 under_eventcb;
	void			*under_arg;
	/* Plaintext at the head of the filter's output already encrypted,
	 * drained once its ciphertext has left. */
	size_t			 sent;
	/* Records bound for a direct write (see tls_pump); NULL otherwise. */
	struct evbuffer		*stage;
	/* Plaintext on its way to evhttp through the HTTP/1.1 gate. */
	struct evbuffer		*clear;
	int			 handshake_ms;
	int			 request_ms;
	unsigned		 started:1;	/* first bytes seen */
	unsigned		 handshaken:1;
	unsigned		 close_now:1;	/* kick: make evhttp close */
	unsigned		 closed:1;	/* evhttp closed it */
	unsigned		 notified:1;	/* close_notify queued */
	unsigned		 draining:1;	/* our own evbuffer_drain */
	unsigned		 dead:1;	/* the filter is being freed */
	char			 peer[INET6_ADDRSTRLEN + 8];
};


/*
 * Take a reference on the filter before calling anything that may reach
 * evhttp, which can free the connection from inside.  A filter freed by
 * its owner has its callbacks cleared by bufferevent_free() and may
 * already be at refcount 0 waiting for finalization: taking a reference
 * then would free it twice, so such a connection is left alone.
 */
static int
tls_conn_hold(struct tls_conn *c)
{
	bufferevent_event_cb	ecb;

	if (c->dead)
		return 0;
	bufferevent_getcb(c->bev, NULL, NULL, &ecb, NULL);
	if (ecb == NULL) {
		c->dead = 1;
		return 0;
	}
	bufferevent_incref(c->bev);
	return 1;
}

static void
tls_conn_release(struct tls_conn *c)
{
	bufferevent_decref(c->bev);
}

static void
tls_conn_peer(struct tls_conn *c)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 host[INET6_ADDRSTRLEN];
	int			 fd;

	snprintf(c->peer, sizeof c->peer, "?");
	if ((fd = bufferevent_getfd(c->under)) == -1 ||
	    getpeername(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		snprintf(c->peer, sizeof c->peer, "%s:%u", host,
		    ntohs(sin->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		snprintf(c->peer, sizeof c->peer, "[%s]:%u", host,
		    ntohs(sin6->sin6_port));
	}
}

/*
 * The connection cannot go on: say why once (conn_close), then close as
 * soon as what is queued for the peer (an alert, a 400) has left.
 */
static void SAVOIR_PRINTFLIKE(2, 3)
tls_conn_fail(struct tls_conn *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conn_vclose(&c->conn, fmt, ap);
	va_end(ap);
}

/* conn_close's second half: the connection is marked closing already. */
static void
tls_conn_close(struct conn *conn, void *arg)
{
	struct tls_conn	*c = arg;

	(void)conn;
	if (evbuffer_get_length(bufferevent_get_output(c->under)) == 0) {
		c->close_now = 1;
		event_active(c->kick, EV_WRITE, 0);
	}
}

static int
tls_bio_send(void *arg, const unsigned char *buf, size_t len)
{
	struct tls_conn	*c = arg;
	struct evbuffer	*dst;

	dst = c->stage != NULL ? c->stage : bufferevent_get_output(c->under);
	if (evbuffer_add(dst, buf, len) == -1)
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	return (int)len;
}

static int
tls_bio_recv(void *arg, unsigned char *buf, size_t len)
{
	struct tls_conn	*c = arg;
	int		 n;

	n = evbuffer_remove(bufferevent_get_input(c->under), buf, len);
	if (n <= 0)
		return MBEDTLS_ERR_SSL_WANT_READ;
	return n;
}

/* Our close callback on evhttp's connection: close_notify, then push
 * whatever is queued out now, for evhttp shuts the socket down next. */
static void
tls_closecb(struct evhttp_connection *evcon, void *arg)
{
	struct tls_conn	*c = arg;
	struct evbuffer	*out = bufferevent_get_output(c->under);
	int		 fd;

	c->closed = 1;
	pool_leave(&c->conn);	/* the client no longer holds it */
	if (c->handshaken && !c->conn.closing && !c->notified) {
		c->notified = 1;
		(void)mbedtls_ssl_close_notify(&c->ssl);
	}
	if ((fd = bufferevent_getfd(c->under)) == -1)
		return;
	/* The socket bufferevent keeps the start of its output frozen but
	 * while it writes itself. */
	evbuffer_unfreeze(out, 1);
	while (evbuffer_get_length(out) > 0)
		if (evbuffer_write(out, fd) <= 0)
			break;
	evbuffer_freeze(out, 1);
}

/*
 * evhttp passes its connection as the argument of the callbacks it sets on
 * our bufferevent (every libevent 2.x does): the only way to reach it, to
 * own its close callback, since 2.1 has no "new connection" hook.
 */
static void
tls_conn_find_evcon(struct tls_conn *c)
{
	bufferevent_event_cb	 ecb;
	void			*arg;

	bufferevent_getcb(c->bev, NULL, NULL, &ecb, &arg);
	if (ecb == NULL || arg == NULL)
		return;
	if (evhttp_connection_get_bufferevent(arg) != c->bev) {
		log_debug("tls: %s: no evhttp connection", c->peer);
		return;
	}
	c->evcon = arg;
	evhttp_connection_set_closecb(c->evcon, tls_closecb, c);
}

/*
 * Encrypt plaintext from the filter's output that is not yet encrypted,
 * record by record, into wire (where the BIO writes) until it holds
 * TLS_OUT_HIGH.  The plaintext stays where it is (c->sent counts it): it
 * is drained once the ciphertext has left.  16 kB at a time, so evhttp's
 * headers and body go out in one record.
 */
static int
tls_encrypt(struct tls_conn *c, struct evbuffer *wire)
{
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct evbuffer_ptr	 pos;
	unsigned char		 rec[MBEDTLS_SSL_OUT_CONTENT_LEN];
	size_t			 len, n, max;
	ev_ssize_t		 got;
	char			 e[128];
	int			 r, done = 0;

	if (!c->handshaken || c->conn.closing || c->closed)
		return 0;
	if ((r = mbedtls_ssl_get_max_out_record_payload(&c->ssl)) <= 0)
		max = sizeof rec;
	else
		max = (size_t)r < sizeof rec ? (size_t)r : sizeof rec;
	len = evbuffer_get_length(out);
	if (c->sent > len)
		c->sent = len;
	while (c->sent < len && evbuffer_get_length(wire) < TLS_OUT_HIGH) {
		n = len - c->sent < max ? len - c->sent : max;
		if (evbuffer_ptr_set(out, &pos, c->sent,
		    EVBUFFER_PTR_SET) == -1)
			break;
		if ((got = evbuffer_copyout_from(out, &pos, rec, n)) <= 0)
			break;
		r = mbedtls_ssl_write(&c->ssl, rec, (size_t)got);
		if (r < 0) {
			tls_conn_fail(c, "cannot encrypt: %s",
			    cert_strerror(r, e, sizeof e));
			return -1;
		}
		c->sent += (size_t)r;
		done = 1;
	}
	return done;
}

/*
 * Move the output along; called when evhttp has queued something and when
 * the socket's output has emptied.  Once the socket bufferevent has
 * nothing queued, everything encrypted so far has left: its plaintext is
 * drained, and once the filter's output is empty evhttp learns that its
 * response went out (on "Connection: close" it then frees the
 * connection).  New records are written to the socket directly; only what
 * the kernel does not take is queued on the socket bufferevent, whose
 * write callback calls us again.  Writing directly saves, per response,
 * an event loop round and the two epoll_ctl() that arm and disarm the
 * socket's write event.  A few rounds at most, then the rest waits its
 * turn behind the other connections.
 */
static void
tls_pump(struct tls_conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	struct evbuffer	*wire = bufferevent_get_output(c->under);
	int		 fd, r, rounds, progress = 0;

	if (!c->handshaken || c->conn.closing || c->closed)
		return;
	fd = bufferevent_getfd(c->under);
	for (rounds = 0; rounds < 4; rounds++) {
		if (evbuffer_get_length(wire) > 0)
			break;
		if (c->sent > 0) {
			c->draining = 1;
			evbuffer_drain(out, c->sent);
			c->draining = 0;
			c->sent = 0;
			progress = 1;
		}
		if (evbuffer_get_length(out) == 0)
			break;
		c->stage = evbuffer_new();
		r = tls_encrypt(c, c->stage);
		while (r == 1 && fd != -1 && evbuffer_get_length(c->stage) > 0)
			if (evbuffer_write(c->stage, fd) <= 0)
				break;
		/* What the kernel did not take (EAGAIN, or an error the
		 * socket bufferevent will meet and report) is queued. */
		evbuffer_add_buffer(wire, c->stage);
		evbuffer_free(c->stage);
		c->stage = NULL;
		if (r <= 0)
			break;
	}
	if (rounds == 4 && evbuffer_get_length(wire) == 0)
		event_active(c->kick, EV_WRITE, 0);
	if (progress && !c->closed) {
		if (evbuffer_get_length(out) == 0)
			bufferevent_trigger(c->bev, EV_WRITE, 0);
		else if (bufferevent_get_enabled(c->bev) & EV_WRITE)
			/* Progress: push evhttp's write timeout back. */
			bufferevent_enable(c->bev, EV_WRITE);
	}
}

/*
 * The filter's input side: the handshake, then records to plaintext.
 * libevent calls it with the socket's input and the filter's input.
 */
static enum bufferevent_filter_result
tls_filter_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct tls_conn	*c = arg;
	struct iovec	 iov;
	unsigned char	 first;
	size_t		 total = 0, passed;
	char		 e[128];
	int		 r;

	if (c->conn.closing || c->closed) {
		evbuffer_drain(src, evbuffer_get_length(src));
		return BEV_ERROR;
	}
	if (!c->started) {
		c->started = 1;
		tls_conn_peer(c);
		tls_conn_find_evcon(c);
		/*
		 * A TLS record starts with a content type (20-24) or, for an
		 * SSLv2 hello, 0x80: a capital letter is a browser speaking
		 * plain HTTP to this port.  Tell the person what to type.
		 */
		if (evbuffer_copyout(src, &first, 1) == 1 &&
		    first >= 'A' && first <= 'Z') {
			static const char body[] = "Ce serveur n'accepte que "
			    "HTTPS : utilisez une adresse en https://\n";

			atomic_fetch_add(&c->w->st.plain_http, 1);
			evbuffer_add_printf(bufferevent_get_output(c->under),
			    "HTTP/1.1 400 Bad Request\r\n"
			    "Content-Type: text/plain; charset=utf-8\r\n"
			    /* As on every answer (http.c's list; a text
			     * page needs nothing from anywhere). */
			    "Content-Security-Policy: default-src 'none'; "
			    "frame-ancestors 'none'\r\n"
			    "X-Content-Type-Options: nosniff\r\n"
			    "Referrer-Policy: same-origin\r\n"
			    "X-Frame-Options: DENY\r\n"
			    "Cross-Origin-Opener-Policy: same-origin\r\n"
			    "Cross-Origin-Resource-Policy: same-origin\r\n"
			    "Content-Length: %zu\r\n"
			    "Connection: close\r\n\r\n%s", sizeof body - 1,
			    body);
			evbuffer_drain(src, evbuffer_get_length(src));
			tls_conn_fail(c, "plain HTTP on the TLS port; "
			    "answered 400");
			return BEV_ERROR;
		}
	}
	if (!c->handshaken) {
		r = mbedtls_ssl_handshake(&c->ssl);
		if (r == MBEDTLS_ERR_SSL_WANT_READ ||
		    r == MBEDTLS_ERR_SSL_WANT_WRITE)
			return BEV_NEED_MORE;
		if (r != 0) {
			atomic_fetch_add(&c->w->st.failed, 1);
			evbuffer_drain(src, evbuffer_get_length(src));
			tls_conn_fail(c, "handshake failed: %s",
			    cert_strerror(r, e, sizeof e));
			return BEV_ERROR;
		}
		c->handshaken = 1;
		conn_deadline_stop(&c->conn);
		atomic_fetch_add(&c->w->st.handshakes, 1);
		log_debug("tls: %s: %s %s", c->peer,
		    mbedtls_ssl_get_version(&c->ssl),
		    mbedtls_ssl_get_ciphersuite(&c->ssl));
		/* Anything evhttp queued meanwhile can go now. */
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
			event_active(c->kick, EV_WRITE, 0);
	}

	/*
	 * Read every record there is, so no plaintext is left inside
	 * mbedTLS where nothing would wake us up for it.  evhttp sets no
	 * read watermark, so lim is -1 in practice.  The plaintext goes to
	 * c->clear, and from there through the gate to evhttp (dst).
	 */
	(void)lim;
	(void)mode;
	for (;;) {
		if (evbuffer_reserve_space(c->clear,
		    MBEDTLS_SSL_IN_CONTENT_LEN, &iov, 1) < 1)
			return BEV_ERROR;
		r = mbedtls_ssl_read(&c->ssl, iov.iov_base, iov.iov_len);
		if (r > 0) {
			iov.iov_len = (size_t)r;
			evbuffer_commit_space(c->clear, &iov, 1);
			total += (size_t)r;
			continue;
		}
		iov.iov_len = 0;
		evbuffer_commit_space(c->clear, &iov, 1);
		if (r == MBEDTLS_ERR_SSL_WANT_READ ||
		    r == MBEDTLS_ERR_SSL_WANT_WRITE)
			break;
		/* (close_notify and errors below) */
		if (r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == 0) {
			/* The peer is done sending; its FIN follows and the
			 * socket's EOF closes the connection. */
			evbuffer_drain(src, evbuffer_get_length(src));
			break;
		}
		evbuffer_drain(src, evbuffer_get_length(src));
		tls_conn_fail(c, "cannot decrypt: %s",
		    cert_strerror(r, e, sizeof e));
		passed = h1_gate_pass(&c->conn.h1, c->clear, dst, "tls",
		    c->peer);
		return passed > 0 ? BEV_OK : BEV_ERROR;
	}
	passed = h1_gate_pass(&c->conn.h1, c->clear, dst, "tls", c->peer);
	if (!c->closed)
		conn_request_started(&c->conn, total, c->request_ms);
	return passed > 0 ? BEV_OK : BEV_NEED_MORE;
}

/*
 * The filter's output side.  Called by libevent only while writing is
 * enabled, which evhttp enables after queuing its response: the actual
 * work happens in tls_kick, scheduled by tls_outbuf_cb.  On an explicit
 * flush, encrypt now.
 */
static enum bufferevent_filter_result
tls_filter_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct tls_conn	*c = arg;
	int		 r;

	(void)src;
	(void)dst;
	(void)lim;
	if (mode == BEV_NORMAL) {
		event_active(c->kick, EV_WRITE, 0);
		return BEV_NEED_MORE;
	}
	if ((r = tls_encrypt(c, bufferevent_get_output(c->under))) == -1)
		return BEV_ERROR;
	return r > 0 ? BEV_OK : BEV_NEED_MORE;
}

/* Something changed the filter's output. */
static void
tls_outbuf_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct tls_conn	*c = arg;

	(void)buf;
	if (info->n_added > 0 && !c->dead) {
		conn_request_answered(&c->conn);
		event_active(c->kick, EV_WRITE, 0);
	}
	/* Somebody else dropped output (evhttp on an error): what we
	 * counted as encrypted shrinks with it. */
	if (info->n_deleted > 0 && !c->draining)
		c->sent = c->sent > info->n_deleted ?
		    c->sent - info->n_deleted : 0;
}

/* Deferred work: encrypt what evhttp queued, or have evhttp close. */
static void
tls_kick(evutil_socket_t fd, short what, void *arg)
{
	struct tls_conn	*c = arg;

	(void)fd;
	(void)what;
	if (!tls_conn_hold(c))
		return;
	if (c->close_now) {
		c->close_now = 0;
		/* evhttp answers an error event by freeing the connection. */
		bufferevent_trigger_event(c->bev,
		    BEV_EVENT_ERROR | BEV_EVENT_READING, 0);
	} else
		tls_pump(c);
	tls_conn_release(c);
}

/* The handshake or the request deadline has passed. */
static void
tls_expire(struct conn *conn, void *arg)
{
	struct tls_conn	*c = arg;

	if ((c->handshaken && !conn->in_request) || !tls_conn_hold(c))
		return;
	if (!c->started)
		tls_conn_peer(c);
	atomic_fetch_add(&c->w->st.timeouts, 1);
	if (c->handshaken)
		tls_conn_fail(c, "request not complete within %d ms; closing",
		    c->request_ms);
	else
		tls_conn_fail(c, "no TLS handshake within %d ms; closing",
		    c->handshake_ms);
	tls_conn_release(c);
}

/*
 * The socket bufferevent's callbacks.  They stand in front of the filter's
 * own, which in 2.1 run evhttp's callbacks without holding a reference.
 */
static void
tls_under_read(struct bufferevent *under, void *arg)
{
	struct tls_conn	*c = arg;

	if (!tls_conn_hold(c))
		return;
	c->under_readcb(under, c->under_arg);
	tls_conn_release(c);
}

/* The socket's output is empty. */
static void
tls_under_write(struct bufferevent *under, void *arg)
{
	struct tls_conn	*c = arg;

	(void)under;
	if (!tls_conn_hold(c))
		return;
	if (c->conn.closing) {
		/* The alert or the 400 has left: now close. */
		if (!c->closed)
			bufferevent_trigger_event(c->bev,
			    BEV_EVENT_ERROR | BEV_EVENT_WRITING, 0);
	} else
		tls_pump(c);
	tls_conn_release(c);
}

static void
tls_under_event(struct bufferevent *under, short what, void *arg)
{
	struct tls_conn	*c = arg;

	if (!tls_conn_hold(c))
		return;
	if (!c->started && !c->conn.closing && log_get_level() <= SAVOIR_LOG_DEBUG) {
		tls_conn_peer(c);
		log_debug("tls: %s: closed before sending anything", c->peer);
	}
	c->under_eventcb(under, what, c->under_arg);
	tls_conn_release(c);
}

static int
tls_conn_fd(struct conn *conn, void *arg)
{
	struct tls_conn	*c = arg;

	(void)conn;
	return bufferevent_getfd(c->under);
}

/* An answer still leaving: plaintext or ciphertext queued. */
static int
tls_conn_busy(struct conn *conn, void *arg)
{
	struct tls_conn	*c = arg;

	(void)conn;
	return evbuffer_get_length(bufferevent_get_output(c->under)) > 0 ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0;
}

/* The filter's destructor: runs once both bufferevents are done. */
static void
tls_conn_free(void *arg)
{
	struct tls_conn	*c = arg;

	if (c->kick != NULL)
		event_free(c->kick);
	if (c->clear != NULL)
		evbuffer_free(c->clear);
	conn_done(&c->conn);
	mbedtls_ssl_free(&c->ssl);
	tls_conf_free(c->conf);
	tls_worker_unref(c->w);
	free(c);
}

/*
 * evhttp's bufferevent callback: a new connection.  Returning NULL would
 * make evhttp serve plain HTTP on this socket, so failures to set up TLS
 * still return a bufferevent, one that closes at once.
 */
static struct bufferevent *
tls_bevcb(struct event_base *base, void *arg)
{
	struct tls_worker	*w = arg;
	struct tls_conn		*c;
	struct bufferevent	*under, *bev;
	char			 e[128];
	int			 r;

	tls_worker_update(w);
	c = xcalloc(1, sizeof *c);
	c->w = w;
	atomic_fetch_add(&w->refs, 1);
	conn_open(&c->conn, base, &w->st.active, "tls", tls_expire,
	    tls_conn_close, c);
	c->conf = tls_conf_ref(w->conf);
	snprintf(c->peer, sizeof c->peer, "?");
	c->conn.peer = c->peer;
	mbedtls_ssl_init(&c->ssl);

	/* evhttp sets the descriptor later, through the filter. */
	if ((under = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("tls: cannot create a bufferevent");
	if ((bev = bufferevent_filter_new(under, tls_filter_in, tls_filter_out,
	    BEV_OPT_CLOSE_ON_FREE, tls_conn_free, c)) == NULL)
		fatalx("tls: cannot create a filtering bufferevent");
	c->bev = bev;
	c->under = under;
	bufferevent_getcb(under, &c->under_readcb, NULL, &c->under_eventcb,
	    &c->under_arg);
	bufferevent_setcb(under, tls_under_read, tls_under_write,
	    tls_under_event, c);
	evbuffer_add_cb(bufferevent_get_output(bev), tls_outbuf_cb, c);
	if ((c->kick = event_new(base, -1, 0, tls_kick, c)) == NULL)
		fatalx("tls: cannot create an event");
	if ((c->clear = evbuffer_new()) == NULL)
		fatalx("tls: cannot create a buffer");

	c->handshake_ms = atomic_load(&w->handshake_ms);
	c->request_ms = atomic_load(&w->request_ms);
	conn_deadline(&c->conn, c->handshake_ms);

	if ((r = mbedtls_ssl_setup(&c->ssl, &c->conf->ssl)) != 0) {
		c->conn.closing = 1;
		c->close_now = 1;
		event_active(c->kick, EV_WRITE, 0);
		log_warnx("tls: cannot set up a connection: %s",
		    cert_strerror(r, e, sizeof e));
		return bev;
	}
	mbedtls_ssl_set_bio(&c->ssl, c, tls_bio_send, tls_bio_recv, NULL);
	c->conn.fd = tls_conn_fd;
	c->conn.busy = tls_conn_busy;
	if (w->pool != NULL)
		pool_join(w->pool, &c->conn);
	return bev;
}

void
tls_worker_set_pool(struct tls_worker *w, struct pool *pool)
{
	w->pool = pool;
}

void
tls_worker_attach(struct tls_worker *w, struct evhttp *http)
{
	evhttp_set_bevcb(http, tls_bevcb, w);
}

