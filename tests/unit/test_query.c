/*
 * test_query.c - the query language: the parse tree of each construct, the
 * exact FTS5 text of a few queries, and that no input whatsoever (a table
 * of nasty ones, then 10,000 random ones) yields an expression FTS5
 * refuses, run on a real FTS5 table.
 */
#include "config.h"

#include "testutil.h"

#include <sqlite3.h>

#include "savoir.h"

static const char *const keys[] = { "type", "pays", "annee", "theme", NULL };

/* A small French corpus, so that matches can be checked too. */
static const char *const docs[] = {
	"Le jumelage entre Lille et Saint-Louis du Sénégal",
	"La coopération décentralisée au Burkina Faso",
	"Article L1115-1 du CGCT : les collectivités territoriales peuvent "
	    "conclure des conventions",
	"Selon l'article L. 1115-5, une collectivité peut financer",
	"L’action extérieure des collectivités territoriales",
	"Saint Jean et Louis le chat",
	"Le chat noir de la coopérative",
	NULL
};

struct fixture {
	sqlite3		*db;
	int		 have_fr;	/* savoir_fr is registered */
	sqlite3_stmt	*count_u;	/* cached by fts_count() */
	sqlite3_stmt	*count_f;
};

static struct fixture	 fx;

static int
setup(void **state)
{
	sqlite3_stmt	*st;
	const char	*tables[] = { "u", "f" };
	size_t		 t, i;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &fx.db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(fx.db, "PRAGMA locking_mode=EXCLUSIVE",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(fx.db, "CREATE VIRTUAL TABLE u USING "
	    "fts5(body, tokenize='unicode61 remove_diacritics 2')", NULL, NULL,
	    NULL), SQLITE_OK);
	/* savoir_fr once it lands; until then unicode61 alone. */
	fx.have_fr = tokenizer_fr_register(fx.db) == SQLITE_OK &&
	    sqlite3_exec(fx.db, "CREATE VIRTUAL TABLE f USING fts5(body, "
	    "tokenize='savoir_fr')", NULL, NULL, NULL) == SQLITE_OK;
	if (!fx.have_fr)
		fprintf(stderr, "# savoir_fr not available: unicode61 only\n");
	for (t = 0; t < (fx.have_fr ? 2u : 1u); t++) {
		char	*sql = NULL;

		assert_true(asprintf(&sql, "INSERT INTO %s VALUES (?)",
		    tables[t]) > 0);
		assert_int_equal(sqlite3_prepare_v2(fx.db, sql, -1, &st, NULL),
		    SQLITE_OK);
		for (i = 0; docs[i] != NULL; i++) {
			sqlite3_bind_text(st, 1, docs[i], -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		free(sql);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sqlite3_finalize(fx.count_u);
	sqlite3_finalize(fx.count_f);
	sqlite3_close(fx.db);
	return 0;
}

/*
 * Is expr made only of FTS5 strings and this module's operators?  Outside
 * double quotes only AND, OR, NOT, parentheses, '*' and spaces may appear.
 */
static int
fts_shape_ok(const char *e)
{
	int	 depth = 0;

	while (*e != '\0') {
		if (*e == '"') {
			for (e++; *e != '\0'; e++) {
				if (*e == '"' && e[1] == '"')
					e++;
				else if (*e == '"')
					break;
			}
			if (*e++ != '"')
				return 0;
		} else if (*e == ' ' || *e == '*')
			e++;
		else if (*e == '(') {
			depth++;
			e++;
		} else if (*e == ')') {
			if (--depth < 0)
				return 0;
			e++;
		} else if (strncmp(e, "AND ", 4) == 0)
			e += 4;
		else if (strncmp(e, "NOT ", 4) == 0)
			e += 4;
		else if (strncmp(e, "OR ", 3) == 0)
			e += 3;
		else
			return 0;
	}
	return depth == 0;
}

/*
 * Run expr as MATCH on table ("u" or "f"); the number of rows, or -1 on an
 * SQL error.  The statements are prepared once: the fuzz loop runs 40,000.
 */
static int
fts_count(const char *table, const char *expr, char **err)
{
	sqlite3_stmt	**st = table[0] == 'u' ? &fx.count_u : &fx.count_f;
	char		 *sql = NULL;
	int		  rc, n = -1;

	*err = NULL;
	if (*st == NULL) {
		if (asprintf(&sql, "SELECT count(*) FROM %s WHERE %s MATCH ?",
		    table, table) < 0)
			abort();
		rc = sqlite3_prepare_v2(fx.db, sql, -1, st, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			*err = strdup(sqlite3_errmsg(fx.db));
			return -1;
		}
	}
	sqlite3_bind_text(*st, 1, expr, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(*st)) == SQLITE_ROW)
		n = sqlite3_column_int(*st, 0);
	else
		*err = strdup(sqlite3_errmsg(fx.db));
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return n;
}

/* Matches of expr on the unicode61 table; fails the test on an error. */
static int
matches(const char *expr)
{
	char	*err;
	int	 n;

	assert_non_null(expr);
	n = fts_count("u", expr, &err);
	if (n < 0)
		fail_msg("FTS5 refused <%s>: %s", expr, err);
	return n;
}

/*
 * Everything that must hold for any input: both expressions are made of
 * quoted strings and operators only, FTS5 accepts them on both tables,
 * they are NULL together and exactly when there is no unit, and the
 * normalized text reads back to itself.
 */
/* The same on the savoir_fr table. */
static int
fr_matches(const char *expr)
{
	char	*err;
	int	 n;

	n = fts_count("f", expr, &err);
	if (n < 0)
		fail_msg("FTS5 (savoir_fr) refused <%s>: %s", expr, err);
	return n;
}

static void
check_input(const char *input, size_t len)
{
	struct query	*q, *q2;
	char		*all, *any, *d1, *d2, *d3, *err;
	char		*expr[2];
	const char	*tables[] = { "u", "f" };
	size_t		 i, t;

	q = query_parse(input, keys);
	assert_non_null(q);
	all = query_fts_all(q);
	any = query_fts_any(q);
	assert_true((all == NULL) == (any == NULL));
	assert_true((all == NULL) == (query_units(q) == 0));
	if (query_is_empty(q))
		assert_null(all);
	expr[0] = all;
	expr[1] = any;
	for (i = 0; i < 2; i++) {
		if (expr[i] == NULL || (i == 1 && strcmp(all, any) == 0))
			continue;
		if (!fts_shape_ok(expr[i]))
			fail_msg("bad shape <%s> from <%.*s>", expr[i],
			    (int)len, input);
		for (t = 0; t < (fx.have_fr ? 2u : 1u); t++) {
			if (fts_count(tables[t], expr[i], &err) < 0)
				fail_msg("FTS5 (%s) refused <%s> from <%.*s>: "
				    "%s", tables[t], expr[i], (int)len, input,
				    err);
		}
	}
	for (i = 0; i < q->nnotices; i++)
		assert_true(utf8_valid(q->notices[i], strlen(q->notices[i]),
		    NULL));
	d1 = query_describe(q);
	assert_true(utf8_valid(d1, strlen(d1), NULL));
	/*
	 * Normalizing twice changes nothing.  (Once may: "L1115-1, CGCT"
	 * reads back as "L1115-1 CGCT", the article of the CGCT.)
	 */
	if (strlen(d1) < 900) {
		q2 = query_parse(d1, keys);
		d2 = query_describe(q2);
		query_free(q2);
		q2 = query_parse(d2, keys);
		d3 = query_describe(q2);
		if (strcmp(d2, d3) != 0)
			fail_msg("describe <%s> reads back as <%s> (from <%.*s>)",
			    d2, d3, (int)len, input);
		free(d2);
		free(d3);
		query_free(q2);
	}
	free(d1);
	free(all);
	free(any);
	query_free(q);
}

/* Does any notice contain s? */
static int
has_notice(const struct query *q, const char *s)
{
	size_t	 i;

	for (i = 0; i < q->nnotices; i++) {
		if (strstr(q->notices[i], s) != NULL)
			return 1;
	}
	return 0;
}

static const struct qnode *
node(const struct query *q, size_t i)
{
	assert_true(i < q->nnodes);
	return q->nodes[i];
}

static void
assert_node(const struct qnode *n, enum qnode_kind kind, const char *text)
{
	assert_int_equal(n->kind, kind);
	assert_string_equal(n->text, text);
}

/*
 * A parse tree as one line, to compare whole: nodes joined by " | "; a
 * word as is, then "°" if a stopword; "phrase" quoted; prefix*; §article,
 * then @code if one was named; key:filter; -excluded; (a OR b).
 */
static void
tree_add(struct buf *b, const struct qnode *n)
{
	size_t	 i;

	switch (n->kind) {
	case Q_WORD:
		buf_printf(b, "%s%s", n->text, n->stopword ? "°" : "");
		break;
	case Q_PHRASE:
		buf_printf(b, "\"%s\"", n->text);
		break;
	case Q_PREFIX:
		buf_printf(b, "%s*", n->text);
		break;
	case Q_ARTICLE:
		buf_printf(b, "§%s", n->text);
		if (n->key != NULL)
			buf_printf(b, "@%s", n->key);
		break;
	case Q_FILTER:
		buf_printf(b, "%s:%s", n->key, n->text);
		break;
	case Q_NOT:
		buf_addc(b, '-');
		for (i = 0; i < n->nkids; i++)
			tree_add(b, n->kids[i]);
		break;
	case Q_OR:
		buf_addc(b, '(');
		for (i = 0; i < n->nkids; i++) {
			if (i > 0)
				buf_adds(b, " OR ");
			tree_add(b, n->kids[i]);
		}
		buf_addc(b, ')');
		break;
	}
}

/* Parse input, fail unless its tree reads want; caller frees the query. */
static struct query *
parse_as(const char *input, const char *want)
{
	struct query	*q;
	struct buf	 b;
	size_t		 i;

	q = query_parse(input, keys);
	assert_non_null(q);
	buf_init(&b);
	for (i = 0; i < q->nnodes; i++) {
		if (i > 0)
			buf_adds(&b, " | ");
		tree_add(&b, q->nodes[i]);
	}
	buf_addc(&b, '\0');
	if (strcmp(b.data, want) != 0)
		fail_msg("<%s> parses as <%s>, not <%s>", input, b.data, want);
	buf_free(&b);
	return q;
}

/* got is want (both may be NULL), and an expression SQLite accepts. */
static void
assert_expr(const char *input, const char *got, const char *want)
{
	if (want == NULL) {
		if (got != NULL)
			fail_msg("<%s> gives <%s>, not nothing", input, got);
		return;
	}
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("<%s> gives <%s>, not <%s>", input,
		    got != NULL ? got : "(null)", want);
	matches(got);
}

static void
assert_fts(const char *input, const char *want_all, const char *want_any)
{
	struct query	*q;
	char		*all, *any;

	q = query_parse(input, keys);
	all = query_fts_all(q);
	any = query_fts_any(q);
	assert_expr(input, all, want_all);
	assert_expr(input, any, want_any);
	free(all);
	free(any);
	query_free(q);
}

static void
t_words(void **state)
{
	struct query	*q;

	(void)state;
	q = parse_as("  chat\tnoir\n", "chat | noir");
	assert_int_equal(query_units(q), 2);
	assert_int_equal(q->nnotices, 0);
	query_free(q);

	/* Punctuation separates words; pure punctuation is dropped. */
	query_free(parse_as("chat,noir; (coopération) ... ! ? — …",
	    "chat | noir | coopération"));
}

static void
t_stopwords(void **state)
{
	struct query	*q;
	char		*s;

	(void)state;
	q = parse_as("le chat de la coopérative", "le° | chat | de° | la° | "
	    "coopérative");
	assert_int_equal(query_units(q), 2);
	s = query_fts_all(q);
	assert_string_equal(s, "\"chat\" AND \"coopérative\"");
	assert_int_equal(matches(s), 1);
	free(s);
	query_free(q);

	/* Stopwords alone are all there is: then they count. */
	q = query_parse("le la", keys);
	assert_int_equal(query_units(q), 2);
	s = query_fts_all(q);
	assert_string_equal(s, "\"le\" AND \"la\"");
	free(s);
	query_free(q);
}

static void
t_phrases(void **state)
{
	struct query	*q;

	(void)state;
	query_free(parse_as("\"conseil   municipal\" jumelage",
	    "\"conseil municipal\" | jumelage"));
	/* French guillemets, with the no-break spaces French typing adds. */
	query_free(parse_as("«\xC2\xA0" "coopération décentralisée"
	    "\xE2\x80\xAF» Burkina", "\"coopération décentralisée\" | "
	    "Burkina"));
	/* Mixed quote styles close each other. */
	query_free(parse_as("“action extérieure” “a\"b”",
	    "\"action extérieure\" | \"a\" | b"));
	/* Unbalanced: the phrase runs to the end. */
	query_free(parse_as("chat \"noir de", "chat | \"noir de\""));

	/* Empty and punctuation-only phrases are dropped. */
	q = query_parse("\"\" « ... » \" \"", keys);
	assert_true(query_is_empty(q));
	query_free(q);
}

static void
t_or(void **state)
{
	struct query		*q;

	(void)state;
	q = parse_as("chat OR chien OR \"poisson rouge\" maison",
	    "(chat OR chien OR \"poisson rouge\") | maison");
	assert_int_equal(query_units(q), 2);
	query_free(q);

	/* Lower-case "or" is a word; dangling OR is dropped. */
	query_free(parse_as("or OR", "or"));
	query_free(parse_as("OR OR chat OR", "chat"));

	/* OR does not join an exclusion or a filter. */
	query_free(parse_as("-chat OR chien pays:Mali OR x",
	    "-chat | chien | pays:Mali | x"));

	/* Other operators people type, read as they mean them: AND (and
	 * ET) is what every search does, NOT excludes what follows, FTS5's
	 * NEAR( is the words; in lower case they are words. */
	query_free(parse_as("chat AND chien ET poisson", "chat | chien | "
	    "poisson"));
	query_free(parse_as("chat NOT chien NOT \"poisson rouge\"",
	    "chat | -chien | -\"poisson rouge\""));
	query_free(parse_as("NEAR(chat chien)", "chat | chien"));
	query_free(parse_as("near chat not", "near | chat | not"));
}

static void
t_exclusions(void **state)
{
	struct query		*q;

	(void)state;
	q = parse_as("chat -chien -\"poisson rouge\" -«mer» -coop*",
	    "chat | -chien | -\"poisson rouge\" | -\"mer\" | -coop*");
	assert_int_equal(node(q, 1)->nkids, 1);
	assert_int_equal(query_units(q), 1);
	query_free(q);

	/* A hyphen inside or alone is no exclusion. */
	query_free(parse_as("Saint-Louis a - b c- --d",
	    "Saint-Louis | a° | b | c° | d°"));

	/* Only exclusions: nothing to match. */
	q = query_parse("-chat -chien", keys);
	assert_false(query_is_empty(q));
	assert_int_equal(query_units(q), 0);
	assert_null(query_fts_all(q));
	assert_null(query_fts_any(q));
	query_free(q);
}

static void
t_prefixes(void **state)
{
	struct query	*q;

	(void)state;
	q = parse_as("coop* Saint-Lou* a* *", "coop* | Saint-Lou* | a°");
	assert_true(has_notice(q, "un préfixe doit avoir au moins deux"));
	query_free(q);
	assert_fts("coop*", "\"coop\" *", "\"coop\" *");
	assert_fts("Saint-Lou*", "\"Saint-Lou\" *", "\"Saint-Lou\" *");
}

static void
t_filters(void **state)
{
	struct query	*q;

	(void)state;
	q = parse_as("jumelage PAYS:Mali Type:note annee:2019, "
	    "pays:\"Burkina Faso\" theme:« eau potable »", "jumelage | "
	    "pays:Mali | type:note | annee:2019 | pays:Burkina Faso | "
	    "theme:eau potable");
	assert_int_equal(query_units(q), 1);
	assert_int_equal(q->nnotices, 0);
	query_free(q);

	/* Filters only: not empty, but nothing for FTS5. */
	q = query_parse("pays:Mali", keys);
	assert_false(query_is_empty(q));
	assert_null(query_fts_all(q));
	query_free(q);

	/* An unknown key is text, with a notice naming the real ones. */
	q = parse_as("foo:bar", "foo | bar");
	assert_true(has_notice(q, "Le filtre « foo: » n’existe pas ; les "
	    "filtres possibles sont type, pays, annee, theme."));
	query_free(q);

	/* No value, an excluded filter, and colons that are no filter. */
	q = query_parse("type:", keys);
	assert_true(query_is_empty(q));
	assert_true(has_notice(q, "« type: » n’a pas de valeur"));
	query_free(q);
	q = parse_as("pays: Mali type: -chat theme: pays:Niger",
	    "pays:Mali | -chat | pays:Niger");
	assert_true(has_notice(q, "« theme: » n’a pas de valeur"));
	query_free(q);
	q = query_parse("-type:note chat", keys);
	assert_int_equal(q->nnodes, 1);
	assert_true(has_notice(q, "ne peut pas être exclu"));
	query_free(q);
	q = query_parse("https://exemple.org 10:30 note: bonjour", keys);
	assert_int_equal(q->nnotices, 0);
	assert_int_equal(q->nnodes, 7);
	query_free(q);
}

static void
t_articles(void **state)
{
	static const struct t_case forms[] = {
		{ "L1115-1", "§L1115-1" },
		{ "L. 1115-1", "§L1115-1" },
		{ "l'article L1115-1", "l° | §L1115-1" },
	};
	struct query	*q;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(forms); i++)
		query_free(parse_as(forms[i].in, forms[i].want));

	q = parse_as("article L1115-5 du CGCT", "§L1115-5@cgct");
	assert_int_equal(query_units(q), 1);
	query_free(q);
	query_free(parse_as("art. L. 1115-5 CGCT convention",
	    "§L1115-5@cgct | convention"));
	query_free(parse_as("L1115-5 du code général des collectivités "
	    "territoriales", "§L1115-5@cgct"));
	/* "du" alone is no code: it stays a word. */
	query_free(parse_as("L1115-1 du", "§L1115-1 | du°"));
	query_free(parse_as("-L1115-1 coopération", "-§L1115-1 | coopération"));
	/* An uppercase word after an article is no code unless known. */
	query_free(parse_as("L1115-1 ONU", "§L1115-1 | ONU"));
	query_free(parse_as("R1115-2 cgct D. 1234-5 du CJA L1234-5 du Mali",
	    "§R1115-2@cgct | §D1234-5@cja | §L1234-5 | du° | Mali"));

	assert_fts("article L1115-5 du CGCT", "\"L1115-5\"", "\"L1115-5\"");
	/* savoir_fr finds both written forms of a reference. */
	if (fx.have_fr) {
		assert_int_equal(fr_matches("\"L1115-5\""), 1);
		assert_int_equal(fr_matches("\"L1115-1\""), 1);
	}
}

static void
t_saint_louis_elision(void **state)
{
	struct query	*q;
	char		*s;

	(void)state;
	q = parse_as("Saint-Louis", "Saint-Louis");
	s = query_fts_all(q);
	assert_string_equal(s, "\"Saint-Louis\"");
	/* A phrase for FTS5: "Saint Jean et Louis" does not match. */
	assert_int_equal(matches(s), 1);
	free(s);
	query_free(q);

	query_free(parse_as("l’action l'action qu’il aujourd'hui",
	    "l° | action | l° | action | qu° | il° | aujourd | hui"));

	q = query_parse("l’action", keys);
	s = query_fts_all(q);
	assert_string_equal(s, "\"action\"");
	assert_int_equal(matches(s), 1);
	free(s);
	query_free(q);
}

/* What the expressions find through the real tokenizer. */
static void
t_savoir_fr(void **state)
{
	static const struct {
		const char	*in;
		int		 all, any;
	} cases[] = {
		{ "l’action extérieure", 1, 1 },
		{ "Saint-Louis", 1, 1 },
		{ "coop*", 2, 2 },
		{ "cooperation decentralisee", 1, 2 },	/* cooper- stems */
		{ "collectivités territoriales -CGCT", 1, 2 },
		{ "\"chat noir\" coopérative jumelage", 0, 1 },
		{ "chat OR jumelage", 3, 3 },
		{ "article L1115-1 du CGCT", 1, 1 },
		{ "L. 1115-5", 1, 1 },
		{ "le la", 1, 5 },		/* "les" stems to "le" */
	};
	struct query	*q;
	char		*all, *any;
	size_t		 i;

	(void)state;
	if (!fx.have_fr)
		skip();
	for (i = 0; i < nitems(cases); i++) {
		q = query_parse(cases[i].in, keys);
		all = query_fts_all(q);
		any = query_fts_any(q);
		if (fr_matches(all) != cases[i].all ||
		    fr_matches(any) != cases[i].any)
			fail_msg("%s: %d/%d matches for <%s> / <%s>, want "
			    "%d/%d", cases[i].in, fr_matches(all),
			    fr_matches(any), all, any, cases[i].all,
			    cases[i].any);
		free(all);
		free(any);
		query_free(q);
	}
}

static void
t_fts_text(void **state)
{
	(void)state;
	assert_fts("chat noir", "\"chat\" AND \"noir\"", "\"chat\" OR \"noir\"");
	assert_fts("chat", "\"chat\"", "\"chat\"");
	assert_fts("\"chat noir\" coopérative jumelage",
	    "\"chat noir\" AND \"coopérative\" AND \"jumelage\"",
	    "\"chat noir\" AND (\"coopérative\" OR \"jumelage\")");
	assert_fts("\"chat noir\" coopérative",
	    "\"chat noir\" AND \"coopérative\"",
	    "\"chat noir\" AND \"coopérative\"");
	assert_fts("chat noir -chien -\"eau froide\"",
	    "(\"chat\" AND \"noir\") NOT (\"chien\" OR \"eau froide\")",
	    "(\"chat\" OR \"noir\") NOT (\"chien\" OR \"eau froide\")");
	assert_fts("chat -chien", "\"chat\" NOT \"chien\"",
	    "\"chat\" NOT \"chien\"");
	assert_fts("\"eau froide\" -chien",
	    "\"eau froide\" NOT \"chien\"", "\"eau froide\" NOT \"chien\"");
	assert_fts("chat OR chien maison",
	    "(\"chat\" OR \"chien\") AND \"maison\"",
	    "(\"chat\" OR \"chien\") OR \"maison\"");
	assert_fts("\"eau froide\" chat OR chien maison -x",
	    "(\"eau froide\" AND (\"chat\" OR \"chien\") AND \"maison\") "
	    "NOT \"x\"",
	    "(\"eau froide\" AND ((\"chat\" OR \"chien\") OR \"maison\")) "
	    "NOT \"x\"");
	/* Stopwords are dropped, unless there is nothing else. */
	assert_fts("le chat", "\"chat\"", "\"chat\"");
	assert_fts("le -chat", "\"le\" NOT \"chat\"", "\"le\" NOT \"chat\"");
	/* The stray quote opens a phrase: required in both. */
	assert_fts("x\"y", "\"x\" AND \"y\"", "\"y\" AND \"x\"");
	assert_fts("«il dit \"oui\"»", "\"il dit \"\"oui\"\"\"",
	    "\"il dit \"\"oui\"\"\"");
	/* FTS5's operators typed are read as meant (query.c), never passed
	 * on: NEAR( and AND are the words, NOT excludes. */
	assert_fts("NEAR(chat chien) AND noir^ NOT souris",
	    "(\"chat\" AND \"chien\" AND \"noir\") NOT \"souris\"",
	    "(\"chat\" OR \"chien\" OR \"noir\") NOT \"souris\"");
	assert_fts("near(chat) and", "\"near\" AND \"chat\" AND \"and\"",
	    "\"near\" OR \"chat\" OR \"and\"");
	assert_fts("", NULL, NULL);
	assert_fts("pays:Mali -chat", NULL, NULL);

	/* What the expressions find in the sample corpus. */
	assert_int_equal(matches("\"chat\" AND \"noir\""), 1);
	assert_int_equal(matches("\"chat\" OR \"noir\""), 2);
	assert_int_equal(matches("(\"collectivités\" AND \"territoriales\") "
	    "NOT \"CGCT\""), 1);
}

static void
t_limits(void **state)
{
	struct query	*q;
	struct buf	 b;
	size_t		 i;

	(void)state;
	/* 10 kB: only the first 1,000 bytes are read. */
	buf_init(&b);
	for (i = 0; i < 1500; i++)
		buf_adds(&b, "mot" "\xC3\xA9" "t ");
	assert_true(b.len > 10000);
	q = query_parse(b.data, keys);
	assert_true(has_notice(q, "trop longue"));
	assert_true(q->nnodes <= 32);
	assert_true(has_notice(q, "trop de termes"));
	check_input(b.data, b.len);
	query_free(q);

	/* 40 words: 32 kept; OR members count each. */
	buf_reset(&b);
	for (i = 0; i < 40; i++)
		buf_printf(&b, "m%zu ", i);
	q = query_parse(b.data, keys);
	assert_int_equal(q->nnodes, 32);
	assert_node(node(q, 31), Q_WORD, "m31");
	assert_true(has_notice(q, "seuls les 32 premiers"));
	assert_int_equal(query_units(q), 32);
	query_free(q);
	buf_reset(&b);
	for (i = 0; i < 40; i++)
		buf_printf(&b, "%sm%zu", i > 0 ? " OR " : "", i);
	q = query_parse(b.data, keys);
	assert_int_equal(q->nnodes, 1);
	assert_int_equal(node(q, 0)->nkids, 32);
	query_free(q);

	/* Short input: no notice at all. */
	q = query_parse("chat", keys);
	assert_int_equal(q->nnotices, 0);
	query_free(q);

	/* Invalid UTF-8 is repaired, with a notice. */
	q = query_parse("caf\xC3 cr\xE8me \xFF\xFE br\xC3\xBBl\xC3\xA9", keys);
	assert_true(has_notice(q, "invalides"));
	assert_int_equal(q->nnodes, 4);
	assert_node(node(q, 0), Q_WORD, "caf");
	assert_node(node(q, 3), Q_WORD, "brûlé");
	query_free(q);

	/* Nothing usable: empty, and said so; blank: empty, nothing said. */
	q = query_parse("!!! ^^ () -", keys);
	assert_true(query_is_empty(q));
	assert_true(has_notice(q, "aucun mot"));
	query_free(q);
	q = query_parse(" \t\n", keys);
	assert_true(query_is_empty(q));
	assert_int_equal(q->nnotices, 0);
	query_free(q);
	q = query_parse(NULL, NULL);
	assert_true(query_is_empty(q));
	query_free(q);
	buf_free(&b);
}

static void
t_describe(void **state)
{
	static const struct t_case cases[] = {
		{ "  chat   noir ", "chat noir" },
		{ "«coopération  décentralisée» -chien coop* PAYS:\"Burkina Faso\"",
		  "\"coopération décentralisée\" -chien coop* "
		  "pays:\"Burkina Faso\"" },
		{ "a OR b OR c (d)", "a OR b OR c d" },
		{ "«il dit \"oui\"»", "«il dit \"oui\"»" },
		{ "type:note, pays:Mali.", "type:note pays:Mali" },
		{ "article L1115-5 du CGCT", "L1115-5 du CGCT" },
		{ "L. 1115-1", "L1115-1" },
		{ "l’action", "l action" },
	};
	struct query	*q;
	char		*s;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		q = query_parse(cases[i].in, keys);
		s = query_describe(q);
		assert_string_equal(s, cases[i].want);
		free(s);
		query_free(q);
	}
	s = query_describe(NULL);
	assert_string_equal(s, "");
	free(s);
	query_free(NULL);
}

static void
t_nasty(void **state)
{
	static const char *const nasty[] = {
		"", " ", "\"", "\"\"", "\"\"\"", "'", "''", "«", "»", "« »",
		"“", "”", "(", ")", "((((", "))))", "()", "*", "**", "-", "--",
		"- -", "-*", "-\"", "-«", ":", "::", "a:", ":a", "type:",
		"type:\"", "type:«", "pays:\"\"", "OR", "OR OR", "a OR",
		"OR a", "AND", "NOT", "NEAR", "NEAR(a b, 2)", "a NEAR/3 b",
		"^a", "^", "+", "+a", "a+b", "{a b}: c", "{", "}", ".", "...",
		"a.b.c", "a AND b OR c NOT d", "\"a\" AND \"b\"",
		"col:value", "body:chat", "body : chat", "- body:chat",
		"a*b*c", "*a", "a**", "\"a b\"*", "-\"a b\"*", "L1115-1*",
		"L. ", "L.", "L. 1115-", "article", "article du CGCT",
		"article L1115-1 du", "L1115-1 du code", "x\"y\"z",
		"\"\\\"\"", "\\", "%", "_", "a_b", "%%s%n", "'; DROP TABLE u;--",
		"\"a\" OR \"b\" NOT \"c\"", "a NOT", "NOT a", "(a OR b",
		"a OR (b", "\"unbalanced", "« pas fermé", "“pas fermé",
		"\xEF\xBB\xBF" "chat", "\xE2\x80\x8B", "\xC2\xA0",
		"\xF0\x9F\x98\x80", "chat\xF0\x9F\x98\x80noir", "\xCC\x81",
		"e\xCC\x81t\xC3\xA9", "\xEF\xBF\xBD", "\xC3", "\xFF\xFF",
		"\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80",
		"\x01\x02\x03\x1b[31m", "\r\n\t\v\f", "ŒUVRE œuvre æ",
		"ﬁn", "Ⅻ", "①", "²", "٣", "中文 日本語", "العربية",
		"-L1115-1 -L. 1115-2", "L1115-1 OR L1115-2",
		"pays:\"Burkina Faso\" OR pays:Mali",
		"-type:note -foo:bar", "foo:\"bar", "foo:-bar",
		"\"-a\" \"*\" \"OR\"", "-OR", "OR*", "a OR -b",
		"\"\" OR \"\"", "'l'' ''", "l’", "’", "‘a’", "qu’", "a’’b",
		"---a---", "a-", "-a-", "Saint--Louis", "-Saint-Louis",
		"L1115-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1",
	};
	size_t	 i;

	(void)state;
	assert_true(nitems(nasty) >= 40);
	for (i = 0; i < nitems(nasty); i++)
		check_input(nasty[i], strlen(nasty[i]));
}

/* xorshift64*: the same sequence everywhere, unlike rand(). */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void
t_fuzz(void **state)
{
	static const char *const bits[] = {
		"\"", "«", "»", "“", "”", "„", "'", "’", "(", ")", "*", "-",
		":", "^", "+", "{", "}", ".", ",", " ", " ", " ", "\t", "OR",
		"AND", "NOT", "NEAR", "NEAR(", "chat", "été", "Saint-Louis",
		"l’", "qu'", "type:", "pays:", "foo:", "annee:", "L1115-1",
		"L. 1115-5", "article", "du CGCT", "du", "le", "la", "coop",
		"\xC2\xA0", "\xE2\x80\xAF", "\xC3", "\xFF", "\xE2\x80",
		"\xF0\x9F\x98", "é", "œ", "ﬁ", "0", "2019", "_", "\\", "%",
		"/", "#", "@", "&", "|", "~", "`", "$", "!", "?", ";", "<", ">",
		"[", "]", "=",
	};
	struct buf	 b;
	uint64_t	 seed = 0x5341564f49520001ULL;	/* fixed */
	int64_t		 t0;
	size_t		 iter, len, k, nbits = nitems(bits);
	char		 c;

	(void)state;
	buf_init(&b);
	t0 = mono_us();
	for (iter = 0; iter < 10000; iter++) {
		buf_reset(&b);
		len = rnd(&seed) % 48;
		if (iter % 2 == 0) {
			/* Random bytes, NUL excepted. */
			for (k = 0; k < len; k++) {
				c = (char)(rnd(&seed) % 255 + 1);
				buf_addc(&b, c);
			}
		} else {
			/* Random mixes of operators, words and junk. */
			for (k = 0; k < len / 2; k++)
				buf_adds(&b, bits[rnd(&seed) % nbits]);
		}
		check_input(b.data != NULL ? b.data : "", b.len);
	}
	buf_free(&b);
	fprintf(stderr, "# fuzz: 10000 inputs in %.3f s\n",
	    (double)(mono_us() - t0) / 1e6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_words),
		cmocka_unit_test(t_stopwords),
		cmocka_unit_test(t_phrases),
		cmocka_unit_test(t_or),
		cmocka_unit_test(t_exclusions),
		cmocka_unit_test(t_prefixes),
		cmocka_unit_test(t_filters),
		cmocka_unit_test(t_articles),
		cmocka_unit_test(t_saint_louis_elision),
		cmocka_unit_test(t_fts_text),
		cmocka_unit_test(t_savoir_fr),
		cmocka_unit_test(t_limits),
		cmocka_unit_test(t_describe),
		cmocka_unit_test(t_nasty),
		cmocka_unit_test(t_fuzz),
	};

	/* One thread: spare the fuzz loop SQLite's mutexes. */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	return cmocka_run_group_tests(tests, setup, teardown);
}
