/*
 * search_int.h - what search.c shares with the two files it hands a
 * finished match set to: snippet.c (the passage shown under each hit) and
 * facet.c (the facet counts).  Private to the core; nothing here is API.
 */
#ifndef SAVOIR_SEARCH_INT_H
#define SAVOIR_SEARCH_INT_H

#include "savoir.h"

#define SEARCH_FACET_TOP	30	/* values kept a facet key */

/*
 * The top-k heaps of search.c (hits) and facet.c (values) keep the worst
 * kept at the top.  HEAP_SIFT defines a static name(h, n, i) moving h[i]
 * down to its place in h[0..n); worse(x, y) says *x is worse than *y.  A
 * macro, not a function taking a comparator, so that search.c's ranking
 * loop keeps its comparison inlined.
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

/* snippet.c */
int	 snippet_token(void *, int pos, const char *term, int len, int start,
	    int end);
/*
 * The snippet of a text s of n bytes (a column of one row, body when it
 * is the body): allocated HTML, the best window of the query's terms in
 * <mark>.  first and last are the first and last first places of the
 * query's words in the body, from the postings (0: unknown).
 */
char	*snippet_make(struct pindex *, const char *s, size_t n, int body,
	    const struct qterm *, size_t nqt, uint32_t first, uint32_t last);

/* facet.c */
/* Add to res the facet counts over the ndocs documents that passed. */
void	 facet_count(struct pfacets *, const uint32_t *docs, size_t ndocs,
	    struct results *res);

#endif /* SAVOIR_SEARCH_INT_H */
