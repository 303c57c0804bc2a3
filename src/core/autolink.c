/*
 * autolink.c - web addresses written out in running text ("voir
 * https://www.legifrance.gouv.fr/..."): where each one starts and ends, and
 * the short label a page shows for a long one (its host).
 *
 * The sanitizer (sanitize.c) turns the spans found here into links, after
 * its own checks of the scheme, and savoird labels a document's sources
 * the same way; this file never writes HTML.  Only
 * http:// and https:// addresses with a plausible host are taken: a bare
 * "www.example.org" or an address cut by a line end stays text.
 */
#include "config.h"

#include <string.h>

#include "savoir.h"

#define AUTOLINK_MAX	2048	/* longer is not an address a person wrote */
#define AUTOLINK_SHORT	48	/* longer is shown as its host */

static int
autolink_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Does an address start at p ("http://" or "https://", any case)? Returns
 * the length of the scheme and "://", or 0. */
static size_t
autolink_scheme(const char *p, size_t n)
{
	if (n >= 8 && strncasecmp(p, "https://", 8) == 0)
		return 8;
	if (n >= 7 && strncasecmp(p, "http://", 7) == 0)
		return 7;
	return 0;
}

/*
 * Where the address stops: at white space, a control, a quote or angle
 * bracket, French guillemets and the no-break spaces French typography
 * puts before them.  Other non-ASCII letters are part of it (an IRI).
 */
static size_t
autolink_stop(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i;

	for (i = 0; i < n && i < AUTOLINK_MAX; i++) {
		if (u[i] <= 0x20 || u[i] == 0x7F || u[i] == '<' ||
		    u[i] == '>' || u[i] == '"' || u[i] == '`' || u[i] == '{' ||
		    u[i] == '}' || u[i] == '|' || u[i] == '\\' || u[i] == '^')
			break;
		/* U+00A0, U+00AB «, U+00BB » */
		if (u[i] == 0xC2 && i + 1 < n && (u[i + 1] == 0xA0 ||
		    u[i + 1] == 0xAB || u[i + 1] == 0xBB))
			break;
		/* U+2009, U+202F (thin spaces), U+2019 ’, U+201D ” */
		if (u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0x89 || u[i + 2] == 0xAF || u[i + 2] == 0x99 ||
		    u[i + 2] == 0x9D))
			break;
	}
	return i;
}

/* Drop what ends a sentence rather than the address: trailing
 * punctuation, and a closing bracket that has no opening one inside. */
static size_t
autolink_trim(const char *p, size_t n)
{
	size_t	 i, open, close;
	char	 c, o;

	while (n > 0) {
		c = p[n - 1];
		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' ||
		    c == '?' || c == '\'' || c == '*' || c == '_') {
			n--;
			continue;
		}
		if (c != ')' && c != ']')
			break;
		o = c == ')' ? '(' : '[';
		for (open = close = 0, i = 0; i < n; i++) {
			if (p[i] == o)
				open++;
			else if (p[i] == c)
				close++;
		}
		if (close <= open)
			break;
		n--;
	}
	return n;
}

/* The host part after the scheme: letters, digits, dots, hyphens (and
 * non-ASCII for internationalised names), an optional port. */
static size_t
autolink_host(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 i, dots = 0;

	for (i = 0; i < n; i++) {
		if (u[i] == '.')
			dots++;
		else if (!(autolink_alnum(u[i]) || u[i] == '-' || u[i] >= 0x80))
			break;
	}
	if (i == 0 || u[0] == '.' || u[0] == '-' || u[i - 1] == '-' ||
	    (dots == 0 && !(i == 9 && strncasecmp(p, "localhost", 9) == 0)))
		return 0;
	if (i < n && u[i] == ':') {
		size_t j = i + 1;

		while (j < n && u[j] >= '0' && u[j] <= '9')
			j++;
		if (j == i + 1 || j - i > 6)
			return 0;
		i = j;
	}
	if (i < n && u[i] != '/' && u[i] != '?' && u[i] != '#')
		return 0;
	return i;
}

/*
 * The next web address in text[*pos..len): 1 with its span in [*start,
 * *end) and *pos moved past it, or 0 when there is none.
 */
int
autolink_next(const char *text, size_t len, size_t *pos, size_t *start,
    size_t *end)
{
	const char	*p;
	size_t		 i, sl, hl, n;

	for (i = *pos; i + 7 <= len; i++) {
		if (text[i] != 'h' && text[i] != 'H')
			continue;
		if (i > 0 && (autolink_alnum((unsigned char)text[i - 1]) ||
		    text[i - 1] == '/' || text[i - 1] == '.'))
			continue;
		if ((sl = autolink_scheme(text + i, len - i)) == 0)
			continue;
		p = text + i;
		n = autolink_stop(p, len - i);
		if (n >= AUTOLINK_MAX) {
			i += n;
			continue;
		}
		n = autolink_trim(p, n);
		if (n <= sl || (hl = autolink_host(p + sl, n - sl)) == 0)
			continue;
		*start = i;
		*end = i + n;
		*pos = i + n;
		return 1;
	}
	*pos = len;
	return 0;
}

/*
 * What a page shows for the address [url, url + n): itself when short,
 * else its host without the scheme, followed by "/…" when a path follows
 * (the whole address stays in the link and its title).  Returns the
 * length to show from url + *off, and sets *ellipsis.
 */
size_t
autolink_label(const char *url, size_t n, size_t *off, int *ellipsis)
{
	size_t	 sl, hl;

	*off = 0;
	*ellipsis = 0;
	if (n <= AUTOLINK_SHORT || (sl = autolink_scheme(url, n)) == 0 ||
	    (hl = autolink_host(url + sl, n - sl)) == 0)
		return n;
	*off = sl;
	*ellipsis = sl + hl < n;
	return hl;
}

/* Is [s, s + n) exactly one web address (the text of a link that shows
 * its own address)? */
int
autolink_whole(const char *s, size_t n)
{
	size_t	 pos = 0, start, end;

	return autolink_next(s, n, &pos, &start, &end) && start == 0 &&
	    end == n;
}
