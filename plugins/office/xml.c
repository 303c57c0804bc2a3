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
 * Keep c if it is one of the Dublin Core elements both formats mean the
 * same way (dc:title, dc:subject, dc:description; not dc:creator, the
 * author in .docx but the last to save in .odt).  0 if it is none.
 */
int
office_meta_dc(struct office *o, const xmlNode *c)
{
	if (office_is(c, NS_DC, "title"))
		office_set(o, &o->title, c);
	else if (office_is(c, NS_DC, "subject"))
		office_set(o, &o->subject, c);
	else if (office_is(c, NS_DC, "description"))
		office_set(o, &o->description, c);
	else
		return 0;
	return 1;
}
