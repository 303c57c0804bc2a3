/*
 * fuzz_h1.c - libFuzzer: the HTTP/1.1 gate of h1.c (h1_gate_pass and the
 * head checker h1_check behind it) on any bytes, and the same bytes cut
 * into pieces as TCP may deliver them must give evhttp the same requests
 * as in one piece, and be refused, or not, alike: a gate that decided
 * differently on a split head would be a way to smuggle a request past
 * it.  Only the request the gate makes up in place of a refused head may
 * differ (its status, and its method and target, come from the bytes
 * held when it refused).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "savoird.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Pass data through a new gate in pieces of at most step bytes (0: one
 * piece); what reached evhttp. */
static struct evbuffer *
gate(const uint8_t *data, size_t len, size_t step)
{
	struct h1_gate	 g;
	struct evbuffer	*src, *dst;
	size_t		 off, n, total = 0;

	src = evbuffer_new();
	dst = evbuffer_new();
	if (src == NULL || dst == NULL)
		abort();
	h1_gate_init(&g);
	for (off = 0; off < len || off == 0; off += n) {
		n = step == 0 || len - off < step ? len - off : step;
		evbuffer_add(src, data + off, n);
		total += h1_gate_pass(&g, src, dst, "fuzz", NULL);
		if (evbuffer_get_length(src) != 0)
			abort();	/* the gate takes every byte */
		if (n == 0)
			break;
	}
	if (total != evbuffer_get_length(dst))
		abort();
	h1_gate_free(&g);
	evbuffer_free(src);
	return dst;
}

/*
 * The length of what the gate passed before the request it made up in
 * place of a refused head (it ends out), or len when it refused nothing.
 */
static size_t
passed(const unsigned char *out, size_t len)
{
	static const char	 mark[] = " HTTP/1.1\r\nHost: savoir\r\n"
	    "Connection: close\r\n" H1_REFUSED_HEADER ": ";
	static const char *const starts[] = { "GET /", "GET /api/", "HEAD /",
	    "HEAD /api/" };
	const unsigned char	*p, *last = NULL;
	size_t			 i, at, n;

	if (len == 0)
		return 0;
	for (p = out; (p = memmem(p, len - (size_t)(p - out), mark,
	    sizeof mark - 1)) != NULL; p++)
		last = p;
	if (last == NULL)
		return len;
	at = (size_t)(last - out);
	for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
		n = strlen(starts[i]);
		if (at >= n && memcmp(out + at - n, starts[i], n) == 0)
			return at - n;
	}
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct evbuffer	*whole, *cut;
	unsigned char	*w, *c;
	size_t		 step, nw, nc, pw, pc;

	if (len < 1)
		return 0;
	if (log_get_level() <= SAVOIR_LOG_ERROR) {
		log_set_level(SAVOIR_LOG_ERROR + 1);	/* refusals are normal */
		h1_set_limits(1024, 1 << 20);
	}
	step = data[0] % 16 + 1;	/* the first byte: how to cut */
	data++;
	len--;
	whole = gate(data, len, 0);
	cut = gate(data, len, step);
	nw = evbuffer_get_length(whole);
	nc = evbuffer_get_length(cut);
	w = nw > 0 ? evbuffer_pullup(whole, -1) : NULL;
	c = nc > 0 ? evbuffer_pullup(cut, -1) : NULL;
	pw = passed(w, nw);
	pc = passed(c, nc);
	if (pw != pc || (pw == nw) != (pc == nc) || (pw > 0 &&
	    memcmp(w, c, pw) != 0))
		abort();	/* cutting the stream changed the decision */
	evbuffer_free(whole);
	evbuffer_free(cut);
	return 0;
}
