/*
 * store_copy.c - the index as one file carried elsewhere: the SQLite side
 * of savoir export and savoir import (a compact snapshot with VACUUM INTO,
 * a file out of WAL mode, whole-database copies with the backup API).  The
 * order of the steps, the checks between them and the renames are the
 * CLI's (cmd_export.c); this file only keeps SQLite calls in the core.
 */
#include "config.h"

#include <stdlib.h>

#include "savoir.h"
#include "store_int.h"

int
store_count_docs(struct store *st, int64_t *n, char **cause)
{
	static const char sql[] = "SELECT count(*) FROM docs";
	sqlite3_stmt	*stmt;
	int		 rc;

	*n = -1;
	if ((stmt = store_stmt(st, sql)) == NULL) {
		xasprintf(cause, "%s", sqlite3_errmsg(store_db(st)));
		return -1;
	}
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "%s", sqlite3_errmsg(store_db(st)));
		sqlite3_reset(stmt);
		*n = -1;
		return -1;
	}
	sqlite3_reset(stmt);
	return 0;
}

int
store_vacuum_into(struct store *st, const char *path, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	/* Not cached: it runs once per process. */
	rc = sqlite3_prepare_v2(store_db(st), "VACUUM INTO ?", -1, &stmt,
	    NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
	}
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "%s", sqlite3_errmsg(store_db(st)));
		return -1;
	}
	return 0;
}

int
store_leave_wal(const char *path, char **cause)
{
	sqlite3	*db = NULL;
	int	 rc;

	if ((rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL)) ==
	    SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL,
		    NULL, NULL);
	if (rc != SQLITE_OK)
		xasprintf(cause, "%s", db != NULL ? sqlite3_errmsg(db) :
		    sqlite3_errstr(rc));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Copy the database src into the open connection dst ("main"). */
static int
backup_into(sqlite3 *dst, sqlite3 *src)
{
	sqlite3_backup	*b;
	int		 rc;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		return sqlite3_errcode(dst);
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
store_copy_file(const char *from, const char *to, char **cause)
{
	sqlite3	*src = NULL, *dst = NULL;
	int	 rc;

	rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = backup_into(dst, src);
	if (rc != SQLITE_OK)
		xasprintf(cause, "%s", rc == SQLITE_NOTADB ? "not a Savoir "
		    "index (not even an SQLite database)" : sqlite3_errstr(rc));
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : -1;
}

int
store_replace(struct store *st, const char *from, char **cause)
{
	sqlite3	*src = NULL;
	int	 rc;

	if ((rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL)) ==
	    SQLITE_OK)
		rc = backup_into(store_db(st), src);
	if (rc != SQLITE_OK)
		xasprintf(cause, "%s%s", sqlite3_errstr(rc),
		    rc == SQLITE_READONLY ? " (the two files have different "
		    "page sizes: import into a new index file)" : "");
	sqlite3_close(src);
	return rc == SQLITE_OK ? 0 : -1;
}
