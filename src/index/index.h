/*
 * index.h - private prototypes of libsavoir-index, the indexing side that
 * only the CLI links: the citation finder, the HTML sanitizer, the plugin
 * loader, the extractor (a jailed child per file) and the indexer.  It
 * builds on the core (savoir.h); savoird never includes this file (its
 * build cannot: src/index is not on its include path).  The extractor's
 * own files (extract, child, host, record, zygote) share extract_int.h
 * besides.
 */
#ifndef SAVOIR_INDEX_H
#define SAVOIR_INDEX_H

#include "savoir.h"

/* cite.c - citations of legal articles in running text */
/*
 * Call cb for each article cited in text, with the document id it names
 * ("cgct/L1115-1"): the code named after it ("du CGCT", "du code du
 * travail") or else default_code.  "ancien article …" and "ex-L…"
 * references, and numbers without a dash, are not citations.
 */
struct cite_code {
	const char	*short_name;	/* "cgct" */
	const char	*pattern;	/* folded words after "du": "cgct" */
};
void	 cite_scan(const char *text, size_t len, const char *default_code,
	    void (*cb)(const char *target, const char *label, void *),
	    void *arg);

/* sanitize.c - the allow-list HTML sanitizer (libxml2) */
/* Return sanitized HTML (caller frees): allowed elements and attributes
 * only, href restricted to http(s), mailto, relative and /doc/ links;
 * article citations in text become /doc/ links, in default_code unless the
 * text names another code ("": none do; NULL: cgct); web addresses in text
 * become links. */
char	*html_sanitize(const char *html, size_t len, const char *default_code);
void	 html_sanitize_init(void);

/* toolkit.c - the toolkit functions of the host table (plugin.h) */
void	 tk_buf_add(struct savoir_buf *, const char *, size_t);
void	 tk_buf_adds(struct savoir_buf *, const char *);
void	 tk_buf_printf(struct savoir_buf *, const char *, ...)
	    SAVOIR_PRINTFLIKE(2, 3);
void	 tk_buf_html(struct savoir_buf *, const char *, size_t);
void	 tk_buf_repair(struct savoir_buf *, const char *, size_t);
void	 tk_buf_rtrim(struct savoir_buf *);
void	 tk_buf_free(struct savoir_buf *);
size_t	 tk_utf8_check(const char *, size_t);
/* Member initializers of the toolkit, for a host table. */
#define TOOLKIT_HOST_MEMBERS \
	.buf_add = tk_buf_add, .buf_adds = tk_buf_adds, \
	.buf_printf = tk_buf_printf, .buf_html = tk_buf_html, \
	.buf_repair = tk_buf_repair, .buf_rtrim = tk_buf_rtrim, \
	.buf_free = tk_buf_free, .utf8_check = tk_utf8_check

/* plugin.c - finding and loading plugins */
struct plugin {
	char				*path;
	void				*handle;
	/* The plugin's descriptor as this host reads it: a copy whose
	 * types and facets are arrays of this host's declaration structs,
	 * whatever size the plugin was built with. */
	const struct savoir_plugin	*desc;
	struct savoir_plugin		*own;		/* desc, freed */
	struct savoir_type_decl		*types;		/* own->types */
	struct savoir_facet_decl	*facets;	/* theirs, in one */
};
struct plugins {
	struct plugin	*v;
	size_t		 n;
	char		**refused;	/* "path: reason" for each refused */
	size_t		 nrefused;
};
/* Load every *.so of a colon-separated list of directories.  A plugin that
 * cannot be loaded is refused with a one-line reason (kept in ->refused and
 * logged); the others load.  Never NULL. */
struct plugins	*plugins_load(const char *dirs);
void		 plugins_free(struct plugins *);
/* The default directory list: $SAVOIR_PLUGINS, else the built-in one. */
const char	*plugins_default_dirs(void);
/* Plugins claiming a file by its extension, best first; returns count. */
size_t		 plugins_for_path(const struct plugins *, const char *path,
		    const struct plugin **out, size_t max);
/* The declared type, and the plugin declaring it, or NULL. */
const struct savoir_type_decl *plugins_type(const struct plugins *,
		    const char *type, const struct plugin **);

/* extract.c - running plugins on one file in a sandboxed child */
struct extract_limits {
	size_t	 max_file;	/* bytes; larger files are refused */
	int	 timeout_ms;	/* wall-clock per file */
	int	 cpu_s;		/* RLIMIT_CPU */
	size_t	 mem;		/* RLIMIT_AS in bytes, 0 = none */
	uint32_t flags;		/* SAVOIR_INPUT_* */
};
void	 extract_limits_default(struct extract_limits *);
/*
 * Extract root/relpath with the best plugin that accepts it, in a child
 * process under the limits.  Returns 0 and fills out (documents and
 * warnings) or -1 with out->error set (no plugin, crash, timeout, plugin
 * error, too large...).  The child never touches the database.
 */
int	 extract_file(const struct plugins *, const char *root,
	    const char *relpath, const struct extract_limits *,
	    struct xfile *out);
/* The same in two steps, so that the caller can work while the child
 * does: extract_start forks, or has the zygote fork (without a zygote,
 * call it with no other thread running; -1 and out->error if it could
 * not), extract_finish collects what the
 * child sends, reaps it and frees the job (any thread may call it); it
 * returns what extract_file would. */
struct xjob;
struct xzygote;
int	 extract_start(const struct plugins *, struct xzygote *,
	    const char *root, const char *relpath,
	    const struct extract_limits *, struct xfile *out, struct xjob **);
int	 extract_finish(struct xjob *);

/* host.c - the functions plugins call, checked in the extractor child */
/* The host function table passed to plugins (log only outside extract). */
const struct savoir_host *plugin_host(void);

/* zygote.c - the process that forks the extractor children */
/* A small process, forked now, that forks the children of extract_start
 * so that they do not start with a copy of a large writer (NULL if it
 * cannot be had: extract_start forks itself).  The caller becomes a child
 * subreaper: it adopts and waits for the children. */
struct xzygote	*extract_zygote_start(const struct plugins *);
void		 extract_zygote_stop(struct xzygote *);

/* jail.c - the extractor child's jail */
/* jail_probe, in the parent before it forks, finds the layers the
 * kernel offers and warns once for each it does not; jail_enter, in the
 * child, confines it to reading the plugins, the input file and the
 * system's libraries, with no network, no exec, no new process.  A layer
 * that fails is logged and the others still hold.  jail_zygote, in the
 * zygote, enters the part of the filter it can live under, which its
 * children then inherit instead of attaching it each. */
void	 jail_probe(void);
void	 jail_enter(const struct plugins *, const char *abspath);
void	 jail_zygote(void);

/* indexer.c - walking a tree and keeping the index in step */
struct index_opts {
	struct extract_limits	 limits;
	int			 strict;
	int			 progress;	/* draw a progress bar */
	int			 batch_docs;	/* docs per transaction */
	int			 force;		/* re-extract everything */
	/* A watcher's small batch: no merging of every postings segment
	 * (0.4-1 s at 29,000 documents); the levels still bound their
	 * number and the next full run merges them. */
	int			 light;
	/* A zygote kept across runs (savoir index --watch): started by the
	 * caller while its process is small, as a run starts its own, since
	 * one forked from a watcher grown by its runs makes every child
	 * dearer to clone.  NULL: each run starts and stops its own. */
	struct xzygote		*zygote;
};
struct index_stats {
	int64_t	 files_seen;
	int64_t	 files_indexed;
	int64_t	 files_unchanged;
	int64_t	 files_failed;
	int64_t	 files_removed;
	int64_t	 docs;
	int64_t	 bytes;
	int64_t	 warnings;
	int64_t	 elapsed_us;
	/* CPU time: the writer's thread, the collecting threads, the
	 * extractor children and the zygote (user + system). */
	int64_t	 cpu_writer_us;
	int64_t	 cpu_collect_us;
	int64_t	 cpu_extract_us;
	/* Peak RSS in kB: this process (writer and collecting threads), and
	 * the largest extractor child or zygote it waited for. */
	int64_t	 rss_self_kb;
	int64_t	 rss_child_kb;
};
/* Index root into the store.  Failed files are reported on stderr and
 * counted; returns 0, or -1 on an error that stopped the run. */
int	 indexer_run(struct store *, const struct plugins *, const char *root,
	    const struct index_opts *, struct index_stats *, char **cause);
/* The same for the paths rels names under root only (relative, as the
 * index stores them): a file is indexed, a folder walked, and what the
 * index holds at or under a path that is gone (or now ignored) is
 * removed.  For a watcher; the walk's other files are not looked at. */
int	 indexer_run_paths(struct store *, const struct plugins *,
	    const char *root, char **rels, size_t nrels,
	    const struct index_opts *, struct index_stats *, char **cause);

/* watch.c - following folder trees with inotify */
/*
 * Index roots once, then follow them: re-index what changed, in batches,
 * until SIGINT or SIGTERM (between batches).  One log line per batch.
 * Returns 0 when stopped by a signal, -1 with *cause when it cannot go on
 * (inotify limits, a root gone, the index unwritable).
 */
int	 watch_run(struct store *, const struct plugins *, char **roots,
	    size_t nroots, const struct index_opts *, char **cause);

#endif /* SAVOIR_INDEX_H */
