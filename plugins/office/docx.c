/*
 * docx.c - Office Open XML word-processing documents (.docx): the reading
 * order of the parts (_rels/.rels to the main part and the core
 * properties, then styles.xml, the body, the footnotes and endnotes), the
 * Word styles, the text of paragraphs and their runs, notes, and the
 * metadata of docProps/core.xml.
 *
 * It knows only WordprocessingML: the zip and the XML parsing are
 * container.c's, what a paragraph becomes is blocks.c's.  It must never
 * take text that is not the document's (deletions, field codes, the
 * fallback copy of an alternate content).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "office.h"

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

/* Elements whose text is not the document's: deletions, field codes,
 * properties, the fallback copy of an alternate content. */
int
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
void
office_docx_inline(struct office *o, const xmlNode *node,
    struct savoir_buf *out)
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
			office_host->buf_adds(out, " ");
		else if (office_w(c, "br") || office_w(c, "cr"))
			office_host->buf_adds(out, "\n");
		else if (office_w(c, "noBreakHyphen"))
			office_host->buf_adds(out, "-");
		else if (office_w(c, "p") || office_w(c, "tc")) {
			/* A text box's paragraphs, a nested table's cells. */
			office_space(out);
			office_docx_inline(o, c, out);
			office_space(out);
		} else
			office_docx_inline(o, c, out);
	}
}

void
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
	buf_cut(&o->line, 0);
	office_docx_inline(o, p, &o->line);
	office_para(o, level, list, &o->line);
}

void
office_docx_note(struct office *o, const xmlNode *n)
{
	const char	*type = office_attr(n, NS_W, "type");

	/* The separator lines above the notes are notes too. */
	if (type != NULL && strcmp(type, "normal") != 0)
		return;
	buf_cut(&o->line, 0);
	office_docx_inline(o, n, &o->line);
	office_note(o, NULL, &o->line);
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

int
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
		office_meta(o, xmlDocGetRootElement(doc)->children);
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
