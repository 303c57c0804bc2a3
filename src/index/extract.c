/*
 * extract.c - running plugins on one file, in a child process: the
 * parent's side.  Owns an extraction from start to outcome: it finds the
 * plugins that claim the file, has the child forked (by the zygote,
 * zygote.c, or itself), reads its records (record.c) until the end or the
 * deadline, reaps the child, killing it at the deadline, and says why a
 * file failed.
 *
 * Plugin code runs only in the child (child.c), one file at a time, with
 * no database handle: a plugin that crashes, hangs or eats memory costs
 * that one file.  The parent trusts nothing it reads from the pipe.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extract_int.h"

void
extract_limits_default(struct extract_limits *l)
{
	l->max_file = (size_t)64 << 20;
	l->timeout_ms = 30000;
	l->cpu_s = 30;
	l->mem = (size_t)1 << 30;
	l->flags = 0;
}

/* Who to blame in a message: the plugin running, else the candidates. */
static char *
extract_who(const struct xcollect *c)
{
	struct buf	 b;
	size_t		 i;

	if (c->plugin != NULL)
		return xsprintf("plugin %s", c->plugin->desc->name);
	buf_init(&b);
	buf_adds(&b, c->ncand > 1 ? "plugins " : "plugin ");
	for (i = 0; i < c->ncand; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "",
		    c->cand[i]->desc->name);
	return buf_steal(&b);
}

/*
 * Reap the child.  After EOF it should exit at once; one that closed its
 * pipe and lingers is killed at the deadline like any other hang.
 * Returns 1 if it had to be killed, 0 if not, -1 if it could not be
 * waited for.
 */
static int
extract_reap(pid_t pid, int64_t deadline, int *status, struct rusage *ru)
{
	struct timespec	 ts = { 0, 1000000 };
	pid_t		 r;

	for (;;) {
		r = wait4(pid, status, deadline > 0 ? WNOHANG : 0, ru);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (r == 0 && mono_us() >= deadline)
			break;
		if (r == 0) {
			nanosleep(&ts, NULL);
			if (ts.tv_nsec < 20000000)
				ts.tv_nsec *= 2;
		}
	}
	kill(pid, SIGKILL);
	while (wait4(pid, status, 0, ru) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 1;
}

/* A hint that the memory limit, not a bug, may have killed the child. */
static const char *
extract_mem_hint(const struct extract_limits *lim, int sig,
    const struct rusage *ru, char *buf, size_t bufsz)
{
#ifdef SAVOIR_SANITIZERS
	(void)lim;
	(void)sig;
	(void)ru;
	(void)bufsz;
	buf[0] = '\0';
#else
	int	 likely;

	buf[0] = '\0';
	if (lim->mem == 0)
		return buf;
	/* Aborting is what malloc failures usually end in; a fault only
	 * counts when the child had grown near the limit. */
	likely = sig == SIGABRT || sig == 0 ||
	    ((sig == SIGSEGV || sig == SIGBUS) &&
	    (uint64_t)ru->ru_maxrss * 1024 >= lim->mem / 2);
	if (likely)
		snprintf(buf, bufsz, " (memory limit %zu MB?)",
		    lim->mem >> 20);
#endif
	return buf;
}

static int
extract_outcome(struct xcollect *c, const struct extract_limits *lim,
    int cut, int killed, int status, const struct rusage *ru)
{
	struct xfile	*out = c->out;
	char		*who, hint[64];
	size_t		 i;
	double		 cpu;
	int		 sig;

	who = extract_who(c);
	/* killed == -1: the status is lost (SIGCHLD ignored?); the
	 * records still tell whether the file was done. */
	if (cut == 1 || killed == 1)
		xasprintf(&out->error, "%s: timed out after %.1f s", who,
		    lim->timeout_ms / 1000.0);
	else if (c->garbled != NULL)
		xasprintf(&out->error, "%s: garbled output (%s)", who,
		    c->garbled);
	else if (killed == 0 && WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		cpu = (double)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec +
		    (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
		if (sig == SIGXCPU || (sig == SIGKILL && lim->cpu_s > 0 &&
		    cpu >= lim->cpu_s))
			xasprintf(&out->error, "%s: CPU limit exceeded (%d s)",
			    who, lim->cpu_s);
		else
			xasprintf(&out->error, "%s: killed by signal %d (%s)%s",
			    who, sig, strsignal(sig), extract_mem_hint(lim,
			    sig, ru, hint, sizeof hint));
	} else if (c->error != NULL) {
		out->error = c->error;
		c->error = NULL;
	} else if (killed == 0 && WEXITSTATUS(status) != 0)
		xasprintf(&out->error, "%s: the extractor exited with status "
		    "%d%s", who, WEXITSTATUS(status), extract_mem_hint(lim, 0,
		    ru, hint, sizeof hint));
	else if (!c->done)
		xasprintf(&out->error, "%s: the extractor exited before the "
		    "end of the file", who);
	free(who);
	xdoc_free(c->doc);
	c->doc = NULL;
	buf_free(&c->in);
	free(c->error);
	free(c->garbled);
	if (out->error == NULL)
		return 0;
	/* A file that failed leaves nothing half-indexed. */
	for (i = 0; i < out->ndocs; i++)
		xdoc_free(out->docs[i]);
	free(out->docs);
	out->docs = NULL;
	out->ndocs = 0;
	return -1;
}

static char *
extract_abspath(const char *root, const char *relpath)
{
	char	*cwd, *p, *abs;

	if (root != NULL && *root != '\0')
		p = xsprintf("%s/%s", root, relpath);
	else
		p = xstrdup(relpath);
	if (p[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return p;
	abs = xsprintf("%s/%s", cwd, p);
	free(cwd);
	free(p);
	return abs;
}

/* An extraction under way: its child, the pipe it writes to, the
 * limits it runs under. */
struct xjob {
	struct xcollect		 c;
	struct extract_limits	 lim;
	const struct plugin	**cand;
	pid_t			 pid;
	int			 fd;
	int64_t			 deadline;
};

int
extract_start(const struct plugins *ps, struct xzygote *z, const char *root,
    const char *relpath, const struct extract_limits *lim, struct xfile *out,
    struct xjob **jobp)
{
	struct xjob		*j;
	const char		*base, *dot;
	char			*abspath;
	pid_t			 pid, parent;
	int			 fds[2];

	memset(out, 0, sizeof *out);
	*jobp = NULL;
	/* Before the collecting thread sanitizes, on this thread. */
	html_sanitize_init();
	jail_probe();
	j = xcalloc(1, sizeof *j);
	if (lim == NULL)
		extract_limits_default(&j->lim);
	else
		j->lim = *lim;
	j->cand = xcalloc(ps->n + 1, sizeof *j->cand);
	j->c.ps = ps;
	j->c.cand = j->cand;
	j->c.out = out;
	if ((j->c.ncand = plugins_for_path(ps, relpath, j->cand,
	    ps->n)) == 0) {
		base = strrchr(relpath, '/');
		base = base != NULL ? base + 1 : relpath;
		dot = strrchr(base, '.');
		if (dot != NULL && dot != base)
			xasprintf(&out->error, "no plugin claims this file "
			    "type (%s)", dot);
		else
			xasprintf(&out->error, "no plugin claims this file "
			    "type (no extension)");
		goto fail;
	}
	abspath = extract_abspath(root, relpath);
	if (z != NULL && zygote_request(z, abspath, relpath, &j->lim, &pid,
	    &fds[0]) == 0) {
		free(abspath);
		goto started;
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(&out->error, "cannot create a pipe: %s",
		    strerror(errno));
		free(abspath);
		goto fail;
	}
	/* Whatever the parent buffered must not be written twice. */
	fflush(NULL);
	parent = getpid();
	if ((pid = fork()) == -1) {
		xasprintf(&out->error, "cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(abspath);
		goto fail;
	}
	if (pid == 0) {
		close(fds[0]);
		child_run(ps, j->cand, j->c.ncand, abspath, relpath,
		    &j->lim, fds[1], parent);
	}
	close(fds[1]);
	free(abspath);
started:
	j->pid = pid;
	j->fd = fds[0];
	if (j->lim.timeout_ms > 0)
		j->deadline = mono_us() + (int64_t)j->lim.timeout_ms * 1000;
	*jobp = j;
	return 0;
fail:
	free(j->cand);
	free(j);
	return -1;
}

int
extract_finish(struct xjob *j)
{
	struct rusage	 ru;
	int		 cut, killed, status = 0, r;

	buf_init(&j->c.in);
	cut = record_read(&j->c, j->fd, j->deadline);
	close(j->fd);
	memset(&ru, 0, sizeof ru);
	if (cut != 0) {
		kill(j->pid, SIGKILL);
		killed = extract_reap(j->pid, 0, &status, &ru) == -1 ? -1 : 0;
	} else
		killed = extract_reap(j->pid, j->deadline, &status, &ru);
	r = extract_outcome(&j->c, &j->lim, cut, killed, status, &ru);
	free(j->cand);
	free(j);
	return r;
}

int
extract_file(const struct plugins *ps, const char *root, const char *relpath,
    const struct extract_limits *lim, struct xfile *out)
{
	struct xjob	*j;

	if (extract_start(ps, NULL, root, relpath, lim, out, &j) == -1)
		return -1;
	return extract_finish(j);
}
