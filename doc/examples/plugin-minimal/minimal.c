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
 * never write a text into HTML without escaping it.
 *
 * Build it against the installed header (see the Makefile beside it):
 *	cc -shared -fPIC $(pkg-config --cflags savoir-plugin) \
 *	    -fvisibility=hidden -Wl,--no-undefined -o minimal.so minimal.c
 * and try it:
 *	savoir --plugins . plugins
 *	savoir --plugins . --db /tmp/memo.db index ~/memos
 *	savoir --db /tmp/memo.db search 'dossier:travail réunion'
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <savoir/plugin.h>

/*
 * Does this host have function fn?  A host older than this header has a
 * shorter table: a member past its size is not there, so read size first.
 */
#define MEMO_HOST_HAS(h, fn)						\
	((h)->size >= offsetof(struct savoir_host, fn) + sizeof((h)->fn) && \
	 (h)->fn != NULL)

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

/*
 * The HTML body, built through two functions only: memo_tag for the
 * plugin's own constant markup, memo_text for anything read from the file,
 * which it always escapes.  There is no third way to add bytes.
 */
struct memo_html {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* out of memory: stop adding */
};

static void
memo_grow(struct memo_html *h, size_t more)
{
	size_t	 cap;
	char	*s;

	if (h->failed || h->len + more < h->cap)
		return;
	cap = h->cap > 0 ? h->cap : 256;
	while (cap <= h->len + more) {
		if (cap > ((size_t)-1) / 2) {
			h->failed = 1;
			return;
		}
		cap *= 2;
	}
	if ((s = realloc(h->s, cap)) == NULL) {
		h->failed = 1;
		return;
	}
	h->s = s;
	h->cap = cap;
}

static void
memo_tag(struct memo_html *h, const char *tag)
{
	size_t	 n = strlen(tag);

	memo_grow(h, n);
	if (h->failed)
		return;
	memcpy(h->s + h->len, tag, n);
	h->len += n;
	h->s[h->len] = '\0';
}

static void
memo_text(struct memo_html *h, const char *text, size_t n)
{
	const char	*rep;
	size_t		 i, rl;

	/* "&quot;" is the longest replacement: six bytes for one. */
	if (n > ((size_t)-1) / 6 - 1) {
		h->failed = 1;
		return;
	}
	memo_grow(h, n * 6);
	if (h->failed)
		return;
	for (i = 0; i < n; i++) {
		switch (text[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		default:
			h->s[h->len++] = text[i];
			continue;
		}
		rl = strlen(rep);
		memcpy(h->s + h->len, rep, rl);
		h->len += rl;
	}
	h->s[h->len] = '\0';
}

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
 */
static void
memo_render(struct memo_html *h, const char *p, const char *end)
{
	const char	*next;
	size_t		 n;
	int		 open = 0;

	for (; p < end; p = next) {
		n = memo_line(p, end, &next);
		if (memo_blank(p, n)) {
			if (open)
				memo_tag(h, "</p>\n");
			open = 0;
			continue;
		}
		memo_tag(h, open ? "<br>" : "<p>");
		memo_text(h, p, n);
		open = 1;
	}
	if (open)
		memo_tag(h, "</p>\n");
}

/* The folder of a path relative to the indexed root ("" at the root). */
static char *
memo_folder(const char *path)
{
	const char	*slash;
	char		*s;
	size_t		 n;

	slash = path != NULL ? strrchr(path, '/') : NULL;
	n = slash != NULL ? (size_t)(slash - path) : 0;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, path, n);
	s[n] = '\0';
	return s;
}

static int
memo_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct memo_html	 html = { NULL, 0, 0, 0 };
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
	free(html.s);
	return rc;
}

/* Static and constant: the host reads it for as long as it is loaded. */
static const struct savoir_plugin memo_plugin = {
	.abi = SAVOIR_PLUGIN_ABI,
	.size = sizeof(struct savoir_plugin),
	.name = "memo",
	.version = "1.0.0",
	.description = "Example: one short note per .memo file, its title on "
	    "the first line",
	.types = memo_types,
	.extensions = memo_extensions,
	.mime_types = NULL,
	.init = NULL,		/* no per-process state */
	.fini = NULL,
	.probe = NULL,		/* the extension is enough: it scores 50 */
	.extract = memo_extract
};

/* The one exported symbol. */
SAVOIR_EXPORT const struct savoir_plugin *
savoir_plugin_entry(const struct savoir_host *h)
{
	/* Refuse a host we cannot work with: it reports us as refused. */
	if (h == NULL || h->abi != SAVOIR_PLUGIN_ABI ||
	    !MEMO_HOST_HAS(h, doc_begin) || !MEMO_HOST_HAS(h, doc_text) ||
	    !MEMO_HOST_HAS(h, doc_facet) || !MEMO_HOST_HAS(h, doc_meta) ||
	    !MEMO_HOST_HAS(h, doc_html) || !MEMO_HOST_HAS(h, doc_end) ||
	    !MEMO_HOST_HAS(h, warn) || !MEMO_HOST_HAS(h, error))
		return NULL;
	host = h;
	return &memo_plugin;
}
