/*
 * routes.c - the HTML pages: home, search results, one document, and the
 * OpenSearch description.  Each handler reads and checks its parameters,
 * gets its data from search.c (search_run) or api.c (documents, types),
 * shapes it into one JSON object for its template, and renders it through
 * render.c, the only writer of markup: nothing here writes HTML, so
 * nothing here can forget to escape.  Links are built by url.c with every
 * value percent-encoded; the filters and facets of a search are facet.c's,
 * the passages of a document that match the query passage.c's.
 *
 * It never builds SQL from what a person typed (query.c turns a query
 * into quoted FTS5 strings, values are bound) and never writes the index.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define ROUTE_MAX_PAGE		10000
#define ROUTE_LIST_SHOWN	12	/* "cité par" before "more" */

#define HTML_TYPE	"text/html; charset=utf-8"

/* The order of the kinds of material on the home page. */
static const char *const route_type_order[] = {
	"note", "article", "fiche", "cas", "partenariat", "glossaire", NULL
};

/* Query examples shown on the home page and in an empty result. */
static const char *const route_examples[] = {
	"coopération décentralisée Sénégal",
	"\"aide publique au développement\"",
	"jumelage OR partenariat",
	"L1115-1",
	"eau -assainissement",
	"type:cas pays:Mali",
	NULL
};

/*
 * The content types, for labels and filters (and with counts, for the
 * home page).  A page is still worth showing without them (labels fall
 * back to names): a read error is logged, and the caller uses an empty
 * list.
 */
static json_t *
route_types(struct req *q, int counts)
{
	json_t	*types;
	char	*cause = NULL;

	if ((types = api_types_json(q->w, counts, &cause)) == NULL) {
		log_warnx("%s: content types: %s", q->route, cause);
		free(cause);
	}
	return types;
}


/* Render a template into a response; data is consumed. */
void
route_render(struct req *q, int status, const char *name, const char *ctype,
    json_t *data)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL)
		fatalx("route_render: out of memory");
	http_mark_certificate(q, data);
	if (q->w->server->templates == NULL || templates_render(
	    q->w->server->templates, name, data, b) == -1) {
		evbuffer_free(b);
		json_decref(data);
		http_error(q, 500, "template", "La page n'a pas pu être "
		    "composée (erreur de gabarit). Prévenez "
		    "l'administrateur.");
		return;
	}
	json_decref(data);
	http_send(q, status, ctype, b);
	evbuffer_free(b);
}

/* The data every page's layout reads. */
static json_t *
route_page(const char *page, const char *title, const char *q)
{
	json_t	*o = json_object();

	json_object_set_new(o, "page", jstr(page));
	if (title != NULL)
		json_object_set_new(o, "title", jstr(title));
	json_object_set_new(o, "q", jstr(q));
	return o;
}

/* The breadcrumb without the type it starts with, which the type's badge
 * already shows: "Note de cours › 4-financements" -> "4-financements". */
static const char *
crumb_rest(const char *crumb, const char *facet_type_label)
{
	static const char sep[] = " \xe2\x80\xba ";	/* " › " */
	size_t	 n = strlen(facet_type_label);

	if (strncmp(crumb, facet_type_label, n) == 0 &&
	    strncmp(crumb + n, sep, sizeof sep - 1) == 0)
		return crumb + n + sizeof sep - 1;
	if (strcmp(crumb, facet_type_label) == 0)
		return "";
	return crumb;
}

/* --- / ------------------------------------------------------------------ */

static json_t *
route_examples_json(void)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; route_examples[i] != NULL; i++)
		json_array_append_new(a, json_pack("{s:s,s:o}", "q",
		    route_examples[i], "url",
		    jstr_free(url_for_search(route_examples[i]))));
	return a;
}

static int
type_cmp(const void *a, const void *b)
{
	json_t	*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int	 rx = fmt_rank(route_type_order, jstr_get(x, "name"));
	int	 ry = fmt_rank(route_type_order, jstr_get(y, "name"));

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(jstr_get(x, "label"), jstr_get(y, "label"));
}

void
page_home(struct req *q)
{
	json_t		*data, *types, *list, *t, **sorted;
	struct buf	 b;
	json_int_t	 count, total = 0;
	size_t		 i, n;

	if (api_store(q) == NULL)
		return;
	if ((types = route_types(q, 1)) == NULL)
		types = json_array();
	n = json_array_size(types);
	sorted = xcalloc(n + 1, sizeof *sorted);
	json_array_foreach(types, i, t)
		sorted[i] = t;
	qsort(sorted, n, sizeof *sorted, type_cmp);
	list = json_array();
	for (i = 0; i < n; i++) {
		t = sorted[i];
		count = json_integer_value(json_object_get(t, "count"));
		if (count <= 0)
			continue;
		total += count;
		buf_init(&b);
		buf_adds(&b, "/recherche");
		url_param(&b, "type", jstr_get(t, "name"));
		json_array_append_new(list, json_pack("{s:o,s:o,s:o,s:o,s:o}",
		    "name", jstr(jstr_get(t, "name")), "label",
		    jstr(jstr_get(t, "label")), "label_plural",
		    jstr(jstr_get(t, "label_plural")), "count",
		    jstr_free(fmt_int(count)), "url", jstr_free(buf_steal(&b))));
	}
	free(sorted);
	json_decref(types);

	data = route_page("home", NULL, "");
	json_object_set_new(data, "home", json_true());
	json_object_set_new(data, "types", list);
	json_object_set_new(data, "total", jstr_free(fmt_int(total)));
	json_object_set_new(data, "examples", route_examples_json());
	route_render(q, 200, "home", HTML_TYPE, data);
}

/* --- /hors-ligne -------------------------------------------------------- */

/* The page that keeps the whole library offline.  Its content is drawn by
 * savoir.js from what the browser keeps (Cache Storage): the server knows
 * nothing of it, so the page needs no index and reads nothing. */
void
page_offline(struct req *q)
{
	route_render(q, 200, "offline", HTML_TYPE, route_page("hors-ligne",
	    "Lecture hors ligne", ""));
}

/* --- /recherche --------------------------------------------------------- */

static char *
search_summary(const struct results *res)
{
	char	*n, *a, *t, *s;

	t = fmt_duration(res->took_us);
	if (res->total == 0)
		s = xsprintf("Aucun résultat (%s)", t);
	else if (res->units > 1 && res->total_all >= 0 &&
	    res->total_all < res->total) {
		/* « 12 documents contiennent tous les mots, 90 en contiennent
		 * une partie » */
		n = fmt_int(res->total_all);
		a = fmt_int(res->total - res->total_all);
		s = xsprintf("%s document%s %s tous les mots, %s en "
		    "contien%s une partie (%s)", n, res->total_all > 1 ? "s" : "",
		    res->total_all > 1 ? "contiennent" : "contient", a,
		    res->total - res->total_all > 1 ? "nent" : "t", t);
		free(n);
		free(a);
	} else {
		n = fmt_int(res->total);
		s = xsprintf("%s résultat%s (%s)", n, res->total > 1 ? "s" :
		    "", t);
		free(n);
	}
	free(t);
	return s;
}

/*
 * Spelling: the words searched instead of those typed (« Résultats pour
 * … », with a link to search what was typed), or a correction offered
 * (« Vouliez-vous dire … ? »), each keeping the filters in force.
 */
static void
route_spelling(json_t *data, const struct sparams *sp,
    const struct results *res)
{
	struct sparams	 alt = *sp;

	if (res->corrected != NULL) {
		alt.q = res->corrected;
		alt.exact = 0;
		json_object_set_new(data, "corrected", json_pack("{s:o,s:o}",
		    "text", jstr(res->corrected), "url", jstr_free(facet_url(
		    &alt, -1, NULL, NULL, 1))));
		alt.q = sp->q;
		alt.exact = 1;
		json_object_set_new(data, "typed", json_pack("{s:o,s:o}",
		    "text", jstr(sp->q), "url", jstr_free(facet_url(&alt, -1,
		    NULL, NULL, 1))));
	}
	if (res->suggestion != NULL) {
		alt.q = res->suggestion;
		alt.exact = 0;
		json_object_set_new(data, "suggestion", json_pack("{s:o,s:o}",
		    "text", jstr(res->suggestion), "url", jstr_free(facet_url(
		    &alt, -1, NULL, NULL, 1))));
	}
}

void
page_search(struct req *q)
{
	struct config		*c = q->w->server->conf;
	struct search_opts	 so;
	struct results		 res;
	struct sparams		 sp;
	struct store		*st;
	const char		*filters[2 * FACET_MAX_FILTERS + 1];
	json_t			*data, *types, *a;
	char			*cause = NULL, *title;
	long long		 page, pages;
	size_t			 i;
	int			 status = 200, searched;

	if ((st = api_store(q)) == NULL)
		return;
	if ((types = route_types(q, 0)) == NULL)
		types = json_array();
	if (facet_params(q, types, &sp) == -1 ||
	    http_arg_int(q, "page", 1, ROUTE_MAX_PAGE, 1, &page) == -1) {
		json_decref(types);
		return;
	}
	for (i = 0; i < sp.n; i++) {
		filters[2 * i] = sp.keys[i];
		filters[2 * i + 1] = sp.values[i];
	}
	filters[2 * sp.n] = NULL;

	memset(&so, 0, sizeof so);
	so.limit = c->page_size;
	so.offset = (int)((page - 1) * c->page_size);
	so.budget_ms = c->budget_ms;
	so.synonyms = c->synonyms;
	so.want_facets = 1;
	so.want_snippets = 1;
	so.filters = filters;
	so.no_correct = sp.exact;
	if (search_run(st, sp.q, &so, &res, &cause) == -1) {
		log_warnx("/recherche: %s", cause);
		free(cause);
		json_decref(types);
		http_error(q, 500, "internal", "La recherche a échoué à cause "
		    "d'une erreur interne. Réessayez ; si cela dure, prévenez "
		    "l'administrateur.");
		return;
	}
	searched = *sp.q != '\0' || sp.n > 0;
	if (*sp.q != '\0')
		title = xsprintf("« %s » — Recherche", sp.q);
	else
		title = xstrdup("Recherche");
	data = route_page("search", title, sp.q);
	free(title);
	json_object_set_new(data, "no_header_search", json_true());
	json_object_set_new(data, "searched", json_boolean(searched));

	a = json_array();
	for (i = 0; i < res.nnotices; i++)
		json_array_append_new(a, jstr(res.notices[i]));
	json_object_set_new(data, "notices", a);
	route_spelling(data, &sp, &res);

	/* The filters in force: kept by the form, removable one by one. */
	a = json_array();
	for (i = 0; i < sp.n; i++)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o}",
		    "key", jstr(sp.keys[i]), "value", jstr(sp.values[i]),
		    "label", jstr(facet_label(types, sp.keys[i])),
		    "value_label", jstr(facet_value_label(types, sp.keys[i],
		    sp.values[i])), "remove_url", jstr_free(facet_url(&sp,
		    (ssize_t)i, NULL, NULL, 1))));
	json_object_set_new(data, "active", a);
	if (sp.n > 1)
		json_object_set_new(data, "clear_url",
		    jstr_free(url_for_search(sp.q)));

	if (res.timeout) {
		/* What was found before the budget ran out may be wrong:
		 * show the notice only. */
		status = 503;
		json_object_set_new(data, "timeout", json_true());
		goto render;
	}
	if (!searched)
		goto render;

	json_object_set_new(data, "summary", jstr_free(search_summary(&res)));
	json_object_set_new(data, "total", json_integer(res.total));
	a = json_array();
	for (i = 0; i < res.nhits; i++)
		json_array_append_new(a, json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,"
		    "s:o,s:o,s:b}", "rank", (json_int_t)(so.offset + i + 1), "id",
		    jstr(res.hits[i].id), "url", jstr_free(url_for_doc(
		    res.hits[i].id, sp.q)), "title", jstr(res.hits[i].title),
		    "type", jstr(res.hits[i].type), "type_label", jstr(
		    facet_type_label(types, res.hits[i].type, 0)),
		    "breadcrumb", jstr(crumb_rest(res.hits[i].breadcrumb,
		    facet_type_label(types, res.hits[i].type, 0))),
		    "snippet_html",
		    jstr(res.hits[i].snippet), "partial", res.units > 1 &&
		    res.hits[i].matched < res.units));
	json_object_set_new(data, "hits", a);
	json_object_set_new(data, "first_rank", json_integer(so.offset + 1));
	json_object_set_new(data, "facets", facet_groups(types, &sp,
	    &res));

	pages = (res.total + c->page_size - 1) / c->page_size;
	if (pages > 1 || (page > 1 && pages > 0)) {
		a = json_pack("{s:I,s:I}", "page", (json_int_t)page, "pages",
		    (json_int_t)pages);
		if (page > 1)
			json_object_set_new(a, "prev_url", jstr_free(facet_url(
			    &sp, -1, NULL, NULL, page - 1 < pages ? page - 1 :
			    pages)));
		if (page < pages)
			json_object_set_new(a, "next_url", jstr_free(facet_url(
			    &sp, -1, NULL, NULL, page + 1)));
		json_object_set_new(data, "pagination", a);
	}
	if (res.total == 0)
		json_object_set_new(data, "empty", json_true());
	else if (res.nhits == 0)
		json_object_set_new(data, "beyond", json_true());
	if (res.total == 0 || res.nhits == 0)
		json_object_set_new(data, "examples", route_examples_json());
render:
	results_clear(&res);
	json_decref(types);
	route_render(q, status, "search", HTML_TYPE, data);
}

/* --- /doc/<id> ---------------------------------------------------------- */

/* Where each kind of link is listed, and under which heading. */
static const struct {
	const char	*rel;
	const char	*label;
} route_rels[] = {
	{ "cite", "Textes cités" },
	{ "lien", "Voir aussi" },
	{ "meme-collectivite", "Autres partenariats de la même collectivité" },
	{ "meme-partenaire", "Autres partenariats avec le même partenaire" },
};

static int
rel_known(const char *rel)
{
	size_t	 r;

	for (r = 0; r < sizeof route_rels / sizeof route_rels[0]; r++)
		if (strcmp(route_rels[r].rel, rel) == 0)
			return 1;
	return 0;
}

/* Links grouped by relation, known relations first; a target missing from
 * the index is listed without a link, marked absent. */
static json_t *
doc_link_groups(json_t *links)
{
	json_t		*groups = json_array(), *items, *l, *seen;
	const char	*rel, *label;
	size_t		 r, i, nr = sizeof route_rels / sizeof route_rels[0];
	int		 take;

	/* A target both cited and linked is listed once, where it comes
	 * first: a citation says more. */
	seen = json_object();
	for (r = 0; r <= nr; r++) {
		items = json_array();
		json_array_foreach(links, i, l) {
			rel = jstr_get(l, "rel");
			take = r < nr ? strcmp(rel, route_rels[r].rel) == 0 :
			    !rel_known(rel);
			if (!take ||
			    json_object_get(seen, jstr_get(l, "id")) != NULL)
				continue;
			json_object_set_new(seen, jstr_get(l, "id"),
			    json_true());
			json_array_append_new(items, json_pack("{s:o,s:o,s:b}",
			    "title", jstr(jstr_get(l, "title")), "url",
			    jstr_free(url_for_doc(jstr_get(l, "id"), NULL)),
			    "exists", json_is_true(json_object_get(l,
			    "exists"))));
		}
		if (json_array_size(items) == 0) {
			json_decref(items);
			continue;
		}
		label = r < nr ? route_rels[r].label : "Autres liens";
		json_array_append_new(groups, json_pack("{s:s,s:o}", "label",
		    label, "items", items));
	}
	json_decref(seen);
	return groups;
}

/* A source "Title — https://…" as text and link; the link shows a long
 * address as its host (autolink.c), the whole of it in its title. */
static json_t *
doc_source(const char *value)
{
	static const char dash[] = " \xe2\x80\x94 ";	/* " — " */
	const char	*sep = NULL, *p, *url;
	size_t		 off, n;
	int		 ellipsis;
	char		*label;

	for (p = value; (p = strstr(p, dash)) != NULL; p++)
		sep = p;
	url = sep != NULL ? sep + strlen(dash) : value;
	if ((strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) || strpbrk(url, " \t\n") != NULL)
		return json_pack("{s:o}", "text", jstr(value));
	n = autolink_label(url, strlen(url), &off, &ellipsis);
	label = xsprintf("%.*s%s", (int)n, url + off, ellipsis ?
	    "/\xe2\x80\xa6" : "");
	return json_pack("{s:o,s:o,s:o}", "text", sep == NULL ? jstr("") :
	    jstr_free(xstrndup(value, sep - value)), "url", jstr(url),
	    "label", jstr_free(label));
}

/*
 * An analysis grid entry (key grille-<id>, value "n/3 — comment",
 * plugins/common/grille.h) as a row of the page's grid table.
 */
static json_t *
doc_grid_row(const char *label, const char *value)
{
	static const char dash[] = " \xe2\x80\x94 ";	/* " — " */
	const char	*sep = strstr(value, dash);

	if (sep == NULL)
		return json_pack("{s:s,s:s,s:s}", "critere", label, "note",
		    value, "commentaire", "");
	return json_pack("{s:s,s:o,s:s}", "critere", label, "note",
	    jstr_free(xstrndup(value, sep - value)), "commentaire",
	    sep + strlen(dash));
}

/*
 * The metadata as a description list, the sources apart, leaving out what
 * the body already shows: many plugins render their fields in the body
 * (a partnership's <dl>, the sources list of a note), and the same facts
 * twice on one page only make it longer.
 */
static void
doc_meta(json_t *doc, json_t *data)
{
	json_t		*meta = json_array(), *sources = json_array(), *m, *src;
	json_t		*grid = json_array();
	const char	*key, *label, *html = jstr_get(doc, "html"), *url;
	char		*dt;
	size_t		 i;
	int		 shown;

	json_array_foreach(json_object_get(doc, "meta"), i, m) {
		key = jstr_get(m, "key");
		label = *jstr_get(m, "label") != '\0' ? jstr_get(m, "label") :
		    key;
		if (*jstr_get(m, "value") == '\0')
			continue;
		if (strcmp(key, "source") == 0 || strcmp(key, "sources") == 0) {
			src = doc_source(jstr_get(m, "value"));
			url = jstr_get(src, "url");
			if (*url != '\0' && strstr(html, url) != NULL)
				json_decref(src);
			else
				json_array_append_new(sources, src);
			continue;
		}
		if (strncmp(key, "grille-", 7) == 0) {
			json_array_append_new(grid, doc_grid_row(label,
			    jstr_get(m, "value")));
			continue;
		}
		dt = xsprintf("<dt>%s</dt>", label);
		shown = strstr(html, dt) != NULL;
		free(dt);
		if (!shown)
			json_array_append_new(meta, json_pack("{s:o,s:o}",
			    "label", jstr(label), "value", jstr(jstr_get(m,
			    "value"))));
	}
	json_object_set_new(data, "meta", meta);
	json_object_set_new(data, "sources", sources);
	json_object_set_new(data, "grille", grid);
}

static int
doc_links_to(json_t *doc, const char *id)
{
	json_t	*l;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "links"), i, l)
		if (strcmp(jstr_get(l, "id"), id) == 0)
			return 1;
	return 0;
}

void
page_doc(struct req *q, const char *id)
{
	struct store	*st;
	json_t		*doc, *data, *types, *a, *more, *d;
	const char	*text, *type;
	char		*msg, *cause = NULL;
	size_t		 i, n;
	int		 rc;

	if (*id == '\0') {
		http_error(q, 404, "not_found", "Indiquez l'identifiant d'un "
		    "document, par exemple /doc/cgct/L1115-1.");
		return;
	}
	if ((st = api_store(q)) == NULL)
		return;
	if ((text = http_arg(q, "q")) == NULL)
		text = "";
	if (strlen(text) > ROUTE_MAX_QUERY)
		text = "";
	if ((rc = api_doc_json(q->w, id, &doc, &cause)) == -1) {
		log_warnx("%s: cannot read the index: %s", q->route, cause);
		free(cause);
		http_error(q, 500, "internal", "L'index n'a pas pu être lu. "
		    "Réessayez dans un instant ; si cela dure, prévenez "
		    "l'administrateur.");
		return;
	}
	if (rc == 0) {
		msg = xsprintf("Aucun document ne porte l'identifiant « %s ». "
		    "Il a peut-être été renommé ou retiré de la bibliothèque : "
		    "cherchez-le par son titre.", id);
		http_error(q, 404, "not_found", msg);
		free(msg);
		return;
	}
	if ((types = route_types(q, 0)) == NULL)
		types = json_array();
	type = jstr_get(doc, "type");

	data = route_page("doc", jstr_get(doc, "title"), text);
	json_object_set_new(data, "doc", json_pack("{s:o,s:o,s:o,s:o,s:o,"
	    "s:o}", "id", jstr(jstr_get(doc, "id")), "type", jstr(type),
	    "type_label", jstr(jstr_get(doc, "type_label")), "title",
	    jstr(jstr_get(doc, "title")), "breadcrumb",
	    jstr(crumb_rest(jstr_get(doc, "breadcrumb"), jstr_get(doc,
	    "type_label"))), "source",
	    jstr(jstr_get(doc, "source"))));
	/* A synced copy names its origin (« Copie synchronisée depuis »). */
	if (json_is_string(json_object_get(doc, "origin")))
		json_object_set(json_object_get(data, "doc"), "origin",
		    json_object_get(doc, "origin"));
	/* Sanitized by the indexer (sanitize.c): the one raw insertion. */
	json_object_set_new(data, "body_html", jstr(jstr_get(doc, "html")));
	json_object_set_new(data, "toc", toc_from_html(jstr_get(doc, "html")));
	doc_meta(doc, data);
	if (chrono_has(type, jstr_get(doc, "id")))
		json_object_set_new(data, "chronologie", json_true());
	json_object_set_new(data, "link_groups", doc_link_groups(
	    json_object_get(doc, "links")));

	/* An article lists all that cites it, even what it cites back; other
	 * documents only what their own links do not already show. */
	a = json_array();
	more = json_array();
	n = 0;
	json_array_foreach(json_object_get(doc, "cited_by"), i, d) {
		if (strcmp(type, "article") != 0 &&
		    doc_links_to(doc, jstr_get(d, "id")))
			continue;
		json_array_append_new(n++ < ROUTE_LIST_SHOWN ? a : more,
		    json_pack("{s:o,s:o,s:o}", "title",
		    jstr(jstr_get(d, "title")), "url",
		    jstr_free(url_for_doc(jstr_get(d, "id"), NULL)),
		    "type_label", jstr(facet_type_label(types,
		    jstr_get(d, "type"), 0))));
	}
	if (json_array_size(a) > 0)
		json_object_set_new(data, "cited_by_label", jstr(
		    strcmp(type, "article") == 0 ? "Cité par" :
		    "Documents qui renvoient ici"));
	json_object_set_new(data, "cited_by", a);
	json_object_set_new(data, "cited_by_more_count",
	    json_integer((json_int_t)json_array_size(more)));
	json_object_set_new(data, "cited_by_more_label", jstr_free(
	    json_array_size(more) == 1 ? xstrdup("1 autre document") :
	    xsprintf("%zu autres documents", json_array_size(more))));
	json_object_set_new(data, "cited_by_more", more);

	/* « Documents proches »: alike by their rarer words, links and
	 * place, besides what the document links to by hand. */
	a = json_array();
	json_array_foreach(json_object_get(doc, "similar"), i, d)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "title",
		    jstr(jstr_get(d, "title")), "url",
		    jstr_free(url_for_doc(jstr_get(d, "id"), NULL)),
		    "type_label", jstr(facet_type_label(types,
		    jstr_get(d, "type"), 0))));
	json_object_set_new(data, "similar", a);

	if (*text != '\0') {
		json_object_set_new(data, "back_url",
		    jstr_free(url_for_search(text)));
		json_object_set_new(data, "passages", passage_list(st, id,
		    text, q->w->server->conf->budget_ms));
	}
	json_decref(types);
	json_decref(doc);
	route_render(q, 200, "doc", HTML_TYPE, data);
}

/* --- /opensearch.xml ---------------------------------------------------- */

void
page_opensearch(struct req *q)
{
	struct config	*c = q->w->server->conf;
	const char	*host;
	char		*base;
	size_t		 len;

	if (c->public_url != NULL && *c->public_url != '\0') {
		len = strlen(c->public_url);
		while (len > 0 && c->public_url[len - 1] == '/')
			len--;
		base = xstrndup(c->public_url, len);
	} else {
		host = evhttp_find_header(evhttp_request_get_input_headers(
		    q->r), "Host");
		/* The Host header lands in an XML attribute and in every
		 * browser's search URL: only a plain host[:port]. */
		if (host == NULL || *host == '\0' || strlen(host) > 255 ||
		    strspn(host, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
		    strlen(host)) {
			http_error(q, 400, "bad_host", "En-tête Host absent ou "
			    "invalide : l'adresse publique du serveur est "
			    "inconnue (réglez public_url).");
			return;
		}
		base = xsprintf("%s://%s", q->tls ? "https" : "http", host);
	}
	evhttp_add_header(evhttp_request_get_output_headers(q->r),
	    "Cache-Control", "max-age=3600");
	route_render(q, 200, "opensearch",
	    "application/opensearchdescription+xml; charset=utf-8",
	    json_pack("{s:o}", "base", jstr_free(base)));
}
