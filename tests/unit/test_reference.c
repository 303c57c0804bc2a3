/*
 * test_reference.c - references to laws, decrees, ordinances and
 * decisions (reference.c): every written form gives the same key, and
 * what is not a reference (a date alone, an amount, a phone number, a
 * law named by its author) gives none.
 */
#include "config.h"

#include "testutil.h"

#include "savoir.h"

/* The keys found in text, "key|key2" each, joined by " ; ". */
static char *
keys(const char *text)
{
	struct textref	 r;
	struct buf	 b;
	size_t		 pos = 0;

	buf_init(&b);
	while (textref_next(text, strlen(text), &pos, &r)) {
		if (b.len > 0)
			buf_adds(&b, " ; ");
		buf_adds(&b, r.key);
		if (r.key2[0] != '\0')
			buf_printf(&b, "|%s", r.key2);
	}
	return buf_steal(&b);
}

static void
t_forms(void **state)
{
	static const struct {
		const char	*text, *want;
	} cases[] = {
		{ "loi n° 2014-773", "loi/2014-773" },
		{ "la loi 2014-773 a réécrit", "loi/2014-773" },
		{ "Loi no 2014-773", "loi/2014-773" },
		{ "LOI N° 2014-773", "loi/2014-773" },
		{ "loi n°2014-773", "loi/2014-773" },
		{ "loi n\xc2\xa0\xc2\xb0\xc2\xa0" "2014-773", "" },
		{ "loi nº 2014\xe2\x80\x93" "773", "loi/2014-773" },
		{ "loi numéro 2014-773", "loi/2014-773" },
		{ "loi n° 2014-773 du 7 juillet 2014",
		    "loi/2014-773|loi/2014-07-07" },
		{ "la loi du 7 juillet 2014 relative à", "loi/2014-07-07" },
		{ "loi du 1er août 2021", "loi/2021-08-01" },
		{ "loi d'orientation n° 92-125 du 6 février 1992",
		    "loi/92-125|loi/1992-02-06" },
		{ "loi organique n° 2001-692", "loi/2001-692" },
		{ "décret n° 2016-1403", "decret/2016-1403" },
		{ "Decret n° 2016-1403 du 20 octobre 2016",
		    "decret/2016-1403|decret/2016-10-20" },
		{ "ordonnance n° 2015-1341", "ordonnance/2015-1341" },
		{ "CE, 13 mai 2024, n° 478713", "ce/478713|ce/2024-05-13" },
		{ "Conseil d'État, 17 février 2016, Région Rhône-Alpes, "
		    "n° 368342, publié", "ce/368342|ce/2016-02-17" },
		{ "Conseil d’Etat, 13 mai 2024, n° 472155",
		    "ce/472155|ce/2024-05-13" },
		{ "Conseil d'État, 28 juillet 1995, Commune de Villeneuve",
		    "ce/1995-07-28" },
		{ "les lois n° 2007-147 et la loi n° 2014-773",
		    "loi/2014-773" },
		{ "loi n° 2005-95 ; décret n° 2016-1403.",
		    "loi/2005-95 ; decret/2016-1403" },
	};
	size_t	 i;
	char	*got;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = keys(cases[i].text);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"",
			    cases[i].text, got, cases[i].want);
		free(got);
	}
}

static void
t_not_references(void **state)
{
	static const char *const texts[] = {
		"le 7 juillet 2014, la commune",
		"appelez le 01 23 45 67 89 ou le 01-23",
		"une subvention de 2 000 € et 1 % des recettes",
		"la loi Thiollière et la loi Oudin-Santini",
		"lois 2014-773",
		"loi n° 2014",
		"loi n° 2014-773-12",
		"loi n° 20145-773",
		"la loi du 35 juillet 2014",
		"la loi du 7 brumaire 2014",
		"CEDEAO, 13 mai 2024, n° 478713",
		"CE. Plus loin, le 13 mai 2024, n° 478713",
		"CE, n° 12",
		"alloi n° 2014-773",
		"",
	};
	size_t	 i;
	char	*got;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		got = keys(texts[i]);
		if (*got != '\0')
			fail_msg("\"%s\": got \"%s\", want nothing", texts[i],
			    got);
		free(got);
	}
}

static void
t_offsets(void **state)
{
	const char	*t = "Voir la loi n° 2014-773 du 7 juillet 2014, puis.";
	struct textref	 r;
	size_t		 pos = 0;

	(void)state;
	assert_int_equal(textref_next(t, strlen(t), &pos, &r), 1);
	assert_int_equal(r.start, 8);
	assert_memory_equal(t + r.start, "loi n° 2014-773 du 7 juillet 2014",
	    r.end - r.start);
	assert_int_equal(r.end - r.start,
	    strlen("loi n° 2014-773 du 7 juillet 2014"));
	assert_int_equal(pos, r.end);
	assert_int_equal(textref_next(t, strlen(t), &pos, &r), 0);
	/* Text cut in the middle of a reference. */
	pos = 0;
	assert_int_equal(textref_next(t, 20, &pos, &r), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_forms),
		cmocka_unit_test(t_not_references),
		cmocka_unit_test(t_offsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
