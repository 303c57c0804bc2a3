/*
 * office.c - the `office` plugin: word-processing documents, OpenDocument
 * text (.odt) and Office Open XML (.docx), one document per file, its id
 * the file's id prefix.
 *
 * It owns the plugin itself and one file's reading from start to end: the
 * descriptor and its entry point (the plugin's one exported symbol), the
 * probe, the extraction that opens the container (container.c), reads one
 * of the two formats (docx.c, odf.c) into the document model (blocks.c,
 * styles.c), then emits the document to the host: title, columns, the
 * metadata as facets and French meta entries, the HTML; and the reporting
 * of why a file fails.
 *
 * Every byte comes from an untrusted file; the limits are in office.h and
 * are kept where the bytes are read, and no file may do work quadratic in
 * its input.  It must never call a host symbol: everything goes through
 * the host's function table, office_host.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "office.h"
#include "../common/decl.h"

#define OFFICE_VERSION		"1.0.0"
#define OFFICE_TYPE		"bureautique"

/* Set by the entry point: the only way to reach the host. */
const struct savoir_host *office_host;

static const struct savoir_facet_decl office_facets[] = {
	FACET_ANNEE, FACET_AUTEUR, FACET_END
};

static const struct savoir_type_decl office_types[] = {
	{ OFFICE_TYPE, "Document bureautique", "Documents bureautiques",
	    office_facets }, TYPE_END
};

static const char *const office_extensions[] = { ".odt", ".docx", NULL };
static const char *const office_mime_types[] = { ODT_MIME, DOCX_MIME, NULL };

/* Report why the file fails; only the first reason is kept. */
void __attribute__((format(printf, 2, 3)))
office_error(struct office *o, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	if (o->errored)
		return;
	o->errored = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (o->sink != NULL)
		office_host->error(o->sink, "%s", msg);
	if (o->ctxt != NULL)
		xmlStopParser(o->ctxt);
}

int
office_oom(struct office *o)
{
	office_error(o, "out of memory");
	return -1;
}

int
office_stopped(const struct office *o)
{
	return o->errored || o->full;
}

/* Which of our extensions the path has: 1 .odt, 2 .docx, 0 neither. */
static int
office_ext(const char *path)
{
	const char	*dot;

	if (path == NULL || (dot = strrchr(path, '.')) == NULL)
		return 0;
	if (strcasecmp(dot, ".odt") == 0)
		return 1;
	if (strcasecmp(dot, ".docx") == 0)
		return 2;
	return 0;
}

/* A date's year, month and day if s starts with a real YYYY-MM-DD. */
static int
office_date(const char *s, int *y, int *m, int *d)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			 i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	if (s[10] != '\0' && s[10] != 'T' && s[10] != ' ')
		return 0;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1000 || *y > 2999 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > mdays[*m - 1] || (*m == 2 && *d == 29 &&
	    (*y % 4 != 0 || (*y % 100 == 0 && *y % 400 != 0))))
		return 0;
	return 1;
}

static const char *const office_months[] = { "janvier", "février", "mars",
	"avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre" };

/* A first heading that only repeats the title leaves the HTML (the page
 * shows the title already); it stays in the headings column. */
static void
office_drop_title(struct office *o, const char *title)
{
	struct savoir_buf	 h = SAVOIR_BUF_INIT;

	office_host->buf_adds(&h, "<h2>");
	office_html(&h, title, strlen(title));
	office_host->buf_adds(&h, "</h2>\n");
	if (!h.failed && o->html.len >= h.len &&
	    memcmp(o->html.s, h.s, h.len) == 0) {
		memmove(o->html.s, o->html.s + h.len, o->html.len - h.len + 1);
		o->html.len -= h.len;
	}
	office_host->buf_free(&h);
}

static int
office_emit(struct office *o)
{
	struct savoir_sink	*sink = o->sink;
	const char		*title, *date, *base, *id = o->in->id_prefix;
	char			 year[16], fr[64];
	size_t			 room;
	int			 y, m, d, havedate;

	office_close_list(o);
	if ((title = o->title) == NULL && (title = o->first_heading) == NULL) {
		base = o->in->path != NULL ? strrchr(o->in->path, '/') : NULL;
		title = base != NULL ? base + 1 : o->in->path != NULL ?
		    o->in->path : id;
	}
	office_drop_title(o, title);
	/* The notes follow the body, within the same limits. */
	if (o->notes_text.len > 0) {
		room = o->body.len + 1 < OFFICE_TEXT_MAX ?
		    OFFICE_TEXT_MAX - o->body.len - 1 : 0;
		if (buf_clip(&o->notes_text, room))
			o->full = 1;
		office_line(&o->body, o->notes_text.s, o->notes_text.len);
		if (o->html.len + o->notes_html.len + 32 <= OFFICE_HTML_MAX) {
			office_host->buf_adds(&o->html, "<h2>Notes</h2>\n");
			office_host->buf_add(&o->html, o->notes_html.s,
			    o->notes_html.len);
		} else
			o->full = 1;
	}
	if (o->body.failed || o->heads.failed || o->html.failed ||
	    o->keywords.failed || o->line.failed || o->clean.failed ||
	    o->row.failed || o->rowhtml.failed || o->notes_text.failed ||
	    o->notes_html.failed)
		return office_oom(o);
	if (id == NULL || *id == '\0') {
		office_error(o, "no document id: the host gave no id prefix");
		return -1;
	}

	date = o->created != NULL ? o->created : o->modified;
	havedate = office_date(date, &y, &m, &d);
	if (date != NULL && !havedate)
		office_host->warn(sink, 0, "the %s date \"%.40s\" is not an "
		    "ISO date (ignored)", o->created != NULL ? "creation" :
		    "modification", date);
	if (o->full)
		office_host->warn(sink, 0, "the text was cut after %zu MB: the "
		    "rest of the document is not indexed",
		    OFFICE_TEXT_MAX >> 20);
	if (o->body.len == 0 && o->heads.len == 0)
		office_host->warn(sink, 0, "the document has no text");

	if (office_host->doc_begin(sink, id, OFFICE_TYPE) == -1 ||
	    office_host->doc_text(sink, SAVOIR_COL_TITLE, title,
	    strlen(title)) == -1)
		return -1;
	if (o->heads.len > 0 && office_host->doc_text(sink, SAVOIR_COL_HEADINGS,
	    o->heads.s, o->heads.len) == -1)
		return -1;
	if (o->body.len > 0 && office_host->doc_text(sink, SAVOIR_COL_BODY,
	    o->body.s, o->body.len) == -1)
		return -1;

	if (havedate) {
		snprintf(year, sizeof year, "%04d", y);
		snprintf(fr, sizeof fr, "%d%s %s %d", d, d == 1 ? "er" : "",
		    office_months[m - 1], y);
		if (office_host->doc_facet(sink, "annee", year) == -1)
			return -1;
	}
	if (o->author != NULL &&
	    office_host->doc_facet(sink, "auteur", o->author) == -1)
		return -1;

	if (o->title != NULL &&
	    office_host->doc_meta(sink, "titre", "Titre", o->title) == -1)
		return -1;
	if (o->author != NULL &&
	    office_host->doc_meta(sink, "auteur", "Auteur", o->author) == -1)
		return -1;
	if (havedate && office_host->doc_meta(sink, "date", "Date", fr) == -1)
		return -1;
	if (o->subject != NULL &&
	    office_host->doc_meta(sink, "sujet", "Sujet", o->subject) == -1)
		return -1;
	if (o->keywords.len > 0 && office_host->doc_meta(sink, "mots_cles",
	    "Mots-clés", o->keywords.s) == -1)
		return -1;
	if (o->description != NULL && office_host->doc_meta(sink, "description",
	    "Description", o->description) == -1)
		return -1;
	if (office_host->doc_meta(sink, "format", "Format", o->odf ?
	    "OpenDocument texte (.odt)" : "Word (.docx)") == -1)
		return -1;
	if (o->html.len > 0 &&
	    office_host->doc_html(sink, o->html.s, o->html.len) == -1)
		return -1;
	return office_host->doc_end(sink);
}

static void
office_free(struct office *o)
{
	if (o->zip != NULL)
		zip_discard(o->zip);
	if (o->styles != NULL)
		xmlHashFree(o->styles, office_style_free);
	free(o->xml_error);
	office_host->buf_free(&o->body);
	office_host->buf_free(&o->heads);
	office_host->buf_free(&o->html);
	office_host->buf_free(&o->notes_text);
	office_host->buf_free(&o->notes_html);
	office_host->buf_free(&o->line);
	office_host->buf_free(&o->clean);
	office_host->buf_free(&o->row);
	office_host->buf_free(&o->rowhtml);
	office_host->buf_free(&o->keywords);
	free(o->first_heading);
	free(o->title);
	free(o->author);
	free(o->creator);
	free(o->created);
	free(o->modified);
	free(o->subject);
	free(o->description);
}

static int
office_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct office	 o;
	int		 rc = -1;

	memset(&o, 0, sizeof o);
	o.sink = sink;
	o.in = in;
	if (office_open(&o) == 0 &&
	    (o.odf ? office_read_odf(&o) : office_read_docx(&o)) == 0 &&
	    office_emit(&o) == 0)
		rc = 0;
	office_free(&o);
	return rc;
}

/*
 * 100 for an archive that says it is ours, 10 for a file that only has
 * our extension: extract then says precisely what is wrong with it (a
 * 0 would only tell the person that no plugin wants the file).
 */
static int
office_probe(void *state, const struct savoir_input *in)
{
	zip_source_t	*src;
	zip_t		*zip;
	zip_file_t	*zf;
	zip_stat_t	 st;
	zip_error_t	 ze;
	zip_int64_t	 idx, n;
	char		 mime[64];
	int		 kind, score = 10;

	if ((kind = office_ext(in->path)) == 0)
		return 0;
	if (in->len < 4 || memcmp(in->data, "PK\003\004", 4) != 0)
		return 10;
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(in->data, in->len, 0,
	    &ze)) == NULL) {
		zip_error_fini(&ze);
		return 10;
	}
	if ((zip = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return 10;
	}
	zip_error_fini(&ze);
	if (kind == 2)
		score = zip_name_locate(zip, "[Content_Types].xml", 0) >= 0 ?
		    100 : 10;
	else if ((idx = zip_name_locate(zip, "mimetype", 0)) >= 0) {
		zip_stat_init(&st);
		if (zip_stat_index(zip, (zip_uint64_t)idx, 0, &st) == 0 &&
		    (st.valid & ZIP_STAT_SIZE) && st.size < sizeof mime &&
		    (zf = zip_fopen_index(zip, (zip_uint64_t)idx, 0)) != NULL) {
			n = zip_fread(zf, mime, sizeof mime - 1);
			if (n >= (zip_int64_t)strlen(ODT_MIME) &&
			    memcmp(mime, ODT_MIME, strlen(ODT_MIME)) == 0)
				score = 100;
			zip_fclose(zf);
		}
	} else if (zip_name_locate(zip, "content.xml", 0) >= 0)
		score = 60;
	zip_discard(zip);
	return score;
}

static const struct savoir_plugin office_plugin = { SAVOIR_PLUGIN_HEAD,
	.name = "office", .version = OFFICE_VERSION, .types = office_types,
	.extensions = office_extensions, .mime_types = office_mime_types,
	.probe = office_probe, .extract = office_extract,
	.description = "Word-processing documents: OpenDocument text (.odt) "
	    "and Office Open XML (.docx)" };

/* The toolkit of the 0.3 host is the newest thing it calls. */
SAVOIR_PLUGIN_ENTRY(office_plugin, office_host, utf8_check)
