/*
 * store.c - the index: one SQLite file in WAL mode holding sources,
 * documents, their FTS5 index, facets, links, declared types and the change
 * feed.  Owns the schema, its version (PRAGMA user_version) and migrations.
 *
 * Only the writer (savoir index, the daemon's indexer) opens it read-write;
 * every write of a file's documents happens inside the caller's transaction
 * so a crash leaves the previous consistent state.  This file never parses
 * documents and never loads plugins.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "savoir.h"
#include "store_int.h"

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
};

/* The page caches of every store of the process, as last noted. */
static _Atomic int64_t	 store_cache_total;

/*
 * Schema version 1.  Text ids are the stable names of documents; rowids are
 * private to one index file (a copy made with VACUUM INTO keeps them, but a
 * sync peer must only ever use ids).
 */
static const char store_schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	"CREATE TABLE sources("
	"  id INTEGER PRIMARY KEY,"
	"  root TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mtime_ns INTEGER NOT NULL,"
	"  hash TEXT NOT NULL,"
	"  plugin TEXT,"
	"  error TEXT,"
	"  indexed_at INTEGER NOT NULL,"
	"  UNIQUE(root, path));"
	"CREATE TABLE docs("
	"  rowid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
	"  ord INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  meta TEXT NOT NULL DEFAULT '[]',"
	"  html TEXT NOT NULL DEFAULT '',"
	"  hash TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX docs_source ON docs(source);"
	"CREATE INDEX docs_type ON docs(type);"
	"CREATE VIRTUAL TABLE fts USING fts5(title, headings, body,"
	"  tokenize = 'savoir_fr');"
	"CREATE TABLE facets("
	"  doc INTEGER NOT NULL REFERENCES docs(rowid) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  norm TEXT NOT NULL);"
	"CREATE INDEX facets_key ON facets(key, norm, doc);"
	"CREATE INDEX facets_doc ON facets(doc);"
	"CREATE TABLE links("
	"  src INTEGER NOT NULL REFERENCES docs(rowid) ON DELETE CASCADE,"
	"  target TEXT NOT NULL,"
	"  rel TEXT NOT NULL,"
	"  label TEXT,"
	"  UNIQUE(src, target, rel));"
	"CREATE INDEX links_target ON links(target);"
	"CREATE TABLE types("
	"  name TEXT PRIMARY KEY,"
	"  label TEXT NOT NULL,"
	"  label_plural TEXT NOT NULL,"
	"  plugin TEXT NOT NULL,"
	"  facets TEXT NOT NULL DEFAULT '[]');"
	"CREATE TABLE changes("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  doc TEXT NOT NULL,"
	"  op TEXT NOT NULL CHECK (op IN ('put', 'del')),"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX changes_doc ON changes(doc);"
	"CREATE TRIGGER docs_delete AFTER DELETE ON docs BEGIN"
	"  DELETE FROM fts WHERE rowid = old.rowid;"
	"END;";

/*
 * Migrations: migrations[v] takes schema v to v + 1.  Each runs in one
 * transaction with the user_version bump, so an interrupted migration
 * leaves the old schema.
 */
/*
 * Schema version 2.  The text is stored once: docs.text holds, packed in
 * one deflated value (textpack.c), the three indexed columns, the HTML and
 * the metadata (parts 0 to 4: the HTML repeats the text, so together they
 * deflate to little more than one), and the fts table reads its content
 * from a view over docs (external content) instead of keeping a copy.  A document is deleted from the fts index
 * before its row goes (the index needs the old text to forget it).  The
 * ranked-retrieval index of postings.c joins: rowids of documents become
 * their change sequence number (store_insert_doc), never reused, and a
 * deleted document is tombstoned for the postings.  The fts index and the
 * postings are built again from the text right after (store_reindex).
 */
static const char store_schema_v2[] =
	"ALTER TABLE docs ADD COLUMN text BLOB;"
	"UPDATE docs SET text = savoir_pack(f.title, f.headings, f.body,"
	"  docs.html, docs.meta) FROM fts f WHERE f.rowid = docs.rowid;"
	"ALTER TABLE docs DROP COLUMN html;"
	"ALTER TABLE docs DROP COLUMN meta;"
	"DROP TRIGGER docs_delete;"
	"DROP TABLE fts;"
	"CREATE VIEW fts_text AS SELECT rowid, savoir_part(text, 0) AS title,"
	"  savoir_part(text, 1) AS headings, savoir_part(text, 2) AS body"
	"  FROM docs;"
	"CREATE VIRTUAL TABLE fts USING fts5(title, headings, body,"
	"  tokenize = 'savoir_fr', content = 'fts_text',"
	"  content_rowid = 'rowid');"
	"CREATE TRIGGER docs_delete BEFORE DELETE ON docs BEGIN"
	"  INSERT INTO fts (fts, rowid, title, headings, body) VALUES"
	"  ('delete', old.rowid, savoir_part(old.text, 0),"
	"  savoir_part(old.text, 1), savoir_part(old.text, 2));"
	"END;"
	/* Facet values once each, documents by value id: the view keeps
	 * the name and the shape of schema 1's table for every reader. */
	"CREATE TABLE fval("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  norm TEXT NOT NULL,"
	"  UNIQUE (key, norm, value));"
	"CREATE TABLE fdoc("
	"  val INTEGER NOT NULL REFERENCES fval(id),"
	"  doc INTEGER NOT NULL REFERENCES docs(rowid) ON DELETE CASCADE,"
	"  PRIMARY KEY (val, doc)) WITHOUT ROWID;"
	"CREATE INDEX fdoc_doc ON fdoc(doc);"
	"INSERT INTO fval (key, value, norm) SELECT DISTINCT key, value, norm"
	"  FROM facets;"
	"INSERT OR IGNORE INTO fdoc (val, doc) SELECT v.id, f.doc FROM facets f"
	"  JOIN fval v ON v.key = f.key AND v.norm = f.norm AND"
	"  v.value = f.value;"
	"DROP TABLE facets;"
	"CREATE VIEW facets (doc, key, value, norm) AS SELECT d.doc, v.key,"
	"  v.value, v.norm FROM fdoc d JOIN fval v ON v.id = d.val;"
	"CREATE TRIGGER facets_insert INSTEAD OF INSERT ON facets BEGIN"
	"  INSERT INTO fval (key, value, norm) VALUES (new.key, new.value,"
	"  new.norm) ON CONFLICT DO NOTHING;"
	"  INSERT OR IGNORE INTO fdoc (val, doc) SELECT id, new.doc FROM fval"
	"  WHERE key = new.key AND norm = new.norm AND value = new.value;"
	"END;"
	/* textpack.c's dictionaries: written once, never changed. */
	"CREATE TABLE pdict("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE pseg("
	"  id INTEGER PRIMARY KEY,"
	"  level INTEGER NOT NULL,"
	"  mindoc INTEGER NOT NULL,"
	"  maxdoc INTEGER NOT NULL,"
	"  ndocs INTEGER NOT NULL,"
	"  tok0 INTEGER NOT NULL, tok1 INTEGER NOT NULL, tok2 INTEGER NOT NULL,"
	"  norms BLOB NOT NULL);"
	/* A rowid table: a list of up to 16 kB stays on its leaf page (an
	 * index b-tree would send the part past 4 kB to an overflow page of
	 * its own, mostly empty). */
	"CREATE TABLE post("
	"  id INTEGER PRIMARY KEY,"
	"  term BLOB NOT NULL,"
	"  seg INTEGER NOT NULL,"
	"  df INTEGER NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE UNIQUE INDEX post_term ON post(term, seg);"
	"CREATE TABLE ptomb(doc INTEGER PRIMARY KEY);"
	"CREATE TRIGGER docs_delete_postings AFTER DELETE ON docs BEGIN"
	"  INSERT OR IGNORE INTO ptomb (doc) VALUES (old.rowid);"
	"END;";

static const char *const store_migrations[] = {
	store_schema_v1,	/* 0 -> 1: an empty file becomes an index */
	store_schema_v2,	/* 1 -> 2: postings */
};

static int
store_exec(struct store *st, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		if (cause != NULL)
			xasprintf(cause, "%s: %s", st->path,
			    err != NULL ? err : sqlite3_errmsg(st->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* The first column of a one-row statement (a PRAGMA, a count). */
static int
store_query_int(struct store *st, const char *sql, long long *out)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
store_pragma_int(struct store *st, const char *pragma, long long *out)
{
	char	*sql;
	int	 rc;

	sql = xsprintf("PRAGMA %s", pragma);
	rc = store_query_int(st, sql, out);
	free(sql);
	return rc;
}

/*
 * Index every document again from its stored text: the fts index (external
 * content: an insert indexes the given text) and, through the capture, the
 * postings, as the writer would have built them.
 */
static int
store_reindex(struct store *st, char **cause)
{
	sqlite3_stmt	*sel = NULL, *ins = NULL;
	struct pwriter	*pw;
	int64_t		 rowid;
	int		 c, rc = -1;

	if (store_exec(st, "DELETE FROM post; DELETE FROM pseg; DELETE FROM "
	    "ptomb; INSERT INTO fts (fts) VALUES ('delete-all')", cause) == -1)
		return -1;
	pw = pwriter_new(st->db);
	if (sqlite3_prepare_v2(st->db, "SELECT rowid, title, headings, body "
	    "FROM fts_text ORDER BY rowid", -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "INSERT INTO fts (rowid, title, "
	    "headings, body) VALUES (?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK)
		goto sqlfail;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		rowid = sqlite3_column_int64(sel, 0);
		if (pwriter_begin(pw, rowid, cause) == -1)
			goto out;
		sqlite3_bind_int64(ins, 1, rowid);
		for (c = 0; c < 3; c++)
			sqlite3_bind_text(ins, 2 + c, (const char *)
			    sqlite3_column_text(sel, 1 + c), -1,
			    SQLITE_TRANSIENT);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE) {
			pwriter_abort_doc(pw);
			goto sqlfail;
		}
		pwriter_end(pw, 1.0);
		if (pwriter_should_flush(pw) && pwriter_flush(pw, cause) == -1)
			goto out;
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	if (pwriter_flush(pw, cause) == -1 ||
	    postings_merge(st->db, 1, cause) == -1)
		goto out;
	rc = 0;
	goto out;
sqlfail:
	xasprintf(cause, "%s: cannot index the stored text: %s", st->path,
	    sqlite3_errmsg(st->db));
	rc = -1;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	pwriter_free(pw);
	return rc;
}

/* Bring the schema to STORE_SCHEMA_VERSION, or explain why not. */
static int
store_upgrade(struct store *st, char **cause)
{
	long long	 version, appid, ntables;
	char		*sql;

	if (store_pragma_int(st, "application_id", &appid) == -1 ||
	    store_pragma_int(st, "user_version", &version) == -1 ||
	    store_query_int(st, "SELECT count(*) FROM sqlite_schema",
	    &ntables) == -1) {
		xasprintf(cause, "%s is not a Savoir index (%s)", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (appid == 0 && version == 0 && ntables == 0) {
		if (!(st->flags & STORE_CREATE)) {
			xasprintf(cause, "%s is an empty database, not a "
			    "Savoir index (create one with savoir index)",
			    st->path);
			return -1;
		}
	} else if (appid != STORE_APPLICATION_ID) {
		xasprintf(cause, "%s is an SQLite database but not a Savoir "
		    "index (application_id 0x%llx); refusing to touch it",
		    st->path, appid);
		return -1;
	}
	if (version > STORE_SCHEMA_VERSION) {
		xasprintf(cause, "%s was written by a newer Savoir (schema "
		    "%lld; this version reads up to %d): upgrade Savoir",
		    st->path, version, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	if (st->flags & STORE_RDONLY) {
		xasprintf(cause, "%s has schema %lld and needs migrating to "
		    "%d: run savoir index once", st->path, version,
		    STORE_SCHEMA_VERSION);
		return -1;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		if (store_exec(st, "BEGIN IMMEDIATE", cause) == -1)
			return -1;
		if (store_exec(st, store_migrations[version], cause) == -1)
			goto fail;
		if (version + 1 == 2 && store_reindex(st, cause) == -1)
			goto fail;
		sql = xsprintf("PRAGMA application_id = %d;"
		    "PRAGMA user_version = %lld;"
		    "INSERT OR REPLACE INTO meta VALUES ('created', '%lld');",
		    STORE_APPLICATION_ID, version + 1, (long long)now_ms());
		if (store_exec(st, sql, cause) == -1) {
			free(sql);
			goto fail;
		}
		free(sql);
		if (store_exec(st, "COMMIT", cause) == -1)
			goto fail;
		log_debug("%s: schema migrated to %lld", st->path, version + 1);
	}
	return 0;
fail:
	store_exec(st, "ROLLBACK", NULL);
	return -1;
}

struct store *
store_open(const char *path, int flags, char **cause)
{
	struct store	*st;
	struct stat	 sb;
	int		 oflags, rc;

	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->flags = flags;
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT || !(flags & STORE_CREATE)) {
			xasprintf(cause, "cannot open index %s: %s%s", path,
			    strerror(errno), errno == ENOENT ?
			    " (create it with savoir index)" : "");
			goto fail;
		}
	} else if (!S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s is not a regular file", path);
		goto fail;
	}
	if (flags & STORE_RDONLY)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		xasprintf(cause, "cannot open index %s: %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	if (tokenizer_fr_register(st->db) != SQLITE_OK) {
		xasprintf(cause, "cannot register the savoir_fr tokenizer: %s",
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	if (search_register(st->db) != SQLITE_OK) {
		xasprintf(cause, "cannot register search functions: %s",
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	if (store_exec(st, "PRAGMA foreign_keys = ON", cause) == -1)
		goto fail;
	/* 16 kB pages for a new index (no effect on an existing one):
	 * documents of a few kB share pages with less waste (131 against
	 * 141 MB on the four legal codes of bench/relevance). */
	if ((flags & STORE_CREATE) && store_exec(st, "PRAGMA page_size = "
	    "16384", cause) == -1)
		goto fail;
	if (store_upgrade(st, cause) == -1)
		goto fail;
	/* 16 MB of page cache (the default is 2): a server's long-lived
	 * connection keeps a large code's hot pages.  No mmap: a file that
	 * another process shrinks (import, VACUUM) would be a SIGBUS. */
	if (store_exec(st, "PRAGMA cache_size = -16384", cause) == -1)
		goto fail;
	if (!(flags & STORE_RDONLY) && store_exec(st,
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
	    cause) == -1)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	atomic_fetch_sub(&store_cache_total, st->cache_noted);
	for (i = 0; i < st->nstmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	pwriter_free(st->pw);
	pindex_free(st->pi);
	buf_free(&st->dict);
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

const char *
store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

static int
store_deadline_cb(void *arg)
{
	struct store	*st = arg;

	return mono_us() > st->deadline;
}

void
store_deadline(struct store *st, int64_t at_us)
{
	st->deadline = at_us;
	if (at_us != 0)
		sqlite3_progress_handler(st->db, 1000, store_deadline_cb, st);
	else
		sqlite3_progress_handler(st->db, 0, NULL, NULL);
}

void
store_library_init(int threads)
{
	/* Memory statistics cost a mutex on every allocation; nothing
	 * reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (threads)
		sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

int
store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE", NULL);
}

/* The pending postings are written in the transaction of their
 * documents, right before it commits. */
int
store_commit(struct store *st)
{
	char	*cause = NULL;

	if (st->pw != NULL && pwriter_flush(st->pw, &cause) == -1) {
		log_warnx("%s: %s", st->path, cause);
		free(cause);
		return -1;
	}
	return store_exec(st, "COMMIT", NULL);
}

int
store_rollback(struct store *st)
{
	if (st->pw != NULL)
		pwriter_discard(st->pw);
	st->dict_state = 0;	/* a dictionary written here is gone too */
	return store_exec(st, "ROLLBACK", NULL);
}

/* At the end of an indexing run: merge the postings' segments where that
 * pays (postings_merge's policy), in the current transaction. */
int
store_optimize(struct store *st, char **cause)
{
	if (st->pw != NULL && pwriter_flush(st->pw, cause) == -1)
		return -1;
	return postings_optimize(st->db, cause);
}

/* The reader's postings, current with the index: NULL when the index has
 * none (search then uses FTS5 alone). */
void
store_note_cache(struct store *st)
{
	int	 cur = 0, hi = 0;

	if (sqlite3_db_status(st->db, SQLITE_DBSTATUS_CACHE_USED, &cur, &hi,
	    0) != SQLITE_OK)
		return;
	atomic_fetch_add(&store_cache_total, (int64_t)cur - st->cache_noted);
	st->cache_noted = cur;
}

int64_t
store_cache_used(void)
{
	return atomic_load(&store_cache_total);
}

struct pindex *
store_postings(struct store *st)
{
	if (st->pi == NULL)
		st->pi = pindex_new(st->db);
	return pindex_refresh(st->pi) == 0 ? st->pi : NULL;
}

/*
 * Statements are cached by the identity of their SQL text, which callers
 * pass as string literals.  A cached statement comes back reset.
 */
sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	size_t		 i;

	for (i = 0; i < st->nstmts; i++) {
		if (st->stmts[i].sql == sql) {
			stmt = st->stmts[i].stmt;
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return stmt;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL) != SQLITE_OK) {
		log_warnx("%s: cannot prepare statement: %s", st->path,
		    sqlite3_errmsg(st->db));
		return NULL;
	}
	if (st->nstmts == STORE_MAX_STMTS)
		fatalx("store: statement cache full");
	st->stmts[st->nstmts].sql = sql;
	st->stmts[st->nstmts].stmt = stmt;
	st->nstmts++;
	return stmt;
}

char *
store_meta_get(struct store *st, const char *key)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?";
	sqlite3_stmt	*stmt;
	char		*value = NULL;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0) != NULL)
		value = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	return value;
}

int
store_meta_set(struct store *st, const char *key, const char *value)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)";
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_source_get(struct store *st, const char *root, const char *path,
    struct source *src)
{
	static const char sql[] = "SELECT id, size, mtime_ns, hash, plugin, "
	    "error FROM sources WHERE root = ? AND path = ?";
	sqlite3_stmt	*stmt;
	const char	*s;
	int		 rc;

	memset(src, 0, sizeof *src);
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, root, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		src->id = sqlite3_column_int64(stmt, 0);
		src->path = xstrdup(path);
		src->size = sqlite3_column_int64(stmt, 1);
		src->mtime_ns = sqlite3_column_int64(stmt, 2);
		s = (const char *)sqlite3_column_text(stmt, 3);
		snprintf(src->hash, sizeof src->hash, "%s", s ? s : "");
		if ((s = (const char *)sqlite3_column_text(stmt, 4)) != NULL)
			src->plugin = xstrdup(s);
		if ((s = (const char *)sqlite3_column_text(stmt, 5)) != NULL)
			src->error = xstrdup(s);
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

void
source_clear(struct source *src)
{
	free(src->path);
	free(src->plugin);
	free(src->error);
	memset(src, 0, sizeof *src);
}

/* Append a row to the change feed, keeping only the newest per doc. */
static int
store_change(struct store *st, const char *id, const char *op,
    int64_t *seq)
{
	static const char del[] = "DELETE FROM changes WHERE doc = ?";
	static const char ins[] =
	    "INSERT INTO changes (doc, op, at) VALUES (?, ?, ?)";
	sqlite3_stmt	*stmt;

	if ((stmt = store_stmt(st, del)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return -1;
	if ((stmt = store_stmt(st, ins)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, op, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, now_ms());
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return -1;
	if (seq != NULL)
		*seq = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* A digest of everything stored for a document, to skip unchanged ones. */
static void
xdoc_hash(const struct xdoc *d, char out[65])
{
	struct buf	 b;
	size_t		 i;
	int		 c;

	buf_init(&b);
	buf_printf(&b, "%s\x1f%s\x1f", d->id, d->type);
	for (c = 0; c < 3; c++) {
		buf_add(&b, d->text[c].data ? d->text[c].data : "",
		    d->text[c].len);
		buf_addc(&b, '\x1f');
	}
	for (i = 0; i < d->facets.n; i++)
		buf_printf(&b, "f%s=%s\x1f", d->facets.v[i].key,
		    d->facets.v[i].value);
	for (i = 0; i < d->links.n; i++)
		buf_printf(&b, "l%s %s %s\x1f", d->links.v[i].key,
		    d->links.v[i].value, d->links.v[i].label ?
		    d->links.v[i].label : "");
	for (i = 0; i < d->meta.n; i++)
		buf_printf(&b, "m%s|%s|%s\x1f", d->meta.v[i].key,
		    d->meta.v[i].label ? d->meta.v[i].label : "",
		    d->meta.v[i].value);
	buf_printf(&b, "w%.2f\x1f", d->weight);
	buf_adds(&b, d->html ? d->html : "");
	sha256_hex(b.data, b.len, out);
	buf_free(&b);
}

static char *
xdoc_meta_json(const struct xdoc *d)
{
	json_t	*a;
	char	*s;
	size_t	 i;

	a = json_array();
	for (i = 0; i < d->meta.n; i++)
		json_array_append_new(a, json_pack("[sss]", d->meta.v[i].key,
		    d->meta.v[i].label ? d->meta.v[i].label : d->meta.v[i].key,
		    d->meta.v[i].value));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (s == NULL)
		fatalx("json_dumps failed");
	return s;
}

/*
 * The packing dictionary of this index: the latest one written, or, for
 * a new index, one sampled from its first documents (their metadata and
 * the start of their HTML and text: what neighbours share), written in
 * the current transaction.  -1 on an SQL error.
 */
#define DICT_MAX	16384	/* of samples: 32 kB or 8 kB store the same */
#define DICT_DOCS	64

/* Know whether the index has a dictionary yet (state 2) or not (1). */
static int
store_dict_load(struct store *st)
{
	sqlite3_stmt	*stmt;

	if (st->dict_state == 0) {
		buf_reset(&st->dict);
		if ((stmt = store_stmt(st, "SELECT id, data FROM pdict ORDER "
		    "BY at DESC, id DESC LIMIT 1")) == NULL)
			return -1;
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			st->dict_id = sqlite3_column_int64(stmt, 0);
			buf_add(&st->dict, sqlite3_column_blob(stmt, 1),
			    (size_t)sqlite3_column_bytes(stmt, 1));
			st->dict_state = 2;
		} else
			st->dict_state = 1;
		sqlite3_reset(stmt);
		st->dict_docs = 0;
	}
	return 0;
}

static int
store_dict(struct store *st, const struct xdoc *d, const char *meta)
{
	sqlite3_stmt	*stmt;
	int64_t		 id;
	size_t		 n;
	int		 c;

	if (store_dict_load(st) == -1)
		return -1;
	if (st->dict_state != 1)
		return 0;
	/* The whole metadata (its labels, addresses and sources repeat from
	 * document to document), the ends of the HTML, the start of the
	 * text. */
	n = strlen(meta);
	buf_add(&st->dict, meta, n < 1500 ? n : 1500);
	if (d->html != NULL) {
		n = strlen(d->html);
		buf_add(&st->dict, d->html, n < 200 ? n : 200);
		if (n > 400)
			buf_add(&st->dict, d->html + n - 200, 200);
	}
	for (c = 0; c < 3; c++)
		buf_add(&st->dict, d->text[c].data != NULL ? d->text[c].data :
		    "", d->text[c].len < 150 ? d->text[c].len : 150);
	if (++st->dict_docs < DICT_DOCS && st->dict.len < DICT_MAX)
		return 0;
	if (st->dict.len > DICT_MAX) {
		memmove(st->dict.data, st->dict.data + st->dict.len - DICT_MAX,
		    DICT_MAX);
		st->dict.len = DICT_MAX;
	}
	/* A random id: a cached dictionary is never mistaken for another,
	 * even one written again after a rollback. */
	do {
		sqlite3_randomness(sizeof id, &id);
		id &= INT64_MAX;
	} while (id == 0);
	if ((stmt = store_stmt(st, "INSERT INTO pdict (id, at, data) VALUES "
	    "(?, ?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now_ms());
	sqlite3_bind_blob(stmt, 3, st->dict.data, (int)st->dict.len,
	    SQLITE_STATIC);
	c = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (c != SQLITE_DONE)
		return -1;
	st->dict_id = id;
	st->dict_state = 2;
	return 0;
}

/* Pack parts (textpack.c), with the index's dictionary once it has one. */
static unsigned char *
store_pack(struct store *st, const char *const *part, const size_t *len,
    int n, size_t *plen)
{
	unsigned char	*packed;

	if (st->dict_state == 2)
		packed = textpack_dict(part, len, n, (uint64_t)st->dict_id,
		    (const unsigned char *)st->dict.data, st->dict.len, plen);
	else
		packed = textpack(part, len, n, plen);
	if (packed == NULL)
		fatalx("out of memory packing text");
	return packed;
}

struct store_packer {
	int64_t		 id;
	struct buf	 dict;
};

struct store_packer *
store_packer_get(struct store *st)
{
	struct store_packer	*pk;

	if (store_dict_load(st) == -1)
		return NULL;
	if (st->dict_state != 2)
		return NULL;
	pk = xcalloc(1, sizeof *pk);
	pk->id = st->dict_id;
	buf_init(&pk->dict);
	buf_add(&pk->dict, st->dict.data, st->dict.len);
	return pk;
}

void
store_packer_free(struct store_packer *pk)
{
	if (pk == NULL)
		return;
	buf_free(&pk->dict);
	free(pk);
}

/* The five parts of a document's packed text. */
static void
store_parts(const struct xdoc *d, const char *meta, const char **part,
    size_t *len)
{
	int	 c;

	for (c = 0; c < 3; c++) {
		part[c] = d->text[c].data ? d->text[c].data : "";
		len[c] = d->text[c].len;
	}
	part[3] = d->html != NULL ? d->html : "";
	len[3] = strlen(part[3]);
	part[4] = meta;
	len[4] = strlen(meta);
}

void
store_prepare(const struct store_packer *pk, struct xfile *xf)
{
	struct xdoc	*d;
	const char	*part[5];
	size_t		 len[5], i;
	char		*meta;

	for (i = 0; i < xf->ndocs; i++) {
		d = xf->docs[i];
		xdoc_hash(d, d->hash);
		free(d->packed);
		d->packed = NULL;
		if (pk == NULL)
			continue;
		meta = xdoc_meta_json(d);
		store_parts(d, meta, part, len);
		d->packed = textpack_dict(part, len, 5, (uint64_t)pk->id,
		    (const unsigned char *)pk->dict.data, pk->dict.len,
		    &d->packed_len);
		if (d->packed == NULL)
			fatalx("out of memory packing text");
		d->packed_dict = pk->id;
		/* All of it is in the packed text now. */
		free(d->html);
		d->html = NULL;
		free(meta);
	}
}

/* Insert one document and everything hanging off it. */
static int
store_insert_doc(struct store *st, int64_t source, int ord,
    const struct xdoc *d, const char *hash, char **cause)
{
	/* The rowid is the change's sequence number: never reused, so the
	 * postings can name a document by it across segments. */
	static const char ins_doc[] = "INSERT INTO docs (id, source, ord, "
	    "type, title, hash, seq, updated_at, rowid, text) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?7, ?9)";
	static const char ins_fts[] = "INSERT INTO fts (rowid, title, "
	    "headings, body) VALUES (?, ?, ?, ?)";
	/* Straight into fval and fdoc, not through the facets view: its
	 * INSTEAD OF trigger makes every insert a statement transaction,
	 * and SQLite 3.40's FTS5 flushes its pending terms at each one,
	 * which cost a segment a document (and 40 % of the build). */
	static const char ins_fval[] = "INSERT INTO fval (key, value, norm) "
	    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
	static const char get_fval[] = "SELECT id FROM fval WHERE key = ? "
	    "AND norm = ? AND value = ?";
	static const char ins_fdoc[] = "INSERT OR IGNORE INTO fdoc (val, doc) "
	    "VALUES (?, ?)";
	static const char ins_link[] = "INSERT OR IGNORE INTO links (src, "
	    "target, rel, label) VALUES (?, ?, ?, ?)";
	sqlite3_stmt	*stmt;
	const char	*title;
	char		*meta, *norm;
	size_t		 tlen, i;
	int64_t		 rowid, seq;
	int		 c, rc;

	if (store_change(st, d->id, "put", &seq) == -1)
		goto sqlfail;
	title = xdoc_title(d, &tlen);
	if (tlen == 0) {
		title = d->id;
		tlen = strlen(d->id);
	}
	if (d->packed != NULL) {
		/* packed ahead (store_prepare), its HTML let go */
		meta = NULL;
		if (store_dict_load(st) == -1)
			goto sqlfail;
		if (st->dict_state != 2 || d->packed_dict != st->dict_id) {
			xasprintf(cause, "cannot store %s: its text was packed "
			    "with a dictionary the index no longer has", d->id);
			return -1;
		}
	} else {
		meta = xdoc_meta_json(d);
		if (store_dict(st, d, meta) == -1) {
			free(meta);
			goto sqlfail;
		}
	}
	if ((stmt = store_stmt(st, ins_doc)) == NULL) {
		free(meta);
		goto sqlfail;
	}
	sqlite3_bind_text(stmt, 1, d->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, source);
	sqlite3_bind_int(stmt, 3, ord);
	sqlite3_bind_text(stmt, 4, d->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, title, (int)tlen, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, seq);
	sqlite3_bind_int64(stmt, 8, now_ms());
	if (d->packed != NULL)
		sqlite3_bind_blob(stmt, 9, d->packed, (int)d->packed_len,
		    SQLITE_STATIC);
	else {
		const char	*part[5];
		size_t		 len[5];
		unsigned char	*packed;
		size_t		 plen;

		store_parts(d, meta, part, len);
		packed = store_pack(st, part, len, 5, &plen);
		sqlite3_bind_blob(stmt, 9, packed, (int)plen, free);
	}
	free(meta);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		xasprintf(cause, "duplicate document id %s (already "
		    "defined by another file)", d->id);
		return 1;
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	rowid = sqlite3_last_insert_rowid(st->db);

	if ((stmt = store_stmt(st, ins_fts)) == NULL)
		goto sqlfail;
	sqlite3_bind_int64(stmt, 1, rowid);
	for (c = 0; c < 3; c++)
		sqlite3_bind_text(stmt, 2 + c, d->text[c].data ?
		    d->text[c].data : "", (int)d->text[c].len, SQLITE_STATIC);
	if (st->pw == NULL)
		st->pw = pwriter_new(st->db);
	if (pwriter_begin(st->pw, rowid, cause) == -1)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		pwriter_abort_doc(st->pw);
		goto sqlfail;
	}
	pwriter_end(st->pw, d->weight);
	if (pwriter_should_flush(st->pw) &&
	    pwriter_flush(st->pw, cause) == -1)
		return -1;

	for (i = 0; i <= d->facets.n; i++) {
		/* The type is a facet like any other: type:note. */
		const char *k = i < d->facets.n ? d->facets.v[i].key : "type";
		const char *v = i < d->facets.n ? d->facets.v[i].value :
		    d->type;
		int64_t	    val;

		norm = fr_fold(v, strlen(v));
		if (*norm == '\0') {
			free(norm);
			continue;
		}
		if ((stmt = store_stmt(st, ins_fval)) == NULL) {
			free(norm);
			goto sqlfail;
		}
		sqlite3_bind_text(stmt, 1, k, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, v, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, norm, -1, free);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			goto sqlfail;
		if (sqlite3_changes(st->db) > 0)
			val = sqlite3_last_insert_rowid(st->db);
		else {
			if ((stmt = store_stmt(st, get_fval)) == NULL)
				goto sqlfail;
			sqlite3_bind_text(stmt, 1, k, -1, SQLITE_STATIC);
			norm = fr_fold(v, strlen(v));
			sqlite3_bind_text(stmt, 2, norm, -1, free);
			sqlite3_bind_text(stmt, 3, v, -1, SQLITE_STATIC);
			if (sqlite3_step(stmt) != SQLITE_ROW)
				goto sqlfail;
			val = sqlite3_column_int64(stmt, 0);
			sqlite3_reset(stmt);
		}
		if ((stmt = store_stmt(st, ins_fdoc)) == NULL)
			goto sqlfail;
		sqlite3_bind_int64(stmt, 1, val);
		sqlite3_bind_int64(stmt, 2, rowid);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			goto sqlfail;
	}

	if ((stmt = store_stmt(st, ins_link)) == NULL)
		goto sqlfail;
	for (i = 0; i < d->links.n; i++) {
		if (strcmp(d->links.v[i].key, d->id) == 0)
			continue;	/* an article citing itself */
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, rowid);
		sqlite3_bind_text(stmt, 2, d->links.v[i].key, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, d->links.v[i].value, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, d->links.v[i].label, -1,
		    SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			goto sqlfail;
	}
	return 0;
sqlfail:
	xasprintf(cause, "cannot store %s: %s", d->id, sqlite3_errmsg(st->db));
	return -1;
}

static int
store_delete_doc(struct store *st, int64_t rowid, const char *id)
{
	static const char sql[] = "DELETE FROM docs WHERE rowid = ?";
	sqlite3_stmt	*stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, rowid);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return -1;
	return store_change(st, id, "del", NULL);
}

struct olddoc {
	int64_t	 rowid;
	char	*id;
	char	 hash[65];
	int	 kept;
};

/* Is old the id a document took beside another file's: "<id>@<plugin>"? */
static int
is_alt_id(const char *old, const char *id, const char *plugin)
{
	size_t	 n = strlen(id);

	return strncmp(old, id, n) == 0 && old[n] == '@' &&
	    strcmp(old + n + 1, plugin) == 0;
}

int
store_put_file(struct store *st, const char *root, const char *path,
    const struct source *src, const struct xfile *xf, char **cause)
{
	static const char upsert[] = "INSERT INTO sources (root, path, size, "
	    "mtime_ns, hash, plugin, error, indexed_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (root, path) DO UPDATE SET "
	    "size = excluded.size, mtime_ns = excluded.mtime_ns, "
	    "hash = excluded.hash, plugin = excluded.plugin, "
	    "error = excluded.error, indexed_at = excluded.indexed_at "
	    "RETURNING id";
	static const char olds[] = "SELECT rowid, id, hash FROM docs "
	    "WHERE source = ?";
	static const char reord[] = "UPDATE docs SET ord = ? WHERE rowid = ?";
	sqlite3_stmt	*stmt;
	struct olddoc	*old = NULL;
	size_t		 nold = 0, cap = 0, i, j;
	const char	*alt_plugin = xf->plugin != NULL ? xf->plugin :
			    "doublon";
	char		 hash[65], *plugin = NULL, *why = NULL, *alt = NULL, *id;
	int64_t		 sid;
	int		 rc, ret = -1, alt_was;

	if ((stmt = store_stmt(st, upsert)) == NULL)
		goto sqlfail;
	if (xf->plugin != NULL)
		plugin = xsprintf("%s %s", xf->plugin,
		    xf->plugin_version ? xf->plugin_version : "");
	sqlite3_bind_text(stmt, 1, root, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, src->size);
	sqlite3_bind_int64(stmt, 4, src->mtime_ns);
	sqlite3_bind_text(stmt, 5, src->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, plugin, -1, free);
	sqlite3_bind_text(stmt, 7, xf->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 8, now_ms());
	if (sqlite3_step(stmt) != SQLITE_ROW)
		goto sqlfail;
	sid = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);

	if ((stmt = store_stmt(st, olds)) == NULL)
		goto sqlfail;
	sqlite3_bind_int64(stmt, 1, sid);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (nold == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			old = xreallocarray(old, cap, sizeof *old);
		}
		old[nold].rowid = sqlite3_column_int64(stmt, 0);
		old[nold].id = xstrdup((const char *)
		    sqlite3_column_text(stmt, 1));
		snprintf(old[nold].hash, sizeof old[nold].hash, "%s",
		    (const char *)sqlite3_column_text(stmt, 2));
		old[nold].kept = 0;
		nold++;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto sqlfail;

	/*
	 * Unchanged documents keep their row, their FTS entry and their
	 * place in the change feed: re-indexing a large code where one
	 * article changed rewrites one article.
	 */
	for (i = 0; i < xf->ndocs; i++) {
		if (xf->docs[i]->hash[0] != '\0')
			memcpy(hash, xf->docs[i]->hash, sizeof hash);
		else
			xdoc_hash(xf->docs[i], hash);
		/* Its id, or the one it had to take beside another file's
		 * document of the same id (below). */
		for (j = 0, alt_was = 0; j < nold; j++) {
			if (old[j].kept)
				continue;
			if (strcmp(old[j].id, xf->docs[i]->id) == 0)
				break;
			if ((alt_was = is_alt_id(old[j].id, xf->docs[i]->id,
			    alt_plugin)))
				break;
		}
		if (j < nold && strcmp(old[j].hash, hash) == 0) {
			old[j].kept = 1;
			if ((stmt = store_stmt(st, reord)) == NULL)
				goto sqlfail;
			sqlite3_bind_int(stmt, 1, (int)i);
			sqlite3_bind_int64(stmt, 2, old[j].rowid);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				goto sqlfail;
			goto next;
		}
		if (j < nold) {
			old[j].kept = 1;	/* replaced, not deleted */
			if (store_delete_doc(st, old[j].rowid, old[j].id) == -1)
				goto sqlfail;
		}
		if (alt_was)
			rc = 1;		/* it had to take alt last time */
		else
			rc = store_insert_doc(st, sid, (int)i, xf->docs[i],
			    hash, &why);
		if (rc == 1) {
			/*
			 * Another file defines this id (the course's fiche
			 * on an article, and the official text of the same
			 * article, say): both are kept, this one as
			 * "id@plugin".
			 */
			free(why);
			why = NULL;
			free(alt);
			alt = xsprintf("%s@%s", xf->docs[i]->id, alt_plugin);
			id = xf->docs[i]->id;
			xf->docs[i]->id = alt;
			rc = store_insert_doc(st, sid, (int)i, xf->docs[i],
			    hash, &why);
			xf->docs[i]->id = id;
			if (rc == 0)
				log_warnx("%s: document id %s is already "
				    "defined by another file: this one is %s",
				    path, id, alt);
		}
		if (rc == -1) {
			*cause = why;
			why = NULL;
			goto out;
		}
		if (rc == 1) {
			log_warnx("%s: %s", path, why);
			free(why);
			why = NULL;
		}
next:
		if (xf->release) {
			/* the writer's share of memory shrinks as it goes */
			xdoc_free(xf->docs[i]);
			xf->docs[i] = NULL;
		}
	}
	for (j = 0; j < nold; j++)
		if (!old[j].kept &&
		    store_delete_doc(st, old[j].rowid, old[j].id) == -1)
			goto sqlfail;
	ret = 0;
	goto out;
sqlfail:
	xasprintf(cause, "cannot store %s: %s", path, sqlite3_errmsg(st->db));
out:
	for (j = 0; j < nold; j++)
		free(old[j].id);
	free(old);
	free(alt);
	return ret;
}

int
store_touch_source(struct store *st, int64_t id, int64_t size,
    int64_t mtime_ns)
{
	static const char sql[] =
	    "UPDATE sources SET size = ?, mtime_ns = ? WHERE id = ?";
	sqlite3_stmt	*stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, size);
	sqlite3_bind_int64(stmt, 2, mtime_ns);
	sqlite3_bind_int64(stmt, 3, id);
	return sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
}

int
store_delete_source(struct store *st, int64_t id)
{
	static const char docs[] = "SELECT rowid, id FROM docs WHERE source = ?";
	static const char del[] = "DELETE FROM sources WHERE id = ?";
	sqlite3_stmt	*stmt;
	char		**ids = NULL;
	int64_t		*rowids = NULL;
	size_t		 n = 0, i;
	int		 rc, ret = -1;

	if ((stmt = store_stmt(st, docs)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		rowids = xreallocarray(rowids, n + 1, sizeof *rowids);
		rowids[n] = sqlite3_column_int64(stmt, 0);
		ids[n++] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto out;
	for (i = 0; i < n; i++)
		if (store_delete_doc(st, rowids[i], ids[i]) == -1)
			goto out;
	if ((stmt = store_stmt(st, del)) == NULL)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_DONE)
		ret = 0;
out:
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(rowids);
	return ret;
}

int
store_put_types(struct store *st, const struct savoir_plugin *const *pl,
    size_t npl)
{
	static const char sql[] = "INSERT OR REPLACE INTO types (name, label, "
	    "label_plural, plugin, facets) VALUES (?, ?, ?, ?, ?)";
	const struct savoir_type_decl	*t;
	const struct savoir_facet_decl	*f;
	sqlite3_stmt			*stmt;
	json_t				*a;
	char				*s;
	size_t				 i;

	for (i = 0; i < npl; i++) {
		for (t = pl[i]->types; t->name != NULL; t++) {
			a = json_array();
			for (f = t->facets; f != NULL && f->key != NULL; f++)
				json_array_append_new(a, json_pack("{s:s,s:s,"
				    "s:i}", "key", f->key, "label", f->label ?
				    f->label : f->key, "kind", f->kind));
			s = json_dumps(a, JSON_COMPACT);
			json_decref(a);
			if ((stmt = store_stmt(st, sql)) == NULL) {
				free(s);
				return -1;
			}
			sqlite3_bind_text(stmt, 1, t->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(stmt, 2, t->label ? t->label :
			    t->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(stmt, 3, t->label_plural ?
			    t->label_plural : t->label ? t->label : t->name,
			    -1, SQLITE_STATIC);
			sqlite3_bind_text(stmt, 4, pl[i]->name, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(stmt, 5, s, -1, free);
			if (sqlite3_step(stmt) != SQLITE_DONE) {
				sqlite3_reset(stmt);
				return -1;
			}
		}
	}
	return 0;
}

/* Run a check statement; every row that is not "ok" is a problem. */
static int
store_check_rows(struct store *st, const char *sql, const char *what,
    struct buf *out)
{
	sqlite3_stmt	*stmt;
	const char	*s;
	int		 n = 0, rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		buf_printf(out, "%s: %s\n", what, sqlite3_errmsg(st->db));
		return 1;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(stmt, 0);
		if (s != NULL && strcmp(s, "ok") == 0)
			continue;
		buf_printf(out, "%s: %s\n", what, s != NULL ? s : "(row)");
		n++;
	}
	if (rc != SQLITE_DONE) {
		buf_printf(out, "%s: %s\n", what, sqlite3_errmsg(st->db));
		n++;
	}
	sqlite3_finalize(stmt);
	return n;
}

int
store_check(struct store *st, struct buf *out)
{
	long long	 version, appid;
	char		*err = NULL;
	int		 n = 0;

	if (store_pragma_int(st, "user_version", &version) == -1 ||
	    store_pragma_int(st, "application_id", &appid) == -1)
		return -1;
	if (appid != STORE_APPLICATION_ID) {
		buf_printf(out, "schema: application_id 0x%llx\n", appid);
		n++;
	}
	if (version != STORE_SCHEMA_VERSION) {
		buf_printf(out, "schema: version %lld, expected %d\n", version,
		    STORE_SCHEMA_VERSION);
		n++;
	}
	n += store_check_rows(st, "PRAGMA integrity_check", "sqlite", out);
	n += store_check_rows(st, "SELECT 'foreign key: ' || \"table\" || "
	    "' row ' || rowid FROM pragma_foreign_key_check", "sqlite", out);
	if (sqlite3_exec(st->db, "INSERT INTO fts (fts, rank) VALUES "
	    "('integrity-check', 1)", NULL, NULL, &err) != SQLITE_OK) {
		buf_printf(out, "fts5: %s\n", err ? err :
		    sqlite3_errmsg(st->db));
		n++;
	}
	sqlite3_free(err);
	/* The fts table reads its text from docs (external content): its
	 * integrity-check above compares the index with that text. */
	n += store_check_rows(st, "SELECT 'document ' || d.id || ' has no "
	    "postings' FROM docs d WHERE NOT EXISTS (SELECT 1 FROM pseg s "
	    "WHERE d.rowid BETWEEN s.mindoc AND s.maxdoc)",
	    "postings", out);
	n += store_check_rows(st, "SELECT 'segment ' || id || ': norms do "
	    "not cover ' || mindoc || '..' || maxdoc FROM pseg WHERE "
	    "length(norms) != (maxdoc - mindoc + 1) * 4", "postings", out);
	return n;
}
