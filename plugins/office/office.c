/*
 * office.c - the `office` plugin: word-processing documents, OpenDocument
 * text (.odt) and Office Open XML (.docx), one document per file, its id
 * the file's id prefix.
 *
 * It owns reading those containers: the zip archive (libzip), the XML parts
 * (libxml2), which parts hold the text, the styles, the notes and the
 * metadata, and how they read as one document: paragraphs to the body,
 * headings (ODF text:h, Word "heading N" / "Titre N" styles) to the
 * headings column, tables as text (cells joined by " | ", one row a line),
 * the metadata as facets and French meta entries, and an HTML rendering
 * written here, every text escaped.
 *
 * Every byte comes from an untrusted file.  It must never inflate a part
 * past the limits below (zip bombs: the header is checked first, then every
 * byte read is counted, so a header that lies buys nothing), never accept a
 * DOCTYPE (so no entity is ever declared, let alone expanded, and no DTD or
 * external entity is loaded: a billion-laughs part is refused before its
 * first declaration is read), never touch the network, never hold a whole
 * part in memory (parts are streamed through libxml2's push parser and each
 * block is freed once read), never do work quadratic in its input, and never
 * call a host symbol: everything goes through the host's function table.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zip.h>

#include <libxml/SAX2.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "savoir/plugin.h"

#define OFFICE_VERSION		"1.0.0"
#define OFFICE_TYPE		"bureautique"

/*
 * Zip bomb limits.  A real document has tens of entries and XML parts of a
 * few MB that deflate 5 to 20 times; zeros deflate about 1000 times.  The
 * ratio is only judged above a floor, where it costs real time and memory.
 */
#define OFFICE_MAX_ENTRIES	10000
#define OFFICE_PART_MAX		((uint64_t)256 << 20)	/* a streamed part */
#define OFFICE_TREE_MAX		((uint64_t)8 << 20)	/* styles, metadata */
#define OFFICE_TOTAL_MAX	((uint64_t)512 << 20)	/* all parts read */
#define OFFICE_RATIO_MAX	200
#define OFFICE_RATIO_FLOOR	((uint64_t)8 << 20)

/* The host refuses a column or an HTML body over 16 MB: stop short of it
 * and say so, rather than lose the whole document. */
#define OFFICE_TEXT_MAX		((size_t)15 << 20)
#define OFFICE_HTML_MAX		((size_t)15 << 20)
#define OFFICE_META_MAX		1000	/* bytes of one metadata value */
#define OFFICE_CHUNK		65536	/* bytes inflated at a time */
#define OFFICE_STYLE_HOPS	16	/* basedOn chains: loops end here */

/* No NOENT, no DTDLOAD, no HUGE: entities stay unexpanded, no DTD is
 * fetched, libxml2's depth and text-node limits hold (the depth limit
 * also bounds the recursion of the walkers below). */
#define OFFICE_XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
				 XML_PARSE_NOWARNING | XML_PARSE_COMPACT | \
				 XML_PARSE_NOCDATA)

#define ODT_MIME	"application/vnd.oasis.opendocument.text"
#define DOCX_MIME	"application/vnd.openxmlformats-officedocument." \
			"wordprocessingml.document"

#define NS_W		"http://schemas.openxmlformats.org/wordprocessingml/" \
			"2006/main"
#define NS_W_STRICT	"http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_MC		"http://schemas.openxmlformats.org/markup-" \
			"compatibility/2006"
#define NS_OFFICE	"urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_STYLE	"urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define NS_TEXT		"urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE	"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_SVG		"urn:oasis:names:tc:opendocument:xmlns:svg-" \
			"compatible:1.0"
#define NS_META		"urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define NS_MANIFEST	"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define NS_DC		"http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS	"http://purl.org/dc/terms/"
#define NS_CP		"http://schemas.openxmlformats.org/package/2006/" \
			"metadata/core-properties"

/* Set by the entry point: the only way to reach the host. */
static const struct savoir_host *host;

static const struct savoir_facet_decl office_facets[] = {
	{ "annee", "Année", SAVOIR_FACET_YEAR },
	{ "auteur", "Auteur", SAVOIR_FACET_KEYWORD },
	{ NULL, NULL, 0 }
};

static const struct savoir_type_decl office_types[] = {
	{ OFFICE_TYPE, "Document bureautique", "Documents bureautiques",
	    office_facets },
	{ NULL, NULL, NULL, NULL }
};

static const char *const office_extensions[] = { ".odt", ".docx", NULL };
static const char *const office_mime_types[] = { ODT_MIME, DOCX_MIME, NULL };

/* A growable string.  An allocation failure is sticky: later adds do
 * nothing and ->failed stays set, so a caller checks once at the end.
 * (A plugin cannot use libsavoir's struct buf.) */
struct ob {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

/* A paragraph style: what makes a paragraph a heading. */
struct office_style {
	char	*name;		/* shown name ("heading 1"), or NULL */
	char	*parent;	/* id of the style it is based on, or NULL */
	int	 outline;	/* its outline level, 0 if none */
};

struct office {
	struct savoir_sink	*sink;
	const struct savoir_input *in;
	zip_t			*zip;
	int			 odf;		/* else Word */
	uint64_t		 total;		/* bytes inflated so far */
	xmlHashTablePtr		 styles;	/* id -> struct office_style */

	/* The part being parsed. */
	const char		*part;
	xmlParserCtxtPtr	 ctxt;
	int			 stream;	/* blocks read as they end */
	int			 notes;		/* a Word footnotes part */
	int			 doctype;	/* seen, so parsing stopped */
	int			 xml_line;	/* of the first XML error */
	char			*xml_error;

	/* The document. */
	struct ob		 body;
	struct ob		 heads;
	struct ob		 html;
	struct ob		 notes_text;
	struct ob		 notes_html;
	struct ob		 line;		/* scratch: a block's text */
	struct ob		 clean;		/* scratch: it squashed */
	struct ob		 row;		/* scratch: a table row */
	struct ob		 rowhtml;
	char			*first_heading;
	int			 list_open;	/* a <ul> is open in html */
	int			 list_depth;	/* inside an ODF text:list */
	int			 nnotes;

	/* Metadata. */
	char			*title;
	char			*author;
	char			*creator;	/* ODF: who saved it last */
	char			*created;
	char			*modified;
	char			*subject;
	char			*description;
	struct ob		 keywords;

	int			 full;		/* text cut at the limit */
	int			 errored;	/* error() was called */
};

static int	office_probe(void *, const struct savoir_input *);
static int	office_extract(void *, const struct savoir_input *,
		    struct savoir_sink *);
static void	office_block(struct office *, xmlNode *);
static int	office_odf_skip(const xmlNode *);
static int	office_docx_skip(const xmlNode *);

static const struct savoir_plugin office_plugin = {
	.abi = SAVOIR_PLUGIN_ABI,
	.size = sizeof(struct savoir_plugin),
	.name = "office",
	.version = OFFICE_VERSION,
	.description = "Word-processing documents: OpenDocument text (.odt) "
	    "and Office Open XML (.docx)",
	.types = office_types,
	.extensions = office_extensions,
	.mime_types = office_mime_types,
	.init = NULL,
	.fini = NULL,
	.probe = office_probe,
	.extract = office_extract
};

SAVOIR_EXPORT const struct savoir_plugin *
savoir_plugin_entry(const struct savoir_host *h)
{
	/* Every function this plugin calls is in the first version. */
	if (h == NULL || h->abi != SAVOIR_PLUGIN_ABI ||
	    h->size < sizeof(struct savoir_host))
		return NULL;
	host = h;
	return &office_plugin;
}

/* --- strings --------------------------------------------------------- */

static void
ob_add(struct ob *b, const char *p, size_t n)
{
	size_t	 cap;
	char	*s;

	if (b->failed || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap > 0 ? b->cap : 256;
		while (cap < b->len + n + 1) {
			if (cap > SIZE_MAX / 2) {
				b->failed = 1;
				return;
			}
			cap *= 2;
		}
		if ((s = realloc(b->s, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
ob_adds(struct ob *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

static void
ob_addc(struct ob *b, char c)
{
	ob_add(b, &c, 1);
}

/* Cut back to n bytes (n <= len). */
static void
ob_cut(struct ob *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->s[n] = '\0';
	}
}

static void
ob_reset(struct ob *b)
{
	ob_cut(b, 0);
}

static const char *
ob_str(const struct ob *b)
{
	return b->s != NULL ? b->s : "";
}

static void
ob_free(struct ob *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

/* Add text escaped for HTML; a newline becomes <br>. */
static void
ob_html(struct ob *b, const char *s, size_t n)
{
	size_t		 i, start = 0;
	const char	*rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
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
		case '\'':
			rep = "&#39;";
			break;
		case '\n':
			rep = "<br>";
			break;
		default:
			continue;
		}
		ob_add(b, s + start, i - start);
		ob_adds(b, rep);
		start = i + 1;
	}
	ob_add(b, s + start, n - start);
}

/* Add a line to a column: lines are separated by newlines. */
static void
ob_line(struct ob *col, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (col->len > 0)
		ob_addc(col, '\n');
	ob_add(col, s, n);
}

/* The largest length <= n that does not split a UTF-8 sequence. */
static size_t
utf8_floor(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * Squash raw block text into dst: runs of spaces made one, line breaks
 * (the only newlines in raw text, from w:br or text:line-break) kept but
 * never doubled nor next to a space, nothing at either end.
 */
static void
office_squash(const struct ob *src, struct ob *dst)
{
	const char	*p = ob_str(src), *end = p + src->len;
	int		 space = 0;

	ob_reset(dst);
	for (; p < end; p++) {
		if (*p == ' ') {
			space = dst->len > 0 && dst->s[dst->len - 1] != '\n';
			continue;
		}
		if (*p == '\n') {
			space = 0;
			if (dst->len > 0 && dst->s[dst->len - 1] != '\n')
				ob_addc(dst, '\n');
			continue;
		}
		if (space)
			ob_addc(dst, ' ');
		space = 0;
		ob_addc(dst, *p);
	}
	while (dst->len > 0 && dst->s[dst->len - 1] == '\n')
		ob_cut(dst, dst->len - 1);
}

/* Add text from the XML: its own white space (indentation, newlines of
 * the source) is only spacing; line breaks come from elements. */
static void
office_addtext(struct ob *out, const xmlChar *text)
{
	const char	*p = (const char *)text, *start = p;

	if (p == NULL)
		return;
	for (; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			ob_add(out, start, (size_t)(p - start));
			ob_addc(out, ' ');
			start = p + 1;
		}
	}
	ob_add(out, start, (size_t)(p - start));
}

/* A separator between two pieces of text that were separate blocks. */
static void
office_space(struct ob *out)
{
	if (out->len > 0 && out->s[out->len - 1] != ' ')
		ob_addc(out, ' ');
}

/* --- reporting ------------------------------------------------------- */

/* Report why the file fails; only the first reason is kept. */
static void __attribute__((format(printf, 2, 3)))
office_error(struct office *o, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	if (o->errored)
		return;
	o->errored = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (o->sink != NULL)
		host->error(o->sink, "%s", msg);
	if (o->ctxt != NULL)
		xmlStopParser(o->ctxt);
}

static int
office_oom(struct office *o)
{
	office_error(o, "out of memory");
	return -1;
}

static int
office_stopped(const struct office *o)
{
	return o->errored || o->full;
}

/* Bytes to megabytes, rounded up: "would expand to 64 MB". */
static unsigned long long
office_mb(uint64_t n)
{
	return (unsigned long long)((n + (1 << 20) - 1) >> 20);
}

/* --- XML helpers ----------------------------------------------------- */

static int
office_is(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    n->ns->href != NULL &&
	    strcmp((const char *)n->name, name) == 0 &&
	    strcmp((const char *)n->ns->href, ns) == 0;
}

/* A WordprocessingML element, transitional or strict. */
static int
office_w(const xmlNode *n, const char *name)
{
	return office_is(n, NS_W, name) || office_is(n, NS_W_STRICT, name);
}

static int
office_in_w(const xmlNode *n)
{
	return n->ns != NULL && n->ns->href != NULL &&
	    (strcmp((const char *)n->ns->href, NS_W) == 0 ||
	    strcmp((const char *)n->ns->href, NS_W_STRICT) == 0);
}

/*
 * The value of an attribute (ns NULL: one without a namespace), as the
 * tree holds it; NULL if absent or not a plain value.  Word attributes
 * come in either of its two namespaces.
 */
static const char *
office_attr(const xmlNode *n, const char *ns, const char *name)
{
	const xmlAttr	*a;
	const char	*href;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		href = a->ns != NULL ? (const char *)a->ns->href : NULL;
		if (ns == NULL ? href != NULL : href == NULL ||
		    (strcmp(href, ns) != 0 && !(strcmp(ns, NS_W) == 0 &&
		    strcmp(href, NS_W_STRICT) == 0)))
			continue;
		if (a->children == NULL || a->children->next != NULL ||
		    a->children->type != XML_TEXT_NODE)
			return NULL;
		return (const char *)a->children->content;
	}
	return NULL;
}

static xmlNode *
office_child(const xmlNode *n, const char *ns, const char *name)
{
	xmlNode	*c;

	for (c = n->children; c != NULL; c = c->next)
		if (office_is(c, ns, name) ||
		    (strcmp(ns, NS_W) == 0 && office_w(c, name)))
			return c;
	return NULL;
}

/* A small non-negative decimal attribute, or -1. */
static int
office_int(const char *s, int max)
{
	int	 v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > max)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > max ? -1 : v;
}

/* --- the zip archive ------------------------------------------------- */

/*
 * Judge a part's size against the limits: the declared size before reading
 * (reading == 0), then the bytes counted so far.  -1 after an error.
 */
static int
office_bomb(struct office *o, const char *name, uint64_t size, uint64_t comp,
    uint64_t limit, int reading)
{
	uint64_t	 ratio = size / (comp > 0 ? comp : 1);

	if (size > limit || (size > OFFICE_RATIO_FLOOR &&
	    ratio > OFFICE_RATIO_MAX)) {
		office_error(o, "zip bomb: %s %s %llu MB (ratio 1:%llu; the "
		    "limits are %llu MB for this part and 1:%d above %llu MB)",
		    name, reading ? "expands to more than" : "would expand to",
		    office_mb(size), (unsigned long long)ratio,
		    office_mb(limit), OFFICE_RATIO_MAX,
		    office_mb(OFFICE_RATIO_FLOOR));
		return -1;
	}
	if (o->total + (reading ? 0 : size) > OFFICE_TOTAL_MAX) {
		office_error(o, "zip bomb: with %s the parts read would expand "
		    "to more than %llu MB in all", name,
		    office_mb(OFFICE_TOTAL_MAX));
		return -1;
	}
	return 0;
}

typedef int	(*office_chunk_fn)(struct office *, const char *, size_t,
		    void *);

/*
 * Inflate entry idx and hand it to fn a chunk at a time, never more than
 * limit bytes, nor more than its header declares.  0, or -1 after an
 * error; fn may stop early by returning -1 (its own error) or by setting
 * o->full.
 */
static int
office_inflate(struct office *o, zip_int64_t idx, const char *name,
    uint64_t limit, office_chunk_fn fn, void *arg)
{
	zip_stat_t	 st;
	zip_file_t	*zf;
	zip_int64_t	 n;
	uint64_t	 size, comp, count = 0;
	char		*buf;

	zip_stat_init(&st);
	if (zip_stat_index(o->zip, (zip_uint64_t)idx, 0, &st) == -1) {
		office_error(o, "cannot read the zip entry %s: %s", name,
		    zip_strerror(o->zip));
		return -1;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE) {
		office_error(o, "%s is encrypted: password-protected documents "
		    "cannot be read", name);
		return -1;
	}
	size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
	comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	if (office_bomb(o, name, size, comp, limit, 0) == -1)
		return -1;
	if ((zf = zip_fopen_index(o->zip, (zip_uint64_t)idx, 0)) == NULL) {
		office_error(o, "cannot read %s from the zip archive: %s", name,
		    zip_strerror(o->zip));
		return -1;
	}
	if ((buf = malloc(OFFICE_CHUNK)) == NULL) {
		zip_fclose(zf);
		return office_oom(o);
	}
	for (;;) {
		if ((n = zip_fread(zf, buf, OFFICE_CHUNK)) < 0) {
			office_error(o, "%s is damaged in the zip archive: %s",
			    name, zip_file_strerror(zf));
			break;
		}
		if (n == 0)
			break;
		count += (uint64_t)n;
		o->total += (uint64_t)n;
		/* libzip checks sizes only at the end: count as we go. */
		if (count > size) {
			office_error(o, "zip bomb: %s inflates past the %llu "
			    "bytes its header declares", name,
			    (unsigned long long)size);
			break;
		}
		if (office_bomb(o, name, count, comp, limit, 1) == -1)
			break;
		if (fn(o, buf, (size_t)n, arg) == -1 || office_stopped(o))
			break;
	}
	free(buf);
	zip_fclose(zf);
	return o->errored ? -1 : 0;
}

static int
office_collect(struct office *o, const char *chunk, size_t n, void *arg)
{
	ob_add(arg, chunk, n);
	return 0;
}

/* Printable ASCII of a few bytes from the file, for a message. */
static void
office_printable(const char *s, size_t n, char *out, size_t outsz)
{
	size_t	 i;

	for (i = 0; i < n && i + 1 < outsz; i++)
		out[i] = s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

/* Which of our extensions the path has: 1 .odt, 2 .docx, 0 neither. */
static int
office_ext(const char *path)
{
	const char	*dot;

	if (path == NULL || (dot = strrchr(path, '.')) == NULL)
		return 0;
	if (strcasecmp(dot, ".odt") == 0)
		return 1;
	if (strcasecmp(dot, ".docx") == 0)
		return 2;
	return 0;
}

/* Open the archive and tell the two formats apart. */
static int
office_open(struct office *o)
{
	const unsigned char	*d = o->in->data;
	size_t			 len = o->in->len;
	zip_source_t		*src;
	zip_error_t		 ze;
	zip_int64_t		 n, idx;
	struct ob		 mime = { 0 };
	char			 shown[80];

	if (len == 0) {
		office_error(o, "the file is empty");
		return -1;
	}
	if (len < 4 || memcmp(d, "PK\003\004", 4) != 0) {
		if (len >= 4 && memcmp(d, "PK\005\006", 4) == 0)
			office_error(o, "an empty zip archive: there is no "
			    "document inside");
		else if (len >= 8 && memcmp(d, "\320\317\021\340\241\261\032"
		    "\341", 8) == 0)
			office_error(o, "an OLE compound file, not a zip "
			    "archive: a password-protected Word document or an "
			    "old .doc, neither of which can be read");
		else {
			office_printable((const char *)d, len < 16 ? len : 16,
			    shown, sizeof shown);
			office_error(o, "not a zip archive (an .odt or .docx "
			    "file is one): it starts with \"%s\"", shown);
		}
		return -1;
	}
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(d, len, 0, &ze)) == NULL) {
		office_error(o, "cannot read the zip archive: %s",
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	if ((o->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
	    &ze)) == NULL) {
		zip_source_free(src);
		if (zip_error_code_zip(&ze) == ZIP_ER_NOZIP)
			office_error(o, "the zip archive is truncated or "
			    "damaged: its central directory cannot be found");
		else
			office_error(o, "the zip archive is damaged: %s",
			    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	if ((n = zip_get_num_entries(o->zip, 0)) > OFFICE_MAX_ENTRIES) {
		office_error(o, "zip bomb: the archive holds %lld entries (the "
		    "limit is %d)", (long long)n, OFFICE_MAX_ENTRIES);
		return -1;
	}

	if ((idx = zip_name_locate(o->zip, "mimetype", 0)) >= 0) {
		if (office_inflate(o, idx, "mimetype", 256, office_collect,
		    &mime) == -1) {
			ob_free(&mime);
			return -1;
		}
		if (mime.failed) {
			ob_free(&mime);
			return office_oom(o);
		}
		while (mime.len > 0 && strchr(" \r\n", mime.s[mime.len - 1]))
			ob_cut(&mime, mime.len - 1);
		office_printable(ob_str(&mime), mime.len, shown, sizeof shown);
		ob_free(&mime);
		if (strcmp(shown, ODT_MIME) == 0 ||
		    strcmp(shown, ODT_MIME "-template") == 0 ||
		    strcmp(shown, ODT_MIME "-master") == 0)
			o->odf = 1;
		else {
			office_error(o, "the mimetype entry says \"%s\": %s",
			    shown, strncmp(shown, "application/vnd.oasis."
			    "opendocument.", 35) == 0 ? "an OpenDocument file "
			    "but not a text (only .odt texts are read)" :
			    "not an OpenDocument text");
			return -1;
		}
	} else if (zip_name_locate(o->zip, "[Content_Types].xml", 0) >= 0)
		o->odf = 0;
	else if (zip_name_locate(o->zip, "content.xml", 0) >= 0)
		o->odf = 1;		/* an ODF writer that forgot mimetype */
	else {
		office_error(o, "a zip archive but neither an OpenDocument "
		    "text (no mimetype or content.xml entry) nor a Word "
		    "document (no [Content_Types].xml entry)");
		return -1;
	}
	return 0;
}

/* --- XML parts ------------------------------------------------------- */

/* A DOCTYPE: stop before its internal subset is read. */
static void
office_sax_doctype(void *ctx, const xmlChar *name, const xmlChar *extid,
    const xmlChar *sysid)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct office		*o = ctxt->_private;

	o->doctype = 1;
	o->xml_line = xmlSAX2GetLineNumber(ctx);
	xmlStopParser(ctxt);
}

/* Keep the first error, for the message. */
static void
office_sax_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct office		*o = ctxt->_private;
	char			*p;

	if (o->xml_error != NULL || e == NULL || e->level < XML_ERR_ERROR ||
	    e->message == NULL)
		return;
	o->xml_line = e->line;
	if ((o->xml_error = strdup(e->message)) == NULL)
		return;
	for (p = o->xml_error; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	while (p > o->xml_error && p[-1] == ' ')
		*--p = '\0';
}

/* A block: read as a whole, then freed while streaming. */
static int
office_is_block(const struct office *o, const xmlNode *n)
{
	if (o->odf)
		return office_is(n, NS_TEXT, "p") ||
		    office_is(n, NS_TEXT, "h") ||
		    office_is(n, NS_TEXT, "list") ||
		    office_is(n, NS_TABLE, "table");
	return office_w(n, "p") || office_w(n, "tbl") ||
	    (o->notes && (office_w(n, "footnote") || office_w(n, "endnote")));
}

/* An element whose children are blocks (or are skipped whole). */
static int
office_is_flow(const struct office *o, const xmlNode *n)
{
	if (o->odf)
		return office_is(n, NS_OFFICE, "document-content") ||
		    office_is(n, NS_OFFICE, "body") ||
		    office_is(n, NS_OFFICE, "text") ||
		    office_is(n, NS_TEXT, "section");
	return office_w(n, "body") || office_w(n, "sdtContent") ||
	    office_w(n, "customXml") || office_w(n, "footnotes") ||
	    office_w(n, "endnotes");
}

/*
 * The end of an element while streaming: libxml2 builds the tree, and each
 * top-level block (or anything else directly in the flow) is read as soon
 * as it is complete, then freed.  Memory stays that of one block, whatever
 * the size of the part.
 */
static void
office_sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct office		*o = ctxt->_private;
	xmlNode			*cur = ctxt->node, *parent, *a, *t;
	int			 skipped = 0;

	xmlSAX2EndElementNs(ctx, local, prefix, uri);
	if (cur == NULL || office_stopped(o) || (parent = cur->parent) ==
	    NULL || parent->type != XML_ELEMENT_NODE)
		return;
	if (!office_is_block(o, cur) && !office_is_flow(o, parent))
		return;
	for (a = parent; a != NULL && a->type == XML_ELEMENT_NODE;
	    a = a->parent) {
		if (office_is_block(o, a))
			return;		/* read with the block around it */
		if (o->odf ? office_odf_skip(a) : office_docx_skip(a))
			skipped = 1;	/* in a table of contents... */
	}
	if (!skipped)
		office_block(o, cur);
	xmlUnlinkNode(cur);
	xmlFreeNode(cur);
	/* Drop the white space and comments between blocks too: nothing but
	 * elements is kept, so no text node is left last in parent, which
	 * libxml2 would append the next characters to. */
	while ((t = parent->last) != NULL && t->type != XML_ELEMENT_NODE) {
		xmlUnlinkNode(t);
		xmlFreeNode(t);
	}
	ctxt->nodemem = 0;
	ctxt->nodelen = 0;
	if (office_stopped(o))
		xmlStopParser(ctxt);
}

static int
office_feed(struct office *o, const char *chunk, size_t n, void *arg)
{
	xmlParserCtxtPtr	 ctxt;

	if (o->ctxt == NULL) {
		/* The first chunk is only buffered here (and its first bytes
		 * tell the encoding): the handlers are set before parsing. */
		if ((ctxt = xmlCreatePushParserCtxt(NULL, NULL, chunk, (int)n,
		    o->part)) == NULL)
			return office_oom(o);
		o->ctxt = ctxt;
		ctxt->_private = o;
		xmlCtxtUseOptions(ctxt, OFFICE_XML_OPTIONS);
		ctxt->sax->internalSubset = office_sax_doctype;
		ctxt->sax->serror = office_sax_error;
		if (o->stream)
			ctxt->sax->endElementNs = office_sax_end;
		return 0;
	}
	xmlParseChunk(o->ctxt, chunk, (int)n, 0);
	return o->doctype ? -1 : 0;
}

/*
 * Parse a part.  Streamed (stream != 0): its blocks are read as they end
 * and *docp gets nothing.  Otherwise *docp gets the tree (caller frees).
 * Returns 0, 1 if an optional part is absent, -1 after an error.
 */
static int
office_parse(struct office *o, const char *name, int required, int stream,
    xmlDocPtr *docp)
{
	zip_int64_t	 idx;
	xmlNode		*root;
	int		 rc = -1;

	if (docp != NULL)
		*docp = NULL;
	if ((idx = zip_name_locate(o->zip, name, 0)) < 0) {
		if (!required)
			return 1;
		office_error(o, "the archive has no %s: not a complete %s "
		    "document", name, o->odf ? "OpenDocument" : "Word");
		return -1;
	}
	o->part = name;
	o->stream = stream;
	o->doctype = 0;
	o->xml_line = 0;
	free(o->xml_error);
	o->xml_error = NULL;
	if (office_inflate(o, idx, name, stream ? OFFICE_PART_MAX :
	    OFFICE_TREE_MAX, office_feed, NULL) == -1 && !o->doctype)
		goto out;
	if (o->ctxt == NULL) {
		office_error(o, "%s is empty", name);
		goto out;
	}
	if (!o->doctype && !office_stopped(o))
		xmlParseChunk(o->ctxt, NULL, 0, 1);
	if (o->doctype) {
		office_error(o, "%s line %d: a DOCTYPE declaration is refused: "
		    "office documents have none, and it could declare entities "
		    "(billion laughs) or load external files", name,
		    o->xml_line);
		goto out;
	}
	if (o->errored)
		goto out;
	if (!o->full && !o->ctxt->wellFormed) {
		office_error(o, "%s line %d: not well-formed XML: %s", name,
		    o->xml_line, o->xml_error != NULL ? o->xml_error :
		    "(no detail)");
		goto out;
	}
	root = o->ctxt->myDoc != NULL ?
	    xmlDocGetRootElement(o->ctxt->myDoc) : NULL;
	if (root == NULL) {
		office_error(o, "%s has no root element", name);
		goto out;
	}
	if (docp != NULL) {
		*docp = o->ctxt->myDoc;
		o->ctxt->myDoc = NULL;
	}
	rc = 0;
out:
	if (o->ctxt != NULL) {
		if (o->ctxt->myDoc != NULL)
			xmlFreeDoc(o->ctxt->myDoc);
		xmlFreeParserCtxt(o->ctxt);
		o->ctxt = NULL;
	}
	o->part = NULL;
	return rc;
}

/* The text of a small element, white space squashed, cut to a sane
 * length; NULL if empty.  Caller frees. */
static char *
office_meta_text(struct office *o, const xmlNode *n)
{
	xmlChar		*raw;
	struct ob	 in = { 0 }, out = { 0 };

	if ((raw = xmlNodeGetContent(n)) == NULL)
		return NULL;
	office_addtext(&in, raw);
	xmlFree(raw);
	office_squash(&in, &out);
	ob_free(&in);
	if (out.len > OFFICE_META_MAX)
		ob_cut(&out, utf8_floor(out.s, OFFICE_META_MAX));
	if (out.failed || out.len == 0) {
		ob_free(&out);
		return NULL;
	}
	return out.s;
}

/* Set *dst once (the first value wins). */
static void
office_set(struct office *o, char **dst, const xmlNode *n)
{
	if (*dst == NULL)
		*dst = office_meta_text(o, n);
}

/* --- styles ---------------------------------------------------------- */

static void
office_style_free(void *payload, const xmlChar *name)
{
	struct office_style	*s = payload;

	free(s->name);
	free(s->parent);
	free(s);
}

static void
office_style_add(struct office *o, const char *id, const char *name,
    const char *parent, int outline)
{
	struct office_style	*s;

	if (id == NULL || *id == '\0')
		return;
	if (o->styles == NULL && (o->styles = xmlHashCreate(64)) == NULL)
		return;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return;
	s->name = name != NULL ? strdup(name) : NULL;
	s->parent = parent != NULL ? strdup(parent) : NULL;
	s->outline = outline;
	/* A duplicate id keeps the first definition. */
	if (xmlHashAddEntry(o->styles, (const xmlChar *)id, s) != 0)
		office_style_free(s, NULL);
}

/* Word's styles.xml: w:style with w:name, w:basedOn, w:outlineLvl. */
static void
office_styles_docx(struct office *o, xmlNode *root)
{
	xmlNode		*s, *c, *ppr;
	const char	*name, *based;
	int		 outline;

	for (s = root->children; s != NULL; s = s->next) {
		if (!office_w(s, "style"))
			continue;
		name = based = NULL;
		outline = 0;
		if ((c = office_child(s, NS_W, "name")) != NULL)
			name = office_attr(c, NS_W, "val");
		if ((c = office_child(s, NS_W, "basedOn")) != NULL)
			based = office_attr(c, NS_W, "val");
		if ((ppr = office_child(s, NS_W, "pPr")) != NULL &&
		    (c = office_child(ppr, NS_W, "outlineLvl")) != NULL &&
		    (outline = office_int(office_attr(c, NS_W, "val"), 9)) >= 0)
			outline = outline < 9 ? outline + 1 : 0;
		else
			outline = 0;
		office_style_add(o, office_attr(s, NS_W, "styleId"), name,
		    based, outline);
	}
}

/* ODF office:styles or office:automatic-styles: paragraph styles. */
static void
office_styles_odf(struct office *o, xmlNode *list)
{
	xmlNode		*s;
	const char	*family;
	int		 outline;

	for (s = list->children; s != NULL; s = s->next) {
		if (!office_is(s, NS_STYLE, "style"))
			continue;
		family = office_attr(s, NS_STYLE, "family");
		if (family == NULL || strcmp(family, "paragraph") != 0)
			continue;
		outline = office_int(office_attr(s, NS_STYLE,
		    "default-outline-level"), 10);
		office_style_add(o, office_attr(s, NS_STYLE, "name"),
		    office_attr(s, NS_STYLE, "display-name"),
		    office_attr(s, NS_STYLE, "parent-style-name"),
		    outline > 0 ? outline : 0);
	}
}

/*
 * What a style name says: a heading level (1-9), -1 for table-of-contents
 * entries (which repeat the headings), 0 for anything else.  Word's
 * built-in names are English whatever the language ("heading 1"), its
 * style ids are localized ("Titre1"), ODF encodes spaces as "_20_".
 */
static int
office_name_level(const char *name)
{
	char		 n[64];
	const char	*p;
	size_t		 j = 0;

	for (p = name; *p != '\0' && j < sizeof n - 1; p++) {
		if (strncmp(p, "_20_", 4) == 0) {
			p += 3;
			continue;
		}
		if (*p == ' ' || *p == '_' || *p == '-')
			continue;
		n[j++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	}
	n[j] = '\0';
	if (strcmp(n, "title") == 0 || strcmp(n, "titre") == 0 ||
	    strcmp(n, "heading") == 0)
		return 1;
	if (strncmp(n, "toc", 3) == 0 || strncmp(n, "contents", 8) == 0)
		return -1;
	if (strncmp(n, "heading", 7) == 0)
		p = n + 7;
	else if (strncmp(n, "titre", 5) == 0)
		p = n + 5;
	else
		return 0;
	if (p[0] >= '1' && p[0] <= '9' && p[1] == '\0')
		return p[0] - '0';
	return 0;
}

/* The heading level of a paragraph style, following what it is based on. */
static int
office_level(struct office *o, const char *id)
{
	const struct office_style	*s;
	int				 hops, lvl;

	for (hops = 0; id != NULL && hops < OFFICE_STYLE_HOPS; hops++) {
		s = o->styles != NULL ?
		    xmlHashLookup(o->styles, (const xmlChar *)id) : NULL;
		if ((lvl = office_name_level(s != NULL && s->name != NULL ?
		    s->name : id)) != 0)
			return lvl;
		if (s == NULL)
			return 0;
		if (s->outline > 0)
			return s->outline;
		id = s->parent;
	}
	return 0;
}

/* --- the document's blocks ------------------------------------------- */

/* Close the <ul> the last list items opened. */
static void
office_close_list(struct office *o)
{
	if (o->list_open) {
		ob_adds(&o->html, "</ul>\n");
		o->list_open = 0;
	}
}

/*
 * Past the limits the host takes, cut the text (and the HTML of the block
 * that crossed them) and stop reading: a very long document keeps its
 * beginning rather than losing everything.
 */
static void
office_check_full(struct office *o, size_t htmlmark)
{
	if (o->body.len <= OFFICE_TEXT_MAX && o->heads.len <= OFFICE_TEXT_MAX &&
	    o->html.len <= OFFICE_HTML_MAX)
		return;
	if (o->body.len > OFFICE_TEXT_MAX)
		ob_cut(&o->body, utf8_floor(o->body.s, OFFICE_TEXT_MAX));
	if (o->heads.len > OFFICE_TEXT_MAX)
		ob_cut(&o->heads, utf8_floor(o->heads.s, OFFICE_TEXT_MAX));
	if (o->html.len > OFFICE_HTML_MAX)
		ob_cut(&o->html, htmlmark);
	o->full = 1;
	if (o->ctxt != NULL)
		xmlStopParser(o->ctxt);
}

/* Emit a paragraph from its raw text: a heading (level > 0), a list item
 * or a plain paragraph. */
static void
office_para(struct office *o, int level, int list, const struct ob *raw)
{
	struct ob	*t = &o->clean;
	size_t		 mark = o->html.len;
	char		 tag[8], *p;

	office_squash(raw, t);
	if (t->len == 0 || t->failed)
		return;
	if (level > 0) {
		if (o->first_heading == NULL &&
		    (o->first_heading = strdup(t->s)) != NULL)
			for (p = o->first_heading; *p != '\0'; p++)
				if (*p == '\n')
					*p = ' ';
		ob_line(&o->heads, t->s, t->len);
		office_close_list(o);
		/* The page's title is its <h1>: level 1 is an <h2>. */
		snprintf(tag, sizeof tag, "h%d", level + 1 > 6 ? 6 : level + 1);
		ob_adds(&o->html, "<");
		ob_adds(&o->html, tag);
		ob_adds(&o->html, ">");
		ob_html(&o->html, t->s, t->len);
		ob_adds(&o->html, "</");
		ob_adds(&o->html, tag);
		ob_adds(&o->html, ">\n");
	} else {
		ob_line(&o->body, t->s, t->len);
		if (list) {
			if (!o->list_open)
				ob_adds(&o->html, "<ul>\n");
			o->list_open = 1;
			ob_adds(&o->html, "<li>");
			ob_html(&o->html, t->s, t->len);
			ob_adds(&o->html, "</li>\n");
		} else {
			office_close_list(o);
			ob_adds(&o->html, "<p>");
			ob_html(&o->html, t->s, t->len);
			ob_adds(&o->html, "</p>\n");
		}
	}
	office_check_full(o, mark);
}

/* A note: "[citation] text", after the document's body. */
static void
office_note(struct office *o, const char *citation, const struct ob *raw)
{
	struct ob	*t = &o->clean;
	char		 num[16];

	office_squash(raw, t);
	if (t->len == 0 || t->failed)
		return;
	o->nnotes++;
	if (citation == NULL || *citation == '\0') {
		snprintf(num, sizeof num, "%d", o->nnotes);
		citation = num;
	}
	if (o->notes_text.len > 0)
		ob_addc(&o->notes_text, '\n');
	ob_addc(&o->notes_text, '[');
	ob_adds(&o->notes_text, citation);
	ob_adds(&o->notes_text, "] ");
	ob_add(&o->notes_text, t->s, t->len);
	ob_adds(&o->notes_html, "<p>[");
	ob_html(&o->notes_html, citation, strlen(citation));
	ob_adds(&o->notes_html, "] ");
	ob_html(&o->notes_html, t->s, t->len);
	ob_adds(&o->notes_html, "</p>\n");
	if (o->notes_text.len > OFFICE_TEXT_MAX / 4 ||
	    o->notes_html.len > OFFICE_HTML_MAX / 4) {
		o->full = 1;
		if (o->ctxt != NULL)
			xmlStopParser(o->ctxt);
	}
}

/* -- Word -- */

/* Elements whose text is not the document's: deletions, field codes,
 * properties, the fallback copy of an alternate content. */
static int
office_docx_skip(const xmlNode *n)
{
	static const char *const skip[] = { "del", "moveFrom", "delText",
	    "instrText", "rPr", "pPr", "sdtPr", "fldData", "tblPr", "trPr",
	    "tcPr", "tblGrid", "tblPrEx", "sectPr", "footnoteReference",
	    "endnoteReference", "commentReference", "annotationRef",
	    "footnoteRef", "endnoteRef", "separator", "continuationSeparator",
	    NULL };
	size_t	 i;

	if (office_is(n, NS_MC, "Fallback"))
		return 1;
	if (!office_in_w(n))
		return 0;
	for (i = 0; skip[i] != NULL; i++)
		if (strcmp((const char *)n->name, skip[i]) == 0)
			return 1;
	return 0;
}

/* The raw text of a Word paragraph (or cell, or note), runs joined. */
static void
office_docx_inline(struct office *o, const xmlNode *node, struct ob *out)
{
	const xmlNode	*c, *t;

	for (c = node->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || office_docx_skip(c))
			continue;
		if (office_w(c, "t")) {
			for (t = c->children; t != NULL; t = t->next)
				if (t->type == XML_TEXT_NODE)
					office_addtext(out, t->content);
		} else if (office_w(c, "tab") || office_w(c, "ptab"))
			ob_addc(out, ' ');
		else if (office_w(c, "br") || office_w(c, "cr"))
			ob_addc(out, '\n');
		else if (office_w(c, "noBreakHyphen"))
			ob_addc(out, '-');
		else if (office_w(c, "p") || office_w(c, "tc")) {
			/* A text box's paragraphs, a nested table's cells. */
			office_space(out);
			office_docx_inline(o, c, out);
			office_space(out);
		} else
			office_docx_inline(o, c, out);
	}
}

static void
office_docx_para(struct office *o, const xmlNode *p)
{
	const xmlNode	*ppr, *c, *n;
	const char	*style = NULL;
	int		 level = 0, list = 0, lvl;

	if ((ppr = office_child(p, NS_W, "pPr")) != NULL) {
		for (c = ppr->children; c != NULL; c = c->next) {
			if (office_w(c, "pStyle"))
				style = office_attr(c, NS_W, "val");
			else if (office_w(c, "numPr"))
				/* numId 0 takes a style's numbering away. */
				list = (n = office_child(c, NS_W, "numId")) ==
				    NULL || office_int(office_attr(n, NS_W,
				    "val"), 1000000) != 0;
		}
		/* Direct formatting wins over the style. */
		if ((c = office_child(ppr, NS_W, "outlineLvl")) != NULL &&
		    (lvl = office_int(office_attr(c, NS_W, "val"), 9)) >= 0)
			level = lvl < 9 ? lvl + 1 : 0;
		else if (style != NULL)
			level = office_level(o, style);
	}
	if (level < 0)
		return;		/* a table-of-contents entry */
	ob_reset(&o->line);
	office_docx_inline(o, p, &o->line);
	office_para(o, level, list, &o->line);
}

static void
office_docx_note(struct office *o, const xmlNode *n)
{
	const char	*type = office_attr(n, NS_W, "type");

	/* The separator lines above the notes are notes too. */
	if (type != NULL && strcmp(type, "normal") != 0)
		return;
	ob_reset(&o->line);
	office_docx_inline(o, n, &o->line);
	office_note(o, NULL, &o->line);
}

/* -- OpenDocument -- */

static int
office_odf_skip(const xmlNode *n)
{
	static const char *const text_skip[] = { "note-citation",
	    "tracked-changes", "deletion", "sequence-decls", "variable-decls",
	    "user-field-decls", "table-of-content", "illustration-index",
	    "table-index", "object-index", "user-index", "alphabetical-index",
	    "bibliography", NULL };
	size_t	 i;

	if (office_is(n, NS_OFFICE, "annotation") ||
	    office_is(n, NS_OFFICE, "forms") ||
	    office_is(n, NS_OFFICE, "font-face-decls") ||
	    office_is(n, NS_OFFICE, "scripts") ||
	    office_is(n, NS_SVG, "title") || office_is(n, NS_SVG, "desc"))
		return 1;
	for (i = 0; text_skip[i] != NULL; i++)
		if (office_is(n, NS_TEXT, text_skip[i]))
			return 1;
	return 0;
}

static void	office_odf_note(struct office *, const xmlNode *);

/* The raw text of an ODF paragraph (or cell): its text nodes and the
 * elements that stand for spacing; notes go to the notes (if notes). */
static void
office_odf_inline(struct office *o, const xmlNode *node, struct ob *out,
    int notes)
{
	const xmlNode	*c;

	for (c = node->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE) {
			office_addtext(out, c->content);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE || office_odf_skip(c))
			continue;
		if (office_is(c, NS_TEXT, "s") || office_is(c, NS_TEXT, "tab"))
			ob_addc(out, ' ');
		else if (office_is(c, NS_TEXT, "line-break"))
			ob_addc(out, '\n');
		else if (office_is(c, NS_TEXT, "note")) {
			if (notes)
				office_odf_note(o, c);
		} else if (office_is(c, NS_TEXT, "p") ||
		    office_is(c, NS_TEXT, "h") ||
		    office_is(c, NS_TABLE, "table-cell")) {
			/* A frame's paragraphs, a nested table's cells. */
			office_space(out);
			office_odf_inline(o, c, out, notes);
			office_space(out);
		} else
			office_odf_inline(o, c, out, notes);
	}
}

static void
office_odf_note(struct office *o, const xmlNode *note)
{
	const xmlNode	*cit, *body;
	struct ob	 text = { 0 };
	char		*num = NULL;

	if ((body = office_child(note, NS_TEXT, "note-body")) == NULL)
		return;
	if ((cit = office_child(note, NS_TEXT, "note-citation")) != NULL)
		num = office_meta_text(o, cit);
	office_odf_inline(o, body, &text, 0);
	if (text.failed)
		o->body.failed = 1;
	office_note(o, num, &text);
	free(num);
	ob_free(&text);
}

static void
office_odf_para(struct office *o, const xmlNode *p, int heading)
{
	const char	*style = office_attr(p, NS_TEXT, "style-name");
	int		 level = 0;

	if (heading) {
		level = office_int(office_attr(p, NS_TEXT, "outline-level"),
		    10);
		if (level <= 0)
			level = 1;
	} else if (style != NULL)
		level = office_level(o, style);
	if (level < 0)
		return;
	ob_reset(&o->line);
	office_odf_inline(o, p, &o->line, 1);
	office_para(o, level, o->list_depth > 0, &o->line);
}

/* -- tables, both formats -- */

static int
office_is_row(const struct office *o, const xmlNode *n)
{
	return o->odf ? office_is(n, NS_TABLE, "table-row") :
	    office_w(n, "tr");
}

static int
office_is_cell(const struct office *o, const xmlNode *n)
{
	return o->odf ? office_is(n, NS_TABLE, "table-cell") ||
	    office_is(n, NS_TABLE, "covered-table-cell") : office_w(n, "tc");
}

struct office_row {
	int	 header;
	int	 ncells;
	size_t	 keep;		/* row text up to the last non-empty cell */
	size_t	 keephtml;
};

static void
office_cell(struct office *o, const xmlNode *c, struct office_row *r)
{
	struct ob	*t = &o->clean;
	size_t		 i;

	ob_reset(&o->line);
	if (o->odf)
		office_odf_inline(o, c, &o->line, 1);
	else
		office_docx_inline(o, c, &o->line);
	office_squash(&o->line, t);
	for (i = 0; i < t->len; i++)
		if (t->s[i] == '\n')
			t->s[i] = ' ';
	if (r->ncells++ > 0)
		ob_adds(&o->row, " | ");
	ob_add(&o->row, ob_str(t), t->len);
	ob_adds(&o->rowhtml, r->header ? "<th>" : "<td>");
	ob_html(&o->rowhtml, ob_str(t), t->len);
	ob_adds(&o->rowhtml, r->header ? "</th>" : "</td>");
	/* Trailing empty cells (ODF rows often end with hundreds) go. */
	if (t->len > 0) {
		r->keep = o->row.len;
		r->keephtml = o->rowhtml.len;
	}
}

/* Cells may sit in content controls (w:sdt) between the row and them.
 * A repeated ODF cell is read once: repeats are how empty columns are
 * written, and expanding them would let a small file make huge text. */
static void
office_cells(struct office *o, const xmlNode *n, struct office_row *r)
{
	const xmlNode	*c;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (office_is_cell(o, c))
			office_cell(o, c, r);
		else if (!(o->odf ? office_odf_skip(c) : office_docx_skip(c)))
			office_cells(o, c, r);
	}
}

static void
office_row(struct office *o, const xmlNode *tr, int header, int *nrows)
{
	struct office_row	 r;
	const xmlNode		*trpr;

	memset(&r, 0, sizeof r);
	r.header = header;
	if (!o->odf && (trpr = office_child(tr, NS_W, "trPr")) != NULL &&
	    office_child(trpr, NS_W, "tblHeader") != NULL)
		r.header = 1;
	ob_reset(&o->row);
	ob_reset(&o->rowhtml);
	office_cells(o, tr, &r);
	if (r.keep == 0)
		return;		/* an empty row */
	ob_cut(&o->row, r.keep);
	ob_cut(&o->rowhtml, r.keephtml);
	ob_line(&o->body, o->row.s, o->row.len);
	ob_adds(&o->html, "<tr>");
	ob_add(&o->html, o->rowhtml.s, o->rowhtml.len);
	ob_adds(&o->html, "</tr>\n");
	(*nrows)++;
}

/* Rows, wherever they sit: in header-row groups, row groups, content
 * controls.  A repeated ODF row is read once, as a repeated cell is. */
static void
office_rows(struct office *o, const xmlNode *n, int header, int *nrows)
{
	const xmlNode	*c;

	for (c = n->children; c != NULL && !office_stopped(o); c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (office_is_row(o, c))
			office_row(o, c, header, nrows);
		else if (office_is(c, NS_TABLE, "table-header-rows"))
			office_rows(o, c, 1, nrows);
		else if (!(o->odf ? office_odf_skip(c) : office_docx_skip(c)) &&
		    !office_is(c, NS_TABLE, "table") && !office_w(c, "tbl"))
			office_rows(o, c, header, nrows);
	}
}

static void
office_table(struct office *o, const xmlNode *t)
{
	size_t	 mark = o->html.len;
	int	 nrows = 0;

	office_close_list(o);
	ob_adds(&o->html, "<table>\n");
	office_rows(o, t, 0, &nrows);
	if (nrows == 0)
		ob_cut(&o->html, mark);
	else
		ob_adds(&o->html, "</table>\n");
	office_check_full(o, mark);
}

/* Read one block, or walk into whatever holds blocks. */
static void
office_block(struct office *o, xmlNode *n)
{
	xmlNode	*c;

	if (n->type != XML_ELEMENT_NODE || office_stopped(o))
		return;
	if (o->odf) {
		if (office_is(n, NS_TEXT, "p"))
			office_odf_para(o, n, 0);
		else if (office_is(n, NS_TEXT, "h"))
			office_odf_para(o, n, 1);
		else if (office_is(n, NS_TABLE, "table"))
			office_table(o, n);
		else if (office_is(n, NS_OFFICE, "automatic-styles"))
			office_styles_odf(o, n);
		else if (!office_odf_skip(n)) {
			if (office_is(n, NS_TEXT, "list"))
				o->list_depth++;
			for (c = n->children; c != NULL; c = c->next)
				office_block(o, c);
			if (office_is(n, NS_TEXT, "list"))
				o->list_depth--;
		}
		return;
	}
	if (office_w(n, "p"))
		office_docx_para(o, n);
	else if (office_w(n, "tbl"))
		office_table(o, n);
	else if (o->notes && (office_w(n, "footnote") ||
	    office_w(n, "endnote")))
		office_docx_note(o, n);
	else if (!office_docx_skip(n))
		for (c = n->children; c != NULL; c = c->next)
			office_block(o, c);
}

/* --- the two formats ------------------------------------------------- */

/* A date's year, month and day if s starts with a real YYYY-MM-DD. */
static int
office_date(const char *s, int *y, int *m, int *d)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			 i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	if (s[10] != '\0' && s[10] != 'T' && s[10] != ' ')
		return 0;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1000 || *y > 2999 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > mdays[*m - 1] || (*m == 2 && *d == 29 &&
	    (*y % 4 != 0 || (*y % 100 == 0 && *y % 400 != 0))))
		return 0;
	return 1;
}

static void
office_meta_docx(struct office *o, const xmlNode *root)
{
	const xmlNode	*c;
	char		*kw = NULL;

	for (c = root->children; c != NULL; c = c->next) {
		if (office_is(c, NS_DC, "title"))
			office_set(o, &o->title, c);
		else if (office_is(c, NS_DC, "creator"))
			office_set(o, &o->author, c);
		else if (office_is(c, NS_DC, "subject"))
			office_set(o, &o->subject, c);
		else if (office_is(c, NS_DC, "description"))
			office_set(o, &o->description, c);
		else if (office_is(c, NS_CP, "keywords") && o->keywords.len ==
		    0 && (kw = office_meta_text(o, c)) != NULL) {
			ob_adds(&o->keywords, kw);
			free(kw);
		} else if (office_is(c, NS_DCTERMS, "created"))
			office_set(o, &o->created, c);
		else if (office_is(c, NS_DCTERMS, "modified"))
			office_set(o, &o->modified, c);
	}
}

static void
office_meta_odf(struct office *o, const xmlNode *root)
{
	const xmlNode	*meta, *c;
	char		*kw;

	if ((meta = office_child(root, NS_OFFICE, "meta")) == NULL)
		return;
	for (c = meta->children; c != NULL; c = c->next) {
		if (office_is(c, NS_DC, "title"))
			office_set(o, &o->title, c);
		else if (office_is(c, NS_META, "initial-creator"))
			office_set(o, &o->author, c);
		else if (office_is(c, NS_DC, "creator"))
			office_set(o, &o->creator, c);
		else if (office_is(c, NS_DC, "subject"))
			office_set(o, &o->subject, c);
		else if (office_is(c, NS_DC, "description"))
			office_set(o, &o->description, c);
		else if (office_is(c, NS_META, "keyword") &&
		    o->keywords.len < OFFICE_META_MAX &&
		    (kw = office_meta_text(o, c)) != NULL) {
			if (o->keywords.len > 0)
				ob_adds(&o->keywords, ", ");
			ob_adds(&o->keywords, kw);
			free(kw);
		} else if (office_is(c, NS_META, "creation-date"))
			office_set(o, &o->created, c);
		else if (office_is(c, NS_DC, "date"))
			office_set(o, &o->modified, c);
	}
	/* dc:creator is whoever saved it last: the author only if no one
	 * is named as the initial creator. */
	if (o->author == NULL) {
		o->author = o->creator;
		o->creator = NULL;
	}
}

/* Does the manifest say content.xml is encrypted (a password-protected
 * document: the zip is clear, the part is ciphertext)? */
static int
office_odf_encrypted(struct office *o)
{
	xmlDocPtr	 doc;
	const xmlNode	*e;
	const char	*path;
	int		 r, enc = 0;

	if ((r = office_parse(o, "META-INF/manifest.xml", 0, 0, &doc)) != 0)
		return r == 1 ? 0 : -1;
	for (e = xmlDocGetRootElement(doc)->children; e != NULL; e = e->next) {
		if (!office_is(e, NS_MANIFEST, "file-entry") ||
		    (path = office_attr(e, NS_MANIFEST, "full-path")) == NULL ||
		    strcmp(path, "content.xml") != 0)
			continue;
		if (office_child(e, NS_MANIFEST, "encryption-data") != NULL)
			enc = 1;
	}
	xmlFreeDoc(doc);
	return enc;
}

static int
office_read_odf(struct office *o)
{
	xmlDocPtr	 doc;
	xmlNode		*root, *c;
	int		 r;

	if ((r = office_odf_encrypted(o)) != 0) {
		if (r == 1)
			office_error(o, "content.xml is encrypted: the "
			    "document is password-protected and cannot be "
			    "read");
		return -1;
	}
	if ((r = office_parse(o, "styles.xml", 0, 0, &doc)) == -1)
		return -1;
	if (r == 0) {
		root = xmlDocGetRootElement(doc);
		for (c = root->children; c != NULL; c = c->next)
			if (office_is(c, NS_OFFICE, "styles"))
				office_styles_odf(o, c);
		xmlFreeDoc(doc);
	}
	if ((r = office_parse(o, "meta.xml", 0, 0, &doc)) == -1)
		return -1;
	if (r == 0) {
		office_meta_odf(o, xmlDocGetRootElement(doc));
		xmlFreeDoc(doc);
	}
	return office_parse(o, "content.xml", 1, 1, NULL);
}

/* A part name from a relationship target: package-absolute or relative to
 * the root (the source of _rels/.rels).  Caller frees. */
static char *
office_target(const char *t)
{
	while (*t == '/')
		t++;
	return *t != '\0' ? strdup(t) : NULL;
}

static int
office_read_docx(struct office *o)
{
	xmlDocPtr	 doc;
	const xmlNode	*c;
	const char	*type, *target;
	char		*mainpart = NULL, *core = NULL, *part = NULL, *slash;
	size_t		 tl, dirlen;
	int		 r, rc = -1;
	const char	*const notes[] = { "footnotes.xml", "endnotes.xml" };
	size_t		 i;

	if ((r = office_parse(o, "_rels/.rels", 0, 0, &doc)) == -1)
		return -1;
	if (r == 0) {
		for (c = xmlDocGetRootElement(doc)->children; c != NULL;
		    c = c->next) {
			if (c->type != XML_ELEMENT_NODE || strcmp((const char *)
			    c->name, "Relationship") != 0 ||
			    (type = office_attr(c, NULL, "Type")) == NULL ||
			    (target = office_attr(c, NULL, "Target")) == NULL)
				continue;
			tl = strlen(type);
			if (mainpart == NULL && tl > 15 &&
			    strcmp(type + tl - 15, "/officeDocument") == 0)
				mainpart = office_target(target);
			else if (core == NULL && tl > 16 &&
			    strcmp(type + tl - 16, "/core-properties") == 0)
				core = office_target(target);
		}
		xmlFreeDoc(doc);
	}
	if (mainpart == NULL &&
	    (mainpart = strdup("word/document.xml")) == NULL)
		goto oom;
	if (core == NULL && (core = strdup("docProps/core.xml")) == NULL)
		goto oom;
	slash = strrchr(mainpart, '/');
	dirlen = slash != NULL ? (size_t)(slash - mainpart) + 1 : 0;
	if ((part = malloc(dirlen + 32)) == NULL)
		goto oom;

	memcpy(part, mainpart, dirlen);
	strcpy(part + dirlen, "styles.xml");
	if ((r = office_parse(o, part, 0, 0, &doc)) == -1)
		goto out;
	if (r == 0) {
		office_styles_docx(o, xmlDocGetRootElement(doc));
		xmlFreeDoc(doc);
	}
	if ((r = office_parse(o, core, 0, 0, &doc)) == -1)
		goto out;
	if (r == 0) {
		office_meta_docx(o, xmlDocGetRootElement(doc));
		xmlFreeDoc(doc);
	}
	if (office_parse(o, mainpart, 1, 1, NULL) == -1)
		goto out;
	/* The body is all read (or the text is full): the notes follow. */
	o->notes = 1;
	for (i = 0; i < 2 && !o->full; i++) {
		strcpy(part + dirlen, notes[i]);
		if (office_parse(o, part, 0, 1, NULL) == -1)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	office_oom(o);
out:
	free(mainpart);
	free(core);
	free(part);
	return rc;
}

/* --- the document ---------------------------------------------------- */

static const char *const office_months[] = { "janvier", "février", "mars",
	"avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre" };

/* A first heading that only repeats the title leaves the HTML (the page
 * shows the title already); it stays in the headings column. */
static void
office_drop_title(struct office *o, const char *title)
{
	struct ob	 h = { 0 };

	ob_adds(&h, "<h2>");
	ob_html(&h, title, strlen(title));
	ob_adds(&h, "</h2>\n");
	if (!h.failed && o->html.len >= h.len &&
	    memcmp(o->html.s, h.s, h.len) == 0) {
		memmove(o->html.s, o->html.s + h.len, o->html.len - h.len + 1);
		o->html.len -= h.len;
	}
	ob_free(&h);
}

static int
office_emit(struct office *o)
{
	struct savoir_sink	*sink = o->sink;
	const char		*title, *date, *base, *id = o->in->id_prefix;
	char			 year[16], fr[64];
	size_t			 room;
	int			 y, m, d, havedate;

	office_close_list(o);
	if ((title = o->title) == NULL && (title = o->first_heading) == NULL) {
		base = o->in->path != NULL ? strrchr(o->in->path, '/') : NULL;
		title = base != NULL ? base + 1 : o->in->path != NULL ?
		    o->in->path : id;
	}
	office_drop_title(o, title);
	/* The notes follow the body, within the same limits. */
	if (o->notes_text.len > 0) {
		room = o->body.len + 1 < OFFICE_TEXT_MAX ?
		    OFFICE_TEXT_MAX - o->body.len - 1 : 0;
		if (o->notes_text.len > room) {
			ob_cut(&o->notes_text, utf8_floor(o->notes_text.s,
			    room));
			o->full = 1;
		}
		ob_line(&o->body, o->notes_text.s, o->notes_text.len);
		if (o->html.len + o->notes_html.len + 32 <= OFFICE_HTML_MAX) {
			ob_adds(&o->html, "<h2>Notes</h2>\n");
			ob_add(&o->html, o->notes_html.s, o->notes_html.len);
		} else
			o->full = 1;
	}
	if (o->body.failed || o->heads.failed || o->html.failed ||
	    o->keywords.failed || o->line.failed || o->clean.failed ||
	    o->row.failed || o->rowhtml.failed || o->notes_text.failed ||
	    o->notes_html.failed)
		return office_oom(o);
	if (id == NULL || *id == '\0') {
		office_error(o, "no document id: the host gave no id prefix");
		return -1;
	}

	date = o->created != NULL ? o->created : o->modified;
	havedate = office_date(date, &y, &m, &d);
	if (date != NULL && !havedate)
		host->warn(sink, 0, "the %s date \"%.40s\" is not an ISO date "
		    "(ignored)", o->created != NULL ? "creation" :
		    "modification", date);
	if (o->full)
		host->warn(sink, 0, "the text was cut after %zu MB: the rest "
		    "of the document is not indexed", OFFICE_TEXT_MAX >> 20);
	if (o->body.len == 0 && o->heads.len == 0)
		host->warn(sink, 0, "the document has no text");

	if (host->doc_begin(sink, id, OFFICE_TYPE) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_TITLE, title, strlen(title)) == -1)
		return -1;
	if (o->heads.len > 0 && host->doc_text(sink, SAVOIR_COL_HEADINGS,
	    o->heads.s, o->heads.len) == -1)
		return -1;
	if (o->body.len > 0 && host->doc_text(sink, SAVOIR_COL_BODY,
	    o->body.s, o->body.len) == -1)
		return -1;

	if (havedate) {
		snprintf(year, sizeof year, "%04d", y);
		snprintf(fr, sizeof fr, "%d%s %s %d", d, d == 1 ? "er" : "",
		    office_months[m - 1], y);
		if (host->doc_facet(sink, "annee", year) == -1)
			return -1;
	}
	if (o->author != NULL &&
	    host->doc_facet(sink, "auteur", o->author) == -1)
		return -1;

	if (o->title != NULL &&
	    host->doc_meta(sink, "titre", "Titre", o->title) == -1)
		return -1;
	if (o->author != NULL &&
	    host->doc_meta(sink, "auteur", "Auteur", o->author) == -1)
		return -1;
	if (havedate && host->doc_meta(sink, "date", "Date", fr) == -1)
		return -1;
	if (o->subject != NULL &&
	    host->doc_meta(sink, "sujet", "Sujet", o->subject) == -1)
		return -1;
	if (o->keywords.len > 0 && host->doc_meta(sink, "mots_cles",
	    "Mots-clés", o->keywords.s) == -1)
		return -1;
	if (o->description != NULL && host->doc_meta(sink, "description",
	    "Description", o->description) == -1)
		return -1;
	if (host->doc_meta(sink, "format", "Format", o->odf ?
	    "OpenDocument texte (.odt)" : "Word (.docx)") == -1)
		return -1;
	if (o->html.len > 0 &&
	    host->doc_html(sink, o->html.s, o->html.len) == -1)
		return -1;
	return host->doc_end(sink);
}

static void
office_free(struct office *o)
{
	if (o->zip != NULL)
		zip_discard(o->zip);
	if (o->styles != NULL)
		xmlHashFree(o->styles, office_style_free);
	free(o->xml_error);
	ob_free(&o->body);
	ob_free(&o->heads);
	ob_free(&o->html);
	ob_free(&o->notes_text);
	ob_free(&o->notes_html);
	ob_free(&o->line);
	ob_free(&o->clean);
	ob_free(&o->row);
	ob_free(&o->rowhtml);
	ob_free(&o->keywords);
	free(o->first_heading);
	free(o->title);
	free(o->author);
	free(o->creator);
	free(o->created);
	free(o->modified);
	free(o->subject);
	free(o->description);
}

static int
office_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct office	 o;
	int		 rc = -1;

	memset(&o, 0, sizeof o);
	o.sink = sink;
	o.in = in;
	if (office_open(&o) == 0 &&
	    (o.odf ? office_read_odf(&o) : office_read_docx(&o)) == 0 &&
	    office_emit(&o) == 0)
		rc = 0;
	office_free(&o);
	return rc;
}

/*
 * 100 for an archive that says it is ours, 10 for a file that only has
 * our extension: extract then says precisely what is wrong with it (a
 * 0 would only tell the person that no plugin wants the file).
 */
static int
office_probe(void *state, const struct savoir_input *in)
{
	zip_source_t	*src;
	zip_t		*zip;
	zip_file_t	*zf;
	zip_stat_t	 st;
	zip_error_t	 ze;
	zip_int64_t	 idx, n;
	char		 mime[64];
	int		 kind, score = 10;

	if ((kind = office_ext(in->path)) == 0)
		return 0;
	if (in->len < 4 || memcmp(in->data, "PK\003\004", 4) != 0)
		return 10;
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(in->data, in->len, 0,
	    &ze)) == NULL) {
		zip_error_fini(&ze);
		return 10;
	}
	if ((zip = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return 10;
	}
	zip_error_fini(&ze);
	if (kind == 2)
		score = zip_name_locate(zip, "[Content_Types].xml", 0) >= 0 ?
		    100 : 10;
	else if ((idx = zip_name_locate(zip, "mimetype", 0)) >= 0) {
		zip_stat_init(&st);
		if (zip_stat_index(zip, (zip_uint64_t)idx, 0, &st) == 0 &&
		    (st.valid & ZIP_STAT_SIZE) && st.size < sizeof mime &&
		    (zf = zip_fopen_index(zip, (zip_uint64_t)idx, 0)) != NULL) {
			n = zip_fread(zf, mime, sizeof mime - 1);
			if (n >= (zip_int64_t)strlen(ODT_MIME) &&
			    memcmp(mime, ODT_MIME, strlen(ODT_MIME)) == 0)
				score = 100;
			zip_fclose(zf);
		}
	} else if (zip_name_locate(zip, "content.xml", 0) >= 0)
		score = 60;
	zip_discard(zip);
	return score;
}
