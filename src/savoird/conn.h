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

#include <sys/queue.h>

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "h1.h"

struct event;
struct event_base;
struct pool;
struct pool_addr;

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
	unsigned		 quiet:1;	/* conn_close logs nothing */
	/* The worker's pool (pool.c), once joined; NULL: not in one. */
	struct pool		*pool;
	TAILQ_ENTRY(conn)	 entry;		/* in the pool */
	int64_t			 mark_us;	/* accepted, or last progress */
	struct pool_addr	*addr;		/* counted for its address */
	unsigned		 pending:1;	/* address not checked yet */
	/* Set by the listener: the socket (-1: none yet), whether an
	 * answer is still leaving (such a connection is never shed), and
	 * (may be NULL) a call once evhttp has taken the connection over,
	 * just after the accept. */
	int			(*fd)(struct conn *, void *);
	int			(*busy)(struct conn *, void *);
	void			(*settled)(struct conn *, void *);
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

/*
 * pool.c - a worker's connections: the exact cap, the per-address limit
 * and shedding.  pause(arg, 1) must stop the worker's listeners at once
 * (from inside the accept loop), pause(arg, 0) resume them.
 */
struct pool_stats {
	long long		 active;
	int			 cap;
	unsigned long long	 shed;
	unsigned long long	 refused_cap;
	unsigned long long	 refused_address;
};
struct pool	*pool_new(struct event_base *, void (*pause)(void *, int),
		    void *arg);
void		 pool_free(struct pool *);	/* after its connections */
/* cap per worker; per_address server-wide (0: none); shed_ms 0: never. */
void		 pool_set(struct pool *, int cap, int per_address,
		    int shed_ms);
/* A connection just accepted (after conn_open, with fd and busy set):
 * counts it, shedding a stale one at the cap, or closes it. */
void		 pool_join(struct pool *, struct conn *);
/* conn_done calls it; a listener may call it sooner, once the client is
 * gone but the descriptor not yet closed. */
void		 pool_leave(struct conn *);
void		 pool_touch(struct conn *);	/* a request began or ended */
void		 pool_tick(struct pool *);	/* timer: resume accepting */
void		 pool_stats(struct pool *, struct pool_stats *);

#endif
