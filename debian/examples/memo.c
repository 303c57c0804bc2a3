/*
 * memo.c - an example Savoir plugin: a ".memo" file is one short note, its
 * first line the title and the rest the text.  It shows the whole ABI of
 * savoir/plugin.h in a few lines: the entry point, a declared type with a
 * facet, extract() emitting one document through the host's table, a
 * warning, and HTML that escapes every text it writes.
 *
 * Build and try it (see the Makefile beside this file):
 *	make
 *	savoir --plugins "$(pkg-config --variable=plugindir savoir-plugin):." \
 *	    --db /tmp/memo.db index ~/memos
 * A plugin never calls a host symbol, never keeps state between files and
 * never writes text into HTML without escaping it.
 */
#include <stdlib.h>
#include <string.h>

#include <savoir/plugin.h>

/* Set by the entry point: the only way to reach the host. */
static const struct savoir_host *host;

static const struct savoir_facet_decl memo_facets[] = {
	{ "auteur", "Auteur", SAVOIR_FACET_KEYWORD },
	{ NULL, NULL, 0 }
};

static const struct savoir_type_decl memo_types[] = {
	{ "memo", "Mémo", "Mémos", memo_facets },
	{ NULL, NULL, NULL, NULL }
};

static const char *const memo_extensions[] = { ".memo", NULL };

/*
 * Append n bytes of text to the string *html (*len bytes long), escaped for
 * HTML when escape is set; -1 when out of memory.
 */
static int
memo_put(char **html, size_t *len, const char *text, size_t n, int escape)
{
	char	*p;
	size_t	 i, j;

	/* At most 6 bytes ("&quot;") for each byte of text. */
	if ((p = realloc(*html, *len + n * 6 + 1)) == NULL)
		return -1;
	*html = p;
	for (i = 0, j = *len; i < n; i++) {
		if (escape && text[i] == '&') {
			memcpy(p + j, "&amp;", 5);
			j += 5;
		} else if (escape && text[i] == '<') {
			memcpy(p + j, "&lt;", 4);
			j += 4;
		} else if (escape && text[i] == '>') {
			memcpy(p + j, "&gt;", 4);
			j += 4;
		} else if (escape && text[i] == '"') {
			memcpy(p + j, "&quot;", 6);
			j += 6;
		} else
			p[j++] = text[i];
	}
	p[j] = '\0';
	*len = j;
	return 0;
}

static int
memo_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	const char	*text = (const char *)in->data, *nl, *body;
	size_t		 titlelen, bodylen, htmllen = 0;
	char		*html = NULL;
	int		 rc = -1;

	(void)state;
	if (in->len == 0) {
		host->error(sink, "empty memo");
		return -1;
	}
	nl = memchr(text, '\n', in->len);
	titlelen = nl != NULL ? (size_t)(nl - text) : in->len;
	body = nl != NULL ? nl + 1 : text + in->len;
	bodylen = in->len - (size_t)(body - text);
	if (bodylen == 0)
		host->warn(sink, 1, "a title and no text");

	if (memo_put(&html, &htmllen, "<pre>", 5, 0) == -1 ||
	    memo_put(&html, &htmllen, body, bodylen, 1) == -1 ||
	    memo_put(&html, &htmllen, "</pre>", 6, 0) == -1) {
		host->error(sink, "out of memory");
		goto out;
	}
	/* The default id is the file's path without its extension. */
	if (host->doc_begin(sink, in->id_prefix, "memo") == -1 ||
	    host->doc_text(sink, SAVOIR_COL_TITLE, text, titlelen) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_BODY, body, bodylen) == -1 ||
	    host->doc_facet(sink, "auteur", "Équipe Savoir") == -1 ||
	    host->doc_html(sink, html, htmllen) == -1 ||
	    host->doc_end(sink) == -1)
		goto out;
	rc = 0;
out:
	free(html);
	return rc;
}

static const struct savoir_plugin memo_plugin = {
	.abi = SAVOIR_PLUGIN_ABI,
	.size = sizeof(struct savoir_plugin),
	.name = "memo",
	.version = "1.0.0",
	.description = "Example: one note per .memo file, title on line 1",
	.types = memo_types,
	.extensions = memo_extensions,
	.extract = memo_extract
};

SAVOIR_EXPORT const struct savoir_plugin *
savoir_plugin_entry(const struct savoir_host *h)
{
	/* A host older than this header may lack functions we call. */
	if (h == NULL || h->abi != SAVOIR_PLUGIN_ABI ||
	    h->size < sizeof(struct savoir_host))
		return NULL;
	host = h;
	return &memo_plugin;
}
