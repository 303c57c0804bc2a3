/*
 * search_fast.c - the postings evaluator.  A query of words (and article
 * references, and groups of one-word synonyms) is ranked from postings.c's
 * lists: each term's list decoded as it is read, BM25F scores summed
 * window by window of rowids, the best rows kept in a heap, then the title
 * phrase's rerank of the first rows.  Every matching document is visited,
 * as with FTS5, but at a few nanoseconds a posting instead of a trip
 * through the SQL engine and the auxiliary API per row.  Facet filters and
 * counts come from postings.c's pfacets (the counting is facet.c's), the
 * snippets from snippet.c.  Anything else (an AND of phrases, a prefix, an
 * exclusion, a filter on facets not loaded) is left to search_fts.c.
 *
 * It only reads.  Phrases of several words are asked of FTS5 through
 * bound parameters.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "store_int.h"
#include "search_int.h"

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
 * Rank with the postings: 1 when done (res filled), 0 when
 * the query is not one this evaluator takes, -1 on an error.
 */
int
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
			double	 n = 1.0 - rank_params.b[c] +
			    rank_params.b[c] * len / avg[c];

			lnorm[k][c] = n > 0 ? rank_params.w[c] / n : 0;
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
		w = ph[i].syn ? rank_params.syn : 1.0;
		fu[i].w1 = w * idf * (rank_params.k1 + 1.0);
		for (k = 0; k < (size_t)nunits && units[k] != ph[i].unit; k++)
			;
		fu[i].bit = 1u << k;
		fu[i].syn = ph[i].syn;
		/*
		 * Proximity: this word's first place in the body near the
		 * previous typed word's marks a row where they likely stand
		 * together (a hint kept in the postings, not positions).
		 */
		fu[i].prox = rank_params.prox > 0 && !ph[i].syn && i > 0 &&
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
	if (rank_params.tphrase != 0 && want < FAST_RERANK)
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
						if (d <= rank_params.near)
							fw.score[x] += (float)
							    (rank_params.prox *
							    un->pidf);
					}
				}
				nr = pindex_norms(pi, cu->doc[cu->i]);
				f = cu->tf[cu->i][0] * lnorm[nr[0]][0] +
				    cu->tf[cu->i][1] * lnorm[nr[1]][1] +
				    cu->tf[cu->i][2] * lnorm[nr[2]][2];
				if (f > 0) {
					t = un->w1 * f / (f + rank_params.k1);
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
			if (rank_params.cover != 0 && nunits > 1) {
				u = __builtin_popcount(mask & full);
				h.score *= 1.0 + rank_params.cover *
				    (double)(u - 1) / (double)(nunits - 1);
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
	if (rank_params.tphrase != 0 && nunits > 1) {
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
				heap[i].score *= 1.0 + rank_params.tphrase;
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
		snippet_set(hit, o->want_snippets ? fast_snippet(pi, snip,
		    heap[i].doc, qt, nqt, heap[i].minf,
		    heap[i].last) : NULL);
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
