/*
 * api.c - the JSON API: /api/search, /api/doc/<id>, /api/suggest and
 * /api/changes (the change feed a follower reads), plus the document and
 * content-type objects the HTML pages render from.
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
#define API_SUGGEST_MAX		8	/* suggestions returned */
#define API_SUGGEST_TERMS	3	/* of which completed words, at most */
#define API_SUGGEST_SCAN	200	/* documents scanned for words */
#define API_SUGGEST_BUDGET_MS	150
#define API_CHANGES_MAX		1000
#define API_CITED_BY_MAX	500
#define API_SIMILAR_MAX		5	/* « Documents proches » */

/* An index read failed: logged in English, a 500 in French; frees cause. */
static void
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

/* The parameters /api/search reads besides the filters. */
static const char *const api_search_args[] = {
	"q", "page", "limit", "exact", NULL
};

/* A notice for each parameter /api/search does not read: a misspelt one
 * ("limt") would otherwise be ignored without a word. */
static void
api_unknown_args(struct req *q, json_t *notices)
{
	struct evkeyval	*kv;
	size_t		 i;
	char		*msg;

	TAILQ_FOREACH(kv, &q->args, next) {
		for (i = 0; api_search_args[i] != NULL; i++)
			if (strcmp(kv->key, api_search_args[i]) == 0)
				break;
		if (api_search_args[i] != NULL)
			continue;
		for (i = 0; api_filter_keys[i] != NULL; i++)
			if (strcmp(kv->key, api_filter_keys[i]) == 0)
				break;
		if (api_filter_keys[i] != NULL)
			continue;
		msg = xsprintf("Paramètre inconnu ignoré : « %s » "
		    "(paramètres reconnus : q, page, limit, exact, type, "
		    "pays, annee, theme, module, code).", strlen(kv->key) <=
		    64 ? kv->key : "…");
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
	const char		*text, *s, *filters[2 * API_MAX_FILTERS + 1];
	json_t			*o, *hits, *facets, *vals, *notices, *labels;
	char			*cause = NULL;
	long long		 page, limit;
	size_t			 i, nf = 0;

	if ((text = http_arg(q, "q")) == NULL)
		text = "";
	if (strlen(text) > API_MAX_QUERY) {
		http_error(q, 400, "bad_parameter", "La recherche est trop "
		    "longue : raccourcissez-la.");
		return;
	}
	if (http_arg_int(q, "page", 1, 10000, 1, &page) == -1 ||
	    http_arg_int(q, "limit", 1, 100, c->page_size, &limit) == -1)
		return;
	TAILQ_FOREACH(kv, &q->args, next) {
		for (i = 0; api_filter_keys[i] != NULL; i++)
			if (strcmp(kv->key, api_filter_keys[i]) == 0)
				break;
		if (api_filter_keys[i] == NULL || *kv->value == '\0')
			continue;
		if (nf == API_MAX_FILTERS) {
			http_error(q, 400, "bad_parameter", "Trop de filtres "
			    "dans une même recherche.");
			return;
		}
		filters[2 * nf] = kv->key;
		filters[2 * nf + 1] = kv->value;
		nf++;
	}
	filters[2 * nf] = NULL;
	if ((st = api_store(q)) == NULL)
		return;

	memset(&so, 0, sizeof so);
	so.limit = (int)limit;
	so.offset = (int)((page - 1) * limit);
	so.budget_ms = c->budget_ms;
	so.synonyms = c->synonyms;
	so.want_facets = 1;
	so.want_snippets = 1;
	so.filters = filters;
	so.no_correct = (s = http_arg(q, "exact")) != NULL &&
	    strcmp(s, "1") == 0;
	if (search_run(st, text, &so, &res, &cause) == -1) {
		log_warnx("/api/search: %s", cause);
		free(cause);
		http_error(q, 500, "internal", "La recherche a échoué à cause "
		    "d'une erreur interne.");
		return;
	}
	if (res.timeout) {
		results_clear(&res);
		http_error(q, 503, "query_budget", "Requête trop coûteuse : "
		    "elle a dépassé le temps permis. Précisez-la (plus de "
		    "mots, un filtre) et réessayez.");
		return;
	}

	labels = json_object();
	hits = json_array();
	for (i = 0; i < res.nhits; i++)
		json_array_append_new(hits, json_pack("{s:o,s:o,s:o,s:o,s:o,"
		    "s:o,s:i}", "id", jstr(res.hits[i].id), "type",
		    jstr(res.hits[i].type), "type_label", jstr(
		    api_type_label(st, labels, res.hits[i].type)), "title",
		    jstr(res.hits[i].title), "breadcrumb",
		    jstr(res.hits[i].breadcrumb), "snippet",
		    jstr(res.hits[i].snippet), "matched", res.hits[i].matched));
	json_decref(labels);
	facets = json_object();
	for (i = 0; i < res.nfacets; i++) {
		if ((vals = json_object_get(facets, res.facets[i].key)) ==
		    NULL) {
			vals = json_array();
			json_object_set_new(facets, res.facets[i].key, vals);
		}
		json_array_append_new(vals, json_pack("{s:o,s:I}", "value",
		    jstr(res.facets[i].value), "count",
		    (json_int_t)res.facets[i].count));
	}
	notices = json_array();
	for (i = 0; i < res.nnotices; i++)
		json_array_append_new(notices, jstr(res.notices[i]));
	api_unknown_args(q, notices);
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
api_types_json(struct worker *w, char **cause)
{
	struct store		*st;
	struct store_type	*v;
	json_t			*a, *decl, *facets, *f;
	size_t			 i, j, n;

	if ((st = worker_store(w)) == NULL) {
		xasprintf(cause, "no index");
		return NULL;
	}
	if (store_types(st, &v, &n, cause) == -1)
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
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:I,s:o}",
		    "name", jstr(v[j].name), "label", jstr(v[j].label),
		    "label_plural", jstr(v[j].label_plural), "count",
		    (json_int_t)v[j].count, "facets", facets));
	}
	store_types_free(v, n);
	return a;
}

/* --- suggestions ------------------------------------------------------ */

/*
 * Decode one UTF-8 character of s (NUL-terminated); returns its length
 * (1 for a bad byte, which then reads as U+FFFD).
 */
static size_t
api_utf8(const unsigned char *s, uint32_t *cp)
{
	size_t	 n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else {
		*cp = 0xfffd;
		return 1;
	}
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

/* Letters and digits of French words: ASCII and Latin-1/Latin Extended. */
static int
api_word_char(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	return c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7;
}

static int
api_upper(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
}

static int
api_lower(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xdf && c <= 0xff && c != 0xf7);
}

struct suggest_word {
	char	*fold;
	char	*text;
	int	 count;
};

struct suggest {
	const char		*prefix;	/* folded last word */
	size_t			 plen;
	struct suggest_word	 words[64];
	size_t			 nwords;
};

/* Count one word of a title or heading if it completes the prefix. */
static void
api_suggest_word(struct suggest *sg, const char *w, size_t len)
{
	struct suggest_word	*sw;
	char			*fold, *text;
	uint32_t		 c1, c2;
	size_t			 i, n;

	if (len < sg->plen)
		return;
	fold = fr_fold(w, len);
	if (fold == NULL || strncmp(fold, sg->prefix, sg->plen) != 0 ||
	    strchr(fold, ' ') != NULL || fr_is_stopword(fold, strlen(fold))) {
		free(fold);
		return;
	}
	for (i = 0; i < sg->nwords; i++) {
		if (strcmp(sg->words[i].fold, fold) == 0) {
			sg->words[i].count++;
			free(fold);
			return;
		}
	}
	if (sg->nwords == sizeof sg->words / sizeof sg->words[0]) {
		free(fold);
		return;
	}
	/* "Coopération" at the start of a title completes as "coopération";
	 * "CGCT" and "L1115" stay as they are. */
	text = xstrndup(w, len);
	n = api_utf8((const unsigned char *)text, &c1);
	api_utf8((const unsigned char *)text + n, &c2);
	if (api_upper(c1) && api_lower(c2)) {
		if (n == 1)
			text[0] = (char)(text[0] + 0x20);
		else if (n == 2 && (unsigned char)text[0] == 0xc3)
			text[1] = (char)(text[1] + 0x20);
	}
	sw = &sg->words[sg->nwords++];
	sw->fold = fold;
	sw->text = text;
	sw->count = 1;
}

static void
api_suggest_scan(struct suggest *sg, const char *s)
{
	const char	*start = NULL;
	uint32_t	 c;
	size_t		 n;

	if (s == NULL)
		return;
	for (;;) {
		n = *s != '\0' ? api_utf8((const unsigned char *)s, &c) : 0;
		if (n > 0 && api_word_char(c)) {
			if (start == NULL)
				start = s;
		} else if (start != NULL) {
			api_suggest_word(sg, start, (size_t)(s - start));
			start = NULL;
		}
		if (n == 0)
			break;
		s += n;
	}
}

static int
api_suggest_word_cmp(const void *a, const void *b)
{
	const struct suggest_word	*x = a, *y = b;
	size_t				 lx = strlen(x->fold);
	size_t				 ly = strlen(y->fold);

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->fold, y->fold);
}

/* A row of store_suggest_words: the words of its title and headings. */
static void
api_suggest_row(const char *title, const char *headings, void *arg)
{
	api_suggest_scan(arg, title);
	api_suggest_scan(arg, headings);
}

/*
 * The FTS5 expression for what was typed so far: the folded words, each a
 * quoted string, stopwords dropped but for the last word, which is a
 * prefix unless the input ends with a space (and needs two letters when it
 * is the only word).  Restricted to cols.  NULL
 * when nothing is worth completing.  *last is the folded last word when it
 * is a prefix (caller frees).
 */
static char *
api_suggest_expr(const char *input, const char *cols, char **last)
{
	struct buf	 b;
	char		*fold, *w, *save = NULL, *next;
	int		 prefix, nterms = 0;

	*last = NULL;
	fold = fr_fold(input, strlen(input));
	if (fold == NULL || *fold == '\0') {
		free(fold);
		return NULL;
	}
	prefix = strchr(" \t", input[strlen(input) - 1]) == NULL;
	buf_init(&b);
	buf_printf(&b, "{%s} : (", cols);
	for (w = strtok_r(fold, " ", &save); w != NULL && nterms < 8;
	    w = next) {
		next = strtok_r(NULL, " ", &save);
		if (next == NULL && prefix) {
			/* One letter alone would match half the index. */
			if (strlen(w) < 2 && nterms == 0)
				break;
			*last = xstrdup(w);
		} else if (fr_is_stopword(w, strlen(w)))
			continue;
		if (nterms++ > 0)
			buf_adds(&b, " AND ");
		/* fr_fold leaves only letters, digits and spaces; quoting
		 * still keeps any other byte out of FTS5's syntax. */
		buf_addc(&b, '"');
		for (; *w != '\0'; w++) {
			if (*w == '"')
				buf_addc(&b, '"');
			buf_addc(&b, *w);
		}
		buf_addc(&b, '"');
		if (next == NULL && prefix)
			buf_addc(&b, '*');
	}
	buf_adds(&b, ")");
	free(fold);
	if (nterms == 0 || (prefix && *last == NULL)) {
		free(*last);
		*last = NULL;
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* The text typed before its last, unfinished word. */
static size_t
api_suggest_head(const char *input)
{
	const char	*s = input, *word = NULL;
	uint32_t	 c;
	size_t		 n;

	while (*s != '\0') {
		n = api_utf8((const unsigned char *)s, &c);
		if (api_word_char(c)) {
			if (word == NULL)
				word = s;
		} else
			word = NULL;
		s += n;
	}
	return word != NULL ? (size_t)(word - input) : strlen(input);
}

/*
 * Completions of what a person is typing: words found in the titles and
 * headings of the documents that match (so they are real, accented words,
 * not the index's stems), then titles of matching documents.  Cheap by
 * construction: the word scan reads a bounded number of rows without
 * ranking, the title query is ranked under a short time budget and falls
 * back to index order when the budget runs out.
 */
/*
 * The suggestions for input into list: completed words when its last word
 * is unfinished, then titles.  0, or -1 with *cause.
 */
static int
api_suggest_list(struct store *st, const char *input, json_t *list,
    char **cause)
{
	struct suggest		 sg;
	struct store_link	*v;
	char			*wexpr, *texpr, *last = NULL, *text;
	size_t			 i, head, nv, n = 0;
	int			 rc, ret = -1;

	memset(&sg, 0, sizeof sg);
	head = api_suggest_head(input);
	wexpr = api_suggest_expr(input, "title headings", &last);
	texpr = api_suggest_expr(input, "title", &text);
	free(text);
	store_deadline(st, mono_us() + API_SUGGEST_BUDGET_MS * 1000);

	/* Completed words, when the last word is unfinished; the scan is
	 * best effort: when the budget stops it, the words seen so far do. */
	if (wexpr != NULL && last != NULL) {
		sg.prefix = last;
		sg.plen = strlen(last);
		if (store_suggest_words(st, wexpr, API_SUGGEST_SCAN,
		    api_suggest_row, &sg, cause) == -1)
			goto out;
		qsort(sg.words, sg.nwords, sizeof sg.words[0],
		    api_suggest_word_cmp);
		for (i = 0; i < sg.nwords && n < API_SUGGEST_TERMS; i++) {
			/* What was typed, completed: "l'act" -> "l'action". */
			if (strcasecmp(sg.words[i].text, input + head) == 0)
				continue;	/* nothing to add */
			text = xsprintf("%.*s%s", (int)head, input,
			    sg.words[i].text);
			json_array_append_new(list, json_pack("{s:o,s:s}",
			    "text", jstr(text), "kind", "term"));
			free(text);
			n++;
		}
	}

	/* Titles: ranked if that fits the budget, else in index order. */
	if (texpr != NULL) {
		rc = store_suggest_titles(st, texpr, API_SUGGEST_MAX - (int)n,
		    1, &v, &nv, cause);
		if (rc == 1) {
			store_links_free(v, nv);
			store_deadline(st, mono_us() +
			    API_SUGGEST_BUDGET_MS * 1000);
			rc = store_suggest_titles(st, texpr,
			    API_SUGGEST_MAX - (int)n, 0, &v, &nv, cause);
		}
		if (rc == -1)
			goto out;
		for (i = 0; i < nv; i++)
			json_array_append_new(list, json_pack("{s:o,s:s,s:o,"
			    "s:o}", "text", jstr(v[i].title), "kind", "doc",
			    "id", jstr(v[i].id), "type", jstr(v[i].type)));
		store_links_free(v, nv);
	}
	ret = 0;
out:
	store_deadline(st, 0);
	for (i = 0; i < sg.nwords; i++) {
		free(sg.words[i].fold);
		free(sg.words[i].text);
	}
	free(wexpr);
	free(texpr);
	free(last);
	return ret;
}

/*
 * What was typed, its misspellings corrected: its whole words as a search
 * would correct them, and its unfinished last word the start of the word
 * it most likely begins ("cooperasi" -> "coopération").  NULL when nothing
 * changes.
 */
static char *
api_suggest_correct(struct store *st, const char *input)
{
	struct correction	 c;
	struct spell_cand	 w;
	const struct speller	*sp;
	const char		*from, *last;
	char			*fold, *out = NULL;
	int64_t			 ndocs;

	query_correct(st, input, &c);
	from = c.replaced != NULL ? c.replaced : input;
	last = strrchr(from, ' ');
	last = last != NULL ? last + 1 : from;
	fold = fr_fold(last, strlen(last));
	if ((sp = store_speller(st, &ndocs)) != NULL && strchr(fold, ' ') ==
	    NULL && spell_df(sp, fold, strlen(fold)) == 0 &&
	    spell_complete(sp, fold, strlen(fold), &w))
		out = xsprintf("%.*s%s", (int)(last - from), from, w.form);
	else if (c.replaced != NULL)
		out = xstrdup(c.replaced);
	free(fold);
	free(c.replaced);
	free(c.offered);
	return out;
}

void
api_suggest(struct req *q)
{
	struct store		*st;
	const char		*input, *fmt;
	char			*cause = NULL, *corrected = NULL;
	json_t			*list, *o, *texts, *answer;
	size_t			 i;
	int			 opensearch;

	if ((input = http_arg(q, "q")) == NULL)
		input = "";
	fmt = http_arg(q, "format");
	opensearch = fmt != NULL && strcmp(fmt, "opensearch") == 0;
	if (strlen(input) > 200) {
		http_error(q, 400, "bad_parameter", "Le début de recherche à "
		    "compléter est trop long.");
		return;
	}
	if ((st = api_store(q)) == NULL)
		return;
	list = json_array();
	if (api_suggest_list(st, input, list, &cause) == -1)
		goto fail;
	/* Nothing for what was typed: for what it likely meant. */
	if (json_array_size(list) == 0 &&
	    (corrected = api_suggest_correct(st, input)) != NULL &&
	    api_suggest_list(st, corrected, list, &cause) == -1)
		goto fail;
	if (opensearch) {
		/* The OpenSearch suggestions format browsers read. */
		texts = json_array();
		json_array_foreach(list, i, o)
			json_array_append(texts, json_object_get(o, "text"));
		json_decref(list);
		api_send(q, 200, json_pack("[o,o]", jstr(input), texts));
		free(corrected);
		return;
	}
	answer = json_pack("{s:o,s:o}", "query", jstr(input), "suggestions",
	    list);
	if (corrected != NULL && json_array_size(list) > 0)
		json_object_set_new(answer, "corrected", jstr(corrected));
	free(corrected);
	api_send(q, 200, answer);
	return;
fail:
	free(corrected);
	json_decref(list);
	api_read_error(q, cause);
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
	const char		*v;
	json_t			*a;
	char			*epoch, *cause = NULL;
	long long		 since = 0, limit;
	int64_t			 next;
	size_t			 i;

	if ((v = http_arg(q, "since")) != NULL && *v != '\0' &&
	    parse_int(v, 0, LLONG_MAX, &since) == -1) {
		http_error(q, 400, "bad_parameter", "Le paramètre « since » "
		    "doit être un numéro de changement (entier positif ou "
		    "nul).");
		return;
	}
	if (http_arg_int(q, "limit", 1, API_CHANGES_MAX, 100, &limit) == -1)
		return;
	if ((st = api_store(q)) == NULL)
		return;
	if ((v = http_arg(q, "full")) != NULL && strcmp(v, "1") == 0) {
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
