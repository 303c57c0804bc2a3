/*
 * child.c - the extractor child, the process that runs plugins on one
 * file.  Owns its set-up (descriptors, signals, resource limits; the jail
 * itself is jail.c), reading the file, letting every candidate plugin
 * probe it, running the best one and telling the parent how it ended.
 * The wall-clock timeout is the parent's (extract.c kills the child).
 *
 * The child never touches the database.  It leaves with _exit only: the
 * parent's atexit handlers and stdio buffers are not its to run or flush.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "extract_int.h"

/*
 * Child only: what the child holds for its run, kept reachable from here
 * until _exit so that a leak checker following the fork (valgrind does)
 * finds nothing lost and does not turn a good exit status into a bad one.
 */
static struct {
	const struct plugin	**cand;
	const char		 *abspath;
	char			 *data;
	char			 *prefix;
	void			**states;
	struct buf		  tried;
} x_child;

#ifndef SAVOIR_SANITIZERS
/* The child's own address space before the plugin runs, in bytes. */
static size_t
child_vsize(void)
{
	char	 buf[64];
	ssize_t	 n;
	long	 page;
	int	 fd;

	if ((fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0 || (page = sysconf(_SC_PAGESIZE)) <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)strtoull(buf, NULL, 10) * (size_t)page;
}
#endif

static void
child_rlimit(int resource, rlim_t soft, rlim_t hard, const char *what)
{
	struct rlimit	 rl;

	/* Lowering is always allowed; never ask above the current hard. */
	if (getrlimit(resource, &rl) == 0 && rl.rlim_max != RLIM_INFINITY) {
		if (hard > rl.rlim_max)
			hard = rl.rlim_max;
		if (soft > hard)
			soft = hard;
	}
	rl.rlim_cur = soft;
	rl.rlim_max = hard;
	if (setrlimit(resource, &rl) == -1)
		log_warn("extractor: cannot set %s limit", what);
}

static void
child_limits(const struct extract_limits *lim)
{
#ifndef SAVOIR_SANITIZERS
	rlim_t	 as;
#endif

	child_rlimit(RLIMIT_CORE, 0, 0, "core");
	/* SIGXCPU at the soft limit, SIGKILL a second later if ignored. */
	if (lim->cpu_s > 0)
		child_rlimit(RLIMIT_CPU, (rlim_t)lim->cpu_s,
		    (rlim_t)lim->cpu_s + 1, "CPU");
#ifndef SAVOIR_SANITIZERS
	/*
	 * The limit is on the address space the plugin adds: the child
	 * starts with its parent's (libraries, SQLite's cache, thread
	 * stacks), which a bare RLIMIT_AS would count against the plugin.
	 * ASan reserves terabytes of shadow memory, so sanitizer builds
	 * run without it.
	 */
	if (lim->mem > 0) {
		as = (rlim_t)lim->mem + (rlim_t)child_vsize();
		child_rlimit(RLIMIT_AS, as, as, "memory");
	}
#endif
}

/* /dev/null opened ahead by the zygote (child_keep_null), whose filter
 * then refuses an open for writing to it and to its children. */
static int	 x_null = -1;

void
child_keep_null(void)
{
	if (x_null == -1)
		x_null = open("/dev/null", O_RDWR | O_CLOEXEC);
}

/*
 * Descriptors: 0 and 1 on /dev/null, 2 inherited (logs), the result pipe
 * on 3, nothing else: the parent's sockets and database files stay out of
 * reach.  Signals: default actions and none blocked, so a crash shows as
 * the signal that caused it and the parent's handlers never run here.
 */
static int
child_setup(int fd, pid_t parent)
{
	struct sigaction	 sa;
	sigset_t		 set;
	int			 sig, hi, null, top;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
#ifdef __linux__
	/* A child whose parent died must not run on. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(2);
#else
	(void)parent;
#endif

	if ((hi = fcntl(fd, F_DUPFD, 10)) == -1)
		_exit(2);
	close(fd);
	if ((null = x_null) == -1 && (null = open("/dev/null", O_RDWR)) == -1)
		_exit(2);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (fcntl(STDERR_FILENO, F_GETFD) == -1)
		dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		close(null);
	if (dup2(hi, X_PIPE_FD) == -1)
		_exit(2);
	close(hi);
	if (close_range(X_PIPE_FD + 1, ~0U, 0) == -1) {
		top = (int)sysconf(_SC_OPEN_MAX);
		if (top < 0 || top > 65536)
			top = 65536;
		for (fd = X_PIPE_FD + 1; fd < top; fd++)
			close(fd);
	}
	return X_PIPE_FD;
}

/* "notes/a.md" -> "notes/a": the default document id. */
static char *
child_id_prefix(const char *relpath)
{
	const char	*base, *dot;

	base = strrchr(relpath, '/');
	base = base != NULL ? base + 1 : relpath;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return xstrdup(relpath);
	return xstrndup(relpath, (size_t)(dot - relpath));
}

static __dead void
child_finish(struct savoir_sink *s, const char *prefix)
{
	char	*msg, *line;

	if (!s->failed) {
		sink_send1(s, REC_DONE, NULL, 0, 1);
		sink_flush(s);
		_exit(0);
	}
	if (prefix != NULL)
		xasprintf(&msg, "plugin %s: %s", prefix, s->error);
	else
		msg = xstrdup(s->error);
	line = record_one_line(msg, strlen(msg));
	sink_send1(s, REC_ERROR, line, strlen(line), 1);
	sink_flush(s);
	_exit(1);
}

static void
child_announce(struct savoir_sink *s, const struct plugin *p)
{
	uint32_t	 idx = (uint32_t)(p - s->ps->v);

	s->plugin = p;
	sink_send1(s, REC_PLUGIN, &idx, sizeof idx, 1);
	/* A crash in what follows must name this plugin. */
	sink_flush(s);
}

__dead void
child_run(const struct plugins *ps, const struct plugin **cand,
    size_t ncand, const char *abspath, const char *relpath,
    const struct extract_limits *lim, int fd, pid_t parent)
{
	struct savoir_sink		*s;
	struct savoir_input		 in;
	const struct savoir_plugin	*d;
	char				*cause;
	size_t				 len, i, ninit = 0, best = 0;
	int				 score, best_score = 0, r;

	x_child.cand = cand;
	x_child.abspath = abspath;
	fd = child_setup(fd, parent);
	child_limits(lim);
	s = sink_open(ps, fd);

	if (file_read(abspath, lim->max_file, &x_child.data, &len, &cause) ==
	    -1) {
		sink_fail(s, "%s", cause);
		free(cause);
		child_finish(s, NULL);
	}
	x_child.prefix = child_id_prefix(relpath);
	/* The file is in memory and the plugins are loaded: nothing the
	 * plugins need from here on asks for more than reading. */
	jail_enter(ps, abspath);
	memset(&in, 0, sizeof in);
	in.abi = SAVOIR_PLUGIN_ABI;
	in.size = sizeof in;
	in.path = relpath;
	in.abspath = abspath;
	in.data = (const unsigned char *)x_child.data;
	in.len = len;
	in.id_prefix = x_child.prefix;
	in.flags = lim->flags;

	/* Every candidate probes; the highest score wins, ties go to the
	 * first loaded. */
	x_child.states = xcalloc(ncand, sizeof *x_child.states);
	buf_init(&x_child.tried);
	for (i = 0; i < ncand; i++, ninit++) {
		d = cand[i]->desc;
		child_announce(s, cand[i]);
		if (d->init != NULL &&
		    d->init(plugin_host(), &x_child.states[i]) != 0) {
			sink_fail(s, "init failed");
			child_finish(s, d->name);
		}
		score = d->probe != NULL ?
		    d->probe(x_child.states[i], &in) : 50;
		if (score > 100)
			score = 100;
		if (score > best_score) {
			best_score = score;
			best = i;
		}
		buf_printf(&x_child.tried, "%s%s", i > 0 ? ", " : "",
		    d->name);
	}
	if (best_score <= 0) {
		sink_fail(s, "no plugin accepts this file (tried: %s)",
		    x_child.tried.data);
		child_finish(s, NULL);
	}

	d = cand[best]->desc;
	child_announce(s, cand[best]);
	r = d->extract(x_child.states[best], &in, s);
	if (r == 0 && s->in_doc)
		sink_fail(s, "document %s was begun but not ended", s->docid);
	if (r != 0)
		sink_fail(s, "extract failed without saying why");
	for (i = 0; i < ninit; i++) {
		if (cand[i]->desc->fini != NULL) {
			child_announce(s, cand[i]);
			cand[i]->desc->fini(x_child.states[i]);
		}
	}
	/* The last plugin announced is the one the file is credited to. */
	if (s->plugin != cand[best])
		child_announce(s, cand[best]);
	child_finish(s, s->failed ? d->name : NULL);
}
