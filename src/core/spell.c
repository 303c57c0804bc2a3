/*
 * spell.c - corrections for the words of a query: the index's vocabulary
 * (folded words, each with the form people read and the number of
 * documents holding it) and, for a word that matches nothing or almost
 * nothing, the close words of that vocabulary.
 *
 * Close means a small weighted edit distance (optimal string alignment:
 * insertions, deletions, substitutions, transpositions of neighbours),
 * scaled by the word's length, in which the confusions of French scanned
 * text cost half an edit: i/l/1 and o/0 read one for the other, c for e or
 * o (the "ceuvre" of "œuvre"), rn for m, cl for d, ri for n, vv for w;
 * so does a letter doubled or undoubled, the commonest slip of typing.
 * A word glued to the next ("cooperationdecentralisee") is split in two
 * known words.  Candidates come from a trigram index of the vocabulary
 * (a word within distance d of another shares all but 3d of its
 * trigrams), so a correction reads a few lists, never the whole
 * vocabulary.
 *
 * It never reads the index itself: the store hands it the vocabulary
 * (spell_add), correct.c asks it for corrections.  Immutable once built,
 * so readers on several threads share one.
 */
#include "config.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"

#define SP_BUCKETS	(1u << 16)	/* trigram hash buckets */
#define SP_WORD_MAX	48		/* longer words are not corrected */
#define SP_INS		2		/* costs in half edits */
#define SP_SUB		2
#define SP_OCR		1
#define SP_FIRST	1		/* extra for changing the first letter */

struct spell_word {
	uint32_t	 off;		/* in words, folded, NUL-terminated */
	uint32_t	 form;		/* in words: as people read it */
	uint32_t	 len;
	int64_t		 df;
};

struct speller {
	struct spell_word *v;
	size_t		   n, cap;
	struct buf	   words;
	/* exact lookup: open addressing, index + 1 */
	uint32_t	  *slots;
	size_t		   nslots;
	/* trigram lists (compressed sparse rows) */
	uint32_t	  *start;	/* SP_BUCKETS + 1 */
	uint32_t	  *ids;
	int		   built;
};

static const char *
sp_word(const struct speller *sp, size_t i)
{
	return sp->words.data + sp->v[i].off;
}

struct speller *
spell_new(void)
{
	struct speller	*sp = xcalloc(1, sizeof *sp);

	buf_init(&sp->words);
	return sp;
}

void
spell_free(struct speller *sp)
{
	if (sp == NULL)
		return;
	free(sp->v);
	buf_free(&sp->words);
	free(sp->slots);
	free(sp->start);
	free(sp->ids);
	free(sp);
}

size_t
spell_size(const struct speller *sp)
{
	return sp != NULL ? sp->n : 0;
}

void
spell_add(struct speller *sp, const char *word, size_t len,
    const char *form, size_t formlen, int64_t df)
{
	struct spell_word	*w;

	if (sp->built || len == 0 || len > SP_WORD_MAX || df <= 0 ||
	    sp->words.len > UINT32_MAX / 2)
		return;
	if (sp->n == sp->cap) {
		sp->cap = sp->cap == 0 ? 1024 : sp->cap * 2;
		sp->v = xreallocarray(sp->v, sp->cap, sizeof *sp->v);
	}
	w = &sp->v[sp->n++];
	w->off = (uint32_t)sp->words.len;
	w->len = (uint32_t)len;
	w->df = df;
	buf_add(&sp->words, word, len);
	buf_addc(&sp->words, '\0');
	if (form == NULL || formlen == 0) {
		w->form = w->off;
		return;
	}
	w->form = (uint32_t)sp->words.len;
	buf_add(&sp->words, form, formlen);
	buf_addc(&sp->words, '\0');
}

/* The trigrams of a word, padded so that its ends count: "\1w\2". */
static size_t
sp_trigrams(const char *w, size_t n, uint32_t *out)
{
	char	 p[SP_WORD_MAX + 2];
	size_t	 i;

	p[0] = '\1';
	memcpy(p + 1, w, n);
	p[n + 1] = '\2';
	for (i = 0; i + 3 <= n + 2; i++)
		out[i] = hash_fnv1a(p + i, 3) & (SP_BUCKETS - 1);
	return n;
}

/* Index the words added: exact lookup and trigram lists. */
void
spell_build(struct speller *sp)
{
	uint32_t	 tri[SP_WORD_MAX];
	uint32_t	*fill;
	size_t		 i, j, k, nt, total = 0;

	if (sp->built)
		return;
	sp->built = 1;
	sp->slots = slots_grow(sp->slots, &sp->nslots, sp->n * 2);
	for (i = 0; i < sp->n; i++)
		slots_put(sp->slots, sp->nslots, hash_fnv1a(sp_word(sp, i),
		    sp->v[i].len), i);
	sp->start = xcalloc(SP_BUCKETS + 1, sizeof *sp->start);
	for (i = 0; i < sp->n; i++) {
		nt = sp_trigrams(sp_word(sp, i), sp->v[i].len, tri);
		for (j = 0; j < nt; j++)
			sp->start[tri[j] + 1]++;
		total += nt;
	}
	for (i = 0; i < SP_BUCKETS; i++)
		sp->start[i + 1] += sp->start[i];
	sp->ids = xreallocarray(NULL, total > 0 ? total : 1, sizeof *sp->ids);
	fill = xcalloc(SP_BUCKETS, sizeof *fill);
	for (i = 0; i < sp->n; i++) {
		nt = sp_trigrams(sp_word(sp, i), sp->v[i].len, tri);
		for (j = 0; j < nt; j++) {
			/* A word repeating a trigram is listed once. */
			if (fill[tri[j]] > 0 && sp->ids[sp->start[tri[j]] +
			    fill[tri[j]] - 1] == i)
				continue;
			sp->ids[sp->start[tri[j]] + fill[tri[j]]++] =
			    (uint32_t)i;
		}
	}
	/* Close the gaps repeats left: lists end where their fill does. */
	for (i = 0, k = 0; i < SP_BUCKETS; i++) {
		size_t	 from = sp->start[i];

		sp->start[i] = (uint32_t)k;
		memmove(sp->ids + k, sp->ids + from, fill[i] * sizeof *sp->ids);
		k += fill[i];
	}
	sp->start[SP_BUCKETS] = (uint32_t)k;
	free(fill);
}

/* The vocabulary's entry for a folded word, or -1. */
static ssize_t
sp_find(const struct speller *sp, const char *w, size_t n)
{
	size_t	 k;
	uint32_t s;

	if (!sp->built || sp->n == 0)
		return -1;
	k = hash_fnv1a(w, n) & (sp->nslots - 1);
	while ((s = sp->slots[k]) != 0) {
		if (sp->v[s - 1].len == n && memcmp(sp_word(sp, s - 1), w,
		    n) == 0)
			return (ssize_t)(s - 1);
		k = (k + 1) & (sp->nslots - 1);
	}
	return -1;
}

int64_t
spell_df(const struct speller *sp, const char *w, size_t n)
{
	ssize_t	 i = sp != NULL ? sp_find(sp, w, n) : -1;

	return i >= 0 ? sp->v[i].df : 0;
}

const char *
spell_form(const struct speller *sp, const char *w, size_t n)
{
	ssize_t	 i = sp != NULL ? sp_find(sp, w, n) : -1;

	return i >= 0 ? sp->words.data + sp->v[i].form : NULL;
}

/* Is {a, b} a pair scanners confuse (either order)? */
static int
sp_ocr1(char a, char b)
{
	static const char *const pairs[] = {
		"il", "i1", "l1", "o0", "ce", "co", "un", "rn", "uv", "hb",
		"tf", "ea", NULL
	};
	const char *const *p;

	for (p = pairs; *p != NULL; p++)
		if (((*p)[0] == a && (*p)[1] == b) ||
		    ((*p)[0] == b && (*p)[1] == a))
			return 1;
	return 0;
}

/* Does a two-letter run of one word stand for one letter of the other? */
static int
sp_ocr2(const char *two, char one)
{
	static const char *const pairs[] = { "rnm", "cld", "rin", "vvw",
	    "lih", "iin", NULL };
	const char *const *p;

	for (p = pairs; *p != NULL; p++)
		if ((*p)[0] == two[0] && (*p)[1] == two[1] && (*p)[2] == one)
			return 1;
	return 0;
}

static int
sp_min(int a, int b)
{
	return a < b ? a : b;
}

/*
 * The weighted distance between a and b, in half edits, or a value above
 * max as soon as it must be: optimal string alignment with the scanner
 * confusions above at half cost, and a change of the first letter
 * (people rarely mistype it) costing a little more.
 */
int
spell_distance(const char *a, size_t na, const char *b, size_t nb, int max)
{
	int	 d[SP_WORD_MAX + 1][SP_WORD_MAX + 1];
	int	 c, rowmin;
	size_t	 i, j;

	if (na > SP_WORD_MAX || nb > SP_WORD_MAX)
		return max + 1;
	if ((na > nb ? na - nb : nb - na) * SP_INS / 2 > (size_t)max)
		return max + 1;
	for (i = 0; i <= na; i++)
		d[i][0] = (int)i * SP_INS;
	for (j = 0; j <= nb; j++)
		d[0][j] = (int)j * SP_INS;
	for (i = 1; i <= na; i++) {
		rowmin = d[i][0];
		for (j = 1; j <= nb; j++) {
			if (a[i - 1] == b[j - 1])
				c = d[i - 1][j - 1];
			else
				c = d[i - 1][j - 1] + (sp_ocr1(a[i - 1],
				    b[j - 1]) ? SP_OCR : SP_SUB) +
				    (i == 1 && j == 1 ? SP_FIRST : 0);
			/* A letter doubled or undoubled ("jumellage",
			 * "intereg") is the commonest slip: half an edit. */
			c = sp_min(c, d[i - 1][j] + ((i > 1 && a[i - 1] ==
			    a[i - 2]) || (i < na && a[i - 1] == a[i]) ?
			    SP_OCR : SP_INS));
			c = sp_min(c, d[i][j - 1] + ((j > 1 && b[j - 1] ==
			    b[j - 2]) || (j < nb && b[j - 1] == b[j]) ?
			    SP_OCR : SP_INS));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1])
				c = sp_min(c, d[i - 2][j - 2] + SP_SUB);
			if (i > 1 && sp_ocr2(a + i - 2, b[j - 1]))
				c = sp_min(c, d[i - 2][j - 1] + SP_OCR);
			if (j > 1 && sp_ocr2(b + j - 2, a[i - 1]))
				c = sp_min(c, d[i - 1][j - 2] + SP_OCR);
			d[i][j] = c;
			rowmin = sp_min(rowmin, c);
		}
		if (rowmin > max + SP_SUB)
			return max + 1;
	}
	return d[na][nb];
}

/*
 * Could a slip turn c into w at their start?  The same first letter, a
 * scanner's confusion of it, or one of the first two letters dropped,
 * added or swapped: people rarely mistype the first letter otherwise, and
 * this test spares most candidates the distance.
 */
static int
sp_start_ok(const char *w, size_t n, const char *c, size_t nc)
{
	if (c[0] == w[0] || sp_ocr1(c[0], w[0]))
		return 1;
	if (n > 1 && c[0] == w[1])
		return 1;
	if (nc > 1 && c[1] == w[0])
		return 1;
	return n > 1 && nc > 1 && sp_ocr2(w, c[0]);
}

/* The largest distance (half edits) allowed for a word of n bytes. */
static int
sp_budget(size_t n)
{
	if (n < 4)
		return 0;
	if (n < 6)
		return SP_SUB;		/* one edit */
	return 2 * SP_SUB;		/* two */
}

/* Is this candidate better than the best so far? */
static int
sp_better(const struct spell_cand *c, int dist, int64_t df)
{
	if (c->word == NULL)
		return 1;
	if (dist != c->dist)
		return dist < c->dist;
	return df > c->df;
}

int
spell_suggest(const struct speller *sp, const char *w, size_t n,
    struct spell_cand *out)
{
	uint32_t	 tri[SP_WORD_MAX];
	uint8_t		*count;
	uint32_t	*touched;
	size_t		 nt, ntouched = 0, i, j, k, cap;
	int		 max, need, dist;
	ssize_t		 l, r;
	int64_t		 df;

	memset(out, 0, sizeof *out);
	if (sp == NULL || !sp->built || sp->n == 0 || n == 0 ||
	    n > SP_WORD_MAX)
		return 0;
	max = sp_budget(n);
	/* Two known words glued: the split whose rarer half is commonest. */
	for (i = 2; n >= 5 && i + 2 <= n; i++) {
		if ((l = sp_find(sp, w, i)) < 0 ||
		    (r = sp_find(sp, w + i, n - i)) < 0)
			continue;
		df = sp->v[l].df < sp->v[r].df ? sp->v[l].df : sp->v[r].df;
		if (out->word == NULL || df > out->df) {
			out->word = sp_word(sp, (size_t)l);
			out->form = sp->words.data + sp->v[l].form;
			out->word2 = sp_word(sp, (size_t)r);
			out->form2 = sp->words.data + sp->v[r].form;
			out->df = df;
			out->dist = SP_OCR;
		}
	}
	if (max == 0)
		return out->word != NULL;
	nt = sp_trigrams(w, n, tri);
	/* Within max half edits, at most max / SP_SUB edits of three
	 * trigrams each; always at least one trigram in common. */
	need = (int)nt - 3 * (max / SP_SUB);
	if (need < 1)
		need = 1;
	count = xcalloc(sp->n, 1);
	cap = 256;
	touched = xreallocarray(NULL, cap, sizeof *touched);
	for (i = 0; i < nt; i++) {
		/* A trigram repeated in w counts once. */
		for (j = 0; j < i && tri[j] != tri[i]; j++)
			;
		if (j < i)
			continue;
		for (k = sp->start[tri[i]]; k < sp->start[tri[i] + 1]; k++) {
			if (count[sp->ids[k]]++ == 0) {
				if (ntouched == cap) {
					cap *= 2;
					touched = xreallocarray(touched, cap,
					    sizeof *touched);
				}
				touched[ntouched++] = sp->ids[k];
			}
		}
	}
	for (i = 0; i < ntouched; i++) {
		const struct spell_word	*c = &sp->v[touched[i]];

		if (count[touched[i]] < need || !sp_start_ok(w, n,
		    sp_word(sp, touched[i]), c->len))
			continue;
		if (c->len == n && memcmp(sp_word(sp, touched[i]), w, n) == 0)
			continue;
		dist = spell_distance(w, n, sp_word(sp, touched[i]), c->len,
		    max);
		if (dist > max || !sp_better(out, dist, c->df))
			continue;
		out->word = sp_word(sp, touched[i]);
		out->form = sp->words.data + c->form;
		out->word2 = out->form2 = NULL;
		out->df = c->df;
		out->dist = dist;
	}
	free(touched);
	free(count);
	return out->word != NULL;
}

/*
 * The word a misspelled beginning is most likely the start of ("cooperasi"
 * of "coopération"): among the words sharing its trigrams (the first one
 * padded, so that it starts them), the one whose start of about the same
 * length is closest, then the commonest.  1 with *out, or 0.
 */
int
spell_complete(const struct speller *sp, const char *p, size_t n,
    struct spell_cand *out)
{
	uint32_t	 tri[SP_WORD_MAX];
	uint8_t		*count;
	size_t		 nt, i, j, k, len;
	int		 max, d, best;

	memset(out, 0, sizeof *out);
	if (sp == NULL || !sp->built || sp->n == 0 || n < 4 ||
	    n > SP_WORD_MAX)
		return 0;
	max = sp_budget(n);
	/* "\1p\2" without its last trigram: p is not the end of a word. */
	nt = sp_trigrams(p, n, tri) - 1;
	count = xcalloc(sp->n, 1);
	for (i = 0; i < nt; i++) {
		for (j = 0; j < i && tri[j] != tri[i]; j++)
			;
		if (j < i)
			continue;
		for (k = sp->start[tri[i]]; k < sp->start[tri[i] + 1]; k++)
			if (count[sp->ids[k]] < 255)
				count[sp->ids[k]]++;
	}
	for (i = 0; i < sp->n; i++) {
		if (count[i] == 0 || (int)count[i] < (int)nt - 3 *
		    (max / SP_SUB) || sp->v[i].len + 1 < n)
			continue;
		best = max + 1;
		for (len = n - 1; len <= n + 1 && len <= sp->v[i].len; len++)
			if ((d = spell_distance(p, n, sp_word(sp, i), len,
			    max)) < best)
				best = d;
		if (best > max || !sp_better(out, best, sp->v[i].df))
			continue;
		out->word = sp_word(sp, i);
		out->form = sp->words.data + sp->v[i].form;
		out->df = sp->v[i].df;
		out->dist = best;
	}
	free(count);
	return out->word != NULL;
}

