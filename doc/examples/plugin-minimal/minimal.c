/*
 * minimal.c - a complete Savoir content-type plugin, small enough to read
 * in one sitting: the "memo" type.  A .memo file is one short note in
 * UTF-8: its first line is the title, the rest is the text, paragraphs
 * separated by blank lines.  Each memo becomes one document whose id is
 * the file's path without ".memo", with one facet: the folder it lives in.
 *
 * It owns nothing but reading that format.  Like every plugin it must
 * never call a host symbol (everything goes through the function table
 * handed to savoir_plugin_entry), never keep state between files, and
 * never write a text into HTML without escaping it.  It leaves strings
 * and escaping to the host's toolkit (Savoir 0.3): a plugin need not
 * carry its own.
 *
 * Build it against the installed header (see the Makefile beside it):
 *	cc -shared -fPIC $(pkg-config --cflags savoir-plugin) \
 *	    -fvisibility=hidden -Wl,--no-undefined -o minimal.so minimal.c
 * and try it:
 *	savoir --plugins . plugins
 *	savoir --plugins . --db /tmp/memo.db index ~/memos
 *	savoir --db /tmp/memo.db search 'dossier:travail réunion'
 */
#include <stdlib.h>
#include <string.h>

#include <savoir/plugin.h>

/* Set once by the entry point: the only way to reach the host. */
static const struct savoir_host *host;

/* Labels are shown to people: French.  Keys and names are identifiers. */
static const struct savoir_facet_decl memo_facets[] = {
	{ "dossier", "Dossier", SAVOIR_FACET_KEYWORD },
	{ NULL, NULL, 0 }
};

static const struct savoir_type_decl memo_types[] = {
	{ "memo", "Mémo", "Mémos", memo_facets },
	{ NULL, NULL, NULL, NULL }
};

static const char *const memo_extensions[] = { ".memo", NULL };

/* The length of line p (up to end), without its "\n" or "\r\n". */
static size_t
memo_line(const char *p, const char *end, const char **next)
{
	const char	*nl;
	size_t		 n;

	nl = memchr(p, '\n', (size_t)(end - p));
	n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
	*next = nl != NULL ? nl + 1 : end;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

static int
memo_blank(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	}
	return 1;
}

/*
 * The body as HTML: one <p> per paragraph, lines of a paragraph joined by
 * <br>.  The body column gets the raw text: the host joins nothing there.
 *
 * The HTML is written through two of the host's functions only: buf_adds
 * for the plugin's own constant markup, buf_html for anything read from
 * the file, which it always escapes.  Text never goes in another way.
 */
static void
memo_render(struct savoir_buf *h, const char *p, const char *end)
{
	const char	*next;
	size_t		 n;
	int		 open = 0;

	for (; p < end; p = next) {
		n = memo_line(p, end, &next);
		if (memo_blank(p, n)) {
			if (open)
				host->buf_adds(h, "</p>\n");
			open = 0;
			continue;
		}
		host->buf_adds(h, open ? "<br>" : "<p>");
		host->buf_html(h, p, n);
		open = 1;
	}
	if (open)
		host->buf_adds(h, "</p>\n");
}

/* The folder of a path relative to the indexed root ("" at the root). */
static char *
memo_folder(const char *path)
{
	const char	*slash;

	if (path == NULL || (slash = strrchr(path, '/')) == NULL)
		return strdup("");
	return strndup(path, (size_t)(slash - path));
}

static int
memo_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct savoir_buf	 html = SAVOIR_BUF_INIT;
	const char		*text = (const char *)in->data;
	const char		*end = text + in->len, *body;
	char			*folder = NULL;
	size_t			 titlelen;
	int			 rc = -1;

	(void)state;	/* no init, so no state */
	titlelen = memo_line(text, end, &body);
	while (titlelen > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		titlelen--;
	}
	if (titlelen == 0 || memo_blank(text, titlelen)) {
		/* What failed, precisely: it ends up in the indexer's report. */
		host->error(sink, "line 1: no title (the first line of a memo "
		    "is its title)");
		return -1;
	}
	if (body == end || memo_blank(body, (size_t)(end - body)))
		host->warn(sink, 2, "a title and no text");

	/* An allocation failure in the buffer is sticky: check once. */
	memo_render(&html, body, end);
	if (html.failed || (folder = memo_folder(in->path)) == NULL) {
		host->error(sink, "out of memory");
		goto out;
	}

	/*
	 * One document.  Every call copies what it is given before it
	 * returns, so stack and heap buffers are fine.  A -1 means the host
	 * refused something (a bad id, an undeclared type, a limit) and has
	 * recorded why: stop and return -1.
	 */
	if (host->doc_begin(sink, in->id_prefix, "memo") == -1 ||
	    host->doc_text(sink, SAVOIR_COL_TITLE, text, titlelen) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_BODY, body,
	    (size_t)(end - body)) == -1 ||
	    (*folder != '\0' &&
	    host->doc_facet(sink, "dossier", folder) == -1) ||
	    host->doc_meta(sink, "dossier", "Dossier",
	    *folder != '\0' ? folder : "(racine)") == -1 ||
	    host->doc_html(sink, html.s != NULL ? html.s : "", html.len) == -1 ||
	    host->doc_end(sink) == -1)
		goto out;
	rc = 0;
out:
	free(folder);
	host->buf_free(&html);
	return rc;
}

/*
 * Static and constant: the host reads it for as long as it is loaded.
 * SAVOIR_PLUGIN_HEAD fills in the ABI version and the sizes the host
 * needs to read this struct and the declarations, whatever its version.
 * No init, fini or probe: no per-process state, and the extension is
 * enough (it scores 50).  Members left out are NULL.
 */
static const struct savoir_plugin memo_plugin = {
	SAVOIR_PLUGIN_HEAD,
	.name = "memo",
	.version = "1.0.0",
	.description = "Example: one short note per .memo file, its title on "
	    "the first line",
	.types = memo_types,
	.extensions = memo_extensions,
	.extract = memo_extract
};

/*
 * The one exported symbol: it keeps the host's table in host and hands
 * out memo_plugin, or refuses (the host reports the plugin as refused) a
 * host of another ABI or one older than the newest member the plugin
 * calls.  That is the toolkit of Savoir 0.3, of which utf8_check is the
 * last member.
 *
 * A plugin that must also run on an older host names instead the newest
 * member it cannot do without (log, for the first version's table only)
 * and tests each newer one before it calls it, keeping a way of its own
 * for a host that lacks it:
 *
 *	if (SAVOIR_HOST_HAS(host, doc_weight))
 *		host->doc_weight(sink, 0.5);
 */
SAVOIR_PLUGIN_ENTRY(memo_plugin, host, utf8_check)
