/*
 * test_legal.c - the legal plugin, loaded with dlopen from $SAVOIR_PLUGINS
 * as the host would, driven through a fake host table that records what it
 * emits (documents, columns, facets, links, metadata, HTML, warnings,
 * errors) and counts every misuse of the ABI.  It does not use the host's
 * extractor: what is tested is the plugin alone.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdarg.h>

#include "../../../tests/unit/testutil.h"
#include "index.h"

/* The fake host's collector: one file's worth of output. */
struct savoir_sink {
	const struct savoir_plugin *plugin;
	struct xfile	 f;
	struct xdoc	*cur;
	long		*wlines;	/* line of each warning */
	int		 misuse;	/* calls breaking the ABI */
	int		 nerrors;
};

static void
h_misuse(struct savoir_sink *s, const char *what)
{
	fprintf(stderr, "ABI misuse: %s\n", what);
	s->misuse++;
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

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
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

	if (s->cur == NULL) {
		h_misuse(s, "doc_facet outside a document");
		return -1;
	}
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

static int
h_doc_link(struct savoir_sink *s, const char *target, const char *rel,
    const char *label)
{
	if (s->cur == NULL) {
		h_misuse(s, "doc_link outside a document");
		return -1;
	}
	if (!h_utf8(s, target, strlen(target)) ||
	    !h_utf8(s, rel, strlen(rel)) ||
	    (label != NULL && !h_utf8(s, label, strlen(label))))
		return -1;
	kvlist_add(&s->cur->links, target, label, rel);
	return 0;
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
	if (s->cur == NULL) {
		h_misuse(s, "doc_meta outside a document");
		return -1;
	}
	if (!h_utf8(s, key, strlen(key)) || !h_utf8(s, label, strlen(label)) ||
	    !h_utf8(s, value, strlen(value)))
		return -1;
	kvlist_add(&s->cur->meta, key, label, value);
	return 0;
}

static int
h_doc_end(struct savoir_sink *s)
{
	if (s->cur == NULL) {
		h_misuse(s, "doc_end outside a document");
		return -1;
	}
	s->f.docs = xreallocarray(s->f.docs, s->f.ndocs + 1,
	    sizeof *s->f.docs);
	s->f.docs[s->f.ndocs++] = s->cur;
	s->cur = NULL;
	return 0;
}

static void
h_warn(struct savoir_sink *s, long line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	s->f.warnings = xreallocarray(s->f.warnings, s->f.nwarnings + 1,
	    sizeof *s->f.warnings);
	s->wlines = xreallocarray(s->wlines, s->f.nwarnings + 1,
	    sizeof *s->wlines);
	s->wlines[s->f.nwarnings] = line;
	s->f.warnings[s->f.nwarnings++] = msg;
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

static const struct savoir_host fake_host = {
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
	.error = h_error
};

static void			*handle;
static const struct savoir_plugin *plugin;
static void			*pstate;

static int
setup(void **st)
{
	const char	*dir = getenv("SAVOIR_PLUGINS");
	char		*path;
	savoir_plugin_entry_fn entry;

	if (dir == NULL)
		dir = "plugins-dev";
	path = xsprintf("%s/legal.so", dir);
	if ((handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
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

static int
teardown(void **st)
{
	if (plugin != NULL && plugin->fini != NULL)
		plugin->fini(pstate);
	if (handle != NULL)
		dlclose(handle);
	return 0;
}

/* Run the plugin on bytes as if they were the file rel (id_prefix is rel
 * without its extension). */
static int
run_mem(struct savoir_sink *s, const char *rel, const char *data, size_t len,
    uint32_t flags)
{
	struct savoir_input	 in;
	char			*prefix, *dot;
	int			 rc;

	memset(s, 0, sizeof *s);
	s->plugin = plugin;
	prefix = xstrdup(rel);
	if ((dot = strrchr(prefix, '.')) != NULL)
		*dot = '\0';
	memset(&in, 0, sizeof in);
	in.abi = SAVOIR_PLUGIN_ABI;
	in.size = sizeof in;
	in.path = rel;
	in.abspath = rel;
	in.data = (const unsigned char *)data;
	in.len = len;
	in.id_prefix = prefix;
	in.flags = flags;
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

/* Run the plugin on a file of tests/data. */
static int
run(struct savoir_sink *s, const char *name, uint32_t flags)
{
	char	*path, *data, *cause, *rel;
	size_t	 len;
	int	 rc;

	path = xsprintf("%s/plugins/legal/tests/data/%s", t_srcdir(), name);
	if (file_read(path, 1 << 20, &data, &len, &cause) == -1)
		fail_msg("%s", cause);
	free(path);
	rel = xsprintf("legal/%s", name);
	rc = run_mem(s, rel, data, len, flags);
	free(rel);
	free(data);
	return rc;
}

static void
sink_clear(struct savoir_sink *s)
{
	xfile_clear(&s->f);
	free(s->wlines);
	memset(s, 0, sizeof *s);
}

/* The n-th value of a facet key, or NULL. */
static const char *
facet(const struct xdoc *d, const char *key, int nth)
{
	size_t	 i;

	for (i = 0; i < d->facets.n; i++)
		if (strcmp(d->facets.v[i].key, key) == 0 && nth-- == 0)
			return d->facets.v[i].value;
	return NULL;
}

static size_t
nfacets(const struct xdoc *d, const char *key)
{
	size_t	 i, n = 0;

	for (i = 0; i < d->facets.n; i++)
		if (strcmp(d->facets.v[i].key, key) == 0)
			n++;
	return n;
}

static int
has_warning(const struct savoir_sink *s, const char *needle, long line)
{
	size_t	 i;

	for (i = 0; i < s->f.nwarnings; i++)
		if (strstr(s->f.warnings[i], needle) != NULL &&
		    (line < 0 || s->wlines[i] == line))
			return 1;
	return 0;
}

static const struct xdoc *
doc(const struct savoir_sink *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->f.ndocs; i++)
		if (strcmp(s->f.docs[i]->id, id) == 0)
			return s->f.docs[i];
	return NULL;
}

static const char *
meta(const struct xdoc *d, const char *key, const char *label)
{
	size_t	 i;

	for (i = 0; i < d->meta.n; i++)
		if (strcmp(d->meta.v[i].key, key) == 0) {
			assert_string_equal(d->meta.v[i].label, label);
			return d->meta.v[i].value;
		}
	return NULL;
}

static int
probe(const char *name)
{
	struct savoir_input	 in;
	char			*path, *data, *cause;
	size_t			 len;
	int			 score;

	path = xsprintf("%s/plugins/legal/tests/data/%s", t_srcdir(), name);
	if (file_read(path, 1 << 20, &data, &len, &cause) == -1)
		fail_msg("%s", cause);
	free(path);
	memset(&in, 0, sizeof in);
	in.abi = SAVOIR_PLUGIN_ABI;
	in.size = sizeof in;
	in.path = name;
	in.data = (const unsigned char *)data;
	in.len = len;
	score = plugin->probe(pstate, &in);
	free(data);
	return score;
}

static void
t_descriptor(void **st)
{
	const struct savoir_type_decl	*t = plugin->types;
	const char *const		 keys[] = { "code", "article", "etat",
	    "theme", "module", "annee" };
	size_t				 i;

	assert_int_equal(plugin->abi, SAVOIR_PLUGIN_ABI);
	assert_string_equal(plugin->name, "legal");
	assert_string_equal(plugin->extensions[0], ".txt");
	assert_null(plugin->extensions[1]);
	assert_string_equal(t[0].name, "article");
	assert_string_equal(t[0].label, "Article de loi");
	assert_string_equal(t[0].label_plural, "Articles de loi");
	assert_null(t[1].name);
	for (i = 0; i < 6; i++)
		assert_string_equal(t[0].facets[i].key, keys[i]);
	assert_null(t[0].facets[6].key);
	assert_string_equal(t[0].facets[2].label, "État");
	assert_int_equal(t[0].facets[5].kind, SAVOIR_FACET_YEAR);
}

static void
t_probe(void **st)
{
	assert_int_equal(probe("cgct-extrait.txt"), 80);
	/* Broken YAML still comes to extract, which says what is wrong. */
	assert_int_equal(probe("yaml-error.txt"), 80);
	assert_int_equal(probe("plain.txt"), 0);
	assert_int_equal(probe("no-article.txt"), 80);
}

static void
t_articles(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run(&s, "cgct-extrait.txt",
	    SAVOIR_INPUT_WITH_REPEALED), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.nwarnings, 0);
	assert_int_equal(s.f.ndocs, 3);
	assert_string_equal(s.f.docs[0]->id, "cgct/L1115-1");
	assert_string_equal(s.f.docs[1]->id, "cgct/L1114-1");
	assert_string_equal(s.f.docs[2]->id, "cgct/L1115-4-2");

	d = doc(&s, "cgct/L1115-1");
	assert_string_equal(d->type, "article");
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data, "Article L1115-1 "
	    "du CGCT — Principe général de l'action extérieure");
	/* Wrapped lines make one paragraph; items lose their "- ". */
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Les collectivités territoriales peuvent conduire des actions de "
	    "coopération dans le respect des engagements internationaux de la "
	    "France.\n"
	    "Les conventions précisent :\n"
	    "l'objet des actions ;\n"
	    "le montant prévisionnel des engagements.\n"
	    "Elles sont transmises au représentant de l'État & au <préfet>.");
	assert_string_equal(d->html,
	    "<p class=\"ref\">Article L1115-1 du CGCT</p>\n"
	    "<p>Les collectivités territoriales peuvent conduire des actions "
	    "de coopération\ndans le respect des engagements internationaux "
	    "de la France.</p>\n"
	    "<p>Les conventions précisent :</p>\n"
	    "<ul>\n<li>l&#39;objet des actions ;</li>\n"
	    "<li>le montant prévisionnel des engagements.</li>\n</ul>\n"
	    "<p>Elles sont transmises au représentant de l&#39;État &amp; au "
	    "&lt;préfet&gt;.</p>\n");
	assert_string_equal(facet(d, "code", 0), "CGCT");
	assert_string_equal(facet(d, "article", 0), "L1115-1");
	assert_string_equal(facet(d, "etat", 0), "en vigueur");
	assert_string_equal(facet(d, "theme", 0), "cadre juridique");
	assert_string_equal(facet(d, "theme", 1), "action extérieure");
	assert_string_equal(facet(d, "module", 0), "2-cadre-juridique");
	assert_string_equal(facet(d, "annee", 0), "2021");
	assert_int_equal(nfacets(d, "theme"), 2);
	assert_int_equal(d->facets.n, 7);
	assert_string_equal(meta(d, "code", "Code"),
	    "Code général des collectivités territoriales");
	assert_non_null(strstr(meta(d, "chemin", "Emplacement"),
	    "Partie législative > Première partie"));
	assert_string_equal(meta(d, "nature", "Nature"), "fiche explicative");
	assert_string_equal(meta(d, "version", "Version décrite"),
	    "6 août 2021");
	assert_string_equal(meta(d, "etat", "État"), "en vigueur");
	assert_string_equal(meta(d, "source", "Source"), "Légifrance, CGCT, "
	    "chapitre V — https://www.legifrance.gouv.fr/codes/section_lc/"
	    "LEGITEXT000006070633/LEGISCTA000006164470/");

	d = doc(&s, "cgct/L1114-1");
	assert_string_equal(facet(d, "etat", 0), "abrogé");
	assert_string_equal(meta(d, "etat", "État"), "abrogé");
	assert_string_equal(facet(d, "annee", 0), "1992");
	assert_string_equal(meta(d, "version", "Version décrite"),
	    "6 février 1992");

	/* No titre: no " — " after the reference. */
	d = doc(&s, "cgct/L1115-4-2");
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data,
	    "Article L1115-4-2 du CGCT");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Une fiche sans titre, d'une seule phrase.");
	sink_clear(&s);
}

static void
t_repealed_skipped(void **st)
{
	struct savoir_sink	 s;

	/* Without the flag the host does not want repealed articles of an
	 * official text... */
	assert_int_equal(run(&s, "cgct-officiel.txt", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 2);
	assert_non_null(doc(&s, "cgct/L1115-1"));
	assert_null(doc(&s, "cgct/L1114-1"));
	assert_non_null(doc(&s, "cgct/L1115-4-2"));
	sink_clear(&s);
	/* ...but a fiche explaining a repealed article is kept. */
	assert_int_equal(run(&s, "cgct-extrait.txt", 0), 0);
	assert_int_equal(s.f.ndocs, 3);
	assert_non_null(doc(&s, "cgct/L1114-1"));
	sink_clear(&s);
}

static void
t_duplicate(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run(&s, "duplicate.txt", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 1);
	d = s.f.docs[0];
	assert_string_equal(d->id, "cgct/L1115-2");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "Premier texte.");
	assert_string_equal(meta(d, "nature", "Nature"), "texte officiel");
	assert_null(meta(d, "version", "Version décrite"));
	assert_null(facet(d, "annee", 0));
	assert_int_equal(s.f.nwarnings, 1);
	assert_true(has_warning(&s, "article L1115-2 is already on line 8",
	    13));
	sink_clear(&s);
}

static void
t_unknown_meta(void **st)
{
	struct savoir_sink	 s;

	assert_int_equal(run(&s, "unknown-meta.txt", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 1);
	assert_string_equal(s.f.docs[0]->text[SAVOIR_COL_BODY].data,
	    "Texte de l'article.");
	assert_int_equal(s.f.nwarnings, 1);
	assert_true(has_warning(&s, "unknown article metadata `remarque`",
	    10));
	sink_clear(&s);
}

static void
expect_error(const char *name, const char *msg)
{
	struct savoir_sink	 s;

	assert_int_equal(run(&s, name, 0), -1);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 0);
	assert_non_null(s.f.error);
	if (strstr(s.f.error, msg) == NULL)
		fail_msg("%s: error \"%s\" does not contain \"%s\"", name,
		    s.f.error, msg);
	sink_clear(&s);
}

static void
t_no_article(void **st)
{
	expect_error("no-article.txt", "no article");
}

static void
t_yaml_error(void **st)
{
	expect_error("yaml-error.txt", "front matter line 4: found unexpected "
	    "end of stream (while scanning a quoted scalar on line 2)");
}

/* Header and article lines in memory: what is refused, what is read. */
static void
t_edge_cases(void **st)
{
	static const struct {
		const char	*text;
		const char	*error;	/* NULL: must succeed */
		size_t		 ndocs;
		const char	*warning;
	} cases[] = {
		{ "", "empty file", 0, NULL },
		{ "---\ncode: X\n---\nArticle L1\n", "no `court`", 0, NULL },
		{ "---\ncourt: X\n---\nArticle L1\n", "no `code`", 0, NULL },
		{ "---\ncode: X\ncourt: a b\n---\nArticle L1\n",
		    "line 3: `court` must be one word", 0, NULL },
		{ "---\ncode: \xe9\n---\n", "invalid UTF-8 at line 2", 0,
		    NULL },
		/* Not article lines: no prefix, no number, trailing text. */
		{ "---\ncode: X\ncourt: X\n---\nArticle 12\nArticle L\n"
		    "Article L12 bis\nArticle L12-\n", "no article", 0, NULL },
		/* LO, CRLF, an article at the very end without a newline. */
		{ "---\r\ncode: X\r\ncourt: LOI\r\nsources:\r\n  - titre: t\r\n"
		    "---\r\nArticle LO1114-1\r\ntitre: a\r\n\r\nTexte.\r\n"
		    "Article R2", NULL, 2, "article R2 has no text" },
		/* Text right after the article line, no metadata. */
		{ "---\ncode: X\ncourt: X\nsources:\n  - titre: t\n---\n"
		    "Article D3-1\nTout de suite le texte.\n", NULL, 1, NULL },
		{ "---\ncode: X\ncourt: X\nsources:\n  - titre: t\n---\n"
		    "Article A4\netat: bof\nversion: 2021-02-30\nannee: 21\n"
		    "\nTexte.\n", NULL, 1,
		    "version `2021-02-30` is not a YYYY-MM-DD date" },
		{ "---\ncode: X\ncourt: X\n---\nArticle L5\n\nTexte.\n",
		    NULL, 1, "no `sources`" },
	};
	struct savoir_sink	 s;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rc = run_mem(&s, "x.txt", cases[i].text, strlen(cases[i].text),
		    0);
		assert_int_equal(s.misuse, 0);
		if (cases[i].error != NULL) {
			assert_int_equal(rc, -1);
			if (strstr(s.f.error, cases[i].error) == NULL)
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i,
				    s.f.error, cases[i].error);
		} else if (rc != 0)
			fail_msg("case %zu: %s", i, s.f.error);
		if (s.f.ndocs != cases[i].ndocs)
			fail_msg("case %zu: %zu documents", i, s.f.ndocs);
		if (cases[i].warning != NULL &&
		    !has_warning(&s, cases[i].warning, -1))
			fail_msg("case %zu: no warning \"%s\"", i,
			    cases[i].warning);
		sink_clear(&s);
	}
}

static void
t_edge_values(void **st)
{
	static const char text[] = "---\r\ncode: Loi organique\r\n"
	    "court: LOI\r\nsources:\r\n  - titre: t\r\n---\r\n"
	    "Article LO1114-1\r\ntitre: a\r\nannee: 2001\r\n"
	    "etat: bof\r\n\r\nTexte.\r\n";
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run_mem(&s, "x.txt", text, strlen(text), 0), 0);
	assert_int_equal(s.misuse, 0);
	d = s.f.docs[0];
	assert_string_equal(d->id, "loi/LO1114-1");
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data,
	    "Article LO1114-1 du LOI — a");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "Texte.");
	assert_string_equal(facet(d, "annee", 0), "2001");
	/* An unknown etat is read as in force, with a warning. */
	assert_string_equal(facet(d, "etat", 0), "en vigueur");
	assert_true(has_warning(&s, "etat `bof` is neither", 10));
	sink_clear(&s);
}

/* Each repeat names the first occurrence, whatever their order. */
static void
t_many_duplicates(void **st)
{
	static const char text[] = "---\ncode: X\ncourt: X\nsources:\n"
	    "  - titre: t\n---\n"
	    "Article L2\n\nB.\n"		/* line 7 */
	    "Article L1\n\nA.\n"		/* line 10 */
	    "Article L2\n\nB2.\n"		/* line 13 */
	    "Article L1\n\nA2.\n"		/* line 16 */
	    "Article L2\n\nB3.\n";		/* line 19 */
	struct savoir_sink	 s;

	assert_int_equal(run_mem(&s, "x.txt", text, strlen(text), 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 2);
	assert_string_equal(s.f.docs[0]->id, "x/L2");
	assert_string_equal(s.f.docs[0]->text[SAVOIR_COL_BODY].data, "B.");
	assert_string_equal(s.f.docs[1]->id, "x/L1");
	assert_string_equal(s.f.docs[1]->text[SAVOIR_COL_BODY].data, "A.");
	assert_int_equal(s.f.nwarnings, 3);
	assert_true(has_warning(&s, "L2 is already on line 7", 13));
	assert_true(has_warning(&s, "L1 is already on line 10", 16));
	assert_true(has_warning(&s, "L2 is already on line 7", 19));
	sink_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_probe),
		cmocka_unit_test(t_articles),
		cmocka_unit_test(t_repealed_skipped),
		cmocka_unit_test(t_duplicate),
		cmocka_unit_test(t_unknown_meta),
		cmocka_unit_test(t_no_article),
		cmocka_unit_test(t_yaml_error),
		cmocka_unit_test(t_edge_cases),
		cmocka_unit_test(t_edge_values),
		cmocka_unit_test(t_many_duplicates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
