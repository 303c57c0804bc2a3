/*
 * test_render.c - the template engine: escaping, sections, partials, and
 * load errors naming file and line.
 */
#include "config.h"

#include "testutil.h"

#include "savoird.h"

/* Load one directory made of (name, text) pairs; NULL-terminated. */
static struct templates *
load(char **dirp, char **cause, ...)
{
	struct templates	*t;
	const char		*name, *text;
	va_list			 ap;

	*dirp = t_mkdtemp();
	va_start(ap, cause);
	while ((name = va_arg(ap, const char *)) != NULL) {
		text = va_arg(ap, const char *);
		t_writes(*dirp, name, text);
	}
	va_end(ap);
	*cause = NULL;
	t = templates_load(*dirp, cause);
	return t;
}

/* Render name with data given as JSON text; returns a malloc'd string or
 * NULL when rendering failed. */
static char *
render(struct templates *t, const char *name, const char *json)
{
	struct evbuffer	*b = evbuffer_new();
	json_error_t	 err;
	json_t		*data = NULL;
	char		*s = NULL;
	size_t		 len;

	if (json != NULL) {
		data = json_loads(json, 0, &err);
		assert_non_null(data);
	}
	if (templates_render(t, name, data, b) == 0) {
		len = evbuffer_get_length(b);
		s = xmalloc(len + 1);
		evbuffer_remove(b, s, len);
		s[len] = '\0';
	}
	json_decref(data);
	evbuffer_free(b);
	return s;
}

/* One template, one rendering. */
static char *
once(const char *tmpl, const char *json)
{
	struct templates	*t;
	char			*dir, *cause, *s;

	t = load(&dir, &cause, "t.html", tmpl, NULL);
	if (t == NULL)
		fail_msg("load: %s", cause);
	s = render(t, "t", json);
	templates_free(t);
	t_rmdtemp(dir);
	return s;
}

#define assert_renders(tmpl, json, want) do {			\
	char	*got_ = once((tmpl), (json));			\
	assert_non_null(got_);					\
	assert_string_equal(got_, (want));			\
	free(got_);						\
} while (0)

/* The load of one template fails, with a message containing want. */
static void
assert_load_fails(const char *tmpl, const char *want)
{
	struct templates	*t;
	char			*dir, *cause;

	t = load(&dir, &cause, "bad.html", tmpl, NULL);
	assert_null(t);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("wanted \"%s\" in \"%s\"", want, cause);
	free(cause);
	t_rmdtemp(dir);
}

static void
t_escape_text(void **state)
{
	(void)state;
	assert_renders("<p>{{x}}</p>", "{\"x\": \"a & b < c > d \\\" e ' f\"}",
	    "<p>a &amp; b &lt; c &gt; d &quot; e &#39; f</p>");
	/* An attempt to leave the element is text. */
	assert_renders("{{x}}", "{\"x\": \"<script>alert(1)</script>\"}",
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	/* Entities are not decoded then re-trusted. */
	assert_renders("{{x}}", "{\"x\": \"&lt;b&gt;\"}", "&amp;lt;b&amp;gt;");
	/* UTF-8 passes through. */
	assert_renders("{{x}}", "{\"x\": \"Coopération « décentralisée »\"}",
	    "Coopération « décentralisée »");
}

static void
t_escape_attributes(void **state)
{
	(void)state;
	/* Neither quote can end an attribute value. */
	assert_renders("<a title=\"{{x}}\" data-x='{{x}}'>",
	    "{\"x\": \"\\\" onmouseover=\\\"x' onfocus='y\"}",
	    "<a title=\"&quot; onmouseover=&quot;x&#39; onfocus=&#39;y\" "
	    "data-x='&quot; onmouseover=&quot;x&#39; onfocus=&#39;y'>");
	assert_renders("<input value=\"{{q}}\">", "{\"q\": \"a&b<>\"}",
	    "<input value=\"a&amp;b&lt;&gt;\">");
}

static void
t_scalars(void **state)
{
	(void)state;
	assert_renders("{{n}}|{{r}}|{{t}}|{{f}}|{{z}}|{{missing}}|{{o}}|{{a}}",
	    "{\"n\": 42, \"r\": 1.5, \"t\": true, \"f\": false, \"z\": null, "
	    "\"o\": {\"k\": 1}, \"a\": [1]}",
	    "42|1.5|true|false||||");
	assert_renders("{{ n }}", "{\"n\": -7}", "-7");
}

static void
t_dotted(void **state)
{
	(void)state;
	assert_renders("{{hit.title}} {{hit.meta.year}} {{hit.nope.x}}.",
	    "{\"hit\": {\"title\": \"A<B\", \"meta\": {\"year\": 2007}}}",
	    "A&lt;B 2007 .");
	/* Numbers index arrays: a wrapper shown only for a non-empty list. */
	assert_renders("{{#l.0}}<ul>{{#l}}<li>{{.}}</li>{{/l}}</ul>{{/l.0}}"
	    "{{^l.0}}vide{{/l.0}}{{l.1}}{{l.9}}{{o.0}}",
	    "{\"l\": [\"a\", \"b\"], \"o\": {\"0\": \"z\"}}",
	    "<ul><li>a</li><li>b</li></ul>bz");
	assert_renders("{{#l.0}}x{{/l.0}}{{^l.0}}vide{{/l.0}}", "{\"l\": []}",
	    "vide");
	/* A dotted name resolves its first part up the stack, then stays
	 * inside it. */
	assert_renders("{{#a}}{{b.c}}{{/a}}",
	    "{\"a\": {\"b\": {}}, \"b\": {\"c\": \"outer\"}}", "");
}

static void
t_sections(void **state)
{
	(void)state;
	/* Arrays repeat; outer names still resolve. */
	assert_renders("<ul>{{#hits}}<li>{{title}} ({{q}})</li>{{/hits}}</ul>",
	    "{\"q\": \"eau\", \"hits\": [{\"title\": \"A\"}, "
	    "{\"title\": \"B&C\"}]}",
	    "<ul><li>A (eau)</li><li>B&amp;C (eau)</li></ul>");
	/* The element shadows the outer name. */
	assert_renders("{{#l}}{{x}}{{/l}}",
	    "{\"x\": \"out\", \"l\": [{\"x\": \"in\"}, {}]}", "inout");
	/* {{.}} is the element itself. */
	assert_renders("{{#l}}[{{.}}]{{/l}}", "{\"l\": [\"a\", 2, \"<\"]}",
	    "[a][2][&lt;]");
	/* Truthy values show once; an object becomes the context. */
	assert_renders("{{#o}}{{k}}{{/o}}{{#t}}T{{/t}}{{#s}}S{{.}}{{/s}}"
	    "{{#n}}N{{/n}}",
	    "{\"o\": {\"k\": \"v\"}, \"t\": true, \"s\": \"x\", \"n\": 3}",
	    "vTSxN");
	/* Falsy: missing, null, false, 0, "", []. */
	assert_renders("{{#m}}1{{/m}}{{#z}}2{{/z}}{{#f}}3{{/f}}{{#n}}4{{/n}}"
	    "{{#s}}5{{/s}}{{#a}}6{{/a}}.",
	    "{\"z\": null, \"f\": false, \"n\": 0, \"s\": \"\", \"a\": []}",
	    ".");
}

static void
t_inverted(void **state)
{
	(void)state;
	assert_renders("{{^hits}}Aucun résultat{{/hits}}",
	    "{\"hits\": []}", "Aucun résultat");
	assert_renders("{{^hits}}Aucun résultat{{/hits}}",
	    "{\"hits\": [1]}", "");
	assert_renders("{{^m}}a{{/m}}{{^z}}b{{/z}}{{^f}}c{{/f}}{{^t}}d{{/t}}",
	    "{\"z\": null, \"f\": false, \"t\": true}", "abc");
}

static void
t_nesting(void **state)
{
	(void)state;
	assert_renders(
	    "{{#facets}}<h3>{{label}}</h3>{{#values}}<a href=\"{{url}}\""
	    "{{#active}} aria-current=\"true\"{{/active}}>{{value}} "
	    "{{count}}</a>{{^active}}+{{/active}}{{/values}}{{/facets}}",
	    "{\"facets\": [{\"label\": \"Pays\", \"values\": ["
	    "{\"url\": \"/r?pays=S%C3%A9n%C3%A9gal&q=a\", \"value\": \"Sénégal\","
	    " \"count\": 3, \"active\": true},"
	    "{\"url\": \"/r?pays=Mali\", \"value\": \"Mali\", \"count\": 1}]}]}",
	    "<h3>Pays</h3><a href=\"/r?pays=S%C3%A9n%C3%A9gal&amp;q=a\" "
	    "aria-current=\"true\">Sénégal 3</a><a href=\"/r?pays=Mali\">"
	    "Mali 1</a>+");
	/* The same name nested in itself closes at the right place. */
	assert_renders("{{#a}}<{{#a}}x{{/a}}>{{/a}}", "{\"a\": [{\"a\": [1, 2]},"
	    " {\"a\": false}]}", "<xx><>");
}

static void
t_standalone_and_comments(void **state)
{
	(void)state;
	/* Tags alone on their lines take the line with them. */
	assert_renders("<ul>\n  {{#l}}\n  <li>{{.}}</li>\n  {{/l}}\n</ul>\n",
	    "{\"l\": [1, 2]}", "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
	assert_renders("a\n{{! a comment\n over two lines }}\nb {{! inline }}c",
	    NULL, "a\nb c");
	/* Variables are never standalone. */
	assert_renders("a\n  {{x}}\nb", "{\"x\": 1}", "a\n  1\nb");
}

static void
t_raw_html(void **state)
{
	(void)state;
	assert_renders("<div>{{{body_html}}}</div>",
	    "{\"body_html\": \"<p>Un <em>texte</em> &amp; plus</p>\"}",
	    "<div><p>Un <em>texte</em> &amp; plus</p></div>");
	assert_renders("{{#hits}}{{& snippet_html}}|{{{doc.x_html}}}{{/hits}}",
	    "{\"doc\": {\"x_html\": \"<i>\"}, \"hits\": "
	    "[{\"snippet_html\": \"<mark>eau</mark>\"}]}", "<mark>eau</mark>|<i>");
	/* The same key through {{ }} is escaped. */
	assert_renders("{{body_html}}", "{\"body_html\": \"<p>\"}", "&lt;p&gt;");
}

static void
t_raw_refused(void **state)
{
	(void)state;
	assert_load_fails("<p>\n{{{title}}}\n</p>",
	    "bad.html:2: raw insertion of \"title\" refused");
	assert_load_fails("{{& q}}", "bad.html:1: raw insertion of \"q\"");
	/* The last part of the name counts, not an outer one. */
	assert_load_fails("{{{body_html.x}}}", "raw insertion");
	assert_load_fails("{{{html}}}", "raw insertion");
	assert_load_fails("{{{x_htm}}}", "raw insertion");
	assert_load_fails("{{{.}}}", "raw insertion");
}

static void
t_partials(void **state)
{
	struct templates	*t;
	char			*dir, *cause, *s;

	(void)state;
	t = load(&dir, &cause,
	    "layout_top.html", "<html lang=\"fr\"><title>{{title}}</title>\n",
	    "layout_bottom.html", "<footer>Savoir</footer></html>\n",
	    "item.html", "<li>{{name}}</li>",
	    "page.html", "{{> layout_top}}\n<ul>{{#l}}{{> item}}{{/l}}</ul>\n"
	    "{{>layout_bottom}}\n",
	    "opensearch.xml", "<Url template=\"{{base}}/recherche?q="
	    "{searchTerms}\"/>",
	    NULL);
	if (t == NULL)
		fail_msg("load: %s", cause);
	s = render(t, "page", "{\"title\": \"A & B\", \"l\": [{\"name\": "
	    "\"x\"}, {\"name\": \"<y>\"}]}");
	assert_non_null(s);
	assert_string_equal(s, "<html lang=\"fr\"><title>A &amp; B</title>\n"
	    "<ul><li>x</li><li>&lt;y&gt;</li></ul>\n"
	    "<footer>Savoir</footer></html>\n");
	free(s);
	/* .xml files are templates too, named without their extension. */
	s = render(t, "opensearch", "{\"base\": \"https://h:8443\"}");
	assert_non_null(s);
	assert_string_equal(s, "<Url template=\"https://h:8443/recherche?q="
	    "{searchTerms}\"/>");
	free(s);
	/* An unknown template renders nothing and says so. */
	assert_null(render(t, "nope", NULL));
	templates_free(t);
	t_rmdtemp(dir);
}

static void
t_partial_recursion(void **state)
{
	struct templates	*t;
	char			*dir, *cause, *s;

	(void)state;
	/* Recursion through data that ends is fine (leaves say they have no
	 * kids, or the outer "kids" would resolve: Mustache's rule) ... */
	t = load(&dir, &cause, "tree.html",
	    "({{name}}{{#kids}}{{> tree}}{{/kids}})", NULL);
	if (t == NULL)
		fail_msg("load: %s", cause);
	s = render(t, "tree", "{\"name\": \"a\", \"kids\": [{\"name\": \"b\", "
	    "\"kids\": [{\"name\": \"c\", \"kids\": []}]}, {\"name\": \"d\", "
	    "\"kids\": []}]}");
	assert_non_null(s);
	assert_string_equal(s, "(a(b(c))(d))");
	free(s);
	templates_free(t);
	t_rmdtemp(dir);
	/* ... a loop fails instead of exhausting the stack. */
	t = load(&dir, &cause, "a.html", "a{{> b}}", "b.html", "b{{> a}}",
	    NULL);
	if (t == NULL)
		fail_msg("load: %s", cause);
	assert_null(render(t, "a", NULL));
	templates_free(t);
	t_rmdtemp(dir);
}

static void
t_errors_with_lines(void **state)
{
	(void)state;
	assert_load_fails("<ul>\n\n{{#hits}}\n<li>\n</ul>\n",
	    "bad.html:3: section \"hits\" is never closed");
	assert_load_fails("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}",
	    "bad.html:3: {{/a}} closes section \"b\" opened at line 2");
	assert_load_fails("x\ny\n{{/a}}", "bad.html:3: {{/a}} closes no "
	    "section");
	assert_load_fails("a\n{{> nowhere}}", "bad.html:2: unknown partial "
	    "\"nowhere\"");
	assert_load_fails("a\nb {{title", "bad.html:2: tag never closed");
	assert_load_fails("{{! never\nclosed", "bad.html:1: tag never closed");
	assert_load_fails("\n{{=<% %>=}}", "bad.html:2: set-delimiter");
	assert_load_fails("{{a b}}", "bad.html:1: bad name \"a b\"");
	assert_load_fails("{{}}", "bad name");
	assert_load_fails("{{a..b}}", "bad name");
	assert_load_fails("{{#.}}{{/.}}", "a section needs a name");
	/* Lines are counted through comments and multi-line text. */
	assert_load_fails("{{! one\ntwo\nthree }}\n{{{raw}}}",
	    "bad.html:4: raw insertion");
	/* Nesting is bounded, so a template cannot exhaust the stack. */
	{
		struct buf	 b;
		int		 i;

		buf_init(&b);
		for (i = 0; i < 40; i++)
			buf_printf(&b, "{{#s%d}}", i);
		assert_load_fails(b.data, "bad.html:1: sections nested deeper");
		buf_free(&b);
	}
	/* Not UTF-8. */
	assert_load_fails("caf\xe9", "not valid UTF-8 at byte 3");
}

static void
t_errors_dir(void **state)
{
	struct templates	*t;
	char			*dir, *cause;

	(void)state;
	t = load(&dir, &cause, "README", "not a template", NULL);
	assert_null(t);
	assert_non_null(strstr(cause, "no template"));
	free(cause);
	t_rmdtemp(dir);

	t = templates_load("/nonexistent/templates", &cause);
	assert_null(t);
	assert_non_null(strstr(cause, "/nonexistent/templates"));
	free(cause);

	/* Two files would have the same name. */
	t = load(&dir, &cause, "a.html", "x", "a.xml", "y", NULL);
	assert_null(t);
	assert_non_null(strstr(cause, "another template is named \"a\""));
	free(cause);
	t_rmdtemp(dir);

	/* The error names the file among several good ones. */
	t = load(&dir, &cause, "a.html", "{{> b}}", "b.html", "ok",
	    "c.html", "ok\n{{#x}}", NULL);
	assert_null(t);
	assert_non_null(strstr(cause, "/c.html:2: section \"x\""));
	free(cause);
	t_rmdtemp(dir);
}

/* The templates shipped in www/templates load and render the pages. */
static void
t_shipped_templates(void **state)
{
	static const struct {
		const char	*name;
		const char	*json;
		const char	*want[3];	/* in the page */
	} pages[] = {
		{ "error", "{\"status\": 404, \"title\": \"Page introuvable\", "
		    "\"message\": \"Rien <ici>.\"}",
		    { "lang=\"fr\"", "Rien &lt;ici&gt;.", "<main" } },
		{ "search", "{\"q\": \"eau \\\"potable\\\"\", "
		    "\"searched\": true, \"hits\": [{\"url\": "
		    "\"/doc/a?q=eau\", \"title\": \"<T>\", \"snippet_html\": "
		    "\"<mark>eau</mark>\"}]}",
		    { "value=\"eau &quot;potable&quot;\"", "&lt;T&gt;",
		    "<mark>eau</mark>" } },
		{ "opensearch", "{\"base\": \"https://savoir.example\"}",
		    { "https://savoir.example/recherche?q={searchTerms}" } },
		{ "home", "{}", { NULL } },
		{ "doc", "{}", { NULL } },
	};
	struct templates	*t;
	char			*dir, *cause = NULL, *s;
	size_t			 i, j;

	(void)state;
	dir = xsprintf("%s/www/templates", t_srcdir());
	t = templates_load(dir, &cause);
	if (t == NULL)
		fail_msg("%s", cause);
	for (i = 0; i < nitems(pages); i++) {
		if ((s = render(t, pages[i].name, pages[i].json)) == NULL)
			fail_msg("%s: not rendered", pages[i].name);
		for (j = 0; j < nitems(pages[i].want); j++)
			if (pages[i].want[j] != NULL &&
			    strstr(s, pages[i].want[j]) == NULL)
				fail_msg("%s: no %s in\n%s", pages[i].name,
				    pages[i].want[j], s);
		free(s);
	}
	templates_free(t);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_escape_text),
		cmocka_unit_test(t_escape_attributes),
		cmocka_unit_test(t_scalars),
		cmocka_unit_test(t_dotted),
		cmocka_unit_test(t_sections),
		cmocka_unit_test(t_inverted),
		cmocka_unit_test(t_nesting),
		cmocka_unit_test(t_standalone_and_comments),
		cmocka_unit_test(t_raw_html),
		cmocka_unit_test(t_raw_refused),
		cmocka_unit_test(t_partials),
		cmocka_unit_test(t_partial_recursion),
		cmocka_unit_test(t_errors_with_lines),
		cmocka_unit_test(t_errors_dir),
		cmocka_unit_test(t_shipped_templates),
	};

	log_init("test_render", 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
