/*
 * savoir.h - private prototypes of libsavoir-core, the read side shared by
 * the daemon and the CLI: the store, its postings, the query language, the
 * search, the French tokenizer and the helpers under them.  Nothing here
 * loads a plugin or parses a document: that is the indexing side
 * (src/index/index.h), which only the CLI links.  One section per file, in
 * the file's order of concepts.
 *
 * Conventions: functions return 0 / -1 (or a pointer / NULL); where a
 * person must see why, the callee allocates *cause and the caller frees it.
 * Every _free accepts NULL.
 */
#ifndef SAVOIR_H
#define SAVOIR_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "savoir/plugin.h"

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define SAVOIR_PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))

/* log.c */
void	log_init(const char *name, int level, int use_syslog);
void	log_set_level(int level);
int	log_get_level(void);
void	log_debug(const char *, ...) SAVOIR_PRINTFLIKE(1, 2);
void	log_info(const char *, ...) SAVOIR_PRINTFLIKE(1, 2);
void	log_warnx(const char *, ...) SAVOIR_PRINTFLIKE(1, 2);
void	log_warn(const char *, ...) SAVOIR_PRINTFLIKE(1, 2);	/* + errno */
void	log_vlog(int level, const char *, va_list) SAVOIR_PRINTFLIKE(2, 0);
__dead void fatal(const char *, ...) SAVOIR_PRINTFLIKE(1, 2);	/* + errno */
__dead void fatalx(const char *, ...) SAVOIR_PRINTFLIKE(1, 2);

/* util.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) SAVOIR_PRINTFLIKE(2, 3);
int	 xvasprintf(char **, const char *, va_list) SAVOIR_PRINTFLIKE(2, 0);
char	*xsprintf(const char *, ...) SAVOIR_PRINTFLIKE(1, 2);	/* returns */
/* Free the n strings of v, then v (which may be NULL). */
void	 strv_free(char **, size_t n);

/*
 * The growth under both growable strings, struct buf (which aborts) and
 * the plugin toolkit's (which must not, and remembers the failure): room
 * in the allocation *s of *cap bytes for n more bytes after len and a NUL
 * (doubling from 64), or append n bytes of p and the NUL.  0, or -1 with
 * *s unchanged when the size overflows or realloc fails.
 */
int	 mem_room(char **s, size_t len, size_t *cap, size_t n);
int	 mem_append(char **s, size_t *len, size_t *cap, const void *p,
	    size_t n);

/* A growable byte buffer, always NUL-terminated. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);		/* frees data, resets */
void	 buf_reset(struct buf *);		/* keeps capacity */
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...) SAVOIR_PRINTFLIKE(2, 3);
char	*buf_steal(struct buf *);		/* caller frees */

/* hash.c */
uint32_t hash_fnv1a(const char *, size_t);
/* An empty slot table twice as large as *nslots (16 if none), and at
 * least min: the old one is freed, the entries must be put again. */
uint32_t *slots_grow(uint32_t *, size_t *nslots, size_t min);
/* Every slot free again (the table may be NULL). */
void	 slots_clear(uint32_t *, size_t nslots);
/* Entry i, of that hash, into the first free slot of its probe. */
void	 slots_put(uint32_t *, size_t nslots, uint32_t hash, size_t i);

/* html.c: s escaped for HTML, & < > always, " and ' as flags say. */
#define HTML_QUOT	0x1	/* " as &quot; (attribute values) */
#define HTML_APOS	0x2	/* ' as &#39; */
#define HTML_QUOTES	(HTML_QUOT | HTML_APOS)
void	 html_escape(struct buf *, const char *, size_t, int flags);
/* The same in runs handed to add(arg, run, len), for other buffers. */
void	 html_escape_cb(const char *, size_t, int flags,
	    void (*add)(void *, const char *, size_t), void *arg);

/* Is [s, s+len) valid UTF-8 (no overlongs, no surrogates)?  On failure
 * *bad gets the offset of the first bad byte. */
int	 utf8_valid(const char *, size_t, size_t *bad);
/* Copy s into out with every invalid sequence replaced by U+FFFD and every
 * C0 control but \t and \n dropped; returns how many were replaced. */
size_t	 utf8_repair(const char *, size_t, struct buf *);
/* data gzipped (deflate level 6 with a gzip header; caller frees), its
 * length in *outlen: NULL if zlib fails. */
unsigned char *gzip_mem(const void *data, size_t len, size_t *outlen);
/* Lower-case hex SHA-256 of a buffer, into out[65]. */
void	 sha256_hex(const void *, size_t, char out[65]);
/* The same of a file read in 1 MB pieces, up to max bytes; its length
 * into *len.  0, or -1 with *cause. */
int	 file_sha256(const char *path, size_t max, char out[65], size_t *len,
	    char **cause);
/* Read a whole file up to max bytes: 0, -1 with *cause (size too large,
 * unreadable, not a regular file).  *data is malloc'd and NUL-terminated. */
int	 file_read(const char *path, size_t max, char **data, size_t *len,
	    char **cause);
/*
 * Replace path with data atomically: write it to fd, a temporary file tmp
 * the caller created next to path (mkstemp, its mode and owner set), sync
 * it, rename it over path and sync the directory so the rename survives a
 * crash.  fd is always closed; on failure tmp is unlinked and -1 returned
 * with errno saying why.  The caller still frees tmp.
 */
int	 file_commit(int fd, const char *tmp, const char *path,
	    const void *data, size_t len);
int64_t	 now_ms(void);		/* CLOCK_REALTIME in milliseconds */
int64_t	 mono_us(void);		/* CLOCK_MONOTONIC in microseconds */
/* Parse a decimal integer in [min, max] (whole string): 0 or -1. */
int	 parse_int(const char *, long long min, long long max, long long *);

/* tokenizer_fr.c - the savoir_fr FTS5 tokenizer and French text helpers */
/* A capture sees every token savoir_fr gives FTS5 for a document: col is
 * the column (0, 1, 2: the tokenizer is called once per column, in order),
 * colocated says the token shares the previous one's position. */
struct fr_capture {
	void	(*token)(void *arg, int col, const char *tok, int len,
		    int colocated);
	/* Optional: each word of letters once, folded as the index folds
	 * it and as written in the text (for spell.c's vocabulary). */
	void	(*word)(void *arg, const char *fold, int nfold,
		    const char *surface, int nsurface);
	void	*arg;
	int	 col;		/* the next column; reset by the caller */
};
/* Set (or with NULL clear) this thread's capture. */
void	 tokenizer_fr_capture(struct fr_capture *);
/* Register savoir_fr (and the SQL function savoir_fold) on a connection. */
int	 tokenizer_fr_register(sqlite3 *);
/* The same, through a loadable extension's API table (sqlite_ext.c). */
int	 tokenizer_fr_register_api(sqlite3 *, const sqlite3_api_routines *,
	    char **);
/* Fold text as the index does for facet values: lower case, no diacritics,
 * ligatures expanded, words joined by one space.  Caller frees. */
char	*fr_fold(const char *, size_t);
/* Is this folded word a French stopword (never required in a query)? */
int	 fr_is_stopword(const char *folded, size_t len);
/* Code point c as UTF-8 into out (up to 4 bytes); returns how many. */
size_t	 utf8_encode(uint32_t, char *);
/*
 * Find the next legal article reference (L1115-1, L. 1115-1, R1115-8,
 * LO1114-1, D. 1115-10) in text at or after *pos.  On success returns 1,
 * sets [*start, *end) to its bytes and writes the normal form ("L1115-1",
 * upper-case prefix, no dot, no space) to norm (size >= 32); 0 if none.
 */
int	 article_ref_next(const char *text, size_t len, size_t *pos,
	    size_t *start, size_t *end, char norm[32]);

/* doc.c - one extracted document, as plugins build it */
struct kv {
	char	*key;
	char	*label;		/* may be NULL */
	char	*value;
};
struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};
void	 kvlist_add(struct kvlist *, const char *key, const char *label,
	    const char *value);
void	 kvlist_free(struct kvlist *);

struct xdoc {
	char		*id;
	char		*type;
	struct buf	 text[3];	/* enum savoir_column */
	struct kvlist	 facets;	/* key, -, value */
	struct kvlist	 links;		/* target, label, rel */
	struct kvlist	 meta;		/* key, label, value */
	char		*html;
	double		 weight;	/* ranking prior, 1 by default */
	/* What the store computes of it, computed ahead by
	 * store_prepare (off the writer's thread): its hash, and its text,
	 * HTML and metadata packed with dictionary packed_dict (html is
	 * then NULL: the packed text holds it). */
	char		 hash[65];	/* "" until computed */
	unsigned char	*packed;
	size_t		 packed_len;
	int64_t		 packed_dict;
};
struct xdoc	*xdoc_new(const char *id, const char *type);
void		 xdoc_free(struct xdoc *);
/* The title: the title column up to its first newline. */
const char	*xdoc_title(const struct xdoc *, size_t *len);

/* A file's worth of extraction: documents and per-part warnings. */
struct xfile {
	struct xdoc	**docs;
	size_t		  ndocs;
	char		**warnings;	/* "line 12: pays is empty" */
	size_t		  nwarnings;
	char		 *error;	/* set when the whole file failed */
	char		 *plugin;	/* name of the plugin that ran */
	char		 *plugin_version;
	int		  release;	/* store_put_file frees each document
					 * once written (NULL in docs[]) */
};
void	 xfile_clear(struct xfile *);

/* store.c - the index database */
#define STORE_SCHEMA_VERSION	3
#define STORE_APPLICATION_ID	0x53565231	/* "SVR1" */
#define STORE_RDONLY	0x1
#define STORE_CREATE	0x2
struct store;
/* Open (and with STORE_CREATE create or migrate) an index.  Refuses, with a
 * reason, a file that is not a Savoir index or has a newer schema. */
struct store	*store_open(const char *path, int flags, char **cause);
void		 store_close(struct store *);
int		 store_begin(struct store *);
int		 store_commit(struct store *);
int		 store_rollback(struct store *);
/* Whether the last failure came from a full disk (store_commit also fails
 * this way, before committing, when the index file has no room to grow by
 * the batch).  Ask before any other call on the store. */
int		 store_disk_full(struct store *);
/* About how many bytes the failed batch needed (its WAL and the index
 * file's growth); ask before the rollback. */
int64_t		 store_need(struct store *);
/* After a rollback: fold the WAL in and truncate it, so the room it took
 * comes back; -1 if it could not be emptied (a reader, a full disk). */
int		 store_truncate_wal(struct store *);
/* Bytes free on the index's file system and its mount point (caller
 * frees *mount). */
int		 store_space(struct store *, int64_t *avail, char **mount);
/* End of an indexing run: merge the postings where that pays. */
int		 store_optimize(struct store *, char **cause);
/* The postings as of now, for ranking; NULL when the index has none. */
struct pindex	*store_postings(struct store *);
/* The vocabulary of spelling corrections as of now, and the number of
 * documents; NULL when the index has none. */
const struct speller *store_speller(struct store *, int64_t *ndocs);
/* Meta table accessors (caller frees the string). */
char		*store_meta_get(struct store *, const char *key);
int		 store_meta_set(struct store *, const char *key,
		    const char *value);

/* Sources: what the indexer knows of each file. */
struct source {
	int64_t	 id;
	char	*path;
	int64_t	 size;
	int64_t	 mtime_ns;
	char	 hash[65];
	char	*plugin;	/* "notes 1.0.0" */
	char	*error;
};
int	 store_source_get(struct store *, const char *root, const char *path,
	    struct source *);		/* 1 found, 0 not, -1 error */
void	 source_clear(struct source *);
/* The bytes of the page caches of every store of the process, as noted
 * by store_note_cache (search_run notes its store's after each search). */
void	 store_note_cache(struct store *);
int64_t	 store_cache_used(void);
/* A copy of the index's text dictionary, for store_prepare on another
 * thread; NULL while the index has none yet (or it cannot be read). */
struct store_packer;
struct store_packer *store_packer_get(struct store *);
void	 store_packer_free(struct store_packer *);
/* Compute ahead, in any thread, what store_put_file needs of each of the
 * file's documents (the packer may be NULL): their hashes, metadata and
 * packed text.  Call it after the last change to the documents. */
void	 store_prepare(const struct store_packer *, struct xfile *);
/* Replace all documents of a source with docs (in the open transaction). */
int	 store_put_file(struct store *, const char *root, const char *path,
	    const struct source *, const struct xfile *, char **cause);
/* Record a source's new stat without touching its documents. */
int	 store_touch_source(struct store *, int64_t id, int64_t size,
	    int64_t mtime_ns);
/* Remember why a source's file failed (its documents stay). */
int	 store_source_error(struct store *, int64_t id, const char *why);
/* After a run: refresh the planner's statistics and truncate the WAL
 * (best effort). */
void	 store_checkpoint(struct store *);
/* Delete a source and its documents (logged in the change feed). */
int	 store_delete_source(struct store *, int64_t id);
/* Register the declared types and facets of the loaded plugins. */
int	 store_put_types(struct store *, const struct savoir_plugin *const *,
	    size_t);
/* Integrity: SQLite integrity_check, FTS5 integrity-check, schema.  Each
 * problem is appended to out; returns the number of problems or -1. */
int	 store_check(struct store *, struct buf *out);
/* The index file's path, as opened. */
const char	*store_path(struct store *);
/* The last SQLite error on the store's connection (never NULL). */
const char	*store_errmsg(struct store *);
/* Stop any statement of the store still running at the monotonic time
 * at_us (mono_us); 0 removes the deadline.  A statement stopped this way
 * fails as interrupted: the read functions below say so. */
void	 store_deadline(struct store *, int64_t at_us);
/* Process-wide SQLite settings, before any store is opened; threads says
 * whether connections are used from several threads (one at a time). */
void	 store_library_init(int threads);

/*
 * store_read.c - the index's read queries for the CLI and the daemon.
 * Each returns 0 (or 1/0 for found/not found) and fills plain structs
 * the caller owns and frees with the matching _free (which accepts NULL),
 * or -1 with *cause (caller frees): a list is whole or it is an error,
 * never cut short.  Strings are never NULL unless said so.
 */
struct store_doc {
	int64_t	 rowid;
	char	*id;
	char	*type;
	char	*type_label;	/* its type's label, else the type */
	char	*title;
	char	*breadcrumb;	/* type label > code or module */
	char	*meta;		/* stored metadata, JSON [[key, label, value]] */
	char	*html;
	char	*text;		/* plain body; NULL unless asked for */
	char	*source;	/* path of its file */
	char	*origin;	/* the URL it was synced from; NULL if local */
	int64_t	 seq;
};
#define STORE_DOC_TEXT	0x1	/* store_doc: also read the plain text */
int	 store_doc(struct store *, const char *id, int flags,
	    struct store_doc **, char **cause);	/* 1, 0 none, -1 */
void	 store_doc_free(struct store_doc *);

struct store_link {
	char	*id;		/* the other end */
	char	*title;		/* its title; NULL when not in the index */
	char	*label;		/* the link's own text; may be NULL */
	char	*rel;
	char	*type;		/* the other end's type; NULL when absent */
	int	 exists;	/* the other end is in the index */
};
/* What the document rowid cites or links to, by rel then target. */
int	 store_links(struct store *, int64_t rowid, struct store_link **,
	    size_t *, char **cause);
/* The links to id, by the citing document's type, title and id: every
 * link, or with each_once one per citing document; at most max (0: all). */
int	 store_cited_by(struct store *, const char *id, int each_once,
	    int max, struct store_link **, size_t *, char **cause);
void	 store_links_free(struct store_link *, size_t);

struct store_type {
	char	*name;
	char	*label;		/* label and plural: the name when the */
	char	*label_plural;	/* type is not (or no longer) declared */
	char	*facets;	/* declared facets, JSON */
	int64_t	 count;		/* its documents */
};
/* Declared types and types with documents, by label; without counts
 * (count 0), the declared ones only: what labels and filters need, read
 * without counting the documents (5 ms a request on 29,000 articles). */
int	 store_types(struct store *, int counts, struct store_type **,
	    size_t *, char **cause);
/* Only types with documents (facets "[]"): by name, or by_count by
 * decreasing number of documents. */
int	 store_type_counts(struct store *, int by_count, struct store_type **,
	    size_t *, char **cause);
void	 store_types_free(struct store_type *, size_t);
/* A type's label; 0 with *label NULL when it is not declared. */
int	 store_type_label(struct store *, const char *type, char **label,
	    char **cause);
/* Every value of facet key on the documents of type, with its number of
 * documents, most held first (facet values and counts, key set): not cut
 * to a search's top values.  Free with store_facet_counts_free. */
struct facet_count;
int	 store_facet_counts(struct store *, const char *type, const char *key,
	    struct facet_count **, size_t *, char **cause);
void	 store_facet_counts_free(struct facet_count *, size_t);

struct store_stats {
	int64_t	 docs;
	int64_t	 sources;
	int64_t	 failed;	/* sources that could not be indexed */
	int64_t	 links;
};
int	 store_stats(struct store *, struct store_stats *, char **cause);

struct store_change {
	int64_t	 seq;
	char	*id;
	char	*op;
	int64_t	 at;
};
struct store_feed {
	struct store_change	*v;
	size_t			 n;
	int			 more;	/* changes after the last of v */
	int64_t			 last;	/* the latest seq of the index */
};
/* At most limit changes after since, oldest first. */
int	 store_changes(struct store *, int64_t since, int64_t limit,
	    struct store_feed *, char **cause);
void	 store_feed_clear(struct store_feed *);

/* Suggestions: an FTS5 expression made by the caller.  Titles and
 * headings of at most max matching documents, unranked, to cb; titles
 * of at most max documents, ranked or in index order, as links (id,
 * title, type; free with store_links_free).  Both return 1 when the
 * store's deadline stopped them: what cb saw, or the rows returned, are
 * then a best effort, by design (the caller falls back or keeps them). */
int	 store_suggest_words(struct store *, const char *expr, int max,
	    void (*cb)(const char *title, const char *headings, void *),
	    void *, char **cause);
int	 store_suggest_titles(struct store *, const char *expr, int max,
	    int ranked, struct store_link **, size_t *, char **cause);
/* The body of document id with the matches of expr between \1 and \2
 * (caller frees *text): 1, 0 when it does not match or the deadline
 * stopped it, -1. */
int	 store_highlight(struct store *, const char *expr, const char *id,
	    char **text, size_t *len, char **cause);

/*
 * store_sync.c - one instance following another (savoir sync).  The
 * origin's side: a page of the change feed after since, at most limit
 * changes and about budget bytes of text (the first change always goes),
 * each put with its document, plus the types they need, as a JSON object
 * (*out, caller decrefs); *cause must be NULL on entry.  The follower's
 * side: apply such a page fetched from origin (a base URL), in one
 * transaction with the sync state; label is the origin's « Origine »
 * facet value (its host).
 */
struct json_t;
struct store_sync_state {
	char	*epoch;		/* of the origin's index; NULL never synced */
	int64_t	 seq;		/* the last change applied */
	int64_t	 gen;		/* full passes begun */
	int	 full;		/* a full pass is under way */
};
struct store_sync_stats {
	int64_t	 pages;
	int64_t	 puts;
	int64_t	 dels;
	int64_t	 skipped;	/* puts of an id a local document holds */
	int64_t	 unchanged;
};
int	 store_sync_page(struct store *, int64_t since, int64_t limit,
	    size_t budget, struct json_t **out, char **cause);
int	 store_sync_state(struct store *, const char *origin,
	    struct store_sync_state *, char **cause);
void	 store_sync_state_clear(struct store_sync_state *);
int	 store_sync_apply(struct store *, const char *origin,
	    const char *label, struct json_t *page,
	    struct store_sync_stats *, char **cause);
/* After the last page of a run that changed so many documents: merge
 * the postings (fully only after many changes), checkpoint. */
int	 store_sync_finish(struct store *, int64_t changed, char **cause);
/* At the end of an indexing run, in its transaction: the ids a local
 * document held against an origin that no local document holds any more
 * send that origin's next sync through a full pass, which brings its
 * copies back (*back: how many). */
int	 store_sync_local_done(struct store *, int64_t *back, char **cause);

/* store_copy.c - the index as one file, carried elsewhere */
/* Documents in the index. */
int	 store_count_docs(struct store *, int64_t *, char **cause);
/* A compact, consistent copy of the index at path (VACUUM INTO). */
int	 store_vacuum_into(struct store *, const char *path, char **cause);
/* Leave the database file path without WAL (one self-contained file). */
int	 store_leave_wal(const char *path, char **cause);
/* Copy the SQLite database file from into a new file to, unchecked. */
int	 store_copy_file(const char *from, const char *to, char **cause);
/* Replace the whole content of the store with the (checked) database
 * file from, in one write transaction of the store's connection. */
int	 store_replace(struct store *, const char *from, char **cause);

/* reference.c - references to laws, decrees and decisions in text */
struct textref {
	size_t		 start, end;	/* bytes of the reference */
	char		 key[40];	/* "loi/2014-773", "ce/478713" */
	char		 key2[40];	/* the date's key too, or "" */
	const char	*text0;		/* private */
};
/* The next reference at or after *pos: 1 with *ref (and *pos after it),
 * 0 when there is none. */
int	 textref_next(const char *text, size_t len, size_t *pos,
	    struct textref *ref);

/* spell.c - corrections of query words from the index's vocabulary */
struct speller;
/* A correction: one word, or two (a glued word split; word2 != NULL). */
struct spell_cand {
	const char	*word, *form;	/* folded; as people read it */
	const char	*word2, *form2;
	int64_t		 df;		/* documents (the rarer word's) */
	int		 dist;		/* in half edits */
};
struct speller	*spell_new(void);
void		 spell_free(struct speller *);
/* Add a folded word, the form to show (NULL: the word) and its document
 * count; then spell_build once, after which it is read-only. */
void		 spell_add(struct speller *, const char *word, size_t len,
		    const char *form, size_t formlen, int64_t df);
void		 spell_build(struct speller *);
size_t		 spell_size(const struct speller *);
/* Documents holding the folded word, 0 when not in the vocabulary. */
int64_t		 spell_df(const struct speller *, const char *, size_t);
/* The form to show of a folded word of the vocabulary, or NULL. */
const char	*spell_form(const struct speller *, const char *, size_t);
/* The best correction of a folded word absent from the vocabulary or
 * rare in it: 1 with *out, 0 when none is close enough. */
int		 spell_suggest(const struct speller *, const char *, size_t,
		    struct spell_cand *out);
/* The word that the misspelled beginning of a word most likely starts
 * (for suggestions as people type): 1 with *out, or 0. */
int		 spell_complete(const struct speller *, const char *, size_t,
		    struct spell_cand *out);
/* Weighted edit distance in half edits (more than max: max + 1). */
int		 spell_distance(const char *, size_t, const char *, size_t,
		    int max);

/* store_vocab.c - the index's vocabulary (table vocab), for spell.c */
struct vwriter;
struct vwriter	*vwriter_new(void);
void		 vwriter_free(struct vwriter *);
/* A word of the current document: folded, and as written. */
void		 vwriter_word(struct vwriter *, const char *word, size_t len,
		    const char *form, size_t formlen);
void		 vwriter_next_doc(struct vwriter *);
void		 vwriter_discard(struct vwriter *);
/* Add the pending counts to the table, in the caller's transaction. */
int		 vwriter_flush(struct vwriter *, sqlite3 *, char **cause);
/* Register the SQL function the flush needs on a connection. */
int		 vocab_register(sqlite3 *);
/* The vocabulary as a built speller, or NULL with *cause. */
struct speller	*vocab_load(sqlite3 *, char **cause);

/* correct.c - a query with its misspelled words corrected */
struct correction {
	char	*replaced;	/* the query to search instead, or NULL */
	char	*offered;	/* the query to offer, or NULL (both are
				 * the caller's to free) */
};
/* 1 with *out when some word of the query is better corrected, else 0
 * (and *out empty).  A word that matches nothing, close to a word of
 * the index, is replaced; one that matches almost nothing, a name or a
 * word further away is offered. */
int		 query_correct(struct store *, const char *,
		    struct correction *out);

/* similar.c - « Documents proches » */
/* The documents most like id, best first (free with store_links_free;
 * rel "proche"): 1, 0 when id is not in the index, -1. */
int		 similar_docs(struct store *, const char *id, int max,
		    struct store_link **, size_t *, char **cause);

/* synonyms.c - groups of equivalent terms for searching */
struct synonyms;
/* Read a synonyms file (one group a line, terms separated by commas, '#'
 * comments); NULL with "path: line N: reason" in *cause. */
struct synonyms	*synonyms_load(const char *path, char **cause);
struct synonyms	*synonyms_parse(const char *data, size_t len, char **cause);
void		 synonyms_free(struct synonyms *);
size_t		 synonyms_count(const struct synonyms *);	/* groups */
/* The text parsed, to parse again elsewhere (NULL, 0 for none). */
const char	*synonyms_source(const struct synonyms *, size_t *len);
size_t		 synonyms_max_words(const struct synonyms *);
/* The folded term's group as written, the term itself first, then the
 * others, NULL-terminated (free the array only), or NULL when it belongs
 * to none. */
const char	**synonyms_lookup(const struct synonyms *, const char *folded);
/* Term i as written and its group number; NULL past the last term. */
const char	*synonyms_term(const struct synonyms *, size_t i, size_t *group);

/* store_offline.c - the index as a browser searches it offline */
/* The index's version, "epoch-seq" (caller frees), or NULL with *cause. */
char		*store_offline_version(struct store *, char **cause);
/* The offline index as compact JSON (caller frees *out): documents,
 * postings, the word-to-term map, ranking parameters, the synonym groups
 * (syn may be NULL).  At most max bytes: -1 with *cause past it. */
int		 store_offline_build(struct store *, const struct synonyms *,
		    size_t max, char **out, size_t *len, char **cause);

/* query.c - the query language */
enum qnode_kind {
	Q_WORD,		/* a plain word: optional unless all match */
	Q_PHRASE,	/* "a phrase": required */
	Q_PREFIX,	/* coop*: optional like a word */
	Q_ARTICLE,	/* L1115-1: a word, plus first rank for that article */
	Q_OR,		/* a OR b: children, one group counted as one word */
	Q_NOT,		/* -word, -"phrase": excluded */
	Q_FILTER	/* key:value */
};
struct qnode {
	enum qnode_kind	  kind;
	char		 *text;		/* word, phrase, prefix, article ref */
	char		 *key;		/* Q_FILTER key; Q_ARTICLE code or NULL */
	struct qnode	**kids;		/* Q_OR, Q_NOT */
	size_t		  nkids;
	int		  stopword;	/* Q_WORD that is a stopword */
	int		  synonyms;	/* made by query_expand: Q_SYN_GROUP
					 * or Q_SYN_EXTRA */
	size_t		  alias;	/* Q_SYN_EXTRA: counts as the unit
					 * this many nodes before it */
};
#define Q_SYN_GROUP	1	/* a word widened to its group: kids[0] typed */
#define Q_SYN_EXTRA	2	/* the other terms of a run of typed words,
				 * optional: never required, never a unit */
struct query {
	struct qnode	**nodes;	/* top level, implicitly combined */
	size_t		  nnodes;
	char		**notices;	/* French messages for the person */
	size_t		  nnotices;
};
/*
 * Parse what a person typed.  Never fails on any NUL-terminated input: at
 * worst the query is empty (query_is_empty) and a notice says why.  The
 * known filter keys are given (NULL-terminated); an unknown key:value is
 * searched as text with a notice.
 */
struct query	*query_parse(const char *input, const char *const *keys);
void		 query_free(struct query *);
int		 query_is_empty(const struct query *);
/*
 * FTS5 MATCH expressions.  Every term is a quoted FTS5 string, so nothing
 * of the input reaches FTS5's syntax.  all: every significant word and
 * every phrase required (NULL if nothing can be matched); any: at least one
 * of them (NULL likewise).  Exclusions are in both.  Caller frees.
 */
char		*query_fts_all(const struct query *);
char		*query_fts_any(const struct query *);
/* query_fts_any(), and in *units the unit of each of its phrases in order,
 * comma-separated (-1 for excluded ones): savoir_cover's second argument,
 * so that an OR group or a synonym group counts once. */
char		*query_fts_any_units(const struct query *, char **units);
/* Widen each word that belongs to a synonym group into an OR of the group
 * (typed form first); after a run of words that is a term, add the other
 * terms as an optional alternative.  A notice says so.  Quoted phrases are
 * left as typed. */
void		 query_expand(struct query *, const struct synonyms *);
/* The number of significant units (words, prefixes, OR groups, phrases,
 * articles) a document may match: the "coverage" denominator. */
size_t		 query_units(const struct query *);
/* Normalized query back as text, for display and logs. */
char		*query_describe(const struct query *);

/* search.c - running a query */
struct search_opts {
	int	 offset;
	int	 limit;
	int	 budget_ms;	/* 0 = none */
	int	 want_facets;
	int	 want_snippets;
	const char *const *filters;	/* extra key, value pairs; NULL end */
	const struct synonyms *synonyms;	/* or NULL */
	int	 no_correct;	/* search the words as typed, no spelling */
};
struct hit {
	char	*id;
	char	*type;
	char	*title;
	char	*snippet;	/* HTML: escaped text with <mark> */
	/* The same passage as text, its matches between SNIPPET_OPEN and
	 * SNIPPET_CLOSE (what the API gives as text and offsets). */
	char	*snippet_marked;
	char	*breadcrumb;
	double	 score;
	int	 matched;	/* units matched */
};
struct facet_count {
	char	*key;
	char	*value;
	int64_t	 count;
};
struct results {
	int64_t		  total;
	int64_t		  took_us;
	struct hit	 *hits;
	size_t		  nhits;
	struct facet_count *facets;
	size_t		  nfacets;
	char		**notices;	/* French */
	size_t		  nnotices;
	int		  partial;	/* some hits miss some words */
	/* Documents holding every unit of the query (as total when it has
	 * one unit; -1: not counted) and the units: a hit whose matched is
	 * below units misses some words. */
	int64_t		  total_all;
	int		  units;
	int		  timeout;	/* the budget ran out */
	/* Spelling: the query searched instead of the one typed (which
	 * matched nothing as typed), or one to offer; NULL when none. */
	char		 *corrected;
	char		 *suggestion;
};
/* Free what searches kept in the calling thread (call before it exits). */
void	 search_thread_done(void);
/* Run q on the store; -1 with *cause on an internal error (not on a query
 * that matches nothing: that is total == 0 with a notice). */
int	 search_run(struct store *, const char *q, const struct search_opts *,
	    struct results *, char **cause);
void	 results_clear(struct results *);
/* Change ranking parameters ("k1=1.2,wt=10,..."), for bench/relevance's
 * tuning only: process-wide, not thread-safe, never from savoird. */
int	 search_tune(const char *spec, char **cause);
/* Register search_fts.c's FTS5 functions (savoir_rank, savoir_cover,
 * savoir_titlephrase, savoir_tf) on a connection. */
int	 search_register(sqlite3 *);
/* Escape text for HTML and turn the FTS5 markers into <mark>. */
char	*snippet_html(const char *text, size_t len);
/* Set hit's snippet (HTML) and snippet_marked from marked, which is
 * freed. */
void	 snippet_set(struct hit *, char *marked);
#define SNIPPET_OPEN	"\x01"
#define SNIPPET_CLOSE	"\x02"

/* textpack.c - stored text packed (deflated); read with savoir_part() */
unsigned char	*textpack(const char *const *part, const size_t *len, int n,
		    size_t *outlen);
unsigned char	*textpack_dict(const char *const *part, const size_t *len,
		    int n, uint64_t dictid, const unsigned char *dict,
		    size_t dictlen, size_t *outlen);

/* postings.c - the ranked-retrieval index (term lists, segments) */
struct pwriter;
struct pindex;
/* A decoded list: documents in rowid order, their counts per column. */
struct plist {
	int64_t		*doc;
	uint32_t	(*tf)[3];
	uint32_t	*first;		/* 1 + first body position, or 0 */
	size_t		 n, cap;
};
struct pwriter	*pwriter_new(sqlite3 *);
void		 pwriter_free(struct pwriter *);
int		 pwriter_begin(struct pwriter *, int64_t rowid, char **cause);
void		 pwriter_end(struct pwriter *, double weight);
void		 pwriter_abort_doc(struct pwriter *);
void		 pwriter_discard(struct pwriter *);
int		 pwriter_pending(const struct pwriter *);
int		 pwriter_should_flush(const struct pwriter *);
int		 pwriter_flush(struct pwriter *, char **cause);
/* all: 1 merges every segment into one, 2 also rewrites a single one. */
int		 postings_merge(sqlite3 *, int all, char **cause);
/* End of a run: merge everything when that is cheap or pays. */
int		 postings_optimize(sqlite3 *, char **cause);
double		 postings_norm_length(uint8_t);
struct pindex	*pindex_new(sqlite3 *);
void		 pindex_free(struct pindex *);
int		 pindex_refresh(struct pindex *);
int64_t		 pindex_ndocs(const struct pindex *);
const struct speller *pindex_speller(struct pindex *);
int64_t		 pindex_df(struct pindex *, const char *term, size_t len);
int64_t		 pindex_maxdoc(const struct pindex *);
double		 pindex_avg(const struct pindex *, int col);
const uint8_t	*pindex_norms(const struct pindex *, int64_t doc);
int		 pindex_list(struct pindex *, const char *term, size_t len,
		    struct plist *);
void		 plist_push(struct plist *, int64_t doc, uint32_t t0,
		    uint32_t t1, uint32_t t2, uint32_t first);
void		 plist_free(struct plist *);
/*
 * A cursor over a term's live documents in rowid order, decoded a block at
 * a time from a copy of the term's compressed lists (pcursor_open), or
 * over a list already decoded (pcursor_plist, which must outlive it).  df
 * is the number of documents the lists hold, tombstoned ones included (as
 * Lucene counts them until a merge).  pcursor_step moves to the next
 * document (the first, on a new cursor): 1, 0 at the end, -1 on a corrupt
 * list; the document is then doc[i], its counts tf[i], its first body
 * position first[i].
 */
#define PCURSOR_BLOCK	128
struct pcursor {
	const int64_t		*doc;
	const uint32_t		(*tf)[3];
	const uint32_t		*first;
	size_t			 i, n;		/* in the block */
	int64_t			 df;
	/* private */
	const struct pindex	*pi;
	unsigned char		*buf;
	size_t			 len, off;
	size_t			*segend;
	size_t			 nseg, seg;
	int64_t			 base;
	int			 started, list;
	int			 on;		/* stands on a document (its
						 * owner's to keep) */
	struct pcursor		*kids;		/* a union's */
	size_t			 nkids;
	int64_t			 bdoc[PCURSOR_BLOCK];
	uint32_t		 btf[PCURSOR_BLOCK][3];
	uint32_t		 bfirst[PCURSOR_BLOCK];
};
int		 pcursor_open(struct pindex *, const char *term, size_t len,
		    struct pcursor *);
void		 pcursor_plist(struct pcursor *, const struct plist *);
/* The union of n cursors (opened, not stepped; taken over and closed with
 * it): a document in several keeps, per column, the largest count and the
 * smallest first position (colocated variants of one word).  Its df is
 * the union's, counted by a first pass, or known from an earlier union
 * of the same key (its terms, as the caller names them) in the same state
 * of the index.  0, or -1 on a corrupt list. */
int		 pcursor_union(struct pcursor *, struct pcursor *kids,
		    size_t n, const char *key);
int		 pcursor_fill(struct pcursor *);
void		 pcursor_close(struct pcursor *);

static inline int
pcursor_step(struct pcursor *c)
{
	if (c->started && c->i + 1 < c->n) {
		c->i++;
		return 1;
	}
	return pcursor_fill(c);
}
/* The facets of every document, by key and value id (keys shown as
 * facets only); NULL on an error.  Owned by the pindex. */
struct pfacets;
struct pfacets	*pindex_facets(struct pindex *);
size_t		 pfacets_nkeys(const struct pfacets *);
const char	*pfacets_key(const struct pfacets *, size_t k);
int		 pfacets_find(const struct pfacets *, const char *key);
size_t		 pfacets_nids(const struct pfacets *, size_t k);
const char	*pfacets_value(const struct pfacets *, size_t k, uint32_t id);
const char	*pfacets_norm(const struct pfacets *, size_t k, uint32_t id);
const uint32_t	*pfacets_doc(const struct pfacets *, size_t k, int64_t doc,
		    size_t *n);
uint32_t	*pfacets_counts(struct pfacets *, size_t k);
void		 pfacets_thread_done(void);	/* frees the thread's counters */
const uint32_t	*pfacets_single(const struct pfacets *, size_t k);
int		 pindex_tokenize(struct pindex *, const char *text, size_t len,
		    int mode, int (*cb)(void *, int pos, const char *term,
		    int len, int start, int end), void *arg);

/* store_read.c (continued) */
/* cb(id, path, arg) for each source under root (the indexer's sweep of
 * files gone).  0, or -1 with *cause. */
int	 store_sources_each(struct store *, const char *root,
	    void (*cb)(int64_t id, const char *path, void *), void *,
	    char **cause);

/* autolink.c - web addresses written out in running text */
/* The next http(s) address in text[*pos..len): 1 and its span, or 0. */
int	 autolink_next(const char *text, size_t len, size_t *pos,
	    size_t *start, size_t *end);
/* The part of a long address a page shows (its host): length, offset. */
size_t	 autolink_label(const char *url, size_t n, size_t *off,
	    int *ellipsis);
int	 autolink_whole(const char *s, size_t n);

#endif /* SAVOIR_H */
