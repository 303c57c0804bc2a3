/*
 * fakehost.c - the fake host of the plugin test programs.  It loads one
 * plugin with dlopen from $SAVOIR_PLUGINS as the host would, gives it a
 * host table that records what it emits (documents, columns, facets,
 * links, metadata, HTML, warnings with their lines, errors, the last
 * message logged) and counts every misuse of the ABI, runs it on a file of
 * the plugin's tests/data or on a buffer, and offers the lookups the tests
 * assert with.  It does not use the host's extractor: what is tested is
 * the plugin alone.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdarg.h>

#include "testutil.h"
#include "fakehost.h"

const struct savoir_plugin	*plugin;
void				*pstate;
char				*last_log;
const char			*fakehost_id_prefix;

static void			*handle;
static char			*plugin_name;	/* plugins/<name>/tests/data */
static char			*rel_dir;	/* rel of a file run() reads */

void
h_misuse(struct savoir_sink *s, const char *what)
{
	fprintf(stderr, "ABI misuse: %s\n", what);
	s->misuse++;
}

/* Is a document begun?  If not, callback what misuses the ABI. */
static int
h_in_doc(struct savoir_sink *s, const char *what)
{
	if (s->cur != NULL)
		return 1;
	fprintf(stderr, "ABI misuse: %s outside a document\n", what);
	s->misuse++;
	return 0;
}

static int
h_utf8(struct savoir_sink *s, const char *p, size_t len)
{
	size_t	 bad;

	if (p == NULL || !utf8_valid(p, len, &bad)) {
		h_misuse(s, "NULL or invalid UTF-8 string");
		return 0;
	}
	return 1;
}

static void
h_log(int level, const char *fmt, ...)
{
	va_list	 ap;

	(void)level;
	free(last_log);
	va_start(ap, fmt);
	xvasprintf(&last_log, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", last_log);
}

static int
h_doc_begin(struct savoir_sink *s, const char *id, const char *type)
{
	const struct savoir_type_decl	*t;
	size_t				 i;

	if (s->cur != NULL)
		h_misuse(s, "doc_begin inside a document");
	if (!h_utf8(s, id, strlen(id)) || !h_utf8(s, type, strlen(type)))
		return -1;
	/* What the host's x_id_check refuses. */
	if (*id == '\0' || strlen(id) > 200 || strchr(id, ' ') != NULL ||
	    id[0] == '/' || strstr(id, "//") != NULL)
		h_misuse(s, "an id the host refuses");
	for (t = s->plugin->types; t->name != NULL; t++)
		if (strcmp(t->name, type) == 0)
			break;
	if (t->name == NULL)
		h_misuse(s, "undeclared type");
	for (i = 0; i < s->f.ndocs; i++)
		if (strcmp(s->f.docs[i]->id, id) == 0)
			h_misuse(s, "two documents with one id");
	s->cur = xdoc_new(id, type);
	return 0;
}

static int
h_doc_text(struct savoir_sink *s, int col, const char *text, size_t len)
{
	if (s->cur == NULL || col < 0 || col > 2) {
		h_misuse(s, "doc_text outside a document or bad column");
		return -1;
	}
	if (!h_utf8(s, text, len))
		return -1;
	if (s->cur->text[col].len > 0)
		buf_addc(&s->cur->text[col], '\n');
	buf_add(&s->cur->text[col], text, len);
	return 0;
}

static int
h_doc_facet(struct savoir_sink *s, const char *key, const char *value)
{
	const struct savoir_type_decl	*t;
	const struct savoir_facet_decl	*fd;

	if (!h_in_doc(s, "doc_facet"))
		return -1;
	if (!h_utf8(s, key, strlen(key)) || !h_utf8(s, value, strlen(value)))
		return -1;
	for (t = s->plugin->types; t->name != NULL; t++)
		if (strcmp(t->name, s->cur->type) == 0)
			break;
	for (fd = t->facets; fd != NULL && fd->key != NULL; fd++)
		if (strcmp(fd->key, key) == 0)
			break;
	if (fd == NULL || fd->key == NULL)
		h_misuse(s, "undeclared facet");
	if (*value == '\0')
		h_misuse(s, "empty facet value");
	kvlist_add(&s->cur->facets, key, NULL, value);
	return 0;
}

/* A link or a meta entry into l: its strings valid UTF-8, label NULL
 * (none) only if the caller allows it. */
static int
h_kv(struct savoir_sink *s, struct kvlist *l, const char *key,
    const char *label, const char *value)
{
	if (!h_utf8(s, key, strlen(key)) || !h_utf8(s, value, strlen(value)) ||
	    (label != NULL && !h_utf8(s, label, strlen(label))))
		return -1;
	kvlist_add(l, key, label, value);
	return 0;
}

static int
h_doc_link(struct savoir_sink *s, const char *target, const char *rel,
    const char *label)
{
	if (!h_in_doc(s, "doc_link"))
		return -1;
	return h_kv(s, &s->cur->links, target, label, rel);
}

static int
h_doc_html(struct savoir_sink *s, const char *html, size_t len)
{
	if (s->cur == NULL || s->cur->html != NULL) {
		h_misuse(s, "doc_html outside a document or twice");
		return -1;
	}
	if (!h_utf8(s, html, len))
		return -1;
	s->cur->html = xstrndup(html, len);
	return 0;
}

static int
h_doc_meta(struct savoir_sink *s, const char *key, const char *label,
    const char *value)
{
	/* Unlike a link's, the label of a meta entry is required. */
	if (!h_in_doc(s, "doc_meta") ||
	    !h_utf8(s, label, label != NULL ? strlen(label) : 0))
		return -1;
	return h_kv(s, &s->cur->meta, key, label, value);
}

static int
h_doc_end(struct savoir_sink *s)
{
	if (!h_in_doc(s, "doc_end"))
		return -1;
	s->f.docs = xreallocarray(s->f.docs, s->f.ndocs + 1,
	    sizeof *s->f.docs);
	s->f.docs[s->f.ndocs++] = s->cur;
	s->cur = NULL;
	return 0;
}

static int
h_doc_weight(struct savoir_sink *s, double weight)
{
	if (!h_in_doc(s, "doc_weight"))
		return -1;
	if (!(weight >= 0.05 && weight <= 2.0)) {
		h_misuse(s, "doc_weight out of [0.05, 2]");
		return -1;
	}
	s->cur->weight = weight;
	return 0;
}

static void
h_warn(struct savoir_sink *s, long line, const char *fmt, ...)
{
	va_list	 ap;

	s->f.warnings = xreallocarray(s->f.warnings, s->f.nwarnings + 1,
	    sizeof *s->f.warnings);
	s->wlines = xreallocarray(s->wlines, s->f.nwarnings + 1,
	    sizeof *s->wlines);
	s->wlines[s->f.nwarnings] = line;
	va_start(ap, fmt);
	xvasprintf(&s->f.warnings[s->f.nwarnings++], fmt, ap);
	va_end(ap);
}

static void
h_error(struct savoir_sink *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	free(s->f.error);
	xvasprintf(&s->f.error, fmt, ap);
	va_end(ap);
	s->nerrors++;
}

const struct savoir_host fake_host = {
	.abi = SAVOIR_PLUGIN_ABI,
	.size = sizeof(struct savoir_host),
	.log = h_log,
	.doc_begin = h_doc_begin,
	.doc_text = h_doc_text,
	.doc_facet = h_doc_facet,
	.doc_link = h_doc_link,
	.doc_html = h_doc_html,
	.doc_meta = h_doc_meta,
	.doc_end = h_doc_end,
	.warn = h_warn,
	.error = h_error,
	.doc_weight = h_doc_weight,
	TOOLKIT_HOST_MEMBERS
};

/*
 * Load plugins/<name>.so from $SAVOIR_PLUGINS and initialise it; run()
 * will read files from plugins/<name>/tests/data and give them the path
 * reldir/<file>.  RTLD_NODELETE: the test programs do not link the
 * plugins' libraries (libxml2...), so a dlclose would unmap them with the
 * plugin and leave their global state, allocated once per process,
 * looking leaked to valgrind; in the extractor the host keeps them loaded,
 * as here.
 */
int
fakehost_load(const char *name, const char *reldir)
{
	const char	*dir = getenv("SAVOIR_PLUGINS");
	char		*path;
	savoir_plugin_entry_fn entry;

	if (dir == NULL)
		dir = "plugins-dev";
	plugin_name = xstrdup(name);
	rel_dir = xstrdup(reldir);
	path = xsprintf("%s/%s.so", dir, name);
	if ((handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)) ==
	    NULL) {
		fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
		free(path);
		return -1;
	}
	free(path);
	entry = (savoir_plugin_entry_fn)dlsym(handle, "savoir_plugin_entry");
	if (entry == NULL || (plugin = entry(&fake_host)) == NULL)
		return -1;
	if (plugin->init != NULL && plugin->init(&fake_host, &pstate) == -1)
		return -1;
	return 0;
}

/* The group teardown of cmocka: fini, dlclose, and what load kept. */
int
fakehost_teardown(void **st)
{
	(void)st;
	if (plugin != NULL && plugin->fini != NULL)
		plugin->fini(pstate);
	if (handle != NULL)
		dlclose(handle);
	free(last_log);
	free(plugin_name);
	free(rel_dir);
	last_log = plugin_name = rel_dir = NULL;
	return 0;
}

/* An input for the bytes data as if they were the file rel. */
void
fakehost_input(struct savoir_input *in, const char *rel, const char *data,
    size_t len, uint32_t flags, const char *id_prefix)
{
	memset(in, 0, sizeof *in);
	in->abi = SAVOIR_PLUGIN_ABI;
	in->size = sizeof *in;
	in->path = rel;
	in->abspath = rel;
	in->data = (const unsigned char *)data;
	in->len = len;
	in->id_prefix = id_prefix;
	in->flags = flags;
}

/* The contents of a file of the plugin's tests/data; fails the test if
 * it cannot be read. */
char *
fakehost_data(const char *name, size_t *len)
{
	char	*path, *data, *cause;

	path = xsprintf("%s/plugins/%s/tests/data/%s", t_srcdir(),
	    plugin_name, name);
	if (file_read(path, 8 << 20, &data, len, &cause) == -1)
		fail_msg("%s", cause);
	free(path);
	return data;
}

/* Run the plugin on bytes as if they were the file rel (id_prefix is rel
 * without its extension, unless fakehost_id_prefix says otherwise). */
int
run_mem(struct savoir_sink *s, const char *rel, const char *data, size_t len,
    uint32_t flags)
{
	struct savoir_input	 in;
	char			*prefix, *dot;
	int			 rc;

	memset(s, 0, sizeof *s);
	s->plugin = plugin;
	prefix = xstrdup(fakehost_id_prefix != NULL ? fakehost_id_prefix : rel);
	if (fakehost_id_prefix == NULL && (dot = strrchr(prefix, '.')) != NULL)
		*dot = '\0';
	fakehost_input(&in, rel, data, len, flags, prefix);
	rc = plugin->extract(pstate, &in, s);
	free(prefix);
	if (s->cur != NULL) {
		/* Only an error may leave a document open. */
		if (rc == 0)
			h_misuse(s, "extract returned with a document open");
		xdoc_free(s->cur);
		s->cur = NULL;
	}
	/* The rules: -1 always with a message, 0 never with one. */
	if ((rc == -1) != (s->f.error != NULL))
		h_misuse(s, "return value and error() disagree");
	return rc;
}

/* Run the plugin on a file of its tests/data. */
int
run(struct savoir_sink *s, const char *name, uint32_t flags)
{
	char	*data, *rel;
	size_t	 len;
	int	 rc;

	data = fakehost_data(name, &len);
	rel = xsprintf("%s/%s", rel_dir, name);
	rc = run_mem(s, rel, data, len, flags);
	free(rel);
	free(data);
	return rc;
}

void
sink_clear(struct savoir_sink *s)
{
	xfile_clear(&s->f);
	free(s->wlines);
	memset(s, 0, sizeof *s);
}

/* The cmocka set-up and teardown of FH_TEST. */
int
fakehost_sink_new(void **state)
{
	*state = xcalloc(1, sizeof(struct savoir_sink));
	return 0;
}

int
fakehost_sink_free(void **state)
{
	sink_clear(*state);
	free(*state);
	return 0;
}

/* The n-th value of a facet key, or NULL. */
const char *
facet(const struct xdoc *d, const char *key, int nth)
{
	size_t	 i;

	for (i = 0; i < d->facets.n; i++)
		if (strcmp(d->facets.v[i].key, key) == 0 && nth-- == 0)
			return d->facets.v[i].value;
	return NULL;
}

static size_t
kv_count(const struct kvlist *l, const char *key)
{
	size_t	 i, n = 0;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			n++;
	return n;
}

/* How many values a facet key, or a metadata key, has. */
size_t
nfacets(const struct xdoc *d, const char *key)
{
	return kv_count(&d->facets, key);
}

size_t
nmeta(const struct xdoc *d, const char *key)
{
	return kv_count(&d->meta, key);
}

/* All of a document's facets, in order, as "key=value; key=value". */
void
expect_facets(const struct xdoc *d, const char *want)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < d->facets.n; i++)
		buf_printf(&b, "%s%s=%s", i > 0 ? "; " : "",
		    d->facets.v[i].key, d->facets.v[i].value);
	buf_addc(&b, '\0');
	if (strcmp(b.data, want) != 0)
		fail_msg("%s: facets\n  %s\nnot\n  %s", d->id, b.data, want);
	buf_free(&b);
}

/* Whether a warning contains needle, on that line unless line < 0. */
int
has_warning(const struct savoir_sink *s, const char *needle, long line)
{
	size_t	 i;

	for (i = 0; i < s->f.nwarnings; i++)
		if (strstr(s->f.warnings[i], needle) != NULL &&
		    (line < 0 || s->wlines[i] == line))
			return 1;
	return 0;
}

/* Whether a warning contains needle, and needle2 too unless NULL. */
int
has_warning_with(const struct savoir_sink *s, const char *needle,
    const char *needle2)
{
	size_t	 i;

	for (i = 0; i < s->f.nwarnings; i++)
		if (strstr(s->f.warnings[i], needle) != NULL &&
		    (needle2 == NULL || strstr(s->f.warnings[i], needle2) !=
		    NULL))
			return 1;
	return 0;
}

/* The document with this id, or NULL. */
const struct xdoc *
doc(const struct savoir_sink *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->f.ndocs; i++)
		if (strcmp(s->f.docs[i]->id, id) == 0)
			return s->f.docs[i];
	return NULL;
}

/* The document with this id; fails the test, listing those there are, if
 * there is none. */
const struct xdoc *
must_doc(const struct savoir_sink *s, const char *id)
{
	const struct xdoc	*d = doc(s, id);
	size_t			 i;

	if (d == NULL) {
		for (i = 0; i < s->f.ndocs; i++)
			fprintf(stderr, "  have %s\n", s->f.docs[i]->id);
		fail_msg("no document %s", id);
	}
	return d;
}

/* Bytes the plugin must refuse as the file rel, with an error holding
 * msg, no document and no misuse. */
void
expect_error_mem(const char *rel, const char *data, size_t len,
    const char *msg)
{
	struct savoir_sink	 s;

	assert_int_equal(run_mem(&s, rel, data, len, 0), -1);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 0);
	assert_non_null(s.f.error);
	if (strstr(s.f.error, msg) == NULL)
		fail_msg("%s: error \"%s\" does not contain \"%s\"", rel,
		    s.f.error, msg);
	sink_clear(&s);
}

/* A file of the plugin's tests/data it must refuse, likewise. */
void
expect_error(const char *name, const char *msg)
{
	char	*data, *rel;
	size_t	 len;

	data = fakehost_data(name, &len);
	rel = xsprintf("%s/%s", rel_dir, name);
	expect_error_mem(rel, data, len, msg);
	free(rel);
	free(data);
}

/* The plugin's probe on bytes as if they were the file rel. */
int
probe_mem(const char *rel, const char *data, size_t len)
{
	struct savoir_input	 in;

	fakehost_input(&in, rel, data, len, 0, rel);
	return plugin->probe(pstate, &in);
}

/* The plugin's probe on a file of its tests/data, named as, or by its own
 * name if as is NULL. */
int
probe_file(const char *name, const char *as)
{
	char	*data;
	size_t	 len;
	int	 score;

	data = fakehost_data(name, &len);
	score = probe_mem(as != NULL ? as : name, data, len);
	free(data);
	return score;
}

/* The value of the first metadata entry with key, or NULL; with a label,
 * fails the test if the entry's label is another. */
const char *
meta(const struct xdoc *d, const char *key, const char *label)
{
	size_t	 i;

	for (i = 0; i < d->meta.n; i++)
		if (strcmp(d->meta.v[i].key, key) == 0) {
			if (label != NULL)
				assert_string_equal(d->meta.v[i].label, label);
			return d->meta.v[i].value;
		}
	return NULL;
}

/* List the warnings of a run on stderr. */
void
dump_warnings(const struct savoir_sink *s)
{
	size_t	 i;

	for (i = 0; i < s->f.nwarnings; i++)
		fprintf(stderr, "  warning line %ld: %s\n", s->wlines[i],
		    s->f.warnings[i]);
}

/* A warning containing needle, at that line unless line < 0, must be
 * there; fails the test listing those there are. */
void
expect_warning(const struct savoir_sink *s, const char *needle, long line)
{
	if (has_warning(s, needle, line))
		return;
	dump_warnings(s);
	fail_msg("no warning \"%s\" at line %ld", needle, line);
}

/* Each of the n warnings must be there, and no other. */
void
expect_warnings(const struct savoir_sink *s, const struct fh_warning *w,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		expect_warning(s, w[i].needle, w[i].line);
	if (s->f.nwarnings != n) {
		dump_warnings(s);
		fail_msg("%zu warnings, not %zu", s->f.nwarnings, n);
	}
}

/* What every successful run must show: 0, no misuse, ndocs documents,
 * and nwarnings warnings unless nwarnings < 0. */
static void
run_check(struct savoir_sink *s, const char *rel, int rc, size_t ndocs,
    int nwarnings)
{
	if (rc != 0)
		fail_msg("%s: extract returned %d (%s)", rel, rc,
		    s->f.error != NULL ? s->f.error : "no error");
	assert_int_equal(s->misuse, 0);
	if (nwarnings >= 0 && s->f.nwarnings != (size_t)nwarnings) {
		dump_warnings(s);
		fail_msg("%s: %zu warnings, not %d", rel, s->f.nwarnings,
		    nwarnings);
	}
	if (s->f.ndocs != ndocs)
		fail_msg("%s: %zu documents, not %zu", rel, s->f.ndocs, ndocs);
}

/* Run the plugin on a file of its tests/data that must make ndocs
 * documents (run_doc: one, which it returns; s holds it until
 * sink_clear); run_mem_ok and run_mem_doc on bytes as the file rel. */
void
run_ok(struct savoir_sink *s, const char *name, uint32_t flags,
    size_t ndocs, int nwarnings)
{
	run_check(s, name, run(s, name, flags), ndocs, nwarnings);
}

void
run_mem_ok(struct savoir_sink *s, const char *rel, const char *data,
    size_t len, uint32_t flags, size_t ndocs, int nwarnings)
{
	run_check(s, rel, run_mem(s, rel, data, len, flags), ndocs,
	    nwarnings);
}

const struct xdoc *
run_doc(struct savoir_sink *s, const char *name, uint32_t flags,
    int nwarnings)
{
	run_ok(s, name, flags, 1, nwarnings);
	return s->f.docs[0];
}

const struct xdoc *
run_mem_doc(struct savoir_sink *s, const char *rel, const char *data,
    size_t len, uint32_t flags, int nwarnings)
{
	run_mem_ok(s, rel, data, len, flags, 1, nwarnings);
	return s->f.docs[0];
}

/* run_mem_doc, timed on stderr: how long a plugin takes on a large input
 * is worth seeing in the log. */
const struct xdoc *
run_mem_timed(struct savoir_sink *s, const char *rel, const char *data,
    size_t len, int nwarnings)
{
	const struct xdoc	*d;
	int64_t			 t0 = mono_us();

	d = run_mem_doc(s, rel, data, len, 0, nwarnings);
	fprintf(stderr, "%s: %zu kB in %.2f s\n", rel, len >> 10,
	    (mono_us() - t0) / 1e6);
	return d;
}

/*
 * run_mem_timed on an input made in code (by make, into an empty buffer):
 * the many-elements and large-file tests of each format.
 */
const struct xdoc *
run_made(struct savoir_sink *s, const char *rel, void (*make)(struct buf *),
    int nwarnings)
{
	const struct xdoc	*d;
	struct buf		 b;

	buf_init(&b);
	make(&b);
	d = run_mem_timed(s, rel, b.data, b.len, nwarnings);
	buf_free(&b);
	return d;
}

/* More text than the host takes: the body cut short of 15 MB (but not by
 * more than 1 MB), with a warning. */
void
expect_cut(const struct savoir_sink *s, const struct xdoc *d)
{
	size_t	 n = d->text[SAVOIR_COL_BODY].len;

	expect_warning(s, "the text was cut after 15 MB", 0);
	if (n > (size_t)15 << 20 || n <= (size_t)14 << 20)
		fail_msg("%s: a body of %zu bytes", d->id, n);
}

/*
 * Append runs times: open, text repeated to about size bytes, close.  Big
 * inputs come in runs: libxml2 keeps at most 10 MB in one text node.
 */
void
fh_runs(struct buf *b, int runs, const char *open, const char *text,
    size_t size, const char *close)
{
	size_t	 i;

	while (runs-- > 0) {
		buf_adds(b, open);
		for (i = 0; i < size / strlen(text); i++)
			buf_adds(b, text);
		buf_adds(b, close);
	}
}

/* A document's id, type and title; NULL skips one. */
void
expect_doc(const struct xdoc *d, const char *id, const char *type,
    const char *title)
{
	if (id != NULL)
		assert_string_equal(d->id, id);
	if (type != NULL)
		assert_string_equal(d->type, type);
	if (title != NULL)
		assert_string_equal(d->text[SAVOIR_COL_TITLE].data, title);
}

/* Each string up to NULL must be in hay (want), or none may be (!want). */
void
expect_strs(int want, const char *hay, ...)
{
	va_list		 ap;
	const char	*needle;

	assert_non_null(hay);
	va_start(ap, hay);
	while ((needle = va_arg(ap, const char *)) != NULL)
		if ((strstr(hay, needle) != NULL) != want)
			fail_msg("\"%s\" %s in:\n%s", needle,
			    want ? "missing" : "found", hay);
	va_end(ap);
}

/* Entry i of a list (meta: key, label, value; links: target, label, rel);
 * NULL skips a field. */
void
expect_kv(const struct kvlist *l, size_t i, const char *key,
    const char *label, const char *value)
{
	if (i >= l->n)
		fail_msg("no entry %zu (there are %zu)", i, l->n);
	if (key != NULL)
		assert_string_equal(l->v[i].key, key);
	if (label != NULL)
		assert_string_equal(l->v[i].label, label);
	if (value != NULL)
		assert_string_equal(l->v[i].value, value);
}

/* The plugin's ABI, name and extensions (up to NULL, and no more). */
void
expect_descriptor(const char *name, ...)
{
	va_list		 ap;
	const char	*ext;
	size_t		 i = 0;

	assert_int_equal(plugin->abi, SAVOIR_PLUGIN_ABI);
	assert_string_equal(plugin->name, name);
	va_start(ap, name);
	while ((ext = va_arg(ap, const char *)) != NULL) {
		assert_non_null(plugin->extensions[i]);
		assert_string_equal(plugin->extensions[i++], ext);
	}
	va_end(ap);
	assert_null(plugin->extensions[i]);
}

/* A declared type; NULL skips a field. */
void
expect_type(const struct savoir_type_decl *t, const char *name,
    const char *label, const char *plural)
{
	assert_string_equal(t->name, name);
	if (label != NULL)
		assert_string_equal(t->label, label);
	if (plural != NULL)
		assert_string_equal(t->label_plural, plural);
}

/* The plugin declares this one type, its facets as expect_facet_decls
 * wants them. */
void
expect_one_type(const char *name, const char *label, const char *plural,
    const char *facets)
{
	const struct savoir_type_decl	*t = plugin->types;

	expect_type(&t[0], name, label, plural);
	assert_null(t[1].name);
	expect_facet_decls(&t[0], facets);
}

/*
 * A type's declared facets, all of them in order, as
 * "key=Label (kind); key=Label (kind)", kind keyword, year or text.
 */
void
expect_facet_decls(const struct savoir_type_decl *t, const char *want)
{
	static const char *const	 kind[] = { "keyword", "year", "text" };
	const struct savoir_facet_decl	*fd;
	struct buf			 b;

	buf_init(&b);
	for (fd = t->facets; fd->key != NULL; fd++)
		buf_printf(&b, "%s%s=%s (%s)", fd > t->facets ? "; " : "",
		    fd->key, fd->label, fd->kind >= 0 && fd->kind <= 2 ?
		    kind[fd->kind] : "?");
	buf_addc(&b, '\0');
	if (strcmp(b.data, want) != 0)
		fail_msg("%s: facets declared\n  %s\nnot\n  %s", t->name,
		    b.data, want);
	buf_free(&b);
}
