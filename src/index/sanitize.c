/*
 * sanitize.c - the allow-list HTML sanitizer.  Owns the rules for what HTML
 * a plugin may put on a document page: which elements and attributes
 * survive, which URLs an href or src may hold, and the linking of article
 * citations in running text.
 *
 * The input is parsed with libxml2's HTML parser (no network, no external
 * entities) and the tree is written out again by this file: every text and
 * attribute value is escaped on the way out, so what a browser decodes is
 * exactly what was checked here.  Never pass input through unparsed, and
 * never emit an element or attribute that is not in the tables below.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "index.h"

/* The code a bare "L1115-1" in running text refers to. */

/* Elements kept, with id, class and lang (san_any_attrs). */
static const char *const san_kept[] = {
	"a", "abbr", "article", "b", "blockquote", "br", "caption", "code",
	"dd", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2",
	"h3", "h4", "h5", "h6", "hr", "i", "img", "li", "mark", "ol", "p",
	"pre", "s", "section", "small", "span", "strong", "sub", "sup",
	"table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", NULL
};

/* The kept elements that are void or allow more attributes. */
static const struct san_elem {
	const char	*name;
	int		 is_void;
	const char	*attrs[4];
} san_special[] = {
	{ "a", 0, { "href", "title" } },
	{ "abbr", 0, { "title" } },
	{ "br", 1, { NULL } },
	{ "hr", 1, { NULL } },
	{ "img", 1, { "src", "alt", "title" } },
	{ "ol", 0, { "start" } },
	{ "td", 0, { "colspan", "rowspan" } },
	{ "th", 0, { "colspan", "rowspan" } },
};

static const char *const san_any_attrs[] = { "id", "class", "lang", NULL };

/*
 * Dropped with everything inside them: active content, forms, and what the
 * parser puts in <head>.  Any other unknown element is unwrapped (its text
 * is kept).
 */
static const char *const san_dropped[] = {
	"script", "style", "iframe", "object", "embed", "form", "input",
	"link", "meta", "template", "svg", "math", "noscript", "noembed",
	"noframes", "frameset", "frame", "applet", "title", "textarea",
	"select", "base", NULL
};

/* URL schemes an href may use; anything else with a scheme is dropped. */
static const char *const san_schemes[] = { "http", "https", "mailto", NULL };

enum san_kind {
	SAN_SKIP,	/* not output, nor its children */
	SAN_UNWRAP,	/* children only */
	SAN_KEEP	/* element and children */
};

#define SAN_MAX_IDS	256	/* heading ids made on one page */

struct san {
	struct buf	 out;
	int		 in_a;		/* depth of kept <a> elements */
	const char	*code;		/* citations' default code */
	char		*ids[SAN_MAX_IDS];	/* heading ids given */
	size_t		 nids;
};

struct cite_hit {
	char	*target;
	char	*label;
};

struct cite_hits {
	struct cite_hit	*v;
	size_t		 n;
	size_t		 cap;
};

/* The kept element name (in any case) into *e: 0, or -1 if not kept. */
static int
san_find_elem(const xmlChar *name, struct san_elem *e)
{
	size_t	 i;

	for (i = 0; san_kept[i] != NULL; i++) {
		if (xmlStrcasecmp(name, (const xmlChar *)san_kept[i]) == 0)
			break;
	}
	if (san_kept[i] == NULL)
		return -1;
	memset(e, 0, sizeof *e);
	e->name = san_kept[i];
	for (i = 0; i < sizeof san_special / sizeof san_special[0]; i++) {
		if (strcmp(e->name, san_special[i].name) == 0)
			*e = san_special[i];
	}
	return 0;
}

static int
san_in_list(const xmlChar *name, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0)
			return 1;
	}
	return 0;
}

/*
 * A URL as a browser reads it: browsers drop tabs and newlines anywhere and
 * leading or trailing spaces and controls, so "java\tscript:" is a scheme.
 * Removing every byte <= 0x20 is stricter still, which is the safe side.
 */
static char *
san_url_squeeze(const char *v)
{
	char	*s, *d;

	s = d = xstrdup(v);
	for (; *v != '\0'; v++) {
		if ((unsigned char)*v > 0x20 && *v != 0x7F)
			*d++ = *v;
	}
	*d = '\0';
	return s;
}

/* The scheme of u ("http"), into out, or 0 if u has none (relative). */
static int
san_url_scheme(const char *u, char *out, size_t outsz)
{
	size_t	 i;

	if (!((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= 'A' && u[0] <= 'Z')))
		return 0;
	for (i = 1; u[i] != '\0'; i++) {
		if (u[i] == ':')
			break;
		if (!((u[i] >= 'a' && u[i] <= 'z') ||
		    (u[i] >= 'A' && u[i] <= 'Z') ||
		    (u[i] >= '0' && u[i] <= '9') ||
		    u[i] == '+' || u[i] == '-' || u[i] == '.'))
			return 0;
	}
	if (u[i] != ':')
		return 0;
	/* A scheme we cannot name is refused by the caller all the same. */
	if (i >= outsz)
		i = outsz - 1;
	memcpy(out, u, i);
	out[i] = '\0';
	return 1;
}

/*
 * libxml2 knows the HTML 4 entities only, so "javascript&colon;" reaches us
 * with its '&' intact; we would escape it and the browser would see a
 * harmless relative URL, but an ampersand before the first '/', '?' or '#'
 * is an entity trick, not a path: refuse it rather than argue.
 */
static int
san_url_entity_trick(const char *u)
{
	for (; *u != '\0' && *u != '/' && *u != '?' && *u != '#'; u++) {
		if (*u == '&')
			return 1;
	}
	return 0;
}

static int
san_href_ok(const char *value)
{
	char	*u, scheme[16];
	int	 ok = 1;

	u = san_url_squeeze(value);
	if (san_url_scheme(u, scheme, sizeof scheme))
		ok = san_in_list((const xmlChar *)scheme, san_schemes);
	else if (san_url_entity_trick(u))
		ok = 0;
	free(u);
	return ok;
}

/* Images come from the knowledge base itself: no scheme, no other host. */
static int
san_src_ok(const char *value)
{
	char	*u, scheme[16];
	int	 ok;

	u = san_url_squeeze(value);
	ok = u[0] != '\0' && !san_url_scheme(u, scheme, sizeof scheme) &&
	    !san_url_entity_trick(u) &&
	    !((u[0] == '/' || u[0] == '\\') && (u[1] == '/' || u[1] == '\\'));
	free(u);
	return ok;
}

static int
san_number_ok(const char *v, int negative_ok)
{
	size_t	 n = 0;

	if (negative_ok && *v == '-')
		v++;
	for (; *v != '\0'; v++, n++) {
		if (*v < '0' || *v > '9')
			return 0;
	}
	return n > 0 && n <= 4;
}

static int
san_attr_ok(const struct san_elem *e, const xmlChar *name, const char *value)
{
	size_t	 i;

	for (i = 0; i < 4 && e->attrs[i] != NULL; i++) {
		if (xmlStrcasecmp(name, (const xmlChar *)e->attrs[i]) == 0)
			break;
	}
	if (i == 4 || e->attrs[i] == NULL)
		return san_in_list(name, san_any_attrs);
	if (strcmp(e->attrs[i], "href") == 0)
		return san_href_ok(value);
	if (strcmp(e->attrs[i], "src") == 0)
		return san_src_ok(value);
	if (strcmp(e->attrs[i], "colspan") == 0 ||
	    strcmp(e->attrs[i], "rowspan") == 0)
		return san_number_ok(value, 0);
	if (strcmp(e->attrs[i], "start") == 0)
		return san_number_ok(value, 1);
	return 1;
}

static char *
san_attr_value(xmlAttr *a)
{
	xmlChar	*v;
	char	*s;

	v = xmlNodeGetContent((xmlNode *)a);
	s = xstrdup(v != NULL ? (const char *)v : "");
	xmlFree(v);
	return s;
}

static enum san_kind
san_classify(xmlNode *n, struct san_elem *e)
{
	xmlAttr	*a;
	char	*v;
	int	 ok = 0;

	if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE)
		return SAN_UNWRAP;
	if (n->type != XML_ELEMENT_NODE)
		return SAN_SKIP;
	if (san_in_list(n->name, san_dropped))
		return SAN_SKIP;
	if (san_find_elem(n->name, e) == -1)
		return SAN_UNWRAP;
	/* An image without an acceptable source shows nothing: drop it. */
	if (strcmp(e->name, "img") == 0) {
		for (a = n->properties; a != NULL; a = a->next) {
			if (xmlStrcasecmp(a->name, (const xmlChar *)"src") != 0)
				continue;
			v = san_attr_value(a);
			ok = san_src_ok(v);
			free(v);
			break;
		}
		if (!ok)
			return SAN_SKIP;
	}
	return SAN_KEEP;
}

/*
 * An id for a section heading (h2, h3) that has none, so that a page can
 * link to it (the table of contents of a document page): "s-" and its
 * words in ASCII, unique on the page.  NULL when the heading has an id of
 * its own, no words, or the page too many headings.
 */
static char *
san_heading_id(struct san *s, xmlNode *n, const struct san_elem *e)
{
	xmlAttr		*a;
	xmlChar		*text;
	char		*fold, *id, *p;
	struct buf	 b;
	size_t		 i, k;
	int		 dash = 0;

	if ((strcmp(e->name, "h2") != 0 && strcmp(e->name, "h3") != 0) ||
	    s->nids == SAN_MAX_IDS)
		return NULL;
	for (a = n->properties; a != NULL; a = a->next)
		if (a->type == XML_ATTRIBUTE_NODE &&
		    xmlStrcasecmp(a->name, (const xmlChar *)"id") == 0)
			return NULL;
	if ((text = xmlNodeGetContent(n)) == NULL)
		return NULL;
	fold = fr_fold((const char *)text, strlen((const char *)text));
	xmlFree(text);
	buf_init(&b);
	buf_adds(&b, "s-");
	for (p = fold; *p != '\0' && b.len < 50; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			if (dash && b.len > 2)
				buf_addc(&b, '-');
			dash = 0;
			buf_addc(&b, *p);
		} else
			dash = 1;
	}
	free(fold);
	if (b.len == 2) {
		buf_free(&b);
		return NULL;
	}
	id = buf_steal(&b);
	for (k = 2; ; k++) {
		for (i = 0; i < s->nids && strcmp(s->ids[i], id) != 0; i++)
			;
		if (i == s->nids)
			break;
		p = xsprintf("%.*s-%zu", (int)(strrchr(id, '-') != NULL &&
		    k > 2 ? (size_t)(strrchr(id, '-') - id) : strlen(id)), id,
		    k);
		free(id);
		id = p;
	}
	s->ids[s->nids++] = id;
	return id;
}

static void
san_open(struct san *s, xmlNode *n, const struct san_elem *e)
{
	xmlAttr	*a;
	char	*v;
	const char *hid;
	size_t	 i;

	buf_addc(&s->out, '<');
	buf_adds(&s->out, e->name);
	if ((hid = san_heading_id(s, n, e)) != NULL) {
		buf_adds(&s->out, " id=\"");
		html_escape(&s->out, hid, strlen(hid), HTML_QUOT);
		buf_addc(&s->out, '"');
	}
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->type != XML_ATTRIBUTE_NODE || a->ns != NULL)
			continue;
		v = san_attr_value(a);
		if (san_attr_ok(e, a->name, v)) {
			/* It matched the list case aside: write it lower. */
			buf_addc(&s->out, ' ');
			for (i = 0; a->name[i] != '\0'; i++) {
				buf_addc(&s->out, (char)((a->name[i] >= 'A' &&
				    a->name[i] <= 'Z') ? a->name[i] + 32 :
				    a->name[i]));
			}
			buf_adds(&s->out, "=\"");
			html_escape(&s->out, v, strlen(v), HTML_QUOT);
			buf_addc(&s->out, '"');
		}
		free(v);
	}
	buf_addc(&s->out, '>');
	if (strcmp(e->name, "a") == 0)
		s->in_a++;
}

static void
cite_collect(const char *target, const char *label, void *arg)
{
	struct cite_hits	*h = arg;

	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 8 : h->cap * 2;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	h->v[h->n].target = xstrdup(target);
	h->v[h->n].label = label != NULL ? xstrdup(label) : NULL;
	h->n++;
}

/*
 * Where in text[pos..] does a citation sit?  cite_scan names the target and
 * the words as written; find those words, or failing that the article
 * reference the target names.
 */
static int
cite_locate(const char *text, size_t len, size_t pos,
    const struct cite_hit *h, size_t *start, size_t *end)
{
	const char	*p, *art;
	size_t		 at, s, e, ll;
	char		 norm[32];

	if (h->label != NULL && (ll = strlen(h->label)) > 0 && pos < len &&
	    (p = memmem(text + pos, len - pos, h->label, ll)) != NULL) {
		*start = (size_t)(p - text);
		*end = *start + ll;
		return 1;
	}
	art = strrchr(h->target, '/');
	art = art != NULL ? art + 1 : h->target;
	at = pos;
	while (at < len && article_ref_next(text, len, &at, &s, &e, norm)) {
		if (s < pos || e > len || e <= s)
			break;
		if (strcmp(norm, art) == 0) {
			*start = s;
			*end = e;
			return 1;
		}
	}
	return 0;
}

/* Percent-encode a document id for an href: only unreserved bytes and '/'
 * go through as they are. */
static void
san_url_path(struct buf *b, const char *id)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *id != '\0'; id++) {
		c = (unsigned char)*id;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/')
			buf_addc(b, (char)c);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

/* Text outside links: article citations become /doc/ links. */
static void
san_cites(struct san *s, const char *text, size_t len)
{
	struct cite_hits	 h = { NULL, 0, 0 };
	size_t			 i, pos = 0, start, end;

	/* No citation links asked (code ""). */
	if (*s->code == '\0') {
		html_escape(&s->out, text, len, 0);
		return;
	}
	cite_scan(text, len, s->code, cite_collect, &h);
	for (i = 0; i < h.n; i++) {
		if (!cite_locate(text, len, pos, &h.v[i], &start, &end))
			continue;
		html_escape(&s->out, text + pos, start - pos, 0);
		buf_adds(&s->out, "<a href=\"/doc/");
		san_url_path(&s->out, h.v[i].target);
		buf_adds(&s->out, "\" class=\"cite\">");
		html_escape(&s->out, text + start, end - start, 0);
		buf_adds(&s->out, "</a>");
		pos = end;
	}
	html_escape(&s->out, text + pos, len - pos, 0);
	for (i = 0; i < h.n; i++) {
		free(h.v[i].target);
		free(h.v[i].label);
	}
	free(h.v);
}

/* A web address as a page shows it: its host when it is long. */
static void
san_url_label(struct san *s, const char *url, size_t n)
{
	size_t	 off, len;
	int	 ellipsis;

	len = autolink_label(url, n, &off, &ellipsis);
	html_escape(&s->out, url + off, len, 0);
	if (ellipsis)
		buf_adds(&s->out, "/\xe2\x80\xa6");	/* "/…" */
}

/*
 * Running text: web addresses written out become external links (checked
 * as an href is), citations become /doc/ links.  Inside a kept <a>, text
 * that is its own long address is shortened the same way.
 */
static void
san_text(struct san *s, const char *text, size_t len)
{
	size_t	 pos = 0, at = 0, start, end;
	char	*url;
	int	 ok;

	if (s->in_a > 0) {
		if (autolink_whole(text, len))
			san_url_label(s, text, len);
		else
			html_escape(&s->out, text, len, 0);
		return;
	}
	while (autolink_next(text, len, &at, &start, &end)) {
		url = xstrndup(text + start, end - start);
		ok = san_href_ok(url);
		if (ok) {
			san_cites(s, text + pos, start - pos);
			buf_adds(&s->out, "<a href=\"");
			html_escape(&s->out, url, end - start, HTML_QUOT);
			buf_adds(&s->out, "\" class=\"url\" rel=\"external "
			    "noopener noreferrer\" title=\"");
			html_escape(&s->out, url, end - start, HTML_QUOT);
			buf_adds(&s->out, "\">");
			san_url_label(s, text + start, end - start);
			buf_adds(&s->out, "</a>");
			pos = end;
		}
		free(url);
	}
	san_cites(s, text + pos, len - pos);
}

/* Write n's start (or its text); returns 1 if its children are visited and
 * san_leave must be called for it. */
static int
san_enter(struct san *s, xmlNode *n)
{
	struct san_elem	 e;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			san_text(s, (const char *)n->content,
			    strlen((const char *)n->content));
		return 0;
	}
	switch (san_classify(n, &e)) {
	case SAN_SKIP:
		return 0;
	case SAN_UNWRAP:
		return 1;
	case SAN_KEEP:
		san_open(s, n, &e);
		return !e.is_void;
	}
	return 0;
}

static void
san_leave(struct san *s, xmlNode *n)
{
	struct san_elem	 e;

	if (san_classify(n, &e) != SAN_KEEP)
		return;
	buf_adds(&s->out, "</");
	buf_adds(&s->out, e.name);
	buf_addc(&s->out, '>');
	if (strcmp(e.name, "a") == 0)
		s->in_a--;
}

/*
 * Walk the tree without recursion: the parser does not bound nesting, and
 * a file of a million "<b>" must not exhaust the stack.
 */
static void
san_walk(struct san *s, xmlNode *top)
{
	xmlNode	*n = top;

	if (!san_enter(s, n))
		return;
	if (n->children == NULL) {
		san_leave(s, n);
		return;
	}
	n = n->children;
	for (;;) {
		if (san_enter(s, n)) {
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
			san_leave(s, n);
		}
		while (n->next == NULL) {
			n = n->parent;
			san_leave(s, n);
			if (n == top)
				return;
		}
		n = n->next;
	}
}

/*
 * libxml2 2.9 sets itself up on first use without a lock: the indexer
 * sanitizes on several collecting threads, so it calls this first.
 */
void
html_sanitize_init(void)
{
	xmlInitParser();
}

char *
html_sanitize(const char *html, size_t len, const char *default_code)
{
	struct san	 s;
	struct buf	 in;
	htmlDocPtr	 doc;

	buf_init(&s.out);
	s.in_a = 0;
	s.nids = 0;
	s.code = default_code != NULL ? default_code : "cgct";
	if (len == 0 || len > INT32_MAX)
		return buf_steal(&s.out);

	/*
	 * libxml2 gives up on UTF-8 at the first bad byte and reads the rest
	 * as Latin-1; repair first so the text means what the plugin meant.
	 */
	buf_init(&in);
	utf8_repair(html, len, &in);
	xmlInitParser();
	doc = htmlReadMemory(in.data != NULL ? in.data : "", (int)in.len,
	    NULL, "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NODEFDTD);
	buf_free(&in);
	if (doc == NULL)
		return buf_steal(&s.out);
	san_walk(&s, (xmlNode *)doc);
	xmlFreeDoc(doc);
	while (s.nids > 0)
		free(s.ids[--s.nids]);
	return buf_steal(&s.out);
}
