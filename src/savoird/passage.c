/*
 * passage.c - the passages of a document that match the query the reader
 * came with ("Passages correspondants" on the document page): windows
 * around the matches FTS5's highlight() marks in the body (read through
 * store_highlight), each inside its paragraph and cut where sentences
 * begin and end when it can be; prose only when the document has prose
 * (never a paragraph holding a web address, nor a list's few words);
 * scored by the different words they hold, the best few shown in reading
 * order as HTML from snippet_html (escaped text with <mark>).  Passages are an extra of the page: when they cannot be read
 * the page goes without them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define PASSAGE_MAX		3	/* matching passages on a document */
#define PASSAGE_BEFORE		140	/* bytes of context before a match */
#define PASSAGE_AFTER		260
#define PASSAGE_MARKS		400	/* candidate matches examined */

struct passage {
	size_t	 start;		/* window in the highlighted text */
	size_t	 end;
	size_t	 mark;		/* the match it was built around */
	int	 score;		/* how well it answers the query */
	int	 cut_start;	/* the window starts mid-sentence */
	int	 cut_end;	/* ... ends mid-sentence */
	int	 prose;		/* from a paragraph of prose */
};

static int
passage_cmp(const void *a, const void *b)
{
	const struct passage	*x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Move a window edge onto a word boundary, never past limit. */
static size_t
passage_edge(const char *s, size_t len, size_t at, size_t limit, int forward)
{
	size_t	 i;

	if (forward) {
		for (i = at; i < limit; i++)
			if (s[i] == ' ' || s[i] == '\n')
				return i + 1;
	} else {
		for (i = at; i > limit; i--)
			if (s[i - 1] == ' ' || s[i - 1] == '\n')
				return i - 1;
	}
	/* No space: at least never cut a UTF-8 sequence. */
	while (at > 0 && at < len && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

/* The paragraph (a line of the body text) that holds at: [*ls, *le). */
static void
passage_line(const char *s, size_t len, size_t at, size_t *ls, size_t *le)
{
	const char	*p;
	size_t		 i;

	for (i = at; i > 0 && s[i - 1] != '\n'; i--)
		;
	*ls = i;
	p = memchr(s + at, '\n', len - at);
	*le = p != NULL ? (size_t)(p - s) : len;
}

/*
 * Is the paragraph prose a reader can quote?  1 when it is, 0 when it may
 * do for want of better (a few words that end as a sentence does), -1 for
 * a web address or a line holding one (sources, bibliographies) and for
 * fewer than four words (a list's items).
 */
static int
passage_prose(const char *s, size_t n)
{
	size_t	 i, words = 0;
	int	 in = 0;

	if (memmem(s, n, "://", 3) != NULL || memmem(s, n, "www.", 4) != NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ')
			in = 0;
		else if (!in) {
			in = 1;
			words++;
		}
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\x02'))
		n--;
	if (words < 4)
		return -1;
	return words >= 8 || (n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' ||
	    s[n - 1] == '?'));
}

/* Does a sentence end at s[i] (". " and the like)? */
static int
passage_stop(const char *s, size_t len, size_t i)
{
	return (s[i] == '.' || s[i] == '!' || s[i] == '?') && i + 1 < len &&
	    s[i + 1] == ' ' && i > 0 && s[i - 1] != ' ';
}

/*
 * The passages of the body that match the query, best first chosen then
 * shown in reading order: windows around the matches FTS5's highlight()
 * marks, scored by how many matches they hold.  Each is HTML (escaped
 * text with <mark>) from snippet_html.
 */
json_t *
passage_list(struct store *st, const char *id, const char *text,
    int budget_ms)
{
	static const char *const keys[] = { "type", "pays", "annee", "theme",
	    "module", "code", "article", NULL };
	struct passage	 cand[PASSAGE_MARKS], chosen[PASSAGE_MAX];
	char		*words[PASSAGE_MARKS];
	struct query	*qr;
	json_t		*a = json_array();
	const char	*m;
	struct buf	 b;
	char		*expr, *html, *s = NULL, *cause = NULL;
	size_t		 len, nc = 0, nch = 0, i, j, k;
	int		 best, distinct, marks, rc, any_prose = 0;

	qr = query_parse(text, keys);
	expr = query_fts_any(qr);
	query_free(qr);
	if (expr == NULL)
		return a;
	/* Passages are an extra of the page: when they cannot be read, the
	 * document is shown without them (and the log says why). */
	store_deadline(st, mono_us() + (int64_t)budget_ms * 1000);
	rc = store_highlight(st, expr, id, &s, &len, &cause);
	store_deadline(st, 0);
	if (rc == -1) {
		log_warnx("passages of %s: %s", id, cause);
		free(cause);
	}
	if (rc != 1)
		goto out;

	/*
	 * A window stays inside its paragraph, and begins and ends with a
	 * sentence where one begins or ends within reach.  Paragraphs that
	 * are no prose (addresses, references, a few words of a list) give
	 * no passage.
	 */
	for (m = s; nc < PASSAGE_MARKS &&
	    (m = memchr(m, '\x01', len - (size_t)(m - s))) != NULL; m++) {
		size_t	 mk = (size_t)(m - s), ls, le, ws, we;
		int	 prose;

		passage_line(s, len, mk, &ls, &le);
		if ((prose = passage_prose(s + ls, le - ls)) == -1)
			continue;
		ws = mk > ls + PASSAGE_BEFORE ? mk - PASSAGE_BEFORE : ls;
		we = mk + PASSAGE_AFTER < le ? mk + PASSAGE_AFTER : le;
		cand[nc].cut_start = ws > ls;
		cand[nc].cut_end = we < le;
		for (k = mk; k > ws; k--)
			if (passage_stop(s, len, k - 1)) {
				ws = k + 1;
				cand[nc].cut_start = 0;
				break;
			}
		for (k = mk + 1; k < we; k++)
			if (passage_stop(s, len, k) && k > mk + 40) {
				we = k + 1;
				cand[nc].cut_end = 0;
				break;
			}
		cand[nc].mark = mk;
		cand[nc].start = ws;
		cand[nc].end = we;
		cand[nc].prose = prose;
		cand[nc].score = 0;
		any_prose |= prose;
		k = strcspn(m + 1, "\x02");
		words[nc] = fmt_fold(m + 1, k < 64 ? k : 64);
		nc++;
	}
	/*
	 * A passage is worth more for the different words it holds than for
	 * one word repeated, and prose for more than a short list item.
	 * Ties go to the earlier.
	 */
	for (i = 0; i < nc; i++) {
		distinct = marks = 0;
		for (j = 0; j < nc; j++) {
			if (cand[j].mark < cand[i].start ||
			    cand[j].mark >= cand[i].end)
				continue;
			marks++;
			for (k = 0; k < j; k++)
				if (cand[k].mark >= cand[i].start &&
				    strcmp(words[k], words[j]) == 0)
					break;
			if (k == j)
				distinct++;
		}
		cand[i].score += 10 * distinct + (marks < 5 ? marks : 5);
	}
	while (nch < PASSAGE_MAX) {
		best = -1;
		for (i = 0; i < nc; i++) {
			for (k = 0; k < nch; k++)
				if (cand[i].start < chosen[k].end &&
				    chosen[k].start < cand[i].end)
					break;
			if (k < nch)
				continue;	/* overlaps one chosen */
			if (any_prose && !cand[i].prose)
				continue;	/* prose only, when there is */
			if (best == -1 || cand[i].score > cand[best].score)
				best = (int)i;
		}
		if (best == -1)
			break;
		chosen[nch++] = cand[best];
	}
	qsort(chosen, nch, sizeof *chosen, passage_cmp);
	for (k = 0; k < nch; k++) {
		i = chosen[k].cut_start ? passage_edge(s, len, chosen[k].start,
		    chosen[k].mark, 1) : chosen[k].start;
		j = chosen[k].cut_end ? passage_edge(s, len, chosen[k].end,
		    chosen[k].mark + 1, 0) : chosen[k].end;
		if (j <= i)
			continue;
		html = snippet_html(s + i, j - i);
		buf_init(&b);
		buf_printf(&b, "%s%s%s", chosen[k].cut_start ? "…" : "", html,
		    chosen[k].cut_end ? "…" : "");
		free(html);
		json_array_append_new(a, json_pack("{s:o}", "snippet_html",
		    jstr_free(buf_steal(&b))));
	}
out:
	for (i = 0; i < nc; i++)
		free(words[i]);
	free(s);
	free(expr);
	return a;
}
