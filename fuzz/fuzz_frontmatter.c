/*
 * fuzz_frontmatter.c - libFuzzer: the YAML front matter of notes and legal
 * texts (plugins/common/frontmatter.c) on any bytes: parsed or refused
 * with a reason; a parsed one has keys, non-empty list items and source
 * titles, lines within the file, a body inside it; the date helpers run
 * on every scalar.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_scalar(const char *v)
{
	char	*fr;
	int	 y, m, d;

	if (v == NULL)
		abort();
	if (date_parse(v, &y, &m, &d) == 1 && (m < 1 || m > 12 || d < 1 ||
	    d > 31))
		abort();
	(void)year_valid(v);
	(void)line_trimmed(v, strlen(v));
	if ((fr = date_french(v)) != NULL && *fr == '\0')
		abort();
	free(fr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct frontmatter	*fm;
	const struct fm_entry	*e;
	char			*cause;
	size_t			 i, j, nlines = 1;

	/* Lines as libyaml counts them: a lone CR, NEL, LS and PS break
	 * lines too (so the lines of keys after one are not the file's:
	 * see the results in fuzz/README.md). */
	for (i = 0; i < len; i++)
		nlines += data[i] == '\n' || (data[i] == '\r' && (i + 1 ==
		    len || data[i + 1] != '\n')) || (data[i] == 0xc2 &&
		    i + 1 < len && data[i + 1] == 0x85) || (data[i] == 0xe2 &&
		    i + 2 < len && data[i + 1] == 0x80 && (data[i + 2] == 0xa8 ||
		    data[i + 2] == 0xa9));
	if (frontmatter_parse((const char *)data, len, &fm, &cause) == -1) {
		if (cause == NULL || fm != NULL)
			abort();
		free(cause);
		return 0;
	}
	if (fm == NULL || fm->body > len || fm->body_line < 1 ||
	    (size_t)fm->body_line > nlines + 1)
		abort();
	for (i = 0; i < fm->n; i++) {
		e = &fm->v[i];
		/* A YAML null key ("&anchor: v") is an empty key. */
		if (e->key == NULL || e->line < 1 ||
		    (size_t)e->line > nlines || frontmatter_get(fm, e->key) ==
		    NULL)
			abort();
		switch (e->kind) {
		case FM_SCALAR:
			check_scalar(e->value);
			break;
		case FM_LIST:
			for (j = 0; j < e->nitems; j++)
				if (e->items[j] == NULL || *e->items[j] == '\0')
					abort();
			break;
		case FM_SOURCES:
			for (j = 0; j < e->nsources; j++)
				if (e->sources[j].titre == NULL ||
				    *e->sources[j].titre == '\0')
					abort();
			break;
		}
	}
	for (i = 0; i < fm->nwarnings; i++)
		if (fm->warnings[i].text == NULL)
			abort();
	frontmatter_free(fm);
	return 0;
}
