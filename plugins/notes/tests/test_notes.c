/*
 * test_notes.c - the notes plugin, loaded with dlopen from $SAVOIR_PLUGINS
 * as the host would, driven through the shared fake host of
 * tests/unit/fakehost.c, which records what it emits (documents, columns,
 * facets, links, metadata, HTML, warnings, errors) and counts every misuse
 * of the ABI.  It does not use the host's extractor: what is tested is the
 * plugin alone.
 */
#include "config.h"

#include "../../../tests/unit/testutil.h"
#include "../../../tests/unit/fakehost.h"

static int
setup(void **st)
{
	(void)st;
	return fakehost_load("notes", "notes/tests");
}

static void
t_descriptor(void **st)
{
	const struct savoir_type_decl	*t;
	const char *const		 names[] = { "note", "cas", "fiche",
	    "glossaire" };
	const char *const		 labels[] = { "Note de cours",
	    "Étude de cas", "Fiche juridique", "Glossaire" };
	size_t				 i;

	assert_int_equal(plugin->abi, SAVOIR_PLUGIN_ABI);
	assert_string_equal(plugin->name, "notes");
	assert_string_equal(plugin->extensions[0], ".md");
	assert_string_equal(plugin->extensions[1], ".markdown");
	for (i = 0, t = plugin->types; t->name != NULL; t++, i++) {
		assert_string_equal(t->name, names[i]);
		assert_string_equal(t->label, labels[i]);
		assert_string_equal(t->facets[0].key, "module");
		assert_string_equal(t->facets[1].key, "theme");
		assert_string_equal(t->facets[2].key, "pays");
		assert_string_equal(t->facets[3].key, "annee");
		assert_int_equal(t->facets[3].kind, SAVOIR_FACET_YEAR);
	}
	assert_int_equal(i, 4);
	assert_string_equal(plugin->types[1].label_plural, "Études de cas");
}

static void
t_good(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;
	const char		*body, *heads;

	assert_int_equal(run(&s, "good.md", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.nwarnings, 0);
	assert_int_equal(s.f.ndocs, 1);
	d = s.f.docs[0];
	assert_string_equal(d->id, "notes/etapes");	/* id: wins */
	assert_string_equal(d->type, "note");
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data,
	    "Les étapes législatives de l'action extérieure");

	/* The H1 repeating the title is gone from every column and the page. */
	heads = d->text[SAVOIR_COL_HEADINGS].data;
	assert_string_equal(heads, "La loi Thiollière\nUn exemple de "
	    "délibération");
	body = d->text[SAVOIR_COL_BODY].data;
	assert_null(strstr(body, "Les étapes législatives"));
	assert_null(strstr(d->html, "<h1>"));

	/* Plain text: paragraphs joined, lists, code, table; no markup. */
	assert_non_null(strstr(body, "La loi de 1992 ouvre la voie aux "
	    "conventions avec des autorités locales étrangères ; voir le cas "
	    "de Chambéry et la fiche L1115-5."));
	assert_non_null(strstr(body, "\nseconde étape : l'extension aux "
	    "actions humanitaires.\n"));
	assert_non_null(strstr(body, "Le conseil municipal approuve la "
	    "convention."));
	assert_non_null(strstr(body, "45,4 M€"));
	assert_null(strstr(body, "**"));
	assert_null(strstr(body, "https://"));
	assert_null(strstr(body, "](/doc"));
#ifdef HAVE_CMARK_GFM
	assert_non_null(strstr(body, "\n2003 | 45,4 M€\n"));
	assert_non_null(strstr(d->html, "<table>"));
	assert_non_null(strstr(d->html, "<td>45,4 M€</td>"));
#endif

	/* Facets. */
	assert_string_equal(facet(d, "module", 0), "2-cadre-juridique");
	assert_string_equal(facet(d, "theme", 0), "cadre juridique");
	assert_string_equal(facet(d, "theme", 1), "loi Thiollière");
	assert_int_equal(nfacets(d, "theme"), 2);
	assert_string_equal(facet(d, "pays", 0), "Burkina Faso");
	assert_string_equal(facet(d, "pays", 1), "Sénégal");
	assert_string_equal(facet(d, "annee", 0), "2007");
	assert_int_equal(d->facets.n, 6);

	/* Metadata, in order, labels in French. */
	assert_int_equal(d->meta.n, 8);
	assert_string_equal(d->meta.v[0].key, "auteur");
	assert_string_equal(d->meta.v[0].label, "Auteur");
	assert_string_equal(d->meta.v[0].value, "Équipe pédagogique");
	assert_string_equal(d->meta.v[1].label, "Date");
	assert_string_equal(d->meta.v[1].value, "26 novembre 2026");
	assert_string_equal(d->meta.v[2].value, "2-cadre-juridique");
	assert_string_equal(d->meta.v[3].label, "Année");
	assert_string_equal(d->meta.v[3].value, "2007");
	assert_string_equal(d->meta.v[4].label, "Thèmes");
	assert_string_equal(d->meta.v[4].value,
	    "cadre juridique, loi Thiollière");
	assert_string_equal(d->meta.v[5].value, "Burkina Faso, Sénégal");
	assert_string_equal(d->meta.v[6].key, "source");
	assert_string_equal(d->meta.v[6].label, "Source");
	assert_string_equal(d->meta.v[6].value, "Rapport d'information du "
	    "Sénat n° 123 (2012-2013) — "
	    "https://www.senat.fr/rap/r12-123/r12-1231.html");
	assert_string_equal(d->meta.v[7].value,
	    "Entretien avec un élu (non publié)");

	/* HTML from cmark. */
	assert_non_null(strstr(d->html, "<h2>La loi Thiollière</h2>"));
	assert_non_null(strstr(d->html, "<em>conventions</em>"));
	assert_non_null(strstr(d->html, "<li>première étape"));
	assert_non_null(strstr(d->html, "<pre><code>Le conseil"));

	/* Links: /doc/ only, decoded, no #fragment or ?query, one per target
	 * (links.v: key target, label, value rel). */
	assert_int_equal(d->links.n, 2);
	assert_string_equal(d->links.v[0].key, "cas/chambéry-ouahigouya");
	assert_string_equal(d->links.v[0].value, "lien");
	assert_string_equal(d->links.v[0].label, "le cas de Chambéry");
	assert_string_equal(d->links.v[1].key, "cgct/L1115-5");
	assert_string_equal(d->links.v[1].label, "la fiche L1115-5");
	sink_clear(&s);
}

static void
t_defaults_and_warnings(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run(&s, "minimal.md", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 1);
	d = s.f.docs[0];
	/* No id: key, so the path without its extension. */
	assert_string_equal(d->id, "notes/tests/minimal");
	assert_string_equal(d->type, "glossaire");
	assert_int_equal(d->facets.n, 0);
	assert_int_equal(d->meta.n, 0);
	assert_int_equal(d->links.n, 0);
	assert_int_equal(d->text[SAVOIR_COL_HEADINGS].len, 0);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "L'AECT est "
	    "l'action extérieure des collectivités territoriales.");
	/* A typo'd key and the missing sources are reported, with lines. */
	assert_int_equal(s.f.nwarnings, 2);
	assert_true(has_warning(&s, "unknown front matter key `theme`", 4));
	assert_true(has_warning(&s, "no `sources`", -1));
	sink_clear(&s);
}

static void
t_unsafe_html(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run(&s, "unsafe.md", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 1);
	d = s.f.docs[0];
	assert_null(strstr(d->html, "<script"));
	assert_null(strstr(d->html, "alert"));
	assert_null(strstr(d->html, "onerror"));
	assert_null(strstr(d->html, "<img"));
	assert_null(strstr(d->html, "javascript:"));
	/* The safe text around it survives, in the page and the index. */
	assert_non_null(strstr(d->html, "Texte avant le script."));
	assert_non_null(strstr(d->html, "et un texte sûr."));
	assert_null(strstr(d->text[SAVOIR_COL_BODY].data, "alert"));
	assert_non_null(strstr(d->text[SAVOIR_COL_BODY].data,
	    "Un lien piégé et un texte sûr."));
	assert_int_equal(d->links.n, 0);
	sink_clear(&s);
}

static void
t_nul(void **st)
{
	static const char text[] = "---\ntitle: a\ntype: note\n---\n\nA\0B\n";
	struct savoir_sink	 s;

	assert_int_equal(run_mem(&s, "x.md", text, sizeof text - 1, 0), -1);
	assert_int_equal(s.misuse, 0);
	assert_string_equal(s.f.error, "NUL byte at line 6: this is not a "
	    "text file");
	sink_clear(&s);
}

static void
t_yaml_error(void **st)
{
	/* libyaml's own words, and the line in the file (not in the YAML). */
	expect_error("yaml-error.md", "front matter line 4: mapping values "
	    "are not allowed");
}

static void
t_no_front_matter(void **st)
{
	expect_error("no-frontmatter.md", "no front matter");
}

static void
t_unknown_type(void **st)
{
	expect_error("unknown-type.md", "front matter line 3: unknown type "
	    "`memo` (one of: note, cas, fiche, glossaire)");
}

static void
t_empty(void **st)
{
	expect_error("empty.md", "empty file");
}

static void
t_latin1(void **st)
{
	expect_error("latin1.md", "invalid UTF-8 at line 8 (is the file in "
	    "Latin-1?)");
}

/* Front matter shapes that must be refused with the line to fix. */
static void
t_front_matter_errors(void **st)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} cases[] = {
		{ "---\ntitle: a\ntype: note\n", "never closed" },
		{ "---\n---\nText.\n", "front matter is empty" },
		{ "---\n- a\n- b\n---\n", "line 2: expected `key: value`" },
		{ "---\ntitle: a\ntype: note\ntitle: b\n---\n",
		    "line 4: `title` is already given on line 2" },
		{ "---\ntitle: a\ntype: note\nmodule: {a: b}\n---\n",
		    "line 4: the value of `module` must be text or a list" },
		{ "---\ntitle: a\ntype: note\nthemes: [[a]]\n---\n",
		    "line 4: the items of `themes` must be text" },
		{ "---\ntitle: a\ntype: note\nsources:\n  - url: x\n---\n",
		    "line 5: a source has no `titre`" },
		{ "---\ntitle: a\ntype: note\nsources:\n  - juste un titre\n"
		    "---\n", "line 5: each source must be written" },
		{ "---\ntitle: \"a\n---\nText\n", "front matter line 3" },
		{ "---\ntype: note\n---\n", "no `title`" },
		{ "---\ntitle: \"  \"\ntype: note\n---\n", "`title` is blank" },
		{ "---\ntitle: [a, b]\ntype: note\n---\n",
		    "line 2: `title` must be text" },
		{ "---\ntitle: a\n---\n", "no `type`" },
		{ "---\ntitle: a\ntype: note\nid: \"../a\"\n---\n",
		    "line 4: `id` must be a path" },
		{ "---\ntitle: a\ntype: note\nid: \"/a\"\n---\n",
		    "line 4: `id` must be a path" },
		{ "---\ntitle: a\ntype: note\nid: \"a?b\"\n---\n",
		    "line 4: `id` must be a path" },
		{ "\xef\xbb\xbf---\ntitle: a\ntype: note\n---\n",
		    "byte order mark" },
	};
	struct savoir_sink	 s;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(run_mem(&s, "x.md", cases[i].text,
		    strlen(cases[i].text), 0), -1);
		assert_int_equal(s.misuse, 0);
		assert_int_equal(s.f.ndocs, 0);
		if (strstr(s.f.error, cases[i].msg) == NULL)
			fail_msg("case %zu: \"%s\" does not contain \"%s\"",
			    i, s.f.error, cases[i].msg);
		sink_clear(&s);
	}
}

/* Odd but valid front matter: CRLF, nulls, a scalar where a list goes, an
 * unknown source key, a bad year, a bad /doc/ link. */
static void
t_lenient(void **st)
{
	static const char text[] =
	    "---\r\n"
	    "title: Titre\r\n"
	    "type: cas\r\n"
	    "themes: eau\r\n"
	    "pays: ~\r\n"
	    "annee: vers 1990\r\n"
	    "sources:\r\n"
	    "  - titre: Un livre\r\n"
	    "    page: 12\r\n"
	    "---\r\n"
	    "\r\n"
	    "# Un autre titre\r\n"
	    "\r\n"
	    "Voir [rien](/doc/) et [là](/doc/%2e%2E/x), "
	    "[ici](/doc/a%20b/).\r\n";
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run_mem(&s, "cas/x.md", text, strlen(text), 0), 0);
	assert_int_equal(s.misuse, 0);
	d = s.f.docs[0];
	assert_string_equal(d->id, "cas/x");
	assert_string_equal(facet(d, "theme", 0), "eau");
	assert_null(facet(d, "pays", 0));
	assert_null(facet(d, "annee", 0));
	/* A first H1 that differs from the title is a heading like others. */
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Un autre titre");
	/* Decoded, without its trailing slash; a space is allowed. */
	assert_int_equal(d->links.n, 1);
	assert_string_equal(d->links.v[0].key, "a b");
	assert_true(has_warning(&s, "unknown key `page` in a source", 9));
	assert_true(has_warning(&s, "`annee` is not a four-digit year", 6));
	assert_true(has_warning(&s, "link to `/doc/` does not name", 14));
	/* A decoded ".." is refused like a literal one. */
	assert_true(has_warning(&s, "link to `/doc/%2e%2E/x` does not name",
	    14));
	assert_int_equal(s.f.nwarnings, 4);
	sink_clear(&s);
}

/* A title written as a YAML block is one line, and still recognised in a
 * first "# …" heading written on one line. */
static void
t_title_block(void **st)
{
	static const char text[] =
	    "---\n"
	    "title: >\n"
	    "  Un titre\n"
	    "  sur deux lignes\n"
	    "type: note\n"
	    "themes: [\"\", eau]\n"
	    "sources:\n"
	    "  - titre: t\n"
	    "---\n"
	    "# Un titre sur deux lignes\n"
	    "\n"
	    "Texte.\n";
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run_mem(&s, "x.md", text, strlen(text), 0), 0);
	assert_int_equal(s.misuse, 0);
	d = s.f.docs[0];
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data,
	    "Un titre sur deux lignes");
	assert_int_equal(d->text[SAVOIR_COL_HEADINGS].len, 0);
	assert_null(strstr(d->html, "<h1>"));
	/* An empty list item is no facet value. */
	assert_int_equal(nfacets(d, "theme"), 1);
	assert_string_equal(facet(d, "theme", 0), "eau");
	sink_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_good),
		cmocka_unit_test(t_defaults_and_warnings),
		cmocka_unit_test(t_unsafe_html),
		cmocka_unit_test(t_yaml_error),
		cmocka_unit_test(t_no_front_matter),
		cmocka_unit_test(t_unknown_type),
		cmocka_unit_test(t_empty),
		cmocka_unit_test(t_latin1),
		cmocka_unit_test(t_nul),
		cmocka_unit_test(t_front_matter_errors),
		cmocka_unit_test(t_lenient),
		cmocka_unit_test(t_title_block),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
