/*
 * container.c - the office plugin's container: the zip archive (libzip)
 * and the XML parts read from it.  It opens the archive and tells ODF from
 * Word, inflates a part a chunk at a time under the zip-bomb limits, and
 * feeds those chunks to libxml2's push parser, either building a small
 * part's tree or streaming a large one: each top-level block is handed to
 * office_block() as soon as it ends, then freed.
 *
 * Every byte is untrusted.  It must never inflate past the limits in
 * office.h (the header is checked first, then every byte read is counted,
 * so a lying header buys nothing), never accept a DOCTYPE (no entity is
 * ever declared nor expanded, no DTD or external file loaded), never touch
 * the network, and never hold a streamed part whole in memory.  What the
 * parts mean is for blocks.c, docx.c and odf.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>

#include "office.h"

/* Bytes to megabytes, rounded up: "would expand to 64 MB". */
static unsigned long long
office_mb(uint64_t n)
{
	return (unsigned long long)((n + (1 << 20) - 1) >> 20);
}

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
	office_host->buf_add(arg, chunk, n);
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

/* Open the archive and tell the two formats apart. */
int
office_open(struct office *o)
{
	const unsigned char	*d = o->in->data;
	size_t			 len = o->in->len;
	zip_source_t		*src;
	zip_error_t		 ze;
	zip_int64_t		 n, idx;
	struct savoir_buf	 mime = SAVOIR_BUF_INIT;
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
			office_host->buf_free(&mime);
			return -1;
		}
		if (mime.failed) {
			office_host->buf_free(&mime);
			return office_oom(o);
		}
		while (mime.len > 0 && strchr(" \r\n", mime.s[mime.len - 1]))
			buf_cut(&mime, mime.len - 1);
		office_printable(buf_str(&mime), mime.len, shown,
		    sizeof shown);
		office_host->buf_free(&mime);
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
int
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
