/*
 * frontmatter.c - the YAML front matter block at the top of notes and legal
 * texts, read with libyaml into a flat list of keys (scalars, lists of
 * scalars, and `sources` as a list of {titre, url}), plus the checks every
 * plugin input needs first (empty file, UTF-8), what both plugins tell the
 * host about a front matter (its warnings, its sources), and the date and
 * line helpers both plugins share.
 *
 * Compiled into each plugin: it must never call a host symbol (the plugins
 * are linked with -Wl,--no-undefined and loaded without -export-dynamic),
 * so it allocates with libc and reports out-of-memory as an error instead
 * of aborting.  The parser never sees the host's function table (warnings
 * are returned in the struct); the functions that report to the host are
 * handed the table by the plugin.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "frontmatter.h"

/* The YAML text starts on the line after the opening "---". */
#define FM_FIRST_LINE	2

static void __attribute__((format(printf, 2, 3)))
fm_cause(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;	/* the caller says "out of memory" */
	va_end(ap);
}

size_t
line_trimmed(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	return n;
}

/* Is [s, s+n) a "---" line, give or take trailing blanks? */
static int
fm_is_delim(const char *s, size_t n)
{
	return line_trimmed(s, n) == 3 && memcmp(s, "---", 3) == 0;
}

int
frontmatter_find(const char *data, size_t len, const char **yaml,
    size_t *yamllen, size_t *body, char **cause)
{
	const char	*p, *end = data + len, *nl, *start;

	if (len < 3 || memcmp(data, "---", 3) != 0)
		return 0;
	nl = memchr(data, '\n', len);
	if (!fm_is_delim(data, nl != NULL ? (size_t)(nl - data) : len))
		return 0;	/* "----" or "--- x" open no front matter */
	if (nl == NULL)
		goto unclosed;
	start = p = nl + 1;
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (fm_is_delim(p, nl != NULL ? (size_t)(nl - p) :
		    (size_t)(end - p))) {
			*yaml = start;
			*yamllen = p - start;
			*body = nl != NULL ? (size_t)(nl + 1 - data) : len;
			return 1;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
unclosed:
	fm_cause(cause, "the front matter opened on line 1 is never closed "
	    "by a \"---\" line");
	return -1;
}

static char *
fm_strndup(const unsigned char *s, size_t n)
{
	char	*p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static long
fm_line(const yaml_node_t *node)
{
	return (long)node->start_mark.line + FM_FIRST_LINE;
}

/* A plain ~, null or empty scalar is YAML's null: "no value". */
static int
fm_is_null(const yaml_node_t *node)
{
	const char	*v = (const char *)node->data.scalar.value;
	size_t		 n = node->data.scalar.length;

	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return n == 0 || (n == 1 && v[0] == '~') ||
	    (n == 4 && (memcmp(v, "null", 4) == 0 ||
	    memcmp(v, "Null", 4) == 0 || memcmp(v, "NULL", 4) == 0));
}

static int __attribute__((format(printf, 3, 4)))
fm_warn(struct frontmatter *fm, long line, const char *fmt, ...)
{
	struct fm_warning	*w;
	va_list			 ap;
	int			 r;

	w = reallocarray(fm->warnings, fm->nwarnings + 1, sizeof *w);
	if (w == NULL)
		return -1;
	fm->warnings = w;
	w = &fm->warnings[fm->nwarnings];
	va_start(ap, fmt);
	r = vasprintf(&w->text, fmt, ap);
	va_end(ap);
	if (r == -1)
		return -1;
	w->line = line;
	fm->nwarnings++;
	return 0;
}

/* The number of items of a YAML sequence. */
static size_t
fm_seq_len(const yaml_node_t *seq)
{
	return seq->data.sequence.items.top - seq->data.sequence.items.start;
}

/* Item i of a YAML sequence (i < fm_seq_len), NULL if libyaml lost it. */
static yaml_node_t *
fm_seq_item(yaml_document_t *doc, const yaml_node_t *seq, size_t i)
{
	return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

static int
fm_list(yaml_document_t *doc, yaml_node_t *seq, struct fm_entry *e,
    char **cause)
{
	yaml_node_t	*item;
	size_t		 i, n = fm_seq_len(seq);

	if ((e->items = calloc(n + 1, sizeof *e->items)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		item = fm_seq_item(doc, seq, i);
		if (item == NULL || item->type != YAML_SCALAR_NODE) {
			fm_cause(cause, "front matter line %ld: the items of "
			    "`%s` must be text, not lists or mappings",
			    item != NULL ? fm_line(item) : e->line, e->key);
			return -1;
		}
		/* "themes: [a, ]" or [a, ""]: nothing to index. */
		if (fm_is_null(item) || item->data.scalar.length == 0)
			continue;
		e->items[e->nitems] = fm_strndup(item->data.scalar.value,
		    item->data.scalar.length);
		if (e->items[e->nitems] == NULL)
			return -1;
		e->nitems++;
	}
	return 0;
}

static int
fm_source(struct frontmatter *fm, yaml_document_t *doc, yaml_node_t *map,
    struct fm_source *src, char **cause)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*k, *v;
	const char		*key;
	char			**slot;

	src->line = fm_line(map);
	if (map->type != YAML_MAPPING_NODE) {
		fm_cause(cause, "front matter line %ld: each source must be "
		    "written `- titre: \"…\"` with an optional `url: \"…\"` "
		    "below it", src->line);
		return -1;
	}
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(doc, pair->key);
		v = yaml_document_get_node(doc, pair->value);
		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			goto bad;
		key = (const char *)k->data.scalar.value;
		if (strcmp(key, "titre") == 0)
			slot = &src->titre;
		else if (strcmp(key, "url") == 0)
			slot = &src->url;
		else {
			if (fm_warn(fm, fm_line(k), "unknown key `%s` in a "
			    "source (only titre and url are read)", key) == -1)
				return -1;
			continue;
		}
		if (v->type != YAML_SCALAR_NODE) {
			fm_cause(cause, "front matter line %ld: the source's "
			    "`%s` must be text", fm_line(v), key);
			return -1;
		}
		if (*slot != NULL) {
			fm_cause(cause, "front matter line %ld: the source has "
			    "two `%s` keys", fm_line(k), key);
			return -1;
		}
		if (fm_is_null(v))
			continue;
		if ((*slot = fm_strndup(v->data.scalar.value,
		    v->data.scalar.length)) == NULL)
			return -1;
	}
	if (src->titre == NULL || src->titre[0] == '\0') {
		fm_cause(cause, "front matter line %ld: a source has no "
		    "`titre`", src->line);
		return -1;
	}
	if (src->url != NULL && src->url[0] == '\0') {
		free(src->url);
		src->url = NULL;
	}
	return 0;
bad:
	fm_cause(cause, "front matter line %ld: a source must be a list of "
	    "`key: value` lines", src->line);
	return -1;
}

static int
fm_sources(struct frontmatter *fm, yaml_document_t *doc, yaml_node_t *seq,
    struct fm_entry *e, char **cause)
{
	yaml_node_t	*item;
	size_t		 i, n = fm_seq_len(seq);

	if ((e->sources = calloc(n + 1, sizeof *e->sources)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((item = fm_seq_item(doc, seq, i)) == NULL)
			continue;
		/* Counted before parsing so that free sees a partial one. */
		e->nsources++;
		if (fm_source(fm, doc, item, &e->sources[e->nsources - 1],
		    cause) == -1)
			return -1;
	}
	return 0;
}

static int
fm_entry(struct frontmatter *fm, yaml_document_t *doc, yaml_node_pair_t *pair,
    char **cause)
{
	yaml_node_t	*k, *v;
	struct fm_entry	*e;
	size_t		 i;

	k = yaml_document_get_node(doc, pair->key);
	v = yaml_document_get_node(doc, pair->value);
	if (k == NULL || v == NULL)
		return 0;
	if (k->type != YAML_SCALAR_NODE) {
		fm_cause(cause, "front matter line %ld: a key must be a plain "
		    "word", fm_line(k));
		return -1;
	}
	for (i = 0; i < fm->n; i++) {
		if (strlen(fm->v[i].key) == k->data.scalar.length &&
		    memcmp(fm->v[i].key, k->data.scalar.value,
		    k->data.scalar.length) == 0) {
			fm_cause(cause, "front matter line %ld: `%s` is "
			    "already given on line %ld", fm_line(k),
			    fm->v[i].key, fm->v[i].line);
			return -1;
		}
	}
	e = &fm->v[fm->n];
	memset(e, 0, sizeof *e);
	e->line = fm_line(k);
	if ((e->key = fm_strndup(k->data.scalar.value,
	    k->data.scalar.length)) == NULL)
		return -1;
	fm->n++;	/* now owned by fm, whatever happens next */

	switch (v->type) {
	case YAML_SCALAR_NODE:
		e->kind = FM_SCALAR;
		e->value = fm_is_null(v) ? strdup("") :
		    fm_strndup(v->data.scalar.value, v->data.scalar.length);
		return e->value != NULL ? 0 : -1;
	case YAML_SEQUENCE_NODE:
		if (strcmp(e->key, "sources") == 0) {
			e->kind = FM_SOURCES;
			return fm_sources(fm, doc, v, e, cause);
		}
		e->kind = FM_LIST;
		return fm_list(doc, v, e, cause);
	default:
		fm_cause(cause, "front matter line %ld: the value of `%s` must "
		    "be text or a list, not a mapping", fm_line(v), e->key);
		return -1;
	}
}

/* Line (in the file) of a byte offset in the YAML text. */
static long
fm_offset_line(const char *yaml, size_t len, size_t off)
{
	long	 line = FM_FIRST_LINE;
	size_t	 i;

	for (i = 0; i < off && i < len; i++)
		if (yaml[i] == '\n')
			line++;
	return line;
}

static void
fm_yaml_error(yaml_parser_t *p, const char *yaml, size_t len, char **cause)
{
	long	 line;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		*cause = NULL;
		return;
	case YAML_READER_ERROR:
		line = fm_offset_line(yaml, len, p->problem_offset);
		fm_cause(cause, "front matter line %ld: %s", line,
		    p->problem != NULL ? p->problem : "unreadable text");
		return;
	default:
		line = (long)p->problem_mark.line + FM_FIRST_LINE;
		if (p->context != NULL && p->context_mark.line !=
		    p->problem_mark.line)
			fm_cause(cause, "front matter line %ld: %s (%s on line "
			    "%ld)", line, p->problem != NULL ? p->problem :
			    "syntax error", p->context,
			    (long)p->context_mark.line + FM_FIRST_LINE);
		else
			fm_cause(cause, "front matter line %ld: %s", line,
			    p->problem != NULL ? p->problem : "syntax error");
		return;
	}
}

int
frontmatter_parse(const char *data, size_t len, struct frontmatter **out,
    char **cause)
{
	struct frontmatter	*fm = NULL;
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	yaml_node_t		*root;
	yaml_node_pair_t	*pair;
	const char		*yaml;
	size_t			 yamllen, body, i, npairs;
	int			 r, have_parser = 0, have_doc = 0;

	*out = NULL;
	*cause = NULL;
	r = frontmatter_find(data, len, &yaml, &yamllen, &body, cause);
	if (r == -1)
		return -1;
	if (r == 0) {
		if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
			fm_cause(cause, "no front matter: the file starts with "
			    "a byte order mark before its \"---\" line (save "
			    "it as UTF-8 without BOM)");
		else
			fm_cause(cause, "no front matter: the file must start "
			    "with a \"---\" line, then `title: …` lines, then "
			    "a \"---\" line");
		return -1;
	}
	if ((fm = calloc(1, sizeof *fm)) == NULL)
		goto fail;
	fm->body = body;
	fm->body_line = 1;
	for (i = 0; i < body; i++)
		if (data[i] == '\n')
			fm->body_line++;

	if (!yaml_parser_initialize(&parser))
		goto fail;
	have_parser = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
	    yamllen);
	if (!yaml_parser_load(&parser, &doc)) {
		fm_yaml_error(&parser, yaml, yamllen, cause);
		goto fail;
	}
	have_doc = 1;
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		fm_cause(cause, "the front matter is empty");
		goto fail;
	}
	if (root->type != YAML_MAPPING_NODE) {
		fm_cause(cause, "front matter line %ld: expected `key: value` "
		    "lines", fm_line(root));
		goto fail;
	}
	npairs = root->data.mapping.pairs.top - root->data.mapping.pairs.start;
	if ((fm->v = calloc(npairs + 1, sizeof *fm->v)) == NULL)
		goto fail;
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++)
		if (fm_entry(fm, &doc, pair, cause) == -1)
			goto fail;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	*out = fm;
	return 0;

fail:
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	frontmatter_free(fm);
	/* A NULL *cause here means an allocation failed. */
	if (*cause == NULL)
		fm_cause(cause, "out of memory while reading the front matter");
	return -1;
}

void
frontmatter_free(struct frontmatter *fm)
{
	struct fm_entry	*e;
	size_t		 i, j;

	if (fm == NULL)
		return;
	for (i = 0; i < fm->n; i++) {
		e = &fm->v[i];
		free(e->key);
		free(e->value);
		for (j = 0; j < e->nitems; j++)
			free(e->items[j]);
		free(e->items);
		for (j = 0; j < e->nsources; j++) {
			free(e->sources[j].titre);
			free(e->sources[j].url);
		}
		free(e->sources);
	}
	free(fm->v);
	for (i = 0; i < fm->nwarnings; i++)
		free(fm->warnings[i].text);
	free(fm->warnings);
	free(fm);
}

const struct fm_entry *
frontmatter_get(const struct frontmatter *fm, const char *key)
{
	size_t	 i;

	for (i = 0; i < fm->n; i++)
		if (strcmp(fm->v[i].key, key) == 0)
			return &fm->v[i];
	return NULL;
}

const char *
frontmatter_scalar(const struct frontmatter *fm, const char *key)
{
	const struct fm_entry	*e;

	e = frontmatter_get(fm, key);
	if (e == NULL || e->kind != FM_SCALAR || e->value[0] == '\0')
		return NULL;
	return e->value;
}

char *const *
frontmatter_list(const struct frontmatter *fm, const char *key, size_t *n)
{
	const struct fm_entry	*e;

	*n = 0;
	if ((e = frontmatter_get(fm, key)) == NULL)
		return NULL;
	if (e->kind == FM_LIST) {
		*n = e->nitems;
		return e->items;
	}
	if (e->kind == FM_SCALAR && e->value[0] != '\0') {
		*n = 1;
		return &e->value;
	}
	return NULL;
}

int
text_check(const struct savoir_host *host, const char *data, size_t len,
    char **cause)
{
	const char	*nul;
	size_t		 bad, i;
	long		 line = 1;

	*cause = NULL;
	if (len == 0) {
		fm_cause(cause, "empty file");
		return -1;
	}
	/* Valid UTF-8, but the host's strings end at a NUL. */
	bad = host->utf8_check(data, len);
	if ((nul = memchr(data, '\0', bad)) != NULL)
		bad = (size_t)(nul - data);
	if (bad == len)
		return 0;
	for (i = 0; i < bad; i++)
		if (data[i] == '\n')
			line++;
	if (data[bad] == '\0')
		fm_cause(cause, "NUL byte at line %ld: this is not a text file",
		    line);
	else
		fm_cause(cause, "invalid UTF-8 at line %ld (is the file in "
		    "Latin-1?)", line);
	return -1;
}

static int
two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int
year_valid(const char *s)
{
	return strlen(s) == 4 && s[0] >= '1' && s[0] <= '2' &&
	    two_digits(s) != -1 && two_digits(s + 2) != -1;
}

int
date_parse(const char *s, int *year, int *month, int *day)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			 y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	if (two_digits(s) == -1 || two_digits(s + 2) == -1)
		return 0;
	y = two_digits(s) * 100 + two_digits(s + 2);
	if ((m = two_digits(s + 5)) < 1 || m > 12)
		return 0;
	if ((d = two_digits(s + 8)) < 1 || d > mdays[m - 1])
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return 0;
	*year = y;
	*month = m;
	*day = d;
	return 1;
}

char *
date_french(const char *iso)
{
	static const char *const months[] = { "janvier", "février", "mars",
	    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	    "novembre", "décembre" };
	char	*s;
	int	 y, m, d;

	if (!date_parse(iso, &y, &m, &d))
		return NULL;
	if (asprintf(&s, "%d%s %s %d", d, d == 1 ? "er" : "", months[m - 1],
	    y) == -1)
		return NULL;
	return s;
}

/* --- what the notes and legal plugins tell the host alike ------------ */

int
frontmatter_load(const struct savoir_host *host, const struct savoir_input *in,
    struct savoir_sink *sink, struct frontmatter **out)
{
	const char	*data = (const char *)in->data;
	char		*cause = NULL;

	*out = NULL;
	if (text_check(host, data, in->len, &cause) == -1 ||
	    frontmatter_parse(data, in->len, out, &cause) == -1) {
		host->error(sink, "%s", cause != NULL ? cause :
		    "out of memory");
		free(cause);
		return -1;
	}
	return 0;
}

void
frontmatter_warn_keys(const struct savoir_host *host,
    struct savoir_sink *sink, const struct frontmatter *fm,
    const char *const *known)
{
	size_t	 i, j;

	for (i = 0; i < fm->nwarnings; i++)
		host->warn(sink, fm->warnings[i].line, "%s",
		    fm->warnings[i].text);
	for (i = 0; i < fm->n; i++) {
		for (j = 0; known[j] != NULL; j++)
			if (strcmp(fm->v[i].key, known[j]) == 0)
				break;
		if (known[j] == NULL)
			host->warn(sink, fm->v[i].line, "unknown front matter "
			    "key `%s` (ignored)", fm->v[i].key);
	}
}

void
frontmatter_warn_sources(const struct savoir_host *host,
    struct savoir_sink *sink, const struct frontmatter *fm)
{
	const struct fm_entry	*e = frontmatter_get(fm, "sources");

	if (e == NULL || (e->kind == FM_SCALAR && e->value[0] == '\0'))
		host->warn(sink, 1, "the front matter has no `sources`");
	else if (e->kind != FM_SOURCES)
		host->warn(sink, e->line, "`sources` must be a list of "
		    "`- titre: …` entries with `url: …` (ignored)");
	else if (e->nsources == 0)
		host->warn(sink, e->line, "`sources` is empty");
}

int
frontmatter_meta_sources(const struct savoir_host *host,
    struct savoir_sink *sink, const struct frontmatter *fm)
{
	const struct fm_entry	*e = frontmatter_get(fm, "sources");
	struct savoir_buf	 b = SAVOIR_BUF_INIT;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; rc == 0 && e != NULL && e->kind == FM_SOURCES &&
	    i < e->nsources; i++) {
		buf_reset(&b);
		host->buf_adds(&b, e->sources[i].titre);
		if (e->sources[i].url != NULL) {
			host->buf_adds(&b, " — ");
			host->buf_adds(&b, e->sources[i].url);
		}
		if (b.failed) {
			host->error(sink, "out of memory");
			rc = -1;
		} else if (host->doc_meta(sink, "source", "Source", b.s) == -1)
			rc = -1;
	}
	host->buf_free(&b);
	return rc;
}
