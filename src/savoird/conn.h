/*
 * conn.h - what every connection savoird accepts has, whichever listener
 * made it (plain.c for plain HTTP and the redirect, tls.c for HTTPS): its
 * place in its listener's connection count (which the server compares to
 * max_connections), one deadline timer (the TLS handshake deadline, then
 * the request deadline) and one close path that says why once.
 *
 * The listener embeds a struct conn in its own connection and gives it
 * two callbacks: expire, when the deadline passes, and close, which ends
 * the connection its own way (plain: as if the client had gone; TLS: once
 * the alert or the 400 has left).  Everything runs on the worker's thread
 * but the count, which any thread may read.  Each connection also has its
 * strict HTTP/1.1 gate (h1.c), through which the listener passes every
 * byte it reads before evhttp sees it.  Include after savoir.h.
 */
#ifndef SAVOIR_CONN_H
#define SAVOIR_CONN_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>

#include "h1.h"

struct event;
struct event_base;

struct conn {
	struct event_base	*base;
	struct event		*deadline;	/* made when first armed */
	atomic_llong		*count;		/* the listener's */
	const char		*kind;		/* "tls", "plain HTTP" */
	const char		*peer;		/* for messages; NULL: none */
	void			(*expire)(struct conn *, void *);
	void			(*close)(struct conn *, void *);
	void			*arg;
	struct h1_gate		 h1;		/* h1_gate_pass */
	int			 request_ms;	/* of the request running */
	unsigned		 in_request:1;	/* request bytes, no answer */
	unsigned		 closing:1;	/* conn_close was called */
};

/* Count c in count and set it up; expire and close get arg. */
void	conn_open(struct conn *, struct event_base *, atomic_llong *count,
	    const char *kind, void (*expire)(struct conn *, void *),
	    void (*close)(struct conn *, void *), void *arg);
/* Free the timer and the gate and leave the count; once, when the
 * connection goes. */
void	conn_done(struct conn *);
/* Call expire in ms milliseconds (0 or less: never). */
void	conn_deadline(struct conn *, int ms);
/* No deadline any more. */
void	conn_deadline_stop(struct conn *);
/*
 * The request deadline: from the first byte of a request to the first
 * byte of its answer.  A client that trickles a request (one byte a
 * second, or one header line every few seconds) never lets a read timeout
 * expire, but it cannot stretch a request past this.  Idle keep-alive
 * connections are evhttp's business (its timeout).  bytes: how many
 * request bytes just came in; ms: the deadline (0: none).
 */
void	conn_request_started(struct conn *, size_t bytes, int ms);
void	conn_request_answered(struct conn *);
/*
 * The connection cannot go on: log "kind: peer: why" at info level once,
 * then call the listener's close.  Later calls do nothing.
 */
void	conn_close(struct conn *, const char *, ...)
	    SAVOIR_PRINTFLIKE(2, 3);
void	conn_vclose(struct conn *, const char *, va_list)
	    SAVOIR_PRINTFLIKE(2, 0);

#endif
