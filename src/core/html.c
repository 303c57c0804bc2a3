/*
 * html.c - escaping text for HTML.  Every writer of HTML in the tree ends
 * here: the sanitizer (its output is stored, so what it escapes must never
 * change), the snippets and the plugin toolkit.  The output goes through a
 * callback in runs, so a writer that must not abort (the toolkit, under
 * the extractor's memory limit) keeps its own buffer.
 */
#include "config.h"

#include <string.h>

#include "savoir.h"

/* The entity that stands for c under flags, or NULL if c stands for itself. */
static const char *
html_entity(char c, int flags)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return (flags & HTML_QUOT) ? "&quot;" : NULL;
	case '\'':
		return (flags & HTML_APOS) ? "&#39;" : NULL;
	default:
		return NULL;
	}
}

void
html_escape_cb(const char *s, size_t len, int flags,
    void (*add)(void *, const char *, size_t), void *arg)
{
	const char	*ent;
	size_t		 i, from = 0;

	for (i = 0; i < len; i++) {
		if ((ent = html_entity(s[i], flags)) == NULL)
			continue;
		add(arg, s + from, i - from);
		add(arg, ent, strlen(ent));
		from = i + 1;
	}
	/* Even when empty: an add may be what makes the buffer a string. */
	add(arg, s + from, len - from);
}

static void
html_buf_add(void *arg, const char *s, size_t len)
{
	buf_add(arg, s, len);
}

void
html_escape(struct buf *b, const char *s, size_t len, int flags)
{
	html_escape_cb(s, len, flags, html_buf_add, b);
}
