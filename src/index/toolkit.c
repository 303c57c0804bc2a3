/*
 * toolkit.c - the plugin toolkit of the host table (since ABI 0.3): a
 * growable string, HTML escaping and UTF-8 checking and repair, so that
 * each plugin need not carry its own.
 *
 * These run inside the extractor child, under its memory limit, on
 * buffers the plugin owns: they never abort.  Running out of memory sets
 * the buffer's sticky failed flag and the plugin reports it once.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

void
tk_buf_add(struct savoir_buf *b, const char *s, size_t n)
{
	/* An empty add still makes s a string, as the header promises. */
	if (!b->failed && mem_append(&b->s, &b->len, &b->cap, s, n) == -1)
		b->failed = 1;
}

void
tk_buf_adds(struct savoir_buf *b, const char *s)
{
	tk_buf_add(b, s, strlen(s));
}

void
tk_buf_printf(struct savoir_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (mem_room(&b->s, b->len, &b->cap, (size_t)n) == -1) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void
tk_html_add(void *b, const char *s, size_t n)
{
	tk_buf_add(b, s, n);
}

void
tk_buf_html(struct savoir_buf *b, const char *s, size_t n)
{
	html_escape_cb(s, n, HTML_QUOTES, tk_html_add, b);
}

size_t
tk_utf8_check(const char *s, size_t n)
{
	size_t	 bad;

	return utf8_valid(s, n, &bad) ? n : bad;
}

/* Windows-1252's 0x80-0x9F (0 where it has no character); 0xA0-0xFF are
 * the Latin-1 code points. */
static const uint16_t tk_cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

void
tk_buf_repair(struct savoir_buf *b, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 ok;
	char			 u[4];

	while (n > 0) {
		ok = tk_utf8_check(s, n);
		tk_buf_add(b, s, ok);
		if (ok == n)
			return;
		p = (const unsigned char *)s + ok;
		cp = *p < 0xA0 ? (*p >= 0x80 ? tk_cp1252[*p - 0x80] : 0) : *p;
		if (cp == 0)
			cp = 0xFFFD;
		tk_buf_add(b, u, utf8_encode(cp, u));
		s += ok + 1;
		n -= ok + 1;
	}
}

void
tk_buf_rtrim(struct savoir_buf *b)
{
	while (b->len > 0 && (b->s[b->len - 1] == ' ' ||
	    b->s[b->len - 1] == '\t' || b->s[b->len - 1] == '\r' ||
	    b->s[b->len - 1] == '\n'))
		b->s[--b->len] = '\0';
}

void
tk_buf_free(struct savoir_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}
