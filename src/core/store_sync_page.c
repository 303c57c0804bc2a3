/*
 * store_sync_page.c - the origin's side of savoir sync: a page of the
 * change feed with each put's document as the index holds it (its text,
 * HTML, metadata, facets, links, hash, ranking weight) and the content
 * types it needs, within a byte budget, in one read transaction
 * (/api/changes?full=1).  The follower's side is store_sync.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "savoir.h"
#include "store_int.h"

/* A JSON string from index text, never NULL: a bad byte is repaired. */
static json_t *
sync_str(const char *s, size_t len)
{
	struct buf	 b;
	json_t		*j;

	if (s == NULL)
		return json_string("");
	if ((j = json_stringn(s, len)) != NULL)
		return j;
	buf_init(&b);
	utf8_repair(s, len, &b);
	j = json_stringn(b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return j != NULL ? j : json_string("");
}

static json_t *
sync_col(sqlite3_stmt *stmt, int i)
{
	return sync_str((const char *)sqlite3_column_text(stmt, i),
	    (size_t)sqlite3_column_bytes(stmt, i));
}

/* The document's ranking weight, as its postings hold it (1 if none). */
static double
sync_weight(struct store *st, int64_t rowid)
{
	static const char sql[] = "SELECT substr(norms, (?1 - mindoc) * 4 + "
	    "4, 1) FROM pseg WHERE ?1 BETWEEN mindoc AND maxdoc";
	sqlite3_stmt		*stmt;
	const unsigned char	*p;
	double			 w = 1.0;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return w;
	sqlite3_bind_int64(stmt, 1, rowid);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		p = sqlite3_column_blob(stmt, 0);
		if (p != NULL && sqlite3_column_bytes(stmt, 0) == 1 &&
		    p[0] != 0) {
			w = p[0] / 100.0;
			break;
		}
	}
	sqlite3_reset(stmt);
	return w;
}

/*
 * The document id as the feed carries it, or NULL when the index has no
 * such document; *size the bytes of its text, for the page's budget.
 */
static json_t *
sync_doc_json(struct store *st, const char *id, size_t *size, char **cause)
{
	static const char doc_sql[] = "SELECT rowid, type, savoir_part(text, "
	    "0), savoir_part(text, 1), savoir_part(text, 2), "
	    "savoir_part(text, 3), savoir_part(text, 4), hash, updated_at "
	    "FROM docs WHERE id = ?";
	static const char facet_sql[] = "SELECT key, value FROM facets WHERE "
	    "doc = ?1 AND NOT (key = 'type' AND value = ?2) AND key != '"
	    STORE_SYNC_FACET "' ORDER BY key, value";
	static const char link_sql[] = "SELECT target, rel, label FROM links "
	    "WHERE src = ? ORDER BY rowid";
	sqlite3_stmt	*stmt;
	json_t		*d, *a, *meta;
	int64_t		 rowid;
	char		*type;
	int		 rc, c;

	*size = 0;
	if ((stmt = store_stmt(st, doc_sql)) == NULL)
		goto fail;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
		sqlite3_reset(stmt);
		if (rc == SQLITE_DONE)
			return NULL;
		goto fail;
	}
	rowid = sqlite3_column_int64(stmt, 0);
	type = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	meta = json_loads((const char *)sqlite3_column_text(stmt, 6), 0, NULL);
	if (!json_is_array(meta)) {
		json_decref(meta);
		meta = json_array();
	}
	d = json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "id",
	    sync_str(id, strlen(id)), "type", type, "title",
	    sync_col(stmt, 2), "headings", sync_col(stmt, 3), "body",
	    sync_col(stmt, 4), "html", sync_col(stmt, 5), "meta", meta,
	    "hash", sync_col(stmt, 7), "updated_at",
	    (json_int_t)sqlite3_column_int64(stmt, 8));
	for (c = 2; c <= 6; c++)
		*size += (size_t)sqlite3_column_bytes(stmt, c);
	sqlite3_reset(stmt);
	if (d == NULL) {
		free(type);
		xasprintf(cause, "%s: cannot encode document %s", st->path,
		    id);
		return NULL;
	}
	json_object_set_new(d, "weight", json_real(sync_weight(st, rowid)));

	if ((stmt = store_stmt(st, facet_sql)) == NULL)
		goto faild;
	a = json_array();
	sqlite3_bind_int64(stmt, 1, rowid);
	sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_array_append_new(a, json_pack("[oo]", sync_col(stmt, 0),
		    sync_col(stmt, 1)));
		*size += (size_t)sqlite3_column_bytes(stmt, 1) + 16;
	}
	sqlite3_reset(stmt);
	json_object_set_new(d, "facets", a);
	if (rc != SQLITE_DONE)
		goto faild;

	if ((stmt = store_stmt(st, link_sql)) == NULL)
		goto faild;
	a = json_array();
	sqlite3_bind_int64(stmt, 1, rowid);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_array_append_new(a, json_pack("[ooo]", sync_col(stmt, 0),
		    sync_col(stmt, 1), sqlite3_column_type(stmt, 2) ==
		    SQLITE_NULL ? json_null() : sync_col(stmt, 2)));
		*size += (size_t)sqlite3_column_bytes(stmt, 0) + 32;
	}
	sqlite3_reset(stmt);
	json_object_set_new(d, "links", a);
	if (rc != SQLITE_DONE)
		goto faild;
	free(type);
	return d;
faild:
	json_decref(d);
	free(type);
fail:
	xasprintf(cause, "%s: cannot read document %s: %s", st->path, id,
	    sqlite3_errmsg(st->db));
	return NULL;
}

/* The declaration of type name into types (once), if it has one. */
static int
sync_type_json(struct store *st, const char *name, json_t *types,
    json_t *seen)
{
	static const char sql[] = "SELECT label, label_plural, plugin, facets "
	    "FROM types WHERE name = ?";
	sqlite3_stmt	*stmt;
	json_t		*facets;
	int		 rc;

	if (json_object_get(seen, name) != NULL)
		return 0;
	json_object_set_new(seen, name, json_true());
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		facets = json_loads((const char *)sqlite3_column_text(stmt, 3),
		    0, NULL);
		if (!json_is_array(facets)) {
			json_decref(facets);
			facets = json_array();
		}
		json_array_append_new(types, json_pack("{s:o,s:o,s:o,s:o,s:o}",
		    "name", sync_str(name, strlen(name)), "label",
		    sync_col(stmt, 0), "label_plural", sync_col(stmt, 1),
		    "plugin", sync_col(stmt, 2), "facets", facets));
		rc = SQLITE_DONE;
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_sync_page(struct store *st, int64_t since, int64_t limit,
    size_t budget, struct json_t **out, char **cause)
{
	static const char sql[] = "SELECT seq, doc, op, at FROM changes "
	    "WHERE seq > ? ORDER BY seq LIMIT ?";
	static const char max_sql[] = "SELECT coalesce(max(seq), 0) FROM "
	    "changes";
	sqlite3_stmt	*stmt;
	json_t		*changes, *types, *seen, *doc, *ch;
	struct {
		int64_t	 seq, at;
		char	*id;
		int	 put;
	}		*rows = NULL;
	size_t		 nrows = 0, i, size, used = 0;
	int64_t		 next = since, last = 0;
	char		*epoch = NULL;
	int		 rc, more = 0, ret = -1;

	*out = NULL;
	if (limit < 1)
		limit = 1;
	/* One snapshot for the page: a put's document is the one of its
	 * change, not one written since. */
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	changes = json_array();
	types = json_array();
	seen = json_object();
	if ((stmt = store_stmt(st, sql)) == NULL)
		goto sqlfail;
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, limit + 1);
	rows = xcalloc((size_t)limit + 1, sizeof *rows);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rows[nrows].seq = sqlite3_column_int64(stmt, 0);
		rows[nrows].id = xstrdup((const char *)
		    sqlite3_column_text(stmt, 1));
		rows[nrows].put = strcmp((const char *)
		    sqlite3_column_text(stmt, 2), "put") == 0;
		rows[nrows].at = sqlite3_column_int64(stmt, 3);
		nrows++;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto sqlfail;
	if ((int64_t)nrows > limit) {
		more = 1;
		nrows--;
	}
	for (i = 0; i < nrows; i++) {
		doc = NULL;
		size = 64;
		if (rows[i].put) {
			doc = sync_doc_json(st, rows[i].id, &size, cause);
			if (doc == NULL && *cause != NULL)
				goto out;
		}
		/* The first change always goes, however large. */
		if (i > 0 && used + size > budget) {
			json_decref(doc);
			more = 1;
			break;
		}
		used += size;
		ch = json_pack("{s:I,s:o,s:s,s:I}", "seq",
		    (json_int_t)rows[i].seq, "id", sync_str(rows[i].id,
		    strlen(rows[i].id)), "op", rows[i].put ? "put" : "del",
		    "at", (json_int_t)rows[i].at);
		if (doc != NULL) {
			if (sync_type_json(st, json_string_value(
			    json_object_get(doc, "type")), types, seen) == -1) {
				json_decref(doc);
				json_decref(ch);
				goto sqlfail;
			}
			json_object_set_new(ch, "doc", doc);
		}
		json_array_append_new(changes, ch);
		next = rows[i].seq;
	}
	if ((stmt = store_stmt(st, max_sql)) == NULL)
		goto sqlfail;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		last = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	epoch = store_meta_get(st, "created");
	*out = json_pack("{s:I,s:I,s:I,s:b,s:s,s:O,s:O}", "since",
	    (json_int_t)since, "next", (json_int_t)next, "last",
	    (json_int_t)last, "more", more, "epoch", epoch != NULL ? epoch :
	    "", "changes", changes, "types", types);
	if (*out == NULL) {
		xasprintf(cause, "%s: cannot encode the change feed", st->path);
		goto out;
	}
	ret = 0;
	goto out;
sqlfail:
	xasprintf(cause, "%s: cannot read the change feed: %s", st->path,
	    sqlite3_errmsg(st->db));
out:
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	for (i = 0; rows != NULL && i <= (size_t)limit; i++)
		free(rows[i].id);
	free(rows);
	free(epoch);
	json_decref(changes);
	json_decref(types);
	json_decref(seen);
	return ret;
}

/* --- the follower's side --- */
