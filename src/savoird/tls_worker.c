/*
 * tls_worker.c - each worker's TLS configuration: struct tls_worker (its
 * counters, deadlines and the context a reload hands over) and struct
 * tls_conf, the mbedtls_ssl_config a worker builds from the certificate
 * store of cert.c (TLS 1.2 only, ECDHE + AEAD suites, its own CTR-DRBG,
 * session tickets counted as resumptions).  A configuration is reference
 * counted on the worker's thread: each connection (tls.c) keeps the one it
 * started with, so a reload never disturbs a connection in flight.
 *
 * This file never reads certificate files (cert.c does) and never touches
 * a socket.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include "savoir.h"
#include "tls.h"
#include "cert.h"
#include "tls_int.h"

/*
 * TLS 1.2 only (Debian's 2.28 has no 1.3): forward secrecy and AEAD, the
 * suites Mozilla's "intermediate" profile keeps.  These arrays must outlive
 * every mbedtls_ssl_config pointing at them: they are static.
 */
static const int tls_suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	0
};
/* The default order starts with P-521, ~6 ms of CPU per handshake. */
static const mbedtls_ecp_group_id tls_curves[] = {
	MBEDTLS_ECP_DP_CURVE25519,
	MBEDTLS_ECP_DP_SECP256R1,
	MBEDTLS_ECP_DP_SECP384R1,
	MBEDTLS_ECP_DP_NONE
};

/* The ticket callbacks, wrapped to count resumptions per worker. */
static int
tls_ticket_write(void *arg, const mbedtls_ssl_session *s,
    unsigned char *start, const unsigned char *end, size_t *len,
    uint32_t *lifetime)
{
	struct tls_conf	*cf = arg;

	return mbedtls_ssl_ticket_write(&cf->ctx->shared->ticket, s, start,
	    end, len, lifetime);
}

static int
tls_ticket_parse(void *arg, mbedtls_ssl_session *s, unsigned char *buf,
    size_t len)
{
	struct tls_conf	*cf = arg;
	int		 r;

	r = mbedtls_ssl_ticket_parse(&cf->ctx->shared->ticket, s, buf, len);
	if (r == 0)
		atomic_fetch_add(&cf->w->st.resumed, 1);
	return r;
}

static struct tls_conf *
tls_conf_new(struct tls_worker *w, struct tls_ctx *ctx, char **cause)
{
	static const char	 pers[] = "savoir tls worker";
	struct tls_conf		*cf;
	char			 e[128];
	int			 r;

	cf = xcalloc(1, sizeof *cf);
	cf->refs = 1;
	cf->w = w;
	cf->ctx = tls_ctx_ref(ctx);
	mbedtls_ctr_drbg_init(&cf->drbg);
	mbedtls_x509_crt_init(&cf->chain);
	mbedtls_pk_init(&cf->key);
	mbedtls_ssl_config_init(&cf->ssl);

	/* Each worker its own generator: no lock on the handshake path. */
	if ((r = mbedtls_ctr_drbg_seed(&cf->drbg, mbedtls_entropy_func,
	    &ctx->shared->entropy, (const unsigned char *)pers,
	    sizeof pers - 1)) != 0) {
		xasprintf(cause, "cannot seed the random generator: %s",
		    cert_strerror(r, e, sizeof e));
		goto fail;
	}
	if (cert_parse_pair(ctx->cert_pem, ctx->cert_len, "certificate",
	    ctx->key_pem, ctx->key_len, "key", &cf->chain, &cf->key,
	    cause) == -1)
		goto fail;
	if ((r = mbedtls_ssl_config_defaults(&cf->ssl, MBEDTLS_SSL_IS_SERVER,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		xasprintf(cause, "cannot configure TLS: %s",
		    cert_strerror(r, e, sizeof e));
		goto fail;
	}
	/* Debian builds TLS 1.0 and 1.1 in, and has no 1.3. */
	mbedtls_ssl_conf_min_version(&cf->ssl, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(&cf->ssl, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&cf->ssl, tls_suites);
	mbedtls_ssl_conf_curves(&cf->ssl, tls_curves);
	mbedtls_ssl_conf_rng(&cf->ssl, mbedtls_ctr_drbg_random, &cf->drbg);
	mbedtls_ssl_conf_renegotiation(&cf->ssl,
	    MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	if ((r = mbedtls_ssl_conf_own_cert(&cf->ssl, &cf->chain,
	    &cf->key)) != 0) {
		xasprintf(cause, "cannot use the certificate: %s",
		    cert_strerror(r, e, sizeof e));
		goto fail;
	}
	mbedtls_ssl_conf_session_tickets_cb(&cf->ssl, tls_ticket_write,
	    tls_ticket_parse, cf);
	return cf;
fail:
	tls_conf_free(cf);
	return NULL;
}

struct tls_conf *
tls_conf_ref(struct tls_conf *cf)
{
	cf->refs++;
	return cf;
}

void
tls_conf_free(struct tls_conf *cf)
{
	if (cf == NULL || --cf->refs > 0)
		return;
	mbedtls_ssl_config_free(&cf->ssl);
	mbedtls_pk_free(&cf->key);
	mbedtls_x509_crt_free(&cf->chain);
	mbedtls_ctr_drbg_free(&cf->drbg);
	tls_ctx_free(cf->ctx);
	free(cf);
}

struct tls_worker *
tls_worker_new(struct event_base *base, struct tls_ctx *ctx,
    int handshake_ms, char **cause)
{
	struct tls_worker	*w;

	w = xcalloc(1, sizeof *w);
	atomic_init(&w->refs, 1);
	w->base = base;
	atomic_init(&w->pending, NULL);
	atomic_init(&w->handshake_ms, handshake_ms);
	if ((w->conf = tls_conf_new(w, ctx, cause)) == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

void
tls_worker_unref(struct tls_worker *w)
{
	if (atomic_fetch_sub(&w->refs, 1) != 1)
		return;
	tls_ctx_free(atomic_exchange(&w->pending, NULL));
	tls_conf_free(w->conf);
	free(w);
}

void
tls_worker_free(struct tls_worker *w)
{
	if (w != NULL)
		tls_worker_unref(w);
}

void
tls_worker_set_ctx(struct tls_worker *w, struct tls_ctx *ctx)
{
	tls_ctx_free(atomic_exchange(&w->pending, tls_ctx_ref(ctx)));
}

void
tls_worker_set_request_ms(struct tls_worker *w, int ms)
{
	atomic_store(&w->request_ms, ms);
}

void
tls_worker_set_handshake_ms(struct tls_worker *w, int ms)
{
	atomic_store(&w->handshake_ms, ms);
}

void
tls_worker_stats(struct tls_worker *w, struct tls_stats *st)
{
	st->handshakes = atomic_load(&w->st.handshakes);
	st->resumed = atomic_load(&w->st.resumed);
	st->failed = atomic_load(&w->st.failed);
	st->timeouts = atomic_load(&w->st.timeouts);
	st->plain_http = atomic_load(&w->st.plain_http);
	st->active = atomic_load(&w->st.active);
}

void
tls_worker_update(struct tls_worker *w)
{
	struct tls_ctx	*ctx;
	struct tls_conf	*cf;
	char		*cause;

	if (atomic_load(&w->pending) == NULL ||
	    (ctx = atomic_exchange(&w->pending, NULL)) == NULL)
		return;
	if ((cf = tls_conf_new(w, ctx, &cause)) == NULL) {
		log_warnx("tls: keeping the previous certificate: %s", cause);
		free(cause);
	} else {
		tls_conf_free(w->conf);
		w->conf = cf;
	}
	tls_ctx_free(ctx);
}
