/*
 * fuzz_sanitize.c - libFuzzer: the HTML sanitizer never crashes and never
 * lets a script element or an event-handler attribute through.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "index.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Text may say "onerror=" or "javascript:"; a tag may not. */
static int
bad_tag(const char *tag, size_t len)
{
	char	*t = xstrndup(tag, len), *p;
	int	 bad;

	for (p = t; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	bad = strncmp(t, "<script", 7) == 0 || strncmp(t, "<style", 6) == 0 ||
	    strncmp(t, "<iframe", 7) == 0 || strstr(t, "javascript:") != NULL;
	for (p = t; !bad && (p = strstr(p, " on")) != NULL; p += 3) {
		const char *q = p + 3;

		while (*q >= 'a' && *q <= 'z')
			q++;
		bad = q > p + 3 && *q == '=';
	}
	free(t);
	return bad;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*p, *end;
	char		*out;

	out = html_sanitize((const char *)data, len, "cgct");
	for (p = out; p != NULL && (p = strchr(p, '<')) != NULL; p = end) {
		if ((end = strchr(p, '>')) == NULL)
			abort();	/* output is always well-formed */
		if (bad_tag(p, (size_t)(end - p)))
			abort();
	}
	free(out);
	return 0;
}
