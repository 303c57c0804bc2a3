/*
 * api.c - the JSON API: /api/search, /api/doc/<id>, /api/suggest and
 * /api/changes (the change feed a follower reads), plus the document and
 * content-type objects the HTML pages render from.
 *
 * It only ever reads the worker's own read-only connection, through
 * statements cached on it (store_stmt) or built by search.c.  Every value a
 * person typed reaches SQLite as a bound parameter or, for suggestions, as
 * an FTS5 expression made only of quoted strings.  Errors a client sees are
 * French JSON objects made by http_error; nothing here writes HTML.
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

/*
 * A JSON string that is never NULL: jansson refuses invalid UTF-8, and one
 * bad byte in a stored title must not turn a whole answer into a 500.
 */
static json_t *
api_str(const char *s)
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

static json_t *
api_col(sqlite3_stmt *stmt, int i)
{
	return api_str((const char *)sqlite3_column_text(stmt, i));
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

/* The worker's index, or a 503 sent. */
static struct store *
api_store(struct req *q)
{
	struct store	*st;

	if ((st = worker_store(q->w)) == NULL)
		http_error(q, 503, "no_index", "L'index n'est pas encore "
		    "disponible : le serveur n'a pas pu l'ouvrir. Réessayez "
		    "dans un instant ; si cela dure, prévenez l'administrateur.");
	return st;
}

/* A type's French label, remembered in labels for the request. */
static const char *
api_type_label(struct store *st, json_t *labels, const char *type)
{
	static const char sql[] = "SELECT label FROM types WHERE name = ?";
	sqlite3_stmt	*stmt;
	json_t		*j;

	if ((j = json_object_get(labels, type)) != NULL)
		return json_string_value(j);
	j = NULL;
	if ((stmt = store_stmt(st, sql)) != NULL) {
		sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			j = api_col(stmt, 0);
		sqlite3_reset(stmt);
	}
	if (j == NULL)
		j = api_str(type);
	json_object_set_new(labels, type, j);
	return json_string_value(j);
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
		    "s:o}", "id", api_str(res.hits[i].id), "type",
		    api_str(res.hits[i].type), "type_label", api_str(
		    api_type_label(st, labels, res.hits[i].type)), "title",
		    api_str(res.hits[i].title), "breadcrumb",
		    api_str(res.hits[i].breadcrumb), "snippet",
		    api_str(res.hits[i].snippet)));
	json_decref(labels);
	facets = json_object();
	for (i = 0; i < res.nfacets; i++) {
		if ((vals = json_object_get(facets, res.facets[i].key)) ==
		    NULL) {
			vals = json_array();
			json_object_set_new(facets, res.facets[i].key, vals);
		}
		json_array_append_new(vals, json_pack("{s:o,s:I}", "value",
		    api_str(res.facets[i].value), "count",
		    (json_int_t)res.facets[i].count));
	}
	notices = json_array();
	for (i = 0; i < res.nnotices; i++)
		json_array_append_new(notices, api_str(res.notices[i]));
	o = json_pack("{s:o,s:I,s:f,s:I,s:I,s:b,s:o,s:o,s:o}", "query",
	    api_str(text), "total", (json_int_t)res.total, "took_ms",
	    (double)res.took_us / 1000.0, "page", (json_int_t)page, "limit",
	    (json_int_t)limit, "partial", res.partial, "hits", hits,
	    "facets", facets, "notices", notices);
	results_clear(&res);
	api_send(q, 200, o);
}

/* What a document cites or links to, each target known or not. */
static json_t *
api_doc_links(struct store *st, int64_t rowid)
{
	static const char sql[] = "SELECT l.target, coalesce(d.title, "
	    "l.label, l.target), l.rel, d.id IS NOT NULL FROM links l "
	    "LEFT JOIN docs d ON d.id = l.target WHERE l.src = ? "
	    "ORDER BY l.rel, l.target";
	sqlite3_stmt	*stmt;
	json_t		*a = json_array();

	if ((stmt = store_stmt(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(stmt, 1, rowid);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:b}", "id",
		    api_col(stmt, 0), "title", api_col(stmt, 1), "rel",
		    api_col(stmt, 2), "exists", sqlite3_column_int(stmt, 3)));
	sqlite3_reset(stmt);
	return a;
}

/* The documents citing or linking to id, each once. */
static json_t *
api_doc_cited_by(struct store *st, const char *id)
{
	static const char sql[] = "SELECT d.id, d.title, d.type FROM links l "
	    "JOIN docs d ON d.rowid = l.src WHERE l.target = ? "
	    "GROUP BY d.rowid ORDER BY d.type, d.title, d.id LIMIT ?";
	sqlite3_stmt	*stmt;
	json_t		*a = json_array();

	if ((stmt = store_stmt(st, sql)) == NULL)
		return a;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, API_CITED_BY_MAX);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "id",
		    api_col(stmt, 0), "title", api_col(stmt, 1), "type",
		    api_col(stmt, 2)));
	sqlite3_reset(stmt);
	return a;
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

json_t *
api_doc_json(struct worker *w, const char *id)
{
	static const char sql[] = "SELECT d.rowid, d.id, d.type, "
	    "coalesce(t.label, d.type), d.title, savoir_part(d.text, 4), "
	    "savoir_part(d.text, 3), s.path, "
	    "d.seq, coalesce(t.label, d.type) || coalesce(' › ' || (SELECT "
	    "value FROM facets f WHERE f.doc = d.rowid AND +f.key IN ('code', "
	    "'module') ORDER BY f.key LIMIT 1), '') FROM docs d "
	    "JOIN sources s ON s.id = d.source "
	    "LEFT JOIN types t ON t.name = d.type WHERE d.id = ?";
	struct store	*st;
	sqlite3_stmt	*stmt;
	json_t		*o = NULL;
	int64_t		 rowid;

	if ((st = worker_store(w)) == NULL || id == NULL)
		return NULL;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		rowid = sqlite3_column_int64(stmt, 0);
		o = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}",
		    "id", api_col(stmt, 1), "type", api_col(stmt, 2),
		    "type_label", api_col(stmt, 3), "title", api_col(stmt, 4),
		    "breadcrumb", api_col(stmt, 9), "meta", api_doc_meta(
		    (const char *)sqlite3_column_text(stmt, 5)), "html",
		    api_col(stmt, 6), "source", api_col(stmt, 7), "seq",
		    (json_int_t)sqlite3_column_int64(stmt, 8));
		/* Both queries below use other cached statements. */
		if (o != NULL) {
			json_object_set_new(o, "links", api_doc_links(st,
			    rowid));
			json_object_set_new(o, "cited_by",
			    api_doc_cited_by(st, id));
		}
	}
	sqlite3_reset(stmt);
	return o;
}

void
api_doc(struct req *q, const char *id)
{
	json_t	*o;

	if (*id == '\0') {
		http_error(q, 404, "not_found", "Indiquez l'identifiant d'un "
		    "document, par exemple /api/doc/cgct/L1115-1.");
		return;
	}
	if (api_store(q) == NULL)
		return;
	if ((o = api_doc_json(q->w, id)) == NULL) {
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
api_types_json(struct worker *w)
{
	/* Types with documents but no declaration (a plugin since removed)
	 * are listed too, under their name. */
	static const char sql[] = "SELECT t.name, t.label, t.label_plural, "
	    "t.facets, (SELECT count(*) FROM docs d WHERE d.type = t.name) "
	    "FROM types t UNION ALL SELECT d.type, d.type, d.type, '[]', "
	    "count(*) FROM docs d WHERE d.type NOT IN (SELECT name FROM "
	    "types) GROUP BY d.type ORDER BY 2";
	struct store	*st;
	sqlite3_stmt	*stmt;
	json_t		*a, *decl, *facets, *f;
	size_t		 i;

	if ((st = worker_store(w)) == NULL ||
	    (stmt = store_stmt(st, sql)) == NULL)
		return NULL;
	a = json_array();
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		facets = json_array();
		decl = json_loads((const char *)sqlite3_column_text(stmt, 3),
		    0, NULL);
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
		    "name", api_col(stmt, 0), "label", api_col(stmt, 1),
		    "label_plural", api_col(stmt, 2), "count",
		    (json_int_t)sqlite3_column_int64(stmt, 4), "facets",
		    facets));
	}
	sqlite3_reset(stmt);
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

static int
api_deadline(void *arg)
{
	return mono_us() > *(int64_t *)arg;
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
void
api_suggest(struct req *q)
{
	static const char words_sql[] = "SELECT title, headings FROM fts "
	    "WHERE fts MATCH ? LIMIT ?";
	static const char ranked_sql[] = "SELECT d.id, d.title, d.type FROM "
	    "fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? "
	    "ORDER BY bm25(fts, 10.0, 4.0, 1.0) LIMIT ?";
	static const char plain_sql[] = "SELECT d.id, d.title, d.type FROM "
	    "fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? LIMIT ?";
	struct suggest	 sg;
	struct store	*st;
	sqlite3_stmt	*stmt;
	const char	*input, *fmt;
	char		*wexpr = NULL, *texpr = NULL, *last = NULL, *text;
	json_t		*list, *o, *texts;
	int64_t		 deadline;
	size_t		 i, head, n = 0;
	int		 rc, opensearch;

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
	memset(&sg, 0, sizeof sg);
	list = json_array();
	head = api_suggest_head(input);
	wexpr = api_suggest_expr(input, "title headings", &last);
	texpr = api_suggest_expr(input, "title", &text);
	free(text);
	deadline = mono_us() + API_SUGGEST_BUDGET_MS * 1000;
	sqlite3_progress_handler(store_db(st), 1000, api_deadline, &deadline);

	/* Completed words, when the last word is unfinished. */
	if (wexpr != NULL && last != NULL &&
	    (stmt = store_stmt(st, words_sql)) != NULL) {
		sg.prefix = last;
		sg.plen = strlen(last);
		sqlite3_bind_text(stmt, 1, wexpr, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 2, API_SUGGEST_SCAN);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			api_suggest_scan(&sg, (const char *)
			    sqlite3_column_text(stmt, 0));
			api_suggest_scan(&sg, (const char *)
			    sqlite3_column_text(stmt, 1));
		}
		sqlite3_reset(stmt);
		qsort(sg.words, sg.nwords, sizeof sg.words[0],
		    api_suggest_word_cmp);
		for (i = 0; i < sg.nwords && n < API_SUGGEST_TERMS; i++) {
			/* What was typed, completed: "l'act" -> "l'action". */
			if (strcasecmp(sg.words[i].text, input + head) == 0)
				continue;	/* nothing to add */
			text = xsprintf("%.*s%s", (int)head, input,
			    sg.words[i].text);
			json_array_append_new(list, json_pack("{s:o,s:s}",
			    "text", api_str(text), "kind", "term"));
			free(text);
			n++;
		}
	}

	/* Titles: ranked if that fits the budget, else in index order. */
	if (texpr != NULL && (stmt = store_stmt(st, ranked_sql)) != NULL) {
		sqlite3_bind_text(stmt, 1, texpr, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 2, API_SUGGEST_MAX - (int)n);
		o = json_array();
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			json_array_append_new(o, json_pack("{s:o,s:s,s:o,"
			    "s:o}", "text", api_col(stmt, 1), "kind", "doc",
			    "id", api_col(stmt, 0), "type", api_col(stmt, 2)));
		sqlite3_reset(stmt);
		if (rc == SQLITE_INTERRUPT &&
		    (stmt = store_stmt(st, plain_sql)) != NULL) {
			json_array_clear(o);
			deadline = mono_us() + API_SUGGEST_BUDGET_MS * 1000;
			sqlite3_bind_text(stmt, 1, texpr, -1, SQLITE_STATIC);
			sqlite3_bind_int(stmt, 2, API_SUGGEST_MAX - (int)n);
			while (sqlite3_step(stmt) == SQLITE_ROW)
				json_array_append_new(o, json_pack("{s:o,s:s,"
				    "s:o,s:o}", "text", api_col(stmt, 1),
				    "kind", "doc", "id", api_col(stmt, 0),
				    "type", api_col(stmt, 2)));
			sqlite3_reset(stmt);
		}
		json_array_extend(list, o);
		json_decref(o);
	}
	sqlite3_progress_handler(store_db(st), 0, NULL, NULL);

	for (i = 0; i < sg.nwords; i++) {
		free(sg.words[i].fold);
		free(sg.words[i].text);
	}
	free(wexpr);
	free(texpr);
	free(last);
	if (opensearch) {
		/* The OpenSearch suggestions format browsers read. */
		texts = json_array();
		json_array_foreach(list, i, o)
			json_array_append(texts, json_object_get(o, "text"));
		json_decref(list);
		api_send(q, 200, json_pack("[o,o]", api_str(input), texts));
		return;
	}
	api_send(q, 200, json_pack("{s:o,s:o}", "query", api_str(input),
	    "suggestions", list));
}

/* --- the change feed --------------------------------------------------- */

/*
 * Changes after since, oldest first.  The feed keeps only the latest
 * change of each document, so a follower that applies every row in order
 * and then asks again from "next" ends with the same documents.  "epoch"
 * names this index file: when it changes, a follower starts over.
 */
void
api_changes(struct req *q)
{
	static const char sql[] = "SELECT seq, doc, op, at FROM changes "
	    "WHERE seq > ? ORDER BY seq LIMIT ?";
	static const char max_sql[] = "SELECT coalesce(max(seq), 0) FROM "
	    "changes";
	struct store	*st;
	sqlite3_stmt	*stmt;
	const char	*v;
	json_t		*a;
	char		*epoch;
	long long	 since = 0, limit, next, last = 0;
	int		 n = 0, more = 0;

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
	if ((stmt = store_stmt(st, sql)) == NULL) {
		http_error(q, 500, "internal", "Le fil des changements est "
		    "illisible.");
		return;
	}
	next = since;
	a = json_array();
	sqlite3_bind_int64(stmt, 1, since);
	sqlite3_bind_int64(stmt, 2, limit + 1);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (n++ == limit) {
			more = 1;
			break;
		}
		next = sqlite3_column_int64(stmt, 0);
		json_array_append_new(a, json_pack("{s:I,s:o,s:o,s:I}", "seq",
		    (json_int_t)next, "id", api_col(stmt, 1), "op",
		    api_col(stmt, 2), "at",
		    (json_int_t)sqlite3_column_int64(stmt, 3)));
	}
	sqlite3_reset(stmt);
	if ((stmt = store_stmt(st, max_sql)) != NULL) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			last = sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
	}
	epoch = store_meta_get(st, "created");
	api_send(q, 200, json_pack("{s:I,s:I,s:I,s:b,s:o,s:o}", "since",
	    (json_int_t)since, "next", (json_int_t)next, "last",
	    (json_int_t)last, "more", more, "epoch", api_str(epoch != NULL ?
	    epoch : ""), "changes", a));
	free(epoch);
}
