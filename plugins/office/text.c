/*
 * text.c - the office plugin's text: struct ob, a growable string whose
 * allocation failure is sticky, HTML escaping, the lines of a column, and
 * how raw text from the XML becomes clean text (white space squashed,
 * line breaks kept, UTF-8 never split).
 *
 * It knows nothing of zip, of XML trees or of either format: it works on
 * bytes the others hand it.  It must never fail loudly: a failed
 * allocation only sets ->failed, which office_emit() checks once.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "office.h"

void
ob_add(struct ob *b, const char *p, size_t n)
{
	size_t	 cap;
	char	*s;

	if (b->failed || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap > 0 ? b->cap : 256;
		while (cap < b->len + n + 1) {
			if (cap > SIZE_MAX / 2) {
				b->failed = 1;
				return;
			}
			cap *= 2;
		}
		if ((s = realloc(b->s, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
ob_adds(struct ob *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

void
ob_addc(struct ob *b, char c)
{
	ob_add(b, &c, 1);
}

/* Cut back to n bytes (n <= len). */
void
ob_cut(struct ob *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->s[n] = '\0';
	}
}

void
ob_reset(struct ob *b)
{
	ob_cut(b, 0);
}

const char *
ob_str(const struct ob *b)
{
	return b->s != NULL ? b->s : "";
}

void
ob_free(struct ob *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

/* Add text escaped for HTML; a newline becomes <br>. */
void
ob_html(struct ob *b, const char *s, size_t n)
{
	size_t		 i, start = 0;
	const char	*rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\n':
			rep = "<br>";
			break;
		default:
			continue;
		}
		ob_add(b, s + start, i - start);
		ob_adds(b, rep);
		start = i + 1;
	}
	ob_add(b, s + start, n - start);
}

/* Add a line to a column: lines are separated by newlines. */
void
ob_line(struct ob *col, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (col->len > 0)
		ob_addc(col, '\n');
	ob_add(col, s, n);
}

/* The largest length <= n that does not split a UTF-8 sequence. */
size_t
utf8_floor(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * Squash raw block text into dst: runs of spaces made one, line breaks
 * (the only newlines in raw text, from w:br or text:line-break) kept but
 * never doubled nor next to a space, nothing at either end.
 */
void
office_squash(const struct ob *src, struct ob *dst)
{
	const char	*p = ob_str(src), *end = p + src->len;
	int		 space = 0;

	ob_reset(dst);
	for (; p < end; p++) {
		if (*p == ' ') {
			space = dst->len > 0 && dst->s[dst->len - 1] != '\n';
			continue;
		}
		if (*p == '\n') {
			space = 0;
			if (dst->len > 0 && dst->s[dst->len - 1] != '\n')
				ob_addc(dst, '\n');
			continue;
		}
		if (space)
			ob_addc(dst, ' ');
		space = 0;
		ob_addc(dst, *p);
	}
	while (dst->len > 0 && dst->s[dst->len - 1] == '\n')
		ob_cut(dst, dst->len - 1);
}

/* Add text from the XML: its own white space (indentation, newlines of
 * the source) is only spacing; line breaks come from elements. */
void
office_addtext(struct ob *out, const xmlChar *text)
{
	const char	*p = (const char *)text, *start = p;

	if (p == NULL)
		return;
	for (; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			ob_add(out, start, (size_t)(p - start));
			ob_addc(out, ' ');
			start = p + 1;
		}
	}
	ob_add(out, start, (size_t)(p - start));
}

/* A separator between two pieces of text that were separate blocks. */
void
office_space(struct ob *out)
{
	if (out->len > 0 && out->s[out->len - 1] != ' ')
		ob_addc(out, ' ');
}
