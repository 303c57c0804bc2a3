/*
 * test_spell.c - corrections of query words (spell.c): the distance with
 * its scanner confusions, candidates from the trigram index, glued words,
 * and the words that must never be "corrected".
 */
#include "config.h"

#include "testutil.h"

#include "savoir.h"

static struct speller	*sp;

/* The index's vocabulary: "word form df" a line. */
static const char vocab[] =
    "cooperation coopération 120\n"
    "cooperations coopérations 4\n"
    "decentralisee décentralisée 80\n"
    "senegal Sénégal 12\n"
    "oeuvre œuvre 40\n"
    "action action 300\n"
    "exterieure extérieure 90\n"
    "collectivites collectivités 250\n"
    "commune commune 200\n"
    "communes communes 150\n"
    "modalites modalités 30\n"
    "loi loi 400\n"
    "la la 900\n"
    "mali Mali 9\n"
    "maire maire 70\n"
    "mairie mairie 20\n"
    "dispositif dispositif 25\n";
static size_t	 nvocab;

static int
setup(void **state)
{
	const char	*p;
	char		 word[64], form[64];
	long long	 df;
	int		 used;

	(void)state;
	sp = spell_new();
	for (p = vocab; sscanf(p, "%63s %63s %lld\n%n", word, form, &df,
	    &used) == 3; p += used, nvocab++)
		spell_add(sp, word, strlen(word), form, strlen(form), df);
	assert_true(*p == '\0');
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
	/* "typed want form" a line; typed alone wants no change. */
	static const char cases[] =
	    "cooperasion cooperation coopération\n"
	    "cooperaton cooperation coopération\n"
	    "coperation cooperation coopération\n"
	    "senegl senegal Sénégal\n"
	    "ceuvre oeuvre œuvre\n"
	    "cornmune commune commune\n"
	    "modalitcs modalites modalités\n"
	    "clispositif dispositif dispositif\n"
	    "decentralisee\n"	/* known: no change */
	    "exterieur exterieure extérieure\n"
	    "xyzzy\n"
	    "zero\n"
	    "mai\n";	/* too short to guess */
	struct spell_cand	 c;
	const char		*p, *nl;
	char			 line[200], typed[64], want[64], form[64];
	int			 n;

	(void)state;
	for (p = cases; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
		n = sscanf(line, "%63s %63s %63s", typed, want, form);
		assert_true(n == 1 || n == 3);
		c = suggest(typed);
		if (n == 1) {
			if (c.word != NULL && strcmp(c.word, typed) &&
			    !spell_df(sp, typed, strlen(typed)))
				fail_msg("%s: got %s, want nothing", typed,
				    c.word);
			continue;
		}
		if (c.word == NULL || strcmp(c.word, want) != 0)
			fail_msg("%s: got %s, want %s", typed,
			    c.word != NULL ? c.word : "nothing", want);
		assert_string_equal(c.form, form);
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
	assert_int_equal(spell_size(sp), nvocab);
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
