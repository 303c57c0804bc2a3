/*
 * fuzz_plugin.c - libFuzzer: one content plugin's extract on any bytes,
 * in-process, through the fake host of the unit tests (tests/unit/
 * fakehost.c), which checks every call the plugin makes against the ABI.
 * Built once per plugin with -DFUZZ_PLUGIN="name"; the plugin is dlopened
 * from $SAVOIR_PLUGINS, else from this build's plugins-dev (FUZZ_PLUGINDIR),
 * built with the same sanitizers and coverage as the fuzzer.  extract must
 * return 0 or -1 with an error, leave no document open, and break no rule
 * of the ABI (UTF-8 strings, calls inside a document, ...): any misuse
 * aborts.  Document ids are judged as the real host judges them
 * (record_id_check): a refused one fails the file, and the plugin must
 * then stop, as it must in the indexer.  The file name given to the plugin follows the bytes where the
 * plugin reads two formats: .jsonl for a line starting with '{' (else
 * .csv), .docx for a zip naming word/ (else .odt).
 */
#include "config.h"

#include <dlfcn.h>

#include "../tests/unit/testutil.h"
#include "../tests/unit/fakehost.h"

/* src/index/record.c (extract_int.h has a savoir_sink of its own) */
const char	*record_id_check(const char *);

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *
fuzz_rel(const uint8_t *data, size_t len)
{
	const char	*name = FUZZ_PLUGIN;
	size_t		 i;

	if (strcmp(name, "notes") == 0)
		return "fuzz/note.md";
	if (strcmp(name, "legal") == 0)
		return "fuzz/texte.txt";
	if (strcmp(name, "legi") == 0)
		return "fuzz/code.json";
	if (strcmp(name, "html") == 0)
		return "fuzz/page.html";
	if (strcmp(name, "pdf") == 0)
		return "fuzz/doc.pdf";
	if (strcmp(name, "partenariat") == 0) {
		for (i = 0; i < len && (data[i] == ' ' || data[i] == '\n' ||
		    data[i] == '\r' || data[i] == '\t'); i++)
			;
		return i < len && data[i] == '{' ? "fuzz/liste.jsonl" :
		    "fuzz/liste.csv";
	}
	if (strcmp(name, "office") == 0)
		return memmem(data, len, "word/", 5) != NULL ?
		    "fuzz/doc.docx" : "fuzz/doc.odt";
	abort();
}

/* The fake host's table, but doc_begin refuses what the host refuses. */
static struct savoir_host	 fuzz_host;

/* The host's doc_begin refuses such an id by failing the file. */
static int
fuzz_doc_begin(struct savoir_sink *s, const char *id, const char *type)
{
	const char	*why;

	if (id != NULL && (why = record_id_check(id)) != NULL) {
		fuzz_host.error(s, "invalid document id \"%.80s\": %s", id,
		    why);
		return -1;
	}
	return fake_host.doc_begin(s, id, type);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char		*dir = getenv("SAVOIR_PLUGINS");
	savoir_plugin_entry_fn	 entry;
	void			*h;
	char			*path;

	/* Loaded before the first input: the plugin's coverage counters
	 * must be known to libFuzzer from the start. */
	if (dir == NULL)
		dir = FUZZ_PLUGINDIR;
	fuzz_host = fake_host;
	fuzz_host.doc_begin = fuzz_doc_begin;
	path = xsprintf("%s/%s.so", dir, FUZZ_PLUGIN);
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)) ==
	    NULL || (entry = (savoir_plugin_entry_fn)dlsym(h,
	    "savoir_plugin_entry")) == NULL || (plugin = entry(&fuzz_host)) ==
	    NULL || (plugin->init != NULL && plugin->init(&fuzz_host,
	    &pstate) == -1)) {
		fprintf(stderr, "cannot load the plugin %s (%s)\n", path,
		    h == NULL ? dlerror() : "entry or init failed");
		exit(1);
	}
	free(path);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct savoir_sink	 s;
	int			 rc;

	rc = run_mem(&s, fuzz_rel(data, len), (const char *)data, len, 0);
	if ((rc != 0 && rc != -1) || s.misuse != 0)
		abort();	/* fakehost.c said why on stderr */
	sink_clear(&s);
	return 0;
}
