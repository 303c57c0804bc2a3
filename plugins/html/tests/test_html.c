/*
 * test_html.c - the html plugin, loaded with dlopen from $SAVOIR_PLUGINS as
 * the host would, driven through the shared fake host of
 * tests/unit/fakehost.c, which records what it emits and counts every misuse
 * of the ABI.  The pages in tests/data are written by tests/make-data.py;
 * pages only a test needs (very deep, very large) are made here.
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

static const struct kv *
meta(const struct xdoc *d, const char *key)
{
	size_t	 i;

	for (i = 0; i < d->meta.n; i++)
		if (strcmp(d->meta.v[i].key, key) == 0)
			return &d->meta.v[i];
	return NULL;
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
	const struct savoir_type_decl	*t = plugin->types;

	assert_int_equal(plugin->abi, SAVOIR_PLUGIN_ABI);
	assert_string_equal(plugin->name, "html");
	assert_string_equal(plugin->extensions[0], ".html");
	assert_string_equal(plugin->extensions[1], ".htm");
	assert_null(plugin->extensions[2]);
	assert_string_equal(t[0].name, "page");
	assert_string_equal(t[0].label, "Page web");
	assert_string_equal(t[0].label_plural, "Pages web");
	assert_null(t[1].name);
	assert_string_equal(t[0].facets[0].key, "annee");
	assert_string_equal(t[0].facets[0].label, "Année");
	assert_int_equal(t[0].facets[0].kind, SAVOIR_FACET_YEAR);
	assert_string_equal(t[0].facets[1].key, "langue");
	assert_string_equal(t[0].facets[1].label, "Langue");
	assert_null(t[0].facets[2].key);
}

static void
t_page(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;
	const char		*body, *html;

	assert_int_equal(run(&s, "site/guide/page.html", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.nwarnings, 0);
	assert_int_equal(s.f.ndocs, 1);
	d = s.f.docs[0];
	assert_string_equal(d->id, "html/site/guide/page");
	assert_string_equal(d->type, "page");
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data,
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

	assert_string_equal(facet(d, "annee", 0), "2020");
	assert_string_equal(facet(d, "langue", 0), "français");
	assert_int_equal(d->facets.n, 2);
	assert_string_equal(meta(d, "auteur")->value, "Équipe pédagogique");
	assert_string_equal(meta(d, "auteur")->label, "Auteur");
	assert_string_equal(meta(d, "date")->value, "4 mai 2020");
	assert_string_equal(meta(d, "langue")->label, "Langue");
	assert_string_equal(meta(d, "description")->value, "Un guide.");
	assert_string_equal(meta(d, "mots_cles")->label, "Mots-clés");

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
	assert_null(strstr(html, "<h1>"));
	assert_null(strstr(html, "<h2>Guide"));
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
	assert_null(strstr(html, "Bandeau"));
	assert_null(strstr(html, "Pied de page"));
	assert_null(strstr(html, "formulaire"));
	assert_null(strstr(body, "formulaire"));
	assert_null(strstr(html, "caché"));
	sink_clear(&s);
}

static void
t_injection(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;
	const char		*html, *body;

	assert_int_equal(run(&s, "inject.html", 0), 0);
	assert_int_equal(s.misuse, 0);
	d = s.f.docs[0];
	html = d->html;
	assert_allowed_markup(html);
	assert_null(strcasestr(html, "<script"));
	assert_null(strcasestr(html, "javascript"));
	assert_null(strcasestr(html, "vbscript"));
	assert_null(strstr(html, "data:"));
	assert_null(strstr(html, "onerror"));
	assert_null(strstr(html, "onclick"));
	assert_null(strstr(html, "onmouseover"));
	assert_null(strstr(html, "style"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "alert(0)"));
	assert_null(strstr(html, "alert(1)"));
	assert_null(strstr(html, "alert(3)"));
	assert_null(strstr(html, "alert(10)"));
	assert_null(strstr(html, "alert(12)"));
	assert_null(strstr(html, "alert(13)"));
	/* Text that looks like markup stays text. */
	assert_non_null(strstr(html, "<p>&lt;script&gt;alert(11)&lt;/script"
	    "&gt; en texte</p>"));
	assert_non_null(strstr(html, "<a href=\"http://example.org/?q=&quot;"
	    "&gt;&lt;script&gt;\">lien piégé</a>"));
	/* Refused links keep their words, not their address. */
	assert_non_null(strstr(html, "<p>lien js lien js 2 lien tab lien data "
	    "lien vb</p>"));
	assert_non_null(strstr(html, "<p><strong>Gras</strong> et <em>"
	    "italique</em></p>"));

	body = d->text[SAVOIR_COL_BODY].data;
	assert_string_equal(body, "Texte sûr.\n"
	    "lien js lien js 2 lien tab lien data lien vb\n"
	    "Style en ligne\n"
	    "<script>alert(11)</script> en texte\n"
	    "lien piégé\n"
	    "Gras et italique\n"
	    "Fin.");
	assert_int_equal(d->links.n, 0);
	sink_clear(&s);
}

static void
t_encodings(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;

	/* A declared charset is honoured. */
	assert_int_equal(run(&s, "cp1252.html", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.nwarnings, 0);
	d = s.f.docs[0];
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data, "Été");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "L'été à Chambéry, cœur – fin");
	sink_clear(&s);

	/* None declared: UTF-8, each stray byte read as Windows-1252, and
	 * the UTF-8 after it still read as UTF-8. */
	assert_int_equal(run(&s, "nocharset.html", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_true(has_warning(&s, "not valid UTF-8 (byte 0xE9) and declares "
	    "no charset", 2));
	d = s.f.docs[0];
	assert_string_equal(d->text[SAVOIR_COL_BODY].data,
	    "Café, cœur et déjà vu");
	sink_clear(&s);
}

static void
t_titles(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;

	/* No <title>: the first <h1>, which then leaves the body. */
	assert_int_equal(run(&s, "notitle.html", 0), 0);
	assert_int_equal(s.misuse, 0);
	d = s.f.docs[0];
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data,
	    "Titre de niveau un");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Titre de niveau un");
	assert_string_equal(d->html, "<p>Un paragraphe.</p>\n");
	assert_int_equal(d->facets.n, 0);
	assert_int_equal(d->meta.n, 0);
	sink_clear(&s);

	/* Neither: the file name; loose text gets a paragraph. */
	assert_int_equal(run(&s, "bare.html", 0), 0);
	d = s.f.docs[0];
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data, "bare.html");
	assert_string_equal(d->html, "<p>Juste du texte.</p>\n");
	sink_clear(&s);
}

static void
t_main_content(void **st)
{
	struct savoir_sink	 s;

	/* A lone <article> is the content. */
	assert_int_equal(run(&s, "article.html", 0), 0);
	assert_string_equal(s.f.docs[0]->text[SAVOIR_COL_BODY].data,
	    "Texte de l'article.");
	assert_string_equal(s.f.docs[0]->text[SAVOIR_COL_HEADINGS].data,
	    "Dans l'article");
	sink_clear(&s);
	/* Several: the body. */
	assert_int_equal(run(&s, "articles.html", 0), 0);
	assert_string_equal(s.f.docs[0]->text[SAVOIR_COL_BODY].data,
	    "Introduction\nPremier article.\nSecond article.");
	sink_clear(&s);
}

static void
t_empty(void **st)
{
	struct savoir_sink	 s;

	assert_int_equal(run(&s, "empty.html", 0), -1);
	assert_int_equal(s.misuse, 0);
	assert_string_equal(s.f.error, "the file is empty");
	sink_clear(&s);
	assert_int_equal(run(&s, "blank.html", 0), -1);
	assert_int_equal(s.misuse, 0);
	assert_string_equal(s.f.error, "the file holds no HTML (only white "
	    "space?)");
	sink_clear(&s);
}

static void
t_deep(void **st)
{
	struct savoir_sink	 s;
	struct buf		 b;
	int			 i;

	/* Far deeper than any walk should recurse: libxml2 stops nesting at
	 * 256 levels and so does the plugin, which cannot crash on it. */
	buf_init(&b);
	buf_adds(&b, "<html><body><p>Avant.</p>");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "<div>");
	buf_adds(&b, "Au fond.");
	buf_adds(&b, "</body></html>");
	assert_int_equal(run_mem(&s, "deep.html", b.data, b.len, 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_string_equal(s.f.docs[0]->text[SAVOIR_COL_BODY].data,
	    "Avant.");
	sink_clear(&s);
	buf_free(&b);

	/* 240 levels, within what libxml2 builds: all read. */
	buf_init(&b);
	buf_adds(&b, "<html><body>");
	for (i = 0; i < 120; i++)
		buf_adds(&b, "<div><blockquote>");
	buf_adds(&b, "Au fond.");
	buf_adds(&b, "</body></html>");
	assert_int_equal(run_mem(&s, "deep.html", b.data, b.len, 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_string_equal(s.f.docs[0]->text[SAVOIR_COL_BODY].data,
	    "Au fond.");
	assert_allowed_markup(s.f.docs[0]->html);
	sink_clear(&s);
	buf_free(&b);
}

/* Many elements: each read once (links deduplicated by a hash, not by
 * scanning), the link count capped. */
static void
t_many(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;
	struct buf		 b;
	int64_t			 t0;
	int			 i;

	buf_init(&b);
	buf_adds(&b, "<html><body>\n");
	for (i = 0; i < 20000; i++)
		buf_printf(&b, "<p>Paragraphe %d : <a href=\"p%d.html\">"
		    "coopération</a> décentralisée.</p>\n", i, i % 1500);
	buf_adds(&b, "</body></html>");
	t0 = mono_us();
	assert_int_equal(run_mem(&s, "many.html", b.data, b.len, 0), 0);
	fprintf(stderr, "many.html: %zu kB in %.2f s\n", b.len >> 10,
	    (mono_us() - t0) / 1e6);
	assert_int_equal(s.misuse, 0);
	d = s.f.docs[0];
	assert_true(has_warning(&s, "more than 1000 links", 0));
	assert_int_equal(d->links.n, 1000);
	assert_string_equal(link_to(d, "p999"), "coopération");
	assert_null(link_to(d, "p1000"));
	assert_non_null(strstr(d->text[SAVOIR_COL_BODY].data,
	    "\nParagraphe 19999 : coopération décentralisée."));
	sink_clear(&s);
	buf_free(&b);
}

/* More text than the host takes: cut short of it, with a warning. */
static void
t_large(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;
	struct buf		 b;
	size_t			 n;
	int			 i;

	buf_init(&b);
	/* libxml2 keeps at most 10 MB in one text node: three of 6 MB. */
	buf_adds(&b, "<html><body><p>Début.</p>");
	for (i = 0; i < 3 * (6 << 20) / 9; i++)
		buf_adds(&b, i % ((6 << 20) / 9) == 0 ? "<p>été et " :
		    "été et ");
	buf_adds(&b, "</body></html>");
	assert_int_equal(run_mem(&s, "large.html", b.data, b.len, 0), 0);
	assert_int_equal(s.misuse, 0);
	d = s.f.docs[0];
	assert_true(has_warning(&s, "the text was cut after 15 MB", 0));
	n = d->text[SAVOIR_COL_BODY].len;
	assert_true(n <= (size_t)15 << 20);
	assert_true(n > (size_t)14 << 20);
	assert_true(strlen(d->html) <= (size_t)15 << 20);
	assert_true(strncmp(d->html, "<p>Début.</p>\n<p>été et ", 27) == 0);
	sink_clear(&s);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_page),
		cmocka_unit_test(t_injection),
		cmocka_unit_test(t_encodings),
		cmocka_unit_test(t_titles),
		cmocka_unit_test(t_main_content),
		cmocka_unit_test(t_empty),
		cmocka_unit_test(t_deep),
		cmocka_unit_test(t_many),
		cmocka_unit_test(t_large),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
