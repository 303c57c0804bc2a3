/*
 * store_sync.c - one instance following another, the follower's side:
 * a page of the origin's change feed with content (store_sync_page.c
 * makes it there) is applied in one write transaction together with the
 * sync state of that origin (meta row "sync:<origin>": epoch, last
 * applied seq, generation), so a sync killed half-way resumes exactly
 * after the last page applied.
 *
 * Synced documents belong to one source row per origin (root = the
 * origin's URL, plugin = "savoir-sync"); docs.ord holds the generation
 * that last saw them, which is how a full pass after the origin's epoch
 * changed finds the documents the new feed no longer has.  A synced put
 * never replaces a document of another source (it is skipped and
 * counted); a local document replaces a synced one of the same id
 * (store_sync_yield, from store_insert_doc).  Either way the id is
 * remembered (meta row "shadow:<id>" = the origin): when the local
 * document goes, the end of that indexing run (store_sync_local_done)
 * sends the origin's next sync through a full pass, which brings the
 * synced copy back.  Once an index follows an origin, its local
 * documents are « Locale » in the « Origine » facet.  This file never
 * talks to the network: cmd_sync.c fetches, this applies.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "savoir.h"
#include "store_int.h"

#define SYNC_PLUGIN	"savoir-sync"
#define SYNC_FACET	STORE_SYNC_FACET

void
store_sync_state_clear(struct store_sync_state *ss)
{
	if (ss == NULL)
		return;
	free(ss->epoch);
	memset(ss, 0, sizeof *ss);
}

int
store_sync_state(struct store *st, const char *origin,
    struct store_sync_state *ss, char **cause)
{
	json_t		*j;
	char		*key, *v;
	const char	*e;

	memset(ss, 0, sizeof *ss);
	key = xsprintf("sync:%s", origin);
	v = store_meta_get(st, key);
	free(key);
	if (v == NULL)
		return 0;
	j = json_loads(v, 0, NULL);
	free(v);
	if (j == NULL || json_unpack(j, "{s:s,s:I,s:I,s:b}", "epoch", &e,
	    "seq", &ss->seq, "gen", &ss->gen, "full", &ss->full) == -1) {
		json_decref(j);
		xasprintf(cause, "%s: the sync state of %s is unreadable",
		    st->path, origin);
		return -1;
	}
	ss->epoch = xstrdup(e);
	json_decref(j);
	return 0;
}

static int
sync_state_put(struct store *st, const char *origin,
    const struct store_sync_state *ss)
{
	json_t	*j;
	char	*key, *v;
	int	 rc;

	j = json_pack("{s:s,s:I,s:I,s:b}", "epoch", ss->epoch, "seq",
	    (json_int_t)ss->seq, "gen", (json_int_t)ss->gen, "full", ss->full);
	v = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	key = xsprintf("sync:%s", origin);
	rc = v != NULL ? store_meta_set(st, key, v) : -1;
	free(key);
	free(v);
	return rc;
}

/* The origin's source row, made the first time. */
static int
sync_source(struct store *st, const char *origin, int64_t *sid)
{
	static const char sql[] = "INSERT INTO sources (root, path, size, "
	    "mtime_ns, hash, plugin, indexed_at) VALUES (?, '', 0, 0, '', '"
	    SYNC_PLUGIN "', ?) ON CONFLICT (root, path) DO UPDATE SET "
	    "indexed_at = excluded.indexed_at RETURNING id, plugin";
	sqlite3_stmt	*stmt;
	const char	*p;
	int		 rc = -1;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now_ms());
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*sid = sqlite3_column_int64(stmt, 0);
		p = (const char *)sqlite3_column_text(stmt, 1);
		rc = p != NULL && strcmp(p, SYNC_PLUGIN) == 0 ? 0 : -1;
	}
	sqlite3_reset(stmt);
	if (rc == 0)
		st->followed = 1;
	return rc;
}

int
store_sync_followed(struct store *st)
{
	static const char sql[] = "SELECT 1 FROM sources WHERE plugin = '"
	    SYNC_PLUGIN "' LIMIT 1";
	sqlite3_stmt	*stmt;
	int		 rc;

	if (st->followed != -1)
		return st->followed;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	st->followed = rc == SQLITE_ROW;
	return st->followed;
}

/* Remember that a local document holds an id origin has too. */
static int
sync_shadow(struct store *st, const char *id, const char *origin)
{
	char	*key;
	int	 rc;

	key = xsprintf("shadow:%s", id);
	rc = store_meta_set(st, key, origin);
	free(key);
	return rc;
}

/*
 * The local documents of this index lacking an « Origine » value get
 * « Locale »: those indexed before the first sync (later ones get it as
 * they go in, store_insert_doc).
 */
static int
sync_tag_local(struct store *st)
{
	static const char ins[] = "INSERT INTO fval (key, value, norm) "
	    "VALUES ('" SYNC_FACET "', '" STORE_SYNC_LOCAL "', ?) ON CONFLICT "
	    "DO NOTHING";
	static const char tag[] = "INSERT OR IGNORE INTO fdoc (val, doc) "
	    "SELECT v.id, d.rowid FROM docs d JOIN sources s ON s.id = "
	    "d.source JOIN fval v ON v.key = '" SYNC_FACET "' AND v.value = '"
	    STORE_SYNC_LOCAL "' AND v.norm = ?1 WHERE s.plugin IS NOT '"
	    SYNC_PLUGIN "' AND NOT EXISTS (SELECT 1 FROM fdoc f JOIN fval w ON "
	    "w.id = f.val WHERE f.doc = d.rowid AND w.key = '" SYNC_FACET "')";
	sqlite3_stmt	*stmt;
	char		*norm;
	int		 rc;

	norm = fr_fold(STORE_SYNC_LOCAL, strlen(STORE_SYNC_LOCAL));
	if ((stmt = store_stmt(st, ins)) == NULL) {
		free(norm);
		return -1;
	}
	sqlite3_bind_text(stmt, 1, norm, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE && (stmt = store_stmt(st, tag)) != NULL) {
		sqlite3_bind_text(stmt, 1, norm, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_ERROR;
	free(norm);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A string member of a JSON object, or NULL. */
static const char *
sync_get(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
sync_text(struct buf *b, json_t *o, const char *key)
{
	json_t	*s = json_object_get(o, key);

	if (!json_is_string(s))
		return -1;
	buf_add(b, json_string_value(s), json_string_length(s));
	return 0;
}

static int
sync_is_hash(const char *h)
{
	size_t	 i;

	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
		    (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

/* The document a put carries, as an extracted one: NULL when malformed. */
static struct xdoc *
sync_xdoc(json_t *o, const char *label)
{
	struct xdoc	*d;
	json_t		*a, *e, *l;
	const char	*id, *type, *k, *v, *lab;
	size_t		 i;
	double		 w;

	if ((id = sync_get(o, "id")) == NULL || *id == '\0' ||
	    (type = sync_get(o, "type")) == NULL || *type == '\0' ||
	    sync_get(o, "hash") == NULL || !sync_is_hash(sync_get(o, "hash")))
		return NULL;
	d = xdoc_new(id, type);
	if (sync_text(&d->text[0], o, "title") == -1 ||
	    sync_text(&d->text[1], o, "headings") == -1 ||
	    sync_text(&d->text[2], o, "body") == -1 ||
	    sync_get(o, "html") == NULL)
		goto bad;
	d->html = xstrdup(sync_get(o, "html"));
	if (json_is_number(json_object_get(o, "weight"))) {
		w = json_number_value(json_object_get(o, "weight"));
		d->weight = w > 0 && w <= 2.0 ? w : 1.0;
	}
	if (!json_is_array(a = json_object_get(o, "meta")))
		goto bad;
	json_array_foreach(a, i, e) {
		if (!json_is_array(e) || json_array_size(e) != 3 ||
		    (k = json_string_value(json_array_get(e, 0))) == NULL ||
		    (lab = json_string_value(json_array_get(e, 1))) == NULL ||
		    (v = json_string_value(json_array_get(e, 2))) == NULL)
			goto bad;
		kvlist_add(&d->meta, k, lab, v);
	}
	if (!json_is_array(a = json_object_get(o, "facets")))
		goto bad;
	json_array_foreach(a, i, e) {
		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    (k = json_string_value(json_array_get(e, 0))) == NULL ||
		    (v = json_string_value(json_array_get(e, 1))) == NULL)
			goto bad;
		/* The store adds the type facet itself; « origine » is ours. */
		if (strcmp(k, SYNC_FACET) != 0 && strcmp(k, "type") != 0)
			kvlist_add(&d->facets, k, NULL, v);
	}
	kvlist_add(&d->facets, SYNC_FACET, NULL, label);
	if (!json_is_array(a = json_object_get(o, "links")))
		goto bad;
	json_array_foreach(a, i, e) {
		l = json_array_get(e, 2);
		if (!json_is_array(e) || json_array_size(e) != 3 ||
		    (k = json_string_value(json_array_get(e, 0))) == NULL ||
		    (v = json_string_value(json_array_get(e, 1))) == NULL ||
		    !(json_is_string(l) || json_is_null(l)))
			goto bad;
		kvlist_add(&d->links, k, json_string_value(l), v);
	}
	return d;
bad:
	xdoc_free(d);
	return NULL;
}

/* A type the synced documents need: declared as the origin declares it
 * unless this index declares it already, and with the « Origine » facet
 * either way (savoir index declares its types again without it; the next
 * sync adds it back). */
static int
sync_put_type(struct store *st, json_t *t)
{
	static const char get[] = "SELECT facets FROM types WHERE name = ?";
	static const char put[] = "INSERT OR REPLACE INTO types (name, label, "
	    "label_plural, plugin, facets) VALUES (?, ?, ?, ?, ?)";
	static const char upd[] = "UPDATE types SET facets = ? WHERE name = ?";
	sqlite3_stmt	*stmt;
	json_t		*facets = NULL, *f;
	const char	*name, *label, *plural, *plugin;
	char		*s;
	size_t		 i;
	int		 rc, found;

	if ((name = sync_get(t, "name")) == NULL || *name == '\0' ||
	    (label = sync_get(t, "label")) == NULL ||
	    (plural = sync_get(t, "label_plural")) == NULL ||
	    (plugin = sync_get(t, "plugin")) == NULL ||
	    !json_is_array(json_object_get(t, "facets")))
		return 1;
	if ((stmt = store_stmt(st, get)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		facets = json_loads((const char *)sqlite3_column_text(stmt, 0),
		    0, NULL);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	found = rc == SQLITE_ROW;
	if (!found) {
		facets = json_deep_copy(json_object_get(t, "facets"));
		/* Only well-formed declarations. */
		for (i = 0; i < json_array_size(facets); i++) {
			f = json_array_get(facets, i);
			if (sync_get(f, "key") == NULL ||
			    sync_get(f, "label") == NULL ||
			    !json_is_integer(json_object_get(f, "kind"))) {
				json_array_remove(facets, i);
				i--;
			}
		}
	}
	if (!json_is_array(facets)) {
		json_decref(facets);
		facets = json_array();
	}
	json_array_foreach(facets, i, f)
		if (strcmp(sync_get(f, "key") ? sync_get(f, "key") : "",
		    SYNC_FACET) == 0)
			break;
	if (found && i < json_array_size(facets)) {
		json_decref(facets);
		return 0;
	}
	if (i == json_array_size(facets))
		json_array_append_new(facets, json_pack("{s:s,s:s,s:i}", "key",
		    SYNC_FACET, "label", "Origine", "kind", 0));
	s = json_dumps(facets, JSON_COMPACT);
	json_decref(facets);
	if (s == NULL)
		return -1;
	if ((stmt = store_stmt(st, found ? upd : put)) == NULL) {
		free(s);
		return -1;
	}
	if (found) {
		sqlite3_bind_text(stmt, 1, s, -1, free);
		sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, label, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, plural, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, plugin, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 5, s, -1, free);
	}
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * At the end of a run: every type of the index declares the « Origine »
 * facet (a type only local documents have as well: they are « Locale »).
 */
static int
sync_retype(struct store *st)
{
	static const char sql[] = "SELECT DISTINCT type FROM docs";
	sqlite3_stmt	*stmt;
	char		**names = NULL;
	size_t		 n = 0, i;
	json_t		*t;
	int		 rc, ret = -1;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup((const char *)sqlite3_column_text(stmt,
		    0));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto out;
	for (i = 0; i < n; i++) {
		/* Undeclared here: declared with the name for labels. */
		t = json_pack("{s:s,s:s,s:s,s:s,s:[]}", "name", names[i],
		    "label", names[i], "label_plural", names[i], "plugin",
		    SYNC_PLUGIN, "facets");
		rc = t != NULL ? sync_put_type(st, t) : 1;
		json_decref(t);
		if (rc == -1)
			goto out;
	}
	ret = 0;
out:
	strv_free(names, n);
	return ret;
}

/* The document of this id: 1 with its rowid, source and hash, 0 none. */
static int
sync_existing(struct store *st, const char *id, int64_t *rowid,
    int64_t *source, char hash[65])
{
	static const char sql[] = "SELECT rowid, source, hash FROM docs "
	    "WHERE id = ?";
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*rowid = sqlite3_column_int64(stmt, 0);
		*source = sqlite3_column_int64(stmt, 1);
		snprintf(hash, 65, "%s", (const char *)
		    sqlite3_column_text(stmt, 2));
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sync_set_gen(struct store *st, int64_t rowid, int64_t gen)
{
	static const char sql[] = "UPDATE docs SET ord = ? WHERE rowid = ?";
	sqlite3_stmt	*stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, gen);
	sqlite3_bind_int64(stmt, 2, rowid);
	return sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
}

/* After a full pass: the origin's documents it did not bring again. */
static int
sync_sweep(struct store *st, int64_t sid, int64_t gen, int64_t *n)
{
	static const char sql[] = "SELECT rowid, id FROM docs WHERE source = ? "
	    "AND ord < ?";
	sqlite3_stmt	*stmt;
	char		**ids = NULL;
	int64_t		*rowids = NULL;
	size_t		 nid = 0, i;
	int		 rc, ret = -1;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, sid);
	sqlite3_bind_int64(stmt, 2, gen);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ids = xreallocarray(ids, nid + 1, sizeof *ids);
		rowids = xreallocarray(rowids, nid + 1, sizeof *rowids);
		rowids[nid] = sqlite3_column_int64(stmt, 0);
		ids[nid++] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto out;
	for (i = 0; i < nid; i++)
		if (store_delete_doc(st, rowids[i], ids[i]) == -1)
			goto out;
	*n += (int64_t)nid;
	ret = 0;
out:
	strv_free(ids, nid);
	free(rowids);
	return ret;
}

/* Apply one change; -1 on a store error, 1 when malformed. */
static int
sync_change(struct store *st, json_t *c, int64_t sid, int64_t gen,
    const char *origin, const char *label, struct store_sync_stats *stats,
    char **cause)
{
	struct xdoc	*d;
	const char	*id, *op;
	json_t		*doc;
	int64_t		 rowid = 0, source = 0;
	char		 hash[65];
	int		 rc;

	if ((id = sync_get(c, "id")) == NULL || *id == '\0' ||
	    (op = sync_get(c, "op")) == NULL)
		return 1;
	if ((rc = sync_existing(st, id, &rowid, &source, hash)) == -1)
		return -1;
	if (strcmp(op, "del") == 0) {
		if (rc == 1 && source == sid) {
			if (store_delete_doc(st, rowid, id) == -1)
				return -1;
			stats->dels++;
		}
		return 0;
	}
	if (strcmp(op, "put") != 0)
		return 1;
	if ((doc = json_object_get(c, "doc")) == NULL)
		return 0;	/* gone before the page was read */
	if (strcmp(sync_get(doc, "id") ? sync_get(doc, "id") : "", id) != 0)
		return 1;
	if (rc == 1 && source != sid) {
		stats->skipped++;	/* a local document (or another
					 * origin's) keeps its id */
		return sync_shadow(st, id, origin);
	}
	if (rc == 1 && strcmp(hash, sync_get(doc, "hash")) == 0) {
		stats->unchanged++;
		return sync_set_gen(st, rowid, gen);
	}
	if ((d = sync_xdoc(doc, label)) == NULL)
		return 1;
	if (rc == 1 && store_delete_doc(st, rowid, id) == -1) {
		xdoc_free(d);
		return -1;
	}
	rc = store_insert_doc(st, sid, (int)gen, d, sync_get(doc, "hash"),
	    cause);
	xdoc_free(d);
	if (rc != 0)
		return -1;
	stats->puts++;
	return 0;
}

int
store_sync_apply(struct store *st, const char *origin, const char *label,
    struct json_t *page, struct store_sync_stats *stats, char **cause)
{
	struct store_sync_state	 ss;
	json_t			*changes, *c, *types;
	const char		*epoch;
	json_int_t		 since, next, seq, prev;
	int64_t			 sid;
	size_t			 i;
	int			 more, rc;
	char			*why = NULL;

	if (json_unpack(page, "{s:I,s:I,s:b,s:s,s:o,s:o}", "since", &since,
	    "next", &next, "more", &more, "epoch", &epoch, "changes",
	    &changes, "types", &types) == -1 || !json_is_array(changes) ||
	    !json_is_array(types) || *epoch == '\0') {
		xasprintf(cause, "%s: not a page of the change feed with "
		    "content (is it a Savoir server of this version?)", origin);
		return -1;
	}
	if (store_begin(st) == -1) {
		xasprintf(cause, "%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	if (store_sync_state(st, origin, &ss, cause) == -1)
		goto fail;
	if (strcmp(ss.epoch != NULL ? ss.epoch : "", epoch) != 0 ||
	    (since == 0 && ss.seq != 0)) {
		/* A new index there (or the first sync), or the caller
		 * starting over (the origin's feed went back: an older copy
		 * imported there): a full pass. */
		if (since != 0) {
			xasprintf(cause, "%s: its index changed (epoch %s): "
			    "start over from 0", origin, epoch);
			goto fail;
		}
		free(ss.epoch);
		ss.epoch = xstrdup(epoch);
		ss.gen++;
		ss.full = 1;
		ss.seq = 0;
	}
	if (since != ss.seq) {
		xasprintf(cause, "%s: the page starts after change %lld, the "
		    "last applied is %lld", origin, (long long)since,
		    (long long)ss.seq);
		goto fail;
	}
	if (sync_source(st, origin, &sid) == -1) {
		xasprintf(cause, "%s: cannot record the origin %s: %s",
		    st->path, origin, sqlite3_errmsg(st->db));
		goto fail;
	}
	json_array_foreach(types, i, c)
		if (sync_put_type(st, c) == -1)
			goto sqlfail;
	prev = since;
	json_array_foreach(changes, i, c) {
		if (!json_is_integer(json_object_get(c, "seq")) ||
		    (seq = json_integer_value(json_object_get(c, "seq"))) <=
		    prev || seq > next) {
			xasprintf(cause, "%s: change %zu of the page is out of "
			    "order", origin, i);
			goto fail;
		}
		prev = seq;
		rc = sync_change(st, c, sid, ss.gen, origin, label, stats,
		    &why);
		if (rc == 1) {
			xasprintf(cause, "%s: change %lld is malformed",
			    origin, (long long)seq);
			goto fail;
		}
		if (rc == -1) {
			if (why != NULL) {
				*cause = why;
				why = NULL;
				goto fail;
			}
			goto sqlfail;
		}
	}
	if (next < prev) {
		xasprintf(cause, "%s: the page's next change (%lld) is behind "
		    "its changes", origin, (long long)next);
		goto fail;
	}
	ss.seq = next;
	if (!more && ss.full) {
		if (sync_sweep(st, sid, ss.gen, &stats->dels) == -1)
			goto sqlfail;
		ss.full = 0;
	}
	if (!more && (sync_retype(st) == -1 || sync_tag_local(st) == -1))
		goto sqlfail;
	if (sync_state_put(st, origin, &ss) == -1)
		goto sqlfail;
	if (store_commit(st) == -1) {
		xasprintf(cause, "%s: cannot commit: %s", st->path,
		    store_disk_full(st) ? "the disk is full" :
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	stats->pages++;
	store_sync_state_clear(&ss);
	return 0;
sqlfail:
	xasprintf(cause, "%s: %s", st->path, sqlite3_errmsg(st->db));
fail:
	store_rollback(st);
	store_sync_state_clear(&ss);
	return -1;
}

/*
 * A local document takes the id of a synced one: the synced one goes
 * (without a change of its own: the local put that follows is the
 * change).  1 when one went, 0 when the id is not a synced document's
 * (or source is a synced one itself), -1 on an error.
 */
int
store_sync_yield(struct store *st, const char *id, int64_t source)
{
	static const char sel[] = "SELECT d.rowid, s.root FROM docs d JOIN "
	    "sources s ON s.id = d.source WHERE d.id = ?1 AND s.plugin = '"
	    SYNC_PLUGIN "' AND d.source != ?2 AND NOT EXISTS (SELECT 1 FROM "
	    "sources WHERE id = ?2 AND plugin = '" SYNC_PLUGIN "')";
	static const char del[] = "DELETE FROM docs WHERE rowid = ?";
	sqlite3_stmt	*stmt;
	int64_t		 rowid;
	char		*origin;
	int		 rc;

	if ((stmt = store_stmt(st, sel)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, source);
	rc = sqlite3_step(stmt);
	rowid = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	origin = rc == SQLITE_ROW ? xstrdup((const char *)
	    sqlite3_column_text(stmt, 1)) : NULL;
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW || sync_shadow(st, id, origin) == -1 ||
	    (stmt = store_stmt(st, del)) == NULL) {
		free(origin);
		return -1;
	}
	free(origin);
	sqlite3_bind_int64(stmt, 1, rowid);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 1 : -1;
}

int
store_sync_local_done(struct store *st, int64_t *back, char **cause)
{
	static const char sel[] = "SELECT key, value FROM meta WHERE key >= "
	    "'shadow:' AND key < 'shadow;' AND NOT EXISTS (SELECT 1 FROM docs "
	    "WHERE id = substr(meta.key, 8))";
	static const char del[] = "DELETE FROM meta WHERE key = ?";
	struct store_sync_state	 ss;
	sqlite3_stmt		*stmt;
	char			**keys = NULL, **origins = NULL;
	size_t			 n = 0, i;
	int			 rc, ret = -1;

	*back = 0;
	if ((stmt = store_stmt(st, sel)) == NULL)
		goto sqlfail;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		keys = xreallocarray(keys, n + 1, sizeof *keys);
		origins = xreallocarray(origins, n + 1, sizeof *origins);
		keys[n] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		origins[n++] = xstrdup((const char *)sqlite3_column_text(stmt,
		    1));
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		goto sqlfail;
	for (i = 0; i < n; i++) {
		if ((stmt = store_stmt(st, del)) == NULL)
			goto sqlfail;
		sqlite3_bind_text(stmt, 1, keys[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			goto sqlfail;
		if (store_sync_state(st, origins[i], &ss, cause) == -1)
			goto out;
		/* Followed still, and not already going back to 0. */
		if (ss.epoch != NULL && !(ss.full && ss.seq == 0)) {
			ss.seq = 0;
			ss.gen++;
			ss.full = 1;
			if (sync_state_put(st, origins[i], &ss) == -1) {
				store_sync_state_clear(&ss);
				goto sqlfail;
			}
		}
		if (ss.epoch != NULL)
			(*back)++;
		store_sync_state_clear(&ss);
	}
	ret = 0;
	goto out;
sqlfail:
	xasprintf(cause, "%s: %s", st->path, sqlite3_errmsg(st->db));
out:
	strv_free(keys, n);
	strv_free(origins, n);
	return ret;
}

/* Documents a run changes above which it merges the postings as an
 * indexing run does (all into one on an index under 200,000 documents):
 * a replica that syncs a few documents a minute would otherwise rewrite
 * its whole postings every minute (a second on 29,115 articles). */
#define SYNC_OPTIMIZE_MIN	1000

int
store_sync_finish(struct store *st, int64_t changed, char **cause)
{
	int	 rc;

	if (store_begin(st) == -1) {
		xasprintf(cause, "%s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	if (changed >= SYNC_OPTIMIZE_MIN)
		rc = store_optimize(st, cause);
	else
		rc = postings_merge(st->db, 0, cause);	/* levels only */
	if (rc == -1) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st) == -1) {
		xasprintf(cause, "%s: cannot commit: %s", st->path,
		    sqlite3_errmsg(st->db));
		store_rollback(st);
		return -1;
	}
	store_checkpoint(st);
	return 0;
}
