/*
 * text.c - the office plugin's text, on the host's struct savoir_buf:
 * what the host's toolkit lacks (HTML escaping that turns a newline
 * into <br>), the lines of a column, and how raw text from the
 * XML becomes clean text (white space squashed, line breaks kept, UTF-8
 * never split).
 *
 * It knows nothing of zip, of XML trees or of either format: it works on
 * bytes the others hand it.  It must never fail loudly: a failed
 * allocation only sets the buffer's failed flag, which office_emit() checks
 * once.
 */
#include "config.h"

#include <string.h>

#include "office.h"

/* Add text escaped for HTML; a newline becomes <br>. */
void
office_html(struct savoir_buf *b, const char *s, size_t n)
{
	const char	*nl;

	while (n > 0 && (nl = memchr(s, '\n', n)) != NULL) {
		office_host->buf_html(b, s, (size_t)(nl - s));
		office_host->buf_adds(b, "<br>");
		n -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	office_host->buf_html(b, s, n);
}

/* Add a line to a column: lines are separated by newlines. */
void
office_line(struct savoir_buf *col, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (col->len > 0)
		office_host->buf_adds(col, "\n");
	office_host->buf_add(col, s, n);
}

/*
 * Squash raw block text into dst: runs of spaces made one, line breaks
 * (the only newlines in raw text, from w:br or text:line-break) kept but
 * never doubled nor next to a space, nothing at either end.
 */
void
office_squash(const struct savoir_buf *src, struct savoir_buf *dst)
{
	const char	*p = buf_str(src), *end = p + src->len;
	int		 space = 0;

	buf_cut(dst, 0);
	for (; p < end; p++) {
		if (*p == ' ') {
			space = dst->len > 0 && dst->s[dst->len - 1] != '\n';
			continue;
		}
		if (*p == '\n') {
			space = 0;
			if (dst->len > 0 && dst->s[dst->len - 1] != '\n')
				office_host->buf_adds(dst, "\n");
			continue;
		}
		if (space)
			office_host->buf_adds(dst, " ");
		space = 0;
		office_host->buf_add(dst, p, 1);
	}
	while (dst->len > 0 && dst->s[dst->len - 1] == '\n')
		buf_cut(dst, dst->len - 1);
}

/* Add text from the XML: its own white space (indentation, newlines of
 * the source) is only spacing; line breaks come from elements. */
void
office_addtext(struct savoir_buf *out, const xmlChar *text)
{
	const char	*p = (const char *)text, *start = p;

	if (p == NULL)
		return;
	for (; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			office_host->buf_add(out, start, (size_t)(p - start));
			office_host->buf_adds(out, " ");
			start = p + 1;
		}
	}
	office_host->buf_add(out, start, (size_t)(p - start));
}

/* A separator between two pieces of text that were separate blocks. */
void
office_space(struct savoir_buf *out)
{
	if (out->len > 0 && out->s[out->len - 1] != ' ')
		office_host->buf_adds(out, " ");
}
