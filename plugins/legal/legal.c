/*
 * legal.c - the `legal` plugin: plain-text files holding articles of a code
 * or a law (doc/formats.md), one document per article, id
 * "<court in lower case>/<ref>" ("cgct/L1115-1"), so that each article can
 * be cited and linked on its own.
 *
 * A file is a YAML front matter naming the code (frontmatter.c), then
 * articles, each opened by a line "Article L1115-1", followed by its own
 * `key: value` lines up to a blank line, then plain text where blank lines
 * separate paragraphs and "- " starts a list item.  The HTML it emits is
 * built here, every piece of text escaped: nothing of the file reaches the
 * page as markup.
 *
 * It must never call a host symbol: everything goes through the host's
 * function table.  Repealed articles are skipped unless the host asks for
 * them (SAVOIR_INPUT_WITH_REPEALED).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savoir/plugin.h"
#include "../common/buf.h"
#include "../common/decl.h"
#include "../common/frontmatter.h"

#define LEGAL_VERSION	"1.0.0"

static const struct savoir_host *host;

static const struct savoir_facet_decl legal_facets[] = {
	FACET_CODE, FACET_ARTICLE, FACET_ETAT, FACET_THEME, FACET_MODULE,
	FACET_ANNEE, FACET_END
};

static const struct savoir_type_decl legal_types[] = {
	{ "article", "Article de loi", "Articles de loi", legal_facets },
	TYPE_END
};

static const char *const legal_extensions[] = { ".txt", NULL };

/* Header keys read here; others draw a warning. */
static const char *const legal_keys[] = { "code", "court", "chemin",
	"nature", "module", "themes", "date", "auteur", "annee", "sources",
	NULL };

#define ETAT_VIGUEUR	"en vigueur"
#define ETAT_ABROGE	"abrogé"

/* One article as found in the file; strings point into the file. */
struct article {
	const char	*ref;
	size_t		 reflen;
	long		 line;
	const char	*meta[4];	/* version, etat, titre, annee */
	size_t		 metalen[4];
	long		 metaline[4];
	int		 abroge;
	const char	*body;		/* from its first text line */
	const char	*end;		/* to the next article */
	long		 body_line;
	const struct article *dup_of;	/* the first with this ref */
};
enum { M_VERSION, M_ETAT, M_TITRE, M_ANNEE };
static const char *const legal_meta_keys[] = { "version", "etat", "titre",
	"annee" };

struct legal {
	struct savoir_sink	*sink;
	const struct frontmatter *fm;
	const char		*code;		/* full name */
	const char		*court;		/* as written, "CGCT" */
	char			*court_id;	/* "cgct" */
	const char		*chemin;
	const char		*nature;
	struct article		*art;
	size_t			 nart;
	struct savoir_buf	 text, heads, html, s1, s2;
};

/* Say that memory ran out; -1. */
static int
legal_oom(struct legal *l)
{
	host->error(l->sink, "out of memory");
	return -1;
}

/*
 * A .txt file is ours when its front matter has a top-level `code:` line.
 * This looks at the lines rather than parsing the YAML on purpose: a file
 * meant for us whose YAML is broken must still come to extract, which
 * reports the YAML error with its line, instead of being "claimed by no
 * plugin".
 */
static int
legal_probe(void *state, const struct savoir_input *in)
{
	const char	*yaml, *p, *end, *nl;
	size_t		 yamllen, body;
	char		*cause = NULL;

	if (frontmatter_find((const char *)in->data, in->len, &yaml, &yamllen,
	    &body, &cause) != 1) {
		free(cause);
		return 0;
	}
	for (p = yaml, end = yaml + yamllen; p < end; p = nl + 1) {
		if ((size_t)(end - p) >= 5 && memcmp(p, "code:", 5) == 0)
			return 80;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			break;
	}
	return 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Is [s, s+n) an "Article <ref>" line?  ref is L, R, D, A or LO, then a
 * number, then "-number" groups: "L1115-4-1".  Sets the ref.
 */
static int
legal_article_line(const char *s, size_t n, const char **ref, size_t *reflen)
{
	const char	*p = s, *end = s + n, *r;

	if (n < 9 || memcmp(s, "Article", 7) != 0 ||
	    (s[7] != ' ' && s[7] != '\t'))
		return 0;
	for (p = s + 8; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	r = p;
	if (end - p >= 2 && p[0] == 'L' && p[1] == 'O')
		p += 2;
	else if (p < end && (*p == 'L' || *p == 'R' || *p == 'D' || *p == 'A'))
		p++;
	else
		return 0;
	for (;;) {
		if (p == end || !is_digit(*p))
			return 0;
		while (p < end && is_digit(*p))
			p++;
		if (p == end)
			break;
		if (*p != '-')
			return 0;
		p++;
	}
	*ref = r;
	*reflen = p - r;
	return 1;
}

/* Is [s, s+n) a "key: value" line with a lower-case key?  Sets both. */
static int
legal_meta_line(const char *s, size_t n, const char **key, size_t *keylen,
    const char **val, size_t *vallen)
{
	size_t	 i = 0;

	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
		i++;
	if (i == 0 || i == n || s[i] != ':' ||
	    (i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '\t'))
		return 0;
	*key = s;
	*keylen = i;
	for (i++; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	*val = s + i;
	*vallen = n - i;
	return 1;
}

/* Read an article's `key: value` lines; returns where its text starts. */
static const char *
legal_article_meta(struct legal *l, struct article *a, const char *p,
    const char *end, long *line)
{
	const char	*nl, *key, *val;
	size_t		 n, keylen, vallen, i;

	for (; p < end; p = nl + 1, (*line)++) {
		nl = memchr(p, '\n', end - p);
		n = line_trimmed(p, (nl != NULL ? nl : end) - p);
		if (n == 0 || !legal_meta_line(p, n, &key, &keylen, &val,
		    &vallen))
			return p;	/* the text starts here */
		for (i = 0; i < 4; i++)
			if (strlen(legal_meta_keys[i]) == keylen &&
			    memcmp(legal_meta_keys[i], key, keylen) == 0)
				break;
		if (i == 4)
			host->warn(l->sink, *line, "unknown article metadata "
			    "`%.*s` (known: version, etat, titre, annee)",
			    (int)keylen, key);
		else if (a->meta[i] != NULL)
			host->warn(l->sink, *line, "`%.*s` is given twice for "
			    "article %.*s: the first is kept", (int)keylen,
			    key, (int)a->reflen, a->ref);
		else if (vallen == 0)
			host->warn(l->sink, *line, "`%.*s` is empty",
			    (int)keylen, key);
		else {
			a->meta[i] = val;
			a->metalen[i] = vallen;
			a->metaline[i] = *line;
		}
		if (nl == NULL)
			return end;
	}
	return end;
}

static int
legal_eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Split the text after the header into articles. */
static int
legal_split(struct legal *l, const char *p, const char *end, long line)
{
	struct article	*a, *v;
	const char	*nl, *ref;
	size_t		 n, reflen, i;
	int		 warned = 0;

	a = NULL;
	for (; p < end; p = nl + 1, line++) {
		nl = memchr(p, '\n', end - p);
		n = line_trimmed(p, (nl != NULL ? nl : end) - p);
		if (legal_article_line(p, n, &ref, &reflen)) {
			if (a != NULL)
				a->end = p;
			v = reallocarray(l->art, l->nart + 1, sizeof *v);
			if (v == NULL) {
				return legal_oom(l);
			}
			l->art = v;
			a = &l->art[l->nart++];
			memset(a, 0, sizeof *a);
			a->ref = ref;
			a->reflen = reflen;
			a->line = line;
			line++;
			a->body = legal_article_meta(l, a, nl != NULL ?
			    nl + 1 : end, end, &line);
			a->body_line = line;
			a->end = end;
			if (a->body == end)
				break;
			/* Go on from the first text line. */
			nl = a->body - 1;
			line--;
			continue;
		}
		if (a == NULL && n > 0 && !warned) {
			host->warn(l->sink, line, "text before the first "
			    "`Article …` line is ignored");
			warned = 1;
		}
		if (nl == NULL)
			break;
	}
	if (a != NULL)
		a->end = end;
	if (l->nart == 0) {
		host->error(l->sink, "no article: each article starts with a "
		    "line like `Article L1115-1`");
		return -1;
	}
	for (i = 0; i < l->nart; i++) {
		a = &l->art[i];
		a->abroge = 0;
		if (a->meta[M_ETAT] == NULL)
			continue;
		n = a->metalen[M_ETAT];
		if (legal_eq(a->meta[M_ETAT], n, "abroge") ||
		    legal_eq(a->meta[M_ETAT], n, "abrogé"))
			a->abroge = 1;
		else if (!legal_eq(a->meta[M_ETAT], n, "vigueur") &&
		    !legal_eq(a->meta[M_ETAT], n, "en vigueur"))
			host->warn(l->sink, a->metaline[M_ETAT], "article "
			    "%.*s: etat `%.*s` is neither `vigueur` nor `abroge` (taken "
			    "as vigueur)", (int)a->reflen, a->ref, (int)n,
			    a->meta[M_ETAT]);
	}
	return 0;
}

/* Does the front matter list sources (shown by the page, with links)? */
static int
legal_has_sources(const struct legal *l)
{
	const struct fm_entry	*e = frontmatter_get(l->fm, "sources");

	return e != NULL && ((e->kind == FM_SOURCES && e->nsources > 0) ||
	    (e->kind == FM_LIST && e->nitems > 0));
}

/* A heading line, "## Title" (level 2) or "### Title" (3): its level and
 * text, or 0. */
static int
legal_heading(const char *p, size_t n, const char **text, size_t *len)
{
	size_t	 hashes = 0;

	while (hashes < n && p[hashes] == '#')
		hashes++;
	if (hashes < 2 || hashes > 3 || hashes >= n || p[hashes] != ' ')
		return 0;
	for (p += hashes, n -= hashes; n > 0 && *p == ' '; p++, n--)
		;
	if (n == 0)
		return 0;
	*text = p;
	*len = n;
	return (int)hashes;
}

/*
 * The article's text as plain lines (l->text: one line per paragraph or
 * list item; l->heads: its section headings) and as HTML (l->html, after
 * the reference paragraph).  A "Sources" section is left out when the
 * front matter lists the sources: the page shows them once, as links.
 */
static void
legal_body(struct legal *l, const struct article *a)
{
	const char	*p, *nl, *ht;
	size_t		 n, hl;
	enum { NONE, PARA, ITEM } cur = NONE;
	int		 inlist = 0, level, skip = 0;

	buf_reset(&l->text);
	buf_reset(&l->heads);
	for (p = a->body; p < a->end; p = nl + 1) {
		nl = memchr(p, '\n', a->end - p);
		n = line_trimmed(p, (nl != NULL ? nl : a->end) - p);
		if (n > 0 && (level = legal_heading(p, n, &ht, &hl)) > 0) {
			if (cur != NONE)
				host->buf_adds(&l->html, cur == PARA ?
				    "</p>\n" : "</li>\n");
			if (inlist)
				host->buf_adds(&l->html, "</ul>\n");
			cur = NONE;
			inlist = 0;
			skip = hl == 7 && strncmp(ht, "Sources", 7) == 0 &&
			    legal_has_sources(l);
			if (!skip) {
				host->buf_printf(&l->html, "<h%d>", level);
				host->buf_html(&l->html, ht, hl);
				host->buf_printf(&l->html, "</h%d>\n", level);
				if (l->heads.len > 0)
					host->buf_adds(&l->heads, "\n");
				host->buf_add(&l->heads, ht, hl);
			}
		} else if (skip) {
			/* The sources the page shows from the front matter. */
		} else if (n == 0) {
			if (cur != NONE)
				host->buf_adds(&l->html, cur == PARA ?
				    "</p>\n" : "</li>\n");
			cur = NONE;
		} else if (n >= 2 && p[0] == '-' && p[1] == ' ') {
			if (cur == PARA)
				host->buf_adds(&l->html, "</p>\n");
			else if (cur == ITEM)
				host->buf_adds(&l->html, "</li>\n");
			if (!inlist)
				host->buf_adds(&l->html, "<ul>\n");
			inlist = 1;
			host->buf_adds(&l->html, "<li>");
			for (p += 2, n -= 2; n > 0 && *p == ' '; p++, n--)
				;
			host->buf_html(&l->html, p, n);
			if (l->text.len > 0)
				host->buf_adds(&l->text, "\n");
			host->buf_add(&l->text, p, n);
			cur = ITEM;
		} else if (cur != NONE) {
			/* A line that goes on the paragraph or item. */
			host->buf_adds(&l->html, "\n");
			host->buf_html(&l->html, p, n);
			host->buf_adds(&l->text, " ");
			host->buf_add(&l->text, p, n);
		} else {
			if (inlist)
				host->buf_adds(&l->html, "</ul>\n");
			inlist = 0;
			host->buf_adds(&l->html, "<p>");
			host->buf_html(&l->html, p, n);
			if (l->text.len > 0)
				host->buf_adds(&l->text, "\n");
			host->buf_add(&l->text, p, n);
			cur = PARA;
		}
		if (nl == NULL)
			break;
	}
	if (cur != NONE)
		host->buf_adds(&l->html, cur == PARA ? "</p>\n" : "</li>\n");
	if (inlist)
		host->buf_adds(&l->html, "</ul>\n");
}

static int
legal_facets_list(struct legal *l, const char *facet, const char *key)
{
	char *const	*items;
	size_t		 n, i;

	items = frontmatter_list(l->fm, key, &n);
	for (i = 0; i < n; i++)
		if (host->doc_facet(l->sink, facet, items[i]) == -1)
			return -1;
	return 0;
}

/* Emit one article as a document. */
static int
legal_emit(struct legal *l, const struct article *a)
{
	struct savoir_sink	*sink = l->sink;
	char			 year[5] = "";
	char			*version = NULL, *fr = NULL, *annee = NULL;
	const char		*etat;
	int			 y, m, d, rc = -1;

	etat = a->abroge ? ETAT_ABROGE : ETAT_VIGUEUR;
	/* l->s1: id, then title; l->s2: reference. */
	buf_reset(&l->s1);
	host->buf_adds(&l->s1, l->court_id);
	host->buf_adds(&l->s1, "/");
	host->buf_add(&l->s1, a->ref, a->reflen);
	buf_reset(&l->s2);
	host->buf_adds(&l->s2, "Article ");
	host->buf_add(&l->s2, a->ref, a->reflen);
	host->buf_adds(&l->s2, " du ");
	host->buf_adds(&l->s2, l->court);

	buf_reset(&l->html);
	host->buf_adds(&l->html, "<p class=\"ref\">");
	host->buf_html(&l->html, l->s2.s, l->s2.len);
	host->buf_adds(&l->html, "</p>\n");
	legal_body(l, a);
	if (l->text.len == 0)
		host->warn(sink, a->line, "article %.*s has no text",
		    (int)a->reflen, a->ref);

	if (a->meta[M_VERSION] != NULL) {
		if ((version = strndup(a->meta[M_VERSION],
		    a->metalen[M_VERSION])) == NULL)
			goto oom;
		if (!date_parse(version, &y, &m, &d)) {
			host->warn(sink, a->metaline[M_VERSION], "article %.*s: "
			    "version `%s` is not a YYYY-MM-DD date",
			    (int)a->reflen, a->ref, version);
		} else {
			if ((fr = date_french(version)) == NULL)
				goto oom;
			snprintf(year, sizeof year, "%04d", y);
		}
	}
	if (a->meta[M_ANNEE] != NULL) {
		if ((annee = strndup(a->meta[M_ANNEE],
		    a->metalen[M_ANNEE])) == NULL)
			goto oom;
		if (!year_valid(annee)) {
			host->warn(sink, a->metaline[M_ANNEE], "article %.*s: "
			    "annee `%s` is not a four-digit year",
			    (int)a->reflen, a->ref, annee);
			free(annee);
			annee = NULL;
		}
	}
	if (annee == NULL && fr != NULL && (annee = strdup(year)) == NULL)
		goto oom;
	if (annee == NULL && frontmatter_scalar(l->fm, "annee") != NULL &&
	    year_valid(frontmatter_scalar(l->fm, "annee")) &&
	    (annee = strdup(frontmatter_scalar(l->fm, "annee"))) == NULL)
		goto oom;

	if (l->s1.failed || l->s2.failed || l->html.failed || l->text.failed ||
	    l->heads.failed)
		goto oom;
	if (host->doc_begin(sink, l->s1.s, "article") == -1)
		goto out;
	buf_reset(&l->s1);
	host->buf_add(&l->s1, l->s2.s, l->s2.len);
	if (a->meta[M_TITRE] != NULL) {
		host->buf_adds(&l->s1, " — ");
		host->buf_add(&l->s1, a->meta[M_TITRE], a->metalen[M_TITRE]);
	}
	if (l->s1.failed)
		goto oom;
	if (host->doc_text(sink, SAVOIR_COL_TITLE, l->s1.s, l->s1.len) == -1)
		goto out;
	if (l->heads.len > 0 && host->doc_text(sink, SAVOIR_COL_HEADINGS,
	    l->heads.s, l->heads.len) == -1)
		goto out;
	if (l->text.len > 0 && host->doc_text(sink, SAVOIR_COL_BODY,
	    l->text.s, l->text.len) == -1)
		goto out;

	buf_reset(&l->s1);
	host->buf_add(&l->s1, a->ref, a->reflen);
	if (l->s1.failed)
		goto oom;
	if (host->doc_facet(sink, "code", l->court) == -1 ||
	    host->doc_facet(sink, "article", l->s1.s) == -1 ||
	    host->doc_facet(sink, "etat", etat) == -1 ||
	    legal_facets_list(l, "theme", "themes") == -1 ||
	    legal_facets_list(l, "module", "module") == -1 ||
	    (annee != NULL && host->doc_facet(sink, "annee", annee) == -1))
		goto out;

	if (host->doc_meta(sink, "code", "Code", l->code) == -1 ||
	    (l->chemin != NULL && host->doc_meta(sink, "chemin",
	    "Emplacement", l->chemin) == -1) ||
	    host->doc_meta(sink, "nature", "Nature", l->nature) == -1 ||
	    (fr != NULL && host->doc_meta(sink, "version", "Version décrite",
	    fr) == -1) ||
	    host->doc_meta(sink, "etat", "État", etat) == -1)
		goto out;
	if (frontmatter_meta_sources(host, sink, l->fm) == -1 ||
	    host->doc_html(sink, l->html.s, l->html.len) == -1 ||
	    host->doc_end(sink) == -1)
		goto out;
	rc = 0;
	goto out;
oom:
	legal_oom(l);
out:
	free(version);
	free(fr);
	free(annee);
	return rc;
}

static int
legal_refcmp(const void *a, const void *b)
{
	const struct article	*x = *(const struct article *const *)a;
	const struct article	*y = *(const struct article *const *)b;
	size_t			 n = x->reflen < y->reflen ? x->reflen :
				    y->reflen;
	int			 c;

	if ((c = memcmp(x->ref, y->ref, n)) != 0)
		return c;
	if (x->reflen != y->reflen)
		return x->reflen < y->reflen ? -1 : 1;
	return x < y ? -1 : x > y;	/* file order among equals */
}

/* Point each repeated ref at its first occurrence; sorting keeps a file of
 * thousands of articles (a whole code) from costing a quadratic scan. */
static int
legal_dups(struct legal *l)
{
	struct article	**v;
	size_t		  i;

	if ((v = calloc(l->nart, sizeof *v)) == NULL) {
		return legal_oom(l);
	}
	for (i = 0; i < l->nart; i++)
		v[i] = &l->art[i];
	qsort(v, l->nart, sizeof *v, legal_refcmp);
	for (i = 1; i < l->nart; i++)
		if (v[i]->reflen == v[i - 1]->reflen &&
		    memcmp(v[i]->ref, v[i - 1]->ref, v[i]->reflen) == 0)
			v[i]->dup_of = v[i - 1]->dup_of != NULL ?
			    v[i - 1]->dup_of : v[i - 1];
	free(v);
	return 0;
}

/* The header: required keys, the court as an id part, warnings. */
static int
legal_header(struct legal *l)
{
	const char	*p;
	size_t		 i;

	frontmatter_warn_keys(host, l->sink, l->fm, legal_keys);
	if ((l->code = frontmatter_scalar(l->fm, "code")) == NULL) {
		host->error(l->sink, "the front matter has no `code` (the "
		    "full name of the code or law)");
		return -1;
	}
	if ((l->court = frontmatter_scalar(l->fm, "court")) == NULL) {
		host->error(l->sink, "the front matter has no `court` (the "
		    "short name used in ids, like CGCT)");
		return -1;
	}
	for (p = l->court; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == '/' || *p == '?' ||
		    *p == '#' || *p == 0x7f) {
			host->error(l->sink, "front matter line %ld: `court` "
			    "must be one word without / ? or #, like CGCT",
			    frontmatter_get(l->fm, "court")->line);
			return -1;
		}
	}
	if ((l->court_id = strdup(l->court)) == NULL) {
		return legal_oom(l);
	}
	for (i = 0; l->court_id[i] != '\0'; i++)
		if (l->court_id[i] >= 'A' && l->court_id[i] <= 'Z')
			l->court_id[i] += 'a' - 'A';
	l->chemin = frontmatter_scalar(l->fm, "chemin");
	if ((l->nature = frontmatter_scalar(l->fm, "nature")) == NULL)
		l->nature = "texte officiel";
	frontmatter_warn_sources(host, l->sink, l->fm);
	return 0;
}

static int
legal_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct legal		 l = { .sink = sink };
	struct frontmatter	*fm;
	const char		*data = (const char *)in->data;
	size_t			 i;
	int			 rc = -1;

	if (frontmatter_load(host, in, sink, &fm) == -1)
		return -1;
	l.fm = fm;
	if (legal_header(&l) == -1 ||
	    legal_split(&l, data + fm->body, data + in->len,
	    fm->body_line) == -1)
		goto out;
	if (legal_dups(&l) == -1)
		goto out;
	for (i = 0; i < l.nart; i++) {
		if (l.art[i].dup_of != NULL) {
			host->warn(sink, l.art[i].line, "article %.*s is "
			    "already on line %ld: this one is skipped",
			    (int)l.art[i].reflen, l.art[i].ref,
			    l.art[i].dup_of->line);
			continue;
		}
		/* Official texts keep repealed articles only on request;
		 * an explanatory fiche about a repealed article is still
		 * worth reading (it tells the history). */
		if (l.art[i].abroge && !(in->flags &
		    SAVOIR_INPUT_WITH_REPEALED) &&
		    strcmp(l.nature, "fiche explicative") != 0)
			continue;
		if (legal_emit(&l, &l.art[i]) == -1)
			goto out;
	}
	rc = 0;
out:
	host->buf_free(&l.text);
	host->buf_free(&l.heads);
	host->buf_free(&l.html);
	host->buf_free(&l.s1);
	host->buf_free(&l.s2);
	free(l.court_id);
	free(l.art);
	frontmatter_free(fm);
	return rc;
}

static const struct savoir_plugin legal_plugin = { SAVOIR_PLUGIN_HEAD,
	.name = "legal", .version = LEGAL_VERSION, .types = legal_types,
	.extensions = legal_extensions, .probe = legal_probe,
	.extract = legal_extract,
	.description = "Articles of codes and laws in plain text, one "
	    "document per article" };

SAVOIR_PLUGIN_ENTRY(legal_plugin, host, utf8_check)
