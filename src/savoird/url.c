/*
 * url.c - the links the pages hold, built with every value
 * percent-encoded: a query parameter, a document's /doc/ address, a
 * search's /recherche address.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

/* Append key=value to a URL being built, percent-encoding both. */
void
url_param(struct buf *b, const char *key, const char *value)
{
	char	*k, *v;

	k = evhttp_uriencode(key, -1, 0);
	v = evhttp_uriencode(value, -1, 0);
	if (k == NULL || v == NULL)
		fatalx("url_param: out of memory");
	buf_addc(b, strchr(b->data, '?') == NULL ? '?' : '&');
	buf_printf(b, "%s=%s", k, v);
	free(k);
	free(v);
}

/* "/doc/" and the id, each of its '/'-separated parts encoded. */
static void
url_doc(struct buf *b, const char *id)
{
	const char	*slash;
	char		*part, *enc;

	buf_adds(b, "/doc/");
	for (;;) {
		slash = strchr(id, '/');
		part = slash != NULL ? xstrndup(id, slash - id) : xstrdup(id);
		if ((enc = evhttp_uriencode(part, -1, 0)) == NULL)
			fatalx("url_doc: out of memory");
		buf_adds(b, enc);
		free(enc);
		free(part);
		if (slash == NULL)
			break;
		buf_addc(b, '/');
		id = slash + 1;
	}
}

char *
url_for_doc(const char *id, const char *q)
{
	struct buf	 b;

	buf_init(&b);
	url_doc(&b, id);
	if (q != NULL && *q != '\0')
		url_param(&b, "q", q);
	return buf_steal(&b);
}

char *
url_for_search(const char *q)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "/recherche");
	if (*q != '\0')
		url_param(&b, "q", q);
	return buf_steal(&b);
}
