/*
 * test_store_offline.c - the offline copy of the index (store_offline.c):
 * its documents and norms, each term's postings as the v32 text the browser
 * decodes (checked against the postings themselves), the word-to-term map
 * (the server's stems), the version, the synonyms, and the size limit.
 */
#include "config.h"

#include <jansson.h>

#include "teststore.h"

static const char *const bodies[][3] = {
	{ "a", "Coopération décentralisée au Sénégal",
	    "La coopération décentralisée relie des collectivités. Le "
	    "jumelage de Podor et de Saint-Louis au Sénégal." },
	{ "b", "Jumelage et Sénégal",
	    "Un jumelage entre une commune et Podor au Sénégal, "
	    "coopération entre villes." },
	{ "c", "Budget communal",
	    "Le budget de la commune vote les subventions. Budget annexe "
	    "et budget principal." },
};

static int
fill_setup(void **state)
{
	struct scratch	*sc;
	struct xdoc	*d;
	char		*p;
	size_t		 i;

	scratch_setup(state);
	sc = *state;
	for (i = 0; i < nitems(bodies); i++) {
		d = t_mkdoc(bodies[i][0], "note", bodies[i][1], bodies[i][2]);
		p = xsprintf("%s.md", bodies[i][0]);
		t_put(sc->st, p, &d, 1);
		free(p);
		xdoc_free(d);
	}
	return 0;
}

static const char B64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The next v32 number of *s. */
static uint64_t
v32_next(const char **s)
{
	uint64_t	 v = 0;
	int		 shift = 0, x;
	const char	*p;

	for (;;) {
		p = strchr(B64, **s);
		assert_non_null(p);
		assert_true(**s != '\0');
		(*s)++;
		x = (int)(p - B64);
		v |= (uint64_t)(x & 31) << shift;
		if (!(x & 32))
			return v;
		shift += 5;
	}
}

static json_t *
build(struct store *st, const struct synonyms *syn)
{
	json_t		*j;
	json_error_t	 err;
	char		*out, *cause = NULL;
	size_t		 len;

	assert_int_equal(store_offline_build(st, syn, 1 << 20, &out, &len,
	    &cause), 0);
	assert_null(cause);
	assert_int_equal(strlen(out), len);
	j = json_loads(out, 0, &err);
	assert_non_null(j);
	free(out);
	return j;
}

static void
t_copy(void **state)
{
	struct store	*st = ((struct scratch *)*state)->st;
	json_t		*j, *docs, *norms, *w;
	const char	*s;
	uint64_t	 doc, code, tf[3], first;
	size_t		 n = 0, i;
	char		*ver;

	j = build(st, NULL);
	docs = json_object_get(j, "docs");
	norms = json_object_get(j, "norms");
	assert_int_equal(json_array_size(docs), 3);
	assert_int_equal(json_array_size(norms), 12);
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 3);
	assert_string_equal(json_string_value(json_array_get(json_array_get(
	    docs, 0), 1)), "Coopération décentralisée au Sénégal");
	assert_string_equal(json_string_value(json_array_get(json_array_get(
	    docs, 2), 4)), "note");
	/* A summary is the start of the body. */
	assert_true(strncmp(json_string_value(json_array_get(json_array_get(
	    docs, 2), 3)), "Le budget de la commune", 23) == 0);
	/* Each document's weight: 100 hundredths for a note. */
	for (i = 0; i < 3; i++)
		assert_true(json_integer_value(json_array_get(norms,
		    4 * i + 3)) > 0);

	/* "budget": only document 2, three times in the body, once in the
	 * title, first at position 2 (1-based: "le budget"). */
	s = json_string_value(json_object_get(json_object_get(j, "terms"),
	    "budget"));
	assert_non_null(s);
	doc = 0;
	while (*s != '\0') {
		doc += v32_next(&s);
		code = v32_next(&s);
		tf[2] = code >> 2;
		tf[0] = (code & 1) ? v32_next(&s) : 0;
		tf[1] = (code & 2) ? v32_next(&s) : 0;
		first = tf[2] > 0 ? v32_next(&s) : 0;
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(doc, 2);
	assert_int_equal(tf[0], 1);
	assert_int_equal(tf[2], 3);
	assert_int_equal(first, 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "df"), "budget")), 1);

	/* The server's stems: a word to its term, the accented variant when
	 * it differs; a word that is its own term is left out. */
	w = json_object_get(json_object_get(j, "words"), "cooperation");
	assert_string_equal(json_string_value(w), "cooper");
	w = json_object_get(json_object_get(j, "words"), "decentralisee");
	assert_true(json_is_array(w) || json_is_string(w));
	assert_null(json_object_get(json_object_get(j, "words"), "budget"));
	assert_non_null(json_object_get(json_object_get(j, "terms"), "cooper"));
	/* The ranking parameters of search_fast.c. */
	assert_true(json_real_value(json_object_get(json_object_get(j,
	    "params"), "k1")) > 0);
	ver = store_offline_version(st, NULL);
	assert_non_null(ver);
	assert_string_equal(json_string_value(json_object_get(j, "version")),
	    ver);
	free(ver);
	assert_int_equal(json_array_size(json_object_get(j, "synonyms")), 0);
	json_decref(j);
}

static void
t_synonyms_and_limit(void **state)
{
	struct store	*st = ((struct scratch *)*state)->st;
	struct synonyms	*syn;
	json_t		*j, *g;
	char		*out = NULL, *cause = NULL;
	size_t		 len;
	static const char text[] = "# a comment\n"
	    "AECT, action extérieure des collectivités territoriales\n"
	    "APD, aide publique au développement, aide au développement\n";

	syn = synonyms_parse(text, sizeof text - 1, &cause);
	assert_non_null(syn);
	j = build(st, syn);
	g = json_object_get(j, "synonyms");
	assert_int_equal(json_array_size(g), 2);
	assert_int_equal(json_array_size(json_array_get(g, 1)), 3);
	assert_string_equal(json_string_value(json_array_get(json_array_get(g,
	    1), 2)), "aide au développement");
	json_decref(j);
	synonyms_free(syn);

	/* Past the limit: refused, with the reason. */
	assert_int_equal(store_offline_build(st, NULL, 1000, &out, &len,
	    &cause), -1);
	assert_null(out);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "more than 1000 bytes"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_copy, fill_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(t_synonyms_and_limit,
		    fill_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
