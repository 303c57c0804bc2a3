/*
 * html.c - the `html` plugin: web pages (.html, .htm), one document per
 * page, its id the file's id prefix.
 *
 * It owns reading a page: libxml2's HTML parser (no network, quiet: real
 * pages are seldom valid), the charset (a declared one is honoured; bytes
 * that are not UTF-8 on a page that declares nothing or declares UTF-8 are
 * read one at a time as Windows-1252, which is what such French pages
 * hold), the choice of the main content (<main>, else a lone <article>,
 * else the body, always without navigation, banners, asides, scripts,
 * forms...), the text columns, the facets (year, language), the metadata,
 * the links between pages of the corpus, and a fresh HTML rendering of the
 * main content.
 *
 * It must never pass the page's own HTML through: what it writes is made of
 * the few elements it knows (p, h2-h6, lists, tables, a, em, strong, code,
 * pre, blockquote, br), with no attribute but an href it has checked, and
 * every text escaped.  It never fetches anything (no network, no <base>,
 * no images), never does work quadratic in the page, and never calls a host
 * symbol: everything goes through the host's function table.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/hash.h>
#include <libxml/tree.h>

#include "savoir/plugin.h"
#include "../common/buf.h"
#include "../common/decl.h"
#include "../common/url.h"

#define HP_VERSION	"1.0.0"
#define HP_TYPE		"page"

#define HP_OPTIONS	(HTML_PARSE_NONET | HTML_PARSE_NOERROR | \
			 HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT)
/* The host refuses a column or an HTML body over 16 MB: stop short of it
 * and say so, rather than lose the whole page. */
#define HP_TEXT_MAX	((size_t)15 << 20)
#define HP_HTML_MAX	((size_t)15 << 20)
/* libxml2's HTML parser builds trees as deep as the tags nest; the walk
 * recurses, so it stops here (with a warning) rather than on the stack. */
#define HP_DEPTH_MAX	256
#define HP_LINKS_MAX	1000	/* links recorded per page */
#define HP_META_MAX	1000	/* bytes of a title or metadata value */
#define HP_LABEL_MAX	200	/* bytes of a link's label */
#define HP_ID_MAX	200	/* the host's limit on a document id */

/* Set by the entry point: the only way to reach the host. */
static const struct savoir_host *host;

static const struct savoir_facet_decl hp_facets[] = {
	FACET_ANNEE, { "langue", "Langue", SAVOIR_FACET_KEYWORD }, FACET_END
};

static const struct savoir_type_decl hp_types[] = {
	{ HP_TYPE, "Page web", "Pages web", hp_facets }, TYPE_END
};

static const char *const hp_extensions[] = { ".html", ".htm", NULL };
static const char *const hp_mime_types[] = { "text/html", NULL };

/* --- strings --------------------------------------------------------- */

/* Give b's string to the caller as its own (free), b emptied: NULL when
 * b failed.  The host's buffer is only ever given back to the host. */
static char *
hp_take(struct savoir_buf *b)
{
	char	*s;

	s = b->failed || b->s == NULL ? NULL : strdup(b->s);
	host->buf_free(b);
	return s;
}

static int
hp_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* --- the page -------------------------------------------------------- */

/* Where text may go in the HTML being written. */
enum hp_ctx {
	CTX_FLOW,	/* blocks; loose text gets a <p> */
	CTX_MIXED,	/* blocks or text: li, td, blockquote */
	CTX_INLINE,	/* text only: p, headings, pre, a, em... */
	CTX_TABLE,	/* rows only: no text written */
	CTX_ROW,	/* cells only */
	CTX_LIST	/* items only */
};

enum hp_kind {
	K_INLINE,	/* unknown, span...: its content, unwrapped */
	K_SKIP,		/* nothing of it */
	K_HEADING,
	K_PARA,
	K_PRE,
	K_QUOTE,
	K_LIST,
	K_ITEM,
	K_TABLE,
	K_TSECT,
	K_ROW,
	K_CELL,
	K_CAPTION,
	K_BLOCK,	/* div, section...: a boundary, no element */
	K_BANNER,	/* header, footer: skipped at page level */
	K_BR,
	K_HR,
	K_A,
	K_EM,
	K_STRONG,
	K_CODE
};

/* Sorted by name, for bsearch: the walk looks up every element. */
static const struct hp_elem {
	const char	*name;
	enum hp_kind	 kind;
} hp_elems[] = {
	{ "a", K_A }, { "address", K_PARA }, { "applet", K_SKIP },
	{ "area", K_SKIP }, { "article", K_BLOCK }, { "aside", K_SKIP },
	{ "audio", K_SKIP }, { "b", K_STRONG }, { "base", K_SKIP },
	{ "blockquote", K_QUOTE }, { "body", K_BLOCK }, { "br", K_BR },
	{ "button", K_SKIP }, { "canvas", K_SKIP }, { "caption", K_CAPTION },
	{ "center", K_BLOCK }, { "cite", K_EM }, { "code", K_CODE },
	{ "datalist", K_SKIP }, { "dd", K_PARA }, { "details", K_BLOCK },
	{ "dialog", K_BLOCK }, { "dir", K_LIST }, { "div", K_BLOCK },
	{ "dl", K_BLOCK }, { "dt", K_PARA }, { "em", K_EM },
	{ "embed", K_SKIP }, { "fieldset", K_BLOCK },
	{ "figcaption", K_PARA }, { "figure", K_BLOCK },
	{ "footer", K_BANNER }, { "form", K_SKIP }, { "frame", K_SKIP },
	{ "frameset", K_SKIP }, { "h1", K_HEADING }, { "h2", K_HEADING },
	{ "h3", K_HEADING }, { "h4", K_HEADING }, { "h5", K_HEADING },
	{ "h6", K_HEADING }, { "head", K_SKIP }, { "header", K_BANNER },
	{ "hgroup", K_BLOCK }, { "hr", K_HR }, { "html", K_BLOCK },
	{ "i", K_EM }, { "iframe", K_SKIP }, { "img", K_SKIP },
	{ "input", K_SKIP }, { "kbd", K_CODE }, { "legend", K_PARA },
	{ "li", K_ITEM }, { "link", K_SKIP }, { "listing", K_PRE },
	{ "main", K_BLOCK }, { "map", K_SKIP }, { "math", K_SKIP },
	{ "menu", K_LIST }, { "meta", K_SKIP }, { "meter", K_SKIP },
	{ "nav", K_SKIP }, { "noembed", K_SKIP }, { "noframes", K_SKIP },
	{ "noscript", K_SKIP }, { "object", K_SKIP }, { "ol", K_LIST },
	{ "optgroup", K_SKIP }, { "option", K_SKIP }, { "output", K_SKIP },
	{ "p", K_PARA }, { "param", K_SKIP }, { "picture", K_SKIP },
	{ "plaintext", K_PRE }, { "pre", K_PRE }, { "progress", K_SKIP },
	{ "samp", K_CODE }, { "script", K_SKIP }, { "section", K_BLOCK },
	{ "select", K_SKIP }, { "slot", K_SKIP }, { "source", K_SKIP },
	{ "strong", K_STRONG }, { "style", K_SKIP }, { "summary", K_PARA },
	{ "svg", K_SKIP }, { "table", K_TABLE }, { "tbody", K_TSECT },
	{ "td", K_CELL }, { "template", K_SKIP }, { "textarea", K_SKIP },
	{ "tfoot", K_TSECT }, { "th", K_CELL }, { "thead", K_TSECT },
	{ "title", K_SKIP }, { "tr", K_ROW }, { "track", K_SKIP },
	{ "tt", K_CODE }, { "ul", K_LIST }, { "var", K_EM },
	{ "video", K_SKIP }, { "xmp", K_PRE }
};

/* Date metadata, by preference. */
static const char *const hp_date_names[] = { "date", "dcterms.date",
	"dc.date", "dcterms.created", "dc.date.created", "dcterms.issued",
	"dc.date.issued", "article:published_time", "dcterms.modified",
	"dc.date.modified", "article:modified_time", NULL };
#define HP_NDATES	(sizeof hp_date_names / sizeof hp_date_names[0] - 1)

/* Language codes the UI shows by their French name. */
static const struct {
	const char	*code;
	const char	*name;
} hp_langs[] = {
	{ "ar", "arabe" }, { "bm", "bambara" }, { "br", "breton" },
	{ "ca", "catalan" }, { "co", "corse" }, { "de", "allemand" },
	{ "el", "grec" }, { "en", "anglais" }, { "es", "espagnol" },
	{ "eu", "basque" }, { "ff", "peul" }, { "fr", "français" },
	{ "it", "italien" }, { "ja", "japonais" }, { "ln", "lingala" },
	{ "mg", "malgache" }, { "nl", "néerlandais" }, { "oc", "occitan" },
	{ "pl", "polonais" }, { "pt", "portugais" }, { "ro", "roumain" },
	{ "ru", "russe" }, { "sw", "swahili" }, { "tr", "turc" },
	{ "vi", "vietnamien" }, { "wo", "wolof" }, { "zh", "chinois" }
};

static const char *const hp_months[] = { "janvier", "février", "mars",
	"avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre" };

struct hp_link {
	char	*target;
	char	*label;		/* NULL without one */
};

struct hp {
	struct savoir_sink	*sink;
	const struct savoir_input *in;

	/* The HTML written: ctx says what may go where. */
	struct savoir_buf	 html;
	enum hp_ctx		 ctx;
	int			 open_p;	/* a <p> for loose text */
	int			 ws;		/* html ends with a space */
	int			 in_a;		/* inside an <a> written */

	/* The text: the block being read, then its column. */
	struct savoir_buf	 line;
	struct savoir_buf	 body;
	struct savoir_buf	 heads;
	long			 flushes;	/* lines ended so far */
	int			 pre;
	int			 heading;
	int			 cell;		/* inside a table cell */
	int			 ncell;		/* cells of the row so far */

	int			 depth;
	int			 deep;		/* warned about depth */
	int			 full;		/* text cut at the limits */

	char			*title;
	int			 h1_done;	/* the first <h1> was judged */
	char			*dir;		/* id prefix's folder, or "" */
	xmlHashTablePtr		 seen;		/* link targets */
	struct hp_link		*links;
	size_t			 nlinks;
	int			 links_full;

	char			*lang;		/* French name or code */
	char			*author;
	char			*date;
	char			*description;
	char			*keywords;
	int			 failed;	/* out of memory */
};

static void	hp_children(struct hp *, const xmlNode *);

static int
hp_elem_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct hp_elem *)elem)->name);
}

static enum hp_kind
hp_kind(const xmlNode *n)
{
	const struct hp_elem	*e;

	e = bsearch(n->name, hp_elems, sizeof hp_elems / sizeof hp_elems[0],
	    sizeof hp_elems[0], hp_elem_cmp);
	return e != NULL ? e->kind : K_INLINE;
}

static int
hp_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* An attribute's value (caller frees with xmlFree), or NULL. */
static char *
hp_attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* Squash white space in s to single spaces, none at the ends, cut to max
 * bytes.  Returns a new string, NULL if empty.  Caller frees. */
/*
 * s as UTF-8: libxml2 hands back as they were the bytes it could not
 * convert (text read before a <meta charset> that comes late, say), and
 * the host takes UTF-8 only.  Returns s, or its repair in tmp.
 */
static const char *
hp_utf8(const char *s, struct savoir_buf *tmp)
{
	size_t	 n = strlen(s);

	if (host->utf8_check(s, n) == n)
		return s;
	buf_reset(tmp);
	host->buf_repair(tmp, s, n);
	return tmp->failed ? "" : buf_str(tmp);
}

static char *
hp_squash(const char *s, size_t max)
{
	struct savoir_buf	 b = SAVOIR_BUF_INIT, tmp = SAVOIR_BUF_INIT;
	int			 space = 0;

	if (s == NULL)
		return NULL;
	s = hp_utf8(s, &tmp);
	/* Past max, so that buf_clip cuts between two characters: stopping
	 * at max could leave half of one (invalid UTF-8, which fails the
	 * file). */
	for (; *s != '\0' && b.len <= max; s++) {
		if (hp_space((unsigned char)*s)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			host->buf_adds(&b, " ");
		space = 0;
		host->buf_add(&b, s, 1);
	}
	host->buf_free(&tmp);
	buf_clip(&b, max);
	while (b.len > 0 && b.s[b.len - 1] == ' ')
		buf_cut(&b, b.len - 1);
	if (b.len == 0) {
		host->buf_free(&b);
		return NULL;
	}
	return hp_take(&b);
}

/* --- text ------------------------------------------------------------ */

/* Past the limits the host takes, cut and stop walking: a very long page
 * keeps its beginning rather than losing everything. */
static void
hp_check_full(struct hp *h)
{
	/* All three are cut (|, not ||).  The HTML is closed by the
	 * sanitizer, which repairs nesting. */
	if (buf_clip(&h->body, HP_TEXT_MAX) | buf_clip(&h->heads, HP_TEXT_MAX) |
	    buf_clip(&h->html, HP_HTML_MAX))
		h->full = 1;
}

/* The end of a block of text: the line goes to its column.  Inside a
 * table cell, blocks only separate words: the row is the line. */
static void
hp_flush(struct hp *h)
{
	struct savoir_buf	*col;

	if (h->cell > 0) {
		if (h->line.len > 0 && h->line.s[h->line.len - 1] != ' ')
			host->buf_adds(&h->line, " ");
		return;
	}
	while (h->line.len > 0 && hp_space((unsigned char)
	    h->line.s[h->line.len - 1]))
		buf_cut(&h->line, h->line.len - 1);
	h->flushes++;
	if (h->line.len == 0)
		return;
	col = h->heading > 0 ? &h->heads : &h->body;
	if (col->len > 0)
		host->buf_adds(col, "\n");
	host->buf_add(col, h->line.s, h->line.len);
	buf_cut(&h->line, 0);
	hp_check_full(h);
}

/* Text into the line: white space squashed, except in <pre>. */
static void
hp_text_plain(struct hp *h, const char *s)
{
	const char	*start = s;

	if (h->pre) {
		host->buf_adds(&h->line, s);
		return;
	}
	for (; *s != '\0'; s++) {
		if (!hp_space((unsigned char)*s))
			continue;
		host->buf_add(&h->line, start, (size_t)(s - start));
		if (h->line.len > 0 && h->line.s[h->line.len - 1] != ' ')
			host->buf_adds(&h->line, " ");
		start = s + 1;
	}
	host->buf_adds(&h->line, start);
}

/* Open a <p> for loose text at block level. */
static void
hp_open_p(struct hp *h)
{
	if (h->ctx == CTX_FLOW && !h->open_p) {
		host->buf_adds(&h->html, "<p>");
		h->open_p = 1;
		h->ws = 1;
	}
}

/* Text into the HTML, escaped; white space squashed, except in <pre>. */
static void
hp_text_html(struct hp *h, const char *s)
{
	const char	*p;

	if (h->ctx == CTX_TABLE || h->ctx == CTX_ROW || h->ctx == CTX_LIST)
		return;		/* browsers would move it out: drop it */
	if (h->pre) {
		hp_open_p(h);
		host->buf_html(&h->html, s, strlen(s));
		h->ws = 0;
		return;
	}
	for (p = s; *p != '\0' && hp_space((unsigned char)*p); p++)
		;
	if (*p == '\0' && (h->ws || (h->ctx == CTX_FLOW && !h->open_p)))
		return;
	hp_open_p(h);
	for (p = s; *p != '\0'; p++) {
		if (hp_space((unsigned char)*p)) {
			if (!h->ws)
				host->buf_adds(&h->html, " ");
			h->ws = 1;
			continue;
		}
		s = p;
		while (p[1] != '\0' && !hp_space((unsigned char)p[1]))
			p++;
		host->buf_html(&h->html, s, (size_t)(p - s + 1));
		h->ws = 0;
	}
}

/* A block boundary: the line ends, a <p> opened for loose text closes. */
static void
hp_break(struct hp *h)
{
	hp_flush(h);
	if (h->ctx == CTX_FLOW && h->open_p) {
		host->buf_adds(&h->html, "</p>\n");
		h->open_p = 0;
	}
	h->ws = 1;
}

/* --- links ----------------------------------------------------------- */

/* Can s name a document (the host's rules for /doc/<id>)? */
static int
hp_id_valid(const char *s, size_t n)
{
	size_t	 i, seg = 0;

	if (n == 0 || n > HP_ID_MAX || s[0] == '/' ||
	    host->utf8_check(s, n) != n)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (i == seg || (i - seg == 1 && s[seg] == '.') ||
			    (i - seg == 2 && s[seg] == '.' &&
			    s[seg + 1] == '.'))
				return 0;
			seg = i + 1;
		} else if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	}
	return 1;
}

/* Does the path name a page: .html or .htm at its end?  The length of
 * the extension, or 0. */
static size_t
hp_page_ext(const char *s, size_t n)
{
	if (n > 5 && strncasecmp(s + n - 5, ".html", 5) == 0)
		return 5;
	if (n > 4 && strncasecmp(s + n - 4, ".htm", 4) == 0)
		return 4;
	return 0;
}

/*
 * The id of the page a relative path names, from this page's folder:
 * "." and ".." resolved, the extension dropped.  NULL if it leaves the
 * indexed root or is no valid id.  Caller frees.
 */
static char *
hp_resolve(const struct hp *h, const char *rel, size_t n)
{
	struct savoir_buf	 b = SAVOIR_BUF_INIT;
	size_t			 i, seg, ext;

	host->buf_adds(&b, h->dir);
	for (i = 0; i < n; i = seg + 1) {
		for (seg = i; seg < n && rel[seg] != '/'; seg++)
			;
		if (seg == i || (seg - i == 1 && rel[i] == '.'))
			continue;
		if (seg - i == 2 && rel[i] == '.' && rel[i + 1] == '.') {
			if (b.len == 0) {
				host->buf_free(&b);
				return NULL;	/* above the root */
			}
			/* b ends with '/': drop its last folder. */
			buf_cut(&b, b.len - 1);
			while (b.len > 0 && b.s[b.len - 1] != '/')
				buf_cut(&b, b.len - 1);
			continue;
		}
		host->buf_add(&b, rel + i, seg - i);
		if (seg < n)
			host->buf_adds(&b, "/");
	}
	if (b.failed || b.len == 0 || (ext = hp_page_ext(b.s, b.len)) == 0) {
		host->buf_free(&b);
		return NULL;
	}
	buf_cut(&b, b.len - ext);
	if (!hp_id_valid(b.s, b.len)) {
		host->buf_free(&b);
		return NULL;
	}
	return hp_take(&b);
}

/* The id a /doc/ path names, or NULL.  Caller frees. */
static char *
hp_doc_id(const char *path, size_t n)
{
	struct savoir_buf	 b = SAVOIR_BUF_INIT;

	while (n > 0 && path[n - 1] == '/')
		n--;
	url_decode(host, &b, path, n);
	if (b.failed || !hp_id_valid(buf_str(&b), b.len)) {
		host->buf_free(&b);
		return NULL;
	}
	return hp_take(&b);
}

/* The address of a document: /doc/<id>, a '%' in the id escaped.  Caller
 * frees. */
static char *
hp_doc_href(const char *id)
{
	struct savoir_buf	 a = SAVOIR_BUF_INIT;

	host->buf_adds(&a, "/doc/");
	for (; *id != '\0'; id++) {
		if (*id == '%')
			host->buf_adds(&a, "%25");
		else
			host->buf_add(&a, id, 1);
	}
	return hp_take(&a);
}

/*
 * Judge an href: *out gets what to write in the page (NULL to write no
 * link), *target the id of a corpus document it names (or NULL).  Only
 * http(s) and relative links are written; a link to another page of the
 * corpus is rewritten to its /doc/ address.
 */
static void
hp_href(const struct hp *h, const char *href, char **out, char **target)
{
	struct savoir_buf	 clean = SAVOIR_BUF_INIT, dec = SAVOIR_BUF_INIT;
	const char		*p, *q;
	size_t			 n, end;

	*out = *target = NULL;
	/* As browsers do: tabs and newlines vanish wherever they are
	 * ("java\tscript:"), spaces and controls go at both ends. */
	for (p = href; *p != '\0'; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			host->buf_add(&clean, p, 1);
	if (clean.failed || clean.len == 0)
		goto out;
	p = clean.s;
	n = clean.len;
	while (n > 0 && (unsigned char)p[n - 1] <= ' ')
		n--;
	while (n > 0 && (unsigned char)*p <= ' ')
		p++, n--;
	if (n == 0)
		goto out;

	/* A scheme: letters, digits, + - . before a ':' that comes before
	 * any / ? #. */
	for (q = p; q < p + n && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' &&
	    *q <= 'Z') || (q > p && ((*q >= '0' && *q <= '9') || *q == '+' ||
	    *q == '-' || *q == '.'))); q++)
		;
	if (q > p && q < p + n && *q == ':') {
		if ((q - p == 4 && strncasecmp(p, "http", 4) == 0) ||
		    (q - p == 5 && strncasecmp(p, "https", 5) == 0))
			*out = strndup(p, n);
		goto out;	/* javascript:, data:, mailto:... */
	}
	if (*p == '#')
		goto out;	/* the page's own anchors are not kept */
	end = strcspn(p, "?#");
	if (end > n)
		end = n;
	if (n >= 2 && p[0] == '/' && p[1] == '/')
		*out = strndup(p, n);	/* another host, same scheme */
	else if (strncmp(p, "/doc/", 5) == 0 && end > 5) {
		*target = hp_doc_id(p + 5, end - 5);
		*out = strndup(p, n);
	} else if (*p == '/')
		*out = strndup(p, n);	/* the site's root: left as written */
	else {
		url_decode(host, &dec, p, end);
		if (!dec.failed && dec.len > 0 && memchr(dec.s, '\0',
		    dec.len) == NULL && hp_page_ext(dec.s, dec.len) > 0 &&
		    (*target = hp_resolve(h, dec.s, dec.len)) != NULL)
			*out = hp_doc_href(*target);
		else
			*out = strndup(p, n);
	}
out:
	host->buf_free(&clean);
	host->buf_free(&dec);
}

static void
hp_add_link(struct hp *h, char *target, char *label)
{
	struct hp_link	*l;

	if ((h->in->id_prefix != NULL &&
	    strcmp(target, h->in->id_prefix) == 0) ||
	    (h->seen != NULL && xmlHashLookup(h->seen,
	    (const xmlChar *)target) != NULL)) {
		/* A link to itself, or a target already recorded (the first
		 * label is kept). */
		free(target);
		free(label);
		return;
	}
	if (h->nlinks >= HP_LINKS_MAX) {
		h->links_full = 1;
		free(target);
		free(label);
		return;
	}
	if (h->seen == NULL && (h->seen = xmlHashCreate(64)) == NULL)
		goto oom;
	if ((l = reallocarray(h->links, h->nlinks + 1, sizeof *l)) == NULL)
		goto oom;
	h->links = l;
	if (xmlHashAddEntry(h->seen, (const xmlChar *)target, target) != 0)
		goto oom;
	h->links[h->nlinks].target = target;
	h->links[h->nlinks].label = label;
	h->nlinks++;
	return;
oom:
	h->failed = 1;
	free(target);
	free(label);
}

/* <a>: written if its href passes, recorded if it names a document. */
static void
hp_link(struct hp *h, const xmlNode *n)
{
	char		*href, *out = NULL, *target = NULL, *label = NULL;
	enum hp_ctx	 saved = h->ctx;
	size_t		 mark = h->html.len, start = h->line.len, content;
	long		 flushes = h->flushes;
	int		 emit, opened = 0;

	if ((href = hp_attr(n, "href")) != NULL) {
		struct savoir_buf	 tmp = SAVOIR_BUF_INIT;

		hp_href(h, hp_utf8(href, &tmp), &out, &target);
		host->buf_free(&tmp);
		xmlFree(href);
	}
	emit = out != NULL && !h->in_a && (h->ctx == CTX_FLOW ||
	    h->ctx == CTX_MIXED || h->ctx == CTX_INLINE);
	if (emit) {
		opened = h->ctx == CTX_FLOW && !h->open_p;
		hp_open_p(h);
		host->buf_adds(&h->html, "<a href=\"");
		host->buf_html(&h->html, out, strlen(out));
		host->buf_adds(&h->html, "\">");
		h->ctx = CTX_INLINE;
		h->in_a = 1;
	}
	content = h->html.len;
	hp_children(h, n);
	if (emit) {
		h->in_a = 0;
		h->ctx = saved;
		if (h->html.len == content) {
			/* Nothing to click on: no link at all. */
			buf_cut(&h->html, mark);
			if (opened)
				h->open_p = 0;
		} else
			host->buf_adds(&h->html, "</a>");
	}
	if (target != NULL) {
		if (h->flushes == flushes && h->line.len > start)
			label = hp_squash(h->line.s + start, HP_LABEL_MAX);
		hp_add_link(h, target, label);
	}
	free(out);
}

/* --- the walk -------------------------------------------------------- */

/* A header or footer is a banner (skipped) unless it belongs to an
 * article or a section, as the HTML spec has it. */
static int
hp_banner(const xmlNode *n)
{
	const xmlNode	*a;

	for (a = n->parent; a != NULL && a->type == XML_ELEMENT_NODE;
	    a = a->parent)
		if (hp_is(a, "article") || hp_is(a, "main") ||
		    hp_is(a, "section") || hp_is(a, "aside") || hp_is(a, "nav"))
			return 0;
	return 1;
}

static int
hp_hidden(const xmlNode *n)
{
	char	*v;
	int	 hidden;

	if (xmlHasProp(n, (const xmlChar *)"hidden") != NULL)
		return 1;
	if ((v = hp_attr(n, "aria-hidden")) == NULL)
		return 0;
	hidden = strcasecmp(v, "true") == 0;
	xmlFree(v);
	return hidden;
}

/*
 * A block element.  tag: what to write for it when ctx allows, with inner
 * the context of its content; a block written with nothing inside is
 * taken back unless keep.
 */
static void
hp_block(struct hp *h, const xmlNode *n, const char *tag, int allowed,
    enum hp_ctx inner, int keep)
{
	enum hp_ctx	 saved = h->ctx;
	size_t		 mark, content;

	hp_break(h);
	mark = h->html.len;
	if (allowed) {
		host->buf_printf(&h->html, "<%s>", tag);
		h->ctx = inner;
	}
	content = h->html.len;
	hp_children(h, n);
	hp_break(h);
	if (allowed) {
		if (h->html.len == content && !keep)
			buf_cut(&h->html, mark);
		else {
			host->buf_printf(&h->html, "</%s>\n", tag);
		}
		h->ctx = saved;
	}
	h->ws = 1;
}

static void
hp_heading(struct hp *h, const xmlNode *n)
{
	int	 level = n->name[1] - '0', allowed;
	char	 tag[8];
	size_t	 mark, before;
	char	*text;

	hp_break(h);
	mark = h->html.len;
	before = h->heads.len;
	allowed = h->ctx == CTX_FLOW || h->ctx == CTX_MIXED;
	/* The page's title is its <h1>: h1 becomes h2. */
	snprintf(tag, sizeof tag, "h%d", level < 2 ? 2 : level);
	h->heading++;
	hp_block(h, n, tag, allowed, CTX_INLINE, 0);
	h->heading--;
	if (level != 1 || h->h1_done || h->heads.len == before)
		return;
	/* The first <h1> repeats the title, or is the title when <title>
	 * is missing: shown once, as the title, it leaves the body. */
	h->h1_done = 1;
	text = h->heads.s + before + (before > 0 ? 1 : 0);
	if (h->title == NULL)
		h->title = hp_squash(text, HP_META_MAX);
	if (h->title != NULL && strcmp(h->title, text) == 0)
		buf_cut(&h->html, mark);
}

/* Inline formatting: <em>, <strong>, <code>, written when text may go. */
static void
hp_inline(struct hp *h, const xmlNode *n, const char *tag)
{
	enum hp_ctx	 saved = h->ctx;
	size_t		 mark = h->html.len, content;
	int		 opened;

	if (h->ctx == CTX_TABLE || h->ctx == CTX_ROW || h->ctx == CTX_LIST) {
		hp_children(h, n);
		return;
	}
	opened = h->ctx == CTX_FLOW && !h->open_p;
	hp_open_p(h);
	host->buf_printf(&h->html, "<%s>", tag);
	content = h->html.len;
	h->ctx = CTX_INLINE;
	hp_children(h, n);
	h->ctx = saved;
	if (h->html.len == content) {
		buf_cut(&h->html, mark);
		if (opened)
			h->open_p = 0;
	} else {
		host->buf_printf(&h->html, "</%s>", tag);
	}
}

static void
hp_elem(struct hp *h, const xmlNode *n)
{
	enum hp_kind	 k = hp_kind(n);
	int		 flow = h->ctx == CTX_FLOW || h->ctx == CTX_MIXED;
	int		 saved;

	if (k == K_SKIP || (k == K_BANNER && hp_banner(n)) || hp_hidden(n))
		return;
	if (h->depth >= HP_DEPTH_MAX) {
		if (!h->deep)
			host->warn(h->sink, n->line, "elements nested deeper "
			    "than %d levels are skipped", HP_DEPTH_MAX);
		h->deep = 1;
		return;
	}
	h->depth++;
	switch (k) {
	case K_HEADING:
		hp_heading(h, n);
		break;
	case K_PARA:
		hp_block(h, n, "p", flow, CTX_INLINE, 0);
		break;
	case K_PRE:
		h->pre++;
		hp_block(h, n, "pre", flow, CTX_INLINE, 0);
		h->pre--;
		break;
	case K_QUOTE:
		hp_block(h, n, "blockquote", flow, CTX_MIXED, 0);
		break;
	case K_LIST:
		hp_block(h, n, hp_is(n, "ol") ? "ol" : "ul", flow, CTX_LIST,
		    0);
		break;
	case K_ITEM:
		if (h->ctx == CTX_LIST)
			hp_block(h, n, "li", 1, CTX_MIXED, 0);
		else
			hp_block(h, n, "p", flow, CTX_INLINE, 0);
		break;
	case K_TABLE:
		hp_block(h, n, "table", flow, CTX_TABLE, 0);
		break;
	case K_TSECT:
		hp_block(h, n, (const char *)n->name, h->ctx == CTX_TABLE,
		    CTX_TABLE, 0);
		break;
	case K_CAPTION:
		hp_block(h, n, "caption", h->ctx == CTX_TABLE, CTX_INLINE, 0);
		break;
	case K_ROW:
		saved = h->ncell;
		h->ncell = 0;
		hp_block(h, n, "tr", h->ctx == CTX_TABLE, CTX_ROW, 0);
		h->ncell = saved;
		break;
	case K_CELL:
		/* Cells of a row make one line, joined by " | ". */
		while (h->line.len > 0 && h->line.s[h->line.len - 1] == ' ')
			buf_cut(&h->line, h->line.len - 1);
		if (h->ncell++ > 0)
			host->buf_adds(&h->line, " | ");
		h->cell++;
		if (h->ctx == CTX_ROW) {
			saved = h->ctx;
			host->buf_adds(&h->html, hp_is(n, "th") ? "<th>" : "<td>");
			h->ctx = CTX_MIXED;
			h->ws = 1;
			hp_children(h, n);
			h->ctx = saved;
			host->buf_adds(&h->html, hp_is(n, "th") ? "</th>" : "</td>");
		} else
			hp_children(h, n);
		h->cell--;
		break;
	case K_BLOCK:
	case K_BANNER:
		hp_break(h);
		hp_children(h, n);
		hp_break(h);
		break;
	case K_BR:
		if (h->pre)
			host->buf_adds(&h->line, "\n");
		else if (h->line.len > 0 && h->line.s[h->line.len - 1] != ' ')
			host->buf_adds(&h->line, " ");
		if (h->ctx == CTX_INLINE || h->ctx == CTX_MIXED ||
		    (h->ctx == CTX_FLOW && h->open_p)) {
			host->buf_adds(&h->html, "<br>");
			h->ws = 1;
		}
		break;
	case K_HR:
		hp_break(h);
		break;
	case K_A:
		hp_link(h, n);
		break;
	case K_EM:
		hp_inline(h, n, "em");
		break;
	case K_STRONG:
		hp_inline(h, n, "strong");
		break;
	case K_CODE:
		hp_inline(h, n, "code");
		break;
	case K_INLINE:
	default:
		hp_children(h, n);
		break;
	}
	h->depth--;
}

static void
hp_children(struct hp *h, const xmlNode *n)
{
	const xmlNode		*c;
	struct savoir_buf	 tmp = SAVOIR_BUF_INIT;
	const char		*text;

	for (c = n->children; c != NULL && !h->full; c = c->next) {
		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) {
			if (c->content == NULL)
				continue;
			text = hp_utf8((const char *)c->content, &tmp);
			hp_text_plain(h, text);
			hp_text_html(h, text);
		} else if (c->type == XML_ELEMENT_NODE)
			hp_elem(h, c);
	}
	host->buf_free(&tmp);
}

/* The next node after n in document order, within top (no recursion:
 * trees may be deep). */
static const xmlNode *
hp_next(const xmlNode *n, const xmlNode *top)
{
	if (n->children != NULL)
		return n->children;
	while (n != top && n->next == NULL)
		n = n->parent;
	return n != top ? n->next : NULL;
}

/* The main content: <main>, else the only <article>, else <body>. */
static const xmlNode *
hp_main(const xmlNode *root)
{
	const xmlNode	*n, *body = NULL, *article = NULL;
	int		 articles = 0;

	for (n = root; n != NULL; n = hp_next(n, root)) {
		if (hp_is(n, "main"))
			return n;
		if (hp_is(n, "body") && body == NULL)
			body = n;
		if (hp_is(n, "article") && articles++ == 0)
			article = n;
	}
	if (articles == 1)
		return article;
	return body != NULL ? body : root;
}

/* --- the head -------------------------------------------------------- */

static int
hp_date(const char *s, int *y, int *m, int *d)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			 i;

	*m = *d = 0;
	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	if (*y < 1000 || *y > 2999)
		return 0;
	for (i = 4; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return s[4] == '\0' || s[4] == '-' || s[4] == '/' ||
			    s[4] == ' ' || s[4] == 'T' ? 1 : 0;
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1] ||
	    (*m == 2 && *d == 29 && (*y % 4 != 0 ||
	    (*y % 100 == 0 && *y % 400 != 0)))) {
		*m = *d = 0;	/* the year alone is still a year */
		return 1;
	}
	return 2;
}

/* The French name of a language tag's primary subtag, or the subtag. */
static char *
hp_lang(const char *tag)
{
	char	 code[9];
	size_t	 i, n;

	for (n = 0; tag[n] != '\0' && tag[n] != '-' && tag[n] != '_'; n++)
		if (n >= 8 || !((tag[n] >= 'a' && tag[n] <= 'z') ||
		    (tag[n] >= 'A' && tag[n] <= 'Z')))
			return NULL;
	if (n < 2)
		return NULL;
	for (i = 0; i < n; i++)
		code[i] = (char)(tag[i] | 0x20);
	code[n] = '\0';
	for (i = 0; i < sizeof hp_langs / sizeof hp_langs[0]; i++)
		if (strcmp(code, hp_langs[i].code) == 0)
			return strdup(hp_langs[i].name);
	return strdup(code);
}

static void
hp_head(struct hp *h, const xmlNode *root)
{
	const xmlNode	*n;
	char		*name, *content, *v, *dates[HP_NDATES];
	xmlChar		*text;
	size_t		 i;

	memset(dates, 0, sizeof dates);
	if ((v = hp_attr(root, "lang")) != NULL ||
	    (v = (char *)xmlGetNsProp(root, (const xmlChar *)"lang",
	    XML_XML_NAMESPACE)) != NULL) {
		h->lang = hp_lang(v);
		xmlFree(v);
	}
	/* Head elements only: a <title> in an inline <svg> is not the
	 * page's. */
	for (n = root->children; n != NULL; n = n->next)
		if (hp_is(n, "head"))
			break;
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
		if (hp_is(n, "title") && h->title == NULL) {
			if ((text = xmlNodeGetContent(n)) != NULL) {
				h->title = hp_squash((char *)text,
				    HP_META_MAX);
				xmlFree(text);
			}
			continue;
		}
		if (!hp_is(n, "meta"))
			continue;
		if ((name = hp_attr(n, "name")) == NULL &&
		    (name = hp_attr(n, "property")) == NULL)
			continue;
		content = hp_attr(n, "content");
		v = hp_squash(content, HP_META_MAX);
		xmlFree(content);
		if (v == NULL) {
			xmlFree(name);
			continue;
		}
		if (strcasecmp(name, "author") == 0 && h->author == NULL)
			h->author = v, v = NULL;
		else if (strcasecmp(name, "description") == 0 &&
		    h->description == NULL)
			h->description = v, v = NULL;
		else if (strcasecmp(name, "keywords") == 0 &&
		    h->keywords == NULL)
			h->keywords = v, v = NULL;
		else
			for (i = 0; i < HP_NDATES; i++)
				if (strcasecmp(name, hp_date_names[i]) == 0 &&
				    dates[i] == NULL) {
					dates[i] = v;
					v = NULL;
					break;
				}
		free(v);
		xmlFree(name);
	}
	for (i = 0; i < HP_NDATES; i++) {
		if (dates[i] != NULL && h->date == NULL)
			h->date = dates[i];
		else
			free(dates[i]);
	}
}

/* --- the file -------------------------------------------------------- */

/* The line of byte off, for a message. */
static long
hp_line_of(const char *s, size_t off)
{
	long	 line = 1;
	size_t	 i;

	for (i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

/*
 * Parse the page.  libxml2 honours a declared charset; on bytes that are
 * not UTF-8 and no declaration (or a false UTF-8 one) it would switch to
 * Latin-1 for the rest of the page, garbling any UTF-8 after it: such a
 * page is repaired byte by byte first, then read as UTF-8.
 */
/*
 * libxml2 prints some failures (an allocation that failed, mostly) through
 * its generic handler, on stderr, whatever HTML_PARSE_NOERROR says: they
 * reach the user as the plugin's error instead.
 */
static void
hp_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Whether libxml2's last failure was an allocation (the memory limit). */
static int
hp_parser_oom(void)
{
	const xmlError	*e = xmlGetLastError();

	return e != NULL && e->code == XML_ERR_NO_MEMORY;
}

static htmlDocPtr
hp_parse(struct hp *h)
{
	const char		*data = (const char *)h->in->data;
	size_t			 len = h->in->len, bad;
	htmlDocPtr		 doc;
	const char		*enc;
	struct savoir_buf	 fixed = SAVOIR_BUF_INIT;

	doc = htmlReadMemory(data, (int)len, h->in->path, NULL, HP_OPTIONS);
	if ((bad = host->utf8_check(data, len)) == len)
		return doc;
	enc = doc != NULL ? (const char *)doc->encoding : NULL;
	if (enc != NULL && strcasecmp(enc, "utf-8") != 0 &&
	    strcasecmp(enc, "utf8") != 0)
		return doc;
	if (doc != NULL)
		xmlFreeDoc(doc);
	host->buf_repair(&fixed, data, len);
	if (fixed.failed) {
		host->buf_free(&fixed);
		h->failed = 1;
		return NULL;
	}
	host->warn(h->sink, hp_line_of(data, bad), "the page is not valid "
	    "UTF-8 (byte 0x%02X) and declares %s: bytes that are not UTF-8 "
	    "were read as Windows-1252", (unsigned char)data[bad],
	    enc != NULL ? "UTF-8" : "no charset");
	doc = htmlReadMemory(fixed.s, (int)fixed.len, h->in->path, "UTF-8",
	    HP_OPTIONS);
	host->buf_free(&fixed);
	return doc;
}

static int
hp_emit(struct hp *h)
{
	struct savoir_sink	*sink = h->sink;
	const char		*title, *base, *id = h->in->id_prefix;
	char			 year[16], fr[64];
	int			 y, m, d, kind = 0;
	size_t			 i;

	if ((title = h->title) == NULL) {
		base = h->in->path != NULL ? strrchr(h->in->path, '/') : NULL;
		title = base != NULL ? base + 1 : h->in->path != NULL ?
		    h->in->path : id;
	}
	if (h->date != NULL && (kind = hp_date(h->date, &y, &m, &d)) == 0)
		host->warn(sink, 0, "the date \"%.40s\" in the page's metadata "
		    "is not an ISO date (ignored)", h->date);
	if (kind == 2)
		snprintf(fr, sizeof fr, "%d%s %s %d", d, d == 1 ? "er" : "",
		    hp_months[m - 1], y);
	else if (kind == 1)
		snprintf(fr, sizeof fr, "%d", y);
	if (h->full)
		host->warn(sink, 0, "the text was cut after %zu MB: the rest "
		    "of the page is not indexed", HP_TEXT_MAX >> 20);
	if (h->links_full)
		host->warn(sink, 0, "more than %d links to other documents: "
		    "the rest are not recorded", HP_LINKS_MAX);
	if (h->body.len == 0 && h->heads.len == 0)
		host->warn(sink, 0, "the page has no text");
	/* Blocks closed after the cut may have crossed the limit again. */
	buf_clip(&h->html, HP_HTML_MAX);

	if (host->doc_begin(sink, id, HP_TYPE) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_TITLE, title, strlen(title)) == -1)
		return -1;
	if (h->heads.len > 0 && host->doc_text(sink, SAVOIR_COL_HEADINGS,
	    h->heads.s, h->heads.len) == -1)
		return -1;
	if (h->body.len > 0 && host->doc_text(sink, SAVOIR_COL_BODY,
	    h->body.s, h->body.len) == -1)
		return -1;
	if (kind > 0) {
		snprintf(year, sizeof year, "%04d", y);
		if (host->doc_facet(sink, "annee", year) == -1)
			return -1;
	}
	if (h->lang != NULL && host->doc_facet(sink, "langue", h->lang) == -1)
		return -1;
	if (h->author != NULL &&
	    host->doc_meta(sink, "auteur", "Auteur", h->author) == -1)
		return -1;
	if (kind > 0 && host->doc_meta(sink, "date", "Date", fr) == -1)
		return -1;
	if (h->lang != NULL &&
	    host->doc_meta(sink, "langue", "Langue", h->lang) == -1)
		return -1;
	if (h->description != NULL && host->doc_meta(sink, "description",
	    "Description", h->description) == -1)
		return -1;
	if (h->keywords != NULL && host->doc_meta(sink, "mots_cles",
	    "Mots-clés", h->keywords) == -1)
		return -1;
	if (h->html.len > 0 &&
	    host->doc_html(sink, h->html.s, h->html.len) == -1)
		return -1;
	for (i = 0; i < h->nlinks; i++)
		if (host->doc_link(sink, h->links[i].target, "lien",
		    h->links[i].label) == -1)
			return -1;
	return host->doc_end(sink);
}

static void
hp_free(struct hp *h)
{
	size_t	 i;

	host->buf_free(&h->html);
	host->buf_free(&h->line);
	host->buf_free(&h->body);
	host->buf_free(&h->heads);
	/* The table only points at the targets the links own. */
	if (h->seen != NULL)
		xmlHashFree(h->seen, NULL);
	for (i = 0; i < h->nlinks; i++) {
		free(h->links[i].target);
		free(h->links[i].label);
	}
	free(h->links);
	free(h->title);
	free(h->dir);
	free(h->lang);
	free(h->author);
	free(h->date);
	free(h->description);
	free(h->keywords);
}

static int
hp_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct hp	 h;
	htmlDocPtr	 doc = NULL;
	const xmlNode	*root;
	const char	*slash;
	int		 rc = -1;

	memset(&h, 0, sizeof h);
	h.sink = sink;
	h.in = in;
	if (in->len == 0) {
		host->error(sink, "the file is empty");
		return -1;
	}
	if (in->len > INT_MAX) {
		host->error(sink, "the page is over 2 GB");
		return -1;
	}
	if (in->id_prefix == NULL || *in->id_prefix == '\0') {
		host->error(sink, "no document id: the host gave no id prefix");
		return -1;
	}
	slash = strrchr(in->id_prefix, '/');
	h.dir = strndup(in->id_prefix, slash != NULL ?
	    (size_t)(slash - in->id_prefix) + 1 : 0);
	if (h.dir == NULL)
		goto oom;
	xmlSetGenericErrorFunc(NULL, hp_quiet);
	xmlResetLastError();
	if ((doc = hp_parse(&h)) == NULL) {
		if (h.failed || hp_parser_oom())
			goto oom;
		host->error(sink, "the file holds no HTML (only white space?)");
		goto out;
	}
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		host->error(sink, "the file holds no HTML (only white space?)");
		goto out;
	}
	hp_head(&h, root);
	h.ctx = CTX_FLOW;
	h.ws = 1;
	hp_children(&h, hp_main(root));
	hp_break(&h);
	if (h.failed || h.html.failed || h.line.failed || h.body.failed ||
	    h.heads.failed)
		goto oom;
	rc = hp_emit(&h);
	goto out;
oom:
	host->error(sink, "out of memory");
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	hp_free(&h);
	return rc;
}

static const struct savoir_plugin hp_plugin = { SAVOIR_PLUGIN_HEAD,
	.name = "html", .version = HP_VERSION, .types = hp_types,
	.extensions = hp_extensions, .mime_types = hp_mime_types,
	.extract = hp_extract,
	.description = "Web pages: the main content of each page, its links "
	    "to the other pages of the corpus" };

/* The toolkit of the 0.3 host is the newest thing it calls. */
SAVOIR_PLUGIN_ENTRY(hp_plugin, host, utf8_check)
