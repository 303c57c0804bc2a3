/*
 * h1.h - the strict HTTP/1.1 gate (h1.c) that every request head crosses
 * before evhttp sees it, on every listener.  Include after savoir.h.
 */
#ifndef SAVOIR_H1_H
#define SAVOIR_H1_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

/*
 * The header a refused head is replaced with, "<status> <code>": the gate
 * refuses any request that carries it, so a request evhttp hands over
 * with it was made by the gate (http.c answers it).
 */
#define H1_REFUSED_HEADER	"X-Savoir-Refused"

struct h1_gate {
	struct evbuffer	*held;		/* the start of a head; NULL: none */
	uint64_t	 body;		/* body bytes still to pass as they are */
	size_t		 scanned;	/* bytes of held searched for LF */
	unsigned	 skipped:1;	/* an empty line before this head */
	unsigned	 refused:1;	/* nothing more goes through */
};

/* The header size and body size limits (those set on evhttp); any thread. */
void	h1_set_limits(size_t max_header, uint64_t max_body);
/* The target size limit (http.c's 414), to tell a head over max_header
 * because of its target from one with too many headers; any thread. */
void	h1_set_max_uri(size_t max_uri);
void	h1_gate_init(struct h1_gate *);
void	h1_gate_free(struct h1_gate *);
/*
 * Take every byte of src (it ends up empty) and append to dst (evhttp's
 * input) what may go on: whole request heads that are valid HTTP/1.1 and
 * the bodies their Content-Length announces, passed without a look.  The
 * first invalid head is replaced by a request of the gate's own, which
 * closes the connection, and everything after it is dropped.  kind and
 * peer (NULL: unknown) are for the log.  Returns how many bytes went to
 * dst.
 */
size_t	h1_gate_pass(struct h1_gate *, struct evbuffer *src,
	    struct evbuffer *dst, const char *kind, const char *peer);

#endif
