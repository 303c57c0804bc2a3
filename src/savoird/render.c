/*
 * render.c - the page templates: a small, strict subset of Mustache over
 * jansson values, parsed once at start into a tree so that a broken
 * template stops the daemon with "file:line: reason" instead of producing
 * a broken page under load.
 *
 * It owns the only writer of page HTML, and escaping is structural: {{x}}
 * always escapes, and raw insertion ({{{x}}} or {{& x}}) is refused at load
 * time unless the name ends in "_html", the convention for values the
 * index sanitized (a document body, a snippet with <mark>).  This file
 * never reads the index or the request: callers build the data.
 *
 * Supported: {{name}}, {{a.b.c}}, {{.}}, {{#name}}...{{/name}} (repeat over
 * an array, the element becoming the context while outer names still
 * resolve; else shown once when truthy), {{^name}}...{{/name}} (when falsy
 * or empty), {{> partial}}, {{! comment}}; {{list.0}} is a list's first
 * element.  Truthiness is JavaScript's:
 * null, false, 0, "" and [] are false.  A tag alone on its line (section,
 * close, partial, comment) takes its line with it, as Mustache says, so
 * templates can be indented for people.  Not supported, and refused:
 * set-delimiter tags, lambdas.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "savoird.h"

#define RENDER_MAX_FILE		(1024 * 1024)
#define RENDER_MAX_NESTING	32	/* sections inside sections */
#define RENDER_MAX_STACK	64	/* contexts at render time */
#define RENDER_MAX_PARTIALS	16	/* partials inside partials */

enum tkind {
	T_TEXT,
	T_VAR,		/* {{x}}: escaped */
	T_RAW,		/* {{{x_html}}}: as is */
	T_SECTION,	/* {{#x}} */
	T_INVERTED,	/* {{^x}} */
	T_PARTIAL	/* {{> x}} */
};

struct tnode;
struct tlist {
	struct tnode	*v;
	size_t		 n;
	size_t		 cap;
};

struct tnode {
	enum tkind	 kind;
	int		 line;
	char		*text;		/* literal bytes, or the name */
	size_t		 len;
	char		**path;		/* the name split at dots; 0 = "." */
	size_t		 npath;
	struct tlist	 kids;		/* section bodies */
	size_t		 partial;	/* index in templates, once resolved */
};

struct tmpl {
	char		*name;		/* file name without extension */
	char		*file;		/* path, for messages */
	struct tlist	 body;
};

struct templates {
	struct tmpl	*v;
	size_t		 n;
	json_t		*grid;		/* www/grille.json, or NULL */
};

struct parser {
	const char	*file;
	const char	*s;
	size_t		 len;
	size_t		 pos;
	int		 line;		/* line of s[pos] */
	int		 depth;
	char		*error;
};

static void	tlist_free(struct tlist *);

static void
tnode_free(struct tnode *n)
{
	size_t	 i;

	free(n->text);
	for (i = 0; i < n->npath; i++)
		free(n->path[i]);
	free(n->path);
	tlist_free(&n->kids);
}

static void
tlist_free(struct tlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		tnode_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static struct tnode *
tlist_add(struct tlist *l, enum tkind kind, int line)
{
	struct tnode	*n;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 8 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	n = &l->v[l->n++];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->line = line;
	return n;
}

static int
parse_fail(struct parser *p, int line, const char *fmt, ...)
    SAVOIR_PRINTFLIKE(3, 4);

static int
parse_fail(struct parser *p, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	free(p->error);
	xasprintf(&p->error, "%s:%d: %s", p->file, line, msg);
	free(msg);
	return -1;
}

/* Move to end, counting lines on the way. */
static void
parse_skip(struct parser *p, size_t end)
{
	for (; p->pos < end; p->pos++)
		if (p->s[p->pos] == '\n')
			p->line++;
}

/*
 * A name is "." or words of letters, digits, '_' and '-' joined by single
 * dots.  Anything else is more likely a typo or a Mustache feature this
 * engine lacks than a real key, so it is refused.
 */
static int
name_split(const char *name, char ***path, size_t *npath)
{
	const char	*c, *start;
	size_t		 n = 0;

	*path = NULL;
	*npath = 0;
	if (strcmp(name, ".") == 0)
		return 0;
	if (*name == '\0')
		return -1;
	for (c = start = name;; c++) {
		if (*c == '.' || *c == '\0') {
			if (c == start)
				return -1;
			*path = xreallocarray(*path, n + 1, sizeof **path);
			(*path)[n++] = xstrndup(start, c - start);
			*npath = n;
			if (*c == '\0')
				return 0;
			start = c + 1;
		} else if (!((*c >= 'a' && *c <= 'z') ||
		    (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '_' || *c == '-'))
			return -1;
	}
}

static int	parse_list(struct parser *, struct tlist *, struct tnode *);

/* Parse one tag starting at p->s[at] ("{{"); *closed set by {{/x}}. */
static int
parse_tag(struct parser *p, struct tlist *l, struct tnode *open, size_t at,
    int *closed)
{
	const char	*s = p->s, *end, *ws = " \t\r\n";
	struct tnode	*n;
	size_t		 inner, stop, after, ls, i, ilen;
	char		 sigil, *name;
	int		 line, triple, standalone = 0;

	*closed = 0;
	triple = at + 2 < p->len && s[at + 2] == '{';
	inner = at + (triple ? 3 : 2);
	sigil = inner < p->len ? s[inner] : '\0';
	if (!triple && sigil != '\0' && strchr("#^/>!&=", sigil) != NULL)
		inner++;
	else if (triple)
		sigil = '{';
	else
		sigil = '\0';
	end = memmem(s + inner, p->len - inner, triple ? "}}}" : "}}",
	    triple ? 3 : 2);

	/* Text before the tag, and where the tag's line starts. */
	ls = at;
	while (ls > p->pos && (s[ls - 1] == ' ' || s[ls - 1] == '\t'))
		ls--;
	if (end != NULL && sigil != '\0' && strchr("#^/>!", sigil) != NULL &&
	    (ls == 0 || s[ls - 1] == '\n')) {
		after = (size_t)(end - s) + 2;
		while (after < p->len && (s[after] == ' ' || s[after] == '\t'))
			after++;
		if (after < p->len && s[after] == '\r' && after + 1 < p->len &&
		    s[after + 1] == '\n')
			after++;
		if (after == p->len || s[after] == '\n')
			standalone = 1;
	}
	stop = standalone ? ls : at;
	if (stop > p->pos) {
		n = tlist_add(l, T_TEXT, p->line);
		n->text = xstrndup(s + p->pos, stop - p->pos);
		n->len = stop - p->pos;
	}
	parse_skip(p, at);
	line = p->line;
	if (end == NULL)
		return parse_fail(p, line, "tag never closed (no %s)",
		    triple ? "}}}" : "}}");

	/* The name, trimmed; comments may hold anything. */
	i = inner;
	stop = (size_t)(end - s);
	while (i < stop && strchr(ws, s[i]) != NULL)
		i++;
	while (stop > i && strchr(ws, s[stop - 1]) != NULL)
		stop--;
	ilen = stop - i;
	after = (size_t)(end - s) + (triple ? 3 : 2);
	if (standalone) {
		while (after < p->len && s[after] != '\n')
			after++;
		if (after < p->len)
			after++;
	}
	parse_skip(p, after);
	if (sigil == '!')
		return 0;
	if (sigil == '=')
		return parse_fail(p, line, "set-delimiter tags are not "
		    "supported");

	name = xstrndup(s + i, ilen);
	n = NULL;
	switch (sigil) {
	case '/':
		if (open == NULL) {
			parse_fail(p, line, "{{/%s}} closes no section", name);
			goto fail;
		}
		if (strcmp(name, open->text) != 0) {
			parse_fail(p, line, "{{/%s}} closes section \"%s\" "
			    "opened at line %d", name, open->text, open->line);
			goto fail;
		}
		free(name);
		*closed = 1;
		return 0;
	case '>':
		n = tlist_add(l, T_PARTIAL, line);
		break;
	case '#':
		n = tlist_add(l, T_SECTION, line);
		break;
	case '^':
		n = tlist_add(l, T_INVERTED, line);
		break;
	case '{':
	case '&':
		n = tlist_add(l, T_RAW, line);
		break;
	default:
		n = tlist_add(l, T_VAR, line);
		break;
	}
	n->text = name;
	n->len = ilen;
	if (n->kind == T_PARTIAL) {
		if (*name == '\0' || strcspn(name, "/ \t") != ilen)
			return parse_fail(p, line, "bad partial name \"%s\"",
			    name);
		return 0;
	}
	if (name_split(name, &n->path, &n->npath) == -1)
		return parse_fail(p, line, "bad name \"%s\" (letters, digits, "
		    "_ and - joined by dots)", name);
	if (n->kind == T_RAW && (n->npath == 0 ||
	    strlen(n->path[n->npath - 1]) < 5 || strcmp(n->path[n->npath - 1] +
	    strlen(n->path[n->npath - 1]) - 5, "_html") != 0))
		return parse_fail(p, line, "raw insertion of \"%s\" refused: "
		    "only names ending in _html hold HTML (use {{%s}})", name,
		    name);
	if (n->kind == T_SECTION || n->kind == T_INVERTED) {
		if (n->npath == 0)
			return parse_fail(p, line, "a section needs a name");
		if (p->depth >= RENDER_MAX_NESTING)
			return parse_fail(p, line, "sections nested deeper "
			    "than %d", RENDER_MAX_NESTING);
		/* n stays put: only n->kids grows below. */
		p->depth++;
		if (parse_list(p, &n->kids, n) == -1)
			return -1;
		p->depth--;
	}
	return 0;
fail:
	free(name);
	return -1;
}

/* Parse until EOF (open == NULL) or the close of open. */
static int
parse_list(struct parser *p, struct tlist *l, struct tnode *open)
{
	const char	*tag;
	struct tnode	*n;
	int		 closed;

	for (;;) {
		tag = memmem(p->s + p->pos, p->len - p->pos, "{{", 2);
		if (tag == NULL) {
			if (p->pos < p->len) {
				n = tlist_add(l, T_TEXT, p->line);
				n->text = xstrndup(p->s + p->pos,
				    p->len - p->pos);
				n->len = p->len - p->pos;
			}
			parse_skip(p, p->len);
			if (open != NULL)
				return parse_fail(p, open->line, "section "
				    "\"%s\" is never closed (no {{/%s}})",
				    open->text, open->text);
			return 0;
		}
		if (parse_tag(p, l, open, (size_t)(tag - p->s), &closed) == -1)
			return -1;
		if (closed)
			return 0;
	}
}

static struct tmpl *
templates_find(struct templates *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	return NULL;
}

static int
resolve_list(struct templates *t, struct tmpl *in, struct tlist *l,
    char **cause)
{
	struct tmpl	*to;
	size_t		 i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].kind == T_PARTIAL) {
			if ((to = templates_find(t, l->v[i].text)) == NULL) {
				xasprintf(cause, "%s:%d: unknown partial "
				    "\"%s\"", in->file, l->v[i].line,
				    l->v[i].text);
				return -1;
			}
			l->v[i].partial = (size_t)(to - t->v);
		}
		if (resolve_list(t, in, &l->v[i].kids, cause) == -1)
			return -1;
	}
	return 0;
}

static int
templates_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Template files: *.html, and *.xml for the OpenSearch description. */
static const char *
template_ext(const char *name)
{
	const char	*dot = strrchr(name, '.');

	if (dot == NULL || dot == name || name[0] == '.')
		return NULL;
	if (strcmp(dot, ".html") == 0 || strcmp(dot, ".xml") == 0)
		return dot;
	return NULL;
}

static int
templates_parse(struct templates *t, const char *dir, const char *fname,
    char **cause)
{
	struct parser	 p;
	struct tmpl	*m;
	char		*path, *data, *name;
	size_t		 len, bad;
	const char	*ext = template_ext(fname);

	path = xsprintf("%s/%s", dir, fname);
	if (file_read(path, RENDER_MAX_FILE, &data, &len, cause) == -1) {
		free(path);
		return -1;
	}
	if (!utf8_valid(data, len, &bad)) {
		xasprintf(cause, "%s: not valid UTF-8 at byte %zu", path, bad);
		goto fail;
	}
	name = xstrndup(fname, ext - fname);
	if (templates_find(t, name) != NULL) {
		/* "a.html" and "a.xml" would both be "a". */
		xasprintf(cause, "%s: another template is named \"%s\"", path,
		    name);
		free(name);
		goto fail;
	}
	t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
	m = &t->v[t->n++];
	memset(m, 0, sizeof *m);
	m->name = name;
	m->file = path;
	path = NULL;

	memset(&p, 0, sizeof p);
	p.file = m->file;
	p.s = data;
	p.len = len;
	p.line = 1;
	if (parse_list(&p, &m->body, NULL) == -1) {
		*cause = p.error;
		goto fail;
	}
	free(data);
	return 0;
fail:
	free(path);
	free(data);
	return -1;
}

struct templates *
templates_load(const char *dir, char **cause)
{
	struct templates	*t;
	DIR			*d;
	struct dirent		*de;
	char			**names = NULL;
	size_t			 n = 0, i;
	int			 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (template_ext(de->d_name) == NULL)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n == 0) {
		xasprintf(cause, "%s: no template (*.html) found", dir);
		return NULL;
	}
	/* Sorted, so that errors come in the same order on every host. */
	qsort(names, n, sizeof *names, templates_name_cmp);

	t = xcalloc(1, sizeof *t);
	for (i = 0; i < n && rc == 0; i++)
		rc = templates_parse(t, dir, names[i], cause);
	for (i = 0; rc == 0 && i < t->n; i++)
		rc = resolve_list(t, &t->v[i], &t->v[i].body, cause);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == -1) {
		templates_free(t);
		return NULL;
	}
	return t;
}

void
templates_free(struct templates *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].file);
		tlist_free(&t->v[i].body);
	}
	free(t->v);
	json_decref(t->grid);
	free(t);
}

void
templates_set_grid(struct templates *t, json_t *grid)
{
	json_decref(t->grid);
	t->grid = grid;
}

json_t *
templates_grid(struct templates *t)
{
	return t->grid;
}

/* Rendering. */

struct render {
	struct templates	*t;
	struct evbuffer		*out;
	json_t			*stack[RENDER_MAX_STACK];
	int			 n;
	int			 partials;
	const char		*error;
};

/* The one text writer: & < > " ' always escaped, in text and attributes. */
static void
render_escape(struct evbuffer *out, const char *s, size_t len)
{
	size_t		 i, run = 0;
	const char	*ent;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			continue;
		}
		if (i > run)
			evbuffer_add(out, s + run, i - run);
		evbuffer_add(out, ent, strlen(ent));
		run = i + 1;
	}
	if (len > run)
		evbuffer_add(out, s + run, len - run);
}

/* A key of an object, or an element of an array by its index, so that
 * {{#hits.0}} can wrap a list that is not empty. */
static json_t *
render_child(json_t *v, const char *key)
{
	long long	 i;

	if (json_is_object(v))
		return json_object_get(v, key);
	if (json_is_array(v) && parse_int(key, 0, INT32_MAX, &i) == 0)
		return json_array_get(v, (size_t)i);
	return NULL;
}

/* Mustache name resolution: the first name up the context stack, the
 * rest inside it (a missing inner key does not fall back outwards). */
static json_t *
render_lookup(struct render *r, const struct tnode *n)
{
	json_t	*v = NULL;
	size_t	 k;
	int	 i;

	if (n->npath == 0)
		return r->stack[r->n - 1];
	for (i = r->n - 1; i >= 0; i--)
		if (json_is_object(r->stack[i]) && (v = json_object_get(
		    r->stack[i], n->path[0])) != NULL)
			break;
	for (k = 1; v != NULL && k < n->npath; k++)
		v = render_child(v, n->path[k]);
	return v;
}

static int
render_truthy(json_t *v)
{
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_TRUE:
		return 1;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	default:
		return 0;
	}
}

static void
render_value(struct render *r, json_t *v, int raw)
{
	char	 num[64];

	if (v == NULL)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (raw)
			evbuffer_add(r->out, json_string_value(v),
			    json_string_length(v));
		else
			render_escape(r->out, json_string_value(v),
			    json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		evbuffer_add(r->out, num, strlen(num));
		break;
	case JSON_REAL:
		snprintf(num, sizeof num, "%g", json_real_value(v));
		evbuffer_add(r->out, num, strlen(num));
		break;
	case JSON_TRUE:
		evbuffer_add(r->out, "true", 4);
		break;
	case JSON_FALSE:
		evbuffer_add(r->out, "false", 5);
		break;
	default:
		break;		/* null, objects and arrays print nothing */
	}
}

static int	render_list(struct render *, const struct tlist *);

static int
render_push(struct render *r, json_t *v, const struct tlist *kids)
{
	int	 rc;

	if (r->n == RENDER_MAX_STACK) {
		r->error = "data nested too deep";
		return -1;
	}
	r->stack[r->n++] = v;
	rc = render_list(r, kids);
	r->n--;
	return rc;
}

static int
render_list(struct render *r, const struct tlist *l)
{
	const struct tnode	*n;
	json_t			*v;
	size_t			 i, j;
	int			 rc;

	for (i = 0; i < l->n; i++) {
		n = &l->v[i];
		switch (n->kind) {
		case T_TEXT:
			evbuffer_add(r->out, n->text, n->len);
			break;
		case T_VAR:
		case T_RAW:
			render_value(r, render_lookup(r, n), n->kind == T_RAW);
			break;
		case T_SECTION:
			v = render_lookup(r, n);
			if (json_is_array(v)) {
				for (j = 0; j < json_array_size(v); j++)
					if (render_push(r, json_array_get(v, j),
					    &n->kids) == -1)
						return -1;
			} else if (render_truthy(v) &&
			    render_push(r, v, &n->kids) == -1)
				return -1;
			break;
		case T_INVERTED:
			if (!render_truthy(render_lookup(r, n)) &&
			    render_list(r, &n->kids) == -1)
				return -1;
			break;
		case T_PARTIAL:
			if (r->partials == RENDER_MAX_PARTIALS) {
				r->error = "partials nested too deep";
				return -1;
			}
			r->partials++;
			rc = render_list(r, &r->t->v[n->partial].body);
			r->partials--;
			if (rc == -1)
				return -1;
			break;
		}
	}
	return 0;
}

int
templates_render(struct templates *t, const char *name, json_t *data,
    struct evbuffer *out)
{
	struct tmpl	*m;
	struct render	 r;
	json_t		*empty = NULL;
	int		 rc;

	if (t == NULL || (m = templates_find(t, name)) == NULL) {
		log_warnx("template %s: no such template", name);
		return -1;
	}
	memset(&r, 0, sizeof r);
	r.t = t;
	r.out = out;
	if (data == NULL)
		data = empty = json_object();
	r.stack[r.n++] = data;
	rc = render_list(&r, &m->body);
	if (rc == -1)
		log_warnx("template %s: %s", name, r.error);
	json_decref(empty);
	return rc;
}
