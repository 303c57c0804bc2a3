/*
 * fuzz_tokenizer.c - libFuzzer: the savoir_fr tokenizer on any bytes, with
 * highlight() checked to return the text it was given, markers aside.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static sqlite3	*db;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	sqlite3_stmt	*stmt;

	if (db == NULL) {
		sqlite3_open(":memory:", &db);
		tokenizer_fr_register(db);
		sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a, "
		    "tokenize = 'savoir_fr')", NULL, NULL, NULL);
	}
	sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?)", -1, &stmt,
	    NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text(stmt, 1, (const char *)data, (int)len,
	    SQLITE_STATIC);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	free(fr_fold((const char *)data, len));
	if (sqlite3_exec(db, "INSERT INTO t(t) VALUES ('integrity-check')",
	    NULL, NULL, NULL) != SQLITE_OK)
		abort();
	return 0;
}
