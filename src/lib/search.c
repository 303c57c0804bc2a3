/*
 * search.c - runs a parsed query against the index: ranking (documents
 * with every significant word first, then the best partial matches, an
 * exact article reference before all), facet filters, facet counts over
 * the whole match set, snippets and a time budget.
 *
 * It only reads.  Nothing a person typed reaches SQL or FTS5 syntax except
 * through bound parameters and query.c's quoted expressions.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"

#define SEARCH_MAX_LIMIT	100
#define SEARCH_FACET_TOP	30
#define SNIPPET_TOKENS		"28"	/* snippet() length, in tokens */

/* Does phrase i have an instance in the title at token offset off? */
static int
title_has(const Fts5ExtensionApi *api, Fts5Context *fts, int i, int off)
{
	Fts5PhraseIter	 it;
	int		 col, o;

	for (api->xPhraseFirst(fts, i, &it, &col, &o); col >= 0;
	    api->xPhraseNext(fts, &it, &col, &o)) {
		if (col == SAVOIR_COL_TITLE && o == off)
			return 1;
		if (col > SAVOIR_COL_TITLE)
			break;		/* instances come in column order */
	}
	return 0;
}

/*
 * The second argument of savoir_cover, savoir_rank and savoir_titlephrase
 * (query_fts_any_units()): for each phrase of the MATCH expression its
 * unit (-1: excluded) and whether it is only a synonym of what was typed
 * ("s" after the unit).  Without it each phrase is its own unit.
 */
#define MAX_PHRASES	256

struct phrase_map {
	int	 n;
	long	 unit[MAX_PHRASES];
	char	 syn[MAX_PHRASES];
};

static void
phrase_map_parse(struct phrase_map *pm, int n, int nval, sqlite3_value **val)
{
	const char	*map = NULL;
	char		*end;
	int		 i;

	pm->n = n < MAX_PHRASES ? n : MAX_PHRASES;
	if (nval > 0)
		map = (const char *)sqlite3_value_text(val[0]);
	for (i = 0; i < pm->n; i++) {
		pm->unit[i] = i;
		pm->syn[i] = 0;
		if (map != NULL && *map != '\0') {
			pm->unit[i] = strtol(map, &end, 10);
			if (*end == 's') {
				pm->syn[i] = 1;
				end++;
			}
			map = *end == ',' ? end + 1 : end;
		}
	}
}

/* The map, parsed once per query: the calling function's auxiliary data. */
static const struct phrase_map *
phrase_map_get(const Fts5ExtensionApi *api, Fts5Context *fts, int nval,
    sqlite3_value **val)
{
	struct phrase_map	*pm;

	if ((pm = api->xGetAuxdata(fts, 0)) != NULL)
		return pm;
	if ((pm = sqlite3_malloc(sizeof *pm)) == NULL)
		return NULL;
	phrase_map_parse(pm, api->xPhraseCount(fts), nval, val);
	if (api->xSetAuxdata(fts, pm, sqlite3_free) != SQLITE_OK)
		return NULL;		/* xSetAuxdata freed it */
	return pm;
}

/*
 * savoir_rank(fts, units): FTS5's bm25 (k1 1.2, b 0.75, the same IDF and
 * the column weights title 10, headings 4, body 1), negated like bm25(),
 * over the phrases that were typed; the phrases that are only synonyms of
 * them add a score a million times smaller.  So among equally covering
 * documents, what the person typed decides, and a document found only
 * through a synonym ranks by how well it matches that.  Without synonyms
 * it orders rows as bm25(fts, 10.0, 4.0, 1.0) does.
 */

/* Per query (FTS5 auxiliary data): what does not change from row to row. */
struct rank_query {
	struct phrase_map	 map;
	double			 avgdl;
	double			 idf[MAX_PHRASES];
};

static int
rank_count_hit(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)arg)++;
	return SQLITE_OK;
}

static struct rank_query *
rank_query(const Fts5ExtensionApi *api, Fts5Context *fts, int nval,
    sqlite3_value **val)
{
	struct rank_query	*rq;
	sqlite3_int64		 nrow = 0, ntok = 0, nhit;
	int			 i;

	if ((rq = api->xGetAuxdata(fts, 0)) != NULL)
		return rq;
	if ((rq = sqlite3_malloc(sizeof *rq)) == NULL)
		return NULL;
	if (api->xRowCount(fts, &nrow) != SQLITE_OK ||
	    api->xColumnTotalSize(fts, -1, &ntok) != SQLITE_OK)
		goto fail;
	rq->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
	phrase_map_parse(&rq->map, api->xPhraseCount(fts), nval, val);
	for (i = 0; i < rq->map.n; i++) {
		nhit = 0;
		if (api->xQueryPhrase(fts, i, &nhit, rank_count_hit) !=
		    SQLITE_OK)
			goto fail;
		rq->idf[i] = log((0.5 + (double)(nrow - nhit)) /
		    (0.5 + (double)nhit));
		if (rq->idf[i] <= 0.0)
			rq->idf[i] = 1e-6;
	}
	if (api->xSetAuxdata(fts, rq, sqlite3_free) != SQLITE_OK)
		return NULL;		/* xSetAuxdata freed it */
	return rq;
fail:
	sqlite3_free(rq);
	return NULL;
}

static void
rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	static const double	 weight[] = { 10.0, 4.0, 1.0 };
	const double		 k1 = 1.2, b = 0.75;
	struct rank_query	*rq;
	double			 freq[MAX_PHRASES], typed = 0, other = 0, t;
	int			 i, ninst, phrase, col, off, dl = 0;

	if ((rq = rank_query(api, fts, nval, val)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	memset(freq, 0, (size_t)rq->map.n * sizeof *freq);
	if (api->xInstCount(fts, &ninst) != SQLITE_OK ||
	    api->xColumnSize(fts, -1, &dl) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, SQLITE_ERROR);
		return;
	}
	for (i = 0; i < ninst; i++) {
		if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK &&
		    phrase >= 0 && phrase < rq->map.n && col >= 0 && col < 3)
			freq[phrase] += weight[col];
	}
	for (i = 0; i < rq->map.n; i++) {
		if (rq->map.unit[i] < 0 || freq[i] == 0)
			continue;
		t = rq->idf[i] * freq[i] * (k1 + 1.0) / (freq[i] + k1 *
		    (1.0 - b + b * (double)dl / rq->avgdl));
		if (rq->map.syn[i])
			other += t;
		else
			typed += t;
	}
	sqlite3_result_double(ctx, -(typed + other * 1e-6));
}

/* The distinct units the row contains, in expression order, into used[];
 * returns how many. */
static int
units_found(const Fts5ExtensionApi *api, Fts5Context *fts,
    const struct phrase_map *pm, long used[MAX_PHRASES])
{
	Fts5PhraseIter	 it;
	int		 i, k, col, off, nused = 0;

	for (i = 0; i < pm->n; i++) {
		if (pm->unit[i] < 0 || api->xPhraseFirst(fts, i, &it, &col,
		    &off) != SQLITE_OK || col < 0)
			continue;
		for (k = 0; k < nused && used[k] != pm->unit[i]; k++)
			;
		if (k == nused)
			used[nused++] = pm->unit[i];
	}
	return nused;
}

/*
 * savoir_cover(fts[, units]): how many units of the query (words, phrases,
 * OR groups, synonym groups) occur in the row.  Ordering by it first is
 * what makes plain words "not a strict AND": documents with every word
 * come first, then the ones missing one, and so on, each group by bm25.
 * The units come from the second argument (query_fts_any_units()): the
 * phrases of one OR group or synonym group count once.
 */
static void
cover_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	const struct phrase_map	*pm;
	long			 used[MAX_PHRASES];

	if ((pm = phrase_map_get(api, fts, nval, val)) == NULL)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_int(ctx, units_found(api, fts, pm, used));
}

/* Does some phrase of unit u (among the n) start in the title at off?
 * Its size goes to *size. */
static int
unit_in_title(const Fts5ExtensionApi *api, Fts5Context *fts,
    const struct phrase_map *pm, long u, int off, int *size)
{
	int	 i;

	for (i = 0; i < pm->n; i++) {
		if (pm->unit[i] == u && title_has(api, fts, i, off)) {
			*size = api->xPhraseSize(fts, i);
			return 1;
		}
	}
	return 0;
}

/*
 * savoir_titlephrase(fts[, units]): 1 when the query's units (those the
 * row contains) stand one after the other in the title, in the query's
 * order, and make at least two words.  Ranked before bm25 within the same
 * coverage: someone who types "Chambéry Ouahigouya" wants the document
 * titled that way before short records that merely contain both words,
 * which bm25's length normalization would otherwise favour.  A unit is
 * any phrase of its OR or synonym group.
 */
static void
titlephrase_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	const struct phrase_map	*pm;
	Fts5PhraseIter		 it;
	long			 used[MAX_PHRASES];
	int			 i, k, col, off, next, size, nused, words;

	if ((pm = phrase_map_get(api, fts, nval, val)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	nused = units_found(api, fts, pm, used);
	for (i = 0; nused > 0 && i < pm->n; i++) {
		if (pm->unit[i] != used[0])
			continue;
		for (api->xPhraseFirst(fts, i, &it, &col, &off);
		    col == SAVOIR_COL_TITLE;
		    api->xPhraseNext(fts, &it, &col, &off)) {
			words = api->xPhraseSize(fts, i);
			next = off + words;
			for (k = 1; k < nused; k++) {
				if (!unit_in_title(api, fts, pm, used[k], next,
				    &size))
					break;
				next += size;
				words += size;
			}
			if (k == nused && words >= 2) {
				sqlite3_result_int(ctx, 1);
				return;
			}
		}
	}
	sqlite3_result_int(ctx, 0);
}

int
search_register(sqlite3 *db)
{
	sqlite3_stmt	*stmt;
	fts5_api	*api = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (api == NULL || api->iVersion < 2)
		return SQLITE_ERROR;
	if ((rc = api->xCreateFunction(api, "savoir_rank", NULL, rank_fn,
	    NULL)) != SQLITE_OK)
		return rc;
	if ((rc = api->xCreateFunction(api, "savoir_cover", NULL, cover_fn,
	    NULL)) != SQLITE_OK)
		return rc;
	return api->xCreateFunction(api, "savoir_titlephrase", NULL,
	    titlephrase_fn, NULL);
}

char *
snippet_html(const char *s, size_t len)
{
	struct buf	 b;
	size_t		 i;
	int		 open = 0;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			buf_adds(&b, "&amp;");
			break;
		case '<':
			buf_adds(&b, "&lt;");
			break;
		case '>':
			buf_adds(&b, "&gt;");
			break;
		case '"':
			buf_adds(&b, "&quot;");
			break;
		case '\'':
			buf_adds(&b, "&#39;");
			break;
		case '\x01':
			if (!open)
				buf_adds(&b, "<mark>");
			open = 1;
			break;
		case '\x02':
			if (open)
				buf_adds(&b, "</mark>");
			open = 0;
			break;
		case '\n':
			buf_addc(&b, ' ');
			break;
		default:
			buf_addc(&b, s[i]);
		}
	}
	if (open)
		buf_adds(&b, "</mark>");
	return buf_steal(&b);
}

/* The progress handler's deadline, per connection call. */
struct budget {
	int64_t	 deadline;
	int	 hit;
};

static int
budget_check(void *arg)
{
	struct budget	*b = arg;

	if (mono_us() < b->deadline)
		return 0;
	b->hit = 1;
	return 1;
}

static void
results_notice(struct results *res, const char *msg)
{
	res->notices = xreallocarray(res->notices, res->nnotices + 1,
	    sizeof *res->notices);
	res->notices[res->nnotices++] = xstrdup(msg);
}

/* The facet keys this index knows, for the query parser. */
static char **
search_keys(struct store *st)
{
	static const char sql[] = "SELECT DISTINCT key FROM facets";
	static const char *const always[] = { "type", "pays", "annee",
	    "theme", "module", "code", "article", NULL };
	sqlite3_stmt	*stmt;
	char		**keys;
	size_t		 n = 0, i;
	const char	*k;

	keys = xcalloc(64, sizeof *keys);
	for (i = 0; always[i] != NULL; i++)
		keys[n++] = xstrdup(always[i]);
	if ((stmt = store_stmt(st, sql)) == NULL)
		return keys;
	while (sqlite3_step(stmt) == SQLITE_ROW && n < 63) {
		k = (const char *)sqlite3_column_text(stmt, 0);
		for (i = 0; i < n; i++)
			if (strcmp(keys[i], k) == 0)
				break;
		if (i == n)
			keys[n++] = xstrdup(k);
	}
	sqlite3_reset(stmt);
	return keys;
}

static void
keys_free(char **keys)
{
	size_t	 i;

	for (i = 0; keys[i] != NULL; i++)
		free(keys[i]);
	free(keys);
}

struct filter {
	const char	*key;
	char		*norm;
	int		 from, to;	/* year range, when from > 0 */
};

struct plan {
	struct filter	*f;
	size_t		 nf;
	char		*fts;		/* MATCH expression or NULL */
	char		*units;		/* savoir_cover's map of fts */
	char		**articles;	/* ids ranked first */
	size_t		 narticles;
	struct buf	 where;		/* SQL after WHERE, with ? */
};

static void
plan_filter(struct plan *p, const char *key, const char *value)
{
	struct filter	*f;
	long long	 a, b;
	char		 ya[8], yb[8];

	p->f = xreallocarray(p->f, p->nf + 1, sizeof *p->f);
	f = &p->f[p->nf++];
	f->key = key;
	f->norm = fr_fold(value, strlen(value));
	f->from = f->to = 0;
	/* annee:2005..2014 */
	if (strlen(value) == 10 && strncmp(value + 4, "..", 2) == 0) {
		memcpy(ya, value, 4);
		ya[4] = '\0';
		memcpy(yb, value + 6, 4);
		yb[4] = '\0';
		if (parse_int(ya, 0, 9999, &a) == 0 &&
		    parse_int(yb, 0, 9999, &b) == 0) {
			f->from = (int)(a < b ? a : b);
			f->to = (int)(a < b ? b : a);
		}
	}
}

/* WHERE clause: one EXISTS per key, values of one key OR'ed. */
static void
plan_where(struct plan *p, const char *rowid)
{
	size_t	 i, j;
	int	 first;

	buf_init(&p->where);
	buf_adds(&p->where, "1");
	for (i = 0; i < p->nf; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(p->f[j].key, p->f[i].key) == 0)
				break;
		if (j < i)
			continue;	/* key already done */
		buf_printf(&p->where, " AND EXISTS (SELECT 1 FROM facets f "
		    "WHERE f.doc = %s AND f.key = ? AND (", rowid);
		for (first = 1, j = i; j < p->nf; j++) {
			if (strcmp(p->f[j].key, p->f[i].key) != 0)
				continue;
			if (!first)
				buf_adds(&p->where, " OR ");
			first = 0;
			if (p->f[j].from > 0)
				buf_adds(&p->where, "CAST(f.norm AS INTEGER) "
				    "BETWEEN ? AND ?");
			else
				buf_adds(&p->where, "f.norm = ? OR f.norm LIKE "
				    "? || ' %'");
		}
		buf_adds(&p->where, "))");
	}
}

/* Bind the filter values in plan_where's order, from index *n. */
static void
plan_bind(struct plan *p, sqlite3_stmt *stmt, int *n)
{
	size_t	 i, j;

	for (i = 0; i < p->nf; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(p->f[j].key, p->f[i].key) == 0)
				break;
		if (j < i)
			continue;
		sqlite3_bind_text(stmt, (*n)++, p->f[i].key, -1, SQLITE_STATIC);
		for (j = i; j < p->nf; j++) {
			if (strcmp(p->f[j].key, p->f[i].key) != 0)
				continue;
			if (p->f[j].from > 0) {
				sqlite3_bind_int(stmt, (*n)++, p->f[j].from);
				sqlite3_bind_int(stmt, (*n)++, p->f[j].to);
			} else {
				sqlite3_bind_text(stmt, (*n)++, p->f[j].norm,
				    -1, SQLITE_STATIC);
				sqlite3_bind_text(stmt, (*n)++, p->f[j].norm,
				    -1, SQLITE_STATIC);
			}
		}
	}
}

static void
plan_free(struct plan *p)
{
	size_t	 i;

	for (i = 0; i < p->nf; i++)
		free(p->f[i].norm);
	free(p->f);
	free(p->fts);
	free(p->units);
	for (i = 0; i < p->narticles; i++)
		free(p->articles[i]);
	free(p->articles);
	buf_free(&p->where);
}

static void
plan_nodes(struct plan *p, const struct query *q)
{
	const struct qnode	*n;
	char			*code, *id;
	size_t			 i, k;

	for (i = 0; i < q->nnodes; i++) {
		n = q->nodes[i];
		if (n->kind == Q_FILTER && n->key != NULL && n->text != NULL)
			plan_filter(p, n->key, n->text);
		if (n->kind != Q_ARTICLE || n->text == NULL)
			continue;
		code = fr_fold(n->key != NULL ? n->key : "cgct",
		    strlen(n->key != NULL ? n->key : "cgct"));
		id = xsprintf("%s/%s", code, n->text);
		free(code);
		for (k = 0; id[k] != '\0'; k++)
			if (id[k] == ' ')
				id[k] = '-';
		p->articles = xreallocarray(p->articles, p->narticles + 1,
		    sizeof *p->articles);
		p->articles[p->narticles++] = id;
	}
}

static int
search_count(struct store *st, struct plan *p, const char *match,
    int64_t *count)
{
	sqlite3_stmt	*stmt;
	char		*sql;
	int		 n = 1, rc;

	if (match != NULL)
		sql = xsprintf("SELECT count(*) FROM fts WHERE fts MATCH ? "
		    "AND %s", p->where.data);
	else
		sql = xsprintf("SELECT count(*) FROM docs d WHERE %s",
		    p->where.data);
	rc = sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return -1;
	if (match != NULL)
		sqlite3_bind_text(stmt, n++, match, -1, SQLITE_STATIC);
	plan_bind(p, stmt, &n);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

static char *
col_dup(sqlite3_stmt *stmt, int i)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, i);

	return xstrdup(s != NULL ? s : "");
}

/*
 * The snippet of one hit.  snippet() costs a pass over the row's text, so
 * it is asked only for the rows of the page, each through the MATCH with
 * a rowid constraint (FTS5 seeks straight to that row).
 */
static char *
hit_snippet(sqlite3_stmt *snip, sqlite3_int64 rowid)
{
	const char	*s;
	char		*out;

	sqlite3_bind_int64(snip, 2, rowid);
	s = sqlite3_step(snip) == SQLITE_ROW ?
	    (const char *)sqlite3_column_text(snip, 0) : NULL;
	out = s != NULL ? snippet_html(s, strlen(s)) : xstrdup("");
	sqlite3_reset(snip);
	return out;
}

/*
 * One page of hits.  The ranking runs in a subquery that carries only the
 * sort keys, so that sorting the whole match set costs no snippet and no
 * breadcrumb: those are computed for the rows of the page only.
 */
static int
search_hits(struct store *st, struct plan *p, const struct search_opts *o,
    struct results *res)
{
	sqlite3_stmt	*stmt, *snip = NULL;
	struct hit	*h;
	struct buf	 sql;
	const char	*s;
	size_t		 i;
	int		 n = 1, rc;

	buf_init(&sql);
	buf_adds(&sql, "SELECT d.id, d.type, d.title, r.rid, r.cov, r.score, "
	    "coalesce((SELECT label FROM types t WHERE t.name = d.type), "
	    "d.type) || coalesce(' › ' || (SELECT value FROM facets f WHERE "
	    "f.doc = d.rowid AND f.key IN ('code', 'module') ORDER BY f.key "
	    "LIMIT 1), '')");
	if (p->fts == NULL)
		buf_adds(&sql, ", (SELECT substr(body, 1, 220) FROM fts WHERE "
		    "fts.rowid = d.rowid)");
	/* ex: the document is an article the query named (ranked first). */
	buf_adds(&sql, " FROM (SELECT ");
	if (p->narticles > 0) {
		buf_adds(&sql, "d.id IN (");
		for (i = 0; i < p->narticles; i++)
			buf_adds(&sql, i == 0 ? "?" : ", ?");
		buf_adds(&sql, ") AS ex, ");
	} else
		buf_adds(&sql, "0 AS ex, ");
	if (p->fts != NULL)
		buf_printf(&sql, "fts.rowid AS rid, savoir_cover(fts, ?) AS cov, "
		    "savoir_rank(fts, ?) AS score, "
		    "savoir_titlephrase(fts, ?) AS tp, d.id AS did FROM fts JOIN "
		    "docs d ON d.rowid = fts.rowid WHERE fts MATCH ? AND %s "
		    "ORDER BY ex DESC, cov DESC, tp DESC, score, did ",
		    p->where.data);
	else
		buf_printf(&sql, "d.rowid AS rid, 0 AS cov, 0 AS score, "
		    "d.id AS did, d.type AS dtype, d.title AS dtitle FROM docs "
		    "d WHERE %s ORDER BY ex DESC, dtype, dtitle, did ",
		    p->where.data);
	/* The page keeps its order through the join: sort again, 10 rows. */
	buf_adds(&sql, "LIMIT ? OFFSET ?) r JOIN docs d ON d.rowid = r.rid "
	    "ORDER BY r.ex DESC, ");
	buf_adds(&sql, p->fts != NULL ? "r.cov DESC, r.tp DESC, r.score, "
	    "r.did" : "r.dtype, r.dtitle, r.did");

	rc = sqlite3_prepare_v2(store_db(st), sql.data, -1, &stmt, NULL);
	buf_free(&sql);
	if (rc != SQLITE_OK)
		return -1;
	if (p->fts != NULL) {
		rc = sqlite3_prepare_v2(store_db(st), "SELECT snippet(fts, -1, "
		    "'\x01', '\x02', '…', " SNIPPET_TOKENS ") FROM fts "
		    "WHERE fts MATCH ?1 AND fts.rowid = ?2", -1, &snip, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(stmt);
			return -1;
		}
		sqlite3_bind_text(snip, 1, p->fts, -1, SQLITE_STATIC);
	}
	for (i = 0; i < p->narticles; i++)
		sqlite3_bind_text(stmt, n++, p->articles[i], -1, SQLITE_STATIC);
	if (p->fts != NULL) {
		/* savoir_cover's, savoir_rank's, savoir_titlephrase's, then
		 * MATCH. */
		sqlite3_bind_text(stmt, n++, p->units, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, n++, p->units, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, n++, p->units, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, n++, p->fts, -1, SQLITE_STATIC);
	}
	plan_bind(p, stmt, &n);
	sqlite3_bind_int(stmt, n++, o->limit);
	sqlite3_bind_int(stmt, n++, o->offset);
	res->hits = xcalloc((size_t)o->limit, sizeof *res->hits);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		h = &res->hits[res->nhits++];
		h->id = col_dup(stmt, 0);
		h->type = col_dup(stmt, 1);
		h->title = col_dup(stmt, 2);
		if (snip != NULL)
			h->snippet = hit_snippet(snip,
			    sqlite3_column_int64(stmt, 3));
		else {
			s = (const char *)sqlite3_column_text(stmt, 7);
			h->snippet = s != NULL ? snippet_html(s, strlen(s)) :
			    xstrdup("");
		}
		h->matched = sqlite3_column_int(stmt, 4);
		h->score = -sqlite3_column_double(stmt, 5);
		h->breadcrumb = col_dup(stmt, 6);
		if (res->nhits == (size_t)o->limit)
			break;
	}
	sqlite3_finalize(stmt);
	sqlite3_finalize(snip);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Facet counts over the whole match set, the top values of each key. */
static int
search_facets(struct store *st, struct plan *p, struct results *res)
{
	sqlite3_stmt	*stmt;
	struct buf	 sql;
	const char	*key, *prev = NULL;
	char		*last = NULL;
	size_t		 cap = 0;
	int		 n = 1, rc, per = 0;

	buf_init(&sql);
	buf_adds(&sql, "SELECT f.key, f.value, count(DISTINCT f.doc) AS c "
	    "FROM facets f WHERE f.doc IN (");
	if (p->fts != NULL)
		buf_printf(&sql, "SELECT rowid FROM fts WHERE fts MATCH ? AND "
		    "%s", p->where.data);
	else
		buf_printf(&sql, "SELECT d.rowid FROM docs d WHERE %s",
		    p->where.data);
	buf_adds(&sql, ") AND f.key IN (SELECT json_extract(value, '$.key') FROM "
	    "types, json_each(types.facets) WHERE json_extract(value, "
	    "'$.kind') IN (0, 1) UNION SELECT 'type') GROUP BY f.key, f.norm ORDER BY f.key, c DESC, "
	    "f.value");
	rc = sqlite3_prepare_v2(store_db(st), sql.data, -1, &stmt, NULL);
	buf_free(&sql);
	if (rc != SQLITE_OK)
		return -1;
	if (p->fts != NULL)
		sqlite3_bind_text(stmt, n++, p->fts, -1, SQLITE_STATIC);
	plan_bind(p, stmt, &n);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(stmt, 0);
		if (prev == NULL || strcmp(key, prev) != 0) {
			per = 0;
			free(last);
			prev = last = xstrdup(key);
		}
		if (per++ >= SEARCH_FACET_TOP)
			continue;
		if (res->nfacets == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			res->facets = xreallocarray(res->facets, cap,
			    sizeof *res->facets);
		}
		res->facets[res->nfacets].key = xstrdup(key);
		res->facets[res->nfacets].value = col_dup(stmt, 1);
		res->facets[res->nfacets].count = sqlite3_column_int64(stmt, 2);
		res->nfacets++;
	}
	free(last);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
search_run(struct store *st, const char *input, const struct search_opts *o,
    struct results *res, char **cause)
{
	struct search_opts	 opts = *o;
	struct plan		 p;
	struct query		*q;
	struct budget		 budget;
	char			**keys, *all;
	size_t			 i;
	int64_t			 start = mono_us(), nall;
	int			 ret = -1;

	memset(res, 0, sizeof *res);
	memset(&p, 0, sizeof p);
	if (opts.limit <= 0)
		opts.limit = 10;
	if (opts.limit > SEARCH_MAX_LIMIT)
		opts.limit = SEARCH_MAX_LIMIT;
	if (opts.offset < 0)
		opts.offset = 0;

	keys = search_keys(st);
	q = query_parse(input != NULL ? input : "", (const char *const *)keys);
	query_expand(q, opts.synonyms);
	for (i = 0; i < q->nnotices; i++)
		results_notice(res, q->notices[i]);
	plan_nodes(&p, q);
	for (i = 0; opts.filters != NULL && opts.filters[i] != NULL &&
	    opts.filters[i + 1] != NULL; i += 2)
		plan_filter(&p, opts.filters[i], opts.filters[i + 1]);
	p.fts = query_fts_any_units(q, &p.units);
	if (p.fts == NULL && p.nf == 0) {
		if (q->nnotices == 0)
			results_notice(res, "Tapez un ou plusieurs mots à "
			    "chercher.");
		ret = 0;
		goto out;
	}
	plan_where(&p, p.fts != NULL ? "fts.rowid" : "d.rowid");

	budget.deadline = start + (int64_t)(opts.budget_ms > 0 ?
	    opts.budget_ms : 60000) * 1000;
	budget.hit = 0;
	sqlite3_progress_handler(store_db(st), 2000, budget_check, &budget);
	if (search_count(st, &p, p.fts, &res->total) == -1 ||
	    search_hits(st, &p, &opts, res) == -1 ||
	    (opts.want_facets && search_facets(st, &p, res) == -1)) {
		if (budget.hit) {
			res->timeout = 1;
			results_notice(res, "Requête trop coûteuse : elle a "
			    "dépassé le temps permis. Précisez-la (plus de "
			    "mots, un filtre) et réessayez.");
			ret = 0;
		} else
			xasprintf(cause, "search failed: %s",
			    sqlite3_errmsg(store_db(st)));
		goto out;
	}
	/* Say so when the first hits miss some of the words. */
	if (p.fts != NULL && res->total > 0 && query_units(q) > 1 &&
	    (all = query_fts_all(q)) != NULL) {
		if (search_count(st, &p, all, &nall) == 0 && nall == 0) {
			res->partial = 1;
			results_notice(res, "Aucun document ne contient tous "
			    "les mots cherchés : voici ceux qui en contiennent "
			    "le plus.");
		}
		free(all);
	}
	if (res->total == 0)
		results_notice(res, "Aucun document ne correspond à cette "
		    "recherche.");
	ret = 0;
out:
	sqlite3_progress_handler(store_db(st), 0, NULL, NULL);
	res->took_us = mono_us() - start;
	plan_free(&p);
	query_free(q);
	keys_free(keys);
	return ret;
}

void
results_clear(struct results *res)
{
	size_t	 i;

	for (i = 0; i < res->nhits; i++) {
		free(res->hits[i].id);
		free(res->hits[i].type);
		free(res->hits[i].title);
		free(res->hits[i].snippet);
		free(res->hits[i].breadcrumb);
	}
	free(res->hits);
	for (i = 0; i < res->nfacets; i++) {
		free(res->facets[i].key);
		free(res->facets[i].value);
	}
	free(res->facets);
	for (i = 0; i < res->nnotices; i++)
		free(res->notices[i]);
	free(res->notices);
	memset(res, 0, sizeof *res);
}
