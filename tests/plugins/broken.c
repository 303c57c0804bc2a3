/*
 * broken.c - test plugins for the loader and the extractor, one source
 * built six ways (Makefile.am):
 *
 *   -DGOOD             a real small plugin: one document per non-empty line
 *   -DBROKEN_ABI       speaks ABI 999
 *   -DBROKEN_NO_ENTRY  exports the wrong symbol
 *   -DBROKEN_CRASH     dereferences NULL in extract
 *   -DBROKEN_HANG      loops forever in extract
 *   -DBROKEN_MEMHOG    allocates and touches memory until that fails
 *
 * The good plugin also drives the host's checks from its input: a line
 * starting with '!' is a directive (see good_directive) that makes it
 * misbehave on purpose.  Only the host's function table is used: these
 * plugins never link against host symbols.
 */
/* Plugins are built like third-party code: no config.h. */
#define _POSIX_C_SOURCE 200809L

#include <sys/resource.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savoir/plugin.h"

#if defined(GOOD)
#define P_NAME	"good"
#define P_EXT	".good"
#elif defined(BROKEN_ABI)
#define P_NAME	"bad_abi"
#define P_EXT	".badabi"
#elif defined(BROKEN_NO_ENTRY)
#define P_NAME	"no_entry"
#define P_EXT	".noentry"
#elif defined(BROKEN_CRASH)
#define P_NAME	"crash"
#define P_EXT	".crash"
#elif defined(BROKEN_HANG)
#define P_NAME	"hang"
#define P_EXT	".hang"
#elif defined(BROKEN_MEMHOG)
#define P_NAME	"memhog"
#define P_EXT	".memhog"
#else
#error "build with one of -DGOOD -DBROKEN_ABI -DBROKEN_NO_ENTRY -DBROKEN_CRASH -DBROKEN_HANG -DBROKEN_MEMHOG"
#endif

/* Give up well before the machine does if no memory limit was set. */
#define MEMHOG_MAX	((size_t)2 << 30)
#define MEMHOG_STEP	((size_t)1 << 20)

static const struct savoir_host	*host;

/*
 * Declarations as a later version might grow them, with a member this
 * host does not know: the descriptor gives their size, and the loader
 * must read them at that stride (test_plugin's t_type checks it).
 */
struct grown_facet {
	struct savoir_facet_decl d;
	double		 future;
};
struct grown_type {
	struct savoir_type_decl d;
	const char	*future[3];
};

static const struct grown_facet facets[] = {
	{ { "ligne", "Ligne", SAVOIR_FACET_KEYWORD }, 1.0 },
	{ { "colonne", "Colonne", SAVOIR_FACET_YEAR }, 2.0 },
	{ { NULL, NULL, 0 }, 0 }
};

static const struct grown_type types[] = {
	{ { P_NAME, "Ligne de test", "Lignes de test", &facets[0].d },
	    { "x", "y", "z" } },
	{ { NULL, NULL, NULL, NULL }, { NULL, NULL, NULL } }
};

static const char *const extensions[] = { P_EXT, NULL };

#ifdef GOOD
struct good_state {
	int	 files;
};

static int
good_init(const struct savoir_host *h, void **state)
{
	if ((*state = calloc(1, sizeof(struct good_state))) == NULL)
		return -1;
	h->log(SAVOIR_LOG_DEBUG, "good: init");
	return 0;
}

static void
good_fini(void *state)
{
	free(state);
}

/* A file starting with "REFUSE" is not for this plugin. */
static int
good_probe(void *state, const struct savoir_input *in)
{
	(void)state;
	if (in->len >= 6 && memcmp(in->data, "REFUSE", 6) == 0)
		return 0;
	return 60;
}

static int
good_facets(struct savoir_sink *sink, int n)
{
	char	 v[32];
	int	 i;

	if (host->doc_begin(sink, "good/facets", "good") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(v, sizeof v, "%d", i);
		if (host->doc_facet(sink, "ligne", v) == -1)
			return -1;
	}
	return host->doc_end(sink) == -1 ? -1 : 1;
}

static int
good_bigtext(struct savoir_sink *sink, const char *args)
{
	char	*text, id[32];
	size_t	 len;
	int	 mb = 0, count = 0, i, r = 1;

	if (sscanf(args, "%d %d", &mb, &count) != 2 || mb <= 0)
		return -1;
	len = (size_t)mb << 20;
	if ((text = malloc(len)) == NULL)
		return -1;
	memset(text, 'x', len);
	for (i = 0; i < count && r == 1; i++) {
		snprintf(id, sizeof id, "good/big%d", i);
		if (host->doc_begin(sink, id, "good") == -1 ||
		    host->doc_text(sink, SAVOIR_COL_BODY, text, len) == -1 ||
		    host->doc_end(sink) == -1)
			r = -1;
	}
	free(text);
	return r;
}

/*
 * Directives, one per line, to make the host's checks fire:
 *   !id <id>      the next document gets this id
 *   !type <t>     the next document gets this type
 *   !warn <text>  a warning for this line
 *   !error <text> fail the file with this message
 *   !nested       begin a document inside another
 *   !end          end a document that was never begun
 *   !noend        begin a document and return without ending it
 *   !ignore       begin with a bad id, ignore the -1, return 0
 *   !html <html>  the next document's HTML body (*html, malloc'd)
 *   !link <id>    the next document links to id (*link, malloc'd)
 *   !idprefix     the next document's id is the host's default id
 *   !fd <n>       warn whether descriptor n is open in the child
 *   !limits       warn the child's core and CPU limits
 *   !facets <n>   a document with n facets
 *   !bigtext <mb> <count>  count documents of mb megabytes of text each
 * Returns 1 if handled, -1 to stop with an error, 0 if not a directive.
 */
static int
good_directive(const struct savoir_input *in, struct savoir_sink *sink,
    long lineno, const char *line, char *id, size_t idsz, char *type,
    size_t typesz, char **html, char **link)
{
	struct rlimit	 core, cpu;
	int		 fd;

	if (strncmp(line, "!id ", 4) == 0) {
		snprintf(id, idsz, "%s", line + 4);
		return 1;
	}
	if (strncmp(line, "!type ", 6) == 0) {
		snprintf(type, typesz, "%s", line + 6);
		return 1;
	}
	if (strncmp(line, "!html ", 6) == 0) {
		free(*html);
		return (*html = strdup(line + 6)) == NULL ? -1 : 1;
	}
	if (strncmp(line, "!link ", 6) == 0) {
		free(*link);
		return (*link = strdup(line + 6)) == NULL ? -1 : 1;
	}
	if (strcmp(line, "!idprefix") == 0) {
		snprintf(id, idsz, "%s", in->id_prefix);
		return 1;
	}
	if (strncmp(line, "!fd ", 4) == 0) {
		fd = atoi(line + 4);
		host->warn(sink, lineno, "fd %d %s", fd,
		    fcntl(fd, F_GETFD) == -1 ? "closed" : "open");
		return 1;
	}
	if (strcmp(line, "!limits") == 0) {
		getrlimit(RLIMIT_CORE, &core);
		getrlimit(RLIMIT_CPU, &cpu);
		host->warn(sink, lineno, "core %llu cpu %llu",
		    (unsigned long long)core.rlim_cur,
		    (unsigned long long)cpu.rlim_cur);
		return 1;
	}
	if (strncmp(line, "!facets ", 8) == 0)
		return good_facets(sink, atoi(line + 8));
	if (strncmp(line, "!bigtext ", 9) == 0)
		return good_bigtext(sink, line + 9);
	if (strncmp(line, "!warn ", 6) == 0) {
		host->warn(sink, lineno, "%s", line + 6);
		return 1;
	}
	if (strncmp(line, "!error ", 7) == 0) {
		host->error(sink, "%s", line + 7);
		return -1;
	}
	if (strcmp(line, "!nested") == 0) {
		if (host->doc_begin(sink, "good/outer", "good") == -1 ||
		    host->doc_begin(sink, "good/inner", "good") == -1)
			return -1;
		return 1;
	}
	if (strcmp(line, "!end") == 0)
		return host->doc_end(sink) == -1 ? -1 : 1;
	if (strcmp(line, "!noend") == 0)
		return host->doc_begin(sink, "good/open", "good") == -1 ? -1 :
		    2;
	if (strcmp(line, "!ignore") == 0) {
		(void)host->doc_begin(sink, "../etc/passwd", "good");
		return 2;
	}
	return 0;
}

static int
good_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct good_state	*st = state;
	const char		*p = (const char *)in->data, *end, *nl, *next;
	char			*html = NULL, *link = NULL, *line = NULL;
	char			 id[512] = "", type[64] = "good";
	char			 num[32];
	long			 lineno = 0;
	size_t			 len;
	int			 r, ret = -1;

	st->files++;
	end = p + in->len;
	for (; p < end; p = next) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		next = nl < end ? nl + 1 : end;
		len = (size_t)(nl - p);
		if (len == 0)
			continue;
		free(line);
		if ((line = malloc(len + 1)) == NULL) {
			host->error(sink, "out of memory");
			goto out;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (line[0] == '!') {
			r = good_directive(in, sink, lineno, line, id, sizeof id,
			    type, sizeof type, &html, &link);
			if (r == -1)
				goto out;
			if (r == 2) {
				ret = 0;
				goto out;
			}
			if (r == 1)
				continue;
		}
		if (id[0] == '\0')
			snprintf(id, sizeof id, "good/%ld", lineno);
		snprintf(num, sizeof num, "%ld", lineno);
		if (host->doc_begin(sink, id, type) == -1 ||
		    host->doc_text(sink, SAVOIR_COL_TITLE, line, len) == -1 ||
		    host->doc_text(sink, SAVOIR_COL_BODY, line, len) == -1 ||
		    host->doc_facet(sink, "ligne", num) == -1 ||
		    host->doc_meta(sink, "ligne", "Ligne", num) == -1 ||
		    (html != NULL &&
		    host->doc_html(sink, html, strlen(html)) == -1) ||
		    (link != NULL &&
		    host->doc_link(sink, link, "lien", "voir") == -1) ||
		    host->doc_end(sink) == -1)
			goto out;
		id[0] = '\0';
		snprintf(type, sizeof type, "good");
		free(html);
		free(link);
		html = link = NULL;
	}
	ret = 0;
out:
	free(html);
	free(link);
	free(line);
	return ret;
}
#endif /* GOOD */

#ifdef BROKEN_MEMHOG
static int
memhog_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	size_t	 total = 0;
	char	*p;

	(void)state;
	(void)in;
	while (total < MEMHOG_MAX) {
		/* What a careless parser does when malloc fails. */
		if ((p = malloc(MEMHOG_STEP)) == NULL)
			abort();
		memset(p, 0xA5, MEMHOG_STEP);
		total += MEMHOG_STEP;
	}
	host->error(sink, "allocated %zu MB and no limit stopped it",
	    total >> 20);
	return -1;
}
#endif

#if !defined(GOOD) && !defined(BROKEN_MEMHOG)
/*
 * crash: a real SIGSEGV; hang: a loop that never ends; bad_abi and
 * no_entry: never called. UBSan is kept out of the way of the SIGSEGV.
 */
__attribute__((no_sanitize("undefined")))
static int
bad_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
#if defined(BROKEN_CRASH)
	volatile int *volatile	 p = NULL;
#elif defined(BROKEN_HANG)
	volatile unsigned long	 n = 0;
#endif

	(void)state;
	(void)in;
	(void)sink;
#if defined(BROKEN_CRASH)
	*p = 1;
#elif defined(BROKEN_HANG)
	for (;;)
		n++;
#endif
	return 0;
}
#endif

static const struct savoir_plugin plugin = {
#ifdef BROKEN_ABI
	.abi = 999,
#else
	.abi = SAVOIR_PLUGIN_ABI,
#endif
	.size = sizeof(struct savoir_plugin),
	.type_decl_size = sizeof(struct grown_type),
	.facet_decl_size = sizeof(struct grown_facet),
	.name = P_NAME,
	.version = "0.0.1",
	.description = "test plugin " P_NAME,
	.types = &types[0].d,
	.extensions = extensions,
	.mime_types = NULL,
#if defined(GOOD)
	.init = good_init,
	.fini = good_fini,
	.probe = good_probe,
	.extract = good_extract,
#elif defined(BROKEN_MEMHOG)
	.extract = memhog_extract,
#else
	.extract = bad_extract,
#endif
};

#ifdef BROKEN_NO_ENTRY
/* Almost the right name: the loader must not guess. */
SAVOIR_EXPORT const struct savoir_plugin *savoir_plugin_entry_v0(
    const struct savoir_host *);

const struct savoir_plugin *
savoir_plugin_entry_v0(const struct savoir_host *h)
#else
const struct savoir_plugin *
savoir_plugin_entry(const struct savoir_host *h)
#endif
{
	host = h;
	return &plugin;
}
