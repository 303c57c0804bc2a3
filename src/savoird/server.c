/*
 * server.c - the workers: one thread each, with its own event_base, its
 * own evhttp instances and its own listening sockets (SO_REUSEPORT, so the
 * kernel balances connections; one shared socket measured badly), and a
 * read-only index connection opened on first use.  Owns binding (done
 * before privileges are dropped), start, stop and reload.
 *
 * Threads, not pre-forked processes: measured on two cores, processes
 * served keep-alive requests no faster (a few per cent more CPU per
 * request), and each needs its own session-ticket keys (a ticket
 * generator copied by fork would repeat its IVs), so a returning client
 * resumed its TLS session on one worker in N: 7x the server CPU per
 * reconnection with two workers (bench/README.md).
 *
 * Nothing on the request path is shared between workers except the
 * configuration pointer (atomic; retired configurations are kept until
 * exit so a request never reads freed memory) and the TLS context
 * (refcounted in tls.c).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/listener.h>
#include <event2/thread.h>

#include "savoird.h"

enum { KIND_HTTPS, KIND_HTTP, KIND_REDIRECT };

/* Bind one socket to addr; port_out gets the port actually bound. */
static int
server_socket(const struct listen_addr *a, const char *port_in,
    char *port_out, size_t port_len, char **cause)
{
	char			 port[16];
	struct addrinfo		 hints, *res = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	int			 fd = -1, on = 1, rc;

	snprintf(port, sizeof port, "%s", port_in);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(a->host, port, &hints, &res)) != 0) {
		xasprintf(cause, "listen %s:%s: %s", a->host, port,
		    gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, res->ai_protocol);
	if (fd == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) == -1) {
		xasprintf(cause, "SO_REUSEPORT: %s", strerror(errno));
		goto fail;
	}
	if (res->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		xasprintf(cause, "cannot listen on %s:%s: %s", a->host, port,
		    strerror(errno));
		goto fail;
	}
	/* evhttp_bind_socket would hard-code a backlog of 128. */
	if (listen(fd, 1024) == -1) {
		xasprintf(cause, "listen %s:%s: %s", a->host, port,
		    strerror(errno));
		goto fail;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sslen, NULL, 0, port_out,
	    port_len, NI_NUMERICSERV) == 0) {
		/* port_out set */
	} else
		snprintf(port_out, port_len, "%s", port);
	freeaddrinfo(res);
	return fd;
fail:
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return -1;
}

/*
 * SO_REUSEPORT lets a second process bind a port the first one serves and
 * silently take half its connections.  A plain bind first proves the port
 * is free.
 */
static int
server_port_free(const struct listen_addr *a, const char *port, char **cause)
{
	struct addrinfo	 hints, *res = NULL;
	int		 fd, on = 1, ret = 0;

	if (strcmp(port, "0") == 0)
		return 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(a->host, port, &hints, &res) != 0)
		return 0;	/* server_socket reports it */
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    res->ai_protocol);
	if (fd != -1) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
		if (res->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    sizeof on);
		if (bind(fd, res->ai_addr, res->ai_addrlen) == -1 &&
		    errno == EADDRINUSE) {
			xasprintf(cause, "cannot listen on %s:%s: address "
			    "already in use (another savoird?)", a->host,
			    port);
			ret = -1;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return ret;
}

int
server_bind(struct server *s, char **cause)
{
	struct config		*c = s->conf;
	const struct listen_addr *addrs[3] = { c->listen, c->http_listen,
	    c->redirect_listen };
	int			 counts[3] = { c->nlisten, c->nhttp_listen,
	    c->nredirect_listen };
	char			 port[16];
	int			 k, i, j, fd;

	if (s->nworkers <= 0 || s->nworkers > SAVOIRD_MAX_WORKERS)
		s->nworkers = 1;
	for (k = 0; k < 3; k++) {
		for (i = 0; i < counts[k]; i++) {
			/* The first socket may ask for port 0; the others
			 * join the port it got. */
			snprintf(port, sizeof port, "%s", addrs[k][i].port);
			if (server_port_free(&addrs[k][i], port, cause) == -1)
				return -1;
			for (j = 0; j < s->nworkers; j++) {
				fd = server_socket(&addrs[k][i], port, port,
				    sizeof port, cause);
				if (fd == -1)
					return -1;
				s->workers[j].fds[k][i] = fd;
				s->workers[j].nfds[k] = i + 1;
			}
			free(addrs[k][i].port);
			((struct listen_addr *)addrs[k])[i].port = xstrdup(port);
		}
	}
	return 0;
}

struct store *
worker_store(struct worker *w)
{
	struct config	*c = w->server->conf;
	struct stat	 sb;
	char		*cause = NULL;
	int64_t		 now = mono_us();

	/* Notice a replaced index file (savoir import, a new copy). */
	if (w->store != NULL && now - w->store_checked > 1000000) {
		w->store_checked = now;
		if (stat(c->db, &sb) == -1 || sb.st_ino != w->store_ino ||
		    sb.st_dev != w->store_dev) {
			log_info("worker %d: index %s replaced, reopening",
			    w->id, c->db);
			store_close(w->store);
			w->store = NULL;
		}
	}
	if (w->store != NULL)
		return w->store;
	if (now - w->store_failed < 1000000)
		return NULL;
	if ((w->store = store_open(c->db, STORE_RDONLY, &cause)) == NULL) {
		w->store_failed = now;
		log_warnx("worker %d: %s", w->id, cause);
		free(cause);
		return NULL;
	}
	if (stat(c->db, &sb) == 0) {
		w->store_ino = sb.st_ino;
		w->store_dev = sb.st_dev;
	}
	w->store_checked = now;
	return w->store;
}

/* Limits live on each evhttp; set them on the worker's own thread. */
static void
worker_apply(struct worker *w, struct evhttp *h)
{
	struct config	*c = w->server->conf;

	if (h == NULL)
		return;
	evhttp_set_max_headers_size(h, (ev_ssize_t)c->max_header);
	evhttp_set_max_body_size(h, (ev_ssize_t)c->max_body);
	h1_set_limits((size_t)c->max_header, (uint64_t)c->max_body);
	evhttp_set_timeout(h, c->idle_timeout);
	evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(h, "text/plain; charset=utf-8");
}

static void
worker_reload_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;

	worker_apply(w, w->https);
	worker_apply(w, w->http);
	worker_apply(w, w->redirect);
	if (w->tls != NULL) {
		tls_worker_set_handshake_ms(w->tls,
		    w->server->conf->handshake_ms);
		tls_worker_set_request_ms(w->tls,
		    w->server->conf->request_timeout * 1000);
	}
	if (w->plain != NULL)
		plain_watch_set_request_ms(w->plain,
		    w->server->conf->request_timeout * 1000);
}

/*
 * At max_connections TLS connections a worker stops accepting (the kernel
 * queues new ones in the backlog) until some close, rather than accepting
 * more than it can serve.
 */
/* Stop or resume accepting on a group of listeners. */
static void
worker_pause(struct worker *w, struct evhttp_bound_socket **b, int n,
    int *paused, long long active, const char *what)
{
	int	 i, full = active >= w->server->conf->max_connections;

	if (full == *paused)
		return;
	for (i = 0; i < n; i++) {
		if (full)
			evconnlistener_disable(
			    evhttp_bound_socket_get_listener(b[i]));
		else
			evconnlistener_enable(
			    evhttp_bound_socket_get_listener(b[i]));
	}
	*paused = full;
	if (full)
		log_warnx("worker %d: %lld %s connections, the limit: not "
		    "accepting until some close", w->id, active, what);
	else
		log_info("worker %d: accepting %s connections again", w->id,
		    what);
}

static void
worker_guard_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker		*w = arg;
	struct tls_stats	 st;

	if (w->tls != NULL) {
		tls_worker_stats(w->tls, &st);
		worker_pause(w, w->bound, w->nbound, &w->paused,
		    (long long)st.active, "HTTPS");
	}
	if (w->plain != NULL)
		worker_pause(w, w->boundp, w->nboundp, &w->pausedp,
		    plain_watch_active(w->plain), "plain HTTP");
}

static void
worker_stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;

	event_base_loopexit(w->base, NULL);
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	event_base_dispatch(w->base);
	search_thread_done();
	return NULL;
}

static struct evhttp *
worker_evhttp(struct worker *w, int kind,
    void (*cb)(struct evhttp_request *, void *), char **cause)
{
	struct evhttp	*h;
	int		 i;

	if (w->nfds[kind] == 0)
		return NULL;
	if ((h = evhttp_new(w->base)) == NULL) {
		xasprintf(cause, "evhttp_new failed");
		return NULL;
	}
	evhttp_set_gencb(h, cb, w);
	worker_apply(w, h);
	if (kind == KIND_HTTPS)
		tls_worker_attach(w->tls, h);
	else
		plain_watch_attach(w->plain, h);
	for (i = 0; i < w->nfds[kind]; i++) {
		struct evhttp_bound_socket *b;

		if ((b = evhttp_accept_socket_with_handle(h,
		    w->fds[kind][i])) == NULL) {
			xasprintf(cause, "cannot accept on socket %d",
			    w->fds[kind][i]);
			evhttp_free(h);
			return NULL;
		}
		w->fds[kind][i] = -1;	/* evhttp owns it now */
		if (kind == KIND_HTTPS)
			w->bound[w->nbound++] = b;
		else
			w->boundp[w->nboundp++] = b;
	}
	return h;
}

int
server_start(struct server *s, char **cause)
{
	struct worker	*w;
	int		 i;

	for (i = 0; i < s->nworkers; i++) {
		w = &s->workers[i];
		w->id = i;
		w->server = s;
		if ((w->base = event_base_new()) == NULL) {
			xasprintf(cause, "event_base_new failed");
			return -1;
		}
		w->reload_ev = event_new(w->base, -1, 0, worker_reload_cb, w);
		w->stop_ev = event_new(w->base, -1, 0, worker_stop_cb, w);
		if (w->nfds[KIND_HTTPS] > 0 && (w->tls = tls_worker_new(
		    w->base, s->tls, s->conf->handshake_ms, cause)) == NULL)
			return -1;
		if (w->tls != NULL)
			tls_worker_set_request_ms(w->tls,
			    s->conf->request_timeout * 1000);
		if (w->nfds[KIND_HTTP] + w->nfds[KIND_REDIRECT] > 0)
			w->plain = plain_watch_new(w->base,
			    s->conf->request_timeout * 1000);
		if ((w->https = worker_evhttp(w, KIND_HTTPS, http_dispatch,
		    cause)) == NULL && w->nfds[KIND_HTTPS] > 0)
			return -1;
		if ((w->http = worker_evhttp(w, KIND_HTTP, http_dispatch_plain,
		    cause)) == NULL && w->nfds[KIND_HTTP] > 0)
			return -1;
		if ((w->redirect = worker_evhttp(w, KIND_REDIRECT,
		    http_dispatch_redirect, cause)) == NULL &&
		    w->nfds[KIND_REDIRECT] > 0)
			return -1;
		if (w->tls != NULL || w->plain != NULL) {
			struct timeval tv = { 0, 200000 };

			w->guard_ev = event_new(w->base, -1, EV_PERSIST,
			    worker_guard_cb, w);
			event_add(w->guard_ev, &tv);
		}
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			xasprintf(cause, "pthread_create: %s", strerror(errno));
			return -1;
		}
		w->running = 1;
	}
	return 0;
}

void
server_stop(struct server *s)
{
	struct worker	*w;
	int		 i, k, j;

	for (i = 0; i < s->nworkers; i++)
		if (s->workers[i].running)
			event_active(s->workers[i].stop_ev, 0, 0);
	for (i = 0; i < s->nworkers; i++) {
		w = &s->workers[i];
		if (w->running)
			pthread_join(w->thread, NULL);
		w->running = 0;
		verify_worker_stop(w);	/* before the base goes */
		if (w->https != NULL)
			evhttp_free(w->https);
		if (w->http != NULL)
			evhttp_free(w->http);
		if (w->redirect != NULL)
			evhttp_free(w->redirect);
		plain_watch_free(w->plain);
		tls_worker_free(w->tls);
		if (w->reload_ev != NULL)
			event_free(w->reload_ev);
		if (w->stop_ev != NULL)
			event_free(w->stop_ev);
		if (w->guard_ev != NULL)
			event_free(w->guard_ev);
		if (w->base != NULL)
			event_base_free(w->base);
		store_close(w->store);
		for (k = 0; k < 3; k++)
			for (j = 0; j < w->nfds[k]; j++)
				if (w->fds[k][j] != -1)
					close(w->fds[k][j]);
		memset(w, 0, sizeof *w);
	}
}

void
server_reload(struct server *s, struct config *c, struct tls_ctx *tls,
    struct templates *t)
{
	int	 i;

	/* Retired configurations and templates stay allocated: a request in
	 * flight on another thread may still be reading them. */
	if (s->nretired < SERVER_MAX_RETIRED) {
		s->retired_conf[s->nretired] = s->conf;
		s->retired_templates[s->nretired] = t != NULL ?
		    s->templates : NULL;
		s->nretired++;
	}
	s->conf = c;
	if (t != NULL)
		s->templates = t;
	if (tls != NULL) {
		for (i = 0; i < s->nworkers; i++)
			if (s->workers[i].tls != NULL)
				tls_worker_set_ctx(s->workers[i].tls, tls);
		tls_ctx_free(s->tls);
		s->tls = tls;
	}
	for (i = 0; i < s->nworkers; i++)
		if (s->workers[i].running)
			event_active(s->workers[i].reload_ev, 0, 0);
}
