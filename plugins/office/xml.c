/*
 * xml.c - the office plugin's XML helpers: is a node this element of this
 * namespace (Word's two namespaces, transitional and strict, read as one),
 * an attribute's plain value, a child element, a small decimal, and the
 * squashed text of a small element (a metadata value), and the Dublin Core
 * elements both formats write alike.
 *
 * It only reads trees libxml2 has built: it must never parse, allocate
 * more than one value's text, nor know which part or format a node is from.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "office.h"

int
office_is(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    n->ns->href != NULL &&
	    strcmp((const char *)n->name, name) == 0 &&
	    strcmp((const char *)n->ns->href, ns) == 0;
}

/* A WordprocessingML element, transitional or strict. */
int
office_w(const xmlNode *n, const char *name)
{
	return office_is(n, NS_W, name) || office_is(n, NS_W_STRICT, name);
}

int
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
const char *
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

xmlNode *
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
int
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

/* The text of a small element, white space squashed, cut to a sane
 * length; NULL if empty.  Caller frees. */
char *
office_meta_text(struct office *o, const xmlNode *n)
{
	xmlChar			*raw;
	struct savoir_buf	 in = SAVOIR_BUF_INIT, out = SAVOIR_BUF_INIT;
	char			*s;

	if ((raw = xmlNodeGetContent(n)) == NULL)
		return NULL;
	office_addtext(&in, raw);
	xmlFree(raw);
	office_squash(&in, &out);
	office_host->buf_free(&in);
	buf_clip(&out, OFFICE_META_MAX);
	/* A copy: the host's buffer is only ever given back to the host. */
	s = out.failed || out.len == 0 ? NULL : strdup(out.s);
	office_host->buf_free(&out);
	return s;
}

/* Set *dst once (the first value wins). */
void
office_set(struct office *o, char **dst, const xmlNode *n)
{
	if (*dst == NULL)
		*dst = office_meta_text(o, n);
}

/*
 * The metadata elements kept, each into one field (the first value wins).
 * Their namespaces tell the formats apart (dcterms is .docx's, meta is
 * .odt's); dc:creator is the author in .docx but the last to save in .odt:
 * it is kept apart, and office_meta makes it the author only when no one
 * is named as the initial creator.
 */
static const struct {
	const char	*ns;
	const char	*name;
	size_t		 field;	/* offset of a char * in the office */
} office_meta_fields[] = {
	{ NS_DC, "title", offsetof(struct office, title) },
	{ NS_DC, "subject", offsetof(struct office, subject) },
	{ NS_DC, "description", offsetof(struct office, description) },
	{ NS_DC, "creator", offsetof(struct office, creator) },
	{ NS_DC, "date", offsetof(struct office, modified) },
	{ NS_DCTERMS, "created", offsetof(struct office, created) },
	{ NS_DCTERMS, "modified", offsetof(struct office, modified) },
	{ NS_META, "initial-creator", offsetof(struct office, author) },
	{ NS_META, "creation-date", offsetof(struct office, created) },
};

/* Add the text of c to the keywords, after a comma when some came first,
 * as long as they hold less than OFFICE_META_MAX bytes. */
static void
office_meta_keyword(struct office *o, const xmlNode *c)
{
	char	*kw;

	if (o->keywords.len >= OFFICE_META_MAX ||
	    (kw = office_meta_text(o, c)) == NULL)
		return;
	if (o->keywords.len > 0)
		office_host->buf_adds(&o->keywords, ", ");
	office_host->buf_adds(&o->keywords, kw);
	free(kw);
}

/* Read the metadata elements from c and its next siblings (the children of
 * docProps/core.xml's root or of meta.xml's office:meta). */
void
office_meta(struct office *o, const xmlNode *c)
{
	size_t	 i;

	for (; c != NULL; c = c->next) {
		/* .docx holds every keyword in one element (the first one
		 * wins), .odt one keyword an element. */
		if ((office_is(c, NS_CP, "keywords") && o->keywords.len == 0) ||
		    office_is(c, NS_META, "keyword")) {
			office_meta_keyword(o, c);
			continue;
		}
		for (i = 0; i < sizeof office_meta_fields /
		    sizeof office_meta_fields[0]; i++)
			if (office_is(c, office_meta_fields[i].ns,
			    office_meta_fields[i].name))
				office_set(o, (char **)((char *)o +
				    office_meta_fields[i].field), c);
	}
	if (o->author == NULL) {
		o->author = o->creator;
		o->creator = NULL;
	}
}
