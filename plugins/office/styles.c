/*
 * styles.c - the office plugin's paragraph styles, common to both formats:
 * the table of styles by id (what each is named, what it is based on, its
 * outline level) and what makes a paragraph a heading: a level from its
 * style's name or outline, following what the style is based on.
 *
 * It does not read styles.xml: docx.c and odf.c fill the table with
 * office_style_add().  It must never loop on a basedOn chain: a chain
 * stops after OFFICE_STYLE_HOPS styles.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "office.h"

void
office_style_free(void *payload, const xmlChar *name)
{
	struct office_style	*s = payload;

	free(s->name);
	free(s->parent);
	free(s);
}

void
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
int
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
