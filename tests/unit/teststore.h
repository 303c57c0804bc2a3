/*
 * teststore.h - the set-up shared by the unit tests that work on a real
 * index file (test_store.c, test_indexer.c, test_vocab.c): a scratch
 * directory holding a new index and an empty tree to index, made before
 * each test and removed after it; documents written straight to the
 * index; one-value SQL queries.
 */
#ifndef TESTSTORE_H
#define TESTSTORE_H

#include "testutil.h"
#include "index.h"
#include "store_int.h"

struct scratch {
	char		*dir;
	char		 path[PATH_MAX];	/* dir/kb.db, open as st */
	char		 tree[PATH_MAX];	/* dir/tree, empty */
	struct store	*st;
};

/* cmocka set-up: *state becomes a struct scratch. */
static inline int
scratch_setup(void **state)
{
	struct scratch	*sc;
	char		*cause = NULL;

	if ((sc = calloc(1, sizeof *sc)) == NULL)
		abort();
	sc->dir = t_mkdtemp();
	snprintf(sc->path, sizeof sc->path, "%s/kb.db", sc->dir);
	snprintf(sc->tree, sizeof sc->tree, "%s/tree", sc->dir);
	if (mkdir(sc->tree, 0755) == -1)
		abort();
	if ((sc->st = store_open(sc->path, STORE_CREATE, &cause)) == NULL) {
		fprintf(stderr, "store_open: %s\n", cause);
		abort();
	}
	*state = sc;
	return 0;
}

static inline int
scratch_teardown(void **state)
{
	struct scratch	*sc = *state;

	store_close(sc->st);
	t_rmdtemp(sc->dir);
	free(sc);
	return 0;
}

/* A document of type with a title and a body; caller frees it. */
static inline struct xdoc *
t_mkdoc(const char *id, const char *type, const char *title,
    const char *body)
{
	struct xdoc	*d = xdoc_new(id, type);

	buf_adds(&d->text[SAVOIR_COL_TITLE], title);
	buf_adds(&d->text[SAVOIR_COL_BODY], body);
	d->html = xstrdup("<p>x</p>");
	return d;
}

/* Write docs as the documents of the file at path, in one transaction. */
static inline void
t_put(struct store *st, const char *path, struct xdoc **docs, size_t n)
{
	struct source	 src;
	struct xfile	 xf;
	char		*cause = NULL;

	memset(&src, 0, sizeof src);
	memset(&xf, 0, sizeof xf);
	src.size = 1;
	snprintf(src.hash, sizeof src.hash, "%s", path);
	xf.docs = docs;
	xf.ndocs = n;
	assert_int_equal(store_begin(st), 0);
	if (store_put_file(st, "/root", path, &src, &xf, &cause) != 0)
		fail_msg("store_put_file %s: %s", path, cause);
	assert_int_equal(store_commit(st), 0);
}

/* The first row of sql, stepped; 0 if there is none. */
static inline int
t_row(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(store_db(st), sql, -1, stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(st)));
	return sqlite3_step(*stmt) == SQLITE_ROW;
}

/* The first column of the first row of sql, -1 if there is no row. */
static inline int64_t
scalar(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int64_t		 v = -1;

	if (t_row(st, sql, &stmt))
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* The first column of the first row of sql as text, NULL if there is no
 * row; caller frees it. */
static inline char *
scalar_text(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	char		*v = NULL;

	if (t_row(st, sql, &stmt))
		v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v;
}

#endif /* TESTSTORE_H */
