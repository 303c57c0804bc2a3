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

#include <sys/resource.h>
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
#include "conn.h"

enum { KIND_HTTPS, KIND_HTTP, KIND_REDIRECT };

/* How long a worker out of descriptors stops accepting. */
#define SERVER_STARVE_US	250000

/* For the accept error callback, which only gets a listener. */
static struct server	*server_self;

/*
 * Descriptors besides connections: per worker its listeners, its
 * event_base (epoll, a notification pair), the index (database, WAL,
 * shared memory, a spare) and its reserve; for the process stdio, the
 * log, the main event_base, files read on reload, and a margin for
 * connections being closed.
 */
#define SERVER_FDS_WORKER	8
#define SERVER_FDS_FIXED	64

/*
 * How many connections each worker may hold with the descriptors we have:
 * raise the soft RLIMIT_NOFILE up to the hard one if workers x
 * max_connections needs it, and when even that is short say what is
 * reachable and return less than max_connections.
 */
static int
server_fd_budget(struct server *s, const struct config *c)
{
	struct rlimit	 rl, nr;
	long long	 per = c->nlisten + c->nhttp_listen +
			    c->nredirect_listen + SERVER_FDS_WORKER;
	long long	 need, cap;

	need = (long long)s->nworkers * (c->max_connections + per) +
	    SERVER_FDS_FIXED;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit");
		return c->max_connections;
	}
	if (rl.rlim_cur != RLIM_INFINITY && (long long)rl.rlim_cur < need) {
		nr.rlim_max = rl.rlim_max;
		nr.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    (long long)rl.rlim_max >= need ? (rlim_t)need :
		    rl.rlim_max;
		if (nr.rlim_cur > rl.rlim_cur &&
		    setrlimit(RLIMIT_NOFILE, &nr) == 0) {
			log_info("descriptors: soft limit raised from %llu "
			    "to %llu (%d workers x %d connections)",
			    (unsigned long long)rl.rlim_cur,
			    (unsigned long long)nr.rlim_cur, s->nworkers,
			    c->max_connections);
			rl.rlim_cur = nr.rlim_cur;
		}
	}
	if (rl.rlim_cur == RLIM_INFINITY || (long long)rl.rlim_cur >= need)
		return c->max_connections;
	cap = ((long long)rl.rlim_cur - SERVER_FDS_FIXED) / s->nworkers - per;
	if (cap < 1)
		cap = 1;
	log_warnx("descriptors: the limit is %llu (hard %llu) but %d workers "
	    "x %d connections need about %lld: serving at most %lld "
	    "connections per worker, %lld in all; raise the limit "
	    "(LimitNOFILE=, ulimit -n) or lower max_connections",
	    (unsigned long long)rl.rlim_cur,
	    (unsigned long long)rl.rlim_max, s->nworkers, c->max_connections,
	    need, cap, cap * s->nworkers);
	return (int)cap;
}

/* The worker's cap and shedding, from the configuration in force. */
static void
worker_pool_set(struct worker *w)
{
	struct config	*c = w->server->conf;
	int		 cap = c->max_connections;

	if (w->server->fd_cap > 0 && w->server->fd_cap < cap)
		cap = w->server->fd_cap;
	pool_set(w->pool, cap, c->max_per_address, c->shed_after_ms);
}

/* Bind one socket to addr; port_out gets the port actually bound, and
 * bound (when not NULL) the numeric address, "127.0.0.1:8443". */
static int
server_socket(const struct listen_addr *a, const char *port_in,
    char *port_out, size_t port_len, char **bound, char **cause)
{
	char			 port[16], host[NI_MAXHOST];
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
	    getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof host,
	    port_out, port_len, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		if (bound != NULL) {
			free(*bound);
			*bound = xsprintf("%s%s%s:%s", ss.ss_family ==
			    AF_INET6 ? "[" : "", host, ss.ss_family ==
			    AF_INET6 ? "]" : "", port_out);
		}
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
server_wildcard(const char *bound)
{
	return bound != NULL && (strncmp(bound, "0.0.0.0:", 8) == 0 ||
	    strncmp(bound, "[::]:", 5) == 0);
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
				    sizeof port, j == 0 ? &((struct listen_addr *)
				    addrs[k])[i].bound : NULL, cause);
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
	h1_set_max_uri((size_t)c->max_uri);
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
	worker_pool_set(w);
}

/*
 * A worker's listeners run while it is neither full (pool.c: at its cap
 * with nobody to shed) nor starved (out of descriptors); evconnlistener's
 * accept loop stops as soon as a callback disables its listener.
 */
static void
worker_listen(struct worker *w)
{
	struct evconnlistener	*l;
	int			 i, want = !w->full && !w->starved;

	if (want == w->listening)
		return;
	for (i = 0; i < w->nbound + w->nboundp; i++) {
		l = evhttp_bound_socket_get_listener(i < w->nbound ?
		    w->bound[i] : w->boundp[i - w->nbound]);
		if (want)
			evconnlistener_enable(l);
		else
			evconnlistener_disable(l);
	}
	w->listening = want;
}

/* pool.c's pause callback.  At most one message a second: with shedding
 * a busy worker may pause and resume many times a second. */
static void
worker_full(void *arg, int full)
{
	struct worker	*w = arg;
	struct pool_stats st;
	int64_t		 now = mono_us();

	w->full = full;
	worker_listen(w);
	if (full && now - w->full_logged >= 1000000) {
		pool_stats(w->pool, &st);
		w->full_logged = now;
		w->full_said = 1;
		log_warnx("worker %d: %lld connections, the limit: not "
		    "accepting until some close or may be shed", w->id,
		    st.active);
	} else if (!full && w->full_said) {
		w->full_said = 0;
		if (w->nbound > 0)
			log_info("worker %d: accepting HTTPS connections "
			    "again", w->id);
		if (w->nboundp > 0)
			log_info("worker %d: accepting plain HTTP connections "
			    "again", w->id);
	}
}

static struct worker *
worker_of_base(struct event_base *base)
{
	int	 i;

	for (i = 0; i < server_self->nworkers; i++)
		if (server_self->workers[i].base == base)
			return &server_self->workers[i];
	return NULL;
}

/*
 * accept() failed for another reason than a retry (EMFILE, ENFILE,
 * ENOBUFS...).  Without this callback libevent logs and retries at once,
 * forever: 1.79 million lines in 6 s.  As OpenBSD httpd does: give up the
 * reserve descriptor to take the oldest waiting client off the queue and
 * close it (it learns at once rather than waiting for a slot), stop
 * accepting for a while, then take the reserve back.
 */
static void
worker_accept_error(struct evconnlistener *l, void *arg)
{
	struct worker	*w = worker_of_base(evconnlistener_get_base(l));
	struct timeval	 tv = { 0, SERVER_STARVE_US };
	int		 err = EVUTIL_SOCKET_ERROR(), fd;
	int64_t		 now = mono_us();

	(void)arg;
	if (w == NULL)
		return;
	atomic_fetch_add(&w->accept_errors, 1);
	if (w->reserve != -1) {
		close(w->reserve);
		w->reserve = -1;
	}
	if ((fd = accept4(evconnlistener_get_fd(l), NULL, NULL,
	    SOCK_CLOEXEC)) != -1) {
		close(fd);
		w->starve_dropped++;
	}
	w->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	w->starved = 1;
	worker_listen(w);
	evtimer_add(w->starve_ev, &tv);
	if (now - w->starve_logged >= 1000000) {
		log_warnx("worker %d: accept: %s; not accepting for %d ms "
		    "(%llu waiting clients closed since the last message)",
		    w->id, strerror(err), SERVER_STARVE_US / 1000,
		    w->starve_dropped);
		w->starve_logged = now;
		w->starve_dropped = 0;
	}
}

static void
worker_starve_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;
	struct timeval	 tv = { 0, SERVER_STARVE_US };

	if (w->reserve == -1 &&
	    (w->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		evtimer_add(w->starve_ev, &tv);	/* still none free */
		return;
	}
	w->starved = 0;
	worker_listen(w);
}

static void
worker_guard_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;

	pool_tick(w->pool);
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
		evconnlistener_set_error_cb(
		    evhttp_bound_socket_get_listener(b), worker_accept_error);
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

	server_self = s;
	s->fd_cap = server_fd_budget(s, s->conf);
	for (i = 0; i < s->nworkers; i++) {
		w = &s->workers[i];
		w->id = i;
		w->server = s;
		if ((w->base = event_base_new()) == NULL) {
			xasprintf(cause, "event_base_new failed");
			return -1;
		}
		if ((w->reserve = open("/dev/null", O_RDONLY |
		    O_CLOEXEC)) == -1) {
			xasprintf(cause, "/dev/null: %s", strerror(errno));
			return -1;
		}
		w->reload_ev = event_new(w->base, -1, 0, worker_reload_cb, w);
		w->stop_ev = event_new(w->base, -1, 0, worker_stop_cb, w);
		w->starve_ev = evtimer_new(w->base, worker_starve_cb, w);
		w->pool = pool_new(w->base, worker_full, w);
		worker_pool_set(w);
		if (w->nfds[KIND_HTTPS] > 0 && (w->tls = tls_worker_new(
		    w->base, s->tls, s->conf->handshake_ms, cause)) == NULL)
			return -1;
		if (w->tls != NULL) {
			tls_worker_set_request_ms(w->tls,
			    s->conf->request_timeout * 1000);
			tls_worker_set_pool(w->tls, w->pool);
		}
		if (w->nfds[KIND_HTTP] + w->nfds[KIND_REDIRECT] > 0) {
			w->plain = plain_watch_new(w->base,
			    s->conf->request_timeout * 1000);
			plain_watch_set_pool(w->plain, w->pool);
		}
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
		w->listening = 1;
		{
			/* Resumes a full worker once somebody may be shed:
			 * a newcomer waits at most this long for that. */
			struct timeval tv = { 0, 100000 };

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
		/* Connections still being finalized leave it first. */
		pool_free(w->pool);
		if (w->starve_ev != NULL)
			event_free(w->starve_ev);
		if (w->reserve > 0)
			close(w->reserve);
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
	s->fd_cap = server_fd_budget(s, c);
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
