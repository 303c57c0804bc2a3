/*
 * indexer.c - keeps an index in step with a folder tree: walks it, skips
 * what has not changed (size and mtime, then content hash), extracts the
 * rest through the sandboxed extractor, records citations, writes in
 * batched transactions and removes documents whose file disappeared.
 *
 * It is the writer: the only code that changes the index.  It never runs
 * plugin code itself (extract.c forks for that).  A file that fails keeps
 * the documents of its last good version; the failure is reported.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index.h"

#define INDEXER_MAX_DEPTH	32
#define INDEXER_MAX_IGNORES	256
#define INDEXER_MAX_DEPTH_X	9	/* files in flight, at most */

struct walk {
	char	**paths;	/* relative to the root, sorted */
	size_t	  n;
	size_t	  cap;
	int64_t	  bytes;
};

struct run {
	struct store			*st;
	const struct plugins		*pl;
	const struct index_opts		*opts;
	struct index_stats		*stats;
	const char			*root;
	int				 in_tx;
	int				 tx_docs;
	int64_t				 tx_start;
	int64_t				 bytes_done;
	int64_t				 start;
	int64_t				 last_draw;
	int64_t				 total_bytes;
	int64_t				 total_files;
	struct xzygote			*zygote;
	struct index_stats		 done;	/* at the last commit */
};

static int
walk_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Patterns of a folder's .savoirignore, one per line, '#' comments. */
static size_t
walk_ignores(const char *dir, char **pat, size_t max)
{
	char	*path, *data, *line, *next, *cause = NULL;
	size_t	 len, n = 0;

	path = xsprintf("%s/.savoirignore", dir);
	if (file_read(path, 65536, &data, &len, &cause) == -1) {
		free(cause);
		free(path);
		return 0;
	}
	free(path);
	for (line = data; line != NULL && n < max; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		pat[n++] = xstrdup(line);
	}
	free(data);
	return n;
}

static int
walk_dir(struct walk *w, const char *root, const char *rel, int depth,
    char **cause)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*dir, *path, *child, *pat[INDEXER_MAX_IGNORES];
	size_t		 npat, i;
	int		 ret = 0, skip;

	if (depth > INDEXER_MAX_DEPTH) {
		log_warnx("%s: folders nested too deep, skipped", rel);
		return 0;
	}
	dir = *rel != '\0' ? xsprintf("%s/%s", root, rel) : xstrdup(root);
	if ((d = opendir(dir)) == NULL) {
		if (depth == 0) {
			xasprintf(cause, "cannot read %s: %s", dir,
			    strerror(errno));
			free(dir);
			return -1;
		}
		log_warnx("%s: cannot read folder: %s", dir, strerror(errno));
		free(dir);
		return 0;
	}
	npat = walk_ignores(dir, pat, INDEXER_MAX_IGNORES);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* hidden files, . and .. */
		for (skip = 0, i = 0; i < npat && !skip; i++)
			skip = fnmatch(pat[i], de->d_name, FNM_PERIOD) == 0;
		if (skip)
			continue;
		child = *rel != '\0' ? xsprintf("%s/%s", rel, de->d_name) :
		    xstrdup(de->d_name);
		path = xsprintf("%s/%s", root, child);
		if (lstat(path, &sb) == -1) {
			log_warnx("%s: %s", path, strerror(errno));
			free(path);
			free(child);
			continue;
		}
		/* Follow links to files, never to folders (no loops). */
		if (S_ISLNK(sb.st_mode) && stat(path, &sb) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			free(path);
			free(child);
			continue;
		}
		free(path);
		if (S_ISDIR(sb.st_mode)) {
			ret = walk_dir(w, root, child, depth + 1, cause);
			free(child);
			if (ret == -1)
				break;
			continue;
		}
		if (w->n == w->cap) {
			w->cap = w->cap == 0 ? 256 : w->cap * 2;
			w->paths = xreallocarray(w->paths, w->cap,
			    sizeof *w->paths);
		}
		w->paths[w->n++] = child;
		if (S_ISREG(sb.st_mode))
			w->bytes += sb.st_size;
	}
	closedir(d);
	for (i = 0; i < npat; i++)
		free(pat[i]);
	free(dir);
	return ret;
}

/*
 * Whether the walk would skip rel: a hidden name on its way, or a name that
 * a .savoirignore of the folder holding it matches.  For the paths a
 * watcher hands over, which no walk filtered.
 */
static int
walk_skipped(const char *root, const char *rel)
{
	char	*copy, *dir, *name, *slash, *pat[INDEXER_MAX_IGNORES];
	size_t	 npat, i;
	int	 skip = 0;

	copy = xstrdup(rel);
	for (name = copy; !skip && name != NULL; name = slash) {
		if ((slash = strchr(name, '/')) != NULL)
			*slash = '\0';
		if (*name == '.' || *name == '\0') {
			skip = 1;
			break;
		}
		dir = name == copy ? xstrdup(root) : xsprintf("%s/%.*s", root,
		    (int)(name - copy - 1), rel);
		npat = walk_ignores(dir, pat, INDEXER_MAX_IGNORES);
		for (i = 0; i < npat; i++) {
			skip = skip || fnmatch(pat[i], name, FNM_PERIOD) == 0;
			free(pat[i]);
		}
		free(dir);
		if (slash != NULL)
			slash++;
	}
	free(copy);
	return skip;
}

static void
fmt_duration(char *out, size_t len, int64_t s)
{
	if (s >= 3600)
		snprintf(out, len, "%lld:%02lld:%02lld", (long long)s / 3600,
		    (long long)s / 60 % 60, (long long)s % 60);
	else
		snprintf(out, len, "%lld:%02lld", (long long)s / 60,
		    (long long)s % 60);
}

/* A one-line progress bar on a terminal, redrawn at most 10 times/s. */
static void
run_progress(struct run *r, int force)
{
	struct index_stats	*s = r->stats;
	int64_t			 now = mono_us(), done, el;
	double			 frac, mbs;
	char			 eta[32], bar[31];
	int			 i, fill;

	if (!r->opts->progress || (!force && now - r->last_draw < 100000))
		return;
	r->last_draw = now;
	done = s->files_seen;
	frac = r->total_files > 0 ? (double)done / r->total_files : 1.0;
	fill = (int)(frac * 30);
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
	bar[30] = '\0';
	el = now - r->start;
	mbs = el > 0 ? r->bytes_done / (double)el : 0;	/* bytes/us = MB/s */
	if (r->bytes_done > 0 && r->total_bytes > r->bytes_done)
		fmt_duration(eta, sizeof eta, (int64_t)((r->total_bytes -
		    r->bytes_done) / (mbs * 1e6 + 1)));
	else
		snprintf(eta, sizeof eta, "0:00");
	fprintf(stderr, "\r[%s] %lld/%lld files, %lld docs, %.1f MB/s, "
	    "ETA %s\033[K", bar, (long long)done, (long long)r->total_files,
	    (long long)s->docs, mbs, eta);
	fflush(stderr);
}

/* Print above the progress bar. */
static void
run_report(struct run *r, const char *path, const char *what)
{
	if (r->opts->progress)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "savoir: %s: %s\n", path, what);
	run_progress(r, 1);
}

/* An index call failed: -1, *cause saying what and the store's reason. */
static int
run_fail(struct run *r, const char *what, char **cause)
{
	xasprintf(cause, "%s: %s", what, store_errmsg(r->st));
	return -1;
}

static int
run_tx(struct run *r, char **cause)
{
	if (r->in_tx)
		return 0;
	if (store_begin(r->st) == -1)
		return run_fail(r, "cannot start a transaction", cause);
	r->in_tx = 1;
	r->tx_docs = 0;
	r->tx_start = mono_us();
	return 0;
}

/* Commit between files once a batch is big or old enough. */
static int
run_maybe_commit(struct run *r, int force, char **cause)
{
	if (!r->in_tx)
		return 0;
	if (!force && r->tx_docs < r->opts->batch_docs &&
	    mono_us() - r->tx_start < 2000000)
		return 0;
	if (store_commit(r->st) == -1)
		return run_fail(r, "cannot commit", cause);
	r->in_tx = 0;
	r->done = *r->stats;
	r->done.bytes = r->bytes_done;
	return 0;
}

/*
 * The disk filled up: roll the batch back, fold the WAL in and truncate it
 * so the room it took comes back, and say so with figures.  The index
 * keeps every batch committed before, each whole.  Called before any
 * other call on the store since the failure, which store_disk_full and
 * store_need read.
 */
static void
run_full(struct run *r, char **cause)
{
	const char		*db = store_path(r->st);
	int64_t			 need, avail = -1;
	char			*mount = NULL, *stuck = NULL, freebuf[64];

	need = store_need(r->st);
	store_rollback(r->st);
	r->in_tx = 0;
	if (store_truncate_wal(r->st) == -1)
		stuck = xsprintf("; its journal %s-wal could not be emptied "
		    "and stays until a run finds room", db);
	if (store_space(r->st, &avail, &mount) == 0)
		snprintf(freebuf, sizeof freebuf, "%.1f MB free on %s, ",
		    avail / 1e6, mount);
	else
		freebuf[0] = '\0';
	free(*cause);
	xasprintf(cause, "cannot write the index %s: the disk is full (%sthe "
	    "batch needed about %.1f MB); free space or move the index with "
	    "--db%s", db, freebuf, need / 1e6, stuck != NULL ? stuck : "");
	free(stuck);
	free(mount);
}

/* A run that stopped: its counts go back to what the index holds, the
 * batches committed before. */
static void
run_stopped(struct run *r)
{
	struct index_stats	*s = r->stats;

	s->files_indexed = r->done.files_indexed;
	s->files_unchanged = r->done.files_unchanged;
	s->files_failed = r->done.files_failed;
	s->files_removed = r->done.files_removed;
	s->docs = r->done.docs;
	s->warnings = r->done.warnings;
	s->bytes = r->done.bytes;
	s->elapsed_us = mono_us() - r->start;
}

struct cite_ctx {
	struct xdoc	*doc;
};

static void
cite_add(const char *target, const char *label, void *arg)
{
	struct cite_ctx	*c = arg;
	size_t		 i;

	for (i = 0; i < c->doc->links.n; i++)
		if (strcmp(c->doc->links.v[i].key, target) == 0 &&
		    strcmp(c->doc->links.v[i].value, "cite") == 0)
			return;
	kvlist_add(&c->doc->links, target, label, "cite");
}

/* Does the document hold the text of this key (its "reference")? */
static int
run_holds(const struct xdoc *d, const char *key)
{
	struct textref	 tr;
	size_t		 i, pos;

	for (i = 0; i < d->meta.n; i++) {
		if (strcmp(d->meta.v[i].key, "reference") != 0)
			continue;
		for (pos = 0; textref_next(d->meta.v[i].value,
		    strlen(d->meta.v[i].value), &pos, &tr); )
			if (strcmp(tr.key, key) == 0 ||
			    strcmp(tr.key2, key) == 0)
				return 1;
	}
	return 0;
}

/* Record the laws, decrees and decisions text cites, as links to
 * "ref:<key>" (store.c finds the document holding them when read). */
static void
run_textrefs(struct cite_ctx *c, const char *text, size_t len)
{
	struct textref	 tr;
	size_t		 pos = 0;
	char		*target, *label;

	while (textref_next(text, len, &pos, &tr)) {
		if (run_holds(c->doc, tr.key))
			continue;
		target = xsprintf("ref:%s", tr.key);
		label = xstrndup(text + tr.start, tr.end - tr.start);
		cite_add(target, label, c);
		free(label);
		free(target);
	}
}

/* Record the articles a document cites, in its own code by default, and
 * the other texts it names. */
static void
run_citations(struct xdoc *d)
{
	struct cite_ctx	 c = { d };
	char		*code = NULL;
	size_t		 i;
	int		 col;

	for (i = 0; i < d->facets.n; i++)
		if (strcmp(d->facets.v[i].key, "code") == 0)
			code = fr_fold(d->facets.v[i].value,
			    strlen(d->facets.v[i].value));
	for (col = SAVOIR_COL_HEADINGS; col <= SAVOIR_COL_BODY; col++)
		if (d->text[col].len > 0)
			cite_scan(d->text[col].data, d->text[col].len,
			    code != NULL && *code != '\0' ? code : "cgct",
			    cite_add, &c);
	for (col = SAVOIR_COL_HEADINGS; col <= SAVOIR_COL_BODY; col++)
		if (d->text[col].len > 0)
			run_textrefs(&c, d->text[col].data, d->text[col].len);
	free(code);
}

/* Is this stored plugin string one of the loaded plugins? */
static int
run_plugin_current(struct run *r, const char *plugin)
{
	char	 name[256];
	size_t	 i;

	if (plugin == NULL)
		return 0;
	for (i = 0; i < r->pl->n; i++) {
		snprintf(name, sizeof name, "%s %s", r->pl->v[i].desc->name,
		    r->pl->v[i].desc->version);
		if (strcmp(name, plugin) == 0)
			return 1;
	}
	return 0;
}

/*
 * A file on its way: run_begin decides whether it needs extracting and, if
 * so, forks its child and a thread that collects what the child sends (and
 * finds the citations); run_end joins it and writes.  indexer_run begins
 * the next file before it ends the last one, so that one core extracts
 * while the other writes; only the writer touches the index.
 */
static int64_t
cpu_us(int who)
{
	struct rusage	 ru;

	if (getrusage(who, &ru) == -1)
		return 0;
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

struct pending {
	char		*rel;
	char		*path;
	struct source	 src;
	struct xfile	 xf;
	struct xjob	*job;
	struct store_packer *packer;	/* the dictionary, for the thread */
	pthread_t	 thread;
	int		 active;	/* has something for run_end */
	int		 threaded;	/* thread to join */
	int		 found;		/* the index knew the file */
	int		 hash_later;	/* run_collect hashes the file */
	size_t		 max;		/* its size limit */
	int		 rc;		/* extract_finish's answer */
	int64_t		 cpu_us;	/* the collecting thread's CPU */
	char		*why;		/* it failed before extraction */
	int64_t		 size;
	int64_t		 mtime_ns;
	char		 hash[65];
};

static void *
run_collect(void *arg)
{
	struct pending	*p = arg;
	size_t		 i, len;

	/* The hash is the record of what was read; the child reads the
	 * file on its own meanwhile. */
	if (p->hash_later) {
		if (file_sha256(p->path, p->max, p->hash, &len, &p->why) == 0)
			p->size = (int64_t)len;
	}
	p->rc = extract_finish(p->job);
	p->job = NULL;
	if (p->rc == 0) {
		for (i = 0; i < p->xf.ndocs; i++)
			run_citations(p->xf.docs[i]);
		store_prepare(p->packer, &p->xf);
	}
	p->cpu_us = cpu_us(RUSAGE_THREAD);
	return NULL;
}

static void
pending_clear(struct pending *p)
{
	free(p->rel);
	free(p->path);
	free(p->why);
	xfile_clear(&p->xf);
	source_clear(&p->src);
	store_packer_free(p->packer);
	memset(p, 0, sizeof *p);
}

/* Returns -1 only when the index cannot be read or written. */
static int
run_begin(struct run *r, const char *rel, struct pending *p, char **cause)
{
	struct stat	 sb;
	size_t		 len;

	memset(p, 0, sizeof *p);
	p->rel = xstrdup(rel);
	p->path = xsprintf("%s/%s", r->root, rel);
	r->stats->files_seen++;
	if (stat(p->path, &sb) == -1) {
		p->why = xsprintf("cannot stat: %s", strerror(errno));
		goto failed;
	}
	if (!S_ISREG(sb.st_mode)) {
		p->why = xstrdup("not a regular file");
		goto failed;
	}
	p->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
	    sb.st_mtim.tv_nsec;
	if ((p->found = store_source_get(r->st, r->root, rel,
	    &p->src)) == -1)
		return run_fail(r, "cannot read the index", cause);
	if (p->found && !r->opts->force && p->src.error == NULL &&
	    p->src.size == sb.st_size && p->src.mtime_ns == p->mtime_ns &&
	    run_plugin_current(r, p->src.plugin)) {
		r->stats->files_unchanged++;
		r->bytes_done += sb.st_size;
		return 0;
	}
	if ((size_t)sb.st_size > r->opts->limits.max_file) {
		p->why = xsprintf("file too large (%lld bytes, limit %zu)",
		    (long long)sb.st_size, r->opts->limits.max_file);
		goto failed;
	}
	r->bytes_done += sb.st_size;
	if (!p->found || r->opts->force || p->src.error != NULL ||
	    !run_plugin_current(r, p->src.plugin))
		p->hash_later = 1;	/* the collecting thread hashes it */
	else if (file_sha256(p->path, r->opts->limits.max_file, p->hash,
	    &len, &p->why) == -1)
		goto failed;
	else if (strcmp(p->src.hash, p->hash) == 0) {
		/* Touched but identical: remember the new stat only. */
		p->size = (int64_t)len;
		if (run_tx(r, cause) == -1)
			return -1;
		if (store_touch_source(r->st, p->src.id, p->size,
		    p->mtime_ns) == -1)
			return run_fail(r, "cannot write the index", cause);
		r->stats->files_unchanged++;
		return 0;
	} else
		p->size = (int64_t)len;
	p->active = 1;
	p->max = r->opts->limits.max_file;
	p->packer = store_packer_get(r->st);
	if (extract_start(r->pl, r->zygote, r->root, rel, &r->opts->limits,
	    &p->xf, &p->job) == -1) {
		p->rc = -1;
		return 0;
	}
	if (pthread_create(&p->thread, NULL, run_collect, p) != 0) {
		run_collect(p);		/* no thread: collect here */
		p->cpu_us = 0;		/* counted as the writer's */
	} else
		p->threaded = 1;
	return 0;
failed:
	p->active = 1;
	return 0;
}

/* Wait for the file's extraction, then write it (or its failure). */
static int
run_end(struct run *r, struct pending *p, char **cause)
{
	struct source	 src;
	size_t		 i;
	int		 ret = -1;

	if (p->threaded) {
		pthread_join(p->thread, NULL);
		p->threaded = 0;
	}
	r->stats->cpu_collect_us += p->cpu_us;
	if (!p->active) {
		ret = 0;
		goto out;
	}
	if (p->why == NULL && p->rc == -1)
		p->why = xstrdup(p->xf.error != NULL ? p->xf.error :
		    "extraction failed");
	if (p->why != NULL)
		goto failed;
	for (i = 0; i < p->xf.nwarnings; i++)
		run_report(r, p->rel, p->xf.warnings[i]);
	r->stats->warnings += (int64_t)p->xf.nwarnings;
	memset(&src, 0, sizeof src);
	src.size = p->size;
	src.mtime_ns = p->mtime_ns;
	memcpy(src.hash, p->hash, sizeof src.hash);
	if (run_tx(r, cause) == -1)
		goto out;
	p->xf.release = 1;
	if (store_put_file(r->st, r->root, p->rel, &src, &p->xf, cause) == -1)
		goto out;
	r->stats->files_indexed++;
	r->stats->docs += (int64_t)p->xf.ndocs;
	r->tx_docs += (int)p->xf.ndocs + 1;
	ret = run_maybe_commit(r, 0, cause);
	goto out;

failed:
	/* Keep the last good documents; remember the error for next time. */
	run_report(r, p->rel, p->why);
	r->stats->files_failed++;
	if (run_tx(r, cause) == -1)
		goto out;
	if (p->found) {
		if (store_source_error(r->st, p->src.id, p->why) == -1)
			goto sqlfail;
	} else {
		struct source	 s0;

		memset(&s0, 0, sizeof s0);
		xfile_clear(&p->xf);
		p->xf.error = p->why;
		p->why = NULL;
		if (store_put_file(r->st, r->root, p->rel, &s0, &p->xf,
		    cause) == -1)
			goto out;
	}
	ret = 0;
	goto out;
sqlfail:
	xasprintf(cause, "cannot write the index: %s",
	    store_errmsg(r->st));
out:
	run_progress(r, 0);
	pending_clear(p);
	return ret;
}

/* The sources of a root whose file the walk did not find. */
struct run_gone {
	struct walk	*w;
	char		**scope;	/* sorted; NULL: the whole root */
	size_t		 nscope;
	int64_t		*id;
	size_t		 n;
};

/* Whether path is one of the scopes or lies under one. */
static int
run_in_scope(const struct run_gone *g, const char *path)
{
	char	*copy, *p;
	int	 in = 0;

	if (g->scope == NULL)
		return 1;
	copy = xstrdup(path);
	for (p = copy; !in; *p++ = '/') {
		p = strchr(p, '/');
		if (p != NULL)
			*p = '\0';
		in = bsearch(&copy, g->scope, g->nscope, sizeof *g->scope,
		    walk_cmp) != NULL;
		if (p == NULL)
			break;
	}
	free(copy);
	return in;
}

static void
run_gone_cb(int64_t id, const char *path, void *arg)
{
	struct run_gone	*g = arg;

	if (!run_in_scope(g, path))
		return;
	if (bsearch(&path, g->w->paths, g->w->n, sizeof *g->w->paths,
	    walk_cmp) != NULL)
		return;
	g->id = xreallocarray(g->id, g->n + 1, sizeof *g->id);
	g->id[g->n++] = id;
}

/* Delete the sources of this root (in the scopes, if any) whose file
 * is gone. */
static int
run_removed(struct run *r, struct walk *w, char **scope, size_t nscope,
    char **cause)
{
	struct run_gone	 g = { w, scope, nscope, NULL, 0 };
	char		*why = NULL;
	size_t		 i;
	int		 ret = -1;

	if (store_sources_each(r->st, r->root, run_gone_cb, &g, &why) == -1) {
		free(why);
		goto sqlfail;
	}
	for (i = 0; i < g.n; i++) {
		if (run_tx(r, cause) == -1)
			goto out;
		if (store_delete_source(r->st, g.id[i]) == -1)
			goto sqlfail;
		r->stats->files_removed++;
	}
	ret = 0;
	goto out;
sqlfail:
	run_fail(r, "cannot remove deleted files from the index", cause);
out:
	free(g.id);
	return ret;
}

/* The loaded plugins' declarations, for the store. */
static int
put_types(struct store *st, const struct plugins *pl)
{
	const struct savoir_plugin	**v;
	size_t				  i;
	int				  rc;

	v = xreallocarray(NULL, pl->n + 1, sizeof *v);
	for (i = 0; i < pl->n; i++)
		v[i] = pl->v[i].desc;
	rc = store_put_types(st, v, pl->n);
	free(v);
	return rc;
}

/* Files in flight with a zygote: one extracting per CPU, one writing. */
static size_t
indexer_depth(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > INDEXER_MAX_DEPTH_X - 1)
		n = INDEXER_MAX_DEPTH_X - 1;
	return (size_t)n + 1;
}

/*
 * The run itself, on root (a real path): every file when rels is NULL,
 * else only the paths rels names (files, or folders walked), and the
 * removal of what vanished among them.
 */
static int
indexer_do(struct store *st, const struct plugins *pl, const char *real,
    char **rels, size_t nrels, const struct index_opts *opts,
    struct index_stats *stats, char **cause)
{
	struct walk	 w;
	struct run	 r;
	struct pending	 pend[INDEXER_MAX_DEPTH_X];
	struct stat	 sb;
	char		*summary, *path, **scope = NULL;
	int64_t		 back;
	int64_t		 cpu0, cpu_kids;
	size_t		 i, j, nscope = 0, depth;
	int		 ret = -1;

	memset(stats, 0, sizeof *stats);
	memset(&w, 0, sizeof w);
	memset(&r, 0, sizeof r);
	memset(pend, 0, sizeof pend);
	r.st = st;
	r.pl = pl;
	r.opts = opts;
	r.stats = stats;
	r.root = real;
	r.start = mono_us();
	cpu0 = cpu_us(RUSAGE_THREAD);
	cpu_kids = cpu_us(RUSAGE_CHILDREN);
	r.zygote = opts->zygote != NULL ? opts->zygote :
	    extract_zygote_start(pl);

	if (rels == NULL) {
		if (walk_dir(&w, real, "", 0, cause) == -1)
			goto out;
	} else {
		scope = xreallocarray(NULL, nrels + 1, sizeof *scope);
		for (i = 0; i < nrels; i++) {
			/* A ".." is hidden to walk_skipped: never outside. */
			if (*rels[i] == '\0' || *rels[i] == '/')
				continue;
			scope[nscope++] = rels[i];
			if (walk_skipped(real, rels[i]))
				continue;	/* removed if it was indexed */
			path = xsprintf("%s/%s", real, rels[i]);
			if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				if (walk_dir(&w, real, rels[i], 1, cause) == -1) {
					free(path);
					goto out;
				}
			} else if (stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
				if (w.n == w.cap) {
					w.cap = w.cap == 0 ? 256 : w.cap * 2;
					w.paths = xreallocarray(w.paths, w.cap,
					    sizeof *w.paths);
				}
				w.paths[w.n++] = xstrdup(rels[i]);
				if (S_ISREG(sb.st_mode))
					w.bytes += sb.st_size;
			}
			free(path);
		}
		qsort(scope, nscope, sizeof *scope, walk_cmp);
	}
	qsort(w.paths, w.n, sizeof *w.paths, walk_cmp);
	/* A file named and found under a folder named: once. */
	for (i = j = 0; i < w.n; i++) {
		if (j > 0 && strcmp(w.paths[j - 1], w.paths[i]) == 0)
			free(w.paths[i]);
		else
			w.paths[j++] = w.paths[i];
	}
	w.n = j;
	r.total_files = (int64_t)w.n;
	r.total_bytes = w.bytes;

	if (run_tx(&r, cause) == -1 || put_types(st, pl) == -1)
		goto out;
	/*
	 * Begin a file (its child and collecting thread start), then write
	 * the oldest one begun while they work.  With a zygote, one file a
	 * CPU extracts at once (a small file's cost is the fork and the
	 * jail: 500 notes take 3.6 s one at a time on 2 CPUs); without
	 * one, extract_start forks here and no other thread may run.
	 */
	depth = r.zygote != NULL ? indexer_depth() : 2;
	for (i = 0; i < w.n; i++) {
		struct pending	*cur = &pend[i % depth];

		if (r.zygote == NULL)
			for (j = 0; j < depth; j++)
				if (pend[j].threaded) {
					pthread_join(pend[j].thread, NULL);
					pend[j].threaded = 0;
				}
		if (run_begin(&r, w.paths[i], cur, cause) == -1)
			goto out;
		if (i + 1 >= depth && run_end(&r, &pend[(i + 1 - depth) %
		    depth], cause) == -1)
			goto out;
	}
	for (i = w.n + 1 > depth ? w.n + 1 - depth : 0; i < w.n; i++)
		if (run_end(&r, &pend[i % depth], cause) == -1)
			goto out;
	if (run_removed(&r, &w, scope, nscope, cause) == -1)
		goto out;
	stats->bytes = r.bytes_done;
	stats->elapsed_us = mono_us() - r.start;
	if (run_tx(&r, cause) == -1)
		goto out;
	if (store_sync_local_done(st, &back, cause) == -1)
		goto out;
	if (back > 0)
		log_info("%lld local document(s) gone held an id an origin "
		    "has: its next sync brings its copies back",
		    (long long)back);
	summary = xsprintf("{\"at\":%lld,\"files\":%lld,\"indexed\":%lld,"
	    "\"failed\":%lld,\"removed\":%lld,\"docs\":%lld,\"ms\":%lld}",
	    (long long)now_ms(), (long long)stats->files_seen,
	    (long long)stats->files_indexed, (long long)stats->files_failed,
	    (long long)stats->files_removed, (long long)stats->docs,
	    (long long)stats->elapsed_us / 1000);
	if (store_meta_set(st, "last_index", summary) == -1) {
		free(summary);
		xasprintf(cause, "cannot write the index: %s",
		    store_errmsg(st));
		goto out;
	}
	free(summary);
	if (!opts->light && store_optimize(st, cause) == -1)
		goto out;
	if (run_maybe_commit(&r, 1, cause) == -1)
		goto out;
	store_checkpoint(st);
	ret = 0;
out:
	for (i = 0; i < INDEXER_MAX_DEPTH_X; i++) {
		if (pend[i].threaded)
			pthread_join(pend[i].thread, NULL);
		pending_clear(&pend[i]);
	}
	if (ret == -1 && r.in_tx && store_disk_full(st))
		run_full(&r, cause);
	if (ret == -1)
		run_stopped(&r);
	if (r.in_tx)
		store_rollback(st);
	if (opts->progress)
		fprintf(stderr, "\r\033[K");
	strv_free(w.paths, w.n);
	free(scope);
	if (r.zygote != opts->zygote)
		extract_zygote_stop(r.zygote);
	stats->cpu_writer_us = cpu_us(RUSAGE_THREAD) - cpu0;
	stats->cpu_extract_us = cpu_us(RUSAGE_CHILDREN) - cpu_kids;
	{
		struct rusage	 ru;

		if (getrusage(RUSAGE_SELF, &ru) == 0)
			stats->rss_self_kb = ru.ru_maxrss;
		if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
			stats->rss_child_kb = ru.ru_maxrss;
	}
	return ret;
}

int
indexer_run(struct store *st, const struct plugins *pl, const char *root,
    const struct index_opts *opts, struct index_stats *stats, char **cause)
{
	return indexer_run_paths(st, pl, root, NULL, 0, opts, stats, cause);
}

int
indexer_run_paths(struct store *st, const struct plugins *pl,
    const char *root, char **rels, size_t nrels,
    const struct index_opts *opts, struct index_stats *stats, char **cause)
{
	char	 real[PATH_MAX];

	memset(stats, 0, sizeof *stats);
	if (realpath(root, real) == NULL) {
		xasprintf(cause, "cannot index %s: %s", root, strerror(errno));
		return -1;
	}
	return indexer_do(st, pl, real, rels, nrels, opts, stats, cause);
}
