/*
 * jstr.c - JSON strings for the pages and the API, never NULL: jansson
 * refuses invalid UTF-8, and one bad byte in a stored title must not turn
 * a whole page or answer into a 500, so the string is repaired instead.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

/* A JSON string, never NULL: a bad byte in the index must not lose the
 * page (jansson refuses invalid UTF-8). */
json_t *
jstr(const char *s)
{
	struct buf	 b;
	json_t		*j;

	if (s == NULL)
		s = "";
	if ((j = json_string(s)) != NULL)
		return j;
	buf_init(&b);
	utf8_repair(s, strlen(s), &b);
	j = json_stringn(b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return j != NULL ? j : json_string("");
}

/* A JSON string made from a malloc'd C string, which is freed. */
json_t *
jstr_free(char *s)
{
	json_t	*j = jstr(s);

	free(s);
	return j;
}

const char *
jstr_get(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}
