/*
 * savoir/plugin.h - the ABI between Savoir and its content-type plugins.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * savoir_plugin_entry, which returns a static descriptor.  Everything the
 * plugin may ask of the host travels through the function table the host
 * passes in: plugins never link against host symbols.
 *
 * Rules (see savoir-plugin(7)):
 *  - Structs only grow at the end.  Each starts with the ABI version and its
 *    own size, so a newer host can read an older plugin and the other way
 *    round; host functions added later may be NULL in an older host and must
 *    be tested before use (check host->size first).
 *  - Every string passed to the host is UTF-8, copied by the host before the
 *    call returns: the plugin keeps ownership of its buffers.
 *  - Plugins run in a sandboxed child process, one file at a time, under CPU,
 *    memory and time limits, jailed (Landlock, seccomp) before init: they
 *    can read the input and the system's libraries, and cannot write files,
 *    open network connections or start programs.  They must not keep state
 *    between files beyond what init made.
 */
#ifndef SAVOIR_PLUGIN_H
#define SAVOIR_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped only on incompatible changes; growth at the end does not bump it. */
#define SAVOIR_PLUGIN_ABI	1

#if defined(__GNUC__)
#define SAVOIR_EXPORT	__attribute__((visibility("default")))
#define SAVOIR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SAVOIR_EXPORT
#define SAVOIR_PRINTF(a, b)
#endif

/* Log levels for host->log. */
enum savoir_log_level {
	SAVOIR_LOG_DEBUG = 0,
	SAVOIR_LOG_INFO = 1,
	SAVOIR_LOG_WARN = 2,
	SAVOIR_LOG_ERROR = 3
};

/* What a facet's values are, so the UI can present them. */
enum savoir_facet_kind {
	SAVOIR_FACET_KEYWORD = 0,	/* a value among a few: type, pays */
	SAVOIR_FACET_YEAR = 1,		/* a four-digit year, sortable */
	SAVOIR_FACET_TEXT = 2		/* free text shown, not counted */
};

/* Text columns of the full-text index, by decreasing weight. */
enum savoir_column {
	SAVOIR_COL_TITLE = 0,
	SAVOIR_COL_HEADINGS = 1,
	SAVOIR_COL_BODY = 2
};

struct savoir_facet_decl {
	const char	*key;		/* "pays" - also the query filter */
	const char	*label;		/* "Pays" - shown to people, French */
	int		 kind;		/* enum savoir_facet_kind */
};

struct savoir_type_decl {
	const char	*name;		/* "note" - also type:note */
	const char	*label;		/* "Note de cours" */
	const char	*label_plural;	/* "Notes de cours" */
	const struct savoir_facet_decl *facets;	/* ends with key == NULL */
};

/* The file being extracted.  data is the whole file, read by the host. */
struct savoir_input {
	uint32_t	 abi;
	uint32_t	 size;
	const char	*path;		/* path relative to the indexed root */
	const char	*abspath;	/* path on disk, for libraries that want one */
	const unsigned char *data;
	size_t		 len;
	const char	*id_prefix;	/* path without extension: default doc id */
	uint32_t	 flags;		/* SAVOIR_INPUT_* */
};

#define SAVOIR_INPUT_WITH_REPEALED	0x1	/* keep repealed legal articles */

/* Opaque to plugins: the host's collector for one file's documents. */
struct savoir_sink;

/*
 * A growable string that the host's toolkit functions fill (since 0.3).
 * The plugin owns the struct: zero it to start (SAVOIR_BUF_INIT), read s
 * and len, shorten it by lowering len (and writing a NUL at s[len]), and
 * give it back with host->buf_free.  s is NUL-terminated once anything
 * was added, NULL before.  An allocation failure is sticky: later adds do
 * nothing and failed stays set, so a plugin checks once, at the end.
 */
struct savoir_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};
#define SAVOIR_BUF_INIT	{ NULL, 0, 0, 0 }

/*
 * The host's function table.  All functions return 0 on success and -1 on
 * error (after which the plugin should stop and return -1 from extract); a
 * -1 is always accompanied by a message the host logs for the file.
 */
struct savoir_host {
	uint32_t	 abi;
	uint32_t	 size;

	void	(*log)(int level, const char *fmt, ...) SAVOIR_PRINTF(2, 3);

	/* Start a document: a stable id (unique in the index) and its type,
	 * which must be one the plugin declared. */
	int	(*doc_begin)(struct savoir_sink *, const char *id,
		    const char *type);
	/* Append text to a column (enum savoir_column); may be called many
	 * times, text is joined with a newline. */
	int	(*doc_text)(struct savoir_sink *, int column, const char *text,
		    size_t len);
	/* Add a facet value (e.g. "pays", "Sénégal"); repeatable. */
	int	(*doc_facet)(struct savoir_sink *, const char *key,
		    const char *value);
	/* Record a link to another document by id ("cgct/L1115-1"); rel is
	 * "cite" for a citation, "lien" for an explicit link. */
	int	(*doc_link)(struct savoir_sink *, const char *target,
		    const char *rel, const char *label);
	/* Set the HTML body shown on the document page.  The host sanitizes
	 * it again with an allow-list; plugins should still emit safe HTML. */
	int	(*doc_html)(struct savoir_sink *, const char *html, size_t len);
	/* Metadata shown on the document page: ordered key / label / value. */
	int	(*doc_meta)(struct savoir_sink *, const char *key,
		    const char *label, const char *value);
	/* Finish the document. */
	int	(*doc_end)(struct savoir_sink *);

	/* A problem with part of the file (a bad row, a bad field) that does
	 * not stop the rest: reported with the file and line. */
	void	(*warn)(struct savoir_sink *, long line, const char *fmt, ...)
		    SAVOIR_PRINTF(3, 4);
	/* Why extract failed: reported as the file's error. */
	void	(*error)(struct savoir_sink *, const char *fmt, ...)
		    SAVOIR_PRINTF(2, 3);

	/* Added in Savoir 0.2: test host->size first (SAVOIR_HOST_HAS).  */

	/* How much the current document weighs in ranking against the rest
	 * of the index, between 0.05 and 2 (1 when never called): less for
	 * an annex or a decree, so that a law article with the same words
	 * comes first.  A prior a reader of that kind of text expects, not
	 * a way to push documents up. */
	int	(*doc_weight)(struct savoir_sink *, double weight);

	/*
	 * Added in Savoir 0.3: the toolkit, so that plugins need not carry
	 * their own string buffer, HTML escaping and UTF-8 handling.  Test
	 * with SAVOIR_HOST_HAS(host, utf8_check), or name the member in
	 * SAVOIR_PLUGIN_ENTRY.  They work outside extract too (in init).
	 */
	/* Append n bytes (a NUL byte too) to b. */
	void	(*buf_add)(struct savoir_buf *b, const char *s, size_t n);
	/* Append the NUL-terminated s. */
	void	(*buf_adds)(struct savoir_buf *b, const char *s);
	void	(*buf_printf)(struct savoir_buf *b, const char *fmt, ...)
		    SAVOIR_PRINTF(2, 3);
	/* Append n bytes escaped for HTML text and attribute values
	 * (& < > " ' become entities). */
	void	(*buf_html)(struct savoir_buf *b, const char *s, size_t n);
	/* Append n bytes as UTF-8: valid sequences as they are, each other
	 * byte read as a Windows-1252 character (U+FFFD where it has none),
	 * the usual legacy encoding of French text. */
	void	(*buf_repair)(struct savoir_buf *b, const char *s, size_t n);
	/* Drop trailing spaces, tabs, CRs and newlines. */
	void	(*buf_rtrim)(struct savoir_buf *b);
	/* Free b's memory and zero it; it may be used again. */
	void	(*buf_free)(struct savoir_buf *b);
	/* The offset of the first byte of s[0..n) that is not part of valid
	 * UTF-8 (no overlongs, surrogates or code points past U+10FFFF), or
	 * n when all of it is. */
	size_t	(*utf8_check)(const char *s, size_t n);
};

/* Does this host offer member m (added after the first version)? */
#define SAVOIR_HOST_HAS(host, m) \
	((host)->size >= offsetof(struct savoir_host, m) + \
	sizeof((host)->m) && (host)->m != NULL)

struct savoir_plugin {
	uint32_t	 abi;		/* SAVOIR_PLUGIN_ABI */
	uint32_t	 size;		/* sizeof(struct savoir_plugin) */
	const char	*name;		/* "notes": [a-z0-9_-]+ */
	const char	*version;	/* "1.0.0" */
	const char	*description;	/* one line, English */
	const struct savoir_type_decl *types;	/* ends with name == NULL */
	const char *const *extensions;	/* ".md", NULL-terminated */
	const char *const *mime_types;	/* NULL-terminated, may be NULL */

	/* Optional.  Make per-process state; *state is passed back. */
	int	(*init)(const struct savoir_host *, void **state);
	/* Optional.  Free what init made. */
	void	(*fini)(void *state);
	/* Optional.  0 if the file is not for this plugin, 1..100 otherwise
	 * (the highest wins).  Without probe, an extension match scores 50. */
	int	(*probe)(void *state, const struct savoir_input *);
	/* Emit zero or more documents from one file; 0 or -1. */
	int	(*extract)(void *state, const struct savoir_input *,
		    struct savoir_sink *);

	/* Added in Savoir 0.3: sizeof each declaration as the plugin was
	 * built, so that they too can grow at the end.  0, or absent in an
	 * older plugin: the first version's sizes.  SAVOIR_PLUGIN_HEAD sets
	 * them with abi and size. */
	uint32_t	 type_decl_size;
	uint32_t	 facet_decl_size;
};

/* The fields every descriptor starts its initializer with. */
#define SAVOIR_PLUGIN_HEAD \
	.abi = SAVOIR_PLUGIN_ABI, .size = sizeof(struct savoir_plugin), \
	.type_decl_size = sizeof(struct savoir_type_decl), \
	.facet_decl_size = sizeof(struct savoir_facet_decl)

typedef const struct savoir_plugin *(*savoir_plugin_entry_fn)(
    const struct savoir_host *);

/* The one symbol a plugin exports. */
SAVOIR_EXPORT const struct savoir_plugin *savoir_plugin_entry(
    const struct savoir_host *);

/*
 * The usual entry point, defined in one line: keep the host table in
 * hostvar (a `static const struct savoir_host *`) and hand out desc, or
 * refuse (NULL) a host of another ABI or one without member need, the
 * newest host function the plugin calls (log when it calls only the
 * first version's).
 */
#define SAVOIR_PLUGIN_ENTRY(desc, hostvar, need) \
SAVOIR_EXPORT const struct savoir_plugin * \
savoir_plugin_entry(const struct savoir_host *savoir_h_) \
{ \
	if (savoir_h_ == NULL || savoir_h_->abi != SAVOIR_PLUGIN_ABI || \
	    !SAVOIR_HOST_HAS(savoir_h_, need)) \
		return NULL; \
	(hostvar) = savoir_h_; \
	return &(desc); \
}

#ifdef __cplusplus
}
#endif

#endif /* SAVOIR_PLUGIN_H */
