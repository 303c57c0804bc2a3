/*
 * tls.h - HTTPS for savoird: mbedTLS 2.28 under libevent 2.1's evhttp.
 *
 * libevent 2.1 has no mbedTLS bufferevent, so tls.c adapts one: a
 * filtering bufferevent over a socket bufferevent, handed to evhttp through
 * evhttp_set_bevcb().  Four files implement this header: cert.c (struct
 * tls_ctx), selfsigned.c (tls_selfsigned), tls_worker.c (struct
 * tls_worker) and tls.c (the connections, whose deadlines and count are
 * conn.c's).  Three
 * objects, from the longest-lived to the shortest:
 *
 *   struct tls_ctx     the server's identity: certificate chain and private
 *                      key read from PEM files, one entropy source and the
 *                      session-ticket keys.  Shared by every worker thread,
 *                      reference counted atomically.  A reload (SIGHUP)
 *                      builds a new one and hands it to each worker.
 *   struct tls_worker  what one worker thread needs: its own CTR-DRBG and
 *                      mbedtls_ssl_config (TLS 1.2 only, ECDHE + AEAD
 *                      suites, X25519/P-256/P-384, session tickets), the
 *                      handshake deadline and counters.  Lives on its
 *                      worker's thread; only tls_worker_set_ctx,
 *                      tls_worker_set_handshake_ms and tls_worker_stats may
 *                      be called from another thread.
 *   connections        one per accepted socket, made for evhttp; each keeps
 *                      the configuration it started with until it closes,
 *                      so a reload never disturbs a connection in flight.
 *
 * Rules for the caller:
 *   - ignore SIGPIPE (the adapter writes to sockets the peer may have
 *     closed);
 *   - the adapter owns evhttp's close callback of the connections it makes
 *     (it sends close_notify there): do not call
 *     evhttp_connection_set_closecb() on them;
 *   - free a worker's evhttp before its event_base, and the tls_worker
 *     whenever convenient: connections hold their own references.
 *
 * Messages handed back through *cause are English, for the administrator's
 * log; the caller frees them.
 */
#ifndef SAVOIR_TLS_H
#define SAVOIR_TLS_H

#include <stdint.h>

struct event_base;
struct evhttp;
struct tls_ctx;
struct tls_worker;

/*
 * Load a certificate chain (PEM, leaf first) and its private key (PEM,
 * unencrypted, ECDSA or RSA).  Fails with *cause naming the file and the
 * reason: unreadable, not a certificate, not a key, encrypted key, key that
 * does not match the certificate, certificate expired or not yet valid.
 * Symbolic links are followed (certbot's live/ directory is made of them).
 *
 * prev, when not NULL, is the context being replaced: the new one shares
 * its entropy source and session-ticket keys, so tickets issued before a
 * reload still resume afterwards.  Returns a context holding one reference.
 */
struct tls_ctx	*tls_ctx_new(const char *cert, const char *key,
		    struct tls_ctx *prev, char **cause);
/* Take one more reference (any thread); returns ctx. */
struct tls_ctx	*tls_ctx_ref(struct tls_ctx *);
/* Drop one reference (any thread); the last one frees.  NULL is fine. */
void		 tls_ctx_free(struct tls_ctx *);
/*
 * One line for the start-up log: subject, expiry and the certificate's
 * SHA-256 fingerprint ("CN=localhost, expires 2026-06-01, sha256
 * AB:CD:..."). Caller frees.
 */
char		*tls_ctx_describe(const struct tls_ctx *);
/* Its public key pin, "sha256//<base64>" (owned by the context). */
const char	*tls_ctx_pin(const struct tls_ctx *);

/*
 * The certificate used when none is configured.  In dir (created 0700 if
 * missing) keep selfsigned.key, an ECDSA P-256 key written 0600, and
 * selfsigned.crt, a self-signed certificate for DNS localhost, DNS host
 * (when given and not "localhost"), IP 127.0.0.1 and IP ::1.  Both files
 * are written atomically (temporary file, fsync, rename), under an flock
 * on dir/selfsigned.lock so two daemons sharing dir never make two keys.
 *
 * Later starts reuse them.  The key is kept for good; the certificate
 * (valid 397 days) is issued again with the same key only when it is
 * missing, unreadable, for another key, no longer names host, or expires
 * within 30 days, so a client that pinned the public key keeps trusting
 * the server.  On success *cert and *key get the two paths (caller frees).
 */
int		 tls_selfsigned(const char *dir, const char *host, char **cert,
		    char **key, char **cause);

/* Counters of one worker, readable from any thread. */
struct tls_stats {
	uint64_t	handshakes;	/* completed */
	uint64_t	resumed;	/* of which from a session ticket */
	uint64_t	failed;		/* bad handshakes: garbage, no suite */
	uint64_t	timeouts;	/* cut at the handshake deadline */
	uint64_t	plain_http;	/* plain HTTP sent to the TLS port */
	int64_t		active;		/* connections open now */
};

/*
 * A worker's TLS state on base with ctx (the worker takes its own
 * reference).  handshake_ms: a client that has not finished its handshake
 * that long after connecting is cut (0: no deadline).  NULL with *cause if
 * the random generator cannot be seeded.
 */
struct tls_worker *tls_worker_new(struct event_base *, struct tls_ctx *,
		    int handshake_ms, char **cause);
/* Drop the owner's reference; open connections keep theirs.  NULL is
 * fine.  Call on the worker's thread, or once it has stopped. */
void		 tls_worker_free(struct tls_worker *);
/*
 * Serve TLS on every connection http accepts from now on (sets http's
 * bufferevent callback).  http must run on the worker's event_base.
 */
void		 tls_worker_attach(struct tls_worker *, struct evhttp *);
struct pool;
/* New connections join this pool (conn.h: the worker's cap). */
void		 tls_worker_set_pool(struct tls_worker *, struct pool *);
/*
 * Use ctx for the connections accepted from now on (takes its own
 * reference).  Safe from any thread: the worker builds its new
 * configuration on its own thread at its next connection.
 */
void		 tls_worker_set_ctx(struct tls_worker *, struct tls_ctx *);
/* Change the handshake deadline for new connections; any thread. */
void		 tls_worker_set_handshake_ms(struct tls_worker *, int);
/* Time allowed from a request's first byte to its answer (0: none), for
 * new connections; any thread.  Cuts clients that trickle requests. */
void		 tls_worker_set_request_ms(struct tls_worker *, int);
/* Copy the worker's counters; any thread. */
void		 tls_worker_stats(struct tls_worker *, struct tls_stats *);

#endif
