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

	expect_descriptor("notes", ".md", ".markdown", NULL);
	for (i = 0, t = plugin->types; t->name != NULL; t++, i++) {
		expect_type(t, names[i], labels[i], NULL);
		expect_facet_decls(t, "module=Module (keyword); theme=Thème "
		    "(keyword); pays=Pays (keyword); annee=Année (year)");
	}
	assert_int_equal(i, 4);
	assert_string_equal(plugin->types[1].label_plural, "Études de cas");
}

static void
t_good(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_doc(s, "good.md", 0, 0);
	const char		*body, *heads;

	/* id: wins */
	expect_doc(d, "notes/etapes", "note",
	    "Les étapes législatives de l'action extérieure");

	/* The H1 repeating the title is gone from every column and the page. */
	heads = d->text[SAVOIR_COL_HEADINGS].data;
	assert_string_equal(heads, "La loi Thiollière\nUn exemple de "
	    "délibération");
	body = d->text[SAVOIR_COL_BODY].data;
	assert_null(strstr(d->html, "<h1>"));

	/* Plain text: paragraphs joined, lists, code, table; no markup. */
	expect_in(body, "La loi de 1992 ouvre la voie aux conventions avec "
	    "des autorités locales étrangères ; voir le cas de Chambéry et la "
	    "fiche L1115-5.",
	    "\nseconde étape : l'extension aux actions humanitaires.\n",
	    "Le conseil municipal approuve la convention.", "45,4 M€", NULL);
	expect_not_in(body, "Les étapes législatives", "**", "https://",
	    "](/doc", NULL);
#ifdef HAVE_CMARK_GFM
	expect_in(body, "\n2003 | 45,4 M€\n", NULL);
	expect_in(d->html, "<table>", "<td>45,4 M€</td>", NULL);
#endif

	/* Facets. */
	expect_facets(d, "module=2-cadre-juridique; theme=cadre juridique; "
	    "theme=loi Thiollière; pays=Burkina Faso; pays=Sénégal; "
	    "annee=2007");

	/* Metadata, in order, labels in French. */
	assert_int_equal(d->meta.n, 8);
	expect_kv(&d->meta, 0, "auteur", "Auteur", "Équipe pédagogique");
	expect_kv(&d->meta, 1, NULL, "Date", "26 novembre 2026");
	expect_kv(&d->meta, 2, NULL, NULL, "2-cadre-juridique");
	expect_kv(&d->meta, 3, NULL, "Année", "2007");
	expect_kv(&d->meta, 4, NULL, "Thèmes",
	    "cadre juridique, loi Thiollière");
	expect_kv(&d->meta, 5, NULL, NULL, "Burkina Faso, Sénégal");
	expect_kv(&d->meta, 6, "source", "Source", "Rapport d'information du "
	    "Sénat n° 123 (2012-2013) — "
	    "https://www.senat.fr/rap/r12-123/r12-1231.html");
	expect_kv(&d->meta, 7, NULL, NULL,
	    "Entretien avec un élu (non publié)");

	/* HTML from cmark. */
	expect_in(d->html, "<h2>La loi Thiollière</h2>", "<em>conventions</em>",
	    "<li>première étape", "<pre><code>Le conseil", NULL);

	/* Links: /doc/ only, decoded, no #fragment or ?query, one per target
	 * (links.v: key target, label, value rel). */
	assert_int_equal(d->links.n, 2);
	expect_kv(&d->links, 0, "cas/chambéry-ouahigouya",
	    "le cas de Chambéry", "lien");
	expect_kv(&d->links, 1, "cgct/L1115-5", "la fiche L1115-5", NULL);
}

static void
t_defaults_and_warnings(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_doc(s, "minimal.md", 0, 2);
	/* No id: key, so the path without its extension. */
	expect_doc(d, "notes/tests/minimal", "glossaire", NULL);
	assert_int_equal(d->facets.n, 0);
	assert_int_equal(d->meta.n, 0);
	assert_int_equal(d->links.n, 0);
	assert_int_equal(d->text[SAVOIR_COL_HEADINGS].len, 0);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "L'AECT est "
	    "l'action extérieure des collectivités territoriales.");
	/* A typo'd key and the missing sources are reported, with lines. */
	expect_warning(s, "unknown front matter key `theme`", 4);
	expect_warning(s, "no `sources`", -1);
}

static void
t_unsafe_html(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_doc(s, "unsafe.md", 0, -1);
	expect_not_in(d->html, "<script", "alert", "onerror", "<img",
	    "javascript:", NULL);
	/* The safe text around it survives, in the page and the index. */
	expect_in(d->html, "Texte avant le script.", "et un texte sûr.", NULL);
	expect_not_in(d->text[SAVOIR_COL_BODY].data, "alert", NULL);
	expect_in(d->text[SAVOIR_COL_BODY].data,
	    "Un lien piégé et un texte sûr.", NULL);
	assert_int_equal(d->links.n, 0);
}

static void
t_nul(void **st)
{
	static const char text[] = "---\ntitle: a\ntype: note\n---\n\nA\0B\n";
	struct savoir_sink	*s = *st;

	assert_int_equal(run_mem(s, "x.md", text, sizeof text - 1, 0), -1);
	assert_int_equal(s->misuse, 0);
	assert_string_equal(s->f.error, "NUL byte at line 6: this is not a "
	    "text file");
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
	static const struct t_case cases[] = {
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
	struct savoir_sink	*s = *st;
	size_t			 i;

	for (i = 0; i < nitems(cases); i++) {
		assert_int_equal(run_mem(s, "x.md", cases[i].in,
		    strlen(cases[i].in), 0), -1);
		assert_int_equal(s->misuse, 0);
		assert_int_equal(s->f.ndocs, 0);
		if (strstr(s->f.error, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\" does not contain \"%s\"",
			    i, s->f.error, cases[i].want);
		sink_clear(s);
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
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_mem_doc(s, "cas/x.md", text, strlen(text), 0, 4);
	expect_doc(d, "cas/x", NULL, NULL);
	assert_string_equal(facet(d, "theme", 0), "eau");
	assert_null(facet(d, "pays", 0));
	assert_null(facet(d, "annee", 0));
	/* A first H1 that differs from the title is a heading like others. */
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Un autre titre");
	/* Decoded, without its trailing slash; a space is allowed. */
	assert_int_equal(d->links.n, 1);
	assert_string_equal(d->links.v[0].key, "a b");
	expect_warning(s, "unknown key `page` in a source", 9);
	expect_warning(s, "`annee` is not a four-digit year", 6);
	expect_warning(s, "link to `/doc/` does not name", 14);
	/* A decoded ".." is refused like a literal one. */
	expect_warning(s, "link to `/doc/%2e%2E/x` does not name", 14);
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
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_mem_doc(s, "x.md", text, strlen(text), 0, -1);
	expect_doc(d, NULL, NULL, "Un titre sur deux lignes");
	assert_int_equal(d->text[SAVOIR_COL_HEADINGS].len, 0);
	assert_null(strstr(d->html, "<h1>"));
	/* An empty list item is no facet value. */
	assert_int_equal(nfacets(d, "theme"), 1);
	assert_string_equal(facet(d, "theme", 0), "eau");
}

/* A "Sources" section goes when the front matter lists the sources (the
 * page shows them as links), with what follows it up to the next heading
 * as high; without sources in the front matter it stays. */
static void
t_sources_section(void **st)
{
	static const char with[] =
	    "---\n"
	    "title: T\n"
	    "type: note\n"
	    "sources:\n"
	    "  - titre: Un rapport\n"
	    "    url: https://ex.org/r\n"
	    "---\n"
	    "## Partie\n\nTexte.\n\n"
	    "## Sources\n\n- Un rapport : https://ex.org/r\n\n"
	    "### Sous-partie des sources\n\nRéférence.\n\n"
	    "## Suite\n\nFin.\n";
	static const char without[] =
	    "---\n"
	    "title: T\n"
	    "type: note\n"
	    "---\n"
	    "## Sources\n\n- Un rapport\n";
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_mem_doc(s, "x.md", with, strlen(with), 0, -1);
	assert_string_equal(d->html, "<h2>Partie</h2>\n<p>Texte.</p>\n"
	    "<h2>Suite</h2>\n<p>Fin.</p>\n");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Partie\nSuite");
	assert_null(strstr(d->text[SAVOIR_COL_BODY].data, "rapport"));
	sink_clear(s);
	d = run_mem_doc(s, "y.md", without, strlen(without), 0, -1);
	assert_non_null(strstr(d->html, "<h2>Sources</h2>"));
}

/* The section « Application de la grille d'analyse » of a case: each item
 * "**<Critère> — n/3.** comment" becomes the metadata grille-<id>, labelled
 * with the grid's title, named by its leading word; bad items are warned
 * about and left out, items elsewhere are not read. */
static void
t_grid(void **st)
{
	static const char text[] =
	    "---\n"
	    "title: Un cas\n"
	    "type: cas\n"
	    "---\n"
	    "## Contexte\n\n"
	    "- **Pérennité — 1/3.** Hors de la section : pas lu.\n\n"
	    "## Application de la grille d'analyse\n\n"
	    "Grille : voir la note.\n\n"
	    "- **Équilibre et réciprocité — 2/3.** Des *flux* à sens "
	    "unique.\n"
	    "- **Appui institutionnel plutôt qu'infrastructures — 3/3.** "
	    "Un service.\n"
	    "- **Ancrage dans la politique locale — 0 puis 2.** Avant, "
	    "après.\n"
	    "- **Participation des acteurs — 7/3.** Hors échelle.\n"
	    "- **Pérennité — 3/3.**\n"
	    "- **Pérennité — 1/3.** Deux fois.\n"
	    "- **Bonheur des élus — 2/3.** Pas un critère.\n"
	    "- Sans gras.\n"
	    "- **cadre juridique — 1/3.** Minuscule.\n\n"
	    "**Total indicatif : 9/24.**\n\n"
	    "## Suite\n\n"
	    "- **Évaluation — 3/3.** Après la section : pas lu.\n";
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_mem_doc(s, "x.md", text, strlen(text), 0, -1);
	assert_string_equal(meta(d, "grille-equilibre",
	    "Équilibre et réciprocité"), "2/3 — Des flux à sens unique.");
	assert_string_equal(meta(d, "grille-appui-institutionnel",
	    "Appui institutionnel et place des infrastructures"),
	    "3/3 — Un service.");
	assert_string_equal(meta(d, "grille-ancrage",
	    "Ancrage dans les politiques locales"),
	    "2/3 — (0 puis 2) Avant, après.");
	assert_string_equal(meta(d, "grille-perennite", "Pérennité"), "3/3");
	assert_string_equal(meta(d, "grille-cadre-juridique",
	    "Cadre juridique respecté"), "1/3 — Minuscule.");
	assert_null(meta(d, "grille-participation", NULL));
	assert_null(meta(d, "grille-evaluation", NULL));
	assert_null(meta(d, "grille-financement", NULL));
	assert_true(has_warning_with(s, "Participation des acteurs — 7/3",
	    "n/3 with n from 0 to 3"));
	assert_true(has_warning_with(s, "perennite is already graded",
	    NULL));
	assert_true(has_warning_with(s, "Bonheur des élus", "no criterion"));
	assert_true(has_warning_with(s, "without a bold", NULL));
	assert_true(has_warning_with(s, "does not grade", "participation, "
	    "financement, evaluation"));
	/* Grid entries come after the front matter's, in the grid's order. */
	assert_string_equal(d->meta.v[d->meta.n - 5].key, "grille-equilibre");
	assert_string_equal(d->meta.v[d->meta.n - 1].key,
	    "grille-cadre-juridique");
}

/* A web address leaves the indexed text whole, never half a character
 * (fuzz: "»" was two separate stop bytes, and a BOM inside an address
 * lost its first byte only). */
static void
t_address_cut(void **st)
{
	static const char text[] =
	    "---\n"
	    "title: T\n"
	    "type: note\n"
	    "---\n"
	    "Voir https://ex.org/a\xef\xbb\xbf;b fin, « https://ex.org/é » et "
	    "(https://ex.org/c).\n";
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_mem_doc(s, "x.md", text, strlen(text), 0, -1);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Voir  fin, «  » et ().");
	assert_int_equal(s->misuse, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		FH_TEST(t_good),
		FH_TEST(t_defaults_and_warnings),
		FH_TEST(t_unsafe_html),
		cmocka_unit_test(t_yaml_error),
		cmocka_unit_test(t_no_front_matter),
		cmocka_unit_test(t_unknown_type),
		cmocka_unit_test(t_empty),
		cmocka_unit_test(t_latin1),
		FH_TEST(t_nul),
		FH_TEST(t_front_matter_errors),
		FH_TEST(t_lenient),
		FH_TEST(t_title_block),
		FH_TEST(t_sources_section),
		FH_TEST(t_address_cut),
		FH_TEST(t_grid),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
