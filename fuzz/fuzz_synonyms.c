/*
 * fuzz_synonyms.c - libFuzzer: a synonyms file (synonyms.c) on any bytes
 * is accepted or refused with a reason; an accepted one answers lookups
 * of every line's terms, folded as the query parser folds them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct synonyms	 *s;
	const char	**group;
	char		 *cause = NULL, *copy, *term, *next, *folded;
	size_t		  n;

	if ((s = synonyms_parse((const char *)data, len, &cause)) == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	if (cause != NULL)
		abort();
	(void)synonyms_count(s);
	(void)synonyms_max_words(s);
	copy = xstrndup((const char *)data, len);
	for (term = copy; term != NULL; term = next) {
		if ((next = strpbrk(term, ",\n")) != NULL)
			*next++ = '\0';
		folded = fr_fold(term, strlen(term));
		if ((group = synonyms_lookup(s, folded)) != NULL) {
			for (n = 0; group[n] != NULL; n++)
				if (!utf8_valid(group[n], strlen(group[n]),
				    NULL))
					abort();
			free(group);	/* the array only */
		}
		free(folded);
	}
	free(copy);
	synonyms_free(s);
	return 0;
}
