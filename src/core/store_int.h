/*
 * store_int.h - what the core shares about the store's connection and
 * nothing else sees: the raw SQLite handle, the statement cache and, for
 * the store's own files, the connection's fields.  The
 * CLI and the daemon read the index only through the functions of
 * savoir.h (store_read.c and store_copy.c); the indexer, which writes,
 * and the unit tests, which break an index on purpose, include this too.
 */
#ifndef SAVOIR_STORE_INT_H
#define SAVOIR_STORE_INT_H

#include <sqlite3.h>

#include "savoir.h"

/*
 * The connection.  Only the store's own files (store.c: opening, schema,
 * transactions, statement cache; store_write.c: what the writer puts in)
 * look inside; everything else goes through the functions below and those
 * of savoir.h.
 */
#define STORE_MAX_STMTS	80

struct store {
	sqlite3		*db;
	char		*path;
	int		 flags;
	struct {
		const char	*sql;
		sqlite3_stmt	*stmt;
	}		 stmts[STORE_MAX_STMTS];
	size_t		 nstmts;
	struct pwriter	*pw;		/* the writer's pending postings */
	struct pindex	*pi;		/* the reader's view of them */
	/* the writer's packing dictionary (textpack.c) */
	int		 dict_state;	/* 0 unknown, 1 sampling, 2 ready */
	int64_t		 dict_id;
	struct buf	 dict;
	int		 dict_docs;
	int64_t		 cache_noted;	/* its share of store_cache_total */
	int64_t		 deadline;	/* store_deadline's, in mono_us */
	int		 full;		/* store_commit found no room */
	int64_t		 need;		/* the bytes it needed */
	int		 followed;	/* holds synced documents: 1, 0, or
					 * -1 not yet known this transaction */
};

sqlite3		*store_db(struct store *);
/* A prepared statement cached on the store (finalized by store_close). */
sqlite3_stmt	*store_stmt(struct store *, const char *sql);

/* store_write.c, for store_sync.c: one document in or out, in the
 * caller's transaction, with its change. */
int		 store_insert_doc(struct store *, int64_t source, int ord,
		    const struct xdoc *, const char *hash, char **cause);
int		 store_delete_doc(struct store *, int64_t rowid,
		    const char *id);
/* store_sync.c: a synced document gives way to a local one of its id
 * (1 when one went, 0 none, -1 on an error). */
int		 store_sync_yield(struct store *, const char *id,
		    int64_t source);
/* store_sync.c: 1 when the index holds an origin's documents (local ones
 * then carry « Origine » = « Locale »), 0 not, -1 on an error. */
int		 store_sync_followed(struct store *);
#define STORE_SYNC_FACET	"origine"
#define STORE_SYNC_LOCAL	"Locale"

#endif /* SAVOIR_STORE_INT_H */
