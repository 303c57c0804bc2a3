/*
 * test_vocab.c - the index's vocabulary (vocab.c) as the writer fills it
 * and a reader gets it (store_speller), the migration of a schema 2
 * index, and « Documents proches » (similar.c) on a small index.
 */
#include "config.h"

#include "testutil.h"
#include "index.h"
#include "store_int.h"

static struct xdoc *
mkdoc(const char *id, const char *title, const char *body)
{
	struct xdoc	*d = xdoc_new(id, "note");

	buf_adds(&d->text[SAVOIR_COL_TITLE], title);
	buf_adds(&d->text[SAVOIR_COL_BODY], body);
	d->html = xstrdup("<p>x</p>");
	return d;
}

static void
put(struct store *st, const char *path, struct xdoc **docs, size_t n)
{
	struct source	 src;
	struct xfile	 xf;
	char		*cause = NULL;

	memset(&src, 0, sizeof src);
	memset(&xf, 0, sizeof xf);
	src.size = 1;
	snprintf(src.hash, sizeof src.hash, "%s", path);
	xf.docs = docs;
	xf.ndocs = n;
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_put_file(st, "/root", path, &src, &xf, &cause),
	    0);
	assert_int_equal(store_commit(st), 0);
}

static int64_t
scalar(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static char *
text(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	char		*v = NULL;

	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return v;
}

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
	{ "d", "Fiscalité locale",
	    "La fiscalité de la commune et le budget, les impôts locaux." },
};

static struct store *
fill(const char *path)
{
	struct store	*st;
	char		*cause = NULL, *p;
	size_t		 i;

	st = store_open(path, STORE_CREATE, &cause);
	assert_non_null(st);
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		struct xdoc	*d = mkdoc(bodies[i][0], bodies[i][1],
		    bodies[i][2]);

		p = xsprintf("%s.md", bodies[i][0]);
		put(st, p, &d, 1);
		free(p);
		xdoc_free(d);
	}
	return st;
}

static void
t_written(void **state)
{
	struct store		*st;
	const struct speller	*sp;
	struct spell_cand	 c;
	char			*dir, *path, *s;
	int64_t			 ndocs;

	(void)state;
	dir = t_mkdtemp();
	path = xsprintf("%s/kb.db", dir);
	st = fill(path);
	/* One count a document, whatever its repeats and columns. */
	assert_int_equal(scalar(st, "SELECT df FROM vocab WHERE word = "
	    "'cooperation'"), 2);
	assert_int_equal(scalar(st, "SELECT df FROM vocab WHERE word = "
	    "'budget'"), 2);
	/* The lower-case form wins over a title's capital. */
	s = text(st, "SELECT form FROM vocab WHERE word = 'cooperation'");
	assert_string_equal(s, "coopération");
	free(s);
	s = text(st, "SELECT form FROM vocab WHERE word = 'senegal'");
	assert_string_equal(s, "Sénégal");
	free(s);
	/* Words, not numbers. */
	assert_int_equal(scalar(st, "SELECT count(*) FROM vocab WHERE word "
	    "GLOB '*[0-9]*'"), 0);
	sp = store_speller(st, &ndocs);
	assert_non_null(sp);
	assert_int_equal(ndocs, 4);
	assert_int_equal(spell_suggest(sp, "cooperasion", 11, &c), 1);
	assert_string_equal(c.form, "coopération");
	assert_int_equal(spell_suggest(sp, "senegl", 6, &c), 1);
	assert_string_equal(c.form, "Sénégal");
	store_close(st);
	free(path);
	t_rmrf(dir);
	free(dir);
}

static void
t_migrate(void **state)
{
	struct store	*st;
	char		*dir, *path, *cause = NULL;
	int64_t		 before;

	(void)state;
	dir = t_mkdtemp();
	path = xsprintf("%s/kb.db", dir);
	st = fill(path);
	before = scalar(st, "SELECT count(*) FROM vocab");
	assert_true(before > 20);
	/* What a schema 2 index looks like: no vocabulary. */
	assert_int_equal(sqlite3_exec(store_db(st), "DROP TABLE vocab; "
	    "DROP TABLE refs; PRAGMA user_version = 2", NULL, NULL, NULL),
	    SQLITE_OK);
	store_close(st);
	st = store_open(path, STORE_RDONLY, &cause);
	assert_null(st);
	assert_non_null(strstr(cause, "run savoir index once"));
	free(cause);
	cause = NULL;
	st = store_open(path, 0, &cause);
	assert_non_null(st);
	assert_int_equal(scalar(st, "PRAGMA user_version"), 3);
	assert_int_equal(scalar(st, "SELECT count(*) FROM vocab"), before);
	assert_int_equal(scalar(st, "SELECT df FROM vocab WHERE word = "
	    "'senegal'"), 2);
	store_close(st);
	free(path);
	t_rmrf(dir);
	free(dir);
}

static void
t_similar(void **state)
{
	struct store		*st;
	struct store_link	*l;
	size_t			 n;
	char			*dir, *path, *cause = NULL;

	(void)state;
	dir = t_mkdtemp();
	path = xsprintf("%s/kb.db", dir);
	st = fill(path);
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
	store_close(st);
	free(path);
	t_rmrf(dir);
	free(dir);
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
	char			*dir, *path;
	size_t			 i;
	int			 rc;

	(void)state;
	dir = t_mkdtemp();
	path = xsprintf("%s/kb.db", dir);
	st = fill(path);
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
	store_close(st);
	free(path);
	t_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_written),
		cmocka_unit_test(t_migrate),
		cmocka_unit_test(t_similar),
		cmocka_unit_test(t_correct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
