/*
 * snippet.c - the passage shown under a hit, and the escaping that makes
 * it HTML.  FTS5's snippet() (search_fts.c's SQL path) and the postings
 * path both end here: text in which the query's terms stand between the
 * bytes \x01 and \x02 becomes escaped HTML with <mark>; the hit keeps
 * that marked text too (the API gives it as text and offsets).  For the
 * postings path it also finds the passage itself, from the row's text
 * tokenized again.
 *
 * It never runs a statement: search_fast.c reads the text and hands it over.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "search_int.h"

#define SNIPPET_WORDS	28
#define SNIPPET_MAX_TEXT 8192	/* bytes of a column looked at */

char *
snippet_html(const char *s, size_t len)
{
	struct buf	 b;
	size_t		 i, from = 0;
	int		 open = 0;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		if (s[i] != '\x01' && s[i] != '\x02' && s[i] != '\n')
			continue;
		html_escape(&b, s + from, i - from, HTML_QUOTES);
		from = i + 1;
		if (s[i] == '\n')
			buf_addc(&b, ' ');
		else if ((s[i] == '\x01') != open) {
			buf_adds(&b, open ? "</mark>" : "<mark>");
			open = !open;
		}
	}
	html_escape(&b, s + from, len - from, HTML_QUOTES);
	if (open)
		buf_adds(&b, "</mark>");
	return buf_steal(&b);
}

void
snippet_set(struct hit *h, char *marked)
{
	if (marked == NULL)
		marked = xstrdup("");
	h->snippet = snippet_html(marked, strlen(marked));
	h->snippet_marked = marked;
}

/*
 * Snippets without FTS5: the stored text of the row tokenized again (the
 * stems come from savoir_fr's cache), each position marked with the query
 * unit it matches, and the window of SNIPPET_WORDS positions holding the
 * most distinct units, then the most matches.  FTS5's snippet() would
 * evaluate the whole MATCH expression again for every row.
 */
int
snippet_token(void *arg, int pos, const char *term, int len, int start, int end)
{
	struct snip_run	*sr = arg;
	size_t		 i;

	if (pos < 0)
		return SQLITE_OK;
	if (sr->stop > 0 && pos >= sr->stop)
		return SQLITE_DONE;	/* every unit was seen: enough */
	if ((size_t)pos >= sr->n) {
		if (sr->n == sr->cap) {
			sr->cap = sr->cap == 0 ? 256 : sr->cap * 2;
			sr->v = xreallocarray(sr->v, sr->cap, sizeof *sr->v);
		}
		sr->v[sr->n].start = start;
		sr->v[sr->n].end = end;
		sr->v[sr->n].unit = -1;
		sr->n++;
	}
	for (i = 0; i < sr->nqt; i++) {
		if (sr->qt[i].len == len && memcmp(sr->qt[i].s, term,
		    (size_t)len) == 0) {
			sr->v[sr->n - 1].unit = sr->qt[i].unit;
			break;
		}
	}
	return SQLITE_OK;
}

/* Where position target starts: an aux-mode pass, no stemming. */
struct snip_seek {
	int	 target;
	int	 start;		/* -1 until found */
};

static int
snip_seek_token(void *arg, int pos, const char *term, int len, int start,
    int end)
{
	struct snip_seek	*sk = arg;

	(void)term;
	(void)len;
	(void)end;
	/* unicode61 turns SQLITE_DONE into "no error" and savoir_fr goes
	 * on with the next article reference: the first answer stands. */
	if (pos < sk->target || sk->start >= 0)
		return sk->start >= 0 ? SQLITE_DONE : SQLITE_OK;
	sk->start = start;
	return SQLITE_DONE;
}

char *
snippet_make(struct pindex *pi, const char *s, size_t n, int body,
    const struct qterm *qt, size_t nqt, uint32_t first, uint32_t last)
{
	struct snip_seek	 sk;
	size_t			 skipped = 0;
	struct snip_run	 sr;
	struct buf	 b;
	size_t		 i, best = 0, from, to;
	int		 c, cnt[32], distinct, matches, score, bestscore = -1;

	if (n > SNIPPET_MAX_TEXT)
		n = SNIPPET_MAX_TEXT;
	memset(&sr, 0, sizeof sr);
	sr.qt = qt;
	sr.nqt = nqt;
	/* The postings know where each word first stands in the body: the
	 * best window lies between the first of those, less a few words,
	 * and the last plus a window.  What comes before is only counted,
	 * not stemmed (aux mode keeps the positions). */
	sr.stop = body && last > 0 ? (int)last + SNIPPET_WORDS * 2 : 0;
	if (body && first > 4) {
		sk.target = (int)first - 4;
		sk.start = -1;
		pindex_tokenize(pi, s, n, 2, snip_seek_token, &sk);
		if (sk.start > 0 && (size_t)sk.start < n) {
			skipped = (size_t)sk.start;
			s += skipped;
			n -= skipped;
			sr.stop -= sk.target;
		}
	}
	if ((pindex_tokenize(pi, s, n, 1, snippet_token, &sr) == -1 &&
	    sr.n == 0) || sr.n == 0) {
		free(sr.v);
		return xstrndup(s, n < 220 ? n : 220);
	}
	/* The best window, sliding. */
	memset(cnt, 0, sizeof cnt);
	distinct = matches = 0;
	for (i = 0; i < sr.n; i++) {
		if (sr.v[i].unit >= 0 && sr.v[i].unit < 32) {
			if (cnt[sr.v[i].unit]++ == 0)
				distinct++;
			matches++;
		}
		if (i >= SNIPPET_WORDS) {
			c = sr.v[i - SNIPPET_WORDS].unit;
			if (c >= 0 && c < 32) {
				if (--cnt[c] == 0)
					distinct--;
				matches--;
			}
		}
		score = distinct * 1000 + matches;
		if (i + 1 >= SNIPPET_WORDS || i + 1 == sr.n) {
			if (score > bestscore) {
				bestscore = score;
				best = i + 1 >= SNIPPET_WORDS ?
				    i + 1 - SNIPPET_WORDS : 0;
			}
		}
	}
	from = best;
	to = from + SNIPPET_WORDS < sr.n ? from + SNIPPET_WORDS : sr.n;
	/* Start a little before the first match, as a reader would. */
	for (i = from; i < to && sr.v[i].unit < 0; i++)
		;
	if (i > from + 3 && i < to) {
		from = i - 3;
		to = from + SNIPPET_WORDS < sr.n ? from + SNIPPET_WORDS : sr.n;
	}
	buf_init(&b);
	if (from > 0 || skipped > 0)
		buf_adds(&b, "…");
	for (i = from; i < to; i++) {
		if (i > from)
			buf_add(&b, s + sr.v[i - 1].end,
			    (size_t)(sr.v[i].start - sr.v[i - 1].end));
		if (sr.v[i].unit >= 0)
			buf_addc(&b, '\x01');
		buf_add(&b, s + sr.v[i].start,
		    (size_t)(sr.v[i].end - sr.v[i].start));
		if (sr.v[i].unit >= 0)
			buf_addc(&b, '\x02');
	}
	if (to < sr.n)
		buf_adds(&b, "…");
	free(sr.v);
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}
