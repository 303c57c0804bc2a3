/*
 * test_sanitize.c - the HTML allow-list: what an attacker's markup turns
 * into, what honest markup keeps, and citations turned into links.
 */
#include "config.h"

#include <ctype.h>

#include "testutil.h"
#include "index.h"

static char *
san(const char *html)
{
	char	*out;

	out = html_sanitize(html, strlen(html), "cgct");
	assert_non_null(out);
	return out;
}

static void
expect(const char *html, const char *want)
{
	char	*out;

	out = san(html);
	if (strcmp(out, want) != 0)
		fail_msg("html_sanitize(%s)\n  gave  %s\n  want  %s", html, out,
		    want);
	free(out);
}

/* Case-insensitive "does s contain w" without relying on strcasestr. */
static int
contains_ci(const char *s, const char *w)
{
	size_t	 i, n = strlen(w);

	for (; *s != '\0'; s++) {
		for (i = 0; i < n; i++) {
			if (s[i] == '\0' || tolower((unsigned char)s[i]) !=
			    tolower((unsigned char)w[i]))
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* The text a browser would show: tags removed, entities left as written. */
static char *
strip_tags(const char *html)
{
	char	*out, *d;
	int	 in_tag = 0;

	out = d = strdup(html);
	assert_non_null(out);
	for (; *html != '\0'; html++) {
		if (*html == '<')
			in_tag = 1;
		else if (*html == '>' && in_tag)
			in_tag = 0;
		else if (!in_tag)
			*d++ = *html;
	}
	*d = '\0';
	return out;
}

static void
t_script(void **state)
{
	(void)state;
	expect("<p>a</p><script>alert(1)</script><p>b</p>", "<p>a</p><p>b</p>");
	expect("<p>a<script type=\"text/javascript\">alert(1)</script></p>",
	    "<p>a</p>");
	expect("<SCRIPT SRC=//evil.example/x.js></SCRIPT><p>b</p>",
	    "<p>b</p>");
	expect("<p>x</p><noscript><p>y</p></noscript>", "<p>x</p>");
}

static void
t_event_handlers(void **state)
{
	(void)state;
	expect("<img src=\"x.png\" onerror=\"alert(1)\">", "<img src=\"x.png\">");
	expect("<IMG SRC=x.png ONERROR=alert(1)>", "<img src=\"x.png\">");
	expect("<p onclick=\"alert(1)\" onmouseover='x'>t</p>", "<p>t</p>");
	expect("<a href=\"/x\" onfocus=\"alert(1)\" autofocus>t</a>",
	    "<a href=\"/x\">t</a>");
	expect("<body onload=alert(1)><p>t</p></body>", "<p>t</p>");
}

static void
t_javascript_urls(void **state)
{
	static const char *const hrefs[] = {
		"<a href=\"javascript:alert(1)\">lien</a>",
		"<a href=\"JaVaScRiPt:alert(1)\">lien</a>",
		"<a href=\"JAVASCRIPT:alert(1)\">lien</a>",
		"<a href=\" javascript:alert(1)\">lien</a>",
		"<a href=\"\tjavascript:alert(1)\">lien</a>",
		"<a href=\"java\tscript:alert(1)\">lien</a>",
		"<a href=\"java\nscript:alert(1)\">lien</a>",
		"<a href=\"java\rscript:alert(1)\">lien</a>",
		"<a href=\"\x01javascript:alert(1)\">lien</a>",
		"<a href=\"java&#x09;script:alert(1)\">lien</a>",
		"<a href=\"java&#10;script:alert(1)\">lien</a>",
		"<a href=\"jav&#x0D;ascript:alert(1)\">lien</a>",
		"<a href=\"&#106;avascript:alert(1)\">lien</a>",
		"<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;"
		    "&#x70;&#x74;&#x3A;alert(1)\">lien</a>",
		"<a href=\"&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116"
		    "&#58alert(1)\">lien</a>",
		"<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115"
		    "&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058"
		    "alert(1)\">lien</a>",
		"<a href=\"javascript&#58;alert(1)\">lien</a>",
		"<a href=\"javascript&colon;alert(1)\">lien</a>",
		"<a href=\"javascript&#x3a;alert(1)\">lien</a>",
		"<a href=javascript:alert(1)>lien</a>",
		"<a href='javascript:alert(1)'>lien</a>",
		"<a HREF=\"javascript:alert(1)\">lien</a>",
		"<a href=\"vbscript:msgbox(1)\">lien</a>",
		"<a href=\"VBScript:msgbox(1)\">lien</a>",
		"<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2Nya"
		    "XB0Pg==\">lien</a>",
		"<a href=\"DATA:text/html,<script>alert(1)</script>\">lien</a>",
		"<a href=\"  data:text/html,x\">lien</a>",
		"<a href=\"file:///etc/passwd\">lien</a>",
		"<a href=\"livescript:alert(1)\">lien</a>",
		NULL
	};
	const char *const *h;
	char	*out;

	(void)state;
	for (h = hrefs; *h != NULL; h++) {
		out = san(*h);
		if (strcmp(out, "<a>lien</a>") != 0)
			fail_msg("%s gave %s", *h, out);
		free(out);
	}
	/* Whatever the spelling, nothing that runs survives anywhere. */
	out = san("<p><a href=\"javascript:alert(1)\">a</a>"
	    "<abbr title=\"javascript:x\">b</abbr></p>");
	assert_false(contains_ci(out, "href=\"javascript"));
	free(out);
}

static void
t_style_iframe_objects(void **state)
{
	(void)state;
	expect("<style>p { color: red }</style><p>x</p>", "<p>x</p>");
	expect("<p style=\"background:url(javascript:alert(1))\">x</p>",
	    "<p>x</p>");
	expect("<p>a</p><iframe src=\"https://evil.example/\">t</iframe>",
	    "<p>a</p>");
	expect("<p>a</p><object data=\"x.swf\"><param name=a>t</object>"
	    "<embed src=\"x.swf\">", "<p>a</p>");
	expect("<p>a</p><form action=\"/x\"><input name=q>"
	    "<textarea>t</textarea><button>ok</button></form>", "<p>a</p>");
	expect("<p>a</p><link rel=stylesheet href=x.css>"
	    "<meta http-equiv=refresh content=\"0;url=javascript:x\">",
	    "<p>a</p>");
	expect("<p>a</p><template><img src=x onerror=alert(1)></template>",
	    "<p>a</p>");
}

static void
t_svg_math(void **state)
{
	(void)state;
	expect("<svg onload=alert(1)><circle r=\"1\"/></svg><p>ok</p>",
	    "<p>ok</p>");
	expect("<p>a<svg><script>alert(1)</script></svg>b</p>", "<p>ab</p>");
	expect("<p>a<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg></p>",
	    "<p>a</p>");
	expect("<p>a<math><mtext><img src=x onerror=alert(1)></mtext></math>"
	    "</p>", "<p>a</p>");
}

static void
t_images(void **state)
{
	(void)state;
	expect("<img src=\"img/carte.png\" alt=\"Carte\" title=\"t\" "
	    "width=\"10\">", "<img src=\"img/carte.png\" alt=\"Carte\" "
	    "title=\"t\">");
	expect("<img src=\"/static/a.png\">", "<img src=\"/static/a.png\">");
	/* Images come from the knowledge base only. */
	expect("<p>a<img src=\"https://tracker.example/p.gif\"></p>",
	    "<p>a</p>");
	expect("<p>a<img src=\"//tracker.example/p.gif\"></p>", "<p>a</p>");
	expect("<p>a<img src=\"\\\\tracker.example/p.gif\"></p>", "<p>a</p>");
	expect("<p>a<img src=\"data:image/png;base64,AAAA\"></p>", "<p>a</p>");
	expect("<p>a<img src=\"javascript:alert(1)\"></p>", "<p>a</p>");
	expect("<p>a<img alt=\"sans source\"></p>", "<p>a</p>");
}

static void
t_allowed_markup(void **state)
{
	static const char *const keep[] = {
		"<h2 id=\"s1\">Titre</h2><p class=\"intro\" lang=\"fr\">Un "
		    "<strong>texte</strong>, <em>b</em>, <b>c</b>, <i>d</i>, "
		    "<u>e</u>, <s>f</s>, H<sub>2</sub>O, x<sup>2</sup>, "
		    "<small>g</small>, <mark>h</mark>, <code>i</code>, "
		    "<abbr title=\"Code général\">CGCT</abbr>, <span>j</span>"
		    "</p>",
		"<p><a href=\"https://www.senat.fr/rap/r12-123.html\" "
		    "title=\"Sénat\">lien</a> <a href=\"http://ex.org/?a=1&amp;"
		    "b=2\">q</a> <a href=\"/doc/cgct/L1115-1\">d</a> "
		    "<a href=\"#s1\">f</a> <a href=\"mailto:x@example.org\">m"
		    "</a> <a href=\"../autre\">r</a> <a href=\"autre.html\">"
		    "s</a></p>",
		"<ol start=\"3\"><li>a</li><li>b</li></ol><ul><li>c</li></ul>"
		    "<dl><dt>t</dt><dd>d</dd></dl>",
		"<blockquote><p>cité</p></blockquote><pre>  code\n  ici</pre>"
		    "<hr>",
		"<table><caption>Budget</caption><thead><tr><th colspan=\"2\">"
		    "A</th></tr></thead><tbody><tr><td rowspan=\"2\">1</td>"
		    "<td>2</td></tr></tbody><tfoot><tr><td>3</td></tr></tfoot>"
		    "</table>",
		"<section><article><div><figure><img src=\"a.png\" alt=\"a\">"
		    "<figcaption>Légende</figcaption></figure></div></article>"
		    "</section>",
		"<h1>1</h1><h3 id=\"x\">3</h3><h4>4</h4><h5>5</h5><h6>6</h6>"
		    "<p>a<br>b</p>",
		NULL
	};
	const char *const *k;

	(void)state;
	for (k = keep; *k != NULL; k++)
		expect(*k, *k);
	/* Attributes outside the list go, their element stays. */
	expect("<td colspan=\"x\" align=\"left\">c</td>", "<td>c</td>");
	expect("<p dir=\"rtl\" data-x=\"1\" title=\"t\">x</p>", "<p>x</p>");
	expect("<ol start=\"-2\" type=\"a\"><li>x</li></ol>",
	    "<ol start=\"-2\"><li>x</li></ol>");
}

static void
t_escaping(void **state)
{
	(void)state;
	expect("<p>a &lt; b &amp; c &gt; d</p>", "<p>a &lt; b &amp; c &gt; d</p>");
	expect("<p>1 < 2 & 3 > 2</p>", "<p>1 &lt; 2 &amp; 3 &gt; 2</p>");
	expect("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
	    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	expect("<p>&eacute;t&eacute; &#233; &#x2019; &nbsp;</p>",
	    "<p>été é \xe2\x80\x99 \xc2\xa0</p>");
	expect("<abbr title='a\"b &lt;c&gt;'>x</abbr>",
	    "<abbr title=\"a&quot;b &lt;c&gt;\">x</abbr>");
	expect("<p>\"guillemets\" et 'apostrophes'</p>",
	    "<p>\"guillemets\" et 'apostrophes'</p>");
	/* Attribute breaking out of its quotes is only text. */
	expect("<abbr title=\"x\" \" onmouseover=alert(1) \">y</abbr>",
	    "<abbr title=\"x\">y</abbr>");
}

static void
t_unknown_unwrapped(void **state)
{
	(void)state;
	expect("<p><font color=red>rouge</font> <blink>x</blink> "
	    "<custom-el>y</custom-el></p>", "<p>rouge x y</p>");
	expect("<center><p>a</p></center>", "<p>a</p>");
	expect("<p>a<!-- commentaire --><?php echo 1; ?>b</p>", "<p>ab</p>");
	expect("texte brut", "<p>texte brut</p>");
	expect("", "");
}

static void
t_bad_bytes(void **state)
{
	static const char nul[] = "<p>a\0<script>x</script>b</p>";
	char	*out;

	(void)state;
	expect("<p>caf\xe9</p>", "<p>caf\xef\xbf\xbd</p>");
	expect("<p>\xc3\xa9t\xc3\xa9</p>", "<p>\xc3\xa9t\xc3\xa9</p>");
	out = html_sanitize(nul, sizeof nul - 1, "cgct");
	assert_string_equal(out, "<p>ab</p>");
	free(out);
}

static size_t
count(const char *s, const char *w)
{
	size_t	 n = 0;

	while ((s = strstr(s, w)) != NULL) {
		n++;
		s += strlen(w);
	}
	return n;
}

/*
 * Deep nesting neither crashes nor unbalances the output.  libxml2 stops
 * building the tree at 256 levels (what lies deeper is dropped), far
 * beyond any document a plugin writes.
 */
static void
t_deep_nesting(void **state)
{
	struct buf	 b;
	char		*out;
	int		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 100; i++)
		buf_adds(&b, "<span>");
	buf_adds(&b, "fond");
	out = html_sanitize(b.data, b.len, "cgct");
	assert_non_null(strstr(out, "fond"));
	assert_int_equal(count(out, "<span>"), 100);
	assert_int_equal(count(out, "</span>"), 100);
	free(out);
	for (i = 0; i < 200000; i++)
		buf_adds(&b, "<span>");
	out = html_sanitize(b.data, b.len, "cgct");
	assert_int_equal(count(out, "<span>"), count(out, "</span>"));
	free(out);
	buf_free(&b);
}

static void
t_citations(void **state)
{
	static const char *const texts[] = {
		"<p>Voir l'article L1115-1 du CGCT pour le cadre.</p>",
		"<p>Selon l'article L. 1115-1, les collectivités agissent.</p>",
		"<ul><li>L1115-1 &amp; suivants</li></ul>",
		NULL
	};
	const char *const *t;
	char	*out, *plain, *in_plain, *a;

	(void)state;
	for (t = texts; *t != NULL; t++) {
		out = san(*t);
		a = strstr(out, "<a href=\"/doc/cgct/L1115-1\" class=\"cite\">");
		if (a == NULL)
			fail_msg("no citation link in %s", out);
		assert_non_null(strstr(a, "1115-1</a>"));
		/* Linking adds markup, never changes the words. */
		plain = strip_tags(out);
		in_plain = strip_tags(*t);
		assert_string_equal(plain, in_plain);
		free(plain);
		free(in_plain);
		free(out);
	}
	/* Already a link: not linked twice. */
	out = san("<p><a href=\"/doc/cgct/L1115-1\">article L1115-1</a></p>");
	assert_string_equal(out,
	    "<p><a href=\"/doc/cgct/L1115-1\">article L1115-1</a></p>");
	free(out);
	/* Not citations: no link. */
	out = san("<p>L'ancien article L1115-1 et le numéro 1115.</p>");
	assert_null(strstr(out, "class=\"cite\""));
	free(out);
}

/* A document of another code links its bare citations in that code. */
static void
t_citations_own_code(void **state)
{
	char	*out;

	(void)state;
	out = html_sanitize("<p>Voir L. 1234-1 et l'article L1115-1 du CGCT.</p>",
	    strlen("<p>Voir L. 1234-1 et l'article L1115-1 du CGCT.</p>"),
	    "ct");
	assert_non_null(strstr(out, "href=\"/doc/ct/L1234-1\""));
	assert_non_null(strstr(out, "href=\"/doc/cgct/L1115-1\""));
	free(out);
}

/* Web addresses written out in text become links, checked and escaped;
 * a long one shows its host. */
static void
t_web_addresses(void **state)
{
	(void)state;
	expect("<p>Voir https://www.senat.fr/rap.html.</p>",
	    "<p>Voir <a href=\"https://www.senat.fr/rap.html\" class=\"url\" "
	    "rel=\"external noopener noreferrer\" "
	    "title=\"https://www.senat.fr/rap.html\">"
	    "https://www.senat.fr/rap.html</a>.</p>");
	/* Long: the host and "/…"; the whole address in href and title. */
	expect("<p>(source : https://www.legifrance.gouv.fr/codes/article_lc/"
	    "LEGIARTI000006389223)</p>",
	    "<p>(source : <a href=\"https://www.legifrance.gouv.fr/codes/"
	    "article_lc/LEGIARTI000006389223\" class=\"url\" rel=\"external "
	    "noopener noreferrer\" title=\"https://www.legifrance.gouv.fr/codes/"
	    "article_lc/LEGIARTI000006389223\">www.legifrance.gouv.fr/\xe2\x80"
	    "\xa6</a>)</p>");
	/* Balanced brackets stay, guillemets and quotes end it, & escaped. */
	expect("<p>«\xc2\xa0http://ex.org/a_(b)?x=1&y=2\xc2\xa0» fin</p>",
	    "<p>«\xc2\xa0<a href=\"http://ex.org/a_(b)?x=1&amp;y=2\" "
	    "class=\"url\" rel=\"external noopener noreferrer\" "
	    "title=\"http://ex.org/a_(b)?x=1&amp;y=2\">http://ex.org/a_(b)?x="
	    "1&amp;y=2</a>\xc2\xa0» fin</p>");
	/* No host, an attribute-breaking quote, or already in a link: text. */
	expect("<p>http:// et https://.fr et http://x et xhttp://ex.org/</p>",
	    "<p>http:// et https://.fr et http://x et xhttp://ex.org/</p>");
	expect("<p>http://ex.org/\"onmouseover=alert(1)</p>",
	    "<p><a href=\"http://ex.org/\" class=\"url\" rel=\"external "
	    "noopener noreferrer\" title=\"http://ex.org/\">http://ex.org/</a>"
	    "\"onmouseover=alert(1)</p>");
	expect("<p><a href=\"https://ex.org/a\">https://ex.org/a</a></p>",
	    "<p><a href=\"https://ex.org/a\">https://ex.org/a</a></p>");
	/* A link showing its own long address shows the host. */
	expect("<p><a href=\"https://www.cncd.fr/documents/rapport-2019-sur-"
	    "la-cooperation.pdf\">https://www.cncd.fr/documents/rapport-2019-"
	    "sur-la-cooperation.pdf</a></p>",
	    "<p><a href=\"https://www.cncd.fr/documents/rapport-2019-sur-la-"
	    "cooperation.pdf\">www.cncd.fr/\xe2\x80\xa6</a></p>");
	/* Citations around an address are still found, not inside it. */
	expect("<p>L1115-1 : https://ex.org/L1115-2</p>",
	    "<p><a href=\"/doc/cgct/L1115-1\" class=\"cite\">L1115-1</a> : "
	    "<a href=\"https://ex.org/L1115-2\" class=\"url\" rel=\"external "
	    "noopener noreferrer\" title=\"https://ex.org/L1115-2\">"
	    "https://ex.org/L1115-2</a></p>");
}

/* Section headings without an id get one (a page links to them), from
 * their words, unique on the page; one of their own is kept. */
static void
t_heading_ids(void **state)
{
	(void)state;
	expect("<h2>Ce que dit l'article</h2><h3>Ce que dit l’article !</h3>"
	    "<h3>Ce que dit l'article</h3><h2 id=\"a\">Historique</h2>"
	    "<h2>« ! »</h2><h4>Quatre</h4>",
	    "<h2 id=\"s-ce-que-dit-l-article\">Ce que dit l'article</h2>"
	    "<h3 id=\"s-ce-que-dit-l-article-2\">Ce que dit l’article !</h3>"
	    "<h3 id=\"s-ce-que-dit-l-article-3\">Ce que dit l'article</h3>"
	    "<h2 id=\"a\">Historique</h2><h2>« ! »</h2><h4>Quatre</h4>");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_script),
		cmocka_unit_test(t_event_handlers),
		cmocka_unit_test(t_javascript_urls),
		cmocka_unit_test(t_style_iframe_objects),
		cmocka_unit_test(t_svg_math),
		cmocka_unit_test(t_images),
		cmocka_unit_test(t_allowed_markup),
		cmocka_unit_test(t_escaping),
		cmocka_unit_test(t_unknown_unwrapped),
		cmocka_unit_test(t_bad_bytes),
		cmocka_unit_test(t_deep_nesting),
		cmocka_unit_test(t_citations),
		cmocka_unit_test(t_citations_own_code),
		cmocka_unit_test(t_web_addresses),
		cmocka_unit_test(t_heading_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
