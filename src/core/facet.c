/*
 * facet.c - facet counts over a match set, from the facet values of every
 * document kept in memory (postings.c's pfacets): for each key in byte
 * order, its SEARCH_FACET_TOP values held by the most documents, then by
 * value, as search_fts.c's SQL path orders them.  Only the values the
 * documents hold are visited, so the cost follows the match set.
 *
 * It only counts: which documents passed is search_fast.c's to say.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "search_int.h"

struct facet_value {
	uint32_t	 id;
	int64_t		 n;
	const char	*value;
};

static int
facet_value_cmp(const void *a, const void *b)
{
	const struct facet_value	*x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* Is x a better facet value than y: more documents, then its text. */
static int
facet_value_better(const struct facet_value *x, const struct facet_value *y)
{
	return x->n > y->n || (x->n == y->n && strcmp(x->value, y->value) < 0);
}

static int
facet_value_worse(const struct facet_value *x, const struct facet_value *y)
{
	return facet_value_better(y, x);
}

HEAP_SIFT(facet_value_sift, struct facet_value, facet_value_worse)

/* Keep the SEARCH_FACET_TOP best of the values seen, in a heap whose top
 * is the worst kept. */
static void
facet_value_keep(struct facet_value *h, size_t *nh, const struct facet_value *c)
{
	struct facet_value	 t;
	size_t			 i, n = *nh;

	if (n < SEARCH_FACET_TOP) {
		h[n] = *c;
		for (i = n++; i > 0 && facet_value_better(&h[(i - 1) / 2],
		    &h[i]); i = (i - 1) / 2) {
			t = h[i];
			h[i] = h[(i - 1) / 2];
			h[(i - 1) / 2] = t;
		}
		*nh = n;
		return;
	}
	if (!facet_value_better(c, &h[0]))
		return;
	h[0] = *c;
	facet_value_sift(h, n, 0);
}

/*
 * Facet counts over the documents that passed: every key, its top values
 * by count, then by value (search_facets' order).  Only the values the
 * documents hold are visited: the cost follows the match set, not the
 * number of values a key has (an article number is a value too).
 */
void
facet_count(struct pfacets *pf, const uint32_t *docs, size_t ndocs,
    struct results *res)
{
	struct facet_value	 top[SEARCH_FACET_TOP], c;
	const uint32_t		*ids;
	uint32_t		*cnt, *seen = NULL, id;
	const uint32_t		*one;
	size_t			 k, i, j, m, n, nseen, nk, ntop, cap = 0;
	size_t			 capseen = 0, *order;

	nk = pfacets_nkeys(pf);
	order = xcalloc(nk + 1, sizeof *order);
	for (k = 0; k < nk; k++)
		order[k] = k;
	/* keys in byte order, as the SQL sorts them */
	for (k = 1; k < nk; k++)
		for (j = k; j > 0 && strcmp(pfacets_key(pf, order[j - 1]),
		    pfacets_key(pf, order[j])) > 0; j--) {
			m = order[j];
			order[j] = order[j - 1];
			order[j - 1] = m;
		}
	for (m = 0; m < nk; m++) {
		k = order[m];
		cnt = pfacets_counts(pf, k);
		nseen = 0;
		if ((one = pfacets_single(pf, k)) != NULL) {
			/* one value a document at most: one load each */
			for (i = 0; i < ndocs; i++) {
				id = one[docs[i]];
				if (id == UINT32_MAX || cnt[id]++ > 0)
					continue;
				if (nseen == capseen) {
					capseen = capseen == 0 ? 256 :
					    capseen * 2;
					seen = xreallocarray(seen, capseen,
					    sizeof *seen);
				}
				seen[nseen++] = id;
			}
		}
		for (i = 0; one == NULL && i < ndocs; i++) {
			ids = pfacets_doc(pf, k, docs[i], &n);
			for (j = 0; j < n; j++) {
				/* a value twice on one document counts once */
				if (j > 0 && ids[j] == ids[j - 1])
					continue;
				if (cnt[ids[j]]++ == 0) {
					if (nseen == capseen) {
						capseen = capseen == 0 ? 256 :
						    capseen * 2;
						seen = xreallocarray(seen,
						    capseen, sizeof *seen);
					}
					seen[nseen++] = ids[j];
				}
			}
		}
		ntop = 0;
		for (i = 0; i < nseen; i++) {
			c.id = seen[i];
			c.n = cnt[seen[i]];
			c.value = pfacets_value(pf, k, seen[i]);
			facet_value_keep(top, &ntop, &c);
			cnt[seen[i]] = 0;
		}
		qsort(top, ntop, sizeof *top, facet_value_cmp);
		for (i = 0; i < ntop; i++) {
			if (res->nfacets == cap) {
				cap = cap == 0 ? 32 : cap * 2;
				res->facets = xreallocarray(res->facets, cap,
				    sizeof *res->facets);
			}
			res->facets[res->nfacets].key =
			    xstrdup(pfacets_key(pf, k));
			res->facets[res->nfacets].value = xstrdup(top[i].value);
			res->facets[res->nfacets].count = top[i].n;
			res->nfacets++;
		}
	}
	free(seen);
	free(order);
}
