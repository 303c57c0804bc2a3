/*
 * cite.c - finding citations of legal articles in running text ("l'article
 * L1115-1 du CGCT", "articles L1115-4 et L1115-5") and naming the document
 * each one points to ("cgct/L1115-1").
 *
 * The references themselves are found by article_ref_next (tokenizer_fr.c)
 * so that what is cited and what is searchable never disagree; this file
 * only reads the words around them: the code named after a reference (or
 * after the last one of a list), and the old-numbering markers before it
 * ("ancien article", "ex-") that doc/formats.md promises to skip.  It never
 * decides whether a target exists: the store resolves links.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "index.h"

/* The codes a citation may name, as folded words after "du". */
static const struct cite_code cite_codes[] = {
	{ "cgct", "cgct" },
	{ "cgct", "c g c t" },
	{ "cgct", "code general des collectivites territoriales" },
	{ "ct", "code du travail" },
	{ "cenv", "code de l environnement" },
};

/*
 * Is the reference at start part of a web address ("…/article-l1115-5-of-…",
 * "?art=L1115-1")?  Look back to the start of the word.
 */
static int
cite_in_url(const char *text, size_t start)
{
	size_t	 i = start;

	while (i > 0 && text[i - 1] != ' ' && text[i - 1] != '\n' &&
	    text[i - 1] != '\t' && text[i - 1] != '(' && text[i - 1] != '<' &&
	    text[i - 1] != '"')
		i--;
	for (; i < start; i++)
		if (text[i] == '/' || text[i] == '=' || text[i] == '?' ||
		    text[i] == '#' || text[i] == '&')
			return 1;
	return 0;
}

/* How far around a reference the words that qualify it are looked for. */
#define CITE_AFTER	160
#define CITE_BEFORE	40

/* Codes that are not in cite_codes. */
#define CODE_NONE	NULL		/* no code named: list's or default */
static const char	 code_same[] = "";	/* "du même code" */
static const char	 code_unknown[] = "";	/* a code we cannot name */

struct cite_ref {
	size_t		 start;
	size_t		 end;
	char		 norm[32];
	int		 dash;		/* has a -digits group */
	int		 old;		/* ex-L1114-1: old numbering */
	int		 listed;	/* the next reference continues a list */
	const char	*named;		/* code named right after it */
	const char	*code;		/* resolved */
};

/* Fold text[from, to), moved forward to a character boundary. */
static char *
cite_fold(const char *text, size_t from, size_t to)
{
	char	*f;

	while (from < to && ((unsigned char)text[from] & 0xC0) == 0x80)
		from++;
	if ((f = fr_fold(text + from, to - from)) == NULL)
		fatalx("out of memory");
	return f;
}

/* Does folded text s start with the words w (whole words)? */
static int
starts_with_words(const char *s, const char *w)
{
	size_t	len = strlen(w);

	return strncmp(s, w, len) == 0 && (s[len] == '\0' || s[len] == ' ');
}

/* Does folded text s end with the word w (a whole word)? */
static int
ends_with_word(const char *s, size_t n, const char *w)
{
	size_t	len = strlen(w);

	return n >= len && memcmp(s + n - len, w, len) == 0 &&
	    (n == len || s[n - len - 1] == ' ');
}

/*
 * The code named by the words right after a reference, up to the end of
 * its clause: "du code." names no code, "du code civil" one we cannot
 * name.  A dot ends the clause only before a space, so "C.G.C.T." stays.
 */
static const char *
cite_named(const char *text, size_t len, size_t end)
{
	const char	*code = CODE_NONE, *p;
	char		*f;
	size_t		 i, to;

	to = end + CITE_AFTER < len ? end + CITE_AFTER : len;
	for (i = end; i < to; i++)
		if (strchr(",;:()[]\n", text[i]) != NULL ||
		    (text[i] == '.' && (i + 1 == len || text[i + 1] == ' ')))
			break;
	f = cite_fold(text, end, i);
	p = f;
	if (starts_with_words(p, "du"))
		p += 3;
	if (starts_with_words(p, "meme code"))
		code = code_same;
	else {
		for (i = 0; i < sizeof cite_codes / sizeof cite_codes[0]; i++)
			if (starts_with_words(p, cite_codes[i].pattern)) {
				code = cite_codes[i].short_name;
				break;
			}
		/* "du code civil": a link to cgct/ would be false. */
		if (code == CODE_NONE && p != f && strncmp(p, "code ", 5) == 0)
			code = code_unknown;
	}
	free(f);
	return code;
}

/* Is the reference at start written as old numbering? */
static int
cite_old(const char *text, size_t start, int *group)
{
	const unsigned char	*s = (const unsigned char *)text;
	char			*f;
	size_t			 n, from;
	int			 old = 0;

	*group = 0;
	/* "ex-L1114-1", "ex L1114-1": this reference only. */
	if (start >= 3 && (s[start - 1] == '-' || s[start - 1] == ' ') &&
	    (s[start - 2] == 'x' || s[start - 2] == 'X') &&
	    (s[start - 3] == 'e' || s[start - 3] == 'E')) {
		f = cite_fold(text, start >= 3 + CITE_BEFORE ?
		    start - 3 - CITE_BEFORE : 0, start);
		n = strlen(f);
		old = ends_with_word(f, n, "ex");
		free(f);
		if (old)
			return 1;
	}
	/* "ancien article L1114-1", "anciens articles ... et ...": a list. */
	from = start > CITE_BEFORE ? start - CITE_BEFORE : 0;
	f = cite_fold(text, from, start);
	n = strlen(f);
	if (ends_with_word(f, n, "article"))
		n -= strlen("article");
	else if (ends_with_word(f, n, "articles"))
		n -= strlen("articles");
	else if (ends_with_word(f, n, "art"))
		n -= strlen("art");
	else
		n = 0;
	if (n > 0 && f[n - 1] == ' ')
		n--;
	if (ends_with_word(f, n, "ancien") || ends_with_word(f, n, "anciens"))
		*group = old = 1;
	free(f);
	return old;
}

/* Do the words between two references make them one list? */
static int
cite_listed(const char *text, size_t end, size_t next)
{
	char	*f;
	size_t	 i;
	int	 listed;

	if (next - end > 16)
		return 0;
	/* "L1115-1. L1115-2 du code du travail" is no list. */
	for (i = end; i < next; i++)
		if (strchr(".;:()[]\n", text[i]) != NULL)
			return 0;
	f = cite_fold(text, end, next);
	listed = f[0] == '\0' || strcmp(f, "et") == 0 ||
	    strcmp(f, "ou") == 0 || strcmp(f, "a") == 0;
	free(f);
	return listed;
}

void
cite_scan(const char *text, size_t len, const char *default_code,
    void (*cb)(const char *, const char *, void *), void *arg)
{
	struct cite_ref	*refs = NULL, *r;
	size_t		 nrefs = 0, cap = 0, pos = 0, start, end, i, j, k;
	const char	*last = default_code, *code;
	char		 norm[32], *target, *label;
	int		 group, group_old;

	while (article_ref_next(text, len, &pos, &start, &end, norm)) {
		if (nrefs == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			refs = xreallocarray(refs, cap, sizeof *refs);
		}
		r = &refs[nrefs++];
		memset(r, 0, sizeof *r);
		r->start = start;
		r->end = end;
		memcpy(r->norm, norm, sizeof r->norm);
		r->dash = strchr(norm, '-') != NULL;
		r->named = cite_named(text, len, end);
		if (nrefs > 1)
			refs[nrefs - 2].listed = cite_listed(text,
			    refs[nrefs - 2].end, start);
	}

	/* One list at a time: [i, j). */
	for (i = 0; i < nrefs; i = j) {
		for (j = i + 1; j < nrefs && refs[j - 1].listed; j++)
			;
		group_old = 0;
		for (k = i; k < j; k++) {
			refs[k].old = cite_old(text, refs[k].start, &group);
			if (k == i && group)
				group_old = 1;
			refs[k].old |= group_old;
		}
		/* "L1115-4 et L1115-5 du CGCT": the code named last. */
		code = default_code;
		for (k = j; k-- > i;) {
			if (refs[k].named == code_same)
				code = last;
			else if (refs[k].named != CODE_NONE)
				code = refs[k].named;
			refs[k].code = code;
		}
		/* "du même code" after "du code civil" is no link either. */
		for (k = i; k < j; k++)
			if (refs[k].named != CODE_NONE)
				last = refs[k].code;
	}

	for (i = 0; i < nrefs; i++) {
		r = &refs[i];
		if (!r->dash || r->old || r->code == code_unknown ||
		    r->code == NULL || cite_in_url(text, r->start) ||
		    !(text[r->start] >= 'A' && text[r->start] <= 'Z'))
			continue;
		target = xsprintf("%s/%s", r->code, r->norm);
		label = xstrndup(text + r->start, r->end - r->start);
		cb(target, label, arg);
		free(label);
		free(target);
	}
	free(refs);
}
