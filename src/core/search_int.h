/*
 * search_int.h - what the search files share: search.c (the plan and
 * search_run), search_fts.c (the FTS5 path) and search_fast.c (the
 * postings evaluator), and the two files they hand a finished match set
 * to: snippet.c (the passage shown under each hit) and facet.c (the facet
 * counts).  Private to the core; nothing here is API.
 */
#ifndef SAVOIR_SEARCH_INT_H
#define SAVOIR_SEARCH_INT_H

#include "savoir.h"

#define SEARCH_FACET_TOP	30	/* values kept a facet key */

/*
 * The top-k heaps of search_fast.c (hits) and facet.c (values) keep the worst
 * kept at the top.  HEAP_SIFT defines a static name(h, n, i) moving h[i]
 * down to its place in h[0..n); worse(x, y) says *x is worse than *y.  A
 * macro, not a function taking a comparator, so that search_fast.c's
 * ranking loop keeps its comparison inlined.
 */
#define HEAP_SIFT(name, type, worse)					\
static void								\
name(type *h, size_t n, size_t i)					\
{									\
	type	 t;							\
	size_t	 l, r, m;						\
									\
	for (;;) {							\
		l = 2 * i + 1;						\
		r = l + 1;						\
		m = i;							\
		if (l < n && worse(&h[l], &h[m]))			\
			m = l;						\
		if (r < n && worse(&h[r], &h[m]))			\
			m = r;						\
		if (m == i)						\
			return;						\
		t = h[i];						\
		h[i] = h[m];						\
		h[m] = t;						\
		i = m;							\
	}								\
}

/*
 * Ranking parameters, read by both evaluators' ranking loops.  One global
 * (defined in search.c, changed only by search_tune()): a read of it costs
 * the same from any file.
 */
struct rank_params {
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
};
extern struct rank_params rank_params;

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

/* The progress handler's deadline, per connection call. */
struct budget {
	int64_t	 deadline;
	int	 hit;
};

/* A facet filter: a folded value, or a year range. */
struct filter {
	const char	*key;
	char		*norm;
	int		 from, to;	/* year range, when from > 0 */
};

/* A query as the evaluators run it. */
struct plan {
	struct filter	*f;
	size_t		 nf;
	char		*fts;		/* MATCH expression or NULL */
	char		*units;		/* savoir_cover's map of fts */
	char		**articles;	/* ids ranked first */
	size_t		 narticles;
	struct buf	 where;		/* SQL after WHERE, with ? */
};

/* Column i of a row, allocated ("" for NULL). */
static inline char *
col_dup(sqlite3_stmt *stmt, int i)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, i);

	return xstrdup(s != NULL ? s : "");
}

/* A query term as the snippet and the title phrase look for it. */
struct qterm {
	char	*s;
	int	 len;
	int	 unit;
};

/* One token of a text read again, and the unit it matches (-1: none). */
struct snip_pos {
	int	 start, end, unit;
};

/* A text read again: its tokens (snippet_token() is the callback). */
struct snip_run {
	const struct qterm	*qt;
	size_t			 nqt;
	struct snip_pos		*v;
	size_t			 n, cap;
	int			 stop;		/* positions worth reading */
};

/* search.c */
/* The progress handler (arg: a struct budget): 1 once past the deadline. */
int	 budget_check(void *arg);
/* Bind the filter values of p's WHERE clause, from parameter *n on. */
void	 plan_bind(struct plan *p, sqlite3_stmt *, int *n);

/* search_fts.c */
/* Parse a units map (NULL: each phrase its own unit) for n phrases. */
void	 phrase_map_parse_str(struct phrase_map *, int n, const char *map);
/* The documents matching match (NULL: all) and the filters, into *count. */
int	 search_count(struct store *, struct plan *, const char *match,
	    int64_t *count);
/* One page of hits, and the facet counts: 0, or -1 on an SQL error. */
int	 search_hits(struct store *, struct plan *, const struct search_opts *,
	    struct results *);
int	 search_facets(struct store *, struct plan *, struct results *);

/* search_fast.c */
/*
 * Rank with the postings: 1 when done (res filled), 0 when
 * the query is not one this evaluator takes, -1 on an error (*cause set).
 */
int	 search_fast(struct store *, struct plan *, const struct search_opts *,
	    struct results *, struct budget *, char **cause);

/* snippet.c */
int	 snippet_token(void *, int pos, const char *term, int len, int start,
	    int end);
/*
 * The snippet of a text s of n bytes (a column of one row, body when it
 * is the body): allocated text, the best window of the query's terms
 * between SNIPPET_OPEN and SNIPPET_CLOSE (snippet_set makes it HTML).  first and last are the first and last first places of the
 * query's words in the body, from the postings (0: unknown).
 */
char	*snippet_make(struct pindex *, const char *s, size_t n, int body,
	    const struct qterm *, size_t nqt, uint32_t first, uint32_t last);

/* facet.c */
/* Add to res the facet counts over the ndocs documents that passed. */
void	 facet_count(struct pfacets *, const uint32_t *docs, size_t ndocs,
	    struct results *res);

#endif /* SAVOIR_SEARCH_INT_H */
