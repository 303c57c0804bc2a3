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

/* Run the plugin's probe on bytes as if they were the file rel. */
static int
probe_mem(const char *rel, const char *data, size_t len)
{
	struct savoir_input	 in;

	memset(&in, 0, sizeof in);
	in.abi = SAVOIR_PLUGIN_ABI;
	in.size = sizeof in;
	in.path = rel;
	in.abspath = rel;
	in.data = (const unsigned char *)data;
	in.len = len;
	in.id_prefix = rel;
	return plugin->probe(pstate, &in);
}

/* The metadata value of key, or NULL. */
static const char *
meta(const struct xdoc *d, const char *key)
{
	size_t	 i;

	for (i = 0; i < d->meta.n; i++)
		if (strcmp(d->meta.v[i].key, key) == 0)
			return d->meta.v[i].value;
	return NULL;
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
dump_warnings(const struct savoir_sink *s)
{
	size_t	 i;

	for (i = 0; i < s->f.nwarnings; i++)
		fprintf(stderr, "  warning line %ld: %s\n", s->wlines[i],
		    s->f.warnings[i]);
}

/* A warning containing needle at that line must be there. */
static void
expect_warning(const struct savoir_sink *s, const char *needle, long line)
{
	if (!has_warning(s, needle, line)) {
		dump_warnings(s);
		fail_msg("no warning \"%s\" at line %ld", needle, line);
	}
}

static void
t_descriptor(void **st)
{
	const struct savoir_type_decl	*t = plugin->types;
	static const char *const	 keys[] = { "pays",
	    "type_collectivite", "theme", "statut", "annee", "financeur",
	    "exemple", NULL };
	size_t				 i;

	assert_int_equal(plugin->abi, SAVOIR_PLUGIN_ABI);
	assert_string_equal(plugin->name, "partenariat");
	assert_string_equal(plugin->extensions[0], ".csv");
	assert_string_equal(plugin->extensions[1], ".jsonl");
	assert_null(plugin->extensions[2]);
	assert_string_equal(t[0].name, "partenariat");
	assert_string_equal(t[0].label, "Fiche partenariat");
	assert_string_equal(t[0].label_plural, "Fiches partenariat");
	assert_null(t[1].name);
	for (i = 0; keys[i] != NULL; i++)
		assert_string_equal(t[0].facets[i].key, keys[i]);
	assert_null(t[0].facets[i].key);
	assert_string_equal(t[0].facets[1].label, "Type de collectivité");
	assert_string_equal(t[0].facets[2].label, "Thème");
	assert_string_equal(t[0].facets[4].label, "Année de début");
	assert_int_equal(t[0].facets[4].kind, SAVOIR_FACET_YEAR);
	assert_string_equal(t[0].facets[6].label, "Exemple fictif");
	assert_int_equal(t[0].facets[0].kind, SAVOIR_FACET_KEYWORD);
}

static void
t_probe(void **st)
{
	static const char other[] = "nom,prenom\nDupont,Jean\n";
	static const char header[] = "exemple,statut,themes,annee_debut,pays,"
	    "partenaire,type_collectivite,collectivite,id\n";
	char	*data;
	size_t	 len;

	data = fakehost_data("good.csv", &len);
	assert_int_equal(probe_mem("p/good.csv", data, len), 80);
	free(data);
	data = fakehost_data("missing-columns.csv", &len);
	assert_int_equal(probe_mem("p/missing-columns.csv", data, len), 0);
	free(data);
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
	struct savoir_sink	 s;
	const struct xdoc	*d;
	const char		*body;

	assert_int_equal(run(&s, "good.csv", 0), 0);
	assert_int_equal(s.misuse, 0);
	dump_warnings(&s);
	assert_int_equal(s.f.nwarnings, 0);
	assert_int_equal(s.f.ndocs, 4);
	assert_string_equal(s.f.docs[0]->id, "partenariat/chambery-ouahigouya");
	assert_string_equal(s.f.docs[1]->id,
	    "partenariat/grand-chambery-ouahigouya");
	assert_string_equal(s.f.docs[2]->id,
	    "partenariat/chambery-ludwigsburg");
	assert_string_equal(s.f.docs[3]->id, "partenariat/ex-valbrume-aval");

	d = s.f.docs[0];
	assert_string_equal(d->type, "partenariat");
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data,
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
	assert_string_equal(facet(d, "pays", 0), "Burkina Faso");
	assert_string_equal(facet(d, "type_collectivite", 0), "commune");
	assert_int_equal(nfacets(d, "theme"), 3);
	assert_string_equal(facet(d, "theme", 0), "gouvernance locale");
	assert_string_equal(facet(d, "theme", 2), "eau");
	assert_string_equal(facet(d, "statut", 0), "actif");
	assert_string_equal(facet(d, "annee", 0), "1991");
	assert_int_equal(nfacets(d, "financeur"), 2);
	assert_string_equal(facet(d, "financeur", 1), "Fondation Veolia");
	assert_string_equal(facet(d, "exemple", 0), "non");
	assert_int_equal(d->facets.n, 10);

	/* Metadata, in order, French labels. */
	assert_int_equal(d->meta.n, 11);
	assert_string_equal(d->meta.v[0].key, "collectivite");
	assert_string_equal(d->meta.v[0].label, "Collectivité");
	assert_string_equal(d->meta.v[0].value, "Ville de Chambéry");
	assert_string_equal(d->meta.v[1].label, "Type de collectivité");
	assert_string_equal(d->meta.v[2].label, "Partenaire");
	assert_string_equal(d->meta.v[3].label, "Pays");
	assert_string_equal(d->meta.v[4].label, "Année de début");
	assert_string_equal(d->meta.v[4].value, "1991");
	assert_string_equal(d->meta.v[5].label, "Statut");
	assert_string_equal(d->meta.v[6].label, "Thèmes");
	assert_string_equal(d->meta.v[6].value, "gouvernance locale, santé, "
	    "eau");
	assert_string_equal(d->meta.v[7].label, "Financeurs");
	assert_string_equal(d->meta.v[8].label, "Montant");
	assert_string_equal(d->meta.v[8].value, "50\xc2\xa0" "000\xc2\xa0€");
	assert_string_equal(d->meta.v[9].key, "exemple");
	assert_string_equal(d->meta.v[9].label, "Exemple fictif");
	assert_string_equal(d->meta.v[9].value, "non");
	assert_string_equal(d->meta.v[10].key, "source");
	assert_string_equal(d->meta.v[10].label, "Source");
	assert_string_equal(d->meta.v[10].value,
	    "https://example.org/chambery?a=1&b=2");

	/* The card. */
	assert_non_null(strstr(d->html, "<dl"));
	assert_non_null(strstr(d->html, "<dt>Collectivité</dt><dd>Ville de "
	    "Chambéry</dd>"));
	assert_non_null(strstr(d->html, "<a href=\"https://example.org/"
	    "chambery?a=1&amp;b=2\">"));
	assert_non_null(strstr(d->html, "<p class=\"description\">Comités de "
	    "quartier, puis services municipaux ; le &quot;modèle de "
	    "Chambéry&quot; a été repris à Mopti.</p>\n<p class=\"description"
	    "\">Programme d&#39;eau potable"));
	assert_null(strstr(d->html, "Exemple fictif »"));

	/* A comma inside quotes stays in its field; a finished
	 * partnership with its end year; one theme, no funder. */
	d = s.f.docs[2];
	assert_string_equal(d->text[SAVOIR_COL_TITLE].data, "Ville de "
	    "Chambéry – Ville de Ludwigsburg, Bade-Wurtemberg (Allemagne)");
	assert_string_equal(d->text[SAVOIR_COL_BODY].data, "Partenariat entre "
	    "Ville de Chambéry (commune) et Ville de Ludwigsburg, "
	    "Bade-Wurtemberg (Allemagne), terminé, de 1960 à 2000.\n"
	    "Thème : jumelage.");
	assert_string_equal(meta(d, "annee_fin"), "2000");
	assert_string_equal(meta(d, "source"),
	    "https://example.org/ludwigsburg");
	assert_null(meta(d, "financeurs"));
	assert_null(meta(d, "montant_eur"));
	assert_int_equal(nfacets(d, "financeur"), 0);
	assert_null(strstr(d->html, "description"));
	assert_non_null(strstr(d->html, "<dt>Source</dt><dd><a href=\""
	    "https://example.org/ludwigsburg\">https://example.org/ludwigsburg"
	    "</a></dd>"));
	sink_clear(&s);
}

/* The fictitious example: shown as such, and every value escaped. */
static void
t_example_and_escaping(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*d;

	assert_int_equal(run(&s, "good.csv", 0), 0);
	d = must_doc(&s, "partenariat/ex-valbrume-aval");
	assert_string_equal(facet(d, "exemple", 0), "oui");
	assert_string_equal(meta(d, "exemple"), "oui");
	assert_non_null(strstr(d->html, "<p class=\"exemple-fictif\"><strong>"
	    "« Exemple fictif »</strong> : cette fiche a été inventée pour la "
	    "formation ; elle ne décrit pas une coopération réelle et ne doit "
	    "pas être citée comme un fait.</p>"));
	assert_null(meta(d, "source"));
	assert_null(strstr(d->html, "<a "));
	assert_non_null(strstr(d->text[SAVOIR_COL_BODY].data,
	    "\nExemple fictif : cette fiche a été inventée pour la "
	    "formation."));
	assert_non_null(strstr(d->text[SAVOIR_COL_BODY].data,
	    "terminé, en 2011.\n"));
	assert_string_equal(meta(d, "montant_eur"),
	    "2\xc2\xa0" "400\xc2\xa0" "000\xc2\xa0€");
	/* The title's apostrophe and the description's markup. */
	assert_non_null(strstr(d->html, "<dd>Commune d&#39;Aval</dd>"));
	assert_non_null(strstr(d->html, "Une &lt;b&gt;école&lt;/b&gt; &amp; "
	    "une &quot;cantine&quot; &lt;script&gt;"));
	assert_null(strstr(d->html, "<script"));
	assert_null(strstr(d->html, "<b>"));
	/* The index holds the text as written. */
	assert_non_null(strstr(d->text[SAVOIR_COL_BODY].data,
	    "Une <b>école</b> & une \"cantine\""));
	sink_clear(&s);
}

/* Same authority or same partner: linked both ways, labelled with the
 * other record's title; nothing else is linked. */
static void
t_links(void **st)
{
	struct savoir_sink	 s;
	const struct xdoc	*a, *b, *c, *x;

	assert_int_equal(run(&s, "good.csv", 0), 0);
	a = must_doc(&s, "partenariat/chambery-ouahigouya");
	b = must_doc(&s, "partenariat/grand-chambery-ouahigouya");
	c = must_doc(&s, "partenariat/chambery-ludwigsburg");
	x = must_doc(&s, "partenariat/ex-valbrume-aval");

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
	sink_clear(&s);
}

/* Two outputs must be the same documents, field by field. */
static void
assert_same_docs(const struct savoir_sink *a, const struct savoir_sink *b)
{
	const struct xdoc	*x, *y;
	size_t			 i, j, c;

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
		assert_int_equal(x->facets.n, y->facets.n);
		for (j = 0; j < x->facets.n; j++) {
			assert_string_equal(x->facets.v[j].key,
			    y->facets.v[j].key);
			assert_string_equal(x->facets.v[j].value,
			    y->facets.v[j].value);
		}
		assert_int_equal(x->meta.n, y->meta.n);
		for (j = 0; j < x->meta.n; j++) {
			assert_string_equal(x->meta.v[j].key,
			    y->meta.v[j].key);
			assert_string_equal(x->meta.v[j].label,
			    y->meta.v[j].label);
			assert_string_equal(x->meta.v[j].value,
			    y->meta.v[j].value);
		}
		assert_int_equal(x->links.n, y->links.n);
		for (j = 0; j < x->links.n; j++) {
			assert_string_equal(x->links.v[j].key,
			    y->links.v[j].key);
			assert_string_equal(x->links.v[j].label,
			    y->links.v[j].label);
			assert_string_equal(x->links.v[j].value,
			    y->links.v[j].value);
		}
	}
}

static void
t_jsonl_same(void **st)
{
	struct savoir_sink	 csv, json;

	assert_int_equal(run(&csv, "good.csv", 0), 0);
	assert_int_equal(run(&json, "good.jsonl", 0), 0);
	assert_int_equal(json.misuse, 0);
	dump_warnings(&json);
	assert_int_equal(json.f.nwarnings, 0);
	assert_int_equal(json.f.ndocs, 4);
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
	assert_int_equal(run(&lf, "good.csv", 0), 0);
	assert_int_equal(run_mem(&crlf, "partenariats/good.csv", b.data, b.len,
	    0), 0);
	assert_int_equal(crlf.misuse, 0);
	assert_int_equal(crlf.f.nwarnings, 0);
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
	struct savoir_sink	 s;

	assert_int_equal(run(&s, "bad-rows.csv", 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_null(s.f.error);
	assert_int_equal(s.f.ndocs, 5);
	assert_string_equal(s.f.docs[0]->id, "partenariat/ok-1");
	assert_string_equal(s.f.docs[1]->id, "partenariat/ok-2");
	assert_string_equal(s.f.docs[2]->id, "partenariat/ok-3");
	assert_string_equal(s.f.docs[3]->id, "partenariat/ex-with-source");
	assert_string_equal(s.f.docs[4]->id, "partenariat/active-with-end");
	/* The first ok-1 (line 2) is the one kept. */
	assert_string_equal(meta(s.f.docs[0], "source"),
	    "https://example.org/ok-1");
	assert_string_equal(s.f.docs[2]->text[SAVOIR_COL_BODY].data +
	    s.f.docs[2]->text[SAVOIR_COL_BODY].len - strlen("Sur\ndeux lignes"),
	    "Sur\ndeux lignes");

	expect_warning(&s, "field collectivite: missing (row skipped)", 3);
	expect_warning(&s, "field exemple: missing, the row has 13 fields "
	    "where the header has 14 (row skipped)", 4);
	expect_warning(&s, "field count: the row has 15 fields where the "
	    "header has 14", 5);
	expect_warning(&s, "field annee_debut: `19x8` is not a four-digit "
	    "year (row skipped)", 6);
	expect_warning(&s, "field type_collectivite: `mairie` is not one of "
	    "commune, EPCI, département, région (row skipped)", 7);
	expect_warning(&s, "field statut: `en cours` is not one of actif, "
	    "terminé (row skipped)", 8);
	expect_warning(&s, "field exemple: `peut-être` is not oui or non "
	    "(row skipped)", 9);
	expect_warning(&s, "field id: `ok-1` is already used on line 2 (row "
	    "skipped)", 10);
	expect_warning(&s, "field montant_eur: `12 000` is not a whole number",
	    11);
	expect_warning(&s, "field annee_fin: 1970 is before annee_debut 1978",
	    12);
	expect_warning(&s, "field themes: missing (row skipped)", 13);
	expect_warning(&s, "field id: `mon id` is not made of lower-case "
	    "letters without accents, digits and single hyphens", 14);
	expect_warning(&s, "field collectivite: a quote (\") inside a value",
	    15);
	/* A source that is not a web address costs the source only (in a
	 * fictitious example, which needs none). */
	expect_warning(&s, "field source: `ftp://example.org/x` is not an "
	    "http(s) address (source ignored)", 16);
	assert_null(meta(s.f.docs[1], "source"));
	/* A real record needs its source, an example must have none; an
	 * active partnership has no end year (a warning only). */
	expect_warning(&s, "field source: missing, a real partnership "
	    "(exemple non) needs the web address of its source (row "
	    "skipped)", 21);
	expect_warning(&s, "field source: an example (exemple oui) has no "
	    "source (source ignored)", 22);
	assert_null(meta(s.f.docs[3], "source"));
	expect_warning(&s, "field annee_fin: a partnership still active "
	    "(statut actif) has no end year", 23);
	assert_string_equal(meta(s.f.docs[4], "annee_fin"), "1990");
	/* After a value on two lines and a blank line, lines still count;
	 * every problem of a row is reported. */
	expect_warning(&s, "field annee_debut: missing", 20);
	expect_warning(&s, "field statut: missing", 20);
	dump_warnings(&s);
	assert_int_equal(s.f.nwarnings, 19);
	sink_clear(&s);
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
	struct savoir_sink	 s;

	assert_int_equal(run_mem(&s, "p/x.jsonl", text, strlen(text), 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 2);
	assert_string_equal(s.f.docs[0]->id, "partenariat/a");
	assert_string_equal(s.f.docs[1]->id, "partenariat/f");
	/* Linked both ways, with the same authority and partner. */
	assert_non_null(link_label(s.f.docs[0], "partenariat/f",
	    "meme-collectivite"));
	assert_non_null(link_label(s.f.docs[0], "partenariat/f",
	    "meme-partenaire"));
	assert_non_null(link_label(s.f.docs[1], "partenariat/a",
	    "meme-partenaire"));
	expect_warning(&s, "unknown key `couleur` (ignored)", 1);
	expect_warning(&s, "not valid JSON", 2);
	expect_warning(&s, "not a JSON object", 3);
	expect_warning(&s, "field annee_debut: must be text or a whole number",
	    4);
	expect_warning(&s, "field themes: the items of the list must be text",
	    4);
	expect_warning(&s, "duplicate object key", 5);
	expect_warning(&s, "field montant_eur: `-5` is not a whole number", 7);
	dump_warnings(&s);
	assert_int_equal(s.f.nwarnings, 7);
	sink_clear(&s);
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
	struct savoir_sink	 s;
	static const char	 header[] = "id,collectivite,type_collectivite,"
	    "partenaire,pays,annee_debut,themes,statut,exemple\n\n";

	expect_error("empty.csv", "empty file");
	expect_error_mem("x.csv", " \n\r\n", 4, "empty file");
	expect_error_mem("x.jsonl", "", 0, "empty file");
	/* A header and no record: nothing, said once. */
	assert_int_equal(run_mem(&s, "x.csv", header, strlen(header), 0), 0);
	assert_int_equal(s.f.ndocs, 0);
	assert_int_equal(s.f.nwarnings, 1);
	expect_warning(&s, "no record after the header line", 1);
	sink_clear(&s);
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
	struct savoir_sink	 s;

	assert_int_equal(run_mem(&s, "x.csv", text, strlen(text), 0), 0);
	assert_int_equal(s.misuse, 0);
	assert_int_equal(s.f.ndocs, 1);
	expect_warning(&s, "field partenaire: a quoted value is never closed",
	    3);
	assert_int_equal(s.f.nwarnings, 1);
	sink_clear(&s);
}

/* A message quoting a long value is cut, but stays valid UTF-8. */
static void
t_long_value(void **st)
{
	struct savoir_sink	 s;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	buf_adds(&b, "id,collectivite,type_collectivite,partenaire,pays,"
	    "annee_debut,themes,statut,exemple\na,C,");
	for (i = 0; i < 700; i++)
		buf_adds(&b, "é");
	buf_adds(&b, ",P,Mali,2001,eau,actif,non\n");
	assert_int_equal(run_mem(&s, "x.csv", b.data, b.len, 0), 0);
	assert_int_equal(s.f.ndocs, 0);
	assert_int_equal(s.f.nwarnings, 1);
	expect_warning(&s, "field type_collectivite: `éé", 2);
	assert_true(utf8_valid(s.f.warnings[0], strlen(s.f.warnings[0]),
	    NULL));
	assert_true(strlen(s.f.warnings[0]) < 1024);
	sink_clear(&s);
	buf_free(&b);
}

/* The course's own records, if they are there: every row indexed. */
static void
t_corpus(void **st)
{
	struct savoir_sink	 s;
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
	assert_int_equal(run_mem(&s, "partenariats/partenariats.csv", data,
	    len, 0), 0);
	assert_int_equal(s.misuse, 0);
	fprintf(stderr, "# corpus: %zu records, %zu warnings\n", s.f.ndocs,
	    s.f.nwarnings);
	dump_warnings(&s);
	assert_true(s.f.ndocs > 0);
	for (i = 0; i < s.f.ndocs; i++)
		assert_non_null(s.f.docs[i]->html);
	sink_clear(&s);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_descriptor),
		cmocka_unit_test(t_probe),
		cmocka_unit_test(t_good_csv),
		cmocka_unit_test(t_example_and_escaping),
		cmocka_unit_test(t_links),
		cmocka_unit_test(t_jsonl_same),
		cmocka_unit_test(t_crlf_bom),
		cmocka_unit_test(t_bad_rows),
		cmocka_unit_test(t_bad_jsonl),
		cmocka_unit_test(t_missing_columns),
		cmocka_unit_test(t_encoding),
		cmocka_unit_test(t_empty),
		cmocka_unit_test(t_unclosed_quote),
		cmocka_unit_test(t_long_value),
		cmocka_unit_test(t_corpus),
	};

	return cmocka_run_group_tests(tests, setup, fakehost_teardown);
}
