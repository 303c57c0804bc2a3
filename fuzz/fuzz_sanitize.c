/*
 * fuzz_sanitize.c - libFuzzer: the HTML sanitizer never crashes and never
 * lets a script element, an event-handler attribute or a script URL
 * through.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "index.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Does a URL attribute's value run script?  As a browser reads it:
 * character references decoded, ASCII whitespace and controls dropped,
 * case folded, then the scheme.
 */
static int
bad_url(const char *v, size_t n)
{
	char		 u[16];
	size_t		 i, k = 0;
	unsigned long	 c;
	char		*e;

	for (i = 0; i < n && k < sizeof u - 1; i++) {
		c = (unsigned char)v[i];
		if (c == '&' && i + 2 < n && v[i + 1] == '#') {
			c = v[i + 2] == 'x' || v[i + 2] == 'X' ?
			    strtoul(v + i + 3, &e, 16) : strtoul(v + i + 2, &e,
			    10);
			i = (size_t)(e - v) - (*e == ';' ? 0 : 1);
		} else if (c == '&' && strncmp(v + i, "&colon;", 7) == 0) {
			c = ':';
			i += 6;
		}
		if (c <= ' ' || c == 0x7f)
			continue;
		u[k++] = (char)tolower((int)(c & 0x7f));
	}
	u[k] = '\0';
	return strncmp(u, "javascript:", 11) == 0 ||
	    strncmp(u, "vbscript:", 9) == 0;
}

/* Is it an attribute a browser follows as a URL? */
static int
url_attr(const char *name, size_t n)
{
	static const char *const urls[] = { "href", "src", "action",
	    "formaction", "xlink:href", "data", "poster", "background",
	    "cite", "srcset", "lowsrc", "dynsrc", NULL };
	size_t	 i;

	for (i = 0; urls[i] != NULL; i++)
		if (strlen(urls[i]) == n && strncasecmp(name, urls[i], n) == 0)
			return 1;
	return 0;
}

/*
 * Text may say "onerror=" or "javascript:"; a tag may not have a script,
 * style or iframe name, an on* attribute or a script URL.  The output is
 * libxml2's: attributes name="value", the value escaped.
 */
static int
bad_tag(const char *t, size_t len)
{
	const char	*end = t + len, *name, *v;
	size_t		 nlen;

	if (len >= 2 && t[1] == '/')
		return 0;
	if (strncasecmp(t, "<script", 7) == 0 || strncasecmp(t, "<style", 6) ==
	    0 || strncasecmp(t, "<iframe", 7) == 0)
		return 1;
	for (t++; t < end && !isspace((unsigned char)*t) && *t != '/';)
		t++;
	while (t < end) {
		while (t < end && (isspace((unsigned char)*t) || *t == '/'))
			t++;
		for (name = t; t < end && *t != '=' && !isspace((unsigned
		    char)*t) && *t != '/';)
			t++;
		nlen = (size_t)(t - name);
		if (nlen >= 2 && strncasecmp(name, "on", 2) == 0)
			return 1;
		if (t >= end || *t != '=')
			continue;
		t++;
		if (t < end && (*t == '"' || *t == '\'')) {
			for (v = ++t; t < end && *t != v[-1];)
				t++;
		} else
			for (v = t; t < end && !isspace((unsigned char)*t);)
				t++;
		if (url_attr(name, nlen) && bad_url(v, (size_t)(t - v)))
			return 1;
		if (t < end)
			t++;
	}
	return 0;
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
