/*
 * record.c - the records from the extractor child to the parent: what a
 * record may hold (the checks both sides apply) and the parent's reading
 * of the stream.  The parent trusts nothing it reads from the pipe: a
 * hostile plugin shares the child's memory and can write any bytes on it.
 * So every record is checked again here (syntax, limits, UTF-8 repaired)
 * and the HTML sanitized, on the collecting thread: what the child did is
 * only a courtesy to well-behaved plugins.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract_int.h"

/* Why id cannot name a document (it becomes /doc/<id>), or NULL. */
const char *
record_id_check(const char *id)
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

int
record_type_declared(const struct plugin *p, const char *type)
{
	const struct savoir_type_decl	*t;

	for (t = p->desc->types; t->name != NULL; t++) {
		if (strcmp(t->name, type) == 0)
			return 1;
	}
	return 0;
}

/* Why key cannot be a facet key (it becomes a query filter), or NULL. */
const char *
record_facet_key_check(const char *key)
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
const char *
record_clean(const char *p, size_t len, size_t *outlen, char **tofree,
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
char *
record_one_line(const char *s, size_t len)
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

static void
record_fields_free(char **f, size_t n)
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
 * with record_fields_free either way.
 */
static int
record_fields(struct xcollect *c, const char *p, size_t len, char **f,
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
		if ((t = record_clean(p, flen, &olen, &tofree, &c->repaired)) ==
		    NULL)
			return -1;
		f[i] = tofree != NULL ? tofree : xstrndup(t, olen);
		p += flen + 1;
	}
	return 0;
}

static void
record_garbled(struct xcollect *c, const char *why)
{
	if (c->garbled == NULL)
		c->garbled = xstrdup(why);
}

/* Text for a column, joined to what came before with a newline. */
static int
record_text(struct xcollect *c, const char *p, size_t len)
{
	const char	*t;
	char		*tofree;
	size_t		 n, add, col;

	if (len < 2 || (unsigned char)p[0] > SAVOIR_COL_BODY ||
	    memchr(p + 1, '\0', len - 1) != NULL)
		return -1;
	col = (unsigned char)p[0];
	if ((t = record_clean(p + 1, len - 1, &n, &tofree, &c->repaired)) == NULL)
		return -1;
	add = n + (c->col[col] > 0 ? 1 : 0);
	if (n > 0 && c->col[col] + add > X_FIELD_MAX) {
		free(tofree);
		record_garbled(c, "a text column over the limit");
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
record_html(struct xcollect *c, const char *p, size_t len)
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
	if ((t = record_clean(p, len, &n, &tofree, &c->repaired)) == NULL)
		return -1;
	clean = html_sanitize(t, n, c->code[0] != '\0' ? c->code : "cgct");
	free(tofree);
	if (strlen(clean) > X_FIELD_MAX) {
		free(clean);
		record_garbled(c, "HTML over the limit once sanitized");
		return -1;
	}
	c->doc->html = clean;
	return 0;
}

static int
record_one(struct xcollect *c, int type, const char *p, size_t len)
{
	struct xfile	*out = c->out;
	char		*f[3] = { NULL, NULL, NULL };
	size_t		 before;
	uint32_t	 idx;

	if (c->done || c->error != NULL) {
		record_garbled(c, "a record after the end");
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
			c->error = record_one_line(p, len);
			return 0;
		}
		if (out->nwarnings > X_WARN_MAX)
			goto bad;
		out->warnings = xreallocarray(out->warnings,
		    out->nwarnings + 1, sizeof *out->warnings);
		out->warnings[out->nwarnings++] = record_one_line(p, len);
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
		    record_fields(c, p, len, f, 2) == -1 ||
		    c->repaired != before ||
		    record_id_check(f[0]) != NULL ||
		    !record_type_declared(c->plugin, f[1]))
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
		if (record_text(c, p, len) == -1)
			goto bad;
		break;
	case REC_FACET:
		if (++c->nfacets > X_LIST_MAX ||
		    record_fields(c, p, len, f, 2) == -1 ||
		    record_facet_key_check(f[0]) != NULL)
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
		    record_fields(c, p, len, f, 3) == -1 ||
		    record_id_check(f[0]) != NULL || *f[1] == '\0')
			goto bad;
		kvlist_add(&c->doc->links, f[0], *f[2] != '\0' ? f[2] : NULL,
		    f[1]);
		break;
	case REC_META:
		if (++c->nmeta > X_LIST_MAX ||
		    record_fields(c, p, len, f, 3) == -1 || *f[0] == '\0')
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
		if (record_html(c, p, len) == -1)
			goto bad;
		break;
	default:
		goto bad;
	}
	record_fields_free(f, 3);
	return 0;
bad:
	record_fields_free(f, 3);
	record_garbled(c, "a malformed record");
	return -1;
}

/* Parse every complete record in c->in; keep the rest for later. */
static int
record_parse(struct xcollect *c)
{
	size_t		 off = 0;
	uint32_t	 len;
	int		 r = 0;

	while (c->in.len - off >= REC_HDR) {
		memcpy(&len, c->in.data + off + 1, sizeof len);
		if (len > X_REC_MAX) {
			record_garbled(c, "an oversized record");
			r = -1;
			break;
		}
		if (c->in.len - off - REC_HDR < len)
			break;
		if (record_one(c, (unsigned char)c->in.data[off],
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

/*
 * Read records until EOF or the deadline.  Returns 0 at EOF, 1 on timeout,
 * -1 when the stream must be cut (garbled, too large, read error).
 */
int
record_read(struct xcollect *c, int fd, int64_t deadline)
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
			record_garbled(c, "poll failed");
			return -1;
		}
		if (n == 0)
			continue;
		if ((n = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			record_garbled(c, "read failed");
			return -1;
		}
		if (n == 0)
			return 0;
		c->total += (uint64_t)n;
		/* The child caps what it sends; this is the backstop, with
		 * room for warnings and the records that are never capped. */
		if (c->total > X_OUT_MAX + ((uint64_t)4 << 20)) {
			record_garbled(c, "output over the limit");
			return -1;
		}
		buf_add(&c->in, chunk, (size_t)n);
		if (record_parse(c) == -1)
			return -1;
	}
}
