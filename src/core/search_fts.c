/*
 * search_fts.c - the FTS5 path: a query ranked by SQL built from the plan
 * (the count, one page of hits, the facet counts over the whole match
 * set), and the FTS5 auxiliary functions it ranks with, registered on
 * every connection: savoir_rank (BM25F), savoir_cover (the units a row
 * holds), savoir_titlephrase (do they make a title phrase) and savoir_tf
 * (a row's counts per column, which search_fast.c asks for the phrases of
 * several words).  The snippets are FTS5's snippet() made HTML by snippet.c.
 *
 * It only reads.  The MATCH expression and the filter values reach SQL as
 * bound parameters, never in a statement's text.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "store_int.h"
#include "search_int.h"

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

void
phrase_map_parse_str(struct phrase_map *pm, int n, const char *map)
{
	char		*end;
	int		 i;

	pm->n = n < MAX_PHRASES ? n : MAX_PHRASES;
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

static void
phrase_map_parse(struct phrase_map *pm, int n, int nval, sqlite3_value **val)
{
	phrase_map_parse_str(pm, n, nval > 0 ?
	    (const char *)sqlite3_value_text(val[0]) : NULL);
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
 * savoir_rank(fts, units): BM25F, negated like bm25() (lower is better).
 * Each column's term frequency is normalized by that column's length
 * against its average, weighted, and summed before the saturation, so a
 * word in a short heading weighs more than the same word in a long body.
 * Only the phrases that were typed count fully; the phrases that are only
 * synonyms of them add rank_params.syn of their score, so a document found only
 * through a synonym ranks by how well it matches that.
 */

/* Per query (FTS5 auxiliary data): what does not change from row to row. */
struct rank_query {
	struct phrase_map	 map;
	double			 avg[3];	/* average column length */
	double			 idf[MAX_PHRASES];
	int			 nunits;
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
	long			 seen[MAX_PHRASES];
	int			 i, c, k;

	if ((rq = api->xGetAuxdata(fts, 0)) != NULL)
		return rq;
	if ((rq = sqlite3_malloc(sizeof *rq)) == NULL)
		return NULL;
	if (api->xRowCount(fts, &nrow) != SQLITE_OK)
		goto fail;
	for (c = 0; c < 3; c++) {
		if (api->xColumnTotalSize(fts, c, &ntok) != SQLITE_OK)
			goto fail;
		rq->avg[c] = nrow > 0 && ntok > 0 ?
		    (double)ntok / (double)nrow : 1.0;
	}
	phrase_map_parse(&rq->map, api->xPhraseCount(fts), nval, val);
	rq->nunits = 0;
	for (i = 0; i < rq->map.n; i++) {
		nhit = 0;
		if (api->xQueryPhrase(fts, i, &nhit, rank_count_hit) !=
		    SQLITE_OK)
			goto fail;
		rq->idf[i] = log((0.5 + (double)(nrow - nhit)) /
		    (0.5 + (double)nhit));
		if (rq->idf[i] <= 0.0)
			rq->idf[i] = 1e-6;
		if (rq->map.unit[i] < 0)
			continue;
		for (k = 0; k < rq->nunits && seen[k] != rq->map.unit[i]; k++)
			;
		if (k == rq->nunits)
			seen[rq->nunits++] = rq->map.unit[i];
	}
	if (api->xSetAuxdata(fts, rq, sqlite3_free) != SQLITE_OK)
		return NULL;		/* xSetAuxdata freed it */
	return rq;
fail:
	sqlite3_free(rq);
	return NULL;
}

static int	units_found(const Fts5ExtensionApi *, Fts5Context *,
		    const struct phrase_map *, long [MAX_PHRASES]);
static int	title_phrase(const Fts5ExtensionApi *, Fts5Context *,
		    const struct phrase_map *);

static void
rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	struct rank_query	*rq;
	double			 tf[MAX_PHRASES][3], norm[3], typed = 0;
	double			 other = 0, t, f, score;
	long			 used[MAX_PHRASES];
	int			 i, c, ninst, phrase, col, off, len, nused;

	if ((rq = rank_query(api, fts, nval, val)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	memset(tf, 0, (size_t)rq->map.n * sizeof *tf);
	if (api->xInstCount(fts, &ninst) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, SQLITE_ERROR);
		return;
	}
	for (c = 0; c < 3; c++) {
		if (api->xColumnSize(fts, c, &len) != SQLITE_OK) {
			sqlite3_result_error_code(ctx, SQLITE_ERROR);
			return;
		}
		norm[c] = 1.0 - rank_params.b[c] +
		    rank_params.b[c] * (double)len / rq->avg[c];
		if (norm[c] <= 0.0)
			norm[c] = 1.0;
	}
	for (i = 0; i < ninst; i++) {
		if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK &&
		    phrase >= 0 && phrase < rq->map.n && col >= 0 && col < 3)
			tf[phrase][col] += 1.0;
	}
	for (i = 0; i < rq->map.n; i++) {
		if (rq->map.unit[i] < 0)
			continue;
		f = 0;
		for (c = 0; c < 3; c++)
			f += rank_params.w[c] * tf[i][c] / norm[c];
		if (f == 0)
			continue;
		t = rq->idf[i] * f * (rank_params.k1 + 1.0) /
		    (f + rank_params.k1);
		if (rq->map.syn[i])
			other += t;
		else
			typed += t;
	}
	score = typed + other * rank_params.syn;
	if (rank_params.cover != 0 && rq->nunits > 1) {
		nused = units_found(api, fts, &rq->map, used);
		score *= 1.0 + rank_params.cover * (double)(nused - 1) /
		    (double)(rq->nunits - 1);
	}
	if (rank_params.tphrase != 0 && title_phrase(api, fts, &rq->map))
		score *= 1.0 + rank_params.tphrase;
	sqlite3_result_double(ctx, -score);
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
static int
title_phrase(const Fts5ExtensionApi *api, Fts5Context *fts,
    const struct phrase_map *pm)
{
	Fts5PhraseIter		 it;
	long			 used[MAX_PHRASES];
	int			 i, k, col, off, next, size, nused, words;

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
			if (k == nused && words >= 2)
				return 1;
		}
	}
	return 0;
}

static void
titlephrase_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	const struct phrase_map	*pm;

	if ((pm = phrase_map_get(api, fts, nval, val)) == NULL)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_int(ctx, title_phrase(api, fts, pm));
}

/*
 * savoir_tf(fts): how many times phrase 0 occurs in each column of the row,
 * packed as title + headings << 20 + body << 40 (each capped): the list of
 * a phrase for search_fast, which has no positions of its own.
 */
static void
tf_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	Fts5PhraseIter	 it;
	sqlite3_int64	 tf[3] = { 0, 0, 0 };
	int		 col, off, c;

	(void)nval;
	(void)val;
	for (api->xPhraseFirst(fts, 0, &it, &col, &off); col >= 0;
	    api->xPhraseNext(fts, &it, &col, &off))
		if (col < 3 && tf[col] < 0xfffff)
			tf[col]++;
	for (c = 1; c < 3; c++)
		tf[0] |= tf[c] << (20 * c);
	sqlite3_result_int64(ctx, tf[0]);
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
	if ((rc = api->xCreateFunction(api, "savoir_tf", NULL, tf_fn,
	    NULL)) != SQLITE_OK)
		return rc;
	return api->xCreateFunction(api, "savoir_titlephrase", NULL,
	    titlephrase_fn, NULL);
}

int
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
	out = xstrdup(s != NULL ? s : "");
	sqlite3_reset(snip);
	return out;
}

/*
 * One page of hits.  The ranking runs in a subquery that carries only the
 * sort keys, so that sorting the whole match set costs no snippet and no
 * breadcrumb: those are computed for the rows of the page only.
 */
int
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
	    "f.doc = d.rowid AND +f.key IN ('code', 'module') ORDER BY f.key "
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
		    "%s AS tp, d.id AS did FROM fts JOIN "
		    "docs d ON d.rowid = fts.rowid WHERE fts MATCH ? AND %s "
		    "ORDER BY ex DESC, %s score, did ",
		    /* ranked by score, savoir_rank weighs the title phrase */
		    rank_params.cover_first ? "savoir_titlephrase(fts, ?)" :
		    "0", p->where.data,
		    rank_params.cover_first ? "cov DESC, tp DESC," : "");
	else
		buf_printf(&sql, "d.rowid AS rid, 0 AS cov, 0 AS score, "
		    "d.id AS did, d.type AS dtype, d.title AS dtitle FROM docs "
		    "d WHERE %s ORDER BY ex DESC, dtype, dtitle, did ",
		    p->where.data);
	/* The page keeps its order through the join: sort again, 10 rows. */
	buf_adds(&sql, "LIMIT ? OFFSET ?) r JOIN docs d ON d.rowid = r.rid "
	    "ORDER BY r.ex DESC, ");
	if (p->fts != NULL)
		buf_adds(&sql, rank_params.cover_first ?
		    "r.cov DESC, r.tp DESC, r.score, r.did" : "r.score, r.did");
	else
		buf_adds(&sql, "r.dtype, r.dtitle, r.did");

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
		/* savoir_cover's, savoir_rank's, savoir_titlephrase's (when
		 * ordered by it), then MATCH. */
		sqlite3_bind_text(stmt, n++, p->units, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, n++, p->units, -1, SQLITE_STATIC);
		if (rank_params.cover_first)
			sqlite3_bind_text(stmt, n++, p->units, -1,
			    SQLITE_STATIC);
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
			snippet_set(h, hit_snippet(snip,
			    sqlite3_column_int64(stmt, 3)));
		else {
			s = (const char *)sqlite3_column_text(stmt, 7);
			snippet_set(h, xstrdup(s != NULL ? s : ""));
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
int
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
