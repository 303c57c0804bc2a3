/*
 * h1.c - strict HTTP/1.1 request heads (RFC 9112), checked before evhttp
 * parses them.  evhttp 2.1 is lenient and hides the raw bytes: it takes
 * bare LF line ends, obs-fold continuation lines, a second Content-Length
 * (the first wins, the rest of the body becomes a request: smuggling
 * behind a proxy that takes the last), spaces in the target, and answers
 * what it cannot parse with pages of its own that lack our security
 * headers.  Both listeners (plain.c, tls.c) give each connection's
 * incoming bytes to h1_gate_pass, which lets through only complete heads
 * that pass every check, then exactly the body their Content-Length
 * announces, so that the gate and evhttp always agree where a request
 * ends and the next one starts.
 *
 * A head that fails never reaches evhttp.  The gate puts in its place a
 * request of its own, carrying H1_REFUSED_HEADER ("400 bare_lf") and
 * "Connection: close", which http.c answers like any error of its own:
 * security headers, JSON on /api/, French HTML elsewhere.  Pipelined
 * requests before it are answered first; nothing after it is read.  The
 * gate also refuses what evhttp would refuse with a page of its own (an
 * unknown method: 501, HTTP/2.0: 400, a head over max_header: 431, or 414
 * when the target alone is over max_uri, a Content-Length over max_body:
 * 413, an Expect other than 100-continue: 417), so evhttp never has to.
 *
 * Bodies are never copied nor looked at (moved chain by chain); a head is
 * made contiguous once, when complete, and is at most max_header bytes.
 * This file never writes to a socket and never closes a connection.
 */
#include "config.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "savoir.h"
#include "h1.h"

/* evhttp's defaults until the configuration says (config.c's). */
static atomic_size_t	h1_max_header = 8192;
static atomic_ullong	h1_max_body = 65536;
static atomic_size_t	h1_max_uri = 4096;	/* config.c's default */

/* What the checks learn from a valid head. */
struct h1_head {
	const char	*method;
	size_t		 method_len;
	int		 minor;		/* HTTP/1.minor */
	uint64_t	 length;	/* Content-Length; 0: none */
};

void
h1_set_limits(size_t max_header, uint64_t max_body)
{
	atomic_store(&h1_max_header, max_header);
	atomic_store(&h1_max_body, max_body);
}

void
h1_set_max_uri(size_t max_uri)
{
	atomic_store(&h1_max_uri, max_uri);
}

/*
 * A head over max_header: 414 when its request line alone holds a target
 * over max_uri (a long query, what http.c would call too long had the
 * head fitted), 431 otherwise.  The line may not have ended yet.
 */
static int
h1_too_large(struct evbuffer *held, const char **code)
{
	struct evbuffer_ptr	 lf, sp;
	size_t			 line, target;

	lf = evbuffer_search(held, "\n", 1, NULL);
	line = lf.pos == -1 ? evbuffer_get_length(held) : (size_t)lf.pos;
	sp = evbuffer_search_range(held, " ", 1, NULL, lf.pos == -1 ? NULL :
	    &lf);
	/* Method and space before the target; " HTTP/1.1\r" after it. */
	target = sp.pos == -1 ? 0 : line - (size_t)sp.pos - 1;
	if (lf.pos != -1)
		target = target > 10 ? target - 10 : 0;
	if (target > atomic_load(&h1_max_uri)) {
		*code = "uri_too_long";
		return 414;
	}
	*code = "header_too_large";
	return 431;
}

void
h1_gate_init(struct h1_gate *g)
{
	memset(g, 0, sizeof *g);
}

void
h1_gate_free(struct h1_gate *g)
{
	if (g->held != NULL)
		evbuffer_free(g->held);
	g->held = NULL;
}

/* RFC 9110 5.6.2 tchar. */
static int
h1_tchar(unsigned char ch)
{
	return isalnum(ch) || (ch != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* field-content: HTAB, SP, VCHAR, obs-text; never another control. */
static int
h1_vchar(unsigned char ch)
{
	return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

/* uri-host [ ":" port ] (RFC 3986): reg-name, IP literal, port. */
static int
h1_hostchar(unsigned char ch)
{
	return isalnum(ch) || (ch != '\0' &&
	    strchr("-._~!$&'()*+,;=:[]%", ch) != NULL);
}

static int
h1_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

/* METHOD SP request-target SP HTTP/1.x; 0 or a status for *code. */
static int
h1_request_line(const char *p, size_t n, struct h1_head *h,
    const char **code)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT",
	    "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH" };
	struct evhttp_uri	*u;
	char			*target;
	size_t			 i = 0, t0, k;

	*code = "bad_request_line";
	while (i < n && h1_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i == n || p[i] != ' ')
		return 400;
	h->method = p;
	h->method_len = i;
	t0 = ++i;
	while (i < n && (unsigned char)p[i] > 0x20 &&
	    (unsigned char)p[i] < 0x7f)
		i++;
	if (i == t0 || i == n || p[i] != ' ')
		return 400;
	k = i + 1;
	if (n - k != 8 || memcmp(p + k, "HTTP/", 5) != 0 ||
	    !isdigit((unsigned char)p[k + 5]) || p[k + 6] != '.' ||
	    !isdigit((unsigned char)p[k + 7]))
		return 400;
	if (p[k + 5] != '1') {
		/* Not HTTP/1.x: not a request line we know (400, as
		 * evhttp 2.1 answers). */
		*code = "version_not_supported";
		return 400;
	}
	h->minor = p[k + 7] - '0';
	for (k = 0; k < sizeof known / sizeof known[0]; k++)
		if (strlen(known[k]) == h->method_len &&
		    memcmp(known[k], p, h->method_len) == 0)
			break;
	if (k == sizeof known / sizeof known[0]) {
		*code = "not_implemented";
		return 501;
	}
	if (h1_is(p, h->method_len, "CONNECT")) {
		/* An authority for a target: not something we serve. */
		*code = "method_not_allowed";
		return 405;
	}
	/* evhttp parses the target with exactly this; what it would refuse
	 * (with a page of its own) we refuse first. */
	target = xstrndup(p + t0, i - t0);
	u = evhttp_uri_parse_with_flags(target, EVHTTP_URI_NONCONFORMANT);
	free(target);
	if (u == NULL) {
		*code = "bad_target";
		return 400;
	}
	evhttp_uri_free(u);
	return 0;
}

/* Where the CRLF at or after p is; the head ends with one. */
static const char *
h1_eol(const char *p, const char *end)
{
	const char	*q;

	for (q = p; q + 1 < end; q++)
		if (q[0] == '\r' && q[1] == '\n')
			return q;
	return end;
}

/*
 * Check a complete head (p, n bytes, ending with CRLF CRLF, every LF after
 * a CR): 0 and *h, or the status to answer with and *code.
 */
static int
h1_check(const char *p, size_t n, struct h1_head *h, const char **code)
{
	const char	*end = p + n, *line, *eol, *v, *ve, *q;
	size_t		 i;
	int		 status, ncl = 0, nhost = 0;

	memset(h, 0, sizeof *h);
	eol = h1_eol(p, end);
	if ((status = h1_request_line(p, eol - p, h, code)) != 0)
		return status;
	for (line = eol + 2; line < end; line = eol + 2) {
		eol = h1_eol(line, end);
		if (eol == line)
			break;			/* the empty line */
		*code = "obs_fold";
		if (*line == ' ' || *line == '\t')
			return 400;
		/* No space before the colon (RFC 9112 5.1). */
		*code = "bad_header_name";
		for (i = 0; line + i < eol && h1_tchar((unsigned char)line[i]);)
			i++;
		if (i == 0 || line + i == eol || line[i] != ':')
			return 400;
		if (h1_is(line, i, H1_REFUSED_HEADER))
			return 400;
		*code = "bad_header_value";
		for (q = line + i + 1; q < eol; q++)
			if (!h1_vchar((unsigned char)*q))
				return 400;
		for (v = line + i + 1; v < eol && (*v == ' ' || *v == '\t');)
			v++;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t');)
			ve--;
		if (h1_is(line, i, "Content-Length")) {
			/* One, digits only: "5, 5" or a second one, even
			 * equal, is how request smuggling starts. */
			*code = "duplicate_content_length";
			if (++ncl > 1)
				return 400;
			*code = "bad_content_length";
			if (v == ve || ve - v > 18)
				return 400;
			for (q = v; q < ve; q++) {
				if (!isdigit((unsigned char)*q))
					return 400;
				h->length = h->length * 10 + (uint64_t)(*q - '0');
			}
		} else if (h1_is(line, i, "Transfer-Encoding")) {
			/* No request body but by Content-Length: chunked or
			 * not, alone or with Content-Length. */
			*code = "transfer_encoding";
			return 400;
		} else if (h1_is(line, i, "Host")) {
			*code = "duplicate_host";
			if (++nhost > 1)
				return 400;
			*code = "bad_host";
			for (q = v; q < ve; q++)
				if (!h1_hostchar((unsigned char)*q))
					return 400;
		} else if (h1_is(line, i, "Expect")) {
			*code = "expectation_failed";
			if (!(ve - v == 12 && strncasecmp(v, "100-continue",
			    12) == 0))
				return 417;
		}
	}
	*code = "missing_host";
	if (h->minor >= 1 && nhost == 0)
		return 400;
	/* evhttp reads no body after HEAD or TRACE: it would be a request. */
	*code = "unexpected_body";
	if (h->length > 0 && (h1_is(h->method, h->method_len, "HEAD") ||
	    h1_is(h->method, h->method_len, "TRACE")))
		return 400;
	*code = "body_too_large";
	if (h->length > atomic_load(&h1_max_body))
		return 413;
	return 0;
}

/*
 * Drop the held bytes and hand evhttp, instead, a request that http.c
 * answers with status and closes on.  GET or HEAD as asked, on /api/ if
 * the target was there, so the answer has the right form.
 */
static void
h1_refuse(struct h1_gate *g, struct evbuffer *dst, int status,
    const char *code, const char *kind, const char *peer)
{
	char		 start[64];
	const char	*method = "GET", *target = "/", *sp;
	ev_ssize_t	 n;

	n = evbuffer_copyout(g->held, start, sizeof start - 1);
	start[n > 0 ? n : 0] = '\0';
	if (strncmp(start, "HEAD ", 5) == 0)
		method = "HEAD";
	if ((sp = strchr(start, ' ')) != NULL &&
	    strncmp(sp + 1, "/api", 4) == 0 && strchr("/? ", sp[5]) != NULL &&
	    sp[5] != '\0')
		target = "/api/";
	log_info("%s: %s: refused a request head: %d %s", kind,
	    peer != NULL ? peer : "-", status, code);
	evbuffer_drain(g->held, evbuffer_get_length(g->held));
	g->refused = 1;
	evbuffer_add_printf(dst, "%s %s HTTP/1.1\r\nHost: savoir\r\n"
	    "Connection: close\r\n" H1_REFUSED_HEADER ": %d %s\r\n\r\n",
	    method, target, status, code);
}

/*
 * Look for the end of the head at the start of held, from where the last
 * look stopped: 1 and *end (its length), 0 to wait for more, or a status
 * and *code.  Every LF must follow a CR; one empty line before a request
 * line is dropped (RFC 9112 2.2: after a body, some clients add one), a
 * second is a bad request line.
 */
static int
h1_find_end(struct h1_gate *g, size_t *end, const char **code)
{
	struct evbuffer_ptr	 pos;
	unsigned char		 b[3];
	size_t			 len = evbuffer_get_length(g->held), at;
	size_t			 max = atomic_load(&h1_max_header);

	for (;;) {
		if (evbuffer_ptr_set(g->held, &pos, g->scanned,
		    EVBUFFER_PTR_SET) == -1)
			break;
		pos = evbuffer_search(g->held, "\n", 1, &pos);
		if (pos.pos == -1)
			break;
		at = (size_t)pos.pos;
		*code = "bare_lf";
		if (at == 0)
			return 400;
		if (at >= 3)
			evbuffer_ptr_set(g->held, &pos, at - 3,
			    EVBUFFER_PTR_SET);
		else
			evbuffer_ptr_set(g->held, &pos, 0, EVBUFFER_PTR_SET);
		memset(b, 0, sizeof b);
		if (at >= 3)
			evbuffer_copyout_from(g->held, &pos, b, 3);
		else
			evbuffer_copyout_from(g->held, &pos, b + 3 - at, at);
		if (b[2] != '\r')
			return 400;
		if (at == 1) {
			/* CRLF before the request line. */
			*code = "bad_request_line";
			if (g->skipped)
				return 400;
			g->skipped = 1;
			evbuffer_drain(g->held, 2);
			g->scanned = 0;
			len -= 2;
			continue;
		}
		g->scanned = at + 1;
		if (at >= 3 && b[0] == '\r' && b[1] == '\n') {
			*end = at + 1;
			return *end > max ? h1_too_large(g->held, code) : 1;
		}
	}
	g->scanned = len;
	return len > max ? h1_too_large(g->held, code) : 0;
}

size_t
h1_gate_pass(struct h1_gate *g, struct evbuffer *src, struct evbuffer *dst,
    const char *kind, const char *peer)
{
	struct h1_head	 h;
	const char	*code;
	unsigned char	*head;
	size_t		 len, n, end = 0, before = evbuffer_get_length(dst);
	int		 r;

	if (g->refused) {
		evbuffer_drain(src, evbuffer_get_length(src));
		return 0;
	}
	if (g->held == NULL && (g->held = evbuffer_new()) == NULL)
		fatalx("h1: cannot create a buffer");
	evbuffer_add_buffer(g->held, src);
	while ((len = evbuffer_get_length(g->held)) > 0) {
		if (g->body > 0) {
			n = len < g->body ? len : (size_t)g->body;
			evbuffer_remove_buffer(g->held, dst, n);
			g->body -= n;
			continue;
		}
		r = h1_find_end(g, &end, &code);
		if (r == 0)
			break;
		if (r == 1) {
			if ((head = evbuffer_pullup(g->held, end)) == NULL)
				fatalx("h1: cannot make a head contiguous");
			r = h1_check((const char *)head, end, &h, &code);
		}
		if (r != 0) {
			h1_refuse(g, dst, r, code, kind, peer);
			break;
		}
		evbuffer_remove_buffer(g->held, dst, end);
		g->scanned = 0;
		g->skipped = 0;
		g->body = h.length;
	}
	return evbuffer_get_length(dst) - before;
}
