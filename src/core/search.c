/*
 * search.c - runs a parsed query against the index: ranking by BM25F (an
 * exact article reference before all), from postings.c's lists when the
 * query is made of words (search_fast), through FTS5 and its auxiliary
 * functions otherwise; facet filters and counts over the whole match set
 * and a time budget.  The postings path's facet counts are facet.c's (the
 * FTS5 path counts with one SQL statement, here) and the snippets are
 * snippet.c's: this file hands them the match set and each hit's text.
 *
 * It only reads.  Nothing a person typed reaches SQL or FTS5 syntax except
 * through bound parameters and query.c's quoted expressions.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "store_int.h"
#include "search_int.h"

#define SEARCH_MAX_LIMIT	100
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
 * Ranking parameters.  The defaults are the values measured best on the
 * tuning half of bench/relevance's open set (see bench/README.md);
 * search_tune() changes them, for that benchmark only.
 */
static struct rank_params {
	double	 k1;
	double	 b[3];		/* length normalization per column */
	double	 w[3];		/* weight per column: title, headings, body */
	double	 cover;		/* bonus per share of the units found */
	double	 tphrase;	/* bonus when the units make a title phrase */
	double	 syn;		/* weight of a synonym against a typed term */
	int	 cover_first;	/* order by units found, then score */
	int	 fast;		/* rank with the postings when possible */
	double	 prox;		/* weight of two query words near each other */
	int	 near;		/* how near: first places this far apart */
} rp = {
	3.0, { 0.75, 1.0, 0.6 }, { 10.0, 4.0, 1.0 }, 0.0, 0.5, 1e-6, 0, 1,
	0.3, 4,
};

int
search_tune(const char *spec, char **cause)
{
	struct rank_params	 p = rp;
	char			*copy, *tok, *save = NULL, *eq, *end;
	double			 v;
	int			 ret = 0;

	copy = xstrdup(spec);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			xasprintf(cause, "'%s' is not NAME=VALUE", tok);
			ret = -1;
			break;
		}
		*eq++ = '\0';
		v = strtod(eq, &end);
		if (*end != '\0' || end == eq) {
			xasprintf(cause, "%s: '%s' is not a number", tok, eq);
			ret = -1;
			break;
		}
		if (strcmp(tok, "k1") == 0) p.k1 = v;
		else if (strcmp(tok, "b") == 0) p.b[0] = p.b[1] = p.b[2] = v;
		else if (strcmp(tok, "bt") == 0) p.b[0] = v;
		else if (strcmp(tok, "bh") == 0) p.b[1] = v;
		else if (strcmp(tok, "bb") == 0) p.b[2] = v;
		else if (strcmp(tok, "wt") == 0) p.w[0] = v;
		else if (strcmp(tok, "wh") == 0) p.w[1] = v;
		else if (strcmp(tok, "wb") == 0) p.w[2] = v;
		else if (strcmp(tok, "cover") == 0) p.cover = v;
		else if (strcmp(tok, "tphrase") == 0) p.tphrase = v;
		else if (strcmp(tok, "syn") == 0) p.syn = v;
		else if (strcmp(tok, "cover_first") == 0)
			p.cover_first = v != 0;
		else if (strcmp(tok, "fast") == 0)
			p.fast = v != 0;
		else if (strcmp(tok, "prox") == 0)
			p.prox = v;
		else if (strcmp(tok, "near") == 0)
			p.near = (int)v;
		else {
			xasprintf(cause, "unknown ranking parameter '%s'", tok);
			ret = -1;
			break;
		}
	}
	free(copy);
	if (ret == 0)
		rp = p;
	return ret;
}

/*
 * savoir_rank(fts, units): BM25F, negated like bm25() (lower is better).
 * Each column's term frequency is normalized by that column's length
 * against its average, weighted, and summed before the saturation, so a
 * word in a short heading weighs more than the same word in a long body.
 * Only the phrases that were typed count fully; the phrases that are only
 * synonyms of them add rp.syn of their score, so a document found only
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
		norm[c] = 1.0 - rp.b[c] + rp.b[c] * (double)len / rq->avg[c];
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
			f += rp.w[c] * tf[i][c] / norm[c];
		if (f == 0)
			continue;
		t = rq->idf[i] * f * (rp.k1 + 1.0) / (f + rp.k1);
		if (rq->map.syn[i])
			other += t;
		else
			typed += t;
	}
	score = typed + other * rp.syn;
	if (rp.cover != 0 && rq->nunits > 1) {
		nused = units_found(api, fts, &rq->map, used);
		score *= 1.0 + rp.cover * (double)(nused - 1) /
		    (double)(rq->nunits - 1);
	}
	if (rp.tphrase != 0 && title_phrase(api, fts, &rq->map))
		score *= 1.0 + rp.tphrase;
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
	/* One seek per key on fval (a DISTINCT over facets would read every row
	 * of the index: 15 ms a query on 29,000 articles). */
	static const char sql[] = "SELECT key FROM fval WHERE key > ?1 "
	    "ORDER BY key LIMIT 1";
	static const char *const always[] = { "type", "pays", "annee",
	    "theme", "module", "code", "article", NULL };
	sqlite3_stmt	*stmt;
	char		**keys, *last;
	size_t		 n = 0, i;
	const char	*k;

	keys = xcalloc(64, sizeof *keys);
	for (i = 0; always[i] != NULL; i++)
		keys[n++] = xstrdup(always[i]);
	if ((stmt = store_stmt(st, sql)) == NULL)
		return keys;
	last = xstrdup("");
	for (;;) {
		sqlite3_bind_text(stmt, 1, last, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_ROW || n >= 63)
			break;
		k = (const char *)sqlite3_column_text(stmt, 0);
		free(last);
		last = xstrdup(k != NULL ? k : "");
		sqlite3_reset(stmt);
		for (i = 0; i < n; i++)
			if (strcmp(keys[i], last) == 0)
				break;
		if (i == n)
			keys[n++] = xstrdup(last);
	}
	sqlite3_reset(stmt);
	free(last);
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
	strv_free(p->articles, p->narticles);
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

/*
 * The documents holding the laws, decrees and decisions the query names
 * ("loi n° 2014-773", "loi du 7 juillet 2014", "CE, 13 mai 2024,
 * n° 478713"): ranked first, like a named article.
 */
static void
plan_refs(struct store *st, struct plan *p, const char *input)
{
	static const char sql[] = "SELECT d.id FROM refs r JOIN docs d ON "
	    "d.rowid = r.doc WHERE r.key = ? ORDER BY d.id LIMIT 4";
	struct textref	 tr;
	sqlite3_stmt	*stmt;
	const char	*id, *key;
	size_t		 pos = 0, k;
	int		 c;

	while (textref_next(input, strlen(input), &pos, &tr)) {
		for (c = 0; c < 2; c++) {
			key = c == 0 ? tr.key : tr.key2;
			if (*key == '\0' || (stmt = store_stmt(st, sql)) == NULL)
				continue;
			sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
			while (sqlite3_step(stmt) == SQLITE_ROW &&
			    p->narticles < 8) {
				id = (const char *)sqlite3_column_text(stmt, 0);
				for (k = 0; k < p->narticles &&
				    strcmp(p->articles[k], id) != 0; k++)
					;
				if (k < p->narticles)
					continue;
				p->articles = xreallocarray(p->articles,
				    p->narticles + 1, sizeof *p->articles);
				p->articles[p->narticles++] = xstrdup(id);
			}
			sqlite3_reset(stmt);
		}
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
		    rp.cover_first ? "savoir_titlephrase(fts, ?)" : "0",
		    p->where.data, rp.cover_first ? "cov DESC, tp DESC," : "");
	else
		buf_printf(&sql, "d.rowid AS rid, 0 AS cov, 0 AS score, "
		    "d.id AS did, d.type AS dtype, d.title AS dtitle FROM docs "
		    "d WHERE %s ORDER BY ex DESC, dtype, dtitle, did ",
		    p->where.data);
	/* The page keeps its order through the join: sort again, 10 rows. */
	buf_adds(&sql, "LIMIT ? OFFSET ?) r JOIN docs d ON d.rowid = r.rid "
	    "ORDER BY r.ex DESC, ");
	if (p->fts != NULL)
		buf_adds(&sql, rp.cover_first ? "r.cov DESC, r.tp DESC, "
		    "r.score, r.did" : "r.score, r.did");
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
		if (rp.cover_first)
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

/* --- the postings evaluator ----------------------------------------------- */


/*
 * A query of words (and article references, and groups of one-word
 * synonyms) is ranked from postings.c's lists: each term's list decoded
 * once, BM25F scores accumulated into an array indexed by rowid, the best
 * rows picked with a heap.  Every matching document is visited, as with
 * FTS5, but at a few nanoseconds a posting instead of a trip through the
 * SQL engine and the auxiliary API per row.  Anything else (phrases,
 * prefixes, exclusions, filters) is left to FTS5 (search_hits).
 */
#define FAST_MAX_TERMS	8	/* colocated variants of one word */
#define FAST_RERANK	50	/* best rows a title phrase can lift */

struct fast_phrase {
	char	*text;
	long	 unit;
	int	 syn;
};

struct fast_terms {
	char	*t[FAST_MAX_TERMS];
	int	 len[FAST_MAX_TERMS];
	int	 n;
	int	 maxpos;
};

static int
fast_term_cb(void *arg, int pos, const char *term, int len, int start,
    int end)
{
	struct fast_terms	*ft = arg;

	(void)start;
	(void)end;
	if (pos > ft->maxpos)
		ft->maxpos = pos;
	if (ft->n < FAST_MAX_TERMS) {
		ft->t[ft->n] = xstrndup(term, (size_t)len);
		ft->len[ft->n++] = len;
	}
	return SQLITE_OK;
}

/*
 * The phrases of an FTS5 expression written by query.c, if it is only an
 * OR of quoted strings (parentheses allowed): 0, or -1 when it holds any
 * other operator (AND for phrases, NOT, prefix *).
 */
static int
fast_phrases(const char *fts, struct fast_phrase **out, size_t *nout)
{
	struct fast_phrase	*v = NULL;
	struct buf		 b;
	const char		*p = fts;
	size_t			 n = 0;

	while (*p != '\0') {
		if (*p == ' ' || *p == '(' || *p == ')') {
			p++;
			continue;
		}
		if (strncmp(p, "OR ", 3) == 0) {
			p += 3;
			continue;
		}
		if (*p != '"')
			goto fail;
		buf_init(&b);
		for (p++; *p != '\0'; p++) {
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			buf_addc(&b, *p);
		}
		if (*p != '"') {
			buf_free(&b);
			goto fail;
		}
		p++;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].text = buf_steal(&b);
		v[n].unit = (long)n;
		v[n].syn = 0;
		n++;
	}
	*out = v;
	*nout = n;
	return 0;
fail:
	while (n > 0)
		free(v[--n].text);
	free(v);
	return -1;
}

/* Per thread: the lists' buffers and the rowids that passed, reused from
 * query to query up to FAST_KEEP entries. */
#define FAST_KEEP	65536
static _Thread_local struct fast_acc {
	uint32_t	*pass;		/* rowids (checked < 2^32) */
	size_t		 npass, cap;
} fa;

/* Per thread: one window of rowids' sums (search_fast). */
#define FAST_WIN	4096
static _Thread_local struct fast_win {
	float		 score[FAST_WIN];
	uint32_t	 mask[FAST_WIN];
	uint32_t	 tmask[FAST_WIN];	/* the units found in the title */
	uint32_t	 last[FAST_WIN];	/* the last first body position */
	uint32_t	 minf[FAST_WIN];	/* the first first body position */
	uint64_t	 fpos[2][FAST_WIN];	/* phrase << 32 | first position */
	uint8_t		 seen[FAST_WIN];
	uint16_t	 list[FAST_WIN];	/* the window's rows, as seen */
} fw;

void
search_thread_done(void)
{
	free(fa.pass);
	fa.pass = NULL;
	fa.npass = fa.cap = 0;
	pfacets_thread_done();
}

/* A phrase of the query while the documents go by. */
struct fast_unit {
	struct plist	 l;		/* its list, when built first */
	int		 prox;		/* near the phrase before counts */
	int		 syn;
	uint32_t	 bit;		/* its unit */
	double		 w1, pidf;
	struct pcursor	 c;		/* last: its block is not cleared */
};

struct fast_hit {
	double	 score;
	int64_t	 doc;
	uint32_t mask, tmask;		/* its units, those in its title */
	uint32_t minf, last;		/* its units' first body places */
};

/* Is x worse than y: a lower score, or an equal one and a later rowid. */
static int
fast_worse(const struct fast_hit *x, const struct fast_hit *y)
{
	return x->score < y->score || (x->score == y->score && x->doc > y->doc);
}

HEAP_SIFT(fast_sift, struct fast_hit, fast_worse)

static int
fast_hit_cmp(const void *a, const void *b)
{
	const struct fast_hit	*x = a, *y = b;

	if (fast_worse(x, y))
		return 1;
	if (fast_worse(y, x))
		return -1;
	return 0;
}

/* The terms of a query the snippets and the title phrase look for. */
#define FAST_MAX_QTERMS	64

/* The snippet of one row: its body, else its headings, else its title. */
static char *
fast_snippet(struct pindex *pi, sqlite3_stmt *text, int64_t doc,
    const struct qterm *qt, size_t nqt, uint32_t first, uint32_t last)
{
	const char	*s = NULL;
	size_t		 n = 0;
	int		 c;
	char		*out;

	sqlite3_bind_int64(text, 1, doc);
	if (sqlite3_step(text) == SQLITE_ROW) {
		/* The body, else the headings, else the title. */
		for (c = 0; c < 3 && (s == NULL || n == 0); c++) {
			s = (const char *)sqlite3_column_text(text, c);
			n = (size_t)sqlite3_column_bytes(text, c);
		}
	}
	if (s == NULL || n == 0) {
		sqlite3_reset(text);
		return xstrdup("");
	}
	out = snippet_make(pi, s, n, c == 1, qt, nqt, first, last);
	sqlite3_reset(text);
	return out;
}

/*
 * Does the title hold the units the row matched (in mask), one after the
 * other in the query's order, two words at least?  savoir_titlephrase's
 * rule, from the title's tokens.
 */
static int
fast_title_phrase(struct pindex *pi, sqlite3_stmt *text, int64_t doc,
    const struct qterm *qt, size_t nqt, uint32_t mask)
{
	struct snip_run	 sr;
	const char	*s;
	int		 used[32], nused = 0, u, found = 0;
	size_t		 i, k, n;

	for (u = 0; u < 32; u++)
		if (mask & (1u << u))
			used[nused++] = u;
	if (nused < 2)
		return 0;
	sqlite3_bind_int64(text, 1, doc);
	if (sqlite3_step(text) != SQLITE_ROW) {
		sqlite3_reset(text);
		return 0;
	}
	s = (const char *)sqlite3_column_text(text, 2);
	n = (size_t)sqlite3_column_bytes(text, 2);
	memset(&sr, 0, sizeof sr);
	sr.qt = qt;
	sr.nqt = nqt;
	if (s != NULL && pindex_tokenize(pi, s, n, 1, snippet_token, &sr) == 0) {
		for (i = 0; !found && i + (size_t)nused <= sr.n; i++) {
			for (k = 0; k < (size_t)nused &&
			    sr.v[i + k].unit == used[k]; k++)
				;
			found = k == (size_t)nused;
		}
	}
	free(sr.v);
	sqlite3_reset(text);
	return found;
}

/* The rowids of the articles the query named, ranked first. */
static size_t
fast_articles(struct store *st, const struct plan *p, int64_t *out)
{
	sqlite3_stmt	*stmt;
	size_t		 i, n = 0;

	if ((stmt = store_stmt(st, "SELECT rowid FROM docs WHERE id = ?")) ==
	    NULL)
		return 0;
	for (i = 0; i < p->narticles && n < 8; i++) {
		sqlite3_bind_text(stmt, 1, p->articles[i], -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			out[n++] = sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
	}
	return n;
}

/* The list of a phrase of several words, from FTS5 (which has the
 * positions): its rows in rowid order with their counts per column. */
static void
fts_quote(struct buf *q, const char *text)
{
	const char	*p;

	buf_addc(q, '"');
	for (p = text; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(q, '"');
		buf_addc(q, *p);
	}
	buf_addc(q, '"');
}

static int
fast_match_list(struct store *st, const struct buf *q, struct plist *l)
{
	sqlite3_stmt	*stmt;
	sqlite3_int64	 tf;
	int		 rc;

	if ((stmt = store_stmt(st, "SELECT rowid, savoir_tf(fts) FROM fts "
	    "WHERE fts MATCH ? ORDER BY rowid")) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, q->data, (int)q->len, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		tf = sqlite3_column_int64(stmt, 1);
		plist_push(l, sqlite3_column_int64(stmt, 0),
		    (uint32_t)(tf & 0xfffff), (uint32_t)((tf >> 20) & 0xfffff),
		    (uint32_t)((tf >> 40) & 0xfffff), 0);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
fast_phrase_list(struct store *st, const char *text, struct plist *l)
{
	struct buf	 q;
	int		 rc;

	buf_init(&q);
	fts_quote(&q, text);
	rc = fast_match_list(st, &q, l);
	buf_free(&q);
	return rc;
}

/*
 * Filters and facet counts from the facets of every document (postings.c's
 * pfacets): a filter is, per key, the set of value ids it accepts (the
 * same rule as plan_where: the folded value, or its first words, or a
 * year in a range); keys AND, values of one key OR.
 */
struct fast_filter {
	int	 k;		/* the key in pfacets */
	uint8_t	*ok;		/* by value id */
};

static int
fast_filter_value_ok(const struct filter *f, const char *norm)
{
	size_t	 n = strlen(f->norm);
	long	 y;
	char	*end;

	if (f->from > 0) {
		y = strtol(norm, &end, 10);
		return end != norm && y >= f->from && y <= f->to;
	}
	return strncmp(norm, f->norm, n) == 0 &&
	    (norm[n] == '\0' || norm[n] == ' ');
}

/* One fast_filter per filtered key into *out; -1 when a key has no
 * facets loaded (the query goes to FTS5). */
static int
fast_filters(const struct pfacets *pf, const struct plan *p,
    struct fast_filter **out, size_t *nout)
{
	struct fast_filter	*v = NULL;
	size_t			 n = 0, i, j, id, nids;
	int			 k;

	for (i = 0; i < p->nf; i++) {
		if ((k = pfacets_find(pf, p->f[i].key)) == -1)
			goto fail;
		for (j = 0; j < n && v[j].k != k; j++)
			;
		nids = pfacets_nids(pf, (size_t)k);
		if (j == n) {
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n].k = k;
			v[n].ok = xcalloc(nids + 1, 1);
			n++;
		}
		for (id = 0; id < nids; id++)
			if (fast_filter_value_ok(&p->f[i],
			    pfacets_norm(pf, (size_t)k, (uint32_t)id)))
				v[j].ok[id] = 1;
	}
	*out = v;
	*nout = n;
	return 0;
fail:
	for (i = 0; i < n; i++)
		free(v[i].ok);
	free(v);
	return -1;
}

static int
fast_filters_pass(const struct pfacets *pf, const struct fast_filter *ff,
    size_t nff, int64_t doc)
{
	const uint32_t	*ids;
	size_t		 i, j, n;

	for (i = 0; i < nff; i++) {
		ids = pfacets_doc(pf, (size_t)ff[i].k, doc, &n);
		for (j = 0; j < n && !ff[i].ok[ids[j]]; j++)
			;
		if (j == n)
			return 0;
	}
	return 1;
}

/*
 * Rank with the postings: 1 when done (res filled but for facets), 0 when
 * the query is not one this evaluator takes, -1 on an error.
 */
static int
search_fast(struct store *st, struct plan *p, const struct search_opts *o,
    struct results *res, struct budget *budget, char **cause)
{
	struct pindex		*pi;
	struct fast_phrase	*ph = NULL;
	struct fast_terms	 ft;
	struct phrase_map	 map;
	struct fast_hit		*heap = NULL, h;
	struct fast_unit	*fu = NULL;
	sqlite3_stmt		*row, *snip = NULL, *title;
	struct hit		*hit;
	const uint8_t		*nr;
	double			 idf, f, t, w, avg[3], len;
	double			 lnorm[256][3];
	int64_t			 N, doc, ex[8];
	size_t			 nph = 0, i, j, k, nheap = 0, want;
	size_t			 nex, e;
	uint32_t		 full = 0;
	int			 c, ret = -1, nunits = 0, u, rc;
	int			 exseen[8];
	size_t			*act = NULL, nact = 0, hk;
	struct buf		 ukey = { NULL, 0, 0 };
	int64_t			 base;
	int64_t			 d;
	double			 previdf = 0;
	struct pfacets		*pf = NULL;
	struct fast_filter	*ff = NULL;
	size_t			 nff = 0, npass = 0, nfull = 0;
	int			 bk[2] = { -1, -1 };
	long			 units[32];
	struct qterm		 qt[FAST_MAX_QTERMS];
	size_t			 qtph[FAST_MAX_QTERMS], nqt = 0;

	if (p->fts == NULL || (pi = store_postings(st)) == NULL)
		return 0;
	if ((p->nf > 0 || o->want_facets) &&
	    ((pf = pindex_facets(pi)) == NULL ||
	    fast_filters(pf, p, &ff, &nff) == -1))
		return 0;
	if (fast_phrases(p->fts, &ph, &nph) == -1 || nph == 0 ||
	    nph > MAX_PHRASES)
		goto notmine;
	/* The units map of query.c: which phrase counts as which unit. */
	phrase_map_parse_str(&map, (int)nph, p->units);
	for (i = 0; i < nph; i++) {
		ph[i].unit = map.unit[i];
		ph[i].syn = map.syn[i];
		if (ph[i].unit < 0)
			goto notmine;	/* an exclusion */
		for (k = 0; k < (size_t)nunits && units[k] != ph[i].unit; k++)
			;
		if (k == (size_t)nunits) {
			if (nunits == 32)
				goto notmine;
			units[nunits++] = ph[i].unit;
		}
	}
	full = nunits >= 32 ? 0xffffffffu : (1u << nunits) - 1;

	N = pindex_ndocs(pi);
	if (pindex_maxdoc(pi) > (int64_t)UINT32_MAX)
		goto notmine;	/* rowids past 2^32: FTS5 ranks */
	for (c = 0; c < 3; c++)
		avg[c] = pindex_avg(pi, c);
	for (k = 0; k < 256; k++) {
		len = postings_norm_length((uint8_t)k);
		for (c = 0; c < 3; c++)
		{
			/* the weight over the length normalization, so that a
			 * posting costs multiplications, not divisions */
			double	 n = 1.0 - rp.b[c] + rp.b[c] * len / avg[c];

			lnorm[k][c] = n > 0 ? rp.w[c] / n : 0;
		}
	}

	/* Each phrase's cursor: its term's lists decoded as they are read,
	 * or its list built first (a phrase of several words, variants). */
	fu = xreallocarray(NULL, nph, sizeof *fu);
	for (i = 0; i < nph; i++) {
		memset(&fu[i], 0, offsetof(struct fast_unit, c));
		pcursor_plist(&fu[i].c, &fu[i].l);	/* empty until set */
	}
	act = xcalloc(nph, sizeof *act);
	for (i = 0; i < nph; i++) {
		if (mono_us() >= budget->deadline)
			goto timeout;
		memset(&ft, 0, sizeof ft);
		ft.maxpos = -1;
		if (pindex_tokenize(pi, ph[i].text, strlen(ph[i].text), 0,
		    fast_term_cb, &ft) == -1)
			goto fail;
		if (ft.maxpos > 0) {
			/* Several words ("domicile-travail"): FTS5 finds
			 * them together, the snippet marks each. */
			for (j = 0; j < (size_t)ft.n; j++) {
				if (nqt < FAST_MAX_QTERMS && !ph[i].syn) {
					qt[nqt].s = ft.t[j];
					qt[nqt].len = ft.len[j];
					qtph[nqt++] = i;
				} else
					free(ft.t[j]);
			}
			ft.n = 0;
			sqlite3_progress_handler(store_db(st), 2000,
			    budget_check, budget);
			rc = fast_phrase_list(st, ph[i].text, &fu[i].l);
			sqlite3_progress_handler(store_db(st), 0, NULL, NULL);
			if (rc == -1 && budget->hit)
				goto timeout;
			if (rc == -1)
				goto sqlfail;
			pcursor_plist(&fu[i].c, &fu[i].l);
		} else if (ft.n == 1) {
			if (pcursor_open(pi, ft.t[0], (size_t)ft.len[0],
			    &fu[i].c) == -1) {
				xasprintf(cause, "postings of '%s' unreadable",
				    ft.t[0]);
				free(ft.t[0]);
				goto fail;
			}
		} else {
			/* Variants of one word (with and without its
			 * accents): their union, decoded as it goes. */
			struct pcursor	*kids;

			kids = xreallocarray(NULL, (size_t)ft.n,
			    sizeof *kids);
			for (j = 0; j < (size_t)ft.n; j++) {
				if (pcursor_open(pi, ft.t[j],
				    (size_t)ft.len[j], &kids[j]) == -1) {
					xasprintf(cause, "postings of '%s' "
					    "unreadable", ft.t[j]);
					while (j-- > 0)
						pcursor_close(&kids[j]);
					free(kids);
					for (j = 0; j < (size_t)ft.n; j++)
						free(ft.t[j]);
					goto fail;
				}
			}
			buf_reset(&ukey);
			for (j = 0; j < (size_t)ft.n; j++) {
				buf_add(&ukey, ft.t[j], (size_t)ft.len[j]);
				buf_addc(&ukey, '\x1f');
			}
			if (pcursor_union(&fu[i].c, kids, (size_t)ft.n,
			    ukey.data) == -1) {
				for (j = 0; j < (size_t)ft.n; j++)
					free(ft.t[j]);
				goto corrupt;
			}
		}
		for (j = 0; j < (size_t)ft.n; j++) {
			if (nqt < FAST_MAX_QTERMS && !ph[i].syn) {
				qt[nqt].s = ft.t[j];
				qt[nqt].len = ft.len[j];
				qt[nqt].unit = -1;	/* set below */
				qtph[nqt++] = i;
			} else
				free(ft.t[j]);
		}
		if (fu[i].c.df == 0) {
			if (!ph[i].syn)
				previdf = 0;
			continue;
		}
		idf = log((0.5 + (double)(N - fu[i].c.df)) /
		    (0.5 + (double)fu[i].c.df));
		if (idf <= 0.0)
			idf = 1e-6;
		w = ph[i].syn ? rp.syn : 1.0;
		fu[i].w1 = w * idf * (rp.k1 + 1.0);
		for (k = 0; k < (size_t)nunits && units[k] != ph[i].unit; k++)
			;
		fu[i].bit = 1u << k;
		fu[i].syn = ph[i].syn;
		/*
		 * Proximity: this word's first place in the body near the
		 * previous typed word's marks a row where they likely stand
		 * together (a hint kept in the postings, not positions).
		 */
		fu[i].prox = rp.prox > 0 && !ph[i].syn && i > 0 &&
		    !ph[i - 1].syn && ph[i - 1].unit != ph[i].unit &&
		    previdf > 0;
		fu[i].pidf = idf < previdf ? idf : previdf;
		if (!ph[i].syn)
			previdf = idf;
		if ((rc = pcursor_step(&fu[i].c)) == -1)
			goto corrupt;
		fu[i].c.on = rc;
		if (rc == 1)
			act[nact++] = i;
	}

	/* The best offset + limit, by a heap of the worst kept on top. */
	/* A margin below the page for the title-phrase rerank. */
	want = (size_t)(o->offset + o->limit);
	if (rp.tphrase != 0 && want < FAST_RERANK)
		want = FAST_RERANK;
	heap = xcalloc(want + 1, sizeof *heap);
	nex = fast_articles(st, p, ex);
	memset(exseen, 0, sizeof exseen);
	res->partial = nunits > 1;
	res->units = (int)nunits;

	/*
	 * A window of FAST_WIN rowids at a time: each phrase's cursor, in
	 * phrase order, adds what it holds below the window's end to small
	 * arrays (the sums made in the order they always were), then the
	 * rows the window touched are ranked.  Memory follows the window,
	 * not the corpus, and the arrays stay in the cache.
	 */
	base = INT64_MAX;
	for (k = 0; k < nact; k++)
		if (fu[act[k]].c.doc[fu[act[k]].c.i] < base)
			base = fu[act[k]].c.doc[fu[act[k]].c.i];
	while (nact > 0) {
		int64_t	 lim = base + FAST_WIN;
		size_t	 nw = 0, x;

		if (mono_us() >= budget->deadline)
			goto timeout;
		for (k = 0; k < nact; k++) {
			struct fast_unit	*un = &fu[act[k]];
			struct pcursor		*cu = &un->c;
			uint64_t		*cur, *prev;
			uint32_t		 fi, stamp;
			int			 prox;

			i = act[k];
			stamp = (uint32_t)i + 1;
			cur = fw.fpos[i % 2];
			prev = fw.fpos[(i + 1) % 2];
			prox = un->prox;
			while (cu->on && cu->doc[cu->i] < lim) {
				x = (size_t)(cu->doc[cu->i] - base);
				if (fw.seen[x] == 0) {
					fw.seen[x] = 1;
					fw.list[nw++] = (uint16_t)x;
				}
				fi = cu->first[cu->i];
				if (fi > 0 && !un->syn) {
					cur[x] = (uint64_t)stamp << 32 | fi;
					if (fi > fw.last[x])
						fw.last[x] = fi;
					if (fw.minf[x] == 0 || fi < fw.minf[x])
						fw.minf[x] = fi;
					if (prox && (uint32_t)(prev[x] >> 32) ==
					    stamp - 1) {
						d = (int64_t)fi - (int64_t)
						    (prev[x] & 0xffffffffu);
						if (d < 0)
							d = -d;
						if (d <= rp.near)
							fw.score[x] += (float)
							    (rp.prox * un->pidf);
					}
				}
				nr = pindex_norms(pi, cu->doc[cu->i]);
				f = cu->tf[cu->i][0] * lnorm[nr[0]][0] +
				    cu->tf[cu->i][1] * lnorm[nr[1]][1] +
				    cu->tf[cu->i][2] * lnorm[nr[2]][2];
				if (f > 0) {
					t = un->w1 * f / (f + rp.k1);
					fw.score[x] += (float)t;
					fw.mask[x] |= un->bit;
					if (cu->tf[cu->i][0] > 0)
						fw.tmask[x] |= un->bit;
				}
				if ((rc = pcursor_step(cu)) == -1)
					goto corrupt;
				cu->on = rc;
			}
		}
		/* the finished cursors leave act[], in order */
		base = INT64_MAX;
		for (j = k = 0; k < nact; k++) {
			struct pcursor	*cu = &fu[act[k]].c;

			if (!fu[act[k]].c.on)
				continue;
			act[j++] = act[k];
			if (cu->doc[cu->i] < base)
				base = cu->doc[cu->i];
		}
		nact = j;
		for (k = 0; k < nw; k++) {
			uint32_t	 mask, tmask, last, minf;
			float		 fs;

			x = fw.list[k];
			doc = lim - FAST_WIN + (int64_t)x;
			mask = fw.mask[x];
			tmask = fw.tmask[x];
			last = fw.last[x];
			minf = fw.minf[x];
			fs = fw.score[x];
			fw.seen[x] = 0;
			fw.mask[x] = fw.tmask[x] = fw.last[x] = fw.minf[x] = 0;
			fw.score[x] = 0;
			fw.fpos[0][x] = fw.fpos[1][x] = 0;
			if (mask == 0)
				continue;
			if (nff > 0 && !fast_filters_pass(pf, ff, nff, doc))
				continue;
			/* the rows that passed, for the facets */
			if (o->want_facets) {
				if (fa.npass == fa.cap) {
					fa.cap = fa.cap == 0 ? 4096 : fa.cap * 2;
					fa.pass = xreallocarray(fa.pass, fa.cap,
					    sizeof *fa.pass);
				}
				fa.pass[fa.npass++] = (uint32_t)doc;
			}
			npass++;
			h.doc = doc;
			h.mask = mask;
			h.tmask = tmask;
			h.last = last;
			h.minf = minf;
			/* the document's weight, a prior its plugin gave */
			h.score = fs * (double)pindex_norms(pi, doc)[3] / 100.0;
			if ((mask & full) == full) {
				res->partial = 0;
				nfull++;
			}
			if (rp.cover != 0 && nunits > 1) {
				u = __builtin_popcount(mask & full);
				h.score *= 1.0 + rp.cover * (double)(u - 1) /
				    (double)(nunits - 1);
			}
			for (e = 0; e < nex; e++)
				if (ex[e] == doc) {
					h.score += 1e12;
					exseen[e] = 1;
				}
			if (nheap < want) {
				heap[nheap++] = h;
				if (nheap == want)
					for (hk = want / 2 + 1; hk-- > 0; )
						fast_sift(heap, nheap, hk);
			} else if (fast_worse(&heap[0], &h)) {
				heap[0] = h;
				fast_sift(heap, nheap, 0);
			}
		}
	}
	res->total = (int64_t)npass;
	res->total_all = nunits > 1 ? (int64_t)nfull : res->total;
	if (o->want_facets)
		facet_count(pf, fa.pass, fa.npass, res);
	/* The named articles that matched no word still come first. */
	for (e = 0; e < nex; e++) {
		if (exseen[e] ||
		    (nff > 0 && !fast_filters_pass(pf, ff, nff, ex[e])))
			continue;
		res->total++;
		memset(&h, 0, sizeof h);
		h.doc = ex[e];
		h.score = 1e12;
		if (nheap < want)
			heap[nheap++] = h;
		else {
			qsort(heap, nheap, sizeof *heap, fast_hit_cmp);
			heap[nheap - 1] = h;
		}
	}
	qsort(heap, nheap, sizeof *heap, fast_hit_cmp);

	/* The page: its rows, their breadcrumbs and snippets. */
	/* The body (inflated only up to it: textpack.c), else the title. */
	if ((snip = store_stmt(st, "SELECT savoir_part(text, 2), '', title "
	    "FROM docs WHERE rowid = ?")) == NULL)
		goto sqlfail;
	for (i = 0; i < nqt; i++) {
		for (k = 0; k < (size_t)nunits &&
		    units[k] != ph[qtph[i]].unit; k++)
			;
		qt[i].unit = (int)k;
	}
	if ((title = store_stmt(st, "SELECT NULL, NULL, title FROM docs "
	    "WHERE rowid = ?")) == NULL)
		goto sqlfail;
	/* A title that is the query's words in order lifts its row. */
	if (rp.tphrase != 0 && nunits > 1) {
		for (i = 0; i < nheap; i++) {
			doc = heap[i].doc;
			/* Only a title holding every unit the row matched
			 * can be them in order: the postings said which. */
			if (heap[i].score < 1e12 &&
			    __builtin_popcount(heap[i].mask & full) >= 2 &&
			    (heap[i].tmask & heap[i].mask & full) ==
			    (heap[i].mask & full) &&
			    fast_title_phrase(pi, title, doc, qt, nqt,
			    heap[i].mask & full))
				heap[i].score *= 1.0 + rp.tphrase;
		}
		qsort(heap, nheap, sizeof *heap, fast_hit_cmp);
	}
	/* The breadcrumb's code or module comes from the facets in memory
	 * when they are loaded. */
	if (pf != NULL) {
		bk[0] = pfacets_find(pf, "code");
		bk[1] = pfacets_find(pf, "module");
	}
	if ((row = store_stmt(st, pf != NULL ? "SELECT d.id, d.type, d.title, "
	    "coalesce((SELECT label FROM types t WHERE t.name = d.type), "
	    "d.type) FROM docs d WHERE d.rowid = ?" : "SELECT d.id, d.type, "
	    "d.title, coalesce((SELECT label FROM types t WHERE t.name = "
	    "d.type), d.type) || coalesce(' › ' || (SELECT value FROM facets f "
	    "WHERE f.doc = d.rowid AND +f.key IN ('code', 'module') ORDER BY "
	    "f.key LIMIT 1), '') FROM docs d WHERE d.rowid = ?")) == NULL)
		goto sqlfail;

	res->hits = xcalloc((size_t)o->limit, sizeof *res->hits);
	for (i = (size_t)o->offset; i < nheap &&
	    res->nhits < (size_t)o->limit; i++) {
		sqlite3_bind_int64(row, 1, heap[i].doc);
		if (sqlite3_step(row) != SQLITE_ROW) {
			sqlite3_reset(row);
			continue;
		}
		hit = &res->hits[res->nhits++];
		hit->id = col_dup(row, 0);
		hit->type = col_dup(row, 1);
		hit->title = col_dup(row, 2);
		hit->breadcrumb = col_dup(row, 3);
		for (k = 0; pf != NULL && k < 2; k++) {
			const uint32_t	*ids;
			size_t		 nids;
			char		*b;

			if (bk[k] < 0 || (ids = pfacets_doc(pf, (size_t)bk[k],
			    heap[i].doc, &nids)) == NULL || nids == 0)
				continue;
			b = xsprintf("%s › %s", hit->breadcrumb,
			    pfacets_value(pf, (size_t)bk[k], ids[0]));
			free(hit->breadcrumb);
			hit->breadcrumb = b;
			break;
		}
		sqlite3_reset(row);
		hit->snippet = o->want_snippets ? fast_snippet(pi, snip,
		    heap[i].doc, qt, nqt, heap[i].minf,
		    heap[i].last) : xstrdup("");
		hit->score = heap[i].score >= 1e12 ? heap[i].score - 1e12 :
		    heap[i].score;
		hit->matched = __builtin_popcount(heap[i].mask & full);
	}
	ret = 1;
	goto out;
sqlfail:
	xasprintf(cause, "search failed: %s", sqlite3_errmsg(store_db(st)));
	goto fail;
notmine:
	ret = 0;
	goto out;
timeout:
	res->timeout = 1;
	ret = 1;
	goto out;
corrupt:
	xasprintf(cause, "a postings list is corrupt");
fail:
	ret = -1;
out:
	for (i = 0; fu != NULL && i < nph; i++) {
		pcursor_close(&fu[i].c);
		plist_free(&fu[i].l);
	}
	free(fu);
	free(act);
	buf_free(&ukey);
	fa.npass = 0;
	/* A large buffer is not kept from a query to the next. */
	if (fa.cap > FAST_KEEP) {
		free(fa.pass);
		fa.pass = NULL;
		fa.cap = 0;
	}
	for (i = 0; i < nph; i++)
		free(ph[i].text);
	for (i = 0; i < nqt; i++)
		free(qt[i].s);
	for (i = 0; i < nff; i++)
		free(ff[i].ok);
	free(ff);
	free(ph);
	free(heap);
	return ret;
}

int
search_run(struct store *st, const char *input, const struct search_opts *o,
    struct results *res, char **cause)
{
	struct search_opts	 opts = *o;
	struct plan		 p;
	struct query		*q;
	struct budget		 budget;
	struct correction	 corr;
	char			**keys, *all;
	size_t			 i;
	int64_t			 start = mono_us(), nall;
	int			 ret = -1, fast = 0, in_tx = 0;

	memset(res, 0, sizeof *res);
	res->total_all = -1;
	memset(&p, 0, sizeof p);
	if (opts.limit <= 0)
		opts.limit = 10;
	if (opts.limit > SEARCH_MAX_LIMIT)
		opts.limit = SEARCH_MAX_LIMIT;
	if (opts.offset < 0)
		opts.offset = 0;
	/* A word that matches nothing as typed: search its correction. */
	if (!opts.no_correct && input != NULL &&
	    query_correct(st, input, &corr) == 1) {
		if (corr.replaced != NULL)
			input = res->corrected = corr.replaced;
		res->suggestion = corr.offered;
	}

	keys = search_keys(st);
	q = query_parse(input != NULL ? input : "", (const char *const *)keys);
	query_expand(q, opts.synonyms);
	for (i = 0; i < q->nnotices; i++)
		results_notice(res, q->notices[i]);
	plan_nodes(&p, q);
	if (input != NULL)
		plan_refs(st, &p, input);
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

	/* One read transaction: every statement sees the same snapshot, and
	 * the file is locked once, not once a statement. */
	if (sqlite3_get_autocommit(store_db(st)) &&
	    sqlite3_exec(store_db(st), "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		in_tx = 1;
	budget.deadline = start + (int64_t)(opts.budget_ms > 0 ?
	    opts.budget_ms : 60000) * 1000;
	budget.hit = 0;
	/* The postings evaluator checks the deadline itself, and gives the
	 * progress handler to the FTS5 statements it runs. */
	fast = rp.cover_first || !rp.fast ? 0 :
	    search_fast(st, &p, &opts, res, &budget, cause);
	sqlite3_progress_handler(store_db(st), 2000, budget_check, &budget);
	if (fast == -1)
		goto out;
	if (res->timeout) {
		results_notice(res, "Requête trop coûteuse : elle a dépassé le "
		    "temps permis. Précisez-la (plus de mots, un filtre) et "
		    "réessayez.");
		ret = 0;
		goto out;
	}
	if (!fast && (search_count(st, &p, p.fts, &res->total) == -1 ||
	    search_hits(st, &p, &opts, res) == -1 ||
	    (opts.want_facets && search_facets(st, &p, res) == -1))) {
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
	if (fast) {
		if (res->partial)
			results_notice(res, "Aucun document ne contient tous "
			    "les mots cherchés : voici ceux qui en contiennent "
			    "le plus.");
	} else if (p.fts != NULL && res->total > 0 && query_units(q) > 1 &&
	    (all = query_fts_all(q)) != NULL) {
		res->units = (int)query_units(q);
		if (search_count(st, &p, all, &nall) == 0) {
			res->total_all = nall;
			if (nall == 0) {
				res->partial = 1;
				results_notice(res, "Aucun document ne contient "
				    "tous les mots cherchés : voici ceux qui en "
				    "contiennent le plus.");
			}
		}
		free(all);
	}
	if (res->units == 0)
		res->units = (int)query_units(q);
	if (res->total_all < 0 && res->units <= 1)
		res->total_all = res->total;
	if (res->total == 0)
		results_notice(res, "Aucun document ne correspond à cette "
		    "recherche.");
	ret = 0;
out:
	sqlite3_progress_handler(store_db(st), 0, NULL, NULL);
	if (in_tx)
		sqlite3_exec(store_db(st), "COMMIT", NULL, NULL, NULL);
	store_note_cache(st);
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
	strv_free(res->notices, res->nnotices);
	free(res->corrected);
	free(res->suggestion);
	memset(res, 0, sizeof *res);
}
