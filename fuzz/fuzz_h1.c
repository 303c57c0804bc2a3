/*
 * fuzz_h1.c - libFuzzer: the HTTP/1.1 gate of h1.c (h1_gate_pass and the
 * head checker h1_check behind it) on any bytes, and the same bytes cut
 * into pieces as TCP may deliver them must give evhttp exactly what they
 * give in one piece: a gate that decided differently on a split head
 * would be a way to smuggle a request past it.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct evbuffer	*whole, *cut;
	size_t		 step;

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
	if (evbuffer_get_length(whole) != evbuffer_get_length(cut) ||
	    memcmp(evbuffer_pullup(whole, -1), evbuffer_pullup(cut, -1),
	    evbuffer_get_length(whole)) != 0)
		abort();	/* cutting the stream changed the decision */
	evbuffer_free(whole);
	evbuffer_free(cut);
	return 0;
}
