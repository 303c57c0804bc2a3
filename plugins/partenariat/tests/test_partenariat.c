/*
 * test_partenariat.c - the partenariat plugin, loaded with dlopen from
 * $SAVOIR_PLUGINS as the host would, driven through the shared fake host of
 * tests/unit/fakehost.c, which records what it emits (documents, columns,
 * facets, links, metadata, HTML, warnings with their lines, errors) and
 * counts every misuse of the ABI.  What is tested is the plugin alone, not
 * the host's extractor.
 */
#include "config.h"

#include "../../../tests/unit/testutil.h"
#include "../../../tests/unit/fakehost.h"

static int
setup(void **st)
{
	(void)st;
	return fakehost_load("partenariat", "partenariats");
}

/* Is there a link from d to target with rel, and what is its label? */
static const char *
link_label(const struct xdoc *d, const char *target, const char *rel)
{
	size_t	 i;

	for (i = 0; i < d->links.n; i++)
		if (strcmp(d->links.v[i].key, target) == 0 &&
		    strcmp(d->links.v[i].value, rel) == 0)
			return d->links.v[i].label;
	return NULL;
}

static void
t_descriptor(void **st)
{
	expect_descriptor("partenariat", ".csv", ".jsonl", NULL);
	expect_one_type("partenariat", "Fiche partenariat",
	    "Fiches partenariat", "pays=Pays (keyword); type_collectivite=Type "
	    "de collectivité (keyword); theme=Thème (keyword); statut=Statut "
	    "(keyword); annee=Année de début (year); financeur=Financeur "
	    "(keyword); exemple=Exemple fictif (keyword)");
}

static void
t_probe(void **st)
{
	static const char other[] = "nom,prenom\nDupont,Jean\n";
	static const char header[] = "exemple,statut,themes,annee_debut,pays,"
	    "partenaire,type_collectivite,collectivite,id\n";
	char	*data;

	assert_int_equal(probe_file("good.csv", "p/good.csv"), 80);
	assert_int_equal(probe_file("missing-columns.csv",
	    "p/missing-columns.csv"), 0);
	assert_int_equal(probe_mem("x.csv", other, strlen(other)), 0);
	assert_int_equal(probe_mem("x.csv", "", 0), 0);
	/* The columns in any order, a header alone, a byte order mark. */
	assert_int_equal(probe_mem("x.csv", header, strlen(header)), 80);
	assert_int_equal(probe_mem("x.csv", header, strlen(header) - 1), 80);
	data = xsprintf("\xef\xbb\xbf%s", header);
	assert_int_equal(probe_mem("x.csv", data, strlen(data)), 80);
	free(data);
	/* JSON Lines are taken as they come. */
	assert_int_equal(probe_mem("x.jsonl", "{}", 2), 50);
}

static void
t_good_csv(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
	const char		*body;

	run_ok(s, "good.csv", 0, 4, 0);
	expect_doc(s->f.docs[1], "partenariat/grand-chambery-ouahigouya", NULL,
	    NULL);
	expect_doc(s->f.docs[2], "partenariat/chambery-ludwigsburg", NULL,
	    NULL);
	expect_doc(s->f.docs[3], "partenariat/ex-valbrume-aval", NULL, NULL);

	d = s->f.docs[0];
	expect_doc(d, "partenariat/chambery-ouahigouya", "partenariat",
	    "Ville de Chambéry – Commune de Ouahigouya (Burkina Faso)");
	assert_int_equal(d->text[SAVOIR_COL_HEADINGS].len, 0);
	body = d->text[SAVOIR_COL_BODY].data;
	assert_string_equal(body,
	    "Partenariat entre Ville de Chambéry (commune) et Commune de "
	    "Ouahigouya (Burkina Faso), actif depuis 1991.\n"
	    "Thèmes : gouvernance locale, santé, eau.\n"
	    "Financeurs : Ville de Chambéry, Fondation Veolia.\n"
	    "Montant : 50\xc2\xa0" "000\xc2\xa0€.\n"
	    /* The quoted field: its comma, its quotes, its paragraph. */
	    "Comités de quartier, puis services municipaux ; le \"modèle de "
	    "Chambéry\" a été repris à Mopti.\n\n"
	    "Programme d'eau potable pour 25 000 personnes.");

	/* Facets: one per theme and per funder, trimmed. */
	expect_facets(d, "pays=Burkina Faso; type_collectivite=commune; "
	    "theme=gouvernance locale; theme=santé; theme=eau; statut=actif; "
	    "annee=1991; financeur=Ville de Chambéry; "
	    "financeur=Fondation Veolia; exemple=non");

	/* Metadata, in order, French labels. */
	assert_int_equal(d->meta.n, 11);
	expect_kv(&d->meta, 0, "collectivite", "Collectivité",
	    "Ville de Chambéry");
	expect_kv(&d->meta, 1, NULL, "Type de collectivité", NULL);
	expect_kv(&d->meta, 2, NULL, "Partenaire", NULL);
	expect_kv(&d->meta, 3, NULL, "Pays", NULL);
	expect_kv(&d->meta, 4, NULL, "Année de début", "1991");
	expect_kv(&d->meta, 5, NULL, "Statut", NULL);
	expect_kv(&d->meta, 6, NULL, "Thèmes", "gouvernance locale, santé, "
	    "eau");
	expect_kv(&d->meta, 7, NULL, "Financeurs", NULL);
	expect_kv(&d->meta, 8, NULL, "Montant", "50\xc2\xa0" "000\xc2\xa0€");
	expect_kv(&d->meta, 9, "exemple", "Exemple fictif", "non");
	expect_kv(&d->meta, 10, "source", "Source",
	    "https://example.org/chambery?a=1&b=2");

	/* The card. */
	expect_in(d->html, "<dl",
	    "<dt>Collectivité</dt><dd>Ville de Chambéry</dd>",
	    "<a href=\"https://example.org/chambery?a=1&amp;b=2\">",
	    "<p class=\"description\">Comités de quartier, puis services "
	    "municipaux ; le &quot;modèle de Chambéry&quot; a été repris à "
	    "Mopti.</p>\n<p class=\"description\">Programme d&#39;eau potable",
	    NULL);
	expect_not_in(d->html, "Exemple fictif »", NULL);

	/* A comma inside quotes stays in its field; a finished
	 * partnership with its end year; one theme, no funder. */
	d = s->f.docs[2];
	expect_doc(d, NULL, NULL, "Ville de "
	    "Chambéry – Ville de Ludwigsburg, Bade-Wurtemberg (Allemagne)");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "Partenariat entre "
	    "Ville de Chambéry (commune) et Ville de Ludwigsburg, "
	    "Bade-Wurtemberg (Allemagne), terminé, de 1960 à 2000.\n"
	    "Thème : jumelage.");
	assert_string_equal(meta(d, "annee_fin", NULL), "2000");
	assert_string_equal(meta(d, "source", NULL),
	    "https://example.org/ludwigsburg");
	assert_null(meta(d, "financeurs", NULL));
	assert_null(meta(d, "montant_eur", NULL));
	assert_int_equal(nfacets(d, "financeur"), 0);
	assert_null(strstr(d->html, "description"));
	assert_non_null(strstr(d->html, "<dt>Source</dt><dd><a href=\""
	    "https://example.org/ludwigsburg\">https://example.org/ludwigsburg"
	    "</a></dd>"));
}

/* The fictitious example: shown as such, and every value escaped. */
static void
t_example_and_escaping(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;

	run_ok(s, "good.csv", 0, 4, 0);
	d = must_doc(s, "partenariat/ex-valbrume-aval");
	assert_string_equal(facet(d, "exemple", 0), "oui");
	assert_string_equal(meta(d, "exemple", NULL), "oui");
	assert_null(meta(d, "source", NULL));
	assert_string_equal(meta(d, "montant_eur", NULL),
	    "2\xc2\xa0" "400\xc2\xa0" "000\xc2\xa0€");
	expect_in(d->html, "<p class=\"exemple-fictif\"><strong>"
	    "« Exemple fictif »</strong> : cette fiche a été inventée pour la "
	    "formation ; elle ne décrit pas une coopération réelle et ne doit "
	    "pas être citée comme un fait.</p>",
	    /* The title's apostrophe and the description's markup. */
	    "<dd>Commune d&#39;Aval</dd>",
	    "Une &lt;b&gt;école&lt;/b&gt; &amp; une &quot;cantine&quot; "
	    "&lt;script&gt;", NULL);
	expect_not_in(d->html, "<a ", "<script", "<b>", NULL);
	expect_in(d->text[SAVOIR_COL_BODY].data,
	    "\nExemple fictif : cette fiche a été inventée pour la formation.",
	    "terminé, en 2011.\n",
	    /* The index holds the text as written. */
	    "Une <b>école</b> & une \"cantine\"", NULL);
}

/* Same authority or same partner: linked both ways, labelled with the
 * other record's title; nothing else is linked. */
static void
t_links(void **st)
{
	struct savoir_sink	*s = *st;
	const struct xdoc	*a, *b, *c, *x;

	run_ok(s, "good.csv", 0, 4, 0);
	a = must_doc(s, "partenariat/chambery-ouahigouya");
	b = must_doc(s, "partenariat/grand-chambery-ouahigouya");
	c = must_doc(s, "partenariat/chambery-ludwigsburg");
	x = must_doc(s, "partenariat/ex-valbrume-aval");

	assert_int_equal(a->links.n, 2);
	assert_string_equal(link_label(a, "partenariat/chambery-ludwigsburg",
	    "meme-collectivite"), "Ville de Chambéry – Ville de Ludwigsburg, "
	    "Bade-Wurtemberg (Allemagne)");
	assert_string_equal(link_label(a,
	    "partenariat/grand-chambery-ouahigouya", "meme-partenaire"),
	    "Grand Chambéry – Commune de Ouahigouya (Burkina Faso)");

	assert_int_equal(b->links.n, 1);
	assert_string_equal(link_label(b, "partenariat/chambery-ouahigouya",
	    "meme-partenaire"), "Ville de Chambéry – Commune de Ouahigouya "
	    "(Burkina Faso)");

	assert_int_equal(c->links.n, 1);
	assert_non_null(link_label(c, "partenariat/chambery-ouahigouya",
	    "meme-collectivite"));
	assert_null(link_label(c, "partenariat/chambery-ouahigouya",
	    "meme-partenaire"));

	assert_int_equal(x->links.n, 0);
}

/* Two lists (facets, metadata, links) must be the same, entry by entry;
 * a facet has no label. */
static void
assert_same_kvs(const struct kvlist *x, const struct kvlist *y)
{
	size_t	 j;

	assert_int_equal(x->n, y->n);
	for (j = 0; j < x->n; j++) {
		assert_string_equal(x->v[j].key, y->v[j].key);
		if (x->v[j].label == NULL || y->v[j].label == NULL)
			assert_ptr_equal(x->v[j].label, y->v[j].label);
		else
			assert_string_equal(x->v[j].label, y->v[j].label);
		assert_string_equal(x->v[j].value, y->v[j].value);
	}
}

/* Two outputs must be the same documents, field by field. */
static void
assert_same_docs(const struct savoir_sink *a, const struct savoir_sink *b)
{
	const struct xdoc	*x, *y;
	size_t			 i, c;

	assert_int_equal(a->f.ndocs, b->f.ndocs);
	for (i = 0; i < a->f.ndocs; i++) {
		x = a->f.docs[i];
		y = b->f.docs[i];
		assert_string_equal(x->id, y->id);
		assert_string_equal(x->type, y->type);
		for (c = 0; c < 3; c++) {
			assert_int_equal(x->text[c].len, y->text[c].len);
			if (x->text[c].len > 0)
				assert_string_equal(x->text[c].data,
				    y->text[c].data);
		}
		assert_string_equal(x->html, y->html);
		assert_same_kvs(&x->facets, &y->facets);
		assert_same_kvs(&x->meta, &y->meta);
		assert_same_kvs(&x->links, &y->links);
	}
}

static void
t_jsonl_same(void **st)
{
	struct savoir_sink	 csv, json;

	run_ok(&csv, "good.csv", 0, 4, 0);
	run_ok(&json, "good.jsonl", 0, 4, 0);
	assert_same_docs(&csv, &json);
	sink_clear(&csv);
	sink_clear(&json);
}

/* What a spreadsheet writes: a byte order mark and CRLF line ends, also
 * inside a quoted value; no line end after the last row. */
static void
t_crlf_bom(void **st)
{
	struct savoir_sink	 lf, crlf;
	struct buf		 b;
	char			*data;
	size_t			 len, i;

	data = fakehost_data("good.csv", &len);
	buf_init(&b);
	buf_adds(&b, "\xef\xbb\xbf");
	for (i = 0; i < len - 1; i++) {
		if (data[i] == '\n')
			buf_addc(&b, '\r');
		buf_addc(&b, data[i]);
	}
	run_ok(&lf, "good.csv", 0, 4, 0);
	run_mem_ok(&crlf, "partenariats/good.csv", b.data, b.len, 0, 4, 0);
	assert_same_docs(&lf, &crlf);
	sink_clear(&lf);
	sink_clear(&crlf);
	buf_free(&b);
	free(data);
}

/* Each kind of bad row is reported with its line and field and skipped;
 * the good rows around them are indexed. */
static void
t_bad_rows(void **st)
{
	static const struct fh_warning warnings[] = {
		{ "field collectivite: missing (row skipped)", 3 },
		{ "field exemple: missing, the row has 13 fields where the "
		    "header has 14 (row skipped)", 4 },
		{ "field count: the row has 15 fields where the header has 14",
		    5 },
		{ "field annee_debut: `19x8` is not a four-digit year (row "
		    "skipped)", 6 },
		{ "field type_collectivite: `mairie` is not one of commune, "
		    "EPCI, département, région (row skipped)", 7 },
		{ "field statut: `en cours` is not one of actif, terminé (row "
		    "skipped)", 8 },
		{ "field exemple: `peut-être` is not oui or non (row skipped)",
		    9 },
		{ "field id: `ok-1` is already used on line 2 (row skipped)",
		    10 },
		{ "field montant_eur: `12 000` is not a whole number", 11 },
		{ "field annee_fin: 1970 is before annee_debut 1978", 12 },
		{ "field themes: missing (row skipped)", 13 },
		{ "field id: `mon id` is not made of lower-case letters "
		    "without accents, digits and single hyphens", 14 },
		{ "field collectivite: a quote (\") inside a value", 15 },
		/* A source that is not a web address costs the source only
		 * (in a fictitious example, which needs none). */
		{ "field source: `ftp://example.org/x` is not an http(s) "
		    "address (source ignored)", 16 },
		/* A real record needs its source, an example must have
		 * none; an active partnership has no end year (a warning
		 * only). */
		{ "field source: missing, a real partnership (exemple non) "
		    "needs the web address of its source (row skipped)", 21 },
		{ "field source: an example (exemple oui) has no source "
		    "(source ignored)", 22 },
		{ "field annee_fin: a partnership still active (statut "
		    "actif) has no end year", 23 },
		/* After a value on two lines and a blank line, lines still
		 * count; every problem of a row is reported. */
		{ "field annee_debut: missing", 20 },
		{ "field statut: missing", 20 },
	};
	struct savoir_sink	*s = *st;

	run_ok(s, "bad-rows.csv", 0, 5, -1);
	assert_null(s->f.error);
	expect_doc(s->f.docs[0], "partenariat/ok-1", NULL, NULL);
	expect_doc(s->f.docs[1], "partenariat/ok-2", NULL, NULL);
	expect_doc(s->f.docs[2], "partenariat/ok-3", NULL, NULL);
	expect_doc(s->f.docs[3], "partenariat/ex-with-source", NULL, NULL);
	expect_doc(s->f.docs[4], "partenariat/active-with-end", NULL, NULL);
	/* The first ok-1 (line 2) is the one kept. */
	assert_string_equal(meta(s->f.docs[0], "source", NULL),
	    "https://example.org/ok-1");
	assert_string_equal(s->f.docs[2]->text[SAVOIR_COL_BODY].data +
	    s->f.docs[2]->text[SAVOIR_COL_BODY].len -
	    strlen("Sur\ndeux lignes"), "Sur\ndeux lignes");
	assert_null(meta(s->f.docs[1], "source", NULL));
	assert_null(meta(s->f.docs[3], "source", NULL));
	assert_string_equal(meta(s->f.docs[4], "annee_fin", NULL), "1990");
	expect_warnings(s, warnings, nitems(warnings));
}

static void
t_bad_jsonl(void **st)
{
	static const char text[] =
	    "{\"id\": \"a\", \"collectivite\": \"C\", \"type_collectivite\": "
	    "\"région\", \"partenaire\": \"P\", \"pays\": \"Mali\", "
	    "\"annee_debut\": 2001, \"themes\": [\"eau\"], \"statut\": "
	    "\"actif\", \"exemple\": \"oui\", \"couleur\": \"bleu\"}\n"
	    "{\"id\": \"b\",\n"
	    "[\"id\", \"b\"]\n"
	    "{\"id\": \"c\", \"collectivite\": \"C\", \"type_collectivite\": "
	    "\"région\", \"partenaire\": \"P\", \"pays\": \"Mali\", "
	    "\"annee_debut\": 2001.5, \"themes\": [\"eau\", 3], \"statut\": "
	    "\"actif\", \"exemple\": \"non\"}\n"
	    "{\"id\": \"d\", \"id\": \"e\"}\n"
	    "\r\n"
	    "{\"id\": \"a\", \"collectivite\": \"C\", \"type_collectivite\": "
	    "\"région\", \"partenaire\": \"Q\", \"pays\": \"Mali\", "
	    "\"annee_debut\": \"2001\", \"themes\": \"eau\", \"statut\": "
	    "\"actif\", \"exemple\": \"non\", \"montant_eur\": -5}\n"
	    "{\"id\": \"f\", \"collectivite\": \"C\", \"type_collectivite\": "
	    "\"région\", \"partenaire\": \"P\", \"pays\": \"Mali\", "
	    "\"annee_debut\": \"2002\", \"themes\": \"eau\", \"statut\": "
	    "\"terminé\", \"exemple\": \"non\", \"source\": "
	    "\"http://example.org\"}\r\n";
	static const struct fh_warning warnings[] = {
		{ "unknown key `couleur` (ignored)", 1 },
		{ "not valid JSON", 2 },
		{ "not a JSON object", 3 },
		{ "field annee_debut: must be text or a whole number", 4 },
		{ "field themes: the items of the list must be text", 4 },
		{ "duplicate object key", 5 },
		{ "field montant_eur: `-5` is not a whole number", 7 },
	};
	struct savoir_sink	*s = *st;

	run_mem_ok(s, "p/x.jsonl", text, strlen(text), 0, 2, -1);
	expect_doc(s->f.docs[0], "partenariat/a", NULL, NULL);
	expect_doc(s->f.docs[1], "partenariat/f", NULL, NULL);
	/* Linked both ways, with the same authority and partner. */
	assert_non_null(link_label(s->f.docs[0], "partenariat/f",
	    "meme-collectivite"));
	assert_non_null(link_label(s->f.docs[0], "partenariat/f",
	    "meme-partenaire"));
	assert_non_null(link_label(s->f.docs[1], "partenariat/a",
	    "meme-partenaire"));
	expect_warnings(s, warnings, nitems(warnings));
}

/* A JSON Lines record's "grille": metadata grille-<id> in the grid's
 * order, labelled with the criterion's title; an unknown criterion, a note
 * out of 0-3, a missing note or an unknown key cost the record, with the
 * field named. */
static void
t_grid(void **st)
{
#define REC(id) "{\"id\": \"" id "\", \"collectivite\": \"C\", " \
	"\"type_collectivite\": \"commune\", \"partenaire\": \"P\", " \
	"\"pays\": \"Mali\", \"annee_debut\": 2001, \"themes\": [\"eau\"], " \
	"\"statut\": \"actif\", \"exemple\": \"oui\", \"grille\": "
	static const char text[] =
	    REC("a") "{\"perennite\": {\"note\": 1}, \"equilibre\": {\"note\": "
	    "3, \"commentaire\": \"  Codécision\\net suivi \"}}}\n"
	    REC("b") "{\"bonheur\": {\"note\": 2}}}\n"
	    REC("c") "{\"ancrage\": {\"note\": 4}}}\n"
	    REC("d") "{\"ancrage\": {\"commentaire\": \"x\"}}}\n"
	    REC("e") "{\"ancrage\": {\"note\": 2, \"couleur\": 1}}}\n"
	    REC("f") "[1, 2]}\n"
	    REC("g") "{\"ancrage\": {\"note\": \"2\"}}}\n"
	    REC("h") "null}\n";
	static const struct fh_warning warnings[] = {
		{ "field grille: unknown criterion `bonheur` (one of: "
		    "equilibre, appui-institutionnel", 2 },
		{ "field grille.ancrage.note: must be a whole number from 0 "
		    "to 3", 3 },
		{ "field grille.ancrage.note: missing", 4 },
		{ "field grille.ancrage: unknown key `couleur`", 5 },
		{ "field grille: must be an object", 6 },
		{ "field grille.ancrage.note: must be a whole number", 7 },
	};
	struct savoir_sink	*s = *st;
	const struct xdoc	*d;
#undef REC

	run_mem_ok(s, "p/x.jsonl", text, strlen(text), 0, 2, -1);
	d = s->f.docs[0];
	expect_doc(d, "partenariat/a", NULL, NULL);
	assert_string_equal(meta(d, "grille-equilibre",
	    "Équilibre et réciprocité"), "3/3 — Codécision et suivi");
	assert_string_equal(meta(d, "grille-perennite", "Pérennité"), "1/3");
	assert_null(meta(d, "grille-ancrage", NULL));
	/* In the grid's order, whatever the record's. */
	assert_int_equal(nmeta(d, "grille-equilibre"), 1);
	assert_string_equal(d->meta.v[d->meta.n - 2].key, "grille-equilibre");
	assert_string_equal(d->meta.v[d->meta.n - 1].key, "grille-perennite");
	expect_doc(s->f.docs[1], "partenariat/h", NULL, NULL);
	assert_null(meta(s->f.docs[1], "grille-equilibre", NULL));
	expect_warnings(s, warnings, nitems(warnings));
}

static void
t_missing_columns(void **st)
{
	static const char twice[] = "id,collectivite,type_collectivite,"
	    "partenaire,pays,annee_debut,themes,statut,exemple,pays\n";

	expect_error("missing-columns.csv", "line 1: the header lacks the "
	    "required columns type_collectivite, statut, exemple (");
	expect_error_mem("x.csv", "id,pays\n", 8, "columns collectivite, "
	    "type_collectivite, partenaire, annee_debut, themes, statut, "
	    "exemple");
	expect_error_mem("x.csv", twice, strlen(twice), "line 1: column "
	    "`pays` appears twice in the header");
	expect_error_mem("x.csv", "\n\n\"id,pays\n", 10, "line 3: a quoted "
	    "column name is never closed");
}

static void
t_encoding(void **st)
{
	expect_error("latin1.csv", "invalid UTF-8 at line 2 (is the file in "
	    "Latin-1?)");
	expect_error_mem("x.jsonl", "{}\n{\"a\": \"\xc3\"}\n", 13,
	    "invalid UTF-8 at line 2");
	expect_error_mem("x.csv", "id\n\n\na\0b\n", 9, "NUL byte at line 4");
}

static void
t_empty(void **st)
{
	struct savoir_sink	*s = *st;
	static const char	 header[] = "id,collectivite,type_collectivite,"
	    "partenaire,pays,annee_debut,themes,statut,exemple\n\n";

	expect_error("empty.csv", "empty file");
	expect_error_mem("x.csv", " \n\r\n", 4, "empty file");
	expect_error_mem("x.jsonl", "", 0, "empty file");
	/* A header and no record: nothing, said once. */
	assert_int_equal(run_mem(s, "x.csv", header, strlen(header), 0), 0);
	assert_int_equal(s->f.ndocs, 0);
	assert_int_equal(s->f.nwarnings, 1);
	expect_warning(s, "no record after the header line", 1);
}

/* A quote opened and never closed swallows the rest of the file: said,
 * with the line where it opened. */
static void
t_unclosed_quote(void **st)
{
	static const char text[] = "id,collectivite,type_collectivite,"
	    "partenaire,pays,annee_debut,themes,statut,exemple\n"
	    "a,C,commune,P,Mali,2001,eau,actif,oui\n"
	    "b,C,commune,\"P,Mali,2001,eau,actif,non\n"
	    "c,C,commune,P,Mali,2001,eau,actif,non\n";
	struct savoir_sink	*s = *st;

	run_mem_ok(s, "x.csv", text, strlen(text), 0, 1, 1);
	expect_warning(s, "field partenaire: a quoted value is never closed",
	    3);
}

/* A message quoting a long value is cut, but stays valid UTF-8. */
static void
t_long_value(void **st)
{
	struct savoir_sink	*s = *st;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	buf_adds(&b, "id,collectivite,type_collectivite,partenaire,pays,"
	    "annee_debut,themes,statut,exemple\na,C,");
	for (i = 0; i < 700; i++)
		buf_adds(&b, "é");
	buf_adds(&b, ",P,Mali,2001,eau,actif,non\n");
	assert_int_equal(run_mem(s, "x.csv", b.data, b.len, 0), 0);
	assert_int_equal(s->f.ndocs, 0);
	assert_int_equal(s->f.nwarnings, 1);
	expect_warning(s, "field type_collectivite: `éé", 2);
	assert_true(utf8_valid(s->f.warnings[0], strlen(s->f.warnings[0]),
	    NULL));
	assert_true(strlen(s->f.warnings[0]) < 1024);
	buf_free(&b);
}

/* The course's own records, if they are there: every row indexed. */
static void
t_corpus(void **st)
{
	struct savoir_sink	*s = *st;
	char			*path, *data, *cause = NULL;
	size_t			 len, i;

	path = xsprintf("%s/corpus/partenariats/partenariats.csv", t_srcdir());
	if (file_read(path, 1 << 24, &data, &len, &cause) == -1) {
		free(cause);
		free(path);
		skip();
	}
	free(path);
	assert_int_equal(probe_mem("partenariats/partenariats.csv", data, len),
	    80);
	assert_int_equal(run_mem(s, "partenariats/partenariats.csv", data,
	    len, 0), 0);
	assert_int_equal(s->misuse, 0);
	fprintf(stderr, "# corpus: %zu records, %zu warnings\n", s->f.ndocs,
	    s->f.nwarnings);
	dump_warnings(s);
	assert_true(s->f.ndocs > 0);
	for (i = 0; i < s->f.ndocs; i++)
		assert_non_null(s->f.docs[i]->html);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_probe),
		FH_TEST(t_good_csv),
		FH_TEST(t_example_and_escaping),
		FH_TEST(t_links),
		cmocka_unit_test(t_jsonl_same),
		cmocka_unit_test(t_crlf_bom),
		FH_TEST(t_bad_rows),
		FH_TEST(t_bad_jsonl),
		FH_TEST(t_grid),
		cmocka_unit_test(t_missing_columns),
		cmocka_unit_test(t_encoding),
		FH_TEST(t_empty),
		FH_TEST(t_unclosed_quote),
		FH_TEST(t_long_value),
		FH_TEST(t_corpus),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
