/*
 * search.c - runs a parsed query against the index: the plan (the FTS5
 * expression and its units, the facet filters, the articles and texts the
 * query names, ranked before all), the time budget, and the choice of an
 * evaluator: search_fast.c's postings when the query is made of words,
 * search_fts.c's SQL otherwise.  It also owns the ranking parameters both
 * read (search_tune) and the results handed back (results_clear).
 *
 * It only reads.  Nothing a person typed reaches SQL or FTS5 syntax except
 * through bound parameters and query.c's quoted expressions.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "store_int.h"
#include "search_int.h"

#define SEARCH_MAX_LIMIT	100

/*
 * Ranking parameters.  The defaults are the values measured best on the
 * tuning half of bench/relevance's open set (see bench/README.md);
 * search_tune() changes them, for that benchmark only.
 */
struct rank_params rank_params = {
	3.0, { 0.75, 1.0, 0.6 }, { 10.0, 4.0, 1.0 }, 0.0, 0.5, 1e-6, 0, 1,
	0.3, 4,
};

int
search_tune(const char *spec, char **cause)
{
	struct rank_params	 p = rank_params;
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
		rank_params = p;
	return ret;
}

int
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

/*
 * Filters that no document of the index can pass (a value misspelt, or
 * of another key): a notice each, so that an empty answer says why
 * rather than nothing.  Read only when a search found nothing.
 */
static void
search_unmatched_filters(struct store *st, const struct plan *p,
    struct results *res)
{
	static const char sql[] = "SELECT 1 FROM fval WHERE key = ?1 AND "
	    "(CASE WHEN ?3 > 0 THEN CAST(norm AS INTEGER) BETWEEN ?3 AND ?4 "
	    "ELSE norm = ?2 OR norm LIKE ?2 || ' %' END) LIMIT 1";
	sqlite3_stmt	*stmt;
	size_t		 i;
	char		*msg;
	int		 rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return;
	for (i = 0; i < p->nf; i++) {
		sqlite3_bind_text(stmt, 1, p->f[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, p->f[i].norm, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 3, p->f[i].from);
		sqlite3_bind_int(stmt, 4, p->f[i].to);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			continue;	/* a document has it, or an error */
		msg = xsprintf("Aucun document n'a « %s » pour « %s » : ce "
		    "filtre ne peut rien trouver (valeur mal écrite ?).",
		    p->f[i].norm, p->f[i].key);
		results_notice(res, msg);
		free(msg);
	}
	sqlite3_clear_bindings(stmt);
}

/* Bind the filter values in plan_where's order, from index *n. */
void
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
	fast = rank_params.cover_first || !rank_params.fast ? 0 :
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
	if (res->total == 0 && p.nf > 0)
		search_unmatched_filters(st, &p, res);
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
		free(res->hits[i].snippet_marked);
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
