/*
 * correct.c - a query as typed, with its misspelled words corrected: what
 * search_run searches instead (« Résultats pour … ») when a word matches
 * nothing, or offers (« Essayez avec : … ») when a word matches almost
 * nothing and a close word is far more common.
 *
 * A word matches when the documents hold it as written (the vocabulary)
 * or one of its stems (the postings): a word that matches is never
 * replaced.  Filters (key:value), excluded words (-mot), prefixes (coop*),
 * operators and words with digits are left alone; words in quotes are
 * corrected like the others.  Two words that match nothing together may
 * be one word split ("coop eration"); one word may be two glued
 * (spell.c).  The rest of the text is kept byte for byte.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

#define CO_WORDS	32	/* words of a query looked at, at most */
#define CO_MIN_LEN	4	/* shorter words are never corrected */
#define CO_OFFER_LEN	6	/* an offer is for words this long at least */
#define CO_OFFER_RATIO	30	/* ... and a correction this much commoner */
#define CO_REPLACE_DIST	2	/* a word is replaced one edit away at most
				 * (half edits): further, it is offered */

struct co_word {
	size_t		 start, end;	/* in the input */
	char		*fold;
	size_t		 nfold;
	int64_t		 df;		/* documents, -1: not looked at */
	int		 skip;		/* never corrected */
	int		 name;		/* typed with a capital: offer only */
	int		 part;		/* too short to correct, may be glued */
	const char	*rep;		/* the correction, or NULL */
	const char	*rep2;		/* its second word (a split) */
	int		 glued;		/* rep covers this and the next */
	int		 offer;		/* rep is offered, not searched */
};

/* The code point at s (UTF-8 already repaired by the caller) and its
 * length. */
static uint32_t
co_cp(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*len = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) |
		    ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	*len = (s[0] & 0xF8) == 0xF0 && n >= 4 ? 4 : 1;
	return 0x10000;
}

/* A letter or digit of a word (not an apostrophe, quote, dash, space). */
static int
co_wordchar(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	if (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7)
		return 1;
	return c >= 0x370 && !(c >= 0x2000 && c <= 0x2BFF) &&
	    !(c >= 0x3000 && c <= 0x303F);
}

static int
co_operator(const char *s, size_t n)
{
	static const char *const ops[] = { "OR", "OU", "ET", "AND", "NOT",
	    "SAUF", NULL };
	size_t	 i;

	for (i = 0; ops[i] != NULL; i++)
		if (strlen(ops[i]) == n && memcmp(ops[i], s, n) == 0)
			return 1;
	return 0;
}

/* A capital (ASCII or Latin-1) at s? */
static int
co_capital(const unsigned char *s, size_t n)
{
	return (s[0] >= 'A' && s[0] <= 'Z') || (n >= 2 && s[0] == 0xC3 &&
	    s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97);
}

/* Split the input into words, marking those never corrected: a word in
 * capitals is an acronym (ESUS), one with a capital after the first word
 * a name (Paje, Direccte): neither is replaced, a name may be offered. */
static size_t
co_words(const char *in, size_t len, struct co_word *w, size_t max)
{
	const unsigned char	*u = (const unsigned char *)in;
	size_t			 i = 0, j, k, n = 0, cl;
	int			 digit, caps;

	while (i < len && n < max) {
		if (!co_wordchar(co_cp(u + i, len - i, &cl))) {
			i += cl;
			continue;
		}
		digit = 0;
		caps = 1;
		for (j = i; j < len && co_wordchar(co_cp(u + j, len - j,
		    &cl)); j += cl) {
			if (u[j] >= '0' && u[j] <= '9')
				digit = 1;
			if (!co_capital(u + j, len - j))
				caps = 0;
		}
		memset(&w[n], 0, sizeof w[n]);
		w[n].start = i;
		w[n].end = j;
		w[n].df = -1;
		w[n].name = n > 0 && co_capital(u + i, len - i);
		w[n].skip = digit || (caps && j - i > 1) ||
		    co_operator(in + i, j - i) ||
		    (i > 0 && in[i - 1] == '-' && (i == 1 || in[i - 2] ==
		    ' ')) || (j < len && (in[j] == '*' || in[j] == ':'));
		n++;
		/* A filter's value is not text: skip it whole. */
		if (j < len && in[j] == ':') {
			k = j + 1;
			if (k < len && in[k] == '"') {
				for (k++; k < len && in[k] != '"'; k++)
					;
			} else
				while (k < len && in[k] != ' ')
					k++;
			j = k;
		}
		i = j;
	}
	return n;
}

/* Does the folded word match a document, as written or by a stem? */
static int
co_term_df(void *arg, int pos, const char *term, int len, int start,
    int end)
{
	int64_t		*best = ((void **)arg)[0];
	struct pindex	*pi = ((void **)arg)[1];
	int64_t		 df;

	(void)pos;
	(void)start;
	(void)end;
	if ((df = pindex_df(pi, term, (size_t)len)) > *best)
		*best = df;
	return 0;
}

/* The documents holding the word's commonest query term (a stem or the
 * word itself), as the search will look it up. */
static int64_t
co_df(struct pindex *pi, const char *w, size_t n)
{
	int64_t	 df = 0;
	void	*arg[2];

	arg[0] = &df;
	arg[1] = pi;
	if (pindex_tokenize(pi, w, n, 0, co_term_df, arg) == -1)
		return 2;	/* cannot tell: leave the word alone */
	return df;
}

/* The input with its corrections: those searched, or with offers too. */
static char *
co_text(const char *in, size_t len, const struct co_word *w, size_t n,
    int offers)
{
	struct buf	 b;
	size_t		 i, at = 0;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (w[i].rep == NULL || (w[i].offer && !offers))
			continue;
		buf_add(&b, in + at, w[i].start - at);
		buf_adds(&b, w[i].rep);
		if (w[i].rep2 != NULL) {
			buf_addc(&b, ' ');
			buf_adds(&b, w[i].rep2);
		}
		at = w[i].glued ? w[i + 1].end : w[i].end;
	}
	buf_add(&b, in + at, len - at);
	return buf_steal(&b);
}

int
query_correct(struct store *st, const char *in, struct correction *out)
{
	struct co_word		 w[CO_WORDS];
	struct spell_cand	 c;
	const struct speller	*sp;
	struct pindex		*pi;
	char			*g;
	size_t			 len = strlen(in), n, i;
	int64_t			 ndocs;
	int			 replaced = 0, offered = 0, rare = 0;

	memset(out, 0, sizeof *out);
	if ((pi = store_postings(st)) == NULL)
		return 0;
	n = co_words(in, len, w, CO_WORDS);
	for (i = 0; i < n; i++) {
		if (w[i].skip)
			continue;
		w[i].fold = fr_fold(in + w[i].start, w[i].end - w[i].start);
		w[i].nfold = strlen(w[i].fold);
		if (w[i].nfold == 0 || strchr(w[i].fold, ' ') ||
		    fr_is_stopword(w[i].fold, w[i].nfold)) {
			w[i].skip = 1;
			continue;
		}
		w[i].part = w[i].nfold < CO_MIN_LEN;
		w[i].df = co_df(pi, w[i].fold, w[i].nfold);
		if (w[i].df == 0 || (w[i].df == 1 && !w[i].part))
			rare = 1;
	}
	/* Most queries stop here: every word matches. */
	if (!rare || (sp = store_speller(st, &ndocs)) == NULL ||
	    spell_size(sp) == 0)
		goto out;
	/* Two neighbours of which one matches nothing: one word split? */
	for (i = 0; i + 1 < n; i++) {
		if (w[i].fold == NULL || w[i + 1].fold == NULL ||
		    (w[i].df != 0 && w[i + 1].df != 0) ||
		    strspn(in + w[i].end, " ") != w[i + 1].start - w[i].end)
			continue;
		g = xsprintf("%s%s", w[i].fold, w[i + 1].fold);
		if (spell_df(sp, g, strlen(g)) > 0 &&
		    (w[i].rep = spell_form(sp, g, strlen(g))) != NULL) {
			w[i].glued = 1;
			w[i].offer = w[i].name || w[i + 1].name;
			w[i + 1].skip = 1;
		}
		free(g);
		if (w[i].glued)
			i++;
	}
	for (i = 0; i < n; i++) {
		if (w[i].skip || w[i].part || w[i].glued || w[i].df < 0)
			continue;
		if (w[i].df == 0 && spell_suggest(sp, w[i].fold, w[i].nfold,
		    &c) && (c.dist <= CO_REPLACE_DIST || w[i].nfold >= 8)) {
			w[i].rep = c.form;
			w[i].rep2 = c.form2;
			w[i].offer = w[i].name || c.dist > CO_REPLACE_DIST;
		} else if (w[i].df == 1 && w[i].nfold >= CO_OFFER_LEN &&
		    spell_suggest(sp, w[i].fold, w[i].nfold, &c) &&
		    c.word2 == NULL && c.dist <= CO_REPLACE_DIST &&
		    c.df >= CO_OFFER_RATIO) {
			w[i].rep = c.form;
			w[i].offer = 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (w[i].rep != NULL && w[i].offer)
			offered = 1;
		else if (w[i].rep != NULL)
			replaced = 1;
	}
	if (replaced)
		out->replaced = co_text(in, len, w, n, 0);
	if (offered)
		out->offered = co_text(in, len, w, n, 1);
out:
	for (i = 0; i < n; i++)
		free(w[i].fold);
	return replaced || offered;
}
