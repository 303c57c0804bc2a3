/*
 * fuzz_config.c - libFuzzer: savoird.conf (config.c, through inih) on any
 * bytes is loaded or refused with a reason, never crashes, and a refused
 * file leaves nothing allocated.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "savoird.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*path;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct config	 c;
	FILE		*f;
	char		*cause = NULL;

	if (path == NULL) {
		log_set_level(SAVOIR_LOG_ERROR + 1);
		xasprintf(&path, "/dev/shm/fuzz_config.%ld.conf",
		    (long)getpid());
	}
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
	if (config_load(path, &c, &cause) == 0) {
		if (cause != NULL || c.nlisten + c.nhttp_listen == 0)
			abort();
		config_free(&c);
	} else if (cause == NULL)
		abort();	/* refused without a reason */
	free(cause);
	unlink(path);
	return 0;
}
