/*
 * main.c - savoird: options, configuration, TLS identity, binding, the
 * privilege drop, and the main thread's signal loop (SIGHUP reloads after
 * validating everything anew; SIGTERM and SIGINT stop cleanly).  Requests
 * are never handled here: see server.c and http.c.
 *
 * With workers_mode = processes the main process forks, after binding and
 * the privilege drop, one child per worker and only supervises them: it
 * forwards SIGHUP (each child validates and reloads on its own) and
 * SIGTERM, reaps children and restarts one that dies.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/thread.h>

#include "savoird.h"

static struct server	 server;
static int		 foreground;

/* workers_mode = processes, in the supervising parent. */
static struct child {
	pid_t		 pid;		/* 0: not running */
	int64_t		 started;	/* mono_us of the last fork */
} children[SAVOIRD_MAX_WORKERS];
static int		 supervising;
static int		 stopping;
static struct event	*ev_chld, *ev_wake, *ev_kill;

static __dead void
usage(void)
{
	fprintf(stderr, "usage: savoird [-fnv] [-c savoir.conf]\n"
	    "  -c FILE  configuration (default: embedded defaults: "
	    "https://127.0.0.1:8443,\n"
	    "           ./savoir.db, a self-signed certificate in .)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -n       check the configuration, certificate and templates, "
	    "then exit\n"
	    "  -v       verbose (debug log)\n");
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
	free(cert);
	free(key);
	return ctx;
}

static struct templates *
load_templates(struct config *c, char **cause)
{
	struct templates	*t;
	char			*dir;

	dir = xsprintf("%s/templates", c->www);
	t = templates_load(dir, cause);
	free(dir);
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
	/* The parent reloads too: a child it restarts inherits its
	 * configuration. */
	if (supervising)
		for (i = 0; i < server.nworkers; i++)
			if (children[i].pid != 0)
				kill(children[i].pid, SIGHUP);
	log_info("SIGHUP: reloading %s", old->path != NULL ? old->path :
	    "the embedded configuration");
	if (load_all(old->path, c, server.tls, &tls, &t, &cause) == -1) {
		log_warnx("reload refused, still serving the previous "
		    "configuration: %s", cause);
		free(cause);
		free(c);
		return;
	}
	/* Sockets are bound once; moving them needs a restart. */
	for (i = 0; i < c->nlisten && i < old->nlisten; i++)
		if (strcmp(c->listen[i].host, old->listen[i].host) != 0)
			log_warnx("reload: listen addresses changed; restart "
			    "savoird to apply them");
	if (c->workers != old->workers ||
	    c->workers_mode != old->workers_mode)
		log_warnx("reload: workers or workers_mode changed; restart "
		    "savoird to apply them");
	log_set_level(c->log_level);
	server_reload(&server, c, tls, t);
	if (tls != NULL) {
		char *d = tls_ctx_describe(tls);
		log_info("reloaded; certificate %s", d);
		free(d);
	} else
		log_info("reloaded");
}

static void
on_term(evutil_socket_t sig, short ev, void *arg)
{
	struct event_base	*base = arg;
	struct timeval		 tv = { 10, 0 };
	int			 i;

	log_info("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	if (!supervising) {
		event_base_loopexit(base, NULL);
		return;
	}
	stopping = 1;
	for (i = 0; i < server.nworkers; i++)
		if (children[i].pid != 0)
			kill(children[i].pid, SIGTERM);
	evtimer_add(ev_kill, &tv);
}

/* A worker process that ignores SIGTERM for 10 s is killed. */
static void
on_kill(evutil_socket_t fd, short ev, void *arg)
{
	int	 i;

	for (i = 0; i < server.nworkers; i++) {
		if (children[i].pid == 0)
			continue;
		log_warnx("worker %d (pid %ld) still running: killing it", i,
		    (long)children[i].pid);
		kill(children[i].pid, SIGKILL);
	}
}

static void
on_chld(evutil_socket_t sig, short ev, void *arg)
{
	pid_t	 pid;
	int	 status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < server.nworkers; i++)
			if (children[i].pid == pid)
				break;
		if (i == server.nworkers)
			continue;
		children[i].pid = 0;
		if (stopping && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			continue;
		if (WIFSIGNALED(status))
			log_warnx("worker %d (pid %ld) killed by signal %d%s", i,
			    (long)pid, WTERMSIG(status), stopping ? "" :
			    ": restarting it");
		else
			log_warnx("worker %d (pid %ld) exited with status %d%s",
			    i, (long)pid, WEXITSTATUS(status), stopping ? "" :
			    ": restarting it");
	}
}

/* Only wakes the supervision loop up. */
static void
on_wake(evutil_socket_t fd, short ev, void *arg)
{
}

/*
 * In a new worker process: its own event loop (the inherited epoll and
 * signal pipe belong to the parent), a fresh TLS context, then only its
 * worker's sockets.  The parent's TLS context is not used: its ticket
 * generator's state would be the same in every child, so two children
 * would encrypt tickets under one key with the same IVs.  Reading the
 * certificate again needs it readable by [server] user, as SIGHUP does.
 */
static void
child_init(struct event_base *base, int id, pid_t parent)
{
	static char	 name[32];
	struct tls_ctx	*tls;
	char		*cause = NULL;

	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
		_exit(1);
	if (event_reinit(base) == -1)
		fatalx("worker %d: event_reinit failed", id);
	event_free(ev_chld);
	event_free(ev_wake);
	event_free(ev_kill);
	ev_chld = ev_wake = ev_kill = NULL;
	supervising = 0;
	snprintf(name, sizeof name, "savoird-worker-%d", id);
	log_init(name, log_get_level(), server.conf->use_syslog);
	if (server.tls != NULL) {
		if ((tls = load_tls(server.conf, NULL, &cause)) == NULL)
			fatalx("%s", cause);
		tls_ctx_free(server.tls);
		server.tls = tls;
	}
	server_keep_worker(&server, id);
}

/*
 * workers_mode = processes: fork the workers and supervise them.  Returns
 * 0 in a child, which goes on to serve its worker, and 1 in the parent
 * once every child has stopped after SIGTERM or SIGINT.
 */
static int
supervise(struct event_base *base)
{
	struct timeval	 tv;
	sigset_t	 set, old;
	int64_t		 wait, next;
	pid_t		 pid, parent = getpid();
	int		 i, running;

	ev_chld = evsignal_new(base, SIGCHLD, on_chld, NULL);
	ev_wake = evtimer_new(base, on_wake, NULL);
	ev_kill = evtimer_new(base, on_kill, NULL);
	evsignal_add(ev_chld, NULL);
	supervising = 1;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		next = -1;
		running = 0;
		for (i = 0; i < server.nworkers; i++) {
			if (children[i].pid != 0) {
				running++;
				continue;
			}
			if (stopping)
				continue;
			/* A child that keeps dying is restarted once a
			 * second, not in a tight loop. */
			wait = children[i].started == 0 ? 0 :
			    children[i].started + 1000000 - mono_us();
			if (wait > 0) {
				if (next == -1 || wait < next)
					next = wait;
				continue;
			}
			children[i].started = mono_us();
			/* A signal that arrives before the child has its
			 * own loop would be written to the parent's pipe. */
			sigprocmask(SIG_BLOCK, &set, &old);
			if ((pid = fork()) == 0) {
				child_init(base, i, parent);
				sigprocmask(SIG_SETMASK, &old, NULL);
				return 0;
			}
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (pid == -1) {
				log_warn("worker %d: fork", i);
				if (next == -1 || next > 1000000)
					next = 1000000;
				continue;
			}
			children[i].pid = pid;
			running++;
			log_info("worker %d: process %ld", i, (long)pid);
		}
		if (stopping && running == 0)
			break;
		if (next != -1) {
			tv.tv_sec = next / 1000000;
			tv.tv_usec = next % 1000000;
			evtimer_add(ev_wake, &tv);
		}
		event_base_loop(base, EVLOOP_ONCE);
	}
	event_free(ev_chld);
	event_free(ev_wake);
	event_free(ev_kill);
	return 1;
}

static void
log_serving(struct config *c, struct tls_ctx *tls)
{
	char	*desc;
	int	 i;

	if (tls != NULL) {
		desc = tls_ctx_describe(tls);
		log_info("certificate %s", desc);
		free(desc);
	}
	for (i = 0; i < c->nlisten; i++)
		log_info("serving https://%s%s%s:%s/ (%d worker %s)",
		    strchr(c->listen[i].host, ':') ? "[" : "",
		    c->listen[i].host, strchr(c->listen[i].host, ':') ? "]" :
		    "", c->listen[i].port, server.nworkers,
		    c->workers_mode == WORKERS_PROCESSES ? "processes" :
		    "threads");
	for (i = 0; i < c->nhttp_listen; i++)
		log_info("serving http://%s:%s/", c->http_listen[i].host,
		    c->http_listen[i].port);
	for (i = 0; i < c->nredirect_listen; i++)
		log_info("redirecting http://%s:%s/ to https",
		    c->redirect_listen[i].host, c->redirect_listen[i].port);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct event		*ev_hup, *ev_term, *ev_int;
	struct config		*c;
	struct tls_ctx		*tls;
	struct templates	*t;
	const char		*path = NULL;
	char			*cause = NULL, *desc;
	int			 ch, check = 0, verbose = 0, i;
	long			 n;

	while ((ch = getopt(argc, argv, "c:fhnv")) != -1) {
		switch (ch) {
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
	if (optind != argc)
		usage();
	log_init("savoird", verbose ? SAVOIR_LOG_DEBUG : SAVOIR_LOG_INFO, 0);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	if (evthread_use_pthreads() == -1)
		fatalx("libevent has no pthreads support");
	signal(SIGPIPE, SIG_IGN);

	c = xcalloc(1, sizeof *c);
	if (load_all(path, c, NULL, &tls, &t, &cause) == -1) {
		fprintf(stderr, "savoird: %s\n", cause);
		return 1;
	}
	if (check) {
		/* A certificate generated by this check must belong to the
		 * user the daemon will run as. */
		chown_state(c);
		printf("savoird: configuration %s is valid\n",
		    path != NULL ? path : "(embedded defaults)");
		if (tls != NULL) {
			desc = tls_ctx_describe(tls);
			printf("savoird: certificate %s\n", desc);
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

	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	ev_hup = evsignal_new(base, SIGHUP, on_hup, NULL);
	ev_term = evsignal_new(base, SIGTERM, on_term, base);
	ev_int = evsignal_new(base, SIGINT, on_term, base);
	evsignal_add(ev_hup, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);

	if (c->workers_mode == WORKERS_PROCESSES) {
		/* Fail now, not in every child, if the certificate cannot
		 * be read after the privilege drop (see child_init). */
		if (tls != NULL) {
			struct tls_ctx *fresh;

			if ((fresh = load_tls(c, NULL, &cause)) == NULL)
				fatalx("workers_mode = processes: %s", cause);
			tls_ctx_free(fresh);
		}
		log_serving(c, tls);
		if (supervise(base) == 1)
			goto done;
		/* A child: from here on as threads mode with one worker. */
	}
	if (server_start(&server, &cause) == -1)
		fatalx("%s", cause);
	if (c->workers_mode == WORKERS_THREADS)
		log_serving(c, tls);

	event_base_dispatch(base);
done:
	server_stop(&server);
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
