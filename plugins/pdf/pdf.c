/*
 * pdf.c - the `pdf` plugin: PDF files read with poppler-glib, one document
 * per file (type `pdf`).
 *
 * It emits the title (the metadata's, else the first line of page 1, else
 * the file name), the outline's entries, subject and keywords as headings,
 * the text of every page as the body, each page introduced by a line
 * "[p. N]" so a search snippet can show where a hit is (README.md), the
 * author and year as facets, metadata labelled in French, and an HTML
 * page: the outline as a list of links to the pages, then one
 * <section id="pN"> per page.
 *
 * A file poppler cannot open (encrypted with a password, damaged,
 * truncated, not a PDF) is refused through host->error with poppler's own
 * words; a very long file is read up to a page cap, a time budget and a
 * text size, with a warning.  Poppler reports syntax problems through
 * GLib's log (domain "Poppler"): they are caught for the duration of each
 * call and reported as the file's error or as warnings naming the page.
 *
 * It must never call a host symbol (everything goes through the function
 * table), never write text into the HTML without escaping it (host->buf_html
 * is the only way text gets there), and never read beyond the caps.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <poppler.h>

#include "savoir/plugin.h"
#include "../common/decl.h"

#define PDF_VERSION		"1.0.0"

/* Defaults of the caps, overridden by the environment (README.md). */
#define PDF_MAX_PAGES		2000
#define PDF_MAX_SECONDS		20	/* the host's timeout is 30 s */
#define PDF_ENV_PAGES		"SAVOIR_PDF_MAX_PAGES"
#define PDF_ENV_SECONDS		"SAVOIR_PDF_MAX_SECONDS"

/* The host refuses a column or the HTML over 16 MB and a file's output
 * over 64 MB: stop well before. */
#define PDF_TEXT_MAX		((size_t)8 << 20)
#define PDF_HTML_MAX		((size_t)12 << 20)

#define PDF_MAGIC_WINDOW	1024	/* where readers look for %PDF- */
#define PDF_TITLE_MAX		200	/* bytes of a title or an entry */
#define PDF_INFO_MAX		1000	/* bytes of a subject, keywords */
#define PDF_OUTLINE_DEPTH	16
#define PDF_OUTLINE_MAX		2000
#define PDF_WARN_MAX		20	/* page problems reported one by one */
#define PDF_PARA_MIN		40	/* see pdf_page_html */

/*
 * The page marker is "[p. N]" with a no-break space, as French typography
 * wants it.  It also matters to SQLite: FTS5's snippet() prefers to start
 * at a token that follows a '.' and white space (a sentence start), and
 * with a plain space it would start at "N]", cutting the marker.
 */
#define PDF_NBSP		"\xc2\xa0"

/* Set by the entry point: the only way to reach the host. */
static const struct savoir_host *host;

static const struct savoir_facet_decl pdf_facets[] = {
	FACET_ANNEE, FACET_AUTEUR, FACET_END
};

static const struct savoir_type_decl pdf_types[] = {
	{ "pdf", "Document PDF", "Documents PDF", pdf_facets }, TYPE_END
};

static const char *const pdf_extensions[] = { ".pdf", NULL };
static const char *const pdf_mime_types[] = { "application/pdf", NULL };

static const char *const pdf_months[] = { "janvier", "février", "mars",
	"avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	"novembre", "décembre" };

struct pdf_state {
	long	 max_pages;	/* 0: no cap */
	long	 max_seconds;	/* 0: no budget */
	guint	 log_handler;
};

/* What poppler reported during one call. */
struct pdf_log {
	char		*first;		/* the first problem, tidied */
	unsigned	 n;
};

/*
 * Poppler's log is global to the process: while a call runs, its
 * messages land here (NULL between calls, when they are dropped).
 */
static struct pdf_log	*pdf_log_to;

/* One outline entry, kept until the pages are read. */
struct pdf_entry {
	char	*title;
	int	 page;		/* 1-based, 0 if none */
	int	 depth;
};

struct pdf {
	struct savoir_sink	*sink;
	const struct savoir_input *in;
	const struct pdf_state	*st;
	PopplerDocument		*doc;
	int			 npages;	/* in the file */
	int			 nread;		/* pages read */
	int			 ntext;		/* pages with text */
	struct savoir_buf	 body;
	struct savoir_buf	 pages;		/* HTML of the pages */
	struct savoir_buf	 headings;
	char			*first_line;	/* of page 1 */
	char			*subject;	/* metadata, squashed */
	char			*keywords;
	struct pdf_entry	*entries;
	size_t			 nentries;
	int			 outline_full;	/* the cap was hit */
	int			 nwarn;		/* problems reported */
	int			 nsilent;	/* and not reported */
};

/* --- poppler's messages --------------------------------------------- */

/*
 * "Syntax error at position 1234: Couldn't read xref table" becomes
 * "Syntax error at byte 1234: ..."; position -1 (none) is left out.
 */
static char *
pdf_log_tidy(const char *msg)
{
	const char	*at, *rest;
	char		*end;
	long long	 pos;

	if ((at = strstr(msg, " at position ")) == NULL)
		return g_strdup(msg);
	errno = 0;
	pos = strtoll(at + strlen(" at position "), &end, 10);
	if (errno != 0 || end[0] != ':' || end[1] != ' ')
		return g_strdup(msg);
	rest = end + 2;
	if (pos < 0)
		return g_strdup_printf("%.*s: %s", (int)(at - msg), msg, rest);
	return g_strdup_printf("%.*s at byte %lld: %s", (int)(at - msg), msg,
	    pos, rest);
}

static void
pdf_log_handler(const gchar *domain, GLogLevelFlags level, const gchar *msg,
    gpointer data)
{
	/* Problems poppler works around without harm to the text. */
	if (pdf_log_to == NULL || msg == NULL ||
	    g_str_has_prefix(msg, "Syntax warning") ||
	    g_str_has_prefix(msg, "Unimplemented feature"))
		return;
	if (pdf_log_to->n++ == 0)
		pdf_log_to->first = pdf_log_tidy(msg);
}

static void
pdf_log_begin(struct pdf_log *log)
{
	memset(log, 0, sizeof *log);
	pdf_log_to = log;
}

static void
pdf_log_end(struct pdf_log *log)
{
	pdf_log_to = NULL;
	g_free(log->first);
	log->first = NULL;
}

/* --- state ------------------------------------------------------------ */

/* A cap from the environment, else its default. */
static long
pdf_env(const char *name, long def, long max)
{
	const char	*s = getenv(name);
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > max) {
		host->log(SAVOIR_LOG_WARN, "pdf: %s=\"%s\" is not a number "
		    "from 0 to %ld: using %ld", name, s, max, def);
		return def;
	}
	return v;
}

static int
pdf_init(const struct savoir_host *h, void **state)
{
	struct pdf_state	*st;

	if ((st = calloc(1, sizeof *st)) == NULL)
		return -1;
	st->max_pages = pdf_env(PDF_ENV_PAGES, PDF_MAX_PAGES, 1000000);
	st->max_seconds = pdf_env(PDF_ENV_SECONDS, PDF_MAX_SECONDS, 86400);
	/* Poppler logs at INFO: without this, its words would be lost. */
	st->log_handler = g_log_set_handler("Poppler", G_LOG_LEVEL_MASK |
	    G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION, pdf_log_handler, NULL);
	*state = st;
	return 0;
}

/* The handler must be gone before the host unloads us. */
static void
pdf_fini(void *state)
{
	struct pdf_state	*st = state;

	if (st == NULL)
		return;
	if (st->log_handler != 0)
		g_log_remove_handler("Poppler", st->log_handler);
	free(st);
}

/* --- text helpers ------------------------------------------------------ */

/* Where %PDF- is in the first bytes, or NULL. */
static const unsigned char *
pdf_magic(const struct savoir_input *in)
{
	size_t	 n = in->len < PDF_MAGIC_WINDOW ? in->len : PDF_MAGIC_WINDOW;

	return memmem(in->data, n, "%PDF-", 5);
}

static int
pdf_probe(void *state, const struct savoir_input *in)
{
	/*
	 * Only files named *.pdf are offered to us.  Without the magic the
	 * file is still taken, at the lowest score, so that extract can say
	 * what is wrong with it rather than "no plugin accepts this file".
	 */
	return pdf_magic(in) != NULL ? 100 : 1;
}

/*
 * Dot leaders of a table of contents ("Introduction . . . . . . 4") made
 * one ellipsis ("Introduction … 4"): they carry no words, and a snippet
 * of a contents page would show little else.  A run of at least four dots,
 * spaces between them allowed, is a leader.  Takes ownership of s.
 */
static char *
pdf_leaders(char *s)
{
	GString		*b;
	const char	*p, *q, *end;
	int		 dots;

	if (strstr(s, "....") == NULL && strstr(s, ". . . .") == NULL)
		return s;
	b = g_string_sized_new(strlen(s));
	for (p = s; *p != '\0'; p++) {
		if (*p != '.') {
			g_string_append_c(b, *p);
			continue;
		}
		for (q = p, end = p, dots = 0; *q == '.' || *q == ' '; q++)
			if (*q == '.') {
				dots++;
				end = q + 1;
			}
		if (dots < 4) {
			g_string_append_len(b, p, end - p);
			p = end - 1;
			continue;
		}
		while (b->len > 0 && b->str[b->len - 1] == ' ')
			g_string_truncate(b, b->len - 1);
		g_string_append(b, b->len > 0 && b->str[b->len - 1] != '\n' ?
		    " \u2026" : "\u2026");
		if (*q != '\0' && *q != '\n')
			g_string_append_c(b, ' ');
		p = q - 1;
	}
	g_free(s);
	return g_string_free(b, FALSE);
}

/*
 * Text as the index wants it: valid UTF-8 without control characters
 * other than newlines (the host would count them as repairs).  Takes
 * ownership of s (g_free); returns a string to g_free.
 */
static char *
pdf_clean(char *s)
{
	char	*p, *valid;

	if (s == NULL)
		return g_strdup("");
	if (!g_utf8_validate(s, -1, NULL)) {
		valid = g_utf8_make_valid(s, -1);
		g_free(s);
		s = valid;
	}
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 && *p != '\n')
			*p = *p == '\f' ? '\n' : ' ';
		else if (*p == 0x7f)
			*p = ' ';
	}
	return pdf_leaders(s);
}

/*
 * One line of text: runs of white space made one space, none at either
 * end, at most max bytes (cut on a character).  NULL if nothing is left.
 * Returns a string to g_free.
 */
static char *
pdf_squash(const char *s, size_t max)
{
	GString		*b;
	char		*valid = NULL, *cut;
	int		 space = 0;

	if (s == NULL)
		return NULL;
	if (!g_utf8_validate(s, -1, NULL))
		s = valid = g_utf8_make_valid(s, -1);
	b = g_string_new(NULL);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f) {
			space = b->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(b, ' ');
		space = 0;
		g_string_append_c(b, *s);
	}
	g_free(valid);
	if (b->len > max) {
		cut = g_utf8_find_prev_char(b->str, b->str + max + 1);
		g_string_truncate(b, cut != NULL ? (gsize)(cut - b->str) : 0);
		while (b->len > 0 && b->str[b->len - 1] == ' ')
			g_string_truncate(b, b->len - 1);
	}
	if (b->len == 0) {
		g_string_free(b, TRUE);
		return NULL;
	}
	return g_string_free(b, FALSE);
}

/* A problem with one part of the file; after PDF_WARN_MAX only counted,
 * so a badly damaged file does not bury the log. */
static void G_GNUC_PRINTF(2, 3)
pdf_warn(struct pdf *x, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (x->nwarn >= PDF_WARN_MAX) {
		x->nsilent++;
		return;
	}
	x->nwarn++;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	host->warn(x->sink, 0, "%s", msg);
	g_free(msg);
}

/* --- pages ------------------------------------------------------------- */

struct pdf_line {
	const char	*s;
	size_t		 len;
	long		 chars;
};

static int
pdf_cmp_long(const void *a, const void *b)
{
	long	 x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * A page's text as paragraphs.  Poppler gives lines, not paragraphs: a
 * line much shorter than the page's usual line (its 80th percentile)
 * ends a paragraph, as does an empty line.  Pages of short lines only
 * (lists, tables, slides) keep one paragraph per line.  Lines of a
 * paragraph are joined by a newline, which the browser shows as a space.
 */
static void
pdf_page_html(struct savoir_buf *h, const char *text)
{
	struct pdf_line	*lines = NULL;
	long		*chars, usual = 0;
	size_t		 n = 0, cap = 0, nfull = 0, i;
	const char	*p, *nl, *e;
	int		 open = 0;

	for (p = text; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		for (e = nl; e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			lines = g_renew(struct pdf_line, lines, cap);
		}
		lines[n].s = p;
		lines[n].len = e - p;
		lines[n].chars = g_utf8_strlen(p, e - p);
		n++;
	}
	chars = g_new(long, n + 1);
	for (i = 0; i < n; i++)
		if (lines[i].len > 0)
			chars[nfull++] = lines[i].chars;
	if (nfull > 0) {
		qsort(chars, nfull, sizeof *chars, pdf_cmp_long);
		usual = chars[(nfull - 1) * 8 / 10];
	}
	g_free(chars);

	for (i = 0; i < n; i++) {
		if (lines[i].len == 0) {
			if (open)
				host->buf_adds(h, "</p>\n");
			open = 0;
			continue;
		}
		host->buf_adds(h, open ? "\n" : "<p>");
		open = 1;
		host->buf_html(h, lines[i].s, lines[i].len);
		if (usual < PDF_PARA_MIN || lines[i].chars * 3 < usual * 2) {
			host->buf_adds(h, "</p>\n");
			open = 0;
		}
	}
	if (open)
		host->buf_adds(h, "</p>\n");
	g_free(lines);
}

static double
pdf_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The text of page i (0-based), cleaned and trimmed; to g_free. */
static char *
pdf_page_text(struct pdf *x, int i)
{
	PopplerPage	*page;
	struct pdf_log	 log;
	char		*text;
	size_t		 len;

	pdf_log_begin(&log);
	if ((page = poppler_document_get_page(x->doc, i)) == NULL) {
		pdf_warn(x, "page %d: poppler cannot read it%s%s (skipped)",
		    i + 1, log.first != NULL ? ": " : "",
		    log.first != NULL ? log.first : "");
		pdf_log_end(&log);
		return NULL;
	}
	text = pdf_clean(poppler_page_get_text(page));
	g_object_unref(page);
	if (log.n > 0)
		pdf_warn(x, "page %d: %s%s", i + 1, log.first,
		    log.n > 1 ? " (and more problems on this page)" : "");
	pdf_log_end(&log);
	len = strlen(text);
	while (len > 0 && g_ascii_isspace(text[len - 1]))
		text[--len] = '\0';
	return text;
}

/* Read the pages, up to the page cap, the time budget and the sizes. */
static void
pdf_read_pages(struct pdf *x)
{
	char		*text, *nl;
	double		 start = pdf_now();
	long		 max = x->st->max_pages;
	int		 last, i, stopped = 0;
	size_t		 len;

	last = max > 0 && max < x->npages ? (int)max : x->npages;
	for (i = 0; i < last; i++) {
		if (i > 0 && x->st->max_seconds > 0 &&
		    pdf_now() - start > x->st->max_seconds) {
			host->warn(x->sink, 0, "stopped after page %d of %d: "
			    "the time budget of %ld s is spent (%s)", i,
			    x->npages, x->st->max_seconds, PDF_ENV_SECONDS);
			stopped = 1;
			break;
		}
		if ((text = pdf_page_text(x, i)) == NULL) {
			x->nread = i + 1;
			host->buf_printf(&x->pages, "<section id=\"p%d\">"
			    "<h2>Page %d</h2>\n<p class=\"pdf-vide\">Page "
			    "illisible.</p>\n</section>\n", i + 1, i + 1);
			continue;
		}
		len = strlen(text);
		/* &quot; makes 6 bytes of 1 */
		if (x->body.len + len + 16 > PDF_TEXT_MAX ||
		    x->pages.len + len * 6 + 128 > PDF_HTML_MAX) {
			host->warn(x->sink, 0, "stopped after page %d of %d: "
			    "the text would exceed %zu MB", i, x->npages,
			    PDF_TEXT_MAX >> 20);
			g_free(text);
			stopped = 1;
			break;
		}
		x->nread = i + 1;
		if (i == 0 && len > 0) {
			nl = text + strcspn(text, "\n");
			x->first_line = g_strndup(text, nl - text);
		}
		host->buf_printf(&x->pages, "<section id=\"p%d\">"
		    "<h2>Page %d</h2>\n", i + 1, i + 1);
		if (len > 0) {
			x->ntext++;
			if (x->body.len > 0)
				host->buf_adds(&x->body, "\n");
			host->buf_printf(&x->body, "[p." PDF_NBSP "%d]\n",
			    i + 1);
			host->buf_add(&x->body, text, len);
			pdf_page_html(&x->pages, text);
		} else
			host->buf_adds(&x->pages, "<p class=\"pdf-vide\">Page "
			    "sans texte.</p>\n");
		host->buf_adds(&x->pages, "</section>\n");
		g_free(text);
	}
	if (!stopped && last < x->npages)
		host->warn(x->sink, 0, "the PDF has %d pages: only the first "
		    "%d are read (page cap, %s)", x->npages, last,
		    PDF_ENV_PAGES);
}

/* --- outline ----------------------------------------------------------- */

/* The 1-based page an outline action leads to, or 0. */
static int
pdf_action_page(struct pdf *x, PopplerAction *a, const char *title)
{
	PopplerDest	*dest;
	struct pdf_log	*outer = pdf_log_to;
	int		 page;

	if (a->type != POPPLER_ACTION_GOTO_DEST || a->goto_dest.dest == NULL)
		return 0;
	dest = a->goto_dest.dest;
	if (dest->type != POPPLER_DEST_NAMED)
		return dest->page_num;
	if (dest->named_dest != NULL) {
		/* Poppler's "failed to look up" would repeat our warning. */
		pdf_log_to = NULL;
		dest = poppler_document_find_dest(x->doc, dest->named_dest);
		pdf_log_to = outer;
	} else
		dest = NULL;
	if (dest == NULL) {
		pdf_warn(x, "outline entry \"%s\": its named destination is "
		    "not in the document", title);
		return 0;
	}
	page = dest->page_num;
	poppler_dest_free(dest);
	return page;
}

static void
pdf_outline_walk(struct pdf *x, PopplerIndexIter *it, int depth)
{
	PopplerIndexIter	*child;
	PopplerAction		*a;
	struct pdf_entry	*e;
	char			*title;

	do {
		if (x->outline_full)
			return;
		if (x->nentries == PDF_OUTLINE_MAX) {
			pdf_warn(x, "the outline has more than %d entries: "
			    "the rest is left out", PDF_OUTLINE_MAX);
			x->outline_full = 1;
			return;
		}
		if ((a = poppler_index_iter_get_action(it)) == NULL)
			continue;
		if ((title = pdf_squash(a->any.title, PDF_TITLE_MAX)) == NULL) {
			poppler_action_free(a);
			continue;
		}
		if (x->nentries % 64 == 0)
			x->entries = g_renew(struct pdf_entry, x->entries,
			    x->nentries + 64);
		e = &x->entries[x->nentries++];
		e->title = title;
		e->depth = depth;
		e->page = pdf_action_page(x, a, title);
		poppler_action_free(a);
		if ((child = poppler_index_iter_get_child(it)) == NULL)
			continue;
		if (depth + 1 >= PDF_OUTLINE_DEPTH)
			pdf_warn(x, "outline entry \"%s\": entries nested "
			    "deeper than %d levels are left out", title,
			    PDF_OUTLINE_DEPTH);
		else
			pdf_outline_walk(x, child, depth + 1);
		poppler_index_iter_free(child);
	} while (!x->outline_full && poppler_index_iter_next(it));
}

static void
pdf_outline(struct pdf *x)
{
	PopplerIndexIter	*it;
	struct pdf_log		 log;

	pdf_log_begin(&log);
	if ((it = poppler_index_iter_new(x->doc)) != NULL) {
		pdf_outline_walk(x, it, 0);
		poppler_index_iter_free(it);
	}
	if (log.n > 0)
		pdf_warn(x, "outline: %s", log.first);
	pdf_log_end(&log);
}

/* The outline as nested lists; entries link to the pages read. */
static void
pdf_outline_html(struct pdf *x, struct savoir_buf *h)
{
	const struct pdf_entry	*e;
	size_t			 i;
	int			 depth = -1;

	if (x->nentries == 0)
		return;
	host->buf_adds(h, "<section class=\"pdf-sommaire\"><h2>Sommaire"
	    "</h2>\n");
	for (i = 0; i < x->nentries; i++) {
		e = &x->entries[i];
		if (e->depth > depth) {
			/* A child opens a list in its parent's item; a
			 * depth never grows by more than one. */
			host->buf_adds(h, "<ul>\n");
			depth = e->depth;
		} else {
			host->buf_adds(h, "</li>\n");
			for (; depth > e->depth; depth--)
				host->buf_adds(h, "</ul></li>\n");
		}
		host->buf_adds(h, "<li>");
		if (e->page >= 1 && e->page <= x->nread && x->ntext > 0) {
			host->buf_printf(h, "<a href=\"#p%d\">",
			    e->page);
			host->buf_html(h, e->title, strlen(e->title));
			host->buf_adds(h, "</a>");
		} else
			host->buf_html(h, e->title, strlen(e->title));
	}
	host->buf_adds(h, "</li>\n");
	for (; depth > 0; depth--)
		host->buf_adds(h, "</ul></li>\n");
	host->buf_adds(h, "</ul>\n</section>\n");
}

/* --- metadata ---------------------------------------------------------- */

/* A line of the headings column. */
static void
pdf_heading(struct pdf *x, const char *s)
{
	if (s == NULL)
		return;
	if (x->headings.len > 0)
		host->buf_adds(&x->headings, "\n");
	host->buf_adds(&x->headings, s);
}

/* Metadata text, one line; to g_free, NULL if there is none. */
static char *
pdf_info(gchar *(*get)(PopplerDocument *), PopplerDocument *doc)
{
	char	*raw, *v;

	raw = get(doc);
	v = pdf_squash(raw, PDF_INFO_MAX);
	g_free(raw);
	return v;
}

/*
 * A metadata title that only names the file the PDF was made from, or
 * says there is none: word processors fill the field with such things.
 */
static int
pdf_title_junk(const char *t)
{
	static const char *const exts[] = { ".doc", ".docx", ".odt", ".rtf",
		".pdf", ".tex", ".dvi", ".ps", ".ppt", ".pptx", ".odp",
		".xls", ".xlsx", ".ods", ".indd", ".txt", ".html", ".htm",
		".qxp", NULL };
	static const char *const names[] = { "untitled", "sans titre",
		"document", "document1", "titre", "title", "microsoft word",
		NULL };
	const char	*dot;
	size_t		 i;

	for (i = 0; names[i] != NULL; i++)
		if (g_ascii_strcasecmp(t, names[i]) == 0)
			return 1;
	if ((dot = strrchr(t, '.')) != NULL)
		for (i = 0; exts[i] != NULL; i++)
			if (g_ascii_strcasecmp(dot, exts[i]) == 0)
				return 1;
	return 0;
}

/* The document's title: metadata, first line of page 1, file name. */
static char *
pdf_title(struct pdf *x)
{
	const char	*base;
	char		*t, *meta;

	meta = poppler_document_get_title(x->doc);
	t = pdf_squash(meta, PDF_TITLE_MAX);
	g_free(meta);
	if (t != NULL && !pdf_title_junk(t))
		return t;
	g_free(t);
	if ((t = pdf_squash(x->first_line, PDF_TITLE_MAX)) != NULL)
		return t;
	base = strrchr(x->in->path, '/');
	return g_strdup(base != NULL ? base + 1 : x->in->path);
}

static GDateTime *
pdf_date(struct pdf *x)
{
	GDateTime	*d;

	/* The modification date stands in for a missing creation date. */
	if ((d = poppler_document_get_creation_date_time(x->doc)) == NULL)
		d = poppler_document_get_modification_date_time(x->doc);
	return d;
}

/* Facets and metadata; 0 or -1 (the host said why). */
static int
pdf_emit_meta(struct pdf *x)
{
	struct savoir_sink	*s = x->sink;
	GDateTime		*date;
	struct savoir_buf	 authors = SAVOIR_BUF_INIT;
	char			*raw, *v, **parts, buf[64];
	time_t			 now = time(NULL);
	struct tm		 tm;
	int			 year, rc = -1, i;

	raw = poppler_document_get_author(x->doc);
	parts = g_strsplit(raw != NULL ? raw : "", ";", 0);
	g_free(raw);
	for (i = 0; parts[i] != NULL; i++) {
		if ((v = pdf_squash(parts[i], PDF_TITLE_MAX)) == NULL)
			continue;
		if (host->doc_facet(s, "auteur", v) == -1) {
			g_free(v);
			goto out;
		}
		if (authors.len > 0)
			host->buf_adds(&authors, ", ");
		host->buf_adds(&authors, v);
		g_free(v);
	}
	if (authors.failed) {
		host->error(s, "out of memory");
		goto out;
	}
	if (authors.len > 0 &&
	    host->doc_meta(s, "auteur", "Auteur", authors.s) == -1)
		goto out;

	if ((date = pdf_date(x)) != NULL) {
		year = g_date_time_get_year(date);
		gmtime_r(&now, &tm);
		/* PDF is from 1993; a date from 1970 is a zeroed clock. */
		if (year < 1993 || year > tm.tm_year + 1900 + 1)
			pdf_warn(x, "creation date: year %d is not plausible "
			    "(no date, no annee facet)", year);
		else {
			snprintf(buf, sizeof buf, "%d", year);
			if (host->doc_facet(s, "annee", buf) == -1)
				goto out_date;
			snprintf(buf, sizeof buf, "%d %s %d",
			    g_date_time_get_day_of_month(date),
			    pdf_months[g_date_time_get_month(date) - 1], year);
			if (host->doc_meta(s, "date", "Date", buf) == -1)
				goto out_date;
		}
		g_date_time_unref(date);
	}

	snprintf(buf, sizeof buf, "%d", x->npages);
	if (host->doc_meta(s, "pages", "Pages", buf) == -1)
		goto out;
	if (x->subject != NULL &&
	    host->doc_meta(s, "sujet", "Sujet", x->subject) == -1)
		goto out;
	if (x->keywords != NULL &&
	    host->doc_meta(s, "motscles", "Mots-clés", x->keywords) == -1)
		goto out;
	v = pdf_info(poppler_document_get_producer, x->doc);
	if (v != NULL && host->doc_meta(s, "producteur", "Producteur", v) ==
	    -1) {
		g_free(v);
		goto out;
	}
	g_free(v);
	rc = 0;
	goto out;
out_date:
	g_date_time_unref(date);
out:
	g_strfreev(parts);
	host->buf_free(&authors);
	return rc;
}

/* --- extract ----------------------------------------------------------- */

/* Open the file with poppler; NULL after host->error. */
static PopplerDocument *
pdf_open(const struct savoir_input *in, struct savoir_sink *sink)
{
	PopplerDocument	*doc;
	GBytes		*bytes;
	GError		*err = NULL;
	struct pdf_log	 log;
	const unsigned char *p;
	char		 start[3 * 8 + 1];
	size_t		 i;

	if (in->len == 0) {
		host->error(sink, "empty file");
		return NULL;
	}
	if (pdf_magic(in) == NULL) {
		for (i = 0, p = in->data; i < 8 && i < in->len; i++)
			snprintf(start + 3 * i, sizeof start - 3 * i, "%02X%s",
			    p[i], i + 1 < 8 && i + 1 < in->len ? " " : "");
		host->error(sink, "not a PDF: no %%PDF- header in the first "
		    "%d bytes (the file starts with bytes %s)",
		    PDF_MAGIC_WINDOW, start);
		return NULL;
	}
	if (in->len > G_MAXINT) {
		host->error(sink, "not a valid PDF: larger than 2 GB");
		return NULL;
	}
	/* Poppler keeps a reference: the data outlives the document. */
	bytes = g_bytes_new_static(in->data, in->len);
	pdf_log_begin(&log);
	doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);
	if (doc == NULL) {
		if (err != NULL && g_error_matches(err, POPPLER_ERROR,
		    POPPLER_ERROR_ENCRYPTED))
			host->error(sink, "encrypted PDF: a password is needed");
		else
			host->error(sink, "not a valid PDF: %s%s%s%s",
			    err != NULL ? err->message : "poppler cannot "
			    "open it", log.first != NULL ? " (" : "",
			    log.first != NULL ? log.first : "",
			    log.first != NULL ? ")" : "");
	}
	pdf_log_end(&log);
	if (err != NULL)
		g_error_free(err);
	return doc;
}

static int
pdf_emit(struct pdf *x)
{
	struct savoir_sink	*s = x->sink;
	struct savoir_buf	 html = SAVOIR_BUF_INIT;
	char			*title;
	int			 rc = -1;

	title = pdf_title(x);
	pdf_outline_html(x, &html);
	if (x->ntext > 0)
		host->buf_add(&html, x->pages.s, x->pages.len);
	else
		host->buf_adds(&html, "<p class=\"pdf-vide\">Ce PDF ne "
		    "contient pas de texte (un document numérisé sans "
		    "reconnaissance de caractères ?).</p>\n");
	if (x->nread < x->npages)
		host->buf_printf(&html, "<p class=\"pdf-tronque\">"
		    "Lecture interrompue après la page %d sur %d : la suite du "
		    "document n’est ni affichée ni indexée.</p>\n", x->nread,
		    x->npages);
	if (html.failed || x->pages.failed || x->body.failed ||
	    x->headings.failed) {
		host->error(s, "out of memory");
		goto out;
	}
	if (host->doc_begin(s, x->in->id_prefix, "pdf") == -1 ||
	    host->doc_text(s, SAVOIR_COL_TITLE, title, strlen(title)) == -1 ||
	    (x->headings.len > 0 && host->doc_text(s, SAVOIR_COL_HEADINGS,
	    x->headings.s, x->headings.len) == -1) ||
	    (x->body.len > 0 && host->doc_text(s, SAVOIR_COL_BODY,
	    x->body.s, x->body.len) == -1) ||
	    pdf_emit_meta(x) == -1 ||
	    host->doc_html(s, html.s, html.len) == -1 ||
	    host->doc_end(s) == -1)
		goto out;
	rc = 0;
out:
	host->buf_free(&html);
	g_free(title);
	return rc;
}

static int
pdf_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct pdf		 x;
	struct pdf_state	 defaults = { PDF_MAX_PAGES, PDF_MAX_SECONDS, 0 };
	size_t			 i;
	int			 rc = -1;

	memset(&x, 0, sizeof x);
	x.sink = sink;
	x.in = in;
	x.st = state != NULL ? state : &defaults;
	if (in->id_prefix == NULL || in->path == NULL) {
		host->error(sink, "the host gave no document id or path");
		return -1;
	}
	if ((x.doc = pdf_open(in, sink)) == NULL)
		return -1;
	if ((x.npages = poppler_document_get_n_pages(x.doc)) <= 0) {
		host->error(sink, "not a valid PDF: it has no pages");
		goto out;
	}
	x.subject = pdf_info(poppler_document_get_subject, x.doc);
	x.keywords = pdf_info(poppler_document_get_keywords, x.doc);

	pdf_read_pages(&x);
	pdf_outline(&x);
	/* The outline's entries, then subject and keywords. */
	for (i = 0; i < x.nentries; i++)
		pdf_heading(&x, x.entries[i].title);
	pdf_heading(&x, x.subject);
	pdf_heading(&x, x.keywords);
	if (x.ntext == 0)
		pdf_warn(&x, "no text on any of the %d pages read (a scan "
		    "without OCR?)", x.nread);
	if (x.nsilent > 0)
		host->warn(sink, 0, "%d more problems with pages or the "
		    "outline not reported", x.nsilent);
	rc = pdf_emit(&x);
out:
	for (i = 0; i < x.nentries; i++)
		g_free(x.entries[i].title);
	g_free(x.entries);
	g_free(x.first_line);
	g_free(x.subject);
	g_free(x.keywords);
	host->buf_free(&x.body);
	host->buf_free(&x.pages);
	host->buf_free(&x.headings);
	g_object_unref(x.doc);
	return rc;
}

static const struct savoir_plugin pdf_plugin = { SAVOIR_PLUGIN_HEAD,
	.name = "pdf", .version = PDF_VERSION, .types = pdf_types,
	.extensions = pdf_extensions, .mime_types = pdf_mime_types,
	.init = pdf_init, .fini = pdf_fini, .probe = pdf_probe,
	.extract = pdf_extract,
	.description = "PDF documents (poppler): text page by page, outline, "
	    "metadata" };

/* The toolkit of the 0.3 host is the newest thing it calls. */
SAVOIR_PLUGIN_ENTRY(pdf_plugin, host, utf8_check)
