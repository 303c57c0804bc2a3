/*
 * test_spell.c - corrections of query words (spell.c): the distance with
 * its scanner confusions, candidates from the trigram index, glued words,
 * and the words that must never be "corrected".
 */
#include "config.h"

#include "testutil.h"

#include "savoir.h"

static struct speller	*sp;

static const struct {
	const char	*word, *form;
	int64_t		 df;
} vocab[] = {
	{ "cooperation", "coopération", 120 },
	{ "cooperations", "coopérations", 4 },
	{ "decentralisee", "décentralisée", 80 },
	{ "senegal", "Sénégal", 12 },
	{ "oeuvre", "œuvre", 40 },
	{ "action", "action", 300 },
	{ "exterieure", "extérieure", 90 },
	{ "collectivites", "collectivités", 250 },
	{ "commune", "commune", 200 },
	{ "communes", "communes", 150 },
	{ "modalites", "modalités", 30 },
	{ "loi", "loi", 400 },
	{ "la", "la", 900 },
	{ "mali", "Mali", 9 },
	{ "maire", "maire", 70 },
	{ "mairie", "mairie", 20 },
	{ "dispositif", "dispositif", 25 },
};

static int
setup(void **state)
{
	size_t	 i;

	(void)state;
	sp = spell_new();
	for (i = 0; i < sizeof vocab / sizeof vocab[0]; i++)
		spell_add(sp, vocab[i].word, strlen(vocab[i].word),
		    vocab[i].form, strlen(vocab[i].form), vocab[i].df);
	spell_add(sp, "zero", 4, NULL, 0, 0);	/* no document: ignored */
	spell_build(sp);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	spell_free(sp);
	return 0;
}

static int
dist(const char *a, const char *b)
{
	return spell_distance(a, strlen(a), b, strlen(b), 100);
}

static void
t_distance(void **state)
{
	(void)state;
	assert_int_equal(dist("cooperation", "cooperation"), 0);
	assert_int_equal(dist("cooperasion", "cooperation"), 2);
	assert_int_equal(dist("cooperaton", "cooperation"), 2);
	assert_int_equal(dist("senegl", "senegal"), 2);
	/* Neighbours swapped: one edit. */
	assert_int_equal(dist("coopreation", "cooperation"), 2);
	/* Scanner confusions: half an edit. */
	assert_int_equal(dist("ceuvre", "oeuvre"), 1 + 1);	/* first */
	assert_int_equal(dist("cornmune", "commune"), 1);	/* rn/m */
	assert_int_equal(dist("modalitcs", "modalites"), 1);	/* c/e */
	assert_int_equal(dist("clispositif", "dispositif"), 1);	/* cl/d */
	assert_int_equal(dist("1oi", "loi"), 1 + 1);		/* 1/l first */
	/* A doubled or undoubled letter: half an edit. */
	assert_int_equal(dist("jumellage", "jumelage"), 1);
	assert_int_equal(dist("intereg", "interreg"), 1);
	assert_int_equal(dist("intereg", "interet"), 2);
	/* The budget stops early. */
	assert_true(spell_distance("abcdefgh", 8, "zyxwvuts", 8, 4) > 4);
	assert_true(spell_distance("a", 1, "abcdefghijk", 11, 4) > 4);
}

static struct spell_cand
suggest(const char *w)
{
	struct spell_cand	 c;

	if (!spell_suggest(sp, w, strlen(w), &c))
		memset(&c, 0, sizeof c);
	return c;
}

static void
t_suggest(void **state)
{
	static const struct {
		const char	*typed, *want, *form;
	} cases[] = {
		{ "cooperasion", "cooperation", "coopération" },
		{ "cooperaton", "cooperation", "coopération" },
		{ "coperation", "cooperation", "coopération" },
		{ "senegl", "senegal", "Sénégal" },
		{ "ceuvre", "oeuvre", "œuvre" },
		{ "cornmune", "commune", "commune" },
		{ "modalitcs", "modalites", "modalités" },
		{ "clispositif", "dispositif", "dispositif" },
		{ "decentralisee", NULL, NULL },	/* known: no change */
		{ "exterieur", "exterieure", "extérieure" },
		{ "xyzzy", NULL, NULL },
		{ "zero", NULL, NULL },
		{ "mai", NULL, NULL },	/* too short to guess */
	};
	struct spell_cand	 c;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = suggest(cases[i].typed);
		if (cases[i].want == NULL) {
			if (c.word != NULL && strcmp(c.word, cases[i].typed) &&
			    !spell_df(sp, cases[i].typed,
			    strlen(cases[i].typed)))
				fail_msg("%s: got %s, want nothing",
				    cases[i].typed, c.word);
			continue;
		}
		if (c.word == NULL || strcmp(c.word, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", cases[i].typed,
			    c.word != NULL ? c.word : "nothing",
			    cases[i].want);
		assert_string_equal(c.form, cases[i].form);
		assert_null(c.word2);
	}
	/* Among equally close words, the commonest. */
	c = suggest("communs");
	assert_non_null(c.word);
	assert_string_equal(c.word, "commune");
}

static void
t_glued(void **state)
{
	struct spell_cand	 c;

	(void)state;
	c = suggest("cooperationdecentralisee");
	assert_non_null(c.word);
	assert_non_null(c.word2);
	assert_string_equal(c.form, "coopération");
	assert_string_equal(c.form2, "décentralisée");
	assert_int_equal(c.df, 80);
	c = suggest("actionexterieure");
	assert_non_null(c.word2);
	assert_string_equal(c.word, "action");
	assert_string_equal(c.word2, "exterieure");
}

static void
t_lookup(void **state)
{
	struct speller	*empty;
	struct spell_cand c;

	(void)state;
	assert_int_equal(spell_size(sp), sizeof vocab / sizeof vocab[0]);
	assert_int_equal(spell_df(sp, "loi", 3), 400);
	assert_int_equal(spell_df(sp, "lois", 4), 0);
	assert_int_equal(spell_df(sp, "zero", 4), 0);
	assert_int_equal(spell_df(NULL, "loi", 3), 0);
	empty = spell_new();
	spell_build(empty);
	assert_int_equal(spell_suggest(empty, "cooperasion", 11, &c), 0);
	assert_int_equal(spell_suggest(NULL, "cooperasion", 11, &c), 0);
	spell_free(empty);
	/* Longer than any word it corrects. */
	assert_int_equal(spell_suggest(sp, "a", 60, &c), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_distance),
		cmocka_unit_test(t_suggest),
		cmocka_unit_test(t_glued),
		cmocka_unit_test(t_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
