/*
 * side.c - the side process: forked by savoird once, after binding and
 * the privilege drop and before any thread starts (so that a reload can
 * give it jobs, it is there even without any), it runs the background
 * jobs of [index] and [sync] as children (the savoir program):
 * savoir index --watch kept running (restarted with a backoff when it
 * dies), savoir sync every interval.  Their output goes to the log, one
 * line at a time, with the job's name in front.
 *
 * It owns nothing of the network side and must never serve: it closes
 * every inherited descriptor first.  It dies with savoird (PR_SET_PDEATHSIG,
 * and SIGTERM from the main thread), stopping its jobs.  On SIGHUP (sent
 * by the main thread once the new configuration validated) it reads the
 * configuration again and restarts its jobs with it.  Single-threaded: a
 * poll loop over a signalfd and the jobs' pipes.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "savoird.h"

#ifndef BINDIR
#define BINDIR	"/usr/bin"
#endif

#define SIDE_LINE_MAX		1024	/* longer lines are cut */
#define SIDE_BACKOFF_MIN_MS	1000
#define SIDE_BACKOFF_MAX_MS	60000
#define SIDE_STOP_MS		5000	/* then SIGKILL */

enum { JOB_INDEX, JOB_SYNC, JOB_MAX };

struct job {
	const char	*name;
	char		**argv;		/* NULL: not configured */
	pid_t		 pid;		/* 0: not running */
	int		 fd;		/* its stdout and stderr, -1 */
	char		 line[SIDE_LINE_MAX];
	size_t		 len;
	int64_t		 started;	/* now_ms */
	int64_t		 due;		/* now_ms of the next start, 0 */
	int64_t		 backoff;	/* ms */
};

struct side {
	char		*conf_path;
	int		 interval;	/* [sync] interval, seconds */
	int		 sfd;		/* signalfd */
	struct job	 jobs[JOB_MAX];
};

static const char *
side_bin(void)
{
	const char	*b = getenv("SAVOIR_BIN");

	return b != NULL && *b != '\0' ? b : BINDIR "/savoir";
}

static void
argv_add(char ***argv, size_t *n, const char *s)
{
	*argv = xreallocarray(*argv, *n + 2, sizeof **argv);
	(*argv)[(*n)++] = xstrdup(s);
	(*argv)[*n] = NULL;
}

static void
argv_free(char **argv)
{
	size_t	 i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* The jobs of a configuration, not started. */
static void
side_configure(struct side *s, const struct config *c)
{
	struct job	*j;
	size_t		 n;
	int		 i;

	for (i = 0; i < JOB_MAX; i++) {
		j = &s->jobs[i];
		argv_free(j->argv);
		memset(j, 0, sizeof *j);
		j->fd = -1;
		j->name = i == JOB_INDEX ? "index" : "sync";
		j->backoff = SIDE_BACKOFF_MIN_MS;
	}
	s->interval = c->sync_interval;
	if (c->nwatch > 0) {
		j = &s->jobs[JOB_INDEX];
		n = 0;
		argv_add(&j->argv, &n, side_bin());
		argv_add(&j->argv, &n, "--db");
		argv_add(&j->argv, &n, c->db);
		argv_add(&j->argv, &n, "index");
		argv_add(&j->argv, &n, "--quiet");
		argv_add(&j->argv, &n, "--watch");
		for (i = 0; i < c->nwatch; i++)
			argv_add(&j->argv, &n, c->watch[i]);
		j->due = now_ms();
	}
	if (*c->sync_url != '\0') {
		j = &s->jobs[JOB_SYNC];
		n = 0;
		argv_add(&j->argv, &n, side_bin());
		argv_add(&j->argv, &n, "--db");
		argv_add(&j->argv, &n, c->db);
		argv_add(&j->argv, &n, "sync");
		argv_add(&j->argv, &n, c->sync_url);
		if (*c->sync_pin != '\0') {
			argv_add(&j->argv, &n, "--pin");
			argv_add(&j->argv, &n, c->sync_pin);
		}
		if (*c->sync_ca != '\0') {
			argv_add(&j->argv, &n, "--ca");
			argv_add(&j->argv, &n, c->sync_ca);
		}
		j->due = now_ms();	/* once at start, then every interval */
	}
}

static void
job_start(struct job *j)
{
	sigset_t	 none;
	int		 p[2], null;

	j->due = 0;
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_warnx("side: %s: pipe: %s", j->name, strerror(errno));
		j->due = now_ms() + j->backoff;
		return;
	}
	if ((j->pid = fork()) == -1) {
		log_warnx("side: %s: fork: %s", j->name, strerror(errno));
		close(p[0]);
		close(p[1]);
		j->pid = 0;
		j->due = now_ms() + j->backoff;
		return;
	}
	if (j->pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		if ((null = open("/dev/null", O_RDONLY)) != -1)
			dup2(null, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		execv(j->argv[0], j->argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", j->argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	j->fd = p[0];
	j->len = 0;
	j->started = now_ms();
	log_debug("side: %s: started, pid %ld", j->name, (long)j->pid);
}

/* A line of the job's output into the log (printable bytes only). */
static void
job_log_line(struct job *j)
{
	size_t	 i;

	for (i = 0; i < j->len; i++)
		if ((unsigned char)j->line[i] < ' ' ||
		    j->line[i] == 0x7f)
			j->line[i] = '?';
	j->line[j->len] = '\0';
	if (j->len > 0)
		log_info("%s: %s", j->name, j->line);
	j->len = 0;
}

static void
job_read(struct job *j)
{
	char	 buf[4096];
	ssize_t	 n, i;

	if ((n = read(j->fd, buf, sizeof buf)) == -1 && errno == EINTR)
		return;
	if (n <= 0) {
		if (j->len > 0)
			job_log_line(j);
		close(j->fd);
		j->fd = -1;
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			job_log_line(j);
			continue;
		}
		if (j->len < sizeof j->line - 1)
			j->line[j->len++] = buf[i];
	}
}

/* A job ended: when does it start again? */
static void
job_ended(struct side *s, struct job *j, int status)
{
	int64_t	 now = now_ms(), ran = now - j->started;
	char	 how[64];

	if (WIFEXITED(status))
		snprintf(how, sizeof how, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof how, "killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(how, sizeof how, "status %d", status);
	j->pid = 0;
	if (j == &s->jobs[JOB_SYNC]) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			log_info("sync: done in %.1f s", ran / 1e3);
		else
			log_warnx("sync: failed (%s); next try in %d s", how,
			    s->interval);
		j->due = j->started + (int64_t)s->interval * 1000;
		if (j->due < now)
			j->due = now;
		return;
	}
	/* A watcher that ran a while had its reasons: start over soon. */
	if (ran > SIDE_BACKOFF_MAX_MS)
		j->backoff = SIDE_BACKOFF_MIN_MS;
	log_warnx("index: savoir index --watch ended (%s); restarting in "
	    "%.0f s", how, j->backoff / 1e3);
	j->due = now + j->backoff;
	j->backoff *= 2;
	if (j->backoff > SIDE_BACKOFF_MAX_MS)
		j->backoff = SIDE_BACKOFF_MAX_MS;
}

static void
side_reap(struct side *s)
{
	pid_t	 pid;
	int	 status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < JOB_MAX; i++)
			if (s->jobs[i].pid == pid)
				job_ended(s, &s->jobs[i], status);
	}
}

/* Stop every job: SIGTERM, then SIGKILL after SIDE_STOP_MS. */
static void
side_stop_jobs(struct side *s)
{
	int64_t	 deadline = now_ms() + SIDE_STOP_MS;
	pid_t	 pid;
	int	 i, left, status;

	for (i = 0; i < JOB_MAX; i++)
		if (s->jobs[i].pid > 0)
			kill(s->jobs[i].pid, SIGTERM);
	for (;;) {
		for (left = 0, i = 0; i < JOB_MAX; i++)
			left += s->jobs[i].pid > 0;
		if (left == 0)
			break;
		if (now_ms() > deadline)
			for (i = 0; i < JOB_MAX; i++)
				if (s->jobs[i].pid > 0) {
					log_warnx("side: %s: killed",
					    s->jobs[i].name);
					kill(s->jobs[i].pid, SIGKILL);
				}
		if ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < JOB_MAX; i++)
				if (s->jobs[i].pid == pid)
					s->jobs[i].pid = 0;
			continue;
		}
		if (pid == -1 && errno == ECHILD)
			break;
		usleep(20000);
	}
	for (i = 0; i < JOB_MAX; i++) {
		while (s->jobs[i].fd != -1)
			job_read(&s->jobs[i]);
	}
}

static void
side_describe(struct side *s, const char *what)
{
	int	 idx = s->jobs[JOB_INDEX].argv != NULL;
	int	 sync = s->jobs[JOB_SYNC].argv != NULL;

	log_info("%s, pid %ld: %s%s%s", what, (long)getpid(),
	    idx ? "[index] watch" : "", idx && sync ? " and " : "",
	    sync ? "[sync]" : !idx ? "no job" : "");
}

static __dead void
side_main(struct side *s, pid_t parent)
{
	struct pollfd		 pfd[1 + JOB_MAX];
	struct signalfd_siginfo	 si;
	struct config		 c;
	sigset_t		 set;
	int64_t			 now, wait;
	char			*cause = NULL;
	int			 i, n, nfd, idx[1 + JOB_MAX];

	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);		/* savoird died already */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((s->sfd = signalfd(-1, &set, SFD_CLOEXEC)) == -1) {
		log_warnx("side: signalfd: %s", strerror(errno));
		_exit(1);
	}
	(void)prctl(PR_SET_NAME, "savoird-side");
	side_describe(s, "side process started");

	for (;;) {
		now = now_ms();
		wait = -1;
		for (i = 0; i < JOB_MAX; i++) {
			struct job *j = &s->jobs[i];

			if (j->argv == NULL || j->pid != 0 || j->due == 0)
				continue;
			if (j->due <= now)
				job_start(j);
			else if (wait == -1 || j->due - now < wait)
				wait = j->due - now;
		}
		nfd = 0;
		pfd[nfd].fd = s->sfd;
		pfd[nfd].events = POLLIN;
		idx[nfd++] = -1;
		for (i = 0; i < JOB_MAX; i++)
			if (s->jobs[i].fd != -1) {
				pfd[nfd].fd = s->jobs[i].fd;
				pfd[nfd].events = POLLIN;
				idx[nfd++] = i;
			}
		if ((n = poll(pfd, nfd, (int)wait)) == -1) {
			if (errno == EINTR)
				continue;
			log_warnx("side: poll: %s", strerror(errno));
			break;
		}
		for (i = 1; i < nfd; i++)
			if (pfd[i].revents != 0)
				job_read(&s->jobs[idx[i]]);
		if (pfd[0].revents == 0)
			continue;
		if (read(s->sfd, &si, sizeof si) != sizeof si)
			continue;
		if (si.ssi_signo == SIGCHLD) {
			side_reap(s);
			continue;
		}
		if (si.ssi_signo == SIGHUP) {
			if (config_load(s->conf_path, &c, &cause) == -1) {
				log_warnx("side: reload refused, jobs "
				    "unchanged: %s", cause);
				free(cause);
				cause = NULL;
				continue;
			}
			side_stop_jobs(s);
			side_configure(s, &c);
			config_free(&c);
			side_describe(s, "side process reloaded");
			continue;
		}
		break;				/* SIGTERM, SIGINT */
	}
	side_stop_jobs(s);
	log_info("side process stopped");
	_exit(0);
}

pid_t
side_start(const struct config *c, int use_syslog, void (*scrub)(void))
{
	struct side	 s;
	pid_t		 parent = getpid(), pid;

	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warnx("cannot start the side process: %s",
		    strerror(errno));
		return 0;
	}
	if (pid > 0)
		return pid;
	/* No listener, no index connection, nothing of the server: its
	 * secrets (the TLS key) wiped, its descriptors closed. */
	if (scrub != NULL)
		scrub();
	if (use_syslog)
		closelog();
	closefrom(STDERR_FILENO + 1);
	if (use_syslog)
		log_init("savoird", log_get_level(), 1);
	memset(&s, 0, sizeof s);
	s.conf_path = c->path != NULL ? xstrdup(c->path) : NULL;
	side_configure(&s, c);
	side_main(&s, parent);
}

void
side_reload(pid_t pid)
{
	if (pid > 0)
		kill(pid, SIGHUP);
}

void
side_stop(pid_t pid)
{
	int	 status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
}
