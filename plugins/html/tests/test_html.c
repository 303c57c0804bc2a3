/*
 * test_html.c - the html plugin, loaded with dlopen from $SAVOIR_PLUGINS as
 * the host would, driven through the shared fake host of
 * tests/unit/fakehost.c, which records what it emits and counts every misuse
 * of the ABI.  The pages in tests/data are plain files, but for the two
 * that are not UTF-8, which tests/make-data.py writes; pages only a test
 * needs (very deep, very large) are made here.
 */
#include "config.h"

#include "../../../tests/unit/testutil.h"
#include "../../../tests/unit/fakehost.h"

static int
setup(void **st)
{
	(void)st;
	return fakehost_load("html", "html");
}

/* The label of the link to target, "" without one; NULL if no link. */
static const char *
link_to(const struct xdoc *d, const char *target)
{
	size_t	 i;

	for (i = 0; i < d->links.n; i++)
		if (strcmp(d->links.v[i].key, target) == 0)
			return d->links.v[i].label != NULL ?
			    d->links.v[i].label : "";
	return NULL;
}

/*
 * Is every tag in html one the plugin may write, with no attribute but a
 * double-quoted href on <a>?  Fails the test naming the first offender.
 */
static void
assert_allowed_markup(const char *html)
{
	static const char *const ok[] = { "p", "h2", "h3", "h4", "h5", "h6",
	    "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td",
	    "th", "caption", "a", "em", "strong", "code", "pre", "blockquote",
	    "br", NULL };
	const char	*p, *end;
	char		 name[16];
	size_t		 n, i;

	for (p = strchr(html, '<'); p != NULL; p = strchr(p + 1, '<')) {
		if (p[1] == '/')
			p++;
		for (n = 0; (p[1 + n] >= 'a' && p[1 + n] <= 'z') ||
		    (p[1 + n] >= '1' && p[1 + n] <= '6'); n++)
			if (n + 1 >= sizeof name)
				fail_msg("long tag at %.40s", p);
		memcpy(name, p + 1, n);
		name[n] = '\0';
		for (i = 0; ok[i] != NULL; i++)
			if (strcmp(name, ok[i]) == 0)
				break;
		if (ok[i] == NULL)
			fail_msg("tag <%s> written: %.60s", name, p);
		end = strchr(p, '>');
		assert_non_null(end);
		if (end != p + 1 + n && !(strcmp(name, "a") == 0 &&
		    strncmp(p + 2, " href=\"", 7) == 0 &&
		    memchr(p + 9, '"', (size_t)(end - p - 9)) == end - 1))
			fail_msg("attributes written: %.60s", p);
	}
}

static void
t_descriptor(void **st)
{
	expect_descriptor("html", ".html", ".htm", NULL);
	expect_one_type("page", "Page web", "Pages web", "annee=Année "
	    "(year); langue=Langue (keyword)");
}

static void
t_page(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	const char		*body, *html;

	d = run_doc(s, "site/guide/page.html", 0, 0);
	expect_doc(d, "html/site/guide/page", "page",
	    "Guide de la coopération décentralisée");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Guide de la coopération décentralisée\nLe cadre juridique\n"
	    "Liste");

	/* The main content only: no banner, menu, aside, form, hidden
	 * text, script; a header inside the article is the article's. */
	body = d->text[SAVOIR_COL_BODY].data;
	assert_string_equal(body,
	    "Chapeau de l'article.\n"
	    "Les collectivités territoriales peuvent conclure des conventions "
	    "(article L1115-1).\n"
	    "Voir l'autre page, le détail, l'accueil, encore l'accueil et le "
	    "rapport du Sénat.\n"
	    "Texte libre dans une div sur deux lignes.\n"
	    "Premier\nSecond code\n"
	    "Année | Montant\n2003 | 45,4 M€\n"
	    "ligne 1\n  ligne 2\n"
	    "Une citation.\n"
	    "Liens écartés : courriel, script, ancre, soi-même, hors du "
	    "corpus, image.");

	expect_facets(d, "annee=2020; langue=français");
	assert_string_equal(meta(d, "auteur", "Auteur"), "Équipe pédagogique");
	assert_string_equal(meta(d, "date", NULL), "4 mai 2020");
	assert_non_null(meta(d, "langue", "Langue"));
	assert_string_equal(meta(d, "description", NULL), "Un guide.");
	assert_non_null(meta(d, "mots_cles", "Mots-clés"));

	/* Pages of the corpus by id, from this page's folder; /doc/ links;
	 * nothing for itself, outside links, mail, scripts, anchors, files
	 * that are no pages, or a path that leaves the root. */
	assert_int_equal(d->links.n, 4);
	assert_string_equal(link_to(d, "cgct/L1115-1"), "article L1115-1");
	assert_string_equal(link_to(d, "html/site/guide/autre"),
	    "l'autre page");
	assert_string_equal(link_to(d, "html/site/guide/sub/detail"),
	    "le détail");
	assert_string_equal(link_to(d, "html/site/index"), "l'accueil");
	assert_string_equal(d->links.v[0].value, "lien");

	html = d->html;
	assert_allowed_markup(html);
	/* The <h1> is the title: not repeated in the body. */
	expect_not_in(html, "<h1>", "<h2>Guide", NULL);
	assert_non_null(strstr(html, "<p>Chapeau de l&#39;article.</p>\n"
	    "<p>Les <strong>collectivités</strong> <em>territoriales</em> "
	    "peuvent conclure des conventions (<a href=\"/doc/cgct/L1115-1\">"
	    "article L1115-1</a>).</p>\n<h2>Le cadre juridique</h2>\n"
	    "<p>Voir <a href=\"/doc/html/site/guide/autre\">l&#39;autre page"
	    "</a>, <a href=\"/doc/html/site/guide/sub/detail\">le détail</a>, "
	    "<a href=\"/doc/html/site/index\">l&#39;accueil</a>, "
	    "<a href=\"/doc/html/site/index\">encore l&#39;accueil</a> et "
	    "<a href=\"https://www.senat.fr/rap/r12-123.html\">le rapport du "
	    "Sénat</a>.</p>\n<p>Texte libre dans une div<br>sur deux lignes."
	    "</p>\n<h3>Liste</h3>\n<ul><li>Premier</li>\n<li>Second <code>"
	    "code</code></li>\n</ul>\n<table><thead><tr><th>Année</th><th>"
	    "Montant</th></tr>\n</thead>\n<tbody><tr><td>2003</td><td><p>"
	    "45,4 M€</p>\n</td></tr>\n</tbody>\n</table>\n<pre>ligne 1\n"
	    "  ligne 2</pre>\n<blockquote><p>Une citation.</p>\n"
	    "</blockquote>\n"));
	assert_non_null(strstr(html, "<p>Liens écartés : courriel, script, "
	    "ancre, <a href=\"/doc/html/site/guide/page\">soi-même</a>, "
	    "<a href=\"../../../../etc/passwd.html\">hors "
	    "du corpus</a>, <a href=\"image.png\">image</a>.</p>"));
	expect_not_in(html, "Bandeau", "Pied de page", "formulaire", "caché",
	    NULL);
	expect_not_in(body, "formulaire", NULL);
}

static void
t_injection(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	const char		*html, *body;

	d = run_doc(s, "inject.html", 0, -1);
	html = d->html;
	assert_allowed_markup(html);
	assert_null(strcasestr(html, "<script"));
	assert_null(strcasestr(html, "javascript"));
	assert_null(strcasestr(html, "vbscript"));
	expect_not_in(html, "data:", "onerror", "onclick", "onmouseover",
	    "style", "<img", "alert(0)", "alert(1)", "alert(3)", "alert(10)",
	    "alert(12)", "alert(13)", NULL);
	expect_in(html,
	    /* Text that looks like markup stays text. */
	    "<p>&lt;script&gt;alert(11)&lt;/script&gt; en texte</p>",
	    "<a href=\"http://example.org/?q=&quot;&gt;&lt;script&gt;\">"
	    "lien piégé</a>",
	    /* Refused links keep their words, not their address. */
	    "<p>lien js lien js 2 lien tab lien data lien vb</p>",
	    "<p><strong>Gras</strong> et <em>italique</em></p>", NULL);

	body = d->text[SAVOIR_COL_BODY].data;
	assert_string_equal(body, "Texte sûr.\n"
	    "lien js lien js 2 lien tab lien data lien vb\n"
	    "Style en ligne\n"
	    "<script>alert(11)</script> en texte\n"
	    "lien piégé\n"
	    "Gras et italique\n"
	    "Fin.");
	assert_int_equal(d->links.n, 0);
}

static void
t_encodings(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	/* A declared charset is honoured. */
	d = run_doc(s, "cp1252.html", 0, 0);
	expect_doc(d, NULL, NULL, "Été");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "L'été à Chambéry, cœur – fin");
	sink_clear(s);

	/* None declared: UTF-8, each stray byte read as Windows-1252, and
	 * the UTF-8 after it still read as UTF-8. */
	d = run_doc(s, "nocharset.html", 0, -1);
	expect_warning(s, "not valid UTF-8 (byte 0xE9) and declares "
	    "no charset", 2);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Café, cœur et déjà vu");
	sink_clear(s);

	/* Text before a late <meta charset> (a fuzzer's page): what
	 * libxml2 could not convert comes back raw, and is repaired before
	 * the host sees it (the host counts a breach of the ABI otherwise). */
	d = run_doc(s, "late-charset.html", 0, -1);
	assert_int_equal(s->misuse, 0);
}

static void
t_titles(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	/* No <title>: the first <h1>, which then leaves the body. */
	d = run_doc(s, "notitle.html", 0, -1);
	expect_doc(d, NULL, NULL, "Titre de niveau un");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Titre de niveau un");
	assert_string_equal(d->html, "<p>Un paragraphe.</p>\n");
	assert_int_equal(d->facets.n, 0);
	assert_int_equal(d->meta.n, 0);
	sink_clear(s);

	/* Neither: the file name; loose text gets a paragraph. */
	d = run_doc(s, "bare.html", 0, -1);
	expect_doc(d, NULL, NULL, "bare.html");
	assert_string_equal(d->html, "<p>Juste du texte.</p>\n");
}

static void
t_main_content(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	/* A lone <article> is the content. */
	d = run_doc(s, "article.html", 0, -1);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Texte de l'article.");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Dans l'article");
	sink_clear(s);
	/* Several: the body. */
	d = run_doc(s, "articles.html", 0, -1);
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Introduction\nPremier article.\nSecond article.");
}

static void
t_empty(void **st)
{
	struct savoir_sink	*s = *st;

	assert_int_equal(run(s, "empty.html", 0), -1);
	assert_int_equal(s->misuse, 0);
	assert_string_equal(s->f.error, "the file is empty");
	sink_clear(s);
	assert_int_equal(run(s, "blank.html", 0), -1);
	assert_int_equal(s->misuse, 0);
	assert_string_equal(s->f.error, "the file holds no HTML (only white "
	    "space?)");
}

static void
t_deep(void **st)
{
	static const struct {
		const char	*before;	/* in <body>, before the nest */
		const char	*open;		/* one level */
		int		 n;
		const char	*body;		/* the text read */
	} cases[] = {
		/* Far deeper than any walk should recurse: libxml2 stops
		 * nesting at 256 levels and so does the plugin, which cannot
		 * crash on it. */
		{ "<p>Avant.</p>", "<div>", 100000, "Avant." },
		/* 240 levels, within what libxml2 builds: all read. */
		{ "", "<div><blockquote>", 120, "Au fond." },
	};
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	struct buf		 b;
	size_t			 i;
	int			 j;

	for (i = 0; i < nitems(cases); i++) {
		buf_init(&b);
		buf_printf(&b, "<html><body>%s", cases[i].before);
		for (j = 0; j < cases[i].n; j++)
			buf_adds(&b, cases[i].open);
		buf_adds(&b, "Au fond.</body></html>");
		d = run_mem_doc(s, "deep.html", b.data, b.len, 0, -1);
		if (strcmp(d->text[SAVOIR_COL_BODY].data, cases[i].body) != 0)
			fail_msg("%d levels of %s: body \"%s\"", cases[i].n,
			    cases[i].open, d->text[SAVOIR_COL_BODY].data);
		assert_allowed_markup(d->html);
		sink_clear(s);
		buf_free(&b);
	}
}

static void
many_html(struct buf *b)
{
	int	 i;

	buf_adds(b, "<html><body>\n");
	for (i = 0; i < 20000; i++)
		buf_printf(b, "<p>Paragraphe %d : <a href=\"p%d.html\">"
		    "coopération</a> décentralisée.</p>\n", i, i % 1500);
	buf_adds(b, "</body></html>");
}

/* Many elements: each read once (links deduplicated by a hash, not by
 * scanning), the link count capped. */
static void
t_many(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_made(s, "many.html", many_html, -1);

	expect_warning(s, "more than 1000 links", 0);
	assert_int_equal(d->links.n, 1000);
	assert_string_equal(link_to(d, "p999"), "coopération");
	assert_null(link_to(d, "p1000"));
	assert_non_null(strstr(d->text[SAVOIR_COL_BODY].data,
	    "\nParagraphe 19999 : coopération décentralisée."));
}

static void
large_html(struct buf *b)
{
	buf_adds(b, "<html><body><p>Début.</p>");
	fh_runs(b, 3, "<p>", "été et ", 6 << 20, "");
	buf_adds(b, "</body></html>");
}

/* More text than the host takes: cut short of it, with a warning. */
static void
t_large(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d = run_made(s, "large.html", large_html, -1);

	expect_cut(s, d);
	assert_true(strlen(d->html) <= (size_t)15 << 20);
	assert_true(strncmp(d->html, "<p>Début.</p>\n<p>été et ", 27) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		FH_TEST(t_page),
		FH_TEST(t_injection),
		FH_TEST(t_encodings),
		FH_TEST(t_titles),
		FH_TEST(t_main_content),
		FH_TEST(t_empty),
		FH_TEST(t_deep),
		FH_TEST(t_many),
		FH_TEST(t_large),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
