/*
 * buf.h - the two uses of a struct savoir_buf that the host's toolkit
 * leaves to the plugin, which owns the struct (plugin.h): emptying it to
 * reuse its memory, and reading it as a string when nothing may have been
 * added yet.  Everything else goes through host->buf_*.
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

#endif /* PLUGIN_BUF_H */
