/*
 * main.c - savoird: options, configuration, TLS identity, binding, the
 * privilege drop, and the main thread's signal loop (SIGHUP reloads after
 * validating everything anew; SIGTERM and SIGINT stop cleanly).  Requests
 * are never handled here: see server.c and http.c.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/thread.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "savoird.h"

static struct server	 server;
static pid_t		 side_pid;	/* 0: none */
static int		 foreground;
static struct laptop_opts lopts = { .address = "127.0.0.1" };

static __dead void
usage(void)
{
	fprintf(stderr, "usage: savoird [-fnv] [-c savoir.conf] [--db FILE]\n"
	    "       savoird --laptop [--db FILE] [--port N] "
	    "[--address 127.0.0.1]\n"
	    "  -c FILE  configuration (default: embedded defaults: "
	    "https://127.0.0.1:8443,\n"
	    "           ./savoir.db, a self-signed certificate in .)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -n       check the configuration, certificate and templates, "
	    "then exit\n"
	    "  -v       verbose (debug log)\n"
	    "  --db FILE  serve this index file, read-only\n"
	    "  --laptop   this machine only: http://127.0.0.1:8080/ (or the "
	    "next free port),\n"
	    "             no certificate, in the foreground\n");
	exit(2);
}

/* The TLS identity a configuration names, or the self-signed one. */
static struct tls_ctx *
load_tls(struct config *c, struct tls_ctx *prev, char **cause)
{
	struct tls_ctx	*ctx;
	char		*cert = NULL, *key = NULL, host[256];

	if (c->nlisten == 0)
		return NULL;
	if (*c->cert != '\0')
		return tls_ctx_new(c->cert, c->key, prev, cause);
	if (gethostname(host, sizeof host) == -1)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	if (tls_selfsigned(c->state_dir, host, &cert, &key, cause) == -1)
		return NULL;
	ctx = tls_ctx_new(cert, key, prev, cause);
	if (ctx != NULL)
		log_warnx("the certificate is self-signed: browsers will not "
		    "register the service worker, so offline reading is off; "
		    "install a certificate they trust ([tls] cert and key, "
		    "see \"Lecture hors connexion et certificat\" in "
		    "doc/guide-admin.md), or run savoird --laptop on each "
		    "machine");
	free(cert);
	free(key);
	return ctx;
}

static struct templates *
load_templates(struct config *c, char **cause)
{
	struct templates	*t;
	char			*dir;
	json_t			*grid;

	dir = xsprintf("%s/templates", c->www);
	t = templates_load(dir, cause);
	free(dir);
	/* The analysis grid travels with the templates that show it. */
	if (t != NULL) {
		if ((grid = grid_load(c->www, cause)) == NULL) {
			templates_free(t);
			return NULL;
		}
		templates_set_grid(t, grid);
	}
	return t;
}

/* Everything a configuration implies, loaded and checked together. */
static int
load_all(const char *path, struct config *c, struct tls_ctx *prev,
    struct tls_ctx **tls, struct templates **t, char **cause)
{
	*tls = NULL;
	*t = NULL;
	if (config_load(path, c, cause) == -1)
		return -1;
	if (laptop_apply(c, &lopts, cause) == -1) {
		config_free(c);
		return -1;
	}
	if ((*t = load_templates(c, cause)) == NULL)
		goto fail;
	if (c->nlisten > 0 && (*tls = load_tls(c, prev, cause)) == NULL)
		goto fail;
	return 0;
fail:
	templates_free(*t);
	*t = NULL;
	config_free(c);
	return -1;
}

/*
 * Started as root: keep nothing but the sockets already bound.  Running as
 * root is refused: there is always an unprivileged user to become.
 */
static void
drop_privileges(struct config *c)
{
	struct passwd	*pw;

	if (geteuid() != 0)
		return;
	if (strcmp(c->user, "root") == 0 || *c->user == '\0')
		fatalx("refusing to run as root: set [server] user");
	if ((pw = getpwnam(c->user)) == NULL)
		fatalx("user %s not found: create it or set [server] user",
		    c->user);
	if (pw->pw_uid == 0)
		fatalx("refusing to run as root: user %s has uid 0", c->user);
	/* Files written from now on (the generated certificate is written
	 * before this) must stay readable by that user. */
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("cannot drop privileges to %s", c->user);
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("privileges could be regained: refusing to run");
	log_info("running as %s (uid %u)", c->user, (unsigned)pw->pw_uid);
}

/* The generated certificate must belong to the user we become. */
static void
chown_state(struct config *c)
{
	struct passwd	*pw;
	char		*p;

	if (geteuid() != 0 || *c->cert != '\0' || c->nlisten == 0 ||
	    (pw = getpwnam(c->user)) == NULL)
		return;
	if (chown(c->state_dir, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("chown %s", c->state_dir);
	p = xsprintf("%s/selfsigned.key", c->state_dir);
	if (chown(p, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("chown %s", p);
	free(p);
	p = xsprintf("%s/selfsigned.crt", c->state_dir);
	if (chown(p, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("chown %s", p);
	free(p);
	/* tls_selfsigned takes this lock again on every reload. */
	p = xsprintf("%s/selfsigned.lock", c->state_dir);
	if (chown(p, pw->pw_uid, pw->pw_gid) == -1 && errno != ENOENT)
		log_warn("chown %s", p);
	free(p);
}

/*
 * Tell systemd (Type=notify) where the daemon stands: ready once every
 * listener serves, reloading during SIGHUP, stopping.  Without
 * $NOTIFY_SOCKET (not started by systemd), or built without libsystemd,
 * nothing happens.
 */
static void
notify(const char *state)
{
#ifdef HAVE_SYSTEMD
	int	 r;

	if ((r = sd_notify(0, state)) < 0)
		log_warnx("sd_notify: %s", strerror(-r));
#else
	(void)state;
#endif
}

static void
on_hup(evutil_socket_t sig, short ev, void *arg)
{
	struct config		*c;
	struct tls_ctx		*tls;
	struct templates	*t;
	struct config		*old = server.conf;
	char			*cause = NULL;
	int			 i;

	c = xcalloc(1, sizeof *c);
	log_info("SIGHUP: reloading %s", old->path != NULL ? old->path :
	    "the embedded configuration");
	notify("RELOADING=1");
	if (load_all(old->path, c, server.tls, &tls, &t, &cause) == -1) {
		log_warnx("reload refused, still serving the previous "
		    "configuration: %s", cause);
		notify("READY=1\nSTATUS=Reload refused: serving the previous "
		    "configuration (see the journal)");
		free(cause);
		free(c);
		return;
	}
	/* Sockets are bound once; moving them needs a restart. */
	for (i = 0; i < c->nlisten && i < old->nlisten; i++)
		if (strcmp(c->listen[i].host, old->listen[i].host) != 0)
			log_warnx("reload: listen addresses changed; restart "
			    "savoird to apply them");
	log_set_level(c->log_level);
	server_reload(&server, c, tls, t);
	if (side_pid > 0)
		side_reload(side_pid);
	else if (c->nwatch > 0 || *c->sync_url != '\0')
		log_warnx("reload: no side process (it ended): restart "
		    "savoird to run [index] and [sync]");
	if (tls != NULL) {
		char *d = tls_ctx_describe(tls);
		log_info("reloaded; certificate %s", d);
		log_info("public key pin: %s", tls_ctx_pin(tls));
		free(d);
	} else
		log_info("reloaded");
	notify("READY=1\nSTATUS=Serving (configuration reloaded)");
}

/* In the side process: it never serves, the TLS key has no use there. */
static void
side_scrub(void)
{
	tls_ctx_free(server.tls);
	server.tls = NULL;
}

/* The side process should live as long as savoird: say so if it died. */
static void
on_chld(evutil_socket_t sig, short ev, void *arg)
{
	int	 status;

	if (side_pid > 0 && waitpid(side_pid, &status, WNOHANG) == side_pid) {
		log_warnx("the side process ended (status %d): [index] and "
		    "[sync] jobs stopped until savoird restarts", status);
		side_pid = 0;
	}
}

static void
on_term(evutil_socket_t sig, short ev, void *arg)
{
	struct event_base	*base = arg;

	log_info("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	notify("STOPPING=1");
	event_base_loopexit(base, NULL);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct event		*ev_hup, *ev_term, *ev_int, *ev_chld;
	struct config		*c;
	struct tls_ctx		*tls;
	struct templates	*t;
	static const struct option longopts[] = {
		{ "address",	required_argument,	NULL,	'A' },
		{ "db",		required_argument,	NULL,	'D' },
		{ "laptop",	no_argument,		NULL,	'L' },
		{ "port",	required_argument,	NULL,	'P' },
		{ NULL,		0,			NULL,	0 }
	};
	const char		*path = NULL;
	char			*cause = NULL, *desc;
	int			 ch, check = 0, verbose = 0, i;
	long			 n;

#ifdef M_MMAP_THRESHOLD
	/*
	 * A query on a large index takes a few MB for a while (its term
	 * lists, the rows that matched).  glibc raises its mmap threshold
	 * each time such a block is freed and then keeps the next ones in
	 * the workers' heaps: fixed, they go back to the system.  At a
	 * million documents, 111 MB of RSS after 200 queries against 80.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	while ((ch = getopt_long(argc, argv, "c:fhnv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'A':
			lopts.address = optarg;
			break;
		case 'D':
			lopts.db = optarg;
			break;
		case 'L':
			lopts.laptop = 1;
			foreground = 1;
			break;
		case 'P':
			lopts.port = optarg;
			break;
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (!lopts.laptop && (lopts.port != NULL ||
	    strcmp(lopts.address, "127.0.0.1") != 0)))
		usage();
	log_init("savoird", verbose ? SAVOIR_LOG_DEBUG : SAVOIR_LOG_INFO, 0);
	store_library_init(1);
	if (evthread_use_pthreads() == -1)
		fatalx("libevent has no pthreads support");
	signal(SIGPIPE, SIG_IGN);

	c = xcalloc(1, sizeof *c);
	if (load_all(path, c, NULL, &tls, &t, &cause) == -1) {
		fprintf(stderr, "savoird: %s\n", cause);
		return 1;
	}
	/* A file named on the command line is checked now: a person is
	 * waiting for the answer (a configured one may come later). */
	if ((lopts.db != NULL || lopts.laptop) &&
	    laptop_check_db(c->db, &cause) == -1) {
		fprintf(stderr, "savoird: %s\n", cause);
		return 1;
	}
	if (check) {
		printf("savoird: configuration %s is valid\n",
		    path != NULL ? path : "(embedded defaults)");
		if (tls != NULL) {
			desc = tls_ctx_describe(tls);
			printf("savoird: certificate %s\n", desc);
			printf("savoird: public key pin: %s\n",
			    tls_ctx_pin(tls));
			free(desc);
		}
		tls_ctx_free(tls);
		templates_free(t);
		config_free(c);
		free(c);
		return 0;
	}
	if (!verbose)
		log_set_level(c->log_level);
	if (!foreground) {
		if (daemon(1, 0) == -1)
			fatal("daemon");
		log_init("savoird", verbose ? SAVOIR_LOG_DEBUG : c->log_level,
		    1);
	} else if (c->use_syslog)
		log_init("savoird", verbose ? SAVOIR_LOG_DEBUG : c->log_level,
		    1);

	server.conf = c;
	server.templates = t;
	server.tls = tls;
	server.started = now_ms();
	server.metrics = metrics_new();
	n = sysconf(_SC_NPROCESSORS_ONLN);
	server.nworkers = c->workers > 0 ? c->workers : n > 0 ?
	    (n > SAVOIRD_MAX_WORKERS ? SAVOIRD_MAX_WORKERS : (int)n) : 1;
	if (server_bind(&server, &cause) == -1)
		fatalx("%s", cause);
	chown_state(c);
	drop_privileges(c);
	/* Before any thread: the side process is a plain fork. */
	side_pid = side_start(c, c->use_syslog, side_scrub);

	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	ev_hup = evsignal_new(base, SIGHUP, on_hup, NULL);
	ev_term = evsignal_new(base, SIGTERM, on_term, base);
	ev_int = evsignal_new(base, SIGINT, on_term, base);
	evsignal_add(ev_hup, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	ev_chld = evsignal_new(base, SIGCHLD, on_chld, NULL);
	evsignal_add(ev_chld, NULL);

	if (server_start(&server, &cause) == -1)
		fatalx("%s", cause);
	offline_warm(c);
	if (tls != NULL) {
		desc = tls_ctx_describe(tls);
		log_info("certificate %s", desc);
		log_info("public key pin: %s", tls_ctx_pin(tls));
		free(desc);
	}
	for (i = 0; i < c->nlisten; i++)
		log_info("serving https://%s%s%s:%s/ (bound to %s%s, %d "
		    "worker%s)", strchr(c->listen[i].host, ':') ? "[" : "",
		    c->listen[i].host, strchr(c->listen[i].host, ':') ? "]" :
		    "", c->listen[i].port, c->listen[i].bound != NULL ?
		    c->listen[i].bound : "?", server_wildcard(c->listen[i].bound) ?
		    ": every address of this machine" : "", server.nworkers,
		    server.nworkers > 1 ? "s" : "");
	for (i = 0; i < c->nhttp_listen; i++) {
		desc = laptop_url(&c->http_listen[i]);
		log_info("serving %s on %s", c->db, desc);
		if (lopts.laptop) {
			printf("Savoir est ouvert sur %s\n(Ctrl+C pour "
			    "l'arrêter)\n", desc);
			fflush(stdout);
		}
		free(desc);
	}
	for (i = 0; i < c->nredirect_listen; i++)
		log_info("redirecting http://%s:%s/ to https",
		    c->redirect_listen[i].host, c->redirect_listen[i].port);
	notify("READY=1\nSTATUS=Serving");

	event_base_dispatch(base);

	side_stop(side_pid);
	server_stop(&server);
	event_free(ev_chld);
	event_free(ev_hup);
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(base);
	tls_ctx_free(server.tls);
	templates_free(server.templates);
	config_free(server.conf);
	free(server.conf);
	for (i = 0; i < server.nretired; i++) {
		templates_free(server.retired_templates[i]);
		config_free(server.retired_conf[i]);
		free(server.retired_conf[i]);
	}
	metrics_free(server.metrics);
	log_info("stopped");
	return 0;
}
