/*
 * tls_server.c - a small HTTPS server over tls.c for tests/integration/
 * tls.sh: N worker threads, each with its own event_base, evhttp and
 * SO_REUSEPORT socket, the way savoird runs.
 *
 *   tls_server --port P [--addr A] (--cert C --key K | --state-dir D)
 *              [--workers N] [--handshake-ms MS] [--debug]
 *
 * Prints "listening on PORT" once every worker accepts.  GET / answers
 * "bonjour\n", GET /big 1 MB, GET /stats the TLS counters.  SIGHUP
 * reloads the certificate (same paths), SIGTERM and SIGINT stop cleanly.
 * It owns nothing savoird uses and must never grow routes of its own.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>

#include "savoir.h"
#include "tls.h"

#define MAX_WORKERS	64
#define BIG_SIZE	(1024 * 1024)

struct worker {
	int			 id;
	pthread_t		 thread;
	int			 fd;
	int			 stop[2];	/* pipe: main -> worker */
	struct event_base	*base;
	struct evhttp		*http;
	struct event		*stop_ev;
	struct tls_worker	*tls;
};

static struct worker	 workers[MAX_WORKERS];
static int		 nworkers = 1;
static char		*big;

static __dead void
usage(void)
{
	fprintf(stderr, "usage: tls_server --port P [--addr A] "
	    "(--cert C --key K | --state-dir D) [--workers N] "
	    "[--handshake-ms MS] [--debug]\n");
	exit(2);
}

/* optarg as an integer in [min, max], or the usage and exit 2. */
static int
int_arg(long long min, long long max)
{
	long long	 v;

	if (parse_int(optarg, min, max, &v) == -1)
		usage();
	return (int)v;
}

static void
handle(struct evhttp_request *req, void *arg)
{
	struct worker		*w = arg;
	struct evbuffer		*out = evhttp_request_get_output_buffer(req);
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	const char		*path = evhttp_uri_get_path(
				    evhttp_request_get_evhttp_uri(req));
	struct tls_stats	 st;

	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	if (path == NULL || strcmp(path, "/") == 0) {
		evbuffer_add_printf(out, "bonjour\n");
		evhttp_send_reply(req, 200, "OK", out);
	} else if (strcmp(path, "/big") == 0) {
		evbuffer_add_reference(out, big, BIG_SIZE, NULL, NULL);
		evhttp_send_reply(req, 200, "OK", out);
	} else if (strcmp(path, "/stats") == 0) {
		tls_worker_stats(w->tls, &st);
		evbuffer_add_printf(out, "worker %d handshakes %llu resumed "
		    "%llu failed %llu timeouts %llu plain_http %llu active "
		    "%lld\n", w->id, (unsigned long long)st.handshakes,
		    (unsigned long long)st.resumed,
		    (unsigned long long)st.failed,
		    (unsigned long long)st.timeouts,
		    (unsigned long long)st.plain_http, (long long)st.active);
		evhttp_send_reply(req, 200, "OK", out);
	} else {
		evbuffer_add_printf(out, "introuvable\n");
		evhttp_send_reply(req, 404, "Not Found", out);
	}
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(w->base);
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

/* One listening socket per worker on the same port: the kernel balances
 * connections between them. */
static int
listen_on(const char *addr, int port)
{
	struct addrinfo	 hints, *ai;
	char		 serv[16];
	int		 fd, one = 1, error;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(serv, sizeof serv, "%d", port);
	if ((error = getaddrinfo(addr, serv, &hints, &ai)) != 0)
		fatalx("bad address %s: %s", addr, gai_strerror(error));
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		fatal("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == -1)
		fatal("setsockopt");
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		fatal("bind %s port %d", addr, port);
	freeaddrinfo(ai);
	/* evhttp_bind_socket would listen with a backlog of 128. */
	if (listen(fd, 1024) == -1)
		fatal("listen");
	return fd;
}

static int
bound_port(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		fatal("getsockname");
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ "handshake-ms", required_argument, NULL, 'h' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*addr = "127.0.0.1", *statedir = NULL;
	char			*cert = NULL, *key = NULL, *cause, *desc;
	char			 host[HOST_NAME_MAX + 1];
	struct tls_ctx		*ctx, *next;
	struct worker		*w;
	sigset_t		 set;
	int			 ch, port = -1, hs_ms = 10000, sig, i;
	int			 level = SAVOIR_LOG_INFO;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			port = int_arg(0, 65535);
			break;
		case 'a':
			addr = optarg;
			break;
		case 'c':
			cert = xstrdup(optarg);
			break;
		case 'k':
			key = xstrdup(optarg);
			break;
		case 's':
			statedir = optarg;
			break;
		case 'w':
			nworkers = int_arg(1, MAX_WORKERS);
			break;
		case 'h':
			hs_ms = int_arg(0, 3600000);
			break;
		case 'd':
			level = SAVOIR_LOG_DEBUG;
			break;
		default:
			usage();
		}
	}
	if (port == -1 || optind != argc ||
	    (statedir == NULL) == (cert == NULL || key == NULL))
		usage();
	log_init("tls_server", level, 0);
	signal(SIGPIPE, SIG_IGN);

	if (statedir != NULL) {
		if (gethostname(host, sizeof host) == -1)
			host[0] = '\0';
		host[sizeof host - 1] = '\0';
		if (tls_selfsigned(statedir, host, &cert, &key, &cause) == -1)
			fatalx("%s", cause);
	}
	if ((ctx = tls_ctx_new(cert, key, NULL, &cause)) == NULL)
		fatalx("%s", cause);
	desc = tls_ctx_describe(ctx);
	log_info("certificate %s", desc);
	free(desc);

	big = xmalloc(BIG_SIZE);
	for (i = 0; i < BIG_SIZE; i++)
		big[i] = "abcdefghijklmnopqrstuvwxyz0123456789\n"[i % 37];

	/* Workers inherit a mask with the signals main waits for. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	for (i = 0; i < nworkers; i++) {
		w = &workers[i];
		w->id = i;
		w->fd = listen_on(addr, port);
		if (port == 0)
			port = bound_port(w->fd);
		if (pipe2(w->stop, O_CLOEXEC | O_NONBLOCK) == -1)
			fatal("pipe");
		if ((w->base = event_base_new()) == NULL ||
		    (w->http = evhttp_new(w->base)) == NULL)
			fatalx("cannot create an event base");
		if ((w->tls = tls_worker_new(w->base, ctx, hs_ms,
		    &cause)) == NULL)
			fatalx("%s", cause);
		tls_worker_attach(w->tls, w->http);
		evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET |
		    EVHTTP_REQ_HEAD);
		evhttp_set_gencb(w->http, handle, w);
		if (evhttp_accept_socket_with_handle(w->http, w->fd) == NULL)
			fatalx("cannot accept on port %d", port);
		w->stop_ev = event_new(w->base, w->stop[0], EV_READ, on_stop,
		    w);
		event_add(w->stop_ev, NULL);
	}
	for (i = 0; i < nworkers; i++)
		if ((errno = pthread_create(&workers[i].thread, NULL,
		    worker_main, &workers[i])) != 0)
			fatal("pthread_create");
	printf("listening on %d\n", port);
	fflush(stdout);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		/* Validate the new files as a whole before any worker sees
		 * them; in-flight connections keep the old context. */
		if ((next = tls_ctx_new(cert, key, ctx, &cause)) == NULL) {
			log_warnx("reload refused: %s", cause);
			free(cause);
			continue;
		}
		for (i = 0; i < nworkers; i++)
			tls_worker_set_ctx(workers[i].tls, next);
		tls_ctx_free(ctx);
		ctx = next;
		desc = tls_ctx_describe(ctx);
		log_info("reloaded: certificate %s", desc);
		free(desc);
	}

	for (i = 0; i < nworkers; i++)
		if (write(workers[i].stop[1], "", 1) == -1)
			log_warn("cannot stop worker %d", i);
	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
	/* Every loop has stopped: free in one thread, so no descriptor a
	 * connection closes can be reused by another worker meanwhile. */
	for (i = 0; i < nworkers; i++) {
		w = &workers[i];
		evhttp_free(w->http);
		event_free(w->stop_ev);
		/* Connections hold their own references: event_base_free
		 * finalizes them, and the last one frees the worker. */
		tls_worker_free(w->tls);
		event_base_free(w->base);
		close(w->stop[0]);
		close(w->stop[1]);
	}
	tls_ctx_free(ctx);
	free(big);
	free(cert);
	free(key);
	log_info("stopped");
	return 0;
}
