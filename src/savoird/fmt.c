/*
 * fmt.c - text as the pages show it and compare it: numbers and durations
 * written the French way, values folded (fr_fold) to be compared without
 * accents or case, and names put in a page's order.  Out of memory is
 * fatal, as with xmalloc.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savoird.h"

/* fr_fold, out of memory being fatal as with xmalloc. */
char *
fmt_fold(const char *s, size_t len)
{
	char	*f;

	if ((f = fr_fold(s, len)) == NULL)
		fatalx("fr_fold: out of memory");
	return f;
}

/* 12345 as "12 345", with the narrow no-break space French uses. */
char *
fmt_int(int64_t n)
{
	char		 digits[32];
	struct buf	 b;
	size_t		 len, i;

	snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
	len = strlen(digits);
	buf_init(&b);
	if (n < 0)
		buf_addc(&b, '-');
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_adds(&b, "\xe2\x80\xaf");	/* U+202F */
		buf_addc(&b, digits[i]);
	}
	return buf_steal(&b);
}

/* A duration: "0,4 ms", "37 ms", "1,2 s", with a decimal comma. */
char *
fmt_duration(int64_t us)
{
	if (us < 10000)
		return xsprintf("%lld,%lld ms", (long long)(us / 1000),
		    (long long)(us % 1000 / 100));
	if (us < 1000000)
		return xsprintf("%lld ms", (long long)(us / 1000));
	return xsprintf("%lld,%lld s", (long long)(us / 1000000),
	    (long long)(us % 1000000 / 100000));
}

int
fmt_rank(const char *const *order, const char *name)
{
	size_t	 i;

	for (i = 0; order[i] != NULL; i++)
		if (strcmp(order[i], name) == 0)
			return (int)i;
	return (int)i;
}
