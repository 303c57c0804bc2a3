/*
 * buf.h - the uses of a struct savoir_buf that the host's toolkit leaves
 * to the plugin, which owns the struct (plugin.h): emptying it or cutting
 * it back to reuse its memory, and reading it as a string when nothing may
 * have been added yet.  Everything else goes through host->buf_*.
 *
 * Header only, included by any plugin: it must never call the host nor
 * allocate.
 */
#ifndef PLUGIN_BUF_H
#define PLUGIN_BUF_H

#include "savoir/plugin.h"

/* Empty b and keep its memory for the next text. */
static inline void
buf_reset(struct savoir_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

/* b's text, "" before anything was added (or when the first add failed). */
static inline const char *
buf_str(const struct savoir_buf *b)
{
	return b->s != NULL ? b->s : "";
}

/* Cut b back to n bytes; nothing happens when n >= b->len. */
static inline void
buf_cut(struct savoir_buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->s[n] = '\0';
	}
}

/*
 * Cut b to at most max bytes without splitting a UTF-8 sequence: the
 * limits the host takes are in bytes, the text it checks is UTF-8.
 * 1 when b was cut.
 */
static inline int
buf_clip(struct savoir_buf *b, size_t max)
{
	size_t	 n = max;

	if (b->len <= max)
		return 0;
	while (n > 0 && ((unsigned char)b->s[n] & 0xC0) == 0x80)
		n--;
	buf_cut(b, n);
	return 1;
}

#endif /* PLUGIN_BUF_H */
