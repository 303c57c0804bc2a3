/*
 * watch.c - savoir index --watch: follows folder trees with inotify and
 * hands what changed to the indexer in batches.  Owns the inotify
 * descriptor, the map from watch descriptors to folders, the set of paths
 * touched since the last batch and the batching clock.
 *
 * It reacts to a file closed after writing or moved in, never to a write
 * in progress (no IN_MODIFY), and holds back a file whose size or mtime
 * moved since its event.  It never changes the index itself: the indexer
 * does, one run of the touched paths per batch.  SIGINT and SIGTERM are
 * held during a batch: a run is never cut short.
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index.h"

/*
 * A batch runs after WATCH_QUIET_MS without an event, or WATCH_MAX_MS
 * after the first event of the batch, whichever comes first.  A git pull
 * or an unpacked archive writes its files within a few ms of each other:
 * 300 ms of quiet ends it as one batch; a steady trickle (a sync writing a
 * file every 100 ms) still gets a batch every second.  With an indexing
 * run of a few hundred ms, a change shows within 2 s.
 */
#define WATCH_QUIET_MS		300
#define WATCH_MAX_MS		1000
#define WATCH_MAX_DEPTH		32
/* Past this many paths in one batch (a checkout of the whole tree), a
 * full walk is cheaper than the list, which is searched linearly. */
#define WATCH_MAX_TOUCHED	10000
#define WATCH_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
	IN_DELETE | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | \
	IN_DONT_FOLLOW)

struct wdir {
	int	 root;		/* index in roots, -1: slot free */
	char	*rel;		/* folder, relative to its root ("" for it) */
};

struct touched {
	char	*rel;
	int64_t	 size;		/* at the event; -1: not a file then */
	int64_t	 mtime_ns;
};

struct watch {
	int			 fd;
	char			**roots;	/* real paths */
	size_t			 nroots;
	struct wdir		*dirs;		/* by watch descriptor */
	size_t			 ndirs;
	size_t			 nwatches;
	struct touched		**tv;		/* per root: touched paths */
	size_t			*tn;
	int			 overflow;	/* rescan everything */
	int64_t			 first_us;	/* first event of the batch */
	int64_t			 last_us;	/* latest event */
};

static volatile sig_atomic_t watch_stop;

static void
watch_sig(int sig)
{
	(void)sig;
	watch_stop = 1;
}

static void
watch_stat(const char *root, const char *rel, int64_t *size, int64_t *mtime)
{
	struct stat	 sb;
	char		*path;

	path = xsprintf("%s/%s", root, rel);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		*size = sb.st_size;
		*mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
		    sb.st_mtim.tv_nsec;
	} else {
		*size = -1;
		*mtime = 0;
	}
	free(path);
}

/* Remember rel as touched (again: with its stat now). */
static void
watch_touch(struct watch *w, int root, const char *rel)
{
	struct touched	*t;
	size_t		 i, r;

	if (w->overflow)
		goto stamp;		/* everything is read again anyway */
	if (w->tn[root] >= WATCH_MAX_TOUCHED) {
		log_info("more than %d paths changed: rescanning everything",
		    WATCH_MAX_TOUCHED);
		for (r = 0; r < w->nroots; r++) {
			for (i = 0; i < w->tn[r]; i++)
				free(w->tv[r][i].rel);
			w->tn[r] = 0;
		}
		w->overflow = 1;
		goto stamp;
	}
	for (i = 0; i < w->tn[root]; i++)
		if (strcmp(w->tv[root][i].rel, rel) == 0)
			break;
	if (i == w->tn[root]) {
		w->tv[root] = xreallocarray(w->tv[root], i + 1,
		    sizeof *w->tv[root]);
		w->tv[root][i].rel = xstrdup(rel);
		w->tn[root]++;
	}
	t = &w->tv[root][i];
	watch_stat(w->roots[root], rel, &t->size, &t->mtime_ns);
stamp:
	w->last_us = mono_us();
	if (w->first_us == 0)
		w->first_us = w->last_us;
}

/* A number from a file of /proc (which says it has no size), or -1. */
static long long
watch_proc_number(const char *path)
{
	FILE		*f;
	char		 line[32];
	long long	 n = -1;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof line, f) != NULL)
		n = strtoll(line, NULL, 10);
	fclose(f);
	return n;
}

static int
watch_limit_error(const char *path, char **cause)
{
	long long	 sys, ns;
	char		 more[96] = "";

	sys = watch_proc_number("/proc/sys/fs/inotify/max_user_watches");
	/* A user namespace (a container) may have a lower one of its own. */
	ns = watch_proc_number("/proc/sys/user/max_inotify_watches");
	if (ns >= 0 && (sys < 0 || ns < sys))
		snprintf(more, sizeof more, "; user.max_inotify_watches = %lld "
		    "in this user namespace", ns);
	xasprintf(cause, "cannot watch %s: the limit of inotify watches is "
	    "reached (fs.inotify.max_user_watches = %lld%s; one per folder): "
	    "raise it, e.g. sysctl fs.inotify.max_user_watches=524288",
	    path, sys, more);
	return -1;
}

/*
 * Watch root/rel and the folders under it; with files set, also touch
 * the files found there (a folder that arrived whole: its files were
 * written before its watch existed).
 */
static int
watch_add(struct watch *w, int root, const char *rel, int depth, int files,
    char **cause)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*path, *child, *cpath;
	int		 wd;
	size_t		 n;

	if (depth > WATCH_MAX_DEPTH)
		return 0;
	path = *rel != '\0' ? xsprintf("%s/%s", w->roots[root], rel) :
	    xstrdup(w->roots[root]);
	if ((wd = inotify_add_watch(w->fd, path, WATCH_MASK)) == -1) {
		if (errno == ENOSPC) {
			watch_limit_error(path, cause);
			free(path);
			return -1;
		}
		if (depth == 0) {
			xasprintf(cause, "cannot watch %s: %s", path,
			    strerror(errno));
			free(path);
			return -1;
		}
		/* Gone already, or not a folder: its event says so. */
		free(path);
		return 0;
	}
	if ((size_t)wd >= w->ndirs) {
		n = (size_t)wd * 2 + 16;
		w->dirs = xreallocarray(w->dirs, n, sizeof *w->dirs);
		for (; w->ndirs < n; w->ndirs++) {
			w->dirs[w->ndirs].root = -1;
			w->dirs[w->ndirs].rel = NULL;
		}
	}
	if (w->dirs[wd].root == -1)
		w->nwatches++;
	free(w->dirs[wd].rel);		/* the same folder, moved */
	w->dirs[wd].root = root;
	w->dirs[wd].rel = xstrdup(rel);
	if ((d = opendir(path)) == NULL) {
		free(path);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* hidden: .git and the like */
		child = *rel != '\0' ? xsprintf("%s/%s", rel, de->d_name) :
		    xstrdup(de->d_name);
		cpath = xsprintf("%s/%s", path, de->d_name);
		if (lstat(cpath, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (watch_add(w, root, child, depth + 1, files,
			    cause) == -1) {
				free(cpath);
				free(child);
				closedir(d);
				free(path);
				return -1;
			}
		} else if (files)
			watch_touch(w, root, child);
		free(cpath);
		free(child);
	}
	closedir(d);
	free(path);
	return 0;
}

/* Read the pending events into the touched set.  -1: a root is gone. */
static int
watch_read(struct watch *w, char **cause)
{
	char				 buf[65536]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	struct wdir			*dir;
	struct stat			 sb;
	ssize_t				 len;
	char				*rel, *path;
	char				*p;
	int				 root;

	for (;;) {
		if ((len = read(w->fd, buf, sizeof buf)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			xasprintf(cause, "inotify: %s", strerror(errno));
			return -1;
		}
		for (p = buf; p < buf + len; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				log_warnx("inotify queue overflow: "
				    "rescanning everything");
				w->overflow = 1;
				w->last_us = mono_us();
				if (w->first_us == 0)
					w->first_us = w->last_us;
				continue;
			}
			if (ev->wd < 0 || (size_t)ev->wd >= w->ndirs ||
			    w->dirs[ev->wd].root == -1)
				continue;
			dir = &w->dirs[ev->wd];
			if (ev->mask & IN_IGNORED) {
				free(dir->rel);
				dir->rel = NULL;
				dir->root = -1;
				w->nwatches--;
				continue;
			}
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				/* A folder inside: its parent's event tells. */
				if (*dir->rel != '\0')
					continue;
				xasprintf(cause, "%s: the folder was %s: "
				    "stopped watching", w->roots[dir->root],
				    ev->mask & IN_DELETE_SELF ? "deleted" :
				    "moved");
				return -1;
			}
			if (ev->len == 0 || ev->name[0] == '.')
				continue;	/* hidden, editors' swap files */
			rel = *dir->rel != '\0' ? xsprintf("%s/%s", dir->rel,
			    ev->name) : xstrdup(ev->name);
			root = dir->root;	/* watch_add moves w->dirs */
			if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
			    (ev->mask & IN_ISDIR)) {
				if (watch_add(w, root, rel, 1, 1, cause) == -1) {
					free(rel);
					return -1;
				}
				watch_touch(w, root, rel);
			} else if (ev->mask & IN_CREATE) {
				/* A file being written waits for its close;
				 * a link is whole at once. */
				path = xsprintf("%s/%s", w->roots[root], rel);
				if (lstat(path, &sb) == 0 &&
				    S_ISLNK(sb.st_mode))
					watch_touch(w, root, rel);
				free(path);
			} else
				watch_touch(w, root, rel);
			free(rel);
		}
	}
}

/* One batch: the touched paths that stood still, or everything. */
static int
watch_batch(struct watch *w, struct store *st, const struct plugins *pl,
    const struct index_opts *opts, char **cause)
{
	struct index_opts	 light = *opts;
	struct index_stats	 s, total;
	struct touched		*t;
	char			**rels;
	int64_t			 start, size, mtime;
	size_t			 r, i, n, nrels, kept = 0;
	int			 overflow = w->overflow, rc;

	start = mono_us();
	light.light = 1;
	memset(&total, 0, sizeof total);
	w->overflow = 0;
	w->first_us = w->last_us = 0;
	for (r = 0; r < w->nroots; r++) {
		if (overflow) {
			/* Watches may be missing too: add them again. */
			if (watch_add(w, (int)r, "", 0, 0, cause) == -1)
				return -1;
			for (i = 0; i < w->tn[r]; i++)
				free(w->tv[r][i].rel);
			w->tn[r] = 0;
			rc = indexer_run(st, pl, w->roots[r], opts, &s, cause);
		} else {
			if (w->tn[r] == 0)
				continue;
			rels = xreallocarray(NULL, w->tn[r], sizeof *rels);
			for (i = n = nrels = 0; i < w->tn[r]; i++) {
				t = &w->tv[r][i];
				watch_stat(w->roots[r], t->rel, &size, &mtime);
				if (size != t->size || mtime != t->mtime_ns) {
					/* Still being written: next batch. */
					t->size = size;
					t->mtime_ns = mtime;
					w->tv[r][n++] = *t;
					continue;
				}
				rels[nrels++] = t->rel;
			}
			w->tn[r] = n;
			kept += n;
			rc = indexer_run_paths(st, pl, w->roots[r], rels, nrels,
			    &light, &s, cause);
			for (i = 0; i < nrels; i++)
				free(rels[i]);
			free(rels);
		}
		if (rc == -1)
			return -1;
		total.files_indexed += s.files_indexed;
		total.files_unchanged += s.files_unchanged;
		total.files_removed += s.files_removed;
		total.files_failed += s.files_failed;
		total.docs += s.docs;
	}
	if (kept > 0) {
		/* Their next look is a batch away at most. */
		w->first_us = w->last_us = mono_us();
	}
	log_info("batch%s: %lld files read, %lld unchanged, %lld removed, "
	    "%lld failed, %zu still being written: %lld documents in %.2f s",
	    overflow ? " (full rescan)" : "",
	    (long long)total.files_indexed, (long long)total.files_unchanged,
	    (long long)total.files_removed, (long long)total.files_failed,
	    kept, (long long)total.docs, (mono_us() - start) / 1e6);
	return 0;
}

static void
watch_free(struct watch *w)
{
	size_t	 i, j;

	if (w->fd != -1)
		close(w->fd);
	for (i = 0; i < w->ndirs; i++)
		free(w->dirs[i].rel);
	free(w->dirs);
	for (i = 0; i < w->nroots; i++) {
		for (j = 0; j < w->tn[i]; j++)
			free(w->tv[i][j].rel);
		free(w->tv[i]);
		free(w->roots[i]);
	}
	free(w->tv);
	free(w->tn);
	free(w->roots);
}

int
watch_run(struct store *st, const struct plugins *pl, char **roots,
    size_t nroots, const struct index_opts *opts, char **cause)
{
	struct watch		 w;
	struct index_stats	 s;
	struct index_opts	 o = *opts;
	struct sigaction	 sa, old_int, old_term;
	struct pollfd		 pfd;
	struct timespec		 ts, *tp;
	sigset_t		 block, wait_mask;
	char			 real[PATH_MAX];
	int64_t			 now, due;
	size_t			 i;
	int			 ret = -1, n, own;

	memset(&w, 0, sizeof w);
	w.fd = -1;
	w.roots = xcalloc(nroots, sizeof *w.roots);
	w.tv = xcalloc(nroots, sizeof *w.tv);
	w.tn = xcalloc(nroots, sizeof *w.tn);
	w.nroots = nroots;
	/* One zygote for every run and batch, forked now that the process
	 * is small (before the signals are held: it ignores SIGINT itself
	 * and dies with us). */
	own = o.zygote == NULL;
	if (own)
		o.zygote = extract_zygote_start(pl);
	opts = &o;

	/* Held but during the wait: a signal stops us between batches. */
	watch_stop = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watch_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);

	if ((w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		if (errno == EMFILE)
			xasprintf(cause, "inotify: the limit of inotify "
			    "instances is reached (fs.inotify."
			    "max_user_instances): raise it or stop another "
			    "watcher");
		else
			xasprintf(cause, "inotify: %s", strerror(errno));
		goto out;
	}
	/* Watch first, then index: nothing written meanwhile is missed. */
	for (i = 0; i < nroots; i++) {
		if (realpath(roots[i], real) == NULL) {
			xasprintf(cause, "cannot watch %s: %s", roots[i],
			    strerror(errno));
			goto out;
		}
		w.roots[i] = xstrdup(real);
		if (watch_add(&w, (int)i, "", 0, 0, cause) == -1)
			goto out;
	}
	for (i = 0; i < nroots; i++) {
		now = mono_us();
		if (indexer_run(st, pl, w.roots[i], opts, &s, cause) == -1)
			goto out;
		log_info("%s: %lld files (%lld read, %lld unchanged, %lld "
		    "removed, %lld failed): %lld documents in %.2f s; "
		    "watching %zu folders", w.roots[i],
		    (long long)s.files_seen, (long long)s.files_indexed,
		    (long long)s.files_unchanged, (long long)s.files_removed,
		    (long long)s.files_failed, (long long)s.docs,
		    (mono_us() - now) / 1e6, w.nwatches);
	}

	pfd.fd = w.fd;
	pfd.events = POLLIN;
	while (!watch_stop) {
		tp = NULL;
		if (w.first_us != 0) {
			now = mono_us();
			due = w.last_us + WATCH_QUIET_MS * 1000;
			if (due > w.first_us + WATCH_MAX_MS * 1000)
				due = w.first_us + WATCH_MAX_MS * 1000;
			if (due <= now) {
				if (watch_batch(&w, st, pl, opts, cause) == -1)
					goto out;
				continue;
			}
			ts.tv_sec = (due - now) / 1000000;
			ts.tv_nsec = (due - now) % 1000000 * 1000;
			tp = &ts;
		}
		n = ppoll(&pfd, 1, tp, &wait_mask);
		if (n == -1 && errno != EINTR) {
			xasprintf(cause, "poll: %s", strerror(errno));
			goto out;
		}
		if (n > 0 && watch_read(&w, cause) == -1)
			goto out;
	}
	log_info("stopped by a signal; the index is whole");
	ret = 0;
out:
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (own)
		extract_zygote_stop(o.zygote);
	watch_free(&w);
	return ret;
}
