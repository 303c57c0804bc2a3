/*
 * fuzz_render.c - libFuzzer: the template engine (render.c) on any
 * templates and data.  The input is "page\0partial\0json": the two
 * templates (the page may include {{> part}}, and part itself) and the
 * data; without valid JSON, data of our own whose every string is markup.
 * Templates load or are refused with a reason; rendering ends; the output
 * is UTF-8; and with our data, no markup from it reaches the output
 * unescaped (there is no "_html" key).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "savoird.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MARK	"<x y='1'>&amp;"

static char	*dir, *page_path, *part_path;
static json_t	*own;

static void
write_file(const char *path, const char *p, size_t n)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static void
setup(void)
{
	json_error_t	 err;

	log_set_level(SAVOIR_LOG_ERROR + 1);
	xasprintf(&dir, "/dev/shm/fuzz_render.%ld", (long)getpid());
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		abort();
	xasprintf(&page_path, "%s/page.html", dir);
	xasprintf(&part_path, "%s/part.html", dir);
	own = json_loads("{\"a\": \"" MARK "\", \"b\": [\"" MARK "\", {\"a\": "
	    "\"" MARK "\", \"c\": true}, 3], \"c\": {\"a\": \"" MARK "\", "
	    "\"d\": [[\"" MARK "\"]]}, \"d\": false, \"e\": null, \"f\": 2.5, "
	    "\"g\": [], \"h\": \"\"}", 0, &err);
	if (own == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char		*p = (const char *)data, *part = "", *json;
	size_t			 npage = len, npart = 0, njson = 0, n;
	struct templates	*t;
	struct evbuffer		*out;
	json_error_t		 err;
	json_t			*d = NULL;
	char			*cause = NULL;
	unsigned char		*s;
	int			 rc;

	if (dir == NULL)
		setup();
	if ((part = memchr(p, '\0', len)) != NULL) {
		npage = (size_t)(part - p);
		part++;
		npart = len - npage - 1;
		if ((json = memchr(part, '\0', npart)) != NULL) {
			njson = npart - (size_t)(json - part) - 1;
			npart = (size_t)(json - part);
			d = json_loadb(json + 1, njson, 0, &err);
		}
	} else
		part = "";
	write_file(page_path, p, npage);
	write_file(part_path, part, npart);
	if ((t = templates_load(dir, &cause)) == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		json_decref(d);
		return 0;
	}
	if ((out = evbuffer_new()) == NULL)
		abort();
	rc = templates_render(t, "page", d != NULL ? d : own, out);
	n = evbuffer_get_length(out);
	s = evbuffer_pullup(out, -1);
	if (rc == 0 && n > 0 && !utf8_valid((const char *)s, n, NULL))
		abort();
	if (rc == 0 && d == NULL && n > 0 && memmem(s, n, "<x", 2) != NULL &&
	    memmem(p, npage, "<x", 2) == NULL &&
	    memmem(part, npart, "<x", 2) == NULL)
		abort();	/* our data's markup went through unescaped */
	evbuffer_free(out);
	templates_free(t);
	json_decref(d);
	return 0;
}
