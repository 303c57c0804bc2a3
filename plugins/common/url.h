/*
 * url.h - percent-decoding, for the plugins that turn the links of a
 * document (Markdown /doc/ links, HTML hrefs) into document ids.
 *
 * Compiled into each plugin that needs it (not into libsavoir): it reaches
 * the host only through the function table passed in, and never checks
 * what it decodes: the caller validates the id that comes out.
 */
#ifndef PLUGIN_URL_H
#define PLUGIN_URL_H

#include <stddef.h>

#include "savoir/plugin.h"

void	url_decode(const struct savoir_host *, struct savoir_buf *,
	    const char *, size_t);

#endif /* PLUGIN_URL_H */
