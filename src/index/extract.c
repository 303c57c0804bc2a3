/*
 * extract.c - running plugins on one file, in a child process.  Owns the
 * extractor child (its limits, descriptors and signals; the jail itself is
 * jail.c), the host function table plugins call (plugin_host: validation,
 * UTF-8 repair, output caps), and the record stream from child to parent.
 *
 * Plugin code runs only in the child, one file at a time, with no database
 * handle: a plugin that crashes, hangs or eats memory costs that one file.
 * The parent trusts nothing it reads from the pipe: a hostile plugin shares
 * the child's memory and can write any bytes on it.  So the parent checks
 * every record again (syntax, limits, UTF-8 repaired) and sanitizes the
 * HTML itself, on the collecting thread: what the child did is only a
 * courtesy to well-behaved plugins, for early and precise errors.  The
 * child leaves with
 * _exit only: the parent's atexit handlers and stdio buffers are not its to
 * run or flush.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "index.h"

#define X_OUT_MAX	((uint64_t)64 << 20)	/* all records of a file */
#define X_FIELD_MAX	((size_t)16 << 20)	/* a column, the HTML, a value */
#define X_REC_MAX	(X_FIELD_MAX + 1024)	/* one record on the pipe */
#define X_LIST_MAX	10000		/* facets, links, meta per document */
#define X_DOCS_MAX	1000000		/* documents per file */
#define X_WARN_MAX	1000		/* warnings per file */
#define X_MSG_MAX	1024		/* one warning or error, in bytes */
#define X_ID_MAX	200		/* a document id, in bytes */
#define X_KEY_MAX	64		/* a facet key, in bytes */
#define X_PIPE_FD	3		/* the result pipe, in the child */

/*
 * Records, child to parent: one type byte, a 32-bit length in host order
 * (both ends are the same binary), then the payload.  Strings inside a
 * payload are separated by NUL bytes, which repaired text never holds.
 */
enum {
	REC_PLUGIN = 'P',	/* uint32 index in plugins->v: now running */
	REC_BEGIN = 'B',	/* id, type */
	REC_TEXT = 'T',		/* column byte, then text */
	REC_FACET = 'F',	/* key, value */
	REC_LINK = 'L',		/* target, rel, label ("" = none) */
	REC_HTML = 'H',		/* HTML as given (UTF-8 repaired) */
	REC_META = 'M',		/* key, label ("" = none), value */
	REC_WEIGHT = 'G',	/* the weight as decimal text */
	REC_END = 'E',		/* (empty) */
	REC_WARN = 'W',		/* one line */
	REC_ERROR = 'X',	/* one line: why the file failed */
	REC_DONE = 'D'		/* (empty): extract returned 0 */
};
#define REC_HDR	5

/* The child's side: what the host functions check and where they write. */
struct savoir_sink {
	const struct plugins	*ps;
	const struct plugin	*plugin;	/* running now, or NULL */
	int			 fd;
	int			 failed;
	char			 error[X_MSG_MAX];
	int			 in_doc;
	char			 docid[X_ID_MAX + 1];
	size_t			 col[3];	/* bytes per text column */
	size_t			 nfacets;
	size_t			 nlinks;
	size_t			 nmeta;
	size_t			 repaired;	/* in the open document */
	size_t			 ndocs;
	size_t			 nwarnings;
	uint64_t		 out;		/* bytes sent */
	size_t			 wlen;
	unsigned char		 wbuf[65536];
};

/* Child only: the one sink of this process, NULL in the parent. */
static struct savoir_sink	*x_sink;

/*
 * Child only: what the child holds for its run, kept reachable from here
 * until _exit so that a leak checker following the fork (valgrind does)
 * finds nothing lost and does not turn a good exit status into a bad one.
 */
static struct {
	const struct plugin	**cand;
	const char		 *abspath;
	char			 *data;
	char			 *prefix;
	void			**states;
	struct buf		  tried;
} x_child;

struct x_part {
	const void	*p;
	size_t		 n;
};

static void	host_log(int, const char *, ...) SAVOIR_PRINTFLIKE(2, 3);
static void	host_warn(struct savoir_sink *, long, const char *, ...)
		    SAVOIR_PRINTFLIKE(3, 4);
static void	host_error(struct savoir_sink *, const char *, ...)
		    SAVOIR_PRINTFLIKE(2, 3);
static int	sink_fail(struct savoir_sink *, const char *, ...)
		    SAVOIR_PRINTFLIKE(2, 3);
static void	sink_warn(struct savoir_sink *, const char *, ...)
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
 * The host table lives here, beside the functions it points to (savoir.h
 * declares it with plugin.c).  Outside the extractor child only log does
 * anything: the doc functions need the sink extract was given.
 */
const struct savoir_host *
plugin_host(void)
{
	return &x_host;
}

void
extract_limits_default(struct extract_limits *l)
{
	l->max_file = (size_t)64 << 20;
	l->timeout_ms = 30000;
	l->cpu_s = 30;
	l->mem = (size_t)1 << 30;
	l->flags = 0;
}

/* --- checks shared by both sides ------------------------------------ */

/* Why id cannot name a document (it becomes /doc/<id>), or NULL. */
static const char *
x_id_check(const char *id)
{
	const unsigned char	*p = (const unsigned char *)id;
	const char		*seg, *slash;
	size_t			 len = strlen(id), sl;

	if (len == 0)
		return "it is empty";
	if (len > X_ID_MAX)
		return "it is longer than 200 bytes";
	if (!utf8_valid(id, len, NULL))
		return "it is not valid UTF-8";
	if (id[0] == '/')
		return "it starts with '/'";
	/* Valid UTF-8 was checked: a lead byte has its continuation bytes. */
	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7F ||
		    (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
			return "it has a control character";
		if (*p == ' ' || (p[0] == 0xC2 && p[1] == 0xA0) ||
		    (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) ||
		    (p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8A ||
		    p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF)) ||
		    (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
		    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80))
			return "it has whitespace";
	}
	for (seg = id;; seg = slash + 1) {
		slash = strchr(seg, '/');
		sl = slash != NULL ? (size_t)(slash - seg) : strlen(seg);
		if (sl == 0)
			return "it has an empty segment";
		if ((sl == 1 && seg[0] == '.') ||
		    (sl == 2 && seg[0] == '.' && seg[1] == '.'))
			return "it has a \".\" or \"..\" segment";
		if (slash == NULL)
			break;
	}
	return NULL;
}

static int
x_type_declared(const struct plugin *p, const char *type)
{
	const struct savoir_type_decl	*t;

	for (t = p->desc->types; t->name != NULL; t++) {
		if (strcmp(t->name, type) == 0)
			return 1;
	}
	return 0;
}

/* Why key cannot be a facet key (it becomes a query filter), or NULL. */
static const char *
x_facet_key_check(const char *key)
{
	size_t	 i;

	if (key[0] == '\0')
		return "it is empty";
	for (i = 0; key[i] != '\0'; i++) {
		if (i >= X_KEY_MAX)
			return "it is longer than 64 bytes";
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '_' ||
		    key[i] == '-'))
			return "it is not made of a-z, 0-9, '_' and '-'";
	}
	return NULL;
}

/*
 * Text as the index stores it: valid UTF-8 without control characters but
 * tab and newline.  Returns p itself when it is clean already, else a
 * repaired copy left in *tofree; NULL if memory ran out.  Repairs are
 * added to *repaired, for the document's warning.
 */
static const char *
x_clean(const char *p, size_t len, size_t *outlen, char **tofree,
    size_t *repaired)
{
	struct buf	 b;
	size_t		 i;

	*tofree = NULL;
	for (i = 0; i < len; i++) {
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t' &&
		    p[i] != '\n') || p[i] == 0x7F)
			break;
	}
	if (i == len && utf8_valid(p, len, NULL)) {
		*outlen = len;
		return p;
	}
	/*
	 * Size the buffer for the worst case (three bytes per bad byte) so
	 * utf8_repair never grows it: under a memory limit, running out must
	 * be an error for this file, not fatal() in a library call.
	 */
	if (len > (SIZE_MAX - 1) / 3 || (b.data = malloc(len * 3 + 1)) ==
	    NULL)
		return NULL;
	b.cap = len * 3 + 1;
	b.len = 0;
	b.data[0] = '\0';
	*repaired += utf8_repair(p, len, &b);
	*outlen = b.len;
	*tofree = b.data;
	return b.data;
}

/*
 * A message as a person reads it: one line of valid UTF-8, at most
 * X_MSG_MAX bytes.  Caller frees.
 */
static char *
x_one_line(const char *s, size_t len)
{
	struct buf	 b;
	char		*tmp;
	size_t		 i;

	tmp = xstrndup(s, len);
	for (i = 0; i < len; i++) {
		if ((unsigned char)tmp[i] < 0x20 || tmp[i] == 0x7F)
			tmp[i] = ' ';
	}
	buf_init(&b);
	utf8_repair(tmp, len, &b);
	free(tmp);
	if (b.len > X_MSG_MAX) {
		b.len = X_MSG_MAX;
		while (b.len > 0 && ((unsigned char)b.data[b.len] & 0xC0) ==
		    0x80)
			b.len--;
		b.data[b.len] = '\0';
	}
	return buf_steal(&b);
}

/* --- the child: host functions -------------------------------------- */

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

static void
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

static int
sink_send1(struct savoir_sink *s, int type, const void *p, size_t n,
    int force)
{
	struct x_part	 part = { p, n };

	return sink_send(s, type, &part, n > 0 ? 1 : 0, force);
}

/* Record why the file fails (the first reason wins); returns -1. */
static int
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
	line = x_one_line(msg, strlen(msg));
	sink_send1(s, REC_WARN, line, strlen(line), 1);
	free(line);
}

static void
sink_warn(struct savoir_sink *s, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[X_MSG_MAX];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sink_warn_line(s, msg);
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
	return x_clean(p, len, outlen, tofree, &s->repaired);
}

static const char *
sink_clean_str(struct savoir_sink *s, const char *p, size_t *outlen,
    char **tofree)
{
	return sink_clean(s, p, strlen(p), outlen, tofree);
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
	if ((why = x_id_check(id)) != NULL)
		return sink_fail(s, "invalid document id \"%.80s\": %s", id,
		    why);
	if (!x_type_declared(s->plugin, type))
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
	if (text == NULL && len > 0)
		return sink_fail(s, "document %s: doc_text with NULL text",
		    s->docid);
	if (len > X_FIELD_MAX)
		return sink_fail(s, "document %s: text over %zu MB", s->docid,
		    X_FIELD_MAX >> 20);
	if (len == 0)
		return 0;
	if ((t = sink_clean(s, text, len, &n, &tofree)) == NULL)
		return sink_fail(s, "document %s: out of memory", s->docid);
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
	if ((why = x_facet_key_check(key)) != NULL)
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
	if ((why = x_id_check(target)) != NULL) {
		sink_warn(s, "document %s: link to \"%.80s\" ignored: %s",
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
	if (html == NULL && len > 0)
		return sink_fail(s, "document %s: doc_html with NULL html",
		    s->docid);
	if (len > X_FIELD_MAX)
		return sink_fail(s, "document %s: HTML over %zu MB", s->docid,
		    X_FIELD_MAX >> 20);
	if (len == 0)
		return sink_send1(s, REC_HTML, "", 0, 0);
	if ((t = sink_clean(s, html, len, &n, &tofree)) == NULL)
		return sink_fail(s, "document %s: out of memory", s->docid);
	/* Not sanitized here: the parent must sanitize what it reads
	 * anyway (collect_html), and twice would link citations twice. */
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
		sink_warn(s, "document %s: %zu invalid UTF-8 sequences or "
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

/* --- the child: set-up and the run ---------------------------------- */

#ifndef SAVOIR_SANITIZERS
/* The child's own address space before the plugin runs, in bytes. */
static size_t
child_vsize(void)
{
	char	 buf[64];
	ssize_t	 n;
	long	 page;
	int	 fd;

	if ((fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0 || (page = sysconf(_SC_PAGESIZE)) <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)strtoull(buf, NULL, 10) * (size_t)page;
}
#endif

static void
child_rlimit(int resource, rlim_t soft, rlim_t hard, const char *what)
{
	struct rlimit	 rl;

	/* Lowering is always allowed; never ask above the current hard. */
	if (getrlimit(resource, &rl) == 0 && rl.rlim_max != RLIM_INFINITY) {
		if (hard > rl.rlim_max)
			hard = rl.rlim_max;
		if (soft > hard)
			soft = hard;
	}
	rl.rlim_cur = soft;
	rl.rlim_max = hard;
	if (setrlimit(resource, &rl) == -1)
		log_warn("extractor: cannot set %s limit", what);
}

static void
child_limits(const struct extract_limits *lim)
{
#ifndef SAVOIR_SANITIZERS
	rlim_t	 as;
#endif

	child_rlimit(RLIMIT_CORE, 0, 0, "core");
	/* SIGXCPU at the soft limit, SIGKILL a second later if ignored. */
	if (lim->cpu_s > 0)
		child_rlimit(RLIMIT_CPU, (rlim_t)lim->cpu_s,
		    (rlim_t)lim->cpu_s + 1, "CPU");
#ifndef SAVOIR_SANITIZERS
	/*
	 * The limit is on the address space the plugin adds: the child
	 * starts with its parent's (libraries, SQLite's cache, thread
	 * stacks), which a bare RLIMIT_AS would count against the plugin.
	 * ASan reserves terabytes of shadow memory, so sanitizer builds
	 * run without it.
	 */
	if (lim->mem > 0) {
		as = (rlim_t)lim->mem + (rlim_t)child_vsize();
		child_rlimit(RLIMIT_AS, as, as, "memory");
	}
#endif
}

/*
 * Descriptors: 0 and 1 on /dev/null, 2 inherited (logs), the result pipe
 * on 3, nothing else: the parent's sockets and database files stay out of
 * reach.  Signals: default actions and none blocked, so a crash shows as
 * the signal that caused it and the parent's handlers never run here.
 */
static int
child_setup(int fd, pid_t parent)
{
	struct sigaction	 sa;
	sigset_t		 set;
	int			 sig, hi, null, top;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
#ifdef __linux__
	/* A child whose parent died must not run on. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(2);
#else
	(void)parent;
#endif

	if ((hi = fcntl(fd, F_DUPFD, 10)) == -1)
		_exit(2);
	close(fd);
	if ((null = open("/dev/null", O_RDWR)) == -1)
		_exit(2);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (fcntl(STDERR_FILENO, F_GETFD) == -1)
		dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		close(null);
	if (dup2(hi, X_PIPE_FD) == -1)
		_exit(2);
	close(hi);
	if (close_range(X_PIPE_FD + 1, ~0U, 0) == -1) {
		top = (int)sysconf(_SC_OPEN_MAX);
		if (top < 0 || top > 65536)
			top = 65536;
		for (fd = X_PIPE_FD + 1; fd < top; fd++)
			close(fd);
	}
	return X_PIPE_FD;
}

/* "notes/a.md" -> "notes/a": the default document id. */
static char *
child_id_prefix(const char *relpath)
{
	const char	*base, *dot;

	base = strrchr(relpath, '/');
	base = base != NULL ? base + 1 : relpath;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return xstrdup(relpath);
	return xstrndup(relpath, (size_t)(dot - relpath));
}

static __dead void
child_finish(struct savoir_sink *s, const char *prefix)
{
	char	*msg, *line;

	if (!s->failed) {
		sink_send1(s, REC_DONE, NULL, 0, 1);
		sink_flush(s);
		_exit(0);
	}
	if (prefix != NULL)
		xasprintf(&msg, "plugin %s: %s", prefix, s->error);
	else
		msg = xstrdup(s->error);
	line = x_one_line(msg, strlen(msg));
	sink_send1(s, REC_ERROR, line, strlen(line), 1);
	sink_flush(s);
	_exit(1);
}

static void
child_announce(struct savoir_sink *s, const struct plugin *p)
{
	uint32_t	 idx = (uint32_t)(p - s->ps->v);

	s->plugin = p;
	sink_send1(s, REC_PLUGIN, &idx, sizeof idx, 1);
	/* A crash in what follows must name this plugin. */
	sink_flush(s);
}

static __dead void
extract_child(const struct plugins *ps, const struct plugin **cand,
    size_t ncand, const char *abspath, const char *relpath,
    const struct extract_limits *lim, int fd, pid_t parent)
{
	struct savoir_sink		*s;
	struct savoir_input		 in;
	const struct savoir_plugin	*d;
	char				*cause;
	size_t				 len, i, ninit = 0, best = 0;
	int				 score, best_score = 0, r;

	x_child.cand = cand;
	x_child.abspath = abspath;
	fd = child_setup(fd, parent);
	child_limits(lim);
	s = xcalloc(1, sizeof *s);
	s->ps = ps;
	s->fd = fd;
	x_sink = s;

	if (file_read(abspath, lim->max_file, &x_child.data, &len, &cause) ==
	    -1) {
		sink_fail(s, "%s", cause);
		free(cause);
		child_finish(s, NULL);
	}
	x_child.prefix = child_id_prefix(relpath);
	/* The file is in memory and the plugins are loaded: nothing the
	 * plugins need from here on asks for more than reading. */
	jail_enter(ps, abspath);
	memset(&in, 0, sizeof in);
	in.abi = SAVOIR_PLUGIN_ABI;
	in.size = sizeof in;
	in.path = relpath;
	in.abspath = abspath;
	in.data = (const unsigned char *)x_child.data;
	in.len = len;
	in.id_prefix = x_child.prefix;
	in.flags = lim->flags;

	/* Every candidate probes; the highest score wins, ties go to the
	 * first loaded. */
	x_child.states = xcalloc(ncand, sizeof *x_child.states);
	buf_init(&x_child.tried);
	for (i = 0; i < ncand; i++, ninit++) {
		d = cand[i]->desc;
		child_announce(s, cand[i]);
		if (d->init != NULL &&
		    d->init(plugin_host(), &x_child.states[i]) != 0) {
			sink_fail(s, "init failed");
			child_finish(s, d->name);
		}
		score = d->probe != NULL ?
		    d->probe(x_child.states[i], &in) : 50;
		if (score > 100)
			score = 100;
		if (score > best_score) {
			best_score = score;
			best = i;
		}
		buf_printf(&x_child.tried, "%s%s", i > 0 ? ", " : "",
		    d->name);
	}
	if (best_score <= 0) {
		sink_fail(s, "no plugin accepts this file (tried: %s)",
		    x_child.tried.data);
		child_finish(s, NULL);
	}

	d = cand[best]->desc;
	child_announce(s, cand[best]);
	r = d->extract(x_child.states[best], &in, s);
	if (r == 0 && s->in_doc)
		sink_fail(s, "document %s was begun but not ended", s->docid);
	if (r != 0)
		sink_fail(s, "extract failed without saying why");
	for (i = 0; i < ninit; i++) {
		if (cand[i]->desc->fini != NULL) {
			child_announce(s, cand[i]);
			cand[i]->desc->fini(x_child.states[i]);
		}
	}
	/* The last plugin announced is the one the file is credited to. */
	if (s->plugin != cand[best])
		child_announce(s, cand[best]);
	child_finish(s, s->failed ? d->name : NULL);
}

/* --- the parent: reading the records --------------------------------- */

struct xcollect {
	const struct plugins	*ps;
	const struct plugin	**cand;
	size_t			  ncand;
	struct xfile		 *out;
	const struct plugin	 *plugin;	/* last announced */
	struct xdoc		 *doc;		/* open document */
	struct buf		  in;		/* bytes not yet parsed */
	uint64_t		  total;
	int			  done;
	char			 *error;	/* the child's REC_ERROR */
	char			 *garbled;	/* why the stream is refused */
	/* The open document, counted again here: the child's counts are
	 * not to be trusted. */
	char			  code[32];	/* folded "code" facet, or "" */
	size_t			  col[3];	/* bytes per text column */
	size_t			  nfacets;
	size_t			  nlinks;
	size_t			  nmeta;
	size_t			  repaired;	/* fixed here, not by the child */
};

static void
collect_fields_free(char **f, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(f[i]);
		f[i] = NULL;
	}
}

/*
 * Exactly n NUL-separated strings, each a cleaned copy (UTF-8 repaired,
 * control characters dropped) in f[]; 0 or -1.  The caller frees f[]
 * with collect_fields_free either way.
 */
static int
collect_fields(struct xcollect *c, const char *p, size_t len, char **f,
    size_t n)
{
	const char	*end = p + len, *nul, *t;
	char		*tofree;
	size_t		 i, k = 1, flen, olen;

	for (i = 0; i < n; i++)
		f[i] = NULL;
	for (i = 0; i < len; i++)
		k += p[i] == '\0';
	if (k != n)
		return -1;
	for (i = 0; i < n; i++) {
		nul = memchr(p, '\0', (size_t)(end - p));
		flen = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
		if ((t = x_clean(p, flen, &olen, &tofree, &c->repaired)) ==
		    NULL)
			return -1;
		f[i] = tofree != NULL ? tofree : xstrndup(t, olen);
		p += flen + 1;
	}
	return 0;
}

static void
collect_garbled(struct xcollect *c, const char *why)
{
	if (c->garbled == NULL)
		c->garbled = xstrdup(why);
}

/* Text for a column, joined to what came before with a newline. */
static int
collect_text(struct xcollect *c, const char *p, size_t len)
{
	const char	*t;
	char		*tofree;
	size_t		 n, add, col;

	if (len < 2 || (unsigned char)p[0] > SAVOIR_COL_BODY ||
	    memchr(p + 1, '\0', len - 1) != NULL)
		return -1;
	col = (unsigned char)p[0];
	if ((t = x_clean(p + 1, len - 1, &n, &tofree, &c->repaired)) == NULL)
		return -1;
	add = n + (c->col[col] > 0 ? 1 : 0);
	if (n > 0 && c->col[col] + add > X_FIELD_MAX) {
		free(tofree);
		collect_garbled(c, "a text column over the limit");
		return -1;
	}
	if (n > 0) {
		c->col[col] += add;
		if (c->doc->text[col].len > 0)
			buf_addc(&c->doc->text[col], '\n');
		buf_add(&c->doc->text[col], t, n);
	}
	free(tofree);
	return 0;
}

/*
 * The HTML body, sanitized here whatever the child did: the allow-list
 * is only worth something on the side the plugin cannot reach.
 */
static int
collect_html(struct xcollect *c, const char *p, size_t len)
{
	const char	*t;
	char		*tofree, *clean;
	size_t		 n;

	if (memchr(p, '\0', len) != NULL || len > X_FIELD_MAX)
		return -1;
	free(c->doc->html);
	c->doc->html = NULL;
	if (len == 0) {
		c->doc->html = xstrdup("");
		return 0;
	}
	if ((t = x_clean(p, len, &n, &tofree, &c->repaired)) == NULL)
		return -1;
	clean = html_sanitize(t, n, c->code[0] != '\0' ? c->code : "cgct");
	free(tofree);
	if (strlen(clean) > X_FIELD_MAX) {
		free(clean);
		collect_garbled(c, "HTML over the limit once sanitized");
		return -1;
	}
	c->doc->html = clean;
	return 0;
}

static int
collect_one(struct xcollect *c, int type, const char *p, size_t len)
{
	struct xfile	*out = c->out;
	char		*f[3] = { NULL, NULL, NULL };
	size_t		 before;
	uint32_t	 idx;

	if (c->done || c->error != NULL) {
		collect_garbled(c, "a record after the end");
		return -1;
	}
	switch (type) {
	case REC_PLUGIN:
		if (len != sizeof idx)
			goto bad;
		memcpy(&idx, p, sizeof idx);
		if (idx >= c->ps->n)
			goto bad;
		c->plugin = &c->ps->v[idx];
		free(out->plugin);
		free(out->plugin_version);
		out->plugin = xstrdup(c->plugin->desc->name);
		out->plugin_version = xstrdup(c->plugin->desc->version !=
		    NULL ? c->plugin->desc->version : "");
		return 0;
	case REC_WARN:
	case REC_ERROR:
		if (memchr(p, '\0', len) != NULL)
			goto bad;
		if (type == REC_ERROR) {
			c->error = x_one_line(p, len);
			return 0;
		}
		if (out->nwarnings > X_WARN_MAX)
			goto bad;
		out->warnings = xreallocarray(out->warnings,
		    out->nwarnings + 1, sizeof *out->warnings);
		out->warnings[out->nwarnings++] = x_one_line(p, len);
		return 0;
	case REC_DONE:
		if (len != 0 || c->doc != NULL)
			goto bad;
		c->done = 1;
		return 0;
	case REC_BEGIN:
		/* An id or a type is checked as sent, never repaired. */
		before = c->repaired;
		if (c->doc != NULL || c->plugin == NULL ||
		    out->ndocs >= X_DOCS_MAX ||
		    collect_fields(c, p, len, f, 2) == -1 ||
		    c->repaired != before ||
		    x_id_check(f[0]) != NULL ||
		    !x_type_declared(c->plugin, f[1]))
			goto bad;
		c->doc = xdoc_new(f[0], f[1]);
		c->code[0] = '\0';
		memset(c->col, 0, sizeof c->col);
		c->nfacets = c->nlinks = c->nmeta = c->repaired = 0;
		break;
	case REC_END:
		if (c->doc == NULL || len != 0)
			goto bad;
		if (c->repaired > 0 && out->nwarnings < X_WARN_MAX) {
			out->warnings = xreallocarray(out->warnings,
			    out->nwarnings + 1, sizeof *out->warnings);
			out->warnings[out->nwarnings++] = xsprintf("document "
			    "%s: %zu invalid UTF-8 sequences or control "
			    "characters replaced by the indexer", c->doc->id,
			    c->repaired);
		}
		out->docs = xreallocarray(out->docs, out->ndocs + 1,
		    sizeof *out->docs);
		out->docs[out->ndocs++] = c->doc;
		c->doc = NULL;
		return 0;
	default:
		if (c->doc == NULL)
			goto bad;
		break;
	}

	switch (type) {
	case REC_BEGIN:
		break;
	case REC_TEXT:
		if (collect_text(c, p, len) == -1)
			goto bad;
		break;
	case REC_FACET:
		if (++c->nfacets > X_LIST_MAX ||
		    collect_fields(c, p, len, f, 2) == -1 ||
		    x_facet_key_check(f[0]) != NULL)
			goto bad;
		/* A document's own code names the articles it cites
		 * without saying which code (see html_sanitize). */
		if (strcmp(f[0], "code") == 0) {
			char	*fold = fr_fold(f[1], strlen(f[1]));

			if (fold != NULL && strlen(fold) < sizeof c->code &&
			    strchr(fold, ' ') == NULL)
				snprintf(c->code, sizeof c->code, "%s", fold);
			free(fold);
		}
		kvlist_add(&c->doc->facets, f[0], NULL, f[1]);
		break;
	case REC_LINK:
		if (++c->nlinks > X_LIST_MAX ||
		    collect_fields(c, p, len, f, 3) == -1 ||
		    x_id_check(f[0]) != NULL || *f[1] == '\0')
			goto bad;
		kvlist_add(&c->doc->links, f[0], *f[2] != '\0' ? f[2] : NULL,
		    f[1]);
		break;
	case REC_META:
		if (++c->nmeta > X_LIST_MAX ||
		    collect_fields(c, p, len, f, 3) == -1 || *f[0] == '\0')
			goto bad;
		kvlist_add(&c->doc->meta, f[0], *f[1] != '\0' ? f[1] : NULL,
		    f[2]);
		break;
	case REC_WEIGHT:
		/* The child is not trusted: the parent checks again. */
		if (len == 0 || len > 16 || memchr(p, '\0', len) != NULL)
			goto bad;
		{
			char	 num[17], *end;
			double	 w;

			memcpy(num, p, len);
			num[len] = '\0';
			w = strtod(num, &end);
			if (*end != '\0' || !(w >= 0.05 && w <= 2.0))
				goto bad;
			c->doc->weight = w;
		}
		break;
	case REC_HTML:
		if (collect_html(c, p, len) == -1)
			goto bad;
		break;
	default:
		goto bad;
	}
	collect_fields_free(f, 3);
	return 0;
bad:
	collect_fields_free(f, 3);
	collect_garbled(c, "a malformed record");
	return -1;
}

/* Parse every complete record in c->in; keep the rest for later. */
static int
collect_parse(struct xcollect *c)
{
	size_t		 off = 0;
	uint32_t	 len;
	int		 r = 0;

	while (c->in.len - off >= REC_HDR) {
		memcpy(&len, c->in.data + off + 1, sizeof len);
		if (len > X_REC_MAX) {
			collect_garbled(c, "an oversized record");
			r = -1;
			break;
		}
		if (c->in.len - off - REC_HDR < len)
			break;
		if (collect_one(c, (unsigned char)c->in.data[off],
		    c->in.data + off + REC_HDR, len) == -1) {
			r = -1;
			break;
		}
		off += REC_HDR + len;
	}
	if (off > 0) {
		memmove(c->in.data, c->in.data + off, c->in.len - off);
		c->in.len -= off;
		c->in.data[c->in.len] = '\0';
	}
	return r;
}

/* Who to blame in a message: the plugin running, else the candidates. */
static char *
collect_who(const struct xcollect *c)
{
	struct buf	 b;
	size_t		 i;

	if (c->plugin != NULL)
		return xsprintf("plugin %s", c->plugin->desc->name);
	buf_init(&b);
	buf_adds(&b, c->ncand > 1 ? "plugins " : "plugin ");
	for (i = 0; i < c->ncand; i++)
		buf_printf(&b, "%s%s", i > 0 ? ", " : "",
		    c->cand[i]->desc->name);
	return buf_steal(&b);
}

/*
 * Read records until EOF or the deadline.  Returns 0 at EOF, 1 on timeout,
 * -1 when the stream must be cut (garbled, too large, read error).
 */
static int
collect_read(struct xcollect *c, int fd, int64_t deadline)
{
	struct pollfd	 pfd;
	char		 chunk[65536];
	ssize_t		 n;
	int64_t		 left;
	int		 wait;

	for (;;) {
		wait = -1;
		if (deadline > 0) {
			if ((left = deadline - mono_us()) <= 0)
				return 1;
			wait = (int)((left + 999) / 1000);
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, wait)) == -1) {
			if (errno == EINTR)
				continue;
			collect_garbled(c, "poll failed");
			return -1;
		}
		if (n == 0)
			continue;
		if ((n = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			collect_garbled(c, "read failed");
			return -1;
		}
		if (n == 0)
			return 0;
		c->total += (uint64_t)n;
		/* The child caps what it sends; this is the backstop, with
		 * room for warnings and the records that are never capped. */
		if (c->total > X_OUT_MAX + ((uint64_t)4 << 20)) {
			collect_garbled(c, "output over the limit");
			return -1;
		}
		buf_add(&c->in, chunk, (size_t)n);
		if (collect_parse(c) == -1)
			return -1;
	}
}

/*
 * Reap the child.  After EOF it should exit at once; one that closed its
 * pipe and lingers is killed at the deadline like any other hang.
 * Returns 1 if it had to be killed, 0 if not, -1 if it could not be
 * waited for.
 */
static int
collect_reap(pid_t pid, int64_t deadline, int *status, struct rusage *ru)
{
	struct timespec	 ts = { 0, 1000000 };
	pid_t		 r;

	for (;;) {
		r = wait4(pid, status, deadline > 0 ? WNOHANG : 0, ru);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (r == 0 && mono_us() >= deadline)
			break;
		if (r == 0) {
			nanosleep(&ts, NULL);
			if (ts.tv_nsec < 20000000)
				ts.tv_nsec *= 2;
		}
	}
	kill(pid, SIGKILL);
	while (wait4(pid, status, 0, ru) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 1;
}

/* A hint that the memory limit, not a bug, may have killed the child. */
static const char *
collect_mem_hint(const struct extract_limits *lim, int sig,
    const struct rusage *ru, char *buf, size_t bufsz)
{
#ifdef SAVOIR_SANITIZERS
	(void)lim;
	(void)sig;
	(void)ru;
	(void)bufsz;
	buf[0] = '\0';
#else
	int	 likely;

	buf[0] = '\0';
	if (lim->mem == 0)
		return buf;
	/* Aborting is what malloc failures usually end in; a fault only
	 * counts when the child had grown near the limit. */
	likely = sig == SIGABRT || sig == 0 ||
	    ((sig == SIGSEGV || sig == SIGBUS) &&
	    (uint64_t)ru->ru_maxrss * 1024 >= lim->mem / 2);
	if (likely)
		snprintf(buf, bufsz, " (memory limit %zu MB?)",
		    lim->mem >> 20);
#endif
	return buf;
}

static int
collect_finish(struct xcollect *c, const struct extract_limits *lim,
    int cut, int killed, int status, const struct rusage *ru)
{
	struct xfile	*out = c->out;
	char		*who, hint[64];
	size_t		 i;
	double		 cpu;
	int		 sig;

	who = collect_who(c);
	/* killed == -1: the status is lost (SIGCHLD ignored?); the
	 * records still tell whether the file was done. */
	if (cut == 1 || killed == 1)
		xasprintf(&out->error, "%s: timed out after %.1f s", who,
		    lim->timeout_ms / 1000.0);
	else if (c->garbled != NULL)
		xasprintf(&out->error, "%s: garbled output (%s)", who,
		    c->garbled);
	else if (killed == 0 && WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		cpu = (double)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec +
		    (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
		if (sig == SIGXCPU || (sig == SIGKILL && lim->cpu_s > 0 &&
		    cpu >= lim->cpu_s))
			xasprintf(&out->error, "%s: CPU limit exceeded (%d s)",
			    who, lim->cpu_s);
		else
			xasprintf(&out->error, "%s: killed by signal %d (%s)%s",
			    who, sig, strsignal(sig), collect_mem_hint(lim,
			    sig, ru, hint, sizeof hint));
	} else if (c->error != NULL) {
		out->error = c->error;
		c->error = NULL;
	} else if (killed == 0 && WEXITSTATUS(status) != 0)
		xasprintf(&out->error, "%s: the extractor exited with status "
		    "%d%s", who, WEXITSTATUS(status), collect_mem_hint(lim, 0,
		    ru, hint, sizeof hint));
	else if (!c->done)
		xasprintf(&out->error, "%s: the extractor exited before the "
		    "end of the file", who);
	free(who);
	xdoc_free(c->doc);
	c->doc = NULL;
	buf_free(&c->in);
	free(c->error);
	free(c->garbled);
	if (out->error == NULL)
		return 0;
	/* A file that failed leaves nothing half-indexed. */
	for (i = 0; i < out->ndocs; i++)
		xdoc_free(out->docs[i]);
	free(out->docs);
	out->docs = NULL;
	out->ndocs = 0;
	return -1;
}

static char *
extract_abspath(const char *root, const char *relpath)
{
	char	*cwd, *p, *abs;

	if (root != NULL && *root != '\0')
		p = xsprintf("%s/%s", root, relpath);
	else
		p = xstrdup(relpath);
	if (p[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return p;
	abs = xsprintf("%s/%s", cwd, p);
	free(cwd);
	free(p);
	return abs;
}

/*
 * The zygote: a process forked when the indexer starts, while it is small,
 * that forks the extraction children for it.  A child forked by the writer
 * itself would carry a copy of the writer's heap (the documents of the file
 * being written, the pending postings), and those pages become the child's
 * own as the writer moves on: 100 MB and more a child.  The zygote forks an
 * intermediate that forks the child and exits, so that the child is
 * adopted by the writer (a child subreaper): the writer waits for it, kills
 * it at its deadline and reads its status as if it had forked it.
 *
 * A request is the limits, then the absolute and the relative path, each
 * NUL-terminated; the answer is the child's pid (or minus an errno) with
 * the read end of its pipe attached.
 */
struct xzygote {
	pid_t	 pid;
	int	 sock;
};

#define XZ_REQ_MAX	(sizeof(struct extract_limits) + 2 * PATH_MAX + 64)

/* A message of one buffer. */
static void
xz_msg(struct msghdr *m, struct iovec *iov, void *p, size_t len)
{
	memset(m, 0, sizeof *m);
	iov->iov_base = p;
	iov->iov_len = len;
	m->msg_iov = iov;
	m->msg_iovlen = 1;
}

static ssize_t
xz_send(int sock, const void *p, size_t len, int fd)
{
	struct msghdr	 m;
	struct iovec	 iov;
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	ssize_t		 n;

	xz_msg(&m, &iov, (void *)(uintptr_t)p, len);
	if (fd >= 0) {
		memset(&cm, 0, sizeof cm);
		m.msg_control = cm.buf;
		m.msg_controllen = sizeof cm.buf;
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof fd);
	}
	while ((n = sendmsg(sock, &m, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	return n;
}

static ssize_t
xz_recv(int sock, void *p, size_t len, int *fd)
{
	struct msghdr	 m;
	struct iovec	 iov;
	struct cmsghdr	*c;
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	ssize_t		 n;

	xz_msg(&m, &iov, p, len);
	m.msg_control = cm.buf;
	m.msg_controllen = sizeof cm.buf;
	if (fd != NULL)
		*fd = -1;
	while ((n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	for (c = CMSG_FIRSTHDR(&m); n > 0 && c != NULL; c = CMSG_NXTHDR(&m,
	    c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type ==
		    SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
			int	 got;

			memcpy(&got, CMSG_DATA(c), sizeof got);
			if (fd != NULL && *fd == -1)
				*fd = got;
			else
				close(got);
		}
	}
	return n;
}

/* One request: fork the intermediate, which forks the child. */
static void
xz_serve(const struct plugins *ps, int sock, pid_t writer, char *req,
    size_t len)
{
	struct extract_limits	 lim;
	const struct plugin	**cand = NULL;
	const char		*abspath, *relpath;
	size_t			 ncand;
	pid_t			 mid, child;
	int32_t			 answer = -EINVAL;
	int			 fds[2] = { -1, -1 }, link[2] = { -1, -1 }, st;

	if (len < sizeof lim + 2 || req[len - 1] != '\0')
		goto reply;
	memcpy(&lim, req, sizeof lim);
	abspath = req + sizeof lim;
	if (abspath + strlen(abspath) + 1 >= req + len)
		goto reply;
	relpath = abspath + strlen(abspath) + 1;
	cand = xcalloc(ps->n + 1, sizeof *cand);
	ncand = plugins_for_path(ps, relpath, cand, ps->n);
	if (pipe2(fds, O_CLOEXEC) == -1 || pipe2(link, O_CLOEXEC) == -1) {
		answer = -errno;
		goto reply;
	}
	if ((mid = fork()) == -1) {
		answer = -errno;
		goto reply;
	}
	if (mid == 0) {
		close(sock);
		close(fds[0]);
		close(link[0]);
		if ((child = fork()) == 0) {
			close(link[1]);
			/* Wait until the writer adopts it (the intermediate
			 * exits at once), then run under its watch. */
			for (st = 0; getppid() != writer && st < 5000; st++)
				usleep(200);
			extract_child(ps, cand, ncand, abspath, relpath, &lim,
			    fds[1], writer);
		}
		answer = child == -1 ? -errno : (int32_t)child;
		(void)!write(link[1], &answer, sizeof answer);
		_exit(0);
	}
	close(link[1]);
	link[1] = -1;
	if (read(link[0], &answer, sizeof answer) != sizeof answer)
		answer = -ECHILD;
	while (waitpid(mid, &st, 0) == -1 && errno == EINTR)
		;
reply:
	(void)xz_send(sock, &answer, sizeof answer, answer > 0 ? fds[0] : -1);
	for (st = 0; st < 2; st++) {
		if (fds[st] != -1)
			close(fds[st]);
		if (link[st] != -1)
			close(link[st]);
	}
	free(cand);
}

struct xzygote *
extract_zygote_start(const struct plugins *ps)
{
	struct xzygote	*z;
	char		*req;
	ssize_t		 n;
	pid_t		 pid, writer = getpid();
	int		 sv[2];

	jail_probe();
#ifdef PR_SET_CHILD_SUBREAPER
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		return NULL;
#else
	return NULL;
#endif
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return NULL;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != writer)
			_exit(0);
		signal(SIGINT, SIG_IGN);	/* the writer decides */
		req = xmalloc(XZ_REQ_MAX);
		while ((n = xz_recv(sv[1], req, XZ_REQ_MAX, NULL)) > 0)
			xz_serve(ps, sv[1], writer, req, (size_t)n);
		_exit(0);
	}
	close(sv[1]);
	z = xcalloc(1, sizeof *z);
	z->pid = pid;
	z->sock = sv[0];
	return z;
}

void
extract_zygote_stop(struct xzygote *z)
{
	if (z == NULL)
		return;
	close(z->sock);
	while (waitpid(z->pid, NULL, 0) == -1 && errno == EINTR)
		;
	free(z);
}

/* Ask the zygote for a child: 0 with its pid and pipe, -1 if it could not
 * (it is then left for dead, and the caller forks itself). */
static int
xz_request(struct xzygote *z, const char *abspath, const char *relpath,
    const struct extract_limits *lim, pid_t *pid, int *fd)
{
	struct buf	 b;
	int32_t		 answer;
	ssize_t		 n;

	if (z->sock == -1)
		return -1;
	buf_init(&b);
	buf_add(&b, lim, sizeof *lim);
	buf_add(&b, abspath, strlen(abspath) + 1);
	buf_add(&b, relpath, strlen(relpath) + 1);
	if (b.len > XZ_REQ_MAX) {
		buf_free(&b);
		return -1;
	}
	n = xz_send(z->sock, b.data, b.len, -1);
	buf_free(&b);
	if (n == -1 || (n = xz_recv(z->sock, &answer, sizeof answer,
	    fd)) != sizeof answer || answer <= 0 || *fd == -1) {
		if (n != sizeof answer) {
			log_warnx("extraction: the zygote is gone; forking "
			    "from the writer");
			close(z->sock);
			z->sock = -1;
		}
		if (*fd != -1)
			close(*fd);
		return -1;
	}
	*pid = (pid_t)answer;
	return 0;
}

/* An extraction under way: its child, the pipe it writes to, the
 * limits it runs under. */
struct xjob {
	struct xcollect		 c;
	struct extract_limits	 lim;
	const struct plugin	**cand;
	pid_t			 pid;
	int			 fd;
	int64_t			 deadline;
};

int
extract_start(const struct plugins *ps, struct xzygote *z, const char *root,
    const char *relpath, const struct extract_limits *lim, struct xfile *out,
    struct xjob **jobp)
{
	struct xjob		*j;
	const char		*base, *dot;
	char			*abspath;
	pid_t			 pid, parent;
	int			 fds[2];

	memset(out, 0, sizeof *out);
	*jobp = NULL;
	/* Before the collecting thread sanitizes, on this thread. */
	html_sanitize_init();
	jail_probe();
	j = xcalloc(1, sizeof *j);
	if (lim == NULL)
		extract_limits_default(&j->lim);
	else
		j->lim = *lim;
	j->cand = xcalloc(ps->n + 1, sizeof *j->cand);
	j->c.ps = ps;
	j->c.cand = j->cand;
	j->c.out = out;
	if ((j->c.ncand = plugins_for_path(ps, relpath, j->cand,
	    ps->n)) == 0) {
		base = strrchr(relpath, '/');
		base = base != NULL ? base + 1 : relpath;
		dot = strrchr(base, '.');
		if (dot != NULL && dot != base)
			xasprintf(&out->error, "no plugin claims this file "
			    "type (%s)", dot);
		else
			xasprintf(&out->error, "no plugin claims this file "
			    "type (no extension)");
		goto fail;
	}
	abspath = extract_abspath(root, relpath);
	if (z != NULL && xz_request(z, abspath, relpath, &j->lim, &pid,
	    &fds[0]) == 0) {
		free(abspath);
		goto started;
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(&out->error, "cannot create a pipe: %s",
		    strerror(errno));
		free(abspath);
		goto fail;
	}
	/* Whatever the parent buffered must not be written twice. */
	fflush(NULL);
	parent = getpid();
	if ((pid = fork()) == -1) {
		xasprintf(&out->error, "cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(abspath);
		goto fail;
	}
	if (pid == 0) {
		close(fds[0]);
		extract_child(ps, j->cand, j->c.ncand, abspath, relpath,
		    &j->lim, fds[1], parent);
	}
	close(fds[1]);
	free(abspath);
started:
	j->pid = pid;
	j->fd = fds[0];
	if (j->lim.timeout_ms > 0)
		j->deadline = mono_us() + (int64_t)j->lim.timeout_ms * 1000;
	*jobp = j;
	return 0;
fail:
	free(j->cand);
	free(j);
	return -1;
}

int
extract_finish(struct xjob *j)
{
	struct rusage	 ru;
	int		 cut, killed, status = 0, r;

	buf_init(&j->c.in);
	cut = collect_read(&j->c, j->fd, j->deadline);
	close(j->fd);
	memset(&ru, 0, sizeof ru);
	if (cut != 0) {
		kill(j->pid, SIGKILL);
		killed = collect_reap(j->pid, 0, &status, &ru) == -1 ? -1 : 0;
	} else
		killed = collect_reap(j->pid, j->deadline, &status, &ru);
	r = collect_finish(&j->c, &j->lim, cut, killed, status, &ru);
	free(j->cand);
	free(j);
	return r;
}

int
extract_file(const struct plugins *ps, const char *root, const char *relpath,
    const struct extract_limits *lim, struct xfile *out)
{
	struct xjob	*j;

	if (extract_start(ps, NULL, root, relpath, lim, out, &j) == -1)
		return -1;
	return extract_finish(j);
}
