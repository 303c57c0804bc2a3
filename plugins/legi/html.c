/*
 * html.c - an article's HTML, as LEGI gives it, written out twice: as
 * plain text (the body column: blocks become lines, white space runs one
 * space) and as HTML built from an allow-list of elements (legi_tags),
 * every piece of text escaped by the host's writer, so nothing of the file
 * reaches the page as markup.  Légifrance's links to an article of this
 * code become links to its document here (legi_href).
 *
 * It parses with libxml2's HTML parser through the code's one parser
 * context, and must never call xmlCleanupParser: libxml2 is shared with
 * the host's sanitizer in the same process.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "legi.h"

enum {
	T_KEEP = 0x01,		/* written out (as out, or its own name) */
	T_BLOCK = 0x02,		/* a line of its own in the text */
	T_VOID = 0x04,		/* no content, no end tag */
	T_BREAK = 0x08,		/* a line break in the text */
	T_CELL = 0x10,		/* a table cell: a space in the text */
	T_SKIP = 0x20,		/* dropped with everything inside */
	T_LINK = 0x40,		/* <a>: see legi_href */
	T_CELLATTR = 0x80,	/* keeps colspan, rowspan */
	T_START = 0x100		/* keeps start */
};

static const struct legi_tag {
	const char	*name;
	const char	*out;		/* written as this; NULL: name */
	int		 flags;
} legi_tags[] = {
	{ "a", NULL, T_LINK },
	{ "address", "p", T_KEEP | T_BLOCK },
	{ "b", NULL, T_KEEP },
	{ "blockquote", NULL, T_KEEP | T_BLOCK },
	{ "br", NULL, T_KEEP | T_VOID | T_BREAK },
	{ "caption", NULL, T_KEEP | T_BLOCK },
	{ "center", "div", T_KEEP | T_BLOCK },
	{ "dd", NULL, T_KEEP | T_BLOCK },
	{ "div", NULL, T_KEEP | T_BLOCK },
	{ "dl", NULL, T_KEEP | T_BLOCK },
	{ "dt", NULL, T_KEEP | T_BLOCK },
	{ "em", NULL, T_KEEP },
	{ "embed", NULL, T_SKIP },
	{ "form", NULL, T_SKIP },
	{ "h1", "p", T_KEEP | T_BLOCK },
	{ "h2", "p", T_KEEP | T_BLOCK },
	{ "h3", "p", T_KEEP | T_BLOCK },
	{ "h4", "p", T_KEEP | T_BLOCK },
	{ "h5", "p", T_KEEP | T_BLOCK },
	{ "h6", "p", T_KEEP | T_BLOCK },
	{ "head", NULL, T_SKIP },
	{ "hr", NULL, T_KEEP | T_VOID | T_BLOCK },
	{ "i", NULL, T_KEEP },
	{ "iframe", NULL, T_SKIP },
	{ "li", NULL, T_KEEP | T_BLOCK },
	{ "math", NULL, T_SKIP },
	{ "noscript", NULL, T_SKIP },
	{ "object", NULL, T_SKIP },
	{ "ol", NULL, T_KEEP | T_BLOCK | T_START },
	{ "p", NULL, T_KEEP | T_BLOCK },
	{ "pre", NULL, T_KEEP | T_BLOCK },
	{ "s", NULL, T_KEEP },
	{ "script", NULL, T_SKIP },
	{ "select", NULL, T_SKIP },
	{ "strike", "s", T_KEEP },
	{ "strong", NULL, T_KEEP },
	{ "style", NULL, T_SKIP },
	{ "sub", NULL, T_KEEP },
	{ "sup", NULL, T_KEEP },
	{ "svg", NULL, T_SKIP },
	{ "table", NULL, T_KEEP | T_BLOCK },
	{ "tbody", NULL, T_KEEP },
	{ "td", NULL, T_KEEP | T_CELL | T_CELLATTR },
	{ "template", NULL, T_SKIP },
	{ "textarea", NULL, T_SKIP },
	{ "tfoot", NULL, T_KEEP },
	{ "th", NULL, T_KEEP | T_CELL | T_CELLATTR },
	{ "thead", NULL, T_KEEP },
	{ "title", NULL, T_SKIP },
	{ "tr", NULL, T_KEEP | T_BLOCK },
	{ "u", NULL, T_KEEP },
	{ "ul", NULL, T_KEEP | T_BLOCK },
};

static int
legi_tagcmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct legi_tag *)elem)->name);
}

/* What to do with an element; NULL: keep its content only. */
static const struct legi_tag *
legi_tag(const xmlNode *n)
{
	char	 name[16];
	size_t	 i;

	for (i = 0; n->name[i] != '\0' && i < sizeof name - 1; i++)
		name[i] = (char)tolower(n->name[i]);
	if (n->name[i] != '\0')
		return NULL;
	name[i] = '\0';
	return bsearch(name, legi_tags, sizeof legi_tags / sizeof legi_tags[0],
	    sizeof legi_tags[0], legi_tagcmp);
}

/* Text into the body: white space runs become one space, blocks lines. */
void
legi_text_add(struct legi *l, const char *s, size_t n)
{
	size_t	 i, from;

	for (i = 0; i < n; i = from) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f') {
			l->pending_space = 1;
			from = i + 1;
			continue;
		}
		for (from = i; from < n && s[from] != ' ' && s[from] != '\t' &&
		    s[from] != '\n' && s[from] != '\r' && s[from] != '\f';
		    from++)
			;
		if (l->pending_space && !l->line_start)
			host->buf_adds(&l->text, " ");
		l->pending_space = 0;
		l->line_start = 0;
		host->buf_add(&l->text, s + i, from - i);
	}
}

/* End the text so far: no trailing blank, the next text on a new line. */
void
legi_text_end(struct legi *l)
{
	host->buf_rtrim(&l->text);
	l->line_start = l->text.len == 0;
	l->pending_space = 0;
}

void
legi_text_line(struct legi *l)
{
	if (!l->line_start) {
		host->buf_adds(&l->text, "\n");
		l->line_start = 1;
	}
	l->pending_space = 0;
}

/* The value of key=... in a Légifrance query string, into out. */
static int
legi_query(const char *href, const char *key, char *out, size_t outlen)
{
	const char	*p, *v;
	size_t		 klen = strlen(key), n;

	if ((p = strchr(href, '?')) == NULL)
		return 0;
	for (p++; *p != '\0'; p += strcspn(p, "&"), p += *p == '&') {
		if (strncmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		v = p + klen + 1;
		n = strcspn(v, "&#");
		if (n == 0 || n >= outlen)
			return 0;
		memcpy(out, v, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

/*
 * Is s, white space aside, one article reference ("L. 1234-5", "R*4451-38",
 * "D.1142-16")?  Writes it the way ids spell it ("L1234-5") into norm.
 */
static int
legi_ref_norm(const char *s, char norm[32])
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0;
	int			 digits;

	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	if (*p != 'L' && *p != 'R' && *p != 'D' && *p != 'A')
		return 0;
	norm[o++] = (char)*p++;
	if (norm[0] == 'L' && *p == 'O')
		norm[o++] = (char)*p++;
	if (*p == '.')
		p++;
	for (;;) {
		if (*p == ' ')
			p++;
		else if (p[0] == 0xC2 && p[1] == 0xA0)	/* no-break space */
			p += 2;
		else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF)
			p += 3;
		else
			break;
	}
	if (*p == '*')
		p++;
	for (digits = 0; *p != '\0'; p++) {
		if (isdigit(*p)) {
			if (o >= 31)
				return 0;
			norm[o++] = (char)*p;
			digits++;
		} else if (*p == '-' && digits > 0 && isdigit(p[1])) {
			if (o >= 31)
				return 0;
			norm[o++] = '-';
			digits = 0;
		} else
			break;
	}
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	norm[o] = '\0';
	return *p == '\0' && digits > 0 && o >= 2;
}

/*
 * Where a link of the article's HTML should go, into b; 0 to drop the
 * link and keep its text.  Légifrance's own links ("/affichCodeArticle.do?
 * cidTexte=LEGITEXT…&idArticle=LEGIARTI…") to an article of this code
 * become links to its document here; to an article of another code known
 * here, links to Légifrance; absolute http(s) links stay.  Setting *cite
 * marks a citation, for the page's style.
 */
static int
legi_href(struct legi *l, xmlNode *a, struct savoir_buf *b, int *cite)
{
	char		 cid[64], art[64], norm[32];
	xmlChar		*href, *text;
	size_t		 i;
	int		 ok = 0;

	*cite = 0;
	if ((href = xmlGetProp(a, (const xmlChar *)"href")) == NULL)
		return 0;
	if (strncmp((char *)href, "https://", 8) == 0 ||
	    strncmp((char *)href, "http://", 7) == 0) {
		host->buf_adds(b, (char *)href);
		ok = 1;
	} else if (legi_query((char *)href, "cidTexte", cid, sizeof cid) &&
	    legi_query((char *)href, "idArticle", art, sizeof art) &&
	    strncmp(art, "LEGIARTI", 8) == 0 &&
	    strspn(art + 8, "0123456789") == strlen(art + 8)) {
		if ((l->cid != NULL && strcmp(cid, l->cid) == 0) ||
		    (l->tid != NULL && strcmp(cid, l->tid) == 0)) {
			text = xmlNodeGetContent(a);
			if (text != NULL && legi_ref_norm((char *)text,
			    norm)) {
				host->buf_adds(b, "/doc/");
				host->buf_adds(b, l->short_name);
				host->buf_adds(b, "/");
				host->buf_adds(b, norm);
				*cite = 1;
				ok = 1;
			}
			xmlFree(text);
		}
		for (i = 0; !ok && i < legi_ncodes; i++) {
			if (legi_codes[i].cid != NULL &&
			    strcmp(legi_codes[i].cid, cid) == 0) {
				host->buf_adds(b, LEGIFRANCE_ARTICLE);
				host->buf_adds(b, art);
				*cite = 1;
				ok = 1;
			}
		}
	}
	xmlFree(href);
	return ok;
}

/* Copy a numeric attribute (colspan, rowspan, start) if it is one. */
static void
legi_num_attr(struct savoir_buf *b, xmlNode *n, const char *name)
{
	xmlChar	*v;
	size_t	 len;

	if ((v = xmlGetProp(n, (const xmlChar *)name)) == NULL)
		return;
	len = strlen((char *)v);
	if (len > 0 && len <= 4 && strspn((char *)v, "0123456789") == len) {
		host->buf_adds(b, " ");
		host->buf_adds(b, name);
		host->buf_adds(b, "=\"");
		host->buf_adds(b, (char *)v);
		host->buf_adds(b, "\"");
	}
	xmlFree(v);
}

/*
 * Write the children of n: text into l->text, HTML into l->html.  The
 * parser bounds the tree's depth (256 levels), which bounds this
 * recursion.
 */
static void
legi_nodes(struct legi *l, xmlNode *n)
{
	const struct legi_tag	*t;
	const char		*name;
	int			 link, cite;

	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type ==
		    XML_CDATA_SECTION_NODE) {
			if (n->content == NULL)
				continue;
			name = (const char *)n->content;
			legi_text_add(l, name, strlen(name));
			host->buf_html(&l->html, name, strlen(name));
			continue;
		}
		if (n->type != XML_ELEMENT_NODE) {
			/* Comments, processing instructions: dropped. */
			continue;
		}
		t = legi_tag(n);
		if (t != NULL && (t->flags & T_SKIP))
			continue;
		if (t == NULL) {
			/* html, body, span, font ...: their content only. */
			legi_nodes(l, n->children);
			continue;
		}
		if (t->flags & T_LINK) {
			buf_reset(&l->tmp);
			link = legi_href(l, n, &l->tmp, &cite);
			if (link) {
				host->buf_adds(&l->html, "<a href=\"");
				host->buf_html(&l->html, buf_str(&l->tmp),
				    l->tmp.len);
				host->buf_adds(&l->html, cite ?
				    "\" class=\"cite\">" : "\">");
			}
			legi_nodes(l, n->children);
			if (link)
				host->buf_adds(&l->html, "</a>");
			continue;
		}
		name = t->out != NULL ? t->out : t->name;
		if (t->flags & (T_BLOCK | T_BREAK))
			legi_text_line(l);
		if (t->flags & T_CELL)
			l->pending_space = 1;
		host->buf_adds(&l->html, "<");
		host->buf_adds(&l->html, name);
		if (t->flags & T_CELLATTR) {
			legi_num_attr(&l->html, n, "colspan");
			legi_num_attr(&l->html, n, "rowspan");
		}
		if (t->flags & T_START)
			legi_num_attr(&l->html, n, "start");
		host->buf_adds(&l->html, ">");
		if (t->flags & T_VOID)
			continue;
		legi_nodes(l, n->children);
		host->buf_adds(&l->html, "</");
		host->buf_adds(&l->html, name);
		host->buf_adds(&l->html, ">");
		if (t->flags & T_BLOCK)
			legi_text_line(l);
		if (t->flags & T_CELL)
			l->pending_space = 1;
		if (t->flags & T_BLOCK)
			host->buf_adds(&l->html, "\n");
	}
}

/* Parse one piece of the article's HTML and write it out (see above). */
void
legi_html_piece(struct legi *l, const char *html)
{
	htmlDocPtr	 doc;
	size_t		 len = strlen(html);

	if (legi_blank(html) || len > INT32_MAX)
		return;
	doc = htmlCtxtReadMemory(l->ctxt, html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NODEFDTD);
	if (doc == NULL)
		return;
	legi_nodes(l, doc->children);
	xmlFreeDoc(doc);
}
