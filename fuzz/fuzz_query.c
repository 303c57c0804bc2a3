/*
 * fuzz_query.c - libFuzzer: any input to the query parser gives a query
 * whose FTS5 expressions FTS5 accepts (no syntax error can come from what a
 * person typed), with and without synonyms, and the ranking functions run
 * on them with their unit map.  The same bytes are also read as a synonyms
 * file, which must be accepted or refused, never crash.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static sqlite3	*db;

static struct synonyms	*syn;

static void
try_match(const char *expr)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (expr == NULL)
		return;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?",
	    -1, &stmt, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		fprintf(stderr, "%s: %s\n", expr, sqlite3_errmsg(db));
		abort();	/* a syntax error reached FTS5 */
	}
	sqlite3_finalize(stmt);
}

/* The expression with its unit map, through the ranking functions. */
static void
try_rank(const char *expr, const char *units)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (expr == NULL)
		return;
	if (sqlite3_prepare_v2(db, "SELECT savoir_cover(t, ?1), "
	    "savoir_rank(t, ?1), savoir_titlephrase(t, ?1) FROM t WHERE t "
	    "MATCH ?2", -1, &stmt, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text(stmt, 1, units, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "%s (%s): %s\n", expr, units,
		    sqlite3_errmsg(db));
		abort();
	}
	sqlite3_finalize(stmt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const keys[] = { "type", "pays", "annee", NULL };
	static const char groups[] = "AECT, action extérieure des "
	    "collectivités territoriales, action extérieure\n"
	    "jumelage, pacte d'amitié, jumelage-coopération\nle, la\n";
	struct query	*q;
	struct synonyms	*other;
	char		*s, *all, *any, *units, *cause = NULL;

	if (db == NULL) {
		sqlite3_open(":memory:", &db);
		tokenizer_fr_register(db);
		/* The index's three columns: the ranking functions read
		 * each one's length (a one-column table failed them all). */
		if (sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5("
		    "title, headings, body, tokenize = 'savoir_fr'); "
		    "INSERT INTO t VALUES ('Coopération décentralisée', "
		    "'Article L1115-1', 'La coopération décentralisée, "
		    "article L1115-1 du CGCT.'), ('AECT', 'Jumelage', "
		    "'Action extérieure des collectivités territoriales "
		    "(AECT) : le jumelage, un pacte d''amitié.')",
		    NULL, NULL, NULL) != SQLITE_OK)
			abort();
		search_register(db);
		syn = synonyms_parse(groups, sizeof groups - 1, &cause);
		free(cause);
	}
	if ((other = synonyms_parse((const char *)data, len, &cause)) ==
	    NULL && cause == NULL)
		abort();	/* refused without a reason */
	synonyms_free(other);
	free(cause);
	s = xstrndup((const char *)data, len);	/* stops at a NUL */
	q = query_parse(s, keys);
	all = query_fts_all(q);
	any = query_fts_any(q);
	try_match(all);
	try_match(any);
	free(all);
	free(any);
	free(query_describe(q));
	query_expand(q, syn);
	any = query_fts_any_units(q, &units);
	try_match(any);
	try_rank(any, units);
	free(any);
	free(units);
	any = query_fts_all(q);
	try_match(any);
	free(any);
	free(query_describe(q));
	query_free(q);
	free(s);
	return 0;
}
