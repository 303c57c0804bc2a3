/*
 * test_pdf.c - the pdf plugin, loaded with dlopen from $SAVOIR_PLUGINS as
 * the host would, driven through the shared fake host of
 * tests/unit/fakehost.c, which records what it emits (documents, columns,
 * facets, metadata, HTML, warnings, errors) and counts every misuse of the
 * ABI.  The PDFs in tests/data are made by tests/make-data.py.  Skipped when
 * the plugin is not built (configure --without-pdf).
 */
#include "config.h"

#include "../../../tests/unit/testutil.h"
#include "../../../tests/unit/fakehost.h"

static int
setup(void **st)
{
	(void)st;
	return fakehost_load("pdf", "docs");
}

/*
 * The page a search hit on needle would show: the number of the last
 * "[p. N]" line (with a no-break space) before it in the body, as a
 * reader of a snippet would find it.  -1 if the needle is not there.
 */
static int
page_of(const char *body, const char *needle)
{
	const char	*hit, *p, *mark = NULL;

	if ((hit = strstr(body, needle)) == NULL)
		return -1;
	for (p = body; p != NULL && p < hit; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "[p.\u00a0", 5) == 0 && p < hit)
			mark = p;
	}
	return mark != NULL ? atoi(mark + 5) : 0;
}

/* The HTML of the <section> for page n, or NULL; caller frees. */
static char *
section(const char *html, int n)
{
	char		*open, *out;
	const char	*s, *e;

	open = xsprintf("<section id=\"p%d\">", n);
	s = strstr(html, open);
	free(open);
	if (s == NULL)
		return NULL;
	if ((e = strstr(s, "</section>")) == NULL)
		return NULL;
	out = xstrndup(s, e + strlen("</section>") - s);
	return out;
}

static void
t_descriptor(void **st)
{
	expect_descriptor("pdf", ".pdf", NULL);
	assert_string_equal(plugin->mime_types[0], "application/pdf");
	expect_one_type("pdf", "Document PDF", "Documents PDF", "annee=Année "
	    "(year); auteur=Auteur (keyword)");
}

static void
t_probe(void **st)
{
	char	*junk;

	assert_int_equal(probe_mem("x.pdf", "%PDF-1.7\n", 9), 100);
	/* Readers accept junk before the header, up to 1024 bytes. */
	assert_int_equal(probe_mem("x.pdf", "GARBAGE\r\n%PDF-1.4\n", 18), 100);
	junk = xmalloc(2048);
	memset(junk, ' ', 2048);
	memcpy(junk + 1500, "%PDF-1.4", 8);
	assert_int_equal(probe_mem("x.pdf", junk, 2048), 1);
	free(junk);
	/* Not a PDF: taken at the lowest score, so extract says why. */
	assert_int_equal(probe_mem("x.pdf", "\x89PNG\r\n\x1a\n", 8), 1);
	assert_int_equal(probe_mem("x.pdf", "", 0), 1);
	assert_int_equal(probe_mem("x.pdf", "%PDF", 4), 1);
}

static void
t_good(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_doc(s, "good.pdf", 0, 0);

	expect_doc(d, "docs/good", "pdf",
	    "Guide de la coopération décentralisée");

	/* The outline's entries, then subject and keywords. */
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Introduction\nLe cadre juridique\nLa loi Thiollière\nAnnexes\n"
	    "Action extérieure des collectivités\n"
	    "coopération, jumelage, CGCT");

	/* Each page's text after its "[p. N]" line; the fi ligature glyph
	 * is two letters. */
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "[p.\u00a01]\n"
	    "Guide de la coopération décentralisée\n"
	    "Ce guide présente l’action extérieure des collectivités "
	    "territoriales françaises\n"
	    "et les outils juridiques dont elles disposent pour agir avec "
	    "leurs partenaires\n"
	    "étrangers, en toute confiance.\n"
	    "Sommaire : introduction, cadre juridique, annexes.\n"
	    "[p.\u00a02]\n"
	    "Le cadre juridique\n"
	    "La loi du 6 février 1992 a ouvert la voie aux conventions de "
	    "jumelage-coopération\n"
	    "avec des autorités locales étrangères ; la loi Thiollière de "
	    "2007 l’a étendue\n"
	    "à l’aide humanitaire d’urgence.\n"
	    "Seuils : < 5 000 € & > 100 € « sic ».\n"
	    "[p.\u00a03]\n"
	    "Annexes\n"
	    "Article L1115-1 du CGCT : texte intégral en annexe.\n"
	    "Fin du document.");

	/* Facets: each author of "A; B", the year of the creation date. */
	expect_facets(d, "auteur=Équipe pédagogique; auteur=Jean Dupont; "
	    "annee=2019");

	/* Metadata in order, labels in French; the date is the day in the
	 * PDF's own time zone (09:30 +01:00). */
	assert_int_equal(d->meta.n, 6);
	expect_kv(&d->meta, 0, "auteur", "Auteur",
	    "Équipe pédagogique, Jean Dupont");
	expect_kv(&d->meta, 1, NULL, "Date", "5 novembre 2019");
	expect_kv(&d->meta, 2, NULL, "Pages", "3");
	assert_string_equal(meta(d, "sujet", "Sujet"),
	    "Action extérieure des collectivités");
	assert_string_equal(meta(d, "motscles", "Mots-clés"),
	    "coopération, jumelage, CGCT");
	assert_string_equal(meta(d, "producteur", "Producteur"),
	    "Savoir make-data.py 1.0");
	assert_int_equal(d->links.n, 0);
}

static void
t_html(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_doc(s, "good.pdf", 0, 0);
	char			*p2, *clean;

	assert_non_null(d->html);

	/* The outline first, as nested lists linking to the pages (the
	 * named destination of the nested entry resolved). */
	assert_non_null(strstr(d->html,
	    "<section class=\"pdf-sommaire\"><h2>Sommaire</h2>\n"
	    "<ul>\n"
	    "<li><a href=\"#p1\">Introduction</a></li>\n"
	    "<li><a href=\"#p2\">Le cadre juridique</a><ul>\n"
	    "<li><a href=\"#p2\">La loi Thiollière</a></li>\n"
	    "</ul></li>\n"
	    "<li><a href=\"#p3\">Annexes</a></li>\n"
	    "</ul>\n"
	    "</section>\n"));
	assert_true(strstr(d->html, "pdf-sommaire") <
	    strstr(d->html, "<section id=\"p1\">"));

	/* A section per page; short lines end paragraphs, text is
	 * escaped. */
	p2 = section(d->html, 2);
	assert_non_null(p2);
	assert_string_equal(p2,
	    "<section id=\"p2\"><h2>Page 2</h2>\n"
	    "<p>Le cadre juridique</p>\n"
	    "<p>La loi du 6 février 1992 a ouvert la voie aux conventions "
	    "de jumelage-coopération\n"
	    "avec des autorités locales étrangères ; la loi Thiollière de "
	    "2007 l’a étendue\n"
	    "à l’aide humanitaire d’urgence.</p>\n"
	    "<p>Seuils : &lt; 5 000 € &amp; &gt; 100 € « sic ».</p>\n"
	    "</section>");
	free(p2);
	/* A page of short lines only: a paragraph per line. */
	p2 = section(d->html, 3);
	assert_non_null(p2);
	assert_non_null(strstr(p2, "<p>Annexes</p>\n<p>Article L1115-1 du "
	    "CGCT : texte intégral en annexe.</p>\n<p>Fin du document.</p>"));
	free(p2);
	expect_not_in(d->html, "<section id=\"p4\">", "pdf-tronque", NULL);

	/* What the host keeps of it: ids and in-page links survive. */
	clean = html_sanitize(d->html, strlen(d->html), "cgct");
	expect_in(clean, "<section id=\"p2\">", "href=\"#p2\"", "&lt; 5 000",
	    NULL);
	free(clean);
}

/* A hit in the body can be traced to its page, in the text and the page. */
static void
t_page_of_hit(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_doc(s, "good.pdf", 0, 0);
	const char		*body;
	char			*p;

	body = d->text[SAVOIR_COL_BODY].data;
	assert_int_equal(page_of(body, "jumelage-coopération"), 2);
	assert_int_equal(page_of(body, "humanitaire"), 2);
	assert_int_equal(page_of(body, "confiance"), 1);
	assert_int_equal(page_of(body, "Fin du document"), 3);
	assert_int_equal(page_of(body, "introuvable"), -1);
	p = section(d->html, 2);
	assert_non_null(strstr(p, "jumelage-coopération"));
	free(p);
	p = section(d->html, 1);
	assert_null(strstr(p, "jumelage-coopération"));
	free(p);
}

/* Run good.pdf with a plugin state made under an environment. */
static int
run_env(struct savoir_sink *s, const char *name, const char *value)
{
	void	*saved = pstate, *st2 = NULL;
	int	 rc;

	setenv(name, value, 1);
	free(last_log);
	last_log = NULL;
	assert_int_equal(plugin->init(&fake_host, &st2), 0);
	unsetenv(name);
	pstate = st2;
	rc = run(s, "good.pdf", 0);
	pstate = saved;
	plugin->fini(st2);
	return rc;
}

static void
t_page_cap(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	assert_int_equal(run_env(s, "SAVOIR_PDF_MAX_PAGES", "2"), 0);
	assert_int_equal(s->misuse, 0);
	assert_int_equal(s->f.ndocs, 1);
	d = s->f.docs[0];
	assert_int_equal(s->f.nwarnings, 1);
	expect_warning(s, "the PDF has 3 pages: only the first 2 "
	    "are read (page cap, SAVOIR_PDF_MAX_PAGES)", 0);
	expect_in(d->text[SAVOIR_COL_BODY].data, "[p.\u00a02]\n", NULL);
	expect_not_in(d->text[SAVOIR_COL_BODY].data, "[p.\u00a03]",
	    "Fin du document", NULL);
	/* The page count is the file's, and the page says it stopped. */
	assert_string_equal(meta(d, "pages", NULL), "3");
	expect_in(d->html, "<p class=\"pdf-tronque\">Lecture interrompue "
	    "après la page 2 sur 3",
	    /* The outline entry of an unread page is no dead link. */
	    "<li>Annexes</li>", NULL);
	expect_not_in(d->html, "<section id=\"p3\">", "href=\"#p3\"", NULL);
}

static void
t_bad_env(void **st)
{
	struct savoir_sink	*s = *st;

	/* A bad value is logged, naming the variable, and the default
	 * (2,000 pages) holds. */
	assert_int_equal(run_env(s, "SAVOIR_PDF_MAX_PAGES", "beaucoup"), 0);
	assert_non_null(last_log);
	assert_non_null(strstr(last_log, "SAVOIR_PDF_MAX_PAGES=\"beaucoup\""));
	assert_int_equal(s->f.nwarnings, 0);
	assert_non_null(strstr(s->f.docs[0]->text[SAVOIR_COL_BODY].data,
	    "[p.\u00a03]"));
}

/* A title that is only a Word file name gives way to page 1's first
 * line; no outline, no author, no date; a contents page. */
static void
t_title_fallback(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_doc(s, "notitle.pdf", 0, 0);

	expect_doc(d, NULL, NULL, "Rapport d’activité 2021");
	assert_int_equal(d->text[SAVOIR_COL_HEADINGS].len, 0);
	/* Dot leaders are one ellipsis; three dots are text. */
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "[p.\u00a01]\n"
	    "Rapport d’activité 2021\n"
	    "Le partenariat avec Ouahigouya se poursuit.\n"
	    "Sommaire … 2\n"
	    "Bilan financier … 3\n"
	    "Trois points... puis la suite.");
	assert_int_equal(d->facets.n, 0);
	assert_int_equal(d->meta.n, 1);
	assert_string_equal(meta(d, "pages", NULL), "1");
	expect_in(d->html, "<p>Sommaire … 2</p>", "<section id=\"p1\">",
	    NULL);
	expect_not_in(d->html, "pdf-sommaire", NULL);
}

/* Pages without text: the file name is the title, the page says why it
 * is empty, a warning suggests OCR. */
static void
t_blank(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_doc(s, "blank.pdf", 0, 1);

	expect_doc(d, NULL, NULL, "blank.pdf");
	assert_int_equal(d->text[SAVOIR_COL_BODY].len, 0);
	expect_warning(s, "no text on any of the 2 pages read (a "
	    "scan without OCR?)", 0);
	expect_in(d->html, "ne contient pas de texte", NULL);
	expect_not_in(d->html, "<section id=\"p1\">", NULL);
	assert_string_equal(meta(d, "pages", NULL), "2");
}

/* Odd metadata and outline: each oddity is a warning naming it, and the
 * rest of the document is kept. */
static void
t_odd(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_doc(s, "odd.pdf", 0, 2);

	/* "untitled" is no title. */
	expect_doc(d, NULL, NULL, "Notes de terrain");
	expect_warning(s, "creation date: year 1970 is not plausible", 0);
	expect_warning(s, "outline entry \"Perdu\": its named destination "
	    "is not in the document", 0);
	/* An author of separators only, a 1970 date: no facet at all. */
	assert_int_equal(d->facets.n, 0);
	assert_null(meta(d, "auteur", NULL));
	assert_null(meta(d, "date", NULL));
	/* The entry without a page is text; markup in a title is text. */
	expect_in(d->html, "<li>Perdu</li>", "<li><a href=\"#p1\">Annexe "
	    "&lt;1&gt; &amp; &quot;notes&quot;</a></li>", NULL);
	expect_not_in(d->html, "<1>", NULL);
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Perdu\nAnnexe <1> & \"notes\"");
}

static void
t_encrypted(void **st)
{
	expect_error("encrypted.pdf", "encrypted PDF: a password is needed");
}

static void
t_truncated(void **st)
{
	/* poppler's words: its error, then the first problem it logged. */
	expect_error("truncated.pdf", "not a valid PDF: PDF document is "
	    "damaged (Syntax error: ");
}

static void
t_damaged(void **st)
{
	expect_error("damaged.pdf", "not a valid PDF: PDF document is "
	    "damaged (Syntax error: Couldn't find trailer dictionary)");
}

static void
t_not_pdf(void **st)
{
	expect_error("not-a-pdf.pdf", "not a PDF: no %PDF- header in the "
	    "first 1024 bytes (the file starts with bytes 89 50 4E 47 0D 0A "
	    "1A 0A)");
}

static void
t_empty(void **st)
{
	expect_error("empty.pdf", "empty file");
}

/* A failed file leaves nothing behind: the next one reads normally. */
static void
t_after_error(void **st)
{
	struct savoir_sink	*s = *st;

	expect_error("truncated.pdf", "not a valid PDF");
	run_ok(s, "good.pdf", 0, 1, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_probe),
		FH_TEST(t_good),
		FH_TEST(t_html),
		FH_TEST(t_page_of_hit),
		FH_TEST(t_page_cap),
		FH_TEST(t_bad_env),
		FH_TEST(t_title_fallback),
		FH_TEST(t_blank),
		FH_TEST(t_odd),
		cmocka_unit_test(t_encrypted),
		cmocka_unit_test(t_truncated),
		cmocka_unit_test(t_damaged),
		cmocka_unit_test(t_not_pdf),
		cmocka_unit_test(t_empty),
		FH_TEST(t_after_error),
	};
	const char	*dir = getenv("SAVOIR_PLUGINS");
	char		*path;

	/* configure --without-pdf builds this test but not the plugin: a
	 * TAP plan of no tests says so to the test driver. */
	path = xsprintf("%s/pdf.so", dir != NULL ? dir : "plugins-dev");
	if (access(path, F_OK) == -1) {
		printf("1..0 # SKIP %s is not built (configure "
		    "--without-pdf?)\n", path);
		free(path);
		return 0;
	}
	free(path);
	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
