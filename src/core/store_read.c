/*
 * store_read.c - the index's read queries for the CLI and the daemon: one
 * document and its fields, its links both ways, the content types, the
 * counts of savoir stats, the change feed, suggestions and the highlighted
 * body the document page cuts passages from.  Nothing outside the core
 * holds an SQL statement: this file owns those statements and the rule
 * that goes with them, that a loop over rows ends on SQLITE_DONE or is an
 * error (-1 with a cause), so a caller never mistakes a failed read (a busy
 * or corrupt file) for a short list.
 *
 * Statements are the store's cached ones (store_stmt); every row is copied
 * out before the next statement runs, and every statement is reset before
 * returning, so none holds a read transaction open behind its caller.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "store_int.h"

/* A column as an allocated string; NULL stays NULL. */
static char *
col_dup(sqlite3_stmt *stmt, int i)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, i);

	return s != NULL ? xstrdup(s) : NULL;
}

/* A column as an allocated string, "" for NULL. */
static char *
col_str(sqlite3_stmt *stmt, int i)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, i);

	return xstrdup(s != NULL ? s : "");
}

/* The statement, or -1 with the reason. */
static sqlite3_stmt *
read_stmt(struct store *st, const char *sql, const char *what, char **cause)
{
	sqlite3_stmt	*stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		xasprintf(cause, "%s: %s", what, sqlite3_errmsg(store_db(st)));
	return stmt;
}

/* How a loop over rows ended: -1 with the reason unless it was DONE. */
static int
read_end(struct store *st, sqlite3_stmt *stmt, int rc, const char *what,
    char **cause)
{
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "%s: %s", what, rc == SQLITE_INTERRUPT ?
		    "interrupted" : sqlite3_errmsg(store_db(st)));
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	return 0;
}

/*
 * Every row of stmt into a new array of size-byte elements, each filled
 * by fill: the array (NULL when no row) into *v and its length into *n
 * even on failure, for the caller's _free.  0 at DONE; with intr, 1 when
 * the store's deadline stopped the statement; else -1 with the reason.
 */
static int
read_rows(struct store *st, sqlite3_stmt *stmt, const char *what, int intr,
    size_t size, void (*fill)(sqlite3_stmt *, void *), void **v, size_t *n,
    char **cause)
{
	size_t	 cap = 0;
	char	*p;
	int	 rc;

	*v = NULL;
	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			*v = xreallocarray(*v, cap, size);
		}
		p = (char *)*v + (*n)++ * size;
		memset(p, 0, size);
		fill(stmt, p);
	}
	if (rc == SQLITE_INTERRUPT && intr) {
		sqlite3_reset(stmt);
		return 1;
	}
	return read_end(st, stmt, rc, what, cause);
}

/* A single count(*)-like row. */
static int
read_int(struct store *st, const char *sql, const char *what, int64_t *out,
    char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = read_stmt(st, sql, what, cause)) == NULL)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	return read_end(st, stmt, rc, what, cause);
}

int
store_doc(struct store *st, const char *id, int flags, struct store_doc **out,
    char **cause)
{
	static const char sql[] = "SELECT d.rowid, d.id, d.type, "
	    "coalesce(t.label, d.type), d.title, savoir_part(d.text, 4), "
	    "savoir_part(d.text, 3), s.path, "
	    "d.seq, coalesce(t.label, d.type) || coalesce(' › ' || (SELECT "
	    "value FROM facets f WHERE f.doc = d.rowid AND +f.key IN ('code', "
	    "'module') ORDER BY f.key LIMIT 1), ''), CASE WHEN ?2 THEN "
	    "(SELECT body FROM fts WHERE fts.rowid = d.rowid) END, "
	    "CASE WHEN s.plugin = 'savoir-sync' THEN s.root END FROM docs d "
	    "JOIN sources s ON s.id = d.source "
	    "LEFT JOIN types t ON t.name = d.type WHERE d.id = ?1";
	sqlite3_stmt	*stmt;
	struct store_doc *d = NULL;
	int		 rc;

	*out = NULL;
	if ((stmt = read_stmt(st, sql, "document", cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, (flags & STORE_DOC_TEXT) != 0);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		d = xcalloc(1, sizeof *d);
		d->rowid = sqlite3_column_int64(stmt, 0);
		d->id = col_str(stmt, 1);
		d->type = col_str(stmt, 2);
		d->type_label = col_str(stmt, 3);
		d->title = col_str(stmt, 4);
		d->meta = col_str(stmt, 5);
		d->html = col_str(stmt, 6);
		d->source = col_str(stmt, 7);
		d->seq = sqlite3_column_int64(stmt, 8);
		d->breadcrumb = col_str(stmt, 9);
		if (flags & STORE_DOC_TEXT)
			d->text = col_str(stmt, 10);
		d->origin = col_dup(stmt, 11);
		rc = sqlite3_step(stmt);	/* ids are unique: DONE */
	}
	if (read_end(st, stmt, rc, "document", cause) == -1) {
		store_doc_free(d);
		return -1;
	}
	*out = d;
	return d != NULL;
}

void
store_doc_free(struct store_doc *d)
{
	if (d == NULL)
		return;
	free(d->id);
	free(d->type);
	free(d->type_label);
	free(d->title);
	free(d->breadcrumb);
	free(d->meta);
	free(d->html);
	free(d->text);
	free(d->source);
	free(d->origin);
	free(d);
}

/* A row (id, title, label, rel, type, exists) as a link. */
static void
read_link(sqlite3_stmt *stmt, void *p)
{
	struct store_link	*l = p;

	l->id = col_str(stmt, 0);
	l->title = col_dup(stmt, 1);
	l->label = col_dup(stmt, 2);
	l->rel = col_str(stmt, 3);
	l->type = col_dup(stmt, 4);
	l->exists = sqlite3_column_int(stmt, 5);
}

/* The rows as links; with intr, 1 (and the rows read) when the deadline
 * stopped the statement. */
static int
read_links(struct store *st, sqlite3_stmt *stmt, const char *what, int intr,
    struct store_link **out, size_t *nout, char **cause)
{
	void	*v;
	int	 rc;

	rc = read_rows(st, stmt, what, intr, sizeof **out, read_link, &v,
	    nout, cause);
	*out = v;
	if (rc == -1) {
		store_links_free(*out, *nout);
		*out = NULL;
		*nout = 0;
	}
	return rc;
}

int
store_links(struct store *st, int64_t rowid, struct store_link **out,
    size_t *n, char **cause)
{
	/* A "ref:loi/2014-773" target is the document holding that text,
	 * the first by id; while the index has none, the link is not shown
	 * (it appears when such a document is indexed). */
	static const char sql[] = "SELECT coalesce(d.id, l.target), d.title, "
	    "l.label, l.rel, d.type, d.id IS NOT NULL FROM links l LEFT JOIN "
	    "docs d ON d.rowid = CASE WHEN l.target GLOB 'ref:*' THEN (SELECT "
	    "r.doc FROM refs r JOIN docs x ON x.rowid = r.doc WHERE r.key = "
	    "substr(l.target, 5) ORDER BY x.id LIMIT 1) ELSE (SELECT rowid "
	    "FROM docs WHERE id = l.target) END WHERE l.src = ? AND NOT "
	    "(d.id IS NULL AND l.target GLOB 'ref:*') ORDER BY l.rel, l.target";
	sqlite3_stmt	*stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = read_stmt(st, sql, "links", cause)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, rowid);
	return read_links(st, stmt, "links", 0, out, n, cause);
}

int
store_cited_by(struct store *st, const char *id, int each_once, int max,
    struct store_link **out, size_t *n, char **cause)
{
	/* Links to id, and to the texts it holds ("ref:loi/2014-773"). */
	static const char all_sql[] = "SELECT d.id, d.title, l.label, l.rel, "
	    "d.type, 1 FROM links l JOIN docs d ON d.rowid = l.src "
	    "WHERE l.target = ?1 OR l.target IN (SELECT 'ref:' || r.key "
	    "FROM refs r JOIN docs x ON x.rowid = r.doc WHERE x.id = ?1) "
	    "ORDER BY d.type, d.title, d.id LIMIT ?2";
	static const char once_sql[] = "SELECT d.id, d.title, l.label, "
	    "l.rel, d.type, 1 FROM links l JOIN docs d ON d.rowid = l.src "
	    "WHERE l.target = ?1 OR l.target IN (SELECT 'ref:' || r.key "
	    "FROM refs r JOIN docs x ON x.rowid = r.doc WHERE x.id = ?1) "
	    "GROUP BY d.rowid ORDER BY d.type, d.title, d.id LIMIT ?2";
	sqlite3_stmt	*stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = read_stmt(st, each_once ? once_sql : all_sql, "cited by",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, max > 0 ? max : -1);
	return read_links(st, stmt, "cited by", 0, out, n, cause);
}

void
store_links_free(struct store_link *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].title);
		free(v[i].label);
		free(v[i].rel);
		free(v[i].type);
	}
	free(v);
}

/* A row (name, label, label_plural, facets, count) as a type. */
static void
read_type(sqlite3_stmt *stmt, void *p)
{
	struct store_type	*t = p;

	t->name = col_str(stmt, 0);
	t->label = col_str(stmt, 1);
	t->label_plural = col_str(stmt, 2);
	t->facets = col_str(stmt, 3);
	t->count = sqlite3_column_int64(stmt, 4);
}

static int
read_types(struct store *st, const char *sql, struct store_type **out,
    size_t *nout, char **cause)
{
	sqlite3_stmt	*stmt;
	void		*v;

	*out = NULL;
	*nout = 0;
	if ((stmt = read_stmt(st, sql, "types", cause)) == NULL)
		return -1;
	if (read_rows(st, stmt, "types", 0, sizeof **out, read_type, &v, nout,
	    cause) == -1) {
		store_types_free(v, *nout);
		*nout = 0;
		return -1;
	}
	*out = v;
	return 0;
}

int
store_types(struct store *st, int counts, struct store_type **out,
    size_t *n, char **cause)
{
	/* Types with documents but no declaration (a plugin since removed)
	 * are listed too, under their name. */
	static const char sql[] = "SELECT t.name, t.label, t.label_plural, "
	    "t.facets, (SELECT count(*) FROM docs d WHERE d.type = t.name) "
	    "FROM types t UNION ALL SELECT d.type, d.type, d.type, '[]', "
	    "count(*) FROM docs d WHERE d.type NOT IN (SELECT name FROM "
	    "types) GROUP BY d.type ORDER BY 2";
	static const char decl_sql[] = "SELECT name, label, label_plural, "
	    "facets, 0 FROM types ORDER BY label";

	return read_types(st, counts ? sql : decl_sql, out, n, cause);
}

int
store_type_counts(struct store *st, int by_count, struct store_type **out,
    size_t *n, char **cause)
{
	static const char name_sql[] = "SELECT d.type, coalesce(t.label, "
	    "d.type), coalesce(t.label_plural, d.type), '[]', count(*) "
	    "FROM docs d LEFT JOIN types t ON t.name = d.type "
	    "GROUP BY d.type ORDER BY d.type";
	static const char count_sql[] = "SELECT d.type, coalesce(t.label, "
	    "d.type), coalesce(t.label_plural, d.type), '[]', count(*) "
	    "FROM docs d LEFT JOIN types t ON t.name = d.type "
	    "GROUP BY d.type ORDER BY count(*) DESC";

	return read_types(st, by_count ? count_sql : name_sql, out, n, cause);
}

void
store_types_free(struct store_type *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].label);
		free(v[i].label_plural);
		free(v[i].facets);
	}
	free(v);
}

int
store_type_label(struct store *st, const char *type, char **label,
    char **cause)
{
	static const char sql[] = "SELECT label FROM types WHERE name = ?";
	sqlite3_stmt	*stmt;
	int		 rc;

	*label = NULL;
	if ((stmt = read_stmt(st, sql, "type label", cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*label = col_dup(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	if (read_end(st, stmt, rc, "type label", cause) == -1) {
		free(*label);
		*label = NULL;
		return -1;
	}
	return 0;
}

int
store_stats(struct store *st, struct store_stats *s, char **cause)
{
	static const char docs_sql[] = "SELECT count(*) FROM docs";
	static const char src_sql[] = "SELECT count(*), count(error), "
	    "(SELECT count(*) FROM links) FROM sources";
	sqlite3_stmt	*stmt;
	int		 rc;

	memset(s, 0, sizeof *s);
	if (read_int(st, docs_sql, "stats", &s->docs, cause) == -1)
		return -1;
	if ((stmt = read_stmt(st, src_sql, "stats", cause)) == NULL)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		s->sources = sqlite3_column_int64(stmt, 0);
		s->failed = sqlite3_column_int64(stmt, 1);
		s->links = sqlite3_column_int64(stmt, 2);
		rc = sqlite3_step(stmt);
	}
	return read_end(st, stmt, rc, "stats", cause);
}

/* What a change owns. */
static void
change_clear(struct store_change *c)
{
	free(c->id);
	free(c->op);
}

/* A row (seq, doc, op, at) as a change. */
static void
read_change(sqlite3_stmt *stmt, void *p)
{
	struct store_change	*c = p;

	c->seq = sqlite3_column_int64(stmt, 0);
	c->id = col_str(stmt, 1);
	c->op = col_str(stmt, 2);
	c->at = sqlite3_column_int64(stmt, 3);
}

int
store_changes(struct store *st, int64_t since, int64_t limit,
    struct store_feed *f, char **cause)
{
	static const char sql[] = "SELECT seq, doc, op, at FROM changes "
	    "WHERE seq > ? ORDER BY seq LIMIT ?";
	static const char max_sql[] = "SELECT coalesce(max(seq), 0) FROM "
	    "changes";
	sqlite3_stmt	*stmt;
	void		*v;
	int		 rc;

	memset(f, 0, sizeof *f);
	if ((stmt = read_stmt(st, sql, "changes", cause)) == NULL)
		return -1;
	/* One row more than asked says whether there are more. */
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, limit + 1);
	rc = read_rows(st, stmt, "changes", 0, sizeof *f->v, read_change, &v,
	    &f->n, cause);
	f->v = v;
	if (rc == -1 ||
	    read_int(st, max_sql, "changes", &f->last, cause) == -1) {
		store_feed_clear(f);
		return -1;
	}
	if (limit >= 0 && (int64_t)f->n > limit) {
		f->more = 1;
		change_clear(&f->v[--f->n]);
	}
	return 0;
}

void
store_feed_clear(struct store_feed *f)
{
	if (f == NULL)
		return;
	while (f->n > 0)
		change_clear(&f->v[--f->n]);
	free(f->v);
	memset(f, 0, sizeof *f);
}

int
store_suggest_words(struct store *st, const char *expr, int max,
    void (*cb)(const char *, const char *, void *), void *arg, char **cause)
{
	static const char sql[] = "SELECT title, headings FROM fts "
	    "WHERE fts MATCH ? LIMIT ?";
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = read_stmt(st, sql, "suggestions", cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1), arg);
	if (rc == SQLITE_INTERRUPT) {
		sqlite3_reset(stmt);
		return 1;
	}
	return read_end(st, stmt, rc, "suggestions", cause);
}

int
store_suggest_titles(struct store *st, const char *expr, int max,
    int ranked, struct store_link **out, size_t *n, char **cause)
{
	static const char ranked_sql[] = "SELECT d.id, d.title, NULL, '', "
	    "d.type, 1 FROM fts JOIN docs d ON d.rowid = fts.rowid "
	    "WHERE fts MATCH ? ORDER BY bm25(fts, 10.0, 4.0, 1.0) LIMIT ?";
	static const char plain_sql[] = "SELECT d.id, d.title, NULL, '', "
	    "d.type, 1 FROM fts JOIN docs d ON d.rowid = fts.rowid "
	    "WHERE fts MATCH ? LIMIT ?";
	sqlite3_stmt	*stmt;

	*out = NULL;
	*n = 0;
	if ((stmt = read_stmt(st, ranked ? ranked_sql : plain_sql, "titles",
	    cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, max);
	return read_links(st, stmt, "titles", 1, out, n, cause);
}

int
store_highlight(struct store *st, const char *expr, const char *id,
    char **text, size_t *len, char **cause)
{
	static const char sql[] = "SELECT highlight(fts, 2, '\x01', '\x02') "
	    "FROM fts WHERE fts MATCH ? AND rowid = (SELECT rowid FROM docs "
	    "WHERE id = ?)";
	sqlite3_stmt	*stmt;
	const char	*s;
	int		 rc;

	*text = NULL;
	*len = 0;
	if ((stmt = read_stmt(st, sql, "highlight", cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((s = (const char *)sqlite3_column_text(stmt, 0)) != NULL) {
			*len = (size_t)sqlite3_column_bytes(stmt, 0);
			*text = xmalloc(*len + 1);
			memcpy(*text, s, *len + 1);
		}
		rc = sqlite3_step(stmt);
	}
	if (rc == SQLITE_INTERRUPT) {
		/* The page's time budget ran out: no passages, by design. */
		sqlite3_reset(stmt);
		free(*text);
		*text = NULL;
		*len = 0;
		return 0;
	}
	if (read_end(st, stmt, rc, "highlight", cause) == -1) {
		free(*text);
		*text = NULL;
		*len = 0;
		return -1;
	}
	return *text != NULL;
}

int
store_sources_each(struct store *st, const char *root,
    void (*cb)(int64_t, const char *, void *), void *arg, char **cause)
{
	static const char sql[] = "SELECT id, path FROM sources "
	    "WHERE root = ?";
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = read_stmt(st, sql, "sources", cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, root, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		cb(sqlite3_column_int64(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1), arg);
	return read_end(st, stmt, rc, "sources", cause);
}

/*
 * Every value of facet key on the documents of type, with the number of
 * documents holding it, by decreasing count then value: the whole list,
 * where a search's facets keep the top SEARCH_FACET_TOP (the partnership
 * charts of savoird draw them all).  Values are grouped as the filters
 * match them, by their folded form; the first spelling stands for them.
 */
int
store_facet_counts(struct store *st, const char *type, const char *key,
    struct facet_count **out, size_t *n, char **cause)
{
	static const char sql[] = "SELECT min(f.value), count(DISTINCT "
	    "f.doc) AS c FROM facets f JOIN docs d ON d.rowid = f.doc "
	    "WHERE d.type = ? AND f.key = ? GROUP BY f.norm "
	    "ORDER BY c DESC, min(f.value)";
	sqlite3_stmt	*stmt;
	size_t		 cap = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((stmt = read_stmt(st, sql, "facet counts", cause)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[*n].key = xstrdup(key);
		(*out)[*n].value = col_str(stmt, 0);
		(*out)[*n].count = sqlite3_column_int64(stmt, 1);
		(*n)++;
	}
	if (read_end(st, stmt, rc, "facet counts", cause) == -1) {
		store_facet_counts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
store_facet_counts_free(struct facet_count *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}
