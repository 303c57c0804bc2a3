/*
 * similar.c - « Documents proches »: the documents most like a given one.
 *
 * A document is described by its most distinctive words: frequent in it,
 * rare in the index (tf × idf over the vocabulary of store_vocab.c, the title
 * counting thrice).  Those words are searched like a query typed by a
 * person (search_run ranks documents sharing more and rarer of them
 * higher), and the ranking is then nudged towards documents that link
 * with it either way and those of the same type and module or code (its
 * breadcrumb).  Cost: one search of a dozen words.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"

#define SIM_WORDS	12	/* distinctive words searched */
#define SIM_SCAN	40	/* results looked at, before the nudges */
#define SIM_TEXT_MAX	(256 * 1024)	/* of the body, read at most */
#define SIM_LINKED	0.35	/* bonus for a link either way */
#define SIM_SAME_PLACE	0.15	/* bonus for the same breadcrumb */

struct sim_word {
	const char	*w;
	size_t		 n;
	double		 tf, score;
};

struct sim_hit {
	const struct hit *h;
	double		 score;
};

static int
sim_word_cmp(const void *a, const void *b)
{
	const struct sim_word	*x = a, *y = b;
	int			 c;

	c = memcmp(x->w, y->w, x->n < y->n ? x->n : y->n);
	if (c != 0)
		return c;
	return (x->n > y->n) - (x->n < y->n);
}

static int
sim_score_cmp(const void *a, const void *b)
{
	const struct sim_word	*x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return sim_word_cmp(a, b);
}

static int
sim_hit_cmp(const void *a, const void *b)
{
	const struct sim_hit	*x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->h->id, y->h->id);
}

/* Append the words of folded text (space-separated) with weight wt. */
static void
sim_collect(const char *f, double wt, struct sim_word **v, size_t *n,
    size_t *cap)
{
	const char	*p = f, *e;
	size_t		 i;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if (e - p >= 3 && e - p <= 40 && !fr_is_stopword(p,
		    (size_t)(e - p))) {
			for (i = 0; i < (size_t)(e - p) &&
			    !(p[i] >= '0' && p[i] <= '9'); i++)
				;
			if (i == (size_t)(e - p)) {
				if (*n == *cap) {
					*cap = *cap == 0 ? 256 : *cap * 2;
					*v = xreallocarray(*v, *cap,
					    sizeof **v);
				}
				(*v)[*n].w = p;
				(*v)[*n].n = (size_t)(e - p);
				(*v)[*n].tf = wt;
				(*v)[(*n)++].score = 0;
			}
		}
		p = e;
	}
}

/*
 * The query: the document's SIM_WORDS most distinctive words, or NULL
 * when it has none that another document shares.
 */
static char *
sim_query(const struct speller *sp, int64_t ndocs, const char *title,
    const char *body)
{
	struct sim_word	*v = NULL;
	char		*ft, *fb;
	struct buf	 q;
	size_t		 n = 0, cap = 0, i, j, k;
	int64_t		 df;

	ft = fr_fold(title, strlen(title));
	fb = fr_fold(body, strnlen(body, SIM_TEXT_MAX));
	sim_collect(ft, 3, &v, &n, &cap);
	sim_collect(fb, 1, &v, &n, &cap);
	if (n > 0)
		qsort(v, n, sizeof *v, sim_word_cmp);
	/* Runs of one word become one entry with its summed count. */
	for (i = 0, k = 0; i < n; i = j) {
		v[k] = v[i];
		for (j = i + 1; j < n && v[j].n == v[i].n &&
		    memcmp(v[j].w, v[i].w, v[i].n) == 0; j++)
			v[k].tf += v[j].tf;
		df = spell_df(sp, v[k].w, v[k].n);
		/* Only this document, or a word of a quarter of them. */
		if (df < 2 || df > ndocs / 4 + 1)
			continue;
		v[k].score = (1 + log(v[k].tf)) * log((double)ndocs /
		    (double)df);
		k++;
	}
	n = k;
	qsort(v, n, sizeof *v, sim_score_cmp);
	buf_init(&q);
	for (i = 0; i < n && i < SIM_WORDS; i++) {
		if (i > 0)
			buf_addc(&q, ' ');
		buf_add(&q, v[i].w, v[i].n);
	}
	free(v);
	free(ft);
	free(fb);
	if (q.len == 0) {
		buf_free(&q);
		return NULL;
	}
	return buf_steal(&q);
}

/* Is id among the links? */
static int
sim_linked(const struct store_link *l, size_t n, const char *id)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i].id, id) == 0)
			return 1;
	return 0;
}

int
similar_docs(struct store *st, const char *id, int max,
    struct store_link **out, size_t *nout, char **cause)
{
	struct store_doc	*d = NULL;
	struct store_link	*to = NULL, *from = NULL;
	size_t			 nto = 0, nfrom = 0, i, n = 0;
	struct search_opts	 o;
	struct results		 r;
	struct sim_hit		*sh = NULL;
	const struct speller	*sp;
	int64_t			 ndocs;
	char			*q = NULL;
	double			 top;
	int			 rc;

	*out = NULL;
	*nout = 0;
	memset(&r, 0, sizeof r);
	if ((rc = store_doc(st, id, STORE_DOC_TEXT, &d, cause)) != 1)
		return rc;
	if ((sp = store_speller(st, &ndocs)) == NULL || ndocs < 2 ||
	    (q = sim_query(sp, ndocs, d->title, d->text != NULL ? d->text :
	    "")) == NULL) {
		store_doc_free(d);
		return 1;	/* nothing to go on: no similar documents */
	}
	memset(&o, 0, sizeof o);
	o.limit = SIM_SCAN;
	o.no_correct = 1;
	if (search_run(st, q, &o, &r, cause) == -1 ||
	    store_links(st, d->rowid, &to, &nto, cause) == -1 ||
	    store_cited_by(st, id, 1, 0, &from, &nfrom, cause) == -1) {
		rc = -1;
		goto out;
	}
	sh = xreallocarray(NULL, r.nhits + 1, sizeof *sh);
	top = r.nhits > 0 && r.hits[0].score > 0 ? r.hits[0].score : 1;
	for (i = 0; i < r.nhits; i++) {
		if (strcmp(r.hits[i].id, id) == 0)
			continue;
		sh[n].h = &r.hits[i];
		sh[n].score = r.hits[i].score / top;
		if (sim_linked(to, nto, r.hits[i].id) ||
		    sim_linked(from, nfrom, r.hits[i].id))
			sh[n].score += SIM_LINKED;
		if (r.hits[i].breadcrumb != NULL && d->breadcrumb != NULL &&
		    strcmp(r.hits[i].breadcrumb, d->breadcrumb) == 0)
			sh[n].score += SIM_SAME_PLACE;
		n++;
	}
	qsort(sh, n, sizeof *sh, sim_hit_cmp);
	if (n > (size_t)max)
		n = (size_t)max;
	*out = xcalloc(n + 1, sizeof **out);
	for (i = 0; i < n; i++) {
		(*out)[i].id = xstrdup(sh[i].h->id);
		(*out)[i].title = xstrdup(sh[i].h->title);
		(*out)[i].type = xstrdup(sh[i].h->type);
		(*out)[i].rel = xstrdup("proche");
		(*out)[i].exists = 1;
	}
	*nout = n;
	rc = 1;
out:
	free(sh);
	free(q);
	results_clear(&r);
	store_links_free(to, nto);
	store_links_free(from, nfrom);
	store_doc_free(d);
	return rc;
}
