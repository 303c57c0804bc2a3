/*
 * store.c - the index: one SQLite file in WAL mode holding sources,
 * documents, their FTS5 index, facets, links, declared types and the change
 * feed.  Owns the connection (opening, transactions, the statement cache,
 * the time budget), the schema, its version (PRAGMA user_version),
 * migrations and savoir check's verification.  What the writer puts in is
 * store_write.c's; the read queries are store_read.c's.
 *
 * Only the writer (savoir index, the daemon's indexer) opens it read-write;
 * every write of a file's documents happens inside the caller's transaction
 * so a crash leaves the previous consistent state.  This file never parses
 * documents and never loads plugins.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savoir.h"
#include "store_int.h"

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

/*
 * Schema version 3: the vocabulary of spelling corrections (store_vocab.c), one
 * row a folded word, filled by indexing the stored text again; and the
 * texts a document holds (refs: "loi/2014-773", from its "reference"
 * metadata, reference.c), which links to "ref:<key>" reach, whichever
 * document holds that text when they are read.  No index before 3 has
 * such metadata: the plugins that give it are new, so the next run
 * extracts those documents again and fills refs.
 */
static const char store_schema_v3[] =
	"CREATE TABLE vocab("
	"  word TEXT PRIMARY KEY,"
	"  form TEXT NOT NULL,"
	"  df INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE refs("
	"  key TEXT NOT NULL,"
	"  doc INTEGER NOT NULL REFERENCES docs(rowid) ON DELETE CASCADE,"
	"  PRIMARY KEY (key, doc)) WITHOUT ROWID;"
	"CREATE INDEX refs_doc ON refs(doc);";

static const char *const store_migrations[] = {
	store_schema_v1,	/* 0 -> 1: an empty file becomes an index */
	store_schema_v2,	/* 1 -> 2: postings */
	store_schema_v3,	/* 2 -> 3: vocabulary */
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
	    "ptomb; DELETE FROM vocab; INSERT INTO fts (fts) VALUES "
	    "('delete-all')", cause) == -1)
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
		/* Once, at the last step, for a schema 1 or 2 index. */
		if (version >= 1 && version + 1 == STORE_SCHEMA_VERSION &&
		    store_reindex(st, cause) == -1)
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
	st->followed = -1;
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
	if (search_register(st->db) != SQLITE_OK ||
	    vocab_register(st->db) != SQLITE_OK) {
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
store_path(struct store *st)
{
	return st->path;
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
	st->full = 0;
	st->need = 0;
	st->followed = -1;
	return store_exec(st, "BEGIN IMMEDIATE", NULL);
}

/* Room a commit keeps on top of the index file's growth: the commit's own
 * frame, the -shm file growing, the WAL header. */
#define STORE_ROOM_SLACK	(256 * 1024)

static int64_t
store_wal_size(struct store *st)
{
	struct stat	 sb;
	char		*wal;
	int		 rc;

	wal = xsprintf("%s-wal", st->path);
	rc = stat(wal, &sb);
	free(wal);
	return rc == 0 ? (int64_t)sb.st_size : 0;
}

/* How much the index file grows when the open transaction is folded in:
 * its pages beyond the file's size; -1 when SQLite cannot tell. */
static int64_t
store_growth(struct store *st)
{
	struct stat	 sb;
	long long	 pages, psize;
	int64_t		 grow;

	if (store_pragma_int(st, "page_count", &pages) == -1 ||
	    store_pragma_int(st, "page_size", &psize) == -1 ||
	    stat(st->path, &sb) == -1)
		return -1;
	grow = (int64_t)pages * psize - (int64_t)sb.st_size;
	return grow > 0 ? grow : 0;
}

/* Is there room to fold the batch, all in the WAL now, into the index
 * file?  A file system that cannot say lets the commit try. */
static int
store_room(struct store *st)
{
	struct statvfs	 sv;
	int64_t		 grow, avail;

	if ((grow = store_growth(st)) == -1 || statvfs(st->path, &sv) == -1)
		return 0;
	avail = (int64_t)sv.f_bavail * (int64_t)sv.f_frsize;
	if (grow + STORE_ROOM_SLACK <= avail)
		return 0;
	st->full = 1;
	st->need = store_wal_size(st) + grow + STORE_ROOM_SLACK;
	log_debug("%s: %lld bytes free, folding the batch in needs %lld",
	    st->path, (long long)avail, (long long)grow + STORE_ROOM_SLACK);
	return -1;
}

/*
 * The pending postings are written in the transaction of their
 * documents, right before it commits.
 *
 * A full disk must never leave a committed batch that the index file has
 * no room to take in: the WAL could then neither be folded in nor
 * truncated, and the disk would stay full.  So the batch's pages go to the
 * WAL first (a full disk fails there, and the batch rolls back whole), the
 * commit happens only if the file system has room for the index file to
 * grow by the batch's new pages, and a checkpoint right after folds them
 * in, so the next batch starts the WAL again from its beginning and a
 * failed one leaves a WAL that store_truncate_wal can empty.
 */
int
store_commit(struct store *st)
{
	char	*cause = NULL;
	int	 rc;

	if (st->pw != NULL && pwriter_flush(st->pw, &cause) == -1) {
		log_warnx("%s: %s", st->path, cause);
		free(cause);
		return -1;
	}
	/* Its failure does not reach the connection's error code. */
	if ((rc = sqlite3_db_cacheflush(st->db)) != SQLITE_OK) {
		st->full = (rc & 0xff) == SQLITE_FULL ||
		    ((rc & 0xff) == SQLITE_IOERR &&
		    sqlite3_system_errno(st->db) == ENOSPC);
		return -1;
	}
	if (store_room(st) == -1)
		return -1;
	if (store_exec(st, "COMMIT", NULL) == -1)
		return -1;
	/* Best effort: a reader still on an older snapshot keeps its
	 * frames until it moves on; the commit stands either way. */
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc != SQLITE_OK)
		log_debug("%s: checkpoint: %s", st->path,
		    sqlite3_errmsg(st->db));
	return 0;
}

int
store_disk_full(struct store *st)
{
	int	 code = sqlite3_extended_errcode(st->db) & 0xff;

	if (st->full)
		return 1;
	return code == SQLITE_FULL || (code == SQLITE_IOERR &&
	    sqlite3_system_errno(st->db) == ENOSPC);
}

int64_t
store_need(struct store *st)
{
	int64_t	 wal, grow = -1;

	if (st->need > 0)
		return st->need;
	wal = store_wal_size(st);
	if (!sqlite3_get_autocommit(st->db))
		grow = store_growth(st);
	/* Rolled back already: its new pages would have taken about as
	 * much room in the index file as in the WAL. */
	if (grow <= 0)
		grow = wal;
	return wal + grow + STORE_ROOM_SLACK;
}

int
store_truncate_wal(struct store *st)
{
	int	 rc;

	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return rc == SQLITE_OK && store_wal_size(st) == 0 ? 0 : -1;
}

int
store_space(struct store *st, int64_t *avail, char **mount)
{
	struct statvfs	 sv;
	struct stat	 sb, up;
	char		 real[PATH_MAX], dir[PATH_MAX], *parent;

	*mount = NULL;
	if (statvfs(st->path, &sv) == -1)
		return -1;
	*avail = (int64_t)sv.f_bavail * (int64_t)sv.f_frsize;
	if (realpath(st->path, real) == NULL || stat(real, &sb) == -1)
		return -1;
	/* Up from the index's folder while the device stays the same. */
	snprintf(dir, sizeof dir, "%s", dirname(real));
	while (strcmp(dir, "/") != 0) {
		snprintf(real, sizeof real, "%s", dir);
		parent = dirname(real);
		if (stat(parent, &up) == -1 || up.st_dev != sb.st_dev)
			break;
		memmove(dir, parent, strlen(parent) + 1);
	}
	*mount = xstrdup(dir);
	return 0;
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

const struct speller *
store_speller(struct store *st, int64_t *ndocs)
{
	struct pindex	*pi;

	*ndocs = 0;
	if ((pi = store_postings(st)) == NULL)
		return NULL;
	*ndocs = pindex_ndocs(pi);
	return pindex_speller(pi);
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
