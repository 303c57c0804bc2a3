/*
 * suggest.c - /api/suggest: what a search box offers while a person types
 * (titles and headings that begin like the input, words completed from
 * them, OpenSearch's format for browsers), and, when nothing begins so,
 * the same for the input with its misspellings corrected (spell.c).
 *
 * Reads only the worker's read-only connection through the core: the
 * input reaches FTS5 as quoted strings only.  Bounded: a time budget, a
 * number of documents scanned, a number of suggestions.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "savoird.h"

#define SUGGEST_MAX		8	/* suggestions returned */
#define SUGGEST_TERMS	3	/* of which completed words, at most */
#define SUGGEST_SCAN	200	/* documents scanned for words */
#define SUGGEST_BUDGET_MS	150

/*
 * Decode one UTF-8 character of s (NUL-terminated); returns its length
 * (1 for a bad byte, which then reads as U+FFFD).
 */
static size_t
suggest_utf8(const unsigned char *s, uint32_t *cp)
{
	size_t	 n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else {
		*cp = 0xfffd;
		return 1;
	}
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

/* Letters and digits of French words: ASCII and Latin-1/Latin Extended. */
static int
suggest_word_char(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	return c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7;
}

static int
suggest_upper(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}

static int
suggest_lower(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xdf && c <= 0xff && c != 0xf7);
}

struct suggest_word {
	char	*fold;
	char	*text;
	int	 count;
};

struct suggest {
	const char		*prefix;	/* folded last word */
	size_t			 plen;
	struct suggest_word	 words[64];
	size_t			 nwords;
};

/* Count one word of a title or heading if it completes the prefix. */
static void
suggest_word(struct suggest *sg, const char *w, size_t len)
{
	struct suggest_word	*sw;
	char			*fold, *text;
	uint32_t		 c1, c2;
	size_t			 i, n;

	if (len < sg->plen)
		return;
	fold = fr_fold(w, len);
	if (fold == NULL || strncmp(fold, sg->prefix, sg->plen) != 0 ||
	    strchr(fold, ' ') != NULL || fr_is_stopword(fold, strlen(fold))) {
		free(fold);
		return;
	}
	for (i = 0; i < sg->nwords; i++) {
		if (strcmp(sg->words[i].fold, fold) == 0) {
			sg->words[i].count++;
			free(fold);
			return;
		}
	}
	if (sg->nwords == sizeof sg->words / sizeof sg->words[0]) {
		free(fold);
		return;
	}
	/* "Coopération" at the start of a title completes as "coopération";
	 * "CGCT" and "L1115" stay as they are. */
	text = xstrndup(w, len);
	n = suggest_utf8((const unsigned char *)text, &c1);
	suggest_utf8((const unsigned char *)text + n, &c2);
	if (suggest_upper(c1) && suggest_lower(c2)) {
		if (n == 1)
			text[0] = (char)(text[0] + 0x20);
		else if (n == 2 && (unsigned char)text[0] == 0xc3)
			text[1] = (char)(text[1] + 0x20);
	}
	sw = &sg->words[sg->nwords++];
	sw->fold = fold;
	sw->text = text;
	sw->count = 1;
}

static void
suggest_scan(struct suggest *sg, const char *s)
{
	const char	*start = NULL;
	uint32_t	 c;
	size_t		 n;

	if (s == NULL)
		return;
	for (;;) {
		n = *s != '\0' ? suggest_utf8((const unsigned char *)s, &c) : 0;
		if (n > 0 && suggest_word_char(c)) {
			if (start == NULL)
				start = s;
		} else if (start != NULL) {
			suggest_word(sg, start, (size_t)(s - start));
			start = NULL;
		}
		if (n == 0)
			break;
		s += n;
	}
}

static int
suggest_word_cmp(const void *a, const void *b)
{
	const struct suggest_word	*x = a, *y = b;
	size_t				 lx = strlen(x->fold);
	size_t				 ly = strlen(y->fold);

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->fold, y->fold);
}

/* A row of store_suggest_words: the words of its title and headings. */
static void
suggest_row(const char *title, const char *headings, void *arg)
{
	suggest_scan(arg, title);
	suggest_scan(arg, headings);
}

/*
 * The FTS5 expression for what was typed so far: the folded words, each a
 * quoted string, stopwords dropped but for the last word, which is a
 * prefix unless the input ends with a space (and needs two letters when it
 * is the only word).  Restricted to cols.  NULL
 * when nothing is worth completing.  *last is the folded last word when it
 * is a prefix (caller frees).
 */
static char *
suggest_expr(const char *input, const char *cols, char **last)
{
	struct buf	 b;
	char		*fold, *w, *save = NULL, *next;
	int		 prefix, nterms = 0;

	*last = NULL;
	fold = fr_fold(input, strlen(input));
	if (fold == NULL || *fold == '\0') {
		free(fold);
		return NULL;
	}
	prefix = strchr(" \t", input[strlen(input) - 1]) == NULL;
	buf_init(&b);
	buf_printf(&b, "{%s} : (", cols);
	for (w = strtok_r(fold, " ", &save); w != NULL && nterms < 8;
	    w = next) {
		next = strtok_r(NULL, " ", &save);
		if (next == NULL && prefix) {
			/* One letter alone would match half the index. */
			if (strlen(w) < 2 && nterms == 0)
				break;
			*last = xstrdup(w);
		} else if (fr_is_stopword(w, strlen(w)))
			continue;
		if (nterms++ > 0)
			buf_adds(&b, " AND ");
		/* fr_fold leaves only letters, digits and spaces; quoting
		 * still keeps any other byte out of FTS5's syntax. */
		buf_addc(&b, '"');
		for (; *w != '\0'; w++) {
			if (*w == '"')
				buf_addc(&b, '"');
			buf_addc(&b, *w);
		}
		buf_addc(&b, '"');
		if (next == NULL && prefix)
			buf_addc(&b, '*');
	}
	buf_adds(&b, ")");
	free(fold);
	if (nterms == 0 || (prefix && *last == NULL)) {
		free(*last);
		*last = NULL;
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* The text typed before its last, unfinished word. */
static size_t
suggest_head(const char *input)
{
	const char	*s = input, *word = NULL;
	uint32_t	 c;
	size_t		 n;

	while (*s != '\0') {
		n = suggest_utf8((const unsigned char *)s, &c);
		if (suggest_word_char(c)) {
			if (word == NULL)
				word = s;
		} else
			word = NULL;
		s += n;
	}
	return word != NULL ? (size_t)(word - input) : strlen(input);
}

/*
 * Completions of what a person is typing: words found in the titles and
 * headings of the documents that match (so they are real, accented words,
 * not the index's stems), then titles of matching documents.  Cheap by
 * construction: the word scan reads a bounded number of rows without
 * ranking, the title query is ranked under a short time budget and falls
 * back to index order when the budget runs out.
 */
/*
 * The suggestions for input into list: completed words when its last word
 * is unfinished, then titles.  0, or -1 with *cause.
 */
static int
suggest_list(struct store *st, const char *input, json_t *list,
    char **cause)
{
	struct suggest		 sg;
	struct store_link	*v;
	char			*wexpr, *texpr, *last = NULL, *text;
	size_t			 i, head, nv, n = 0;
	int			 rc, ret = -1;

	memset(&sg, 0, sizeof sg);
	head = suggest_head(input);
	wexpr = suggest_expr(input, "title headings", &last);
	texpr = suggest_expr(input, "title", &text);
	free(text);
	store_deadline(st, mono_us() + SUGGEST_BUDGET_MS * 1000);

	/* Completed words, when the last word is unfinished; the scan is
	 * best effort: when the budget stops it, the words seen so far do. */
	if (wexpr != NULL && last != NULL) {
		sg.prefix = last;
		sg.plen = strlen(last);
		if (store_suggest_words(st, wexpr, SUGGEST_SCAN,
		    suggest_row, &sg, cause) == -1)
			goto out;
		qsort(sg.words, sg.nwords, sizeof sg.words[0],
		    suggest_word_cmp);
		for (i = 0; i < sg.nwords && n < SUGGEST_TERMS; i++) {
			/* What was typed, completed: "l'act" -> "l'action". */
			if (strcasecmp(sg.words[i].text, input + head) == 0)
				continue;	/* nothing to add */
			text = xsprintf("%.*s%s", (int)head, input,
			    sg.words[i].text);
			json_array_append_new(list, json_pack("{s:o,s:s}",
			    "text", jstr(text), "kind", "term"));
			free(text);
			n++;
		}
	}

	/* Titles: ranked if that fits the budget, else in index order. */
	if (texpr != NULL) {
		rc = store_suggest_titles(st, texpr, SUGGEST_MAX - (int)n,
		    1, &v, &nv, cause);
		if (rc == 1) {
			store_links_free(v, nv);
			store_deadline(st, mono_us() +
			    SUGGEST_BUDGET_MS * 1000);
			rc = store_suggest_titles(st, texpr,
			    SUGGEST_MAX - (int)n, 0, &v, &nv, cause);
		}
		if (rc == -1)
			goto out;
		for (i = 0; i < nv; i++)
			json_array_append_new(list, json_pack("{s:o,s:s,s:o,"
			    "s:o}", "text", jstr(v[i].title), "kind", "doc",
			    "id", jstr(v[i].id), "type", jstr(v[i].type)));
		store_links_free(v, nv);
	}
	ret = 0;
out:
	store_deadline(st, 0);
	for (i = 0; i < sg.nwords; i++) {
		free(sg.words[i].fold);
		free(sg.words[i].text);
	}
	free(wexpr);
	free(texpr);
	free(last);
	return ret;
}

/*
 * What was typed, its misspellings corrected: its whole words as a search
 * would correct them, and its unfinished last word the start of the word
 * it most likely begins ("cooperasi" -> "coopération").  NULL when nothing
 * changes.
 */
static char *
suggest_correct(struct store *st, const char *input)
{
	struct correction	 c;
	struct spell_cand	 w;
	const struct speller	*sp;
	const char		*from, *last;
	char			*fold, *out = NULL;
	int64_t			 ndocs;

	query_correct(st, input, &c);
	from = c.replaced != NULL ? c.replaced : input;
	last = strrchr(from, ' ');
	last = last != NULL ? last + 1 : from;
	fold = fr_fold(last, strlen(last));
	if ((sp = store_speller(st, &ndocs)) != NULL && strchr(fold, ' ') ==
	    NULL && spell_df(sp, fold, strlen(fold)) == 0 &&
	    spell_complete(sp, fold, strlen(fold), &w))
		out = xsprintf("%.*s%s", (int)(last - from), from, w.form);
	else if (c.replaced != NULL)
		out = xstrdup(c.replaced);
	free(fold);
	free(c.replaced);
	free(c.offered);
	return out;
}

void
suggest_api(struct req *q)
{
	struct store		*st;
	const char		*input, *fmt;
	char			*cause = NULL, *corrected = NULL;
	json_t			*list, *o, *texts, *answer;
	size_t			 i;
	int			 opensearch;

	if ((input = http_arg(q, "q")) == NULL)
		input = "";
	fmt = http_arg(q, "format");
	opensearch = fmt != NULL && strcmp(fmt, "opensearch") == 0;
	if (fmt != NULL && *fmt != '\0' && !opensearch) {
		http_error(q, 400, "bad_parameter", "Le paramètre « format » "
		    "ne connaît que la valeur « opensearch ».");
		return;
	}
	if (strlen(input) > 200) {
		http_error(q, 400, "bad_parameter", "Le début de recherche à "
		    "compléter est trop long.");
		return;
	}
	if ((st = api_store(q)) == NULL)
		return;
	list = json_array();
	if (suggest_list(st, input, list, &cause) == -1)
		goto fail;
	/* Nothing for what was typed: for what it likely meant. */
	if (json_array_size(list) == 0 &&
	    (corrected = suggest_correct(st, input)) != NULL &&
	    suggest_list(st, corrected, list, &cause) == -1)
		goto fail;
	if (opensearch) {
		/* The OpenSearch suggestions format browsers read. */
		texts = json_array();
		json_array_foreach(list, i, o)
			json_array_append(texts, json_object_get(o, "text"));
		json_decref(list);
		api_send(q, 200, json_pack("[o,o]", jstr(input), texts));
		free(corrected);
		return;
	}
	answer = json_pack("{s:o,s:o}", "query", jstr(input), "suggestions",
	    list);
	if (corrected != NULL && json_array_size(list) > 0)
		json_object_set_new(answer, "corrected", jstr(corrected));
	free(corrected);
	api_send(q, 200, answer);
	return;
fail:
	free(corrected);
	json_decref(list);
	api_read_error(q, cause);
}

