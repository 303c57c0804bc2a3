/*
 * partenariat.c - the `partenariat` plugin: partnership records between a
 * French local authority and a foreign partner, one document per record
 * (`partenariat/<id>`), read from CSV (libcsv) or JSON Lines (jansson).
 * The format is corpus/partenariats/README.md; a .jsonl file holds the
 * same records, one JSON object a line with the same keys.
 *
 * It owns the reading of that format: the columns, which are required,
 * the values they may take; how a record reads as a document (title,
 * French sentences for the index, facets, metadata, an HTML record card,
 * links between records that share an authority or a partner) is
 * document.c's.  A bad row costs that row (a warning naming its line and
 * field), never the file; only a file that cannot be read as records at
 * all (empty, not UTF-8, a header without the required columns) is an
 * error.
 *
 * It must never hand-parse CSV or JSON, never write a value into HTML
 * without escaping it (every text goes through host->buf_html), and never
 * call a host symbol: everything it asks of the host goes through the
 * function table it was given.  It keeps no state between files.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <jansson.h>

#include "savoir/plugin.h"
#include "../common/buf.h"
#include "../common/decl.h"
#include "partenariat.h"

#define PT_VERSION	"1.1.0"
/* The host refuses ids over 200 bytes; keep room for the prefix. */
#define PT_ID_MAX	(200 - (sizeof(PT_ID_PREFIX) - 1))
/* Amounts above this are typing mistakes, not budgets (and fit a long long
 * with room to spare). */
#define PT_MONTANT_MAX	999999999999LL

/* Set by the entry point: the only way to reach the host. */
const struct savoir_host *host;

const struct pt_column pt_columns[PT_NCOLS] = {
	{ "id", "Identifiant", PT_REQUIRED },
	{ "collectivite", "Collectivité", PT_REQUIRED },
	{ "type_collectivite", "Type de collectivité", PT_REQUIRED },
	{ "partenaire", "Partenaire", PT_REQUIRED },
	{ "pays", "Pays", PT_REQUIRED },
	{ "annee_debut", "Année de début", PT_REQUIRED | PT_NUMBER },
	{ "annee_fin", "Année de fin", PT_NUMBER },
	{ "themes", "Thèmes", PT_REQUIRED | PT_LIST },
	{ "statut", "Statut", PT_REQUIRED },
	{ "financeurs", "Financeurs", PT_LIST },
	{ "montant_eur", "Montant", PT_NUMBER },
	{ "description", "Description", PT_MULTILINE },
	{ "source", "Source", 0 },
	{ "exemple", "Exemple fictif", PT_REQUIRED }
};

static const char *const pt_types_collectivite[] = { "commune", "EPCI",
	"département", "région", NULL };
static const char *const pt_statuts[] = { "actif", "terminé", NULL };
static const char *const pt_oui_non[] = { "oui", "non", NULL };

static const struct savoir_facet_decl pt_facets[] = {
	FACET_PAYS,
	{ "type_collectivite", "Type de collectivité", SAVOIR_FACET_KEYWORD },
	FACET_THEME, { "statut", "Statut", SAVOIR_FACET_KEYWORD },
	{ "annee", "Année de début", SAVOIR_FACET_YEAR },
	{ "financeur", "Financeur", SAVOIR_FACET_KEYWORD },
	{ "exemple", "Exemple fictif", SAVOIR_FACET_KEYWORD }, FACET_END
};

static const struct savoir_type_decl pt_types[] = {
	{ "partenariat", "Fiche partenariat", "Fiches partenariat", pt_facets },
	TYPE_END
};

static const char *const pt_extensions[] = { ".csv", ".jsonl", NULL };
static const char *const pt_mime_types[] = { "text/csv", "application/jsonl",
	NULL };

/* --- strings ------------------------------------------------------- */

static void
pt_list_free(struct pt_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Take s into the list; 0 or -1 (s freed) when out of memory. */
static int
pt_list_take(struct pt_list *l, char *s)
{
	char	**v;

	if ((v = reallocarray(l->v, l->n + 1, sizeof *v)) == NULL) {
		free(s);
		return -1;
	}
	l->v = v;
	l->v[l->n++] = s;
	return 0;
}

/* Join a list with sep into b, reset first; returns b's text or "". */
const char *
pt_join(struct savoir_buf *b, const struct pt_list *l, const char *sep)
{
	size_t	 i;

	buf_reset(b);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			host->buf_adds(b, sep);
		host->buf_adds(b, l->v[i]);
	}
	return buf_str(b);
}

static int
pt_oneof(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/*
 * A value as the record keeps it: control characters become spaces, runs
 * of blanks one space, no blanks at either end.  With multiline, line
 * breaks stay (CR LF and CR become LF, at most one blank line in a row) so
 * a description keeps its paragraphs.  NULL with *oom unset if nothing is
 * left.  Caller frees.
 */
static char *
pt_clean(const char *s, size_t len, int multiline, int *oom)
{
	char	*out, *o;
	size_t	 i, nl = 0;
	int	 space = 0;
	unsigned char c;

	if ((out = malloc(len + 1)) == NULL) {
		*oom = 1;
		return NULL;
	}
	o = out;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (multiline && (c == '\n' || c == '\r')) {
			if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			nl++;
			space = 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = 1;
			continue;
		}
		if (o > out) {
			if (nl > 0) {
				*o++ = '\n';
				if (nl > 1)
					*o++ = '\n';
			} else if (space)
				*o++ = ' ';
		}
		nl = 0;
		space = 0;
		*o++ = (char)c;
	}
	*o = '\0';
	if (o == out) {
		free(out);
		return NULL;
	}
	return out;
}

/* --- messages ------------------------------------------------------ */

/*
 * Format a message into msg, cut to size.  The cut may fall inside a UTF-8
 * sequence: drop the incomplete sequence, since the host wants valid UTF-8
 * (what messages quote of the file was checked before, see
 * pt_text_check).
 */
static void
pt_vformat(char *msg, size_t size, const char *fmt, va_list ap)
{
	vsnprintf(msg, size, fmt, ap);
	msg[host->utf8_check(msg, strlen(msg))] = '\0';
}

/* A warning for the file; nothing while probing (no sink). */
void SAVOIR_PRINTF(3, 4)
pt_warn(struct pt_file *f, long line, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	if (f->sink == NULL)
		return;
	va_start(ap, fmt);
	pt_vformat(msg, sizeof msg, fmt, ap);
	va_end(ap);
	host->warn(f->sink, line, "%s", msg);
}

/* The file's error: reading stops. */
static void SAVOIR_PRINTF(2, 3)
pt_error(struct pt_file *f, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	f->stop = 1;
	if (f->sink == NULL)
		return;
	va_start(ap, fmt);
	pt_vformat(msg, sizeof msg, fmt, ap);
	va_end(ap);
	host->error(f->sink, "%s", msg);
}

/*
 * The checks before any parsing: something that is not blank, valid UTF-8
 * without NUL bytes (the line of the first bad byte: a Latin-1 export from
 * a spreadsheet is the usual culprit).  0 or -1 with the file's error.
 */
static int
pt_text_check(struct pt_file *f, const unsigned char *s, size_t len)
{
	const char	*p = (const char *)s, *nul;
	size_t		 bad, i;
	long		 line = 1;

	/* Every value goes to the host as a C string: a NUL is bad too. */
	bad = host->utf8_check(p, len);
	if ((nul = memchr(p, '\0', bad)) != NULL)
		bad = (size_t)(nul - p);
	if (bad < len) {
		for (i = 0; i < bad; i++)
			if (p[i] == '\n')
				line++;
		if (p[bad] == '\0')
			pt_error(f, "NUL byte at line %ld (is this a text "
			    "file?)", line);
		else
			pt_error(f, "invalid UTF-8 at line %ld (is the file in "
			    "Latin-1?)", line);
		return -1;
	}
	/* Not isspace(): the answer must not depend on a locale. */
	for (i = 0; i < len && (p[i] == ' ' || p[i] == '\t' ||
	    p[i] == '\r' || p[i] == '\n'); i++)
		;
	if (i == len) {
		pt_error(f, "empty file");
		return -1;
	}
	return 0;
}

/* --- records ------------------------------------------------------- */

void
pt_rec_free(struct pt_rec *r)
{
	size_t	 i;

	for (i = 0; i < PT_NCOLS; i++)
		free(r->v[i]);
	pt_list_free(&r->themes);
	pt_list_free(&r->financeurs);
	free(r->docid);
	free(r->title);
	for (i = 0; i < GRILLE_N; i++)
		free(r->grid_comment[i]);
}

static void
pt_file_free(struct pt_file *f)
{
	size_t	 i;

	for (i = 0; i < f->nrecs; i++)
		pt_rec_free(&f->recs[i]);
	free(f->recs);
	free(f->order[0]);
	free(f->order[1]);
	free(f->colmap);
	pt_list_free(&f->fields);
}

/* A new record at the end of the file's list; NULL when out of memory. */
static struct pt_rec *
pt_rec_new(struct pt_file *f, long line)
{
	struct pt_rec	*r;
	size_t		 cap;

	if (f->nrecs == f->caprecs) {
		cap = f->caprecs > 0 ? f->caprecs * 2 : 16;
		r = reallocarray(f->recs, cap, sizeof *r);
		if (r == NULL) {
			f->failed = 1;
			return NULL;
		}
		f->recs = r;
		f->caprecs = cap;
	}
	r = &f->recs[f->nrecs++];
	memset(r, 0, sizeof *r);
	r->line = line;
	r->montant = -1;
	return r;
}

/* Forget the last record (a row that was skipped). */
static void
pt_rec_drop(struct pt_file *f)
{
	pt_rec_free(&f->recs[--f->nrecs]);
}

static struct pt_list *
pt_rec_list(struct pt_rec *r, enum pt_col col)
{
	return col == PT_THEMES ? &r->themes : &r->financeurs;
}

/* Add the items of a ';'-separated text to a list column. */
static void
pt_rec_split(struct pt_file *f, struct pt_rec *r, enum pt_col col,
    const char *s, size_t len)
{
	const char	*end = s + len, *semi;
	char		*item;
	int		 oom = 0;

	while (s < end) {
		if ((semi = memchr(s, ';', end - s)) == NULL)
			semi = end;
		item = pt_clean(s, semi - s, 0, &oom);
		if (item != NULL && pt_list_take(pt_rec_list(r, col), item) ==
		    -1)
			oom = 1;
		s = semi + 1;
	}
	if (oom)
		f->failed = 1;
}

/* Set a column from text as the file gives it. */
static void
pt_rec_set(struct pt_file *f, struct pt_rec *r, enum pt_col col,
    const char *s, size_t len)
{
	int	 oom = 0;

	if (pt_columns[col].flags & PT_LIST) {
		pt_rec_split(f, r, col, s, len);
		return;
	}
	free(r->v[col]);
	r->v[col] = pt_clean(s, len, pt_columns[col].flags & PT_MULTILINE,
	    &oom);
	if (oom)
		f->failed = 1;
}

/* A skipped row's reason. */
static void SAVOIR_PRINTF(3, 4)
pt_rec_bad(struct pt_file *f, struct pt_rec *r, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[900];

	va_start(ap, fmt);
	pt_vformat(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pt_warn(f, r->line, "%s (row skipped)", msg);
	r->bad = 1;
}

static int
pt_year(const char *s)
{
	return strlen(s) == 4 && (s[0] == '1' || s[0] == '2') &&
	    isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
	    isdigit((unsigned char)s[3]);
}

/*
 * Is s an id as the format wants it, [a-z0-9]+(-[a-z0-9]+)*?  It is
 * part of a URL (/doc/partenariat/<id>) that other documents cite, so it
 * needs no escaping and cannot be mistyped with a look-alike character.
 */
static int
pt_id_valid(const char *s)
{
	size_t	 i;

	if (*s == '\0' || strlen(s) > PT_ID_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '-') {
			if (i == 0 || s[i - 1] == '-' || s[i + 1] == '\0')
				return 0;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9')))
			return 0;
	}
	return 1;
}

int
pt_http_url(const char *s)
{
	size_t	 n = strncasecmp(s, "http://", 7) == 0 ? 7 :
		    strncasecmp(s, "https://", 8) == 0 ? 8 : 0;

	/* A scheme, then a host. */
	if (n == 0 || s[n] == '\0' || s[n] == '/')
		return 0;
	return strpbrk(s, " \t\n<>\"") == NULL;
}

/*
 * Check a record read from the file: every problem is reported with the
 * field it is in, and makes the row skipped.  A source that is not a web
 * address only loses the source.
 */
static void
pt_rec_check(struct pt_file *f, struct pt_rec *r)
{
	const char	*s;
	size_t		 i;
	int		 exemple;

	for (i = 0; i < PT_NCOLS; i++) {
		if (!(pt_columns[i].flags & PT_REQUIRED))
			continue;
		if (pt_columns[i].flags & PT_LIST ?
		    pt_rec_list(r, i)->n == 0 : r->v[i] == NULL)
			pt_rec_bad(f, r, "field %s: missing",
			    pt_columns[i].name);
	}
	if ((s = r->v[PT_ID]) != NULL && !pt_id_valid(s))
		pt_rec_bad(f, r, "field id: `%s` is not made of lower-case "
		    "letters without accents, digits and single hyphens, like "
		    "lille-saint-louis", s);
	if ((s = r->v[PT_TYPE]) != NULL &&
	    !pt_oneof(s, pt_types_collectivite))
		pt_rec_bad(f, r, "field type_collectivite: `%s` is not one of "
		    "commune, EPCI, département, région", s);
	if ((s = r->v[PT_DEBUT]) != NULL && !pt_year(s))
		pt_rec_bad(f, r, "field annee_debut: `%s` is not a four-digit "
		    "year", s);
	if ((s = r->v[PT_FIN]) != NULL) {
		if (!pt_year(s))
			pt_rec_bad(f, r, "field annee_fin: `%s` is not a "
			    "four-digit year", s);
		else if (r->v[PT_DEBUT] != NULL && pt_year(r->v[PT_DEBUT]) &&
		    strcmp(s, r->v[PT_DEBUT]) < 0)
			pt_rec_bad(f, r, "field annee_fin: %s is before "
			    "annee_debut %s", s, r->v[PT_DEBUT]);
	}
	if ((s = r->v[PT_STATUT]) != NULL && !pt_oneof(s, pt_statuts))
		pt_rec_bad(f, r, "field statut: `%s` is not one of actif, "
		    "terminé", s);
	if ((s = r->v[PT_EXEMPLE]) != NULL && !pt_oneof(s, pt_oui_non))
		pt_rec_bad(f, r, "field exemple: `%s` is not oui or non", s);
	if ((s = r->v[PT_MONTANT]) != NULL) {
		for (i = 0; isdigit((unsigned char)s[i]); i++)
			;
		if (i == 0 || s[i] != '\0' || i > 15 ||
		    (r->montant = strtoll(s, NULL, 10)) > PT_MONTANT_MAX)
			pt_rec_bad(f, r, "field montant_eur: `%s` is not a "
			    "whole number of euros (digits only, no spaces "
			    "or decimals)", s);
	}
	if ((s = r->v[PT_SOURCE]) != NULL && !pt_http_url(s)) {
		pt_warn(f, r->line, "field source: `%s` is not an http(s) "
		    "address (source ignored)", s);
		free(r->v[PT_SOURCE]);
		r->v[PT_SOURCE] = NULL;
	}
	if (r->bad || r->v[PT_EXEMPLE] == NULL)
		return;

	/*
	 * The rules of corpus/partenariats/README.md that tie fields
	 * together.  A real record is only admitted with its source; the
	 * others cost a value, not the record.
	 */
	exemple = strcmp(r->v[PT_EXEMPLE], "oui") == 0;
	if (!exemple && r->v[PT_SOURCE] == NULL)
		pt_rec_bad(f, r, "field source: missing, a real partnership "
		    "(exemple non) needs the web address of its source");
	else if (exemple && r->v[PT_SOURCE] != NULL) {
		/* A made-up record must not look sourced. */
		pt_warn(f, r->line, "field source: an example (exemple oui) "
		    "has no source (source ignored)");
		free(r->v[PT_SOURCE]);
		r->v[PT_SOURCE] = NULL;
	}
	if (r->v[PT_FIN] != NULL && strcmp(r->v[PT_STATUT], "actif") == 0)
		pt_warn(f, r->line, "field annee_fin: a partnership still "
		    "active (statut actif) has no end year; is it terminé?");
}

/* Check the record just read; keep it or drop it. */
static void
pt_rec_done(struct pt_file *f, struct pt_rec *r)
{
	if (f->failed) {
		pt_rec_drop(f);
		return;
	}
	pt_rec_check(f, r);
	if (r->bad)
		pt_rec_drop(f);
}

/* --- CSV ----------------------------------------------------------- */

static int
pt_col_find(const char *name)
{
	int	 i;

	for (i = 0; i < PT_NCOLS; i++)
		if (strcmp(pt_columns[i].name, name) == 0)
			return i;
	return -1;
}

/* The header line: which column is which. */
static void
pt_csv_header(struct pt_file *f)
{
	struct savoir_buf	 missing = SAVOIR_BUF_INIT;
	size_t			 i, j;
	int			 col, seen[PT_NCOLS] = { 0 };

	if ((f->colmap = calloc(f->fields.n, sizeof *f->colmap)) == NULL) {
		f->failed = 1;
		return;
	}
	f->ncolmap = f->fields.n;
	for (i = 0; i < f->fields.n; i++) {
		col = f->colmap[i] = pt_col_find(f->fields.v[i]);
		if (col == -1) {
			pt_warn(f, f->rec_line, "unknown column `%s` "
			    "(ignored)", f->fields.v[i]);
			continue;
		}
		if (seen[col]) {
			pt_error(f, "line %ld: column `%s` appears twice in "
			    "the header", f->rec_line, f->fields.v[i]);
			return;
		}
		seen[col] = 1;
	}
	for (j = 0; j < PT_NCOLS; j++) {
		if (!(pt_columns[j].flags & PT_REQUIRED) || seen[j])
			continue;
		if (missing.len > 0)
			host->buf_adds(&missing, ", ");
		host->buf_adds(&missing, pt_columns[j].name);
	}
	if (missing.failed)
		f->failed = 1;
	else if (missing.len > 0)
		pt_error(f, "line %ld: the header lacks the required "
		    "column%s %s (the header line names the columns: id,"
		    "collectivite,type_collectivite,partenaire,pays,"
		    "annee_debut,annee_fin,themes,statut,financeurs,"
		    "montant_eur,description,source,exemple)", f->rec_line,
		    strchr(missing.s, ',') != NULL ? "s" : "", missing.s);
	else
		f->probe_ok = 1;
	host->buf_free(&missing);
	f->header_done = 1;
	if (f->probe)
		f->stop = 1;
}

/* The name of the column at a position of the header, for messages. */
static const char *
pt_col_name(struct pt_file *f, size_t i)
{
	if (i < f->ncolmap && f->colmap[i] >= 0)
		return pt_columns[f->colmap[i]].name;
	snprintf(f->colname, sizeof f->colname, "%zu", i + 1);
	return f->colname;
}

/* One data row. */
static void
pt_csv_row(struct pt_file *f)
{
	struct pt_rec	*r;
	size_t		 i;

	f->nrows++;
	if ((r = pt_rec_new(f, f->rec_line)) == NULL)
		return;
	if (f->fields.n < f->ncolmap) {
		/* Name the first field that is not there. */
		pt_rec_bad(f, r, "field %s: missing, the row has %zu fields "
		    "where the header has %zu", pt_col_name(f, f->fields.n),
		    f->fields.n, f->ncolmap);
		pt_rec_drop(f);
		return;
	}
	if (f->fields.n > f->ncolmap) {
		pt_rec_bad(f, r, "field count: the row has %zu fields where "
		    "the header has %zu (a comma in a value without quotes "
		    "around it?)", f->fields.n, f->ncolmap);
		pt_rec_drop(f);
		return;
	}
	for (i = 0; i < f->ncolmap; i++)
		if (f->colmap[i] >= 0)
			pt_rec_set(f, r, f->colmap[i], f->fields.v[i],
			    strlen(f->fields.v[i]));
	pt_rec_done(f, r);
}

/* libcsv: a field has been read. */
static void
pt_csv_field(void *s, size_t len, void *arg)
{
	struct pt_file	*f = arg;
	char		*v;

	if (f->failed || f->stop)
		return;
	if ((v = strndup(s != NULL ? s : "", len)) == NULL ||
	    pt_list_take(&f->fields, v) == -1)
		f->failed = 1;
}

/* libcsv: a row has ended. */
static void
pt_csv_end(int c, void *arg)
{
	struct pt_file	*f = arg;

	(void)c;
	f->in_rec = 0;
	if (!f->failed && !f->stop) {
		if (!f->header_done)
			pt_csv_header(f);
		else
			pt_csv_row(f);
	}
	pt_list_free(&f->fields);
}

/* Does this piece of a line hold anything but blanks and line ends? */
static int
pt_blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}

/*
 * Read CSV text with libcsv, the header first, then each row.  libcsv
 * does not count lines, so it is fed one physical line at a time (each
 * piece ends with its line break): a row can then only end at the end of
 * a piece, and the line a row started on is known.  A quoting error
 * costs the row it is in; reading resumes on the next line.
 */
static void
pt_csv_read(struct pt_file *f, const char *data, size_t len)
{
	struct csv_parser	 p;
	const unsigned char	 opts = CSV_STRICT | CSV_STRICT_FINI |
	    CSV_APPEND_NULL;
	size_t			 off = 0, n;
	const char		*brk;
	int			 quoted_open;

	if (csv_init(&p, opts) != 0) {
		f->failed = 1;
		return;
	}
	f->line = 1;
	while (off < len && !f->failed && !f->stop) {
		brk = data + off;
		for (n = 0; off + n < len; n++)
			if (brk[n] == '\r' || brk[n] == '\n') {
				n++;
				break;
			}
		if (!f->in_rec && !pt_blank(brk, n)) {
			f->in_rec = 1;
			f->rec_line = f->line;
		}
		if (csv_parse(&p, brk, n, pt_csv_field, pt_csv_end, f) != n) {
			if (csv_error(&p) != CSV_EPARSE) {
				f->failed = 1;
				break;
			}
			if (!f->header_done) {
				pt_error(f, "line %ld: the header line is not "
				    "valid CSV (a quote inside a value "
				    "without quotes, or text after a closing "
				    "quote)", f->rec_line);
				break;
			}
			f->nrows++;
			pt_warn(f, f->rec_line, "field %s: a quote (\") inside "
			    "a value that is not in quotes, or text after a "
			    "closing quote: write the value in quotes and "
			    "double its quotes (row skipped)",
			    pt_col_name(f, f->fields.n));
			pt_list_free(&f->fields);
			f->in_rec = 0;
			csv_free(&p);
			if (csv_init(&p, opts) != 0) {
				f->failed = 1;
				return;
			}
		}
		if (brk[n - 1] == '\n' || (brk[n - 1] == '\r' &&
		    (off + n == len || brk[n] != '\n')))
			f->line++;
		off += n;
	}
	if (!f->failed && !f->stop) {
		quoted_open = csv_fini(&p, pt_csv_field, pt_csv_end, f) != 0;
		if (quoted_open && f->header_done)
			pt_warn(f, f->rec_line, "field %s: a quoted value is "
			    "never closed, the rest of the file is in it "
			    "(row skipped)", pt_col_name(f, f->fields.n));
		else if (quoted_open)
			pt_error(f, "line %ld: a quoted column name is never "
			    "closed", f->rec_line);
	}
	csv_free(&p);
	pt_list_free(&f->fields);
}

/* Skip a UTF-8 byte order mark: spreadsheets ("CSV UTF-8") write one. */
static void
pt_skip_bom(const char **data, size_t *len)
{
	if (*len >= 3 && memcmp(*data, "\xef\xbb\xbf", 3) == 0) {
		*data += 3;
		*len -= 3;
	}
}

/* --- JSON Lines ---------------------------------------------------- */

/* Set a column from a JSON value. */
static void
pt_json_value(struct pt_file *f, struct pt_rec *r, enum pt_col col,
    json_t *v)
{
	const int	 flags = pt_columns[col].flags;
	const char	*name = pt_columns[col].name;
	char		 num[32];
	json_t		*item;
	size_t		 i;

	switch (json_typeof(v)) {
	case JSON_NULL:
		return;
	case JSON_STRING:
		pt_rec_set(f, r, col, json_string_value(v),
		    json_string_length(v));
		return;
	case JSON_INTEGER:
		if (!(flags & PT_NUMBER))
			break;
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		pt_rec_set(f, r, col, num, strlen(num));
		return;
	case JSON_TRUE:
	case JSON_FALSE:
		if (col != PT_EXEMPLE)
			break;
		pt_rec_set(f, r, col, json_is_true(v) ? "oui" : "non", 3);
		return;
	case JSON_ARRAY:
		if (!(flags & PT_LIST))
			break;
		json_array_foreach(v, i, item) {
			if (!json_is_string(item)) {
				pt_rec_bad(f, r, "field %s: the items of the "
				    "list must be text", name);
				return;
			}
			pt_rec_set(f, r, col, json_string_value(item),
			    json_string_length(item));
		}
		return;
	default:
		break;
	}
	pt_rec_bad(f, r, "field %s: must be text%s", name,
	    flags & PT_LIST ? " or a list of texts" :
	    flags & PT_NUMBER ? " or a whole number" : "");
}

/* One key of a criterion in a record's grid: 0, or -1 (row bad). */
static int
pt_json_grid_key(struct pt_file *f, struct pt_rec *r, const char *id, int k,
    const char *key, json_t *x)
{
	json_int_t	 note;
	int		 oom = 0;

	if (strcmp(key, "note") == 0) {
		if (!json_is_integer(x) || (note = json_integer_value(x)) < 0 ||
		    note > 3) {
			pt_rec_bad(f, r, "field grille.%s.note: must be a "
			    "whole number from 0 to 3", id);
			return -1;
		}
		r->grid_note[k] = (signed char)(note + 1);
		return 0;
	}
	if (strcmp(key, "commentaire") != 0) {
		pt_rec_bad(f, r, "field grille.%s: unknown key `%s` (note, "
		    "commentaire)", id, key);
		return -1;
	}
	if (json_is_null(x))
		return 0;
	if (!json_is_string(x)) {
		pt_rec_bad(f, r, "field grille.%s.commentaire: must be text",
		    id);
		return -1;
	}
	if (json_string_length(x) > GRILLE_COMMENT_MAX) {
		pt_rec_bad(f, r, "field grille.%s.commentaire: longer than %d "
		    "bytes", id, GRILLE_COMMENT_MAX);
		return -1;
	}
	free(r->grid_comment[k]);
	r->grid_comment[k] = pt_clean(json_string_value(x),
	    json_string_length(x), 0, &oom);
	if (oom) {
		f->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * The optional "grille" of a JSON Lines record: {"equilibre": {"note": 2,
 * "commentaire": "…"}, …}, criteria by their id (grille.h), notes from 0
 * to 3.  Anything else costs the record, with the field it is in.
 */
static void
pt_json_grid(struct pt_file *f, struct pt_rec *r, json_t *v)
{
	json_t		*c, *x;
	const char	*id, *key;
	int		 k;

	if (json_is_null(v))
		return;
	if (!json_is_object(v)) {
		pt_rec_bad(f, r, "field grille: must be an object like "
		    "{\"equilibre\": {\"note\": 2, \"commentaire\": \"…\"}}");
		return;
	}
	json_object_foreach(v, id, c) {
		if ((k = grille_find_id(id)) == -1) {
			pt_rec_bad(f, r, "field grille: unknown criterion `%s` "
			    "(one of: " GRILLE_IDS ")", id);
			return;
		}
		if (!json_is_object(c)) {
			pt_rec_bad(f, r, "field grille.%s: must be an object "
			    "{\"note\": 0 to 3, \"commentaire\": \"…\"}", id);
			return;
		}
		json_object_foreach(c, key, x)
			if (pt_json_grid_key(f, r, id, k, key, x) == -1)
				return;
		if (r->grid_note[k] == 0) {
			pt_rec_bad(f, r, "field grille.%s.note: missing", id);
			return;
		}
	}
}

/* One line of a .jsonl file. */
static void
pt_json_line(struct pt_file *f, const char *s, size_t len, long line)
{
	struct pt_rec	*r;
	json_error_t	 err;
	json_t		*obj, *v;
	const char	*key;
	int		 col;

	if ((r = pt_rec_new(f, line)) == NULL)
		return;
	obj = json_loadb(s, len, JSON_REJECT_DUPLICATES, &err);
	if (obj == NULL) {
		pt_rec_bad(f, r, "not valid JSON: %s (column %d)", err.text,
		    err.column);
		pt_rec_drop(f);
		return;
	}
	if (!json_is_object(obj)) {
		pt_rec_bad(f, r, "not a JSON object: each line must be one "
		    "{\"id\": …} record");
		json_decref(obj);
		pt_rec_drop(f);
		return;
	}
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "grille") == 0) {
			pt_json_grid(f, r, v);
			continue;
		}
		if ((col = pt_col_find(key)) == -1) {
			pt_warn(f, line, "unknown key `%s` (ignored)", key);
			continue;
		}
		pt_json_value(f, r, col, v);
	}
	json_decref(obj);
	if (r->bad)
		pt_rec_drop(f);
	else
		pt_rec_done(f, r);
}

static void
pt_json_read(struct pt_file *f, const char *data, size_t len)
{
	const char	*s = data, *end = data + len, *nl;
	size_t		 n;
	long		 line = 1;

	for (; s < end && !f->failed; s = nl + 1, line++) {
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		n = nl - s;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (!pt_blank(s, n))
			pt_json_line(f, s, n, line);
	}
}

/* --- the plugin's callbacks ---------------------------------------- */

static int
pt_has_suffix(const char *path, const char *suffix)
{
	size_t	 n = strlen(path), m = strlen(suffix);

	return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

/*
 * A .csv file is ours if its header names the required columns (other
 * plugins may read other CSV files).  A .jsonl file is taken as it comes
 * (the score an extension match gets): looking at its first record would
 * turn one bad record into a file nobody reads, with no warning at all.
 */
static int
pt_probe(void *state, const struct savoir_input *in)
{
	struct pt_file	 f;
	const char	*data = (const char *)in->data;
	size_t		 len = in->len;
	int		 ok;

	(void)state;
	if (in->path != NULL && pt_has_suffix(in->path, ".jsonl"))
		return 50;
	memset(&f, 0, sizeof f);
	f.probe = 1;
	pt_skip_bom(&data, &len);
	pt_csv_read(&f, data, len);
	ok = f.probe_ok;
	pt_file_free(&f);
	return ok ? 80 : 0;
}

static int
pt_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct pt_file	 f;
	const char	*data = (const char *)in->data;
	size_t		 len = in->len, i;
	int		 rc = -1;

	(void)state;
	memset(&f, 0, sizeof f);
	f.sink = sink;
	if (pt_text_check(&f, in->data, in->len) == -1)
		return -1;
	pt_skip_bom(&data, &len);
	if (in->path != NULL && pt_has_suffix(in->path, ".jsonl"))
		pt_json_read(&f, data, len);
	else {
		pt_csv_read(&f, data, len);
		if (!f.header_done && !f.stop && !f.failed)
			pt_error(&f, "empty file");
		else if (f.header_done && !f.stop && !f.failed &&
		    f.nrows == 0)
			pt_warn(&f, 1, "no record after the header line");
	}
	if (f.stop)
		goto out;
	if (f.failed || pt_prepare(&f) == -1)
		goto oom;
	for (i = 0; i < f.nrecs; i++)
		if (pt_emit(&f, i) == -1)
			break;
	/* A record that failed said why, unless memory ran out. */
	if (f.failed)
		goto oom;
	if (i == f.nrecs)
		rc = 0;
	goto out;
oom:
	host->error(sink, "out of memory");
out:
	pt_file_free(&f);
	return rc;
}

static const struct savoir_plugin pt_plugin = { SAVOIR_PLUGIN_HEAD,
	.name = "partenariat", .version = PT_VERSION, .types = pt_types,
	.extensions = pt_extensions, .mime_types = pt_mime_types,
	.probe = pt_probe, .extract = pt_extract,
	.description = "Partnership records between French local authorities "
	    "and foreign partners, from CSV or JSON Lines" };

SAVOIR_PLUGIN_ENTRY(pt_plugin, host, utf8_check)
