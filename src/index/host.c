/*
 * host.c - the host function table plugins call (plugin_host), and the
 * sink its document functions write to.  In the extractor child each call
 * is checked (ids, declared types, facet keys, limits), its text repaired
 * (UTF-8, control characters) and sent to the parent as a record on the
 * pipe (extract_int.h has the format).  These checks are only a courtesy
 * to well-behaved plugins, for early and precise errors: the parent checks
 * every record again (record.c).  Outside the child only log does
 * anything: the document functions need the sink extract was given.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract_int.h"

/* Child only: the one sink of this process, NULL in the parent. */
static struct savoir_sink	*x_sink;

struct x_part {
	const void	*p;
	size_t		 n;
};

static void	host_log(int, const char *, ...) SAVOIR_PRINTFLIKE(2, 3);
static void	host_warn(struct savoir_sink *, long, const char *, ...)
		    SAVOIR_PRINTFLIKE(3, 4);
static void	host_error(struct savoir_sink *, const char *, ...)
		    SAVOIR_PRINTFLIKE(2, 3);
static void	x_log(int, const char *, ...) SAVOIR_PRINTFLIKE(2, 3);
static int	host_doc_begin(struct savoir_sink *, const char *,
		    const char *);
static int	host_doc_text(struct savoir_sink *, int, const char *,
		    size_t);
static int	host_doc_facet(struct savoir_sink *, const char *,
		    const char *);
static int	host_doc_link(struct savoir_sink *, const char *,
		    const char *, const char *);
static int	host_doc_html(struct savoir_sink *, const char *, size_t);
static int	host_doc_meta(struct savoir_sink *, const char *,
		    const char *, const char *);
static int	host_doc_end(struct savoir_sink *);
static int	host_doc_weight(struct savoir_sink *, double);

static const struct savoir_host x_host = {
	.abi = SAVOIR_PLUGIN_ABI,
	.size = sizeof(struct savoir_host),
	.log = host_log,
	.doc_begin = host_doc_begin,
	.doc_text = host_doc_text,
	.doc_facet = host_doc_facet,
	.doc_link = host_doc_link,
	.doc_html = host_doc_html,
	.doc_meta = host_doc_meta,
	.doc_end = host_doc_end,
	.warn = host_warn,
	.error = host_error,
	.doc_weight = host_doc_weight,
	TOOLKIT_HOST_MEMBERS
};

/*
 * The host table lives here, beside the functions it points to (index.h
 * declares it with plugin.c).  Outside the extractor child only log does
 * anything: the doc functions need the sink extract was given.
 */
const struct savoir_host *
plugin_host(void)
{
	return &x_host;
}

struct savoir_sink *
sink_open(const struct plugins *ps, int fd)
{
	struct savoir_sink	*s;

	s = xcalloc(1, sizeof *s);
	s->ps = ps;
	s->fd = fd;
	x_sink = s;
	return s;
}

static void
x_log(int level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(level, fmt, ap);
	va_end(ap);
}

static void
host_log(int level, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[X_MSG_MAX];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (x_sink != NULL && x_sink->plugin != NULL)
		x_log(level, "plugin %s: %s", x_sink->plugin->desc->name, msg);
	else
		x_log(level, "plugin: %s", msg);
}

/* Write everything or leave: with the parent gone there is no one to
 * report to. */
static void
sink_write(int fd, const void *p, size_t n)
{
	const unsigned char	*c = p;
	ssize_t			 w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			_exit(3);
		}
		c += w;
		n -= (size_t)w;
	}
}

void
sink_flush(struct savoir_sink *s)
{
	sink_write(s->fd, s->wbuf, s->wlen);
	s->wlen = 0;
}

static void
sink_put(struct savoir_sink *s, const void *p, size_t n)
{
	if (n > sizeof s->wbuf - s->wlen) {
		sink_flush(s);
		if (n > sizeof s->wbuf) {
			sink_write(s->fd, p, n);
			return;
		}
	}
	memcpy(s->wbuf + s->wlen, p, n);
	s->wlen += n;
}

/* Send one record.  Errors and warnings are always sent (force); the rest
 * count against the file's output cap. */
static int
sink_send(struct savoir_sink *s, int type, const struct x_part *parts,
    size_t nparts, int force)
{
	unsigned char	 hdr[REC_HDR];
	uint32_t	 len32;
	size_t		 i, total = 0;

	for (i = 0; i < nparts; i++)
		total += parts[i].n;
	if (total > X_REC_MAX)
		return sink_fail(s, "a record of %zu bytes is too large",
		    total);
	if (!force && s->out + REC_HDR + total > X_OUT_MAX)
		return sink_fail(s, "output exceeds %d MB",
		    (int)(X_OUT_MAX >> 20));
	s->out += REC_HDR + total;
	hdr[0] = (unsigned char)type;
	len32 = (uint32_t)total;
	memcpy(hdr + 1, &len32, sizeof len32);
	sink_put(s, hdr, sizeof hdr);
	for (i = 0; i < nparts; i++)
		sink_put(s, parts[i].p, parts[i].n);
	return 0;
}

int
sink_send1(struct savoir_sink *s, int type, const void *p, size_t n,
    int force)
{
	struct x_part	 part = { p, n };

	return sink_send(s, type, &part, n > 0 ? 1 : 0, force);
}

/* Record why the file fails (the first reason wins); returns -1. */
int
sink_fail(struct savoir_sink *s, const char *fmt, ...)
{
	va_list	 ap;

	if (s->failed)
		return -1;
	s->failed = 1;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof s->error, fmt, ap);
	va_end(ap);
	return -1;
}

static void
sink_warn_line(struct savoir_sink *s, const char *msg)
{
	char	*line;

	if (s->nwarnings > X_WARN_MAX)
		return;
	if (s->nwarnings++ == X_WARN_MAX)
		msg = "too many warnings: the rest are not reported";
	line = record_one_line(msg, strlen(msg));
	sink_send1(s, REC_WARN, line, strlen(line), 1);
	free(line);
}

/*
 * The sink a host function may use, or NULL (after which it returns -1).
 * Outside extract there is none; after a failure the plugin should stop,
 * and everything it still sends is refused.
 */
static struct savoir_sink *
sink_get(struct savoir_sink *s, const char *fn, int need_doc)
{
	if (x_sink == NULL) {
		log_warnx("a plugin called %s outside extract", fn);
		return NULL;
	}
	if (s != x_sink) {
		sink_fail(x_sink, "%s: not the sink extract was given", fn);
		return NULL;
	}
	if (s->failed)
		return NULL;
	if (need_doc && !s->in_doc) {
		sink_fail(s, "%s outside a document (no doc_begin)", fn);
		return NULL;
	}
	return s;
}

static const char *
sink_clean(struct savoir_sink *s, const char *p, size_t len, size_t *outlen,
    char **tofree)
{
	return record_clean(p, len, outlen, tofree, &s->repaired);
}

static const char *
sink_clean_str(struct savoir_sink *s, const char *p, size_t *outlen,
    char **tofree)
{
	return sink_clean(s, p, strlen(p), outlen, tofree);
}

/*
 * The len bytes of a doc_text or doc_html call (what: "text" or "html";
 * label names it in the size error) checked and cleaned: 1 and the text
 * in *t (with *tofree to free), 0 when empty, or -1 (the sink failed).
 */
static int
sink_field(struct savoir_sink *s, const char *what, const char *label,
    const char *p, size_t len, const char **t, size_t *n, char **tofree)
{
	if (p == NULL && len > 0)
		return sink_fail(s, "document %s: doc_%s with NULL %s",
		    s->docid, what, what);
	if (len > X_FIELD_MAX)
		return sink_fail(s, "document %s: %s over %zu MB", s->docid,
		    label, X_FIELD_MAX >> 20);
	if (len == 0)
		return 0;
	if ((*t = sink_clean(s, p, len, n, tofree)) == NULL)
		return sink_fail(s, "document %s: out of memory", s->docid);
	return 1;
}

static int
host_doc_begin(struct savoir_sink *s, const char *id, const char *type)
{
	struct x_part	 parts[3];
	const char	*why;

	if ((s = sink_get(s, "doc_begin", 0)) == NULL)
		return -1;
	if (s->in_doc)
		return sink_fail(s, "doc_begin(\"%.80s\") while document "
		    "\"%s\" is open (no doc_end)", id != NULL ? id : "",
		    s->docid);
	if (id == NULL || type == NULL)
		return sink_fail(s, "doc_begin with a NULL %s",
		    id == NULL ? "id" : "type");
	if ((why = record_id_check(id)) != NULL)
		return sink_fail(s, "invalid document id \"%.80s\": %s", id,
		    why);
	if (!record_type_declared(s->plugin, type))
		return sink_fail(s, "document %s: type \"%.40s\" is not "
		    "declared by the plugin", id, type);
	if (s->ndocs >= X_DOCS_MAX)
		return sink_fail(s, "more than %d documents", X_DOCS_MAX);
	s->in_doc = 1;
	snprintf(s->docid, sizeof s->docid, "%s", id);
	memset(s->col, 0, sizeof s->col);
	s->nfacets = s->nlinks = s->nmeta = s->repaired = 0;
	parts[0] = (struct x_part){ id, strlen(id) };
	parts[1] = (struct x_part){ "", 1 };
	parts[2] = (struct x_part){ type, strlen(type) };
	return sink_send(s, REC_BEGIN, parts, 3, 0);
}

static int
host_doc_text(struct savoir_sink *s, int column, const char *text,
    size_t len)
{
	struct x_part	 parts[2];
	const char	*t;
	char		*tofree;
	unsigned char	 c;
	size_t		 n, add;
	int		 r;

	if ((s = sink_get(s, "doc_text", 1)) == NULL)
		return -1;
	if (column < SAVOIR_COL_TITLE || column > SAVOIR_COL_BODY)
		return sink_fail(s, "document %s: doc_text to column %d "
		    "(want 0-2)", s->docid, column);
	if ((r = sink_field(s, "text", "text", text, len, &t, &n,
	    &tofree)) != 1)
		return r;
	/* The parent joins successive texts with a newline. */
	add = n + (s->col[column] > 0 ? 1 : 0);
	if (n == 0)
		r = 0;
	else if (s->col[column] + add > X_FIELD_MAX)
		r = sink_fail(s, "document %s: text over %zu MB", s->docid,
		    X_FIELD_MAX >> 20);
	else {
		s->col[column] += add;
		c = (unsigned char)column;
		parts[0] = (struct x_part){ &c, 1 };
		parts[1] = (struct x_part){ t, n };
		r = sink_send(s, REC_TEXT, parts, 2, 0);
	}
	free(tofree);
	return r;
}

/* Send NUL-separated strings, each cleaned; fails over X_FIELD_MAX. */
static int
sink_send_strings(struct savoir_sink *s, int type, const char **v, size_t n)
{
	struct x_part	 parts[5];
	const char	*t[3];
	char		*tofree[3] = { NULL, NULL, NULL };
	size_t		 len[3], i, total = 0;
	int		 r = -1;

	for (i = 0; i < n; i++) {
		if ((t[i] = sink_clean_str(s, v[i], &len[i], &tofree[i])) ==
		    NULL) {
			sink_fail(s, "document %s: out of memory", s->docid);
			goto out;
		}
		total += len[i];
	}
	if (total > X_FIELD_MAX) {
		sink_fail(s, "document %s: a value over %zu MB", s->docid,
		    X_FIELD_MAX >> 20);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			parts[2 * i - 1] = (struct x_part){ "", 1 };
		parts[2 * i] = (struct x_part){ t[i], len[i] };
	}
	r = sink_send(s, type, parts, 2 * n - 1, 0);
out:
	for (i = 0; i < n; i++)
		free(tofree[i]);
	return r;
}

static int
host_doc_facet(struct savoir_sink *s, const char *key, const char *value)
{
	const char	*v[2], *why;

	if ((s = sink_get(s, "doc_facet", 1)) == NULL)
		return -1;
	if (key == NULL || *key == '\0' || value == NULL)
		return sink_fail(s, "document %s: doc_facet with an empty key "
		    "or a NULL value", s->docid);
	if ((why = record_facet_key_check(key)) != NULL)
		return sink_fail(s, "document %s: invalid facet key "
		    "\"%.80s\": %s", s->docid, key, why);
	if (++s->nfacets > X_LIST_MAX)
		return sink_fail(s, "document %s: more than %d facets",
		    s->docid, X_LIST_MAX);
	v[0] = key;
	v[1] = value;
	return sink_send_strings(s, REC_FACET, v, 2);
}

static int
host_doc_link(struct savoir_sink *s, const char *target, const char *rel,
    const char *label)
{
	const char	*v[3], *why;

	if ((s = sink_get(s, "doc_link", 1)) == NULL)
		return -1;
	if (target == NULL || rel == NULL || *rel == '\0')
		return sink_fail(s, "document %s: doc_link with a NULL target "
		    "or an empty rel", s->docid);
	if (++s->nlinks > X_LIST_MAX)
		return sink_fail(s, "document %s: more than %d links",
		    s->docid, X_LIST_MAX);
	/* A link written badly in the source costs the link, not the
	 * document: "savoir check" reports links that do not resolve. */
	if ((why = record_id_check(target)) != NULL) {
		host_warn(s, 0, "document %s: link to \"%.80s\" ignored: %s",
		    s->docid, target, why);
		return 0;
	}
	v[0] = target;
	v[1] = rel;
	v[2] = label != NULL ? label : "";
	return sink_send_strings(s, REC_LINK, v, 3);
}

static int
host_doc_html(struct savoir_sink *s, const char *html, size_t len)
{
	const char	*t;
	char		*tofree;
	size_t		 n;
	int		 r;

	if ((s = sink_get(s, "doc_html", 1)) == NULL)
		return -1;
	if ((r = sink_field(s, "html", "HTML", html, len, &t, &n,
	    &tofree)) == 0)
		return sink_send1(s, REC_HTML, "", 0, 0);
	if (r == -1)
		return -1;
	/* Not sanitized here: the parent must sanitize what it reads
	 * anyway (record_html), and twice would link citations twice. */
	r = sink_send1(s, REC_HTML, t, n, 0);
	free(tofree);
	return r;
}

static int
host_doc_meta(struct savoir_sink *s, const char *key, const char *label,
    const char *value)
{
	const char	*v[3];

	if ((s = sink_get(s, "doc_meta", 1)) == NULL)
		return -1;
	if (key == NULL || *key == '\0' || value == NULL)
		return sink_fail(s, "document %s: doc_meta with an empty key "
		    "or a NULL value", s->docid);
	if (++s->nmeta > X_LIST_MAX)
		return sink_fail(s, "document %s: more than %d metadata",
		    s->docid, X_LIST_MAX);
	v[0] = key;
	v[1] = label != NULL ? label : "";
	v[2] = value;
	return sink_send_strings(s, REC_META, v, 3);
}

static int
host_doc_weight(struct savoir_sink *s, double weight)
{
	char	 v[32];

	if ((s = sink_get(s, "doc_weight", 1)) == NULL)
		return -1;
	if (!(weight >= 0.05 && weight <= 2.0))
		return sink_fail(s, "document %s: doc_weight %g is not between "
		    "0.05 and 2", s->docid, weight);
	snprintf(v, sizeof v, "%.4f", weight);
	return sink_send1(s, REC_WEIGHT, v, strlen(v), 0);
}

static int
host_doc_end(struct savoir_sink *s)
{
	if ((s = sink_get(s, "doc_end", 1)) == NULL)
		return -1;
	if (s->repaired > 0)
		host_warn(s, 0, "document %s: %zu invalid UTF-8 sequences or "
		    "control characters replaced", s->docid, s->repaired);
	s->in_doc = 0;
	s->ndocs++;
	return sink_send1(s, REC_END, NULL, 0, 0);
}

static void
host_warn(struct savoir_sink *s, long line, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[X_MSG_MAX], full[X_MSG_MAX + 32];

	if ((s = sink_get(s, "warn", 0)) == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(full, sizeof full, "line %ld: %s", line, msg);
	else
		snprintf(full, sizeof full, "%s", msg);
	sink_warn_line(s, full);
}

static void
host_error(struct savoir_sink *s, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[X_MSG_MAX];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (x_sink == NULL) {
		log_warnx("a plugin reported outside extract: %s", msg);
		return;
	}
	if (s != x_sink)
		s = x_sink;
	sink_fail(s, "%s", msg);
}
