/*
 * test_legi.c - the legi plugin, loaded with dlopen from $SAVOIR_PLUGINS as
 * the host would, driven through the shared fake host of
 * tests/unit/fakehost.c, which records what it emits (documents, columns,
 * facets, links, metadata, HTML, warnings, errors) and counts every misuse
 * of the ABI.  It does not use the host's extractor: what is tested is the
 * plugin alone, on small LEGI code trees written for the purpose
 * (tests/data) or built in memory.
 */
#include "config.h"

#include "../../../tests/unit/testutil.h"
#include "../../../tests/unit/fakehost.h"

static int
setup(void **st)
{
	(void)st;
	fakehost_id_prefix = "legi/code";
	return fakehost_load("legi", "legi");
}

static int
run_str(struct savoir_sink *s, const char *json, uint32_t flags)
{
	return run_mem(s, "legi/code.json", json, strlen(json), flags);
}

/* Run mini-code.json (its 10 articles in force); its article id. */
static const struct xdoc *
mini_doc(struct savoir_sink *s, const char *id)
{
	run_ok(s, "mini-code.json", 0, 10, -1);
	return must_doc(s, id);
}

static const char *
body(const struct xdoc *d)
{
	return d->text[SAVOIR_COL_BODY].data != NULL ?
	    d->text[SAVOIR_COL_BODY].data : "";
}

static void
t_descriptor(void **st)
{
	(void)st;
	expect_descriptor("legi", ".json", NULL);
	assert_non_null(plugin->probe);
	/* Not "article": the legal plugin declares it, and the host
	 * refuses a second plugin declaring the same type. */
	expect_one_type("article-officiel", "Article (texte officiel)",
	    "Articles (textes officiels)", "code=Code (keyword); "
	    "article=Article (text); section=Section (keyword); etat=État "
	    "(keyword); annee=Année (year)");
}

static void
t_probe(void **st)
{
	struct buf	 b;
	size_t		 i;

	(void)st;
	assert_int_equal(probe_file("mini-code.json", NULL), 90);
	assert_int_equal(probe_file("unknown-code.json", NULL), 90);
	/* Broken further down, but ours: extract says where it breaks. */
	assert_int_equal(probe_file("malformed.json", NULL), 90);
	assert_int_equal(probe_file("not-legi.json", NULL), 0);
	assert_int_equal(probe_mem("x.json", "", 0), 0);
	assert_int_equal(probe_mem("x.json", "[{\"type\": \"code\"}]", 18), 0);
	assert_int_equal(probe_mem("x.json", "\xEF\xBB\xBF {\"data\": {\"id\": "
	    "\"LEGITEXT1\"}, \"type\" :\n\"code\", \"children\": []}", 64),
	    90);
	/* A section at the top is not a code. */
	assert_int_equal(probe_mem("x.json",
	    "{\"data\": {\"id\": \"LEGISCTA1\"}, "
	    "\"type\": \"section\", \"children\": []}", 67), 0);

	/* "type": "code" written after 100 KB of children: found at the
	 * end, since the probe does not read the whole head. */
	buf_init(&b);
	buf_adds(&b, "{\"data\": {\"id\": \"LEGITEXT000006072050\"}, "
	    "\"children\": [");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "%s{\"type\": \"article\", \"data\": {}}",
		    i > 0 ? ", " : "");
	buf_adds(&b, "], \"type\": \"code\"}");
	assert_true(b.len > 100000);
	assert_int_equal(probe_mem("x.json", b.data, b.len), 90);
	buf_free(&b);
}

static void
t_articles(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	const char		*b, *h;

	/* In force: L1234-1, -2, -4 (repeal deferred), -9; R*1234-7,
	 * D1234-8, three annexes.  Coming: L1234-5.  Not: -3 (repealed),
	 * -6 (version ended), the old L1234-9. */
	run_ok(s, "mini-code.json", 0, 10, -1);
	assert_null(doc(s, "ct/L1234-3"));
	assert_null(doc(s, "ct/L1234-6"));
	assert_null(doc(s, "ct/L1234-9-LEGIARTI000006901118"));

	d = must_doc(s, "ct/L1234-1");
	expect_doc(d, NULL, "article-officiel",
	    "Article L1234-1 du Code du travail");
	/* The short name in capitals, like the legal plugin's "CGCT": the
	 * host folds it to name the code of citations. */
	assert_string_equal(facet(d, "code", 0), "CT");
	assert_null(facet(d, "code", 1));
	assert_string_equal(facet(d, "article", 0), "L1234-1");
	assert_string_equal(facet(d, "section", 0), "Partie législative > "
	    "Première partie : Les relations individuelles de travail > "
	    "Livre II : Le contrat de travail");
	assert_string_equal(facet(d, "etat", 0), "en vigueur");
	assert_string_equal(facet(d, "annee", 0), "2008");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Titre III : Rupture du contrat de travail à durée "
	    "indéterminée\nChapitre IV : Conséquences du licenciement\n"
	    "Section 1 : Préavis et indemnité de préavis");

	assert_string_equal(meta(d, "code", "Code"), "Code du travail");
	assert_string_equal(meta(d, "chemin", "Emplacement"),
	    "Partie législative > Première partie : Les relations "
	    "individuelles de travail > Livre II : Le contrat de travail > "
	    "Titre III : Rupture du contrat de travail à durée indéterminée > "
	    "Chapitre IV : Conséquences du licenciement > Section 1 : "
	    "Préavis et indemnité de préavis");
	assert_string_equal(meta(d, "nature", "Nature"), "texte officiel");
	assert_string_equal(meta(d, "version", "Version"),
	    "depuis le 1er mai 2008");
	assert_string_equal(meta(d, "etat", "État"), "en vigueur");
	/* The text that created it; not the one it is cited by. */
	assert_string_equal(meta(d, "modification", "Créé par"),
	    "LOI n°2008-67 du 21 janvier 2008 - art. 3");
	assert_int_equal(nmeta(d, "modification"), 1);
	assert_string_equal(meta(d, "legi", "Identifiant LEGI"),
	    "LEGIARTI000006901112");
	assert_string_equal(meta(d, "url", "Légifrance"),
	    "https://www.legifrance.gouv.fr/codes/article_lc/"
	    "LEGIARTI000006901112");
	assert_string_equal(meta(d, "source", "Source"), "Légifrance, base "
	    "LEGI (DILA), version du code du 27 mars 2026");

	/* Plain text: entities decoded, one line per paragraph or break. */
	b = body(d);
	expect_in(b, "le licenciement n’est pas motivé par une faute grave, "
	    "le salarié a droit\xC2\xA0:\n1° S'il justifie",
	    "la convention & l'accord (durée < 6 mois) ;\n2° Les dispositions "
	    "de l'article L. 1234-2 et de l'article L. 311-6 du code", NULL);
	/* The note is only empty paragraphs: no "NOTA". */
	expect_not_in(b, "<"  "p>", "&amp;", "  ", "NOTA", NULL);

	/* HTML: rebuilt, escaped; Légifrance's links point here when the
	 * article is of this code, to Légifrance for another known code. */
	h = d->html;
	expect_in(h, "<p class=\"ref\">Article L1234-1 du Code du travail</p>",
	    "la convention &amp; l&#39;accord (durée &lt; 6 mois)",
	    "<a href=\"/doc/ct/L1234-2\" class=\"cite\">L. 1234-2</a>",
	    "<a href=\"https://www.legifrance.gouv.fr/codes/article_lc/"
	    "LEGIARTI000031367716\" class=\"cite\">L. 311-6</a>", "<br>",
	    NULL);
	expect_not_in(h, "affichCodeArticle", "title=", "nota", NULL);
}

/* The article id's state: its etat facet, the État it shows and, unless
 * NULL, its Version. */
static void
expect_state(const struct savoir_sink *s, const char *id, const char *etat,
    const char *shown, const char *version)
{
	const struct xdoc	*d = must_doc(s, id);

	assert_string_equal(facet(d, "etat", 0), etat);
	assert_string_equal(meta(d, "etat", "État"), shown);
	if (version != NULL)
		assert_string_equal(meta(d, "version", "Version"), version);
}

static void
t_states(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	run_ok(s, "mini-code.json", 0, 10, -1);
	/* ABROGE_DIFF: still in force on the code's date (27 March 2026). */
	expect_state(s, "ct/L1234-4", "en vigueur", "en vigueur (abrogation "
	    "différée au 1er mars 2029)",
	    "du 1er janvier 2020 au 1er mars 2029");
	/* VIGUEUR_DIFF from 2027: shown, and said to be coming. */
	expect_state(s, "ct/L1234-5", "en vigueur différée",
	    "en vigueur à compter du 1er janvier 2027", NULL);
	d = must_doc(s, "ct/L1234-5");
	assert_non_null(strstr(d->html, "<p class=\"etat\"><strong>En "
	    "vigueur à compter du 1er janvier 2027</strong></p>"));
	assert_string_equal(facet(d, "annee", 0), "2027");
	/* The L1234-9 in force has the plain id; the repealed one is not
	 * indexed at all, so there is nothing to warn about. */
	d = must_doc(s, "ct/L1234-9");
	assert_non_null(strstr(body(d), "indemnité de licenciement"));
	assert_false(has_warning_with(s, "L1234-9", NULL));
}

static void
t_with_repealed(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	run_ok(s, "mini-code.json", SAVOIR_INPUT_WITH_REPEALED, 13, -1);

	expect_state(s, "ct/L1234-3", "abrogé",
	    "abrogé depuis le 24 septembre 2017",
	    "du 1er mai 2008 au 24 septembre 2017");
	d = must_doc(s, "ct/L1234-3");
	assert_non_null(strstr(d->html, "<p class=\"etat\"><strong>Abrogé "
	    "depuis le 24 septembre 2017</strong></p>"));
	assert_non_null(strstr(body(d), "Texte abrogé"));

	/* A version that ended (MODIFIE) is not in force either. */
	expect_state(s, "ct/L1234-6", "abrogé", "version modifiée, plus en "
	    "vigueur depuis le 1er janvier 2020", NULL);

	/* Two L1234-9: the one in force keeps the plain id even though the
	 * repealed one comes first in the file. */
	d = must_doc(s, "ct/L1234-9");
	assert_string_equal(facet(d, "etat", 0), "en vigueur");
	d = must_doc(s, "ct/L1234-9-LEGIARTI000006901118");
	assert_string_equal(facet(d, "etat", 0), "abrogé");
	assert_string_equal(facet(d, "article", 0), "L1234-9");
	assert_string_equal(facet(d, "annee", 0), "1973");
	assert_true(has_warning_with(s, "article L1234-9 (LEGIARTI000006901118",
	    "same number as article LEGIARTI000036262153: its id is "
	    "\"ct/L1234-9-LEGIARTI000006901118\""));
}

static void
t_html_cleaned(void **st)
{
	struct savoir_sink	*s = *st;
	/* "R*1234-7": the star is not part of the id nor of the title, so
	 * that "R1234-7" finds it; the page still shows it. */
	const struct xdoc	*d = mini_doc(s, "ct/R1234-7");
	const char		*h;
	char			*clean;

	expect_doc(d, NULL, NULL, "Article R1234-7 du Code du travail");
	assert_string_equal(facet(d, "article", 0), "R1234-7");
	assert_string_equal(facet(d, "section", 0), "Partie réglementaire > "
	    "Première partie : Les relations individuelles de travail");
	assert_string_equal(d->text[SAVOIR_COL_HEADINGS].data,
	    "Partie réglementaire\nPremière partie : Les relations "
	    "individuelles de travail");
	/* A version whose dates are strings. */
	assert_string_equal(meta(d, "version", "Version"),
	    "depuis le 1er mai 2008");
	h = d->html;
	expect_in(h, "<p class=\"ref\">Article R*1234-7 du Code du travail</p>",
	    "<p>Un décret précise <b>les</b> modalités.</p>",
	    "<td colspan=\"2\">Durée</td><td>Préavis</td>", NULL);
	expect_not_in(h, "script", "alert", "color", "onclick", "onmouseover",
	    "steal", "rowspan", "img", "evil", "cadre", NULL);
	assert_string_equal(body(d), "Un décret précise les modalités.\n"
	    "Durée Préavis");
	/* The host's sanitizer keeps what the plugin wrote. */
	clean = html_sanitize(h, strlen(h), "ct");
	assert_non_null(strstr(clean, "<td colspan=\"2\">Durée</td>"));
	free(clean);

	/* The older form: HTML in "texte", a number with blanks around it,
	 * a date before 1970. */
	d = must_doc(s, "ct/D1234-8");
	expect_doc(d, NULL, NULL, "Article D1234-8 du Code du travail");
	assert_string_equal(facet(d, "article", 0), "D1234-8");
	assert_string_equal(body(d), "Texte ancien écrit en HTML dans le "
	    "champ texte.");
	assert_non_null(strstr(d->html, "<i>texte</i>"));
	assert_string_equal(facet(d, "annee", 0), "1965");
	assert_string_equal(meta(d, "version", "Version"),
	    "depuis le 1er juillet 1965");
}

static void
t_nota(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = mini_doc(s, "ct/L1234-2");
	assert_string_equal(body(d), "Toute clause d'un contrat de travail "
	    "fixant un préavis d'une durée inférieure à celui résultant des "
	    "dispositions de l'article L. 1234-1 est nulle.\nNOTA :\nSe "
	    "reporter aux conditions d'application prévues à l'article 14 de "
	    "la loi n° 2021-1774 du 24 décembre 2021.");
	assert_non_null(strstr(d->html, "<div class=\"nota\">\n<p><strong>"
	    "Nota</strong></p>\n<p>Se reporter"));
}

static void
t_annexes(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	d = mini_doc(s, "ct/Annexe-I");
	expect_doc(d, NULL, NULL, "Annexe I du Code du travail");
	assert_string_equal(body(d), "Première annexe.");
	assert_string_equal(facet(d, "article", 0), "Annexe I");
	/* Same number: an id that stays when the file is published again. */
	d = must_doc(s, "ct/Annexe-I-LEGIARTI000018525313");
	assert_string_equal(body(d), "Seconde annexe portant le même "
	    "numéro.");
	assert_true(has_warning_with(s,
	    "article Annexe I (LEGIARTI000018525313, "
	    "in Partie réglementaire > Première partie : Les relations "
	    "individuelles de travail > Annexes) has the same number as "
	    "article LEGIARTI000018525312", NULL));
	/* Words and accents in a number: an id without blanks. */
	d = must_doc(s, "ct/Annexe-II-a-l-article-R4312-6");
	expect_doc(d, NULL, NULL,
	    "Annexe II à l'article R4312-6 du Code du travail");
	assert_string_equal(body(d), "");
	assert_true(has_warning_with(s, "article Annexe II à l'article R4312-6 "
	    "(LEGIARTI000018525314", "has no text"));
}

struct cites {
	char	*v[16];
	size_t	 n;
};

static void
cite_cb(const char *target, const char *label, void *arg)
{
	struct cites	*c = arg;

	(void)label;
	if (c->n < 16)
		c->v[c->n++] = xstrdup(target);
}

/*
 * The host finds citations in the text itself, naming the code from the
 * document's `code` facet folded (indexer.c, run_citations): do that here
 * and check the targets are documents of this very file.
 */
static void
t_citations(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	struct cites		 c;
	char			*code;
	size_t			 i;

	d = mini_doc(s, "ct/L1234-2");
	code = fr_fold(facet(d, "code", 0), strlen(facet(d, "code", 0)));
	assert_string_equal(code, "ct");
	memset(&c, 0, sizeof c);
	cite_scan(body(d), strlen(body(d)), code, cite_cb, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "ct/L1234-1");
	assert_non_null(doc(s, c.v[0]));
	for (i = 0; i < c.n; i++)
		free(c.v[i]);

	/* "L. 311-6 du code des relations entre le public ..." names a
	 * code the host cannot name: no link, rather than a wrong one. */
	d = must_doc(s, "ct/L1234-1");
	memset(&c, 0, sizeof c);
	cite_scan(body(d), strlen(body(d)), code, cite_cb, &c);
	for (i = 0; i < c.n; i++) {
		assert_null(strstr(c.v[i], "311-6"));
		free(c.v[i]);
	}
	free(code);
}

static void
t_unknown_code(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	run_ok(s, "unknown-code.json", 0, 1, -1);
	/* Initials and the end of the LEGI id: one word, as the host's
	 * citation finder needs. */
	d = must_doc(s, "cda4232/1");
	assert_string_equal(facet(d, "code", 0), "CDA4232");
	expect_doc(d, NULL, NULL,
	    "Article 1 du Code de déontologie des architectes");
	assert_string_equal(facet(d, "section", 0),
	    "Titre Ier : Devoirs généraux");
	assert_string_equal(meta(d, "source", "Source"), "Légifrance, base "
	    "LEGI (DILA), version du code du 1er janvier 2025");
	assert_true(has_warning_with(s, "code \"Code de déontologie des "
	    "architectes\" (LEGITEXT000006074232) is not in the table",
	    "cda4232/"));
}

/* A one-article code built in memory. */
static char *
mini(const char *title, const char *cid, const char *etat, const char *num)
{
	return xsprintf("{\"type\": \"code\", \"data\": {%s%s%s\"title\": "
	    "\"%s\", \"dateDebutVersion\": \"2026-01-01\"}, \"children\": "
	    "[{\"type\": \"article\", \"data\": {\"id\": "
	    "\"LEGIARTI000000000001\", \"num\": \"%s\", \"etat\": \"%s\", "
	    "\"dateDebut\": 1209600000000, \"texteHtml\": \"<p>Texte.</p>\"}}"
	    "]}", cid != NULL ? "\"cid\": \"" : "", cid != NULL ? cid : "",
	    cid != NULL ? "\", " : "", title, num, etat);
}

static void
t_known_by_title(void **st)
{
	struct savoir_sink	*s = *st;
	char			*json;

	/* No LEGI id: the title still names it, accents and case aside. */
	json = mini("Code général des collectivités territoriales", NULL,
	    "VIGUEUR", "L1115-1");
	assert_int_equal(run_str(s, json, 0), 0);
	free(json);
	assert_int_equal(s->misuse, 0);
	assert_non_null(must_doc(s, "cgct/L1115-1"));
	assert_string_equal(facet(s->f.docs[0], "code", 0), "CGCT");
	/* An article right under the code: no section facet, no path. */
	assert_null(facet(s->f.docs[0], "section", 0));
	assert_null(meta(s->f.docs[0], "chemin", "Emplacement"));
	assert_int_equal(s->f.nwarnings, 0);
	sink_clear(s);

	json = mini("CODE DE L'ENVIRONNEMENT.", NULL, "VIGUEUR", "L110-1");
	assert_int_equal(run_str(s, json, 0), 0);
	free(json);
	assert_non_null(must_doc(s, "cenv/L110-1"));
	sink_clear(s);

	/* The id wins over a title written otherwise. */
	json = mini("Code rural (nouveau)", "LEGITEXT000006071367", "VIGUEUR",
	    "L1");
	assert_int_equal(run_str(s, json, 0), 0);
	free(json);
	assert_non_null(must_doc(s, "crpm/L1"));
	assert_string_equal(s->f.docs[0]->text[SAVOIR_COL_TITLE].data,
	    "Article L1 du Code rural (nouveau)");
}

static void
t_all_repealed(void **st)
{
	struct savoir_sink	*s = *st;
	char			*json;

	json = mini("Code du travail", "LEGITEXT000006072050", "ABROGE",
	    "L1");
	assert_int_equal(run_str(s, json, 0), 0);
	assert_int_equal(s->f.ndocs, 0);
	assert_true(has_warning_with(s, "all 1 articles of \"Code du travail\" "
	    "are repealed", "--with-repealed"));
	sink_clear(s);
	assert_int_equal(run_str(s, json, SAVOIR_INPUT_WITH_REPEALED), 0);
	assert_int_equal(s->f.ndocs, 1);
	assert_string_equal(facet(s->f.docs[0], "etat", 0), "abrogé");
	sink_clear(s);
	free(json);

	/* An etat this plugin does not know: judged by the dates, said. */
	json = mini("Code du travail", "LEGITEXT000006072050", "BIZARRE",
	    "L1");
	assert_int_equal(run_str(s, json, 0), 0);
	assert_int_equal(s->f.ndocs, 1);
	assert_true(has_warning_with(s, "article L1 (LEGIARTI000000000001)",
	    "unknown etat \"BIZARRE\""));
	free(json);
}

static void
t_malformed(void **st)
{
	struct savoir_sink	*s = *st;

	assert_int_equal(run(s, "malformed.json", 0), -1);
	assert_int_equal(s->misuse, 0);
	assert_int_equal(s->f.ndocs, 0);
	/* The missing comma is at the end of line 10: jansson stops on the
	 * next token, line 11. */
	assert_non_null(strstr(s->f.error, "JSON error at line 11, column "));
	sink_clear(s);

	assert_int_equal(run_str(s, "{\"type\": \"code\", \"data\": "
	    "{\"title\": \"C\"}, \"children\": []} trailing", 0), -1);
	assert_non_null(strstr(s->f.error, "JSON error at line 1, column "));
	sink_clear(s);

	/* Invalid UTF-8 is a JSON error too, with its place. */
	assert_int_equal(run_str(s, "{\"type\": \"code\",\n\"data\": "
	    "{\"title\": \"Code \xE9\"}}", 0), -1);
	assert_non_null(strstr(s->f.error, "line 2"));
}

static void
t_not_a_code(void **st)
{
	static const struct {
		const char	*json;
		const char	*error;
		int		 exact;	/* the whole error, not a part */
	} cases[] = {
		{ "[1, 2]", "not a JSON object", 0 },
		{ "{\"children\": []}", "\"type\": nothing", 0 },
		{ "{\"type\": \"code\", \"data\": {\"title\": \"  \"}, "
		    "\"children\": []}", "the code has no title (data.title)",
		    1 },
		{ "{\"type\": \"code\", \"data\": {\"title\": \"Code du "
		    "travail\"}}", "the code \"Code du travail\" has no "
		    "\"children\" array", 1 },
		{ "{\"type\": \"code\", \"data\": {\"title\": \"Code du "
		    "travail\", \"dateDebutVersion\": \"2026-01-01\"}, "
		    "\"children\": [{\"type\": \"section\", \"data\": "
		    "{\"title\": \"Partie législative\"}, \"children\": []}]}",
		    "the code \"Code du travail\" holds no article", 1 },
	};
	struct savoir_sink	*s = *st;
	size_t			 i;

	assert_int_equal(run(s, "not-legi.json", 0), -1);
	assert_string_equal(s->f.error, "the top level has \"type\": "
	    "\"module\", not \"code\": not a LEGI code tree");
	sink_clear(s);
	for (i = 0; i < nitems(cases); i++) {
		if (run_str(s, cases[i].json, 0) != -1)
			fail_msg("case %zu: not refused", i);
		if (cases[i].exact ? strcmp(s->f.error, cases[i].error) != 0 :
		    strstr(s->f.error, cases[i].error) == NULL)
			fail_msg("case %zu: error \"%s\", not \"%s\"", i,
			    s->f.error, cases[i].error);
		sink_clear(s);
	}
}

#define DUP	"{\"type\": \"article\", \"data\": {\"id\": " \
	"\"LEGIARTI000000000001\", \"num\": \"L1\", \"etat\": " \
	"\"VIGUEUR\", \"texteHtml\": \"<p>Texte.</p>\"}}"

static void
t_odd_nodes(void **st)
{
	struct savoir_sink	*s = *st;

	/* Broken parts cost themselves, with a message saying where. */
	assert_int_equal(run_str(s, "{\"type\": \"code\", \"data\": "
	    "{\"cid\": \"LEGITEXT000006072050\", \"title\": \"Code du "
	    "travail\"}, \"children\": [42, {\"type\": \"tableau\"}, "
	    "{\"type\": \"section\", \"data\": {\"title\": \"Livre Ier\"}, "
	    "\"children\": \"none\"}, {\"type\": \"section\", \"children\": "
	    "[{\"type\": \"article\"}, {\"type\": \"article\", \"data\": "
	    "{\"id\": \"LEGIARTI000000000009\", \"etat\": \"VIGUEUR\", "
	    "\"texteHtml\": \"Sans numéro.\"}}]}]}", 0), 0);
	assert_int_equal(s->misuse, 0);
	assert_true(has_warning_with(s, "child 1 of the code is not a node",
	    NULL));
	assert_true(has_warning_with(s, "node of type \"tableau\" in the code",
	    NULL));
	assert_true(has_warning_with(s,
	    "section Livre Ier: \"children\" is not "
	    "an array", NULL));
	assert_true(has_warning_with(s, "a section in the code has no title",
	    NULL));
	assert_true(has_warning_with(s, "an article node in section (section "
	    "sans titre) has no \"data\"", NULL));
	/* No version date: judged today, said. */
	assert_true(has_warning_with(s, "no version date", NULL));
	/* No number: its LEGI id. */
	assert_int_equal(s->f.ndocs, 1);
	assert_non_null(must_doc(s, "ct/LEGIARTI000000000009"));
	assert_string_equal(s->f.docs[0]->text[SAVOIR_COL_TITLE].data,
	    "Article sans numéro du Code du travail");
	assert_string_equal(body(s->f.docs[0]), "Sans numéro.");
	assert_true(has_warning_with(s, "article without num "
	    "(LEGIARTI000000000009", "its id is \"ct/LEGIARTI000000000009\""));
	sink_clear(s);

	/* The same article three times: one document, never one id twice. */
	assert_int_equal(run_str(s, "{\"type\": \"code\", \"data\": "
	    "{\"cid\": \"LEGITEXT000006072050\", \"title\": \"Code du "
	    "travail\", \"dateDebutVersion\": \"2026-01-01\"}, "
	    "\"children\": [" DUP "," DUP "," DUP "]}", 0), 0);
	assert_int_equal(s->misuse, 0);
	assert_int_equal(s->f.ndocs, 2);
	assert_non_null(must_doc(s, "ct/L1"));
	assert_non_null(must_doc(s, "ct/L1-LEGIARTI000000000001"));
	assert_true(has_warning_with(s, "article L1 (LEGIARTI000000000001)",
	    "is in the file twice: skipped"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_probe),
		FH_TEST(t_articles),
		FH_TEST(t_states),
		FH_TEST(t_with_repealed),
		FH_TEST(t_html_cleaned),
		FH_TEST(t_nota),
		FH_TEST(t_annexes),
		FH_TEST(t_citations),
		FH_TEST(t_unknown_code),
		FH_TEST(t_known_by_title),
		FH_TEST(t_all_repealed),
		FH_TEST(t_malformed),
		FH_TEST(t_not_a_code),
		FH_TEST(t_odd_nodes),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
