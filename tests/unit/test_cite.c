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

static void
t_codes(void **state)
{
	(void)state;
	assert_string_equal(scan("Selon l'article L1115-1 du CGCT, les "
	    "collectivités..."), "cgct/L1115-1=L1115-1");
	assert_string_equal(scan("l'article L. 1115-1 du code général des "
	    "collectivités territoriales"), "cgct/L1115-1=L. 1115-1");
	assert_string_equal(scan("l’article L. 1221-1 du Code du travail"),
	    "ct/L1221-1=L. 1221-1");
	assert_string_equal(scan("l'article L110-1 du code de "
	    "l’environnement"), "cenv/L110-1=L110-1");
	assert_string_equal(scan("l'article L110-1 du code de "
	    "l'environnement"), "cenv/L110-1=L110-1");
	assert_string_equal(scan("(art. L1115-4-2 du C.G.C.T.)"),
	    "cgct/L1115-4-2=L1115-4-2");
	/* No code named: the default one. */
	assert_string_equal(scan("voir L1115-4-2."),
	    "cgct/L1115-4-2=L1115-4-2");
	assert_string_equal(scan("l'article R. 1115-8 du code"),
	    "cgct/R1115-8=R. 1115-8");
	/* A code we cannot name is not linked to the default one. */
	assert_string_equal(scan("l'article L. 121-1 du code civil"), "");
	/* "du même code" names the code cited before. */
	assert_string_equal(scan("l'article L1221-1 du code du travail et "
	    "l'article L1221-2 du même code"),
	    "ct/L1221-1=L1221-1 | ct/L1221-2=L1221-2");
	assert_string_equal(scan("l'article L. 121-1 du code civil et "
	    "l'article L. 121-2 du même code"), "");
	/* As written, no-break spaces included. */
	assert_string_equal(scan("l’article L.\xc2\xa0" "1115-1"),
	    "cgct/L1115-1=L.\xc2\xa0" "1115-1");
}

static void
t_old_numbering(void **state)
{
	(void)state;
	assert_string_equal(scan("l'ancien article L1114-1 du CGCT"), "");
	assert_string_equal(scan("l’Ancien article L. 1114-1"), "");
	assert_string_equal(scan("ancien art. L1114-1"), "");
	assert_string_equal(scan("les anciens articles L1114-1 et L1114-2"),
	    "");
	assert_string_equal(scan("l'article ex-L1114-1"), "");
	assert_string_equal(scan("l'article ex L1114-1"), "");
	assert_string_equal(scan("(Ex-L1114-1)"), "");
	/* Old numbering next to a current one. */
	assert_string_equal(scan("l'ancien article L1114-1, devenu l'article "
	    "L1115-1"), "cgct/L1115-1=L1115-1");
	assert_string_equal(scan("ex-L1114-1 et L1115-1"),
	    "cgct/L1115-1=L1115-1");
	/* "ex" only as a word: "index" is not "ex". */
	assert_string_equal(scan("voir l'index L1115-1"),
	    "cgct/L1115-1=L1115-1");
	assert_string_equal(scan("un article ancien, L1115-1"),
	    "cgct/L1115-1=L1115-1");
}

static void
t_lists(void **state)
{
	(void)state;
	assert_string_equal(scan("les articles L1115-4 et L1115-5"),
	    "cgct/L1115-4=L1115-4 | cgct/L1115-5=L1115-5");
	assert_string_equal(scan("articles L1115-4, L1115-4-1 ou L. 1115-5 du "
	    "code du travail"), "ct/L1115-4=L1115-4 | ct/L1115-4-1=L1115-4-1 "
	    "| ct/L1115-5=L. 1115-5");
	assert_string_equal(scan("L1115-1 du CGCT et L1221-1 du code du "
	    "travail"), "cgct/L1115-1=L1115-1 | ct/L1221-1=L1221-1");
	/* A sentence ends a list. */
	assert_string_equal(scan("Voir L1115-1. L1221-1 du code du travail."),
	    "cgct/L1115-1=L1115-1 | ct/L1221-1=L1221-1");
}

static void
t_not_citations(void **state)
{
	(void)state;
	assert_string_equal(scan("la série L. 1114 du code"), "");
	assert_string_equal(scan("l'Airbus A380 et la loi n° 92-125"), "");
	assert_string_equal(scan("il y a 1000-1500 projets"), "");
	assert_string_equal(scan("CL1115-1 et L1115-1a"), "");
	/* Web addresses and lower-case slugs are not citations. */
	assert_string_equal(scan("https://example.fr/article-l1115-5-of-the-"
	    "code/"), "");
	assert_string_equal(scan("voir https://x.fr/?art=L1115-1 ici"), "");
	assert_string_equal(scan("la l1115-1 en minuscules"), "");
	assert_string_equal(scan("(L1115-1)"), "cgct/L1115-1=L1115-1");
	assert_string_equal(scan(""), "");
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
