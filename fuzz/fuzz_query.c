/*
 * fuzz_query.c - libFuzzer: any input to the query parser gives a query
 * whose FTS5 expressions FTS5 accepts (no syntax error can come from what a
 * person typed).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static sqlite3	*db;

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
	if (rc != SQLITE_ROW)
		abort();	/* a syntax error reached FTS5 */
	sqlite3_finalize(stmt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const keys[] = { "type", "pays", "annee", NULL };
	struct query	*q;
	char		*s, *all, *any;

	if (db == NULL) {
		sqlite3_open(":memory:", &db);
		tokenizer_fr_register(db);
		sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a, "
		    "tokenize = 'savoir_fr'); INSERT INTO t VALUES ('La "
		    "coopération décentralisée, article L1115-1 du CGCT.')",
		    NULL, NULL, NULL);
	}
	s = xstrndup((const char *)data, len);	/* stops at a NUL */
	q = query_parse(s, keys);
	all = query_fts_all(q);
	any = query_fts_any(q);
	try_match(all);
	try_match(any);
	free(all);
	free(any);
	free(query_describe(q));
	query_free(q);
	free(s);
	return 0;
}
