/*
 * api.c - the JSON API: /api/search, /api/doc/<id>, /api/similar/<id> and
 * /api/changes (the change feed a follower reads), plus the document and
 * content-type objects the HTML pages render from (/api/suggest is
 * suggest.c's).
 *
 * It only ever reads the worker's own read-only connection, through the
 * core's read functions (store_read.c, search.c): no SQL here.  Every value
 * a person typed reaches SQLite as a bound parameter or, for suggestions,
 * as an FTS5 expression made only of quoted strings.  An index that cannot
 * be read is a 500, never a short answer.  Errors a client sees are French
 * JSON objects made by http_error; nothing here writes HTML.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "savoird.h"

/* Filter parameters of /api/search (repeatable, values OR'ed per key). */
static const char *const api_filter_keys[] = {
	"type", "pays", "annee", "theme", "module", "code", NULL
};

#define API_MAX_QUERY		2048	/* bytes of q */
#define API_MAX_FILTERS		32
#define API_CHANGES_MAX		1000
#define API_CITED_BY_MAX	500
#define API_SIMILAR_MAX		5	/* « Documents proches » */

/* An index read failed: logged in English, a 500 in French; frees cause. */
void
api_read_error(struct req *q, char *cause)
{
	log_warnx("%s: cannot read the index: %s", q->route,
	    cause != NULL ? cause : "unknown error");
	free(cause);
	http_error(q, 500, "internal", "L'index n'a pas pu être lu. Réessayez "
	    "dans un instant ; si cela dure, prévenez l'administrateur.");
}

static int
api_dump_cb(const char *data, size_t len, void *arg)
{
	return evbuffer_add(arg, data, len);
}

void
api_send(struct req *q, int status, json_t *j)
{
	struct evbuffer	*b;

	if (j == NULL) {
		/* Only a bug gets here (a bad json_pack format). */
		log_warnx("%s: cannot build the JSON answer", q->route);
		status = 500;
		j = json_pack("{s:{s:s,s:s}}", "error", "code", "internal",
		    "message", "Erreur interne du serveur.");
	}
	b = evbuffer_new();
	if (b == NULL || json_dump_callback(j, api_dump_cb, b,
	    JSON_COMPACT | JSON_REAL_PRECISION(6)) == -1)
		fatalx("api_send: out of memory");
	evbuffer_add(b, "\n", 1);
	json_decref(j);
	http_send(q, status, "application/json; charset=utf-8", b);
	evbuffer_free(b);
}

/* The worker's index, or a 503 sent (JSON on /api, a page elsewhere). */
struct store *
api_store(struct req *q)
{
	struct store	*st;

	if ((st = worker_store(q->w)) == NULL)
		http_error(q, 503, "no_index", "La bibliothèque n'est pas "
		    "encore disponible : le serveur n'a pas pu ouvrir son "
		    "index. Réessayez dans un instant ; si cela dure, "
		    "prévenez l'administrateur.");
	return st;
}

/* A type's French label, remembered in labels for the request. */
static const char *
api_type_label(struct store *st, json_t *labels, const char *type)
{
	json_t		*j;
	char		*label, *cause = NULL;

	if ((j = json_object_get(labels, type)) != NULL)
		return json_string_value(j);
	/* A label is decoration: the type's name does when it is missing. */
	if (store_type_label(st, type, &label, &cause) == -1) {
		log_warnx("type label: %s", cause);
		free(cause);
	}
	j = jstr(label != NULL ? label : type);
	free(label);
	json_object_set_new(labels, type, j);
	return json_string_value(j);
}

/*
 * A hit's passage as plain text and where its matches stand in it:
 * snippet_text, and snippet_matches as [[start, length], ...] counted in
 * Unicode code points of that text (what a client's string functions
 * index, not bytes).  The text is the HTML snippet's, unescaped: a line
 * end is a space, a bad byte U+FFFD, as jstr would make it.
 */
static void
api_snippet_text(json_t *hit, const char *marked)
{
	struct buf	 text;
	json_t		*m;
	const char	*p, *e;
	size_t		 cp = 0, start = 0, from, i;
	int		 open = 0;

	buf_init(&text);
	m = json_array();
	for (p = marked != NULL ? marked : ""; *p != '\0'; p = e) {
		if (*p == '\n') {
			buf_addc(&text, ' ');
			cp++;
			e = p + 1;
			continue;
		}
		if (*p == '\x01' || *p == '\x02') {
			if ((*p == '\x01') == open)
				;	/* a stray marker: ignored, as in HTML */
			else if (!open) {
				start = cp;
				open = 1;
			} else {
				if (cp > start)
					json_array_append_new(m, json_pack(
					    "[I,I]", (json_int_t)start,
					    (json_int_t)(cp - start)));
				open = 0;
			}
			e = p + 1;
			continue;
		}
		e = p + strcspn(p, "\x01\x02\n");
		from = text.len;
		utf8_repair(p, (size_t)(e - p), &text);
		for (i = from; i < text.len; i++)
			if (((unsigned char)text.data[i] & 0xC0) != 0x80)
				cp++;
	}
	if (open && cp > start)
		json_array_append_new(m, json_pack("[I,I]", (json_int_t)start,
		    (json_int_t)(cp - start)));
	json_object_set_new(hit, "snippet_text", json_stringn(text.data !=
	    NULL ? text.data : "", text.len));
	json_object_set_new(hit, "snippet_matches", m);
	buf_free(&text);
}

/*
 * A switch parameter (exact, full): 1 when it is "1", 0 when absent,
 * empty or "0", -1 with a 400 sent for any other value, which a client
 * would otherwise believe taken.
 */
static int
api_flag(struct req *q, const char *name)
{
	const char	*v = http_arg(q, name);
	char		*msg;

	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		return 0;
	if (strcmp(v, "1") == 0)
		return 1;
	msg = xsprintf("Le paramètre « %s » vaut 1 (oui) ou 0 (non).", name);
	http_error(q, 400, "bad_parameter", msg);
	free(msg);
	return -1;
}

/* The parameters /api/search reads besides the filters. */
static const char *const api_search_args[] = {
	"q", "page", "limit", "exact", NULL
};

/* Whether key is one of the comma-separated names of list. */
static int
api_listed(const struct buf *list, const char *key)
{
	const char	*p = list->data, *end = list->data + list->len;
	size_t		 n = strlen(key);

	while (p != NULL && p < end) {
		if ((size_t)(end - p) >= n && memcmp(p, key, n) == 0 &&
		    (p + n == end || p[n] == ','))
			return 1;
		p = memchr(p, ',', (size_t)(end - p));
		if (p != NULL)
			p += 2;
	}
	return 0;
}

/* A notice for each parameter /api/search does not read: a misspelt one
 * ("limt") would otherwise be ignored without a word; and for each it
 * reads that came more than once.  The filters it
 * reads are the fixed ones and the facets the index declares. */
static void
api_unknown_args(struct req *q, json_t *types, json_t *notices)
{
	struct evkeyval	*kv;
	struct buf	 known;
	json_t		*t, *f;
	size_t		 i, j;
	char		*msg;

	buf_init(&known);
	TAILQ_FOREACH(kv, &q->args, next) {
		for (i = 0; api_search_args[i] != NULL; i++)
			if (strcmp(kv->key, api_search_args[i]) == 0)
				break;
		if (api_search_args[i] != NULL || facet_key_known(types,
		    kv->key))
			continue;
		if (known.len == 0) {
			for (i = 0; api_search_args[i] != NULL; i++)
				buf_printf(&known, "%s%s", i ? ", " : "",
				    api_search_args[i]);
			for (i = 0; api_filter_keys[i] != NULL; i++)
				buf_printf(&known, ", %s", api_filter_keys[i]);
			json_array_foreach(types, i, t)
				json_array_foreach(json_object_get(t,
				    "facets"), j, f)
					if (!api_listed(&known,
					    jstr_get(f, "key")))
						buf_printf(&known, ", %s",
						    jstr_get(f, "key"));
		}
		msg = xsprintf("Paramètre inconnu ignoré : « %s » "
		    "(paramètres reconnus : %.*s).", strlen(kv->key) <= 64 ?
		    kv->key : "…", (int)known.len, known.data);
		json_array_append_new(notices, jstr(msg));
		free(msg);
	}
	buf_free(&known);
	/* A parameter given twice ("q=a&q=b"): only the first is read. */
	for (i = 0; api_search_args[i] != NULL; i++) {
		j = 0;
		TAILQ_FOREACH(kv, &q->args, next)
			if (strcmp(kv->key, api_search_args[i]) == 0)
				j++;
		if (j < 2)
			continue;
		msg = xsprintf("Paramètre répété : seule la première valeur de "
		    "« %s » est lue.", api_search_args[i]);
		json_array_append_new(notices, jstr(msg));
		free(msg);
	}
}

void
api_search(struct req *q)
{
	struct config		*c = q->w->server->conf;
	struct search_opts	 so;
	struct results		 res;
	struct store		*st;
	struct evkeyval		*kv;
	const char		*text, *filters[2 * API_MAX_FILTERS + 1];
	json_t			*o, *hits, *facets, *vals, *notices, *labels;
	json_t			*types, *flabels;
	char			*cause = NULL;
	long long		 page, limit;
	size_t			 i, nf = 0;
	int			 exact;

	if ((text = http_arg(q, "q")) == NULL)
		text = "";
	if (strlen(text) > API_MAX_QUERY) {
		http_error(q, 400, "bad_parameter", "La recherche est trop "
		    "longue : raccourcissez-la.");
		return;
	}
	if (http_arg_int(q, "page", 1, 10000, 1, &page) == -1 ||
	    http_arg_int(q, "limit", 1, 100, c->page_size, &limit) == -1 ||
	    (exact = api_flag(q, "exact")) == -1)
		return;
	if ((types = api_types_json(q->w, 0, &cause)) == NULL) {
		free(cause);
		cause = NULL;
		types = json_array();
	}
	TAILQ_FOREACH(kv, &q->args, next) {
		if (!facet_key_known(types, kv->key) || *kv->value == '\0')
			continue;
		if (nf == API_MAX_FILTERS) {
			json_decref(types);
			http_error(q, 400, "bad_parameter", "Trop de filtres "
			    "dans une même recherche.");
			return;
		}
		filters[2 * nf] = kv->key;
		filters[2 * nf + 1] = kv->value;
		nf++;
	}
	filters[2 * nf] = NULL;
	if ((st = api_store(q)) == NULL) {
		json_decref(types);
		return;
	}

	memset(&so, 0, sizeof so);
	so.limit = (int)limit;
	so.offset = (int)((page - 1) * limit);
	so.budget_ms = c->budget_ms;
	so.synonyms = c->synonyms;
	so.want_facets = 1;
	so.want_snippets = 1;
	so.filters = filters;
	so.no_correct = exact;
	if (search_run(st, text, &so, &res, &cause) == -1) {
		log_warnx("/api/search: %s", cause);
		free(cause);
		json_decref(types);
		http_error(q, 500, "internal", "La recherche a échoué à cause "
		    "d'une erreur interne.");
		return;
	}
	if (res.timeout) {
		results_clear(&res);
		json_decref(types);
		http_error(q, 503, "query_budget", "Requête trop coûteuse : "
		    "elle a dépassé le temps permis. Précisez-la (plus de "
		    "mots, un filtre) et réessayez.");
		return;
	}

	labels = json_object();
	hits = json_array();
	for (i = 0; i < res.nhits; i++) {
		o = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:i}", "id",
		    jstr(res.hits[i].id), "type", jstr(res.hits[i].type),
		    "type_label", jstr(api_type_label(st, labels,
		    res.hits[i].type)), "title", jstr(res.hits[i].title),
		    "breadcrumb", jstr(res.hits[i].breadcrumb), "snippet",
		    jstr(res.hits[i].snippet), "matched", res.hits[i].matched);
		api_snippet_text(o, res.hits[i].snippet_marked);
		json_array_append_new(hits, o);
	}
	json_decref(labels);
	/* Each value with its label (a type's plural name), each key's
	 * label in facet_labels. */
	facets = json_object();
	flabels = json_object();
	for (i = 0; i < res.nfacets; i++) {
		if ((vals = json_object_get(facets, res.facets[i].key)) ==
		    NULL) {
			vals = json_array();
			json_object_set_new(facets, res.facets[i].key, vals);
			json_object_set_new(flabels, res.facets[i].key,
			    jstr(facet_label(types, res.facets[i].key)));
		}
		json_array_append_new(vals, json_pack("{s:o,s:o,s:I}", "value",
		    jstr(res.facets[i].value), "label", jstr(facet_value_label(
		    types, res.facets[i].key, res.facets[i].value)), "count",
		    (json_int_t)res.facets[i].count));
	}
	notices = json_array();
	for (i = 0; i < res.nnotices; i++)
		json_array_append_new(notices, jstr(res.notices[i]));
	api_unknown_args(q, types, notices);
	json_decref(types);
	o = json_pack("{s:o,s:I,s:f,s:I,s:I,s:b,s:o,s:o,s:o}", "query",
	    jstr(text), "total", (json_int_t)res.total, "took_ms",
	    (double)res.took_us / 1000.0, "page", (json_int_t)page, "limit",
	    (json_int_t)limit, "partial", res.partial, "hits", hits,
	    "facets", facets, "notices", notices);
	/* Spelling: what was searched instead of the words typed, or a
	 * correction offered; absent when there is none. */
	/* How many documents hold every unit (word, phrase, group) of the
	 * query, out of total; a hit whose matched is below units misses
	 * some. */
	json_object_set_new(o, "facet_labels", flabels);
	json_object_set_new(o, "total_all", json_integer(res.total_all));
	json_object_set_new(o, "units", json_integer(res.units));
	if (res.corrected != NULL)
		json_object_set_new(o, "corrected", jstr(res.corrected));
	if (res.suggestion != NULL)
		json_object_set_new(o, "suggestion", jstr(res.suggestion));
	results_clear(&res);
	api_send(q, 200, o);
}

/* What a document cites or links to, each target known or not. */
static json_t *
api_doc_links(struct store *st, int64_t rowid, char **cause)
{
	struct store_link	*v;
	size_t			 n, i;
	json_t			*a;

	if (store_links(st, rowid, &v, &n, cause) == -1)
		return NULL;
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:b}", "id",
		    jstr(v[i].id), "title", jstr(v[i].title != NULL ?
		    v[i].title : v[i].label != NULL ? v[i].label : v[i].id),
		    "rel", jstr(v[i].rel), "exists", v[i].exists));
	store_links_free(v, n);
	return a;
}

/* Documents as [{id, title, type}], freed; NULL when reading failed. */
static json_t *
api_doc_list(struct store_link *v, size_t n, int rc)
{
	json_t	*a;
	size_t	 i;

	if (rc == -1)
		return NULL;
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "id",
		    jstr(v[i].id), "title", jstr(v[i].title), "type",
		    jstr(v[i].type)));
	store_links_free(v, n);
	return a;
}

/* The documents citing or linking to id, each once. */
static json_t *
api_doc_cited_by(struct store *st, const char *id, char **cause)
{
	struct store_link	*v = NULL;
	size_t			 n = 0;
	int			 rc;

	rc = store_cited_by(st, id, 1, API_CITED_BY_MAX, &v, &n, cause);
	return api_doc_list(v, n, rc);
}

/* The documents most like id (similar.c), best first. */
static json_t *
api_doc_similar(struct store *st, const char *id, char **cause)
{
	struct store_link	*v = NULL;
	size_t			 n = 0;
	int			 rc;

	rc = similar_docs(st, id, API_SIMILAR_MAX, &v, &n, cause);
	return api_doc_list(v, n, rc);
}

/* The stored [[key, label, value], ...] as [{key, label, value}, ...]. */
static json_t *
api_doc_meta(const char *stored)
{
	json_t		*in, *out, *v;
	size_t		 i;

	out = json_array();
	if (stored == NULL || (in = json_loads(stored, 0, NULL)) == NULL)
		return out;
	json_array_foreach(in, i, v) {
		if (!json_is_array(v) || json_array_size(v) != 3)
			continue;
		json_array_append_new(out, json_pack("{s:O,s:O,s:O}", "key",
		    json_array_get(v, 0), "label", json_array_get(v, 1),
		    "value", json_array_get(v, 2)));
	}
	json_decref(in);
	return out;
}

/* The host[:port] of a synced document's origin URL, or JSON null. */
static json_t *
api_doc_origin(const char *url)
{
	const char	*p, *e;

	if (url == NULL)
		return json_null();
	p = (p = strstr(url, "://")) != NULL ? p + 3 : url;
	e = p + strcspn(p, "/");
	return jstr_free(xstrndup(p, (size_t)(e - p)));
}

int
api_doc_json(struct worker *w, const char *id, json_t **out, char **cause)
{
	struct store		*st;
	struct store_doc	*d;
	json_t			*links, *cited, *similar;
	int			 rc;

	*out = NULL;
	if ((st = worker_store(w)) == NULL || id == NULL)
		return 0;
	if ((rc = store_doc(st, id, 0, &d, cause)) != 1)
		return rc;
	cited = similar = NULL;
	if ((links = api_doc_links(st, d->rowid, cause)) == NULL ||
	    (cited = api_doc_cited_by(st, id, cause)) == NULL ||
	    (similar = api_doc_similar(st, id, cause)) == NULL) {
		json_decref(links);
		json_decref(cited);
		store_doc_free(d);
		return -1;
	}
	*out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:o}",
	    "id", jstr(d->id), "type", jstr(d->type), "type_label",
	    jstr(d->type_label), "title", jstr(d->title), "breadcrumb",
	    jstr(d->breadcrumb), "meta", api_doc_meta(d->meta), "html",
	    jstr(d->html), "source", jstr(d->source), "seq",
	    (json_int_t)d->seq, "links", links, "cited_by", cited, "similar",
	    similar);
	if (*out != NULL)
		json_object_set_new(*out, "origin", api_doc_origin(d->origin));
	store_doc_free(d);
	if (*out == NULL) {
		xasprintf(cause, "document %s: cannot build its JSON", id);
		return -1;
	}
	return 1;
}

/* /api/similar/<id>: the documents most like it, best first. */
void
api_similar(struct req *q, const char *id)
{
	struct store_doc	*d;
	struct store		*st;
	json_t			*a;
	char			*cause = NULL;
	int			 rc;

	if ((st = api_store(q)) == NULL)
		return;
	if (*id == '\0' || (rc = store_doc(st, id, 0, &d, &cause)) == 0) {
		http_error(q, 404, "not_found", "Aucun document ne porte cet "
		    "identifiant.");
		return;
	}
	if (rc == -1 || (store_doc_free(d), a = api_doc_similar(st, id,
	    &cause)) == NULL) {
		api_read_error(q, cause);
		return;
	}
	api_send(q, 200, json_pack("{s:o,s:o}", "id", jstr(id), "similar",
	    a));
}

void
api_doc(struct req *q, const char *id)
{
	json_t	*o;
	char	*cause = NULL;
	int	 rc;

	if (*id == '\0') {
		http_error(q, 404, "not_found", "Indiquez l'identifiant d'un "
		    "document, par exemple /api/doc/cgct/L1115-1.");
		return;
	}
	if (api_store(q) == NULL)
		return;
	if ((rc = api_doc_json(q->w, id, &o, &cause)) == -1) {
		api_read_error(q, cause);
		return;
	}
	if (rc == 0) {
		http_error(q, 404, "not_found", "Aucun document ne porte cet "
		    "identifiant.");
		return;
	}
	api_send(q, 200, o);
}

static const char *
api_facet_kind(json_int_t kind)
{
	switch (kind) {
	case SAVOIR_FACET_YEAR:
		return "year";
	case SAVOIR_FACET_TEXT:
		return "text";
	default:
		return "keyword";
	}
}

json_t *
api_types_json(struct worker *w, int counts, char **cause)
{
	struct store		*st;
	struct store_type	*v;
	json_t			*a, *decl, *facets, *f;
	size_t			 i, j, n;

	if ((st = worker_store(w)) == NULL) {
		xasprintf(cause, "no index");
		return NULL;
	}
	if (store_types(st, counts, &v, &n, cause) == -1)
		return NULL;
	a = json_array();
	for (j = 0; j < n; j++) {
		facets = json_array();
		decl = json_loads(v[j].facets, 0, NULL);
		json_array_foreach(decl, i, f) {
			if (!json_is_string(json_object_get(f, "key")))
				continue;
			json_array_append_new(facets, json_pack("{s:O,s:O,s:s}",
			    "key", json_object_get(f, "key"), "label",
			    json_is_string(json_object_get(f, "label")) ?
			    json_object_get(f, "label") :
			    json_object_get(f, "key"), "kind", api_facet_kind(
			    json_integer_value(json_object_get(f, "kind")))));
		}
		json_decref(decl);
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:o}",
		    "name", jstr(v[j].name), "label", jstr(v[j].label),
		    "label_plural", jstr(v[j].label_plural), "facets",
		    facets));
		if (counts)
			json_object_set_new(json_array_get(a, j), "count",
			    json_integer((json_int_t)v[j].count));
	}
	store_types_free(v, n);
	return a;
}

/* --- the change feed --------------------------------------------------- */

/* Bytes of document text in one page of the full feed (the first change
 * always goes, whatever its size). */
#define API_CHANGES_BUDGET	(4 * 1024 * 1024)

/*
 * With full=1, each put carries its document as the index holds it and
 * the page carries the declarations of its types (store_sync_page): what
 * savoir sync applies.  "more" is also set when the byte budget cut the
 * page short.
 */
static void
api_changes_full(struct req *q, struct store *st, long long since,
    long long limit)
{
	json_t	*page = NULL;
	char	*cause = NULL;

	if (store_sync_page(st, since, limit, API_CHANGES_BUDGET, &page,
	    &cause) == -1) {
		log_warnx("%s: cannot read the change feed: %s", q->route,
		    cause != NULL ? cause : "unknown error");
		free(cause);
		http_error(q, 500, "internal", "Le fil des changements est "
		    "illisible.");
		return;
	}
	api_send(q, 200, page);
}

/*
 * Changes after since, oldest first.  The feed keeps only the latest
 * change of each document, so a follower that applies every row in order
 * and then asks again from "next" ends with the same documents.  "epoch"
 * names this index file: when it changes, a follower starts over.
 */
void
api_changes(struct req *q)
{
	struct store		*st;
	struct store_feed	 f;
	struct evkeyval		*kv;
	const char		*v;
	json_t			*a;
	char			*epoch, *msg, *cause = NULL;
	long long		 since = 0, limit;
	int64_t			 next;
	size_t			 i;
	int			 full;

	/* A program reads this feed: a misspelt parameter ("sinse") would
	 * silently read from the start, so it is an error. */
	TAILQ_FOREACH(kv, &q->args, next) {
		if (strcmp(kv->key, "since") == 0 ||
		    strcmp(kv->key, "limit") == 0 ||
		    strcmp(kv->key, "full") == 0)
			continue;
		msg = xsprintf("Paramètre inconnu : « %s » (paramètres "
		    "reconnus : since, limit, full).", strlen(kv->key) <= 64 ?
		    kv->key : "…");
		http_error(q, 400, "bad_parameter", msg);
		free(msg);
		return;
	}

	if ((v = http_arg(q, "since")) != NULL && *v != '\0' &&
	    parse_int(v, 0, LLONG_MAX, &since) == -1) {
		http_error(q, 400, "bad_parameter", "Le paramètre « since » "
		    "doit être un numéro de changement (entier positif ou "
		    "nul).");
		return;
	}
	if (http_arg_int(q, "limit", 1, API_CHANGES_MAX, 100, &limit) == -1 ||
	    (full = api_flag(q, "full")) == -1)
		return;
	if ((st = api_store(q)) == NULL)
		return;
	if (full) {
		api_changes_full(q, st, since, limit);
		return;
	}
	/* A feed cut short by an error would make a follower skip changes
	 * for good: all of it or a 500. */
	if (store_changes(st, since, limit, &f, &cause) == -1) {
		log_warnx("%s: cannot read the change feed: %s", q->route,
		    cause);
		free(cause);
		http_error(q, 500, "internal", "Le fil des changements est "
		    "illisible.");
		return;
	}
	next = since;
	a = json_array();
	for (i = 0; i < f.n; i++) {
		next = f.v[i].seq;
		json_array_append_new(a, json_pack("{s:I,s:o,s:o,s:I}", "seq",
		    (json_int_t)next, "id", jstr(f.v[i].id), "op",
		    jstr(f.v[i].op), "at", (json_int_t)f.v[i].at));
	}
	epoch = store_meta_get(st, "created");
	api_send(q, 200, json_pack("{s:I,s:I,s:I,s:b,s:o,s:o}", "since",
	    (json_int_t)since, "next", (json_int_t)next, "last",
	    (json_int_t)f.last, "more", f.more, "epoch", jstr(epoch != NULL ?
	    epoch : ""), "changes", a));
	store_feed_clear(&f);
	free(epoch);
}
