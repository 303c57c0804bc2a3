/*
 * test_vocab.c - the index's vocabulary (vocab.c) as the writer fills it
 * and a reader gets it (store_speller), the migration of a schema 2
 * index, and « Documents proches » (similar.c) on a small index.
 */
#include "config.h"

#include "teststore.h"

static const char *const bodies[][3] = {
	/* First: its web address's bare word must give way to the accents. */
	{ "e", "Adresse", "Voir https://ex.org/decentralisee/." },
	{ "a", "Coopération décentralisée au Sénégal",
	    "La coopération décentralisée relie des collectivités. Le "
	    "jumelage de Podor et de Saint-Louis au Sénégal." },
	{ "b", "Jumelage et Sénégal",
	    "Un jumelage entre une commune et Podor au Sénégal, "
	    "coopération entre villes." },
	{ "c", "Budget communal",
	    "Le budget de la commune vote les subventions. Budget annexe "
	    "et budget principal." },
	{ "d", "Fiscalité locale",
	    "La fiscalité de la commune et le budget, les impôts locaux." },
};

/* cmocka set-up: the scratch index holds the documents of bodies. */
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

static void
t_written(void **state)
{
	struct store		*st;
	const struct speller	*sp;
	struct spell_cand	 c;
	char			*s;
	int64_t			 ndocs;

	st = ((struct scratch *)*state)->st;
	/* One count a document, whatever its repeats and columns. */
	assert_int_equal(scalar(st, "SELECT df FROM vocab WHERE word = "
	    "'cooperation'"), 2);
	assert_int_equal(scalar(st, "SELECT df FROM vocab WHERE word = "
	    "'budget'"), 2);
	/* The lower-case form wins over a title's capital; a form with
	 * accents over one without (a web address's "senegal"). */
	s = scalar_text(st, "SELECT form FROM vocab WHERE word = "
	    "'cooperation'");
	assert_string_equal(s, "coopération");
	free(s);
	s = scalar_text(st, "SELECT form FROM vocab WHERE word = 'senegal'");
	assert_string_equal(s, "Sénégal");
	free(s);
	s = scalar_text(st, "SELECT form FROM vocab WHERE word = "
	    "'decentralisee'");
	assert_string_equal(s, "décentralisée");
	free(s);
	/* Words, not numbers. */
	assert_int_equal(scalar(st, "SELECT count(*) FROM vocab WHERE word "
	    "GLOB '*[0-9]*'"), 0);
	sp = store_speller(st, &ndocs);
	assert_non_null(sp);
	assert_int_equal(ndocs, 5);
	assert_int_equal(spell_suggest(sp, "cooperasion", 11, &c), 1);
	assert_string_equal(c.form, "coopération");
	assert_int_equal(spell_suggest(sp, "senegl", 6, &c), 1);
	assert_string_equal(c.form, "Sénégal");
}

static void
t_migrate(void **state)
{
	struct scratch	*sc = *state;
	struct store	*st = sc->st;
	char		*cause = NULL;
	int64_t		 before;

	before = scalar(st, "SELECT count(*) FROM vocab");
	assert_true(before > 20);
	/* What a schema 2 index looks like: no vocabulary. */
	assert_int_equal(sqlite3_exec(store_db(st), "DROP TABLE vocab; "
	    "DROP TABLE refs; PRAGMA user_version = 2", NULL, NULL, NULL),
	    SQLITE_OK);
	store_close(st);
	sc->st = NULL;
	assert_null(store_open(sc->path, STORE_RDONLY, &cause));
	assert_non_null(strstr(cause, "run savoir index once"));
	free(cause);
	cause = NULL;
	st = sc->st = store_open(sc->path, 0, &cause);
	assert_non_null(st);
	assert_int_equal(scalar(st, "PRAGMA user_version"), 3);
	assert_int_equal(scalar(st, "SELECT count(*) FROM vocab"), before);
	assert_int_equal(scalar(st, "SELECT df FROM vocab WHERE word = "
	    "'senegal'"), 2);
}

static void
t_similar(void **state)
{
	struct store		*st;
	struct store_link	*l;
	size_t			 n;
	char			*cause = NULL;

	st = ((struct scratch *)*state)->st;
	assert_int_equal(similar_docs(st, "a", 3, &l, &n, &cause), 1);
	assert_true(n >= 1);
	assert_string_equal(l[0].id, "b");
	assert_string_equal(l[0].rel, "proche");
	store_links_free(l, n);
	assert_int_equal(similar_docs(st, "c", 3, &l, &n, &cause), 1);
	assert_true(n >= 1);
	assert_string_equal(l[0].id, "d");
	store_links_free(l, n);
	assert_int_equal(similar_docs(st, "nope", 3, &l, &n, &cause), 0);
}

static void
t_correct(void **state)
{
	static const struct {
		const char	*typed, *replaced, *offered;
	} cases[] = {
		/* Matches nothing, one edit from a word: searched instead. */
		{ "cooperasion", "coopération", NULL },
		{ "jumelage senegl", "jumelage Sénégal", NULL },
		/* Two words that are one, one word that is two. */
		{ "bud get communal", "budget communal", NULL },
		{ "jumelagesenegal", "jumelage Sénégal", NULL },
		/* A name or acronym is offered, never searched instead. */
		{ "jumelage Senegl", NULL, "jumelage Sénégal" },
		/* Left alone: words that match (here or by their stem), short
		 * words, acronyms, numbers, filters, exclusions, prefixes. */
		{ "budgets communaux", NULL, NULL },
		{ "fiscalite", NULL, NULL },
		{ "SENEGL", NULL, NULL },
		{ "senegl2", NULL, NULL },
		{ "pays:senegl jumelage", NULL, NULL },
		{ "jumelage -senegl", NULL, NULL },
		{ "senegl*", NULL, NULL },
		{ "xqzwv", NULL, NULL },
	};
	struct store		*st;
	struct correction	 c;
	size_t			 i;
	int			 rc;

	st = ((struct scratch *)*state)->st;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rc = query_correct(st, cases[i].typed, &c);
		if (rc != (cases[i].replaced != NULL ||
		    cases[i].offered != NULL) ||
		    (c.replaced == NULL) != (cases[i].replaced == NULL) ||
		    (c.offered == NULL) != (cases[i].offered == NULL) ||
		    (c.replaced != NULL && strcmp(c.replaced,
		    cases[i].replaced) != 0) ||
		    (c.offered != NULL && strcmp(c.offered,
		    cases[i].offered) != 0))
			fail_msg("\"%s\": got %d \"%s\" / \"%s\"",
			    cases[i].typed, rc, c.replaced ? c.replaced : "-",
			    c.offered ? c.offered : "-");
		free(c.replaced);
		free(c.offered);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_written, fill_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(t_migrate, fill_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(t_similar, fill_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(t_correct, fill_setup,
		    scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
