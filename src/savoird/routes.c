/*
 * routes.c - the HTML pages: home, search results, one document, and the
 * OpenSearch description.  Each handler reads and checks its parameters,
 * gets its data from search.c (search_run) or api.c (documents, types),
 * shapes it into one JSON object for its template, and renders it through
 * render.c, the only writer of markup: nothing here writes HTML, so
 * nothing here can forget to escape.  Links are built with every value
 * percent-encoded.
 *
 * It never builds SQL from what a person typed (query.c turns a query
 * into quoted FTS5 strings, values are bound) and never writes the index.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define ROUTE_MAX_QUERY		2048	/* bytes of q */
#define ROUTE_MAX_FILTERS	32
#define ROUTE_MAX_VALUE		200	/* bytes of one filter value */
#define ROUTE_MAX_PAGE		10000
#define ROUTE_FACET_SHOWN	8	/* values of a facet before "more" */
#define ROUTE_LIST_SHOWN	12	/* "cité par" before "more" */
#define ROUTE_PASSAGES		3	/* matching passages on a document */
#define ROUTE_PASSAGE_BEFORE	140	/* bytes of context before a match */
#define ROUTE_PASSAGE_AFTER	260
#define ROUTE_PASSAGE_MARKS	400	/* candidate matches examined */

#define HTML_TYPE	"text/html; charset=utf-8"

/* Keys a filter may always use; the index's declared facets add more. */
static const char *const route_filter_keys[] = {
	"type", "pays", "annee", "theme", "module", "code", NULL
};

/* The order facets appear in; others follow in the index's order. */
static const char *const route_facet_order[] = {
	"type", "module", "theme", "pays", "annee", "code", "statut",
	"type_collectivite", "financeur", NULL
};

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

/* --- small helpers ----------------------------------------------------- */

/* A JSON string, never NULL: a bad byte in the index must not lose the
 * page (jansson refuses invalid UTF-8). */
static json_t *
jstr(const char *s)
{
	struct buf	 b;
	json_t		*j;

	if (s == NULL)
		s = "";
	if ((j = json_string(s)) != NULL)
		return j;
	buf_init(&b);
	utf8_repair(s, strlen(s), &b);
	j = json_stringn(b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return j != NULL ? j : json_string("");
}

/* A JSON string made from a malloc'd C string, which is freed. */
static json_t *
jstr_free(char *s)
{
	json_t	*j = jstr(s);

	free(s);
	return j;
}

static const char *
jget(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* fr_fold, out of memory being fatal as with xmalloc. */
static char *
xfold(const char *s, size_t len)
{
	char	*f;

	if ((f = fr_fold(s, len)) == NULL)
		fatalx("fr_fold: out of memory");
	return f;
}

/* 12345 as "12 345", with the narrow no-break space French uses. */
static char *
fmt_int(int64_t n)
{
	char		 digits[32];
	struct buf	 b;
	size_t		 len, i;

	snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
	len = strlen(digits);
	buf_init(&b);
	if (n < 0)
		buf_addc(&b, '-');
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_adds(&b, "\xe2\x80\xaf");	/* U+202F */
		buf_addc(&b, digits[i]);
	}
	return buf_steal(&b);
}

/* A duration: "0,4 ms", "37 ms", "1,2 s", with a decimal comma. */
static char *
fmt_duration(int64_t us)
{
	if (us < 10000)
		return xsprintf("%lld,%lld ms", (long long)(us / 1000),
		    (long long)(us % 1000 / 100));
	if (us < 1000000)
		return xsprintf("%lld ms", (long long)(us / 1000));
	return xsprintf("%lld,%lld s", (long long)(us / 1000000),
	    (long long)(us % 1000000 / 100000));
}

/* Append key=value to a URL being built, percent-encoding both. */
static void
url_param(struct buf *b, const char *key, const char *value)
{
	char	*k, *v;

	k = evhttp_uriencode(key, -1, 0);
	v = evhttp_uriencode(value, -1, 0);
	if (k == NULL || v == NULL)
		fatalx("url_param: out of memory");
	buf_addc(b, strchr(b->data, '?') == NULL ? '?' : '&');
	buf_printf(b, "%s=%s", k, v);
	free(k);
	free(v);
}

/* "/doc/" and the id, each of its '/'-separated parts encoded. */
static void
url_doc(struct buf *b, const char *id)
{
	const char	*slash;
	char		*part, *enc;

	buf_adds(b, "/doc/");
	for (;;) {
		slash = strchr(id, '/');
		part = slash != NULL ? xstrndup(id, slash - id) : xstrdup(id);
		if ((enc = evhttp_uriencode(part, -1, 0)) == NULL)
			fatalx("url_doc: out of memory");
		buf_adds(b, enc);
		free(enc);
		free(part);
		if (slash == NULL)
			break;
		buf_addc(b, '/');
		id = slash + 1;
	}
}

static char *
doc_url(const char *id, const char *q)
{
	struct buf	 b;

	buf_init(&b);
	url_doc(&b, id);
	if (q != NULL && *q != '\0')
		url_param(&b, "q", q);
	return buf_steal(&b);
}

static char *
search_url_q(const char *q)
{
	struct buf	 b;

	buf_init(&b);
	buf_adds(&b, "/recherche");
	if (*q != '\0')
		url_param(&b, "q", q);
	return buf_steal(&b);
}

/*
 * The content types, for labels and filters.  A page is still worth
 * showing without them (labels fall back to names): a read error is
 * logged, and the caller uses an empty list.
 */
static json_t *
route_types(struct req *q)
{
	json_t	*types;
	char	*cause = NULL;

	if ((types = api_types_json(q->w, &cause)) == NULL) {
		log_warnx("%s: content types: %s", q->route, cause);
		free(cause);
	}
	return types;
}

/* The worker's index, or a 503 sent. */
static struct store *
route_store(struct req *q)
{
	struct store	*st;

	if ((st = worker_store(q->w)) == NULL)
		http_error(q, 503, "no_index", "La bibliothèque n'est pas "
		    "encore disponible : le serveur n'a pas pu ouvrir son "
		    "index. Réessayez dans un instant ; si cela dure, "
		    "prévenez l'administrateur.");
	return st;
}

/* Render a template into a response; data is consumed. */
static void
route_render(struct req *q, int status, const char *name, const char *ctype,
    json_t *data)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL)
		fatalx("route_render: out of memory");
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
crumb_rest(const char *crumb, const char *type_label)
{
	static const char sep[] = " \xe2\x80\xba ";	/* " › " */
	size_t	 n = strlen(type_label);

	if (strncmp(crumb, type_label, n) == 0 &&
	    strncmp(crumb + n, sep, sizeof sep - 1) == 0)
		return crumb + n + sizeof sep - 1;
	if (strcmp(crumb, type_label) == 0)
		return "";
	return crumb;
}

/* --- content types ---------------------------------------------------- */

static json_t *
type_find(json_t *types, const char *name)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(types, i, t)
		if (strcmp(jget(t, "name"), name) == 0)
			return t;
	return NULL;
}

static const char *
type_label(json_t *types, const char *name, int plural)
{
	json_t		*t = type_find(types, name);
	const char	*s;

	if (t == NULL)
		return name;
	s = jget(t, plural ? "label_plural" : "label");
	return *s != '\0' ? s : name;
}

/* A facet's declaration {key, label, kind}, the first type declaring it. */
static json_t *
facet_decl(json_t *types, const char *key)
{
	json_t	*t, *f;
	size_t	 i, j;

	json_array_foreach(types, i, t)
		json_array_foreach(json_object_get(t, "facets"), j, f)
			if (strcmp(jget(f, "key"), key) == 0)
				return f;
	return NULL;
}

static const char *
facet_label(json_t *types, const char *key)
{
	json_t	*f;

	if (strcmp(key, "type") == 0)
		return "Type de document";
	if ((f = facet_decl(types, key)) != NULL && *jget(f, "label") != '\0')
		return jget(f, "label");
	return key;
}

/* A facet value as people read it: types by their plural label. */
static const char *
facet_value_label(json_t *types, const char *key, const char *value)
{
	if (strcmp(key, "type") == 0)
		return type_label(types, value, 1);
	return value;
}

static int
filter_key_known(json_t *types, const char *key)
{
	size_t	 i;

	for (i = 0; route_filter_keys[i] != NULL; i++)
		if (strcmp(route_filter_keys[i], key) == 0)
			return 1;
	return facet_decl(types, key) != NULL;
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
		    jstr_free(search_url_q(route_examples[i]))));
	return a;
}

static int
type_rank(const char *name)
{
	size_t	 i;

	for (i = 0; route_type_order[i] != NULL; i++)
		if (strcmp(route_type_order[i], name) == 0)
			return (int)i;
	return (int)i;
}

static int
type_cmp(const void *a, const void *b)
{
	json_t	*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int	 rx = type_rank(jget(x, "name"));
	int	 ry = type_rank(jget(y, "name"));

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(jget(x, "label"), jget(y, "label"));
}

void
page_home(struct req *q)
{
	json_t		*data, *types, *list, *t, **sorted;
	struct buf	 b;
	json_int_t	 count, total = 0;
	size_t		 i, n;

	if (route_store(q) == NULL)
		return;
	if ((types = route_types(q)) == NULL)
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
		url_param(&b, "type", jget(t, "name"));
		json_array_append_new(list, json_pack("{s:o,s:o,s:o,s:o,s:o}",
		    "name", jstr(jget(t, "name")), "label", jstr(jget(t,
		    "label")), "label_plural", jstr(jget(t, "label_plural")),
		    "count", jstr_free(fmt_int(count)), "url",
		    jstr_free(buf_steal(&b))));
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

/* --- /recherche --------------------------------------------------------- */

struct sparams {
	const char	*q;
	const char	*keys[ROUTE_MAX_FILTERS];
	const char	*values[ROUTE_MAX_FILTERS];
	size_t		 n;
};

/*
 * The search URL for these parameters without filter drop (-1: none),
 * plus key=value when key is not NULL, at page (1: not written).
 */
static char *
search_url(const struct sparams *sp, ssize_t drop, const char *key,
    const char *value, long long page)
{
	struct buf	 b;
	size_t		 i;
	char		 num[24];

	buf_init(&b);
	buf_adds(&b, "/recherche");
	if (*sp->q != '\0')
		url_param(&b, "q", sp->q);
	for (i = 0; i < sp->n; i++)
		if ((ssize_t)i != drop)
			url_param(&b, sp->keys[i], sp->values[i]);
	if (key != NULL)
		url_param(&b, key, value);
	if (page > 1) {
		snprintf(num, sizeof num, "%lld", page);
		url_param(&b, "page", num);
	}
	return buf_steal(&b);
}

/* The filter of sp with this key and (folded) value, or -1. */
static ssize_t
sparams_find(const struct sparams *sp, const char *key, const char *value)
{
	char	*fv, *fo;
	size_t	 i;
	ssize_t	 found = -1;

	fv = xfold(value, strlen(value));
	for (i = 0; i < sp->n && found == -1; i++) {
		if (strcmp(sp->keys[i], key) != 0)
			continue;
		fo = xfold(sp->values[i], strlen(sp->values[i]));
		if (strcmp(fo, fv) == 0)
			found = (ssize_t)i;
		free(fo);
	}
	free(fv);
	return found;
}

static int
facet_rank(const char *key)
{
	size_t	 i;

	for (i = 0; route_facet_order[i] != NULL; i++)
		if (strcmp(route_facet_order[i], key) == 0)
			return (int)i;
	return (int)i;
}

static int
year_desc_cmp(const void *a, const void *b)
{
	const struct facet_count *x = *(const struct facet_count *const *)a;
	const struct facet_count *y = *(const struct facet_count *const *)b;

	return strcmp(y->value, x->value);
}

/* One facet group: its values as links that add or remove the filter. */
static json_t *
facet_group(json_t *types, const struct sparams *sp,
    const struct results *res, const char *key)
{
	const struct facet_count	**v;
	json_t				*values, *more, *decl;
	size_t				 i, n = 0;
	ssize_t				 active;
	char				*url;

	v = xcalloc(res->nfacets, sizeof *v);
	for (i = 0; i < res->nfacets; i++)
		if (strcmp(res->facets[i].key, key) == 0)
			v[n++] = &res->facets[i];
	decl = facet_decl(types, key);
	if (decl != NULL && strcmp(jget(decl, "kind"), "year") == 0)
		qsort(v, n, sizeof *v, year_desc_cmp);
	values = json_array();
	more = json_array();
	for (i = 0; i < n; i++) {
		active = sparams_find(sp, key, v[i]->value);
		if (active >= 0)
			url = search_url(sp, active, NULL, NULL, 1);
		else
			url = search_url(sp, -1, key, v[i]->value, 1);
		/* Long lists fold after the first few; an active value stays
		 * in sight so that it can be removed. */
		json_array_append_new(i < ROUTE_FACET_SHOWN || active >= 0 ?
		    values : more, json_pack("{s:o,s:o,s:o,s:b}",
		    "label", jstr(facet_value_label(types, key, v[i]->value)),
		    "count", jstr_free(fmt_int(v[i]->count)), "url",
		    jstr_free(url), "active", active >= 0));
	}
	free(v);
	return json_pack("{s:o,s:o,s:o,s:o,s:I}", "key", jstr(key), "label",
	    jstr(facet_label(types, key)), "values", values, "more", more,
	    "more_count", (json_int_t)json_array_size(more));
}

static int
facet_key_cmp(const void *a, const void *b)
{
	const char	*x = *(const char *const *)a;
	const char	*y = *(const char *const *)b;
	int		 rx = facet_rank(x), ry = facet_rank(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

static json_t *
search_facets_json(json_t *types, const struct sparams *sp,
    const struct results *res)
{
	const char	**keys;
	json_t		*groups = json_array();
	size_t		 i, j, n = 0;

	keys = xcalloc(res->nfacets + 1, sizeof *keys);
	for (i = 0; i < res->nfacets; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(keys[j], res->facets[i].key) == 0)
				break;
		if (j == n)
			keys[n++] = res->facets[i].key;
	}
	qsort(keys, n, sizeof *keys, facet_key_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(groups, facet_group(types, sp, res,
		    keys[i]));
	free(keys);
	return groups;
}

/* Read q and the filters; 0, or -1 with a 400 sent. */
static int
search_params(struct req *q, json_t *types, struct sparams *sp)
{
	struct evkeyval	*kv;

	memset(sp, 0, sizeof *sp);
	if ((sp->q = http_arg(q, "q")) == NULL)
		sp->q = "";
	if (strlen(sp->q) > ROUTE_MAX_QUERY) {
		http_error(q, 400, "bad_parameter", "La recherche est trop "
		    "longue : raccourcissez-la.");
		return -1;
	}
	TAILQ_FOREACH(kv, &q->args, next) {
		if (strcmp(kv->key, "q") == 0 || strcmp(kv->key, "page") == 0 ||
		    *kv->value == '\0' || !filter_key_known(types, kv->key))
			continue;
		if (strlen(kv->value) > ROUTE_MAX_VALUE) {
			http_error(q, 400, "bad_parameter", "Une valeur de "
			    "filtre est trop longue.");
			return -1;
		}
		if (sparams_find(sp, kv->key, kv->value) >= 0)
			continue;	/* the same filter twice */
		if (sp->n == ROUTE_MAX_FILTERS) {
			http_error(q, 400, "bad_parameter", "Trop de filtres "
			    "dans une même recherche.");
			return -1;
		}
		sp->keys[sp->n] = kv->key;
		sp->values[sp->n] = kv->value;
		sp->n++;
	}
	return 0;
}

static char *
search_summary(const struct results *res)
{
	char	*n, *t, *s;

	t = fmt_duration(res->took_us);
	if (res->total == 0)
		s = xsprintf("Aucun résultat (%s)", t);
	else {
		n = fmt_int(res->total);
		s = xsprintf("%s résultat%s (%s)", n, res->total > 1 ? "s" :
		    "", t);
		free(n);
	}
	free(t);
	return s;
}

void
page_search(struct req *q)
{
	struct config		*c = q->w->server->conf;
	struct search_opts	 so;
	struct results		 res;
	struct sparams		 sp;
	struct store		*st;
	const char		*filters[2 * ROUTE_MAX_FILTERS + 1];
	json_t			*data, *types, *a;
	char			*cause = NULL, *title;
	long long		 page, pages;
	size_t			 i;
	int			 status = 200, searched;

	if ((st = route_store(q)) == NULL)
		return;
	if ((types = route_types(q)) == NULL)
		types = json_array();
	if (search_params(q, types, &sp) == -1 ||
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

	/* The filters in force: kept by the form, removable one by one. */
	a = json_array();
	for (i = 0; i < sp.n; i++)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o,s:o}",
		    "key", jstr(sp.keys[i]), "value", jstr(sp.values[i]),
		    "label", jstr(facet_label(types, sp.keys[i])),
		    "value_label", jstr(facet_value_label(types, sp.keys[i],
		    sp.values[i])), "remove_url", jstr_free(search_url(&sp,
		    (ssize_t)i, NULL, NULL, 1))));
	json_object_set_new(data, "active", a);
	if (sp.n > 1)
		json_object_set_new(data, "clear_url",
		    jstr_free(search_url_q(sp.q)));

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
		    "s:o,s:o}", "rank", (json_int_t)(so.offset + i + 1), "id",
		    jstr(res.hits[i].id), "url", jstr_free(doc_url(
		    res.hits[i].id, sp.q)), "title", jstr(res.hits[i].title),
		    "type", jstr(res.hits[i].type), "type_label", jstr(
		    type_label(types, res.hits[i].type, 0)), "breadcrumb",
		    jstr(crumb_rest(res.hits[i].breadcrumb, type_label(types,
		    res.hits[i].type, 0))), "snippet_html",
		    jstr(res.hits[i].snippet)));
	json_object_set_new(data, "hits", a);
	json_object_set_new(data, "first_rank", json_integer(so.offset + 1));
	json_object_set_new(data, "facets", search_facets_json(types, &sp,
	    &res));

	pages = (res.total + c->page_size - 1) / c->page_size;
	if (pages > 1 || (page > 1 && pages > 0)) {
		a = json_pack("{s:I,s:I}", "page", (json_int_t)page, "pages",
		    (json_int_t)pages);
		if (page > 1)
			json_object_set_new(a, "prev_url", jstr_free(search_url(
			    &sp, -1, NULL, NULL, page - 1 < pages ? page - 1 :
			    pages)));
		if (page < pages)
			json_object_set_new(a, "next_url", jstr_free(search_url(
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
			rel = jget(l, "rel");
			take = r < nr ? strcmp(rel, route_rels[r].rel) == 0 :
			    !rel_known(rel);
			if (!take ||
			    json_object_get(seen, jget(l, "id")) != NULL)
				continue;
			json_object_set_new(seen, jget(l, "id"), json_true());
			json_array_append_new(items, json_pack("{s:o,s:o,s:b}",
			    "title", jstr(jget(l, "title")), "url",
			    jstr_free(doc_url(jget(l, "id"), NULL)), "exists",
			    json_is_true(json_object_get(l, "exists"))));
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

/* A source "Title — https://…" as text and link. */
static json_t *
doc_source(const char *value)
{
	static const char dash[] = " \xe2\x80\x94 ";	/* " — " */
	const char	*sep = NULL, *p, *url;

	for (p = value; (p = strstr(p, dash)) != NULL; p++)
		sep = p;
	url = sep != NULL ? sep + strlen(dash) : value;
	if ((strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) || strpbrk(url, " \t\n") != NULL)
		return json_pack("{s:o}", "text", jstr(value));
	if (sep == NULL)
		return json_pack("{s:o,s:o}", "text", jstr(value), "url",
		    jstr(url));
	return json_pack("{s:o,s:o}", "text", jstr_free(xstrndup(value,
	    sep - value)), "url", jstr(url));
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
	const char	*key, *label, *html = jget(doc, "html"), *url;
	char		*dt;
	size_t		 i;
	int		 shown;

	json_array_foreach(json_object_get(doc, "meta"), i, m) {
		key = jget(m, "key");
		label = *jget(m, "label") != '\0' ? jget(m, "label") : key;
		if (*jget(m, "value") == '\0')
			continue;
		if (strcmp(key, "source") == 0 || strcmp(key, "sources") == 0) {
			src = doc_source(jget(m, "value"));
			url = jget(src, "url");
			if (*url != '\0' && strstr(html, url) != NULL)
				json_decref(src);
			else
				json_array_append_new(sources, src);
			continue;
		}
		dt = xsprintf("<dt>%s</dt>", label);
		shown = strstr(html, dt) != NULL;
		free(dt);
		if (!shown)
			json_array_append_new(meta, json_pack("{s:o,s:o}",
			    "label", jstr(label), "value", jstr(jget(m,
			    "value"))));
	}
	json_object_set_new(data, "meta", meta);
	json_object_set_new(data, "sources", sources);
}

struct passage {
	size_t	 start;		/* window in the highlighted text */
	size_t	 end;
	size_t	 mark;		/* the match it was built around */
	int	 score;		/* how well it answers the query */
};

static int
passage_cmp(const void *a, const void *b)
{
	const struct passage	*x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Move a window edge onto a word boundary, never past limit. */
static size_t
passage_edge(const char *s, size_t len, size_t at, size_t limit, int forward)
{
	size_t	 i;

	if (forward) {
		for (i = at; i < limit; i++)
			if (s[i] == ' ' || s[i] == '\n')
				return i + 1;
	} else {
		for (i = at; i > limit; i--)
			if (s[i - 1] == ' ' || s[i - 1] == '\n')
				return i - 1;
	}
	/* No space: at least never cut a UTF-8 sequence. */
	while (at > 0 && at < len && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

/*
 * The passages of the body that match the query, best first chosen then
 * shown in reading order: windows around the matches FTS5's highlight()
 * marks, scored by how many matches they hold.  Each is HTML (escaped
 * text with <mark>) from snippet_html.
 */
static json_t *
doc_passages(struct store *st, const char *id, const char *text,
    int budget_ms)
{
	static const char *const keys[] = { "type", "pays", "annee", "theme",
	    "module", "code", "article", NULL };
	struct passage	 cand[ROUTE_PASSAGE_MARKS], chosen[ROUTE_PASSAGES];
	char		*words[ROUTE_PASSAGE_MARKS];
	struct query	*qr;
	json_t		*a = json_array();
	const char	*m;
	struct buf	 b;
	char		*expr, *html, *s = NULL, *cause = NULL;
	size_t		 len, nc = 0, nch = 0, i, j, k;
	int		 best, distinct, marks, rc;

	qr = query_parse(text, keys);
	expr = query_fts_any(qr);
	query_free(qr);
	if (expr == NULL)
		return a;
	/* Passages are an extra of the page: when they cannot be read, the
	 * document is shown without them (and the log says why). */
	store_deadline(st, mono_us() + (int64_t)budget_ms * 1000);
	rc = store_highlight(st, expr, id, &s, &len, &cause);
	store_deadline(st, 0);
	if (rc == -1) {
		log_warnx("passages of %s: %s", id, cause);
		free(cause);
	}
	if (rc != 1)
		goto out;

	for (m = s; nc < ROUTE_PASSAGE_MARKS &&
	    (m = memchr(m, '\x01', len - (size_t)(m - s))) != NULL; m++) {
		cand[nc].mark = (size_t)(m - s);
		cand[nc].start = cand[nc].mark > ROUTE_PASSAGE_BEFORE ?
		    cand[nc].mark - ROUTE_PASSAGE_BEFORE : 0;
		cand[nc].end = cand[nc].mark + ROUTE_PASSAGE_AFTER < len ?
		    cand[nc].mark + ROUTE_PASSAGE_AFTER : len;
		k = strcspn(m + 1, "\x02");
		words[nc] = xfold(m + 1, k < 64 ? k : 64);
		nc++;
	}
	/*
	 * A passage is worth more for the different words it holds than for
	 * one word repeated; a list of web addresses (sources, where words
	 * repeat inside URLs) makes a poor passage.  Ties go to the earlier.
	 */
	for (i = 0; i < nc; i++) {
		distinct = marks = 0;
		for (j = 0; j < nc; j++) {
			if (cand[j].mark < cand[i].start ||
			    cand[j].mark >= cand[i].end)
				continue;
			marks++;
			for (k = 0; k < j; k++)
				if (cand[k].mark >= cand[i].start &&
				    strcmp(words[k], words[j]) == 0)
					break;
			if (k == j)
				distinct++;
		}
		cand[i].score = 10 * distinct + (marks < 5 ? marks : 5);
		if (memmem(s + cand[i].start, cand[i].end - cand[i].start,
		    "://", 3) != NULL)
			cand[i].score -= 15;
	}
	while (nch < ROUTE_PASSAGES) {
		best = -1;
		for (i = 0; i < nc; i++) {
			for (k = 0; k < nch; k++)
				if (cand[i].start < chosen[k].end &&
				    chosen[k].start < cand[i].end)
					break;
			if (k < nch)
				continue;	/* overlaps one chosen */
			if (best == -1 || cand[i].score > cand[best].score)
				best = (int)i;
		}
		if (best == -1)
			break;
		chosen[nch++] = cand[best];
	}
	qsort(chosen, nch, sizeof *chosen, passage_cmp);
	for (k = 0; k < nch; k++) {
		i = chosen[k].start > 0 ? passage_edge(s, len, chosen[k].start,
		    chosen[k].mark, 1) : 0;
		j = chosen[k].end < len ? passage_edge(s, len, chosen[k].end,
		    chosen[k].mark + 1, 0) : len;
		if (j <= i)
			continue;
		html = snippet_html(s + i, j - i);
		buf_init(&b);
		buf_printf(&b, "%s%s%s", i > 0 ? "…" : "", html,
		    j < len ? "…" : "");
		free(html);
		json_array_append_new(a, json_pack("{s:o}", "snippet_html",
		    jstr_free(buf_steal(&b))));
	}
out:
	for (i = 0; i < nc; i++)
		free(words[i]);
	free(s);
	free(expr);
	return a;
}

static int
doc_links_to(json_t *doc, const char *id)
{
	json_t	*l;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "links"), i, l)
		if (strcmp(jget(l, "id"), id) == 0)
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
	if ((st = route_store(q)) == NULL)
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
	if ((types = route_types(q)) == NULL)
		types = json_array();
	type = jget(doc, "type");

	data = route_page("doc", jget(doc, "title"), text);
	json_object_set_new(data, "doc", json_pack("{s:o,s:o,s:o,s:o,s:o,"
	    "s:o}", "id", jstr(jget(doc, "id")), "type", jstr(type),
	    "type_label", jstr(jget(doc, "type_label")), "title",
	    jstr(jget(doc, "title")), "breadcrumb", jstr(crumb_rest(jget(doc,
	    "breadcrumb"), jget(doc, "type_label"))), "source",
	    jstr(jget(doc, "source"))));
	/* Sanitized by the indexer (sanitize.c): the one raw insertion. */
	json_object_set_new(data, "body_html", jstr(jget(doc, "html")));
	doc_meta(doc, data);
	json_object_set_new(data, "link_groups", doc_link_groups(
	    json_object_get(doc, "links")));

	/* An article lists all that cites it, even what it cites back; other
	 * documents only what their own links do not already show. */
	a = json_array();
	more = json_array();
	n = 0;
	json_array_foreach(json_object_get(doc, "cited_by"), i, d) {
		if (strcmp(type, "article") != 0 &&
		    doc_links_to(doc, jget(d, "id")))
			continue;
		json_array_append_new(n++ < ROUTE_LIST_SHOWN ? a : more,
		    json_pack("{s:o,s:o,s:o}", "title", jstr(jget(d, "title")),
		    "url", jstr_free(doc_url(jget(d, "id"), NULL)),
		    "type_label", jstr(type_label(types, jget(d, "type"), 0))));
	}
	if (json_array_size(a) > 0)
		json_object_set_new(data, "cited_by_label", jstr(
		    strcmp(type, "article") == 0 ? "Cité par" :
		    "Documents qui renvoient ici"));
	json_object_set_new(data, "cited_by", a);
	json_object_set_new(data, "cited_by_more_count",
	    json_integer((json_int_t)json_array_size(more)));
	json_object_set_new(data, "cited_by_more", more);

	if (*text != '\0') {
		json_object_set_new(data, "back_url",
		    jstr_free(search_url_q(text)));
		json_object_set_new(data, "passages", doc_passages(st, id,
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
