/*
 * toc.c - the table of contents of a document page (« Sommaire »): its
 * section headings, h2 and h3, with the ids the indexer's sanitizer gave
 * them (sanitize.c), read back from the stored HTML.
 *
 * That HTML is the sanitizer's own output, written in one canonical form
 * (lower-case names, double-quoted attributes, the five entities
 * html_escape writes), so this only looks for `<h2 id="…">…</h2>`; it
 * never sees a document as its author wrote it.  The text comes back
 * unescaped for the template, which escapes it again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define TOC_MAX		60	/* entries listed */
#define TOC_TEXT_MAX	200	/* bytes of a heading's text */

/* Text of [p, end): tags dropped, entities decoded, spaces collapsed. */
static char *
toc_text(const char *p, const char *end)
{
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	    { "&quot;", '"' }, { "&#39;", '\'' } };
	struct buf	 b;
	size_t		 i, n;
	int		 space = 0;

	buf_init(&b);
	while (p < end && b.len < TOC_TEXT_MAX) {
		if (*p == '<') {
			while (p < end && *p != '>')
				p++;
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\n' || *p == '\t') {
			space = b.len > 0;
			p++;
			continue;
		}
		if (space) {
			buf_addc(&b, ' ');
			space = 0;
		}
		if (*p == '&') {
			for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
				n = strlen(ents[i].ent);
				if ((size_t)(end - p) >= n &&
				    strncmp(p, ents[i].ent, n) == 0)
					break;
			}
			if (i < sizeof ents / sizeof ents[0]) {
				buf_addc(&b, ents[i].c);
				p += strlen(ents[i].ent);
				continue;
			}
		}
		buf_addc(&b, *p++);
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	/* A cut in the middle of a character would not be UTF-8. */
	while (b.len > 0 && !utf8_valid(b.data, b.len, NULL))
		b.len--;
	buf_addc(&b, '\0');
	return buf_steal(&b);
}

/*
 * [{level, id, text}] for the h2 and h3 of html that carry an id, in
 * order; an empty array when there are none.
 */
json_t *
toc_from_html(const char *html)
{
	json_t		*toc = json_array();
	const char	*p = html, *id, *idend, *gt, *close;
	char		*text, *ids, closing[6];
	int		 level;

	if (p == NULL)
		return toc;
	while (json_array_size(toc) < TOC_MAX &&
	    (p = strstr(p, "<h")) != NULL) {
		p += 2;
		if ((*p != '2' && *p != '3') || strncmp(p + 1, " id=\"", 5) != 0)
			continue;
		level = *p - '0';
		id = p + 6;
		if ((idend = strchr(id, '"')) == NULL ||
		    (gt = strchr(idend, '>')) == NULL)
			break;
		snprintf(closing, sizeof closing, "</h%d>", level);
		if ((close = strstr(gt, closing)) == NULL)
			break;
		p = close;
		if ((text = toc_text(gt + 1, close)) == NULL)
			continue;
		ids = xstrndup(id, (size_t)(idend - id));
		json_array_append_new(toc, json_pack("{s:i,s:o,s:o}", "level",
		    level, "id", jstr_free(ids), "text", jstr_free(text)));
	}
	return toc;
}
