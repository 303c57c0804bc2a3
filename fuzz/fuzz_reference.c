/*
 * fuzz_reference.c - libFuzzer: the reference finder (reference.c,
 * textref_next) on any text: each reference lies inside the text after
 * the previous one, its keys are short printable strings, and the scan
 * always moves forward and ends.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_key(const char *k, size_t size, int may_be_empty)
{
	size_t	 n = strnlen(k, size);

	if (n == size || (n == 0 && !may_be_empty))
		abort();
	for (; *k != '\0'; k++)
		if ((unsigned char)*k <= ' ' || (unsigned char)*k >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*text = (const char *)data;
	struct textref	 ref;
	size_t		 pos = 0, last = 0, before;

	for (;;) {
		before = pos;
		memset(&ref, 0xa5, sizeof ref);
		if (textref_next(text, len, &pos, &ref) == 0)
			break;
		if (ref.start < last || ref.start < before ||
		    ref.start >= ref.end || ref.end > len || pos <= before ||
		    pos > len)
			abort();
		check_key(ref.key, sizeof ref.key, 0);
		check_key(ref.key2, sizeof ref.key2, 1);
		last = ref.end;
	}
	return 0;
}
