/*
 * passage.c - the passages of a document that match the query the reader
 * came with ("Passages correspondants" on the document page): windows
 * around the matches FTS5's highlight() marks in the body (read through
 * store_highlight), scored by the different words they hold, the best few
 * shown in reading order as HTML from snippet_html (escaped text with
 * <mark>).  Passages are an extra of the page: when they cannot be read
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
	int		 best, distinct, marks, rc;

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

	for (m = s; nc < PASSAGE_MARKS &&
	    (m = memchr(m, '\x01', len - (size_t)(m - s))) != NULL; m++) {
		cand[nc].mark = (size_t)(m - s);
		cand[nc].start = cand[nc].mark > PASSAGE_BEFORE ?
		    cand[nc].mark - PASSAGE_BEFORE : 0;
		cand[nc].end = cand[nc].mark + PASSAGE_AFTER < len ?
		    cand[nc].mark + PASSAGE_AFTER : len;
		k = strcspn(m + 1, "\x02");
		words[nc] = fmt_fold(m + 1, k < 64 ? k : 64);
		nc++;
	}
	/*
	 * A passage is worth more for the different words it holds than for
	 * one word repeated; a list of web addresses (sources, where words
	 * repeat inside URLs) makes a poor passage.  Ties go to the earlier.
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
		cand[i].score = 10 * distinct + (marks < 5 ? marks : 5);
		if (memmem(s + cand[i].start, cand[i].end - cand[i].start,
		    "://", 3) != NULL)
			cand[i].score -= 15;
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
			if (best == -1 || cand[i].score > cand[best].score)
				best = (int)i;
		}
		if (best == -1)
			break;
		chosen[nch++] = cand[best];
	}
	qsort(chosen, nch, sizeof *chosen, passage_cmp);
	for (k = 0; k < nch; k++) {
		i = chosen[k].start > 0 ? passage_edge(s, len, chosen[k].start,
		    chosen[k].mark, 1) : 0;
		j = chosen[k].end < len ? passage_edge(s, len, chosen[k].end,
		    chosen[k].mark + 1, 0) : len;
		if (j <= i)
			continue;
		html = snippet_html(s + i, j - i);
		buf_init(&b);
		buf_printf(&b, "%s%s%s", i > 0 ? "…" : "", html,
		    j < len ? "…" : "");
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
