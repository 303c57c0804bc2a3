/*
 * tls_int.h - what the two halves of savoird's TLS share: tls_worker.c,
 * each worker's configuration (struct tls_worker, struct tls_conf), and
 * tls.c, the connection adapter that uses it.  Nothing else includes
 * this file: the rest of savoird sees a tls_worker only through tls.h.
 */
#ifndef SAVOIR_TLS_INT_H
#define SAVOIR_TLS_INT_H

#include <stdatomic.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

/* One worker's configuration for one tls_ctx; used on that thread only. */
struct tls_conf {
	int				 refs;
	struct tls_worker		*w;
	struct tls_ctx			*ctx;
	mbedtls_ctr_drbg_context	 drbg;
	mbedtls_x509_crt		 chain;
	mbedtls_pk_context		 key;
	mbedtls_ssl_config		 ssl;
};

struct tls_worker {
	atomic_int		 refs;	/* owner + open connections */
	struct event_base	*base;
	struct tls_conf		*conf;	/* for new connections */
	_Atomic(struct tls_ctx *) pending;
	atomic_int		 handshake_ms;
	atomic_int		 request_ms;
	struct pool		*pool;	/* the worker's cap; may be NULL */
	struct {
		atomic_ullong	 handshakes;
		atomic_ullong	 resumed;
		atomic_ullong	 failed;
		atomic_ullong	 timeouts;
		atomic_ullong	 plain_http;
		atomic_llong	 active;
	} st;
};

/* tls_worker.c */
struct tls_conf	*tls_conf_ref(struct tls_conf *);
void		 tls_conf_free(struct tls_conf *);	/* drops a reference */
void		 tls_worker_unref(struct tls_worker *);
/* On the worker's thread: switch to a context handed over by a reload. */
void		 tls_worker_update(struct tls_worker *);

#endif /* SAVOIR_TLS_INT_H */
