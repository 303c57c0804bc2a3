/*
 * teststore.h - the set-up shared by the unit tests that work on a real
 * index file (test_store.c, test_indexer.c): a scratch directory holding
 * a new index and an empty tree to index, made before each test and
 * removed after it, and a one-number SQL query.
 */
#ifndef TESTSTORE_H
#define TESTSTORE_H

#include "testutil.h"
#include "index.h"
#include "store_int.h"

struct scratch {
	char		*dir;
	char		*path;	/* dir/kb.db, open as st */
	char		*tree;	/* dir/tree, empty */
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
	sc->path = xsprintf("%s/kb.db", sc->dir);
	sc->tree = xsprintf("%s/tree", sc->dir);
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
	t_rmrf(sc->dir);
	free(sc->dir);
	free(sc->path);
	free(sc->tree);
	free(sc);
	return 0;
}

/* The first column of the first row of sql, -1 if there is no row. */
static inline int64_t
scalar(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

#endif /* TESTSTORE_H */
