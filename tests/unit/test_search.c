/*
 * test_search.c - ranking (all words first, then partial matches, the
 * cited article first), filters, facet counts, snippets, time budget and
 * hostile input, on a small index built in the test.
 */
#include "config.h"

#include <stdarg.h>

#include "testutil.h"
#include "index.h"

static char		*dir;
static struct store	*st;
/* The results of the last search (run, run_syn). */
static struct results	 res;

static void
add(const char *id, const char *type, const char *title, const char *body,
    const char *pays, const char *annee)
{
	struct xdoc	*d = xdoc_new(id, type);
	struct source	 src;
	struct xfile	 xf;
	char		*cause = NULL;

	buf_adds(&d->text[SAVOIR_COL_TITLE], title);
	buf_adds(&d->text[SAVOIR_COL_BODY], body);
	if (pays != NULL)
		kvlist_add(&d->facets, "pays", NULL, pays);
	if (annee != NULL)
		kvlist_add(&d->facets, "annee", NULL, annee);
	memset(&src, 0, sizeof src);
	memset(&xf, 0, sizeof xf);
	xf.docs = &d;
	xf.ndocs = 1;
	assert_int_equal(store_put_file(st, "/r", id, &src, &xf, &cause), 0);
	xdoc_free(d);
}

static int
setup(void **state)
{
	char		*path, *cause = NULL;
	struct plugins	 none;

	(void)state;
	dir = t_mkdtemp();
	path = xsprintf("%s/kb.db", dir);
	st = store_open(path, STORE_CREATE, &cause);
	free(path);
	assert_non_null(st);
	memset(&none, 0, sizeof none);
	assert_int_equal(store_begin(st), 0);
	add("n/all", "note", "Coopération décentralisée au Sénégal",
	    "Les collectivités territoriales coopèrent avec le Sénégal.",
	    "Sénégal", "2007");
	add("n/two", "note", "Coopération au Mali",
	    "Coopération décentralisée des collectivités.", "Mali", "2014");
	add("n/one", "cas", "Jumelage", "Un jumelage avec le Sénégal.",
	    "Sénégal", "1978");
	add("cgct/L1115-1", "article", "Article L1115-1 du CGCT",
	    "Action extérieure des collectivités territoriales.", NULL, "2021");
	add("cgct/L1115-5", "article", "Article L1115-5 du CGCT",
	    "Pas de convention avec un État étranger ; voir L1115-1.", NULL,
	    "2016");
	add("p/rec", "partenariat", "Ville de Chambéry – Commune de Ouahigouya",
	    "Chambéry Ouahigouya", NULL, NULL);
	add("c/long", "fiche", "Chambéry – Ouahigouya : une coopération choisie",
	    "Une longue étude de cas sur la ville de Chambéry et la commune "
	    "de Ouahigouya, avec beaucoup de texte autour qui allonge le "
	    "document et dilue la fréquence des termes pour bm25, encore et "
	    "encore, des phases, des thèmes, des financements, des résultats.",
	    NULL, NULL);
	add("n/xss", "note", "Page piégée", "du texte <script>alert(1)</script>"
	    " et & des chevrons", NULL, NULL);
	assert_int_equal(store_commit(st), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	results_clear(&res);
	store_close(st);
	t_rmdtemp(dir);
	return 0;
}

/* Search q into res, clearing the results of the search before. */
static void
run_syn(const char *q, const struct synonyms *syn)
{
	struct search_opts	 o;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.limit = 10;
	o.want_facets = 1;
	o.want_snippets = 1;
	o.budget_ms = 5000;
	o.synonyms = syn;
	results_clear(&res);
	if (search_run(st, q, &o, &res, &cause) != 0)
		fail_msg("search '%s' failed: %s", q, cause);
}

static void
run(const char *q)
{
	run_syn(q, NULL);
}

/* run(q), which must find at least min documents. */
static void
run_min(const char *q, int64_t min)
{
	run(q);
	if (res.total < min)
		fail_msg("'%s': %lld results, want %lld or more", q,
		    (long long)res.total, (long long)min);
}

static int
has_notice(const char *part)
{
	size_t	 i;

	for (i = 0; i < res.nnotices; i++)
		if (strstr(res.notices[i], part) != NULL)
			return 1;
	return 0;
}

/* The first hits must be these ids (up to NULL), in this order; fails
 * listing the hits there are. */
static void
expect_top(const char *first, ...)
{
	va_list		 ap;
	const char	*id;
	size_t		 i = 0, j;

	va_start(ap, first);
	for (id = first; id != NULL; id = va_arg(ap, const char *)) {
		if (i >= res.nhits || strcmp(res.hits[i].id, id) != 0) {
			for (j = 0; j < res.nhits; j++)
				fprintf(stderr, "  hit %zu: %s\n", j,
				    res.hits[j].id);
			fail_msg("hit %zu is not %s", i, id);
		}
		i++;
	}
	va_end(ap);
}

static void
t_all_words_first(void **state)
{
	(void)state;
	run_min("coopération décentralisée Sénégal", 3);
	/* Partial matches follow; the page is not empty. */
	expect_top("n/all", "n/two", NULL);
	assert_false(res.partial);
}

static void
t_title_phrase_first(void **state)
{
	(void)state;
	run_min("Chambéry Ouahigouya", 2);
	/* bm25 alone prefers the short record; the title phrase wins. */
	expect_top("c/long", "p/rec", NULL);
}

static void
t_never_strict_and(void **state)
{
	(void)state;
	run_min("Quelle est la coopération avec le Zanzibar ?", 2);
	assert_true(res.partial);
	assert_true(has_notice("tous les mots"));
}

static void
t_article_first(void **state)
{
	(void)state;
	run_min("L. 1115-1", 2);	/* the article and the one citing it */
	assert_string_equal(res.hits[0].id, "cgct/L1115-1");
	run("article L1115-5 du CGCT");
	assert_string_equal(res.hits[0].id, "cgct/L1115-5");
}

/* A synonyms file: accepted, or refused with its line and reason. */
static void
t_synonyms_file(void **state)
{
	struct synonyms	*syn;
	const char	**others;
	char		*cause = NULL;
	static const struct t_case bad[] = {
		{ "AECT, action extérieure\nAPD\n", "line 2: a group needs two" },
		{ "# c\n\nA, B,, C\n", "line 3: an empty term" },
		{ "A, B,\n", "line 1: an empty term" },
		{ "AECT, X\nY, aéct\n", "line 2: \"aéct\" is already in the "
		    "group of line 1" },
		{ "A, B\n\xff, C\n", "line 2: not valid UTF-8" },
	};
	size_t		 i;
	static const char good[] = "# commentaire\n\n  AECT ,  Action "
	    "extérieure des collectivités territoriales\r\nAPD, aide publique "
	    "au développement";

	(void)state;
	syn = synonyms_parse(good, sizeof good - 1, &cause);
	assert_non_null(syn);
	assert_int_equal(synonyms_count(syn), 2);
	assert_int_equal(synonyms_max_words(syn), 5);
	/* Looked up folded: no case, no accents. */
	others = synonyms_lookup(syn, "aect");
	assert_non_null(others);
	assert_string_equal(others[0], "AECT");
	assert_string_equal(others[1], "Action extérieure des collectivités "
	    "territoriales");
	assert_null(others[2]);
	free(others);
	assert_null(synonyms_lookup(syn, "action"));
	others = synonyms_lookup(syn, "aide publique au developpement");
	assert_non_null(others);
	assert_string_equal(others[0], "aide publique au développement");
	assert_string_equal(others[1], "APD");
	free(others);
	synonyms_free(syn);
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		syn = synonyms_parse(bad[i].in, strlen(bad[i].in), &cause);
		assert_null(syn);
		assert_non_null(cause);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("'%s': got '%s', wanted '%s'", bad[i].in,
			    cause, bad[i].want);
		free(cause);
	}
}

static int
has_hit(const char *id)
{
	size_t	 i;

	for (i = 0; i < res.nhits; i++)
		if (strcmp(res.hits[i].id, id) == 0)
			return 1;
	return 0;
}

static void
t_synonyms_search(void **state)
{
	struct synonyms	*syn;
	struct query	*q;
	char		*cause = NULL, *d, *units, *fts;
	static const char text[] = "AECT, action extérieure des collectivités "
	    "territoriales\nJumelage, twinning, pacte d'amitié\n";

	(void)state;
	syn = synonyms_parse(text, sizeof text - 1, &cause);
	assert_non_null(syn);

	/* Without synonyms, "AECT" is in no document. */
	run_syn("AECT", NULL);
	assert_int_equal(res.total, 0);
	/* With them, the article that writes it out in full is found, and
	 * the page says why. */
	run_syn("AECT", syn);
	assert_int_equal(res.total, 1);
	assert_string_equal(res.hits[0].id, "cgct/L1115-1");
	assert_true(has_notice("« AECT » est aussi cherché sous : « "
	    "action extérieure des collectivités territoriales »"));
	/* A run of words typed in full finds the acronym's group too. */
	run_syn("Action Exterieure des collectivites territoriales", syn);
	assert_true(has_notice("aussi cherché sous : « AECT »"));
	assert_string_equal(res.hits[0].id, "cgct/L1115-1");
	/* A run of words keeps its words (a document with only some of
	 * them still counts) and adds the group as an optional unit. */
	q = query_parse("action extérieure des collectivités territoriales "
	    "Sénégal", NULL);
	query_expand(q, syn);
	d = query_describe(q);
	assert_string_equal(d, "action extérieure des collectivités "
	    "territoriales Sénégal");
	assert_int_equal(query_units(q), 5);	/* "des" is a stopword */
	fts = query_fts_all(q);
	assert_null(strstr(fts, "AECT"));	/* never required */
	free(fts);
	fts = query_fts_any_units(q, &units);
	assert_non_null(strstr(fts, "\"AECT\""));
	assert_string_equal(units, "0,1,3,4,0s,6");
	free(fts);
	free(units);
	free(d);
	query_free(q);
	/* A quoted phrase is searched as typed. */
	run_syn("\"AECT\"", syn);
	assert_int_equal(res.total, 0);

	/* The expression: the group as one OR, the typed form first, and
	 * one coverage unit for all its phrases. */
	q = query_parse("jumelage Sénégal", NULL);
	query_expand(q, syn);
	d = query_describe(q);
	assert_string_equal(d, "jumelage Sénégal");
	fts = query_fts_any_units(q, &units);
	assert_string_equal(fts, "(\"jumelage\" OR \"twinning\" OR "
	    "\"pacte d'amitié\") OR \"Sénégal\"");
	assert_string_equal(units, "0,0s,0s,1");
	free(fts);
	free(units);
	free(d);
	query_free(q);
	/* A group matched twice in a row counts once: the note with both
	 * words (Sénégal and the jumelage group) ranks first. */
	run_syn("jumelage Sénégal", syn);
	assert_string_equal(res.hits[0].id, "n/one");
	assert_int_equal(res.hits[0].matched, 2);
	assert_true(has_hit("n/all"));
	synonyms_free(syn);

	/* What was typed ranks before what only a synonym matched, even
	 * where bm25 would prefer the synonym: "jumelage" stands in n/one's
	 * title and body, "Mali" only in n/two's title. */
	syn = synonyms_parse("Mali, jumelage\n", strlen("Mali, jumelage\n"),
	    &cause);
	assert_non_null(syn);
	run_syn("Mali", syn);
	assert_int_equal(res.total, 2);
	expect_top("n/two", "n/one", NULL);
	assert_true(res.hits[0].score > res.hits[1].score);
	synonyms_free(syn);
}

static void
t_filters_and_facets(void **state)
{
	size_t		 i;
	int		 seen = 0;

	(void)state;
	run("collectivités pays:senegal");
	assert_int_equal(res.total, 1);
	assert_string_equal(res.hits[0].id, "n/all");

	run("type:cas");		/* browse by filter alone */
	assert_int_equal(res.total, 1);
	assert_string_equal(res.hits[0].id, "n/one");

	run("collectivités annee:2000..2015");
	assert_int_equal(res.total, 2);

	run("collectivités");
	for (i = 0; i < res.nfacets; i++)
		if (strcmp(res.facets[i].key, "type") == 0 &&
		    strcmp(res.facets[i].value, "note") == 0) {
			assert_int_equal(res.facets[i].count, 2);
			seen = 1;
		}
	assert_true(seen);
}

static void
t_snippets_escaped(void **state)
{
	(void)state;
	run("script");
	assert_int_equal(res.total, 1);
	assert_non_null(strstr(res.hits[0].snippet, "&lt;"));
	assert_null(strstr(res.hits[0].snippet, "<script"));
	assert_non_null(strstr(res.hits[0].snippet, "<mark>script</mark>"));
	assert_non_null(strstr(res.hits[0].snippet, "&amp;"));
	/* The same passage unescaped, its match between the markers. */
	assert_non_null(res.hits[0].snippet_marked);
	assert_non_null(strstr(res.hits[0].snippet_marked,
	    "<" SNIPPET_OPEN "script" SNIPPET_CLOSE ">"));
	assert_null(strstr(res.hits[0].snippet_marked, "&lt;"));
}

static void
t_empty_and_hostile(void **state)
{
	static const char *const nasty[] = {
		"", " ", "\"", "\"\"", "(", ")", "*", "-", "OR", "AND", "NOT",
		"NEAR(a b)", "a OR", "-\"", "title:x", "^x", "x:", ":x",
		"pays:", "type:\"", "annee:1..2", "{a b}: c", "'; DROP TABLE docs;",
		"\xff\xfe\xfd", "L.", "L. ", "article du", "a* * **", NULL
	};
	size_t		 i;

	(void)state;
	run("");
	assert_int_equal(res.total, 0);
	assert_true(res.nnotices > 0);
	for (i = 0; nasty[i] != NULL; i++)
		run(nasty[i]);
}

static void
t_budget(void **state)
{
	struct search_opts	 o;
	char			*cause = NULL, title[64];
	int			 i;

	(void)state;
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < 4000; i++) {
		snprintf(title, sizeof title, "bulk/%d", i);
		add(title, "note", title, "coopération collectivités "
		    "décentralisée territoriales action extérieure", NULL,
		    NULL);
	}
	assert_int_equal(store_commit(st), 0);
	memset(&o, 0, sizeof o);
	o.limit = 10;
	o.want_facets = 1;
	o.budget_ms = 1;
	/* A phrase: FTS5 evaluates it, under the progress handler. */
	results_clear(&res);
	if (search_run(st, "\"coopération collectivités\" OR décentralisée "
	    "OR action", &o, &res, &cause) != 0)
		fail_msg("search failed: %s", cause);
	assert_true(res.timeout);
	assert_true(has_notice("trop coûteuse"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_all_words_first),
		cmocka_unit_test(t_title_phrase_first),
		cmocka_unit_test(t_never_strict_and),
		cmocka_unit_test(t_article_first),
		cmocka_unit_test(t_filters_and_facets),
		cmocka_unit_test(t_synonyms_file),
		cmocka_unit_test(t_synonyms_search),
		cmocka_unit_test(t_snippets_escaped),
		cmocka_unit_test(t_empty_and_hostile),
		cmocka_unit_test(t_budget),
	};

	log_init("test_search", SAVOIR_LOG_ERROR, 0);
	return cmocka_run_group_tests(tests, setup, teardown);
}
