/*
 * store_write.c - what the writer puts in the index: a file's documents
 * (their digest, their packed text and metadata, their FTS5 rows and
 * postings, their facets and links, the change feed), its source row,
 * the removal of a source and the declared content types.  Owns the
 * packing dictionary of the index (sampled from its first documents) and
 * the rule that keeps an unchanged document's rowid.
 *
 * Every function here runs inside the caller's transaction (store_begin);
 * none opens, commits or migrates anything: the connection, the schema
 * and the checks are store.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "savoir.h"
#include "store_int.h"

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

/* Step a statement whose one row is an id: 0 and *id, or -1. */
static int
store_step_id(sqlite3_stmt *stmt, int64_t *id)
{
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return -1;
	*id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return 0;
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

/* Whether the document has a value for facet key. */
static int
store_has_facet(const struct xdoc *d, const char *key)
{
	size_t	 i;

	for (i = 0; i < d->facets.n; i++)
		if (strcmp(d->facets.v[i].key, key) == 0)
			return 1;
	return 0;
}

/* Insert one document and everything hanging off it: 0, 1 when its id is
 * another file's document's, -1 with *cause. */
int
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
	static const char ins_ref[] = "INSERT OR IGNORE INTO refs (key, doc) "
	    "VALUES (?, ?)";
	struct textref	 tr;
	size_t		 pos;
	sqlite3_stmt	*stmt;
	const char	*title;
	char		*meta, *norm;
	size_t		 tlen, i, olen = 0;
	unsigned char	*owned = NULL;
	int64_t		 rowid, seq;
	int		 c, rc, local, yielded = 0;

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
	if (d->packed == NULL) {
		const char	*part[5];
		size_t		 len[5];

		store_parts(d, meta, part, len);
		owned = store_pack(st, part, len, 5, &olen);
	}
	free(meta);
again:
	if ((stmt = store_stmt(st, ins_doc)) == NULL) {
		free(owned);
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
	else
		sqlite3_bind_blob(stmt, 9, owned, (int)olen, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_CONSTRAINT_UNIQUE && !yielded) {
		/* A synced copy gives way to a local document. */
		yielded = 1;
		if ((rc = store_sync_yield(st, d->id, source)) == 1)
			goto again;
		if (rc == -1) {
			free(owned);
			goto sqlfail;
		}
		rc = SQLITE_CONSTRAINT_UNIQUE;
	}
	free(owned);
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

	/* A local document of an index that follows another instance is
	 * « Locale » in the « Origine » facet (synced ones carry their
	 * origin's host). */
	local = 0;
	if (!store_has_facet(d, STORE_SYNC_FACET)) {
		if ((local = store_sync_followed(st)) == -1)
			goto sqlfail;
	}
	for (i = 0; i <= d->facets.n + (size_t)local; i++) {
		/* The type is a facet like any other: type:note. */
		const char *k = i < d->facets.n ? d->facets.v[i].key :
		    i == d->facets.n ? "type" : STORE_SYNC_FACET;
		const char *v = i < d->facets.n ? d->facets.v[i].value :
		    i == d->facets.n ? d->type : STORE_SYNC_LOCAL;
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
			if (store_step_id(stmt, &val) == -1)
				goto sqlfail;
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

	/* The texts it holds: "loi n° 2014-773 du 7 juillet 2014" gives
	 * loi/2014-773 and loi/2014-07-07. */
	if ((stmt = store_stmt(st, ins_ref)) == NULL)
		goto sqlfail;
	for (i = 0; i < d->meta.n; i++) {
		if (strcmp(d->meta.v[i].key, "reference") != 0)
			continue;
		pos = 0;
		while (textref_next(d->meta.v[i].value,
		    strlen(d->meta.v[i].value), &pos, &tr)) {
			for (c = 0; c < 2; c++) {
				if ((c == 0 ? tr.key : tr.key2)[0] == '\0')
					continue;
				sqlite3_reset(stmt);
				sqlite3_bind_text(stmt, 1, c == 0 ? tr.key :
				    tr.key2, -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(stmt, 2, rowid);
				if (sqlite3_step(stmt) != SQLITE_DONE)
					goto sqlfail;
			}
		}
	}
	return 0;
sqlfail:
	xasprintf(cause, "cannot store %s: %s", d->id, sqlite3_errmsg(st->db));
	return -1;
}

int
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
	if (store_step_id(stmt, &sid) == -1)
		goto sqlfail;

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
store_source_error(struct store *st, int64_t id, const char *why)
{
	static const char sql[] = "UPDATE sources SET error = ? WHERE id = ?";
	sqlite3_stmt	*stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, why, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, id);
	return sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
}

void
store_checkpoint(struct store *st)
{
	sqlite3_exec(st->db, "PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);",
	    NULL, NULL, NULL);
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
	strv_free(ids, n);
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
	int				 followed, own;

	/* An index that follows another instance has « Origine » on every
	 * type (store_sync.c). */
	if ((followed = store_sync_followed(st)) == -1)
		return -1;
	for (i = 0; i < npl; i++) {
		for (t = pl[i]->types; t->name != NULL; t++) {
			a = json_array();
			own = 0;
			for (f = t->facets; f != NULL && f->key != NULL; f++) {
				json_array_append_new(a, json_pack("{s:s,s:s,"
				    "s:i}", "key", f->key, "label", f->label ?
				    f->label : f->key, "kind", f->kind));
				own |= strcmp(f->key, STORE_SYNC_FACET) == 0;
			}
			if (followed && !own)
				json_array_append_new(a, json_pack("{s:s,s:s,"
				    "s:i}", "key", STORE_SYNC_FACET, "label",
				    "Origine", "kind", 0));
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
