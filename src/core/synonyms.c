/*
 * synonyms.c - groups of equivalent terms ("AECT, action extérieure des
 * collectivités territoriales"), read from a text file, one group a line,
 * terms separated by commas, "#" comments.  query.c uses them to widen a
 * word or a run of words to the whole group; the terms are compared
 * folded (case, accents, ligatures, punctuation as spaces), as the
 * tokenizer reads text.
 *
 * A file with a bad line is refused whole, with the line and the reason:
 * a search silently widened by half a file would be worse than none.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"

#define SYN_MAX_FILE	(1024 * 1024)
#define SYN_MAX_TERM	200

struct syn_term {
	char	*text;		/* as written, trimmed */
	char	*folded;	/* fr_fold(): words separated by one space */
	size_t	 group;
	int	 line;
};

struct synonyms {
	struct syn_term	*terms;
	size_t		 nterms;
	size_t		 ngroups;
	size_t		 maxwords;	/* the longest term, in words */
	char		*src;		/* the text parsed (synonyms_source) */
	size_t		 srclen;
};

void
synonyms_free(struct synonyms *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nterms; i++) {
		free(s->terms[i].text);
		free(s->terms[i].folded);
	}
	free(s->terms);
	free(s->src);
	free(s);
}

/*
 * The text the groups were parsed from: a thread that needs its own copy
 * parses it again (savoird's offline index, after the privilege drop, when
 * the file itself may no longer be readable).
 */
const char *
synonyms_source(const struct synonyms *s, size_t *len)
{
	if (s == NULL || s->src == NULL) {
		*len = 0;
		return NULL;
	}
	*len = s->srclen;
	return s->src;
}

static size_t
count_words(const char *folded)
{
	size_t	 n = 1;

	for (; *folded != '\0'; folded++)
		n += *folded == ' ';
	return n;
}

static const struct syn_term *
syn_find(const struct synonyms *s, const char *folded)
{
	size_t	 i;

	for (i = 0; i < s->nterms; i++) {
		if (strcmp(s->terms[i].folded, folded) == 0)
			return &s->terms[i];
	}
	return NULL;
}

/* One line: 0, or -1 with *cause set ("line N: ..."). */
static int
syn_line(struct synonyms *s, char *line, int lineno, char **cause)
{
	const struct syn_term	*dup;
	struct syn_term		*t;
	char			*term, *end, *folded;
	size_t			 first = s->nterms, len;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	for (;;) {
		term = line;
		if ((end = strchr(line, ',')) != NULL)
			*end = '\0';
		while (*term == ' ' || *term == '\t')
			term++;
		len = strlen(term);
		while (len > 0 && (term[len - 1] == ' ' ||
		    term[len - 1] == '\t'))
			term[--len] = '\0';
		if (len > SYN_MAX_TERM) {
			xasprintf(cause, "line %d: a term of more than %d bytes",
			    lineno, SYN_MAX_TERM);
			return -1;
		}
		folded = fr_fold(term, len);
		if (folded == NULL) {
			xasprintf(cause, "line %d: out of memory", lineno);
			return -1;
		}
		if (*folded == '\0') {
			xasprintf(cause, "line %d: an empty term (two commas in "
			    "a row, or a comma at an end?)", lineno);
			free(folded);
			return -1;
		}
		if ((dup = syn_find(s, folded)) != NULL) {
			xasprintf(cause, "line %d: \"%s\" is already in the "
			    "group of line %d (a term belongs to one group)",
			    lineno, term, dup->line);
			free(folded);
			return -1;
		}
		s->terms = xreallocarray(s->terms, s->nterms + 1,
		    sizeof *s->terms);
		t = &s->terms[s->nterms++];
		t->text = xstrdup(term);
		t->folded = folded;
		t->group = s->ngroups;
		t->line = lineno;
		if (count_words(folded) > s->maxwords)
			s->maxwords = count_words(folded);
		if (end == NULL)
			break;
		line = end + 1;
	}
	if (s->nterms - first < 2) {
		xasprintf(cause, "line %d: a group needs two terms or more, "
		    "separated by commas", lineno);
		return -1;
	}
	s->ngroups++;
	return 0;
}

struct synonyms *
synonyms_parse(const char *data, size_t len, char **cause)
{
	struct synonyms	*s;
	char		*copy, *line, *next, *why = NULL;
	size_t		 bad;
	int		 lineno = 0;

	s = xcalloc(1, sizeof *s);
	s->src = xmalloc(len + 1);
	memcpy(s->src, data, len);
	s->src[len] = '\0';
	s->srclen = len;
	if (!utf8_valid(data, len, &bad)) {
		for (lineno = 1; bad > 0; bad--)
			lineno += data[bad - 1] == '\n';
		xasprintf(cause, "line %d: not valid UTF-8", lineno);
		synonyms_free(s);
		return NULL;
	}
	if (memchr(data, '\0', len) != NULL) {
		xasprintf(cause, "a NUL byte: not a text file");
		synonyms_free(s);
		return NULL;
	}
	copy = xstrndup(data, len);
	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (syn_line(s, line, lineno, &why) == -1) {
			*cause = why;
			free(copy);
			synonyms_free(s);
			return NULL;
		}
	}
	free(copy);
	return s;
}

struct synonyms *
synonyms_load(const char *path, char **cause)
{
	struct synonyms	*s;
	FILE		*f;
	char		*data, *why = NULL;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	data = xmalloc(SYN_MAX_FILE + 1);
	n = fread(data, 1, SYN_MAX_FILE + 1, f);
	if (ferror(f) || n > SYN_MAX_FILE) {
		xasprintf(cause, "%s: %s", path, ferror(f) ? strerror(errno) :
		    "larger than 1 MB: not a synonyms file");
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	if ((s = synonyms_parse(data, n, &why)) == NULL) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
	}
	free(data);
	return s;
}

size_t
synonyms_count(const struct synonyms *s)
{
	return s != NULL ? s->ngroups : 0;
}

size_t
synonyms_max_words(const struct synonyms *s)
{
	return s != NULL ? s->maxwords : 0;
}

/*
 * The group of the folded term, as a NULL-terminated array of its terms as
 * written, the term itself first (caller frees the array, not the
 * strings), or NULL.
 */
const char **
synonyms_lookup(const struct synonyms *s, const char *folded)
{
	const struct syn_term	*t;
	const char		**out;
	size_t			 i, n = 0;

	if (s == NULL || (t = syn_find(s, folded)) == NULL)
		return NULL;
	out = xcalloc(s->nterms + 2, sizeof *out);
	out[n++] = t->text;
	for (i = 0; i < s->nterms; i++) {
		if (s->terms[i].group == t->group && &s->terms[i] != t)
			out[n++] = s->terms[i].text;
	}
	return out;
}

/* Term i as written and its group (terms of a group are adjacent), or
 * NULL past the last: how a caller lists every group (store_offline.c). */
const char *
synonyms_term(const struct synonyms *s, size_t i, size_t *group)
{
	if (s == NULL || i >= s->nterms)
		return NULL;
	*group = s->terms[i].group;
	return s->terms[i].text;
}
