/*
 * notes.c - the `notes` plugin: Markdown course notes, case studies, legal
 * fiches and glossary entries (doc/formats.md), one document per file.
 *
 * It reads the YAML front matter (frontmatter.c) and the CommonMark body
 * with cmark, and emits the title, the headings and the plain text of the
 * body as separate columns, the facets and metadata of the front matter,
 * the body as HTML rendered by cmark, and a link for every [text](/doc/id).
 *
 * It must never pass raw HTML through (cmark runs without
 * CMARK_OPT_UNSAFE, which replaces raw HTML by a comment and drops unsafe
 * link schemes), and never call a host symbol: everything it asks of the
 * host goes through the function table it was given.
 *
 * Built against cmark-gfm when HAVE_CMARK_GFM is defined, to read pipe
 * tables; plain cmark reads a table as a paragraph of text with pipes.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_CMARK_GFM
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm/registry.h>
#else
#include <cmark.h>
#endif

#include "savoir/plugin.h"
#include "../common/buf.h"
#include "../common/decl.h"
#include "../common/frontmatter.h"
#include "../common/grille.h"
#include "../common/url.h"

#define NOTES_VERSION	"1.2.0"
#define NOTES_TYPES	"note, cas, fiche, glossaire"

/* Set by the entry point: the only way to reach the host. */
static const struct savoir_host *host;

static const struct savoir_facet_decl notes_facets[] = {
	FACET_MODULE, FACET_THEME, FACET_PAYS, FACET_ANNEE, FACET_END
};

static const struct savoir_type_decl notes_types[] = {
	{ "note", "Note de cours", "Notes de cours", notes_facets },
	{ "cas", "Étude de cas", "Études de cas", notes_facets },
	{ "fiche", "Fiche juridique", "Fiches juridiques", notes_facets },
	{ "glossaire", "Glossaire", "Glossaire", notes_facets },
	TYPE_END
};

static const char *const notes_extensions[] = { ".md", ".markdown", NULL };
static const char *const notes_mime_types[] = { "text/markdown", NULL };

/* The front matter keys this plugin reads; others draw a warning. */
static const char *const notes_keys[] = { "title", "type", "id", "module",
	"themes", "pays", "annee", "auteur", "date", "sources", "reference",
	NULL };

/* A /doc/ link found in the body. */
struct notes_link {
	char	*target;
	char	*label;
};

/* One criterion of the grid a case applies (grille.h). */
struct notes_grid {
	char	*value;		/* "n/3 — comment"; NULL: not given */
};

struct notes {
	struct savoir_sink	*sink;
	const struct frontmatter *fm;
	long			 line0;	/* file line of body line 1 */
	struct savoir_buf	 headings;
	struct savoir_buf	 body;
	struct savoir_buf	 block;	/* text of the current block */
	struct savoir_buf	 title;		/* on one line */
	struct notes_link	*links;
	size_t			 nlinks;
	struct notes_grid	 grid[GRILLE_N];
	int			 failed;	/* out of memory */
};

#ifdef HAVE_CMARK_GFM
static int
notes_init(const struct savoir_host *h, void **state)
{
	cmark_gfm_core_extensions_ensure_registered();
	*state = NULL;
	return 0;
}

/*
 * cmark-gfm keeps its extensions in a registry global to the library:
 * release it before the host unloads us, or it is lost with the library.
 */
static void
notes_fini(void *state)
{
	cmark_release_plugins();
}
#endif

/*
 * Is s (NUL-terminated) usable as a document id in /doc/<id>: no control
 * characters, no ? or # (they would end the path of the URL), no empty,
 * "." or ".." segments, so no leading or trailing slash?
 */
static int
notes_id_valid(const char *s)
{
	const char	*seg = s, *p;

	if (*s == '\0')
		return 0;
	for (p = s;; p++) {
		if (*p == '/' || *p == '\0') {
			if (p == seg || (p - seg == 1 && seg[0] == '.') ||
			    (p - seg == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (*p == '\0')
				return 1;
			seg = p + 1;
		} else if ((unsigned char)*p < ' ' || *p == 0x7f ||
		    *p == '?' || *p == '#')
			return 0;
	}
}

/*
 * The document id a /doc/ URL names: what follows /doc/ up to any ?query
 * or #fragment, percent-decoded, without trailing slashes.  NULL if it is
 * not a valid id.  Caller frees.
 */
static char *
notes_link_target(const char *url)
{
	struct savoir_buf	 b = SAVOIR_BUF_INIT;
	const char		*p, *end;
	char			*err = NULL;

	p = url + strlen("/doc/");
	end = p + strcspn(p, "?#");
	while (end > p && end[-1] == '/')
		end--;
	url_decode(host, &b, p, (size_t)(end - p));
	if (b.failed || b.s == NULL ||
	    text_check(host, b.s, b.len, &err) == -1 ||
	    !notes_id_valid(b.s)) {
		free(err);
		host->buf_free(&b);
		return NULL;
	}
	return b.s;
}

static void
notes_add_link(struct notes *n, const char *url, const char *label,
    size_t labellen, long line)
{
	struct notes_link	*l;
	char			*target;
	size_t			 i;

	if ((target = notes_link_target(url)) == NULL) {
		host->warn(n->sink, line, "link to `%s` does not name a "
		    "document (ignored)", url);
		return;
	}
	for (i = 0; i < n->nlinks; i++) {
		if (strcmp(n->links[i].target, target) == 0) {
			free(target);	/* the first label is kept */
			return;
		}
	}
	l = reallocarray(n->links, n->nlinks + 1, sizeof *l);
	if (l == NULL) {
		free(target);
		n->failed = 1;
		return;
	}
	n->links = l;
	l = &n->links[n->nlinks];
	l->target = target;
	if ((l->label = strndup(label, labellen)) == NULL) {
		free(target);
		n->failed = 1;
		return;
	}
	n->nlinks++;
}

static int
notes_is(cmark_node *node, const char *type)
{
	const char	*t = cmark_node_get_type_string(node);

	return t != NULL && strcmp(t, type) == 0;
}

/*
 * Append the plain text of a block's inlines to out: text and code as
 * they are, breaks as spaces or newlines, raw HTML dropped, table cells
 * separated by " | ".  With n, /doc/ links are recorded (their label is
 * the text they add to out).
 */
/*
 * Text for the index, without web addresses: a source list full of
 * "https://…/cooperation-decentralisee-…" would otherwise match searches
 * and fill snippets with URL fragments.  The page itself keeps them.
 */
/* Where a web address ends: at white space, a closing bracket, or a
 * French closing guillemet (two bytes: never cut a character in two). */
static const char *
notes_url_end(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == ')' ||
		    *p == ']' || *p == '>')
			break;
		if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xBB)
			break;
	}
	return p;
}

static void
notes_add_text(struct savoir_buf *out, const char *s)
{
	const char	*url;

	while ((url = strstr(s, "http")) != NULL) {
		if (strncmp(url, "http://", 7) != 0 &&
		    strncmp(url, "https://", 8) != 0) {
			host->buf_add(out, s, (size_t)(url - s) + 4);
			s = url + 4;
			continue;
		}
		host->buf_add(out, s, (size_t)(url - s));
		s = notes_url_end(url);
	}
	host->buf_adds(out, s);
}

static void
notes_inlines(struct notes *n, cmark_node *block, struct savoir_buf *out)
{
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*node;
	const char		*lit, *url;
	size_t			 start = out->len, linkstart = 0;
	long			 line;

	if ((it = cmark_iter_new(block)) == NULL) {
		out->failed = 1;
		return;
	}
	line = cmark_node_get_start_line(block);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(node)) != NULL)
				notes_add_text(out, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
			host->buf_adds(out, " ");
			break;
		case CMARK_NODE_LINEBREAK:
			host->buf_adds(out, "\n");
			break;
		case CMARK_NODE_LINK:
			if (ev == CMARK_EVENT_ENTER) {
				linkstart = out->len;
				break;
			}
			url = cmark_node_get_url(node);
			if (n != NULL && url != NULL && !out->failed &&
			    strncmp(url, "/doc/", 5) == 0)
				notes_add_link(n, url, buf_str(out) +
				    linkstart, out->len - linkstart,
				    n->line0 + line - 1);
			break;
		default:
			if (ev == CMARK_EVENT_ENTER &&
			    notes_is(node, "table_cell") &&
			    out->len > start)
				host->buf_adds(out, " | ");
			break;
		}
	}
	cmark_iter_free(it);
}

/* Add a block's text as one line of a column. */
static void
notes_line(struct savoir_buf *col, struct savoir_buf *text)
{
	host->buf_rtrim(text);
	if (text->len == 0)
		return;
	if (col->len > 0)
		host->buf_adds(col, "\n");
	host->buf_add(col, text->s, text->len);
	if (text->failed)
		col->failed = 1;
}

/* Walk the blocks: headings to their column, the rest to the body. */
static int
notes_walk(struct notes *n, cmark_node *root)
{
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*node;
	const char		*lit;

	if ((it = cmark_iter_new(root)) == NULL)
		return -1;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		node = cmark_iter_get_node(it);
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
			buf_reset(&n->block);
			notes_inlines(n, node, &n->block);
			notes_line(cmark_node_get_type(node) ==
			    CMARK_NODE_HEADING ? &n->headings : &n->body,
			    &n->block);
			/* Its inlines are read: go on after it. */
			cmark_iter_reset(it, node, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_CODE_BLOCK:
			if ((lit = cmark_node_get_literal(node)) != NULL) {
				buf_reset(&n->block);
				host->buf_adds(&n->block, lit);
				notes_line(&n->body, &n->block);
			}
			break;
		default:
			if (notes_is(node, "table_row") ||
			    notes_is(node, "table_header")) {
				buf_reset(&n->block);
				notes_inlines(n, node, &n->block);
				notes_line(&n->body, &n->block);
				cmark_iter_reset(it, node, CMARK_EVENT_EXIT);
			}
			/* Raw HTML and thematic breaks carry no text. */
			break;
		}
	}
	cmark_iter_free(it);
	return n->failed || n->headings.failed || n->body.failed ? -1 : 0;
}

/* Copy s to out with each run of white space (a YAML block scalar's
 * newlines too) made one space, none at either end: a title is one line. */
static void
notes_squash(struct savoir_buf *out, const char *s)
{
	int	 space = 0;

	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			host->buf_adds(out, " ");
		space = 0;
		host->buf_add(out, s, 1);
	}
}

/* Compare two strings ignoring surrounding white space. */
static int
notes_same_text(const char *a, size_t alen, const char *b)
{
	size_t	 blen = strlen(b);

	while (alen > 0 && isspace((unsigned char)*a))
		a++, alen--;
	while (alen > 0 && isspace((unsigned char)a[alen - 1]))
		alen--;
	while (blen > 0 && isspace((unsigned char)*b))
		b++, blen--;
	while (blen > 0 && isspace((unsigned char)b[blen - 1]))
		blen--;
	return alen == blen && memcmp(a, b, alen) == 0;
}

/*
 * The page shows the title as its one h1.  A first "# …" heading is the
 * document's title as written in the text: it goes from the page, and when
 * it says something else than the front matter's title it is still
 * searched as a heading (returned, for the caller to drop after the walk).
 * Any later "# …" becomes a level 2 heading, so that no page has two h1.
 */
static cmark_node *
notes_title_block(cmark_node *root, const char *title)
{
	cmark_node		*first = cmark_node_first_child(root), *x;
	cmark_iter		*it;
	cmark_event_type	 ev;
	struct savoir_buf	 text = SAVOIR_BUF_INIT;

	if (first != NULL && (cmark_node_get_type(first) != CMARK_NODE_HEADING ||
	    cmark_node_get_heading_level(first) != 1))
		first = NULL;
	if ((it = cmark_iter_new(root)) != NULL) {
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			x = cmark_iter_get_node(it);
			if (ev == CMARK_EVENT_ENTER && x != first &&
			    cmark_node_get_type(x) == CMARK_NODE_HEADING &&
			    cmark_node_get_heading_level(x) == 1)
				cmark_node_set_heading_level(x, 2);
		}
		cmark_iter_free(it);
	}
	if (first == NULL)
		return NULL;
	notes_inlines(NULL, first, &text);
	if (!text.failed && notes_same_text(buf_str(&text), text.len, title)) {
		cmark_node_unlink(first);
		cmark_node_free(first);
		first = NULL;
	}
	host->buf_free(&text);
	return first;
}

/*
 * A "Sources" section (a heading of level 2 or 3 and what follows it up to
 * the next heading as high) goes when the front matter lists the sources:
 * the page shows those once, as links, and a list of references is no
 * passage to quote.
 */
static void
notes_drop_sources(struct notes *n, cmark_node *root)
{
	const struct fm_entry	*e = frontmatter_get(n->fm, "sources");
	struct savoir_buf	 text = SAVOIR_BUF_INIT;
	cmark_node		*h, *next, *x;
	int			 level;

	if (e == NULL || !((e->kind == FM_SOURCES && e->nsources > 0) ||
	    (e->kind == FM_LIST && e->nitems > 0)))
		return;
	for (h = cmark_node_first_child(root); h != NULL; h = next) {
		next = cmark_node_next(h);
		if (cmark_node_get_type(h) != CMARK_NODE_HEADING ||
		    (level = cmark_node_get_heading_level(h)) < 2 || level > 3)
			continue;
		buf_reset(&text);
		notes_inlines(NULL, h, &text);
		if (text.failed || text.len != 7 ||
		    memcmp(buf_str(&text), "Sources", 7) != 0)
			continue;
		while ((x = next) != NULL && !(cmark_node_get_type(x) ==
		    CMARK_NODE_HEADING && cmark_node_get_heading_level(x) <=
		    level)) {
			next = cmark_node_next(x);
			cmark_node_unlink(x);
			cmark_node_free(x);
		}
		cmark_node_unlink(h);
		cmark_node_free(h);
	}
	host->buf_free(&text);
}

static void
notes_free(struct notes *n)
{
	size_t	 i;

	host->buf_free(&n->headings);
	host->buf_free(&n->body);
	host->buf_free(&n->block);
	host->buf_free(&n->title);
	for (i = 0; i < n->nlinks; i++) {
		free(n->links[i].target);
		free(n->links[i].label);
	}
	free(n->links);
	for (i = 0; i < GRILLE_N; i++)
		free(n->grid[i].value);
}

/* --- the grid a case applies -------------------------------------- */

#define NOTES_EMDASH	" \xe2\x80\x94 "	/* " — " */

/* Is s "Application de la grille d'analyse" (either apostrophe)? */
static int
notes_grid_heading(const char *s, size_t len)
{
	static const char a[] = "Application de la grille d'analyse";
	static const char b[] = "Application de la grille d\xe2\x80\x99"
	    "analyse";

	return notes_same_text(s, len, a) || notes_same_text(s, len, b);
}

/*
 * The score after the dash, its final full stop gone: "2/3", or "0 puis
 * 2" for a case graded twice (before and after), whose later note counts.
 * The note, or -1.
 */
static int
notes_grid_score(const char *s, size_t len)
{
	if (len == 3 && s[0] >= '0' && s[0] <= '3' && s[1] == '/' &&
	    s[2] == '3')
		return s[0] - '0';
	if (len == 8 && s[0] >= '0' && s[0] <= '3' &&
	    memcmp(s + 1, " puis ", 6) == 0 && s[7] >= '0' && s[7] <= '3')
		return s[7] - '0';
	return -1;
}

/*
 * One item "**<Critère> — n/3.** comment" of the grid section: the
 * criterion is named by its leading word (grille_find_label), the comment
 * is the rest of the item's first paragraph.
 */
static void
notes_grid_item(struct notes *n, cmark_node *item)
{
	struct savoir_buf	 label = SAVOIR_BUF_INIT;
	struct savoir_buf	 text = SAVOIR_BUF_INIT;
	struct savoir_buf	 value = SAVOIR_BUF_INIT;
	cmark_node		*para, *strong, *x;
	const char		*s, *dash, *p, *p2;
	size_t			 slen, sc;
	long			 line;
	char			 num[8];
	int			 k, note;

	line = n->line0 + cmark_node_get_start_line(item) - 1;
	para = cmark_node_first_child(item);
	strong = para != NULL ? cmark_node_first_child(para) : NULL;
	if (para == NULL || cmark_node_get_type(para) !=
	    CMARK_NODE_PARAGRAPH || strong == NULL ||
	    cmark_node_get_type(strong) != CMARK_NODE_STRONG) {
		host->warn(n->sink, line, "grid item without a bold "
		    "\"**<criterion> — n/3.**\" at its start (ignored)");
		return;
	}
	notes_inlines(NULL, strong, &label);
	for (x = cmark_node_next(strong); x != NULL; x = cmark_node_next(x))
		notes_inlines(NULL, x, &text);
	if (label.failed || text.failed) {
		n->failed = 1;
		goto out;
	}
	host->buf_rtrim(&label);
	host->buf_rtrim(&text);
	s = buf_str(&label);
	slen = label.len;
	/* The last " — ": a criterion's name may hold one, the score not. */
	for (dash = NULL, p = s; (p = strstr(p, NOTES_EMDASH)) != NULL; p++)
		dash = p;
	if (dash == NULL) {
		host->warn(n->sink, line, "grid item `%s`: no \" — n/3\" after "
		    "the criterion (ignored)", s);
		goto out;
	}
	p = dash + strlen(NOTES_EMDASH);
	sc = slen - (size_t)(p - s);
	if (sc > 0 && p[sc - 1] == '.')
		sc--;
	if ((note = notes_grid_score(p, sc)) == -1) {
		host->warn(n->sink, line, "grid item `%s`: the score must read "
		    "n/3 with n from 0 to 3, or \"a puis b\" (ignored)", s);
		goto out;
	}
	if ((k = grille_find_label(s, (size_t)(dash - s))) == -1) {
		host->warn(n->sink, line, "grid item `%.*s`: no criterion of "
		    "the grid starts with that word (ignored)",
		    (int)(dash - s), s);
		goto out;
	}
	if (n->grid[k].value != NULL) {
		host->warn(n->sink, line, "grid item `%.*s`: criterion %s is "
		    "already graded (ignored)", (int)(dash - s), s,
		    grille_criteria[k].id);
		goto out;
	}
	snprintf(num, sizeof num, "%d/3", note);
	host->buf_adds(&value, num);
	for (p2 = buf_str(&text); *p2 == ' '; p2++)
		;
	if (sc != 3 || *p2 != '\0')
		host->buf_adds(&value, NOTES_EMDASH);
	if (sc != 3) {
		/* "0 puis 2": the later note, the way there kept. */
		host->buf_adds(&value, "(");
		host->buf_add(&value, p, sc);
		host->buf_adds(&value, *p2 != '\0' ? ") " : ")");
	}
	host->buf_adds(&value, p2);
	if (value.failed) {
		n->failed = 1;
		goto out;
	}
	n->grid[k].value = value.s;
	value.s = NULL;
out:
	host->buf_free(&label);
	host->buf_free(&text);
	host->buf_free(&value);
}

/*
 * The section « Application de la grille d'analyse » (a heading and what
 * follows it up to the next heading as high): each item of its lists
 * grades one criterion.
 */
static void
notes_grid(struct notes *n, cmark_node *root)
{
	struct savoir_buf	 text = SAVOIR_BUF_INIT;
	struct savoir_buf	 missing = SAVOIR_BUF_INIT;
	cmark_node		*x, *item;
	int			 level = 0, found = 0, k;

	for (x = cmark_node_first_child(root); x != NULL;
	    x = cmark_node_next(x)) {
		if (cmark_node_get_type(x) == CMARK_NODE_HEADING) {
			if (level > 0 && cmark_node_get_heading_level(x) <=
			    level)
				level = 0;
			buf_reset(&text);
			notes_inlines(NULL, x, &text);
			if (!text.failed && notes_grid_heading(buf_str(&text),
			    text.len)) {
				level = cmark_node_get_heading_level(x);
				found = 1;
			}
			continue;
		}
		if (level == 0 || cmark_node_get_type(x) != CMARK_NODE_LIST)
			continue;
		for (item = cmark_node_first_child(x); item != NULL;
		    item = cmark_node_next(item))
			notes_grid_item(n, item);
	}
	if (text.failed)
		n->failed = 1;
	for (k = 0; found && k < GRILLE_N; k++) {
		if (n->grid[k].value != NULL)
			continue;
		if (missing.len > 0)
			host->buf_adds(&missing, ", ");
		host->buf_adds(&missing, grille_criteria[k].id);
	}
	if (missing.len > 0 && !missing.failed)
		host->warn(n->sink, n->line0, "the grid section does not grade "
		    "%s", missing.s);
	host->buf_free(&text);
	host->buf_free(&missing);
}

/* The grid as metadata, in the grid's order. */
static int
notes_emit_grid(struct notes *n)
{
	int	 k;
	char	 key[64];

	for (k = 0; k < GRILLE_N; k++) {
		if (n->grid[k].value == NULL)
			continue;
		snprintf(key, sizeof key, GRILLE_KEY "%s",
		    grille_criteria[k].id);
		if (host->doc_meta(n->sink, key, grille_criteria[k].title,
		    n->grid[k].value) == -1)
			return -1;
	}
	return 0;
}

/* The value of a key that must be text, or NULL (with a warning if it is
 * there but is a list). */
static const char *
notes_text_key(struct notes *n, const char *key)
{
	const struct fm_entry	*e = frontmatter_get(n->fm, key);

	if (e != NULL && e->kind != FM_SCALAR)
		host->warn(n->sink, e->line, "`%s` must be text, not a list "
		    "(ignored)", key);
	return frontmatter_scalar(n->fm, key);
}

/* Join a list with ", " into b; returns b's text. */
static const char *
notes_join(struct savoir_buf *b, char *const *items, size_t nitems)
{
	size_t	 i;

	buf_reset(b);
	for (i = 0; i < nitems; i++) {
		if (i > 0)
			host->buf_adds(b, ", ");
		host->buf_adds(b, items[i]);
	}
	return buf_str(b);
}

/* The front matter checks that do not need the body. */
static int
notes_check(struct notes *n, const char **title, const char **type,
    const char **id, const char *id_prefix)
{
	const struct fm_entry	*e;
	size_t			 i;

	frontmatter_warn_keys(host, n->sink, n->fm, notes_keys);
	if ((e = frontmatter_get(n->fm, "title")) != NULL &&
	    e->kind != FM_SCALAR) {
		host->error(n->sink, "front matter line %ld: `title` must be "
		    "text", e->line);
		return -1;
	}
	if ((*title = frontmatter_scalar(n->fm, "title")) == NULL) {
		host->error(n->sink, "the front matter has no `title`");
		return -1;
	}
	e = frontmatter_get(n->fm, "type");
	if ((*type = frontmatter_scalar(n->fm, "type")) == NULL) {
		host->error(n->sink, "the front matter has no `type` "
		    "(one of: " NOTES_TYPES ")");
		return -1;
	}
	for (i = 0; notes_types[i].name != NULL; i++)
		if (strcmp(*type, notes_types[i].name) == 0)
			break;
	if (notes_types[i].name == NULL) {
		host->error(n->sink, "front matter line %ld: unknown type `%s` "
		    "(one of: " NOTES_TYPES ")", e->line, *type);
		return -1;
	}
	if ((e = frontmatter_get(n->fm, "id")) != NULL) {
		if ((*id = frontmatter_scalar(n->fm, "id")) == NULL ||
		    !notes_id_valid(*id)) {
			host->error(n->sink, "front matter line %ld: `id` must "
			    "be a path like cas/chambery-ouahigouya, without ? "
			    "or #, empty, . or .. parts", e->line);
			return -1;
		}
	} else
		*id = id_prefix;
	if (*id == NULL || !notes_id_valid(*id)) {
		host->error(n->sink, "cannot make a document id from `%s`",
		    *id != NULL ? *id : "(none)");
		return -1;
	}
	frontmatter_warn_sources(host, n->sink, n->fm);
	return 0;
}

/* Facets and metadata from the front matter. */
static int
notes_emit_meta(struct notes *n)
{
	struct savoir_sink	*sink = n->sink;
	struct savoir_buf	 b = SAVOIR_BUF_INIT;
	const char		*auteur, *date, *annee;
	char *const		*module, *const *themes, *const *pays, *const *ref;
	size_t			 nmodule, nthemes, npays, nref, i;
	char			*fr = NULL;
	int			 rc = -1;

	module = frontmatter_list(n->fm, "module", &nmodule);
	themes = frontmatter_list(n->fm, "themes", &nthemes);
	pays = frontmatter_list(n->fm, "pays", &npays);
	/* The texts the document presents ("loi n° 2014-773 du 7 juillet
	 * 2014"): the host links their citations here. */
	ref = frontmatter_list(n->fm, "reference", &nref);
	auteur = notes_text_key(n, "auteur");
	date = notes_text_key(n, "date");
	if ((annee = notes_text_key(n, "annee")) != NULL &&
	    !year_valid(annee)) {
		host->warn(sink, frontmatter_get(n->fm, "annee")->line,
		    "`annee` is not a four-digit year: `%s` (ignored)", annee);
		annee = NULL;
	}
	if (date != NULL && (fr = date_french(date)) == NULL)
		host->warn(sink, frontmatter_get(n->fm, "date")->line,
		    "`date` is not a YYYY-MM-DD date: `%s`", date);

	for (i = 0; i < nmodule; i++)
		if (host->doc_facet(sink, "module", module[i]) == -1)
			goto out;
	for (i = 0; i < nthemes; i++)
		if (host->doc_facet(sink, "theme", themes[i]) == -1)
			goto out;
	for (i = 0; i < npays; i++)
		if (host->doc_facet(sink, "pays", pays[i]) == -1)
			goto out;
	if (annee != NULL && host->doc_facet(sink, "annee", annee) == -1)
		goto out;

	for (i = 0; i < nref; i++)
		if (host->doc_meta(sink, "reference", "Référence", ref[i]) ==
		    -1)
			goto out;
	if (auteur != NULL &&
	    host->doc_meta(sink, "auteur", "Auteur", auteur) == -1)
		goto out;
	if (date != NULL && host->doc_meta(sink, "date", "Date",
	    fr != NULL ? fr : date) == -1)
		goto out;
	if (nmodule > 0 && host->doc_meta(sink, "module", "Module",
	    notes_join(&b, module, nmodule)) == -1)
		goto out;
	if (annee != NULL && host->doc_meta(sink, "annee", "Année",
	    annee) == -1)
		goto out;
	if (nthemes > 0 && host->doc_meta(sink, "themes", "Thèmes",
	    notes_join(&b, themes, nthemes)) == -1)
		goto out;
	if (npays > 0 && host->doc_meta(sink, "pays", "Pays",
	    notes_join(&b, pays, npays)) == -1)
		goto out;
	if (b.failed) {
		host->error(sink, "out of memory");
		goto out;
	}
	rc = frontmatter_meta_sources(host, sink, n->fm);
out:
	free(fr);
	host->buf_free(&b);
	return rc;
}

static int
notes_extract(void *state, const struct savoir_input *in,
    struct savoir_sink *sink)
{
	struct notes		 n;
	struct frontmatter	*fm;
	cmark_parser		*parser = NULL;
	cmark_node		*root = NULL, *lead;
	const char		*data = (const char *)in->data;
	const char		*title, *type, *id;
	char			*html = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(&n, 0, sizeof n);
	n.sink = sink;
	if (frontmatter_load(host, in, sink, &fm) == -1)
		return -1;
	n.fm = fm;
	n.line0 = fm->body_line;
	if (notes_check(&n, &title, &type, &id, in->id_prefix) == -1)
		goto out;
	notes_squash(&n.title, title);
	if (n.title.failed)
		goto oom;
	if (n.title.len == 0) {
		host->error(sink, "the front matter's `title` is blank");
		goto out;
	}
	title = n.title.s;

#ifdef HAVE_CMARK_GFM
	/* Done by init already; this only costs a test of a flag. */
	cmark_gfm_core_extensions_ensure_registered();
#endif
	if ((parser = cmark_parser_new(CMARK_OPT_DEFAULT)) == NULL)
		goto oom;
#ifdef HAVE_CMARK_GFM
	{
		cmark_syntax_extension *table;

		if ((table = cmark_find_syntax_extension("table")) != NULL)
			cmark_parser_attach_syntax_extension(parser, table);
	}
#endif
	cmark_parser_feed(parser, data + fm->body, in->len - fm->body);
	if ((root = cmark_parser_finish(parser)) == NULL)
		goto oom;
	lead = notes_title_block(root, title);
	notes_drop_sources(&n, root);
	notes_grid(&n, root);
	if (n.failed || notes_walk(&n, root) == -1)
		goto oom;
	if (lead != NULL) {
		cmark_node_unlink(lead);
		cmark_node_free(lead);
	}
	if (n.body.len == 0 && n.headings.len == 0)
		host->warn(sink, n.line0, "the document has no text after its "
		    "front matter");
#ifdef HAVE_CMARK_GFM
	html = cmark_render_html(root, CMARK_OPT_DEFAULT,
	    cmark_parser_get_syntax_extensions(parser));
#else
	html = cmark_render_html(root, CMARK_OPT_DEFAULT);
#endif
	if (html == NULL)
		goto oom;

	if (host->doc_begin(sink, id, type) == -1 ||
	    host->doc_text(sink, SAVOIR_COL_TITLE, title, strlen(title)) == -1)
		goto out;
	if (n.headings.len > 0 && host->doc_text(sink, SAVOIR_COL_HEADINGS,
	    n.headings.s, n.headings.len) == -1)
		goto out;
	if (n.body.len > 0 && host->doc_text(sink, SAVOIR_COL_BODY,
	    n.body.s, n.body.len) == -1)
		goto out;
	if (notes_emit_meta(&n) == -1 || notes_emit_grid(&n) == -1)
		goto out;
	if (host->doc_html(sink, html, strlen(html)) == -1)
		goto out;
	for (i = 0; i < n.nlinks; i++)
		if (host->doc_link(sink, n.links[i].target, "lien",
		    n.links[i].label) == -1)
			goto out;
	if (host->doc_end(sink) == -1)
		goto out;
	rc = 0;
	goto out;
oom:
	host->error(sink, "out of memory");
out:
	free(html);
	if (root != NULL)
		cmark_node_free(root);
	if (parser != NULL)
		cmark_parser_free(parser);
	notes_free(&n);
	frontmatter_free(fm);
	return rc;
}

static const struct savoir_plugin notes_plugin = { SAVOIR_PLUGIN_HEAD,
	.name = "notes", .version = NOTES_VERSION, .types = notes_types,
	.extensions = notes_extensions, .mime_types = notes_mime_types,
#ifdef HAVE_CMARK_GFM
	.init = notes_init, .fini = notes_fini,
#endif
	.extract = notes_extract,
	.description = "Markdown course notes, case studies, fiches and "
	    "glossary entries with a YAML front matter" };

SAVOIR_PLUGIN_ENTRY(notes_plugin, host, utf8_check)
