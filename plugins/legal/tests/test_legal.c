/*
 * test_legal.c - the legal plugin, loaded with dlopen from $SAVOIR_PLUGINS
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
	return fakehost_load("legal", "legal");
}

static void
t_descriptor(void **st)
{
	expect_descriptor("legal", ".txt", NULL);
	expect_one_type("article", "Article de loi", "Articles de loi",
	    "code=Code (keyword); article=Article "
	    "(text); etat=État (keyword); theme=Thème (keyword); module=Module "
	    "(keyword); annee=Année (year)");
}

static void
t_probe(void **st)
{
	assert_int_equal(probe_file("cgct-extrait.txt", NULL), 80);
	/* Broken YAML still comes to extract, which says what is wrong. */
	assert_int_equal(probe_file("yaml-error.txt", NULL), 80);
	assert_int_equal(probe_file("plain.txt", NULL), 0);
	assert_int_equal(probe_file("no-article.txt", NULL), 80);
}

static void
t_articles(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	run_ok(s, "cgct-extrait.txt", SAVOIR_INPUT_WITH_REPEALED, 3, 0);
	assert_string_equal(s->f.docs[0]->id, "cgct/L1115-1");
	assert_string_equal(s->f.docs[1]->id, "cgct/L1114-1");
	assert_string_equal(s->f.docs[2]->id, "cgct/L1115-4-2");

	d = must_doc(s, "cgct/L1115-1");
	expect_doc(d, NULL, "article", "Article L1115-1 "
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
	expect_facets(d, "code=CGCT; article=L1115-1; etat=en vigueur; "
	    "theme=cadre juridique; theme=action extérieure; "
	    "module=2-cadre-juridique; annee=2021");
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

	d = must_doc(s, "cgct/L1114-1");
	assert_string_equal(facet(d, "etat", 0), "abrogé");
	assert_string_equal(meta(d, "etat", "État"), "abrogé");
	assert_string_equal(facet(d, "annee", 0), "1992");
	assert_string_equal(meta(d, "version", "Version décrite"),
	    "6 février 1992");

	/* No titre: no " — " after the reference. */
	d = must_doc(s, "cgct/L1115-4-2");
	expect_doc(d, NULL, NULL, "Article L1115-4-2 du CGCT");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Une fiche sans titre, d'une seule phrase.");
}

/* "## " and "### " lines are headings (HTML and the headings column); a
 * Sources section goes when the front matter lists the sources. */
static void
t_sections(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	run_ok(s, "fiche-sections.txt", 0, 2, 0);
	d = must_doc(s, "cgct/L1115-2");
	assert_string_equal(d->html,
	    "<p class=\"ref\">Article L1115-2 du CGCT</p>\n"
	    "<h2>Ce que dit l&#39;article</h2>\n"
	    "<p>Le texte de l&#39;article.</p>\n"
	    "<ul>\n<li>un point</li>\n</ul>\n"
	    "<h2>Historique</h2>\n"
	    "<h3>En 2007</h3>\n"
	    "<p>Une date.\n#pas un titre, ni ####celui-ci</p>\n"
	    "<h2>Après les sources</h2>\n"
	    "<p>Encore du texte.</p>\n");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Ce que dit l'article\nHistorique\nEn 2007\nAprès les sources");
	assert_null(strstr(d->text[SAVOIR_COL_BODY].data, "legifrance"));
	d = must_doc(s, "cgct/L1115-3");
	/* "##" alone is not a heading: a paragraph. */
	assert_non_null(strstr(d->html, "<p>##</p>"));
}

static void
t_repealed_skipped(void **st)
{
	struct savoir_sink	*s = *st;

	/* Without the flag the host does not want repealed articles of an
	 * official text... */
	run_ok(s, "cgct-officiel.txt", 0, 2, -1);
	assert_non_null(doc(s, "cgct/L1115-1"));
	assert_null(doc(s, "cgct/L1114-1"));
	assert_non_null(doc(s, "cgct/L1115-4-2"));
	sink_clear(s);
	/* ...but a fiche explaining a repealed article is kept. */
	run_ok(s, "cgct-extrait.txt", 0, 3, -1);
	assert_non_null(doc(s, "cgct/L1114-1"));
}

static void
t_duplicate(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_doc(s, "duplicate.txt", 0, 1);
	expect_doc(d, "cgct/L1115-2", NULL, NULL);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "Premier texte.");
	assert_string_equal(meta(d, "nature", "Nature"), "texte officiel");
	assert_null(meta(d, "version", "Version décrite"));
	assert_null(facet(d, "annee", 0));
	expect_warning(s, "article L1115-2 is already on line 8", 13);
}

static void
t_unknown_meta(void **st)
{
	struct savoir_sink	*s = *st;

	assert_string_equal(run_doc(s, "unknown-meta.txt", 0, 1)->
	    text[SAVOIR_COL_BODY].data, "Texte de l'article.");
	expect_warning(s, "unknown article metadata `remarque`", 10);
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
	struct savoir_sink	*s = *st;
	size_t			 i;
	int			 rc;

	for (i = 0; i < nitems(cases); i++) {
		rc = run_mem(s, "x.txt", cases[i].text, strlen(cases[i].text),
		    0);
		assert_int_equal(s->misuse, 0);
		if (cases[i].error != NULL) {
			assert_int_equal(rc, -1);
			if (strstr(s->f.error, cases[i].error) == NULL)
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i,
				    s->f.error, cases[i].error);
		} else if (rc != 0)
			fail_msg("case %zu: %s", i, s->f.error);
		if (s->f.ndocs != cases[i].ndocs)
			fail_msg("case %zu: %zu documents", i, s->f.ndocs);
		if (cases[i].warning != NULL &&
		    !has_warning(s, cases[i].warning, -1))
			fail_msg("case %zu: no warning \"%s\"", i,
			    cases[i].warning);
		sink_clear(s);
	}
}

static void
t_edge_values(void **st)
{
	static const char text[] = "---\r\ncode: Loi organique\r\n"
	    "court: LOI\r\nsources:\r\n  - titre: t\r\n---\r\n"
	    "Article LO1114-1\r\ntitre: a\r\nannee: 2001\r\n"
	    "etat: bof\r\n\r\nTexte.\r\n";
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = run_mem_doc(s, "x.txt", text, sizeof text - 1, 0, -1);
	expect_doc(d, "loi/LO1114-1", NULL, "Article LO1114-1 du LOI — a");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "Texte.");
	assert_string_equal(facet(d, "annee", 0), "2001");
	/* An unknown etat is read as in force, with a warning. */
	assert_string_equal(facet(d, "etat", 0), "en vigueur");
	expect_warning(s, "etat `bof` is neither", 10);
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
	struct savoir_sink	*s = *st;

	run_mem_ok(s, "x.txt", text, strlen(text), 0, 2, 3);
	expect_doc(s->f.docs[0], "x/L2", NULL, NULL);
	assert_string_equal(s->f.docs[0]->text[SAVOIR_COL_BODY].data, "B.");
	expect_doc(s->f.docs[1], "x/L1", NULL, NULL);
	assert_string_equal(s->f.docs[1]->text[SAVOIR_COL_BODY].data, "A.");
	expect_warning(s, "L2 is already on line 7", 13);
	expect_warning(s, "L1 is already on line 10", 16);
	expect_warning(s, "L2 is already on line 7", 19);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_probe),
		FH_TEST(t_articles),
		FH_TEST(t_sections),
		FH_TEST(t_repealed_skipped),
		FH_TEST(t_duplicate),
		FH_TEST(t_unknown_meta),
		cmocka_unit_test(t_no_article),
		cmocka_unit_test(t_yaml_error),
		FH_TEST(t_edge_cases),
		FH_TEST(t_edge_values),
		FH_TEST(t_many_duplicates),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
