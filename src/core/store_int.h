/*
 * store_int.h - what the core shares about the store's connection and
 * nothing else sees: the raw SQLite handle and the statement cache.  The
 * CLI and the daemon read the index only through the functions of
 * savoir.h (store_read.c and store_copy.c); the indexer, which writes,
 * and the unit tests, which break an index on purpose, include this too.
 */
#ifndef SAVOIR_STORE_INT_H
#define SAVOIR_STORE_INT_H

#include <sqlite3.h>

struct store;

sqlite3		*store_db(struct store *);
/* A prepared statement cached on the store (finalized by store_close). */
sqlite3_stmt	*store_stmt(struct store *, const char *sql);

#endif /* SAVOIR_STORE_INT_H */
