/*
 * odf.c - OpenDocument text (.odt): the reading order of the parts (the
 * manifest, to refuse an encrypted content.xml; styles.xml, meta.xml,
 * then content.xml streamed), the ODF paragraph styles, the text of
 * paragraphs and headings, notes, and the metadata of meta.xml.
 *
 * It knows only the OpenDocument vocabulary: the zip and the XML parsing
 * are container.c's, what a paragraph becomes is blocks.c's.  It must
 * never take text that is not the document's (tracked deletions,
 * annotations, indexes that repeat the headings).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "office.h"

/* ODF office:styles or office:automatic-styles: paragraph styles. */
void
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

int
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
void
office_odf_inline(struct office *o, const xmlNode *node, struct savoir_buf *out,
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
			office_host->buf_adds(out, " ");
		else if (office_is(c, NS_TEXT, "line-break"))
			office_host->buf_adds(out, "\n");
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
	const xmlNode		*cit, *body;
	struct savoir_buf	 text = SAVOIR_BUF_INIT;
	char			*num = NULL;

	if ((body = office_child(note, NS_TEXT, "note-body")) == NULL)
		return;
	if ((cit = office_child(note, NS_TEXT, "note-citation")) != NULL)
		num = office_meta_text(o, cit);
	office_odf_inline(o, body, &text, 0);
	if (text.failed)
		o->body.failed = 1;
	office_note(o, num, &text);
	free(num);
	office_host->buf_free(&text);
}

void
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
	buf_cut(&o->line, 0);
	office_odf_inline(o, p, &o->line, 1);
	office_para(o, level, o->list_depth > 0, &o->line);
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

int
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
		root = xmlDocGetRootElement(doc);
		if ((c = office_child(root, NS_OFFICE, "meta")) != NULL)
			office_meta(o, c->children);
		xmlFreeDoc(doc);
	}
	return office_parse(o, "content.xml", 1, 1, NULL);
}
