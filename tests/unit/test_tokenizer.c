/*
 * test_tokenizer.c - the savoir_fr tokenizer through a real FTS5 table, as
 * a search would use it (every query term quoted, as query.c writes them),
 * the loadable extension, and the French text helpers.
 */
#include "config.h"

#include "testutil.h"

#include "savoir.h"

static sqlite3 *
db_open(void)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(tokenizer_fr_register(db), 0);
	return db;
}

static void
exec(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

/* A fresh one-column table holding docs (NULL-terminated). */
static void
load(sqlite3 *db, const char *const *docs)
{
	sqlite3_stmt	*st;

	exec(db, "DROP TABLE IF EXISTS t;"
	    "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='savoir_fr')");
	assert_int_equal(sqlite3_prepare_v2(db,
	    "INSERT INTO t(rowid, body) VALUES (?, ?)", -1, &st, NULL),
	    SQLITE_OK);
	for (int i = 0; docs[i] != NULL; i++) {
		sqlite3_bind_int(st, 1, i + 1);
		sqlite3_bind_text(st, 2, docs[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* The rowids matching an FTS5 expression, as "1,3" ("" for none). */
static char *
rows(sqlite3 *db, const char *match)
{
	sqlite3_stmt	*st;
	static char	 out[256];
	size_t		 n = 0;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += snprintf(out + n, sizeof out - n, "%s%lld", n ? "," : "",
		    (long long)sqlite3_column_int64(st, 0));
	assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
	return out;
}

/* Does the single document doc match the quoted term q? */
static int
finds(const char *doc, const char *q)
{
	const char	*docs[] = { doc, NULL };
	char		*match;
	sqlite3		*db = db_open();
	int		 found;

	load(db, docs);
	if (asprintf(&match, "\"%s\"", q) == -1)
		abort();
	found = strcmp(rows(db, match), "1") == 0;
	free(match);
	sqlite3_close(db);
	return found;
}

/* Whether a one-document table holds a term; found: 1 it must, 0 not. */
struct find {
	const char	*doc;
	const char	*term;
	int		 found;
};

/* Try every case, report each that fails, then fail if any did. */
static void
check_finds(const struct find *cases, size_t n)
{
	size_t	 i;
	int	 failed = 0;

	for (i = 0; i < n; i++)
		if (finds(cases[i].doc, cases[i].term) != cases[i].found) {
			print_error("\"%s\" %s \"%s\"\n", cases[i].doc,
			    cases[i].found ? "does not find" : "finds",
			    cases[i].term);
			failed++;
		}
	assert_int_equal(failed, 0);
}

/* What a term finds: accents, plurals and stems, ligatures, elisions. */
static void
t_finds(void **state)
{
	static const struct find cases[] = {
		{ "Les collectivités territoriales", "collectivite", 1 },
		{ "la collectivite", "collectivités", 1 },
		{ "une coopération réussie", "cooperations", 1 },
		{ "les coopérations", "coopération", 1 },
		{ "des zones protégées", "protege", 1 },
		{ "des zones protégées", "protégé", 1 },
		{ "une association créée en 2007", "créer", 1 },
		{ "une association créée en 2007", "creer", 1 },
		{ "ÉTATS GÉNÉRAUX", "etat", 1 },
		/* Stemming must not merge everything. */
		{ "Les collectivités territoriales", "collège", 0 },
		{ "une coopération réussie", "opération", 0 },
		{ "des zones protégées", "protestation", 0 },
		/* Ligatures. */
		{ "la mise en œuvre", "oeuvre", 1 },
		{ "la mise en oeuvre", "œuvre", 1 },
		{ "L'ŒUVRE", "oeuvres", 1 },
		{ "un curriculum vitæ", "vitae", 1 },
		{ "le ﬁnancement des projets", "financements", 1 },
		{ "le financement", "ﬁnancement", 1 },
		{ "un eﬀort", "effort", 1 },
		/* Elisions. */
		{ "l’action extérieure", "action", 1 },
		{ "l'action extérieure", "action", 1 },
		{ "L'ACTION", "actions", 1 },
		{ "I'action (OCR)", "action", 1 },
		{ "jusqu’aux communes", "aux", 1 },
		{ "lorsqu'il", "il", 1 },
		{ "d'une part", "une", 1 },
		/* The elided article itself is not indexed... */
		{ "l’action extérieure", "l", 0 },
		{ "qu'elle", "qu", 0 },
		/* ... but a letter that is not elided is. */
		{ "la lettre l seule", "l", 1 },
		/* A query written with an elision finds the bare word. */
		{ "une action", "l’action", 1 },
	};

	(void)state;
	check_finds(cases, nitems(cases));
}

/*
 * Try every case on a database holding docs (in: an FTS5 expression; want:
 * the rows it must match, as rows() writes them), report each that fails,
 * then fail if any did.
 */
static void
check_rows(const char *const *docs, const struct t_case *cases, size_t n)
{
	sqlite3		*db = db_open();
	size_t		 i;
	const char	*got;
	int		 failed = 0;

	load(db, docs);
	for (i = 0; i < n; i++)
		if (strcmp(got = rows(db, cases[i].in), cases[i].want) != 0) {
			print_error("%s matches rows \"%s\", not \"%s\"\n",
			    cases[i].in, got, cases[i].want);
			failed++;
		}
	sqlite3_close(db);
	assert_int_equal(failed, 0);
}

static void
t_article_refs(void **state)
{
	const char *const docs[] = {
		"Selon l'article L1115-1 du CGCT,",		/* 1 */
		"voir l’article L. 1115-1 pour le principe",	/* 2 */
		"le L.1115-1 et le reste",			/* 3 */
		"Article L 1115-1",				/* 4 */
		"Article L.\xc2\xa0" "1115-1 (espace insécable)", /* 5 */
		"Article L\xe2\x80\xaf" "1115-1 (espace fine)",	/* 6 */
		"seulement l'article L1115-1-1",		/* 7 */
		"l'article LO1114-1 et R. 1115-8",		/* 8 */
		"le numéro 1115-1 seul",			/* 9 */
		NULL
	};
	static const struct t_case cases[] = {
		{ "\"L1115-1\"", "1,2,3,4,5,6" },
		{ "\"L. 1115-1\"", "1,2,3,4,5,6" },
		{ "\"l1115-1\"", "1,2,3,4,5,6" },
		{ "\"L1115-1-1\"", "7" },
		{ "\"LO1114-1\"", "8" },
		{ "\"R1115-8\"", "8" },
		/* An article is one token, not its numbers. */
		{ "\"1115\"", "9" },
		/* A prefix query reaches the sub-articles. */
		{ "\"L1115-1\"*", "1,2,3,4,5,6,7" },
		/* Words next to a reference are still words. */
		{ "\"principe\"", "2" },
		{ "\"insécable\"", "5" },
	};

	(void)state;
	check_rows(docs, cases, nitems(cases));
}

static void
t_prefix(void **state)
{
	const char *const docs[] = {
		"la décentralisation de 1982",
		"une coopération décentralisée",
		"le centre",
		NULL
	};
	static const struct t_case cases[] = {
		{ "\"décentralis\"*", "1,2" },
		{ "\"decentralisation\"*", "1" },
		{ "\"coop\"*", "2" },
		{ "\"cent\"*", "3" },
	};

	(void)state;
	check_rows(docs, cases, nitems(cases));
}

static char *
highlight(sqlite3 *db, const char *match)
{
	sqlite3_stmt	*st;
	char		*out = NULL;

	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?", -1,
	    &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(out);
	return out;
}

static void
t_highlight_offsets(void **state)
{
	const char *const docs[] = {
		"L’Œuvre des collectivités : l'action extérieure, le "
		"ﬁnancement (article L.\xc2\xa0" "1115-1) créée.",
		NULL
	};
	sqlite3	*db = db_open();
	char	*h;

	(void)state;
	load(db, docs);
	h = highlight(db, "\"oeuvre\" OR \"collectivite\" OR \"action\" OR "
	    "\"L1115-1\" OR \"financement\" OR \"creer\" OR \"exterieur\"");
	assert_string_equal(h, "L’[Œuvre] des [collectivités] : l'[action] "
	    "[extérieure], le [ﬁnancement] (article [L.\xc2\xa0" "1115-1]) "
	    "[créée].");
	free(h);
	/* A phrase spanning an elision and a reference. */
	h = highlight(db, "\"article L. 1115-1\"");
	assert_string_equal(h, "L’Œuvre des collectivités : l'action "
	    "extérieure, le ﬁnancement ([article L.\xc2\xa0" "1115-1]) créée.");
	free(h);
	sqlite3_close(db);
}

/* A small fixed-seed generator: the same bytes on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* c, below 0x10000, as UTF-8 into o; its length. */
static size_t
enc(uint32_t c, char *o)
{
	static const unsigned char	 lead[] = { 0, 0, 0xC0, 0xE0 };
	size_t				 n, i;

	n = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
	for (i = n - 1; i > 0; i--, c >>= 6)
		o[i] = (char)(0x80 | (c & 0x3F));
	o[0] = (char)(lead[n] | c);
	return n;
}

static void
fuzz_one(sqlite3 *db, const char *text, size_t len)
{
	sqlite3_stmt	*st;
	size_t		 pos = 0, start, end, last = 0;
	char		 norm[32], *f;

	exec(db, "DELETE FROM t");
	assert_int_equal(sqlite3_prepare_v2(db,
	    "INSERT INTO t(rowid, body) VALUES (1, ?)", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_blob(st, 1, text, (int)len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	/* FTS5 re-tokenizes and compares with what it indexed. */
	exec(db, "INSERT INTO t(t) VALUES ('integrity-check')");
	exec(db, "SELECT highlight(t, 0, '[', ']'), snippet(t, 0, '[', ']', "
	    "'…', 20) FROM t WHERE t MATCH '\"a\" OR \"l1115-1\" OR \"é\"*'");

	while (article_ref_next(text, len, &pos, &start, &end, norm)) {
		assert_true(start >= last && end > start && end <= len);
		assert_true(strlen(norm) < 32);
		last = end;
	}
	f = fr_fold(text, len);
	assert_non_null(f);
	assert_true(strlen(f) <= len);
	free(f);
}

static void
t_random_input(void **state)
{
	const char *const none[] = { NULL };
	static const uint32_t pick[] = {
		'a', 'e', 'L', 'l', 'R', '-', '.', ' ', '\'', '1', '5', 0xE9,
		0x153, 0x2019, 0xA0, 0x202F, 0x301, 0xFB01, 0xC6, 0x3B1,
		0x4E2D, 0xFFFD, 0xAD
	};
	enum { LEN = 10 * 1024 };
	sqlite3		*db = db_open();
	char		*buf = malloc(LEN + 4);
	uint32_t	 seed = 0x5eed1234, c;
	size_t		 n;
	int		 round;

	(void)state;
	assert_non_null(buf);
	load(db, none);
	for (round = 0; round < 4; round++) {
		/* Valid UTF-8, biased towards what the tokenizer treats. */
		for (n = 0; n < LEN;) {
			c = rnd(&seed) % 3 == 0 ? rnd(&seed) % 0xD000 + 1 :
			    pick[rnd(&seed) % (nitems(pick))];
			n += enc(c, buf + n);
		}
		fuzz_one(db, buf, n);
		/* Any bytes at all. */
		for (n = 0; n < LEN; n++)
			buf[n] = (char)(rnd(&seed) & 0xFF);
		fuzz_one(db, buf, n);
	}
	/* Long words are indexed whole, folded. */
	memset(buf, 'a', LEN);
	memcpy(buf, "élan", 5);
	fuzz_one(db, buf, LEN);
	free(buf);
	sqlite3_close(db);
}

static void
t_fold(void **state)
{
	static const struct t_case cases[] = {
		{ "Burkina Faso", "burkina faso" },
		{ "Sénégal", "senegal" },
		{ "Île-de-France", "ile de france" },
		{ "  L’ŒUVRE  d'Ælia !", "l oeuvre d aelia" },
		{ "Cœur, ﬁn, ŒIL", "coeur fin oeil" },
		{ "Łódź Çà Ñ ß", "lodz ca n ss" },
		{ "e\xcc\x81t\xc3\xa9", "ete" },	/* NFD é, then NFC */
		{ "co\xc2\xad" "op\xc3\xa9ration", "cooperation" },
		{ "Côte d\xe2\x80\x99Ivoire\xc2\xa0(CI)", "cote d ivoire ci" },
		{ "2007 — 2012", "2007 2012" },
		{ "", "" },
		{ " ,;. ", "" },
		{ "ab\xff\xfe" "cd", "ab cd" },
		{ "\xc3", "" },			/* truncated */
		{ "ΑΘΗΝΑ Москва", "αθηνα москва" },
	};
	char	*f;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		f = fr_fold(cases[i].in, strlen(cases[i].in));
		if (f == NULL || strcmp(f, cases[i].want) != 0)
			fail_msg("\"%s\" folds to \"%s\", not \"%s\"",
			    cases[i].in, f, cases[i].want);
		free(f);
	}
	/* Only n bytes are read. */
	f = fr_fold("Sénégal et Mali", 9);
	assert_string_equal(f, "senegal");
	free(f);
}

static void
t_fold_sql(void **state)
{
	sqlite3		*db = db_open();
	sqlite3_stmt	*st;

	(void)state;
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT savoir_fold('Île-de-France'), savoir_fold(NULL), "
	    "savoir_fold(42)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(st, 0), "ile de france");
	assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
	assert_string_equal(sqlite3_column_text(st, 2), "42");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A reference article_ref_next() must find in a text, and where. */
static void
t_article_ref_next(void **state)
{
	/* "text|reference" a line, the reference's span in text between
	 * brackets. */
	static const char cases[] =
	    "[L1115-1]|L1115-1\n"
	    "art. [L. 1115-1].|L1115-1\n"
	    "([L.1115-1])|L1115-1\n"
	    "[L 1115-1]|L1115-1\n"
	    "[L.\xc2\xa0" "1115-1]|L1115-1\n"
	    "[L\xe2\x80\xaf" "1115-1]|L1115-1\n"
	    "[l1115-1]|L1115-1\n"
	    "voir [l. 1115-1]|L1115-1\n"
	    /* Sub-articles, organic laws, decrees, orders. */
	    "[L1115-4-2],|L1115-4-2\n"
	    "[LO1114-1]|LO1114-1\n"
	    "[lo 1114-1]|LO1114-1\n"
	    "[R. 1115-8]|R1115-8\n"
	    "[D. 1115-10]|D1115-10\n"
	    "[A. 123-4]|A123-4\n"
	    /* Numbers without a dash; what stands next to a reference. */
	    "la série [L. 1114]|L1114\n"
	    "[A380]|A380\n"
	    "ex-[L1114-1]|L1114-1\n"
	    "[L1115-1]-|L1115-1\n";
	/* Not references. */
	static const char *const none[] = {
		"CL1115-1",	/* preceded by a letter */
		"éL1115-1",
		"3L1115-1",
		"L1115-1a",	/* followed by a letter */
		"L1115-1é",
		"L11",		/* fewer than 3 digits */
		"L. 11-5",
		"L  1115-1",	/* two spaces */
		"L..1115",
		"il y a 1000-1500 projets",
		"d 1000-2",
		"X1115-1",
		"LOL1115",
		"L12345678901234567890123456789012345-1",
		"",
	};
	const char		*s, *p, *nl, *bar;
	size_t			 i, pos, start, end, wstart, wend;
	char			 norm[32], in[64], want[32];

	(void)state;
	for (p = cases; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		/* in: the text without its brackets, which say the span. */
		bar = memchr(p, '|', (size_t)(nl - p));
		assert_non_null(bar);
		for (i = 0, wstart = wend = 0; p < bar; p++) {
			if (*p == '[')
				wstart = i;
			else if (*p == ']')
				wend = i;
			else
				in[i++] = *p;
		}
		in[i] = '\0';
		snprintf(want, sizeof want, "%.*s", (int)(nl - bar - 1),
		    bar + 1);
		pos = start = end = 0;
		norm[0] = '\0';
		if (!article_ref_next(in, strlen(in), &pos, &start, &end,
		    norm) || strcmp(norm, want) != 0 || start != wstart ||
		    end != wend)
			fail_msg("%s: found \"%s\" at %zu-%zu, not %s at %zu-%zu",
			    in, norm, start, end, want, wstart, wend);
	}
	for (i = 0; i < nitems(none); i++) {
		pos = 0;
		if (article_ref_next(none[i], strlen(none[i]), &pos, &start,
		    &end, norm))
			fail_msg("%s: found %s", none[i], norm);
	}

	/* Successive references, and only len bytes are read. */
	s = "articles L1115-4, L. 1115-5 et R1115-8-1 ; L9999-9";
	pos = 0;
	assert_true(article_ref_next(s, strlen(s), &pos, &start, &end, norm));
	assert_string_equal(norm, "L1115-4");
	assert_true(article_ref_next(s, strlen(s), &pos, &start, &end, norm));
	assert_string_equal(norm, "L1115-5");
	assert_true(article_ref_next(s, strlen(s) - 10, &pos, &start, &end,
	    norm));
	assert_string_equal(norm, "R1115-8-1");
	assert_false(article_ref_next(s, strlen(s) - 10, &pos, &start, &end,
	    norm));
	/* Truncated inside the number: "L9" is not enough. */
	pos = 0;
	assert_false(article_ref_next(s + strlen(s) - 7, 2, &pos, &start, &end,
	    norm));
}

static void
t_stopwords(void **state)
{
	static const char *const yes[] = {
		"le", "la", "les", "de", "des", "du", "et", "en", "un", "une",
		"au", "aux", "a", "est", "que", "qui", "dans", "pour", "par",
		"sur", "l", "d", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
		"meme", "ete", "y", "vous", "avec", "ce", "etaient",
		/* the words of a question, not of its subject */
		"quel", "quelle", "quels", "comment", "pourquoi", "combien",
		"peut", "faut", "doit", "faire"
	};
	static const char *const no[] = {
		"", "collectivite", "action", "loi", "l1115-1", "aa", "zz",
		"lee", "lesx", "d ", "ave", "mem", "cooperation", "france"
	};
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(yes); i++)
		assert_true(fr_is_stopword(yes[i], strlen(yes[i])));
	for (i = 0; i < nitems(no); i++)
		assert_false(fr_is_stopword(no[i], strlen(no[i])));
	/* Length-bounded: "comment" is seven letters of "commentaire". */
	assert_true(fr_is_stopword("commentaire", 7));
	assert_false(fr_is_stopword("commentaire", 11));
}

static void
t_extension(void **state)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*path, *err = NULL;

	(void)state;
	if (asprintf(&path, "%s/.libs/savoir_fr", t_builddir()) == -1)
		abort();
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_enable_load_extension(db, 1), SQLITE_OK);
	/* No entry point given: SQLite must derive it from the name. */
	if (sqlite3_load_extension(db, path, NULL, &err) != SQLITE_OK)
		fail_msg("load %s: %s", path, err);
	exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='savoir_fr');"
	    "INSERT INTO t VALUES ('l’œuvre des collectivités, article "
	    "L. 1115-1')");
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), "
	    "savoir_fold('Île-de-France') FROM t WHERE t MATCH "
	    "'\"oeuvre\" \"collectivite\" \"L1115-1\"'", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_string_equal(sqlite3_column_text(st, 1), "ile de france");
	sqlite3_finalize(st);
	/* savoir_fr takes no option: a typo is an error, not a surprise. */
	assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING "
	    "fts5(b, tokenize='savoir_fr remove_diacritics 0')", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_finds),
		cmocka_unit_test(t_article_refs),
		cmocka_unit_test(t_prefix),
		cmocka_unit_test(t_highlight_offsets),
		cmocka_unit_test(t_random_input),
		cmocka_unit_test(t_fold),
		cmocka_unit_test(t_fold_sql),
		cmocka_unit_test(t_stopwords),
		cmocka_unit_test(t_article_ref_next),
		cmocka_unit_test(t_extension),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
