/*
 * fuzz_url.c - libFuzzer: url_decode (url.c), which turns every request
 * target into a path and parameters, on any bytes: what it accepts is
 * UTF-8 without NUL, and the links url.c builds from those values decode
 * back to the same values.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The link for q decodes to /recherche with q again. */
static void
round_trip(const char *q)
{
	struct evkeyvalq	 args;
	const char		*v;
	char			*link, *path;

	TAILQ_INIT(&args);
	link = url_for_search(q);
	if (url_decode(link, &path, &args) != 0 ||
	    strcmp(path, "/recherche") != 0)
		abort();
	v = evhttp_find_header(&args, "q");
	if (*q == '\0' ? v != NULL : v == NULL || strcmp(v, q) != 0)
		abort();
	evhttp_clear_headers(&args);
	free(path);
	free(link);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct evkeyvalq	 args;
	struct evkeyval		*kv;
	char			*raw, *path, *link, *back;
	int			 rc;

	raw = xstrndup((const char *)data, len);
	TAILQ_INIT(&args);
	rc = url_decode(raw, &path, &args);
	if (rc == 0) {
		if (path == NULL || *path != '/' ||
		    !utf8_valid(path, strlen(path), NULL))
			abort();
		TAILQ_FOREACH(kv, &args, next) {
			if (!utf8_valid(kv->key, strlen(kv->key), NULL) ||
			    !utf8_valid(kv->value, strlen(kv->value), NULL))
				abort();
			round_trip(kv->value);
		}
		/* A document's link: every '/'-separated part encoded. */
		link = url_for_doc(path + 1, NULL);
		evhttp_clear_headers(&args);
		free(path);
		if (url_decode(link, &path, &args) != 0 ||
		    strncmp(path, "/doc/", 5) != 0)
			abort();
		back = xstrdup(path + 5);
		free(path);
		free(link);
		evhttp_clear_headers(&args);
		if (url_decode(raw, &path, &args) != 0 ||
		    strcmp(back, path + 1) != 0)
			abort();
		free(back);
	} else if (rc != URL_BAD_FORM && rc != URL_BAD_PATH &&
	    rc != URL_BAD_QUERY)
		abort();
	evhttp_clear_headers(&args);
	free(path);
	free(raw);
	return 0;
}
