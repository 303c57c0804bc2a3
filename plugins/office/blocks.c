/*
 * blocks.c - the office plugin's document model, common to both formats:
 * the blocks a document is made of (paragraphs, headings, list items,
 * notes, tables) and how each becomes text columns (body, headings, notes
 * after the body; a table as one line a row, cells joined by " | ") and
 * escaped HTML, within the sizes the host takes.
 *
 * It reads a block handed to it by container.c and asks docx.c or odf.c
 * for the raw text of a paragraph or cell.  Every text it writes to the
 * HTML is escaped; past OFFICE_TEXT_MAX or OFFICE_HTML_MAX it must cut
 * and stop reading, never pass an oversize column to the host.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "office.h"

/* Close the <ul> the last list items opened. */
void
office_close_list(struct office *o)
{
	if (o->list_open) {
		office_host->buf_adds(&o->html, "</ul>\n");
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
	int	 cut;

	cut = buf_clip(&o->body, OFFICE_TEXT_MAX) |
	    buf_clip(&o->heads, OFFICE_TEXT_MAX);
	if (o->html.len > OFFICE_HTML_MAX) {
		buf_cut(&o->html, htmlmark);
		cut = 1;
	}
	if (!cut)
		return;
	o->full = 1;
	if (o->ctxt != NULL)
		xmlStopParser(o->ctxt);
}

/* Emit a paragraph from its raw text: a heading (level > 0), a list item
 * or a plain paragraph. */
void
office_para(struct office *o, int level, int list,
    const struct savoir_buf *raw)
{
	struct savoir_buf	*t = &o->clean;
	size_t			 mark = o->html.len;
	char			*p;
	int			 h;

	office_squash(raw, t);
	if (t->len == 0 || t->failed)
		return;
	if (level > 0) {
		if (o->first_heading == NULL &&
		    (o->first_heading = strdup(t->s)) != NULL)
			for (p = o->first_heading; *p != '\0'; p++)
				if (*p == '\n')
					*p = ' ';
		office_line(&o->heads, t->s, t->len);
		office_close_list(o);
		/* The page's title is its <h1>: level 1 is an <h2>. */
		h = level + 1 > 6 ? 6 : level + 1;
		office_host->buf_printf(&o->html, "<h%d>", h);
		office_html(&o->html, t->s, t->len);
		office_host->buf_printf(&o->html, "</h%d>\n", h);
	} else {
		office_line(&o->body, t->s, t->len);
		if (list) {
			if (!o->list_open)
				office_host->buf_adds(&o->html, "<ul>\n");
			o->list_open = 1;
			office_host->buf_adds(&o->html, "<li>");
			office_html(&o->html, t->s, t->len);
			office_host->buf_adds(&o->html, "</li>\n");
		} else {
			office_close_list(o);
			office_host->buf_adds(&o->html, "<p>");
			office_html(&o->html, t->s, t->len);
			office_host->buf_adds(&o->html, "</p>\n");
		}
	}
	office_check_full(o, mark);
}

/* A note: "[citation] text", after the document's body. */
void
office_note(struct office *o, const char *citation,
    const struct savoir_buf *raw)
{
	struct savoir_buf	*t = &o->clean;
	char			 num[16];

	office_squash(raw, t);
	if (t->len == 0 || t->failed)
		return;
	o->nnotes++;
	if (citation == NULL || *citation == '\0') {
		snprintf(num, sizeof num, "%d", o->nnotes);
		citation = num;
	}
	if (o->notes_text.len > 0)
		office_host->buf_adds(&o->notes_text, "\n");
	office_host->buf_printf(&o->notes_text, "[%s] ", citation);
	office_host->buf_add(&o->notes_text, t->s, t->len);
	office_host->buf_adds(&o->notes_html, "<p>[");
	office_html(&o->notes_html, citation, strlen(citation));
	office_host->buf_adds(&o->notes_html, "] ");
	office_html(&o->notes_html, t->s, t->len);
	office_host->buf_adds(&o->notes_html, "</p>\n");
	if (o->notes_text.len > OFFICE_TEXT_MAX / 4 ||
	    o->notes_html.len > OFFICE_HTML_MAX / 4) {
		o->full = 1;
		if (o->ctxt != NULL)
			xmlStopParser(o->ctxt);
	}
}

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
	struct savoir_buf	*t = &o->clean;
	size_t			 i;

	buf_cut(&o->line, 0);
	if (o->odf)
		office_odf_inline(o, c, &o->line, 1);
	else
		office_docx_inline(o, c, &o->line);
	office_squash(&o->line, t);
	for (i = 0; i < t->len; i++)
		if (t->s[i] == '\n')
			t->s[i] = ' ';
	if (r->ncells++ > 0)
		office_host->buf_adds(&o->row, " | ");
	office_host->buf_add(&o->row, buf_str(t), t->len);
	office_host->buf_adds(&o->rowhtml, r->header ? "<th>" : "<td>");
	office_html(&o->rowhtml, buf_str(t), t->len);
	office_host->buf_adds(&o->rowhtml, r->header ? "</th>" : "</td>");
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
	buf_cut(&o->row, 0);
	buf_cut(&o->rowhtml, 0);
	office_cells(o, tr, &r);
	if (r.keep == 0)
		return;		/* an empty row */
	buf_cut(&o->row, r.keep);
	buf_cut(&o->rowhtml, r.keephtml);
	office_line(&o->body, o->row.s, o->row.len);
	office_host->buf_adds(&o->html, "<tr>");
	office_host->buf_add(&o->html, o->rowhtml.s, o->rowhtml.len);
	office_host->buf_adds(&o->html, "</tr>\n");
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
	office_host->buf_adds(&o->html, "<table>\n");
	office_rows(o, t, 0, &nrows);
	if (nrows == 0)
		buf_cut(&o->html, mark);
	else
		office_host->buf_adds(&o->html, "</table>\n");
	office_check_full(o, mark);
}

/* Read one block, or walk into whatever holds blocks. */
void
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
