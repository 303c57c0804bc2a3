/*
 * test_cite.c - citations of legal articles in running text: which
 * documents a sentence links to, as the store will record them.
 */
#include "config.h"

#include "testutil.h"

#include "index.h"

struct got {
	char	buf[1024];
	size_t	len;
};

static void
collect(const char *target, const char *label, void *arg)
{
	struct got	*g = arg;
	int		 n;

	n = snprintf(g->buf + g->len, sizeof g->buf - g->len, "%s%s=%s",
	    g->len ? " | " : "", target, label);
	assert_true(n > 0 && (size_t)n < sizeof g->buf - g->len);
	g->len += n;
}

/* Every label must be one whole reference, and the target name it. */
static void
check(const char *target, const char *label, void *arg)
{
	size_t	 pos = 0, start, end;
	char	 norm[32];
	int	*count = arg;

	assert_true(article_ref_next(label, strlen(label), &pos, &start, &end,
	    norm));
	assert_int_equal(start, 0);
	assert_int_equal(end, strlen(label));
	assert_non_null(strchr(norm, '-'));
	assert_string_equal(strchr(target, '/') + 1, norm);
	(*count)++;
}

/* "target=label | ..." for text, default code "cgct". */
static const char *
scan(const char *text)
{
	static struct got	g;

	memset(&g, 0, sizeof g);
	cite_scan(text, strlen(text), "cgct", collect, &g);
	return g.buf;
}

/* 0 if scan(in) gives want, else 1 once the failure is reported. */
static int
scan_fails(const char *in, const char *want)
{
	const char	*got;

	if (strcmp(got = scan(in), want) == 0)
		return 0;
	print_error("\"%s\" links \"%s\", not \"%s\"\n", in, got, want);
	return 1;
}

/*
 * Scan every case (in: text; want: what scan() gives), report each that
 * fails, then fail if any did.
 */
static void
check_scans(const struct t_case *cases, size_t n)
{
	size_t	 i;
	int	 failed = 0;

	for (i = 0; i < n; i++)
		failed += scan_fails(cases[i].in, cases[i].want);
	assert_int_equal(failed, 0);
}

/* The same for texts, one a line, none of which links anything. */
static void
check_none(const char *texts)
{
	const char	*p, *nl;
	char		 in[256];
	int		 failed = 0;

	for (p = texts; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(in, sizeof in, "%.*s", (int)(nl - p), p);
		failed += scan_fails(in, "");
	}
	assert_int_equal(failed, 0);
}

static void
t_codes(void **state)
{
	static const struct t_case cases[] = {
		{ "Selon l'article L1115-1 du CGCT, les collectivités...",
		    "cgct/L1115-1=L1115-1" },
		{ "l'article L. 1115-1 du code général des "
		    "collectivités territoriales", "cgct/L1115-1=L. 1115-1" },
		{ "l’article L. 1221-1 du Code du travail",
		    "ct/L1221-1=L. 1221-1" },
		{ "l'article L110-1 du code de l’environnement",
		    "cenv/L110-1=L110-1" },
		{ "l'article L110-1 du code de l'environnement",
		    "cenv/L110-1=L110-1" },
		{ "(art. L1115-4-2 du C.G.C.T.)", "cgct/L1115-4-2=L1115-4-2" },
		/* No code named: the default one. */
		{ "voir L1115-4-2.", "cgct/L1115-4-2=L1115-4-2" },
		{ "l'article R. 1115-8 du code", "cgct/R1115-8=R. 1115-8" },
		/* A code we cannot name is not linked to the default one. */
		{ "l'article L. 121-1 du code civil", "" },
		/* "du même code" names the code cited before. */
		{ "l'article L1221-1 du code du travail et "
		    "l'article L1221-2 du même code",
		    "ct/L1221-1=L1221-1 | ct/L1221-2=L1221-2" },
		{ "l'article L. 121-1 du code civil et "
		    "l'article L. 121-2 du même code", "" },
		/* As written, no-break spaces included. */
		{ "l’article L.\xc2\xa0" "1115-1",
		    "cgct/L1115-1=L.\xc2\xa0" "1115-1" },
	};

	(void)state;
	check_scans(cases, nitems(cases));
}

static void
t_old_numbering(void **state)
{
	static const struct t_case cases[] = {
		/* Old numbering next to a current one. */
		{ "l'ancien article L1114-1, devenu l'article L1115-1",
		    "cgct/L1115-1=L1115-1" },
		{ "ex-L1114-1 et L1115-1", "cgct/L1115-1=L1115-1" },
		/* "ex" only as a word: "index" is not "ex". */
		{ "voir l'index L1115-1", "cgct/L1115-1=L1115-1" },
		{ "un article ancien, L1115-1", "cgct/L1115-1=L1115-1" },
	};
	/* Old numbering alone links nothing. */
	static const char none[] =
	    "l'ancien article L1114-1 du CGCT\n"
	    "l’Ancien article L. 1114-1\n"
	    "ancien art. L1114-1\n"
	    "les anciens articles L1114-1 et L1114-2\n"
	    "l'article ex-L1114-1\n"
	    "l'article ex L1114-1\n"
	    "(Ex-L1114-1)\n";

	(void)state;
	check_scans(cases, nitems(cases));
	check_none(none);
}

static void
t_lists(void **state)
{
	static const struct t_case cases[] = {
		{ "les articles L1115-4 et L1115-5",
		    "cgct/L1115-4=L1115-4 | cgct/L1115-5=L1115-5" },
		{ "articles L1115-4, L1115-4-1 ou L. 1115-5 du code du travail",
		    "ct/L1115-4=L1115-4 | ct/L1115-4-1=L1115-4-1 "
		    "| ct/L1115-5=L. 1115-5" },
		{ "L1115-1 du CGCT et L1221-1 du code du travail",
		    "cgct/L1115-1=L1115-1 | ct/L1221-1=L1221-1" },
		/* A sentence ends a list. */
		{ "Voir L1115-1. L1221-1 du code du travail.",
		    "cgct/L1115-1=L1115-1 | ct/L1221-1=L1221-1" },
	};

	(void)state;
	check_scans(cases, nitems(cases));
}

static void
t_not_citations(void **state)
{
	static const char none[] =
	    "la série L. 1114 du code\n"
	    "l'Airbus A380 et la loi n° 92-125\n"
	    "il y a 1000-1500 projets\n"
	    "CL1115-1 et L1115-1a\n"
	    /* Web addresses and lower-case slugs are not citations. */
	    "https://example.fr/article-l1115-5-of-the-code/\n"
	    "voir https://x.fr/?art=L1115-1 ici\n"
	    "la l1115-1 en minuscules\n"
	    "\n";	/* nor is an empty text */

	(void)state;
	check_none(none);
	/* Between parentheses, a reference still is one. */
	assert_int_equal(scan_fails("(L1115-1)", "cgct/L1115-1=L1115-1"), 0);
}

static void
t_bounds(void **state)
{
	struct got	 g;
	const char	*s = "l'article L1115-1 du code du travail";

	(void)state;
	/* Only len bytes are read: the code is cut off, so the default. */
	memset(&g, 0, sizeof g);
	cite_scan(s, strlen("l'article L1115-1 du code"), "cgct", collect, &g);
	assert_string_equal(g.buf, "cgct/L1115-1=L1115-1");
	/* Another default code. */
	memset(&g, 0, sizeof g);
	cite_scan(s, strlen("l'article L1115-1"), "ct", collect, &g);
	assert_string_equal(g.buf, "ct/L1115-1=L1115-1");
	/* Random words and bytes: no crash, every label a reference. */
	{
		static const char *const words[] = {
			"L1115-1", "L. 1115-4-2", "l1115-1", "ex-", "ex",
			"ancien", "article", "articles", "du", "CGCT", "code",
			"travail", "même", "et", ",", ".", " ", " ", " ",
			"\xc2\xa0", "’", "L", "-", "1115", "é", "\xff"
		};
		char		 buf[8192];
		uint32_t	 x = 42;
		size_t		 n = 0, w;
		int		 count = 0;

		while (n + 16 < sizeof buf) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			w = x % (nitems(words));
			memcpy(buf + n, words[w], strlen(words[w]));
			n += strlen(words[w]);
		}
		cite_scan(buf, n, "cgct", check, &count);
		assert_true(count > 10);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_codes),
		cmocka_unit_test(t_old_numbering),
		cmocka_unit_test(t_lists),
		cmocka_unit_test(t_not_citations),
		cmocka_unit_test(t_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
