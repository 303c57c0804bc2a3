/*
 * url.c - percent-decoding for the plugins (url.h).  A % that is not
 * followed by two hex digits stays as it is, as browsers leave it.
 */
#include "config.h"

#include "url.h"

static int
url_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Add [s, s + n) to out, percent-decoded, through h's toolkit. */
void
url_decode(const struct savoir_host *h, struct savoir_buf *out,
    const char *s, size_t n)
{
	size_t	 i;
	int	 hi, lo;
	char	 c;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    (hi = url_hexval(s[i + 1])) != -1 &&
		    (lo = url_hexval(s[i + 2])) != -1) {
			c = (char)(hi * 16 + lo);
			h->buf_add(out, &c, 1);
			i += 2;
		} else
			h->buf_add(out, s + i, 1);
	}
}
