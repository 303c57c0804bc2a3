/*
 * url.c - the links the pages hold, built with every value
 * percent-encoded: a query parameter, a document's /doc/ address, a
 * search's /recherche address; and the other way, a request's target
 * decoded into its path and parameters, refused unless both are UTF-8
 * without NUL.
 */
#include "config.h"

#include <ctype.h>
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

/* Every '%' must start a two-digit hex escape; none may be %00, which
 * would cut the text short. */
static int
url_valid_escapes(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != '%')
			continue;
		if (!isxdigit((unsigned char)s[1]) ||
		    !isxdigit((unsigned char)s[2]))
			return 0;
		if (s[1] == '0' && s[2] == '0')
			return 0;
	}
	return 1;
}

static int
url_valid_args(const struct evkeyvalq *args)
{
	struct evkeyval	*kv;

	TAILQ_FOREACH(kv, args, next) {
		if (!utf8_valid(kv->key, strlen(kv->key), NULL) ||
		    !utf8_valid(kv->value, strlen(kv->value), NULL))
			return 0;
	}
	return 1;
}

int
url_decode(const char *raw, char **path, struct evkeyvalq *args)
{
	struct evhttp_uri	*uri;
	const char		*p, *query;
	size_t			 len;
	int			 rc = URL_BAD_FORM;

	*path = NULL;
	if (!url_valid_escapes(raw) ||
	    (uri = evhttp_uri_parse_with_flags(raw, 0)) == NULL)
		return URL_BAD_FORM;
	if ((p = evhttp_uri_get_path(uri)) == NULL || *p != '/')
		goto out;
	rc = URL_BAD_PATH;
	*path = evhttp_uridecode(p, 0, &len);
	if (*path == NULL || strlen(*path) != len ||
	    !utf8_valid(*path, len, NULL))
		goto out;
	rc = URL_BAD_QUERY;
	query = evhttp_uri_get_query(uri);
	if (query != NULL && (evhttp_parse_query_str(query, args) == -1 ||
	    !url_valid_args(args)))
		goto out;
	rc = 0;
out:
	evhttp_uri_free(uri);
	return rc;
}
