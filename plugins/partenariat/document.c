/*
 * document.c - a partenariat record as a document: its id and title, French
 * sentences for the index, facets, metadata, an HTML record card, and
 * links between records that share an authority or a partner (the records
 * sorted once by each key).  Records that repeat an id are dropped here,
 * with a warning.
 *
 * It never writes a value into HTML without escaping it (every text goes
 * through host->buf_html) and never calls a host symbol.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partenariat.h"

/* Links per record and relation: a file where one authority has thousands
 * of partners would otherwise emit a quadratic number of links (and pass
 * the host's 10,000 per document).  The first ones in file order are kept. */
#define PT_LINKS_MAX	1000

/* An amount the French way: "2 400 000 €" with no-break spaces. */
static void
pt_montant(struct savoir_buf *b, long long v)
{
	char	 digits[32];
	size_t	 n, i;

	snprintf(digits, sizeof digits, "%lld", v);
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			host->buf_adds(b, "\xc2\xa0");
		host->buf_add(b, digits + i, 1);
	}
	host->buf_adds(b, "\xc2\xa0€");
}

/* The period: "depuis 1991", "de 2007 à 2009", "en 2021"... */
static void
pt_periode(struct savoir_buf *b, const struct pt_rec *r)
{
	const char	*debut = r->v[PT_DEBUT], *fin = r->v[PT_FIN];
	int		 actif = strcmp(r->v[PT_STATUT], "actif") == 0;

	if (fin == NULL) {
		host->buf_adds(b, actif ? "actif depuis " :
		    "terminé, commencé en ");
		host->buf_adds(b, debut);
		return;
	}
	host->buf_adds(b, actif ? "actif" : "terminé");
	if (strcmp(debut, fin) == 0) {
		host->buf_adds(b, ", en ");
		host->buf_adds(b, debut);
		return;
	}
	host->buf_adds(b, ", de ");
	host->buf_adds(b, debut);
	host->buf_adds(b, " à ");
	host->buf_adds(b, fin);
}

/* The record as French sentences, for the index and the snippets. */
static void
pt_sentences(struct savoir_buf *b, const struct pt_rec *r)
{
	struct savoir_buf	 j = SAVOIR_BUF_INIT;

	host->buf_adds(b, "Partenariat entre ");
	host->buf_adds(b, r->v[PT_COLLECTIVITE]);
	host->buf_adds(b, " (");
	host->buf_adds(b, r->v[PT_TYPE]);
	host->buf_adds(b, ") et ");
	host->buf_adds(b, r->v[PT_PARTENAIRE]);
	host->buf_adds(b, " (");
	host->buf_adds(b, r->v[PT_PAYS]);
	host->buf_adds(b, "), ");
	pt_periode(b, r);
	host->buf_adds(b, ".\n");
	host->buf_adds(b, r->themes.n > 1 ? "Thèmes : " : "Thème : ");
	host->buf_adds(b, pt_join(&j, &r->themes, ", "));
	host->buf_adds(b, ".");
	if (r->financeurs.n > 0) {
		host->buf_adds(b, r->financeurs.n > 1 ? "\nFinanceurs : " :
		    "\nFinanceur : ");
		host->buf_adds(b, pt_join(&j, &r->financeurs, ", "));
		host->buf_adds(b, ".");
	}
	if (r->montant >= 0) {
		host->buf_adds(b, "\nMontant : ");
		pt_montant(b, r->montant);
		host->buf_adds(b, ".");
	}
	if (strcmp(r->v[PT_EXEMPLE], "oui") == 0)
		host->buf_adds(b, "\nExemple fictif : cette fiche a été "
		    "inventée pour la formation.");
	if (j.failed)
		b->failed = 1;
	host->buf_free(&j);
}

/* One entry of the card's <dl>: the label and the value, escaped. */
static void
pt_html_dl(struct savoir_buf *h, const char *label, const char *value)
{
	host->buf_adds(h, "<dt>");
	host->buf_html(h, label, strlen(label));
	host->buf_adds(h, "</dt><dd>");
	host->buf_html(h, value, strlen(value));
	host->buf_adds(h, "</dd>\n");
}

/* The description's paragraphs, each in a <p>. */
static void
pt_html_paragraphs(struct savoir_buf *h, const char *s)
{
	const char	*end;

	while (*s != '\0') {
		if ((end = strstr(s, "\n\n")) == NULL)
			end = s + strlen(s);
		host->buf_adds(h, "<p class=\"description\">");
		host->buf_html(h, s, end - s);
		host->buf_adds(h, "</p>\n");
		s = *end != '\0' ? end + 2 : end;
	}
}

/* The analysis grid as metadata (grille.h): the page shows it as a
 * table. */
static int
pt_emit_grid(struct pt_file *f, const struct pt_rec *r)
{
	struct savoir_buf	 v = SAVOIR_BUF_INIT;
	char			 key[64], num[8];
	int			 k, rc = 0;

	for (k = 0; k < GRILLE_N && rc == 0; k++) {
		if (r->grid_note[k] == 0)
			continue;
		buf_reset(&v);
		snprintf(num, sizeof num, "%d/3", r->grid_note[k] - 1);
		host->buf_adds(&v, num);
		if (r->grid_comment[k] != NULL) {
			host->buf_adds(&v, " \xe2\x80\x94 ");	/* " — " */
			host->buf_adds(&v, r->grid_comment[k]);
		}
		if (v.failed) {
			f->failed = 1;
			rc = -1;
			break;
		}
		snprintf(key, sizeof key, GRILLE_KEY "%s",
		    grille_criteria[k].id);
		rc = host->doc_meta(f->sink, key, grille_criteria[k].title,
		    v.s);
	}
	host->buf_free(&v);
	return rc;
}

/*
 * Metadata and the HTML card, from one table so the page and the metadata
 * say the same thing.
 */
static int
pt_emit_meta(struct pt_file *f, const struct pt_rec *r, struct savoir_buf *h)
{
	static const enum pt_col order[] = { PT_COLLECTIVITE, PT_TYPE,
	    PT_PARTENAIRE, PT_PAYS, PT_DEBUT, PT_FIN, PT_STATUT, PT_THEMES,
	    PT_FINANCEURS, PT_MONTANT, PT_EXEMPLE };
	struct savoir_buf	 v = SAVOIR_BUF_INIT;
	const char		*value;
	size_t			 i;
	int			 rc = -1;

	host->buf_adds(h, "<article class=\"partenariat\">\n");
	if (strcmp(r->v[PT_EXEMPLE], "oui") == 0)
		host->buf_adds(h, "<p class=\"exemple-fictif\"><strong>« "
		    "Exemple fictif »</strong> : cette fiche a été "
		    "inventée pour la formation ; elle ne décrit pas une "
		    "coopération réelle et ne doit pas être citée comme un "
		    "fait.</p>\n");
	host->buf_adds(h, "<dl class=\"fiche-partenariat\">\n");
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		switch (order[i]) {
		case PT_THEMES:
		case PT_FINANCEURS:
			value = pt_join(&v, order[i] == PT_THEMES ?
			    &r->themes : &r->financeurs, ", ");
			break;
		case PT_MONTANT:
			buf_reset(&v);
			if (r->montant >= 0)
				pt_montant(&v, r->montant);
			value = buf_str(&v);
			break;
		default:
			value = r->v[order[i]] != NULL ? r->v[order[i]] : "";
			break;
		}
		if (v.failed) {
			f->failed = 1;
			goto out;
		}
		if (*value == '\0')
			continue;
		if (host->doc_meta(f->sink, pt_columns[order[i]].name,
		    pt_columns[order[i]].label, value) == -1)
			goto out;
		pt_html_dl(h, pt_columns[order[i]].label, value);
	}
	if ((value = r->v[PT_SOURCE]) != NULL) {
		if (host->doc_meta(f->sink, "source", "Source", value) == -1)
			goto out;
		/* pt_http_url() vouched for the scheme. */
		host->buf_adds(h, "<dt>Source</dt><dd><a href=\"");
		host->buf_html(h, value, strlen(value));
		host->buf_adds(h, "\">");
		host->buf_html(h, value, strlen(value));
		host->buf_adds(h, "</a></dd>\n");
	}
	host->buf_adds(h, "</dl>\n");
	if (pt_emit_grid(f, r) == -1)
		goto out;
	if (r->v[PT_DESCRIPTION] != NULL)
		pt_html_paragraphs(h, r->v[PT_DESCRIPTION]);
	host->buf_adds(h, "</article>\n");
	rc = 0;
out:
	host->buf_free(&v);
	return rc;
}

static int
pt_emit_facets(struct pt_file *f, const struct pt_rec *r)
{
	struct savoir_sink	*sink = f->sink;
	size_t			 i;

	if (host->doc_facet(sink, "pays", r->v[PT_PAYS]) == -1 ||
	    host->doc_facet(sink, "type_collectivite", r->v[PT_TYPE]) == -1)
		return -1;
	for (i = 0; i < r->themes.n; i++)
		if (host->doc_facet(sink, "theme", r->themes.v[i]) == -1)
			return -1;
	if (host->doc_facet(sink, "statut", r->v[PT_STATUT]) == -1 ||
	    host->doc_facet(sink, "annee", r->v[PT_DEBUT]) == -1)
		return -1;
	for (i = 0; i < r->financeurs.n; i++)
		if (host->doc_facet(sink, "financeur",
		    r->financeurs.v[i]) == -1)
			return -1;
	return host->doc_facet(sink, "exemple", r->v[PT_EXEMPLE]);
}

/* Links to the other records with the same authority, then partner. */
static int
pt_emit_links(struct pt_file *f, size_t self)
{
	static const char *const rels[2] = { "meme-collectivite",
	    "meme-partenaire" };
	static const enum pt_col keys[2] = { PT_COLLECTIVITE, PT_PARTENAIRE };
	const struct pt_rec	*r = &f->recs[self], *o;
	size_t			 k, i, n, first;

	for (k = 0; k < 2; k++) {
		first = r->grp[k][0];
		/* Said once for the group, not once a record. */
		if (r->grp[k][1] - first > PT_LINKS_MAX + 1 &&
		    f->order[k][first] == self)
			pt_warn(f, r->line, "field %s: %zu records share `%s`, "
			    "each is linked to %d of the others only",
			    pt_columns[keys[k]].name, r->grp[k][1] - first,
			    r->v[keys[k]], PT_LINKS_MAX);
		n = 0;
		for (i = first; i < r->grp[k][1] && n < PT_LINKS_MAX; i++) {
			if (f->order[k][i] == self)
				continue;
			o = &f->recs[f->order[k][i]];
			if (host->doc_link(f->sink, o->docid, rels[k],
			    o->title) == -1)
				return -1;
			n++;
		}
	}
	return 0;
}

int
pt_emit(struct pt_file *f, size_t i)
{
	const struct pt_rec	*r = &f->recs[i];
	struct savoir_sink	*sink = f->sink;
	struct savoir_buf	 body = SAVOIR_BUF_INIT, html = SAVOIR_BUF_INIT;
	int			 rc = -1;

	pt_sentences(&body, r);
	if (body.failed) {
		f->failed = 1;
		goto out;
	}
	if (host->doc_begin(sink, r->docid, "partenariat") == -1 ||
	    host->doc_text(sink, SAVOIR_COL_TITLE, r->title,
	    strlen(r->title)) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_BODY, body.s, body.len) == -1)
		goto out;
	if (r->v[PT_DESCRIPTION] != NULL && host->doc_text(sink,
	    SAVOIR_COL_BODY, r->v[PT_DESCRIPTION],
	    strlen(r->v[PT_DESCRIPTION])) == -1)
		goto out;
	if (pt_emit_facets(f, r) == -1 || pt_emit_meta(f, r, &html) == -1)
		goto out;
	if (html.failed) {
		f->failed = 1;
		goto out;
	}
	if (host->doc_html(sink, html.s, html.len) == -1 ||
	    pt_emit_links(f, i) == -1 || host->doc_end(sink) == -1)
		goto out;
	rc = 0;
out:
	host->buf_free(&body);
	host->buf_free(&html);
	return rc;
}

/* qsort has no argument: the file and key being sorted on. */
static const struct pt_file	*pt_sort_file;
static enum pt_col		 pt_sort_col;

/* By the key, then by position in the file. */
static int
pt_sort_cmp(const void *a, const void *b)
{
	size_t	 i = *(const size_t *)a, j = *(const size_t *)b;
	int	 c;

	c = strcmp(pt_sort_file->recs[i].v[pt_sort_col],
	    pt_sort_file->recs[j].v[pt_sort_col]);
	if (c != 0)
		return c;
	return i < j ? -1 : i > j;
}

/* Sort the records by a key; returns the index array or NULL. */
static size_t *
pt_sort(struct pt_file *f, enum pt_col col)
{
	size_t	*v, i;

	if ((v = reallocarray(NULL, f->nrecs, sizeof *v)) == NULL)
		return NULL;
	for (i = 0; i < f->nrecs; i++)
		v[i] = i;
	pt_sort_file = f;
	pt_sort_col = col;
	qsort(v, f->nrecs, sizeof *v, pt_sort_cmp);
	return v;
}

/*
 * A later record with an id already used is skipped (the first stays, so
 * adding a row at the end never changes what an existing id shows).
 * Sorting finds them without comparing every pair.
 */
static int
pt_dedup(struct pt_file *f)
{
	size_t	*v, i, n, first = 0;
	char	*dead;

	if (f->nrecs == 0)
		return 0;
	if ((v = pt_sort(f, PT_ID)) == NULL)
		return -1;
	if ((dead = calloc(f->nrecs, 1)) == NULL) {
		free(v);
		return -1;
	}
	for (i = 1; i < f->nrecs; i++) {
		if (strcmp(f->recs[v[i]].v[PT_ID],
		    f->recs[v[first]].v[PT_ID]) != 0) {
			first = i;
			continue;
		}
		pt_warn(f, f->recs[v[i]].line, "field id: `%s` is already "
		    "used on line %ld (row skipped)", f->recs[v[i]].v[PT_ID],
		    f->recs[v[first]].line);
		dead[v[i]] = 1;
	}
	for (i = n = 0; i < f->nrecs; i++) {
		if (dead[i])
			pt_rec_free(&f->recs[i]);
		else
			f->recs[n++] = f->recs[i];
	}
	f->nrecs = n;
	free(dead);
	free(v);
	return 0;
}

/* Ids, titles, and the groups of records that share a key. */
int
pt_prepare(struct pt_file *f)
{
	static const enum pt_col keys[2] = { PT_COLLECTIVITE, PT_PARTENAIRE };
	struct pt_rec	*r;
	size_t		 i, j, k, start, *v;

	if (pt_dedup(f) == -1)
		return -1;
	for (i = 0; i < f->nrecs; i++) {
		r = &f->recs[i];
		if (asprintf(&r->docid, PT_ID_PREFIX "%s", r->v[PT_ID]) == -1) {
			r->docid = NULL;
			return -1;
		}
		if (asprintf(&r->title, "%s – %s (%s)", r->v[PT_COLLECTIVITE],
		    r->v[PT_PARTENAIRE], r->v[PT_PAYS]) == -1) {
			r->title = NULL;
			return -1;
		}
	}
	for (k = 0; k < 2; k++) {
		if (f->nrecs == 0)
			break;
		if ((v = f->order[k] = pt_sort(f, keys[k])) == NULL)
			return -1;
		for (i = 0; i < f->nrecs; i = j) {
			for (j = i + 1; j < f->nrecs &&
			    strcmp(f->recs[v[i]].v[keys[k]],
			    f->recs[v[j]].v[keys[k]]) == 0; j++)
				;
			for (start = i; i < j; i++) {
				f->recs[v[i]].grp[k][0] = start;
				f->recs[v[i]].grp[k][1] = j;
			}
		}
	}
	return 0;
}
