/*
 * query.c - the query language: what a person types in the search box,
 * parsed into a tree (struct query), then written as FTS5 MATCH expressions
 * and as normalized text.
 *
 * It owns the syntax (words, "phrases", OR, -exclusions, prefix*,
 * key:value filters, legal article references), its limits, and the French
 * notices that tell a person what was done with their input.  It never runs
 * a query and never touches a database.  It must never let a byte of the
 * input reach FTS5's syntax: every term is written as a double-quoted FTS5
 * string, and only this file's own operators stand outside quotes.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"
#include "query_int.h"

#define QUERY_MAX_INPUT	1000	/* bytes of input looked at (notice) */
#define QUERY_MAX_TERMS	32	/* terms kept, OR members each (notice) */
#define QUERY_MAX_KEY	32	/* longest key: in "key:value" */
#define QUERY_CODE_WORDS 8	/* words looked at after an article */

/* An article reference found in the input by article_ref_next(). */
struct qart {
	size_t	 start;
	size_t	 end;
	char	 norm[32];
};

struct qparse {
	const char		*s;	/* repaired, truncated input */
	size_t			 n;
	size_t			 i;	/* cursor */
	const char *const	*keys;
	struct query		*q;
	size_t			 nterms;
	int			 full;	/* QUERY_MAX_TERMS reached */
	int			 pending_or;
	int			 pending_not;	/* NOT: exclude what follows */
	struct qart		*arts;
	size_t			 narts;
	size_t			 ai;	/* first article not behind i */
};

/*
 * Codes named in full after an article, with their short name.  Compared
 * after fr_fold() on both sides, so accents and case do not matter.  The
 * short name alone ("L1115-1 cgct") is recognized too; after "du" any
 * upper-case acronym is ("du CJA"), so most codes need no entry.
 */
static const struct {
	const char	*name;
	const char	*code;
} q_code_names[] = {
	{ "code général des collectivités territoriales", "cgct" },
	{ "code du travail", "ct" },
	{ "code de l'environnement", "cenv" },
};

/*
 * Words the savoir_fr tokenizer drops when an apostrophe follows them
 * (DESIGN.md, "Tokenizer"): the index never holds them, so requiring them
 * would empty the results whatever the stopword list says.
 */
static const char *const q_elisions[] = {
	"l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu",
	"puisqu", "quoiqu",
	"i",	/* a scanned l' read as I' ("I'action"), as the tokenizer */
	NULL
};

static void	q_parse(struct qparse *);

/*
 * Characters.  The input has been through utf8_repair(), so sequences are
 * valid; q_cp() still answers U+FFFD rather than trust that.  Past the end
 * it answers 0, which is neither a space nor a word character.
 */
size_t
q_cp(const char *s, size_t n, size_t i, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s + i;
	size_t			 len, k;
	uint32_t		 c;

	if (i >= n) {
		*cp = 0;
		return 0;
	}
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xF0)
		len = 4, c = p[0] & 0x07;
	else if (p[0] >= 0xE0)
		len = 3, c = p[0] & 0x0F;
	else if (p[0] >= 0xC0)
		len = 2, c = p[0] & 0x1F;
	else
		goto bad;
	if (len > n - i)
		goto bad;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (p[k] & 0x3F);
	}
	*cp = c;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

static uint32_t
q_at(const struct qparse *p, size_t i)
{
	uint32_t	 c;

	q_cp(p->s, p->n, i, &c);
	return c;
}

/* The code point just before i (0 at the start). */
static uint32_t
q_before(const struct qparse *p, size_t i)
{
	size_t	 j = i;

	if (i == 0)
		return 0;
	do
		j--;
	while (j > 0 && i - j < 4 && ((unsigned char)p->s[j] & 0xC0) == 0x80);
	return q_at(p, j);
}

int
q_is_space(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 ||
	    c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	    c == 0x3000 || c == 0xFEFF;
}

static int
q_is_hyphen(uint32_t c)
{
	return c == '-' || c == 0x2010 || c == 0x2011;
}

static int
q_is_apostrophe(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC;
}

static int
q_is_open_quote(uint32_t c)
{
	return c == '"' || c == 0xAB || c == 0x201C || c == 0x201E;
}

int
q_is_quote(uint32_t c)
{
	return q_is_open_quote(c) || c == 0xBB || c == 0x201D;
}

/* Does c close a phrase opened by open?  Lenient with mixed styles. */
static int
q_closes(uint32_t open, uint32_t c)
{
	switch (open) {
	case 0xAB:
		return c == 0xBB;
	case 0x201E:
		return c == 0x201C || c == 0x201D;
	default:
		return c == '"' || c == 0x201D;
	}
}

/*
 * Is c part of a word?  Letters, digits and everything not known to be
 * punctuation, a symbol or a space.  What slips through (a rare symbol)
 * is harmless: the word is quoted for FTS5, whose tokenizer drops it.
 */
static int
q_is_word(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	if (c < 0xA0)
		return 0;
	if (c <= 0xBF)		/* ª ² ³ µ ¹ º ¼ ½ ¾ are letters or numbers */
		return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 ||
		    c == 0xB9 || c == 0xBA || (c >= 0xBC && c <= 0xBE);
	if (c == 0xD7 || c == 0xF7)
		return 0;
	if ((c >= 0x2000 && c <= 0x206F) ||	/* general punctuation */
	    (c >= 0x20A0 && c <= 0x20CF) ||	/* currency */
	    (c >= 0x2190 && c <= 0x245F) ||	/* arrows, maths, technical */
	    (c >= 0x2500 && c <= 0x2BFF) ||	/* boxes, shapes, dingbats */
	    (c >= 0x2E00 && c <= 0x2E7F) ||	/* more punctuation */
	    (c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020) ||
	    (c >= 0xFE10 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE6F) ||
	    (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
	    (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
	    c == 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFF) ||
	    (c >= 0x1F000 && c <= 0x1FAFF) ||	/* emoji and pictographs */
	    (c >= 0xE0000 && c <= 0xE007F))	/* tags */
		return 0;
	return !q_is_space(c);
}

static int
q_word_at(const struct qparse *p, size_t i)
{
	return q_is_word(q_at(p, i));
}

static size_t
q_skip_space(const struct qparse *p, size_t i)
{
	uint32_t	 c;
	size_t		 l;

	while ((l = q_cp(p->s, p->n, i, &c)) != 0 && q_is_space(c))
		i += l;
	return i;
}

/*
 * The end of the word starting at i: word characters, and hyphens between
 * two of them ("Saint-Louis" is one unit; FTS5 makes it a phrase).
 */
static size_t
q_word_end(const struct qparse *p, size_t i)
{
	uint32_t	 c;
	size_t		 l, start = i;

	while ((l = q_cp(p->s, p->n, i, &c)) != 0) {
		if (q_is_word(c))
			i += l;
		else if (q_is_hyphen(c) && i > start && q_word_at(p, i + l))
			i += l;
		else
			break;
	}
	return i;
}

/* fr_fold() as a string that is never NULL. */
char *
q_fold(const char *s, size_t len)
{
	char	*f;

	if ((f = fr_fold(s, len)) == NULL)
		return xstrdup("");
	return f;
}

/* Copy [a, b) with every run of spaces made one ' ', trimmed. */
static char *
q_collapse(const struct qparse *p, size_t a, size_t b)
{
	struct buf	 out;
	uint32_t	 c;
	size_t		 l;
	int		 space = 0;

	buf_init(&out);
	while (a < b && (l = q_cp(p->s, b, a, &c)) != 0) {
		if (q_is_space(c))
			space = 1;
		else {
			if (space && out.len > 0)
				buf_addc(&out, ' ');
			space = 0;
			buf_add(&out, p->s + a, l);
		}
		a += l;
	}
	return buf_steal(&out);
}

void
q_notice(struct query *q, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	size_t	 i;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	for (i = 0; i < q->nnotices; i++) {
		if (strcmp(q->notices[i], s) == 0) {
			free(s);
			return;
		}
	}
	q->notices = xreallocarray(q->notices, q->nnotices + 1,
	    sizeof *q->notices);
	q->notices[q->nnotices++] = s;
}

struct qnode *
q_node_new(enum qnode_kind kind, char *text)
{
	struct qnode	*n;

	n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->text = text;
	return n;
}

void
q_node_free(struct qnode *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		q_node_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n->key);
	free(n);
}

void
q_node_adopt(struct qnode *parent, struct qnode *kid)
{
	parent->kids = xreallocarray(parent->kids, parent->nkids + 1,
	    sizeof *parent->kids);
	parent->kids[parent->nkids++] = kid;
}

static struct qnode *
q_negate(struct qnode *n)
{
	struct qnode	*not;

	not = q_node_new(Q_NOT, NULL);
	q_node_adopt(not, n);
	return not;
}

/* Can this node stand on either side of OR? */
static int
q_orable(const struct qnode *n)
{
	return n->kind == Q_WORD || n->kind == Q_PHRASE ||
	    n->kind == Q_PREFIX || n->kind == Q_ARTICLE;
}

/*
 * Add a node at the top level, or to the OR group it closes.  Past
 * QUERY_MAX_TERMS the node is dropped and parsing stops.
 */
static void
q_add(struct qparse *p, struct qnode *n)
{
	struct query	*q = p->q;
	struct qnode	*last, *or;
	size_t		 cost;

	cost = n->kind == Q_NOT ? n->nkids : 1;
	if (p->nterms + cost > QUERY_MAX_TERMS) {
		q_notice(q, "La recherche a trop de termes : seuls les 32 "
		    "premiers sont pris en compte.");
		q_node_free(n);
		p->full = 1;
		return;
	}
	p->nterms += cost;
	last = q->nnodes > 0 ? q->nodes[q->nnodes - 1] : NULL;
	if (p->pending_or && last != NULL && q_orable(n) &&
	    (last->kind == Q_OR || q_orable(last))) {
		p->pending_or = 0;
		if (last->kind != Q_OR) {
			or = q_node_new(Q_OR, NULL);
			q_node_adopt(or, last);
			q->nodes[q->nnodes - 1] = last = or;
		}
		q_node_adopt(last, n);
		return;
	}
	p->pending_or = 0;
	q->nodes = xreallocarray(q->nodes, q->nnodes + 1, sizeof *q->nodes);
	q->nodes[q->nnodes++] = n;
}

/* The article reference starting exactly at i, or NULL. */
static const struct qart *
q_article_at(const struct qparse *p, size_t i)
{
	size_t	 k;

	for (k = p->ai; k < p->narts && p->arts[k].start <= i; k++) {
		if (p->arts[k].start == i)
			return &p->arts[k];
	}
	return NULL;
}

/*
 * After an article reference: "du CGCT", "CGCT", "du code général des
 * collectivités territoriales".  Sets *key to the code's short name (caller
 * frees) and returns where the code ends; or returns i with *key NULL.
 */
static size_t
q_article_code(const struct qparse *p, size_t i, char **key)
{
	size_t		 ws[QUERY_CODE_WORDS], we[QUERY_CODE_WORDS];
	char		*f[QUERY_CODE_WORDS], *name, *tok, *save;
	size_t		 nw = 0, k, j, at, w, end = i;
	int		 ok;

	*key = NULL;
	for (j = i; nw < QUERY_CODE_WORDS; j = we[nw++]) {
		j = q_skip_space(p, j);
		if (j == i || !q_word_at(p, j))
			break;
		ws[nw] = j;
		we[nw] = q_word_end(p, j);
		f[nw] = q_fold(p->s + ws[nw], we[nw] - ws[nw]);
	}
	at = 0;
	if (nw > 1 && (strcmp(f[0], "du") == 0 || strcmp(f[0], "des") == 0))
		at = 1;
	else if (nw > 2 && strcmp(f[0], "de") == 0 && strcmp(f[1], "la") == 0)
		at = 2;

	for (k = 0; *key == NULL && at < nw &&
	    k < sizeof q_code_names / sizeof q_code_names[0]; k++) {
		name = q_fold(q_code_names[k].name,
		    strlen(q_code_names[k].name));
		ok = 1;
		w = at;
		for (tok = strtok_r(name, " ", &save); ok && tok != NULL;
		    tok = strtok_r(NULL, " ", &save))
			ok = w < nw && strcmp(tok, f[w++]) == 0;
		if (ok) {
			*key = xstrdup(q_code_names[k].code);
			end = we[w - 1];
		}
		free(name);
	}

	/* A short name we know ("cgct"), or after "du" an acronym ("CJA"). */
	for (k = 0; *key == NULL && at < nw &&
	    k < sizeof q_code_names / sizeof q_code_names[0]; k++) {
		if (strcmp(f[at], q_code_names[k].code) == 0) {
			*key = xstrdup(q_code_names[k].code);
			end = we[at];
		}
	}
	if (*key == NULL && at > 0 && we[at] - ws[at] >= 2 &&
	    we[at] - ws[at] <= 10 && strcmp(f[at], "code") != 0 &&
	    !fr_is_stopword(f[at], strlen(f[at]))) {
		ok = 1;
		for (j = ws[at]; j < we[at]; j++) {
			if (p->s[j] < 'A' || p->s[j] > 'Z')
				ok = 0;
		}
		if (ok) {
			*key = xstrdup(f[at]);
			end = we[at];
		}
	}
	for (k = 0; k < nw; k++)
		free(f[k]);
	return end;
}

static void
q_lex_article(struct qparse *p, const struct qart *a, int exclude)
{
	struct qnode	*n;
	char		*key;

	n = q_node_new(Q_ARTICLE, xstrdup(a->norm));
	p->i = q_article_code(p, a->end, &key);
	n->key = key;
	q_add(p, exclude ? q_negate(n) : n);
}

/* Is there a word character in [a, b)?  Pure punctuation is no phrase. */
static int
q_has_word(const struct qparse *p, size_t a, size_t b)
{
	uint32_t	 c;
	size_t		 l;

	for (; a < b && (l = q_cp(p->s, b, a, &c)) != 0; a += l) {
		if (q_is_word(c))
			return 1;
	}
	return 0;
}

static void
q_lex_phrase(struct qparse *p, size_t i, int exclude)
{
	uint32_t	 open, c;
	size_t		 l, start, end;
	char		*text, *f;

	l = q_cp(p->s, p->n, i, &open);
	start = end = i + l;
	while ((l = q_cp(p->s, p->n, end, &c)) != 0 && !q_closes(open, c))
		end += l;
	p->i = end + l;

	text = q_collapse(p, start, end);
	f = q_fold(text, strlen(text));
	if (*f == '\0' || !q_has_word(p, start, end))
		free(text);
	else if (exclude)
		q_add(p, q_negate(q_node_new(Q_PHRASE, text)));
	else
		q_add(p, q_node_new(Q_PHRASE, text));
	free(f);
}

/* The known key matching this folded word, or -1. */
static int
q_known_key(const struct qparse *p, const char *folded)
{
	char	*f;
	int	 k, found = -1;

	for (k = 0; p->keys != NULL && p->keys[k] != NULL && found < 0; k++) {
		f = q_fold(p->keys[k], strlen(p->keys[k]));
		if (strcmp(f, folded) == 0)
			found = k;
		free(f);
	}
	return found;
}

/* Does a known "key:" start at i? */
static int
q_key_ahead(const struct qparse *p, size_t i)
{
	size_t	 e;
	char	*f;
	int	 k;

	e = q_word_end(p, i);
	if (e == i || q_at(p, e) != ':')
		return 0;
	f = q_fold(p->s + i, e - i);
	k = q_known_key(p, f);
	free(f);
	return k != -1;
}

/*
 * A word followed by ':'.  A known key takes the value after it (quoted,
 * or up to the next space): returns 1 with p->i past it.  An unknown key
 * gets a notice and returns 0: the word and the value are searched as
 * text.
 */
static int
q_lex_filter(struct qparse *p, size_t i, size_t e, const char *folded,
    int exclude)
{
	struct buf	 list;
	struct qnode	*n;
	uint32_t	 c;
	size_t		 j, l, end;
	char		*value;
	int		 k;

	for (j = i; j < e; j++) {
		if ((p->s[j] >= '0' && p->s[j] <= '9') || p->s[j] == '-')
			return 0;
	}
	if (e - i > QUERY_MAX_KEY)
		return 0;

	if ((k = q_known_key(p, folded)) == -1) {
		c = q_at(p, e + 1);
		if (!q_is_word(c) && !q_is_open_quote(c))
			return 0;
		buf_init(&list);
		for (k = 0; p->keys != NULL && p->keys[k] != NULL; k++)
			buf_printf(&list, "%s%s", k > 0 ? ", " : "",
			    p->keys[k]);
		if (list.len > 0)
			q_notice(p->q, "Le filtre « %.*s: » n’existe pas ; les "
			    "filtres possibles sont %s. Les mots sont cherchés "
			    "dans le texte.", (int)(e - i), p->s + i, list.data);
		else
			q_notice(p->q, "Le filtre « %.*s: » n’existe pas : les "
			    "mots sont cherchés dans le texte.", (int)(e - i),
			    p->s + i);
		buf_free(&list);
		return 0;
	}

	/* "pays: Mali" is kept, "type: -chat" and "type: pays:Mali" not. */
	j = q_skip_space(p, e + 1);
	l = q_cp(p->s, p->n, j, &c);
	if (j > e + 1 && (!(q_is_word(c) || q_is_open_quote(c)) ||
	    q_key_ahead(p, j))) {
		p->i = e + 1;
		value = xstrdup("");
	} else if (q_is_open_quote(c)) {
		end = j + l;
		while ((l = q_cp(p->s, p->n, end, &c)) != 0 &&
		    !q_closes(q_at(p, j), c))
			end += l;
		value = q_collapse(p, j + q_cp(p->s, p->n, j, &c), end);
		p->i = end + l;
	} else {
		end = j;
		while ((l = q_cp(p->s, p->n, end, &c)) != 0 &&
		    !q_is_space(c) && !q_is_quote(c))
			end += l;
		p->i = end;
		while (end > j && strchr(",;.!?)]}", p->s[end - 1]) != NULL)
			end--;
		value = xstrndup(p->s + j, end - j);
	}
	if (*value == '\0') {
		q_notice(p->q, "Le filtre « %.*s: » n’a pas de valeur : il est "
		    "ignoré.", (int)(e - i), p->s + i);
		free(value);
	} else if (exclude) {
		q_notice(p->q, "Un filtre ne peut pas être exclu : « -%.*s:%s » "
		    "est ignoré.", (int)(e - i), p->s + i, value);
		free(value);
	} else {
		n = q_node_new(Q_FILTER, value);
		n->key = xstrdup(p->keys[k]);
		q_add(p, n);
	}
	return 1;
}

static int
q_is_elision(const char *folded)
{
	size_t	 k;

	for (k = 0; q_elisions[k] != NULL; k++) {
		if (strcmp(q_elisions[k], folded) == 0)
			return 1;
	}
	return 0;
}

/* A hyphenated word made of stopwords only ("peut-il", "est-ce",
 * "a-t-elle"): the inversion of a question, nothing to search for. */
static int
q_all_stopwords(const char *f)
{
	const char	*p = f, *q;
	size_t		 n;

	/* The fold writes the hyphens as spaces. */
	if (strpbrk(f, "- ") == NULL)
		return 0;
	for (;;) {
		q = strpbrk(p, "- ");
		n = q != NULL ? (size_t)(q - p) : strlen(p);
		if (n > 0 && !fr_is_stopword(p, n))
			return 0;
		if (q == NULL)
			return 1;
		p = q + 1;
	}
}

static void
q_lex_word(struct qparse *p, size_t i, int exclude)
{
	struct qnode	*n;
	uint32_t	 after, c;
	size_t		 e, l, j;
	char		*f, *text;
	int		 elided;

	e = q_word_end(p, i);
	p->i = e;
	l = q_cp(p->s, p->n, e, &after);
	f = q_fold(p->s + i, e - i);

	if (after == ':' && q_lex_filter(p, i, e, f, exclude))
		goto done;
	if (*f == '\0')
		goto done;
	text = xstrndup(p->s + i, e - i);
	if (after == '*') {
		p->i = e + 1;
		if (strlen(f) >= 2) {
			n = q_node_new(Q_PREFIX, text);
			q_add(p, exclude ? q_negate(n) : n);
			goto done;
		}
		q_notice(p->q, "« %s* » : un préfixe doit avoir au moins deux "
		    "lettres ; « %s » est cherché comme un mot.", text, text);
	} else if (!exclude && strcmp(text, "OR") == 0) {
		if (p->q->nnodes > 0)
			p->pending_or = 1;
		free(text);
		goto done;
	} else if (!exclude && (strcmp(text, "AND") == 0 ||
	    strcmp(text, "ET") == 0)) {
		/* What every search does already: the words together. */
		free(text);
		goto done;
	} else if (!exclude && strcmp(text, "NOT") == 0) {
		/* As "-": the next word or phrase must not be there. */
		p->pending_not = 1;
		free(text);
		goto done;
	} else if (!exclude && strcmp(text, "NEAR") == 0 && after == '(') {
		/* FTS5's NEAR(a b): the words, the closest together first,
		 * which is how every search ranks them. */
		free(text);
		goto done;
	} else if (!exclude && (strcmp(f, "article") == 0 ||
	    strcmp(f, "articles") == 0 || strcmp(f, "art") == 0)) {
		/* "article L1115-1": the word only announces the reference. */
		for (j = e; q_at(p, j) == '.' || q_is_space(q_at(p, j));
		    j += q_cp(p->s, p->n, j, &c))
			;
		if (q_article_at(p, j) != NULL) {
			free(text);
			goto done;
		}
	}
	/* A double quote between an elided word and the next is a scanned or
	 * mistyped apostrophe (qu"une), not the start of a phrase. */
	elided = (q_is_apostrophe(after) || (after == '"' &&
	    q_is_elision(f))) && q_word_at(p, e + l);
	if (elided && after == '"')
		p->i = e + l;
	n = q_node_new(Q_WORD, text);
	n->stopword = fr_is_stopword(f, strlen(f)) ||
	    (elided && q_is_elision(f)) || q_all_stopwords(f);
	q_add(p, exclude ? q_negate(n) : n);
done:
	free(f);
}

/* Find every article reference up front: they may span spaces and dots. */
static void
q_find_articles(struct qparse *p)
{
	struct qart	 a;
	size_t		 pos = 0, prev;

	while (pos < p->n) {
		prev = pos;
		memset(&a, 0, sizeof a);
		if (article_ref_next(p->s, p->n, &pos, &a.start, &a.end,
		    a.norm) != 1)
			break;
		a.norm[sizeof a.norm - 1] = '\0';
		if (a.end <= a.start || a.end > p->n || a.start < prev ||
		    a.norm[0] == '\0')
			break;
		p->arts = xreallocarray(p->arts, p->narts + 1,
		    sizeof *p->arts);
		p->arts[p->narts++] = a;
		pos = a.end;
	}
}

static void
q_parse(struct qparse *p)
{
	const struct qart	*a;
	uint32_t		 c, before;
	size_t			 l, t;
	int			 exclude;

	q_find_articles(p);
	while (!p->full && (l = q_cp(p->s, p->n, p->i, &c)) != 0) {
		while (p->ai < p->narts && p->arts[p->ai].start < p->i)
			p->ai++;
		if (q_is_space(c)) {
			p->i += l;
			continue;
		}
		/* "-word" excludes; "Saint-Louis", "L1115-1", "a - b" not. */
		exclude = 0;
		t = p->i;
		before = q_before(p, p->i);
		if (c == '-' && (before == 0 || before == '(' ||
		    q_is_space(before)) && (q_word_at(p, p->i + 1) ||
		    q_is_open_quote(q_at(p, p->i + 1)))) {
			exclude = 1;
			t = p->i + 1;
			c = q_at(p, t);
		}
		if (p->pending_not && (q_is_word(c) || q_is_open_quote(c))) {
			exclude = 1;
			p->pending_not = 0;
		}
		if ((a = q_article_at(p, t)) != NULL)
			q_lex_article(p, a, exclude);
		else if (q_is_open_quote(c))
			q_lex_phrase(p, t, exclude);
		else if (q_is_word(c))
			q_lex_word(p, t, exclude);
		else
			p->i += l;
	}
}

struct query *
query_parse(const char *input, const char *const *keys)
{
	struct query	*q;
	struct qparse	 p;
	struct buf	 text;
	size_t		 len, cut, k;
	int		 blank = 1;

	q = xcalloc(1, sizeof *q);
	if (input == NULL)
		input = "";
	len = strlen(input);
	cut = len;
	if (len > QUERY_MAX_INPUT) {
		/* Cut between words if one ends near the limit. */
		cut = QUERY_MAX_INPUT;
		for (k = cut; k > QUERY_MAX_INPUT - 100; k--) {
			if (input[k] == ' ' || input[k] == '\t' ||
			    input[k] == '\n') {
				cut = k;
				break;
			}
		}
		while (cut > QUERY_MAX_INPUT - 4 &&
		    ((unsigned char)input[cut] & 0xC0) == 0x80)
			cut--;
		q_notice(q, "La recherche est trop longue : seuls ses 1 000 "
		    "premiers octets sont pris en compte.");
	}
	buf_init(&text);
	if (utf8_repair(input, cut, &text) > 0)
		q_notice(q, "Des caractères invalides de la recherche ont été "
		    "ignorés.");

	memset(&p, 0, sizeof p);
	p.s = text.data != NULL ? text.data : "";
	p.n = text.len;
	p.keys = keys;
	p.q = q;
	q_parse(&p);

	for (k = 0; k < p.n; k++) {
		if (!q_is_space(q_at(&p, k)) && ((unsigned char)p.s[k] &
		    0xC0) != 0x80)
			blank = 0;
	}
	if (q->nnodes == 0 && !blank)
		q_notice(q, "La recherche ne contient aucun mot à chercher.");
	free(p.arts);
	buf_free(&text);
	return q;
}

void
query_free(struct query *q)
{
	size_t	 i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nnodes; i++)
		q_node_free(q->nodes[i]);
	free(q->nodes);
	strv_free(q->notices, q->nnotices);
	free(q);
}

int
query_is_empty(const struct query *q)
{
	return q == NULL || q->nnodes == 0;
}

